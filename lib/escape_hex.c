/* The two hex escaping schemes, "%XX" (percent) and "|XX" (pipe), and the
 * decoding engine that the datastore item decoder reuses. */
#include "config.h"
#include "escape_private.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char hex_lower[] = "0123456789abcdef";

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void vmx__escape_quote(char *dst, size_t size, const char *s, size_t n)
{
    size_t i, used = 0;

    if (size == 0)
        return;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c >= 0x20 && c < 0x7f) {
            if (used + 1 >= size)
                break;
            dst[used++] = (char)c;
        } else {
            if (used + 4 >= size)
                break;
            dst[used++] = '\\';
            dst[used++] = 'x';
            dst[used++] = hex_lower[c >> 4];
            dst[used++] = hex_lower[c & 0xf];
        }
    }
    dst[used] = '\0';
}

int vmx__escape_parse_error(vmx_error *err, size_t offset, const char *fmt, ...)
{
    char msg[VMX_ERROR_MESSAGE_MAX];
    bool fresh = err && err->code == 0;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    vmx_error_set(err, VMX_EPARSE, NULL, 0, NULL, "%s", msg);
    if (fresh)
        err->column = (unsigned long)offset + 1;
    return VMX_EPARSE;
}

int vmx__escape_nomem(vmx_error *err)
{
    return vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
}

int vmx__escape_input_len(size_t *len, const char *in, vmx_error *err)
{
    if (!in)
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL, "no input string");
    *len = strnlen(in, VMX_ESCAPE_MAX_INPUT + 1);
    if (*len > VMX_ESCAPE_MAX_INPUT)
        return vmx_error_set(err, VMX_ELIMIT, NULL, 0, NULL,
                             "input longer than %zu bytes", VMX_ESCAPE_MAX_INPUT);
    return 0;
}

static bool needs_escape(unsigned char c, char esc, const char *special, bool controls)
{
    if (c == (unsigned char)esc)
        return true;
    if (c != '\0' && strchr(special, c) != NULL)
        return true;
    return controls && c >= 0x01 && c < 0x20 && c != '\t';
}

int vmx__escape_hex(vmx_buf *out, const char *s, size_t len, char esc,
                    const char *special, bool controls)
{
    size_t i, extra = 0;

    for (i = 0; i < len; i++)
        if (needs_escape((unsigned char)s[i], esc, special, controls))
            extra += 2; /* cannot overflow: len is capped far below SIZE_MAX / 3 */
    if (vmx_buf_grow(out, len + extra) < 0)
        return VMX_ENOMEM;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (needs_escape(c, esc, special, controls)) {
            char e[3] = {esc, hex_lower[c >> 4], hex_lower[c & 0xf]};

            vmx_buf_put(out, e, 3);
        } else {
            vmx_buf_putc(out, (char)c);
        }
    }
    return out->failed ? VMX_ENOMEM : 0;
}

static size_t map_offset(const vmx__offset_map *map, size_t offset)
{
    return map && map->to_input ? map->to_input(map->ctx, offset) : offset;
}

static void note_kept(vmx_unescape_report *report, size_t input_offset)
{
    if (report->kept++ == 0)
        report->first_kept = input_offset;
}

int vmx__unescape_hex(vmx_buf *out, const char *s, size_t len, char esc,
                      unsigned int flags, const vmx__offset_map *map,
                      bool count_underscores, vmx_unescape_report *report, vmx_error *err)
{
    bool lenient = (flags & VMX_UNESCAPE_LENIENT) != 0;
    vmx__utf8_state utf8 = {0};
    size_t i = 0, start = out->len;
    char text[32];

    if (vmx_buf_grow(out, len) < 0)
        return vmx__escape_nomem(err);
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        size_t at = i;
        int hi, lo;

        if (c == (unsigned char)esc) {
            hi = i + 1 < len ? hex_value((unsigned char)s[i + 1]) : -1;
            lo = i + 2 < len ? hex_value((unsigned char)s[i + 2]) : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                size_t n = len - i < 3 ? len - i : 3;

                if (lenient) {
                    note_kept(report, map_offset(map, i));
                    vmx_buf_putc(out, (char)c);
                    if (vmx__utf8_feed(&utf8, c, i) < 0)
                        report->invalid_utf8 = 1;
                    i++;
                    continue;
                }
                vmx__escape_quote(text, sizeof(text), s + i, n);
                if (hi >= 0 && lo >= 0)
                    return vmx__escape_parse_error(
                        err, map_offset(map, i),
                        "escape '%s' at offset %zu decodes to NUL", text,
                        map_offset(map, i));
                if (n < 3 && (n < 2 || hi >= 0))
                    return vmx__escape_parse_error(err, map_offset(map, i),
                                                   "truncated escape '%s' at offset %zu",
                                                   text, map_offset(map, i));
                return vmx__escape_parse_error(err, map_offset(map, i),
                                               "invalid escape '%s' at offset %zu", text,
                                               map_offset(map, i));
            }
            c = (unsigned char)(hi * 16 + lo);
            i += 3;
        } else {
            if (count_underscores && c == '_' &&
                (!map || !map->is_literal || map->is_literal(map->ctx, i))) {
                if (report->ambiguous++ == 0)
                    report->first_ambiguous = out->len - start;
            }
            i++;
        }
        vmx_buf_putc(out, (char)c);
        if (vmx__utf8_feed(&utf8, c, at) < 0) {
            if (!lenient)
                return vmx__escape_parse_error(err, map_offset(map, utf8.lead),
                                               "invalid UTF-8 at offset %zu",
                                               map_offset(map, utf8.lead));
            report->invalid_utf8 = 1;
            utf8.need = 0;
        }
    }
    if (utf8.need > 0) {
        if (!lenient)
            return vmx__escape_parse_error(err, map_offset(map, utf8.lead),
                                           "invalid UTF-8 at offset %zu",
                                           map_offset(map, utf8.lead));
        report->invalid_utf8 = 1;
    }
    return out->failed ? vmx__escape_nomem(err) : 0;
}

static int escape_string(char **out, const char *in, char esc, const char *special,
                         bool controls, vmx_error *err)
{
    vmx_buf buf = VMX_BUF_INIT;
    size_t len;
    int rc;

    if (!out)
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL, "no output pointer");
    *out = NULL;
    if ((rc = vmx__escape_input_len(&len, in, err)) < 0)
        goto out;
    if ((rc = vmx__escape_hex(&buf, in, len, esc, special, controls)) < 0 ||
        (rc = vmx_buf_grow(&buf, 0)) < 0) {
        rc = vmx__escape_nomem(err);
        goto out;
    }
    *out = vmx_buf_detach(&buf, NULL);
    rc = 0;
out:
    vmx_buf_dispose(&buf);
    return rc;
}

static int unescape_string(char **out, const char *in, char esc, unsigned int flags,
                           vmx_unescape_report *report, vmx_error *err)
{
    vmx_unescape_report local;
    vmx_buf buf = VMX_BUF_INIT;
    size_t len;
    int rc;

    if (!report)
        report = &local;
    memset(report, 0, sizeof(*report));
    if (!out)
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL, "no output pointer");
    *out = NULL;
    if ((rc = vmx__escape_input_len(&len, in, err)) < 0 ||
        (rc = vmx__unescape_hex(&buf, in, len, esc, flags, NULL, false, report, err)) < 0)
        goto out;
    if (vmx_buf_grow(&buf, 0) < 0) {
        rc = vmx__escape_nomem(err);
        goto out;
    }
    *out = vmx_buf_detach(&buf, NULL);
out:
    vmx_buf_dispose(&buf);
    return rc;
}

int vmx_escape_percent(char **out, const char *in, vmx_error *err)
{
    return escape_string(out, in, '%', "/\\", false, err);
}

int vmx_unescape_percent(char **out, const char *in, unsigned int flags,
                         vmx_unescape_report *report, vmx_error *err)
{
    return unescape_string(out, in, '%', flags, report, err);
}

int vmx_escape_pipe(char **out, const char *in, vmx_error *err)
{
    return escape_string(out, in, '|', "\"", true, err);
}

int vmx_unescape_pipe(char **out, const char *in, unsigned int flags,
                      vmx_unescape_report *report, vmx_error *err)
{
    return unescape_string(out, in, '|', flags, report, err);
}
