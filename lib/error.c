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

static void copy_bounded(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);

    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

int vmx_error_set(vmx_error *err, int code, const char *source, unsigned long line,
                  const char *key, const char *fmt, ...)
{
    va_list ap;
    char *p;

    if (!err || err->code != 0)
        return code;
    memset(err, 0, sizeof(*err));
    err->code = code;
    err->line = line;
    copy_bounded(err->source, sizeof(err->source), source ? source : "");
    copy_bounded(err->key, sizeof(err->key), key ? key : "");
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    /* Messages are one line, whatever the input they quote holds. */
    for (p = err->message; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
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
