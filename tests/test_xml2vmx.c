/* Corpus test of XML -> VMX: libvirt 9.0's own xml2vmx suite
 * (testdata/libvirt/xml2vmx, 60 cases) and the extra cases made with lvref
 * (testdata/xml2vmx-extra). Each XML is read with vmx_domain_from_xml and
 * written with vmx_domain_to_vmx at the case's virtualHW version; the text
 * must be libvirt's byte for byte. Failures print the first differing line. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmxkit/convert.h"
#include "vmxkit/domain.h"
#include "vmxkit/error.h"
#include "vmxkit/io.h"
#include "vmxkit/vmxfile.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    cr_assert(f, "cannot open %s", path);
    cr_assert_eq(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    cr_assert_geq(n, 0);
    rewind(f);
    buf = malloc((size_t)n + 1);
    cr_assert(buf);
    cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return buf;
}

/* Print the first line where @got and @want differ. */
static void report_diff(const char *name, const char *got, const char *want)
{
    unsigned line = 1;
    const char *g = got, *w = want;

    while (*g && *g == *w) {
        if (*g == '\n')
            line++;
        g++;
        w++;
    }
    /* back to the start of the line */
    while (g > got && g[-1] != '\n') {
        g--;
        w--;
    }
    cr_log_error("%s: line %u differs\n  got:  %.*s\n  want: %.*s", name, line,
                 (int)strcspn(g, "\n"), g, (int)strcspn(w, "\n"), w);
}

/* 0 when @vmx (written for @dom) reads back as the XML of @dom. */
static int reads_back(const char *name, const vmx_domain *dom, const char *vmx,
                      const vmx_convert_options *opts)
{
    vmx_error err = VMX_ERROR_INIT;
    vmx_config *cfg = NULL;
    vmx_domain *back = NULL;
    char *want = NULL, *got = NULL;
    int ok = -1;

    if (vmx_domain_to_xml(&want, NULL, dom, opts, &err) < 0 ||
        vmx_config_parse(&cfg, vmx, strlen(vmx), name, NULL, &err) < 0 ||
        vmx_domain_from_vmx(&back, cfg, opts, &err) < 0 ||
        vmx_domain_to_xml(&got, NULL, back, opts, &err) < 0)
        cr_log_error("%s: the VMX does not read back: %s [%s]", name, err.message,
                     err.key);
    else if (strcmp(got, want) != 0)
        report_diff(name, got, want);
    else
        ok = 0;
    vmx_free(want);
    vmx_free(got);
    vmx_domain_free(back);
    vmx_config_free(cfg);
    return ok;
}

/* Convert one case; 0 when the output is the expected text. When @vmx_name
 * is NULL libvirt rejects the XML: then vmxkit writes it beyond libvirt and
 * the VMX must read back as the same XML, unless the XML has no <name>,
 * which the reader refuses as libvirt does (tests/test_roundtrip.c). */
static int run_case(const char *dir, const char *xml_name, const char *vmx_name, int hw)
{
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    vmx_error err = VMX_ERROR_INIT;
    vmx_domain *dom = NULL;
    char path[1024];
    char *xml, *want = NULL, *got = NULL;
    size_t len;
    int rc, ok = -1;

    snprintf(path, sizeof(path), "%s/%s", dir, xml_name);
    xml = slurp(path, &len);
    if (vmx_name) {
        snprintf(path, sizeof(path), "%s/%s", dir, vmx_name);
        want = slurp(path, NULL);
    }
    opts.hw_version = hw;

    rc = vmx_domain_from_xml(&dom, xml, len, xml_name, &opts, &err);
    if (rc == 0)
        rc = vmx_domain_to_vmx(&got, NULL, dom, &opts, &err);
    if (!want) {
        if (rc == 0)
            ok = reads_back(xml_name, dom, got, &opts);
        else
            cr_log_error("%s: libvirt rejects it, vmxkit too: %s [%s]", xml_name,
                         err.message, err.key);
        goto out;
    }
    if (rc < 0) {
        cr_log_error("%s: %s: rc %d: %s [%s]", xml_name,
                     dom ? "writing VMX" : "reading XML", rc, err.message, err.key);
        goto out;
    }
    if (strcmp(got, want) != 0) {
        report_diff(xml_name, got, want);
        goto out;
    }
    ok = 0;
out:
    vmx_free(got);
    vmx_domain_free(dom);
    free(xml);
    free(want);
    return ok;
}

/* Round trips: CASES.tsv lists an XML file under testdata (what libvirt
 * wrote for a VMX file), the expected VMX in @dir ("-" when libvirt rejects
 * the XML) and the virtualHW version. */
static void run_roundtrips(const char *dir, int *total, int *passed, int *rejected)
{
    char path[1024], line[1024];
    FILE *f;

    *total = *passed = *rejected = 0;
    snprintf(path, sizeof(path), "%s/CASES.tsv", dir);
    f = fopen(path, "r");
    cr_assert(f, "cannot open %s", path);
    while (fgets(line, sizeof(line), f)) {
        char xml[512], vmx[512], xml_path[700];
        int hw;

        cr_assert_eq(sscanf(line, "%511[^\t]\t%511[^\t]\t%d", xml, vmx, &hw), 3,
                     "bad line in %s: %s", path, line);
        snprintf(xml_path, sizeof(xml_path), "../../%s", xml);
        (*total)++;
        if (strcmp(vmx, "-") == 0)
            (*rejected)++;
        if (run_case(dir, xml_path, strcmp(vmx, "-") == 0 ? NULL : vmx, hw) == 0)
            (*passed)++;
    }
    fclose(f);
}

/* Run every case of @dir/CASES.tsv; @libvirt_layout: columns are input name,
 * expected name, hw version and files are xml2vmx-NAME.{xml,vmx}; else
 * columns are name and hw version and files NAME.{xml,vmx}. */
static void run_corpus(const char *dir, bool libvirt_layout, int *total, int *passed)
{
    char path[1024], line[512];
    FILE *f;

    *total = *passed = 0;
    snprintf(path, sizeof(path), "%s/CASES.tsv", dir);
    f = fopen(path, "r");
    cr_assert(f, "cannot open %s", path);
    while (fgets(line, sizeof(line), f)) {
        char in[200], exp[200], xml_name[256], vmx_name[256];
        int hw, n;

        if (line[0] == '#' || line[0] == '\n')
            continue;
        if (libvirt_layout) {
            n = sscanf(line, "%199s %199s %d", in, exp, &hw);
            cr_assert_eq(n, 3, "bad line in %s: %s", path, line);
            snprintf(xml_name, sizeof(xml_name), "xml2vmx-%s.xml", in);
            snprintf(vmx_name, sizeof(vmx_name), "xml2vmx-%s.vmx", exp);
        } else {
            n = sscanf(line, "%199s %d", in, &hw);
            cr_assert_eq(n, 2, "bad line in %s: %s", path, line);
            snprintf(xml_name, sizeof(xml_name), "%s.xml", in);
            snprintf(vmx_name, sizeof(vmx_name), "%s.vmx", in);
        }
        (*total)++;
        if (run_case(dir, xml_name, vmx_name, hw) == 0)
            (*passed)++;
    }
    fclose(f);
}

Test(xml2vmx, libvirt_suite_is_reproduced_byte_for_byte)
{
    int total, passed;

    run_corpus(TESTDATA_DIR "/libvirt/xml2vmx", true, &total, &passed);
    cr_log_info("libvirt xml2vmx: %d/%d", passed, total);
    cr_assert_eq(total, 60);
    cr_assert_eq(passed, total, "%d of %d cases differ", total - passed, total);
}

Test(xml2vmx, extra_cases_are_reproduced_byte_for_byte)
{
    int total, passed;

    run_corpus(TESTDATA_DIR "/xml2vmx-extra", false, &total, &passed);
    cr_log_info("extra xml2vmx: %d/%d", passed, total);
    cr_assert_geq(total, 30);
    cr_assert_eq(passed, total, "%d of %d cases differ", total - passed, total);
}

Test(xml2vmx, libvirt_xml_of_vmx_files_converts_back)
{
    int total, passed, rejected;

    run_roundtrips(TESTDATA_DIR "/xml2vmx-extra/roundtrip", &total, &passed, &rejected);
    cr_log_info("round trips: %d/%d (%d rejected as by libvirt)", passed, total,
                rejected);
    /* the 72 XML files of libvirt's vmx2xml suite and the 34 wild ones */
    cr_assert_eq(total, 106);
    cr_assert_gt(rejected, 0);
    cr_assert_eq(passed, total, "%d of %d cases differ", total - passed, total);
}
