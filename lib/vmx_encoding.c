/* Charsets of the VMX file layer: the `.encoding` labels VMware writes, iconv
 * conversions to and from UTF-8, and the windows-1252 fallback for bytes that
 * are invalid in the declared charset. */
#include "config.h"
#include "buf.h"
#include "vmx_config_private.h"

#include <errno.h>
#include <string.h>

/* Labels VMware writes (ICU names or Windows code page names) mapped to the
 * iconv charset that reads them as Windows does. Shift_JIS is mapped on
 * purpose although glibc knows it: glibc's SHIFT_JIS reads 0x5C as YEN SIGN,
 * which would turn every Windows path separator into '¥'; VMware means code
 * page 932, where 0x5C is a backslash. */
static const struct {
    const char *label;
    const char *charset;
} aliases[] = {
    {"windows-949-2000", "CP949"}, {"windows-949", "CP949"},
    {"ks_c_5601-1987", "CP949"},   {"Shift_JIS", "CP932"},
    {"Shift-JIS", "CP932"},        {"SJIS", "CP932"},
    {"MS_Kanji", "CP932"},         {"windows-31j", "CP932"},
    {"x-sjis", "CP932"},           {"windows-932", "CP932"},
    {"windows-936-2000", "CP936"}, {"windows-936", "CP936"},
    {"GB2312", "CP936"},           {"Big5", "CP950"},
    {"windows-950-2000", "CP950"}, {"windows-950", "CP950"},
    {"windows-874-2000", "CP874"}, {"windows-874", "CP874"},
};

/* Bytes 0x80-0x9F of windows-1252; the five bytes it leaves undefined read
 * as the C1 control of the same value (as the WHATWG decoder does), so that
 * every byte has a code point and the fallback loses nothing. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

static bool is_utf8_label(const char *s)
{
    return vmx__strcasecmp(s, "UTF-8") == 0 || vmx__strcasecmp(s, "UTF8") == 0;
}

/* The charset must read every ASCII byte as itself: lines are split and
 * parsed on the raw bytes, and ASCII-only values are not converted. */
static bool ascii_compatible(iconv_t cd)
{
    char probe[128], out[256];
    char *in = probe, *o = out;
    size_t inleft = 0, outleft = sizeof(out);
    int c;

    probe[inleft++] = '\t';
    probe[inleft++] = '\n';
    probe[inleft++] = '\r';
    for (c = ' '; c <= '~'; c++)
        probe[inleft++] = (char)c;
    if (iconv(cd, &in, &inleft, &o, &outleft) == (size_t)-1 ||
        iconv(cd, NULL, NULL, &o, &outleft) == (size_t)-1)
        return false;
    return inleft == 0 && (size_t)(o - out) == (size_t)(in - probe) &&
           memcmp(out, probe, (size_t)(o - out)) == 0;
}

static iconv_t open_decoder(const char *charset)
{
    return iconv_open("UTF-8", charset);
}

int vmx__charset_resolve(char *out, size_t size, bool *utf8, const char *declared)
{
    const char *name = declared;
    char cp[32];
    iconv_t cd;
    size_t i;
    bool ok;

    *utf8 = false;
    /* iconv reads "" as the locale's charset and "//" as options: neither
     * belongs in a file. */
    if (!*declared ||
        strspn(declared, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                         "0123456789._:+-") != strlen(declared))
        return VMX_EINVAL;
    if (is_utf8_label(declared)) {
        *utf8 = true;
        out[0] = '\0';
        return 0;
    }
    for (i = 0; i < VMX_ARRAY_SIZE(aliases); i++) {
        if (vmx__strcasecmp(declared, aliases[i].label) == 0) {
            name = aliases[i].charset;
            break;
        }
    }
    cd = open_decoder(name);
    /* Other windows-NNN[-2000] labels: try code page NNN. */
    if (cd == (iconv_t)-1 && vmx__str_has_prefix_ci(declared, "windows-")) {
        const char *d = declared + 8;
        size_t n = strspn(d, "0123456789");

        if (n > 0 && n < 8 && (d[n] == '\0' || vmx__strcasecmp(d + n, "-2000") == 0)) {
            memcpy(cp, "CP", 2);
            memcpy(cp + 2, d, n);
            cp[n + 2] = '\0';
            name = cp;
            cd = open_decoder(name);
        }
    }
    if (cd == (iconv_t)-1 || strlen(name) >= size) {
        if (cd != (iconv_t)-1)
            iconv_close(cd);
        return VMX_EINVAL;
    }
    ok = ascii_compatible(cd);
    iconv_close(cd);
    if (!ok)
        return VMX_EUNSUPPORTED;
    memcpy(out, name, strlen(name) + 1);
    return 0;
}

/* Length of the valid UTF-8 sequence at @s (at most @n bytes), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F))
            return 0; /* overlong, or a surrogate */
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
            (s[3] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] > 0x8F))
            return 0; /* overlong, or beyond U+10FFFF */
        return 4;
    }
    return 0;
}

bool vmx__utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, k;

    while (i < n) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        if (!(k = utf8_seq(p + i, n - i)))
            return false;
        i += k;
    }
    return true;
}

static void put_cp1252(vmx_buf *b, unsigned char c)
{
    unsigned int cp = (c >= 0x80 && c <= 0x9F) ? cp1252_high[c - 0x80] : c;
    char u[3];

    if (cp < 0x80) {
        vmx_buf_putc(b, (char)cp);
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        vmx_buf_put(b, u, 2);
    } else {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        vmx_buf_put(b, u, 3);
    }
}

/* Run @cd over @s into @b. Sequences @cd rejects are handled by @bad (one
 * byte at a time) when given, else the call fails with VMX_EINVAL. */
static int run_iconv(vmx_buf *b, iconv_t cd, const char *s, size_t n, bool *fallback)
{
    char *in = (char *)s;
    size_t inleft = n;

    iconv(cd, NULL, NULL, NULL, NULL);
    while (inleft > 0) {
        char *o;
        size_t outleft, r;

        if (vmx_buf_grow(b, inleft * 4 + 16) < 0)
            return VMX_ENOMEM;
        o = b->ptr + b->len;
        outleft = b->cap - b->len - 1;
        r = iconv(cd, &in, &inleft, &o, &outleft);
        b->len = (size_t)(o - b->ptr);
        if (r != (size_t)-1 || errno == E2BIG)
            continue;
        if (!fallback)
            return VMX_EINVAL;
        /* EILSEQ or EINVAL (truncated sequence): one byte as windows-1252. */
        *fallback = true;
        put_cp1252(b, (unsigned char)*in);
        in++;
        inleft--;
        iconv(cd, NULL, NULL, NULL, NULL);
    }
    /* Flush the shift state of stateful charsets. */
    for (;;) {
        char *o;
        size_t outleft;

        if (vmx_buf_grow(b, 16) < 0)
            return VMX_ENOMEM;
        o = b->ptr + b->len;
        outleft = b->cap - b->len - 1;
        if (iconv(cd, NULL, NULL, &o, &outleft) != (size_t)-1) {
            b->len = (size_t)(o - b->ptr);
            break;
        }
        if (errno != E2BIG)
            return fallback ? 0 : VMX_EINVAL;
    }
    b->ptr[b->len] = '\0';
    return b->failed ? VMX_ENOMEM : 0;
}

static int decode_with(vmx_buf *b, iconv_t cd, bool utf8, const char *s, size_t n,
                       bool *fallback)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, k;

    if (!utf8)
        return run_iconv(b, cd, s, n, fallback);
    while (i < n) {
        k = utf8_seq(p + i, n - i);
        if (k) {
            vmx_buf_put(b, s + i, k);
            i += k;
        } else {
            *fallback = true;
            put_cp1252(b, p[i]);
            i++;
        }
    }
    if (!b->ptr && vmx_buf_grow(b, 0) < 0)
        return VMX_ENOMEM;
    return b->failed ? VMX_ENOMEM : 0;
}

static int ensure_decoder(vmx_config *cfg)
{
    if (cfg->utf8 || cfg->cd_decode != (iconv_t)-1)
        return 0;
    cfg->cd_decode = open_decoder(cfg->charset);
    return cfg->cd_decode == (iconv_t)-1 ? VMX_ENOMEM : 0;
}

static int ensure_encoder(vmx_config *cfg)
{
    if (cfg->utf8 || cfg->cd_encode != (iconv_t)-1)
        return 0;
    cfg->cd_encode = iconv_open(cfg->charset, "UTF-8");
    return cfg->cd_encode == (iconv_t)-1 ? VMX_ENOMEM : 0;
}

int vmx__decode(vmx_config *cfg, const char **out, const char *s, size_t n,
                bool *fallback)
{
    vmx_buf b = VMX_BUF_INIT;
    int rc;

    *out = NULL;
    if ((rc = ensure_decoder(cfg)) < 0 ||
        (rc = decode_with(&b, cfg->cd_decode, cfg->utf8, s, n, fallback)) < 0)
        goto out;
    if (!(*out = vmx__arena_strndup(&cfg->arena, b.ptr, b.len)))
        rc = VMX_ENOMEM;
out:
    vmx_buf_dispose(&b);
    return rc;
}

static bool has_high(const char *s, size_t n)
{
    unsigned char acc = 0;
    size_t i;

    for (i = 0; i < n; i++)
        acc |= (unsigned char)s[i];
    return acc & 0x80;
}

int vmx__encode(vmx_config *cfg, const char **out, size_t *outlen, const char *s,
                size_t n)
{
    vmx_buf b = VMX_BUF_INIT;
    int rc;

    if (cfg->utf8 || !has_high(s, n)) {
        *out = s;
        *outlen = n;
        return 0;
    }
    if ((rc = ensure_encoder(cfg)) < 0 ||
        (rc = run_iconv(&b, cfg->cd_encode, s, n, NULL)) < 0)
        goto out;
    if (!(*out = vmx__arena_strndup(&cfg->arena, b.ptr, b.len)))
        rc = VMX_ENOMEM;
    *outlen = b.len;
out:
    vmx_buf_dispose(&b);
    return rc;
}

void vmx__config_close_iconv(vmx_config *cfg)
{
    if (cfg->cd_decode != (iconv_t)-1)
        iconv_close(cfg->cd_decode);
    if (cfg->cd_encode != (iconv_t)-1)
        iconv_close(cfg->cd_encode);
    cfg->cd_decode = cfg->cd_encode = (iconv_t)-1;
}

/* Convert @n raw bytes from the config's charset to @enc's (-1: UTF-8),
 * appending to @b. Bytes invalid in the old charset convert as they read
 * (as windows-1252), so the new file says what vmx_config_get() showed.
 * VMX_EINVAL when the new charset lacks a character. */
static int recode_bytes(vmx_buf *b, vmx_config *cfg, iconv_t enc, const char *s, size_t n)
{
    vmx_buf u = VMX_BUF_INIT;
    bool fallback = false;
    int rc;

    if ((rc = decode_with(&u, cfg->cd_decode, cfg->utf8, s, n, &fallback)) < 0)
        goto out;
    if (enc == (iconv_t)-1)
        rc = vmx_buf_put(b, u.ptr, u.len);
    else
        rc = run_iconv(b, enc, u.ptr, u.len, NULL);
out:
    vmx_buf_dispose(&u);
    return rc;
}

int vmx__config_recode(vmx_config *cfg, const char *charset, bool utf8, vmx_error *err)
{
    typedef struct {
        const char *raw;
        uint32_t len, tail;
    } recoded;
    recoded *nr = NULL;
    iconv_t enc = (iconv_t)-1;
    vmx_buf b = VMX_BUF_INIT;
    size_t i;
    int rc = 0;

    if (cfg->nlines && !(nr = vmx__calloc(cfg->nlines, sizeof(*nr))))
        return vmx_error_set(err, VMX_ENOMEM, cfg->source, 0, NULL, "out of memory");
    if ((rc = ensure_decoder(cfg)) < 0)
        goto nomem;
    if (!utf8 && (enc = iconv_open(charset, "UTF-8")) == (iconv_t)-1)
        goto nomem;
    for (i = 0; i < cfg->nlines; i++) {
        const vmx_line *l = &cfg->lines[i];
        uint32_t cut = l->kind == VMX_LINE_ENTRY ? l->tail_off : l->raw_len;

        if (!has_high(l->raw, l->raw_len))
            continue;
        vmx_buf_clear(&b);
        /* Two pieces so that the entry's tail offset can be carried over. */
        rc = recode_bytes(&b, cfg, enc, l->raw, cut);
        if (rc == 0) {
            size_t head = b.len;

            rc = recode_bytes(&b, cfg, enc, l->raw + cut, l->raw_len - cut);
            /* Once converted the bytes are valid, and the reader would no
             * longer tolerate the missing quote: close the value. */
            if (rc == 0 && (l->flags & VMX_LINE_UNTERMINATED)) {
                rc = vmx_buf_putc(&b, '"');
                head = b.len;
            }
            if (rc == 0 && b.len > UINT32_MAX)
                rc = VMX_ELIMIT;
            if (rc == 0) {
                if (!(nr[i].raw =
                          vmx__arena_strndup(&cfg->arena, b.ptr ? b.ptr : "", b.len)))
                    goto nomem;
                nr[i].len = (uint32_t)b.len;
                nr[i].tail = (uint32_t)head;
            }
        }
        if (rc == VMX_ENOMEM) {
            goto nomem;
        } else if (rc < 0) {
            rc = vmx_error_set(err, VMX_EINVAL, cfg->source, l->lineno, l->key,
                               "line has characters that %s cannot represent",
                               utf8 ? "UTF-8" : charset);
            goto out;
        }
    }
    for (i = 0; i < cfg->nlines; i++) {
        if (!nr[i].raw)
            continue;
        cfg->lines[i].raw = nr[i].raw;
        cfg->lines[i].raw_len = nr[i].len;
        if (cfg->lines[i].kind == VMX_LINE_ENTRY)
            cfg->lines[i].tail_off = nr[i].tail;
        cfg->lines[i].flags |= VMX_LINE_CHANGED;
        cfg->lines[i].flags &= (uint8_t)~VMX_LINE_UNTERMINATED;
    }
    vmx__config_close_iconv(cfg);
    cfg->utf8 = utf8;
    memcpy(cfg->charset, charset, strlen(charset) + 1);
    rc = 0;
    goto out;
nomem:
    rc = vmx_error_set(err, VMX_ENOMEM, cfg->source, 0, NULL, "out of memory");
out:
    if (enc != (iconv_t)-1)
        iconv_close(enc);
    vmx_buf_dispose(&b);
    vmx__free(nr);
    return rc;
}
