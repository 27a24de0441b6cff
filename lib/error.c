#include "config.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void vmx_error_clear(vmx_error *err)
{
    if (err)
        memset(err, 0, sizeof(*err));
}

/* Copy with truncation; control characters become '?' (keys and file
 * names come from untrusted input and end up on a terminal). */
static void copy_bounded(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src), i;

    if (n >= size)
        n = size - 1;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)src[i];

        dst[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    dst[n] = '\0';
}

int vmx_error_set(vmx_error *err, int code, const char *source, unsigned long line,
                  const char *key, const char *fmt, ...)
{
    va_list ap;
    char raw[VMX_ERROR_MESSAGE_MAX];
    char *q, *end;
    const char *p;

    if (!err || err->code != 0)
        return code;
    memset(err, 0, sizeof(*err));
    err->code = code;
    err->line = line;
    copy_bounded(err->source, sizeof(err->source), source ? source : "");
    copy_bounded(err->key, sizeof(err->key), key ? key : "");
    end = err->message + sizeof(err->message) - 1;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof(raw), fmt, ap);
    va_end(ap);
    /* Messages are one line and safe for a terminal, whatever the input they
     * quote holds: line breaks become spaces, other control characters \xNN. */
    for (p = raw, q = err->message; *p && q < end; p++) {
        unsigned char c = (unsigned char)*p;

        if (c == '\n' || c == '\r') {
            *q++ = ' ';
        } else if (c < 0x20 || c == 0x7f) {
            if (end - q < 4)
                break;
            q += snprintf(q, (size_t)(end - q) + 1, "\\x%02x", c);
        } else {
            *q++ = (char)c;
        }
    }
    *q = '\0';
    return code;
}

int vmx_error_format(char *buf, size_t size, const vmx_error *err)
{
    char where[VMX_ERROR_SOURCE_MAX + 32] = "";
    char key[VMX_ERROR_KEY_MAX + 4] = "";

    if (err->source[0] && err->line)
        snprintf(where, sizeof(where), "%s:%lu: ", err->source, err->line);
    else if (err->source[0])
        snprintf(where, sizeof(where), "%s: ", err->source);
    else if (err->line)
        snprintf(where, sizeof(where), "line %lu: ", err->line);
    if (err->key[0])
        snprintf(key, sizeof(key), " [%s]", err->key);
    return snprintf(buf, size, "%s%s%s", where,
                    err->message[0] ? err->message : vmx_strerror(err->code), key);
}

const char *vmx_strerror(int code)
{
    switch (code) {
    case VMX_OK:
        return "success";
    case VMX_EPARSE:
        return "parse error";
    case VMX_EINVAL:
        return "invalid argument";
    case VMX_EUNSUPPORTED:
        return "not supported";
    case VMX_ENOMEM:
        return "out of memory";
    case VMX_EIO:
        return "input/output error";
    case VMX_ELIMIT:
        return "limit exceeded";
    case VMX_ENET:
        return "network error";
    case VMX_ETLS:
        return "TLS verification failed";
    case VMX_EFAULT:
        return "server fault";
    default:
        return "unknown error";
    }
}

const char *vmx_version(void)
{
    return PACKAGE_VERSION;
}
