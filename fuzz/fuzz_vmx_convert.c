/* VMX -> domain model -> libvirt XML (vmx_convert), in the default mode
 * (which repairs what libvirt refuses), the strict mode (libvirt's errors)
 * and the lossless mode; VMX -> YAML and VMX -> VMX. What the converter writes
 * must read back (see fuzz_check_own_xml and fuzz_check_own_yaml). */
#include "fuzz.h"

FUZZ_TARGET(vmx_convert)
{
    static const unsigned int modes[] = {0, VMX_CONVERT_STRICT, VMX_CONVERT_LOSSLESS};
    const char *in = (const char *)data;
    size_t i, len;
    char *out;

    if (size > FUZZ_MAX_INPUT)
        return 0;
    for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        out =
            fuzz_convert(in, size, VMX_FORMAT_VMX, VMX_FORMAT_XML, modes[i], &len, NULL);
        if (out)
            fuzz_check_own_xml(out, len, modes[i]);
        vmx_free(out);
    }
    out = fuzz_convert(in, size, VMX_FORMAT_VMX, VMX_FORMAT_YAML, 0, &len, NULL);
    if (out)
        fuzz_check_own_yaml(out, len, 0);
    vmx_free(out);
    out = fuzz_convert(in, size, VMX_FORMAT_VMX, VMX_FORMAT_VMX, 0, &len, NULL);
    vmx_free(out);
    return 0;
}
