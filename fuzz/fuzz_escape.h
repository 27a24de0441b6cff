/* Checks shared by the escape codec targets. */
#ifndef VMXKIT_FUZZ_ESCAPE_H
#define VMXKIT_FUZZ_ESCAPE_H

#include "fuzz.h"

typedef int (*fuzz_encoder)(char **out, const char *in, vmx_error *err);
typedef int (*fuzz_decoder)(char **out, const char *in, unsigned int flags,
                            vmx_unescape_report *report, vmx_error *err);

static inline int fuzz_is_utf8(const char *s)
{
    return vmx_utf8_validate(NULL, s, strlen(s), NULL) == 0;
}

/* Decode @in in both modes. Lenient decoding never fails on content; strict
 * decoding, when it succeeds, agrees with it and tolerated nothing. Returns
 * the lenient result (NULL when memory ran out). */
static inline char *fuzz_decode_both(fuzz_decoder decode, const char *in)
{
    vmx_unescape_report strict_report, lenient_report;
    vmx_error err = VMX_ERROR_INIT, lerr = VMX_ERROR_INIT;
    char *strict = NULL, *lenient = NULL;
    int rc, lrc;

    memset(&strict_report, 0xa5, sizeof(strict_report));
    rc = decode(&strict, in, VMX_UNESCAPE_STRICT, &strict_report, &err);
    lrc = decode(&lenient, in, VMX_UNESCAPE_LENIENT, &lenient_report, &lerr);
    if (lrc < 0) {
        fuzz_check_error(lrc, &lerr);
        FUZZ_CHECK(lrc == VMX_ENOMEM || lrc == VMX_ELIMIT, "lenient: %d %s", lrc,
                   lerr.message);
        FUZZ_CHECK(lenient == NULL, "output with an error");
    } else {
        FUZZ_CHECK(lenient != NULL, "no output");
        FUZZ_CHECK(lenient_report.invalid_utf8 == !fuzz_is_utf8(lenient),
                   "invalid_utf8 %d for '%s'", lenient_report.invalid_utf8, lenient);
        FUZZ_CHECK(lenient_report.kept == 0 || lenient_report.first_kept < strlen(in),
                   "first_kept %zu", lenient_report.first_kept);
        FUZZ_CHECK(lenient_report.ambiguous == 0 ||
                       lenient_report.first_ambiguous < strlen(lenient),
                   "first_ambiguous %zu", lenient_report.first_ambiguous);
    }
    if (rc < 0) {
        fuzz_check_error(rc, &err);
        FUZZ_CHECK(strict == NULL, "output with an error");
        if (rc == VMX_EPARSE)
            FUZZ_CHECK(err.column >= 1 && err.column <= strlen(in) + 1,
                       "column %lu for %zu bytes", err.column, strlen(in));
        else
            FUZZ_CHECK(rc == VMX_ENOMEM || rc == VMX_ELIMIT, "strict: %d", rc);
    } else if (lrc == 0) {
        FUZZ_CHECK(strict_report.kept == 0 && strict_report.invalid_utf8 == 0,
                   "strict report kept %zu", strict_report.kept);
        FUZZ_CHECK(strcmp(strict, lenient) == 0, "strict '%s', lenient '%s'", strict,
                   lenient);
        FUZZ_CHECK(lenient_report.kept == 0, "lenient kept %zu", lenient_report.kept);
        FUZZ_CHECK(fuzz_is_utf8(strict), "strict result is not UTF-8");
    }
    vmx_free(strict);
    return lenient;
}

/* Encode @in; NULL when memory ran out. */
static inline char *fuzz_encode(fuzz_encoder encode, const char *in)
{
    vmx_error err = VMX_ERROR_INIT;
    char *out = NULL;
    int rc = encode(&out, in, &err);

    if (rc < 0) {
        fuzz_check_error(rc, &err);
        FUZZ_CHECK(rc == VMX_ENOMEM || rc == VMX_ELIMIT, "encode: %d %s", rc,
                   err.message);
        return NULL;
    }
    FUZZ_CHECK(out != NULL, "no output");
    return out;
}

/* The percent and pipe schemes: the encoder is injective, so decoding its
 * output gives the input back (strictly when the input is UTF-8), and
 * encoding a decoded string gives canonical text that decodes to it again. */
static inline void fuzz_check_hex_scheme(fuzz_encoder encode, fuzz_decoder decode,
                                         const char *in)
{
    char *enc, *dec, *back, *enc2;

    dec = fuzz_decode_both(decode, in);
    if (dec) {
        enc2 = fuzz_encode(encode, dec);
        if (enc2) {
            back = fuzz_decode_both(decode, enc2);
            FUZZ_CHECK(!back || strcmp(back, dec) == 0, "'%s' -> '%s' -> '%s'", dec, enc2,
                       back);
            vmx_free(back);
        }
        vmx_free(enc2);
    }
    vmx_free(dec);
    enc = fuzz_encode(encode, in);
    if (!enc)
        return;
    back = NULL;
    if (fuzz_is_utf8(in) && decode(&back, enc, VMX_UNESCAPE_STRICT, NULL, NULL) == 0)
        FUZZ_CHECK(strcmp(back, in) == 0, "'%s' -> '%s' -> '%s'", in, enc, back);
    else if (fuzz_is_utf8(in))
        FUZZ_CHECK(0, "strict decoding of '%s' (from '%s') failed", enc, in);
    vmx_free(back);
    back = fuzz_decode_both(decode, enc);
    FUZZ_CHECK(!back || strcmp(back, in) == 0, "'%s' -> '%s' -> '%s'", in, enc, back);
    vmx_free(back);
    vmx_free(enc);
}

#endif
