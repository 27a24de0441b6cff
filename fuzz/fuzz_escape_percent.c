/* The percent codec (`%XX`, vSphere display names): decode in both modes,
 * encode, and compare in both directions. */
#include "fuzz_escape.h"

FUZZ_TARGET(escape_percent)
{
    char *in;

    if (size > FUZZ_MAX_INPUT || !(in = fuzz_cstring(data, size)))
        return 0;
    fuzz_check_hex_scheme(vmx_escape_percent, vmx_unescape_percent, in);
    free(in);
    return 0;
}
