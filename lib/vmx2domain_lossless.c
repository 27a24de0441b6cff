/* VMX -> domain beyond libvirt: the lossless mappings and the key check.
 *
 * Lossless mode maps what libvirt 9.0's VMX driver drops to the richest
 * construct its domain schema has (doc/lossless.md):
 *
 *   nvmeC:U (C 0..3, U 0..63)   -> a disk on the NVMe bus, controller C, unit U
 *   usb / ehci / usb_xhci       -> USB controllers piix3-uhci / ehci / nec-xhci
 *   sound.virtualDev            -> a sound card: es1371 es1370, sb16 sb16,
 *                                  hdaudio ich6
 *   vtpm.present                -> a TPM 2.0
 *   uefi.secureBoot.enabled     -> the secure-boot firmware feature
 *   no displayName              -> a name from `nvram`, the first hard disk,
 *                                  else "unnamed" (displayName kept absent)
 *
 * Lossless mode then gives the domain as its XML carries it (written and
 * read back: libvirt's normalisations, the XML reader's device order), so
 * that VMX -> XML -> domain gives the same model.
 *
 * The key check decides which entries the domain carries: a key is mapped
 * when converting the domain as its XML carries it back to VMX
 * (vmx_domain_to_vmx, in the same mode, with the file's virtualHW.version)
 * writes it with the same value.
 * virtualHW.version itself is never mapped (the domain has no field for it).
 * Every other entry is reported as not mapped (values compared with ASCII
 * case ignored); lossless mode keeps in the extra keys every entry not
 * written byte for byte (all occurrences of such a key), and names the keys
 * the writer adds that the file lacks with a NULL value. */
#include "config.h"
#include "vmx2domain_lossless.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain_private.h"
#include "vmxkit/io.h"
#include "vmxkit/vmxfile.h"

#define VL_UNNAMED "unnamed"

static int nomem(vmx_error *err)
{
    return vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
}

/* ---- lossless mappings ---- */

static int add_usb(vmx_domain *dom, const vl_view *v, vmx_error *err)
{
    static const struct {
        const char *key, *model;
    } usb[] = {{"usb.present", "piix3-uhci"},
               {"ehci.present", "ehci"},
               {"usb_xhci.present", "nec-xhci"}};
    size_t i;
    int index = 0;

    for (i = 0; i < VMX_ARRAY_SIZE(usb); i++) {
        vmx_controller *c;
        char *model;

        if (!vl_true(v, usb[i].key))
            continue;
        if (!(model = vmx__strdup(usb[i].model)))
            return nomem(err);
        if (!(c = vmx_domain_add_controller(dom))) {
            vmx__free(model);
            return nomem(err);
        }
        c->type = VMX_CONTROLLER_USB;
        c->index = index++;
        c->model = model;
    }
    return 0;
}

static int add_sound(vmx_domain *dom, const vl_view *v, vmx_error *err)
{
    static const struct {
        const char *vmx, *model;
    } models[] = {{"es1371", "es1370"}, {"sb16", "sb16"}, {"hdaudio", "ich6"}};
    const char *dev = vl_get(v, "sound.virtualDev");
    vmx_sound *s;
    size_t i;

    if (!vl_true(v, "sound.present") || !dev)
        return 0;
    for (i = 0; i < VMX_ARRAY_SIZE(models); i++)
        if (vmx__strcasecmp(dev, models[i].vmx) == 0)
            break;
    if (i == VMX_ARRAY_SIZE(models))
        return 0; /* unknown card: its keys stay extra keys */
    if (!(s = vmx_domain_add_sound(dom)) || !(s->model = vmx__strdup(models[i].model)))
        return nomem(err);
    return 0;
}

static int disk_name(char **out, unsigned int idx)
{
    char name[16] = "vd";
    size_t n = 0, i;
    long long ctr;

    for (ctr = idx; ctr >= 0; ctr = ctr / 26 - 1)
        n++;
    for (i = n, ctr = idx; ctr >= 0; ctr = ctr / 26 - 1)
        name[2 + --i] = (char)('a' + ctr % 26);
    name[2 + n] = '\0';
    *out = vmx__strdup(name);
    return *out ? 0 : VMX_ENOMEM;
}

static int add_nvme_disk(vmx_domain *dom, const vl_view *v, int c, int u,
                         const vmx_convert_options *opts, vmx_error *err)
{
    char key[48];
    const char *file, *mode;
    vmx_error ignored = VMX_ERROR_INIT;
    vmx_disk *d;
    int rc;

    snprintf(key, sizeof(key), "nvme%d:%d.present", c, u);
    if (!vl_true(v, key))
        return 0;
    snprintf(key, sizeof(key), "nvme%d:%d.fileName", c, u);
    if (!(file = vl_get(v, key)))
        return 0;
    if (!(d = vmx_domain_add_disk(dom)))
        return nomem(err);
    d->bus = VMX_DISK_BUS_NVME;
    d->device = VMX_DISK_DEVICE_DISK;
    d->type = VMX_DISK_TYPE_FILE;
    rc = vmx__filename_from_vmx(&d->src, file, opts, &ignored);
    if (rc == VMX_ENOMEM)
        return nomem(err);
    if (rc < 0) {
        vmx__free(d->src);
        d->src = vmx__strdup(file); /* a name libvirt's mapping refuses */
    }
    snprintf(key, sizeof(key), "nvme%d:%d.writeThrough", c, u);
    if (vl_true(v, key))
        d->cache = VMX_DISK_CACHE_WRITETHROUGH;
    snprintf(key, sizeof(key), "nvme%d:%d.mode", c, u);
    mode = vl_get(v, key);
    d->transient = mode && vmx__strcasecmp(mode, "independent-nonpersistent") == 0;
    d->controller = c;
    d->addr_unit = u;
    d->has_address = true;
    if (!d->src || disk_name(&d->target, (unsigned int)(c * 64 + u)) < 0)
        return nomem(err);
    return 0;
}

/* The base name of a VMX file name or datastore path without its extension
 * ("[ds] vm/Web 1.nvram" -> "Web 1"), or NULL when nothing usable is left
 * (empty, or a control character libvirt's schema or XML cannot carry). */
static int base_name(char **out, const char *path)
{
    const char *start = path, *p, *dot = NULL;
    size_t n;

    *out = NULL;
    if (!path)
        return 0;
    for (p = path; *p; p++)
        if (*p == '/' || *p == '\\' || (*p == ']' && start == path))
            start = p + 1;
    while (*start == ' ')
        start++;
    for (p = start; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return 0;
        if (*p == '.' && p != start)
            dot = p;
    }
    n = dot ? (size_t)(dot - start) : strlen(start);
    if (n == 0)
        return 0;
    if (!(*out = vmx__malloc(n + 1)))
        return VMX_ENOMEM;
    memcpy(*out, start, n);
    (*out)[n] = '\0';
    return 0;
}

/* A file without displayName gives no <name>, which libvirt's schema
 * requires: lossless mode (and the tolerant path for files libvirt rejects)
 * names the domain after the file's `nvram` entry,
 * else the first hard disk with a source (the order of dom->disks), else
 * "unnamed". The key check then records displayName as absent (a NULL extra
 * value), so that the name is not written back to VMX. */
int vl_synthesize_name(vmx_domain *dom, const vl_view *v, vmx_error *err)
{
    size_t i;
    int rc;

    if (dom->name)
        return 0;
    if ((rc = base_name(&dom->name, vl_get(v, "nvram"))) < 0)
        return nomem(err);
    for (i = 0; i < dom->ndisks && !dom->name; i++) {
        const vmx_disk *d = &dom->disks[i];

        if (d->device == VMX_DISK_DEVICE_DISK && d->src &&
            (rc = base_name(&dom->name, d->src)) < 0)
            return nomem(err);
    }
    if (!dom->name && !(dom->name = vmx__strdup(VL_UNNAMED)))
        return nomem(err);
    return 0;
}

int vl_map_lossless(vmx_domain *dom, const vl_view *v, const vmx_convert_options *opts,
                    vmx_error *err)
{
    const char *sb = vl_get(v, "uefi.secureBoot.enabled");
    char key[32];
    int c, u, rc;

    if (sb && vmx__strcasecmp(sb, "true") == 0)
        dom->secure_boot = VMX_TRISTATE_YES;
    else if (sb && vmx__strcasecmp(sb, "false") == 0)
        dom->secure_boot = VMX_TRISTATE_NO;
    dom->tpm = vl_true(v, "vtpm.present");
    if ((rc = add_usb(dom, v, err)) < 0 || (rc = add_sound(dom, v, err)) < 0)
        return rc;
    for (c = 0; c < 4; c++) {
        snprintf(key, sizeof(key), "nvme%d.present", c);
        if (!vl_true(v, key))
            continue;
        for (u = 0; u < 64; u++)
            if ((rc = add_nvme_disk(dom, v, c, u, opts, err)) < 0)
                return rc;
    }
    return vl_synthesize_name(dom, v, err);
}

/* ---- what libvirt's schema cannot hold ---- */

static bool no_line_end(const char *s)
{
    return !strpbrk(s, "\r\n");
}

/* absFilePath: (/|[a-zA-Z]:\\).+ */
static bool abs_file_path(const char *s)
{
    if (s[0] == '/')
        return s[1] && no_line_end(s + 1);
    return ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')) &&
           s[1] == ':' && s[2] == '\\' && s[3] && no_line_end(s + 3);
}

/* vmwarePath: \[[^\]]+\] .+ */
static bool vmware_path(const char *s)
{
    const char *close;

    if (s[0] != '[' || !(close = strchr(s, ']')) || close == s + 1)
        return false;
    return close[1] == ' ' && close[2] && no_line_end(close + 2);
}

/* deviceName: [a-zA-Z0-9_.\-\\:/]+ */
static bool device_name(const char *s)
{
    return *s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                           "0123456789_.-\\:/") == strlen(s);
}

void vl_fit_schema(vmx_domain *dom)
{
    size_t i;

    for (i = 0; i < dom->ndisks;) {
        vmx_disk *d = &dom->disks[i];

        if (!d->src || abs_file_path(d->src) ||
            (d->type == VMX_DISK_TYPE_BLOCK ? device_name(d->src)
                                            : vmware_path(d->src))) {
            i++;
            continue;
        }
        /* without its source the disk could not be written back either */
        vmx__free(d->driver_name);
        vmx__free(d->src);
        vmx__free(d->target);
        memmove(d, d + 1, (dom->ndisks - i - 1) * sizeof(*d));
        dom->ndisks--;
    }
    for (i = 0; i < dom->nfilesystems;) {
        vmx_fs *fs = &dom->filesystems[i];

        if (fs->src && fs->src[0] == '/' && no_line_end(fs->src)) {
            i++;
            continue;
        }
        vmx__free(fs->src);
        vmx__free(fs->dst);
        memmove(fs, fs + 1, (dom->nfilesystems - i - 1) * sizeof(*fs));
        dom->nfilesystems--;
    }
}

/* ---- the domain as its XML carries it ---- */

/* @p dom written as XML in the mode of @p flags and read back; *out is NULL
 * when the reader refuses the text (the caller goes on without). */
static int xml_round_trip(vmx_domain **out, const vmx_domain *dom,
                          const vmx_convert_options *opts, unsigned int flags,
                          vmx_error *err)
{
    vmx_convert_options o = VMX_CONVERT_OPTIONS_INIT;
    vmx_error e = VMX_ERROR_INIT;
    char *xml = NULL;
    size_t len = 0;
    int rc;

    *out = NULL;
    if (opts)
        o = *opts;
    o.flags = flags;
    o.on_unmapped = NULL;
    rc = vmx_domain_to_xml(&xml, &len, dom, &o, &e);
    if (rc == 0)
        rc = vmx_domain_from_xml(out, xml, len, NULL, &o, &e);
    vmx_free(xml);
    if (rc == VMX_ENOMEM)
        return nomem(err);
    return 0;
}

int vl_normalize(vmx_domain **dom, const vmx_convert_options *opts, vmx_error *err)
{
    vmx_domain *back;
    int rc;

    if ((rc = xml_round_trip(&back, *dom, opts, VMX_CONVERT_LOSSLESS, err)) < 0 || !back)
        return rc;
    /* the XML gives it with the metadata's virtualHW.version, added later */
    back->scsi_bus_max_unit = (*dom)->scsi_bus_max_unit;
    vmx_domain_free(*dom);
    *dom = back;
    return 0;
}

/* ---- the key check ---- */

#define PLACEHOLDER_NAME "vmxkit-unnamed"

/* A shallow copy of the domain that the VMX writer can write: parts it
 * refuses are left out (their keys are then not mapped). Arrays replaced
 * here are owned by the copy's `owned` list. */
typedef struct check_dom {
    vmx_domain d;
    void *owned[16];
    size_t nowned;
    bool named;       /* the name is the placeholder */
    unsigned int cut; /* parts already cut, to give up on a repeat */
} check_dom;

enum {
    CUT_NETS = 1u << 0,
    CUT_SERIALS = 1u << 1,
    CUT_PARALLELS = 1u << 2,
    CUT_DISKS = 1u << 3,
    CUT_FS = 1u << 4,
    CUT_GRAPHICS = 1u << 5,
    CUT_ALL_DISKS = 1u << 6
};

static int write_vmx(char **out, size_t *len, const vmx_domain *d,
                     const vmx_convert_options *o, vmx_error *e)
{
    vmx_error_clear(e);
    return vmx_domain_to_vmx(out, len, d, o, e);
}

/* Keep the elements of one array the writer takes alone. */
#define FILTER(cd, o, field, count, type)                                                \
    do {                                                                                 \
        type *keep_ = vmx__calloc((cd)->d.count ? (cd)->d.count : 1, sizeof(type));      \
        type *all_ = (cd)->d.field;                                                      \
        size_t n_ = (cd)->d.count, i_, k_ = 0;                                           \
        if (!keep_ || (cd)->nowned == VMX_ARRAY_SIZE((cd)->owned)) {                     \
            vmx__free(keep_);                                                            \
            return VMX_ENOMEM;                                                           \
        }                                                                                \
        (cd)->owned[(cd)->nowned++] = keep_;                                             \
        for (i_ = 0; i_ < n_; i_++) {                                                    \
            vmx_error e_ = VMX_ERROR_INIT;                                               \
            char *t_ = NULL;                                                             \
            int r_;                                                                      \
            (cd)->d.field = &all_[i_];                                                   \
            (cd)->d.count = 1;                                                           \
            r_ = write_vmx(&t_, NULL, &(cd)->d, (o), &e_);                               \
            vmx_free(t_);                                                                \
            if (r_ == VMX_ENOMEM)                                                        \
                return r_;                                                               \
            if (r_ == 0)                                                                 \
                keep_[k_++] = all_[i_];                                                  \
        }                                                                                \
        (cd)->d.field = keep_;                                                           \
        (cd)->d.count = k_;                                                              \
    } while (0)

/* Adapters the writer refuses become null adapters: the numbering of the
 * ethernet keys stays. */
static int cut_nets(check_dom *cd, const vmx_convert_options *o)
{
    vmx_net *all = cd->d.nets, *copy;
    size_t n = cd->d.nnets, i;

    if (cd->nowned == VMX_ARRAY_SIZE(cd->owned) ||
        !(copy = vmx__calloc(n ? n : 1, sizeof(*copy))))
        return VMX_ENOMEM;
    cd->owned[cd->nowned++] = copy;
    for (i = 0; i < n; i++) {
        vmx_error e = VMX_ERROR_INIT;
        char *t = NULL;
        int r;

        cd->d.nets = &all[i];
        cd->d.nnets = 1;
        r = write_vmx(&t, NULL, &cd->d, o, &e);
        vmx_free(t);
        if (r == VMX_ENOMEM)
            return r;
        copy[i] = all[i];
        if (r < 0) {
            copy[i].type = VMX_NET_NULL;
            copy[i].bridge = NULL;
            copy[i].ifname = NULL;
        }
    }
    cd->d.nets = copy;
    cd->d.nnets = n;
    return 0;
}

static bool key_is(const char *key, const char *part)
{
    size_t n = strlen(part);

    return strncmp(key, part, n) == 0 && (key[n] == '\0' || key[n] == '/');
}

/* Leave out what the error @p e is about. Returns 1 when something was cut,
 * 0 when nothing more can be, VMX_ENOMEM. */
static int cut(check_dom *cd, const vmx_error *e, const vmx_convert_options *o)
{
    const char *k = e->key;
    unsigned int bit;
    int rc = 0;

    if (key_is(k, "devices/interface"))
        bit = CUT_NETS;
    else if (key_is(k, "devices/serial"))
        bit = CUT_SERIALS;
    else if (key_is(k, "devices/parallel"))
        bit = CUT_PARALLELS;
    else if (key_is(k, "devices/disk") || key_is(k, "devices/controller"))
        bit = cd->cut & CUT_DISKS ? CUT_ALL_DISKS : CUT_DISKS;
    else if (key_is(k, "devices/filesystem"))
        bit = CUT_FS;
    else if (key_is(k, "devices/graphics"))
        bit = CUT_GRAPHICS;
    else if (key_is(k, "devices/video")) {
        if (!cd->d.nvideos)
            return 0;
        cd->d.nvideos = 0;
        return 1;
    } else if (key_is(k, "cpu")) {
        if (!cd->d.sockets && !cd->d.cores && !cd->d.threads && !cd->d.dies)
            return 0;
        cd->d.sockets = cd->d.cores = cd->d.threads = cd->d.dies = 0;
        return 1;
    } else if (key_is(k, "vcpu")) {
        if (!cd->d.cpuset)
            return 0;
        cd->d.cpuset = NULL;
        return 1;
    } else if (key_is(k, "genid") || key_is(k, "uuid")) {
        char **f = key_is(k, "genid") ? &cd->d.genid : &cd->d.uuid;

        if (!*f)
            return 0;
        *f = NULL;
        return 1;
    } else {
        return 0;
    }
    if (cd->cut & bit)
        return 0;
    cd->cut |= bit;
    switch (bit) {
    case CUT_NETS:
        rc = cut_nets(cd, o);
        break;
    case CUT_SERIALS:
        FILTER(cd, o, serials, nserials, vmx_chr);
        break;
    case CUT_PARALLELS:
        FILTER(cd, o, parallels, nparallels, vmx_chr);
        break;
    case CUT_DISKS:
        FILTER(cd, o, disks, ndisks, vmx_disk);
        break;
    case CUT_ALL_DISKS:
        cd->d.ndisks = 0;
        cd->d.ncontrollers = 0;
        break;
    case CUT_FS:
        FILTER(cd, o, filesystems, nfilesystems, vmx_fs);
        break;
    default:
        FILTER(cd, o, graphics, ngraphics, vmx_graphics);
        break;
    }
    return rc < 0 ? rc : 1;
}

/* The VMX text the domain converts back to, or NULL when the writer refuses
 * it whatever is left out. */
static int generate(char **out, size_t *len, check_dom *cd, const vmx_convert_options *o,
                    vmx_error *err)
{
    size_t tries;
    int rc;

    *out = NULL;
    for (tries = 0; tries < 16; tries++) {
        vmx_error e = VMX_ERROR_INIT;

        rc = write_vmx(out, len, &cd->d, o, &e);
        if (rc == 0)
            return 0;
        if (rc == VMX_ENOMEM || (rc = cut(cd, &e, o)) == VMX_ENOMEM)
            return nomem(err);
        if (rc == 0)
            break;
    }
    *out = NULL;
    return 0;
}

/* An entry to compare: key, value, position. */
typedef struct kv {
    const char *key, *value;
    size_t pos;
} kv;

static int kv_cmp(const void *a, const void *b)
{
    const kv *x = a, *y = b;
    int c = vmx__strcasecmp(x->key, y->key);

    if (c)
        return c;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static int hw_version(const vl_view *v)
{
    const char *s = vl_get(v, "virtualHW.version");
    long long hw;

    if (!s || vmx__parse_llong(&hw, s) < 0 || hw < 4 || hw > 1000)
        return 4;
    return (int)hw;
}

/* Find the run of @p g (sorted, @p ng) whose key is @p key: *at and *n. */
static void find_run(const kv *g, size_t ng, const char *key, size_t *at, size_t *n)
{
    size_t lo = 0, hi = ng;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (vmx__strcasecmp(g[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *at = lo;
    for (*n = 0; lo + *n < ng && vmx__strcasecmp(g[lo + *n].key, key) == 0; (*n)++)
        ;
}

static int add_absent(vmx_domain *dom, const char *key)
{
    if (vmx_domain_add_extra(dom, key, "") < 0)
        return VMX_ENOMEM;
    vmx__free(dom->extra_values[dom->nextra - 1]);
    dom->extra_values[dom->nextra - 1] = NULL;
    return 0;
}

int vl_check_keys(vmx_domain *dom, const vl_view *v, const vmx_convert_options *opts,
                  bool lossless, vmx_error *err)
{
    vmx_convert_options o = VMX_CONVERT_OPTIONS_INIT;
    check_dom cd;
    vmx_domain *carried = NULL;
    vmx_config *gen = NULL;
    kv *g = NULL, *in = NULL;
    unsigned char *flags = NULL; /* per input entry: 1 not mapped, 2 extra key */
    bool *matched = NULL;
    char *text = NULL;
    size_t len = 0, ng = 0, i, j;
    int rc = 0;

    memset(&cd, 0, sizeof(cd));
    if (opts)
        o = *opts;
    o.flags = lossless ? VMX_CONVERT_LOSSLESS : 0;
    o.hw_version = hw_version(v);
    o.on_unmapped = NULL;
    /* what the XML carries: lossless mode has normalised the domain to it
     * (vl_normalize); the default mode reads its XML back, or when the
     * reader refuses it (no name) leaves out what that XML lacks */
    if (!lossless && (rc = xml_round_trip(&carried, dom, opts, 0, err)) < 0)
        goto out;
    cd.d = carried ? *carried : *dom;
    cd.d.extra_keys = cd.d.extra_values = NULL;
    cd.d.nextra = 0;
    if (!lossless)
        cd.d.guest_os = NULL;
    if (!cd.d.name) {
        cd.d.name = (char *)PLACEHOLDER_NAME;
        cd.named = true;
    }
    if ((rc = generate(&text, &len, &cd, &o, err)) < 0)
        goto out;
    if (text) {
        vmx_error e = VMX_ERROR_INIT;

        if ((rc = vmx_config_parse(&gen, text, len, NULL, NULL, &e)) < 0) {
            rc = rc == VMX_ENOMEM ? nomem(err) : 0;
            gen = NULL;
            if (rc < 0)
                goto out;
        }
    }
    ng = gen ? vmx_config_count(gen) : 0;
    g = vmx__calloc(ng ? ng : 1, sizeof(*g));
    in = vmx__calloc(v->n ? v->n : 1, sizeof(*in));
    flags = vmx__calloc(v->n ? v->n : 1, 1);
    matched = vmx__calloc(ng ? ng : 1, sizeof(*matched));
    if (!g || !in || !flags || !matched) {
        rc = nomem(err);
        goto out;
    }
    for (i = 0; i < ng; i++) {
        vmx_config_entry(gen, i, &g[i].key, &g[i].value, NULL);
        g[i].value = g[i].value ? g[i].value : "";
        g[i].pos = i;
    }
    qsort(g, ng, sizeof(*g), kv_cmp);
    for (i = 0; i < v->n; i++) {
        in[i].key = v->e[i].key;
        in[i].value = v->e[i].orig;
        in[i].pos = i;
    }
    qsort(in, v->n, sizeof(*in), kv_cmp);

    /* runs of one key in the input against the same key in the output */
    for (i = 0; i < v->n; i = j) {
        size_t at, n, k, r;
        bool all_exact = true,
             never = vmx__strcasecmp(in[i].key, "virtualHW.version") == 0;

        for (j = i + 1; j < v->n && vmx__strcasecmp(in[j].key, in[i].key) == 0; j++)
            ;
        find_run(g, ng, in[i].key, &at, &n);
        for (k = 0; k < n; k++)
            matched[at + k] = true;
        for (r = i; r < j; r++) {
            bool ci = false, exact = false;

            for (k = 0; k < n && !never; k++) {
                exact = exact || strcmp(g[at + k].value, in[r].value) == 0;
                ci = ci || vmx__strcasecmp(g[at + k].value, in[r].value) == 0;
            }
            if (!ci)
                flags[in[r].pos] |= 1;
            all_exact = all_exact && exact;
        }
        /* every occurrence of a key not written byte for byte is kept */
        for (r = i; r < j && !all_exact; r++)
            flags[in[r].pos] |= 2;
    }

    for (i = 0; i < v->n; i++) {
        if ((flags[i] & 1) && opts && opts->on_unmapped)
            opts->on_unmapped(v->source, v->e[i].line, v->e[i].key, v->e[i].orig,
                              opts->on_unmapped_payload);
        if (lossless && (flags[i] & 2) &&
            vmx_domain_add_extra(dom, v->e[i].key, v->e[i].orig) < 0) {
            rc = nomem(err);
            goto out;
        }
    }
    if (lossless) {
        /* keys the writer adds that the file does not have, in output order */
        bool *added = vmx__calloc(ng ? ng : 1, sizeof(*added));

        if (!added) {
            rc = nomem(err);
            goto out;
        }
        for (j = 0; j < ng; j++)
            added[g[j].pos] = !matched[j];
        for (i = 0; i < ng && rc == 0; i++) {
            const char *key = NULL;

            if (!added[i])
                continue;
            vmx_config_entry(gen, i, &key, NULL, NULL);
            if (cd.named && vmx__strcasecmp(key, "displayName") == 0)
                continue;
            if (add_absent(dom, key) < 0)
                rc = nomem(err);
        }
        vmx__free(added);
    }
out:
    for (i = 0; i < cd.nowned; i++)
        vmx__free(cd.owned[i]);
    vmx_domain_free(carried);
    vmx_free(text);
    vmx_config_free(gen);
    vmx__free(g);
    vmx__free(in);
    vmx__free(flags);
    vmx__free(matched);
    return rc;
}
