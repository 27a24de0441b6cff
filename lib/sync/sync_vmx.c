/* The little VMX reading the sync module needs: keys and raw values, to
 * compare a definition with the file on the host. Values stay as written
 * (pipe escapes kept), which is what both sides hold. */
#include "config.h"
#include "sync_private.h"

#include <string.h>

#define VMX__KV_MAX_ENTRIES 100000

static bool key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == ':' || c == '-' || c == '[' || c == ']';
}

static unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* FNV-1a of the key, ASCII case ignored */
static size_t hash_key(const char *k, size_t kl)
{
    size_t h = 2166136261u, i;

    for (i = 0; i < kl; i++)
        h = (h ^ lower((unsigned char)k[i])) * 16777619u;
    return h;
}

/* The slot of key @k (@kl bytes): the one holding it, or the free slot
 * where it goes. The table always has a free slot (at most half full). */
static size_t *find_slot(const vmx__kvlist *l, const char *k, size_t kl)
{
    size_t mask = l->nslots - 1, i = hash_key(k, kl) & mask;

    for (;; i = (i + 1) & mask) {
        const char *key;

        if (!l->slots[i])
            return &l->slots[i];
        key = l->items[l->slots[i] - 1].key;
        if (strlen(key) == kl && vmx__strncasecmp(key, k, kl) == 0)
            return &l->slots[i];
    }
}

/* The item number of @k, or -1. */
static long find(const vmx__kvlist *l, const char *k, size_t kl)
{
    size_t *slot;

    if (!l->nslots)
        return -1;
    slot = find_slot(l, k, kl);
    return *slot ? (long)(*slot - 1) : -1;
}

/* Make room for one more item and keep the index at most half full. */
static int grow(vmx__kvlist *l)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        vmx__kv *items = vmx__realloc(l->items, cap * sizeof(*items));

        if (!items)
            return VMX_ENOMEM;
        l->items = items;
        l->cap = cap;
    }
    if ((l->n + 1) * 2 > l->nslots) {
        size_t n = l->nslots ? l->nslots * 2 : 128, i;
        size_t *old = l->slots, oldn = l->nslots;

        if (!(l->slots = vmx__calloc(n, sizeof(*l->slots)))) {
            l->slots = old;
            return VMX_ENOMEM;
        }
        l->nslots = n;
        for (i = 0; i < oldn; i++)
            if (old[i]) {
                const char *key = l->items[old[i] - 1].key;

                *find_slot(l, key, strlen(key)) = old[i];
            }
        vmx__free(old);
    }
    return 0;
}

static int add(vmx__kvlist *l, const char *k, size_t kl, const char *v, size_t vl)
{
    long i = find(l, k, kl);
    char *key = NULL, *value;

    if (!(value = vmx__strndup(v, vl)))
        return VMX_ENOMEM;
    if (i >= 0) { /* last occurrence wins, as VMware reads it */
        vmx__free(l->items[i].value);
        l->items[i].value = value;
        return 0;
    }
    if (grow(l) < 0 || !(key = vmx__strndup(k, kl))) {
        vmx__free(value);
        return VMX_ENOMEM;
    }
    l->items[l->n].key = key;
    l->items[l->n].value = value;
    l->n++;
    *find_slot(l, k, kl) = l->n;
    return 0;
}

int vmx__kv_parse(vmx__kvlist *out, const char *buf, size_t len, const char *source,
                  vmx_error *err)
{
    const char *p = buf, *end = buf + len;
    unsigned long line = 0;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    while (p < end && rc == 0) {
        const char *eol = memchr(p, '\n', (size_t)(end - p)), *le, *k, *ke, *v, *ve;

        le = eol ? eol : end;
        line++;
        if (le > p && le[-1] == '\r')
            le--;
        while (p < le && (*p == ' ' || *p == '\t'))
            p++;
        if (p == le || *p == '#')
            goto next;
        k = p;
        while (p < le && key_char(*p))
            p++;
        ke = p;
        while (p < le && (*p == ' ' || *p == '\t'))
            p++;
        if (ke == k || p == le || *p != '=') {
            rc = vmx_error_set(err, VMX_EPARSE, source, line, NULL,
                               "expected 'key = \"value\"'");
            break;
        }
        p++;
        while (p < le && (*p == ' ' || *p == '\t'))
            p++;
        if (p < le && *p == '"') {
            v = ++p;
            while (p < le && *p != '"')
                p++;
            if (p == le) {
                rc = vmx_error_set(err, VMX_EPARSE, source, line, NULL,
                                   "unterminated quoted value");
                break;
            }
            ve = p;
        } else {
            v = p;
            while (p < le && *p != '#')
                p++;
            ve = p;
            while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
                ve--;
        }
        if (out->n >= VMX__KV_MAX_ENTRIES) {
            rc = vmx_error_set(err, VMX_ELIMIT, source, line, NULL, "too many entries");
            break;
        }
        if (add(out, k, (size_t)(ke - k), v, (size_t)(ve - v)) < 0)
            rc = vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
    next:
        p = eol ? eol + 1 : end;
    }
    if (rc < 0)
        vmx__kv_dispose(out);
    return rc;
}

const char *vmx__kv_get(const vmx__kvlist *l, const char *key)
{
    long i = find(l, key, strlen(key));

    return i >= 0 ? l->items[i].value : NULL;
}

void vmx__kv_dispose(vmx__kvlist *l)
{
    size_t i;

    if (!l)
        return;
    for (i = 0; i < l->n; i++) {
        vmx__free(l->items[i].key);
        vmx__free(l->items[i].value);
    }
    vmx__free(l->items);
    vmx__free(l->slots);
    memset(l, 0, sizeof(*l));
}

/* Device families: the first component of the key (up to the first '.' or
 * ':'), with a unit number where the VMX numbers them. A host owns these
 * keys through VirtualMachineConfigSpec.deviceChange (virtualHW.* through
 * the hardware version) and ignores them in extraConfig. */
static const struct {
    const char *name;
    bool numbered;
} device_families[] = {
    {"ethernet", true},   {"scsi", true},   {"ide", true},    {"sata", true},
    {"nvme", true},       {"floppy", true}, {"serial", true}, {"parallel", true},
    {"pciBridge", true},  {"vmci", true},   {"hpet", true},   {"usb", false},
    {"usb_xhci", false},  {"ehci", false},  {"sound", false}, {"svga", false},
    {"virtualHW", false},
};

/* Keys other ConfigSpec fields own (exact, or a prefix ending in '.'):
 * uuid / instanceUuid, numCoresPerSocket, firmware, the hot-add switches,
 * tools (syncTimeWithHost, toolsUpgradePolicy), nestedHVEnabled,
 * vPMCEnabled, bootOptions, powerOpInfo, cpuAllocation / memoryAllocation
 * (sched.), cpuFeatureMask (cpuid.), the video card's 3D support. */
static const char *const owned_keys[] = {
    "uuid.bios",
    "uuid.location",
    "vc.uuid",
    "firmware",
    "mem.hotadd",
    "vcpu.hotadd",
    "vcpu.hotremove",
    "tools.syncTime",
    "tools.upgrade.policy",
    "vhv.enable",
    "vpmc.enable",
    "bios.bootDelay",
    "bios.bootOrder",
    "uefi.secureBoot.enabled",
    "mks.enable3d",
    "powerType.",
    "sched.",
    "cpuid.",
};

bool vmx__kv_needs_reload(const char *key)
{
    size_t head = strcspn(key, ".:"), i;

    for (i = 0; i < VMX_ARRAY_SIZE(device_families); i++) {
        size_t n = strlen(device_families[i].name), d = n;

        if (head < n || vmx__strncasecmp(key, device_families[i].name, n) != 0)
            continue;
        while (d < head && key[d] >= '0' && key[d] <= '9')
            d++;
        if (d == head && (d > n) == device_families[i].numbered)
            return true;
    }
    for (i = 0; i < VMX_ARRAY_SIZE(owned_keys); i++) {
        size_t n = strlen(owned_keys[i]);

        if (owned_keys[i][n - 1] == '.' ? vmx__str_has_prefix_ci(key, owned_keys[i])
                                        : vmx__strcasecmp(key, owned_keys[i]) == 0)
            return true;
    }
    return false;
}

/* key = "value" with a '"' of an unquoted raw value pipe-escaped. */
static void put_entry(vmx_buf *b, const char *key, size_t klen, const char *value,
                      const char *eol)
{
    vmx_buf_put(b, key, klen);
    vmx_buf_puts(b, " = \"");
    for (; *value; value++) {
        if (*value == '"')
            vmx_buf_puts(b, "|22");
        else
            vmx_buf_put(b, value, 1);
    }
    vmx_buf_puts(b, "\"");
    vmx_buf_puts(b, eol);
}

int vmx__kv_merge(vmx_buf *out, const char *host, size_t len, const vmx__kvlist *want,
                  bool (*skip)(const char *key), vmx_error *err)
{
    const char *p = host, *end = host + len, *nl = "\n";
    bool *seen = NULL;
    size_t i;

    if (want->n && !(seen = vmx__calloc(want->n, sizeof(*seen))))
        return vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p)), *le, *k, *ke;
        size_t w = want->n;

        le = eol ? eol : end;
        if (eol && le > p && le[-1] == '\r') {
            le--;
            if (p == host)
                nl = "\r\n"; /* appended lines follow the file's first line */
        }
        k = p;
        while (k < le && (*k == ' ' || *k == '\t'))
            k++;
        ke = k;
        while (ke < le && key_char(*ke))
            ke++;
        if (ke > k && *k != '#') {
            const char *q = ke;

            while (q < le && (*q == ' ' || *q == '\t'))
                q++;
            if (q < le && *q == '=') {
                long f = find(want, k, (size_t)(ke - k)); /* keys are unique */

                if (f >= 0 && !(skip && skip(want->items[f].key)))
                    w = (size_t)f;
            }
        }
        if (w < want->n) {
            /* the host's spelling of the key, the definition's value */
            seen[w] = true;
            vmx_buf_put(out, p, (size_t)(ke - p));
            put_entry(out, "", 0, want->items[w].value,
                      !eol       ? ""
                      : le < eol ? "\r\n"
                                 : "\n");
        } else {
            vmx_buf_put(out, p, (size_t)((eol ? eol + 1 : end) - p));
        }
        p = eol ? eol + 1 : end;
    }
    if (len && host[len - 1] != '\n')
        vmx_buf_puts(out, nl);
    for (i = 0; i < want->n; i++)
        if (!seen[i] && !(skip && skip(want->items[i].key)))
            put_entry(out, want->items[i].key, strlen(want->items[i].key),
                      want->items[i].value, nl);
    vmx__free(seen);
    return out->failed ? vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory")
                       : 0;
}
