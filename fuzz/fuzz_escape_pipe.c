/* The pipe codec (`|XX`, VMX displayName and annotation): decode in both
 * modes, encode, and compare in both directions. */
#include "fuzz_escape.h"

FUZZ_TARGET(escape_pipe)
{
    char *in;

    if (size > FUZZ_MAX_INPUT || !(in = fuzz_cstring(data, size)))
        return 0;
    fuzz_check_hex_scheme(vmx_escape_pipe, vmx_unescape_pipe, in);
    free(in);
    return 0;
}
