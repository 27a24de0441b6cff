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
#include <libxml/globals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "buf.h"
#include "xml_errors.h"

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

/* -- the virConf reader (VMX mode)
 *
 * The reader works on a private copy of the text (ctx->arena) and cuts keys
 * and values in place: once a statement has been read, the byte after its key
 * (a blank or the '=') and the closing quote of its value become NULs. One
 * more pass over the entries builds the hash index and the device prefixes. */

typedef struct span {
    size_t key, keylen, value, valuelen;
    unsigned long line;
    uint32_t hash;
} span;

typedef struct reader {
    char *s;
    size_t pos, len;
    unsigned long line; /* '\n' seen so far + 1, as virConf counts */
    v2d_entry *entries;
    size_t n, cap;
} reader;

/* The text is NUL-terminated at len and holds no NUL before (see
 * parse_text), so s[pos] is always readable and the NUL ends every scan. */
#define R_CUR(r) ((r)->s[(r)->pos])
#define R_BLANK(c) ((c) == ' ' || (c) == '\t')
#define R_EOL(c) ((c) == '\n' || (c) == '\r')

/* Character classes of ASCII bytes; other bytes are in none. */
enum { C_NAME = 1, C_BLANK = 2, C_EOL = 4, C_END = 8 };
static const unsigned char char_class[256] = {
    8, 0, 0, 0, 0, 0, 0, 0, 0, 2, 4, 0, 0, 4, 0, 0, /* NUL, \t \n \r */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, /* ' ' - . */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, /* 0-9 : */
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* A-O */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, /* P-Z _ */
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* a-o */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, /* p-z */
};

static unsigned char char_class_of(char c)
{
    return char_class[(unsigned char)c];
}

static void skip_blanks(reader *r)
{
    while (R_BLANK(r->s[r->pos]))
        r->pos++;
}

static void skip_blanks_and_eol(reader *r)
{
    for (;; r->pos++) {
        char c = r->s[r->pos];

        if (c == '\n')
            r->line++;
        else if (!(char_class_of(c) & (C_BLANK | C_EOL)))
            break;
    }
}

/* Up to the end of the line (not included). */
static void skip_to_eol(reader *r)
{
    while (!(char_class_of(r->s[r->pos]) & (C_EOL | C_END)))
        r->pos++;
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The index hashes keys eight bytes at a time, each byte ORed with 0x20:
 * ASCII letters fold to lower case, so keys equal but for ASCII case hash
 * alike (a coarser folding than vmx__ascii_lower, which cmp_ci then
 * applies). @p n is the key's length; no byte past it is read. */
static uint32_t hash_key(const char *s, size_t n)
{
    const uint64_t fold = 0x2020202020202020ull;
    uint64_t h = 0x9e3779b97f4a7c15ull ^ n, w;

    for (; n >= 8; s += 8, n -= 8) {
        memcpy(&w, s, 8);
        h = (h ^ (w | fold)) * 0xff51afd7ed558ccdull;
        h ^= h >> 29;
    }
    if (n) {
        for (w = 0; n > 0; n--)
            w = (w << 8) | (unsigned char)s[n - 1];
        h = (h ^ (w | fold)) * 0xff51afd7ed558ccdull;
        h ^= h >> 29;
    }
    return (uint32_t)(h ^ (h >> 32));
}

/* @key is @keylen bytes, not NUL-terminated (NULL for none). */
static int syntax_error(v2d_ctx *ctx, const reader *r, const char *key, size_t keylen,
                        const char *msg)
{
    char k[VMX_ERROR_KEY_MAX];
    size_t n = 0;

    k[0] = '\0';
    if (key && keylen) {
        n = keylen < sizeof(k) - 1 ? keylen : sizeof(k) - 1;
        memcpy(k, key, n);
        k[n] = '\0';
    }
    return vmx_error_set(ctx->err, VMX_EPARSE, ctx->source, r->line, n ? k : NULL, "%s",
                         msg);
}

static int span_error(v2d_ctx *ctx, const reader *r, const span *sp, const char *msg)
{
    return syntax_error(ctx, r, r->s + sp->key, sp->keylen, msg);
}

static int read_string(v2d_ctx *ctx, reader *r, span *sp)
{
    char c = R_CUR(r);
    size_t base;

    if (c == '\'') {
        r->pos++;
        base = r->pos;
        while (r->s[r->pos] != '\'' && !(char_class_of(r->s[r->pos]) & (C_EOL | C_END)))
            r->pos++;
        if (R_CUR(r) != '\'')
            return span_error(ctx, r, sp, "unterminated quoted value");
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
            return span_error(ctx, r, sp, "unterminated quoted value");
        sp->value = base;
        sp->valuelen = r->pos - base;
        r->pos += 3;
    } else {
        r->pos++; /* '"' */
        base = r->pos;
        while (r->s[r->pos] != '"' && !(char_class_of(r->s[r->pos]) & (C_EOL | C_END)))
            r->pos++;
        if (R_CUR(r) != '"')
            return span_error(ctx, r, sp, "unterminated quoted value");
        sp->value = base;
        sp->valuelen = r->pos - base;
        r->pos++;
    }
    return 0;
}

/* Append the statement @sp and cut its key and value in place: both bytes
 * after them were read already (see the section comment). */
static int add_entry(v2d_ctx *ctx, reader *r, const span *sp)
{
    v2d_entry *e;

    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64, bytes;
        v2d_entry *p;

        if (cap > UINT32_MAX / 2 || __builtin_mul_overflow(cap, sizeof(*p), &bytes))
            return vmx_error_set(ctx->err, VMX_ELIMIT, ctx->source, sp->line, NULL,
                                 "too many entries");
        p = vmx__realloc(r->entries, bytes);
        if (!p)
            return v2d_nomem(ctx);
        r->entries = p;
        r->cap = cap;
    }
    r->s[sp->key + sp->keylen] = '\0';
    r->s[sp->value + sp->valuelen] = '\0';
    e = &r->entries[r->n++];
    e->key = r->s + sp->key;
    e->value = r->s + sp->value;
    e->line = sp->line;
    e->hash = sp->hash;
    return 0;
}

/* One statement: a comment, or `name = value [# comment]`; a ';' that may
 * follow is the separator's. */
static int read_statement(v2d_ctx *ctx, reader *r)
{
    span sp = {0, 0, 0, 0, 0, 0};
    char c;
    int rc;

    skip_blanks_and_eol(r);
    if (R_CUR(r) == '#') {
        skip_to_eol(r);
        return 0;
    }
    c = R_CUR(r);
    if (!is_alpha(c) && c != '.')
        return syntax_error(ctx, r, NULL, 0, "expecting a key");
    sp.key = r->pos;
    sp.line = r->line;
    while (char_class_of(r->s[r->pos]) & C_NAME)
        r->pos++;
    sp.keylen = r->pos - sp.key;
    sp.hash = hash_key(r->s + sp.key, sp.keylen);
    skip_blanks(r);
    if (R_CUR(r) != '=')
        return span_error(ctx, r, &sp, "missing '=' after key");
    r->pos++;
    skip_blanks(r);
    c = R_CUR(r);
    if (c == '\0' || R_EOL(c))
        return span_error(ctx, r, &sp, "missing value after '='");
    if (c == '"' || c == '\'') {
        if ((rc = read_string(ctx, r, &sp)) < 0)
            return rc;
    } else if (c == '[') {
        return span_error(ctx, r, &sp, "lists are not allowed in vmx format");
    } else if ((c >= '0' && c <= '9') || c == '-' || c == '+') {
        return span_error(ctx, r, &sp, "unquoted numbers are not allowed in vmx format");
    } else {
        return span_error(ctx, r, &sp, "unquoted values are not allowed in vmx format");
    }
    skip_blanks(r);
    if (R_CUR(r) == '#')
        skip_to_eol(r);
    return add_entry(ctx, r, &sp);
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
        const char *key = r->n ? r->entries[r->n - 1].key : NULL;

        return syntax_error(ctx, r, key, key ? strlen(key) : 0,
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

/* A device number as "%d" writes it ("0" or no leading zero), below 1000:
 * the digits read, or 0 when there is none such. Other spellings cannot match
 * a key the device parsers look up. */
static size_t read_number(const char *s, unsigned int *out)
{
    size_t n = 0;
    unsigned int v = 0;

    if (s[0] == '0') {
        *out = 0;
        return 1;
    }
    while (n < 4 && s[n] >= '0' && s[n] <= '9')
        v = v * 10 + (unsigned int)(s[n++] - '0');
    *out = v;
    return n < 4 ? n : 0;
}

/* Record the device prefix of @p key in @p p (see v2d_present). */
static void note_prefix(v2d_present *p, const char *key)
{
    enum { B_SCSI, B_SATA, B_IDE, B_FLOPPY, B_SERIAL, B_PARALLEL };
    static const char *const names[] = {"scsi",   "sata",   "ide",
                                        "floppy", "serial", "parallel"};
    unsigned int a, b;
    size_t n;
    int bus;

    /* at most one name can match: tell them apart by the first letters */
    switch (vmx__ascii_lower(key[0])) {
    case 's':
        switch (vmx__ascii_lower(key[1])) {
        case 'c':
            bus = B_SCSI;
            break;
        case 'a':
            bus = B_SATA;
            break;
        case 'e':
            bus = B_SERIAL;
            break;
        default:
            return;
        }
        break;
    case 'i':
        bus = B_IDE;
        break;
    case 'f':
        bus = B_FLOPPY;
        break;
    case 'p':
        bus = B_PARALLEL;
        break;
    default:
        return;
    }
    n = strlen(names[bus]);
    if (vmx__strncasecmp(key, names[bus], n) != 0)
        return;
    key += n;
    if (!(n = read_number(key, &a)))
        return;
    key += n;
    if (*key == '.') {
        if (bus == B_SCSI && a < 4)
            p->scsi |= (unsigned char)(1u << a);
        else if (bus == B_SATA && a < 4)
            p->sata |= (unsigned char)(1u << a);
        else if (bus == B_FLOPPY && a < 2)
            p->floppy |= (unsigned char)(1u << a);
        else if (bus == B_SERIAL && a < 4)
            p->serial |= (unsigned char)(1u << a);
        else if (bus == B_PARALLEL && a < 3)
            p->parallel |= (unsigned char)(1u << a);
        return;
    }
    if (*key != ':' || bus > B_IDE || !(n = read_number(key + 1, &b)) ||
        key[1 + n] != '.')
        return;
    if (bus == B_SCSI && a < 4 && b < 64)
        p->scsi_unit[a] |= (uint64_t)1 << b;
    else if (bus == B_SATA && a < 4 && b < 30)
        p->sata_unit[a] |= (uint32_t)1 << b;
    else if (bus == B_IDE && a < 2 && b < 2)
        p->ide |= (unsigned char)(1u << (a * 2 + b));
}

/* The hash index (the first entry of a key wins) and the device prefixes. */
static int index_entries(v2d_ctx *ctx)
{
    size_t nslots = 16, mask, i;

    while (nslots < ctx->nentries * 2)
        nslots *= 2;
    if (!(ctx->slots = vmx__calloc(nslots, sizeof(*ctx->slots))))
        return v2d_nomem(ctx);
    ctx->nslots = nslots;
    mask = nslots - 1;
    for (i = 0; i < ctx->nentries; i++) {
        const v2d_entry *e = &ctx->entries[i];
        size_t s;

        for (s = e->hash & mask; ctx->slots[s]; s = (s + 1) & mask) {
            const v2d_entry *o = &ctx->entries[ctx->slots[s] - 1];

            if (o->hash == e->hash && cmp_ci(o->key, e->key) == 0)
                break;
        }
        if (!ctx->slots[s])
            ctx->slots[s] = (uint32_t)(i + 1);
        note_prefix(&ctx->present, e->key);
    }
    return 0;
}

/* Parse @p text into ctx->entries (replacing what was there). */
static int parse_text(v2d_ctx *ctx, const char *text, size_t len)
{
    reader r;
    int rc;

    v2d_dispose(ctx);
    memset(&r, 0, sizeof(r));
    /* virConfReadString works on a C string */
    len = strnlen(text, len);
    if (!(ctx->arena = vmx__malloc(len + 1)))
        return v2d_nomem(ctx);
    memcpy(ctx->arena, text, len);
    ctx->arena[len] = '\0';
    r.s = ctx->arena;
    r.len = len;
    r.line = 1;
    while (r.pos < r.len) {
        if ((rc = read_statement(ctx, &r)) < 0 || (rc = read_separator(ctx, &r)) < 0) {
            vmx__free(r.entries);
            return rc;
        }
    }
    ctx->entries = r.entries;
    ctx->nentries = r.n;
    return index_entries(ctx);
}

/* libvirt's virVMXConvertToUTF8: the whole text through libxml2's handler. */
static int convert_to_utf8(v2d_ctx *ctx, const char *encoding, const char *text,
                           size_t len, char **out, size_t *outlen)
{
    xmlCharEncodingHandlerPtr handler;
    xmlBufferPtr in = NULL, utf8 = NULL;
    vmx_xml_errors quiet;
    int rc = 0, converted;

    *out = NULL;
    /* libxml2 would report a conversion error (and iconv trouble while
     * finding the handler) on stderr: the caller gets a vmx_error instead
     * (xml_errors.h) */
    vmx__xml_errors_capture(&quiet);
    handler = xmlFindCharEncodingHandler(encoding);
    vmx__xml_errors_restore(&quiet);
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
    vmx__xml_errors_capture(&quiet);
    converted = xmlCharEncInFunc(handler, utf8, in);
    vmx__xml_errors_restore(&quiet);
    if (converted < 0) {
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
    vmx__free(ctx->slots);
    ctx->arena = NULL;
    ctx->entries = NULL;
    ctx->slots = NULL;
    ctx->nentries = 0;
    ctx->nslots = 0;
    memset(&ctx->present, 0, sizeof(ctx->present));
}

const v2d_entry *v2d_find(const v2d_ctx *ctx, const char *key)
{
    uint32_t h;
    size_t mask, s;

    if (!ctx->nslots)
        return NULL;
    h = hash_key(key, strlen(key));
    mask = ctx->nslots - 1;
    for (s = h & mask; ctx->slots[s]; s = (s + 1) & mask) {
        const v2d_entry *e = &ctx->entries[ctx->slots[s] - 1];

        if (e->hash == h && cmp_ci(e->key, key) == 0)
            return e;
    }
    return NULL;
}

/* @p v in decimal, without a NUL; returns the digits written. */
static size_t put_number(char *out, unsigned int v)
{
    char tmp[10];
    size_t n = 0, i;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    return n;
}

size_t v2d_device_name(char *out, const char *bus, int a, int b)
{
    size_t n = strlen(bus);

    memcpy(out, bus, n);
    n += put_number(out + n, (unsigned int)a);
    if (b >= 0) {
        out[n++] = ':';
        n += put_number(out + n, (unsigned int)b);
    }
    out[n] = '\0';
    return n;
}

void v2d_key_join(char *out, size_t size, const char *prefix, const char *name)
{
    size_t p = strlen(prefix), m = strlen(name);

    if (p > size - 1)
        p = size - 1;
    memcpy(out, prefix, p);
    if (p < size - 1)
        out[p++] = '.';
    if (m > size - 1 - p)
        m = size - 1 - p;
    memcpy(out + p, name, m);
    out[p + m] = '\0';
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
    /* canonical 8-4-4-4-12 form */
    for (i = 0; i < 16; i++) {
        *out++ = "0123456789abcdef"[raw[i] >> 4];
        *out++ = "0123456789abcdef"[raw[i] & 15];
        if (i == 3 || i == 5 || i == 7 || i == 9)
            *out++ = '-';
    }
    *out = '\0';
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

        if (vmx__ascii_lower(key[0]) != vmx__ascii_lower(prefix[0]) ||
            vmx__strncasecmp(key, prefix, plen) != 0)
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
    if (k <= 8) { /* the usual few: no qsort */
        for (i = 1; i < k; i++) {
            long long x = idx[i];
            size_t j = i;

            for (; j > 0 && idx[j - 1] > x; j--)
                idx[j] = idx[j - 1];
            idx[j] = x;
        }
    } else {
        qsort(idx, k, sizeof(*idx), cmp_ll);
    }
    for (i = 0; i < k; i++)
        if (m == 0 || idx[m - 1] != idx[i])
            idx[m++] = idx[i];
    *out = idx;
    *n = m;
    return 0;
}
