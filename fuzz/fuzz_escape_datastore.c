/* The datastore item codec (`+base64-` runs and `%XX`): decode in both
 * modes; encode, then decode, which gives the input back with the Windows
 * characters "*<>:|? turned into '_' (the one lossy step of the scheme), and
 * counts exactly those '_' as ambiguous. */
#include "fuzz_escape.h"

FUZZ_TARGET(escape_datastore)
{
    vmx_unescape_report report;
    char *in, *dec, *enc, *back = NULL, *mapped;
    size_t i, underscores = 0;
    int rc;

    if (size > FUZZ_MAX_INPUT || !(in = fuzz_cstring(data, size)))
        return 0;
    dec = fuzz_decode_both(vmx_unescape_datastore_item, in);
    vmx_free(dec);
    enc = fuzz_encode(vmx_escape_datastore_item, in);
    if (!enc)
        goto out;
    mapped = strdup(in);
    if (!mapped)
        goto out;
    for (i = 0; mapped[i]; i++) {
        if (strchr("\"*<>:|?", mapped[i]))
            mapped[i] = '_';
        if (mapped[i] == '_')
            underscores++;
    }
    for (i = 0; enc[i]; i++)
        FUZZ_CHECK(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                          "0123456789'(),. _-+",
                          enc[i]),
                   "'%s' encodes to '%s'", in, enc);
    rc = vmx_unescape_datastore_item(&back, enc, VMX_UNESCAPE_STRICT, &report, NULL);
    if (fuzz_is_utf8(in)) {
        FUZZ_CHECK(rc == 0 || rc == VMX_ENOMEM, "'%s' -> '%s': strict decoding: %d", in,
                   enc, rc);
        if (rc == 0) {
            FUZZ_CHECK(strcmp(back, mapped) == 0, "'%s' -> '%s' -> '%s'", in, enc, back);
            FUZZ_CHECK(report.ambiguous == underscores, "%zu ambiguous, %zu '_' in '%s'",
                       report.ambiguous, underscores, mapped);
        }
    }
    vmx_free(back);
    back = fuzz_decode_both(vmx_unescape_datastore_item, enc);
    FUZZ_CHECK(!back || strcmp(back, mapped) == 0, "'%s' -> '%s' -> '%s'", in, enc, back);
    vmx_free(back);
    free(mapped);
out:
    vmx_free(enc);
    free(in);
    return 0;
}
