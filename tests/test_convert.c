/* Tests of the speed paths of the conversions (doc/performance.md): they must
 * give exactly what the plain paths give.
 *
 * vmx_convert reads VMX text in one pass when the file layer would accept it
 * (lib/convert.c); the public step-by-step path (vmx_config_parse, then
 * vmx_domain_from_vmx) must give the same output, or the same error, for
 * every file of the corpora and for inputs made to sit on the edges of that
 * shortcut. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmxkit/vmxkit.h"
#include "vmxkit/yaml.h"

typedef struct outcome {
    int rc;
    vmx_error err;
    char *out;
    size_t len;
} outcome;

static void outcome_dispose(outcome *o)
{
    vmx_free(o->out);
}

static int write_as(char **out, size_t *len, const vmx_domain *dom, vmx_format to,
                    const vmx_convert_options *opts, vmx_error *err)
{
    switch (to) {
    case VMX_FORMAT_XML:
        return vmx_domain_to_xml(out, len, dom, opts, err);
    case VMX_FORMAT_YAML:
        return vmx_domain_to_yaml(out, len, dom, opts, err);
    default:
        return vmx_domain_to_vmx(out, len, dom, opts, err);
    }
}

/* The step-by-step path through the public API. */
static outcome by_steps(const char *in, size_t len, vmx_format to,
                        const vmx_convert_options *opts)
{
    outcome o = {0, VMX_ERROR_INIT, NULL, 0};
    vmx_config *cfg = NULL;
    vmx_domain *dom = NULL;

    o.rc = vmx_config_parse(&cfg, in, len, "in.vmx", NULL, &o.err);
    if (o.rc == 0)
        o.rc = vmx_domain_from_vmx(&dom, cfg, opts, &o.err);
    if (o.rc == 0)
        o.rc = write_as(&o.out, &o.len, dom, to, opts, &o.err);
    vmx_domain_free(dom);
    vmx_config_free(cfg);
    return o;
}

static outcome by_convert(const char *in, size_t len, vmx_format to,
                          const vmx_convert_options *opts)
{
    outcome o = {0, VMX_ERROR_INIT, NULL, 0};

    o.rc =
        vmx_convert(&o.out, &o.len, in, len, "in.vmx", VMX_FORMAT_VMX, to, opts, &o.err);
    return o;
}

/* Both paths, every output format; @what names the input in messages. */
static void check_same(const char *what, const char *in, size_t len,
                       const vmx_convert_options *opts)
{
    static const vmx_format formats[] = {VMX_FORMAT_XML, VMX_FORMAT_YAML, VMX_FORMAT_VMX};
    size_t f;

    for (f = 0; f < sizeof(formats) / sizeof(formats[0]); f++) {
        outcome a = by_steps(in, len, formats[f], opts);
        outcome b = by_convert(in, len, formats[f], opts);

        cr_expect_eq(b.rc, a.rc, "%s (format %d): rc %d, step by step %d (%s)", what,
                     (int)formats[f], b.rc, a.rc, a.rc ? a.err.message : b.err.message);
        cr_expect_eq(b.err.code, a.err.code, "%s: error code", what);
        cr_expect_eq(b.err.line, a.err.line, "%s: error line %lu, step by step %lu", what,
                     b.err.line, a.err.line);
        cr_expect_str_eq(b.err.key, a.err.key, "%s: error key", what);
        cr_expect_str_eq(b.err.message, a.err.message, "%s: error message", what);
        cr_expect_str_eq(b.err.source, a.err.source, "%s: error source", what);
        cr_expect_eq(b.len, a.len, "%s (format %d): output length %zu, step by step %zu",
                     what, (int)formats[f], b.len, a.len);
        if (a.out && b.out && a.len == b.len)
            cr_expect(memcmp(a.out, b.out, a.len) == 0, "%s (format %d): output differs",
                      what, (int)formats[f]);
        outcome_dispose(&a);
        outcome_dispose(&b);
    }
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    cr_assert_not_null(f, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    cr_assert_not_null(buf);
    *len = fread(buf, 1, (size_t)n, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

/* Every .vmx of @dir (not recursive); returns how many were checked. */
static size_t check_dir(const char *dir, const vmx_convert_options *opts)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;

    cr_assert_not_null(d, "cannot open %s", dir);
    while ((e = readdir(d))) {
        size_t nl = strlen(e->d_name), len;
        char path[4096], *buf;

        if (nl < 5 || strcmp(e->d_name + nl - 4, ".vmx") != 0 ||
            (size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= sizeof(path))
            continue;
        buf = slurp(path, &len);
        check_same(path, buf, len, opts);
        free(buf);
        n++;
    }
    closedir(d);
    return n;
}

Test(convert, vmx_corpora_give_what_the_config_path_gives)
{
    static const char *const dirs[] = {"libvirt/vmx2xml", "wild", "invalid",
                                       "invalid/convert"};
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    size_t i, n = 0;

    for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        char dir[4096];

        snprintf(dir, sizeof(dir), "%s/%s", TESTDATA_DIR, dirs[i]);
        opts.flags = 0;
        n += check_dir(dir, &opts);
        opts.flags = VMX_CONVERT_LOSSLESS;
        check_dir(dir, &opts);
    }
    cr_assert_gt(n, 150, "only %zu corpus files found", n);
}

#define HEAD "config.version = \"8\"\nvirtualHW.version = \"4\"\n"

/* Inputs on the edges of the one-pass path: what the file layer refuses or
 * may refuse, what only libvirt's reader refuses, device keys in odd
 * spellings, keys of slots that have no .present key. */
static const char *const edge_cases[] = {
    HEAD "displayName = \"a\"\n",
    "\xEF\xBB\xBF" HEAD,
    HEAD "displayName = \"crlf\"\r\nmemsize = \"64\"\r\n",
    HEAD "memsize = \"64\"; numvcpus = \"2\"\n",
    HEAD "annotation = \"\"\"two\nlines\"\"\"\n",
    HEAD "displayName = 'single'\n",
    HEAD "displayName = \"unterminated\n",
    HEAD "displayName = \"x\" trailing\n",
    HEAD "memsize = 64\n",
    HEAD "bad key = \"1\"\n",
    HEAD "= \"1\"\n",
    HEAD "key\n",
    HEAD "key # = \"1\"\n",
    HEAD "\tdisplayName\t=\t\"tabs\"\t# comment\n",
    HEAD "displayName = \"a\" # comment\n",
    HEAD ".encoding = \"UTF-8\"\n",
    ".encoding = \"windows-1252\"\n" HEAD "displayName = \"caf\xE9\"\n",
    ".encoding = \"GBK\"\n" HEAD "displayName = \"a\xFF\xFF"
    "b\"\n",
    ".encoding = \"no-such-charset\"\n" HEAD,
    ".encoding = \"\"\n" HEAD,
    ".encoding = UTF-8\n" HEAD,
    HEAD ".encoding = \"UTF-8\" junk\n",
    HEAD "displayName = \"caf\xE9\"\n",
    HEAD "displayName = \"nul\0byte\"\n",
    HEAD "SCSI0.PRESENT = \"TRUE\"\nScsi0:0.Present = \"true\"\n"
         "scsi0:0.FILENAME = \"disk.vmdk\"\n",
    HEAD "scsi0.present = \"true\"\nscsi0:01.present = \"true\"\n"
         "scsi0:01.fileName = \"disk.vmdk\"\n",
    HEAD "scsi0.present = \"true\"\nscsi0:3.startConnected = \"maybe\"\n",
    HEAD "scsi0.present = \"true\"\nscsi0:7.present = \"true\"\n"
         "scsi0:7.fileName = \"x.vmdk\"\n",
    HEAD "scsi0.present = \"true\"\nscsi0:15.present = \"true\"\n"
         "scsi0:15.fileName = \"x.vmdk\"\nscsi0:16.present = \"true\"\n",
    "config.version = \"8\"\nvirtualHW.version = \"13\"\nscsi1.present = \"true\"\n"
    "scsi1:63.present = \"true\"\nscsi1:63.fileName = \"x.vmdk\"\n",
    HEAD "scsi4.present = \"true\"\nscsi4:0.present = \"true\"\n",
    HEAD "sata0.present = \"true\"\nsata0:29.present = \"true\"\n"
         "sata0:29.fileName = \"x.iso\"\nsata0:30.present = \"true\"\n",
    HEAD "sata1:0.present = \"true\"\nsata1:0.fileName = \"x.vmdk\"\n",
    HEAD "ide1:1.present = \"true\"\nide1:1.fileName = \"x.iso\"\n"
         "IDE0:0.PRESENT = \"TRUE\"\nide0:0.deviceType = \"atapi-cdrom\"\n",
    HEAD "ide2:0.present = \"true\"\n",
    HEAD "floppy1.present = \"true\"\nfloppy1.fileType = \"device\"\n"
         "floppy1.fileName = \"/dev/fd0\"\nfloppy0.startConnected = \"no\"\n",
    HEAD "serial3.present = \"true\"\nserial3.fileType = \"pipe\"\n"
         "serial3.fileName = \"p\"\nSERIAL1.startConnected = \"bad\"\n",
    HEAD "parallel2.present = \"true\"\nparallel2.fileType = \"device\"\n"
         "parallel2.fileName = \"/dev/lp0\"\nparallel3.present = \"true\"\n",
    HEAD "ethernet0.present = \"true\"\nEthernet2.PRESENT = \"TRUE\"\n"
         "ethernet2.networkName = \"n\"\n",
    HEAD "ethernet01.present = \"true\"\n",
    HEAD "ethernet-1.present = \"true\"\n",
    HEAD "ethernetx.present = \"true\"\n",
    HEAD "sharedFolder.maxNum = \"2\"\nsharedFolder1.present = \"true\"\n"
         "sharedFolder1.enabled = \"true\"\nsharedFolder1.hostPath = \"/h\"\n"
         "sharedFolder1.guestName = \"g\"\n",
    HEAD "displayName = \"first\"\ndisplayName = \"second\"\n",
    HEAD "displayName = \"a%20b|7Cc\"\n",
    HEAD "displayName = \"bad%zz\"\n",
    HEAD "uuid.bios = \"56 4d 9b ef ac d9 b4 e0-c8 f0 ae a8 b9 10 35 15\"\n",
    HEAD "ethernet0.present = \"true\"\nethernet0.addressType = \"static\"\n"
         "ethernet0.address = \"00:50:56:A:b:0C\"\n",
    "",
    "\n\n# only comments\n",
};

Test(convert, vmx_edge_cases_give_what_the_config_path_gives)
{
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    size_t i;

    for (i = 0; i < sizeof(edge_cases) / sizeof(edge_cases[0]); i++) {
        char what[32];
        /* the NUL case holds bytes after its NUL */
        size_t len = strlen(edge_cases[i]);

        if (strstr(edge_cases[i], "nul"))
            len += 1 + strlen(edge_cases[i] + len + 1);
        snprintf(what, sizeof(what), "edge case %zu", i);
        opts.flags = 0;
        check_same(what, edge_cases[i], len, &opts);
        opts.flags = VMX_CONVERT_STRICT;
        check_same(what, edge_cases[i], len, &opts);
        opts.flags = VMX_CONVERT_LOSSLESS;
        check_same(what, edge_cases[i], len, &opts);
    }
}

Test(convert, device_keys_are_found_in_any_case)
{
    static const char in[] = HEAD "SCSI0.PRESENT = \"TRUE\"\n"
                                  "Scsi0:2.Present = \"true\"\n"
                                  "sCSI0:2.FILENAME = \"disk.vmdk\"\n"
                                  "IDE1:0.present = \"TRUE\"\n"
                                  "ide1:0.deviceType = \"cdrom-image\"\n"
                                  "IDE1:0.fileName = \"cd.iso\"\n";
    vmx_error err = VMX_ERROR_INIT;
    char *out = NULL;
    size_t len;

    cr_assert_eq(vmx_convert(&out, &len, in, strlen(in), "in.vmx", VMX_FORMAT_VMX,
                             VMX_FORMAT_XML, NULL, &err),
                 0, "%s", err.message);
    cr_expect(strstr(out, "<source file='[datastore] directory/disk.vmdk'/>") != NULL,
              "no SCSI disk in:\n%s", out);
    cr_expect(strstr(out, "<target dev='sdc' bus='scsi'/>") != NULL, "%s", out);
    cr_expect(strstr(out, "<target dev='hdc' bus='ide'/>") != NULL, "%s", out);
    vmx_free(out);
}

Test(convert, keys_of_a_slot_without_present_are_still_checked)
{
    /* libvirt reads startConnected before it looks at present: a bad value
     * fails even in a slot that is not there */
    static const char in[] = HEAD "scsi0.present = \"true\"\n"
                                  "scsi0:3.startConnected = \"maybe\"\n";
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    vmx_error err = VMX_ERROR_INIT;
    char *out = NULL;
    size_t len;

    opts.flags = VMX_CONVERT_STRICT;
    cr_assert_eq(vmx_convert(&out, &len, in, strlen(in), "in.vmx", VMX_FORMAT_VMX,
                             VMX_FORMAT_XML, &opts, &err),
                 VMX_EINVAL);
    cr_expect_str_eq(err.key, "scsi0:3.startConnected");
    cr_expect_eq(err.line, 4);
    cr_expect_null(out);
}

/* YAML: plain scalars that YAML 1.1 or 1.2 would read as something other
 * than a string are quoted, others stay plain. */
/* A description longer than a VMX line can hold: the conversion to VMX is
 * refused, naming the key, rather than writing a file the reader refuses;
 * the longest one that fits converts and reads back. */
Test(convert, description_too_long_for_a_vmx_line_is_refused)
{
    static const char head[] = "<domain type='vmware'><name>x</name><memory>4096</memory>"
                               "<os><type>hvm</type></os><description>";
    static const char tail[] = "</description></domain>\n";
    const size_t fits = VMX_PARSE_DEFAULT_MAX_LINE_LENGTH - strlen("annotation = \"\"");
    size_t n, len = 0, vlen = 0, hl = strlen(head), tl = strlen(tail);
    char *xml = malloc(hl + fits + 1 + tl + 1), *vmx = NULL;
    vmx_error err = VMX_ERROR_INIT;
    vmx_config *cfg = NULL;

    cr_assert_not_null(xml);
    for (n = fits + 1; n >= fits; n--) {
        memcpy(xml, head, hl);
        memset(xml + hl, 'a', n);
        memcpy(xml + hl + n, tail, tl + 1);
        len = hl + n + tl;
        err = (vmx_error)VMX_ERROR_INIT;
        if (n > fits) {
            cr_assert_eq(vmx_convert(&vmx, &vlen, xml, len, "d.xml", VMX_FORMAT_XML,
                                     VMX_FORMAT_VMX, NULL, &err),
                         VMX_ELIMIT);
            cr_assert_null(vmx);
            cr_assert_str_eq(err.message, "value of 'annotation' is too long: 65522 "
                                          "bytes, at most 65521");
            cr_assert_str_eq(err.key, "annotation");
            continue;
        }
        cr_assert_eq(vmx_convert(&vmx, &vlen, xml, len, "d.xml", VMX_FORMAT_XML,
                                 VMX_FORMAT_VMX, NULL, &err),
                     0, "%s", err.message);
        cr_assert_eq(vmx_config_parse(&cfg, vmx, vlen, "d.vmx", NULL, &err), 0, "%s",
                     err.message);
        cr_assert_eq(strlen(vmx_config_get(cfg, "annotation")), fits);
        vmx_config_free(cfg);
        vmx_free(vmx);
    }
    free(xml);
}

static char *name_line(const char *name)
{
    char in[512], *out = NULL, *line, *end;
    vmx_error err = VMX_ERROR_INIT;
    size_t len;

    snprintf(in, sizeof(in), HEAD "displayName = \"%s\"\n", name);
    cr_assert_eq(vmx_convert(&out, &len, in, strlen(in), "in.vmx", VMX_FORMAT_VMX,
                             VMX_FORMAT_YAML, NULL, &err),
                 0, "%s: %s", name, err.message);
    line = strstr(out, "name: ");
    cr_assert_not_null(line, "%s", out);
    line += 6;
    end = strchr(line, '\n');
    line = strndup(line, end ? (size_t)(end - line) : strlen(line));
    vmx_free(out);
    return line;
}

Test(yaml, scalars_read_as_other_types_are_quoted)
{
    static const char *const special[] = {
        "~",        "null",   "Null",   "NULL",       "y",          "Y",
        "yes",      "No",     "TRUE",   "false",      "on",         "OFF",
        "=",        "0b1010", "+0b1_0", "0o17",       "017",        "0x1F",
        "0xdead_b", "123",    "+1_000", "1:30",       "1:30:59",    "+1:05.5",
        "0:5.",     "1.5",    "1.",     "1.5e10",     "1.5E+3",     "1e5",
        "+.inf",    ".Inf",   ".NaN",   "2001-12-14", "2001-1-2t5", "2001-12-14 21:59"};
    static const char *const plain[] = {
        "yess",    "nul",         "0b2", "0x",  "0xg",   "08a",   "1:60x",
        "0:30",    "1e",          "1e+", "a.5", ".infx", ".nanx", "2001-123-1",
        "201-1-1", "2001-12-145", "1_a", "e5",  "1.5ee"};
    size_t i;

    for (i = 0; i < sizeof(special) / sizeof(special[0]); i++) {
        char *line = name_line(special[i]), want[64];

        snprintf(want, sizeof(want), "'%s'", special[i]);
        cr_expect_str_eq(line, want, "%s was not quoted", special[i]);
        free(line);
    }
    for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
        char *line = name_line(plain[i]);

        cr_expect_str_eq(line, plain[i], "%s was quoted", plain[i]);
        free(line);
    }
}
