/* Every domain XML vmxkit writes validates against libvirt's RelaxNG schema
 * (testdata/libvirt/schemas/domain.rng). The documents come from converting
 * the VMX corpora through the public API, plus a hand-built domain holding
 * every device kind the model knows. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/xmlversion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmxkit/vmxkit.h"

/* testdata/libvirt/vmx2xml/CASES.tsv: 73 cases, 71 of them "ok" with an
 * expected .xml (the 2 "fail" cases may convert or not); the wild files libvirt
 * converts are those with an XML in wild/libvirt-xml. */
#define LIBVIRT_VMX2XML_CASES 73
#define LIBVIRT_VMX2XML_OK 71
#define WILD_ACCEPTED_BY_LIBVIRT 34

typedef struct validator {
    xmlRelaxNGPtr schema;
    char errors[4096];
    size_t errlen;
} validator;

static void collect_error(void *ctx, const xmlError *e)
{
    validator *v = ctx;
    int n;

    if (v->errlen >= sizeof(v->errors) - 1)
        return;
    n = snprintf(v->errors + v->errlen, sizeof(v->errors) - v->errlen, "  line %d: %s",
                 e->line, e->message ? e->message : "?\n");
    if (n > 0)
        v->errlen += (size_t)n < sizeof(v->errors) - v->errlen
                         ? (size_t)n
                         : sizeof(v->errors) - v->errlen - 1;
}

/* libxml2 2.12 made the callback's error pointer const */
#if LIBXML_VERSION >= 21200
static void collect_error_cb(void *ctx, const xmlError *e)
#else
static void collect_error_cb(void *ctx, xmlErrorPtr e)
#endif
{
    collect_error(ctx, e);
}

static void validator_init(validator *v)
{
    xmlRelaxNGParserCtxtPtr pctx;

    memset(v, 0, sizeof(*v));
    pctx = xmlRelaxNGNewParserCtxt(TESTDATA_DIR "/libvirt/schemas/domain.rng");
    cr_assert_not_null(pctx);
    v->schema = xmlRelaxNGParse(pctx);
    xmlRelaxNGFreeParserCtxt(pctx);
    cr_assert_not_null(v->schema, "cannot load domain.rng");
}

static void validator_dispose(validator *v)
{
    xmlRelaxNGFree(v->schema);
}

/* Returns true when @xml is valid; errors are left in v->errors. */
static bool validate(validator *v, const char *xml, size_t len)
{
    xmlRelaxNGValidCtxtPtr vctx;
    xmlDocPtr doc;
    int rc;

    v->errlen = 0;
    v->errors[0] = '\0';
    doc = xmlReadMemory(xml, (int)len, "out.xml", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR);
    if (!doc) {
        snprintf(v->errors, sizeof(v->errors), "  not well-formed XML\n");
        return false;
    }
    vctx = xmlRelaxNGNewValidCtxt(v->schema);
    cr_assert_not_null(vctx);
    xmlRelaxNGSetValidStructuredErrors(vctx, collect_error_cb, v);
    rc = xmlRelaxNGValidateDoc(vctx, doc);
    xmlRelaxNGFreeValidCtxt(vctx);
    xmlFreeDoc(doc);
    return rc == 0;
}

/* VMX file -> XML through the public API with @flags (VMX_CONVERT_*); NULL
 * (with @err) when the file does not convert. */
static char *convert_file(const char *path, unsigned int flags, size_t *len,
                          vmx_error *err)
{
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    vmx_config *cfg = NULL;
    vmx_domain *dom = NULL;
    char *data = NULL, *xml = NULL;
    size_t datalen;

    opts.flags = flags;
    if (vmx_file_read(&data, &datalen, path, 0, err) == 0 &&
        vmx_config_parse(&cfg, data, datalen, path, NULL, err) == 0 &&
        vmx_domain_from_vmx(&dom, cfg, &opts, err) == 0)
        vmx_domain_to_xml(&xml, len, dom, &opts, err);
    vmx_domain_free(dom);
    vmx_config_free(cfg);
    vmx_free(data);
    return xml;
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the .vmx files in @dir (caller frees). */
static char **list_vmx(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0;

    cr_assert_not_null(d, "cannot open %s", dir);
    while ((e = readdir(d))) {
        if (!has_suffix(e->d_name, ".vmx"))
            continue;
        names = realloc(names, (n + 1) * sizeof(*names));
        cr_assert_not_null(names);
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof(*names), compare_names);
    *count = n;
    return names;
}

static bool file_exists(const char *path)
{
    FILE *f = fopen(path, "rb");

    if (f)
        fclose(f);
    return f != NULL;
}

/* libvirt's schema requires <name>, yet libvirt prints none for a VMX file
 * without displayName (two wild files), and vmxkit's default mode prints what
 * libvirt prints (lossless mode and the files libvirt rejects get a name).
 * Such an output is checked with a name put in: everything else in it must
 * be valid. Returns a new string (caller frees). */
static char *with_name(const char *xml, size_t *len)
{
    static const char name[] = "  <name>unnamed</name>\n";
    const char *eol = strchr(xml, '\n');
    size_t head, n = strlen(xml);
    char *p;

    cr_assert_not_null(eol);
    head = (size_t)(eol + 1 - xml);
    p = malloc(n + sizeof(name));
    cr_assert_not_null(p);
    memcpy(p, xml, head);
    memcpy(p + head, name, sizeof(name) - 1);
    memcpy(p + head + sizeof(name) - 1, xml + head, n - head + 1);
    *len = n + sizeof(name) - 1;
    return p;
}

/* Convert every .vmx of @dir with @flags; each must validate. @libvirt_xml_dir,
 * when not NULL, holds libvirt's XML for the files libvirt accepts: those must
 * convert. Returns how many files converted; *nameless counts the outputs
 * without <name>. */
static size_t check_corpus(validator *v, const char *dir, const char *libvirt_xml_dir,
                           unsigned int flags, size_t *required, size_t *nameless)
{
    size_t i, count, converted = 0;
    char **names = list_vmx(dir, &count);

    *required = 0;
    *nameless = 0;
    for (i = 0; i < count; i++) {
        vmx_error err = VMX_ERROR_INIT;
        char path[1024], ref[1024];
        size_t len = 0;
        bool must_convert = true;
        char *xml;

        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        if (libvirt_xml_dir) {
            snprintf(ref, sizeof(ref), "%s/%.*s.xml", libvirt_xml_dir,
                     (int)(strlen(names[i]) - 4), names[i]);
            must_convert = file_exists(ref);
        }
        if (must_convert)
            (*required)++;
        xml = convert_file(path, flags, &len, &err);
        if (!xml) {
            cr_expect(!must_convert, "%s does not convert: %s [%s]", names[i],
                      err.message, err.key);
            free(names[i]);
            continue;
        }
        converted++;
        if (!strstr(xml, "\n  <name>")) {
            char *named = with_name(xml, &len);

            /* only libvirt's own output (default mode, libvirt accepts it) */
            cr_expect(flags == 0 && libvirt_xml_dir && must_convert,
                      "%s: no <name> in the output", names[i]);
            (*nameless)++;
            cr_log_info("%s: no <name>, as libvirt prints it", names[i]);
            vmx_free(xml);
            xml = named;
        }
        cr_expect(validate(v, xml, len), "%s: output is not valid:\n%s%s", names[i],
                  v->errors, xml);
        free(xml);
        free(names[i]);
    }
    free(names);
    return converted;
}

Test(xml_schema, libvirt_vmx2xml_outputs_are_valid, .timeout = 60)
{
    validator v;
    size_t required, converted, nameless;

    validator_init(&v);
    /* the cases libvirt accepts are those with an expected .xml beside them */
    converted = check_corpus(&v, TESTDATA_DIR "/libvirt/vmx2xml",
                             TESTDATA_DIR "/libvirt/vmx2xml", 0, &required, &nameless);
    cr_assert_eq(required, LIBVIRT_VMX2XML_OK);
    cr_assert_eq(nameless, 0);
    cr_assert_geq(converted, LIBVIRT_VMX2XML_OK);
    cr_assert_leq(converted, LIBVIRT_VMX2XML_CASES);
    cr_log_info("vmx2xml: %zu of the %d .vmx files convert", converted,
                LIBVIRT_VMX2XML_CASES);
    validator_dispose(&v);
}

Test(xml_schema, wild_outputs_are_valid, .timeout = 60)
{
    validator v;
    size_t required, converted, nameless;

    validator_init(&v);
    converted = check_corpus(&v, TESTDATA_DIR "/wild", TESTDATA_DIR "/wild/libvirt-xml",
                             0, &required, &nameless);
    cr_assert_eq(required, WILD_ACCEPTED_BY_LIBVIRT);
    /* vmwareplus__test and vmxmanager__defaults, as libvirt prints them */
    cr_assert_eq(nameless, 2);
    cr_assert_geq(converted, WILD_ACCEPTED_BY_LIBVIRT);
    cr_log_info("wild: %zu of the .vmx files convert", converted);
    validator_dispose(&v);
}

/* Lossless output (metadata, NVMe, USB, sound, TPM ...) over both corpora:
 * every file libvirt accepts converts, and every output validates. */
Test(xml_schema, lossless_outputs_are_valid, .timeout = 60)
{
    validator v;
    size_t required, converted, nameless;

    validator_init(&v);
    converted =
        check_corpus(&v, TESTDATA_DIR "/libvirt/vmx2xml", TESTDATA_DIR "/libvirt/vmx2xml",
                     VMX_CONVERT_LOSSLESS, &required, &nameless);
    cr_assert_eq(required, LIBVIRT_VMX2XML_OK);
    cr_assert_eq(converted, LIBVIRT_VMX2XML_CASES);
    cr_assert_eq(nameless, 0);
    converted = check_corpus(&v, TESTDATA_DIR "/wild", TESTDATA_DIR "/wild/libvirt-xml",
                             VMX_CONVERT_LOSSLESS, &required, &nameless);
    cr_assert_eq(required, WILD_ACCEPTED_BY_LIBVIRT);
    /* the seven files without displayName are named too */
    cr_assert_eq(nameless, 0);
    /* all but four malformed files and an encrypted one */
    cr_assert_eq(converted, 79);
    cr_log_info("lossless: %d + %zu files convert, all valid", LIBVIRT_VMX2XML_CASES,
                converted);
    validator_dispose(&v);
}

/* The reference outputs (what vmxkit must print byte for byte) pass the same
 * check: this keeps the harness honest while the converter is incomplete. */
Test(xml_schema, libvirt_reference_outputs_are_valid, .timeout = 60)
{
    static const char *const dirs[] = {TESTDATA_DIR "/libvirt/vmx2xml",
                                       TESTDATA_DIR "/wild/libvirt-xml"};
    validator v;
    size_t i, checked = 0, nameless = 0;

    validator_init(&v);
    for (i = 0; i < 2; i++) {
        DIR *d = opendir(dirs[i]);
        struct dirent *e;

        cr_assert_not_null(d);
        while ((e = readdir(d))) {
            char path[1024], *xml = NULL;
            vmx_error err = VMX_ERROR_INIT;
            size_t len;

            if (!has_suffix(e->d_name, ".xml"))
                continue;
            snprintf(path, sizeof(path), "%s/%s", dirs[i], e->d_name);
            cr_assert_eq(vmx_file_read(&xml, &len, path, 0, &err), 0, "%s", err.message);
            if (!strstr(xml, "\n  <name>")) {
                char *named = with_name(xml, &len);

                nameless++;
                vmx_free(xml);
                xml = named;
            }
            cr_expect(validate(&v, xml, len), "%s: not valid:\n%s", path, v.errors);
            free(xml);
            checked++;
        }
        closedir(d);
    }
    /* the ok cases plus serial-pipe.xml, an XML libvirt keeps without a VMX */
    cr_assert_eq(checked, LIBVIRT_VMX2XML_OK + 1 + WILD_ACCEPTED_BY_LIBVIRT);
    cr_assert_eq(nameless, 2);
    validator_dispose(&v);
}

static char *xstrdup(const char *s)
{
    char *p = strdup(s);

    cr_assert_not_null(p);
    return p;
}

/* A domain with every element and device kind the writer prints. */
static vmx_domain *rich_domain(void)
{
    static const vmx_chr_type chr_types[] = {VMX_CHR_NULL, VMX_CHR_DEV, VMX_CHR_FILE,
                                             VMX_CHR_PIPE, VMX_CHR_TCP, VMX_CHR_UDP};
    static const vmx_net_type net_types[] = {VMX_NET_BRIDGE,   VMX_NET_USER,
                                             VMX_NET_ETHERNET, VMX_NET_VDS,
                                             VMX_NET_NULL,     VMX_NET_HOSTONLY};
    vmx_domain *dom;
    vmx_disk *d;
    vmx_controller *c;
    vmx_fs *fs;
    vmx_graphics *g;
    vmx_video *vid;
    size_t i;

    cr_assert_eq(vmx_domain_new(&dom), 0);
    dom->name = xstrdup("every <device> & 'kind'");
    dom->uuid = xstrdup("564d9e2b-3c4d-5e6f-7081-92a3b4c5d6e7");
    dom->genid = xstrdup("8987940a-0951-2cc5-e815-105926cc79ea");
    dom->description = xstrdup("a \"quoted\"\nmulti-line <description>");
    dom->memory_kib = 1048576;
    dom->current_memory_kib = 524288;
    dom->min_guarantee_kib = 262144;
    dom->has_min_guarantee = true;
    dom->vcpus = 4;
    dom->cpuset = xstrdup("0-3,^2");
    dom->cpu_shares = 4000;
    dom->sockets = 2;
    dom->cores = 2;
    dom->threads = 1;
    dom->arch = VMX_ARCH_X86_64;
    dom->firmware = VMX_FIRMWARE_EFI;
    dom->secure_boot = VMX_TRISTATE_YES;
    dom->smbios = VMX_SMBIOS_HOST;
    dom->datacenter_path = xstrdup("folder1/dc&1");
    /* no moref: libvirt prints <vmware:moref> but its 9.0 schema rejects it */
    for (i = 0; i < 4; i++) {
        cr_assert_not_null(d = vmx_domain_add_disk(dom));
        d->device = (vmx_disk_device)i;
        d->bus = i == 2   ? VMX_DISK_BUS_FDC
                 : i == 3 ? VMX_DISK_BUS_SATA
                          : VMX_DISK_BUS_SCSI;
        d->type = i >= 2 ? VMX_DISK_TYPE_BLOCK : VMX_DISK_TYPE_FILE;
        d->target = xstrdup(i == 2 ? "fda" : i == 3 ? "sdb" : i == 1 ? "sdc" : "sda");
        d->src =
            i == 3 ? NULL : xstrdup(i == 2 ? "/dev/fd0" : "[datastore] dir/a&b.vmdk");
        d->startup_optional = i == 3;
        d->readonly = i == 1 || i == 3;
        d->transient = i == 0;
        d->cache = i == 0 ? VMX_DISK_CACHE_WRITETHROUGH : VMX_DISK_CACHE_DEFAULT;
        d->driver_name = i == 0 ? xstrdup("lsilogic") : NULL;
        d->has_address = true;
        d->addr_unit = (int)i;
    }
    for (i = 0; i <= VMX_CONTROLLER_USB; i++) {
        if (i == VMX_CONTROLLER_NVME)
            continue; /* the 9.0 schema has no NVMe controller */
        cr_assert_not_null(c = vmx_domain_add_controller(dom));
        c->type = (vmx_controller_type)i;
        c->model = i == VMX_CONTROLLER_SCSI  ? xstrdup("vmpvscsi")
                   : i == VMX_CONTROLLER_USB ? xstrdup("nec-xhci")
                                             : NULL;
    }
    cr_assert_not_null(fs = vmx_domain_add_filesystem(dom));
    fs->src = xstrdup("/path/to/shared");
    fs->dst = xstrdup("shared");
    fs->readonly = true;
    for (i = 0; i < sizeof(net_types) / sizeof(net_types[0]); i++) {
        vmx_net *n = vmx_domain_add_net(dom);

        cr_assert_not_null(n);
        n->type = net_types[i];
        n->mac = xstrdup("00:50:56:11:22:33");
        n->mac_type = (vmx_mac_type)(i % 4);
        n->mac_check_set = i == 1;
        n->bridge = xstrdup("VM Network");
        n->ifname = i == 2 ? xstrdup("vmnet7") : NULL;
        n->model = i == 0 ? xstrdup("vmxnet3") : NULL;
        if (n->type == VMX_NET_VDS) {
            n->switch_id = xstrdup("50 34 26 b2 94 e9 3b 16-1d 68 87 bf ff 4a 54 40");
            n->port_id = xstrdup("5");
            n->portgroup_id = xstrdup("dvportgroup-1285");
            n->connection_id = 408217997;
        }
    }
    for (i = 0; i < sizeof(chr_types) / sizeof(chr_types[0]); i++) {
        vmx_chr *s = vmx_domain_add_serial(dom);

        cr_assert_not_null(s);
        s->type = chr_types[i];
        s->port = (int)i;
        s->path = xstrdup("/tmp/port");
        s->host = xstrdup("192.168.0.17");
        s->service = xstrdup("42001");
        s->listen = i % 2;
        s->protocol = i == 4 ? xstrdup("telnets") : NULL;
    }
    cr_assert_not_null(vmx_domain_add_parallel(dom));
    cr_assert_not_null(g = vmx_domain_add_graphics(dom));
    g->type = xstrdup("vnc");
    g->port = 5903;
    g->listen = xstrdup("10.0.0.1");
    g->keymap = xstrdup("de");
    g->passwd = xstrdup("pass'word");
    cr_assert_not_null(g = vmx_domain_add_graphics(dom));
    g->port = -1;
    cr_assert_not_null(vid = vmx_domain_add_video(dom));
    vid->model = xstrdup("vmvga");
    vid->vram_kib = 8192;
    vid->heads = 2;
    vid->primary = true;
    return dom;
}

Test(xml_schema, every_device_kind_is_valid)
{
    validator v;
    vmx_domain *dom = rich_domain();
    vmx_error err = VMX_ERROR_INIT;
    char *xml = NULL;
    size_t len;

    validator_init(&v);
    cr_assert_eq(vmx_domain_to_xml(&xml, &len, dom, NULL, &err), 0, "%s", err.message);
    cr_assert(validate(&v, xml, len), "not valid:\n%s%s", v.errors, xml);
    /* and the validator does reject what the schema forbids */
    cr_assert_not(validate(&v, "<domain type='vmware'><bogus/></domain>", 39));
    vmx_free(xml);
    vmx_domain_free(dom);
    validator_dispose(&v);
}
