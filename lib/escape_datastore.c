/* Datastore item names: libvirt's esxUtil_EscapeDatastoreItem and its
 * inverse. Encoding is three steps (Windows characters to '_', percent
 * escapes, base64 runs); decoding undoes the last two, in reverse order. */
#include "config.h"
#include "escape_private.h"

#include <stdint.h>
#include <string.h>

/* Characters written as they are; every other byte goes into a base64 run. */
static bool is_plain(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("'(),. _-", c) != NULL);
}

/* VMware's base64 alphabet: ',' stands in for '/'. */
static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == ',')
        return 63;
    return -1;
}

static bool is_windows_special(unsigned char c)
{
    /* '/' and '\' are left to the percent step, as libvirt does */
    return c != '\0' && strchr("\"*<>:|?", c) != NULL;
}

static void put_b64_run(vmx_buf *out, const unsigned char *p, size_t n)
{
    vmx_buf_putc(out, '+');
    while (n > 0) {
        unsigned int c1 = p[0], c2 = n > 1 ? p[1] : 0, c3 = n > 2 ? p[2] : 0;
        char q[4];
        size_t k = 2;

        q[0] = b64_alphabet[c1 >> 2];
        q[1] = b64_alphabet[((c1 << 4) | (c2 >> 4)) & 0x3f];
        if (n > 1)
            q[k++] = b64_alphabet[((c2 << 2) | (c3 >> 6)) & 0x3f];
        if (n > 2)
            q[k++] = b64_alphabet[c3 & 0x3f];
        vmx_buf_put(out, q, k);
        p += n > 3 ? 3 : n;
        n -= n > 3 ? 3 : n;
    }
}

int vmx_escape_datastore_item(char **out, const char *in, vmx_error *err)
{
    vmx_buf pct = VMX_BUF_INIT, res = VMX_BUF_INIT;
    size_t len, i;
    int rc;

    if (!out)
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL, "no output pointer");
    *out = NULL;
    if ((rc = vmx__escape_input_len(&len, in, err)) < 0)
        goto out;
    /* steps 1 and 2: Windows characters, then percent escapes */
    if (vmx_buf_grow(&pct, len) < 0)
        goto nomem;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];
        char ch = is_windows_special(c) ? '_' : (char)c;

        if ((rc = vmx__escape_hex(&pct, &ch, 1, '%', "/\\", false)) < 0)
            goto nomem;
    }
    /* step 3: base64 runs; the '-' closing a run is left out at the end */
    if (vmx_buf_grow(&res, pct.len) < 0)
        goto nomem;
    for (i = 0; i < pct.len;) {
        size_t j = i;

        if (is_plain((unsigned char)pct.ptr[i])) {
            while (j < pct.len && is_plain((unsigned char)pct.ptr[j]))
                j++;
            vmx_buf_put(&res, pct.ptr + i, j - i);
        } else {
            while (j < pct.len && !is_plain((unsigned char)pct.ptr[j]))
                j++;
            put_b64_run(&res, (const unsigned char *)pct.ptr + i, j - i);
            if (j < pct.len)
                vmx_buf_putc(&res, '-');
        }
        i = j;
    }
    if (res.failed)
        goto nomem;
    *out = vmx_buf_detach(&res, NULL);
    if (!*out)
        goto nomem;
    rc = 0;
    goto out;
nomem:
    rc = vmx__escape_nomem(err);
out:
    vmx_buf_dispose(&pct);
    vmx_buf_dispose(&res);
    return rc;
}

/* Where a decoded base64 run sits in the intermediate text and in the input. */
typedef struct b64_run {
    size_t mid_start, mid_end; /* its decoded bytes */
    size_t src_start, src_end; /* '+' up to and including the closing '-' */
} b64_run;

typedef struct run_list {
    b64_run *v;
    size_t n, cap;
} run_list;

static int run_list_add(run_list *l, const b64_run *r)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap : 16, bytes;
        b64_run *p;

        if (l->cap && __builtin_mul_overflow(cap, 2, &cap))
            return VMX_ENOMEM;
        if (__builtin_mul_overflow(cap, sizeof(*p), &bytes))
            return VMX_ENOMEM;
        p = vmx__realloc(l->v, bytes);
        if (!p)
            return VMX_ENOMEM;
        l->v = p;
        l->cap = cap;
    }
    l->v[l->n++] = *r;
    return 0;
}

/* The last run starting at or before intermediate offset @off, or NULL. */
static const b64_run *run_before(const run_list *l, size_t off)
{
    size_t lo = 0, hi = l->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (l->v[mid].mid_start <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? &l->v[lo - 1] : NULL;
}

static size_t runs_to_input(const void *ctx, size_t off)
{
    const b64_run *r = run_before(ctx, off);

    if (!r)
        return off;
    if (off < r->mid_end)
        return r->src_start;
    return r->src_end + (off - r->mid_end);
}

static bool runs_is_literal(const void *ctx, size_t off)
{
    const b64_run *r = run_before(ctx, off);

    return !r || off >= r->mid_end;
}

/* Decode the @n base64 characters at @p, appending to @mid. Returns 0, -1
 * for a bad length or stray low bits, -2 for a NUL byte. */
static int decode_b64(vmx_buf *mid, const char *p, size_t n)
{
    unsigned int acc = 0, bits = 0;
    size_t i;

    if (n % 4 == 1)
        return -1;
    for (i = 0; i < n; i++) {
        acc = (acc << 6) | (unsigned int)b64_value((unsigned char)p[i]);
        bits += 6;
        if (bits >= 8) {
            unsigned char byte = (unsigned char)(acc >> (bits - 8));

            bits -= 8;
            acc &= (1u << bits) - 1;
            if (byte == 0)
                return -2;
            vmx_buf_putc(mid, (char)byte);
        }
    }
    return acc != 0 ? -1 : 0;
}

static void note_kept(vmx_unescape_report *report, size_t offset)
{
    if (report->kept++ == 0)
        report->first_kept = offset;
}

/* Length of the UTF-8 sequence that @c starts, for quoting it. */
static size_t seq_len(unsigned char c)
{
    return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

/* Step 1 of decoding: expand base64 runs into @mid, remembering where they
 * were so that later errors can name input offsets. */
static int expand_runs(vmx_buf *mid, run_list *runs, const char *in, size_t len,
                       bool lenient, vmx_unescape_report *report, vmx_error *err)
{
    size_t i = 0, stretch_end = SIZE_MAX;
    char text[48];

    if (vmx_buf_grow(mid, len) < 0)
        return vmx__escape_nomem(err);
    while (i < len) {
        unsigned char c = (unsigned char)in[i];
        size_t j = i + 1, n;
        bool closed;
        b64_run run;
        int bad;

        if (is_plain(c)) {
            vmx_buf_putc(mid, (char)c);
            i++;
            continue;
        }
        if (c != '+') {
            size_t q = seq_len(c);

            if (!lenient) {
                vmx__escape_quote(text, sizeof(text), in + i, q < len - i ? q : len - i);
                return vmx__escape_parse_error(
                    err, i, "unexpected character '%s' at offset %zu", text, i);
            }
            /* a stretch of unexpected characters counts once */
            if (i != stretch_end)
                note_kept(report, i);
            stretch_end = i + 1;
            vmx_buf_putc(mid, (char)c);
            i++;
            continue;
        }
        while (j < len && b64_value((unsigned char)in[j]) >= 0)
            j++;
        n = j - i - 1;
        closed = j < len && in[j] == '-';
        run.mid_start = mid->len;
        run.src_start = i;
        if (n == 0 && closed) {
            bad = 0; /* "+-" is a literal '+', as in UTF-7 */
            vmx_buf_putc(mid, '+');
        } else if (n == 0) {
            bad = -1;
        } else {
            bad = decode_b64(mid, in + i + 1, n);
        }
        if (bad < 0) {
            mid->len = run.mid_start;
            if (mid->ptr)
                mid->ptr[mid->len] = '\0';
            if (!lenient) {
                vmx__escape_quote(text, sizeof(text), in + i, j - i);
                if (bad == -2)
                    return vmx__escape_parse_error(
                        err, i, "base64 run '%s' at offset %zu decodes to NUL", text, i);
                return vmx__escape_parse_error(err, i, "%s base64 run '%s' at offset %zu",
                                               n == 0       ? "empty"
                                               : n % 4 == 1 ? "truncated"
                                                            : "invalid",
                                               text, i);
            }
            /* kept as it is: copied literally, so not recorded as a run */
            note_kept(report, i);
            vmx_buf_put(mid, in + i, j - i + (closed ? 1 : 0));
        } else {
            run.mid_end = mid->len;
            run.src_end = j + (closed ? 1 : 0);
            if (run_list_add(runs, &run) < 0)
                return vmx__escape_nomem(err);
        }
        i = j + (closed ? 1 : 0);
    }
    return mid->failed ? vmx__escape_nomem(err) : 0;
}

int vmx_unescape_datastore_item(char **out, const char *in, unsigned int flags,
                                vmx_unescape_report *report, vmx_error *err)
{
    bool lenient = (flags & VMX_UNESCAPE_LENIENT) != 0;
    vmx_buf mid = VMX_BUF_INIT, res = VMX_BUF_INIT;
    run_list runs = {NULL, 0, 0};
    vmx_unescape_report local;
    vmx__offset_map map;
    size_t len;
    int rc;

    if (!report)
        report = &local;
    memset(report, 0, sizeof(*report));
    if (!out)
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL, "no output pointer");
    *out = NULL;
    if ((rc = vmx__escape_input_len(&len, in, err)) < 0 ||
        (rc = expand_runs(&mid, &runs, in, len, lenient, report, err)) < 0)
        goto out;
    map.to_input = runs_to_input;
    map.is_literal = runs_is_literal;
    map.ctx = &runs;
    if ((rc = vmx__unescape_hex(&res, mid.ptr ? mid.ptr : "", mid.len, '%', flags, &map,
                                true, report, err)) < 0)
        goto out;
    *out = vmx_buf_detach(&res, NULL);
    if (!*out)
        rc = vmx__escape_nomem(err);
out:
    vmx__free(runs.v);
    vmx_buf_dispose(&mid);
    vmx_buf_dispose(&res);
    return rc;
}
