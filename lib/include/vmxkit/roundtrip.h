/**
 * @file vmxkit/roundtrip.h
 * @brief Round-trip checks: does a VMX or XML definition survive conversion?
 *
 * vmx_roundtrip_check() converts a document through the domain model and
 * back, and compares what comes out with what went in:
 *
 * - a VMX file: VMX -> XML -> VMX must give the same set of (lowercased key,
 *   value) pairs as the input (the "keys" check; values are compared after
 *   decoding pipe escapes and with the semantic rules of doc/roundtrip.md),
 *   and VMX -> XML -> VMX -> XML must give the first XML again (the
 *   "fixpoint" check);
 * - an XML file: XML -> VMX -> XML must give the XML as libvmxkit writes it
 *   (the "fixpoint" check).
 *
 * The checks run in the mode the options select (default or lossless);
 * VMX_ROUNDTRIP_BOTH_MODES adds the fixpoint of a VMX file in the other.
 *
 * Every difference is a ::vmx_roundtrip_finding; a report without findings
 * is clean. `vmxkit roundtrip` prints these reports.
 */
#ifndef VMXKIT_ROUNDTRIP_H
#define VMXKIT_ROUNDTRIP_H

#include <stdbool.h>
#include <stddef.h>

#include "vmxkit/convert.h"
#include "vmxkit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An opaque round-trip report. */
typedef struct vmx_roundtrip vmx_roundtrip;

/** Which check a finding belongs to. */
typedef enum vmx_roundtrip_check_id {
    /** VMX -> XML -> VMX: the set of (key, value) pairs. */
    VMX_ROUNDTRIP_KEYS = 0,
    /** VMX -> XML -> VMX -> XML, or XML -> VMX -> XML: the XML text. */
    VMX_ROUNDTRIP_FIXPOINT = 1
} vmx_roundtrip_check_id;

/** What a finding says. */
typedef enum vmx_roundtrip_kind {
    /** A key (or, for the fixpoint, an XML line) of the input is missing. */
    VMX_ROUNDTRIP_LOST = 0,
    /** The output has a key (or an XML line) the input does not have. */
    VMX_ROUNDTRIP_ADDED = 1,
    /** A key's value (or an XML line) differs in meaning. */
    VMX_ROUNDTRIP_CHANGED = 2,
    /** A conversion step after the first one failed; see `message`. */
    VMX_ROUNDTRIP_ERROR = 3
} vmx_roundtrip_kind;

/**
 * One difference. Strings are borrowed from the report and live as long as
 * it does.
 */
typedef struct vmx_roundtrip_finding {
    vmx_roundtrip_check_id check;
    vmx_roundtrip_kind kind;
    /** The conversions ran in lossless mode (VMX_CONVERT_LOSSLESS). */
    bool lossless;
    /** Keys: the input line of the key (0 for an added key). Fixpoint: the
     *  line in the first XML (LOST, CHANGED) or in the second (ADDED).
     *  Error: 0 (the failing step reads an intermediate text). */
    unsigned long line;
    /** Keys: the lowercased VMX key. Fixpoint: NULL. Error: the error's key
     *  (a VMX key or XML element path), or NULL. */
    const char *key;
    /** The input value as compared (decoded), or the first XML's line;
     *  NULL for ADDED and ERROR. */
    const char *before;
    /** The output value as compared, or the second XML's line; NULL for
     *  LOST and ERROR. */
    const char *after;
    /** Error: "STEP: MESSAGE", e.g. "xml -> vmx: unsupported bus type 'usb'
     *  for disk 'sda'". NULL for the other kinds. */
    const char *message;
} vmx_roundtrip_finding;

/** Flags of ::vmx_roundtrip_options, next to VMX_CONVERT_LOSSLESS. */
enum {
    /** VMX input: also check the fixpoint in the mode not selected. */
    VMX_ROUNDTRIP_BOTH_MODES = 1u << 16
};

#define VMX_ROUNDTRIP_OPTIONS_VERSION 1

/** Options of vmx_roundtrip_check(); VMX_ROUNDTRIP_OPTIONS_INIT gives the
 *  defaults. */
typedef struct vmx_roundtrip_options {
    unsigned int version; /**< VMX_ROUNDTRIP_OPTIONS_VERSION */
    /** VMX_CONVERT_LOSSLESS: convert in lossless mode; otherwise in the
     *  default, libvirt-compatible mode, which shows what libvirt's
     *  conversion loses. VMX_ROUNDTRIP_BOTH_MODES: see above.
     *  VMX_CONVERT_STRICT: the default-mode conversions refuse what libvirt
     *  refuses, so a step libvirt cannot take is a finding. */
    unsigned int flags;
    /** virtualHW.version of the intermediate VMX of an XML input (0: 4, or
     *  what the XML's vmxkit metadata holds). VMX inputs use their own. */
    int hw_version;
    vmx_datastore_map datastore_map; /**< as in ::vmx_convert_options */
} vmx_roundtrip_options;

#define VMX_ROUNDTRIP_OPTIONS_INIT                                                       \
    {                                                                                    \
        VMX_ROUNDTRIP_OPTIONS_VERSION, 0, 0, VMX_DATASTORE_MAP_LIBVIRT                   \
    }

/**
 * Run the round-trip checks on one document held in memory.
 *
 * @param out     receives the report, owned by the caller
 *                (vmx_roundtrip_free); NULL on error
 * @param buf     the document (VMX or XML), need not be NUL-terminated
 * @param len     its length
 * @param source  name for errors and the report, may be NULL
 * @param format  VMX_FORMAT_VMX or VMX_FORMAT_XML
 * @param opts    options, or NULL for the defaults
 * @param err     error record, may be NULL
 * @return 0 when the checks ran (the report may hold findings); the error of
 *         the FIRST conversion (VMX_EPARSE, VMX_EINVAL, VMX_EUNSUPPORTED ...
 *         with line and key) when the document does not convert at all in
 *         the selected mode; VMX_EINVAL for bad arguments; VMX_ENOMEM.
 */
VMX_EXTERN int vmx_roundtrip_check(vmx_roundtrip **out, const char *buf, size_t len,
                                   const char *source, vmx_format format,
                                   const vmx_roundtrip_options *opts, vmx_error *err);

/** Read @p path ("-" is standard input) and check it as vmx_roundtrip_check()
 *  does; the format comes from the extension (.xml is XML, anything else
 *  VMX) unless @p format is given. @return as vmx_roundtrip_check, plus
 *  VMX_EIO. */
VMX_EXTERN int vmx_roundtrip_check_file(vmx_roundtrip **out, const char *path,
                                        vmx_format format,
                                        const vmx_roundtrip_options *opts,
                                        vmx_error *err);

/** Release @p rt; NULL is accepted. */
VMX_EXTERN void vmx_roundtrip_free(vmx_roundtrip *rt);

/** Number of findings; 0 means the document round-trips cleanly. */
VMX_EXTERN size_t vmx_roundtrip_count(const vmx_roundtrip *rt);

/** Finding @p i, in check order (keys first, by key; then each fixpoint by
 *  line), borrowed until the report is freed; NULL when out of range. */
VMX_EXTERN const vmx_roundtrip_finding *vmx_roundtrip_get(const vmx_roundtrip *rt,
                                                          size_t i);

/** Whether the check @p check in the given mode was run (even when one of
 *  its conversions failed). */
VMX_EXTERN bool vmx_roundtrip_checked(const vmx_roundtrip *rt,
                                      vmx_roundtrip_check_id check, bool lossless);

/** Whether the check @p check in the given mode ran to the end and found
 *  nothing. A check that was not run is reported as false. */
VMX_EXTERN bool vmx_roundtrip_passed(const vmx_roundtrip *rt,
                                     vmx_roundtrip_check_id check, bool lossless);

/** The format of the checked document (VMX_FORMAT_VMX or VMX_FORMAT_XML). */
VMX_EXTERN vmx_format vmx_roundtrip_format(const vmx_roundtrip *rt);

/** The kind's name: "lost", "added", "changed" or "error". */
VMX_EXTERN const char *vmx_roundtrip_kind_name(vmx_roundtrip_kind kind);

/** The check's name: "keys" or "fixpoint". */
VMX_EXTERN const char *vmx_roundtrip_check_name(vmx_roundtrip_check_id check);

#ifdef __cplusplus
}
#endif
#endif
