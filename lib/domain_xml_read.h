/* Internals of the libvirt XML -> domain reader. Not installed.
 *
 * The reader walks the tree libxml2 built and never lets libxml2 expand an
 * entity: text and attribute values are read from their text children only,
 * and an entity reference anywhere is an error. Errors name the element by
 * its path (`/domain/devices/disk[2]/target`) in the error key and carry the
 * element's line. */
#ifndef VMX_DOMAIN_XML_READ_H
#define VMX_DOMAIN_XML_READ_H

#include <libxml/tree.h>
#include <stdbool.h>

#include "util.h"
#include "vmxkit/domain.h"
#include "vmxkit/error.h"

/* Longest element path kept for error keys (the error record holds 128). */
#define XR_PATH_MAX VMX_ERROR_KEY_MAX

/* A console read from the XML: libvirt folds the first one into the serial
 * ports after parsing, so it is kept aside until then. */
typedef struct xr_console {
    vmx_chr chr;
    bool serial_target; /* <target type='serial'> or no target type */
    bool unsupported;   /* a source type the model cannot hold */
    char type[16];      /* the type attribute, for the error message */
    char path[XR_PATH_MAX];
    unsigned long line;
} xr_console;

typedef struct xr_ctx {
    const char *source; /* name for errors, may be NULL */
    vmx_error *err;
    /* VMX_CONVERT_LOSSLESS: accept what libvirt's own VMX reader can produce
     * but its XML parser refuses (no name, one target name or drive address
     * twice) */
    bool lossless;
    /* VMX_CONVERT_STRICT: refuse what libvirt's XML parser refuses (a domain
     * without name), which the default mode reads as libvirt's VMX reader
     * writes it */
    bool strict;
    vmx_domain *dom;
    /* strings built from several text nodes, freed with the context */
    char **scratch;
    size_t nscratch;
    xr_console *consoles;
    size_t nconsoles;
    /* where each of dom->disks came from (libvirt reorders disks) */
    unsigned int *disk_elem; /* 1-based index among the <disk> elements */
    unsigned long *disk_line;
} xr_ctx;

/* Record an error about @node (its line) with @key; returns @code. */
VMX_INTERNAL int xr_fail(xr_ctx *c, int code, const xmlNode *node, const char *key,
                         const char *fmt, ...) __attribute__((format(printf, 5, 6)));
VMX_INTERNAL int xr_nomem(xr_ctx *c);

/* True when @node is an element named @name outside any namespace. */
VMX_INTERNAL bool xr_is(const xmlNode *node, const char *name);

/* First child element of @node named @name (no namespace), or NULL. */
VMX_INTERNAL xmlNode *xr_child(const xmlNode *node, const char *name);

/* @base + "/" + @name into @out (truncated to XR_PATH_MAX). */
VMX_INTERNAL void xr_path(char *out, const char *base, const char *name);

/* The value of attribute @name (no namespace) of @node, NULL when absent.
 * The string lives as long as the context. */
VMX_INTERNAL int xr_attr(xr_ctx *c, const xmlNode *node, const char *key,
                         const char *name, const char **out);

/* The XPath string() of @node: all its descendant text, NULL when empty. */
VMX_INTERNAL int xr_text(xr_ctx *c, const xmlNode *node, const char *key,
                         const char **out);

/* Copy @s (may be NULL) into *@dst with the library allocator. */
VMX_INTERNAL int xr_dup(xr_ctx *c, char **dst, const char *s);

/* libvirt's virStrToLong_uip/_ullp/_llp: optional leading white space, an
 * optional sign only where signed, digits in @base, nothing after. */
VMX_INTERNAL int xr_parse_ull(const char *s, int base, unsigned long long *out);
VMX_INTERNAL int xr_parse_uint(const char *s, unsigned int *out);
VMX_INTERNAL int xr_parse_int(const char *s, int *out);
VMX_INTERNAL int xr_parse_ll(const char *s, int base, long long *out);

/* Read an optional unsigned attribute; @out is left alone when absent. */
VMX_INTERNAL int xr_attr_uint(xr_ctx *c, const xmlNode *node, const char *key,
                              const char *name, unsigned int *out, bool *present);

/* libvirt's virUUIDParse, writing the canonical lowercase form (37 bytes). */
VMX_INTERNAL bool xr_uuid_canonical(char out[37], const char *s);

/* Read <devices>. */
VMX_INTERNAL int xr_read_devices(xr_ctx *c, const xmlNode *devices);

/* What libvirt does after parsing the devices and before the common
 * post-parse: console compatibility, default video. */
VMX_INTERNAL int xr_devices_postparse(xr_ctx *c);

/* Checks libvirt makes around the common post-parse: before it, disk names
 * it cannot map to an address; after it, duplicate targets and drive
 * addresses. */
VMX_INTERNAL int xr_devices_check_names(xr_ctx *c);
VMX_INTERNAL int xr_devices_validate(xr_ctx *c);

/* ---- lossless mode (domain_xml_read_lossless.c, doc/lossless.md) ---- */

/* <metadata><vmxkit:vmx>: guestOS id and extra keys. */
VMX_INTERNAL int xr_read_metadata(xr_ctx *c, const xmlNode *root);
/* A virtio disk with the alias ua-vmx-nvmeC-U is an NVMe disk: 1 when @d was
 * made one, 0 when the disk has no such alias. */
VMX_INTERNAL int xr_read_nvme_alias(xr_ctx *c, const xmlNode *disk, const char *key,
                                    vmx_disk *d);
/* A port with the alias ua-vmx-thinprintN becomes a thinprint port. */
VMX_INTERNAL int xr_read_thinprint_alias(xr_ctx *c, const xmlNode *n, const char *key,
                                         vmx_chr *ch);
/* <tpm> and <sound>: 1 when @n was one of them and was read, 0 when not. */
VMX_INTERNAL int xr_read_lossless_device(xr_ctx *c, const xmlNode *n, unsigned int elem);

#endif
