/* YAML text -> domain model. libyaml's event parser feeds a small node tree
 * (so that nesting, node count and alias expansion stay bounded), which is
 * then walked along the schema tables. Every error names the line, column
 * and path (`devices.disks[2].bus`) of the node at fault. */
#include "config.h"
#include "domain_private.h"
#include "domain_yaml_private.h"
#include "vmxkit/yaml.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#define MAX_DEPTH 64        /* nesting of collections */
#define MAX_NODES 200000    /* nodes in the document */
#define MAX_ANCHORS 1000    /* distinct anchored nodes */
#define MAX_EXPANSION 10000 /* nodes reached through aliases, in total */

typedef enum node_kind { NODE_SCALAR, NODE_SEQUENCE, NODE_MAPPING, NODE_ALIAS } node_kind;

typedef struct node {
    node_kind kind;
    unsigned long line, column; /* 1-based */
    char *value;                /* scalar text (NUL-terminated) */
    size_t len;
    bool plain;    /* plain and untagged: may be null, a bool or a number */
    bool open;     /* collection whose end has not been seen yet */
    size_t *items; /* children; a mapping holds key, value, key, value ... */
    size_t nitems, cap;
    size_t target; /* alias: the anchored node */
    size_t weight; /* nodes in the subtree with aliases expanded (saturated) */
} node;

typedef struct anchor {
    char *name;
    size_t node;
} anchor;

typedef struct reader {
    const char *source;
    vmx_error *err;
    node *nodes;
    size_t nnodes, cap;
    anchor *anchors;
    size_t nanchors;
    size_t stack[MAX_DEPTH];
    size_t depth;
    size_t root;
    bool have_root;
    size_t expanded; /* nodes added by aliases, in total */
    vmx_domain *dom;
    char path[VMX_ERROR_KEY_MAX];
    size_t pathlen;
} reader;

/* ---- errors ---- */

static int failv(reader *r, int code, unsigned long line, unsigned long column,
                 const char *fmt, va_list ap)
{
    char msg[VMX_ERROR_MESSAGE_MAX];
    bool first = r->err && r->err->code == 0;

    vsnprintf(msg, sizeof(msg), fmt, ap);
    vmx_error_set(r->err, code, r->source, line, r->path[0] ? r->path : NULL, "%s", msg);
    if (first)
        r->err->column = column;
    return code;
}

__attribute__((format(printf, 4, 5))) static int
fail_at(reader *r, int code, const node *n, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = failv(r, code, n ? n->line : 0, n ? n->column : 0, fmt, ap);
    va_end(ap);
    return rc;
}

__attribute__((format(printf, 5, 6))) static int fail_mark(reader *r, int code,
                                                           unsigned long line,
                                                           unsigned long column,
                                                           const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = failv(r, code, line, column, fmt, ap);
    va_end(ap);
    return rc;
}

static int nomem(reader *r)
{
    return fail_mark(r, VMX_ENOMEM, 0, 0, "out of memory");
}

/* ---- building the node tree from events ---- */

static int add_child(reader *r, size_t parent, size_t child)
{
    node *p = &r->nodes[parent];

    if (p->nitems == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 8, bytes;
        size_t *items;

        if (__builtin_mul_overflow(cap, sizeof(*items), &bytes))
            return nomem(r);
        items = vmx__realloc(p->items, bytes);
        if (!items)
            return nomem(r);
        p->items = items;
        p->cap = cap;
    }
    p->items[p->nitems++] = child;
    return 0;
}

/* Append a node for @ev, attach it to the open collection and register its
 * anchor. */
static int new_node(reader *r, node_kind kind, const yaml_event_t *ev,
                    const char *anchor_name, size_t *out)
{
    unsigned long line = ev->start_mark.line + 1, column = ev->start_mark.column + 1;
    size_t idx = r->nnodes;
    node *n;
    int rc;

    if (r->nnodes >= MAX_NODES)
        return fail_mark(r, VMX_ELIMIT, line, column, "more than %d nodes", MAX_NODES);
    if (r->nnodes == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64, bytes;
        node *nodes;

        if (__builtin_mul_overflow(cap, sizeof(*nodes), &bytes))
            return nomem(r);
        nodes = vmx__realloc(r->nodes, bytes);
        if (!nodes)
            return nomem(r);
        r->nodes = nodes;
        r->cap = cap;
    }
    n = &r->nodes[r->nnodes++];
    memset(n, 0, sizeof(*n));
    n->kind = kind;
    n->line = line;
    n->column = column;
    n->weight = 1;
    if (r->depth > 0) {
        if ((rc = add_child(r, r->stack[r->depth - 1], idx)) < 0)
            return rc;
    } else if (!r->have_root) {
        r->root = idx;
        r->have_root = true;
    }
    if (anchor_name) {
        anchor *a;

        if (r->nanchors >= MAX_ANCHORS)
            return fail_mark(r, VMX_ELIMIT, line, column, "more than %d anchors",
                             MAX_ANCHORS);
        a = vmx__realloc(r->anchors, (r->nanchors + 1) * sizeof(*a));
        if (!a)
            return nomem(r);
        r->anchors = a;
        a[r->nanchors].name = vmx__strdup(anchor_name);
        if (!a[r->nanchors].name)
            return nomem(r);
        a[r->nanchors++].node = idx;
    }
    *out = idx;
    return 0;
}

static int check_tag(reader *r, const yaml_event_t *ev, const char *tag,
                     const char *allowed)
{
    if (!tag || strcmp(tag, "!") == 0 || strcmp(tag, allowed) == 0)
        return 0;
    return fail_mark(r, VMX_EINVAL, ev->start_mark.line + 1, ev->start_mark.column + 1,
                     "unsupported tag '%s'", tag);
}

static size_t add_saturated(size_t a, size_t b)
{
    size_t s;

    return __builtin_add_overflow(a, b, &s) ? SIZE_MAX : s;
}

static int on_event(reader *r, const yaml_event_t *ev, int *documents)
{
    unsigned long line = ev->start_mark.line + 1, column = ev->start_mark.column + 1;
    size_t idx, i;
    node *n;
    int rc;

    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (++*documents > 1)
            return fail_mark(r, VMX_EPARSE, line, column, "more than one document");
        return 0;
    case YAML_SCALAR_EVENT: {
        const char *tag = (const char *)ev->data.scalar.tag;

        if ((rc = check_tag(r, ev, tag, YAML_STR_TAG)) < 0 ||
            (rc = new_node(r, NODE_SCALAR, ev, (const char *)ev->data.scalar.anchor,
                           &idx)) < 0)
            return rc;
        n = &r->nodes[idx];
        n->value =
            vmx__strndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
        if (!n->value)
            return nomem(r);
        n->len = ev->data.scalar.length;
        n->plain = !tag && ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        return 0;
    }
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        bool seq = ev->type == YAML_SEQUENCE_START_EVENT;
        const char *tag = (const char *)(seq ? ev->data.sequence_start.tag
                                             : ev->data.mapping_start.tag);
        const char *anchor_name = (const char *)(seq ? ev->data.sequence_start.anchor
                                                     : ev->data.mapping_start.anchor);

        if (r->depth >= MAX_DEPTH)
            return fail_mark(r, VMX_ELIMIT, line, column, "nesting deeper than %d levels",
                             MAX_DEPTH);
        if ((rc = check_tag(r, ev, tag, seq ? YAML_SEQ_TAG : YAML_MAP_TAG)) < 0 ||
            (rc = new_node(r, seq ? NODE_SEQUENCE : NODE_MAPPING, ev, anchor_name,
                           &idx)) < 0)
            return rc;
        r->nodes[idx].open = true;
        r->stack[r->depth++] = idx;
        return 0;
    }
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        n = &r->nodes[r->stack[--r->depth]];
        n->open = false;
        for (i = 0; i < n->nitems; i++)
            n->weight = add_saturated(n->weight, r->nodes[n->items[i]].weight);
        return 0;
    case YAML_ALIAS_EVENT: {
        const char *name = (const char *)ev->data.alias.anchor;
        size_t a = r->nanchors;

        while (a > 0 && strcmp(r->anchors[a - 1].name, name) != 0)
            a--;
        if (a == 0)
            return fail_mark(r, VMX_EINVAL, line, column, "undefined alias '%s'", name);
        if (r->nodes[r->anchors[a - 1].node].open)
            return fail_mark(r, VMX_EINVAL, line, column, "recursive alias '%s'", name);
        /* The whole expansion is known here: anchored nodes are complete. */
        r->expanded = add_saturated(r->expanded, r->nodes[r->anchors[a - 1].node].weight);
        if (r->expanded > MAX_EXPANSION)
            return fail_mark(r, VMX_ELIMIT, line, column,
                             "aliases expand to more than %d nodes", MAX_EXPANSION);
        if ((rc = new_node(r, NODE_ALIAS, ev, NULL, &idx)) < 0)
            return rc;
        r->nodes[idx].target = r->anchors[a - 1].node;
        r->nodes[idx].weight = r->nodes[r->nodes[idx].target].weight;
        return 0;
    }
    default:
        return 0;
    }
}

/* Translate libyaml's error at the boundary: 1-based line and column. */
static int parser_error(reader *r, const yaml_parser_t *p, const char *buf, size_t len)
{
    unsigned long line = p->problem_mark.line + 1, column = p->problem_mark.column + 1;
    const char *problem = p->problem ? p->problem : "invalid YAML";

    if (p->error == YAML_MEMORY_ERROR)
        return nomem(r);
    if (p->error == YAML_READER_ERROR) {
        size_t i, end = p->problem_offset < len ? p->problem_offset : len;

        line = 1, column = 1;
        for (i = 0; i < end; i++) {
            if (buf[i] == '\n')
                line++, column = 1;
            else if (((unsigned char)buf[i] & 0xC0) != 0x80)
                column++;
        }
        return fail_mark(r, VMX_EPARSE, line, column, "%s", problem);
    }
    if (p->context)
        return fail_mark(r, VMX_EPARSE, line, column, "%s (%s at line %lu)", problem,
                         p->context, (unsigned long)p->context_mark.line + 1);
    return fail_mark(r, VMX_EPARSE, line, column, "%s", problem);
}

static int compose(reader *r, const char *buf, size_t len)
{
    yaml_parser_t parser;
    yaml_event_t ev;
    int documents = 0, rc = 0;
    bool done = false;

    if (!yaml_parser_initialize(&parser))
        return nomem(r);
    yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
    while (!done && rc == 0) {
        if (!yaml_parser_parse(&parser, &ev)) {
            rc = parser_error(r, &parser, buf, len);
            break;
        }
        done = ev.type == YAML_STREAM_END_EVENT;
        rc = on_event(r, &ev, &documents);
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    if (rc == 0 && !r->have_root)
        rc = fail_mark(r, VMX_EINVAL, 1, 1, "empty document: a mapping is expected");
    return rc;
}

/* ---- walking the tree along the schema ---- */

static size_t path_push_key(reader *r, const char *key)
{
    size_t old = r->pathlen;
    int n = snprintf(r->path + old, sizeof(r->path) - old, "%s%s", old ? "." : "", key);

    if (n > 0)
        r->pathlen =
            old + (size_t)n < sizeof(r->path) ? old + (size_t)n : sizeof(r->path) - 1;
    return old;
}

static size_t path_push_index(reader *r, size_t index)
{
    size_t old = r->pathlen;
    int n = snprintf(r->path + old, sizeof(r->path) - old, "[%zu]", index);

    if (n > 0)
        r->pathlen =
            old + (size_t)n < sizeof(r->path) ? old + (size_t)n : sizeof(r->path) - 1;
    return old;
}

static void path_pop(reader *r, size_t old)
{
    r->pathlen = old;
    r->path[old] = '\0';
}

/* Follow an alias. The expansion was charged to the budget when the alias
 * was read, so the walk visits at most MAX_NODES + MAX_EXPANSION nodes. */
static const node *resolve(const reader *r, size_t idx)
{
    const node *n = &r->nodes[idx];

    return n->kind == NODE_ALIAS ? &r->nodes[n->target] : n;
}

static bool is_null(const node *n)
{
    return n->kind == NODE_SCALAR && n->plain &&
           (n->len == 0 || strcmp(n->value, "~") == 0 || strcmp(n->value, "null") == 0 ||
            strcmp(n->value, "Null") == 0 || strcmp(n->value, "NULL") == 0);
}

typedef struct found {
    char text[64];
} found;

/* What was found instead: "a list", "a mapping", "null" or the quoted scalar. */
static const char *describe(const node *n, found *f)
{
    switch (n->kind) {
    case NODE_SEQUENCE:
        return "a list";
    case NODE_MAPPING:
        return "a mapping";
    default:
        if (is_null(n))
            return "null";
        if (n->len > 40 || strlen(n->value) != n->len)
            return "a long string";
        snprintf(f->text, sizeof(f->text), "%s'%s'", n->plain ? "" : "the string ",
                 n->value);
        return f->text;
    }
}

static int get_string(reader *r, const node *n, char **out)
{
    found fd;

    *out = NULL;
    if (n->kind != NODE_SCALAR)
        return fail_at(r, VMX_EINVAL, n, "expected a string, found %s", describe(n, &fd));
    if (strlen(n->value) != n->len)
        return fail_at(r, VMX_EINVAL, n, "string contains a NUL character");
    if (is_null(n))
        return 0;
    *out = vmx__strdup(n->value);
    return *out ? 0 : nomem(r);
}

static int get_bool(reader *r, const node *n, bool *out)
{
    static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes",
                                      "YES",  "on",   "On",   "ON"};
    static const char *const no[] = {"false", "False", "FALSE", "no", "No",
                                     "NO",    "off",   "Off",   "OFF"};
    found fd;
    size_t i;

    if (n->kind == NODE_SCALAR && n->plain) {
        for (i = 0; i < VMX_ARRAY_SIZE(yes); i++) {
            if (strcmp(n->value, yes[i]) == 0) {
                *out = true;
                return 0;
            }
            if (strcmp(n->value, no[i]) == 0) {
                *out = false;
                return 0;
            }
        }
    }
    return fail_at(r, VMX_EINVAL, n, "expected true or false, found %s",
                   describe(n, &fd));
}

/* A decimal integer in [min, max]. */
static int get_integer(reader *r, const node *n, long long min, long long max,
                       long long *out)
{
    const char *s = n->value, *p = "";
    long long v;
    found fd;

    if (n->kind == NODE_SCALAR)
        p = (*s == '-' || *s == '+') ? s + 1 : s;
    if (n->kind != NODE_SCALAR || !n->plain || !*p ||
        strspn(p, "0123456789") != strlen(p))
        return fail_at(r, VMX_EINVAL, n, "expected an integer, found %s",
                       describe(n, &fd));
    if (vmx__parse_llong(&v, s) < 0 || v < min || v > max)
        return fail_at(r, VMX_EINVAL, n, "integer '%s' out of range (%lld to %lld)", s,
                       min, max);
    *out = v;
    return 0;
}

/* "4 GiB" -> 4194304 (KiB). A unit is required except for 0. */
static int get_size(reader *r, const node *n, unsigned long long *out)
{
    const char *s = n->value, *unit;
    unsigned long long v;
    size_t digits, i;
    char num[32];
    found fd;

    if (n->kind != NODE_SCALAR || is_null(n))
        return fail_at(r, VMX_EINVAL, n, "expected a size such as '4 GiB', found %s",
                       describe(n, &fd));
    digits = strspn(s, "0123456789");
    if (digits == 0 || (s[digits] != '\0' && s[digits] != ' ' &&
                        !(s[digits] >= 'A' && s[digits] <= 'Z') &&
                        !(s[digits] >= 'a' && s[digits] <= 'z')))
        return fail_at(
            r, VMX_EINVAL, n,
            "invalid size '%s' (expected a whole number and a unit, as '4 GiB')", s);
    if (digits >= sizeof(num))
        return fail_at(r, VMX_EINVAL, n, "size '%s' is too large", s);
    memcpy(num, s, digits);
    num[digits] = '\0';
    if (vmx__parse_ullong(&v, num) < 0)
        return fail_at(r, VMX_EINVAL, n, "size '%s' is too large", s);
    unit = s + digits;
    while (*unit == ' ')
        unit++;
    if (!*unit) {
        if (v == 0 && unit == s + digits) {
            *out = 0;
            return 0;
        }
        return fail_at(r, VMX_EINVAL, n,
                       "missing unit in size '%s' (use KiB, MiB, GiB or TiB)", s);
    }
    for (i = 0; i < VMX_ARRAY_SIZE(vmx__yaml_units); i++) {
        if (vmx__strcasecmp(unit, vmx__yaml_units[i].name) != 0)
            continue;
        if (__builtin_mul_overflow(v, vmx__yaml_units[i].kib, out))
            return fail_at(r, VMX_EINVAL, n, "size '%s' is too large", s);
        return 0;
    }
    return fail_at(r, VMX_EINVAL, n,
                   "unknown unit '%s' in size '%s' (use KiB, MiB, GiB or TiB)", unit, s);
}

static int get_enum(reader *r, const node *n, const vmx_yaml_enum_name *names, int *out)
{
    const vmx_yaml_enum_name *e;
    char expected[256] = "";
    size_t used = 0;
    found fd;

    if (n->kind == NODE_SCALAR) {
        for (e = names; e->name; e++) {
            if (strcmp(n->value, e->name) == 0) {
                *out = e->value;
                return 0;
            }
        }
    }
    for (e = names; e->name && used < sizeof(expected); e++) {
        int k = snprintf(expected + used, sizeof(expected) - used, "%s%s",
                         e == names ? "" : ", ", e->name);

        if (k < 0)
            break;
        used += (size_t)k;
    }
    if (n->kind == NODE_SCALAR && !is_null(n))
        return fail_at(r, VMX_EINVAL, n, "invalid value %s (expected one of: %s)",
                       describe(n, &fd), expected);
    return fail_at(r, VMX_EINVAL, n, "expected one of: %s, found %s", expected,
                   describe(n, &fd));
}

static int read_struct(reader *r, const vmx_yaml_struct *st, void *base, size_t idx);

static int read_list(reader *r, const vmx_yaml_field *f, const node *n)
{
    found fd;
    size_t i, old;
    int rc = 0;

    if (is_null(n))
        return 0;
    if (n->kind != NODE_SEQUENCE)
        return fail_at(r, VMX_EINVAL, n, "expected a list, found %s", describe(n, &fd));
    /* the XML reader's cap on devices of one kind */
    if (n->nitems > VMX_MAX_DEVICES) {
        old = path_push_index(r, VMX_MAX_DEVICES);
        rc = fail_at(r, VMX_ELIMIT, &r->nodes[n->items[VMX_MAX_DEVICES]],
                     "more than %d %s", VMX_MAX_DEVICES, f->key);
        path_pop(r, old);
        return rc;
    }
    for (i = 0; i < n->nitems && rc == 0; i++) {
        void *elem = f->add(r->dom);

        if (!elem)
            return nomem(r);
        old = path_push_index(r, i);
        rc = read_struct(r, f->sub, elem, n->items[i]);
        path_pop(r, old);
    }
    return rc;
}

static int read_extra(reader *r, const node *n)
{
    vmx_domain *dom = r->dom;
    found fd;
    size_t i, old;
    int rc = 0;

    if (is_null(n))
        return 0;
    if (n->kind != NODE_MAPPING)
        return fail_at(r, VMX_EINVAL, n, "expected a mapping, found %s",
                       describe(n, &fd));
    for (i = 0; i + 1 < n->nitems && rc == 0; i += 2) {
        const node *k;
        char *value = NULL;

        k = resolve(r, n->items[i]);
        if (k->kind != NODE_SCALAR)
            return fail_at(r, VMX_EINVAL, k, "expected a string key, found %s",
                           describe(k, &fd));
        old = path_push_key(r, k->value);
        if (strlen(k->value) != k->len)
            rc = fail_at(r, VMX_EINVAL, k, "string contains a NUL character");
        else if ((rc = get_string(r, resolve(r, n->items[i + 1]), &value)) == 0) {
            /* a null value stays NULL, which vmx_domain_add_extra cannot take */
            if (vmx_domain_add_extra(dom, k->value, value ? value : "") < 0) {
                rc = nomem(r);
            } else if (!value) {
                vmx__free(dom->extra_values[dom->nextra - 1]);
                dom->extra_values[dom->nextra - 1] = NULL;
            }
        }
        vmx__free(value);
        path_pop(r, old);
    }
    return rc;
}

static int read_field(reader *r, const vmx_yaml_field *f, void *base, const node *n)
{
    long long v = 0;
    bool b = false;
    int e = 0, rc = 0;

    switch (f->kind) {
    case VMX_YAML_STRING:
        rc = get_string(r, n, VMX_YAML_AT(base, f->offset, char *));
        break;
    case VMX_YAML_BOOL:
        if ((rc = get_bool(r, n, &b)) == 0)
            *VMX_YAML_AT(base, f->offset, bool) = b;
        break;
    case VMX_YAML_INT:
        if ((rc = get_integer(r, n, INT32_MIN, INT32_MAX, &v)) == 0)
            *VMX_YAML_AT(base, f->offset, int) = (int)v;
        break;
    case VMX_YAML_UINT:
        if ((rc = get_integer(r, n, 0, UINT32_MAX, &v)) == 0)
            *VMX_YAML_AT(base, f->offset, unsigned int) = (unsigned int)v;
        break;
    case VMX_YAML_LLONG:
        if ((rc = get_integer(r, n, INT64_MIN, INT64_MAX, &v)) == 0)
            *VMX_YAML_AT(base, f->offset, long long) = v;
        break;
    case VMX_YAML_SIZE:
        rc = get_size(r, n, VMX_YAML_AT(base, f->offset, unsigned long long));
        break;
    case VMX_YAML_ENUM:
        if ((rc = get_enum(r, n, f->names, &e)) == 0)
            *VMX_YAML_AT(base, f->offset, int) = e;
        break;
    case VMX_YAML_TRISTATE:
        if ((rc = get_bool(r, n, &b)) == 0)
            *VMX_YAML_AT(base, f->offset, int) = b ? VMX_TRISTATE_YES : VMX_TRISTATE_NO;
        break;
    case VMX_YAML_GROUP:
        rc = read_struct(r, f->sub, base, (size_t)(n - r->nodes));
        break;
    case VMX_YAML_LIST:
        rc = read_list(r, f, n);
        break;
    case VMX_YAML_EXTRA:
        rc = read_extra(r, n);
        break;
    }
    if (rc == 0 && f->flag_offset != VMX_YAML_NO_FLAG)
        *VMX_YAML_AT(base, f->flag_offset, bool) = true;
    return rc;
}

static int read_struct(reader *r, const vmx_yaml_struct *st, void *base, size_t idx)
{
    uint64_t seen = 0; /* schema structs have at most 64 fields */
    found fd;
    const node *n, *k;
    size_t i, j, old;
    int rc = 0;

    n = resolve(r, idx);
    if (is_null(n))
        return 0;
    if (n->kind != NODE_MAPPING)
        return fail_at(r, VMX_EINVAL, n, "expected a mapping, found %s",
                       describe(n, &fd));
    for (i = 0; i + 1 < n->nitems; i += 2) {
        k = resolve(r, n->items[i]);
        if (k->kind != NODE_SCALAR)
            return fail_at(r, VMX_EINVAL, k, "expected a key, found %s",
                           describe(k, &fd));
        for (j = 0; j < st->nfields; j++)
            if (strcmp(st->fields[j].key, k->value) == 0)
                break;
        old = path_push_key(r, k->value);
        if (j == st->nfields || j >= 64)
            rc = fail_at(r, VMX_EINVAL, k, "unknown key '%s'", k->value);
        else if (seen & ((uint64_t)1 << j))
            rc = fail_at(r, VMX_EINVAL, k, "duplicate key '%s'", k->value);
        else {
            seen |= (uint64_t)1 << j;
            rc = read_field(r, &st->fields[j], base, resolve(r, n->items[i + 1]));
        }
        path_pop(r, old);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* ---- what the XML reader would refuse ----
 *
 * The YAML holds the model as it is written, but the XML written from it goes
 * through the XML reader and the post-parse, which refuse disks and
 * controllers past the device cap (VMX_MAX_DEVICES). The same checks here,
 * at the node of the YAML, so that no YAML this reader accepts converts to
 * XML that the XML reader refuses for them. */

/* The value of @key in the mapping @map (aliases followed), or NULL. */
static const node *map_get(const reader *r, const node *map, const char *key)
{
    size_t i;

    if (!map || map->kind != NODE_MAPPING)
        return NULL;
    for (i = 0; i + 1 < map->nitems; i += 2) {
        const node *k = resolve(r, map->items[i]);

        if (k->kind == NODE_SCALAR && strcmp(k->value, key) == 0)
            return resolve(r, map->items[i + 1]);
    }
    return NULL;
}

/* Fail at devices.@list[@i].@key.@sub (@key and @sub may be NULL), or at the
 * nearest node of that path the document has. */
__attribute__((format(printf, 7, 8))) static int
fail_device(reader *r, int code, const char *list, size_t i, const char *key,
            const char *sub, const char *fmt, ...)
{
    const node *at = map_get(r, &r->nodes[r->root], "devices"), *n;
    va_list ap;
    int rc;

    path_push_key(r, "devices");
    if ((n = map_get(r, at, list)) != NULL) {
        at = n;
        path_push_key(r, list);
        if (n->kind == NODE_SEQUENCE && i < n->nitems) {
            at = resolve(r, n->items[i]);
            path_push_index(r, i);
            if (key && (n = map_get(r, at, key)) != NULL) {
                at = n;
                path_push_key(r, key);
                if (sub && (n = map_get(r, at, sub)) != NULL) {
                    at = n;
                    path_push_key(r, sub);
                }
            }
        }
    }
    va_start(ap, fmt);
    rc = failv(r, code, at ? at->line : 0, at ? at->column : 0, fmt, ap);
    va_end(ap);
    path_pop(r, 0);
    return rc;
}

/* The buses with controllers, in the post-parse's order. */
static const struct {
    vmx_disk_bus bus;
    vmx_controller_type type;
} controller_buses[] = {
    {VMX_DISK_BUS_SCSI, VMX_CONTROLLER_SCSI},
    {VMX_DISK_BUS_FDC, VMX_CONTROLLER_FDC},
    {VMX_DISK_BUS_IDE, VMX_CONTROLLER_IDE},
    {VMX_DISK_BUS_SATA, VMX_CONTROLLER_SATA},
};

/* The bus the XML reader gives @d: its own, or for an unset bus (written
 * without bus='...') libvirt's default from the device and the name. */
static vmx_disk_bus xml_disk_bus(const vmx_disk *d)
{
    if (d->bus != VMX_DISK_BUS_UNSET)
        return d->bus;
    if (d->device == VMX_DISK_DEVICE_FLOPPY)
        return VMX_DISK_BUS_FDC;
    if (strncmp(d->target, "sd", 2) == 0)
        return VMX_DISK_BUS_SCSI;
    if (strncmp(d->target, "vd", 2) == 0 || strncmp(d->target, "xvd", 3) == 0 ||
        strncmp(d->target, "ubd", 3) == 0)
        return VMX_DISK_BUS_UNSET; /* virtio, xen, uml: no controllers */
    return VMX_DISK_BUS_IDE;
}

static int check_controllers(reader *r)
{
    const vmx_domain *dom = r->dom;
    size_t i, j;

    for (i = 0; i < dom->ncontrollers; i++) {
        const vmx_controller *c = &dom->controllers[i];

        if (c->index < 0)
            return fail_device(r, VMX_EINVAL, "controllers", i, "index", NULL,
                               "integer '%d' out of range (0 to %d)", c->index,
                               INT32_MAX);
        for (j = 0; j < i; j++)
            if (dom->controllers[j].type == c->type &&
                dom->controllers[j].index == c->index)
                return fail_device(r, VMX_EINVAL, "controllers", i, "index", NULL,
                                   "multiple '%s' controllers with index '%d'",
                                   vmx__controller_type_name(c->type), c->index);
    }
    return 0;
}

static int check_disks(reader *r)
{
    static const char *const fields[] = {"controller", "bus", "target", "unit"};
    const vmx_domain *dom = r->dom;
    int max[VMX_ARRAY_SIZE(controller_buses)];
    size_t last[VMX_ARRAY_SIZE(controller_buses)] = {0};
    size_t total = dom->ncontrollers, i, j, b;

    for (b = 0; b < VMX_ARRAY_SIZE(controller_buses); b++)
        max[b] = -1;
    for (i = 0; i < dom->ndisks; i++) {
        const vmx_disk *d = &dom->disks[i];
        const int at[] = {d->controller, d->addr_bus, d->addr_target, d->addr_unit};
        vmx_disk a = *d; /* shallow: only the address changes */
        vmx_disk_bus bus;

        for (j = 0; d->has_address && j < VMX_ARRAY_SIZE(at); j++)
            if (at[j] < 0)
                return fail_device(r, VMX_EINVAL, "disks", i, "address", fields[j],
                                   "integer '%d' out of range (0 to %d)", at[j],
                                   INT32_MAX);
        if (!d->target)
            continue;
        bus = xml_disk_bus(d);
        for (b = 0; b < VMX_ARRAY_SIZE(controller_buses); b++)
            if (controller_buses[b].bus == bus)
                break;
        if (b == VMX_ARRAY_SIZE(controller_buses))
            continue;
        if (!d->has_address) {
            /* the address the XML reader gives it (16 SCSI units a bus) */
            if (vmx__disk_name_index_checked(d->target) < 0)
                return fail_device(r, VMX_EINVAL, "disks", i, "target", NULL,
                                   "unknown disk name '%.64s' and no address specified",
                                   d->target);
            a.bus = bus;
            vmx__disk_assign_address(&a, 0, NULL);
        }
        if (a.controller >= VMX_MAX_DEVICES)
            return fail_device(
                r, VMX_ELIMIT, "disks", i, d->has_address ? "address" : "target",
                d->has_address ? "controller" : NULL,
                "disk '%.64s' needs %s controller %d, past the limit of %d "
                "controllers",
                d->target, vmx__controller_type_name(controller_buses[b].type), a.controller,
                VMX_MAX_DEVICES);
        if (a.controller > max[b]) {
            max[b] = a.controller;
            last[b] = i;
        }
    }
    /* the post-parse adds the missing controllers up to each disk's */
    for (b = 0; b < VMX_ARRAY_SIZE(controller_buses); b++) {
        size_t present = 0;

        if (max[b] < 0)
            continue;
        for (j = 0; j < dom->ncontrollers; j++)
            if (dom->controllers[j].type == controller_buses[b].type &&
                dom->controllers[j].index <= max[b])
                present++; /* distinct and >= 0: check_controllers ran */
        total += (size_t)max[b] + 1 - present;
        if (total > VMX_MAX_DEVICES)
            return fail_device(r, VMX_ELIMIT, "disks", last[b], NULL, NULL,
                               "more than %d controllers with the implicit ones",
                               VMX_MAX_DEVICES);
    }
    return 0;
}

static void reader_dispose(reader *r)
{
    size_t i;

    for (i = 0; i < r->nnodes; i++) {
        vmx__free(r->nodes[i].value);
        vmx__free(r->nodes[i].items);
    }
    vmx__free(r->nodes);
    for (i = 0; i < r->nanchors; i++)
        vmx__free(r->anchors[i].name);
    vmx__free(r->anchors);
}

int vmx_domain_from_yaml(vmx_domain **out, const char *buf, size_t len,
                         const char *source, const vmx_convert_options *opts,
                         vmx_error *err)
{
    reader r;
    vmx_domain *dom = NULL;
    found fd;
    int rc;

    (void)opts;
    *out = NULL;
    memset(&r, 0, sizeof(r));
    r.source = source;
    r.err = err;
    if (len > VMX_YAML_MAX_INPUT) {
        rc = fail_mark(&r, VMX_ELIMIT, 0, 0, "input larger than the limit of %zu bytes",
                       VMX_YAML_MAX_INPUT);
        goto out;
    }
    if ((rc = compose(&r, buf, len)) < 0)
        goto out;
    if ((rc = vmx_domain_new(&dom)) < 0) {
        rc = nomem(&r);
        goto out;
    }
    r.dom = dom;
    if (r.nodes[r.root].kind != NODE_MAPPING) {
        rc = fail_at(&r, VMX_EINVAL, &r.nodes[r.root],
                     "expected a mapping at the top, found %s",
                     describe(&r.nodes[r.root], &fd));
        goto out;
    }
    if ((rc = read_struct(&r, &vmx__yaml_domain_schema, dom, r.root)) < 0 ||
        (rc = check_controllers(&r)) < 0 || (rc = check_disks(&r)) < 0)
        goto out;
    *out = dom;
    dom = NULL;
out:
    vmx_domain_free(dom);
    reader_dispose(&r);
    return rc;
}
