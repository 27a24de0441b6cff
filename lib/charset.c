/* windows-1252 -> UTF-8 and UTF-8 well-formedness checks. */
#include "config.h"
#include "escape_private.h"

#include <string.h>

int vmx__utf8_feed(vmx__utf8_state *st, unsigned char c, size_t offset)
{
    if (st->need > 0) {
        if (c < st->lo || c > st->hi)
            return -1;
        st->need--;
        st->lo = 0x80;
        st->hi = 0xBF;
        return 0;
    }
    st->lead = offset;
    st->lo = 0x80;
    st->hi = 0xBF;
    if (c < 0x80)
        return 0;
    if (c >= 0xC2 && c <= 0xDF) {
        st->need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        st->need = 2;
        if (c == 0xE0)
            st->lo = 0xA0; /* no overlong forms */
        else if (c == 0xED)
            st->hi = 0x9F; /* no UTF-16 surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        st->need = 3;
        if (c == 0xF0)
            st->lo = 0x90;
        else if (c == 0xF4)
            st->hi = 0x8F; /* nothing above U+10FFFF */
    } else {
        return -1; /* continuation byte, C0, C1 or F5..FF */
    }
    return 0;
}

int vmx_utf8_validate(size_t *bad_offset, const char *s, size_t len, vmx_error *err)
{
    vmx__utf8_state st = {0};
    size_t i;

    if (bad_offset)
        *bad_offset = len;
    if (!s && len > 0)
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL, "no input string");
    for (i = 0; i < len; i++)
        if (vmx__utf8_feed(&st, (unsigned char)s[i], i) < 0)
            break;
    if (i == len && st.need == 0)
        return 0;
    if (bad_offset)
        *bad_offset = st.lead;
    return vmx__escape_parse_error(err, st.lead, "invalid UTF-8 at offset %zu", st.lead);
}

/* Code points of 0x80..0x9F. The five bytes windows-1252 leaves undefined map
 * to the C1 control of the same value, as Windows and WHATWG do. */
static const unsigned short cp1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, /* 80-87 */
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F, /* 88-8F */
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, /* 90-97 */
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178, /* 98-9F */
};

int vmx_charset_cp1252_to_utf8(char **out, size_t *out_len, const char *in, size_t in_len,
                               vmx_error *err)
{
    vmx_buf buf = VMX_BUF_INIT;
    size_t i, need;
    int rc = 0;

    if (!out)
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL, "no output pointer");
    *out = NULL;
    if (out_len)
        *out_len = 0;
    if (!in && in_len > 0)
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL, "no input string");
    if (in_len > VMX_ESCAPE_MAX_INPUT)
        return vmx_error_set(err, VMX_ELIMIT, NULL, 0, NULL,
                             "input longer than %zu bytes", VMX_ESCAPE_MAX_INPUT);
    /* At most 3 UTF-8 bytes per input byte; in_len is capped, so no overflow. */
    need = in_len * 3;
    if (vmx_buf_grow(&buf, need) < 0) {
        rc = vmx__escape_nomem(err);
        goto out;
    }
    for (i = 0; i < in_len; i++) {
        unsigned char c = (unsigned char)in[i];
        unsigned int cp = c;
        char u[3];

        if (c >= 0x80 && c <= 0x9F)
            cp = cp1252_high[c - 0x80];
        if (cp < 0x80) {
            u[0] = (char)cp;
            vmx_buf_put(&buf, u, 1);
        } else if (cp < 0x800) {
            u[0] = (char)(0xC0 | (cp >> 6));
            u[1] = (char)(0x80 | (cp & 0x3F));
            vmx_buf_put(&buf, u, 2);
        } else {
            u[0] = (char)(0xE0 | (cp >> 12));
            u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
            u[2] = (char)(0x80 | (cp & 0x3F));
            vmx_buf_put(&buf, u, 3);
        }
    }
    if (buf.failed) {
        rc = vmx__escape_nomem(err);
        goto out;
    }
    *out = vmx_buf_detach(&buf, out_len);
out:
    vmx_buf_dispose(&buf);
    return rc;
}
