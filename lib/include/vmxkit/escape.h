/**
 * @file vmxkit/escape.h
 * @brief VMware's escaping schemes: percent, pipe, datastore items and paths,
 * and the character-set helpers they need (windows-1252, UTF-8 checks).
 *
 * Encoders produce exactly what libvirt 9.0 produces (see doc/escaping.md for
 * the few documented differences). Decoders take VMX_UNESCAPE_STRICT or
 * VMX_UNESCAPE_LENIENT and can describe what they tolerated or could not
 * restore in a vmx_unescape_report. Every string returned through `char **out`
 * belongs to the caller, who frees it with vmx_free().
 */
#ifndef VMXKIT_ESCAPE_H
#define VMXKIT_ESCAPE_H

#include <stddef.h>

#include "vmxkit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Longest input, in bytes, that the codecs accept (VMX_ELIMIT beyond). */
#define VMX_ESCAPE_MAX_INPUT ((size_t)64 * 1024 * 1024)

/** Flags for the decoders. */
enum {
    /** Any invalid escape, NUL result or invalid UTF-8 result is a VMX_EPARSE
     *  error whose err->column is the 1-based byte offset in the input. */
    VMX_UNESCAPE_STRICT = 0,
    /** Invalid escapes are copied literally and counted in the report; the
     *  result is not checked for UTF-8 (the report says when it is invalid).
     *  Meant for reading real files, where `"#NAME# | Version"` occurs. */
    VMX_UNESCAPE_LENIENT = 1 << 0
};

/**
 * What a decoder tolerated (lenient mode) or could not restore. Filled by
 * every decoder when the caller passes one; all fields are zero for a clean
 * decode. Offsets are 0-based byte offsets.
 */
typedef struct vmx_unescape_report {
    /** Invalid escapes (and, for datastore items, characters outside the
     *  escaped alphabet) copied literally; always 0 in strict mode. */
    size_t kept;
    /** Input offset of the first of them; meaningful when kept > 0. */
    size_t first_kept;
    /** Datastore items only: literal '_' in the result. Each may stand for one
     *  of the Windows characters `"*<>:|?` that encoding replaced with '_';
     *  the original character cannot be restored. */
    size_t ambiguous;
    /** Result offset of the first ambiguous '_'; meaningful when ambiguous > 0. */
    size_t first_ambiguous;
    /** Lenient mode: 1 when the result is not valid UTF-8, else 0. */
    int invalid_utf8;
} vmx_unescape_report;

/* ----- percent: "%XX", used for vSphere display names ----- */

/**
 * Escape '%', '/' and '\' as `%XX` (lowercase hex), as libvirt's
 * virVMXEscapeHexPercent does. Other bytes are copied.
 *
 * @param out  receives the escaped string, owned by the caller (vmx_free())
 * @param in   NUL-terminated input
 * @param err  optional error record
 * @return 0, VMX_ENOMEM, VMX_ELIMIT or VMX_EINVAL (NULL argument).
 */
VMX_EXTERN int vmx_escape_percent(char **out, const char *in, vmx_error *err);

/**
 * Decode every `%XX` (upper- or lowercase hex) in @p in.
 *
 * Strict mode rejects a '%' not followed by two hex digits, an escape that
 * decodes to NUL, and a result that is not valid UTF-8, with VMX_EPARSE and a
 * message such as "invalid escape '%G1' at offset 3" (err->column = offset+1).
 *
 * @param out    receives the decoded string, owned by the caller (vmx_free());
 *               NULL on failure
 * @param in     NUL-terminated input
 * @param flags  VMX_UNESCAPE_STRICT or VMX_UNESCAPE_LENIENT
 * @param report optional, receives what was tolerated
 * @param err    optional error record
 * @return 0, VMX_EPARSE, VMX_ENOMEM, VMX_ELIMIT or VMX_EINVAL.
 */
VMX_EXTERN int vmx_unescape_percent(char **out, const char *in, unsigned int flags,
                                    vmx_unescape_report *report, vmx_error *err);

/* ----- pipe: "|XX", used in VMX displayName and annotation ----- */

/**
 * Escape '|' and '"' as `|XX` (lowercase hex), as libvirt's
 * virVMXEscapeHexPipe does, and also the control characters 0x01-0x1F other
 * than TAB (a newline becomes `|0a`), which libvirt leaves raw although a VMX
 * value cannot hold them. Other bytes are copied.
 *
 * @param out  receives the escaped string, owned by the caller (vmx_free())
 * @param in   NUL-terminated input
 * @param err  optional error record
 * @return 0, VMX_ENOMEM, VMX_ELIMIT or VMX_EINVAL (NULL argument).
 */
VMX_EXTERN int vmx_escape_pipe(char **out, const char *in, vmx_error *err);

/**
 * Decode every `|XX` (upper- or lowercase hex: VMware writes `|0D|0A`,
 * libvirt `|7c`) in @p in. Errors and lenient mode as for
 * vmx_unescape_percent(): in lenient mode `"#NAME# | Version"` decodes to
 * itself with report->kept == 1.
 *
 * @param out    receives the decoded string, owned by the caller (vmx_free())
 * @param in     NUL-terminated input
 * @param flags  VMX_UNESCAPE_STRICT or VMX_UNESCAPE_LENIENT
 * @param report optional, receives what was tolerated
 * @param err    optional error record
 * @return 0, VMX_EPARSE, VMX_ENOMEM, VMX_ELIMIT or VMX_EINVAL.
 */
VMX_EXTERN int vmx_unescape_pipe(char **out, const char *in, unsigned int flags,
                                 vmx_unescape_report *report, vmx_error *err);

/* ----- datastore item names (files and directories on ESX datastores) ----- */

/**
 * Escape a datastore item name as libvirt's esxUtil_EscapeDatastoreItem does:
 * the Windows characters `"*<>:|?` become '_', then '%', '/' and '\' are
 * percent-escaped, then each run of bytes outside `[A-Za-z0-9'(),. _-]` is
 * written as '+', its base64 (alphabet with ',' instead of '/', no padding)
 * and '-', the '-' being left out at the end of the string.
 * The empty string encodes to itself (libvirt fails on it).
 *
 * @param out  receives the escaped name, owned by the caller (vmx_free())
 * @param in   NUL-terminated input, normally UTF-8
 * @param err  optional error record
 * @return 0, VMX_ENOMEM, VMX_ELIMIT or VMX_EINVAL (NULL argument).
 */
VMX_EXTERN int vmx_escape_datastore_item(char **out, const char *in, vmx_error *err);

/**
 * Reverse vmx_escape_datastore_item(): decode the base64 runs, then the
 * percent escapes. A run may end with '-', at the end of the string or
 * before a character outside the base64 alphabet; `+-` is a literal '+'.
 * The '_' that stood for Windows characters cannot be told from real '_':
 * every literal '_' is counted in report->ambiguous.
 *
 * Strict mode rejects, with VMX_EPARSE and the input offset: characters that
 * the encoder never writes literally ("unexpected character '%' at offset
 * 1"), truncated or invalid base64 runs ("invalid base64 run '+A' at offset
 * 0"), invalid percent escapes inside the decoded runs, NUL results and
 * invalid UTF-8 results. Lenient mode copies those literally and counts them
 * in report->kept.
 *
 * @param out    receives the decoded name, owned by the caller (vmx_free())
 * @param in     NUL-terminated escaped name
 * @param flags  VMX_UNESCAPE_STRICT or VMX_UNESCAPE_LENIENT
 * @param report optional, receives what was tolerated or is ambiguous
 * @param err    optional error record
 * @return 0, VMX_EPARSE, VMX_ENOMEM, VMX_ELIMIT or VMX_EINVAL.
 */
VMX_EXTERN int vmx_unescape_datastore_item(char **out, const char *in, unsigned int flags,
                                           vmx_unescape_report *report, vmx_error *err);

/* ----- datastore paths "[datastore] directory/file" ----- */

/**
 * A parsed datastore path. The caller owns the struct and disposes of it with
 * vmx_datastore_path_dispose(); the strings belong to the struct.
 */
typedef struct vmx_datastore_path {
    /** The name between the brackets, never empty. */
    char *datastore;
    /** directory_and_file up to its last '/'; the whole of it when it has
     *  no '/' (libvirt's rule: "[ds] file" has directory "file"). */
    char *directory;
    /** The part after the last '/' of directory_and_file, or all of it when
     *  it has no '/'; empty for "[ds] dir/". */
    char *file;
    /** Everything after "] " (leading spaces removed), possibly empty. */
    char *directory_and_file;
} vmx_datastore_path;

/** Static initialiser for an empty vmx_datastore_path. */
#define VMX_DATASTORE_PATH_INIT                                                          \
    {                                                                                    \
        NULL, NULL, NULL, NULL                                                           \
    }

/**
 * Parse `[datastore] directory/file` exactly as libvirt's
 * esxUtil_ParseDatastorePath does: the path must start with '[' followed by a
 * non-empty name, which ends at the first ']' (or at the end of the string);
 * spaces after the ']' are skipped.
 *
 * @param out   caller-owned struct, filled on success and left empty
 *              (all NULL) on failure; dispose of it in both cases
 * @param path  NUL-terminated datastore path
 * @param err   optional error record
 * @return 0, VMX_EPARSE (e.g. "[] x" or "x"), VMX_ENOMEM, VMX_ELIMIT or
 *         VMX_EINVAL.
 */
VMX_EXTERN int vmx_datastore_path_parse(vmx_datastore_path *out, const char *path,
                                        vmx_error *err);

/**
 * Format `[datastore] directory_and_file` (just `[datastore]` when
 * directory_and_file is NULL or empty), so that vmx_datastore_path_parse()
 * gives back the same two parts.
 *
 * @param out   receives the path, owned by the caller (vmx_free())
 * @param path  uses path->datastore and path->directory_and_file only
 * @param err   optional error record
 * @return 0, VMX_ENOMEM, or VMX_EINVAL when the datastore is empty or holds
 *         ']', or directory_and_file starts with a space.
 */
VMX_EXTERN int vmx_datastore_path_format(char **out, const vmx_datastore_path *path,
                                         vmx_error *err);

/** Free the strings of @p path and reset it to empty. NULL is accepted. */
VMX_EXTERN void vmx_datastore_path_dispose(vmx_datastore_path *path);

/* ----- character sets ----- */

/**
 * Convert windows-1252 bytes to UTF-8. All 256 byte values are defined: the
 * five bytes that windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90,
 * 0x9D) map to the C1 controls U+0081 etc., as Windows and the WHATWG
 * encoding standard do (iconv, and so libvirt, reject them).
 *
 * @param out      receives a NUL-terminated UTF-8 string owned by the caller
 *                 (vmx_free()); a 0x00 input byte is copied as a NUL
 * @param out_len  optional, receives the length of @p out without the final NUL
 * @param in       input bytes (may be NULL when @p in_len is 0)
 * @param in_len   number of input bytes
 * @param err      optional error record
 * @return 0, VMX_ENOMEM, VMX_ELIMIT or VMX_EINVAL.
 */
VMX_EXTERN int vmx_charset_cp1252_to_utf8(char **out, size_t *out_len, const char *in,
                                          size_t in_len, vmx_error *err);

/**
 * Check that @p len bytes at @p s are well-formed UTF-8 (no overlong forms,
 * no surrogates, nothing above U+10FFFF; NUL bytes are allowed).
 *
 * @param bad_offset optional, receives the offset of the first byte of the
 *                   first invalid or truncated sequence (@p len when valid)
 * @param s          the bytes (may be NULL when @p len is 0)
 * @param len        number of bytes
 * @param err        optional error record, filled with VMX_EPARSE, a message
 *                   "invalid UTF-8 at offset N" and err->column = N + 1
 * @return 0 when valid, VMX_EPARSE when not, VMX_EINVAL for a NULL @p s.
 */
VMX_EXTERN int vmx_utf8_validate(size_t *bad_offset, const char *s, size_t len,
                                 vmx_error *err);

#ifdef __cplusplus
}
#endif
#endif
