/* libvirt XML -> domain: what lossless conversions write beyond libvirt's
 * VMX driver (doc/lossless.md), read back in lossless mode only:
 *
 *   <metadata><vmxkit:vmx>     guestOS id, extra keys, absent keys
 *   virtio disk + ua-vmx-nvmeC-U       an NVMe disk, controller C, unit U
 *   null serial + ua-vmx-thinprintN    a thinprint port
 *   <tpm model='tpm-crb'> with an emulator backend of version 2.0
 *   <sound model='es1370|sb16|ich6'>  */
#include "config.h"
#include "domain_xml_read.h"
#include "domain_xml_write.h" /* VMXKIT_NS_URI */

#include <limits.h>
#include <stdio.h>
#include <string.h>

/* ---- metadata ---- */

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Attribute @p name, or @p name-hex decoded; *out NULL when neither. The
 * decoded string is owned by the caller (vmx__free). */
static int meta_attr(xr_ctx *c, const xmlNode *n, const char *key, const char *name,
                     char **out)
{
    char hexname[32];
    const char *v;
    size_t len, i;
    char *s;
    int rc;

    *out = NULL;
    if ((rc = xr_attr(c, n, key, name, &v)) < 0)
        return rc;
    if (v) {
        if (!(*out = vmx__strdup(v)))
            return xr_nomem(c);
        return 0;
    }
    snprintf(hexname, sizeof(hexname), "%s-hex", name);
    if ((rc = xr_attr(c, n, key, hexname, &v)) < 0)
        return rc;
    if (!v)
        return 0;
    len = strlen(v);
    if (len % 2)
        return xr_fail(c, VMX_EINVAL, n, key, "odd number of digits in '%s'", hexname);
    if (!(s = vmx__malloc(len / 2 + 1)))
        return xr_nomem(c);
    for (i = 0; i < len / 2; i++) {
        int hi = hex_digit(v[2 * i]), lo = hex_digit(v[2 * i + 1]);

        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
            vmx__free(s);
            return xr_fail(c, VMX_EINVAL, n, key, "invalid hex digits in '%s'", hexname);
        }
        s[i] = (char)(hi * 16 + lo);
    }
    s[len / 2] = '\0';
    *out = s;
    return 0;
}

static bool in_vmxkit_ns(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
           strcmp((const char *)n->ns->href, VMXKIT_NS_URI) == 0 &&
           strcmp((const char *)n->name, name) == 0;
}

static int read_entry(xr_ctx *c, const xmlNode *n, unsigned int idx, bool absent)
{
    char key[XR_PATH_MAX];
    char *k = NULL, *v = NULL;
    int rc;

    snprintf(key, sizeof(key), "/domain/metadata/vmxkit:vmx/vmxkit:%s[%u]",
             absent ? "absent" : "entry", idx);
    if ((rc = meta_attr(c, n, key, "key", &k)) < 0 ||
        (!absent && (rc = meta_attr(c, n, key, "value", &v)) < 0))
        goto out;
    if (!k || !*k || (!absent && !v)) {
        rc = xr_fail(c, VMX_EINVAL, n, key, "%s",
                     absent ? "missing 'key' attribute"
                            : "missing 'key' or 'value' attribute");
        goto out;
    }
    if (vmx_domain_add_extra(c->dom, k, v ? v : "") < 0) {
        rc = xr_nomem(c);
        goto out;
    }
    if (absent) { /* a NULL value: the key a VMX writer leaves out */
        vmx__free(c->dom->extra_values[c->dom->nextra - 1]);
        c->dom->extra_values[c->dom->nextra - 1] = NULL;
    }
out:
    vmx__free(k);
    vmx__free(v);
    return rc;
}

int xr_read_metadata(xr_ctx *c, const xmlNode *root)
{
    const xmlNode *meta = xr_child(root, "metadata"), *vmx = NULL, *n;
    unsigned int entries = 0, absents = 0;
    size_t i;
    char *os;
    int rc;

    for (n = meta ? meta->children : NULL; n && !vmx; n = n->next)
        if (in_vmxkit_ns(n, "vmx"))
            vmx = n;
    if (!vmx)
        return 0;
    for (n = vmx->children; n; n = n->next) {
        if (in_vmxkit_ns(n, "entry")) {
            if ((rc = read_entry(c, n, ++entries, false)) < 0)
                return rc;
        } else if (in_vmxkit_ns(n, "absent")) {
            if ((rc = read_entry(c, n, ++absents, true)) < 0)
                return rc;
        } else if (in_vmxkit_ns(n, "guest") && !c->dom->guest_os) {
            if ((rc = meta_attr(c, n, "/domain/metadata/vmxkit:vmx/vmxkit:guest", "os",
                                &os)) < 0)
                return rc;
            c->dom->guest_os = os;
        }
        /* other elements are left for later versions of the format */
    }
    /* the SCSI bus width comes with the hardware version, as in VMX */
    c->dom->scsi_bus_max_unit = 16;
    for (i = 0; i < c->dom->nextra; i++) {
        long long hw;

        if (vmx__strcasecmp(c->dom->extra_keys[i], "virtualHW.version") == 0 &&
            c->dom->extra_values[i] &&
            vmx__parse_llong(&hw, c->dom->extra_values[i]) == 0 && hw >= 13)
            c->dom->scsi_bus_max_unit = 64;
    }
    return 0;
}

/* ---- devices ---- */

/* The user alias of @p n (NULL when none). */
static int alias_of(xr_ctx *c, const xmlNode *n, const char *key, const char **out)
{
    const xmlNode *a = xr_child(n, "alias");

    *out = NULL;
    return a ? xr_attr(c, a, key, "name", out) : 0;
}

/* "<prefix><a>" or "<prefix><a>-<b>" with decimal numbers. */
static bool parse_alias(const char *s, const char *prefix, int *a, int *b)
{
    size_t n = strlen(prefix);
    long long x = 0, y = -1;
    const char *p;

    if (!s || strncmp(s, prefix, n) != 0)
        return false;
    for (p = s + n; *p >= '0' && *p <= '9' && x <= INT_MAX; p++)
        x = x * 10 + (*p - '0');
    if (p == s + n || x > INT_MAX)
        return false;
    if (b && *p == '-') {
        const char *q = ++p;

        for (y = 0; *p >= '0' && *p <= '9' && y <= INT_MAX; p++)
            y = y * 10 + (*p - '0');
        if (p == q || y > INT_MAX)
            return false;
    }
    if (*p || (b && y < 0))
        return false;
    *a = (int)x;
    if (b)
        *b = (int)y;
    return true;
}

int xr_read_nvme_alias(xr_ctx *c, const xmlNode *disk, const char *key, vmx_disk *d)
{
    const char *alias;
    int ctrl, unit, rc;

    if ((rc = alias_of(c, disk, key, &alias)) < 0)
        return rc;
    if (!parse_alias(alias, "ua-vmx-nvme", &ctrl, &unit))
        return 0;
    d->bus = VMX_DISK_BUS_NVME;
    d->controller = ctrl;
    d->addr_unit = unit;
    d->has_address = true;
    return 1;
}

int xr_read_thinprint_alias(xr_ctx *c, const xmlNode *n, const char *key, vmx_chr *ch)
{
    const char *alias;
    int port, rc;

    if ((rc = alias_of(c, n, key, &alias)) < 0)
        return rc;
    if (parse_alias(alias, "ua-vmx-thinprint", &port, NULL))
        ch->type = VMX_CHR_THINPRINT;
    return 0;
}

static int read_tpm(xr_ctx *c, const xmlNode *n, unsigned int elem)
{
    const xmlNode *backend = xr_child(n, "backend");
    char key[XR_PATH_MAX];
    const char *model, *type = NULL, *version = NULL;
    int rc;

    snprintf(key, sizeof(key), "/domain/devices/tpm[%u]", elem);
    if ((rc = xr_attr(c, n, key, "model", &model)) < 0 ||
        (backend && ((rc = xr_attr(c, backend, key, "type", &type)) < 0 ||
                     (rc = xr_attr(c, backend, key, "version", &version)) < 0)))
        return rc;
    /* VMware's vTPM is a TPM 2.0 on a CRB interface */
    if (!model || strcmp(model, "tpm-crb") != 0 || !type ||
        strcmp(type, "emulator") != 0 || (version && strcmp(version, "2.0") != 0))
        return xr_fail(c, VMX_EUNSUPPORTED, n, key,
                       "unsupported tpm, vmware has a tpm-crb emulator of version 2.0");
    if (c->dom->tpm)
        return xr_fail(c, VMX_EUNSUPPORTED, n, key, "only one tpm is supported");
    c->dom->tpm = true;
    return 0;
}

static int read_sound(xr_ctx *c, const xmlNode *n, unsigned int elem)
{
    static const char *const models[] = {"es1370", "sb16", "ich6"};
    char key[XR_PATH_MAX];
    const char *model;
    vmx_sound *s;
    size_t i;
    int rc;

    snprintf(key, sizeof(key), "/domain/devices/sound[%u]", elem);
    if ((rc = xr_attr(c, n, key, "model", &model)) < 0)
        return rc;
    for (i = 0; model && i < VMX_ARRAY_SIZE(models); i++)
        if (strcmp(model, models[i]) == 0)
            break;
    if (!model || i == VMX_ARRAY_SIZE(models))
        return xr_fail(
            c, VMX_EUNSUPPORTED, n, key,
            "unsupported sound model '%.32s', vmware has es1370, sb16 and ich6",
            model ? model : "");
    if (!(s = vmx_domain_add_sound(c->dom)) || !(s->model = vmx__strdup(model)))
        return xr_nomem(c);
    return 0;
}

int xr_read_lossless_device(xr_ctx *c, const xmlNode *n, unsigned int elem)
{
    int rc;

    if (xr_is(n, "tpm"))
        rc = read_tpm(c, n, elem);
    else if (xr_is(n, "sound"))
        rc = read_sound(c, n, elem);
    else
        return 0;
    return rc < 0 ? rc : 1;
}
