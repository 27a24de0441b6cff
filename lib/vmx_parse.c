/* Parse a .vmx file into the lossless line list of vmx_config.
 *
 * The grammar is VMware's dictionary format (open-vm-tools lib/dict/dictll.c):
 *
 *     <ws> <name> <ws> = <ws> " <quoted value> " <ws> <comment>
 *     <ws> <name> <ws> = <ws> <bare value> <ws> <comment>
 *     <ws> <comment>
 *
 * A quoted value runs to the next '"': there is no backslash escape (VMware
 * and libvirt's virConf both end the value at the first '"' after the opening
 * one, so `"C:\"` is the value `C:\`); VMX strings escape with `|22` instead,
 * decoded by the escape module, not here. One pass over the bytes cuts the
 * lines and copies keys and values, NUL-terminated, into one buffer; a second
 * pass over the (few) entries decodes the non-ASCII ones once the
 * `.encoding` is known and builds the key index. */
#include "config.h"
#include "buf.h"
#include "vmx_config_private.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct parse_ctx {
    vmx_config *cfg;
    vmx_error *err;
    size_t max_line, max_lines;
    bool strict;
    char *strs;           /* next free byte of cfg->strs */
    const char *declared; /* value of the last .encoding entry so far, or NULL */
    size_t nentries;
    size_t n_lf, n_crlf;
    const char *nul; /* first NUL byte of the input, or NULL */
} parse_ctx;

static bool is_ws(char c)
{
    /* A CR that does not end a line is read as blank, as virConf does. */
    return c == ' ' || c == '\t' || c == '\r';
}

/* Copy @n bytes of @src into @dst (@size bytes, NUL-terminated), control
 * characters as \xNN: error records quote the input, and an escape sequence
 * in a .vmx file must not reach the user's terminal. */
static void copy_printable(char *dst, size_t size, const char *src, size_t n)
{
    size_t i, o = 0;

    for (i = 0; i < n && o + 1 < size; i++) {
        unsigned char c = (unsigned char)src[i];

        if (c >= 0x20 && c != 0x7f) {
            dst[o++] = (char)c;
        } else if (o + 5 < size) {
            snprintf(dst + o, 5, "\\x%02x", c);
            o += 4;
        } else {
            break;
        }
    }
    dst[o] = '\0';
}

/* Record a hard error; @key is @klen bytes, not NUL-terminated. */
static int fail(parse_ctx *ctx, int code, size_t lineno, const char *key, size_t klen,
                const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static int fail(parse_ctx *ctx, int code, size_t lineno, const char *key, size_t klen,
                const char *fmt, ...)
{
    char raw[VMX_ERROR_MESSAGE_MAX], msg[VMX_ERROR_MESSAGE_MAX], k[VMX_ERROR_KEY_MAX];
    va_list ap;

    copy_printable(k, sizeof(k), key ? key : "", klen);
    va_start(ap, fmt);
    vsnprintf(raw, sizeof(raw), fmt, ap);
    va_end(ap);
    copy_printable(msg, sizeof(msg), raw, strlen(raw));
    return vmx_error_set(ctx->err, code, ctx->cfg->source, (unsigned long)lineno,
                         k[0] ? k : NULL, "%s", msg);
}

/* Report a diagnostic; with VMX_PARSE_STRICT a @fatal one is a parse error. */
static int diag(parse_ctx *ctx, bool fatal, vmx_diag_severity sev, size_t lineno,
                size_t other, const char *code, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));
static int diag(parse_ctx *ctx, bool fatal, vmx_diag_severity sev, size_t lineno,
                size_t other, const char *code, const char *key, const char *fmt, ...)
{
    char msg[VMX_ERROR_MESSAGE_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (fatal && ctx->strict)
        return fail(ctx, VMX_EPARSE, lineno, key, key ? strlen(key) : 0, "%s", msg);
    if (vmx__config_add_diag(ctx->cfg, sev, (unsigned long)lineno, (unsigned long)other,
                             code, key, "%s", msg) < 0)
        return fail(ctx, VMX_ENOMEM, 0, NULL, 0, "out of memory");
    return 0;
}

/* Byte classes of the key scan: where a key stops (VMware: a blank, '=' or
 * '#'), and the characters libvirt's reader accepts in a key, first
 * ([A-Za-z.]) and later ([A-Za-z0-9_.:-]). */
enum { K_STOP = 1, K_FIRST = 2, K_REST = 4 };
static const unsigned char key_class[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 6, 0, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 0, 0, 1, 0, 0, 0, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
    6, 6, 6, 6, 0, 0, 0, 0, 4, 0, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
    6, 6, 6, 6, 6, 6, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

#define FNV_OFFSET 2166136261u
#define FNV_PRIME 16777619u

/* Does @s (@n bytes) hold a byte >= 0x80? Eight bytes at a time. */
static bool any_high(const char *s, size_t n)
{
    uint64_t acc = 0, w;
    size_t i = 0;

    for (; i + 8 <= n; i += 8) {
        memcpy(&w, s + i, 8);
        acc |= w;
    }
    for (; i < n; i++)
        acc |= (unsigned char)s[i];
    return (acc & 0x8080808080808080ull) != 0;
}

static char *cut(parse_ctx *ctx, const char *s, size_t n)
{
    char *d = ctx->strs;

    memcpy(d, s, n);
    d[n] = '\0';
    ctx->strs += n + 1;
    return d;
}

/* Checks of an entry that do not change how it reads. */
static int style_checks(parse_ctx *ctx, size_t lineno, const char *key, const char *value,
                        size_t vlen, bool key_ok, bool high_key, const char *line,
                        const char *kb, const char *ke, const char *eq,
                        const char *vstart, const char *tail, const char *end)
{
    const char *t = tail;
    size_t i;
    int rc;

    if (!key_ok && !high_key) {
        for (i = 0; key[i]; i++)
            if (!(key_class[(unsigned char)key[i]] & (i == 0 ? K_FIRST : K_REST)))
                break;
        if ((rc = diag(ctx, true, VMX_DIAG_WARNING, lineno, 0, "key-syntax", key,
                       (unsigned char)key[i] < ' ' || key[i] == 0x7f
                           ? "unusual character \\x%02x in key"
                           : "unusual character '%c' in key",
                       (unsigned char)key[i])) < 0)
            return rc;
    } else if (high_key &&
               (rc = diag(ctx, true, VMX_DIAG_WARNING, lineno, 0, "key-syntax", key,
                          "non-ASCII character in key")) < 0) {
        return rc;
    }
    while (t < end && is_ws(*t))
        t++;
    if (kb > line)
        rc = diag(ctx, false, VMX_DIAG_WARNING, lineno, 0, "spacing", key,
                  "leading whitespace");
    else if (eq - ke != 1 || *ke != ' ' || vstart - eq != 2 || eq[1] != ' ')
        rc = diag(ctx, false, VMX_DIAG_WARNING, lineno, 0, "spacing", key,
                  "non-canonical spacing around '=' (VMware writes 'key = \"value\"')");
    else if (t == end && t > tail)
        rc = diag(ctx, false, VMX_DIAG_WARNING, lineno, 0, "spacing", key,
                  "trailing whitespace");
    else
        rc = 0;
    if (rc < 0)
        return rc;
    if (t < end && *t == '#' &&
        (rc = diag(ctx, false, VMX_DIAG_WARNING, lineno, 0, "trailing-comment", key,
                   "comment after value (VMware drops it when it saves the file)")) < 0)
        return rc;
    if ((vlen == 4 && vmx__strcasecmp(value, "true") == 0 &&
         strcmp(value, "TRUE") != 0) ||
        (vlen == 5 && vmx__strcasecmp(value, "false") == 0 &&
         strcmp(value, "FALSE") != 0)) {
        char canon[6];

        for (i = 0; value[i]; i++)
            canon[i] = (char)(value[i] & ~0x20);
        canon[i] = '\0';
        if ((rc = diag(ctx, false, VMX_DIAG_WARNING, lineno, 0, "boolean-case", key,
                       "non-canonical boolean \"%s\" (VMware writes \"%s\")", value,
                       canon)) < 0)
            return rc;
    }
    return 0;
}

/* Resolve an `.encoding` entry when the parse meets it, so that an unknown
 * charset is reported at its own line and later lines know their charset. */
static int resolve_encoding(parse_ctx *ctx, const vmx_line *l)
{
    vmx_config *cfg = ctx->cfg;
    bool utf8;
    int rc;

    rc = vmx__charset_resolve(cfg->charset, sizeof(cfg->charset), &utf8, l->value);
    if (rc == VMX_EINVAL)
        return fail(ctx, VMX_EPARSE, l->lineno, l->key, strlen(l->key),
                    "unknown encoding '%s'", l->value);
    if (rc < 0)
        return fail(ctx, VMX_EPARSE, l->lineno, l->key, strlen(l->key),
                    "unsupported encoding '%s' (not ASCII-compatible)", l->value);
    if (utf8 != cfg->utf8 || !utf8)
        vmx__config_close_iconv(cfg);
    cfg->utf8 = utf8;
    cfg->declared = true;
    ctx->declared = l->value;
    return 0;
}

/* Are these bytes invalid in the charset known so far? Then a multi-byte
 * sequence broken by a wrong conversion may have swallowed a closing quote
 * (seen in the wild: `\xE5\xA4?` where `\xE5\xA4\xB9"` was). */
static bool invalid_in_charset(parse_ctx *ctx, const char *s, size_t n)
{
    const char *tmp;
    bool fallback = false;
    size_t i;

    for (i = 0; i < n && !((unsigned char)s[i] & 0x80); i++)
        ;
    if (i == n)
        return false;
    if (ctx->cfg->utf8)
        return !vmx__utf8_valid(s, n);
    return vmx__decode(ctx->cfg, &tmp, s, n, &fallback) == 0 && fallback;
}

/* Parse the content of one line (@p..@e, without the line end) into @l. */
static int parse_line(parse_ctx *ctx, vmx_line *l, const char *p, const char *e)
{
    size_t lineno = l->lineno;
    const char *s = p, *kb, *ke, *eq, *vb, *ve, *vstart, *tail, *t;
    bool quoted = false, unterminated = false, hk, hv;
    unsigned int kclass, khigh = 0;
    uint32_t hash = FNV_OFFSET;
    int rc;

    while (s < e && is_ws(*s))
        s++;
    if (s == e) {
        l->kind = VMX_LINE_BLANK;
        return 0;
    }
    if (*s == '#') {
        l->kind = VMX_LINE_COMMENT;
        return 0;
    }
    /* One pass over the key: where it ends, its hash (FNV-1a of the
     * ASCII-lowercased bytes, as vmx__key_hash), non-ASCII bytes, and
     * whether libvirt would accept it. */
    kb = s;
    kclass = key_class[(unsigned char)*s] & K_FIRST ? K_REST : 0;
    while (s < e) {
        unsigned char c = (unsigned char)*s, k = key_class[c];

        if (k & K_STOP)
            break;
        kclass &= k;
        khigh |= c;
        hash = (hash ^ ((unsigned int)(c - 'A') < 26u ? c | 0x20u : c)) * FNV_PRIME;
        s++;
    }
    ke = s;
    if (kb == ke)
        return fail(ctx, VMX_EPARSE, lineno, NULL, 0, "missing key before '='");
    t = ke;
    while (t < e && is_ws(*t))
        t++;
    if (t == e || *t != '=') {
        if (t > ke && t < e && *t != '#') {
            /* `key 1 = "v"`: an '=' further on, before any quote. */
            const char *q = t;

            while (q < e && *q != '=' && *q != '"')
                q++;
            if (q < e && *q == '=') {
                while (q > kb && is_ws(q[-1]))
                    q--;
                return fail(ctx, VMX_EPARSE, lineno, kb, (size_t)(q - kb),
                            "space in key");
            }
        }
        return fail(ctx, VMX_EPARSE, lineno, kb, (size_t)(ke - kb),
                    "missing '=' after key");
    }
    eq = t++;
    while (t < e && is_ws(*t))
        t++;
    vstart = t;
    if (t < e && *t == '"') {
        quoted = true;
        vb = t + 1;
        ve = memchr(vb, '"', (size_t)(e - vb));
        if (!ve && !invalid_in_charset(ctx, vb, (size_t)(e - vb)))
            return fail(ctx, VMX_EPARSE, lineno, kb, (size_t)(ke - kb),
                        "unterminated quoted value");
        if (!ve)
            unterminated = true;
        tail = ve ? ve + 1 : e;
        if (!ve)
            ve = e;
    } else {
        vb = t;
        while (t < e && !is_ws(*t) && *t != '#')
            t++;
        ve = tail = t;
    }
    t = tail;
    while (t < e && is_ws(*t))
        t++;
    if (t < e && *t != '#') {
        /* VMware skips such a line; libvirt refuses the file. Keep it as it
         * is, as a line that is not an entry. */
        char key[VMX_ERROR_KEY_MAX];
        size_t klen =
            (size_t)(ke - kb) < sizeof(key) - 1 ? (size_t)(ke - kb) : sizeof(key) - 1;

        memcpy(key, kb, klen);
        key[klen] = '\0';
        l->kind = VMX_LINE_INVALID;
        if (!quoted)
            return diag(ctx, true, VMX_DIAG_ERROR, lineno, 0, "trailing-text", key,
                        "unexpected text after value, line ignored");
        return diag(ctx, true, VMX_DIAG_ERROR, lineno, 0, "trailing-text", key,
                    ve > vb && ve[-1] == '\\'
                        ? "unexpected text after quoted value, line ignored (a backslash "
                          "does not escape '\"': write |22)"
                        : "unexpected text after quoted value, line ignored");
    }

    l->kind = VMX_LINE_ENTRY;
    hk = khigh & 0x80;
    hv = any_high(vb, (size_t)(ve - vb));
    l->key = cut(ctx, kb, (size_t)(ke - kb));
    l->value = cut(ctx, vb, (size_t)(ve - vb));
    l->hash = hash; /* redone in the second pass if decoding changes the key */
    l->tail_off = (uint32_t)(tail - l->raw);
    l->flags = (uint8_t)((hk ? VMX_LINE_HIGH_KEY : 0) | (hv ? VMX_LINE_HIGH_VALUE : 0) |
                         (unterminated ? VMX_LINE_UNTERMINATED : 0));
    ctx->nentries++;
    if (ke - kb == 9 && vmx__strncasecmp(kb, ".encoding", 9) == 0 &&
        (rc = resolve_encoding(ctx, l)) < 0)
        return rc;
    if (unterminated &&
        (rc = diag(ctx, true, VMX_DIAG_ERROR, lineno, 0, "unterminated-value", l->key,
                   "unterminated quoted value after bytes invalid in %s; read to the end "
                   "of the line",
                   ctx->declared ? ctx->declared : "UTF-8")) < 0)
        return rc;
    if (!quoted) {
        if (vb == ve)
            rc = diag(ctx, true, VMX_DIAG_WARNING, lineno, 0, "unquoted-value", l->key,
                      "missing value, read as empty");
        else if (*vb == '\'')
            rc = diag(ctx, true, VMX_DIAG_WARNING, lineno, 0, "unquoted-value", l->key,
                      "single-quoted value: VMware reads the quotes as part of it");
        else
            rc = diag(ctx, true, VMX_DIAG_WARNING, lineno, 0, "unquoted-value", l->key,
                      "unquoted value");
        if (rc < 0)
            return rc;
    }
    return style_checks(ctx, lineno, l->key, l->value, (size_t)(ve - vb), kclass & K_REST,
                        hk, p, kb, ke, eq, vstart, tail, e);
}

/* Cut @len bytes of ctx->cfg->raw into lines. */
static int split_lines(parse_ctx *ctx)
{
    vmx_config *cfg = ctx->cfg;
    const char *raw = cfg->raw, *end = raw + cfg->raw_len, *pos = raw;
    int rc;

    if (cfg->raw_len >= 3 && memcmp(raw, "\xEF\xBB\xBF", 3) == 0) {
        cfg->bom = true; /* skipped as VMware does, written back */
        pos += 3;
    }
    while (pos < end) {
        const char *nl = memchr(pos, '\n', (size_t)(end - pos));
        const char *le = nl ? nl : end;
        vmx_line l;
        size_t idx;

        memset(&l, 0, sizeof(l));
        l.eol = nl ? VMX_EOL_LF : VMX_EOL_NONE;
        if (nl && le > pos && le[-1] == '\r') {
            le--;
            l.eol = VMX_EOL_CRLF;
        }
        if (cfg->nlines >= ctx->max_lines)
            return fail(ctx, VMX_ELIMIT, cfg->nlines + 1, NULL, 0,
                        "too many lines (the limit is %zu)", ctx->max_lines);
        l.lineno = (uint32_t)(cfg->nlines + 1);
        if ((size_t)(le - pos) > ctx->max_line)
            return fail(ctx, VMX_ELIMIT, l.lineno, NULL, 0, "line longer than %zu bytes",
                        ctx->max_line);
        if (ctx->nul && ctx->nul >= pos && ctx->nul < le)
            return fail(ctx, VMX_EPARSE, l.lineno, NULL, 0, "NUL byte in line");
        l.raw = pos;
        l.raw_len = (uint32_t)(le - pos);
        if (l.eol == VMX_EOL_LF)
            ctx->n_lf++;
        else if (l.eol == VMX_EOL_CRLF)
            ctx->n_crlf++;
        if ((idx = vmx__config_push_line(cfg, &l)) == SIZE_MAX)
            return fail(ctx, VMX_ENOMEM, 0, NULL, 0, "out of memory");
        if ((rc = parse_line(ctx, &cfg->lines[idx], pos, le)) < 0)
            return rc;
        pos = nl ? nl + 1 : end;
    }
    return 0;
}

static int decode_field(parse_ctx *ctx, vmx_line *l, const char **field, const char *what)
{
    vmx_config *cfg = ctx->cfg;
    bool fallback = false;
    int rc;

    if (cfg->utf8 && vmx__utf8_valid(*field, strlen(*field)))
        return 0;
    if ((rc = vmx__decode(cfg, field, *field, strlen(*field), &fallback)) < 0)
        return fail(ctx, rc, 0, NULL, 0, "out of memory");
    if (!fallback)
        return 0;
    if (ctx->declared)
        return diag(ctx, true, VMX_DIAG_ERROR, l->lineno, 0, "invalid-encoding", l->key,
                    "invalid %s byte sequence in %s; bytes read as windows-1252",
                    ctx->declared, what);
    return diag(ctx, true, VMX_DIAG_WARNING, l->lineno, 0, "invalid-encoding", l->key,
                "invalid UTF-8 in %s and no .encoding declared; bytes read as "
                "windows-1252",
                what);
}

/* Second pass over the entries: decode, index, find duplicates. */
static int index_entries(parse_ctx *ctx)
{
    vmx_config *cfg = ctx->cfg;
    size_t i;
    int rc;

    if (ctx->nentries == 0)
        return 0;
    if (vmx__config_reserve_entries(cfg, ctx->nentries) < 0 ||
        vmx__config_index_reserve(cfg, ctx->nentries) < 0)
        return fail(ctx, VMX_ENOMEM, 0, NULL, 0, "out of memory");
    for (i = 0; i < cfg->nlines; i++) {
        vmx_line *l = &cfg->lines[i];
        size_t prev;

        if (l->kind != VMX_LINE_ENTRY)
            continue;
        if ((l->flags & VMX_LINE_HIGH_KEY) &&
            (rc = decode_field(ctx, l, &l->key, "key")) < 0)
            return rc;
        if ((l->flags & VMX_LINE_HIGH_VALUE) &&
            (rc = decode_field(ctx, l, &l->value, "value")) < 0)
            return rc;
        if (l->flags & VMX_LINE_HIGH_KEY)
            l->hash = vmx__key_hash(l->key);
        cfg->entries[cfg->nentries++] = (uint32_t)i;
        prev = vmx__config_index_put(cfg, i, &rc);
        if (rc < 0)
            return fail(ctx, rc, 0, NULL, 0, "out of memory");
        if (prev != SIZE_MAX) {
            const vmx_line *first =
                &cfg->lines[cfg->lines[prev].first ? cfg->lines[prev].first - 1 : prev];

            l->first = (uint32_t)(first - cfg->lines) + 1;
            if (strcmp(first->key, l->key) == 0)
                rc = diag(ctx, true, VMX_DIAG_ERROR, l->lineno, first->lineno,
                          "duplicate-key", l->key,
                          "duplicate key, first set on line %lu; the last one wins",
                          (unsigned long)first->lineno);
            else
                rc = diag(ctx, true, VMX_DIAG_ERROR, l->lineno, first->lineno,
                          "duplicate-key", l->key,
                          "duplicate key, first set on line %lu as '%s'; the last one "
                          "wins",
                          (unsigned long)first->lineno, first->key);
            if (rc < 0)
                return rc;
        }
    }
    return 0;
}

static int check_options(const vmx_parse_options *opts, parse_ctx *ctx)
{
    ctx->max_line = VMX_PARSE_DEFAULT_MAX_LINE_LENGTH;
    ctx->max_lines = VMX_PARSE_DEFAULT_MAX_ENTRIES;
    if (!opts)
        return 0;
    if (opts->version != VMX_PARSE_OPTIONS_VERSION)
        return vmx_error_set(ctx->err, VMX_EINVAL, NULL, 0, NULL,
                             "unsupported parse options version %u", opts->version);
    ctx->strict = opts->flags & VMX_PARSE_STRICT;
    if (opts->max_line_length)
        ctx->max_line = opts->max_line_length;
    if (opts->max_entries)
        ctx->max_lines = opts->max_entries;
    /* Line offsets and numbers are 32-bit. */
    if (ctx->max_line > UINT32_MAX - 2)
        ctx->max_line = UINT32_MAX - 2;
    if (ctx->max_lines > UINT32_MAX - 2)
        ctx->max_lines = UINT32_MAX - 2;
    return 0;
}

/* The value of an `.encoding` line as parse_line cuts it (@p s just after
 * the '=' and its blanks, @p e the line end): does it resolve? */
static bool check_encoding(const char *s, const char *e)
{
    char value[64], charset[64];
    const char *ve;
    bool utf8;

    if (s < e && *s == '"') {
        s++;
        ve = memchr(s, '"', (size_t)(e - s));
    } else {
        for (ve = s; ve < e && !is_ws(*ve) && *ve != '#'; ve++)
            ;
    }
    if (!ve || (size_t)(ve - s) >= sizeof(value))
        return false;
    memcpy(value, s, (size_t)(ve - s));
    value[ve - s] = '\0';
    return vmx__charset_resolve(charset, sizeof(charset), &utf8, value) == 0;
}

/* Mirrors the hard errors of parse_owned, split_lines and parse_line with
 * the default options, without building anything: a line that might fail,
 * or an `.encoding` that does not resolve, answers "unsure". Keep in step
 * with parse_line. */
int vmx__config_check(const char *buf, size_t len)
{
    const char *pos = buf, *end = buf + len;
    size_t nlines = 0;

    if (!len)
        return 0;
    if (!buf || len > VMX_PARSE_DEFAULT_MAX_FILE_SIZE || memchr(buf, '\0', len))
        return 1;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        pos += 3;
    while (pos < end) {
        const char *nl = memchr(pos, '\n', (size_t)(end - pos));
        const char *le = nl ? nl : end, *s = pos, *kb, *ke;

        if (nl && le > pos && le[-1] == '\r')
            le--;
        if (++nlines > VMX_PARSE_DEFAULT_MAX_ENTRIES ||
            (size_t)(le - pos) > VMX_PARSE_DEFAULT_MAX_LINE_LENGTH)
            return 1;
        while (s < le && is_ws(*s))
            s++;
        if (s < le && *s != '#') {
            for (kb = s; s < le && !(key_class[(unsigned char)*s] & K_STOP); s++)
                ;
            ke = s;
            while (s < le && is_ws(*s))
                s++;
            if (kb == ke || s == le || *s != '=')
                return 1; /* no key, space in key, no '=' */
            for (s++; s < le && is_ws(*s); s++)
                ;
            if (s < le && *s == '"' && !memchr(s + 1, '"', (size_t)(le - s - 1)))
                return 1; /* unterminated, perhaps tolerated */
            if (ke - kb == 9 && vmx__strncasecmp(kb, ".encoding", 9) == 0 &&
                !check_encoding(s, le))
                return 1;
        }
        pos = nl ? nl + 1 : end;
    }
    return 0;
}

int vmx__config_check_limits(const char *buf, size_t len, vmx_error *err)
{
    const size_t max = VMX_PARSE_DEFAULT_MAX_LINE_LENGTH;
    const char *pos = buf, *end = buf + len, *nl, *le;
    size_t nlines = 0, n, klen;
    char key[VMX_ERROR_KEY_MAX];

    if (len > VMX_PARSE_DEFAULT_MAX_FILE_SIZE)
        return vmx_error_set(err, VMX_ELIMIT, NULL, 0, NULL,
                             "VMX output of %zu bytes, more than the limit of %zu bytes",
                             len, (size_t)VMX_PARSE_DEFAULT_MAX_FILE_SIZE);
    /* the usual case, a few KiB: no line and no line count can be too long */
    if (len <= max && len <= (size_t)VMX_PARSE_DEFAULT_MAX_ENTRIES)
        return 0;
    for (; pos < end; pos = nl ? nl + 1 : end) {
        nl = memchr(pos, '\n', (size_t)(end - pos));
        le = nl ? nl : end;
        if (nl && le > pos && le[-1] == '\r')
            le--;
        if (++nlines > VMX_PARSE_DEFAULT_MAX_ENTRIES)
            return vmx_error_set(err, VMX_ELIMIT, NULL, 0, NULL,
                                 "VMX output of more than %zu lines",
                                 (size_t)VMX_PARSE_DEFAULT_MAX_ENTRIES);
        if ((n = (size_t)(le - pos)) <= max)
            continue;
        /* a line as vmxkit writes it, `key = "value"`: name the key and
         * count the bytes of the value */
        for (klen = 0;
             klen < sizeof(key) - 1 && klen < n && !is_ws(pos[klen]) && pos[klen] != '=';
             klen++)
            ;
        if (klen == 0 || klen + 5 > n || memcmp(pos + klen, " = \"", 4) != 0 ||
            le[-1] != '"')
            return vmx_error_set(err, VMX_ELIMIT, NULL, 0, NULL,
                                 "VMX output line longer than %zu bytes", max);
        memcpy(key, pos, klen);
        key[klen] = '\0';
        return vmx_error_set(err, VMX_ELIMIT, NULL, 0, key,
                             "value of '%s' is too long: %zu bytes, at most %zu", key,
                             n - klen - 5, max - klen - 5);
    }
    return 0;
}

/* Parse @buf (@len bytes, owned by the call from here on: it becomes the
 * config's raw copy or is freed). */
static int parse_owned(vmx_config **out, char *buf, size_t len, const char *source,
                       const vmx_parse_options *opts, vmx_error *err)
{
    parse_ctx ctx;
    vmx_config *cfg = NULL;
    size_t max_size = opts && opts->max_file_size ? opts->max_file_size
                                                  : VMX_PARSE_DEFAULT_MAX_FILE_SIZE;
    size_t strs_len;
    int rc;

    *out = NULL;
    memset(&ctx, 0, sizeof(ctx));
    ctx.err = err;
    if ((rc = check_options(opts, &ctx)) < 0)
        goto out;
    if (len > max_size) {
        rc = vmx_error_set(err, VMX_ELIMIT, source, 0, NULL,
                           "file larger than the limit of %zu bytes", max_size);
        goto out;
    }
    if (!(cfg = vmx__config_alloc())) {
        rc = vmx_error_set(err, VMX_ENOMEM, source, 0, NULL, "out of memory");
        goto out;
    }
    ctx.cfg = cfg;
    cfg->raw = buf;
    cfg->raw_len = len;
    buf = NULL;
    if (source &&
        !(cfg->source = vmx__arena_strndup(&cfg->arena, source, strlen(source)))) {
        cfg->source = "";
        rc = vmx_error_set(err, VMX_ENOMEM, source, 0, NULL, "out of memory");
        goto out;
    }
    /* Each entry's key and value, NUL-terminated, take at most the bytes of
     * its line (the '=' pays for one NUL, the line end for the other). */
    strs_len = len + 2;
    if (!(cfg->strs = vmx__malloc(strs_len)) ||
        vmx__config_reserve_lines(
            cfg, len / 40 + 16 < ctx.max_lines ? len / 40 + 16 : ctx.max_lines) < 0) {
        rc = fail(&ctx, VMX_ENOMEM, 0, NULL, 0, "out of memory");
        goto out;
    }
    ctx.strs = cfg->strs;
    ctx.nul = len ? memchr(cfg->raw, '\0', len) : NULL;
    if ((rc = split_lines(&ctx)) < 0 || (rc = index_entries(&ctx)) < 0)
        goto out;
    cfg->eol = ctx.n_crlf > ctx.n_lf ? VMX_EOL_CRLF : VMX_EOL_LF;
    *out = cfg;
    cfg = NULL;
out:
    vmx__free(buf);
    vmx_config_free(cfg);
    return rc;
}

int vmx_config_parse(vmx_config **out, const char *buf, size_t len, const char *source,
                     const vmx_parse_options *opts, vmx_error *err)
{
    char *copy;

    *out = NULL;
    if (!buf && len)
        return vmx_error_set(err, VMX_EINVAL, source, 0, NULL, "no input buffer");
    /* Refuse an oversized input before copying it. */
    if (len > (opts && opts->max_file_size ? opts->max_file_size
                                           : VMX_PARSE_DEFAULT_MAX_FILE_SIZE))
        return vmx_error_set(
            err, VMX_ELIMIT, source, 0, NULL, "file larger than the limit of %zu bytes",
            opts && opts->max_file_size ? opts->max_file_size
                                        : VMX_PARSE_DEFAULT_MAX_FILE_SIZE);
    if (!(copy = vmx__malloc(len + 1)))
        return vmx_error_set(err, VMX_ENOMEM, source, 0, NULL, "out of memory");
    if (len)
        memcpy(copy, buf, len);
    copy[len] = '\0';
    return parse_owned(out, copy, len, source, opts, err);
}

int vmx_config_parse_file(vmx_config **out, const char *path,
                          const vmx_parse_options *opts, vmx_error *err)
{
    vmx_buf b = VMX_BUF_INIT;
    size_t max = opts && opts->max_file_size ? opts->max_file_size
                                             : VMX_PARSE_DEFAULT_MAX_FILE_SIZE;
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    char *data;
    size_t len;
    int rc;

    *out = NULL;
    if ((rc = vmx_buf_read_file(&b, path, max, err)) < 0) {
        vmx_buf_dispose(&b);
        return rc;
    }
    if (!(data = vmx_buf_detach(&b, &len)))
        return vmx_error_set(err, VMX_ENOMEM, name, 0, NULL, "out of memory");
    return parse_owned(out, data, len, name, opts, err);
}
