/* Domain model -> libvirt domain XML: what lossless conversions add
 * (doc/lossless.md). Everything here is valid against libvirt 9.0's domain
 * schema, and libvirt keeps it when it defines the domain:
 *
 *   <metadata><vmxkit:vmx>   the VMware guestOS id and the VMX keys the
 *                            domain does not map (VMXKIT_NS_URI)
 *   NVMe disks               libvirt 9.0 has no NVMe bus: a virtio disk (what
 *                            a conversion to KVM gives such a disk) whose
 *                            user alias ua-vmx-nvmeC-U keeps the VMware slot
 *   thinprint serial ports   a null port with the user alias ua-vmx-thinprintN
 *   TPM, sound cards         <tpm model='tpm-crb'>, <sound model=...>
 *
 * Aliases starting with "ua-" are user aliases, which libvirt keeps in
 * inactive definitions. Attributes inside <metadata> are written the way
 * libxml2 serialises them (libvirt reformats foreign metadata so). */
#include "config.h"
#include "domain_xml_write.h"

#include <string.h>

/* Whether @p s can be an XML 1.0 attribute value: valid UTF-8 without the
 * control characters XML forbids. */
static bool xml_safe(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p) {
        unsigned int c = *p, need, cp;

        if (c < 0x80) {
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                return false;
            p++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        for (p++; need; need--, p++) {
            if ((*p & 0xC0) != 0x80)
                return false;
            cp = cp << 6 | (*p & 0x3Fu);
        }
        if ((cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF ||
            cp > 0x10FFFF || (cp < 0x800 && c >= 0xE0) || (cp < 0x10000 && c >= 0xF0))
            return false;
    }
    return true;
}

/* ` name="value"` as libxml2 writes an attribute, or ` name-hex="..."` with
 * the bytes in hex when the value cannot be an XML attribute. */
static void put_attr(vmx_buf *b, const char *name, const char *value)
{
    static const char hex[] = "0123456789abcdef";
    const char *s;

    vmx_buf_putc(b, ' ');
    vmx_buf_puts(b, name);
    if (!xml_safe(value)) {
        XW_LIT(b, "-hex=\"");
        for (s = value; *s; s++) {
            vmx_buf_putc(b, hex[(unsigned char)*s >> 4]);
            vmx_buf_putc(b, hex[(unsigned char)*s & 15]);
        }
        vmx_buf_putc(b, '"');
        return;
    }
    XW_LIT(b, "=\"");
    for (s = value; *s; s++) {
        switch (*s) {
        case '&':
            XW_LIT(b, "&amp;");
            break;
        case '<':
            XW_LIT(b, "&lt;");
            break;
        case '>':
            XW_LIT(b, "&gt;");
            break;
        case '"':
            XW_LIT(b, "&quot;");
            break;
        case '\n':
            XW_LIT(b, "&#10;");
            break;
        case '\r':
            XW_LIT(b, "&#13;");
            break;
        case '\t':
            XW_LIT(b, "&#9;");
            break;
        default:
            vmx_buf_putc(b, *s);
            break;
        }
    }
    vmx_buf_putc(b, '"');
}

void vmx__xml_write_metadata(vmx_buf *b, const vmx_domain *dom)
{
    size_t i;

    if (!dom->guest_os && dom->nextra == 0)
        return;
    XW_LIT(b, "  <metadata>\n    <vmxkit:vmx xmlns:vmxkit=\"" VMXKIT_NS_URI "\">\n");
    if (dom->guest_os) {
        XW_LIT(b, "      <vmxkit:guest");
        put_attr(b, "os", dom->guest_os);
        XW_LIT(b, "/>\n");
    }
    for (i = 0; i < dom->nextra; i++) {
        if (!dom->extra_keys[i])
            continue;
        if (dom->extra_values[i]) {
            XW_LIT(b, "      <vmxkit:entry");
            put_attr(b, "key", dom->extra_keys[i]);
            put_attr(b, "value", dom->extra_values[i]);
        } else {
            XW_LIT(b, "      <vmxkit:absent");
            put_attr(b, "key", dom->extra_keys[i]);
        }
        XW_LIT(b, "/>\n");
    }
    XW_LIT(b, "    </vmxkit:vmx>\n  </metadata>\n");
}

void vmx__xml_write_nvme_alias(vmx_buf *b, const vmx_disk *d)
{
    XW_LIT(b, "      <alias name='ua-vmx-nvme");
    vmx__xml_ll(b, d->controller);
    vmx_buf_putc(b, '-');
    vmx__xml_ll(b, d->addr_unit);
    XW_LIT(b, "'/>\n");
}

void vmx__xml_write_thinprint_alias(vmx_buf *b, const vmx_chr *c)
{
    XW_LIT(b, "      <alias name='ua-vmx-thinprint");
    vmx__xml_ll(b, c->port);
    XW_LIT(b, "'/>\n");
}

void vmx__xml_write_tpm(vmx_buf *b, const vmx_domain *dom)
{
    if (!dom->tpm)
        return;
    XW_LIT(b, "    <tpm model='tpm-crb'>\n"
              "      <backend type='emulator' version='2.0'/>\n"
              "    </tpm>\n");
}

void vmx__xml_write_sounds(vmx_buf *b, const vmx_domain *dom)
{
    size_t i;

    for (i = 0; i < dom->nsounds; i++) {
        if (!dom->sounds[i].model) /* libvirt needs a model */
            continue;
        XW_LIT(b, "    <sound model='");
        vmx__xml_escape(b, dom->sounds[i].model);
        XW_LIT(b, "'/>\n");
    }
}

int vmx__xml_keep_carriage_returns(vmx_buf *b)
{
    vmx_buf out = VMX_BUF_INIT;
    const char *p = b->ptr, *end = b->ptr + b->len, *cr;

    if (!b->ptr || !memchr(b->ptr, '\r', b->len))
        return 0;
    while ((cr = memchr(p, '\r', (size_t)(end - p)))) {
        vmx_buf_put(&out, p, (size_t)(cr - p));
        XW_LIT(&out, "&#13;");
        p = cr + 1;
    }
    vmx_buf_put(&out, p, (size_t)(end - p));
    if (out.failed) {
        vmx_buf_dispose(&out);
        return VMX_ENOMEM;
    }
    vmx_buf_dispose(b);
    *b = out;
    return 0;
}
