/* VMX -> domain: the entry point, and the tolerant path for the files
 * libvirt 9.0 rejects.
 *
 * The libvirt-compatible conversion (v2d_convert_text) runs first on the
 * file's own text. When it fails, the entries of the parsed config (the file
 * layer reads what libvirt's reader refuses: unquoted values, stray text) are
 * written out again as text libvirt's reader accepts, one entry per original
 * line so that lines stay right, and converted again. Each error the
 * conversion then reports names an entry, and a repair for that entry is
 * applied before the next try:
 *
 *   config.version missing or not 8      -> "8"
 *   virtualHW.version missing or < 4     -> "4"
 *   displayName/annotation bad escapes   -> a stray '|' or '%' is kept as is
 *   serialN.fileName tcp://fe80::1:1003  -> the IPv6 host in brackets (how
 *                                           libvirt's writer leaves it)
 *   serialN.* (thinprint, unknown type)  -> the port is left to libvirt's
 *                                           parse and added afterwards as a
 *                                           thinprint port or a null port
 *   parallelN.*                          -> likewise, a null port
 *   ethernetN.connectionType hostonly    -> a host-only network when the
 *                                           adapter has a networkName, else
 *                                           a null interface
 *   ethernetN.networkName missing        -> the connection type is left out
 *                                           (libvirt's null interface)
 *   scsi/sata/ide slot, unhandled file   -> added afterwards as a disk (or
 *                                           CD-ROM) of that file: raw disks
 *   values libvirt's schema refuses      -> left out (vl_fit_schema: disk
 *                                           sources like "[] x.vmdk", shared
 *                                           folders on "C:\\")
 *   anything else                        -> the entry is left out (its
 *                                           default applies), or the device
 *                                           whose key is missing
 *   no displayName                       -> a name from `nvram`, the first
 *                                           hard disk, else "unnamed"
 *                                           (vl_synthesize_name)
 *
 * What is left out is not mapped: the key check reports it (--warnings) and
 * lossless mode keeps it. A fully encrypted configuration (encryption.data)
 * cannot be read and is an error. VMX_CONVERT_STRICT skips the tolerant
 * path: libvirt's error is the result. Lossless mode takes the tolerant path
 * also when libvirt's reader succeeds on a file with lines VMware skips
 * (text after the value), so that the domain is VMware's reading, as the
 * keys it keeps are. */
#include "config.h"
#include "vmx2domain_lossless.h"
#include "vmx2domain_private.h"

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "vmxkit/io.h"
#include "vmxkit/vmxfile.h"

/* ---- the view of the entries ---- */

int vl_view_init(vl_view *v, const vmx_config *cfg)
{
    size_t i, n = vmx_config_count(cfg);

    memset(v, 0, sizeof(*v));
    v->cfg = cfg;
    v->source = vmx_config_source(cfg);
    v->e = vmx__calloc(n ? n : 1, sizeof(*v->e));
    if (!v->e)
        return VMX_ENOMEM;
    for (i = 0; i < n; i++) {
        vl_entry *e = &v->e[i];

        if (vmx_config_entry(cfg, i, &e->key, &e->value, &e->line) < 0)
            return VMX_EINVAL;
        if (!e->value)
            e->value = "";
        e->orig = e->value;
    }
    v->n = n;
    return 0;
}

void vl_view_dispose(vl_view *v)
{
    size_t i;

    for (i = 0; i < v->n; i++)
        vmx__free(v->e[i].owned);
    vmx__free(v->e);
    memset(v, 0, sizeof(*v));
}

long vl_find(const vl_view *v, const char *key)
{
    size_t i;

    for (i = 0; i < v->n; i++)
        if (!v->e[i].dropped && vmx__strcasecmp(v->e[i].key, key) == 0)
            return (long)i;
    return -1;
}

const char *vl_get(const vl_view *v, const char *key)
{
    long i = vl_find(v, key);

    return i < 0 ? NULL : v->e[i].value;
}

bool vl_true(const vl_view *v, const char *key)
{
    const char *s = vl_get(v, key);

    return s && vmx__strcasecmp(s, "true") == 0;
}

/* ---- repairs ---- */

typedef enum slot_bus { SLOT_SCSI, SLOT_SATA, SLOT_IDE } slot_bus;

/* A disk slot libvirt refuses, added afterwards. */
typedef struct raw_slot {
    slot_bus bus;
    int ctrl, unit;
    const char *file_name, *device_type, *mode;
    bool write_through;
} raw_slot;

#define MAX_ADAPTERS 64
/* Repairs tried before giving up with libvirt's error. */
#define MAX_REPAIRS 64

typedef struct tol {
    vl_view *v;
    const vmx_convert_options *opts;
    bool add_config_version, add_hw_version;
    /* serial and parallel ports added afterwards: 0 none, else a chr type + 1 */
    int serial_type[4];
    int parallel_type[3];
    bool hostonly[MAX_ADAPTERS];
    raw_slot raw[16];
    size_t nraw;
    int last_fix; /* entry index or -(kind) of the previous repair */
} tol;

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Drop every entry whose key starts with @p prefix (ASCII case ignored). */
static int drop_prefix(tol *t, const char *prefix)
{
    size_t i, n = 0;

    for (i = 0; i < t->v->n; i++)
        if (!t->v->e[i].dropped && vmx__str_has_prefix_ci(t->v->e[i].key, prefix)) {
            t->v->e[i].dropped = true;
            n++;
        }
    return n > 0;
}

static int set_value(tol *t, long i, const char *value)
{
    vl_entry *e = &t->v->e[i];
    char *s = vmx__strdup(value);

    if (!s)
        return VMX_ENOMEM;
    vmx__free(e->owned);
    e->owned = s;
    e->value = s;
    return 1;
}

/* A stray '|' (and for displayName a stray '%') not starting an escape is
 * written as the escape of itself, so that unescaping keeps it. */
static int repair_escapes(tol *t, long i, bool percent)
{
    vmx_buf b = VMX_BUF_INIT;
    const char *s = t->v->e[i].value;
    int rc;

    for (; *s; s++) {
        if (*s == '|' && !(is_hex(s[1]) && is_hex(s[2])))
            vmx_buf_puts(&b, "|7C");
        else if (percent && *s == '%' && !(is_hex(s[1]) && is_hex(s[2])))
            vmx_buf_puts(&b, "%25");
        else
            vmx_buf_putc(&b, *s);
    }
    if (b.failed) {
        vmx_buf_dispose(&b);
        return VMX_ENOMEM;
    }
    if (b.len == strlen(t->v->e[i].value)) {
        /* nothing to repair: the value cannot be used */
        vmx_buf_dispose(&b);
        t->v->e[i].dropped = true;
        return 1;
    }
    rc = set_value(t, i, b.ptr ? b.ptr : "");
    vmx_buf_dispose(&b);
    return rc;
}

/* "<name><N>." at the start of @p key: N, else -1. */
static int device_number(const char *key, const char *name, const char **rest)
{
    size_t n = strlen(name);
    int v = 0, digits = 0;
    const char *p;

    if (vmx__strncasecmp(key, name, n) != 0)
        return -1;
    for (p = key + n; *p >= '0' && *p <= '9' && digits < 4; p++, digits++)
        v = v * 10 + (*p - '0');
    if (!digits || *p != '.')
        return -1;
    *rest = p + 1;
    return v;
}

/* "<name><C>:<U>." at the start of @p key. */
static bool slot_number(const char *key, const char *name, int *c, int *u,
                        const char **rest)
{
    size_t n = strlen(name);
    const char *p = key + n;
    int a = 0, b = 0, da = 0, db = 0;

    if (vmx__strncasecmp(key, name, n) != 0)
        return false;
    for (; *p >= '0' && *p <= '9' && da < 3; p++, da++)
        a = a * 10 + (*p - '0');
    if (!da || *p++ != ':')
        return false;
    for (; *p >= '0' && *p <= '9' && db < 3; p++, db++)
        b = b * 10 + (*p - '0');
    if (!db || *p != '.')
        return false;
    *c = a;
    *u = b;
    *rest = p + 1;
    return true;
}

static int fix_port(tol *t, const char *name, int port, int *types)
{
    char prefix[32], key[48];
    const char *ft;

    snprintf(key, sizeof(key), "%s%d.fileType", name, port);
    ft = vl_get(t->v, key);
    types[port] = 1 + (ft && vmx__strcasecmp(ft, "thinprint") == 0 ? VMX_CHR_THINPRINT
                                                                   : VMX_CHR_NULL);
    snprintf(prefix, sizeof(prefix), "%s%d.", name, port);
    return drop_prefix(t, prefix);
}

static int fix_disk_slot(tol *t, slot_bus bus, const char *name, int c, int u)
{
    char prefix[32], key[64];
    raw_slot *r;

    snprintf(prefix, sizeof(prefix), "%s%d:%d.", name, c, u);
    snprintf(key, sizeof(key), "%spresent", prefix);
    if (vl_true(t->v, key) && t->nraw < VMX_ARRAY_SIZE(t->raw)) {
        r = &t->raw[t->nraw];
        memset(r, 0, sizeof(*r));
        r->bus = bus;
        r->ctrl = c;
        r->unit = u;
        snprintf(key, sizeof(key), "%sfileName", prefix);
        r->file_name = vl_get(t->v, key);
        snprintf(key, sizeof(key), "%sdeviceType", prefix);
        r->device_type = vl_get(t->v, key);
        snprintf(key, sizeof(key), "%smode", prefix);
        r->mode = vl_get(t->v, key);
        snprintf(key, sizeof(key), "%swriteThrough", prefix);
        r->write_through = vl_true(t->v, key);
        if (r->file_name)
            t->nraw++;
    }
    return drop_prefix(t, prefix);
}

/* serialN.fileName "SCHEME://HOST:PORT" with an IPv6 HOST not in brackets
 * (libvirt's writer writes it so, its URI parser refuses it): put HOST in
 * brackets. Returns 1 when the value changed, 0 when it is not such a URI. */
static int bracket_ipv6_host(tol *t, const char *key)
{
    long i = vl_find(t->v, key);
    const char *v, *host, *end, *colon;
    vmx_buf b = VMX_BUF_INIT;
    size_t k;
    int rc;

    if (i < 0 || t->v->e[i].owned)
        return 0;
    v = t->v->e[i].value;
    if (!(host = strstr(v, "://")) || host[3] == '[')
        return 0;
    host += 3;
    end = host + strcspn(host, "/?#");
    for (colon = end; colon > host && colon[-1] != ':'; colon--)
        ;
    /* at least two colons before the port, and a port of digits */
    if (colon <= host || colon == end || !memchr(host, ':', (size_t)(colon - 1 - host)))
        return 0;
    for (k = 0; colon + k < end; k++)
        if (colon[k] < '0' || colon[k] > '9')
            return 0;
    vmx_buf_put(&b, v, (size_t)(host - v));
    vmx_buf_putc(&b, '[');
    vmx_buf_put(&b, host, (size_t)(colon - 1 - host));
    vmx_buf_puts(&b, "]");
    vmx_buf_puts(&b, colon - 1);
    rc = b.failed ? VMX_ENOMEM : set_value(t, i, b.ptr);
    vmx_buf_dispose(&b);
    return rc;
}

/* Drop the first entry named @p key, or the device @p key belongs to when
 * the key is absent. */
static int drop_key(tol *t, const char *key)
{
    long i = vl_find(t->v, key);
    const char *dot;
    char present[VMX_ERROR_KEY_MAX + 16];

    if (i >= 0) {
        t->v->e[i].dropped = true;
        return 1;
    }
    dot = strrchr(key, '.');
    if (!dot || dot == key)
        return 0;
    snprintf(present, sizeof(present), "%.*spresent", (int)(dot - key + 1), key);
    if ((i = vl_find(t->v, present)) < 0)
        return 0;
    t->v->e[i].dropped = true;
    return 1;
}

/* Repair what @p e (an error of the libvirt-compatible conversion) is about.
 * Returns 1 when something changed, 0 when nothing can be done. */
static int repair(tol *t, const vmx_error *e)
{
    const char *key = e->key, *rest;
    long i;
    int n, c, u, rc;

    if (!key[0]) {
        /* a line libvirt's reader refuses: leave it out */
        size_t k;

        for (k = 0; k < t->v->n && e->line; k++)
            if (t->v->e[k].line == e->line && !t->v->e[k].dropped) {
                t->v->e[k].dropped = true;
                return 1;
            }
        return 0;
    }
    if (vmx__strcasecmp(key, "config.version") == 0 ||
        vmx__strcasecmp(key, "virtualHW.version") == 0) {
        bool cv = vmx__strcasecmp(key, "config.version") == 0;
        bool *added = cv ? &t->add_config_version : &t->add_hw_version;

        if ((i = vl_find(t->v, key)) >= 0) {
            if (t->v->e[i].owned) /* repaired already */
                return 0;
            return set_value(t, i, cv ? "8" : "4");
        }
        if (*added)
            return 0;
        *added = true;
        return 1;
    }
    if (vmx__strcasecmp(key, "displayName") == 0 ||
        vmx__strcasecmp(key, "annotation") == 0) {
        if ((i = vl_find(t->v, key)) < 0)
            return 0;
        if (t->v->e[i].owned) {
            t->v->e[i].dropped = true;
            return 1;
        }
        return repair_escapes(t, i, vmx__strcasecmp(key, "displayName") == 0);
    }
    if ((n = device_number(key, "serial", &rest)) >= 0 && n < 4 &&
        vmx__strcasecmp(rest, "fileName") == 0 && (rc = bracket_ipv6_host(t, key)) != 0)
        return rc;
    if ((n = device_number(key, "serial", &rest)) >= 0 && n < 4 &&
        vmx__strcasecmp(rest, "present") != 0)
        return fix_port(t, "serial", n, t->serial_type);
    if ((n = device_number(key, "parallel", &rest)) >= 0 && n < 3 &&
        vmx__strcasecmp(rest, "present") != 0)
        return fix_port(t, "parallel", n, t->parallel_type);
    if ((n = device_number(key, "ethernet", &rest)) >= 0 && n < MAX_ADAPTERS) {
        char ct[48];
        const char *conn;

        snprintf(ct, sizeof(ct), "ethernet%d.connectionType", n);
        conn = vl_get(t->v, ct);
        if (vmx__strcasecmp(rest, "connectionType") == 0 && conn &&
            vmx__strcasecmp(conn, "hostonly") == 0)
            t->hostonly[n] = true;
        if ((vmx__strcasecmp(rest, "connectionType") == 0 ||
             vmx__strcasecmp(rest, "networkName") == 0 ||
             vmx__strcasecmp(rest, "vnet") == 0) &&
            conn)
            return drop_key(t, ct);
    }
    if (slot_number(key, "scsi", &c, &u, &rest) && vmx__strcasecmp(rest, "present") != 0)
        return fix_disk_slot(t, SLOT_SCSI, "scsi", c, u);
    if (slot_number(key, "sata", &c, &u, &rest) && vmx__strcasecmp(rest, "present") != 0)
        return fix_disk_slot(t, SLOT_SATA, "sata", c, u);
    if (slot_number(key, "ide", &c, &u, &rest) && vmx__strcasecmp(rest, "present") != 0)
        return fix_disk_slot(t, SLOT_IDE, "ide", c, u);
    return drop_key(t, key);
}

/* The entries as text libvirt's reader takes: `key = "value"` on the
 * entry's own line, UTF-8 (so no .encoding), '"' as its pipe escape. */
static int render(const tol *t, vmx_buf *b)
{
    unsigned long cur = 1;
    size_t i;

    vmx_buf_clear(b);
    for (i = 0; i < t->v->n; i++) {
        const vl_entry *e = &t->v->e[i];
        const char *s;

        if (e->dropped || vmx__strcasecmp(e->key, ".encoding") == 0)
            continue;
        for (; cur < e->line; cur++)
            vmx_buf_putc(b, '\n');
        vmx_buf_puts(b, e->key);
        vmx_buf_puts(b, " = \"");
        for (s = e->value; *s; s++) {
            if (*s == '"')
                vmx_buf_puts(b, "|22");
            else if (*s == '\n' || *s == '\r')
                vmx_buf_putc(b, ' ');
            else
                vmx_buf_putc(b, *s);
        }
        vmx_buf_puts(b, "\"\n");
        cur++;
    }
    if (t->add_config_version)
        vmx_buf_puts(b, "config.version = \"8\"\n");
    if (t->add_hw_version)
        vmx_buf_puts(b, "virtualHW.version = \"4\"\n");
    return b->failed ? VMX_ENOMEM : 0;
}

/* ---- what the repairs add afterwards ---- */

static int disk_name_index(const char *name)
{
    long long idx = 0;
    size_t i;

    if (!name || strlen(name) < 3)
        return -1;
    for (i = 2; name[i] >= 'a' && name[i] <= 'z'; i++)
        idx = (idx + (i > 2 ? 1 : 0)) * 26 + (name[i] - 'a');
    return name[i] || idx > 100000 ? -1 : (int)idx;
}

static int index_name(char **out, const char *prefix, unsigned int idx)
{
    char name[16];
    size_t n = 0, i;
    long long ctr;

    for (ctr = idx; ctr >= 0; ctr = ctr / 26 - 1)
        n++;
    if (n > 8)
        return VMX_EINVAL;
    memcpy(name, prefix, 2);
    for (i = n, ctr = idx; ctr >= 0; ctr = ctr / 26 - 1)
        name[2 + --i] = (char)('a' + ctr % 26);
    name[2 + n] = '\0';
    *out = vmx__strdup(name);
    return *out ? 0 : VMX_ENOMEM;
}

/* Where the XML reader would put @p d (libvirt's disk insertion order), so
 * that the XML reads back in the same order. */
static size_t disk_position(const vmx_domain *dom, const vmx_disk *d)
{
    long at = -1, i;
    int idx = disk_name_index(d->target);

    for (i = (long)dom->ndisks - 1; i >= 0; i--) {
        const vmx_disk *o = &dom->disks[i];

        if (o->bus != d->bus)
            continue;
        if (disk_name_index(o->target) > idx)
            at = i;
        else if (at == -1)
            at = i + 1;
    }
    return at < 0 ? dom->ndisks : (size_t)at;
}

static int add_raw_disk(vmx_domain *dom, const raw_slot *r,
                        const vmx_convert_options *opts, vmx_error *err)
{
    static const vmx_disk_bus buses[] = {VMX_DISK_BUS_SCSI, VMX_DISK_BUS_SATA,
                                         VMX_DISK_BUS_IDE};
    vmx_disk d, *slot;
    vmx_error ignored = VMX_ERROR_INIT;
    unsigned int idx;
    size_t at;
    int rc;

    memset(&d, 0, sizeof(d));
    d.bus = buses[r->bus];
    d.device = r->device_type && strstr(r->device_type, "cdrom") ? VMX_DISK_DEVICE_CDROM
                                                                 : VMX_DISK_DEVICE_DISK;
    d.readonly = d.device == VMX_DISK_DEVICE_CDROM;
    d.type =
        strncmp(r->file_name, "/dev/", 5) == 0 ? VMX_DISK_TYPE_BLOCK : VMX_DISK_TYPE_FILE;
    d.cache = r->write_through ? VMX_DISK_CACHE_WRITETHROUGH : VMX_DISK_CACHE_DEFAULT;
    d.transient = r->mode && vmx__strcasecmp(r->mode, "independent-nonpersistent") == 0;
    rc = d.type == VMX_DISK_TYPE_BLOCK
             ? VMX_EINVAL
             : vmx__filename_from_vmx(&d.src, r->file_name, opts, &ignored);
    if (rc == VMX_ENOMEM)
        return vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
    if (rc < 0) { /* a name libvirt's mapping refuses: kept as it is */
        vmx__free(d.src);
        if (!(d.src = vmx__strdup(r->file_name)))
            return vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
    }
    if (r->bus == SLOT_SCSI)
        idx = (unsigned int)(r->ctrl * 15 + (r->unit < 7 ? r->unit : r->unit - 1));
    else if (r->bus == SLOT_SATA)
        idx = (unsigned int)(r->ctrl * 30 + r->unit);
    else
        idx = (unsigned int)(r->ctrl * 2 + r->unit);
    if ((rc = index_name(&d.target, r->bus == SLOT_IDE ? "hd" : "sd", idx)) < 0 ||
        (rc = vmx__disk_assign_address(&d, dom->scsi_bus_max_unit, err)) < 0) {
        vmx__free(d.src);
        vmx__free(d.target);
        return rc == VMX_ENOMEM ? vmx_error_set(err, rc, NULL, 0, NULL, "out of memory")
                                : rc;
    }
    at = disk_position(dom, &d);
    if (!(slot = vmx_domain_add_disk(dom))) {
        vmx__free(d.src);
        vmx__free(d.target);
        return vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
    }
    (void)slot;
    memmove(&dom->disks[at + 1], &dom->disks[at],
            (dom->ndisks - 1 - at) * sizeof(*dom->disks));
    dom->disks[at] = d;
    return 0;
}

/* Add a port of @p type at @p port, keeping the ports in order. */
static int add_port(vmx_chr **chrs, size_t *n, vmx_domain *dom, bool serial,
                    vmx_chr_type type, int port, vmx_error *err)
{
    size_t at;
    vmx_chr *c;

    for (at = 0; at < *n && (*chrs)[at].port < port; at++)
        ;
    c = serial ? vmx_domain_add_serial(dom) : vmx_domain_add_parallel(dom);
    if (!c)
        return vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
    memmove(&(*chrs)[at + 1], &(*chrs)[at], (*n - 1 - at) * sizeof(**chrs));
    memset(&(*chrs)[at], 0, sizeof(**chrs));
    (*chrs)[at].type = type;
    (*chrs)[at].port = port;
    return 0;
}

/* Index in dom->nets of adapter @p n: libvirt adds the present adapters in
 * the order of their numbers. */
static long net_index(const vl_view *v, int n)
{
    bool seen[MAX_ADAPTERS];
    long idx = 0;
    size_t i;
    int m;

    memset(seen, 0, sizeof(seen));
    for (i = 0; i < v->n; i++) {
        const char *rest;

        if (!v->e[i].dropped &&
            (m = device_number(v->e[i].key, "ethernet", &rest)) >= 0 && m < MAX_ADAPTERS)
            seen[m] = true;
    }
    for (m = 0; m < n; m++) {
        char key[48];

        snprintf(key, sizeof(key), "ethernet%d.present", m);
        if (seen[m] && vl_true(v, key))
            idx++;
    }
    return idx;
}

static int apply_afterwards(tol *t, vmx_domain *dom, vmx_error *err)
{
    size_t i;
    int n, rc;

    for (n = 0; n < 4; n++)
        if (t->serial_type[n] &&
            (rc = add_port(&dom->serials, &dom->nserials, dom, true,
                           (vmx_chr_type)(t->serial_type[n] - 1), n, err)) < 0)
            return rc;
    for (n = 0; n < 3; n++)
        if (t->parallel_type[n] &&
            (rc = add_port(&dom->parallels, &dom->nparallels, dom, false,
                           (vmx_chr_type)(t->parallel_type[n] - 1), n, err)) < 0)
            return rc;
    for (n = 0; n < MAX_ADAPTERS; n++) {
        long k;

        if (!t->hostonly[n])
            continue;
        k = net_index(t->v, n);
        /* with a network name libvirt made it a bridge: a host-only network */
        if (k < (long)dom->nnets && dom->nets[k].type == VMX_NET_BRIDGE &&
            dom->nets[k].bridge && !dom->nets[k].ifname)
            dom->nets[k].type = VMX_NET_HOSTONLY;
    }
    for (i = 0; i < t->nraw; i++)
        if ((rc = add_raw_disk(dom, &t->raw[i], t->opts, err)) < 0)
            return rc;
    /* what libvirt's schema refuses is left out, see vl_fit_schema() */
    vl_fit_schema(dom);
    /* controllers for the added disks, as libvirt's post-parse adds them */
    return t->nraw ? vmx__domain_postparse(dom, err) : 0;
}

/* Convert the repaired entries until the conversion succeeds or an error
 * cannot be repaired (then @p first is the error to report). */
static int convert_tolerant(tol *t, vmx_domain **out, vmx_error *err)
{
    vmx_buf text = VMX_BUF_INIT;
    size_t tries;
    int rc = VMX_EINVAL;

    /* real files need a few repairs; a bound keeps hostile input cheap */
    for (tries = 0; tries < MAX_REPAIRS; tries++) {
        vmx_error e = VMX_ERROR_INIT;

        if ((rc = render(t, &text)) < 0) {
            rc = vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
            goto out;
        }
        rc = v2d_convert_text(out, text.ptr ? text.ptr : "", text.len, t->v->source,
                              t->opts, &e);
        if (rc == 0 || rc == VMX_ENOMEM) {
            if (rc == VMX_ENOMEM)
                vmx_error_set(err, rc, NULL, 0, NULL, "out of memory");
            goto out;
        }
        if ((rc = repair(t, &e)) < 0) {
            rc = vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
            goto out;
        }
        if (rc == 0)
            break;
    }
    vmx_domain_free(*out);
    *out = NULL;
    rc = VMX_EINVAL;
out:
    vmx_buf_dispose(&text);
    return rc;
}

/* A configuration VMware encrypted as a whole keeps its settings in
 * encryption.data: nothing can be converted. */
static int check_encrypted(const vl_view *v, vmx_error *err)
{
    long i = vl_find(v, "encryption.data");

    if (i < 0 || vl_find(v, "encryption.keySafe") < 0)
        return 0;
    return vmx_error_set(err, VMX_EUNSUPPORTED, v->source, v->e[i].line, v->e[i].key,
                         "the configuration is encrypted, its settings cannot be read");
}

/* The first line VMware skips as a whole (text after its value, as in
 * `a = "1"; b = "2"` or `a = 'x y'`), which libvirt's virConf reads as one
 * or more entries; NULL when there is none. */
static const vmx_diag *skipped_line(const vmx_config *cfg)
{
    size_t i, n = vmx_config_diag_count(cfg);

    for (i = 0; i < n; i++) {
        const vmx_diag *d = vmx_config_diag(cfg, i);

        if (d && strcmp(d->code, "trailing-text") == 0)
            return d;
    }
    return NULL;
}

static void keep_error(vmx_error *err, const vmx_error *e)
{
    if (err && err->code == 0)
        *err = *e;
}

int vmx_domain_from_vmx(vmx_domain **out, const vmx_config *cfg,
                        const vmx_convert_options *opts, vmx_error *err)
{
    vmx_error strict = VMX_ERROR_INIT;
    vl_view v;
    tol t;
    vmx_domain *dom = NULL;
    char *text = NULL;
    size_t len = 0;
    bool lossless, check;
    int rc;

    memset(&v, 0, sizeof(v));
    if (out)
        *out = NULL;
    if (!out || !cfg)
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL, "invalid argument");
    if (opts && opts->version != VMX_CONVERT_OPTIONS_VERSION)
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL,
                             "unsupported options version %u", opts->version);
    lossless = opts && (opts->flags & VMX_CONVERT_LOSSLESS);
    check = lossless || (opts && opts->on_unmapped);

    /* libvirt reads the text itself: take the file's bytes back */
    if ((rc = vmx_config_write(&text, &len, cfg, err)) < 0)
        goto out;
    rc = v2d_convert_text(&dom, text, len, vmx_config_source(cfg), opts, &strict);
    if (rc == VMX_ENOMEM || (rc < 0 && opts && (opts->flags & VMX_CONVERT_STRICT))) {
        keep_error(err, &strict);
        goto out;
    }
    /* lossless mode keeps the file's keys as VMware reads them: where it
     * skips a line that libvirt reads, the domain follows VMware too (the
     * tolerant path converts the entries the file layer read) */
    if (rc == 0 && lossless && !(opts->flags & VMX_CONVERT_STRICT)) {
        const vmx_diag *d = skipped_line(cfg);

        if (d) {
            vmx_domain_free(dom);
            dom = NULL;
            vmx_error_set(&strict, VMX_EPARSE, vmx_config_source(cfg), d->line, d->key,
                          "%s", d->message);
        }
    }
    if ((rc < 0 || check) && (rc = vl_view_init(&v, cfg)) < 0) {
        rc = vmx_error_set(err, rc, NULL, 0, NULL, "out of memory");
        goto out;
    }
    if (!dom) {
        if ((rc = check_encrypted(&v, err)) < 0)
            goto out;
        memset(&t, 0, sizeof(t));
        t.v = &v;
        t.opts = opts;
        rc = convert_tolerant(&t, &dom, err);
        if (rc == VMX_EINVAL && !dom) { /* not repairable: libvirt's own error */
            keep_error(err, &strict);
            rc = strict.code;
        }
        if (rc < 0 || (rc = apply_afterwards(&t, dom, err)) < 0)
            goto out;
        /* libvirt's schema needs <name>; lossless mode names it after its
         * own mappings (vl_map_lossless) */
        if (!lossless && (rc = vl_synthesize_name(dom, &v, err)) < 0)
            goto out;
    }
    if (lossless && (rc = vl_map_lossless(dom, &v, opts, err)) == 0) {
        vl_fit_schema(dom);
        rc = vl_normalize(&dom, opts, err);
    }
    if (rc < 0 || (check && (rc = vl_check_keys(dom, &v, opts, lossless, err)) < 0))
        goto out;
    *out = dom;
    dom = NULL;
out:
    vmx_domain_free(dom);
    vmx_free(text);
    vl_view_dispose(&v);
    return rc;
}
