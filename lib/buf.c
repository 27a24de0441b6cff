#include "config.h"
#include "buf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int vmx_buf_grow(vmx_buf *b, size_t extra)
{
    size_t need, cap;
    char *p;

    if (b->failed)
        return VMX_ENOMEM;
    if (__builtin_add_overflow(b->len, extra, &need) ||
        __builtin_add_overflow(need, 1, &need))
        goto fail;
    if (need <= b->cap)
        return 0;
    cap = b->cap ? b->cap : 256;
    while (cap < need) {
        if (__builtin_mul_overflow(cap, 2, &cap))
            goto fail;
    }
    p = vmx__realloc(b->ptr, cap);
    if (!p)
        goto fail;
    b->ptr = p;
    b->cap = cap;
    return 0;
fail:
    b->failed = 1;
    return VMX_ENOMEM;
}

int vmx_buf_put(vmx_buf *b, const char *data, size_t len)
{
    if (vmx_buf_grow(b, len) < 0)
        return VMX_ENOMEM;
    if (len)
        memcpy(b->ptr + b->len, data, len);
    b->len += len;
    b->ptr[b->len] = '\0';
    return 0;
}

int vmx_buf_puts(vmx_buf *b, const char *s)
{
    return vmx_buf_put(b, s, strlen(s));
}

int vmx_buf_putc(vmx_buf *b, char c)
{
    return vmx_buf_put(b, &c, 1);
}

int vmx_buf_vprintf(vmx_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    int n;

    if (b->failed)
        return VMX_ENOMEM;
    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return VMX_EINVAL;
    if (vmx_buf_grow(b, (size_t)n) < 0)
        return VMX_ENOMEM;
    vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int vmx_buf_printf(vmx_buf *b, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = vmx_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

int vmx_buf_put_xml_escaped(vmx_buf *b, const char *s, int in_attribute)
{
    const char *run = s;

    for (; *s; s++) {
        const char *rep = NULL;

        switch (*s) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '\'':
            rep = in_attribute ? "&apos;" : NULL;
            break;
        case '"':
            rep = in_attribute ? "&quot;" : NULL;
            break;
        default:
            break;
        }
        if (rep) {
            vmx_buf_put(b, run, (size_t)(s - run));
            vmx_buf_puts(b, rep);
            run = s + 1;
        }
    }
    return vmx_buf_put(b, run, (size_t)(s - run));
}

void vmx_buf_clear(vmx_buf *b)
{
    b->len = 0;
    if (b->ptr)
        b->ptr[0] = '\0';
}

void vmx_buf_dispose(vmx_buf *b)
{
    if (!b)
        return;
    vmx__free(b->ptr);
    b->ptr = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
}

char *vmx_buf_detach(vmx_buf *b, size_t *len)
{
    char *p;

    if (b->failed) {
        vmx_buf_dispose(b);
        return NULL;
    }
    if (!b->ptr && vmx_buf_grow(b, 0) < 0)
        return NULL;
    b->ptr[b->len] = '\0';
    p = b->ptr;
    if (len)
        *len = b->len;
    b->ptr = NULL;
    b->len = b->cap = 0;
    return p;
}

int vmx_buf_read_file(vmx_buf *b, const char *path, size_t max, vmx_error *err)
{
    FILE *f;
    char chunk[65536];
    size_t n;
    int rc = 0;
    int is_stdin = strcmp(path, "-") == 0;
    const char *name = is_stdin ? "<stdin>" : path;

    f = is_stdin ? stdin : fopen(path, "rb");
    if (!f)
        return vmx_error_set(err, VMX_EIO, name, 0, NULL, "cannot open: %s",
                             strerror(errno));
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (b->len + n > max) {
            rc = vmx_error_set(err, VMX_ELIMIT, name, 0, NULL,
                               "file larger than the limit of %zu bytes", max);
            goto out;
        }
        if (vmx_buf_put(b, chunk, n) < 0) {
            rc = vmx_error_set(err, VMX_ENOMEM, name, 0, NULL, "out of memory");
            goto out;
        }
    }
    if (ferror(f))
        rc = vmx_error_set(err, VMX_EIO, name, 0, NULL, "read error: %s", strerror(errno));
    else if (!b->ptr && vmx_buf_grow(b, 0) < 0)
        rc = vmx_error_set(err, VMX_ENOMEM, name, 0, NULL, "out of memory");
out:
    if (!is_stdin)
        fclose(f);
    return rc;
}
