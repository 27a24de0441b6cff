/* Allocation failure along every public entry point: the Nth allocation of
 * the library fails, for N = 1, 2, ... until the call succeeds. Each failed
 * call must return VMX_ENOMEM with the error record filled and nothing in
 * its outputs; the call that finally succeeds must give exactly what an
 * undisturbed call gives (a swallowed failure shows up as a difference).
 * Under the sanitizer build LeakSanitizer also checks that no failure path
 * leaks. Only vmxkit's own allocations fail: libxml2 and libyaml allocate
 * with the system malloc.
 *
 * The modules' own tests already run such loops for one input each
 * (test_vmxfile: parse + set + write; test_vmx2domain, test_domain2vmx,
 * test_domain_xml_read, test_domain_xml_write, test_domain_yaml: their entry
 * point; test_escape: the strict codecs). This file covers the rest: every
 * direction of vmx_convert over inputs that reach many code paths
 * (encodings, every device kind, the lossless mode), the tolerant parser's
 * diagnostics, edits that re-encode a file, the lenient decoders, and file
 * reads. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_run.h"
#include "vmxkit/vmxkit.h"

/* Exported for tests by lib/util.c: make the Nth allocation fail. */
void vmx__alloc_fail_after(long n);

/* No entry point needs anywhere near this many allocations for these
 * inputs; the loop stops there so that a call that never succeeds fails the
 * test instead of running for ever. */
#define MAX_ALLOCATIONS 20000L

/* One call of an entry point: returns its code and, on success, its result
 * as text in *out (owned by the caller, NULL when the call has none). */
typedef int (*entry_fn)(char **out, size_t *outlen, const void *ctx, vmx_error *err);

/* Run @fn with no failure, then failing allocation 1, 2, ... until it
 * succeeds. Returns the number of failures injected. */
static long fail_each_allocation(const char *what, entry_fn fn, const void *ctx)
{
    vmx_error err = VMX_ERROR_INIT;
    char *want = NULL, *got;
    size_t wantlen = 0, gotlen;
    long n;
    int rc;

    rc = fn(&want, &wantlen, ctx, &err);
    cr_assert_eq(rc, 0, "%s: %d %s", what, rc, err.message);
    for (n = 1; n < MAX_ALLOCATIONS; n++) {
        vmx_error_clear(&err);
        got = NULL;
        gotlen = 0;
        vmx__alloc_fail_after(n);
        rc = fn(&got, &gotlen, ctx, &err);
        vmx__alloc_fail_after(0);
        if (rc == 0)
            break;
        cr_assert_eq(rc, VMX_ENOMEM, "%s, allocation %ld: rc %d (%s)", what, n, rc,
                     err.message);
        cr_assert_eq(err.code, VMX_ENOMEM, "%s, allocation %ld: err.code %d", what, n,
                     err.code);
        cr_assert_str_eq(err.message, "out of memory", "%s, allocation %ld", what, n);
        cr_assert_null(got, "%s, allocation %ld: output returned with an error", what, n);
    }
    cr_assert_lt(n, MAX_ALLOCATIONS, "%s never succeeded", what);
    cr_assert_eq(gotlen, wantlen, "%s after %ld failures: %zu bytes, expected %zu", what,
                 n - 1, gotlen, wantlen);
    if (want)
        cr_assert(got && memcmp(got, want, wantlen) == 0,
                  "%s after %ld failures: different result", what, n - 1);
    free(got);
    free(want);
    return n - 1;
}

/* ---- vmx_convert ---- */

typedef struct convert_case {
    const char *path; /* under TESTDATA_DIR */
    vmx_format from, to;
    unsigned int flags;
    int hw_version;
} convert_case;

static int call_convert(char **out, size_t *outlen, const void *ctx, vmx_error *err)
{
    const convert_case *c = ctx;
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    char path[1024];
    size_t len = 0;
    char *in;
    int rc;

    snprintf(path, sizeof(path), "%s/%s", TESTDATA_DIR, c->path);
    in = test_read_file(path, &len);
    cr_assert_not_null(in, "%s", path);
    opts.flags = c->flags;
    if (c->hw_version)
        opts.hw_version = c->hw_version;
    opts.datacenter_path = "dc1/folder";
    opts.moref = "vm-42";
    rc = vmx_convert(out, outlen, in, len, c->path, c->from, c->to, &opts, err);
    free(in);
    return rc;
}

static void convert_all(const convert_case *cases, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        char what[256];

        snprintf(what, sizeof(what), "vmx_convert %s %s -> %s%s", cases[i].path,
                 vmx_format_extension(cases[i].from), vmx_format_extension(cases[i].to),
                 cases[i].flags ? " (lossless)" : "");
        cr_expect_gt(fail_each_allocation(what, call_convert, &cases[i]), 3, "%s", what);
    }
}

#define VMX VMX_FORMAT_VMX
#define XML VMX_FORMAT_XML
#define YAML VMX_FORMAT_YAML

Test(alloc_failure, convert_from_vmx)
{
    static const convert_case cases[] = {
        {"vmx2xml-extra/kitchen-sink.vmx", VMX, XML, 0, 0},
        {"vmx2xml-extra/kitchen-sink.vmx", VMX, XML, VMX_CONVERT_LOSSLESS, 0},
        {"vmx2xml-extra/kitchen-sink.vmx", VMX, YAML, 0, 0},
        {"vmx2xml-extra/kitchen-sink.vmx", VMX, VMX, 0, 0},
        {"vmx2xml-extra/encoding-gbk.vmx", VMX, XML, 0, 0},
        {"vmx2xml-extra/encoding-windows-1252.vmx", VMX, YAML, 0, 0},
        {"libvirt/vmx2xml/esx-in-the-wild-8.vmx", VMX, XML, 0, 0},
        {"libvirt/vmx2xml/esx-in-the-wild-5.vmx", VMX, YAML, VMX_CONVERT_LOSSLESS, 0},
        {"wild/icshoneypot__Ubuntu_64_wei.vmx", VMX, XML, VMX_CONVERT_LOSSLESS, 0},
    };

    convert_all(cases, sizeof(cases) / sizeof(cases[0]));
}

Test(alloc_failure, convert_from_xml)
{
    static const convert_case cases[] = {
        {"libvirt/xml2vmx/xml2vmx-esx-in-the-wild-2.xml", XML, VMX, 0, 4},
        {"libvirt/xml2vmx/xml2vmx-esx-in-the-wild-4.xml", XML, VMX, 0, 7},
        {"libvirt/xml2vmx/xml2vmx-fusion-in-the-wild-1.xml", XML, YAML, 0, 0},
        {"libvirt/vmx2xml/esx-in-the-wild-8.xml", XML, XML, 0, 0},
        {"libvirt/vmx2xml/esx-in-the-wild-8.xml", XML, XML, VMX_CONVERT_LOSSLESS, 0},
    };

    convert_all(cases, sizeof(cases) / sizeof(cases[0]));
}

Test(alloc_failure, convert_from_yaml)
{
    static const convert_case cases[] = {
        {"yaml/esx-in-the-wild-1.yaml", YAML, VMX, 0, 7},
        {"yaml/full.yaml", YAML, XML, 0, 0},
        {"yaml/full.yaml", YAML, YAML, 0, 0},
        {"yaml/manageiq__test_vmware_config_crlf.yaml", YAML, VMX, 0, 0},
        {"yaml/manageiq__test_vmware_config_crlf.yaml", YAML, XML, 0, 0},
    };

    convert_all(cases, sizeof(cases) / sizeof(cases[0]));
}

/* ---- the file layer beyond test_vmxfile's loop ---- */

/* The tolerant parser with many diagnostics, then a write. */
static int call_parse_with_diagnostics(char **out, size_t *outlen, const void *ctx,
                                       vmx_error *err)
{
    const char *text = ctx;
    vmx_config *cfg = NULL;
    int rc;

    rc = vmx_config_parse(&cfg, text, strlen(text), "diag.vmx", NULL, err);
    if (rc == 0) {
        cr_assert_geq(vmx_config_diag_count(cfg), 6);
        rc = vmx_config_write(out, outlen, cfg, err);
    }
    vmx_config_free(cfg);
    return rc;
}

Test(alloc_failure, tolerant_parse_with_diagnostics)
{
    static const char text[] = "#!/usr/bin/vmware\n"
                               "config.version = \"8\"\n"
                               "displayName=\"spacing\"\n"
                               "memsize = 1024\n"
                               "a = \"1\" trailing\n"
                               "a = \"2\"\n"
                               "b[0] = \"x\" # comment\n"
                               "c = \"TRUE\"\n"
                               "d = \"True\"\n"
                               "e = \"caf\xe9\"\n"
                               "f =\n";

    fail_each_allocation("tolerant parse", call_parse_with_diagnostics, text);
}

/* Edits that convert the whole file to another charset and back. */
static int call_reencode(char **out, size_t *outlen, const void *ctx, vmx_error *err)
{
    const char *path = ctx;
    vmx_config *cfg = NULL;
    char full[1024];
    int rc;

    snprintf(full, sizeof(full), "%s/%s", TESTDATA_DIR, path);
    rc = vmx_config_parse_file(&cfg, full, NULL, err);
    if (rc == 0)
        rc = vmx_config_set(cfg, ".encoding", "GB18030", err);
    if (rc == 0)
        rc = vmx_config_set(cfg, "annotation", "caf\xc3\xa9 |22quoted|22", err);
    if (rc == 0 && vmx_config_remove(cfg, ".encoding") != 1)
        rc = VMX_ENOMEM; /* removing reports memory failures as 0 removed */
    if (rc == 0 && vmx_config_remove(cfg, "annotation") != 1)
        rc = VMX_ENOMEM;
    if (rc == VMX_ENOMEM && err->code == 0)
        vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
    if (rc == 0)
        rc = vmx_config_write(out, outlen, cfg, err);
    vmx_config_free(cfg);
    return rc;
}

Test(alloc_failure, edits_that_reencode_a_file)
{
    fail_each_allocation("re-encode", call_reencode, "vmx2xml-extra/encoding-gbk.vmx");
}

/* ---- codecs in lenient mode (test_escape covers strict mode) ---- */

typedef struct decode_case {
    int scheme; /* 0 percent, 1 pipe, 2 datastore item */
    const char *in;
} decode_case;

static int call_lenient_decode(char **out, size_t *outlen, const void *ctx,
                               vmx_error *err)
{
    const decode_case *c = ctx;
    vmx_unescape_report report;
    int rc;

    if (c->scheme == 0)
        rc = vmx_unescape_percent(out, c->in, VMX_UNESCAPE_LENIENT, &report, err);
    else if (c->scheme == 1)
        rc = vmx_unescape_pipe(out, c->in, VMX_UNESCAPE_LENIENT, &report, err);
    else
        rc = vmx_unescape_datastore_item(out, c->in, VMX_UNESCAPE_LENIENT, &report, err);
    if (rc == 0) {
        cr_assert_gt(report.kept, 0, "the input has something to tolerate");
        *outlen = strlen(*out);
    }
    return rc;
}

Test(alloc_failure, lenient_decoders)
{
    static const decode_case cases[] = {
        {0, "50% off %zz %2f %c3%a4 %ff"},
        {1, "#NAME# | Version |7c |0 |ff|fe"},
        {2, "a:b+AA-%zz+w6Q-_x+,,,+-"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        fail_each_allocation(cases[i].in, call_lenient_decode, &cases[i]);
}

/* ---- whole-file reads ---- */

static int call_file_read(char **out, size_t *outlen, const void *ctx, vmx_error *err)
{
    return vmx_file_read(out, outlen, ctx, 0, err);
}

Test(alloc_failure, file_read)
{
    fail_each_allocation("vmx_file_read", call_file_read,
                         TESTDATA_DIR "/libvirt/vmx2xml/esx-in-the-wild-8.vmx");
}

/* Writing atomically when memory runs out leaves no file behind. */
static int call_write_atomic(char **out, size_t *outlen, const void *ctx, vmx_error *err)
{
    const char *path = ctx;
    int rc = vmx_file_write_atomic(path, "data\n", 5, err);

    (void)out;
    (void)outlen;
    if (rc < 0)
        cr_assert_neq(access(path, F_OK), 0, "%s written after an error", path);
    unlink(path);
    return rc;
}

Test(alloc_failure, file_write_atomic)
{
    char dir[] = "/tmp/vmxkit-alloc-XXXXXX", path[64];

    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/out.vmx", dir);
    fail_each_allocation("vmx_file_write_atomic", call_write_atomic, path);
    cr_assert_eq(rmdir(dir), 0, "files left in %s", dir);
}
