/* Corpus test of VMX -> domain -> libvirt XML: each input goes through
 * vmx_config_parse, vmx_domain_from_vmx and vmx_domain_to_xml and must give
 * the XML libvirt 9.0 gives, byte for byte.
 *
 *   testdata/libvirt/vmx2xml     libvirt's own suite (CASES.tsv)
 *   testdata/wild + libvirt-xml  real files libvirt accepts
 *   testdata/wild (no XML)       real files libvirt rejects: strict mode
 *                                rejects them alike, the default mode converts
 *                                all but five (test_lossless.c checks more)
 *   testdata/vmx2xml-extra       cases generated with lvref (see README)
 *
 * A mismatch prints the first differing line with some context, in the
 * style of a unified diff. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vmxkit/vmxkit.h"

#define LIBVIRT_DIR TESTDATA_DIR "/libvirt/vmx2xml"
#define WILD_DIR TESTDATA_DIR "/wild"
#define EXTRA_DIR TESTDATA_DIR "/vmx2xml-extra"

/* The whole file, NUL-terminated (free()), or NULL. */
static char *test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *p = NULL;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (p = malloc((size_t)n + 1)) && fread(p, 1, (size_t)n, f) == (size_t)n) {
        p[n] = '\0';
        if (len)
            *len = (size_t)n;
    } else {
        free(p);
        p = NULL;
    }
    fclose(f);
    return p;
}

/* Print the first difference of @exp and @act as a small unified diff. */
static void print_diff(const char *name, const char *exp, const char *act)
{
    const char *e = exp, *a = act;
    const char *ctx_lines[3] = {NULL, NULL, NULL};
    unsigned long line = 1;
    int i, shown;

    while (*e || *a) {
        const char *ee = strchr(e, '\n'), *ae = strchr(a, '\n');
        size_t el = ee ? (size_t)(ee - e) : strlen(e),
               al = ae ? (size_t)(ae - a) : strlen(a);

        if (el != al || memcmp(e, a, el) != 0 || !*e || !*a)
            break;
        ctx_lines[0] = ctx_lines[1];
        ctx_lines[1] = ctx_lines[2];
        ctx_lines[2] = e;
        e += el + (ee ? 1 : 0);
        a += al + (ae ? 1 : 0);
        line++;
    }
    fprintf(stderr, "--- %s (expected)\n+++ %s (actual)\n@@ line %lu @@\n", name, name,
            line);
    for (i = 0; i < 3; i++)
        if (ctx_lines[i])
            fprintf(stderr, " %.*s\n", (int)strcspn(ctx_lines[i], "\n"), ctx_lines[i]);
    for (shown = 0; *e && shown < 3; shown++) {
        size_t n = strcspn(e, "\n");
        fprintf(stderr, "-%.*s\n", (int)n, e);
        e += n + (e[n] ? 1 : 0);
    }
    for (shown = 0; *a && shown < 3; shown++) {
        size_t n = strcspn(a, "\n");
        fprintf(stderr, "+%.*s\n", (int)n, a);
        a += n + (a[n] ? 1 : 0);
    }
}

/* Convert @vmx_path; on success *xml holds the XML (free()), else *err. */
static int convert_file(const char *vmx_path, const vmx_convert_options *opts, char **xml,
                        vmx_error *err)
{
    vmx_config *cfg = NULL;
    vmx_domain *dom = NULL;
    int rc;

    *xml = NULL;
    if ((rc = vmx_config_parse_file(&cfg, vmx_path, NULL, err)) == 0 &&
        (rc = vmx_domain_from_vmx(&dom, cfg, opts, err)) == 0)
        rc = vmx_domain_to_xml(xml, NULL, dom, opts, err);
    vmx_domain_free(dom);
    vmx_config_free(cfg);
    return rc;
}

/* 1 when @vmx converts to exactly the content of @xml_path. */
static int check_case(const char *name, const char *vmx_path, const char *xml_path,
                      const vmx_convert_options *opts)
{
    vmx_error err = VMX_ERROR_INIT;
    char *expected = test_read_file(xml_path, NULL), *actual = NULL, line[1024];
    int ok = 0;

    if (!expected) {
        fprintf(stderr, "%s: cannot read %s\n", name, xml_path);
        return 0;
    }
    if (convert_file(vmx_path, opts, &actual, &err) < 0) {
        vmx_error_format(line, sizeof(line), &err);
        fprintf(stderr, "%s: conversion failed: %s\n", name, line);
    } else if (strcmp(expected, actual) != 0) {
        print_diff(name, expected, actual);
    } else {
        ok = 1;
    }
    free(expected);
    vmx_free(actual);
    return ok;
}

/* 1 when converting @vmx_path with @flags fails with a one-line error naming
 * @key (or, for syntax errors, at @line) and without output. */
static int check_rejected(const char *name, const char *vmx_path, unsigned int flags,
                          const char *key, unsigned long line)
{
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    vmx_error err = VMX_ERROR_INIT;
    char *xml = NULL;
    int rc;

    opts.flags = flags;
    rc = convert_file(vmx_path, &opts, &xml, &err);

    if (rc == 0) {
        fprintf(stderr, "%s: accepted, libvirt rejects it\n", name);
        vmx_free(xml);
        return 0;
    }
    if (xml || !err.message[0] || strchr(err.message, '\n')) {
        fprintf(stderr, "%s: error without a clean message\n", name);
        return 0;
    }
    if (key && strcasecmp(err.key, key) != 0) {
        fprintf(stderr, "%s: error about [%s] '%s', expected [%s]\n", name, err.key,
                err.message, key);
        return 0;
    }
    if (line && err.line != line) {
        fprintf(stderr, "%s: error at line %lu '%s', expected line %lu\n", name, err.line,
                err.message, line);
        return 0;
    }
    return 1;
}

/* libvirt's suite: 71 cases that convert, the datacenterpath case with the
 * datacenter path libvirt's test passes, and 2 cases that fail only because
 * libvirt's test callback treats the datastore "missing" (or a file starting
 * with "missing") as absent: vmxkit's libvirt datastore mapping reproduces
 * that callback, so they fail here too in strict mode. */
Test(vmx2xml, libvirt_suite)
{
    char *cases = test_read_file(LIBVIRT_DIR "/CASES.tsv", NULL), *ln, *next;
    int total = 0, ok_total = 0, fail_total = 0, passed = 0;

    cr_assert_not_null(cases);
    for (ln = cases; ln && *ln; ln = next) {
        char name[256], status[16], vmx[512], xml[512];
        vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;

        if ((next = strchr(ln, '\n')))
            *next++ = '\0';
        if (sscanf(ln, "%255s %15s", name, status) != 2)
            continue;
        total++;
        snprintf(vmx, sizeof(vmx), "%s/%s.vmx", LIBVIRT_DIR, name);
        snprintf(xml, sizeof(xml), "%s/%s.xml", LIBVIRT_DIR, name);
        if (strcmp(name, "datacenterpath") == 0)
            opts.datacenter_path = "folder1/folder2/datacenter1";
        if (strcmp(status, "ok") == 0) {
            ok_total++;
            passed += check_case(name, vmx, xml, &opts);
        } else {
            fail_total++;
            passed += check_rejected(name, vmx, VMX_CONVERT_STRICT, NULL, 0);
        }
    }
    free(cases);
    cr_assert_eq(total, 73, "CASES.tsv has %d cases", total);
    cr_assert_eq(ok_total, 71);
    cr_assert_eq(fail_total, 2);
    cr_log_info("libvirt suite: %d of %d pass", passed, total);
    cr_expect_eq(passed, total, "%d of %d libvirt cases pass", passed, total);
}

/* 1 when @name ends with @suffix. */
static int has_suffix(const char *name, const char *suffix)
{
    size_t n = strlen(name), k = strlen(suffix);

    return n > k && strcmp(name + n - k, suffix) == 0;
}

typedef struct corpus {
    char **names;
    size_t n;
} corpus;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The base names of @dir's files ending in @suffix, sorted. */
static corpus list_dir(const char *dir, const char *suffix)
{
    corpus c = {NULL, 0};
    DIR *d = opendir(dir);
    struct dirent *de;

    cr_assert_not_null(d, "cannot open %s", dir);
    while ((de = readdir(d))) {
        if (!has_suffix(de->d_name, suffix))
            continue;
        c.names = realloc(c.names, (c.n + 1) * sizeof(*c.names));
        c.names[c.n] = strdup(de->d_name);
        c.names[c.n][strlen(de->d_name) - strlen(suffix)] = '\0';
        c.n++;
    }
    closedir(d);
    qsort(c.names, c.n, sizeof(*c.names), cmp_str);
    return c;
}

static void corpus_free(corpus *c)
{
    size_t i;

    for (i = 0; i < c->n; i++)
        free(c->names[i]);
    free(c->names);
}

Test(vmx2xml, wild_accepted)
{
    corpus c = list_dir(WILD_DIR "/libvirt-xml", ".xml");
    size_t i;
    int passed = 0;

    for (i = 0; i < c.n; i++) {
        char vmx[512], xml[512];

        snprintf(vmx, sizeof(vmx), "%s/%s.vmx", WILD_DIR, c.names[i]);
        snprintf(xml, sizeof(xml), "%s/libvirt-xml/%s.xml", WILD_DIR, c.names[i]);
        passed += check_case(c.names[i], vmx, xml, NULL);
    }
    cr_assert_eq(c.n, 34, "%zu wild files with libvirt XML", c.n);
    cr_log_info("wild files with libvirt XML: %d of %zu pass", passed, c.n);
    cr_expect_eq(passed, (int)c.n, "%d of %zu wild files pass", passed, c.n);
    corpus_free(&c);
}

/* The wild files libvirt 9.0 rejects (`lvref vmx2xml` fails), with the key
 * its error names, or for syntax errors the line: strict mode rejects them
 * alike. A change of acceptance shows up here. The default mode converts
 * them, except the five with vmxkit's own error (key or line below). */
static const struct {
    const char *name;
    const char *key;
    unsigned long line;
} rejected[] = {
    {"afoote__Windows_10_x64", "serial0.fileType", 0},
    {"boxgrinder__base", "annotation", 0},
    {"boxgrinder__python-virtinst-image", "ide0:0.fileName", 0},
    {"cheayoung__Ubuntu_64-bit", "serial0.fileType", 0},
    {"cochetyv__Windows_10_x64", "serial0.fileType", 0},
    {"devinjp__Ubuntu_64-bit", "ethernet0.networkName", 0},
    {"forestyos__Debian_10.x_64-bit", "serial0.fileType", 0},
    {"fusionpatch__tweaks", NULL, 7},
    {"gica434__Other_Linux_5.x_kernel_64-bit", "serial0.fileType", 0},
    {"govix__a", "config.version", 0},
    {"govix__b", "ethernet1.networkName", 0},
    {"govmx__a", NULL, 23},
    {"govmx__b", "ethernet1.networkName", 0},
    {"haiku__haiku_2009", "virtualHW.version", 0},
    {"icshoneypot__ChemicalPlant", "ethernet0.networkName", 0},
    {"icshoneypot__Ubuntu_64_wei", "ethernet1.networkName", 0},
    {"icshoneypot__somachinev4.3", "serial0.fileType", 0},
    {"icshoneypot__workstation", "ethernet0.networkName", 0},
    {"illertimes__Ubuntu_64-bit_2", "serial0.fileType", 0},
    {"isopooh__Ubuntu_64-bit", "serial0.fileType", 0},
    {"jahyung__CentOS_7_64-bit", "serial0.fileType", 0},
    {"lalbabu__Ubuntu", "serial0.fileType", 0},
    {"lanrenlan__Windows_10_x64", NULL, 121},
    {"metasploitable2__Metasploitable", "ethernet1.connectionType", 0},
    {"mylinuxmini__CentOS_7_64_wei", "serial0.fileType", 0},
    {"nnunn37__Ubuntu_64-bit", "serial0.fileType", 0},
    {"nowshin__CentOS_64-bit", "serial0.fileType", 0},
    {"phuisagi__Windows_Server_2016", "serial0.fileType", 0},
    {"policehon__Windows_10_x64_encrypted", "config.version", 0},
    {"ruchita__Windows_10_x64", "serial0.fileType", 0},
    {"rythmzz__Ubuntu_64-bit", "ethernet0.networkName", 0},
    {"sharpjs__Windows_Server_2016", NULL, 62},
    {"sirisha__Windows_10_x64", "serial0.fileType", 0},
    {"skatare100__Ubuntu_64-bit", "serial0.fileType", 0},
    {"takahiro__Windows_7_x64", "serial0.fileType", 0},
    {"takahiro__Windows_7_x64_first", "serial0.fileType", 0},
    {"vinci230__CentOS_7_64_wei", "serial0.fileType", 0},
    {"virtmanager__cli-virtconv-test1", "ide0:0.fileName", 0},
    {"virtv2v__test-i-vmx-5", "ethernet0.networkName", 0},
    {"vmconfig__basic-1", "virtualHW.version", 0},
    {"vmconfig__chaotic-1", NULL, 7},
    {"vmconfig__empty-1", "config.version", 0},
    {"vmconfig__fail-1", NULL, 1},
    {"vmconfig__fail-2", NULL, 1},
    {"vmconfig__fail-3", NULL, 1},
    {"vmconfig__fail-4", NULL, 1},
    {"vmconfig__guestos-1", "config.version", 0},
    {"vmconfig__guestos-2", "config.version", 0},
    {"vmxeditor__Default.17.0.2", "serial0.fileType", 0},
    {"wslaf__Windows_7_x64", "serial0.fileType", 0},
};

/* The files vmxkit refuses too: four malformed lines (the file layer's
 * error), an encrypted configuration. */
static const struct {
    const char *name;
    const char *key;
    unsigned long line;
    const char *message;
} refused[] = {
    {"policehon__Windows_10_x64_encrypted", "encryption.data", 4,
     "the configuration is encrypted, its settings cannot be read"},
    {"vmconfig__fail-1", "key1", 1, "unterminated quoted value"},
    {"vmconfig__fail-2", "key 1", 1, "space in key"},
    {"vmconfig__fail-3", "key", 1, "missing '=' after key"},
    {"vmconfig__fail-4", "keyvalue", 1, "missing '=' after key"},
};

static const char *refused_message(const char *name, const char **key,
                                   unsigned long *line)
{
    size_t i;

    for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
        if (strcmp(refused[i].name, name) == 0) {
            *key = refused[i].key;
            *line = refused[i].line;
            return refused[i].message;
        }
    return NULL;
}

Test(vmx2xml, wild_rejected)
{
    corpus all = list_dir(WILD_DIR, ".vmx");
    size_t i, j, without_xml = 0;
    int passed = 0;

    /* the list is exactly the wild files without libvirt XML */
    for (i = 0; i < all.n; i++) {
        char xml[512];
        FILE *f;

        snprintf(xml, sizeof(xml), "%s/libvirt-xml/%s.xml", WILD_DIR, all.names[i]);
        if ((f = fopen(xml, "r"))) {
            fclose(f);
            continue;
        }
        without_xml++;
        for (j = 0; j < sizeof(rejected) / sizeof(rejected[0]); j++)
            if (strcmp(rejected[j].name, all.names[i]) == 0)
                break;
        cr_expect(j < sizeof(rejected) / sizeof(rejected[0]),
                  "%s has no libvirt XML but is not in the rejected list", all.names[i]);
    }
    cr_assert_eq(without_xml, sizeof(rejected) / sizeof(rejected[0]));
    cr_assert_eq(without_xml, 50);
    for (j = 0; j < sizeof(rejected) / sizeof(rejected[0]); j++) {
        char vmx[512];

        snprintf(vmx, sizeof(vmx), "%s/%s.vmx", WILD_DIR, rejected[j].name);
        passed += check_rejected(rejected[j].name, vmx, VMX_CONVERT_STRICT,
                                 rejected[j].key, rejected[j].line);
    }
    cr_log_info("wild files libvirt rejects: %d of 50 rejected alike in strict mode",
                passed);
    cr_expect_eq(passed, 50, "%d of 50 rejected wild files are rejected alike", passed);
    corpus_free(&all);
}

/* The default mode converts 45 of the 50 files libvirt rejects; the other
 * five fail with one line naming the key or line and the reason. */
Test(vmx2xml, wild_rejected_by_libvirt_convert)
{
    size_t j;
    int converted = 0, refused_alike = 0;

    for (j = 0; j < sizeof(rejected) / sizeof(rejected[0]); j++) {
        vmx_error err = VMX_ERROR_INIT;
        const char *key = NULL, *message;
        unsigned long line = 0;
        char vmx[512], *xml = NULL;
        int rc;

        snprintf(vmx, sizeof(vmx), "%s/%s.vmx", WILD_DIR, rejected[j].name);
        rc = convert_file(vmx, NULL, &xml, &err);
        message = refused_message(rejected[j].name, &key, &line);
        if (!message) {
            cr_expect_eq(rc, 0, "%s does not convert: %s [%s]", rejected[j].name,
                         err.message, err.key);
            cr_expect(rc != 0 || strstr(xml, "<domain type='vmware'>"), "%s", xml);
            converted += rc == 0;
        } else if (rc < 0 && !xml && strcmp(err.key, key) == 0 && err.line == line &&
                   strcmp(err.message, message) == 0) {
            refused_alike++;
        } else {
            cr_expect(0, "%s: expected '%s' [%s] at line %lu, got rc %d '%s' [%s] at %lu",
                      rejected[j].name, message, key, line, rc, err.message, err.key,
                      err.line);
        }
        vmx_free(xml);
    }
    cr_log_info("wild files libvirt rejects: %d converted, %d refused", converted,
                refused_alike);
    cr_expect_eq(converted, 45);
    cr_expect_eq(refused_alike, 5);
}

/* Cases generated with lvref for what the other corpora lack. */
Test(vmx2xml, extra_cases)
{
    corpus c = list_dir(EXTRA_DIR, ".vmx");
    size_t i;
    int passed = 0;

    for (i = 0; i < c.n; i++) {
        char vmx[512], xml[512];

        snprintf(vmx, sizeof(vmx), "%s/%s.vmx", EXTRA_DIR, c.names[i]);
        snprintf(xml, sizeof(xml), "%s/%s.xml", EXTRA_DIR, c.names[i]);
        passed += check_case(c.names[i], vmx, xml, NULL);
    }
    cr_assert_geq(c.n, 40, "only %zu extra cases", c.n);
    cr_log_info("extra cases: %d of %zu pass", passed, c.n);
    cr_expect_eq(passed, (int)c.n, "%d of %zu extra cases pass", passed, c.n);
    corpus_free(&c);
}
