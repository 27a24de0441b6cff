/* Internals of the VMX file layer (vmx_parse.c, vmx_config.c, vmx_write.c,
 * vmx_encoding.c). Other library modules may include this header to walk the
 * lines of a config or to add diagnostics (vmx__config_add_diag). */
#ifndef VMX_CONFIG_PRIVATE_H
#define VMX_CONFIG_PRIVATE_H

#include <iconv.h>
#include <stdbool.h>
#include <stdint.h>

#include "util.h"
#include "vmxkit/vmxfile.h"

/* What a line is. Every line of the input is kept, whatever its kind. */
enum {
    VMX_LINE_BLANK = 0, /* empty or whitespace only */
    VMX_LINE_COMMENT,   /* '#' comment, a shebang included */
    VMX_LINE_ENTRY,     /* key = value */
    VMX_LINE_INVALID,   /* malformed but tolerated: kept verbatim, not an entry */
    VMX_LINE_REMOVED    /* dropped by vmx_config_remove/set, until compaction */
};

/* How a line ends. */
enum { VMX_EOL_NONE = 0, VMX_EOL_LF, VMX_EOL_CRLF };

/* Line flags. */
enum {
    VMX_LINE_HIGH_KEY = 1u << 0,    /* the raw key has bytes >= 0x80 */
    VMX_LINE_HIGH_VALUE = 1u << 1,  /* the raw value has bytes >= 0x80 */
    VMX_LINE_CHANGED = 1u << 2,     /* raw was rebuilt after the parse */
    VMX_LINE_UNTERMINATED = 1u << 3 /* tolerated value without a closing quote */
};

typedef struct vmx_line {
    const char *raw;   /* bytes in the file's charset, without the line end */
    const char *key;   /* entries: UTF-8, NUL-terminated; else NULL */
    const char *value; /* entries: UTF-8, NUL-terminated; else NULL */
    uint32_t raw_len;
    uint32_t tail_off; /* entries: offset in raw just after the value */
    uint32_t lineno;   /* 1-based line of the parse; 0 when added later */
    uint32_t hash;     /* entries: vmx__key_hash(key) */
    uint32_t first;    /* during the parse: line index + 1 of the key's first
                          entry when this one is a duplicate, else 0 */
    uint8_t kind;      /* VMX_LINE_* */
    uint8_t eol;       /* VMX_EOL_* */
    uint8_t flags;     /* VMX_LINE_* flags */
} vmx_line;

/* Bump allocator for strings that live as long as the config: decoded
 * values, diagnostics, rebuilt lines. Never frees piecemeal. */
typedef struct vmx_arena_chunk vmx_arena_chunk;
typedef struct vmx_arena {
    vmx_arena_chunk *head;
} vmx_arena;

struct vmx_config {
    char *raw; /* owned copy of the parsed bytes */
    size_t raw_len;
    char *strs; /* keys and values cut from raw, NUL-terminated */
    vmx_arena arena;
    const char *source;

    vmx_line *lines;
    size_t nlines, lines_cap;
    uint32_t *entries; /* line index of each entry, in file order */
    size_t nentries, entries_cap;
    uint32_t *slots; /* hash index: line index + 1 of a key's last entry */
    size_t nslots;   /* power of two, or 0 */
    size_t nindexed; /* distinct keys in the index */

    vmx_diag *diags;
    size_t ndiags, diags_cap;

    bool bom;          /* the input began with a UTF-8 byte order mark */
    uint8_t eol;       /* line end for new lines */
    bool utf8;         /* the file's charset is UTF-8 */
    bool declared;     /* the file declares an .encoding */
    char charset[64];  /* iconv name of the charset when !utf8 */
    iconv_t cd_decode; /* charset -> UTF-8, opened lazily */
    iconv_t cd_encode; /* UTF-8 -> charset, opened lazily */
};

/* -- vmx_config.c */
VMX_INTERNAL void *vmx__arena_alloc(vmx_arena *a, size_t n);
VMX_INTERNAL char *vmx__arena_strndup(vmx_arena *a, const char *s, size_t n);
VMX_INTERNAL void vmx__arena_dispose(vmx_arena *a);
VMX_INTERNAL uint32_t vmx__key_hash(const char *key);
VMX_INTERNAL vmx_config *vmx__config_alloc(void);
/* Make room for @n lines / entries in all (0 or VMX_ENOMEM). */
VMX_INTERNAL int vmx__config_reserve_lines(vmx_config *cfg, size_t n);
VMX_INTERNAL int vmx__config_reserve_entries(vmx_config *cfg, size_t n);
/* Append a line; returns its index or SIZE_MAX when memory runs out. */
VMX_INTERNAL size_t vmx__config_push_line(vmx_config *cfg, const vmx_line *line);
/* Append line @line to the entry list (0 or VMX_ENOMEM). */
VMX_INTERNAL int vmx__config_push_entry(vmx_config *cfg, size_t line);
/* Size the key index for @keys distinct keys (0 or VMX_ENOMEM). */
VMX_INTERNAL int vmx__config_index_reserve(vmx_config *cfg, size_t keys);
/* Index line @i (an entry): it becomes the key's winning entry. Returns the
 * index of the entry it replaces in the index (SIZE_MAX if none), or sets
 * *rc to VMX_ENOMEM. */
VMX_INTERNAL size_t vmx__config_index_put(vmx_config *cfg, size_t i, int *rc);
/* Line index of the key's last entry, or SIZE_MAX. */
VMX_INTERNAL size_t vmx__config_find(const vmx_config *cfg, const char *key);
/* Drop VMX_LINE_REMOVED lines, rebuild the entry list and the index in
 * place (allocates nothing). */
VMX_INTERNAL void vmx__config_reindex(vmx_config *cfg);

/* Add a diagnostic, kept in line order (stable). @key may be NULL. Returns 0
 * or VMX_ENOMEM. Any module may call this on a config it holds, e.g. to
 * report checks of its own to `vmxkit lint`; @code must be a static string. */
VMX_INTERNAL int vmx__config_add_diag(vmx_config *cfg, vmx_diag_severity severity,
                                      unsigned long line, unsigned long other_line,
                                      const char *code, const char *key, const char *fmt,
                                      ...) __attribute__((format(printf, 7, 8)));

/* -- vmx_parse.c */
/* Would vmx_config_parse(@buf, @len) with the default options succeed (short
 * of memory)? 0 when it surely would, 1 when unsure: a quick check that
 * builds nothing, for callers that only need to know the text is
 * acceptable (vmx_convert). */
VMX_INTERNAL int vmx__config_check(const char *buf, size_t len);

/* Does VMX text that vmxkit wrote (@buf, @len bytes) stay within the
 * reader's default limits (file size, line length, number of lines)? 0, or
 * VMX_ELIMIT with an error naming the key of a line that is too long: a
 * converter checks its output so that it never writes a file the reader
 * refuses. */
VMX_INTERNAL int vmx__config_check_limits(const char *buf, size_t len, vmx_error *err);

/* -- vmx_encoding.c */
/* Resolve a declared .encoding to an iconv charset, applying the aliases
 * VMware uses that iconv lacks. Sets *utf8 for UTF-8. Returns 0,
 * VMX_EINVAL (unknown to iconv) or VMX_EUNSUPPORTED (not ASCII-compatible). */
VMX_INTERNAL int vmx__charset_resolve(char *out, size_t size, bool *utf8,
                                      const char *declared);
/* Is @s (@n bytes) valid UTF-8 (no overlongs, surrogates or > U+10FFFF)? */
VMX_INTERNAL bool vmx__utf8_valid(const char *s, size_t n);
/* Decode @n bytes of the config's charset to NUL-terminated UTF-8 in the
 * arena. Invalid sequences are decoded byte by byte as windows-1252 and
 * *fallback is set. Returns 0 or VMX_ENOMEM. */
VMX_INTERNAL int vmx__decode(vmx_config *cfg, const char **out, const char *s, size_t n,
                             bool *fallback);
/* Encode @n bytes of UTF-8 to the config's charset, into the arena. Returns
 * 0, VMX_EINVAL (a character the charset lacks) or VMX_ENOMEM. */
VMX_INTERNAL int vmx__encode(vmx_config *cfg, const char **out, size_t *outlen,
                             const char *s, size_t n);
/* Switch the config to @charset (already resolved), converting the raw bytes
 * of every line that holds non-ASCII bytes. Bytes that were invalid in the old
 * charset convert as they read (windows-1252). On VMX_EINVAL (@err: line and
 * key of a line the new charset cannot represent) nothing is changed. */
VMX_INTERNAL int vmx__config_recode(vmx_config *cfg, const char *charset, bool utf8,
                                    vmx_error *err);
VMX_INTERNAL void vmx__config_close_iconv(vmx_config *cfg);

#endif
