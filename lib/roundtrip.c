/* Round-trip checks (vmxkit/roundtrip.h): convert a VMX or XML document
 * through the domain model and back, and list what changed.
 *
 * The keys check compares two VMX texts as sets of (lowercased key, value)
 * pairs, read with the tolerant file layer (values in UTF-8 whatever the
 * `.encoding`). Values are decoded (pipe escapes, and percent escapes in
 * displayName) and then compared by the semantic rules below, which are the
 * policy documented in doc/roundtrip.md: a difference that does not change
 * the meaning is not reported, anything else is.
 *
 * The fixpoint check compares two XML texts line by line (a longest common
 * subsequence over the lines that differ), so that a finding names the lines
 * that were lost, added or changed. */
#include "config.h"
#include "util.h"
#include "buf.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmxkit/convert.h"
#include "vmxkit/escape.h"
#include "vmxkit/io.h"
#include "vmxkit/roundtrip.h"
#include "vmxkit/vmxfile.h"

/* Cells of the line-diff table beyond which the lines in between are paired
 * up in order instead (XML texts of a VM differ in a handful of lines). */
#define DIFF_MAX_CELLS ((size_t)4 * 1024 * 1024)

struct vmx_roundtrip {
    vmx_format format;
    vmx_roundtrip_finding *items;
    size_t n, cap;
    bool tried[2][2]; /* [check][lossless]: the check was run */
    bool ran[2][2];   /* ... and its conversions completed */
    size_t found[2][2];
};

/* ---- the report ---- */

static void finding_dispose(vmx_roundtrip_finding *f)
{
    vmx__free((void *)f->key);
    vmx__free((void *)f->before);
    vmx__free((void *)f->after);
    vmx__free((void *)f->message);
}

void vmx_roundtrip_free(vmx_roundtrip *rt)
{
    size_t i;

    if (!rt)
        return;
    for (i = 0; i < rt->n; i++)
        finding_dispose(&rt->items[i]);
    vmx__free(rt->items);
    vmx__free(rt);
}

size_t vmx_roundtrip_count(const vmx_roundtrip *rt)
{
    return rt ? rt->n : 0;
}

const vmx_roundtrip_finding *vmx_roundtrip_get(const vmx_roundtrip *rt, size_t i)
{
    return rt && i < rt->n ? &rt->items[i] : NULL;
}

bool vmx_roundtrip_passed(const vmx_roundtrip *rt, vmx_roundtrip_check_id check,
                          bool lossless)
{
    if (!rt || (check != VMX_ROUNDTRIP_KEYS && check != VMX_ROUNDTRIP_FIXPOINT))
        return false;
    return rt->ran[check][lossless] && rt->found[check][lossless] == 0;
}

bool vmx_roundtrip_checked(const vmx_roundtrip *rt, vmx_roundtrip_check_id check,
                           bool lossless)
{
    if (!rt || (check != VMX_ROUNDTRIP_KEYS && check != VMX_ROUNDTRIP_FIXPOINT))
        return false;
    return rt->tried[check][lossless];
}

vmx_format vmx_roundtrip_format(const vmx_roundtrip *rt)
{
    return rt ? rt->format : VMX_FORMAT_UNKNOWN;
}

const char *vmx_roundtrip_kind_name(vmx_roundtrip_kind kind)
{
    switch (kind) {
    case VMX_ROUNDTRIP_LOST:
        return "lost";
    case VMX_ROUNDTRIP_ADDED:
        return "added";
    case VMX_ROUNDTRIP_CHANGED:
        return "changed";
    case VMX_ROUNDTRIP_ERROR:
        return "error";
    default:
        return "unknown";
    }
}

const char *vmx_roundtrip_check_name(vmx_roundtrip_check_id check)
{
    return check == VMX_ROUNDTRIP_KEYS ? "keys" : "fixpoint";
}

static int nomem(vmx_error *err)
{
    return vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
}

/* Copy @n bytes of @s (NULL stays NULL) into *dst. */
static int dup_n(char **dst, const char *s, size_t n)
{
    *dst = NULL;
    if (!s)
        return 0;
    *dst = vmx__strndup(s, n);
    return *dst ? 0 : VMX_ENOMEM;
}

/* Append a finding; the strings are copied (@before/@after are @blen/@alen
 * bytes long, so that XML lines need no NUL). */
static int add_finding(vmx_roundtrip *rt, vmx_error *err, vmx_roundtrip_check_id check,
                       vmx_roundtrip_kind kind, bool lossless, unsigned long line,
                       const char *key, const char *before, size_t blen,
                       const char *after, size_t alen, const char *message)
{
    vmx_roundtrip_finding f;
    char *k = NULL, *b = NULL, *a = NULL, *m = NULL;

    if (rt->n == rt->cap) {
        size_t cap = rt->cap ? rt->cap * 2 : 16, bytes;
        vmx_roundtrip_finding *p;

        if (__builtin_mul_overflow(cap, sizeof(*p), &bytes))
            return vmx_error_set(err, VMX_ELIMIT, NULL, 0, NULL, "too many findings");
        p = vmx__realloc(rt->items, bytes);
        if (!p)
            return nomem(err);
        rt->items = p;
        rt->cap = cap;
    }
    if (dup_n(&k, key, key ? strlen(key) : 0) < 0 || dup_n(&b, before, blen) < 0 ||
        dup_n(&a, after, alen) < 0 ||
        dup_n(&m, message, message ? strlen(message) : 0) < 0) {
        vmx__free(k);
        vmx__free(b);
        vmx__free(a);
        vmx__free(m);
        return nomem(err);
    }
    f.check = check;
    f.kind = kind;
    f.lossless = lossless;
    f.line = line;
    f.key = k;
    f.before = b;
    f.after = a;
    f.message = m;
    rt->items[rt->n++] = f;
    rt->found[check][lossless]++;
    return 0;
}

/* Record a failed conversion step as a finding of @check. */
static int add_error(vmx_roundtrip *rt, vmx_error *err, vmx_roundtrip_check_id check,
                     bool lossless, const char *step, const vmx_error *sub)
{
    vmx_buf msg = VMX_BUF_INIT;
    int rc;

    vmx_buf_printf(&msg, "%s: %s", step, sub->message[0] ? sub->message : "error");
    if (msg.failed) {
        vmx_buf_dispose(&msg);
        return nomem(err);
    }
    /* sub->line is a line of an intermediate text: not worth showing */
    rc = add_finding(rt, err, check, VMX_ROUNDTRIP_ERROR, lossless, 0,
                     sub->key[0] ? sub->key : NULL, NULL, 0, NULL, 0, msg.ptr);
    vmx_buf_dispose(&msg);
    return rc;
}

/* ---- the (key, value) sets of a VMX text ---- */

typedef struct kv {
    char *key;   /* lowercased */
    char *value; /* decoded */
    unsigned long line;
} kv;

typedef struct kvset {
    kv *items;
    size_t n;
} kvset;

static void kvset_dispose(kvset *s)
{
    size_t i;

    for (i = 0; i < s->n; i++) {
        vmx__free(s->items[i].key);
        vmx__free(s->items[i].value);
    }
    vmx__free(s->items);
    s->items = NULL;
    s->n = 0;
}

static int kv_cmp(const void *pa, const void *pb)
{
    const kv *a = pa, *b = pb;
    int c = strcmp(a->key, b->key);

    if (c)
        return c;
    c = strcmp(a->value, b->value);
    if (c)
        return c;
    return a->line < b->line ? -1 : a->line > b->line;
}

/* The value as compared: pipe escapes decoded (leniently: a stray '|'
 * stays), and for displayName the percent escapes libvirt adds first. */
static int decode_value(char **out, const char *lkey, const char *value, vmx_error *err)
{
    char *pct = NULL;
    int rc;

    *out = NULL;
    if (strcmp(lkey, "displayname") == 0) {
        if ((rc = vmx_unescape_percent(&pct, value, VMX_UNESCAPE_LENIENT, NULL, err)) < 0)
            return rc;
        value = pct;
    }
    rc = vmx_unescape_pipe(out, value, VMX_UNESCAPE_LENIENT, NULL, err);
    vmx_free(pct);
    return rc;
}

/* Read the pairs of @cfg, sorted by key and value, exact duplicates
 * dropped. `.encoding` is left out: the values are compared in UTF-8. */
static int kvset_build(kvset *s, const vmx_config *cfg, vmx_error *err)
{
    size_t i, n = vmx_config_count(cfg), out = 0;
    int rc = 0;

    s->items = NULL;
    s->n = 0;
    if (n == 0)
        return 0;
    s->items = vmx__calloc(n, sizeof(*s->items));
    if (!s->items)
        return nomem(err);
    for (i = 0; i < n; i++) {
        const char *key, *value;
        unsigned long line;
        kv *e = &s->items[s->n];
        char *p, *dec = NULL;

        if (vmx_config_entry(cfg, i, &key, &value, &line) < 0 || !key)
            continue;
        if (vmx__strcasecmp(key, ".encoding") == 0)
            continue;
        e->key = vmx__strdup(key);
        if (!e->key)
            return nomem(err);
        for (p = e->key; *p; p++)
            *p = vmx__ascii_lower(*p);
        if ((rc = decode_value(&dec, e->key, value ? value : "", err)) < 0) {
            vmx__free(e->key);
            e->key = NULL;
            return rc;
        }
        e->value = dec;
        e->line = line;
        s->n++;
    }
    qsort(s->items, s->n, sizeof(*s->items), kv_cmp);
    for (i = 0; i < s->n; i++) {
        if (out > 0 && strcmp(s->items[out - 1].key, s->items[i].key) == 0 &&
            strcmp(s->items[out - 1].value, s->items[i].value) == 0) {
            vmx__free(s->items[i].key);
            vmx__free(s->items[i].value);
            continue;
        }
        s->items[out++] = s->items[i];
    }
    s->n = out;
    return 0;
}

/* ---- the semantic rules ---- */

static bool parse_bool(const char *s, bool *v)
{
    if (vmx__strcasecmp(s, "true") == 0) {
        *v = true;
        return true;
    }
    if (vmx__strcasecmp(s, "false") == 0) {
        *v = false;
        return true;
    }
    return false;
}

/* A decimal integer: optional sign, digits, nothing else. */
static bool parse_int(const char *s, long long *v)
{
    const char *p = s;
    char *end;

    if (*p == '+' || *p == '-')
        p++;
    if (*p < '0' || *p > '9')
        return false;
    errno = 0;
    *v = strtoll(s, &end, 10);
    return errno == 0 && *end == '\0';
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

/* 16 bytes as hex pairs, blanks and '-' allowed around and between the
 * pairs (VMware writes "56 4d ...-...", libvirt parses liberally). */
static bool parse_uuid(const char *s, unsigned char out[16])
{
    size_t i;

    for (i = 0; i < 16; i++) {
        int hi, lo;

        while (*s == ' ' || *s == '-' || *s == '\t')
            s++;
        if ((hi = hexval(s[0])) < 0 || (lo = hexval(s[1])) < 0)
            return false;
        out[i] = (unsigned char)(hi << 4 | lo);
        s += 2;
    }
    while (*s == ' ' || *s == '\t')
        s++;
    return *s == '\0';
}

static bool key_has_suffix(const char *lkey, const char *suffix)
{
    size_t n = strlen(lkey), m = strlen(suffix);

    return n >= m && strcmp(lkey + n - m, suffix) == 0;
}

/* Keys holding a UUID. */
static bool is_uuid_key(const char *lkey)
{
    return strcmp(lkey, "uuid.bios") == 0 || strcmp(lkey, "uuid.location") == 0 ||
           strcmp(lkey, "vc.uuid") == 0 || key_has_suffix(lkey, ".dvs.switchid");
}

/* Keys whose values VMware reads ignoring case: enumerations, and MAC
 * addresses (libvirt writes them in lowercase). */
static bool is_caseless_key(const char *lkey)
{
    static const char *const suffixes[] = {
        ".virtualdev",    ".devicetype", ".filetype",         ".connectiontype",
        ".addresstype",   ".address",    ".generatedaddress", ".network.endpoint",
        ".pipe.endpoint", ".mode"};
    size_t i;

    if (strcmp(lkey, "guestos") == 0 || strcmp(lkey, "firmware") == 0 ||
        strcmp(lkey, "sched.cpu.shares") == 0)
        return true;
    for (i = 0; i < VMX_ARRAY_SIZE(suffixes); i++)
        if (key_has_suffix(lkey, suffixes[i]))
            return true;
    return false;
}

/* Whether @a and @b, two decoded values of @lkey, mean the same. */
static bool same_meaning(const char *lkey, const char *a, const char *b)
{
    bool ba, bb;
    long long ia, ib;
    unsigned char ua[16], ub[16];

    if (strcmp(a, b) == 0)
        return true;
    if (parse_bool(a, &ba) && parse_bool(b, &bb))
        return ba == bb;
    if (parse_int(a, &ia) && parse_int(b, &ib))
        return ia == ib;
    if (is_uuid_key(lkey) && parse_uuid(a, ua) && parse_uuid(b, ub))
        return memcmp(ua, ub, sizeof(ua)) == 0;
    if (is_caseless_key(lkey))
        return vmx__strcasecmp(a, b) == 0;
    return false;
}

static int add_lost(vmx_roundtrip *rt, vmx_error *err, bool lossless, const kv *a)
{
    return add_finding(rt, err, VMX_ROUNDTRIP_KEYS, VMX_ROUNDTRIP_LOST, lossless, a->line,
                       a->key, a->value, strlen(a->value), NULL, 0, NULL);
}

static int add_added(vmx_roundtrip *rt, vmx_error *err, bool lossless, const kv *b)
{
    return add_finding(rt, err, VMX_ROUNDTRIP_KEYS, VMX_ROUNDTRIP_ADDED, lossless, 0,
                       b->key, NULL, 0, b->value, strlen(b->value), NULL);
}

/* Compare the values of one key: @a[0..na) from the input, @b[0..nb) from
 * the output. Values with a partner of the same meaning are dropped; what
 * is left is paired up as changed, then reported as lost or added. */
static int compare_key(vmx_roundtrip *rt, vmx_error *err, bool lossless, const kv *a,
                       size_t na, const kv *b, size_t nb)
{
    bool *used_a = NULL, *used_b = NULL;
    size_t i, j;
    int rc = 0;

    used_a = vmx__calloc(na ? na : 1, sizeof(*used_a));
    used_b = vmx__calloc(nb ? nb : 1, sizeof(*used_b));
    if (!used_a || !used_b) {
        rc = nomem(err);
        goto out;
    }
    for (i = 0; i < na; i++) {
        for (j = 0; j < nb; j++) {
            if (!used_b[j] && same_meaning(a[i].key, a[i].value, b[j].value)) {
                used_a[i] = used_b[j] = true;
                break;
            }
        }
    }
    for (i = j = 0;; i++, j++) {
        while (i < na && used_a[i])
            i++;
        while (j < nb && used_b[j])
            j++;
        if (i == na || j == nb)
            break;
        if ((rc = add_finding(rt, err, VMX_ROUNDTRIP_KEYS, VMX_ROUNDTRIP_CHANGED,
                              lossless, a[i].line, a[i].key, a[i].value,
                              strlen(a[i].value), b[j].value, strlen(b[j].value), NULL)) <
            0)
            goto out;
        used_a[i] = used_b[j] = true;
    }
    for (i = 0; i < na && rc == 0; i++)
        if (!used_a[i])
            rc = add_lost(rt, err, lossless, &a[i]);
    for (j = 0; j < nb && rc == 0; j++)
        if (!used_b[j])
            rc = add_added(rt, err, lossless, &b[j]);
out:
    vmx__free(used_a);
    vmx__free(used_b);
    return rc;
}

/* The keys check: the pairs of @in (the parsed input) and of @out. */
static int compare_keys(vmx_roundtrip *rt, vmx_error *err, bool lossless,
                        const vmx_config *in, const vmx_config *out)
{
    kvset a = {NULL, 0}, b = {NULL, 0};
    size_t i = 0, j = 0;
    int rc;

    if ((rc = kvset_build(&a, in, err)) < 0 || (rc = kvset_build(&b, out, err)) < 0)
        goto out;
    while (i < a.n || j < b.n) {
        size_t i2 = i, j2 = j;
        int c;

        if (i == a.n)
            c = 1;
        else if (j == b.n)
            c = -1;
        else
            c = strcmp(a.items[i].key, b.items[j].key);
        if (c <= 0)
            while (i2 < a.n && strcmp(a.items[i2].key, a.items[i].key) == 0)
                i2++;
        if (c >= 0)
            while (j2 < b.n && strcmp(b.items[j2].key, b.items[j].key) == 0)
                j2++;
        if ((rc = compare_key(rt, err, lossless, a.items + i, i2 - i, b.items + j,
                              j2 - j)) < 0)
            goto out;
        i = i2;
        j = j2;
    }
    rt->ran[VMX_ROUNDTRIP_KEYS][lossless] = true;
out:
    kvset_dispose(&a);
    kvset_dispose(&b);
    return rc;
}

/* ---- the XML line diff ---- */

typedef struct line {
    const char *s;
    size_t len;
} line;

static int split_lines(line **out, size_t *n, const char *text, vmx_error *err)
{
    size_t count = 0, i = 0;
    const char *p;
    line *v;

    *out = NULL;
    *n = 0;
    for (p = text; *p; p++)
        count += *p == '\n';
    if (*text && text[strlen(text) - 1] != '\n')
        count++;
    if (count == 0)
        return 0;
    v = vmx__calloc(count, sizeof(*v));
    if (!v)
        return nomem(err);
    for (p = text; *p && i < count; i++) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);

        v[i].s = p;
        v[i].len = len;
        p += len + (nl != NULL);
    }
    *out = v;
    *n = i;
    return 0;
}

static bool line_eq(const line *a, const line *b)
{
    return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
}

/* Report one hunk: @a[0..na) replaced by @b[0..nb) at first-XML line
 * @aline + 1 and second-XML line @bline + 1. Lines are paired up as
 * changed, the rest lost or added. */
static int report_hunk(vmx_roundtrip *rt, vmx_error *err, bool lossless, const line *a,
                       size_t na, size_t aline, const line *b, size_t nb, size_t bline)
{
    size_t k, pairs = na < nb ? na : nb;
    int rc;

    for (k = 0; k < pairs; k++)
        if ((rc = add_finding(rt, err, VMX_ROUNDTRIP_FIXPOINT, VMX_ROUNDTRIP_CHANGED,
                              lossless, aline + k + 1, NULL, a[k].s, a[k].len, b[k].s,
                              b[k].len, NULL)) < 0)
            return rc;
    for (k = pairs; k < na; k++)
        if ((rc = add_finding(rt, err, VMX_ROUNDTRIP_FIXPOINT, VMX_ROUNDTRIP_LOST,
                              lossless, aline + k + 1, NULL, a[k].s, a[k].len, NULL, 0,
                              NULL)) < 0)
            return rc;
    for (k = pairs; k < nb; k++)
        if ((rc = add_finding(rt, err, VMX_ROUNDTRIP_FIXPOINT, VMX_ROUNDTRIP_ADDED,
                              lossless, bline + k + 1, NULL, NULL, 0, b[k].s, b[k].len,
                              NULL)) < 0)
            return rc;
    return 0;
}

/* Diff the middle parts @a[0..na), @b[0..nb) (offsets @ao, @bo in their
 * texts) by a longest common subsequence of lines. */
static int diff_middle(vmx_roundtrip *rt, vmx_error *err, bool lossless, const line *a,
                       size_t na, size_t ao, const line *b, size_t nb, size_t bo)
{
    uint32_t *t = NULL;
    size_t i, j, cells, hi = 0, hj = 0;
    int rc = 0;

    if (na == 0 || nb == 0 || __builtin_mul_overflow(na + 1, nb + 1, &cells) ||
        cells > DIFF_MAX_CELLS)
        return report_hunk(rt, err, lossless, a, na, ao, b, nb, bo);
    t = vmx__calloc(cells, sizeof(*t));
    if (!t)
        return nomem(err);
#define T(i, j) t[(i) * (nb + 1) + (j)]
    /* T(i, j): length of the LCS of a[i..] and b[j..] */
    for (i = na; i-- > 0;)
        for (j = nb; j-- > 0;)
            T(i, j) = line_eq(&a[i], &b[j])
                          ? T(i + 1, j + 1) + 1
                          : (T(i + 1, j) > T(i, j + 1) ? T(i + 1, j) : T(i, j + 1));
    i = j = 0;
    while (i < na || j < nb) {
        if (i < na && j < nb && line_eq(&a[i], &b[j])) {
            if ((rc = report_hunk(rt, err, lossless, a + hi, i - hi, ao + hi, b + hj,
                                  j - hj, bo + hj)) < 0)
                goto out;
            i++;
            j++;
            hi = i;
            hj = j;
        } else if (j < nb && (i == na || T(i, j + 1) >= T(i + 1, j))) {
            j++;
        } else {
            i++;
        }
    }
    rc = report_hunk(rt, err, lossless, a + hi, na - hi, ao + hi, b + hj, nb - hj,
                     bo + hj);
#undef T
out:
    vmx__free(t);
    return rc;
}

/* A copy of @s with its line ends as an XML parser reads them (XML 1.0
 * section 2.11: CR LF and a lone CR are LF), or NULL when out of memory. */
static char *xml_newlines(const char *s)
{
    size_t n = strlen(s), o = 0, i;
    char *d = vmx__malloc(n + 1);

    if (!d)
        return NULL;
    for (i = 0; i < n; i++) {
        if (s[i] == '\r') {
            d[o++] = '\n';
            if (s[i + 1] == '\n')
                i++;
        } else {
            d[o++] = s[i];
        }
    }
    d[o] = '\0';
    return d;
}

/* The fixpoint check: @first and @second must be the same text, once their
 * line ends are read as an XML parser reads them: libvirt prints the CR of
 * an annotation raw in <description>, and no XML reader gives it back. */
static int compare_xml(vmx_roundtrip *rt, vmx_error *err, bool lossless,
                       const char *first, const char *second)
{
    line *a = NULL, *b = NULL;
    char *nfirst = NULL, *nsecond = NULL;
    size_t na, nb, pre = 0, post = 0;
    int rc;

    rt->ran[VMX_ROUNDTRIP_FIXPOINT][lossless] = true;
    if (strcmp(first, second) == 0)
        return 0;
    if (strchr(first, '\r') || strchr(second, '\r')) {
        if (!(nfirst = xml_newlines(first)) || !(nsecond = xml_newlines(second))) {
            rc = nomem(err);
            goto out;
        }
        first = nfirst;
        second = nsecond;
        if (strcmp(first, second) == 0) {
            rc = 0;
            goto out;
        }
    }
    if ((rc = split_lines(&a, &na, first, err)) < 0 ||
        (rc = split_lines(&b, &nb, second, err)) < 0)
        goto out;
    while (pre < na && pre < nb && line_eq(&a[pre], &b[pre]))
        pre++;
    while (post < na - pre && post < nb - pre &&
           line_eq(&a[na - 1 - post], &b[nb - 1 - post]))
        post++;
    if (pre == na && pre == nb) {
        /* equal lines, so only the final newline differs */
        rc = add_finding(rt, err, VMX_ROUNDTRIP_FIXPOINT, VMX_ROUNDTRIP_CHANGED, lossless,
                         na, NULL, "(final newline)", 15, "(no final newline)", 18, NULL);
        goto out;
    }
    rc = diff_middle(rt, err, lossless, a + pre, na - pre - post, pre, b + pre,
                     nb - pre - post, pre);
out:
    vmx__free(a);
    vmx__free(b);
    vmx__free(nfirst);
    vmx__free(nsecond);
    return rc;
}

/* ---- the conversions ---- */

typedef struct rt_ctx {
    vmx_roundtrip *rt;
    vmx_error *err;
    const char *source;
    const vmx_roundtrip_options *opts;
} rt_ctx;

static void convert_options(vmx_convert_options *co, const rt_ctx *c, bool lossless,
                            int hw_version)
{
    vmx_convert_options init = VMX_CONVERT_OPTIONS_INIT;

    *co = init;
    /* VMX_CONVERT_STRICT applies to the default mode only */
    co->flags = lossless ? VMX_CONVERT_LOSSLESS : (c->opts->flags & VMX_CONVERT_STRICT);
    co->datastore_map = c->opts->datastore_map;
    if (hw_version > 0)
        co->hw_version = hw_version;
}

/* VMX text -> XML text (and the parsed config when @cfg_out is given). */
static int vmx_to_xml(char **xml, vmx_config **cfg_out, const char *vmx, size_t len,
                      const char *source, const vmx_convert_options *co, vmx_error *err)
{
    vmx_config *cfg = NULL;
    vmx_domain *dom = NULL;
    int rc;

    *xml = NULL;
    if ((rc = vmx_config_parse(&cfg, vmx, len, source, NULL, err)) < 0 ||
        (rc = vmx_domain_from_vmx(&dom, cfg, co, err)) < 0 ||
        (rc = vmx_domain_to_xml(xml, NULL, dom, co, err)) < 0)
        goto out;
    if (cfg_out) {
        *cfg_out = cfg;
        cfg = NULL;
    }
out:
    vmx_domain_free(dom);
    vmx_config_free(cfg);
    return rc;
}

/* XML text -> VMX text. */
static int xml_to_vmx(char **vmx, size_t *len, const char *xml, const char *source,
                      const vmx_convert_options *co, vmx_error *err)
{
    vmx_domain *dom = NULL;
    int rc;

    *vmx = NULL;
    if ((rc = vmx_domain_from_xml(&dom, xml, strlen(xml), source, co, err)) == 0)
        rc = vmx_domain_to_vmx(vmx, len, dom, co, err);
    vmx_domain_free(dom);
    return rc;
}

/* The virtualHW.version the input declares, 0 when it has none that parses. */
static int input_hw_version(const vmx_config *cfg)
{
    const char *v = vmx_config_get(cfg, "virtualHW.version");
    long long n;

    if (!v || !parse_int(v, &n) || n <= 0 || n > 1000)
        return 0;
    return (int)n;
}

/* A conversion step after the first failed with @rc: a finding of @check,
 * unless memory ran out. Returns 0 or VMX_ENOMEM. */
static int step_failed(rt_ctx *c, int rc, vmx_roundtrip_check_id check, bool lossless,
                       const char *step, const vmx_error *sub)
{
    if (rc == VMX_ENOMEM)
        return nomem(c->err);
    return add_error(c->rt, c->err, check, lossless, step, sub);
}

/* One mode of a VMX input: V0 -> X1 -> V1 (-> keys check when @keys) ->
 * X2, fixpoint X1 == X2. A failure of the first step is returned when
 * @first_fatal, else recorded. */
static int check_vmx_mode(rt_ctx *c, const char *buf, size_t len, const vmx_config *in,
                          bool lossless, bool keys, bool first_fatal)
{
    vmx_convert_options co;
    vmx_error sub = VMX_ERROR_INIT;
    vmx_config *out_cfg = NULL;
    char *x1 = NULL, *v1 = NULL, *x2 = NULL;
    size_t v1len = 0;
    int rc;

    convert_options(&co, c, lossless, input_hw_version(in));
    c->rt->tried[VMX_ROUNDTRIP_FIXPOINT][lossless] = true;
    c->rt->tried[VMX_ROUNDTRIP_KEYS][lossless] = keys;
    if ((rc = vmx_to_xml(&x1, NULL, buf, len, c->source, &co,
                         first_fatal ? c->err : &sub)) < 0) {
        if (!first_fatal)
            rc = step_failed(c, rc, VMX_ROUNDTRIP_FIXPOINT, lossless, "vmx -> xml", &sub);
        goto out;
    }
    if ((rc = xml_to_vmx(&v1, &v1len, x1, c->source, &co, &sub)) < 0) {
        int rc2 = rc;

        if (!keys || (rc = step_failed(c, rc2, VMX_ROUNDTRIP_KEYS, lossless, "xml -> vmx",
                                       &sub)) == 0)
            rc = step_failed(c, rc2, VMX_ROUNDTRIP_FIXPOINT, lossless,
                             "vmx -> xml -> vmx", &sub);
        goto out;
    }
    if ((rc = vmx_to_xml(&x2, keys ? &out_cfg : NULL, v1, v1len, c->source, &co, &sub)) <
        0) {
        if (rc == VMX_ENOMEM) {
            rc = nomem(c->err);
            goto out;
        }
        if (keys) {
            /* the pairs can still be compared when the text parses */
            vmx_error sub2 = VMX_ERROR_INIT;

            if ((rc = vmx_config_parse(&out_cfg, v1, v1len, c->source, NULL, &sub2)) <
                0) {
                out_cfg = NULL;
                if (rc == VMX_ENOMEM) {
                    rc = nomem(c->err);
                    goto out;
                }
            }
        }
        if ((rc = add_error(c->rt, c->err, VMX_ROUNDTRIP_FIXPOINT, lossless,
                            "vmx -> xml -> vmx -> xml", &sub)) < 0)
            goto out;
    } else {
        rc = compare_xml(c->rt, c->err, lossless, x1, x2);
        if (rc < 0)
            goto out;
    }
    if (keys && out_cfg)
        rc = compare_keys(c->rt, c->err, lossless, in, out_cfg);
out:
    vmx_config_free(out_cfg);
    vmx_free(x1);
    vmx_free(v1);
    vmx_free(x2);
    return rc;
}

static int check_vmx(rt_ctx *c, const char *buf, size_t len)
{
    bool lossless = (c->opts->flags & VMX_CONVERT_LOSSLESS) != 0;
    vmx_config *in = NULL;
    int rc;

    if ((rc = vmx_config_parse(&in, buf, len, c->source, NULL, c->err)) < 0)
        return rc;
    /* the selected mode first: when it does not convert, that is the answer */
    if ((rc = check_vmx_mode(c, buf, len, in, lossless, true, true)) == 0 &&
        (c->opts->flags & VMX_ROUNDTRIP_BOTH_MODES))
        rc = check_vmx_mode(c, buf, len, in, !lossless, false, false);
    vmx_config_free(in);
    return rc;
}

static int check_xml(rt_ctx *c, const char *buf, size_t len)
{
    bool lossless = (c->opts->flags & VMX_CONVERT_LOSSLESS) != 0;
    vmx_convert_options co;
    vmx_error sub = VMX_ERROR_INIT;
    vmx_domain *dom = NULL;
    char *x0 = NULL, *v1 = NULL, *x1 = NULL;
    size_t v1len = 0;
    int rc;

    convert_options(&co, c, lossless, c->opts->hw_version);
    c->rt->tried[VMX_ROUNDTRIP_FIXPOINT][lossless] = true;
    if ((rc = vmx_domain_from_xml(&dom, buf, len, c->source, &co, c->err)) < 0 ||
        (rc = vmx_domain_to_xml(&x0, NULL, dom, &co, c->err)) < 0)
        goto out;
    if ((rc = vmx_domain_to_vmx(&v1, &v1len, dom, &co, &sub)) < 0) {
        rc = step_failed(c, rc, VMX_ROUNDTRIP_FIXPOINT, lossless, "xml -> vmx", &sub);
        goto out;
    }
    if ((rc = vmx_to_xml(&x1, NULL, v1, v1len, c->source, &co, &sub)) < 0) {
        rc = step_failed(c, rc, VMX_ROUNDTRIP_FIXPOINT, lossless, "xml -> vmx -> xml",
                         &sub);
        goto out;
    }
    rc = compare_xml(c->rt, c->err, lossless, x0, x1);
out:
    vmx_domain_free(dom);
    vmx_free(x0);
    vmx_free(v1);
    vmx_free(x1);
    return rc;
}

/* Put the findings in report order: check, then mode (default first), then
 * the order they were found in. */
static int order_findings(vmx_roundtrip *rt, vmx_error *err)
{
    vmx_roundtrip_finding *v;
    size_t i, n = 0;
    int check, mode;

    if (rt->n < 2)
        return 0;
    v = vmx__calloc(rt->n, sizeof(*v));
    if (!v)
        return nomem(err);
    for (check = 0; check < 2; check++)
        for (mode = 0; mode < 2; mode++)
            for (i = 0; i < rt->n; i++)
                if ((int)rt->items[i].check == check &&
                    (int)rt->items[i].lossless == mode)
                    v[n++] = rt->items[i];
    vmx__free(rt->items);
    rt->items = v;
    rt->cap = rt->n;
    return 0;
}

int vmx_roundtrip_check(vmx_roundtrip **out, const char *buf, size_t len,
                        const char *source, vmx_format format,
                        const vmx_roundtrip_options *opts, vmx_error *err)
{
    vmx_roundtrip_options defaults = VMX_ROUNDTRIP_OPTIONS_INIT;
    vmx_roundtrip *rt = NULL;
    char *copy = NULL;
    rt_ctx c;
    int rc;

    if (out)
        *out = NULL;
    if (!out || (!buf && len))
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL, "invalid argument");
    if (format != VMX_FORMAT_VMX && format != VMX_FORMAT_XML)
        return vmx_error_set(err, VMX_EINVAL, source, 0, NULL,
                             "round trips need a vmx or xml document");
    if (!opts)
        opts = &defaults;
    rt = vmx__calloc(1, sizeof(*rt));
    /* the XML reader wants a NUL-terminated text for the second pass */
    copy = vmx__strndup(buf ? buf : "", len);
    if (!rt || !copy) {
        rc = nomem(err);
        goto out;
    }
    rt->format = format;
    c.rt = rt;
    c.err = err;
    c.source = source;
    c.opts = opts;
    if (format == VMX_FORMAT_VMX)
        rc = check_vmx(&c, copy, len);
    else
        rc = check_xml(&c, copy, len);
    if (rc < 0)
        goto out;
    if ((rc = order_findings(rt, err)) < 0)
        goto out;
    *out = rt;
    rt = NULL;
out:
    vmx__free(copy);
    vmx_roundtrip_free(rt);
    return rc;
}

int vmx_roundtrip_check_file(vmx_roundtrip **out, const char *path, vmx_format format,
                             const vmx_roundtrip_options *opts, vmx_error *err)
{
    char *data = NULL;
    size_t len = 0;
    int rc;

    if (out)
        *out = NULL;
    if (!out || !path)
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL, "invalid argument");
    if (format == VMX_FORMAT_UNKNOWN)
        format = vmx_format_from_path(path) == VMX_FORMAT_XML ? VMX_FORMAT_XML
                                                              : VMX_FORMAT_VMX;
    if ((rc = vmx_file_read(&data, &len, path, 0, err)) < 0)
        return rc;
    rc = vmx_roundtrip_check(out, data, len, strcmp(path, "-") == 0 ? "<stdin>" : path,
                             format, opts, err);
    vmx_free(data);
    return rc;
}
