/* The VMX text as libvirt 9.0 reads it, and the typed lookups of its VMX
 * driver (virVMXGetConfigString/Long/Boolean/UUID).
 *
 * libvirt reads a .vmx with its generic virConf parser in VMX mode, which is
 * stricter than VMware: values must be quoted ("numbers not allowed in VMX
 * format"), keys are [A-Za-z.][A-Za-z0-9_:.-]*, several statements may share
 * a line when separated by ';', a `"""` value runs over lines, and a lookup
 * returns the FIRST entry of a key (VMware takes the last). Reproducing that
 * here, on the bytes of the parsed config, gives libvirt's acceptance and
 * values exactly, whatever the tolerant file layer made of the text. */
#include "config.h"
#include "vmx2domain_private.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/encoding.h>
#include <libxml/tree.h>

#include "buf.h"

/* -- errors and small helpers */

int v2d_error(v2d_ctx *ctx, int code, const char *key, const char *fmt, ...)
{
    char msg[VMX_ERROR_MESSAGE_MAX], present[VMX_ERROR_KEY_MAX];
    const v2d_entry *e = key ? v2d_find(ctx, key) : NULL;
    const char *dot = key ? strchr(key, '.') : NULL;
    va_list ap;

    /* a missing key of a device is reported at the device's .present line */
    if (!e && dot && (size_t)(dot - key) + sizeof(".present") <= sizeof(present)) {
        snprintf(present, sizeof(present), "%.*s.present", (int)(dot - key), key);
        e = v2d_find(ctx, present);
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return vmx_error_set(ctx->err, code, ctx->source, e ? e->line : 0, key, "%s", msg);
}

int v2d_nomem(v2d_ctx *ctx)
{
    return vmx_error_set(ctx->err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
}

int v2d_strdup(v2d_ctx *ctx, char **dst, const char *s)
{
    *dst = NULL;
    if (!s)
        return 0;
    *dst = vmx__strdup(s);
    return *dst ? 0 : v2d_nomem(ctx);
}

bool v2d_streq_ci(const char *a, const char *b)
{
    return vmx__strcasecmp(a, b) == 0;
}

/* -- the virConf reader (VMX mode) */

typedef struct span {
    size_t key, keylen, value, valuelen;
    unsigned long line;
} span;

typedef struct reader {
    const char *s;
    size_t pos, len;
    unsigned long line; /* '\n' seen so far + 1, as virConf counts */
    span *spans;
    size_t nspans, cap;
} reader;

#define R_CUR(r) ((r)->pos < (r)->len ? (r)->s[(r)->pos] : '\0')
#define R_BLANK(c) ((c) == ' ' || (c) == '\t')
#define R_EOL(c) ((c) == '\n' || (c) == '\r')

static void skip_blanks(reader *r)
{
    while (r->pos < r->len && R_BLANK(r->s[r->pos]))
        r->pos++;
}

static void skip_blanks_and_eol(reader *r)
{
    while (r->pos < r->len && (R_BLANK(r->s[r->pos]) || R_EOL(r->s[r->pos]))) {
        if (r->s[r->pos] == '\n')
            r->line++;
        r->pos++;
    }
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_name_char(char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9') || c == '_' || c == ':' || c == '.' ||
           c == '-';
}

static int syntax_error(v2d_ctx *ctx, const reader *r, const span *sp, const char *msg)
{
    char key[VMX_ERROR_KEY_MAX];
    size_t n = 0;

    key[0] = '\0';
    if (sp && sp->keylen) {
        n = sp->keylen < sizeof(key) - 1 ? sp->keylen : sizeof(key) - 1;
        memcpy(key, r->s + sp->key, n);
        key[n] = '\0';
    }
    return vmx_error_set(ctx->err, VMX_EPARSE, ctx->source, r->line, n ? key : NULL, "%s",
                         msg);
}

static int read_string(v2d_ctx *ctx, reader *r, span *sp)
{
    char c = R_CUR(r);
    size_t base;

    if (c == '\'') {
        r->pos++;
        base = r->pos;
        while (r->pos < r->len && r->s[r->pos] != '\'' && !R_EOL(r->s[r->pos]))
            r->pos++;
        if (R_CUR(r) != '\'')
            return syntax_error(ctx, r, sp, "unterminated quoted value");
        sp->value = base;
        sp->valuelen = r->pos - base;
        r->pos++;
    } else if (r->pos + 6 < r->len && strncmp(r->s + r->pos, "\"\"\"", 3) == 0) {
        /* python-style triple quotes: the value may span lines */
        r->pos += 3;
        base = r->pos;
        while (r->pos + 2 < r->len && strncmp(r->s + r->pos, "\"\"\"", 3) != 0) {
            if (r->s[r->pos] == '\n')
                r->line++;
            r->pos++;
        }
        if (r->pos + 3 > r->len || strncmp(r->s + r->pos, "\"\"\"", 3) != 0)
            return syntax_error(ctx, r, sp, "unterminated quoted value");
        sp->value = base;
        sp->valuelen = r->pos - base;
        r->pos += 3;
    } else {
        r->pos++; /* '"' */
        base = r->pos;
        while (r->pos < r->len && r->s[r->pos] != '"' && !R_EOL(r->s[r->pos]))
            r->pos++;
        if (R_CUR(r) != '"')
            return syntax_error(ctx, r, sp, "unterminated quoted value");
        sp->value = base;
        sp->valuelen = r->pos - base;
        r->pos++;
    }
    return 0;
}

static int add_span(v2d_ctx *ctx, reader *r, const span *sp)
{
    if (r->nspans == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64, bytes;
        span *p;

        if (__builtin_mul_overflow(cap, sizeof(*p), &bytes))
            return v2d_nomem(ctx);
        p = vmx__realloc(r->spans, bytes);
        if (!p)
            return v2d_nomem(ctx);
        r->spans = p;
        r->cap = cap;
    }
    r->spans[r->nspans++] = *sp;
    return 0;
}

/* One statement: a comment, or `name = value [# comment]`; a ';' that may
 * follow is the separator's. */
static int read_statement(v2d_ctx *ctx, reader *r)
{
    span sp = {0, 0, 0, 0, 0};
    char c;
    int rc;

    skip_blanks_and_eol(r);
    if (R_CUR(r) == '#') {
        while (r->pos < r->len && !R_EOL(r->s[r->pos]))
            r->pos++;
        return 0;
    }
    c = R_CUR(r);
    if (!is_alpha(c) && c != '.')
        return syntax_error(ctx, r, NULL, "expecting a key");
    sp.key = r->pos;
    sp.line = r->line;
    while (r->pos < r->len && is_name_char(r->s[r->pos]))
        r->pos++;
    sp.keylen = r->pos - sp.key;
    skip_blanks(r);
    if (R_CUR(r) != '=')
        return syntax_error(ctx, r, &sp, "missing '=' after key");
    r->pos++;
    skip_blanks(r);
    c = R_CUR(r);
    if (r->pos >= r->len || R_EOL(c))
        return syntax_error(ctx, r, &sp, "missing value after '='");
    if (c == '"' || c == '\'') {
        if ((rc = read_string(ctx, r, &sp)) < 0)
            return rc;
    } else if (c == '[') {
        return syntax_error(ctx, r, &sp, "lists are not allowed in vmx format");
    } else if ((c >= '0' && c <= '9') || c == '-' || c == '+') {
        return syntax_error(ctx, r, &sp,
                            "unquoted numbers are not allowed in vmx format");
    } else {
        return syntax_error(ctx, r, &sp, "unquoted values are not allowed in vmx format");
    }
    skip_blanks(r);
    if (R_CUR(r) == '#') {
        while (r->pos < r->len && !R_EOL(r->s[r->pos]))
            r->pos++;
    }
    return add_span(ctx, r, &sp);
}

static int read_separator(v2d_ctx *ctx, reader *r)
{
    skip_blanks(r);
    if (r->pos >= r->len)
        return 0;
    if (R_EOL(r->s[r->pos])) {
        skip_blanks_and_eol(r);
    } else if (r->s[r->pos] == ';') {
        r->pos++;
        skip_blanks_and_eol(r);
    } else {
        return syntax_error(ctx, r, r->nspans ? &r->spans[r->nspans - 1] : NULL,
                            "unexpected text after the value");
    }
    return 0;
}

static int cmp_ci(const char *a, const char *b)
{
    for (;; a++, b++) {
        unsigned char ca = (unsigned char)vmx__ascii_lower(*a);
        unsigned char cb = (unsigned char)vmx__ascii_lower(*b);

        if (ca != cb || !ca)
            return (int)ca - (int)cb;
    }
}

/* Entries sorted by folded key, then file order (the array is contiguous,
 * so pointer order is file order): the first of equal keys comes first. */
static int cmp_sorted(const void *pa, const void *pb)
{
    const v2d_entry *a = *(const v2d_entry *const *)pa,
                    *b = *(const v2d_entry *const *)pb;
    int c = cmp_ci(a->key, b->key);

    if (c)
        return c;
    return a < b ? -1 : a > b;
}

/* Parse @p text into ctx->entries (replacing what was there). */
static int parse_text(v2d_ctx *ctx, const char *text, size_t len)
{
    reader r = {text, 0, 0, 1, NULL, 0, 0};
    size_t i, arena_size = 1, off = 0;
    int rc = 0;

    /* virConfReadString works on a C string */
    r.len = strnlen(text, len);
    while (r.pos < r.len) {
        if ((rc = read_statement(ctx, &r)) < 0 || (rc = read_separator(ctx, &r)) < 0)
            goto out;
    }

    for (i = 0; i < r.nspans; i++)
        arena_size += r.spans[i].keylen + r.spans[i].valuelen + 2;
    vmx__free(ctx->arena);
    vmx__free(ctx->entries);
    vmx__free(ctx->sorted);
    ctx->arena = NULL;
    ctx->sorted = NULL;
    ctx->nentries = 0;
    ctx->entries = vmx__calloc(r.nspans ? r.nspans : 1, sizeof(*ctx->entries));
    ctx->sorted = vmx__calloc(r.nspans ? r.nspans : 1, sizeof(*ctx->sorted));
    ctx->arena = vmx__malloc(arena_size);
    if (!ctx->entries || !ctx->sorted || !ctx->arena) {
        rc = v2d_nomem(ctx);
        goto out;
    }
    for (i = 0; i < r.nspans; i++) {
        const span *sp = &r.spans[i];
        char *k = ctx->arena + off, *v;

        memcpy(k, text + sp->key, sp->keylen);
        k[sp->keylen] = '\0';
        off += sp->keylen + 1;
        v = ctx->arena + off;
        memcpy(v, text + sp->value, sp->valuelen);
        v[sp->valuelen] = '\0';
        off += sp->valuelen + 1;
        ctx->entries[i].key = k;
        ctx->entries[i].value = v;
        ctx->entries[i].line = sp->line;
        ctx->sorted[i] = &ctx->entries[i];
    }
    ctx->nentries = r.nspans;
    qsort(ctx->sorted, ctx->nentries, sizeof(*ctx->sorted), cmp_sorted);
out:
    vmx__free(r.spans);
    return rc;
}

/* libvirt's virVMXConvertToUTF8: the whole text through libxml2's handler. */
static int convert_to_utf8(v2d_ctx *ctx, const char *encoding, const char *text,
                           size_t len, char **out, size_t *outlen)
{
    xmlCharEncodingHandlerPtr handler;
    xmlBufferPtr in = NULL, utf8 = NULL;
    int rc = 0;

    *out = NULL;
    handler = xmlFindCharEncodingHandler(encoding);
    if (!handler)
        return v2d_error(ctx, VMX_EUNSUPPORTED, ".encoding", "unsupported encoding '%s'",
                         encoding);
    len = strnlen(text, len);
    if (len > (size_t)1 << 30) {
        rc = v2d_error(ctx, VMX_ELIMIT, ".encoding", "file too large to convert");
        goto out;
    }
    utf8 = xmlBufferCreate();
    in = xmlBufferCreateStatic((void *)(uintptr_t)text, len);
    if (!utf8 || !in) {
        rc = v2d_nomem(ctx);
        goto out;
    }
    if (xmlCharEncInFunc(handler, utf8, in) < 0) {
        rc = v2d_error(ctx, VMX_EPARSE, ".encoding", "text is not valid %s", encoding);
        goto out;
    }
    *outlen = (size_t)xmlBufferLength(utf8);
    *out = vmx__strndup((const char *)xmlBufferContent(utf8), *outlen);
    if (!*out)
        rc = v2d_nomem(ctx);
out:
    xmlBufferFree(in);
    xmlBufferFree(utf8);
    xmlCharEncCloseFunc(handler);
    return rc;
}

int v2d_read(v2d_ctx *ctx, const char *text, size_t len)
{
    const v2d_entry *enc;
    char *utf8 = NULL;
    size_t utf8len = 0;
    int rc;

    if ((rc = parse_text(ctx, text, len)) < 0)
        return rc;
    enc = v2d_find(ctx, ".encoding");
    if (!enc || v2d_streq_ci(enc->value, "UTF-8"))
        return 0;
    if ((rc = convert_to_utf8(ctx, enc->value, text, len, &utf8, &utf8len)) < 0)
        return rc;
    rc = parse_text(ctx, utf8, utf8len);
    vmx__free(utf8);
    return rc;
}

void v2d_dispose(v2d_ctx *ctx)
{
    vmx__free(ctx->arena);
    vmx__free(ctx->entries);
    vmx__free(ctx->sorted);
    ctx->arena = NULL;
    ctx->entries = NULL;
    ctx->sorted = NULL;
    ctx->nentries = 0;
}

const v2d_entry *v2d_find(const v2d_ctx *ctx, const char *key)
{
    size_t lo = 0, hi = ctx->nentries;

    /* lower bound: the first entry whose key is not below @p key */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (cmp_ci(ctx->sorted[mid]->key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < ctx->nentries && cmp_ci(ctx->sorted[lo]->key, key) == 0)
        return ctx->sorted[lo];
    return NULL;
}

/* -- typed lookups */

int v2d_get_string(v2d_ctx *ctx, const char *key, const char **out, bool optional)
{
    const v2d_entry *e = v2d_find(ctx, key);

    *out = e ? e->value : NULL;
    if (e || optional)
        return 0;
    return v2d_error(ctx, VMX_EINVAL, key, "missing value");
}

int v2d_get_long(v2d_ctx *ctx, const char *key, long long *out, long long def,
                 bool optional)
{
    const char *s;
    int rc;

    *out = def;
    if ((rc = v2d_get_string(ctx, key, &s, optional)) < 0 || !s)
        return rc;
    if (v2d_streq_ci(s, "unlimited")) {
        *out = -1;
        return 0;
    }
    if (vmx__parse_llong(out, s) < 0) {
        *out = def;
        return v2d_error(ctx, VMX_EINVAL, key, "invalid value '%s', an integer is needed",
                         s);
    }
    return 0;
}

int v2d_get_bool(v2d_ctx *ctx, const char *key, bool *out, bool def, bool optional)
{
    const char *s;
    int rc;

    *out = def;
    if ((rc = v2d_get_string(ctx, key, &s, optional)) < 0 || !s)
        return rc;
    if (v2d_streq_ci(s, "true"))
        *out = true;
    else if (v2d_streq_ci(s, "false"))
        *out = false;
    else
        return v2d_error(ctx, VMX_EINVAL, key,
                         "invalid value '%s', 'true' or 'false' is needed", s);
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

bool v2d_uuid_parse(const char *s, char out[37])
{
    unsigned char raw[16];
    size_t i = 0;

    while (is_space(*s))
        s++;
    while (i < 16) {
        if (!*s)
            return false;
        if (*s == '-' || *s == ' ') {
            s++;
            continue;
        }
        if (hexval(s[0]) < 0 || hexval(s[1]) < 0)
            return false;
        raw[i++] = (unsigned char)(hexval(s[0]) * 16 + hexval(s[1]));
        s += 2;
    }
    for (; *s; s++)
        if (!is_space(*s))
            return false;
    snprintf(out, 37,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             raw[0], raw[1], raw[2], raw[3], raw[4], raw[5], raw[6], raw[7], raw[8],
             raw[9], raw[10], raw[11], raw[12], raw[13], raw[14], raw[15]);
    return true;
}

int v2d_get_uuid(v2d_ctx *ctx, const char *key, char out[37], bool *found)
{
    const char *s;
    int rc;

    *found = false;
    if ((rc = v2d_get_string(ctx, key, &s, true)) < 0 || !s)
        return rc;
    if (!v2d_uuid_parse(s, out))
        return v2d_error(ctx, VMX_EINVAL, key, "invalid uuid '%s'", s);
    *found = true;
    return 0;
}

/* -- key indices */

static int cmp_ll(const void *pa, const void *pb)
{
    long long a = *(const long long *)pa, b = *(const long long *)pb;

    return a < b ? -1 : a > b;
}

int v2d_key_indices(v2d_ctx *ctx, const char *prefix, long long **out, size_t *n,
                    const v2d_entry **bad)
{
    size_t plen = strlen(prefix), i, k = 0, m = 0;
    long long *idx;

    *out = NULL;
    *n = 0;
    if (bad)
        *bad = NULL;
    idx = vmx__calloc(ctx->nentries ? ctx->nentries : 1, sizeof(*idx));
    if (!idx)
        return v2d_nomem(ctx);
    for (i = 0; i < ctx->nentries; i++) {
        const char *key = ctx->entries[i].key, *p;
        char *end;
        long v;

        if (vmx__strncasecmp(key, prefix, plen) != 0)
            continue;
        /* libvirt's virStrToLong_i on the rest: an int, then a '.' */
        p = key + plen;
        errno = 0;
        v = strtol(p, &end, 10);
        if (errno || end == p || v < 0 || v > 0x7fffffffL || *end != '.') {
            if (bad && !*bad)
                *bad = &ctx->entries[i];
            continue;
        }
        idx[k++] = v;
    }
    qsort(idx, k, sizeof(*idx), cmp_ll);
    for (i = 0; i < k; i++)
        if (m == 0 || idx[m - 1] != idx[i])
            idx[m++] = idx[i];
    *out = idx;
    *n = m;
    return 0;
}
