/* The in-memory VMX config: lines, the case-insensitive key index, the
 * diagnostics, lookups and edits. Parsing is in vmx_parse.c, output in
 * vmx_write.c, charsets in vmx_encoding.c. */
#include "config.h"
#include "vmx_config_private.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* -- arena */

struct vmx_arena_chunk {
    vmx_arena_chunk *next;
    size_t used, cap;
    char data[];
};

#define ARENA_CHUNK_MIN 4096

void *vmx__arena_alloc(vmx_arena *a, size_t n)
{
    vmx_arena_chunk *c = a->head;
    size_t cap, total;

    if (c && c->cap - c->used >= n) {
        void *p = c->data + c->used;

        c->used += n;
        return p;
    }
    /* Chunks double (up to 1 MiB) so that a config with many decoded values
     * makes few allocations; a big request gets a chunk of its own size. */
    cap = c ? c->cap * 2 : ARENA_CHUNK_MIN;
    if (cap > (size_t)1 << 20)
        cap = (size_t)1 << 20;
    if (cap < n)
        cap = n;
    if (__builtin_add_overflow(cap, sizeof(*c), &total))
        return NULL;
    c = vmx__malloc(total);
    if (!c)
        return NULL;
    c->cap = cap;
    c->used = n;
    /* A full-size request goes behind the current chunk so that the space
     * left in the current one stays usable. */
    if (a->head && n == cap && a->head->cap - a->head->used > 0) {
        c->next = a->head->next;
        a->head->next = c;
    } else {
        c->next = a->head;
        a->head = c;
    }
    return c->data;
}

char *vmx__arena_strndup(vmx_arena *a, const char *s, size_t n)
{
    char *p;
    size_t total;

    if (__builtin_add_overflow(n, 1, &total))
        return NULL;
    p = vmx__arena_alloc(a, total);
    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void vmx__arena_dispose(vmx_arena *a)
{
    vmx_arena_chunk *c = a->head, *next;

    for (; c; c = next) {
        next = c->next;
        vmx__free(c);
    }
    a->head = NULL;
}

/* -- lifecycle */

vmx_config *vmx__config_alloc(void)
{
    vmx_config *cfg = vmx__calloc(1, sizeof(*cfg));

    if (!cfg)
        return NULL;
    cfg->source = "";
    cfg->eol = VMX_EOL_LF;
    cfg->utf8 = true;
    cfg->cd_decode = (iconv_t)-1;
    cfg->cd_encode = (iconv_t)-1;
    return cfg;
}

int vmx_config_new(vmx_config **out)
{
    *out = vmx__config_alloc();
    return *out ? 0 : VMX_ENOMEM;
}

void vmx_config_free(vmx_config *cfg)
{
    if (!cfg)
        return;
    vmx__config_close_iconv(cfg);
    vmx__arena_dispose(&cfg->arena);
    vmx__free(cfg->raw);
    vmx__free(cfg->strs);
    vmx__free(cfg->lines);
    vmx__free(cfg->entries);
    vmx__free(cfg->slots);
    vmx__free(cfg->diags);
    vmx__free(cfg);
}

const char *vmx_config_source(const vmx_config *cfg)
{
    return cfg->source;
}

/* -- lines */

int vmx__config_reserve_lines(vmx_config *cfg, size_t n)
{
    size_t cap = cfg->lines_cap ? cfg->lines_cap : 64, bytes;
    vmx_line *p;

    if (n <= cfg->lines_cap)
        return 0;
    if (n > UINT32_MAX - 1)
        return VMX_ENOMEM;
    while (cap < n)
        cap *= 2;
    if (__builtin_mul_overflow(cap, sizeof(*p), &bytes))
        return VMX_ENOMEM;
    p = vmx__realloc(cfg->lines, bytes);
    if (!p)
        return VMX_ENOMEM;
    cfg->lines = p;
    cfg->lines_cap = cap;
    return 0;
}

size_t vmx__config_push_line(vmx_config *cfg, const vmx_line *line)
{
    if (cfg->nlines == cfg->lines_cap &&
        vmx__config_reserve_lines(cfg, cfg->nlines + 1) < 0)
        return SIZE_MAX;
    cfg->lines[cfg->nlines] = *line;
    return cfg->nlines++;
}

int vmx__config_reserve_entries(vmx_config *cfg, size_t n)
{
    uint32_t *p;
    size_t bytes;

    if (n <= cfg->entries_cap)
        return 0;
    if (__builtin_mul_overflow(n, sizeof(*p), &bytes))
        return VMX_ENOMEM;
    p = vmx__realloc(cfg->entries, bytes);
    if (!p)
        return VMX_ENOMEM;
    cfg->entries = p;
    cfg->entries_cap = n;
    return 0;
}

int vmx__config_push_entry(vmx_config *cfg, size_t line)
{
    if (cfg->nentries == cfg->entries_cap &&
        vmx__config_reserve_entries(cfg, cfg->entries_cap ? cfg->entries_cap * 2 : 64) <
            0)
        return VMX_ENOMEM;
    cfg->entries[cfg->nentries++] = (uint32_t)line;
    return 0;
}

/* -- the key index: open addressing with linear probing over line indexes */

uint32_t vmx__key_hash(const char *key)
{
    uint32_t h = 2166136261u; /* FNV-1a over the ASCII-lowercased key */

    for (; *key; key++) {
        h ^= (unsigned char)vmx__ascii_lower(*key);
        h *= 16777619u;
    }
    return h;
}

static size_t probe(const vmx_config *cfg, const char *key, uint32_t hash)
{
    size_t mask = cfg->nslots - 1, s = hash & mask;

    for (;; s = (s + 1) & mask) {
        uint32_t v = cfg->slots[s];
        const vmx_line *l;

        if (v == 0)
            return s;
        l = &cfg->lines[v - 1];
        if (l->hash == hash && vmx__strcasecmp(l->key, key) == 0)
            return s;
    }
}

int vmx__config_index_reserve(vmx_config *cfg, size_t keys)
{
    size_t want = 16, i, bytes;
    uint32_t *old = cfg->slots, *slots;
    size_t oldn = cfg->nslots;

    while (want < keys * 2) {
        if (want > SIZE_MAX / 4)
            return VMX_ENOMEM;
        want *= 2;
    }
    if (want <= cfg->nslots)
        return 0;
    if (__builtin_mul_overflow(want, sizeof(*slots), &bytes))
        return VMX_ENOMEM;
    slots = vmx__calloc(want, sizeof(*slots));
    if (!slots)
        return VMX_ENOMEM;
    cfg->slots = slots;
    cfg->nslots = want;
    for (i = 0; i < oldn; i++) {
        if (old[i]) {
            const vmx_line *l = &cfg->lines[old[i] - 1];

            cfg->slots[probe(cfg, l->key, l->hash)] = old[i];
        }
    }
    vmx__free(old);
    return 0;
}

size_t vmx__config_index_put(vmx_config *cfg, size_t i, int *rc)
{
    vmx_line *l = &cfg->lines[i];
    size_t s, prev;

    *rc = 0;
    if ((cfg->nindexed + 1) * 2 > cfg->nslots &&
        (*rc = vmx__config_index_reserve(cfg, cfg->nindexed + 1)) < 0)
        return SIZE_MAX;
    s = probe(cfg, l->key, l->hash);
    prev = cfg->slots[s] ? (size_t)cfg->slots[s] - 1 : SIZE_MAX;
    if (prev == SIZE_MAX)
        cfg->nindexed++;
    cfg->slots[s] = (uint32_t)i + 1;
    return prev;
}

size_t vmx__config_find(const vmx_config *cfg, const char *key)
{
    size_t s;

    if (!cfg->nslots || !key)
        return SIZE_MAX;
    s = probe(cfg, key, vmx__key_hash(key));
    return cfg->slots[s] ? (size_t)cfg->slots[s] - 1 : SIZE_MAX;
}

void vmx__config_reindex(vmx_config *cfg)
{
    size_t i, n = 0;

    /* Drop removed lines, then rebuild the entry list and the index in
     * place: both only shrink, so nothing is allocated. */
    for (i = 0; i < cfg->nlines; i++)
        if (cfg->lines[i].kind != VMX_LINE_REMOVED)
            cfg->lines[n++] = cfg->lines[i];
    cfg->nlines = n;
    cfg->nentries = 0;
    cfg->nindexed = 0;
    if (cfg->nslots)
        memset(cfg->slots, 0, cfg->nslots * sizeof(*cfg->slots));
    for (i = 0; i < cfg->nlines; i++) {
        size_t s;

        if (cfg->lines[i].kind != VMX_LINE_ENTRY)
            continue;
        cfg->entries[cfg->nentries++] = (uint32_t)i;
        s = probe(cfg, cfg->lines[i].key, cfg->lines[i].hash);
        if (!cfg->slots[s])
            cfg->nindexed++;
        cfg->slots[s] = (uint32_t)i + 1;
    }
}

/* -- diagnostics */

int vmx__config_add_diag(vmx_config *cfg, vmx_diag_severity severity, unsigned long line,
                         unsigned long other_line, const char *code, const char *key,
                         const char *fmt, ...)
{
    va_list ap;
    char msg[VMX_ERROR_MESSAGE_MAX];
    vmx_diag d;
    size_t pos;
    char *p;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    for (p = msg; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    d.severity = severity;
    d.line = line;
    d.other_line = other_line;
    d.code = code;
    d.key = (key && *key) ? vmx__arena_strndup(&cfg->arena, key, strlen(key)) : "";
    d.message = vmx__arena_strndup(&cfg->arena, msg, strlen(msg));
    if (!d.key || !d.message)
        return VMX_ENOMEM;
    if (cfg->ndiags == cfg->diags_cap) {
        size_t cap = cfg->diags_cap ? cfg->diags_cap * 2 : 16, bytes;
        vmx_diag *nd;

        if (__builtin_mul_overflow(cap, sizeof(*nd), &bytes))
            return VMX_ENOMEM;
        nd = vmx__realloc(cfg->diags, bytes);
        if (!nd)
            return VMX_ENOMEM;
        cfg->diags = nd;
        cfg->diags_cap = cap;
    }
    /* Keep line order, stable: checks that run after the parse usually add
     * at the end, so this is a short walk back. */
    pos = cfg->ndiags;
    while (pos > 0 && cfg->diags[pos - 1].line > line)
        pos--;
    memmove(&cfg->diags[pos + 1], &cfg->diags[pos], (cfg->ndiags - pos) * sizeof(d));
    cfg->diags[pos] = d;
    cfg->ndiags++;
    return 0;
}

size_t vmx_config_diag_count(const vmx_config *cfg)
{
    return cfg->ndiags;
}

const vmx_diag *vmx_config_diag(const vmx_config *cfg, size_t i)
{
    return i < cfg->ndiags ? &cfg->diags[i] : NULL;
}

/* -- lookups */

const char *vmx_config_get(const vmx_config *cfg, const char *key)
{
    size_t i = vmx__config_find(cfg, key);

    return i == SIZE_MAX ? NULL : cfg->lines[i].value;
}

unsigned long vmx_config_get_line(const vmx_config *cfg, const char *key)
{
    size_t i = vmx__config_find(cfg, key);

    return i == SIZE_MAX ? 0 : cfg->lines[i].lineno;
}

size_t vmx_config_count(const vmx_config *cfg)
{
    return cfg->nentries;
}

int vmx_config_entry(const vmx_config *cfg, size_t i, const char **key,
                     const char **value, unsigned long *line)
{
    const vmx_line *l;

    if (i >= cfg->nentries)
        return VMX_EINVAL;
    l = &cfg->lines[cfg->entries[i]];
    if (key)
        *key = l->key;
    if (value)
        *value = l->value;
    if (line)
        *line = l->lineno;
    return 0;
}

const char *vmx_config_encoding(const vmx_config *cfg)
{
    return vmx_config_get(cfg, ".encoding");
}

/* -- edits */

static bool key_char_ok(unsigned char c)
{
    return c > ' ' && c != '=' && c != '#' && c != '"' && c != 0x7f;
}

static bool value_char_ok(unsigned char c)
{
    return (c >= ' ' || c == '\t') && c != '"' && c != 0x7f;
}

static bool is_encoding_key(const char *key)
{
    return vmx__strcasecmp(key, ".encoding") == 0;
}

/* Build the canonical line `key = "value"` in the file's charset, keeping the
 * trailing comment of @old (if any). */
static int build_line(vmx_config *cfg, vmx_line *l, const char *key, const char *value,
                      const vmx_line *old, vmx_error *err)
{
    const char *k, *v, *tail = "";
    size_t klen, vlen, tlen = 0, total;
    char *raw;
    int rc;

    if ((rc = vmx__encode(cfg, &k, &klen, key, strlen(key))) < 0 ||
        (rc = vmx__encode(cfg, &v, &vlen, value, strlen(value))) < 0) {
        if (rc == VMX_EINVAL)
            return vmx_error_set(err, rc, cfg->source, old ? old->lineno : 0, key,
                                 "value has characters the file's charset %s cannot "
                                 "represent",
                                 cfg->charset);
        return vmx_error_set(err, rc, cfg->source, 0, key, "out of memory");
    }
    if (old && old->tail_off < old->raw_len &&
        memchr(old->raw + old->tail_off, '#', old->raw_len - old->tail_off)) {
        tail = old->raw + old->tail_off;
        tlen = old->raw_len - old->tail_off;
    }
    total = klen + vlen + tlen + 5; /* ` = "` and `"` */
    if (total < klen || total > UINT32_MAX)
        return vmx_error_set(err, VMX_ELIMIT, cfg->source, 0, key, "value too long");
    /* an edit never makes a line the reader refuses with its default limit */
    if (total > VMX_PARSE_DEFAULT_MAX_LINE_LENGTH)
        return vmx_error_set(err, VMX_ELIMIT, cfg->source, old ? old->lineno : 0, key,
                             "value of '%s' is too long: %zu bytes, at most %zu", key,
                             vlen,
                             klen + tlen + 5 < VMX_PARSE_DEFAULT_MAX_LINE_LENGTH
                                 ? VMX_PARSE_DEFAULT_MAX_LINE_LENGTH - klen - tlen - 5
                                 : 0);
    raw = vmx__arena_alloc(&cfg->arena, total);
    if (!raw)
        return vmx_error_set(err, VMX_ENOMEM, cfg->source, 0, key, "out of memory");
    memcpy(raw, k, klen);
    memcpy(raw + klen, " = \"", 4);
    memcpy(raw + klen + 4, v, vlen);
    raw[klen + 4 + vlen] = '"';
    if (tlen)
        memcpy(raw + klen + 5 + vlen, tail, tlen);
    l->raw = raw;
    l->raw_len = (uint32_t)total;
    l->tail_off = (uint32_t)(klen + vlen + 5);
    l->flags = VMX_LINE_CHANGED;
    return 0;
}

static int check_utf8_text(const char *s, bool is_key, const char *key,
                           const char *source, vmx_error *err)
{
    const unsigned char *p;

    if (!vmx__utf8_valid(s, strlen(s)))
        return vmx_error_set(err, VMX_EINVAL, source, 0, key, "%s is not valid UTF-8",
                             is_key ? "key" : "value");
    if (is_key && !*s)
        return vmx_error_set(err, VMX_EINVAL, source, 0, NULL, "empty key");
    for (p = (const unsigned char *)s; *p; p++) {
        if (is_key && !key_char_ok(*p))
            return vmx_error_set(err, VMX_EINVAL, source, 0, key,
                                 "invalid character in key (whitespace, '=', '#', "
                                 "'\"' or a control character)");
        if (!is_key && !value_char_ok(*p))
            return vmx_error_set(err, VMX_EINVAL, source, 0, key,
                                 "value holds '\"' or a control character: pipe-escape "
                                 "it (|22, |0A)");
    }
    return 0;
}

static bool same_key(const vmx_line *l, const char *key, uint32_t hash)
{
    return l->kind == VMX_LINE_ENTRY && l->hash == hash &&
           vmx__strcasecmp(l->key, key) == 0;
}

int vmx_config_set(vmx_config *cfg, const char *key, const char *value, vmx_error *err)
{
    vmx_line nl;
    size_t idx, i, others = 0;
    char charset[sizeof(cfg->charset)] = "";
    bool utf8 = cfg->utf8, recode = false, changed;
    uint32_t hash = vmx__key_hash(key);
    int rc;

    if ((rc = check_utf8_text(key, true, key, cfg->source, err)) < 0 ||
        (rc = check_utf8_text(value, false, key, cfg->source, err)) < 0)
        return rc;
    if (is_encoding_key(key)) {
        rc = vmx__charset_resolve(charset, sizeof(charset), &utf8, value);
        if (rc == VMX_EINVAL)
            return vmx_error_set(err, rc, cfg->source, 0, key, "unknown encoding '%s'",
                                 value);
        if (rc < 0)
            return vmx_error_set(err, VMX_EINVAL, cfg->source, 0, key,
                                 "unsupported encoding '%s' (not ASCII-compatible)",
                                 value);
        recode = utf8 != cfg->utf8 || (!utf8 && strcmp(charset, cfg->charset) != 0);
    }
    /* Everything that can fail happens before the config changes. */
    if (vmx__config_reserve_lines(cfg, cfg->nlines + 1) < 0 ||
        vmx__config_reserve_entries(cfg, cfg->nentries + 1) < 0 ||
        vmx__config_index_reserve(cfg, cfg->nindexed + 1) < 0)
        return vmx_error_set(err, VMX_ENOMEM, cfg->source, 0, key, "out of memory");
    idx = vmx__config_find(cfg, key);
    memset(&nl, 0, sizeof(nl));
    if (idx != SIZE_MAX) {
        for (i = 0; i < cfg->nlines; i++)
            if (i != idx && same_key(&cfg->lines[i], key, hash))
                others++;
        changed = strcmp(cfg->lines[idx].value, value) != 0;
        if (changed) {
            nl = cfg->lines[idx];
            if ((rc = build_line(cfg, &nl, nl.key, value, &cfg->lines[idx], err)) < 0)
                return rc;
        }
    } else {
        changed = true;
        nl.kind = VMX_LINE_ENTRY;
        nl.eol = cfg->eol;
        nl.hash = hash;
        if ((rc = build_line(cfg, &nl, key, value, NULL, err)) < 0)
            return rc;
        if (!(nl.key = vmx__arena_strndup(&cfg->arena, key, strlen(key))))
            return vmx_error_set(err, VMX_ENOMEM, cfg->source, 0, key, "out of memory");
    }
    if (changed && !(nl.value = vmx__arena_strndup(&cfg->arena, value, strlen(value))))
        return vmx_error_set(err, VMX_ENOMEM, cfg->source, 0, key, "out of memory");
    /* The .encoding line itself is ASCII, so it reads the same in both
     * charsets; only the other lines need converting. */
    if (recode && (rc = vmx__config_recode(cfg, utf8 ? "" : charset, utf8, err)) < 0)
        return rc;

    if (idx != SIZE_MAX) {
        if (changed)
            cfg->lines[idx] = nl;
        if (others) {
            for (i = 0; i < cfg->nlines; i++)
                if (i != idx && same_key(&cfg->lines[i], key, hash))
                    cfg->lines[i].kind = VMX_LINE_REMOVED;
            vmx__config_reindex(cfg);
        }
        return 0;
    }
    /* A last line without a line end gets one, or the new entry would join it. */
    if (cfg->nlines && cfg->lines[cfg->nlines - 1].eol == VMX_EOL_NONE)
        cfg->lines[cfg->nlines - 1].eol = cfg->eol;
    idx = vmx__config_push_line(cfg, &nl);      /* room reserved above */
    (void)vmx__config_push_entry(cfg, idx);     /* room reserved above */
    (void)vmx__config_index_put(cfg, idx, &rc); /* room reserved above */
    return 0;
}

size_t vmx_config_remove(vmx_config *cfg, const char *key)
{
    size_t i, n = 0;
    uint32_t hash;

    if (vmx__config_find(cfg, key) == SIZE_MAX)
        return 0;
    if (is_encoding_key(key) && !cfg->utf8 && vmx__config_recode(cfg, "", true, NULL) < 0)
        return 0;
    hash = vmx__key_hash(key);
    for (i = 0; i < cfg->nlines; i++) {
        vmx_line *l = &cfg->lines[i];

        if (same_key(l, key, hash)) {
            l->kind = VMX_LINE_REMOVED;
            n++;
        }
    }
    vmx__config_reindex(cfg);
    return n;
}
