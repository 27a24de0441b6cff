/* Growable byte buffer, always NUL-terminated. Internal. */
#ifndef VMX_BUF_H
#define VMX_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "util.h"

typedef struct vmx_buf {
    char *ptr;     /* NUL-terminated while non-NULL */
    size_t len;    /* bytes used, without the NUL */
    size_t cap;    /* bytes allocated */
    int failed;    /* sticky: an append ran out of memory */
} vmx_buf;

#define VMX_BUF_INIT {NULL, 0, 0, 0}

/* Appends return 0 or VMX_ENOMEM; after a failure the buffer stays failed and
 * later appends do nothing, so a writer can check once at the end. */
VMX_INTERNAL int vmx_buf_grow(vmx_buf *b, size_t extra);
VMX_INTERNAL int vmx_buf_put(vmx_buf *b, const char *data, size_t len);
VMX_INTERNAL int vmx_buf_puts(vmx_buf *b, const char *s);
VMX_INTERNAL int vmx_buf_putc(vmx_buf *b, char c);
VMX_INTERNAL int vmx_buf_printf(vmx_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
VMX_INTERNAL int vmx_buf_vprintf(vmx_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Append @s with XML escaping of & < > and, inside attributes, ' and ". */
VMX_INTERNAL int vmx_buf_put_xml_escaped(vmx_buf *b, const char *s, int in_attribute);
VMX_INTERNAL void vmx_buf_clear(vmx_buf *b);
VMX_INTERNAL void vmx_buf_dispose(vmx_buf *b);
/* Hand the contents to the caller (an empty string when nothing was added). */
VMX_INTERNAL char *vmx_buf_detach(vmx_buf *b, size_t *len);

/* Read a whole file ("-" is stdin) into @b, refusing more than @max bytes. */
VMX_INTERNAL int vmx_buf_read_file(vmx_buf *b, const char *path, size_t max, vmx_error *err);

#endif
