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

static int add(vmx__kvlist *l, const char *k, size_t kl, const char *v, size_t vl)
{
    size_t i;
    vmx__kv *items;
    char *key, *value;

    if (!(key = vmx__strndup(k, kl)) || !(value = vmx__strndup(v, vl))) {
        vmx__free(key);
        return VMX_ENOMEM;
    }
    for (i = 0; i < l->n; i++) { /* last occurrence wins, as VMware reads it */
        if (vmx__strcasecmp(l->items[i].key, key) == 0) {
            vmx__free(l->items[i].value);
            l->items[i].value = value;
            vmx__free(key);
            return 0;
        }
    }
    items = vmx__realloc(l->items, (l->n + 1) * sizeof(*items));
    if (!items) {
        vmx__free(key);
        vmx__free(value);
        return VMX_ENOMEM;
    }
    l->items = items;
    l->items[l->n].key = key;
    l->items[l->n].value = value;
    l->n++;
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
    size_t i;

    for (i = 0; i < l->n; i++)
        if (vmx__strcasecmp(l->items[i].key, key) == 0)
            return l->items[i].value;
    return NULL;
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
    memset(l, 0, sizeof(*l));
}
