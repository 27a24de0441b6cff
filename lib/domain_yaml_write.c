/* Domain model -> YAML text. A hand-written emitter: the key order comes from
 * the schema tables, and every string gets the lightest style that reads
 * back as the same string under YAML 1.1 and 1.2 resolvers alike (plain,
 * single-quoted, literal block or double-quoted with escapes). */
#include "config.h"
#include "buf.h"
#include "domain_yaml_private.h"
#include "vmxkit/yaml.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* libyaml refuses simple keys longer than 1024 characters; longer keys are
 * written in the explicit `? key` form. */
#define SIMPLE_KEY_MAX 1000

typedef enum scalar_style {
    STYLE_PLAIN,
    STYLE_SINGLE,
    STYLE_DOUBLE,
    STYLE_LITERAL
} scalar_style;

typedef struct writer {
    vmx_buf buf;
    bool dash; /* the next key line starts a sequence item */
    char path[VMX_ERROR_KEY_MAX];
    size_t pathlen;
    vmx_error *err;
} writer;

/* Plain scalars that YAML 1.1 or 1.2 resolve to null, booleans, numbers or
 * timestamps: the whole of @p s is one of
 *
 *   ~ null Null NULL y Y yes Yes YES n N no No NO true True TRUE false False
 *   FALSE on On ON off Off OFF << =
 *   [-+]?0b[01_]+                      [-+]?0o?[0-7_]+
 *   [-+]?0x[0-9a-fA-F_]+               [-+]?[0-9][0-9_]*
 *   [-+]?[1-9][0-9_]*(:[0-5]?[0-9])+   [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*
 *   [-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+]?[0-9]+)?
 *   [-+]?[0-9]+([eE][-+]?[0-9]+)       [-+]?\.(inf|Inf|INF)   \.(nan|NaN|NAN)
 *   [0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt \t].*)?
 *
 * matched by hand (each pattern is deterministic once the character classes
 * are read greedily), not with a regex compiled per document. */
static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Advance *p past characters of @p set; returns how many there were. */
static size_t span_of(const char **p, const char *set)
{
    size_t n = strspn(*p, set);

    *p += n;
    return n;
}

/* Digits only, at least one; then the end. */
static bool digits_to_end(const char *s)
{
    if (!is_digit(*s))
        return false;
    while (is_digit(*s))
        s++;
    return *s == '\0';
}

/* (:[0-5]?[0-9])+ from @p s: advances past the groups, false if none. */
static bool sexagesimal(const char **p)
{
    const char *s = *p;
    bool any = false;

    while (*s == ':') {
        if (is_digit(s[1]) && is_digit(s[2]) && s[1] <= '5')
            s += 3;
        else if (is_digit(s[1]) && !is_digit(s[2]))
            s += 2;
        else
            return false;
        any = true;
    }
    *p = s;
    return any;
}

static bool number_like(const char *r)
{
    static const char dec_[] = "0123456789_";
    const char *s;

    /* 0b, 0o, 0x and octal forms */
    if (r[0] == '0') {
        s = r + 2;
        if (r[1] == 'b' && span_of(&s, "01_") && !*s)
            return true;
        s = r + 2;
        if (r[1] == 'x' && span_of(&s, "0123456789abcdefABCDEF_") && !*s)
            return true;
        s = r + (r[1] == 'o' ? 2 : 1);
        if (span_of(&s, "01234567_") && !*s)
            return true;
    }
    /* integers, sexagesimal numbers */
    if (is_digit(r[0])) {
        s = r + 1;
        span_of(&s, dec_);
        if (!*s)
            return true;
        if (*s == ':' && sexagesimal(&s)) {
            if (!*s && r[0] != '0')
                return true;
            if (*s == '.') {
                s++;
                span_of(&s, dec_);
                if (!*s)
                    return true;
            }
        }
    }
    /* [0-9]+[eE][-+]?[0-9]+ */
    s = r;
    while (is_digit(*s))
        s++;
    if (s > r && (*s == 'e' || *s == 'E')) {
        s++;
        if (*s == '-' || *s == '+')
            s++;
        if (digits_to_end(s))
            return true;
    }
    /* ([0-9][0-9_]*)?\.[0-9_]*([eE][-+]?[0-9]+)? */
    s = r;
    if (is_digit(*s)) {
        s++;
        span_of(&s, dec_);
    }
    if (*s == '.') {
        s++;
        span_of(&s, dec_);
        if (!*s)
            return true;
        if (*s == 'e' || *s == 'E') {
            s++;
            if (*s == '-' || *s == '+')
                s++;
            if (digits_to_end(s))
                return true;
        }
    }
    return strcmp(r, ".inf") == 0 || strcmp(r, ".Inf") == 0 || strcmp(r, ".INF") == 0;
}

static bool timestamp_like(const char *s)
{
    size_t n;

    if (!(is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3]) &&
          s[4] == '-'))
        return false;
    s += 5;
    for (n = 0; is_digit(s[n]); n++)
        ;
    if (n < 1 || n > 2 || s[n] != '-')
        return false;
    s += n + 1;
    for (n = 0; is_digit(s[n]); n++)
        ;
    if (n < 1 || n > 2)
        return false;
    s += n;
    return !*s || *s == 'T' || *s == 't' || *s == ' ' || *s == '\t';
}

static bool special_plain(const char *s)
{
    static const char *const words[] = {
        "~",  "null", "Null", "NULL", "y",    "Y",    "yes",  "Yes",   "YES",   "n",
        "N",  "no",   "No",   "NO",   "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On",   "ON",   "off",  "Off",  "OFF",  "<<",   "="};
    size_t i;

    for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (strcmp(s, words[i]) == 0)
            return true;
    if (strcmp(s, ".nan") == 0 || strcmp(s, ".NaN") == 0 || strcmp(s, ".NAN") == 0 ||
        timestamp_like(s))
        return true;
    return number_like(s[0] == '-' || s[0] == '+' ? s + 1 : s);
}

/* ---- UTF-8 ---- */

/* Decode the code point at s[*i] (strict: no overlongs, surrogates or values
 * above U+10FFFF). Returns false on invalid input. */
static bool utf8_next(const unsigned char *s, size_t len, size_t *i, uint32_t *cp)
{
    unsigned char c = s[*i];
    size_t n, k;
    uint32_t v, min;

    if (c < 0x80) {
        *cp = c;
        (*i)++;
        return true;
    }
    if ((c & 0xE0) == 0xC0) {
        n = 1, v = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 2, v = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        n = 3, v = c & 0x07, min = 0x10000;
    } else {
        return false;
    }
    if (len - *i <= n)
        return false;
    for (k = 1; k <= n; k++) {
        if ((s[*i + k] & 0xC0) != 0x80)
            return false;
        v = (v << 6) | (s[*i + k] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return false;
    *cp = v;
    *i += n + 1;
    return true;
}

/* May @cp appear unescaped inside a one-line scalar? */
static bool printable_inline(uint32_t cp)
{
    if (cp < 0x20 || cp == 0x7F)
        return false;
    if (cp >= 0x80 && cp < 0xA0)
        return false;
    return cp != 0x2028 && cp != 0x2029 && cp != 0xFEFF && cp != 0xFFFE && cp != 0xFFFF;
}

/* ---- output helpers ---- */

/* Decimal digits of @p v into @p out (at least 20 bytes); returns how many. */
static size_t format_ull(char *out, unsigned long long v)
{
    char tmp[20];
    size_t n = 0, i;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    return n;
}

/* Append @p n bytes to the path, cut to fit as snprintf would. */
static void path_append(writer *w, const char *s, size_t n)
{
    size_t room = sizeof(w->path) - 1 - w->pathlen;

    if (n > room)
        n = room;
    memcpy(w->path + w->pathlen, s, n);
    w->pathlen += n;
    w->path[w->pathlen] = '\0';
}

/* The path names the field in error messages; it is built for every field,
 * so without printf. */
static size_t path_push(writer *w, const char *key, size_t index, bool is_index)
{
    size_t old = w->pathlen;

    if (is_index) {
        char num[24];

        num[0] = '[';
        path_append(w, num, 1 + format_ull(num + 1, index));
        path_append(w, "]", 1);
    } else {
        if (old)
            path_append(w, ".", 1);
        path_append(w, key, strlen(key));
    }
    return old;
}

static void path_pop(writer *w, size_t old)
{
    w->pathlen = old;
    w->path[old] = '\0';
}

static void put_spaces(writer *w, int n)
{
    static const char spaces[] = "                                ";

    while (n > 0) {
        int k = n < (int)sizeof(spaces) - 1 ? n : (int)sizeof(spaces) - 1;

        vmx_buf_put(&w->buf, spaces, (size_t)k);
        n -= k;
    }
}

/* Start a line for a key at column @indent (the first key of a sequence item
 * gets its "- " in the two columns before). */
static void put_indent(writer *w, int indent)
{
    if (w->dash) {
        put_spaces(w, indent - 2);
        vmx_buf_puts(&w->buf, "- ");
        w->dash = false;
    } else {
        put_spaces(w, indent);
    }
}

/* ---- scalar styles ---- */

static bool is_indicator(char c)
{
    return strchr("-?:,[]{}#&*!|>'\"%@` \t", c) != NULL;
}

static scalar_style choose_style(const char *s, bool allow_block)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len = strlen(s), i = 0;
    bool plain = true, single = true, block = allow_block, has_newline = false;
    bool line_start = true, seen_text = false;
    uint32_t cp = 0, prev = 0;

    if (len == 0)
        return STYLE_SINGLE;
    if (is_indicator(s[0]) || s[len - 1] == ' ' || s[len - 1] == ':' ||
        strncmp(s, "---", 3) == 0 || strncmp(s, "...", 3) == 0 || special_plain(s))
        plain = false;
    while (i < len) {
        if (!utf8_next(u, len, &i, &cp))
            return STYLE_DOUBLE; /* not reached: strings are checked first */
        if (cp == '\n') {
            has_newline = true;
            plain = single = false;
            if (prev == ' ' || prev == '\t')
                block = false; /* trailing blanks would be invisible */
            line_start = true;
        } else if (!printable_inline(cp)) {
            plain = single = false;
            if (cp != '\t')
                block = false;
            else if (line_start && !seen_text)
                block = false; /* a tab cannot start the indentation line */
            line_start = false;
            seen_text = true;
        } else {
            if ((cp == ' ' && line_start && !seen_text))
                block = false; /* the indentation would swallow it */
            if (cp == '#' && prev == ' ')
                plain = false;
            if (prev == ':' && cp == ' ')
                plain = false;
            line_start = false;
            seen_text = true;
        }
        prev = cp;
    }
    if (prev == ' ' || prev == '\t')
        block = false;
    if (plain)
        return STYLE_PLAIN;
    if (single)
        return STYLE_SINGLE;
    if (block && has_newline && seen_text)
        return STYLE_LITERAL;
    return STYLE_DOUBLE;
}

static void put_double_quoted(writer *w, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len = strlen(s), i = 0, start;
    uint32_t cp;

    vmx_buf_putc(&w->buf, '"');
    while (i < len) {
        start = i;
        if (!utf8_next(u, len, &i, &cp))
            break;
        switch (cp) {
        case '"':
            vmx_buf_puts(&w->buf, "\\\"");
            continue;
        case '\\':
            vmx_buf_puts(&w->buf, "\\\\");
            continue;
        case '\a':
            vmx_buf_puts(&w->buf, "\\a");
            continue;
        case '\b':
            vmx_buf_puts(&w->buf, "\\b");
            continue;
        case '\t':
            vmx_buf_puts(&w->buf, "\\t");
            continue;
        case '\n':
            vmx_buf_puts(&w->buf, "\\n");
            continue;
        case '\v':
            vmx_buf_puts(&w->buf, "\\v");
            continue;
        case '\f':
            vmx_buf_puts(&w->buf, "\\f");
            continue;
        case '\r':
            vmx_buf_puts(&w->buf, "\\r");
            continue;
        case 0x1B:
            vmx_buf_puts(&w->buf, "\\e");
            continue;
        case 0x85:
            vmx_buf_puts(&w->buf, "\\N");
            continue;
        case 0x2028:
            vmx_buf_puts(&w->buf, "\\L");
            continue;
        case 0x2029:
            vmx_buf_puts(&w->buf, "\\P");
            continue;
        default:
            break;
        }
        if (printable_inline(cp))
            vmx_buf_put(&w->buf, s + start, i - start);
        else if (cp <= 0xFF)
            vmx_buf_printf(&w->buf, "\\x%02" PRIX32, cp);
        else
            vmx_buf_printf(&w->buf, "\\u%04" PRIX32, cp);
    }
    vmx_buf_putc(&w->buf, '"');
}

static void put_single_quoted(writer *w, const char *s)
{
    vmx_buf_putc(&w->buf, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            vmx_buf_putc(&w->buf, '\'');
        vmx_buf_putc(&w->buf, *s);
    }
    vmx_buf_putc(&w->buf, '\'');
}

/* A literal block scalar whose lines sit at column @indent. */
static void put_literal(writer *w, const char *s, int indent)
{
    size_t len = strlen(s), trailing = 0, i, start;

    while (trailing < len && s[len - 1 - trailing] == '\n')
        trailing++;
    vmx_buf_puts(&w->buf, trailing == 0 ? "|-\n" : trailing == 1 ? "|\n" : "|+\n");
    len -= trailing;
    for (start = 0, i = 0; i <= len; i++) {
        if (i < len && s[i] != '\n')
            continue;
        if (i > start) {
            put_spaces(w, indent);
            vmx_buf_put(&w->buf, s + start, i - start);
        }
        vmx_buf_putc(&w->buf, '\n');
        start = i + 1;
    }
    for (i = 1; i < trailing; i++)
        vmx_buf_putc(&w->buf, '\n');
}

static int check_utf8(writer *w, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len = strlen(s), i = 0;
    uint32_t cp;

    while (i < len)
        if (!utf8_next(u, len, &i, &cp))
            return vmx_error_set(w->err, VMX_EINVAL, NULL, 0, w->path,
                                 "string is not valid UTF-8");
    return 0;
}

/* Write string @s as the value of a key (after "key:"), ending the line.
 * Block lines go to column @indent + 2. */
static int put_string_value(writer *w, const char *s, int indent)
{
    int rc;

    if ((rc = check_utf8(w, s)) < 0)
        return rc;
    switch (choose_style(s, true)) {
    case STYLE_PLAIN:
        vmx_buf_putc(&w->buf, ' ');
        vmx_buf_puts(&w->buf, s);
        break;
    case STYLE_SINGLE:
        vmx_buf_putc(&w->buf, ' ');
        put_single_quoted(w, s);
        break;
    case STYLE_LITERAL:
        vmx_buf_putc(&w->buf, ' ');
        put_literal(w, s, indent + 2);
        return 0;
    case STYLE_DOUBLE:
        vmx_buf_putc(&w->buf, ' ');
        put_double_quoted(w, s);
        break;
    }
    vmx_buf_putc(&w->buf, '\n');
    return 0;
}

/* Write a one-line scalar (a key, or a value inside a flow mapping). */
static int put_inline_string(writer *w, const char *s)
{
    int rc;

    if ((rc = check_utf8(w, s)) < 0)
        return rc;
    switch (choose_style(s, false)) {
    case STYLE_PLAIN:
        vmx_buf_puts(&w->buf, s);
        break;
    case STYLE_SINGLE:
        put_single_quoted(w, s);
        break;
    default:
        put_double_quoted(w, s);
        break;
    }
    return 0;
}

/* ---- fields ---- */

/* A decimal number, negative when @p negative (@p v is then its magnitude). */
static void put_ll(writer *w, bool negative, unsigned long long v)
{
    char num[24];
    size_t n = 0;

    if (negative)
        num[n++] = '-';
    n += format_ull(num + n, v);
    vmx_buf_put(&w->buf, num, n);
}

static void put_signed(writer *w, long long v)
{
    /* -(v + 1) + 1 avoids overflowing on LLONG_MIN */
    put_ll(w, v < 0, v < 0 ? (unsigned long long)(-(v + 1)) + 1 : (unsigned long long)v);
}

static void put_size(writer *w, unsigned long long kib)
{
    size_t i;

    for (i = 0; i < VMX_ARRAY_SIZE(vmx__yaml_units); i++) {
        if (kib % vmx__yaml_units[i].kib == 0 &&
            (kib != 0 || vmx__yaml_units[i].kib == 1)) {
            put_ll(w, false, kib / vmx__yaml_units[i].kib);
            vmx_buf_putc(&w->buf, ' ');
            vmx_buf_puts(&w->buf, vmx__yaml_units[i].name);
            return;
        }
    }
}

static bool struct_present(const vmx_yaml_struct *st, const void *base);

/* Is field @f of the struct at @base written? */
static bool field_present(const vmx_yaml_field *f, const void *base)
{
    bool always = (f->flags & VMX_YAML_ALWAYS) != 0;

    if (f->flag_offset != VMX_YAML_NO_FLAG)
        return *VMX_YAML_AT(base, f->flag_offset, const bool);
    switch (f->kind) {
    case VMX_YAML_STRING:
        return *VMX_YAML_AT(base, f->offset, char *const) != NULL;
    case VMX_YAML_BOOL:
        return always || *VMX_YAML_AT(base, f->offset, const bool);
    case VMX_YAML_INT:
    case VMX_YAML_ENUM:
        return always || *VMX_YAML_AT(base, f->offset, const int) != f->def;
    case VMX_YAML_UINT:
        return always || *VMX_YAML_AT(base, f->offset, const unsigned int) != f->def;
    case VMX_YAML_LLONG:
        return always || *VMX_YAML_AT(base, f->offset, const long long) != f->def;
    case VMX_YAML_SIZE:
        return always || *VMX_YAML_AT(base, f->offset, const unsigned long long) !=
                             (unsigned long long)f->def;
    case VMX_YAML_TRISTATE:
        return *VMX_YAML_AT(base, f->offset, const int) != VMX_TRISTATE_UNSET;
    case VMX_YAML_GROUP:
        return struct_present(f->sub, base);
    case VMX_YAML_LIST:
        return *VMX_YAML_AT(base, f->count_offset, const size_t) > 0;
    case VMX_YAML_EXTRA:
        return ((const vmx_domain *)base)->nextra > 0;
    }
    return false;
}

static bool struct_present(const vmx_yaml_struct *st, const void *base)
{
    size_t i;

    for (i = 0; i < st->nfields; i++)
        if (field_present(&st->fields[i], base))
            return true;
    return false;
}

/* A scalar field's value without the leading space, on one line. */
static int put_scalar(writer *w, const vmx_yaml_field *f, const void *base)
{
    const char *name;
    int v;

    switch (f->kind) {
    case VMX_YAML_STRING:
        return put_inline_string(w, *VMX_YAML_AT(base, f->offset, char *const));
    case VMX_YAML_BOOL:
        vmx_buf_puts(&w->buf,
                     *VMX_YAML_AT(base, f->offset, const bool) ? "true" : "false");
        return 0;
    case VMX_YAML_INT:
        put_signed(w, *VMX_YAML_AT(base, f->offset, const int));
        return 0;
    case VMX_YAML_UINT:
        put_ll(w, false, *VMX_YAML_AT(base, f->offset, const unsigned int));
        return 0;
    case VMX_YAML_LLONG:
        put_signed(w, *VMX_YAML_AT(base, f->offset, const long long));
        return 0;
    case VMX_YAML_SIZE:
        put_size(w, *VMX_YAML_AT(base, f->offset, const unsigned long long));
        return 0;
    case VMX_YAML_TRISTATE:
        v = *VMX_YAML_AT(base, f->offset, const int);
        if (v != VMX_TRISTATE_YES && v != VMX_TRISTATE_NO)
            return vmx_error_set(w->err, VMX_EINVAL, NULL, 0, w->path, "unknown value %d",
                                 v);
        vmx_buf_puts(&w->buf, v == VMX_TRISTATE_YES ? "true" : "false");
        return 0;
    case VMX_YAML_ENUM:
        v = *VMX_YAML_AT(base, f->offset, const int);
        name = vmx__yaml_enum_name(f->names, v);
        if (!name)
            return vmx_error_set(w->err, VMX_EINVAL, NULL, 0, w->path, "unknown value %d",
                                 v);
        return put_inline_string(w, name); /* quotes the name "null" */
    default:
        return vmx_error_set(w->err, VMX_EINVAL, NULL, 0, w->path, "not a scalar field");
    }
}

static int put_struct(writer *w, const vmx_yaml_struct *st, const void *base, int indent);

static int put_flow_group(writer *w, const vmx_yaml_struct *st, const void *base)
{
    size_t i, old;
    bool first = true;
    int rc = 0;

    vmx_buf_putc(&w->buf, '{');
    for (i = 0; i < st->nfields && rc == 0; i++) {
        const vmx_yaml_field *f = &st->fields[i];

        if (!field_present(f, base))
            continue;
        old = path_push(w, f->key, 0, false);
        vmx_buf_puts(&w->buf, first ? "" : ", ");
        vmx_buf_puts(&w->buf, f->key);
        vmx_buf_puts(&w->buf, ": ");
        rc = put_scalar(w, f, base);
        path_pop(w, old);
        first = false;
    }
    vmx_buf_putc(&w->buf, '}');
    return rc;
}

static int put_key(writer *w, const char *key, int indent)
{
    vmx_buf rendered = VMX_BUF_INIT;
    vmx_buf saved = w->buf;
    int rc;

    /* Render the key alone first to know whether it fits a simple key. */
    w->buf = rendered;
    rc = put_inline_string(w, key);
    rendered = w->buf;
    w->buf = saved;
    if (rendered.failed)
        w->buf.failed = 1; /* reported once, at the end */
    if (rc < 0)
        goto out;
    put_indent(w, indent);
    if (rendered.len > SIMPLE_KEY_MAX) {
        vmx_buf_puts(&w->buf, "? ");
        vmx_buf_put(&w->buf, rendered.ptr, rendered.len);
        vmx_buf_putc(&w->buf, '\n');
        put_spaces(w, indent);
    } else {
        vmx_buf_put(&w->buf, rendered.ptr, rendered.len);
    }
    vmx_buf_putc(&w->buf, ':');
out:
    vmx_buf_dispose(&rendered);
    return rc;
}

static int put_extra(writer *w, const vmx_domain *dom, int indent)
{
    size_t i, old;
    int rc = 0;

    for (i = 0; i < dom->nextra && rc == 0; i++) {
        old = path_push(w, dom->extra_keys[i] ? dom->extra_keys[i] : "", 0, false);
        if (!dom->extra_keys[i])
            rc = vmx_error_set(w->err, VMX_EINVAL, NULL, 0, w->path,
                               "extra key is missing");
        else if ((rc = put_key(w, dom->extra_keys[i], indent)) == 0) {
            if (dom->extra_values[i])
                rc = put_string_value(w, dom->extra_values[i], indent);
            else
                vmx_buf_puts(&w->buf, " ~\n");
        }
        path_pop(w, old);
    }
    return rc;
}

static int put_list(writer *w, const vmx_yaml_field *f, const vmx_domain *dom, int indent)
{
    const char *elems = *VMX_YAML_AT(dom, f->offset, const char *const);
    size_t n = *VMX_YAML_AT(dom, f->count_offset, const size_t), i, old;
    int rc = 0;

    for (i = 0; i < n && rc == 0; i++) {
        const void *elem = elems + i * f->sub->size;

        old = path_push(w, NULL, i, true);
        if (!struct_present(f->sub, elem)) {
            put_spaces(w, indent + 2);
            vmx_buf_puts(&w->buf, "- {}\n");
        } else {
            w->dash = true;
            rc = put_struct(w, f->sub, elem, indent + 4);
        }
        path_pop(w, old);
    }
    return rc;
}

static int put_field(writer *w, const vmx_yaml_field *f, const void *base, int indent)
{
    int rc;

    put_indent(w, indent);
    vmx_buf_puts(&w->buf, f->key);
    vmx_buf_putc(&w->buf, ':');
    switch (f->kind) {
    case VMX_YAML_STRING:
        return put_string_value(w, *VMX_YAML_AT(base, f->offset, char *const), indent);
    case VMX_YAML_GROUP:
        if (f->flags & VMX_YAML_FLOW) {
            vmx_buf_putc(&w->buf, ' ');
            rc = put_flow_group(w, f->sub, base);
            vmx_buf_putc(&w->buf, '\n');
            return rc;
        }
        vmx_buf_putc(&w->buf, '\n');
        return put_struct(w, f->sub, base, indent + 2);
    case VMX_YAML_LIST:
        vmx_buf_putc(&w->buf, '\n');
        return put_list(w, f, base, indent);
    case VMX_YAML_EXTRA:
        vmx_buf_putc(&w->buf, '\n');
        return put_extra(w, base, indent + 2);
    default:
        vmx_buf_putc(&w->buf, ' ');
        rc = put_scalar(w, f, base);
        vmx_buf_putc(&w->buf, '\n');
        return rc;
    }
}

static int put_struct(writer *w, const vmx_yaml_struct *st, const void *base, int indent)
{
    size_t i, old;
    int rc = 0;

    for (i = 0; i < st->nfields && rc == 0; i++) {
        const vmx_yaml_field *f = &st->fields[i];

        if (!field_present(f, base))
            continue;
        old = path_push(w, f->key, 0, false);
        rc = put_field(w, f, base, indent);
        path_pop(w, old);
    }
    return rc;
}

int vmx_domain_to_yaml(char **out, size_t *len, const vmx_domain *dom,
                       const vmx_convert_options *opts, vmx_error *err)
{
    writer w;
    int rc;

    (void)opts;
    *out = NULL;
    if (len)
        *len = 0;
    memset(&w, 0, sizeof(w));
    w.err = err;
    if (!struct_present(&vmx__yaml_domain_schema, dom))
        vmx_buf_puts(&w.buf, "{}\n");
    else if ((rc = put_struct(&w, &vmx__yaml_domain_schema, dom, 0)) < 0)
        goto out;
    if (w.buf.failed) {
        rc = vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
        goto out;
    }
    *out = vmx_buf_detach(&w.buf, len);
    rc = *out ? 0 : vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
out:
    vmx_buf_dispose(&w.buf);
    return rc;
}
