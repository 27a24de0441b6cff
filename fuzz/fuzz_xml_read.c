/* The libvirt domain XML reader: XML -> VMX, XML -> XML and XML -> YAML
 * through vmx_convert. The XML it writes must be stable and survive a trip
 * through YAML (see fuzz_check_own_xml). */
#include "fuzz.h"

FUZZ_TARGET(xml_read)
{
    const char *in = (const char *)data;
    char *out;
    size_t len;

    if (size > FUZZ_MAX_INPUT)
        return 0;
    out = fuzz_convert(in, size, VMX_FORMAT_XML, VMX_FORMAT_VMX, 0, &len, NULL);
    vmx_free(out);
    out = fuzz_convert(in, size, VMX_FORMAT_XML, VMX_FORMAT_YAML, 0, &len, NULL);
    if (out)
        fuzz_check_own_yaml(out, len, 0);
    vmx_free(out);
    fuzz_check_own_xml(in, size, 0);
    return 0;
}
