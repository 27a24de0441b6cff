/* Escaping codecs: percent, pipe, datastore items and paths, windows-1252 and
 * UTF-8. Vectors come from testdata/libvirt/escape (libvirt's test suite) and
 * testdata/escape-extra (generated with libvirt's code, see its README). */
#include <criterion/criterion.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmxkit/vmxkit.h"

/* Exported for tests by lib/util.c: make the Nth allocation fail. */
void vmx__alloc_fail_after(long n);

/* ---------- a minimal JSON-lines reader: one flat object per line ---------- */

typedef struct jfield {
    char key[40];
    char *val; /* NUL-terminated; NULL for null, true, false */
    size_t len;
    char kind; /* 's' string, 'n' null, 't' true, 'f' false */
} jfield;

typedef struct jrec {
    jfield f[8];
    int n;
} jrec;

static void put_utf8(char *dst, size_t *n, unsigned long cp)
{
    if (cp < 0x80) {
        dst[(*n)++] = (char)cp;
    } else if (cp < 0x800) {
        dst[(*n)++] = (char)(0xC0 | (cp >> 6));
        dst[(*n)++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        dst[(*n)++] = (char)(0xE0 | (cp >> 12));
        dst[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        dst[(*n)++] = (char)(0x80 | (cp & 0x3F));
    } else {
        dst[(*n)++] = (char)(0xF0 | (cp >> 18));
        dst[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
        dst[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        dst[(*n)++] = (char)(0x80 | (cp & 0x3F));
    }
}

static unsigned long hex4(const char *p)
{
    char b[5] = {p[0], p[1], p[2], p[3], 0};

    return strtoul(b, NULL, 16);
}

/* Parse a JSON string at *p (on the opening quote); 0 or -1. */
static int jstring(const char **p, char **out, size_t *len)
{
    const char *s = *p + 1;
    char *d = malloc(strlen(s) + 1);
    size_t n = 0;

    while (*s && *s != '"') {
        if (*s != '\\') {
            d[n++] = *s++;
            continue;
        }
        s++;
        switch (*s) {
        case 'n':
            d[n++] = '\n';
            break;
        case 't':
            d[n++] = '\t';
            break;
        case 'r':
            d[n++] = '\r';
            break;
        case 'b':
            d[n++] = '\b';
            break;
        case 'f':
            d[n++] = '\f';
            break;
        case 'u': {
            unsigned long cp = hex4(s + 1);

            s += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && s[1] == '\\' && s[2] == 'u') {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (hex4(s + 3) - 0xDC00);
                s += 6;
            }
            put_utf8(d, &n, cp);
            break;
        }
        default:
            d[n++] = *s; /* \" \\ \/ */
        }
        s++;
    }
    if (*s != '"') {
        free(d);
        return -1;
    }
    d[n] = '\0';
    *out = d;
    *len = n;
    *p = s + 1;
    return 0;
}

static void jrec_free(jrec *r)
{
    int i;

    for (i = 0; i < r->n; i++)
        free(r->f[i].val);
    r->n = 0;
}

static int jrec_parse(jrec *r, const char *line)
{
    const char *p = line;

    memset(r, 0, sizeof(*r));
    while (*p == ' ')
        p++;
    if (*p++ != '{')
        return -1;
    for (;;) {
        jfield *f = &r->f[r->n];
        char *key;
        size_t klen;

        while (*p == ' ' || *p == ',')
            p++;
        if (*p == '}')
            return 0;
        if (r->n == 8 || *p != '"' || jstring(&p, &key, &klen) < 0)
            return -1;
        snprintf(f->key, sizeof(f->key), "%s", key);
        free(key);
        while (*p == ' ' || *p == ':')
            p++;
        if (*p == '"') {
            if (jstring(&p, &f->val, &f->len) < 0)
                return -1;
            f->kind = 's';
        } else if (strncmp(p, "null", 4) == 0) {
            f->kind = 'n';
            p += 4;
        } else if (strncmp(p, "true", 4) == 0) {
            f->kind = 't';
            p += 4;
        } else if (strncmp(p, "false", 5) == 0) {
            f->kind = 'f';
            p += 5;
        } else {
            return -1;
        }
        r->n++;
    }
}

static const jfield *jget(const jrec *r, const char *key)
{
    int i;

    for (i = 0; i < r->n; i++)
        if (strcmp(r->f[i].key, key) == 0)
            return &r->f[i];
    return NULL;
}

static const char *jstr(const jrec *r, const char *key)
{
    const jfield *f = jget(r, key);

    return f && f->kind == 's' ? f->val : NULL;
}

/* Call @fn for every line of testdata file @rel; returns the line count. */
static int each_record(const char *rel, void (*fn)(const jrec *r, const char *where))
{
    char path[512], where[600], *data, *line, *next;
    FILE *f;
    long size;
    int count = 0;

    snprintf(path, sizeof(path), "%s/%s", TESTDATA_DIR, rel);
    f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, 0, SEEK_SET);
    data = malloc((size_t)size + 1);
    cr_assert_eq(fread(data, 1, (size_t)size, f), (size_t)size);
    data[size] = '\0';
    fclose(f);
    for (line = data; *line; line = next) {
        jrec r;

        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        else
            next = line + strlen(line);
        if (!*line)
            continue;
        count++;
        snprintf(where, sizeof(where), "%s:%d", rel, count);
        cr_assert_eq(jrec_parse(&r, line), 0, "%s: unreadable line", where);
        fn(&r, where);
        jrec_free(&r);
    }
    free(data);
    return count;
}

/* ---------- the codecs, driven by the vectors ---------- */

typedef int (*encode_fn)(char **, const char *, vmx_error *);
typedef int (*decode_fn)(char **, const char *, unsigned int, vmx_unescape_report *,
                         vmx_error *);

/* The expected encoding: vmxkit's documented deviation when present. */
static const char *expected_of(const jrec *r)
{
    const jfield *v = jget(r, "vmxkit");

    return v ? v->val : jstr(r, "escaped");
}

static void check_bijective(const jrec *r, const char *where, encode_fn enc,
                            decode_fn dec)
{
    const char *in = jstr(r, "input"), *want = expected_of(r);
    vmx_error err = VMX_ERROR_INIT;
    vmx_unescape_report rep;
    char *got = NULL, *back = NULL;

    cr_assert_not_null(in, "%s: no input", where);
    cr_assert_not_null(want, "%s: no expected value", where);
    cr_assert_eq(enc(&got, in, &err), 0, "%s: %s", where, err.message);
    cr_assert_str_eq(got, want, "%s: escaping '%s'", where, in);
    cr_assert_eq(dec(&back, got, VMX_UNESCAPE_STRICT, &rep, &err), 0, "%s: %s", where,
                 err.message);
    cr_assert_str_eq(back, in, "%s: decoding '%s'", where, got);
    cr_assert_eq(rep.kept, 0);
    vmx_free(got);
    vmx_free(back);
}

static void check_percent(const jrec *r, const char *where)
{
    check_bijective(r, where, vmx_escape_percent, vmx_unescape_percent);
}

static void check_pipe(const jrec *r, const char *where)
{
    check_bijective(r, where, vmx_escape_pipe, vmx_unescape_pipe);
}

static size_t count_char(const char *s, char c)
{
    size_t n = 0;

    for (; *s; s++)
        n += *s == c;
    return n;
}

static void check_datastore_item(const jrec *r, const char *where)
{
    const char *in = jstr(r, "input"), *want = expected_of(r);
    vmx_error err = VMX_ERROR_INIT;
    vmx_unescape_report rep;
    char *got = NULL, *back = NULL, *lossy;
    size_t i;

    cr_assert_not_null(in, "%s: no input", where);
    cr_assert_not_null(want, "%s: no expected value", where);
    cr_assert_eq(vmx_escape_datastore_item(&got, in, &err), 0, "%s: %s", where,
                 err.message);
    cr_assert_str_eq(got, want, "%s: escaping '%s'", where, in);
    cr_assert_eq(vmx_unescape_datastore_item(&back, got, VMX_UNESCAPE_STRICT, &rep, &err),
                 0, "%s: decoding '%s': %s", where, got, err.message);
    /* everything comes back but the Windows characters, which become '_' */
    lossy = strdup(in);
    for (i = 0; lossy[i]; i++)
        if (strchr("\"*<>:|?", lossy[i]))
            lossy[i] = '_';
    cr_assert_str_eq(back, lossy, "%s: decoding '%s'", where, got);
    cr_assert_eq(rep.ambiguous, count_char(back, '_'), "%s", where);
    if (rep.ambiguous)
        cr_assert_eq(back[rep.first_ambiguous], '_', "%s", where);
    cr_assert_eq(rep.kept, 0);
    free(lossy);
    vmx_free(got);
    vmx_free(back);
}

Test(escape, percent_libvirt_vectors)
{
    cr_assert_geq(each_record("libvirt/escape/percent.jsonl", check_percent), 60);
}

Test(escape, pipe_libvirt_vectors)
{
    cr_assert_geq(each_record("libvirt/escape/pipe.jsonl", check_pipe), 60);
}

Test(escape, datastore_item_libvirt_vectors)
{
    cr_assert_geq(
        each_record("libvirt/escape/datastore-item.jsonl", check_datastore_item), 300);
}

Test(escape, percent_extra_vectors)
{
    cr_assert_geq(each_record("escape-extra/percent.jsonl", check_percent), 300);
}

Test(escape, pipe_extra_vectors)
{
    cr_assert_geq(each_record("escape-extra/pipe.jsonl", check_pipe), 300);
}

Test(escape, datastore_item_extra_vectors)
{
    cr_assert_geq(each_record("escape-extra/datastore-item.jsonl", check_datastore_item),
                  300);
}

/* ---------- hex case, lenient mode, errors ---------- */

static char *decode_ok(decode_fn dec, const char *in, unsigned int flags,
                       vmx_unescape_report *rep)
{
    vmx_error err = VMX_ERROR_INIT;
    char *out = NULL;

    cr_assert_eq(dec(&out, in, flags, rep, &err), 0, "decoding '%s': %s", in,
                 err.message);
    cr_assert_eq(err.code, 0);
    return out;
}

Test(escape, decoders_accept_both_hex_cases)
{
    const char *pipes[] = {"|0D|0A|7C|22", "|0d|0a|7c|22", "|0D|0a|7C|22"};
    size_t i;

    for (i = 0; i < 3; i++) {
        char *out = decode_ok(vmx_unescape_pipe, pipes[i], VMX_UNESCAPE_STRICT, NULL);

        cr_assert_str_eq(out, "\r\n|\"", "input %s", pipes[i]);
        vmx_free(out);
    }
    char *a = decode_ok(vmx_unescape_percent, "a%2Fb%5Cc%25d%2f%5c", 0, NULL);
    cr_assert_str_eq(a, "a/b\\c%d/\\");
    vmx_free(a);
    a = decode_ok(vmx_unescape_datastore_item, "+JQ-2F+JQ-2f", 0, NULL);
    cr_assert_str_eq(a, "//");
    vmx_free(a);
}

Test(escape, pipe_escapes_controls_but_not_tab)
{
    vmx_error err = VMX_ERROR_INIT;
    char *out;

    cr_assert_eq(vmx_escape_pipe(&out, "a\r\nb\tc\x01|\"#%", &err), 0);
    cr_assert_str_eq(out, "a|0d|0ab\tc|01|7c|22#%");
    vmx_free(out);
    cr_assert_eq(vmx_escape_percent(&out, "a\nb/\\%|", &err), 0);
    cr_assert_str_eq(out, "a\nb%2f%5c%25|");
    vmx_free(out);
}

Test(escape, real_vmware_annotation_decodes)
{
    char *out =
        decode_ok(vmx_unescape_pipe,
                  "Some |7Ctext|7C to test the |22escaping|22: |45|73|63|61|70|65|64|21",
                  VMX_UNESCAPE_STRICT, NULL);

    cr_assert_str_eq(out, "Some |text| to test the \"escaping\": Escaped!");
    vmx_free(out);
}

typedef struct bad_case {
    int scheme; /* 0 percent, 1 pipe, 2 datastore item */
    const char *input;
    const char *message;
    unsigned long column;
} bad_case;

static const bad_case bad_cases[] = {
    {1, "abc|Z1", "invalid escape '|Z1' at offset 3", 4},
    {1, "|1Z", "invalid escape '|1Z' at offset 0", 1},
    {1, "#NAME# | Version", "invalid escape '| V' at offset 7", 8},
    {1, "x|", "truncated escape '|' at offset 1", 2},
    {1, "x|4", "truncated escape '|4' at offset 1", 2},
    {1, "x|G", "invalid escape '|G' at offset 1", 2},
    {1, "a|00b", "escape '|00' at offset 1 decodes to NUL", 2},
    {1, "ab|ff", "invalid UTF-8 at offset 2", 3},
    {1, "ab|c3|28", "invalid UTF-8 at offset 2", 3},
    {1, "ab|e6|a8", "invalid UTF-8 at offset 2", 3},
    {1, "a\xffz", "invalid UTF-8 at offset 1", 2},
    {1, "x|\x01\x02", "invalid escape '|\\x01\\x02' at offset 1", 2},
    {0, "abc%G", "invalid escape '%G' at offset 3", 4},
    {0, "abc%G1", "invalid escape '%G1' at offset 3", 4},
    {0, "%4", "truncated escape '%4' at offset 0", 1},
    {0, "50%", "truncated escape '%' at offset 2", 3},
    {0, "%00", "escape '%00' at offset 0 decodes to NUL", 1},
    {0, "%ED%A0%80", "invalid UTF-8 at offset 0", 1},
    {0, "%C0%80", "invalid UTF-8 at offset 0", 1},
    {2, "a:b", "unexpected character ':' at offset 1", 2},
    {2, "ab%2f", "unexpected character '%' at offset 2", 3},
    {2, "x\xc3\xa4", "unexpected character '\\xc3\\xa4' at offset 1", 2},
    {2, "+A", "truncated base64 run '+A' at offset 0", 1},
    {2, "ab+AAAAA-", "truncated base64 run '+AAAAA' at offset 2", 3},
    {2, "x+QR-", "invalid base64 run '+QR' at offset 1", 2},
    {2, "x+QUF", "invalid base64 run '+QUF' at offset 1", 2},
    {2, "+", "empty base64 run '+' at offset 0", 1},
    {2, "a+(", "empty base64 run '+' at offset 1", 2},
    {2, "+AA-", "base64 run '+AA' at offset 0 decodes to NUL", 1},
    {2, "ab+JQ-zz", "invalid escape '%zz' at offset 2", 3},
    {2, "ab+JQ-", "truncated escape '%' at offset 2", 3},
    {2, "abc+JQ-2", "truncated escape '%2' at offset 3", 4},
    {2, "x+ww-y", "invalid UTF-8 at offset 1", 2},
    {2, "x+JQ-c3+JQ-28", "invalid UTF-8 at offset 1", 2},
    {2, "A+w6Q-1+w7-", "invalid base64 run '+w7' at offset 7", 8},
};

static decode_fn decoder(int scheme)
{
    return scheme == 0   ? vmx_unescape_percent
           : scheme == 1 ? vmx_unescape_pipe
                         : vmx_unescape_datastore_item;
}

Test(escape, strict_errors_name_escape_and_offset)
{
    size_t i;

    for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        const bad_case *c = &bad_cases[i];
        vmx_error err = VMX_ERROR_INIT;
        char *out = (char *)"untouched";

        cr_assert_eq(decoder(c->scheme)(&out, c->input, VMX_UNESCAPE_STRICT, NULL, &err),
                     VMX_EPARSE, "case %zu '%s' was accepted", i, c->input);
        cr_assert_null(out, "case %zu", i);
        cr_assert_eq(err.code, VMX_EPARSE);
        cr_assert_str_eq(err.message, c->message, "case %zu '%s'", i, c->input);
        cr_assert_eq(err.column, c->column, "case %zu '%s': column %lu", i, c->input,
                     err.column);
    }
}

Test(escape, lenient_mode_never_fails_on_these)
{
    size_t i;

    for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        const bad_case *c = &bad_cases[i];
        vmx_unescape_report rep;
        char *out = decode_ok(decoder(c->scheme), c->input, VMX_UNESCAPE_LENIENT, &rep);

        cr_assert(rep.kept > 0 || rep.invalid_utf8, "case %zu '%s': nothing reported", i,
                  c->input);
        vmx_free(out);
    }
}

Test(escape, lenient_keeps_invalid_escapes_literally)
{
    vmx_unescape_report rep;
    char *out;

    out = decode_ok(vmx_unescape_pipe, "#NAME# | Version: #VERSION# | Built",
                    VMX_UNESCAPE_LENIENT, &rep);
    cr_assert_str_eq(out, "#NAME# | Version: #VERSION# | Built");
    cr_assert_eq(rep.kept, 2);
    cr_assert_eq(rep.first_kept, 7);
    cr_assert_eq(rep.invalid_utf8, 0);
    vmx_free(out);

    out = decode_ok(vmx_unescape_pipe, "a|Z1|7c||22|", VMX_UNESCAPE_LENIENT, &rep);
    cr_assert_str_eq(out, "a|Z1||\"|");
    cr_assert_eq(rep.kept, 3);
    cr_assert_eq(rep.first_kept, 1);
    vmx_free(out);

    out = decode_ok(vmx_unescape_percent, "%00%41%", VMX_UNESCAPE_LENIENT, &rep);
    cr_assert_str_eq(out, "%00A%");
    cr_assert_eq(rep.kept, 2);
    vmx_free(out);

    out = decode_ok(vmx_unescape_percent, "x%ff", VMX_UNESCAPE_LENIENT, &rep);
    cr_assert_str_eq(out, "x\xff");
    cr_assert_eq(rep.kept, 0);
    cr_assert_eq(rep.invalid_utf8, 1);
    vmx_free(out);

    out = decode_ok(vmx_unescape_datastore_item, "M\xc3\xbcller x+A:b+fg-c",
                    VMX_UNESCAPE_LENIENT, &rep);
    cr_assert_str_eq(out, "M\xc3\xbcller x+A:b~c");
    cr_assert_eq(rep.kept, 3); /* "ü" (one stretch), "+A", ":" */
    cr_assert_eq(rep.first_kept, 1);
    vmx_free(out);

    /* a literal '%' is tolerated, and its escape still decodes */
    out = decode_ok(vmx_unescape_datastore_item, "a%2fb", VMX_UNESCAPE_LENIENT, &rep);
    cr_assert_str_eq(out, "a/b");
    cr_assert_eq(rep.kept, 1);
    vmx_free(out);
}

Test(escape, clean_decode_clears_the_report)
{
    vmx_unescape_report rep;
    char *out;

    memset(&rep, 0xff, sizeof(rep));
    out = decode_ok(vmx_unescape_pipe, "plain", VMX_UNESCAPE_STRICT, &rep);
    cr_assert_eq(rep.kept, 0);
    cr_assert_eq(rep.ambiguous, 0);
    cr_assert_eq(rep.invalid_utf8, 0);
    vmx_free(out);
}

Test(escape, datastore_reports_ambiguous_underscores)
{
    vmx_unescape_report rep;
    char *out;

    out = decode_ok(vmx_unescape_datastore_item, "ab_c+JQ-5f_", 0, &rep);
    cr_assert_str_eq(out, "ab_c__");
    cr_assert_eq(rep.ambiguous, 2, "the '_' from %%5f is not ambiguous");
    cr_assert_eq(rep.first_ambiguous, 2);
    vmx_free(out);

    out = decode_ok(vmx_unescape_datastore_item, "+5qiZ-_x", 0, &rep);
    cr_assert_str_eq(out, "\xe6\xa8\x99_x");
    cr_assert_eq(rep.ambiguous, 1);
    cr_assert_eq(rep.first_ambiguous, 3, "offset in the result, not the input");
    vmx_free(out);
}

Test(escape, datastore_run_terminators)
{
    char *out;

    /* '-' closes a run; it may be missing before a non-base64 character */
    out = decode_ok(vmx_unescape_datastore_item, "+fg(+fg-+fg", 0, NULL);
    cr_assert_str_eq(out, "~(~~");
    vmx_free(out);
    /* "+-" is a literal '+' */
    out = decode_ok(vmx_unescape_datastore_item, "a+-b+Kw-c", 0, NULL);
    cr_assert_str_eq(out, "a+b+c");
    vmx_free(out);
    /* only one '-' belongs to the run */
    out = decode_ok(vmx_unescape_datastore_item, "+fg--x", 0, NULL);
    cr_assert_str_eq(out, "~-x");
    vmx_free(out);
}

Test(escape, empty_strings)
{
    vmx_error err = VMX_ERROR_INIT;
    char *out;

    cr_assert_eq(vmx_escape_datastore_item(&out, "", &err), 0);
    cr_assert_str_eq(out, "");
    vmx_free(out);
    cr_assert_eq(vmx_escape_pipe(&out, "", &err), 0);
    cr_assert_str_eq(out, "");
    vmx_free(out);
    out = decode_ok(vmx_unescape_datastore_item, "", 0, NULL);
    cr_assert_str_eq(out, "");
    vmx_free(out);
}

Test(escape, null_arguments_are_einval)
{
    vmx_error err = VMX_ERROR_INIT;
    char *out = (char *)"x";

    cr_assert_eq(vmx_escape_pipe(&out, NULL, &err), VMX_EINVAL);
    cr_assert_null(out);
    cr_assert_str_eq(err.message, "no input string");
    cr_assert_eq(vmx_unescape_percent(NULL, "a", 0, NULL, NULL), VMX_EINVAL);
    cr_assert_eq(vmx_escape_datastore_item(NULL, "a", NULL), VMX_EINVAL);
    cr_assert_eq(vmx_unescape_datastore_item(&out, NULL, 0, NULL, NULL), VMX_EINVAL);
    cr_assert_eq(vmx_datastore_path_parse(NULL, "[a] b", NULL), VMX_EINVAL);
    cr_assert_eq(vmx_utf8_validate(NULL, NULL, 3, NULL), VMX_EINVAL);
    cr_assert_eq(vmx_utf8_validate(NULL, NULL, 0, NULL), 0);
}

/* ---------- long and random inputs ---------- */

#define BIG (1024 * 1024)

Test(escape, one_megabyte_round_trips)
{
    static const char *pattern[] = {"a",  "|",        "\"", "%", "/",
                                    "\\", "\xc3\xa4", "+",  "-", "\xf0\x9f\x98\x80",
                                    " ",  "\n",       "~",  "_", "Z"};
    char *in = malloc(BIG + 8), *enc, *dec;
    vmx_error err = VMX_ERROR_INIT;
    vmx_unescape_report rep;
    size_t n = 0, k = 0;

    while (n < BIG) {
        const char *p = pattern[(k * 7 + k / 3) % 15];

        memcpy(in + n, p, strlen(p));
        n += strlen(p);
        k++;
    }
    in[n] = '\0';
    cr_assert_eq(vmx_escape_pipe(&enc, in, &err), 0);
    cr_assert_eq(vmx_unescape_pipe(&dec, enc, 0, NULL, &err), 0);
    cr_assert_str_eq(dec, in);
    vmx_free(enc);
    vmx_free(dec);
    cr_assert_eq(vmx_escape_percent(&enc, in, &err), 0);
    cr_assert_eq(vmx_unescape_percent(&dec, enc, 0, NULL, &err), 0);
    cr_assert_str_eq(dec, in);
    vmx_free(enc);
    vmx_free(dec);
    cr_assert_eq(vmx_escape_datastore_item(&enc, in, &err), 0);
    cr_assert_eq(vmx_unescape_datastore_item(&dec, enc, 0, &rep, &err), 0, "%s",
                 err.message);
    cr_assert_eq(strlen(dec), n); /* '"' and '|' became '_': same length */
    cr_assert_eq(rep.ambiguous,
                 count_char(in, '_') + count_char(in, '"') + count_char(in, '|'));
    vmx_free(enc);
    vmx_free(dec);
    free(in);
}

Test(escape, one_megabyte_of_escape_characters)
{
    char *in = malloc(BIG + 1), *out;
    vmx_error err = VMX_ERROR_INIT;
    vmx_unescape_report rep;

    memset(in, '|', BIG);
    in[BIG] = '\0';
    cr_assert_eq(vmx_unescape_pipe(&out, in, 0, NULL, &err), VMX_EPARSE);
    cr_assert_eq(err.column, 1);
    out = decode_ok(vmx_unescape_pipe, in, VMX_UNESCAPE_LENIENT, &rep);
    cr_assert_eq(rep.kept, BIG);
    cr_assert_str_eq(out, in);
    vmx_free(out);
    memset(in, '+', BIG);
    vmx_error_clear(&err);
    cr_assert_eq(vmx_unescape_datastore_item(&out, in, 0, NULL, &err), VMX_EPARSE);
    out = decode_ok(vmx_unescape_datastore_item, in, VMX_UNESCAPE_LENIENT, &rep);
    vmx_free(out);
    memset(in, '_', BIG);
    out = decode_ok(vmx_unescape_datastore_item, in, 0, &rep);
    cr_assert_eq(rep.ambiguous, BIG);
    vmx_free(out);
    free(in);
}

static unsigned int rng_state = 12345;

static unsigned int rng(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return (rng_state >> 16) & 0x7fff;
}

Test(escape, random_bytes_never_crash)
{
    static const char alphabet[] =
        "|%+-_,/\\\"0aFfZz9:~ \n\x01\x80\xbf\xc3\xa4\xe6\xf0\xff";
    char buf[40];
    int iter;

    for (iter = 0; iter < 20000; iter++) {
        size_t len = rng() % 32, i;
        int scheme;

        for (i = 0; i < len; i++)
            buf[i] = alphabet[rng() % (sizeof(alphabet) - 1)];
        buf[len] = '\0';
        for (scheme = 0; scheme < 3; scheme++) {
            vmx_error err = VMX_ERROR_INIT;
            vmx_unescape_report rep;
            char *out = NULL;
            int rc = decoder(scheme)(&out, buf, VMX_UNESCAPE_STRICT, &rep, &err);

            cr_assert(rc == 0 || rc == VMX_EPARSE, "rc %d", rc);
            cr_assert_eq(rc == 0, out != NULL);
            if (rc < 0)
                cr_assert(err.column >= 1 && err.column <= len, "column %lu of %zu",
                          err.column, len);
            vmx_free(out);
            rc = decoder(scheme)(&out, buf, VMX_UNESCAPE_LENIENT, &rep, &err);
            cr_assert_eq(rc, 0, "lenient mode failed");
            vmx_free(out);
        }
    }
}

Test(escape, random_bytes_round_trip_in_lenient_mode)
{
    int iter;

    for (iter = 0; iter < 5000; iter++) {
        char buf[40], want[40], *enc, *dec;
        size_t len = 1 + rng() % 30, i;
        vmx_unescape_report rep;

        for (i = 0; i < len; i++)
            buf[i] = (char)(1 + rng() % 255);
        buf[len] = '\0';
        cr_assert_eq(vmx_escape_pipe(&enc, buf, NULL), 0);
        cr_assert_eq(vmx_unescape_pipe(&dec, enc, VMX_UNESCAPE_LENIENT, &rep, NULL), 0);
        cr_assert_str_eq(dec, buf);
        cr_assert_eq(rep.kept, 0);
        vmx_free(enc);
        vmx_free(dec);
        cr_assert_eq(vmx_escape_datastore_item(&enc, buf, NULL), 0);
        cr_assert_eq(
            vmx_unescape_datastore_item(&dec, enc, VMX_UNESCAPE_LENIENT, &rep, NULL), 0);
        memcpy(want, buf, len + 1);
        for (i = 0; i < len; i++)
            if (strchr("\"*<>:|?", want[i]))
                want[i] = '_';
        cr_assert_str_eq(dec, want, "encoded as %s", enc);
        cr_assert_eq(rep.kept, 0);
        vmx_free(enc);
        vmx_free(dec);
    }
}

/* ---------- allocation failures ---------- */

Test(escape, allocation_failures_are_enomem)
{
    const char *in = "a|b\"c/%\xc3\xa4:+-_";
    int fn;

    for (fn = 0; fn < 9; fn++) {
        long n;
        int rc = VMX_ENOMEM;

        for (n = 1; n < 100 && rc == VMX_ENOMEM; n++) {
            vmx_error err = VMX_ERROR_INIT;
            vmx_datastore_path p = VMX_DATASTORE_PATH_INIT;
            char *out = NULL;

            vmx__alloc_fail_after(n);
            switch (fn) {
            case 0:
                rc = vmx_escape_percent(&out, in, &err);
                break;
            case 1:
                rc = vmx_unescape_percent(&out, "a%2fb", 0, NULL, &err);
                break;
            case 2:
                rc = vmx_escape_pipe(&out, in, &err);
                break;
            case 3:
                rc = vmx_unescape_pipe(&out, "|7c|22", 0, NULL, &err);
                break;
            case 4:
                rc = vmx_escape_datastore_item(&out, in, &err);
                break;
            case 5:
                rc = vmx_unescape_datastore_item(&out, "A+w6Q-1_x+fg-y+fg-z+fg", 0, NULL,
                                                 &err);
                break;
            case 6:
                rc = vmx_datastore_path_parse(&p, "[ds] a/b", &err);
                break;
            case 7:
                p.datastore = (char *)"ds";
                p.directory_and_file = (char *)"a/b";
                rc = vmx_datastore_path_format(&out, &p, &err);
                p.datastore = p.directory_and_file = NULL;
                break;
            default:
                rc = vmx_charset_cp1252_to_utf8(&out, NULL, "\x80x", 2, &err);
            }
            vmx__alloc_fail_after(0);
            if (rc == VMX_ENOMEM) {
                cr_assert_null(out, "function %d, failure %ld", fn, n);
                cr_assert_null(p.datastore);
                cr_assert_str_eq(err.message, "out of memory");
            } else {
                cr_assert_eq(rc, 0, "function %d, failure %ld: rc %d", fn, n, rc);
                cr_assert_gt(n, 1, "function %d allocated nothing", fn);
            }
            vmx_free(out);
            vmx_datastore_path_dispose(&p);
        }
        cr_assert_eq(rc, 0, "function %d never succeeded", fn);
    }
}

/* ---------- datastore paths ---------- */

static void check_datastore_path(const jrec *r, const char *where)
{
    const char *path = jstr(r, "path");
    const jfield *ok = jget(r, "ok");
    vmx_datastore_path p = VMX_DATASTORE_PATH_INIT;
    vmx_error err = VMX_ERROR_INIT;
    int rc = vmx_datastore_path_parse(&p, path, &err);

    cr_assert_not_null(ok, "%s", where);
    if (ok->kind == 'f') {
        cr_assert_eq(rc, VMX_EPARSE, "%s: '%s' was accepted", where, path);
        cr_assert_null(p.datastore);
        cr_assert(strncmp(err.message, "invalid datastore path '", 24) == 0, "%s: %s",
                  where, err.message);
        return;
    }
    cr_assert_eq(rc, 0, "%s: %s", where, err.message);
    cr_assert_str_eq(p.datastore, jstr(r, "datastore"), "%s", where);
    cr_assert_str_eq(p.directory, jstr(r, "directory"), "%s", where);
    cr_assert_str_eq(p.directory_and_file, jstr(r, "directory_and_file"), "%s", where);
    vmx_datastore_path_dispose(&p);
    cr_assert_null(p.datastore);
}

Test(datastore_path, libvirt_vectors)
{
    cr_assert_eq(each_record("libvirt/escape/datastore-path.jsonl", check_datastore_path),
                 7);
}

Test(datastore_path, file_part)
{
    static const char *cases[][4] = {
        /* path, directory, file, directory_and_file */
        {"[ds] a/b/c.vmx", "a/b", "c.vmx", "a/b/c.vmx"},
        {"[ds] c.vmx", "c.vmx", "c.vmx", "c.vmx"},
        {"[ds] dir/", "dir", "", "dir/"},
        {"[ds]", "", "", ""},
        {"[ds]    x y/z", "x y", "z", "x y/z"},
        {"[ds] /abs", "", "abs", "/abs"},
        {"[ds]x", "x", "x", "x"},
        {"[ds]]x", "]x", "]x", "]x"},
        {"[ds", "", "", ""},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        vmx_datastore_path p = VMX_DATASTORE_PATH_INIT;
        vmx_error err = VMX_ERROR_INIT;

        cr_assert_eq(vmx_datastore_path_parse(&p, cases[i][0], &err), 0, "%s",
                     cases[i][0]);
        cr_assert_str_eq(p.datastore, "ds", "%s", cases[i][0]);
        cr_assert_str_eq(p.directory, cases[i][1], "%s", cases[i][0]);
        cr_assert_str_eq(p.file, cases[i][2], "%s", cases[i][0]);
        cr_assert_str_eq(p.directory_and_file, cases[i][3], "%s", cases[i][0]);
        vmx_datastore_path_dispose(&p);
    }
}

Test(datastore_path, errors_have_message_and_column)
{
    static const struct {
        const char *path, *message;
        unsigned long column;
    } cases[] = {
        {"[] x", "invalid datastore path '[] x': empty datastore name", 2},
        {"[]", "invalid datastore path '[]': empty datastore name", 2},
        {"[", "invalid datastore path '[': empty datastore name", 2},
        {"x", "invalid datastore path 'x': it does not start with '['", 1},
        {"", "invalid datastore path '': it does not start with '['", 1},
        {" [ds] x", "invalid datastore path ' [ds] x': it does not start with '['", 1},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        vmx_datastore_path p = VMX_DATASTORE_PATH_INIT;
        vmx_error err = VMX_ERROR_INIT;

        cr_assert_eq(vmx_datastore_path_parse(&p, cases[i].path, &err), VMX_EPARSE, "%s",
                     cases[i].path);
        cr_assert_str_eq(err.message, cases[i].message);
        cr_assert_eq(err.column, cases[i].column, "%s", cases[i].path);
        cr_assert_null(p.datastore);
        vmx_datastore_path_dispose(&p);
    }
}

Test(datastore_path, format_round_trips)
{
    static const char *paths[] = {"[datastore] directory/file", "[ds]",
                                  "[a b] c/d/e.vmdk", "[ds] dir/"};
    size_t i;

    for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        vmx_datastore_path p = VMX_DATASTORE_PATH_INIT;
        vmx_error err = VMX_ERROR_INIT;
        char *out;

        cr_assert_eq(vmx_datastore_path_parse(&p, paths[i], &err), 0);
        cr_assert_eq(vmx_datastore_path_format(&out, &p, &err), 0);
        cr_assert_str_eq(out, paths[i]);
        vmx_free(out);
        vmx_datastore_path_dispose(&p);
    }
}

Test(datastore_path, format_rejects_unparseable_parts)
{
    vmx_datastore_path p = VMX_DATASTORE_PATH_INIT;
    vmx_error err = VMX_ERROR_INIT;
    char *out = (char *)"x";

    cr_assert_eq(vmx_datastore_path_format(&out, &p, &err), VMX_EINVAL);
    cr_assert_null(out);
    cr_assert_str_eq(err.message, "empty datastore name");
    p.datastore = (char *)"a]b";
    vmx_error_clear(&err);
    cr_assert_eq(vmx_datastore_path_format(&out, &p, &err), VMX_EINVAL);
    cr_assert_str_eq(err.message, "datastore name 'a]b' contains ']'");
    p.datastore = (char *)"ds";
    p.directory_and_file = (char *)" x";
    vmx_error_clear(&err);
    cr_assert_eq(vmx_datastore_path_format(&out, &p, &err), VMX_EINVAL);
    cr_assert_str_eq(err.message, "path ' x' starts with a space");
    vmx_datastore_path_dispose(NULL);
}

/* ---------- windows-1252 and UTF-8 ---------- */

static void check_cp1252(const jrec *r, const char *where)
{
    const char *hex = jstr(r, "input_hex"), *want = jstr(r, "utf8");
    char bytes[256], *out;
    size_t n = 0, outlen;
    vmx_error err = VMX_ERROR_INIT;

    cr_assert_not_null(hex, "%s", where);
    for (; hex[0] && hex[1] && n < sizeof(bytes); hex += 2) {
        char b[3] = {hex[0], hex[1], 0};

        bytes[n++] = (char)strtoul(b, NULL, 16);
    }
    cr_assert_eq(vmx_charset_cp1252_to_utf8(&out, &outlen, bytes, n, &err), 0);
    cr_assert_str_eq(out, want, "%s", where);
    cr_assert_eq(outlen, strlen(want));
    vmx_free(out);
}

Test(charset, libvirt_windows_1252_vectors)
{
    cr_assert_eq(each_record("libvirt/escape/windows-1252.jsonl", check_cp1252), 4);
}

Test(charset, all_256_bytes_match_iconv_or_c1)
{
    iconv_t cd = iconv_open("UTF-8", "WINDOWS-1252");
    int b;

    cr_assert(cd != (iconv_t)-1);
    for (b = 0; b < 256; b++) {
        char in = (char)b, ref[8], *out, *ip = &in, *op = ref;
        size_t il = 1, ol = sizeof(ref), outlen;

        cr_assert_eq(vmx_charset_cp1252_to_utf8(&out, &outlen, &in, 1, NULL), 0);
        cr_assert_eq(vmx_utf8_validate(NULL, out, outlen, NULL), 0, "byte %02x", b);
        if (b == 0x81 || b == 0x8D || b == 0x8F || b == 0x90 || b == 0x9D) {
            /* undefined in windows-1252: the C1 control of the same value */
            cr_assert_eq(outlen, 2);
            cr_assert_eq((unsigned char)out[0], 0xC2);
            cr_assert_eq((unsigned char)out[1], b);
        } else {
            cr_assert_neq(iconv(cd, &ip, &il, &op, &ol), (size_t)-1, "byte %02x", b);
            cr_assert_eq(outlen, sizeof(ref) - ol, "byte %02x", b);
            cr_assert_eq(memcmp(out, ref, outlen), 0, "byte %02x", b);
        }
        vmx_free(out);
    }
    iconv_close(cd);
}

Test(charset, utf8_validate_rejects_malformed)
{
    static const struct {
        const char *s;
        size_t len, bad;
    } cases[] = {
        {"plain \xc3\xa4 \xe6\xa8\x99 \xf0\x9f\x98\x80", 17, 17},
        {"\xf4\x8f\xbf\xbf", 4, 4}, /* U+10FFFF */
        {"a\0b", 3, 3},             /* NUL is allowed */
        {"ab\x80", 3, 2},           /* stray continuation */
        {"\xc0\x80", 2, 0},         /* overlong NUL */
        {"x\xe0\x80\x80", 4, 1},    /* overlong */
        {"\xed\xa0\x80", 3, 0},     /* surrogate */
        {"\xf4\x90\x80\x80", 4, 0}, /* above U+10FFFF */
        {"abc\xe6\xa8", 5, 3},      /* truncated */
        {"\xf5\x80\x80\x80", 4, 0},
        {"\xc3(", 2, 0},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        vmx_error err = VMX_ERROR_INIT;
        size_t bad = 999;
        int rc = vmx_utf8_validate(&bad, cases[i].s, cases[i].len, &err);

        cr_assert_eq(bad, cases[i].bad, "case %zu: offset %zu", i, bad);
        if (cases[i].bad == cases[i].len) {
            cr_assert_eq(rc, 0, "case %zu", i);
        } else {
            char msg[64];

            cr_assert_eq(rc, VMX_EPARSE, "case %zu", i);
            snprintf(msg, sizeof(msg), "invalid UTF-8 at offset %zu", cases[i].bad);
            cr_assert_str_eq(err.message, msg);
            cr_assert_eq(err.column, cases[i].bad + 1);
        }
    }
}
