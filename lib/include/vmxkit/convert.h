/**
 * @file vmxkit/convert.h
 * @brief Conversions between VMX, the domain model and libvirt domain XML.
 *
 * In the default (libvirt-compatible) mode the output is what libvirt 9.0's
 * VMX driver produces for the same input, byte for byte.
 */
#ifndef VMXKIT_CONVERT_H
#define VMXKIT_CONVERT_H

#include <stddef.h>

#include "vmxkit/domain.h"
#include "vmxkit/error.h"
#include "vmxkit/vmxfile.h"

#ifdef __cplusplus
extern "C" {
#endif

/** How VMX file names map to libvirt source names and back. */
typedef enum vmx_datastore_map {
    /** As libvirt's own test suite and the ESX driver offline:
     *  `/vmfs/volumes/DS/PATH` <-> `[DS] PATH`; a bare file name ->
     *  `[datastore] directory/NAME`; other absolute paths unchanged. */
    VMX_DATASTORE_MAP_LIBVIRT = 0,
    /** File names are copied unchanged in both directions. */
    VMX_DATASTORE_MAP_NONE = 1
} vmx_datastore_map;

/** Conversion flags. */
enum {
    /** Keep what libvirt drops (see the beyond-libvirt mode). */
    VMX_CONVERT_LOSSLESS = 1u << 0,
    /** VMX -> domain and domain -> VMX: reject what libvirt's VMX driver
     *  rejects, with its error, instead of converting what can be converted. */
    VMX_CONVERT_STRICT = 1u << 1
};

#define VMX_CONVERT_OPTIONS_VERSION 1

/**
 * Told about one VMX key that vmx_domain_from_vmx() does not map: converting
 * the domain back to VMX would not write the key with this value (ASCII case
 * ignored). See doc/lossless.md.
 * @param source   the config's name (vmx_config_source()), may be NULL
 * @param line     the key's 1-based line
 * @param key      the key as spelt in the file, borrowed for the call
 * @param value    its value (UTF-8), borrowed for the call
 * @param payload  vmx_convert_options.on_unmapped_payload
 */
typedef void (*vmx_unmapped_key_cb)(const char *source, unsigned long line,
                                    const char *key, const char *value, void *payload);

/** Options of every conversion; VMX_CONVERT_OPTIONS_INIT gives the defaults. */
typedef struct vmx_convert_options {
    unsigned int version;         /**< VMX_CONVERT_OPTIONS_VERSION */
    unsigned int flags;           /**< VMX_CONVERT_* */
    int hw_version;               /**< virtualHW.version for XML -> VMX (default 4) */
    const char *datacenter_path;  /**< adds `<vmware:datacenterpath>` (VMX -> XML) */
    const char *moref;            /**< adds `<vmware:moref>` (VMX -> XML) */
    vmx_datastore_map datastore_map;
    const char *scsi_model;       /**< SCSI controller model when none is given
                                       (XML -> VMX); NULL means "lsilogic" */
    /** VMX -> domain: called for each key not mapped, in file order, after a
     *  successful conversion; NULL for none. */
    vmx_unmapped_key_cb on_unmapped;
    void *on_unmapped_payload;    /**< passed to on_unmapped */
} vmx_convert_options;

#define VMX_CONVERT_OPTIONS_INIT                                                     \
    {VMX_CONVERT_OPTIONS_VERSION, 0, 4, NULL, NULL, VMX_DATASTORE_MAP_LIBVIRT, NULL, NULL, NULL}

/**
 * Build a domain from a parsed VMX file, as libvirt's virVMXParseConfig does.
 *
 * Where libvirt accepts the file the domain is what libvirt builds. Where it
 * rejects it, the entries it refuses are repaired or left out and the rest is
 * mapped as well as libvirt's schema allows (doc/lossless.md), unless
 * VMX_CONVERT_STRICT asks for libvirt's error. With
 * VMX_CONVERT_LOSSLESS, what libvirt drops is mapped too and every key the
 * domain does not carry is kept in its extra keys.
 * @param out   receives the domain, owned by the caller (vmx_domain_free)
 * @return 0, VMX_EPARSE / VMX_EINVAL (with key and line), VMX_EUNSUPPORTED
 *         (an encrypted configuration), VMX_ENOMEM.
 */
VMX_EXTERN int vmx_domain_from_vmx(vmx_domain **out, const vmx_config *cfg,
                                   const vmx_convert_options *opts, vmx_error *err);

/**
 * Write a domain as VMX text, as libvirt's virVMXFormatConfig does. A domain
 * libvirt's writer refuses (SATA disks, a null serial port, no name ...) is
 * written as the VMX reader reads it back, unless VMX_CONVERT_STRICT asks
 * for libvirt's error (doc/convert.md, "Beyond libvirt").
 * @param out  receives a NUL-terminated UTF-8 buffer owned by the caller
 * @param len  receives its length, may be NULL
 * @return 0, VMX_EUNSUPPORTED (naming the element), VMX_EINVAL, VMX_ENOMEM.
 */
VMX_EXTERN int vmx_domain_to_vmx(char **out, size_t *len, const vmx_domain *dom,
                                 const vmx_convert_options *opts, vmx_error *err);

/**
 * Format a domain as libvirt domain XML (virDomainDefFormat layout).
 * @param out  receives a NUL-terminated buffer owned by the caller
 */
VMX_EXTERN int vmx_domain_to_xml(char **out, size_t *len, const vmx_domain *dom,
                                 const vmx_convert_options *opts, vmx_error *err);

/**
 * Read libvirt domain XML into a domain, with libvirt's defaults and
 * checks. The XML parser never touches the network and expands no entities.
 * @param source  name for errors, may be NULL
 */
VMX_EXTERN int vmx_domain_from_xml(vmx_domain **out, const char *buf, size_t len,
                                   const char *source, const vmx_convert_options *opts,
                                   vmx_error *err);

/** Formats known to vmx_convert(). */
typedef enum vmx_format {
    VMX_FORMAT_UNKNOWN = 0,
    VMX_FORMAT_VMX,
    VMX_FORMAT_XML,
    VMX_FORMAT_YAML
} vmx_format;

/** The format named @p name ("vmx", "xml", "yaml"), or VMX_FORMAT_UNKNOWN. */
VMX_EXTERN vmx_format vmx_format_from_name(const char *name);

/** The format of a file name by its extension (.vmx, .xml, .yaml/.yml). */
VMX_EXTERN vmx_format vmx_format_from_path(const char *path);

/** The usual extension of @p fmt, without the dot ("vmx", "xml", "yaml"). */
VMX_EXTERN const char *vmx_format_extension(vmx_format fmt);

/**
 * Convert a whole document held in memory from one format to another
 * (VMX -> XML/YAML, XML/YAML -> VMX, XML <-> YAML, and same-format
 * normalisation), through the domain model.
 *
 * @param out     receives a NUL-terminated buffer owned by the caller (vmx_free)
 * @param outlen  receives its length, may be NULL
 * @param in      input bytes, need not be NUL-terminated
 * @param source  input name for errors, may be NULL
 * @return 0 or a negative VMX_E* code with details in @p err; nothing is
 *         returned in @p out on error.
 */
VMX_EXTERN int vmx_convert(char **out, size_t *outlen, const char *in, size_t inlen,
                           const char *source, vmx_format from, vmx_format to,
                           const vmx_convert_options *opts, vmx_error *err);

#ifdef __cplusplus
}
#endif
#endif
