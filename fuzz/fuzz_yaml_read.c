/* The YAML reader: YAML -> YAML, YAML -> XML and YAML -> VMX through
 * vmx_convert. The YAML it writes must be a fixpoint of reading and writing
 * (doc/yaml-format.md promises it), the XML stable, and the XML never past
 * a limit of the XML reader (the YAML reader applies them too). */
#include "fuzz.h"

/* The XML reader refuses its own XML for libvirt's reasons only, never for
 * a limit (VMX_ELIMIT: devices, controllers) the YAML reader let through;
 * XML over the reader's 16 MiB input cap is a separate limit. */
static void check_xml_limits(const char *xml, size_t len)
{
    char *again;
    size_t againlen;
    int rc;

    if (len > ((size_t)16 << 20))
        return;
    again = fuzz_convert(xml, len, VMX_FORMAT_XML, VMX_FORMAT_XML, 0, &againlen, &rc);
    FUZZ_CHECK(again || rc != VMX_ELIMIT,
               "XML of accepted YAML past a limit (%lu: %s [%s]):\n%s",
               fuzz_last_error.line, fuzz_last_error.message, fuzz_last_error.key, xml);
    vmx_free(again);
}

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
    if (out) {
        check_xml_limits(out, len);
        fuzz_check_own_xml(out, len, 0);
    }
    vmx_free(out);
    out = fuzz_convert(in, size, VMX_FORMAT_YAML, VMX_FORMAT_VMX, 0, &len, NULL);
    vmx_free(out);
    return 0;
}
