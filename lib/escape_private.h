/* Internal pieces shared by the escaping codecs (escape_hex.c,
 * escape_datastore.c, datastore_path.c, charset.c). Not installed. */
#ifndef VMX_ESCAPE_PRIVATE_H
#define VMX_ESCAPE_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "vmxkit/escape.h"

/* Incremental UTF-8 checker: feed bytes one at a time. */
typedef struct vmx__utf8_state {
    unsigned int need;    /* continuation bytes still expected */
    unsigned char lo, hi; /* allowed range of the next continuation byte */
    size_t lead;          /* caller's offset of the current sequence's first byte */
} vmx__utf8_state;

/* Feed @c found at @offset: 0 while well-formed, -1 at the first problem
 * (the bad sequence starts at st->lead). */
VMX_INTERNAL int vmx__utf8_feed(vmx__utf8_state *st, unsigned char c, size_t offset);

/* How the bytes given to vmx__unescape_hex() relate to the caller's input:
 * the datastore decoder first expands base64 runs, so its percent escapes
 * are found in an intermediate buffer. NULL means "the input itself". */
typedef struct vmx__offset_map {
    size_t (*to_input)(const void *ctx, size_t offset);
    /* true when the byte at @offset was copied literally from the input */
    bool (*is_literal)(const void *ctx, size_t offset);
    const void *ctx;
} vmx__offset_map;

/* Decode @esc XX escapes in @s (@len bytes) and append the result to @out.
 * With @count_underscores, literal '_' are counted as ambiguous. */
VMX_INTERNAL int vmx__unescape_hex(vmx_buf *out, const char *s, size_t len, char esc,
                                   unsigned int flags, const vmx__offset_map *map,
                                   bool count_underscores, vmx_unescape_report *report,
                                   vmx_error *err);

/* Append @s (@len bytes) to @out with @esc, the bytes of @special and, when
 * @controls, 0x01-0x1F except TAB written as @esc followed by lowercase hex. */
VMX_INTERNAL int vmx__escape_hex(vmx_buf *out, const char *s, size_t len, char esc,
                                 const char *special, bool controls);

/* Length of @in, or VMX_ELIMIT / VMX_EINVAL recorded in @err. */
VMX_INTERNAL int vmx__escape_input_len(size_t *len, const char *in, vmx_error *err);

/* Record a VMX_EPARSE error at 0-based byte @offset (err->column = offset+1). */
VMX_INTERNAL int vmx__escape_parse_error(vmx_error *err, size_t offset, const char *fmt,
                                         ...) __attribute__((format(printf, 3, 4)));

/* Record VMX_ENOMEM. */
VMX_INTERNAL int vmx__escape_nomem(vmx_error *err);

/* Quote @n bytes of @s into @dst for an error message: printable ASCII as is,
 * other bytes as \xNN. Always NUL-terminates. */
VMX_INTERNAL void vmx__escape_quote(char *dst, size_t size, const char *s, size_t n);

#endif
