/* The character-set helpers: windows-1252 -> UTF-8 always gives valid UTF-8
 * (NUL bytes included) of the expected length, and the UTF-8 validator agrees
 * with a straightforward decoder written from RFC 3629. */
#include "fuzz.h"

/* Offset of the first invalid or truncated sequence, or @len. */
static size_t reference_utf8_check(const unsigned char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        unsigned char c = s[i];
        size_t need, k;
        unsigned long cp, min;

        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            need = 1, cp = c & 0x1f, min = 0x80;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2, cp = c & 0x0f, min = 0x800;
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return i;
        }
        if (len - i <= need)
            return i;
        for (k = 1; k <= need; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return i;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return i;
        i += need + 1;
    }
    return len;
}

FUZZ_TARGET(charset)
{
    vmx_error err = VMX_ERROR_INIT;
    size_t bad = (size_t)-1, outlen = 0, ref, i, want = 0;
    char *out = NULL;
    int rc;

    if (size > FUZZ_MAX_INPUT)
        return 0;
    ref = reference_utf8_check(data, size);
    rc = vmx_utf8_validate(&bad, (const char *)data, size, &err);
    FUZZ_CHECK(bad == ref, "first invalid byte at %zu, the reference says %zu", bad, ref);
    FUZZ_CHECK((rc == 0) == (ref == size), "rc %d, reference %zu of %zu", rc, ref, size);
    if (rc < 0)
        FUZZ_CHECK(rc == VMX_EPARSE && err.column == ref + 1, "rc %d column %lu", rc,
                   err.column);

    rc = vmx_charset_cp1252_to_utf8(&out, &outlen, (const char *)data, size, &err);
    if (rc < 0) {
        FUZZ_CHECK(rc == VMX_ENOMEM || rc == VMX_ELIMIT, "cp1252: %d", rc);
        return 0;
    }
    /* ASCII is 1 byte; 0x80-0xFF are all below U+0800 except the
     * punctuation windows-1252 puts in 0x80-0x9F (3 bytes, U+20xx, or 2 for
     * the Latin letters U+0152 etc. and the undefined C1 bytes) */
    for (i = 0; i < size; i++)
        want += data[i] < 0x80 ? 1 : 2;
    FUZZ_CHECK(outlen >= want && outlen <= 3 * size, "%zu bytes -> %zu", size, outlen);
    FUZZ_CHECK(out[outlen] == '\0', "not NUL-terminated");
    FUZZ_CHECK(reference_utf8_check((const unsigned char *)out, outlen) == outlen,
               "cp1252 output is not UTF-8");
    FUZZ_CHECK(vmx_utf8_validate(NULL, out, outlen, NULL) == 0, "rejected own output");
    vmx_free(out);
    return 0;
}
