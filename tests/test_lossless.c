/* Beyond libvirt: the tolerant conversion of files libvirt rejects, the
 * lossless mode and --warnings (doc/lossless.md).
 *
 * Corpus test: every .vmx of testdata/wild, testdata/libvirt/vmx2xml and
 * testdata/vmx2xml-extra converts to lossless XML (but the five files vmxkit
 * refuses) that
 *   - validates against libvirt's schema (testdata/libvirt/schemas),
 *   - keeps every key of the input: the key (lowercased) is in the metadata
 *     with its value, or the domain read back from the XML writes it with
 *     the same value (vmx_domain_to_vmx, lossless mode),
 *   - reads back into the same model (compared through its YAML form) and
 *     writes the same XML again, byte for byte.
 * Unit tests cover each mapping and each repair of the tolerant path. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/xmlversion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli_run.h"
#include "vmxkit/vmxkit.h"

#define WILD_DIR TESTDATA_DIR "/wild"

void vmx__alloc_fail_after(long n);

/* ---- helpers ---- */

static vmx_config *parse(const char *text)
{
    vmx_config *cfg = NULL;
    vmx_error err = VMX_ERROR_INIT;

    cr_assert_eq(vmx_config_parse(&cfg, text, strlen(text), "test.vmx", NULL, &err), 0,
                 "%s", err.message);
    return cfg;
}

/* VMX text -> domain with @flags; must succeed. */
static vmx_domain *from_vmx(const char *text, unsigned int flags)
{
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    vmx_error err = VMX_ERROR_INIT;
    vmx_config *cfg = parse(text);
    vmx_domain *dom = NULL;

    opts.flags = flags;
    cr_assert_eq(vmx_domain_from_vmx(&dom, cfg, &opts, &err), 0, "%s:%lu: %s [%s]",
                 err.source, err.line, err.message, err.key);
    vmx_config_free(cfg);
    return dom;
}

static char *to_xml(const vmx_domain *dom, unsigned int flags)
{
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    vmx_error err = VMX_ERROR_INIT;
    char *xml = NULL;

    opts.flags = flags;
    cr_assert_eq(vmx_domain_to_xml(&xml, NULL, dom, &opts, &err), 0, "%s [%s]",
                 err.message, err.key);
    return xml;
}

static vmx_domain *from_xml(const char *xml, unsigned int flags)
{
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    vmx_error err = VMX_ERROR_INIT;
    vmx_domain *dom = NULL;

    opts.flags = flags;
    cr_assert_eq(vmx_domain_from_xml(&dom, xml, strlen(xml), "test.xml", &opts, &err), 0,
                 "%lu: %s [%s]\n%s", err.line, err.message, err.key, xml);
    return dom;
}

/* VMX text -> XML in one mode. */
static char *vmx_to_xml(const char *text, unsigned int flags)
{
    vmx_domain *dom = from_vmx(text, flags);
    char *xml = to_xml(dom, flags);

    vmx_domain_free(dom);
    return xml;
}

static char *yaml_of(const vmx_domain *dom)
{
    vmx_error err = VMX_ERROR_INIT;
    char *yaml = NULL;

    cr_assert_eq(vmx_domain_to_yaml(&yaml, NULL, dom, NULL, &err), 0, "%s", err.message);
    return yaml;
}

/* The value of the extra key @key of @dom; *found says whether there is one. */
static const char *extra(const vmx_domain *dom, const char *key, bool *found)
{
    size_t i;

    for (i = 0; i < dom->nextra; i++)
        if (strcasecmp(dom->extra_keys[i], key) == 0) {
            *found = true;
            return dom->extra_values[i];
        }
    *found = false;
    return NULL;
}

#define HEAD "config.version = \"8\"\nvirtualHW.version = \"14\"\ndisplayName = \"t\"\n"

/* ---- schema validation ---- */

typedef struct validator {
    xmlRelaxNGPtr schema;
    char errors[2048];
    size_t len;
} validator;

#if LIBXML_VERSION >= 21200
static void collect(void *ctx, const xmlError *e)
#else
static void collect(void *ctx, xmlErrorPtr e)
#endif
{
    validator *v = ctx;
    int n;

    if (v->len >= sizeof(v->errors) - 1)
        return;
    n = snprintf(v->errors + v->len, sizeof(v->errors) - v->len, "  line %d: %s", e->line,
                 e->message ? e->message : "?\n");
    if (n > 0)
        v->len = (size_t)n < sizeof(v->errors) - v->len ? v->len + (size_t)n
                                                        : sizeof(v->errors) - 1;
}

static void validator_init(validator *v)
{
    xmlRelaxNGParserCtxtPtr p =
        xmlRelaxNGNewParserCtxt(TESTDATA_DIR "/libvirt/schemas/domain.rng");

    memset(v, 0, sizeof(*v));
    cr_assert_not_null(p);
    v->schema = xmlRelaxNGParse(p);
    xmlRelaxNGFreeParserCtxt(p);
    cr_assert_not_null(v->schema);
}

/* libvirt's schema needs <name>: lossless mode names a domain whose VMX
 * file has no displayName, so every output must have one. */
static bool validate(validator *v, const char *xml)
{
    xmlRelaxNGValidCtxtPtr vctx;
    xmlDocPtr doc;
    int rc;

    if (!strstr(xml, "\n  <name>")) {
        snprintf(v->errors, sizeof(v->errors), "  no <name>\n");
        return false;
    }
    v->len = 0;
    v->errors[0] = '\0';
    doc = xmlReadMemory(xml, (int)strlen(xml), "out.xml", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR);
    if (!doc) {
        snprintf(v->errors, sizeof(v->errors), "  not well-formed\n");
        return false;
    }
    vctx = xmlRelaxNGNewValidCtxt(v->schema);
    xmlRelaxNGSetValidStructuredErrors(vctx, collect, v);
    rc = xmlRelaxNGValidateDoc(vctx, doc);
    xmlRelaxNGFreeValidCtxt(vctx);
    xmlFreeDoc(doc);
    return rc == 0;
}

/* ---- the corpus ---- */

static const char *const refused[] = {"policehon__Windows_10_x64_encrypted.vmx",
                                      "vmconfig__fail-1.vmx", "vmconfig__fail-2.vmx",
                                      "vmconfig__fail-3.vmx", "vmconfig__fail-4.vmx"};

static bool is_refused(const char *dir, const char *name)
{
    size_t i;

    if (strcmp(dir, WILD_DIR) != 0)
        return false;
    for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
        if (strcmp(name, refused[i]) == 0)
            return true;
    return false;
}

typedef struct counts {
    size_t files, converted, valid, identical, same_model, keys, keys_kept,
        keys_in_metadata;
} counts;

/* The generated VMX of @dom read back from XML, without its extra keys: the
 * keys the XML carries as elements. */
static vmx_config *generated(const vmx_domain *dom)
{
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    vmx_domain copy = *dom;
    vmx_error err = VMX_ERROR_INIT;
    vmx_config *cfg = NULL;
    char *text = NULL;
    size_t len = 0, i;
    bool found;
    const char *hw = extra(dom, "virtualHW.version", &found);

    opts.flags = VMX_CONVERT_LOSSLESS;
    opts.hw_version = hw ? atoi(hw) : 4;
    if (opts.hw_version < 4)
        opts.hw_version = 4;
    copy.extra_keys = copy.extra_values = NULL;
    copy.nextra = 0;
    cr_assert_not_null(copy.name, "lossless mode gives every domain a name");
    if (vmx_domain_to_vmx(&text, &len, &copy, &opts, &err) < 0)
        return NULL;
    cr_assert_eq(vmx_config_parse(&cfg, text, len, "generated", NULL, &err), 0, "%s",
                 err.message);
    vmx_free(text);
    (void)i;
    return cfg;
}

/* 1 when the pair (@key, @value) of the input can be recovered: it is an
 * extra key of @dom with that value, or @gen has it. */
static bool kept(const vmx_domain *dom, const vmx_config *gen, const char *key,
                 const char *value, bool *in_metadata)
{
    size_t i, n;

    *in_metadata = false;
    for (i = 0; i < dom->nextra; i++)
        if (strcasecmp(dom->extra_keys[i], key) == 0 && dom->extra_values[i] &&
            strcmp(dom->extra_values[i], value) == 0) {
            *in_metadata = true;
            return true;
        }
    n = gen ? vmx_config_count(gen) : 0;
    for (i = 0; i < n; i++) {
        const char *k, *v;

        vmx_config_entry(gen, i, &k, &v, NULL);
        if (strcasecmp(k, key) == 0 && strcmp(v ? v : "", value) == 0)
            return true;
    }
    return false;
}

static void check_file(validator *val, const char *dir, const char *name, counts *c)
{
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    vmx_error err = VMX_ERROR_INIT;
    vmx_config *cfg = NULL, *gen = NULL;
    vmx_domain *dom = NULL, *back = NULL;
    char path[1024], *xml = NULL, *xml2 = NULL, *y1 = NULL, *y2 = NULL;
    size_t i, n, lost = 0;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    c->files++;
    opts.flags = VMX_CONVERT_LOSSLESS;
    if (vmx_config_parse_file(&cfg, path, NULL, &err) < 0 ||
        vmx_domain_from_vmx(&dom, cfg, &opts, &err) < 0) {
        cr_expect(is_refused(dir, name), "%s: %s [%s]", name, err.message, err.key);
        goto out;
    }
    cr_expect_not(is_refused(dir, name), "%s converts", name);
    c->converted++;
    xml = to_xml(dom, VMX_CONVERT_LOSSLESS);
    if (validate(val, xml))
        c->valid++;
    else
        cr_expect(0, "%s: lossless output is not valid:\n%s%s", name, val->errors, xml);

    back = from_xml(xml, VMX_CONVERT_LOSSLESS);
    xml2 = to_xml(back, VMX_CONVERT_LOSSLESS);
    if (strcmp(xml, xml2) == 0)
        c->identical++;
    else
        cr_expect(0, "%s: XML -> domain -> XML changed:\n%s\n----\n%s", name, xml, xml2);
    y1 = yaml_of(dom);
    y2 = yaml_of(back);
    if (strcmp(y1, y2) == 0)
        c->same_model++;
    else
        cr_expect(0, "%s: the model read back differs:\n%s\n----\n%s", name, y1, y2);

    gen = generated(back);
    n = vmx_config_count(cfg);
    for (i = 0; i < n; i++) {
        const char *k, *v;
        bool meta;

        vmx_config_entry(cfg, i, &k, &v, NULL);
        c->keys++;
        if (kept(back, gen, k, v ? v : "", &meta)) {
            c->keys_kept++;
            c->keys_in_metadata += meta;
        } else if (lost++ < 3) {
            cr_expect(0, "%s: key %s = \"%s\" is lost", name, k, v ? v : "");
        }
    }
    cr_expect_eq(lost, 0, "%s: %zu keys lost", name, lost);
out:
    vmx_config_free(gen);
    vmx_config_free(cfg);
    vmx_domain_free(dom);
    vmx_domain_free(back);
    vmx_free(xml);
    vmx_free(xml2);
    vmx_free(y1);
    vmx_free(y2);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void check_dir(validator *val, const char *dir, counts *c)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, i;

    cr_assert_not_null(d, "cannot open %s", dir);
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);

        if (len < 5 || strcmp(e->d_name + len - 4, ".vmx") != 0)
            continue;
        names = realloc(names, (n + 1) * sizeof(*names));
        cr_assert_not_null(names);
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof(*names), cmp_names);
    for (i = 0; i < n; i++) {
        check_file(val, dir, names[i], c);
        free(names[i]);
    }
    free(names);
}

Test(lossless, corpora_are_valid_complete_and_stable, .timeout = 120)
{
    static const char *const dirs[] = {WILD_DIR, TESTDATA_DIR "/libvirt/vmx2xml",
                                       TESTDATA_DIR "/vmx2xml-extra"};
    validator val;
    size_t i;

    validator_init(&val);
    for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        counts c;

        memset(&c, 0, sizeof(c));
        check_dir(&val, dirs[i], &c);
        cr_log_info("%s: %zu files, %zu convert losslessly, %zu schema-valid, %zu "
                    "XML fixpoints, %zu same model; %zu keys, %zu kept (%zu in "
                    "metadata)",
                    dirs[i], c.files, c.converted, c.valid, c.identical, c.same_model,
                    c.keys, c.keys_kept, c.keys_in_metadata);
        cr_expect_eq(c.converted + (i == 0 ? 5 : 0), c.files);
        cr_expect_eq(c.valid, c.converted);
        cr_expect_eq(c.identical, c.converted);
        cr_expect_eq(c.same_model, c.converted);
        cr_expect_eq(c.keys_kept, c.keys);
        if (i == 0) {
            cr_expect_eq(c.files, 84);
            cr_expect_gt(c.keys, 5000, "only %zu keys in the wild corpus", c.keys);
        }
    }
    xmlRelaxNGFree(val.schema);
}

/* ---- lossless mappings ---- */

/* VMX -> lossless XML -> domain: the model survives and the XML is a
 * fixpoint; returns the domain read back. */
static vmx_domain *round_trip(const char *vmx, char **xml_out)
{
    vmx_domain *dom = from_vmx(vmx, VMX_CONVERT_LOSSLESS), *back;
    char *xml = to_xml(dom, VMX_CONVERT_LOSSLESS), *xml2, *y1, *y2;

    back = from_xml(xml, VMX_CONVERT_LOSSLESS);
    xml2 = to_xml(back, VMX_CONVERT_LOSSLESS);
    cr_assert_str_eq(xml2, xml);
    y1 = yaml_of(dom);
    y2 = yaml_of(back);
    cr_assert_str_eq(y2, y1);
    vmx_free(xml2);
    vmx_free(y1);
    vmx_free(y2);
    vmx_domain_free(dom);
    *xml_out = xml;
    return back;
}

Test(lossless, sata_disks_and_controllers)
{
    char *xml;
    vmx_domain *dom = round_trip(HEAD "sata0.present = \"TRUE\"\n"
                                      "sata0:1.present = \"TRUE\"\n"
                                      "sata0:1.fileName = \"data.vmdk\"\n",
                                 &xml);

    cr_assert_eq(dom->ndisks, 1);
    cr_assert_eq(dom->disks[0].bus, VMX_DISK_BUS_SATA);
    cr_assert_eq(dom->disks[0].addr_unit, 1);
    cr_assert_eq(dom->ncontrollers, 1);
    cr_assert_eq(dom->controllers[0].type, VMX_CONTROLLER_SATA);
    cr_assert_not_null(strstr(xml, "      <target dev='sdb' bus='sata'/>\n"));
    cr_assert_not_null(strstr(xml, "    <controller type='sata' index='0'/>\n"));
    vmx_domain_free(dom);
    vmx_free(xml);
}

Test(lossless, nvme_disks_are_virtio_disks_with_the_slot_in_an_alias)
{
    static const char vmx[] = HEAD "nvme0.present = \"TRUE\"\n"
                                   "nvme0:0.present = \"TRUE\"\n"
                                   "nvme0:0.fileName = \"os.vmdk\"\n"
                                   "nvme1.present = \"TRUE\"\n"
                                   "nvme1:3.present = \"TRUE\"\n"
                                   "nvme1:3.fileName = \"/vmfs/volumes/ds/data.vmdk\"\n"
                                   "nvme1:3.mode = \"independent-nonpersistent\"\n";
    char *xml, *plain;
    vmx_domain *dom = round_trip(vmx, &xml);

    cr_assert_eq(dom->ndisks, 2);
    cr_assert_eq(dom->disks[0].bus, VMX_DISK_BUS_NVME);
    cr_assert_eq(dom->disks[0].controller, 0);
    cr_assert_eq(dom->disks[0].addr_unit, 0);
    cr_assert_eq(dom->disks[1].controller, 1);
    cr_assert_eq(dom->disks[1].addr_unit, 3);
    cr_assert(dom->disks[1].transient);
    cr_assert_str_eq(dom->disks[1].src, "[ds] data.vmdk");
    cr_assert_not_null(strstr(xml,
                              "      <source file='[datastore] directory/os.vmdk'/>\n"
                              "      <target dev='vda' bus='virtio'/>\n"
                              "      <alias name='ua-vmx-nvme0-0'/>\n"));
    cr_assert_not_null(strstr(xml, "      <target dev='vdbp' bus='virtio'/>\n"
                                   "      <transient/>\n"
                                   "      <alias name='ua-vmx-nvme1-3'/>\n"));
    /* libvirt drops NVMe disks, and so does the default mode */
    plain = vmx_to_xml(vmx, 0);
    cr_assert_null(strstr(plain, "<disk"));
    vmx_free(plain);
    vmx_domain_free(dom);
    vmx_free(xml);
}

Test(lossless, usb_controllers)
{
    char *xml;
    vmx_domain *dom = round_trip(HEAD "usb.present = \"TRUE\"\n"
                                      "ehci.present = \"TRUE\"\n"
                                      "usb_xhci.present = \"TRUE\"\n",
                                 &xml);

    cr_assert_eq(dom->ncontrollers, 3);
    cr_assert_str_eq(dom->controllers[2].model, "nec-xhci");
    cr_assert_not_null(
        strstr(xml, "    <controller type='usb' index='0' model='piix3-uhci'/>\n"
                    "    <controller type='usb' index='1' model='ehci'/>\n"
                    "    <controller type='usb' index='2' model='nec-xhci'/>\n"));
    vmx_domain_free(dom);
    vmx_free(xml);
    /* only present controllers */
    xml = vmx_to_xml(HEAD "usb.present = \"FALSE\"\nusb_xhci.present = \"true\"\n",
                     VMX_CONVERT_LOSSLESS);
    cr_assert_not_null(
        strstr(xml, "<controller type='usb' index='0' model='nec-xhci'/>"));
    cr_assert_null(strstr(xml, "piix3-uhci"));
    vmx_free(xml);
}

Test(lossless, sound_cards)
{
    static const struct {
        const char *vmx, *model;
    } cases[] = {{"hdaudio", "ich6"}, {"es1371", "es1370"}, {"sb16", "sb16"}};
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char vmx[512], want[64], *xml;
        vmx_domain *dom;

        snprintf(vmx, sizeof(vmx),
                 HEAD "sound.present = \"TRUE\"\nsound.virtualDev = \"%s\"\n",
                 cases[i].vmx);
        dom = round_trip(vmx, &xml);
        cr_assert_eq(dom->nsounds, 1);
        cr_assert_str_eq(dom->sounds[0].model, cases[i].model);
        snprintf(want, sizeof(want), "    <sound model='%s'/>\n", cases[i].model);
        cr_assert_not_null(strstr(xml, want), "%s", xml);
        vmx_domain_free(dom);
        vmx_free(xml);
    }
    /* no card without a known model: the keys stay in the metadata */
    {
        bool found;
        vmx_domain *dom =
            from_vmx(HEAD "sound.present = \"TRUE\"\nsound.autodetect = \"TRUE\"\n",
                     VMX_CONVERT_LOSSLESS);

        cr_assert_eq(dom->nsounds, 0);
        cr_assert_str_eq(extra(dom, "sound.present", &found), "TRUE");
        cr_assert_str_eq(extra(dom, "sound.autodetect", &found), "TRUE");
        vmx_domain_free(dom);
    }
}

Test(lossless, tpm)
{
    char *xml;
    vmx_domain *dom = round_trip(HEAD "vtpm.present = \"TRUE\"\n", &xml);

    cr_assert(dom->tpm);
    cr_assert_not_null(strstr(xml, "    <tpm model='tpm-crb'>\n"
                                   "      <backend type='emulator' version='2.0'/>\n"
                                   "    </tpm>\n"));
    vmx_domain_free(dom);
    vmx_free(xml);
    xml = vmx_to_xml(HEAD "vtpm.present = \"TRUE\"\n", 0);
    cr_assert_null(strstr(xml, "<tpm"));
    vmx_free(xml);
}

Test(lossless, secure_boot)
{
    char *xml;
    vmx_domain *dom = round_trip(HEAD "firmware = \"efi\"\n"
                                      "uefi.secureBoot.enabled = \"TRUE\"\n",
                                 &xml);

    cr_assert_eq(dom->secure_boot, VMX_TRISTATE_YES);
    cr_assert_not_null(strstr(xml, "  <os firmware='efi'>\n"
                                   "    <type arch='i686'>hvm</type>\n"
                                   "    <firmware>\n"
                                   "      <feature enabled='yes' name='secure-boot'/>\n"
                                   "    </firmware>\n"));
    vmx_domain_free(dom);
    vmx_free(xml);
    dom = from_vmx(HEAD "firmware = \"efi\"\nuefi.secureBoot.enabled = \"FALSE\"\n",
                   VMX_CONVERT_LOSSLESS);
    cr_assert_eq(dom->secure_boot, VMX_TRISTATE_NO);
    vmx_domain_free(dom);
    dom = from_vmx(HEAD "firmware = \"efi\"\nuefi.secureBoot.enabled = \"TRUE\"\n", 0);
    cr_assert_eq(dom->secure_boot, VMX_TRISTATE_UNSET);
    vmx_domain_free(dom);
}

Test(lossless, hostonly_networks)
{
    static const char vmx[] = HEAD "ethernet0.present = \"TRUE\"\n"
                                   "ethernet0.connectionType = \"hostonly\"\n"
                                   "ethernet0.networkName = \"vmnet1\"\n"
                                   "ethernet0.address = \"00:50:56:01:02:03\"\n"
                                   "ethernet0.addressType = \"static\"\n"
                                   "ethernet1.present = \"TRUE\"\n"
                                   "ethernet1.connectionType = \"hostonly\"\n";
    char *xml;
    vmx_domain *dom = round_trip(vmx, &xml);

    cr_assert_eq(dom->nnets, 2);
    cr_assert_eq(dom->nets[0].type, VMX_NET_HOSTONLY);
    cr_assert_str_eq(dom->nets[0].bridge, "vmnet1");
    /* without a network name: a null interface */
    cr_assert_eq(dom->nets[1].type, VMX_NET_NULL);
    cr_assert_not_null(strstr(xml,
                              "    <interface type='network'>\n"
                              "      <mac address='00:50:56:01:02:03' type='static'/>\n"
                              "      <source network='vmnet1'/>\n"
                              "    </interface>\n"
                              "    <interface type='null'>\n"));
    vmx_domain_free(dom);
    vmx_free(xml);
    /* the default mode maps it the same (libvirt refuses the file) */
    xml = vmx_to_xml(vmx, 0);
    cr_assert_not_null(strstr(xml, "<source network='vmnet1'/>"));
    vmx_free(xml);
}

Test(lossless, thinprint_serial_ports)
{
    static const char vmx[] = HEAD "serial0.present = \"TRUE\"\n"
                                   "serial0.fileType = \"thinprint\"\n"
                                   "serial0.fileName = \"thinprint\"\n"
                                   "serial1.present = \"TRUE\"\n"
                                   "serial1.fileType = \"file\"\n"
                                   "serial1.fileName = \"/tmp/s1\"\n";
    char *xml;
    vmx_domain *dom = round_trip(vmx, &xml);

    cr_assert_eq(dom->nserials, 2);
    cr_assert_eq(dom->serials[0].type, VMX_CHR_THINPRINT);
    cr_assert_eq(dom->serials[0].port, 0);
    cr_assert_eq(dom->serials[1].type, VMX_CHR_FILE);
    cr_assert_not_null(strstr(xml, "    <serial type='null'>\n"
                                   "      <target port='0'/>\n"
                                   "      <alias name='ua-vmx-thinprint0'/>\n"
                                   "    </serial>\n"));
    vmx_domain_free(dom);
    vmx_free(xml);
    /* default mode: a null port, nothing more */
    xml = vmx_to_xml(vmx, 0);
    cr_assert_not_null(strstr(xml, "    <serial type='null'>\n"
                                   "      <target port='0'/>\n"
                                   "    </serial>\n"));
    cr_assert_null(strstr(xml, "alias"));
    vmx_free(xml);
}

Test(lossless, guest_os_and_metadata)
{
    static const char vmx[] = HEAD "guestOS = \"windows9-64\"\n"
                                   "sched.mem.shares = \"normal\"\n"
                                   "guestinfo.odd = \"a<b>&'q'|22\ttab\"\n"
                                   "Dup.Key = \"one\"\n"
                                   "dup.key = \"two\"\n";
    char *xml, *plain;
    bool found;
    vmx_domain *dom = round_trip(vmx, &xml);

    cr_assert_str_eq(dom->guest_os, "windows9-64");
    cr_assert_eq(dom->arch, VMX_ARCH_X86_64);
    cr_assert_not_null(strstr(xml,
                              "  <metadata>\n"
                              "    <vmxkit:vmx xmlns:vmxkit=\"https://vmxkit.org/xmlns/"
                              "vmx/1\">\n"
                              "      <vmxkit:guest os=\"windows9-64\"/>\n"
                              "      <vmxkit:entry key=\"virtualHW.version\" "
                              "value=\"14\"/>\n"),
                       "%s", xml);
    cr_assert_not_null(strstr(xml, "<vmxkit:entry key=\"guestinfo.odd\" "
                                   "value=\"a&lt;b&gt;&amp;'q'|22&#9;tab\"/>"),
                       "%s", xml);
    cr_assert_str_eq(extra(dom, "sched.mem.shares", &found), "normal");
    /* both occurrences of a key, in file order */
    cr_assert_not_null(strstr(xml,
                              "<vmxkit:entry key=\"Dup.Key\" value=\"one\"/>\n"
                              "      <vmxkit:entry key=\"dup.key\" value=\"two\"/>"));
    /* keys a VMX writer adds that the file lacks */
    cr_assert_not_null(strstr(xml, "<vmxkit:absent key=\"svga.vramSize\"/>"), "%s", xml);
    extra(dom, "svga.vramSize", &found);
    cr_assert(found);
    /* mapped keys are not repeated */
    cr_assert_null(strstr(xml, "key=\"displayName\""));
    cr_assert_null(strstr(xml, "key=\"config.version\""));
    /* the default mode has no metadata */
    plain = vmx_to_xml(vmx, 0);
    cr_assert_null(strstr(plain, "<metadata>"));
    vmx_free(plain);
    vmx_domain_free(dom);
    vmx_free(xml);
}

Test(lossless, values_xml_cannot_hold_are_written_in_hex)
{
    vmx_domain *dom, *back;
    char *xml;
    bool found;

    cr_assert_eq(vmx_domain_new(&dom), 0);
    dom->name = strdup("hex");
    dom->memory_kib = dom->current_memory_kib = 4096;
    dom->vcpus = 1;
    cr_assert_eq(vmx_domain_add_extra(dom, "ctl.value", "a\x01z"), 0);
    cr_assert_eq(vmx_domain_add_extra(dom, "bad.utf8", "\xff\xfe"), 0);
    xml = to_xml(dom, VMX_CONVERT_LOSSLESS);
    cr_assert_not_null(
        strstr(xml, "<vmxkit:entry key=\"ctl.value\" value-hex=\"61017a\"/>"), "%s", xml);
    cr_assert_not_null(strstr(xml, "value-hex=\"fffe\""));
    back = from_xml(xml, VMX_CONVERT_LOSSLESS);
    cr_assert_str_eq(extra(back, "ctl.value", &found), "a\x01z");
    cr_assert_str_eq(extra(back, "bad.utf8", &found), "\xff\xfe");
    vmx_domain_free(back);
    vmx_domain_free(dom);
    vmx_free(xml);
}

Test(lossless, lossless_elements_are_refused_outside_lossless_mode)
{
    vmx_error err = VMX_ERROR_INIT;
    vmx_domain *dom = NULL;
    char *xml = vmx_to_xml(HEAD "vtpm.present = \"TRUE\"\n", VMX_CONVERT_LOSSLESS);

    /* the libvirt-compatible reader refuses what libvirt's VMX driver cannot
     * write, and ignores the metadata */
    cr_assert_eq(vmx_domain_from_xml(&dom, xml, strlen(xml), "t.xml", NULL, &err),
                 VMX_EUNSUPPORTED);
    cr_assert_str_eq(err.key, "/domain/devices/tpm[1]");
    vmx_free(xml);
}

Test(lossless, bad_metadata_is_an_error_with_its_path)
{
    static const char xml[] =
        "<domain type='vmware'>\n  <name>x</name>\n  <metadata>\n"
        "    <vmxkit:vmx xmlns:vmxkit='https://vmxkit.org/xmlns/vmx/1'>\n"
        "      <vmxkit:entry key='a' value='1'/>\n"
        "      <vmxkit:entry key='b'/>\n"
        "    </vmxkit:vmx>\n  </metadata>\n  <memory>1024</memory>\n"
        "  <os><type>hvm</type></os>\n</domain>\n";
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    vmx_error err = VMX_ERROR_INIT;
    vmx_domain *dom = NULL;

    opts.flags = VMX_CONVERT_LOSSLESS;
    cr_assert_eq(vmx_domain_from_xml(&dom, xml, strlen(xml), "t.xml", &opts, &err),
                 VMX_EINVAL);
    cr_assert_str_eq(err.key, "/domain/metadata/vmxkit:vmx/vmxkit:entry[2]");
    cr_assert_eq(err.line, 6);
    cr_assert_str_eq(err.message, "missing 'key' or 'value' attribute");
    cr_assert_null(dom);
}

/* ---- the tolerant path: files libvirt rejects ---- */

static void convert_fails(const char *text, unsigned int flags, int code, const char *key,
                          unsigned long line, const char *message)
{
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    vmx_error err = VMX_ERROR_INIT;
    vmx_config *cfg = parse(text);
    vmx_domain *dom = NULL;

    opts.flags = flags;
    cr_assert_eq(vmx_domain_from_vmx(&dom, cfg, &opts, &err), code, "%s", err.message);
    cr_assert_null(dom);
    cr_assert_str_eq(err.key, key);
    cr_assert_eq(err.line, line);
    cr_assert_str_eq(err.message, message);
    vmx_config_free(cfg);
}

/* A VMX file without displayName: lossless mode names the domain after
 * `nvram`, else the first hard disk, else "unnamed", and keeps displayName
 * absent so that the name is not written back. */
static void check_synthesized_name(const char *vmx, const char *name)
{
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    vmx_error err = VMX_ERROR_INIT;
    char *xml, *out = NULL, want[128];
    bool found;
    vmx_domain *dom = round_trip(vmx, &xml);

    cr_assert_str_eq(dom->name, name);
    snprintf(want, sizeof(want), "\n  <name>%s</name>\n", name);
    cr_assert_not_null(strstr(xml, want), "%s", xml);
    cr_assert_not_null(strstr(xml, "<vmxkit:absent key=\"displayName\"/>"), "%s", xml);
    cr_assert_null(extra(dom, "displayName", &found));
    cr_assert(found);
    opts.flags = VMX_CONVERT_LOSSLESS;
    cr_assert_eq(vmx_domain_to_vmx(&out, NULL, dom, &opts, &err), 0, "%s", err.message);
    cr_assert_null(strstr(out, "displayName"), "%s", out);
    vmx_free(out);
    vmx_domain_free(dom);
    vmx_free(xml);
}

#define NO_NAME_HEAD "config.version = \"8\"\nvirtualHW.version = \"14\"\n"
#define NO_NAME_DISK                                                                     \
    "scsi0.present = \"TRUE\"\nscsi0:0.present = \"TRUE\"\n"                             \
    "scsi0:0.fileName = \"/vmfs/volumes/ds1/vm/Disk One.vmdk\"\n"

Test(lossless, files_without_display_name_get_a_name)
{
    vmx_domain *dom;

    check_synthesized_name(NO_NAME_HEAD "nvram = \"Web 1.nvram\"\n" NO_NAME_DISK,
                           "Web 1");
    check_synthesized_name(NO_NAME_HEAD "nvram = \"/vmfs/volumes/ds1/vm/x.y.nvram\"\n",
                           "x.y");
    check_synthesized_name(NO_NAME_HEAD NO_NAME_DISK, "Disk One");
    /* a CD-ROM is no hard disk; an nvram without a base name is skipped */
    check_synthesized_name(NO_NAME_HEAD "nvram = \"/\"\n"
                                        "ide0:0.present = \"TRUE\"\n"
                                        "ide0:0.deviceType = \"cdrom-image\"\n"
                                        "ide0:0.fileName = \"/iso/os.iso\"\n",
                           "unnamed");
    check_synthesized_name(".encoding = \"UTF-8\"\n", "unnamed");
    /* the default mode keeps libvirt's output for files libvirt accepts (no
     * <name>); the files it rejects are named as in lossless mode */
    dom = from_vmx(NO_NAME_HEAD NO_NAME_DISK, 0);
    cr_assert_null(dom->name);
    vmx_domain_free(dom);
    dom = from_vmx("virtualHW.version = \"14\"\n" NO_NAME_DISK, 0);
    cr_assert_str_eq(dom->name, "Disk One");
    vmx_domain_free(dom);
}

Test(lossless, missing_versions_are_repaired)
{
    vmx_domain *dom = from_vmx("displayName = \"no versions\"\nmemsize = \"64\"\n", 0);

    cr_assert_str_eq(dom->name, "no versions");
    cr_assert_eq(dom->memory_kib, 65536);
    vmx_domain_free(dom);
    /* strict mode gives libvirt's error */
    convert_fails("displayName = \"no versions\"\n", VMX_CONVERT_STRICT, VMX_EINVAL,
                  "config.version", 0, "missing value");
    /* virtualHW.version 3 reads as 4 */
    dom = from_vmx(
        "config.version = \"8\"\nvirtualHW.version = \"3\"\nnumvcpus = \"2\"\n", 0);
    cr_assert_eq(dom->vcpus, 2);
    cr_assert_eq(dom->scsi_bus_max_unit, 16);
    vmx_domain_free(dom);
}

Test(lossless, stray_escape_characters_are_kept)
{
    vmx_domain *dom = from_vmx(HEAD "annotation = \"#NAME# | Version: 1|0Anext\"\n", 0);

    cr_assert_str_eq(dom->description, "#NAME# | Version: 1\nnext");
    vmx_domain_free(dom);
    dom = from_vmx("config.version = \"8\"\nvirtualHW.version = \"4\"\n"
                   "displayName = \"100% | done\"\n",
                   0);
    cr_assert_str_eq(dom->name, "100% | done");
    vmx_domain_free(dom);
}

Test(lossless, what_libvirt_reader_refuses_is_read_with_lines_kept)
{
    static const char vmx[] = HEAD "memsize = 512\n"
                                   "scsi0:0.virtualSSD = 1 # an SSD\n"
                                   "numvcpus = \"2\"\n";
    vmx_domain *dom = from_vmx(vmx, 0);

    cr_assert_eq(dom->memory_kib, 512 * 1024);
    cr_assert_eq(dom->vcpus, 2);
    vmx_domain_free(dom);
    convert_fails(vmx, VMX_CONVERT_STRICT, VMX_EPARSE, "memsize", 4,
                  "unquoted numbers are not allowed in vmx format");
}

Test(lossless, raw_disks_and_missing_network_names)
{
    static const char vmx[] = HEAD "ide0:0.present = \"TRUE\"\n"
                                   "ide0:0.fileName = \"root.raw\"\n"
                                   "ide0:0.writeThrough = \"TRUE\"\n"
                                   "ide1:0.present = \"TRUE\"\n"
                                   "ide1:0.fileName = \"cd.iso\"\n"
                                   "ide1:0.deviceType = \"cdrom-image\"\n"
                                   "ethernet0.present = \"TRUE\"\n"
                                   "ethernet0.connectionType = \"bridged\"\n";
    vmx_domain *dom = from_vmx(vmx, 0);

    cr_assert_eq(dom->ndisks, 2);
    cr_assert_str_eq(dom->disks[0].target, "hda");
    cr_assert_str_eq(dom->disks[0].src, "[datastore] directory/root.raw");
    cr_assert_eq(dom->disks[0].device, VMX_DISK_DEVICE_DISK);
    cr_assert_eq(dom->disks[0].cache, VMX_DISK_CACHE_WRITETHROUGH);
    cr_assert_eq(dom->disks[0].controller, 0);
    cr_assert_eq(dom->disks[0].addr_unit, 0);
    cr_assert_str_eq(dom->disks[1].target, "hdc");
    cr_assert_eq(dom->ncontrollers, 1);
    cr_assert_eq(dom->controllers[0].type, VMX_CONTROLLER_IDE);
    /* bridged without a network name: libvirt's null interface */
    cr_assert_eq(dom->nnets, 1);
    cr_assert_eq(dom->nets[0].type, VMX_NET_NULL);
    vmx_domain_free(dom);
    convert_fails(vmx, VMX_CONVERT_STRICT, VMX_EUNSUPPORTED, "ide0:0.fileName", 5,
                  "file name 'root.raw' is not handled for device type 'unknown'");
}

Test(lossless, encrypted_configuration_is_refused)
{
    convert_fails(".encoding = \"UTF-8\"\ndisplayName = \"secret\"\n"
                  "encryption.keySafe = \"vmware:key/list/()\"\n"
                  "encryption.data = \"n0C3+Fto\"\n",
                  0, VMX_EUNSUPPORTED, "encryption.data", 4,
                  "the configuration is encrypted, its settings cannot be read");
}

Test(lossless, files_libvirt_accepts_convert_as_libvirt_does)
{
    /* libvirt's output with and without the lossless additions: only the
     * metadata and the lossless devices differ */
    const char *path = TESTDATA_DIR "/libvirt/vmx2xml/esx-in-the-wild-1.vmx";
    vmx_config *cfg = NULL;
    vmx_error err = VMX_ERROR_INIT;
    vmx_domain *dom = NULL;
    char *xml;

    cr_assert_eq(vmx_config_parse_file(&cfg, path, NULL, &err), 0);
    cr_assert_eq(vmx_domain_from_vmx(&dom, cfg, NULL, &err), 0);
    xml = to_xml(dom, 0);
    cr_assert_null(strstr(xml, "metadata"));
    vmx_free(xml);
    vmx_domain_free(dom);
    vmx_config_free(cfg);
}

/* ---- unmapped keys ---- */

typedef struct seen {
    char text[4096];
    size_t n;
} seen;

static void note(const char *source, unsigned long line, const char *key,
                 const char *value, void *payload)
{
    seen *s = payload;
    size_t used = strlen(s->text);

    snprintf(s->text + used, sizeof(s->text) - used, "%s:%lu:%s=%s\n",
             source ? source : "-", line, key, value);
    s->n++;
}

Test(lossless, unmapped_keys_are_reported_with_their_lines)
{
    static const char vmx[] = HEAD "memsize = \"1024\"\n"
                                   "tools.syncTime = \"FALSE\"\n"
                                   "ethernet0.present = \"FALSE\"\n"
                                   "ethernet0.virtualDev = \"e1000\"\n"
                                   "guestOS = \"ubuntu-64\"\n"
                                   "sound.present = \"TRUE\"\n"
                                   "sound.virtualDev = \"hdaudio\"\n";
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    vmx_error err = VMX_ERROR_INIT;
    vmx_config *cfg = parse(vmx);
    vmx_domain *dom = NULL;
    seen s;

    memset(&s, 0, sizeof(s));
    opts.on_unmapped = note;
    opts.on_unmapped_payload = &s;
    cr_assert_eq(vmx_domain_from_vmx(&dom, cfg, &opts, &err), 0);
    /* mapped: config.version, displayName, memsize; guestOS only gives the
     * architecture in libvirt's XML, so its value is not kept */
    cr_assert_str_eq(s.text, "test.vmx:2:virtualHW.version=14\n"
                             "test.vmx:5:tools.syncTime=FALSE\n"
                             "test.vmx:6:ethernet0.present=FALSE\n"
                             "test.vmx:7:ethernet0.virtualDev=e1000\n"
                             "test.vmx:8:guestOS=ubuntu-64\n"
                             "test.vmx:9:sound.present=TRUE\n"
                             "test.vmx:10:sound.virtualDev=hdaudio\n");
    /* the default mode keeps nothing of them */
    cr_assert_eq(dom->nextra, 0);
    vmx_domain_free(dom);
    dom = NULL;

    /* lossless mode carries guestOS; sound maps to the model but VMX output
     * of sound cards is not written yet: the check says what is kept */
    memset(&s, 0, sizeof(s));
    opts.flags = VMX_CONVERT_LOSSLESS;
    cr_assert_eq(vmx_domain_from_vmx(&dom, cfg, &opts, &err), 0);
    cr_assert_null(strstr(s.text, ":guestOS="), "%s", s.text);
    cr_assert_not_null(strstr(s.text, "test.vmx:5:tools.syncTime=FALSE\n"));
    cr_assert_geq(dom->nextra, s.n);
    vmx_domain_free(dom);
    vmx_config_free(cfg);
}

Test(lossless, cli_warnings_and_strict)
{
    char dir[] = "/tmp/vmxkit-lossless-XXXXXX", path[512], want[2048];
    FILE *f;
    cli_result r;

    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/w.vmx", dir);
    cr_assert_not_null(f = fopen(path, "w"));
    fputs("config.version = \"8\"\nvirtualHW.version = \"4\"\ndisplayName = \"w\"\n"
          "serial0.present = \"TRUE\"\nserial0.fileType = \"thinprint\"\n",
          f);
    fclose(f);
    r = cli_run("convert", "--warnings", path);
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cr_assert_not_null(strstr(r.out, "<serial type='null'>"));
    /* the null port is written back as the thinprint port it was */
    snprintf(want, sizeof(want), "%s:2: warning: key not mapped [virtualHW.version]\n",
             path);
    cr_assert_str_eq(r.errout, want);
    cli_result_dispose(&r);

    r = cli_run("convert", "--strict", path);
    cr_assert_eq(r.status, 1);
    snprintf(want, sizeof(want),
             "vmxkit: %s:5: file type 'thinprint' is not supported, 'device', 'file', "
             "'pipe' or 'network' is needed [serial0.fileType]\n",
             path);
    cr_assert_str_eq(r.errout, want);
    cli_result_dispose(&r);

    r = cli_run("convert", "--lossless", "--warnings", path);
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cr_assert_not_null(strstr(r.out, "<alias name='ua-vmx-thinprint0'/>"));
    /* the port is mapped now; the metadata keeps virtualHW.version */
    snprintf(want, sizeof(want), "%s:2: warning: key not mapped [virtualHW.version]\n",
             path);
    cr_assert_str_eq(r.errout, want);
    cli_result_dispose(&r);
    remove(path);
    rmdir(dir);
}

static void ignore(const char *source, unsigned long line, const char *key,
                   const char *value, void *payload)
{
    (void)source;
    (void)line;
    (void)key;
    (void)value;
    ++*(int *)payload;
}

/* Every allocation of a tolerant, lossless, checked conversion may fail:
 * the result is VMX_ENOMEM and nothing leaks (run under valgrind or ASan). */
Test(lossless, allocation_failures_are_reported, .timeout = 60)
{
    static const char text[] =
        "displayName = \"a | b\"\nmemsize = 64\nguestOS = \"ubuntu-64\"\n"
        "scsi0.present = \"true\"\nscsi0:0.present = \"true\"\n"
        "scsi0:0.fileName = \"/vmfs/volumes/d/a.vmdk\"\n"
        "ide0:0.present = \"true\"\nide0:0.fileName = \"r.raw\"\n"
        "nvme0.present = \"true\"\nnvme0:0.present = \"true\"\n"
        "nvme0:0.fileName = \"n.vmdk\"\nusb.present = \"true\"\n"
        "sound.present = \"true\"\nsound.virtualDev = \"sb16\"\nvtpm.present = \"true\"\n"
        "ethernet0.present = \"true\"\nethernet0.connectionType = \"hostonly\"\n"
        "ethernet0.networkName = \"h\"\nserial0.present = \"true\"\n"
        "serial0.fileType = \"thinprint\"\ntools.syncTime = \"TRUE\"\n";
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    vmx_config *cfg = parse(text);
    long n;
    int failures = 0, calls = 0;

    vmx_domain *ref = NULL;
    char *want;

    opts.flags = VMX_CONVERT_LOSSLESS;
    opts.on_unmapped = ignore;
    opts.on_unmapped_payload = &calls;
    cr_assert_eq(vmx_domain_from_vmx(&ref, cfg, &opts, NULL), 0);
    want = yaml_of(ref);
    vmx_domain_free(ref);
    for (n = 1; n < 100000; n++) {
        vmx_error err = VMX_ERROR_INIT;
        vmx_domain *dom = NULL;
        int rc;

        vmx__alloc_fail_after(n);
        rc = vmx_domain_from_vmx(&dom, cfg, &opts, &err);
        vmx__alloc_fail_after(0);
        if (rc == 0) {
            char *got = yaml_of(dom);

            /* no failure went unnoticed */
            cr_assert_str_eq(got, want, "allocation %ld", n);
            cr_assert_eq(dom->ndisks, 3);
            cr_assert(dom->tpm);
            vmx_free(got);
            vmx_domain_free(dom);
            break;
        }
        cr_assert_eq(rc, VMX_ENOMEM, "allocation %ld: rc %d (%s)", n, rc, err.message);
        cr_assert_eq(err.code, VMX_ENOMEM);
        cr_assert_null(dom);
        failures++;
    }
    cr_assert_lt(n, 100000);
    cr_assert_gt(failures, 100);
    vmx_free(want);
    vmx_config_free(cfg);
}
