/**
 * @file vmxkit/vmxfile.h
 * @brief The VMX file layer: a lossless, ordered view of a `.vmx` file.
 *
 * A parse keeps everything the file holds (key spelling, values, comments,
 * blank lines, a shebang line, a UTF-8 byte order mark, CRLF or LF per line, a
 * missing final newline, the spacing around `=`, the declared `.encoding`), so
 * that writing an unmodified parse back gives the input byte for byte. Values
 * are exposed in UTF-8, converted from the file's `.encoding` with iconv; they
 * are the raw VMX strings (pipe escapes such as `|22` are not decoded here: see
 * vmxkit/escape.h). Keys are compared ignoring ASCII case; when a key occurs
 * more than once the last occurrence wins, as VMware reads it (libvirt's
 * reader takes the first), and the parse reports a `duplicate-key` error
 * diagnostic. See doc/vmxfile.md for the design and the fallbacks.
 */
#ifndef VMXKIT_VMXFILE_H
#define VMXKIT_VMXFILE_H

#include <stddef.h>

#include "vmxkit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An opaque parsed VMX file. */
typedef struct vmx_config vmx_config;

/** Parse flags. */
enum {
    /** Refuse what the tolerant reader otherwise accepts with a diagnostic:
     *  unquoted values, text after a value, duplicate keys, unusual key
     *  characters and invalid bytes for the encoding become VMX_EPARSE. Style
     *  diagnostics (spacing, comments after values, boolean case) stay
     *  diagnostics. */
    VMX_PARSE_STRICT = 1u << 0
};

#define VMX_PARSE_OPTIONS_VERSION 1

/** Default cap on the input size: 16 MiB. */
#define VMX_PARSE_DEFAULT_MAX_FILE_SIZE ((size_t)16 * 1024 * 1024)
/** Default cap on one line, without its line end: 64 KiB. */
#define VMX_PARSE_DEFAULT_MAX_LINE_LENGTH ((size_t)64 * 1024)
/** Default cap on the number of lines: 100000. */
#define VMX_PARSE_DEFAULT_MAX_ENTRIES ((size_t)100000)

/** Parse options; zero limits mean the documented defaults. */
typedef struct vmx_parse_options {
    unsigned int version;   /**< VMX_PARSE_OPTIONS_VERSION */
    unsigned int flags;     /**< VMX_PARSE_* */
    size_t max_file_size;   /**< bytes; default 16 MiB (VMX_ELIMIT beyond) */
    size_t max_line_length; /**< bytes without the line end; default 64 KiB */
    size_t max_entries;     /**< lines of any kind (entries, comments, blank);
                                 default 100000 */
} vmx_parse_options;

#define VMX_PARSE_OPTIONS_INIT                                                           \
    {                                                                                    \
        VMX_PARSE_OPTIONS_VERSION, 0, 0, 0, 0                                            \
    }

/** Severity of a diagnostic. */
typedef enum vmx_diag_severity {
    VMX_DIAG_WARNING = 0,
    VMX_DIAG_ERROR = 1
} vmx_diag_severity;

/**
 * A finding of the tolerant reader (see `vmxkit lint`). Strings are borrowed
 * from the config and live as long as it does. Diagnostics are kept in line
 * order. Codes of the file layer: "duplicate-key" (error), "trailing-text"
 * (error, the line is kept but is not an entry), "invalid-encoding" (error
 * when the file declares an `.encoding`, else warning), "unquoted-value",
 * "key-syntax", "spacing", "trailing-comment", "boolean-case" (warnings).
 */
typedef struct vmx_diag {
    vmx_diag_severity severity;
    unsigned long line;       /**< 1-based line */
    unsigned long other_line; /**< the first occurrence, for duplicates; else 0 */
    const char *code;         /**< short stable id: "duplicate-key", ... */
    const char *key;          /**< the key, or "" */
    const char *message;      /**< one line, lowercase */
} vmx_diag;

/**
 * Parse a VMX file held in memory.
 *
 * @param out     receives the config, owned by the caller (vmx_config_free)
 * @param buf     file contents, need not be NUL-terminated (NULL if @p len is 0)
 * @param len     length of @p buf
 * @param source  name used in errors and diagnostics (may be NULL)
 * @param opts    options, or NULL for the defaults
 * @param err     error record, may be NULL
 * @return 0; VMX_EPARSE (err->line set, err->key when known) for a malformed
 *         line, a NUL byte, or an unknown or unsupported `.encoding`;
 *         VMX_ELIMIT (file, line or line-count limit); VMX_EINVAL (bad
 *         options); VMX_ENOMEM.
 */
VMX_EXTERN int vmx_config_parse(vmx_config **out, const char *buf, size_t len,
                                const char *source, const vmx_parse_options *opts,
                                vmx_error *err);

/** Read and parse @p path ("-" is standard input, named "<stdin>").
 *  @return as vmx_config_parse, plus VMX_EIO. */
VMX_EXTERN int vmx_config_parse_file(vmx_config **out, const char *path,
                                     const vmx_parse_options *opts, vmx_error *err);

/** A new empty config; written out as UTF-8 with LF line ends.
 *  @return 0 or VMX_ENOMEM; *out is owned by the caller. */
VMX_EXTERN int vmx_config_new(vmx_config **out);

/** Release @p cfg; NULL is accepted. */
VMX_EXTERN void vmx_config_free(vmx_config *cfg);

/** The source name given to the parse ("" for none or vmx_config_new);
 *  borrowed until the config is freed. */
VMX_EXTERN const char *vmx_config_source(const vmx_config *cfg);

/**
 * Look a key up, ignoring ASCII case. When a key occurs more than once the
 * last occurrence wins, as VMware reads it.
 * @return the UTF-8 value, borrowed until the config changes or is freed;
 *         NULL when absent.
 */
VMX_EXTERN const char *vmx_config_get(const vmx_config *cfg, const char *key);

/** The 1-based line of the entry vmx_config_get() returns, for error
 *  messages; 0 when the key is absent or was added after the parse. */
VMX_EXTERN unsigned long vmx_config_get_line(const vmx_config *cfg, const char *key);

/** Number of key/value entries (comments and blank lines not counted). */
VMX_EXTERN size_t vmx_config_count(const vmx_config *cfg);

/**
 * Entry @p i in file order (duplicates included). Each output pointer may be
 * NULL; strings are borrowed until the config changes or is freed; @p line is
 * 0 for an entry added after the parse.
 * @return 0, or VMX_EINVAL when @p i is out of range.
 */
VMX_EXTERN int vmx_config_entry(const vmx_config *cfg, size_t i, const char **key,
                                const char **value, unsigned long *line);

/**
 * Set @p key to @p value (UTF-8, a raw VMX string: `"` and control characters
 * other than tab must already be pipe-escaped). An existing entry (any case)
 * keeps its place, spelling and trailing comment, and other occurrences of the
 * key are removed; a new one is appended. A changed entry is written in
 * canonical form `key = "value"` with its line's line end (new lines use the
 * file's most common one). Setting `.encoding` converts the lines that hold
 * non-ASCII bytes to the new charset.
 * @return 0; VMX_EINVAL (invalid key or value, or a character the file's
 *         charset cannot represent: nothing is changed); VMX_ENOMEM.
 */
VMX_EXTERN int vmx_config_set(vmx_config *cfg, const char *key, const char *value,
                              vmx_error *err);

/** Remove every entry of @p key (any case). Removing `.encoding` converts the
 *  other lines to UTF-8 (bytes invalid in the old charset convert as they
 *  read, see vmx_config_get()).
 *  @return the number removed (0 also when memory ran out; nothing changed). */
VMX_EXTERN size_t vmx_config_remove(vmx_config *cfg, const char *key);

/** The declared `.encoding` value, or NULL when the file declares none (the
 *  file is then read as UTF-8). Borrowed like vmx_config_get(). */
VMX_EXTERN const char *vmx_config_encoding(const vmx_config *cfg);

/** Number of diagnostics collected while parsing (and by later checks). */
VMX_EXTERN size_t vmx_config_diag_count(const vmx_config *cfg);

/** Diagnostic @p i in line order, borrowed until the config is freed; NULL
 *  when out of range. */
VMX_EXTERN const vmx_diag *vmx_config_diag(const vmx_config *cfg, size_t i);

/**
 * Serialise @p cfg back to bytes in the file's encoding. An unmodified parse
 * gives the input back byte for byte. When an edit made a line that starts
 * with the bytes EF BB BF (a key beginning with U+FEFF) the first line of a
 * file without a byte order mark, a mark is written in front, so that the
 * reader does not take those bytes for one.
 * @param out  receives a NUL-terminated buffer owned by the caller (vmx_free())
 * @param len  receives its length, may be NULL
 * @return 0 or VMX_ENOMEM (VMX_ELIMIT if the size overflows).
 */
VMX_EXTERN int vmx_config_write(char **out, size_t *len, const vmx_config *cfg,
                                vmx_error *err);

#ifdef __cplusplus
}
#endif
#endif
