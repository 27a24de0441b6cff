/* The YAML reader: YAML -> YAML, YAML -> XML and YAML -> VMX through
 * vmx_convert. The YAML it writes must be a fixpoint of reading and writing
 * (doc/yaml-format.md promises it), the XML stable. */
#include "fuzz.h"

FUZZ_TARGET(yaml_read)
{
    const char *in = (const char *)data;
    char *out;
    size_t len;

    if (size > FUZZ_MAX_INPUT)
        return 0;
    out = fuzz_convert(in, size, VMX_FORMAT_YAML, VMX_FORMAT_YAML, 0, &len, NULL);
    if (out)
        fuzz_check_own_yaml(out, len, 0);
    vmx_free(out);
    out = fuzz_convert(in, size, VMX_FORMAT_YAML, VMX_FORMAT_XML, 0, &len, NULL);
    if (out)
        fuzz_check_own_xml(out, len, 0);
    vmx_free(out);
    out = fuzz_convert(in, size, VMX_FORMAT_YAML, VMX_FORMAT_VMX, 0, &len, NULL);
    vmx_free(out);
    return 0;
}
