/* Internals of the domain -> libvirt XML writer. Not installed.
 *
 * The writer appends straight to a vmx_buf, following the layout of libvirt's
 * virDomainDefFormat for a domain of type vmware formatted with the SECURE and
 * INACTIVE flags (libvirt adds INACTIVE itself for a domain that is not
 * running, which is what every converted definition is). */
#ifndef VMX_DOMAIN_XML_WRITE_H
#define VMX_DOMAIN_XML_WRITE_H

#include <stdbool.h>

#include "buf.h"
#include "vmxkit/domain.h"
#include "vmxkit/error.h"

/* Append a string literal (its length is known at compile time). */
#define XW_LIT(b, s) vmx_buf_put((b), "" s, sizeof(s) - 1)

/* Append @s escaped as libvirt's virBufferEscapeString does: & < > ' " become
 * entities, the control characters 0x01-0x08, 0x0B, 0x0C and 0x0E-0x19 are
 * dropped, everything else (tab, newline, CR, 0x1A-0x1F, UTF-8) is copied. */
VMX_INTERNAL void vmx__xml_escape(vmx_buf *b, const char *s);

/* Append @prefix, @value escaped and a closing quote, e.g.
 * vmx__xml_attr(b, " name='", v); nothing at all when @value is NULL (as
 * virBufferEscapeString skips NULL strings). */
VMX_INTERNAL void vmx__xml_attr(vmx_buf *b, const char *prefix, const char *value);

/* Append a decimal number. */
VMX_INTERNAL void vmx__xml_ull(vmx_buf *b, unsigned long long v);
VMX_INTERNAL void vmx__xml_ll(vmx_buf *b, long long v);

/* Append a UUID the way libvirt prints one it parsed: lowercase
 * xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx. Text libvirt's parser would accept
 * (hex pairs, with '-' or ' ' between them) is normalised; anything else is
 * copied escaped. */
VMX_INTERNAL void vmx__xml_uuid(vmx_buf *b, const char *uuid);

/* Append a CPU set as libvirt's virBitmapFormat prints it ("0-2,5").
 * @empty is set when the set holds no CPU (nothing is appended then).
 * Returns 0 or VMX_EINVAL for text libvirt's virBitmapParse rejects. */
VMX_INTERNAL int vmx__xml_cpuset(vmx_buf *b, const char *cpuset, bool *empty);

/* Append the <devices> element; @lossless adds what lossless conversions
 * map (aliases of thinprint ports). Returns 0, VMX_EUNSUPPORTED (a device
 * libvirt XML cannot hold, with the element in @err's key) or VMX_EINVAL. */
VMX_INTERNAL int vmx__xml_write_devices(vmx_buf *b, const vmx_domain *dom, bool lossless,
                                        vmx_error *err);

/* ---- lossless additions (domain_xml_write_lossless.c, doc/lossless.md) ---- */

/* The namespace of vmxkit's <metadata> element. */
#define VMXKIT_NS_URI "https://vmxkit.org/xmlns/vmx/1"

/* <metadata> with the guestOS id and the extra keys; nothing when the domain
 * has neither. */
VMX_INTERNAL void vmx__xml_write_metadata(vmx_buf *b, const vmx_domain *dom);
/* <alias> of an NVMe disk (ua-vmx-nvmeC-U) and of a thinprint port. */
VMX_INTERNAL void vmx__xml_write_nvme_alias(vmx_buf *b, const vmx_disk *d);
VMX_INTERNAL void vmx__xml_write_thinprint_alias(vmx_buf *b, const vmx_chr *c);
/* <tpm> and <sound> devices. */
VMX_INTERNAL void vmx__xml_write_tpm(vmx_buf *b, const vmx_domain *dom);
VMX_INTERNAL void vmx__xml_write_sounds(vmx_buf *b, const vmx_domain *dom);
/* XML parsers turn a carriage return into a line feed: lossless output
 * writes each one as "&#13;" (the writer puts none outside of values). */
VMX_INTERNAL int vmx__xml_keep_carriage_returns(vmx_buf *b);

#endif
