/**
 * @file vmxkit/vmxfile.h
 * @brief The VMX file layer: a lossless, ordered view of a `.vmx` file.
 *
 * A parse keeps everything the file holds (key spelling, values, comments,
 * blank lines, a shebang line, CRLF or LF, a missing final newline, the
 * declared `.encoding`), so that writing an unmodified parse back gives the
 * input byte for byte. Values are exposed in UTF-8, converted from the file's
 * `.encoding` with iconv; they are the raw VMX strings (pipe escapes such as
 * `|22` are not decoded here: see vmxkit/escape.h).
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
    /** Refuse what the tolerant reader otherwise accepts with a warning
     *  (unquoted values, duplicate keys, invalid bytes for the encoding). */
    VMX_PARSE_STRICT = 1u << 0
};

#define VMX_PARSE_OPTIONS_VERSION 1

/** Parse options; zero limits mean the documented defaults. */
typedef struct vmx_parse_options {
    unsigned int version;      /**< VMX_PARSE_OPTIONS_VERSION */
    unsigned int flags;        /**< VMX_PARSE_* */
    size_t max_file_size;      /**< default 16 MiB */
    size_t max_line_length;    /**< default 64 KiB */
    size_t max_entries;        /**< default 100000 */
} vmx_parse_options;

#define VMX_PARSE_OPTIONS_INIT {VMX_PARSE_OPTIONS_VERSION, 0, 0, 0, 0}

/** Severity of a diagnostic. */
typedef enum vmx_diag_severity {
    VMX_DIAG_WARNING = 0,
    VMX_DIAG_ERROR = 1
} vmx_diag_severity;

/** A finding of the tolerant reader (see `vmxkit lint`). Strings are
 *  borrowed from the config and live as long as it does. */
typedef struct vmx_diag {
    vmx_diag_severity severity;
    unsigned long line;        /**< 1-based line */
    unsigned long other_line;  /**< the first occurrence, for duplicates; else 0 */
    const char *code;          /**< short stable id: "duplicate-key", "unquoted-value", ... */
    const char *key;           /**< the key, or "" */
    const char *message;       /**< one line */
} vmx_diag;

/**
 * Parse a VMX file held in memory.
 *
 * @param out     receives the config, owned by the caller (vmx_config_free)
 * @param buf     file contents, need not be NUL-terminated
 * @param len     length of @p buf
 * @param source  name used in errors and diagnostics (may be NULL)
 * @param opts    options, or NULL for the defaults
 * @param err     error record, may be NULL
 * @return 0, VMX_EPARSE (with line and key), VMX_ELIMIT, VMX_ENOMEM.
 */
VMX_EXTERN int vmx_config_parse(vmx_config **out, const char *buf, size_t len,
                                const char *source, const vmx_parse_options *opts,
                                vmx_error *err);

/** Read and parse @p path ("-" is standard input). */
VMX_EXTERN int vmx_config_parse_file(vmx_config **out, const char *path,
                                     const vmx_parse_options *opts, vmx_error *err);

/** A new empty config; written out as UTF-8 with LF line ends. */
VMX_EXTERN int vmx_config_new(vmx_config **out);

/** Release @p cfg; NULL is accepted. */
VMX_EXTERN void vmx_config_free(vmx_config *cfg);

/**
 * Look a key up, ignoring ASCII case. When a key occurs more than once the
 * last occurrence wins, as VMware reads it.
 * @return the UTF-8 value, borrowed until the config changes or is freed;
 *         NULL when absent.
 */
VMX_EXTERN const char *vmx_config_get(const vmx_config *cfg, const char *key);

/** Number of key/value entries (comments and blank lines not counted). */
VMX_EXTERN size_t vmx_config_count(const vmx_config *cfg);

/**
 * Entry @p i in file order. Each output pointer may be NULL; strings are
 * borrowed until the config changes or is freed.
 * @return 0, or VMX_EINVAL when @p i is out of range.
 */
VMX_EXTERN int vmx_config_entry(const vmx_config *cfg, size_t i, const char **key,
                                const char **value, unsigned long *line);

/**
 * Set @p key to @p value (UTF-8). An existing entry (any case) keeps its
 * place and spelling; a new one is appended. Changed entries are written in
 * canonical form `key = "value"`.
 */
VMX_EXTERN int vmx_config_set(vmx_config *cfg, const char *key, const char *value,
                              vmx_error *err);

/** Remove every entry of @p key (any case). @return the number removed. */
VMX_EXTERN size_t vmx_config_remove(vmx_config *cfg, const char *key);

/** The declared `.encoding` value, or NULL when the file declares none. */
VMX_EXTERN const char *vmx_config_encoding(const vmx_config *cfg);

/** Diagnostics collected while parsing. */
VMX_EXTERN size_t vmx_config_diag_count(const vmx_config *cfg);
VMX_EXTERN const vmx_diag *vmx_config_diag(const vmx_config *cfg, size_t i);

/**
 * Serialise @p cfg back to bytes in the file's encoding. An unmodified parse
 * gives the input back byte for byte.
 * @param out  receives a NUL-terminated buffer owned by the caller (free())
 * @param len  receives its length, may be NULL
 */
VMX_EXTERN int vmx_config_write(char **out, size_t *len, const vmx_config *cfg,
                                vmx_error *err);

#ifdef __cplusplus
}
#endif
#endif
