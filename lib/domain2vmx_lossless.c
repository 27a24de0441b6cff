/* Domain -> VMX, lossless mode only: the devices libvirt's VMX driver cannot
 * write (USB controllers, the sound card, the TPM, secure boot) and the
 * domain's extra keys.
 *
 * The extra keys are the VMX keys the domain does not carry (see
 * vmx2domain_lossless.c): the writer's lines for their keys (any case) are
 * left out, and the keys that have a value are written after the rest, in
 * their order. A key with a NULL value is one the source file did not have:
 * only the writer's line goes. Together they give a VMX file its own keys
 * back.
 *
 * `.encoding` is the exception, as it names the charset of the text: when
 * the extra keys say the source file had none, the line goes; when they
 * name a charset, the text is converted to it (vmx_config_set), unless it
 * holds characters the charset lacks: it then stays UTF-8 and says so. */
#include "config.h"
#include "domain2vmx.h"

#include <stdlib.h>
#include <string.h>

#include "vmxkit/io.h"
#include "vmxkit/vmxfile.h"

/* The VMX key of a USB controller model (NULL for "none"), or "" when VMX
 * has none for it. libvirt's default model on x86 is piix3-uhci. */
static const char *usb_key(const char *model)
{
    if (!model || strcmp(model, "piix3-uhci") == 0 || strcmp(model, "piix4-uhci") == 0 ||
        strncmp(model, "ich9-uhci", 9) == 0 || strcmp(model, "vt82c686b-uhci") == 0)
        return "usb.present";
    if (strcmp(model, "ehci") == 0 || strcmp(model, "ich9-ehci1") == 0)
        return "ehci.present";
    if (strcmp(model, "nec-xhci") == 0 || strcmp(model, "qemu-xhci") == 0)
        return "usb_xhci.present";
    if (strcmp(model, "none") == 0)
        return NULL;
    return "";
}

static int put_usb(vmx__d2v *c)
{
    static const char *const keys[] = {"usb.present", "ehci.present", "usb_xhci.present"};
    bool want[3] = {false, false, false};
    size_t i, k;

    for (i = 0; i < c->dom->ncontrollers; i++) {
        const vmx_controller *ctl = &c->dom->controllers[i];
        const char *key;

        if (ctl->type != VMX_CONTROLLER_USB || !(key = usb_key(ctl->model)))
            continue;
        if (!*key)
            return vmx__d2v_error(c, VMX_EUNSUPPORTED, "devices/controller",
                                  "unsupported usb controller model '%s'", ctl->model);
        for (k = 0; k < VMX_ARRAY_SIZE(keys); k++)
            if (strcmp(key, keys[k]) == 0)
                want[k] = true;
    }
    for (k = 0; k < VMX_ARRAY_SIZE(keys); k++)
        if (want[k])
            vmx__d2v_kv(c->b, keys[k], "true");
    return 0;
}

static int put_sound(vmx__d2v *c)
{
    static const struct {
        const char *model, *vmx;
    } models[] = {{"es1370", "es1371"}, {"sb16", "sb16"}, {"ich6", "hdaudio"}};
    const vmx_sound *s;
    size_t i;

    if (c->dom->nsounds == 0)
        return 0;
    if (c->dom->nsounds > 1)
        return vmx__d2v_error(c, VMX_EUNSUPPORTED, "devices/sound",
                              "multiple sound cards are not supported");
    s = &c->dom->sounds[0];
    for (i = 0; i < VMX_ARRAY_SIZE(models); i++)
        if (s->model && strcmp(s->model, models[i].model) == 0)
            break;
    if (i == VMX_ARRAY_SIZE(models))
        return vmx__d2v_error(c, VMX_EUNSUPPORTED, "devices/sound",
                              "sound model must be 'es1370', 'sb16' or 'ich6', not '%s'",
                              s->model ? s->model : "");
    vmx__d2v_kv(c->b, "sound.present", "true");
    vmx__d2v_kv(c->b, "sound.virtualDev", models[i].vmx);
    /* what VMware writes for "use the host's default sound device" */
    vmx__d2v_kv(c->b, "sound.fileName", "-1");
    vmx__d2v_kv(c->b, "sound.autodetect", "true");
    return 0;
}

int vmx__d2v_lossless_devices(vmx__d2v *c)
{
    int rc;

    if ((rc = put_usb(c)) < 0 || (rc = put_sound(c)) < 0)
        return rc;
    if (c->dom->tpm)
        vmx__d2v_kv(c->b, "vtpm.present", "true");
    if (c->dom->secure_boot != VMX_TRISTATE_UNSET)
        vmx__d2v_kv(c->b, "uefi.secureBoot.enabled",
                    c->dom->secure_boot == VMX_TRISTATE_YES ? "true" : "false");
    return 0;
}

/* ---- the extra keys ---- */

typedef struct xkey {
    const char *key;
    size_t idx; /* in dom->extra_keys */
} xkey;

static int xkey_cmp(const void *pa, const void *pb)
{
    const xkey *a = pa, *b = pb;
    int r = vmx__strcasecmp(a->key, b->key);

    if (r)
        return r;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Compare @a (NUL-terminated) with the @n bytes at @b, ASCII case ignored. */
static int cmp_key_n(const char *a, const char *b, size_t n)
{
    size_t i;

    for (i = 0; i < n && a[i]; i++) {
        char x = vmx__ascii_lower(a[i]), y = vmx__ascii_lower(b[i]);

        if (x != y)
            return (unsigned char)x < (unsigned char)y ? -1 : 1;
    }
    if (i < n)
        return -1; /* @a is shorter */
    return a[i] ? 1 : 0;
}

/* The first index of @ix (sorted, @n) whose key is the @len bytes at @key,
 * or @n. */
static size_t find_first(const xkey *ix, size_t n, const char *key, size_t len)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (cmp_key_n(ix[mid].key, key, len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && cmp_key_n(ix[lo].key, key, len) == 0 ? lo : n;
}

static void put_extra(vmx_buf *b, const vmx_domain *dom, size_t i)
{
    vmx__d2v_kv(b, dom->extra_keys[i], dom->extra_values[i]);
}

static bool is_encoding(const char *key)
{
    return vmx__strcasecmp(key, ".encoding") == 0;
}

/* The `.encoding` of the extra keys: *found, and its value (NULL when the
 * source file had none). */
static const char *extra_encoding(const vmx_domain *dom, bool *found)
{
    size_t i;

    for (i = 0; i < dom->nextra; i++) {
        if (dom->extra_keys[i] && is_encoding(dom->extra_keys[i])) {
            *found = true;
            return dom->extra_values[i];
        }
    }
    *found = false;
    return NULL;
}

/* Give the UTF-8 text in @b the charset @charset (NULL: no `.encoding`
 * line at all). The writer's first line is `.encoding = "UTF-8"`. */
static int set_encoding(vmx__d2v *c, vmx_buf *b, const char *charset)
{
    static const char first[] = ".encoding = \"UTF-8\"\n";
    vmx_error sub = VMX_ERROR_INIT;
    vmx_config *cfg = NULL;
    char *text = NULL;
    size_t len = 0;
    int rc;

    if (b->len < sizeof(first) - 1 || memcmp(b->ptr, first, sizeof(first) - 1) != 0)
        return 0;
    if (!charset) {
        memmove(b->ptr, b->ptr + sizeof(first) - 1, b->len - (sizeof(first) - 1) + 1);
        b->len -= sizeof(first) - 1;
        return 0;
    }
    if (vmx__strcasecmp(charset, "UTF-8") == 0) {
        /* the same charset, spelt as the source file spelt it */
        vmx_buf out = VMX_BUF_INIT;

        vmx__d2v_kv(&out, ".encoding", charset);
        vmx_buf_put(&out, b->ptr + sizeof(first) - 1, b->len - (sizeof(first) - 1));
        if (out.failed) {
            vmx_buf_dispose(&out);
            return vmx__d2v_nomem(c);
        }
        vmx_buf_dispose(b);
        *b = out;
        return 0;
    }
    if ((rc = vmx_config_parse(&cfg, b->ptr, b->len, NULL, NULL, &sub)) < 0 ||
        (rc = vmx_config_set(cfg, ".encoding", charset, &sub)) < 0 ||
        (rc = vmx_config_write(&text, &len, cfg, &sub)) < 0) {
        /* a charset that cannot hold the text: it stays UTF-8 */
        rc = rc == VMX_ENOMEM ? vmx__d2v_nomem(c) : 0;
        goto out;
    }
    vmx_buf_clear(b);
    vmx_buf_put(b, text, len);
out:
    vmx_free(text);
    vmx_config_free(cfg);
    return rc;
}

int vmx__d2v_apply_extras(vmx__d2v *c)
{
    const vmx_domain *dom = c->dom;
    vmx_buf out = VMX_BUF_INIT;
    xkey *ix = NULL;
    const char *p, *end, *charset;
    size_t i, n = 0;
    bool found;
    int rc = 0;

    if (dom->nextra == 0 || c->b->failed)
        return 0;
    ix = vmx__calloc(dom->nextra, sizeof(*ix));
    if (!ix) {
        rc = vmx__d2v_nomem(c);
        goto out;
    }
    for (i = 0; i < dom->nextra; i++) {
        if (!dom->extra_keys[i] || is_encoding(dom->extra_keys[i]))
            continue;
        ix[n].key = dom->extra_keys[i];
        ix[n].idx = i;
        n++;
    }
    qsort(ix, n, sizeof(*ix), xkey_cmp);

    vmx_buf_grow(&out, c->b->len + 64 * n);
    p = c->b->ptr;
    end = p + c->b->len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t linelen = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
        size_t keylen = strcspn(p, " \n");
        size_t k = keylen < linelen ? find_first(ix, n, p, keylen) : n;

        if (k == n)
            vmx_buf_put(&out, p, linelen);
        p += linelen;
    }
    /* in their own order, so that the text read back gives the same list */
    for (i = 0; i < dom->nextra; i++)
        if (dom->extra_keys[i] && dom->extra_values[i] &&
            !is_encoding(dom->extra_keys[i]))
            put_extra(&out, dom, i);
    if (out.failed) {
        rc = vmx__d2v_nomem(c);
        goto out;
    }
    vmx_buf_dispose(c->b);
    *c->b = out;
    out = (vmx_buf)VMX_BUF_INIT;
    charset = extra_encoding(dom, &found);
    if (found)
        rc = set_encoding(c, c->b, charset);
out:
    vmx_buf_dispose(&out);
    vmx__free(ix);
    return rc;
}
