/**
 * @file vmxkit/yaml.h
 * @brief The YAML form of the domain model, written for people.
 *
 * The format is described in doc/yaml-format.md: readable key names, one list
 * per device kind, sizes with units (`memory: 4 GiB`) and the VMX keys the
 * model does not map under `extra:`. Writing then reading gives back an equal
 * domain, and the text vmx_domain_to_yaml() writes is a fixpoint of reading
 * and writing again.
 */
#ifndef VMXKIT_YAML_H
#define VMXKIT_YAML_H

#include <stddef.h>

#include "vmxkit/convert.h"
#include "vmxkit/domain.h"
#include "vmxkit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Largest YAML input vmx_domain_from_yaml() accepts: 16 MiB. */
#define VMX_YAML_MAX_INPUT ((size_t)16 * 1024 * 1024)

/**
 * Write @p dom as YAML, in a fixed key order.
 *
 * @param out   receives a NUL-terminated UTF-8 buffer owned by the caller
 *              (vmx_free); left NULL on error
 * @param len   receives the length without the NUL, may be NULL
 * @param dom   the domain to write
 * @param opts  conversion options, may be NULL (none of them changes the YAML)
 * @param err   error details, may be NULL
 * @return 0; VMX_EINVAL when a string is not valid UTF-8 or an enumeration
 *         holds a value the format does not know (key = YAML path);
 *         VMX_ENOMEM.
 */
VMX_EXTERN int vmx_domain_to_yaml(char **out, size_t *len, const vmx_domain *dom,
                                  const vmx_convert_options *opts, vmx_error *err);

/**
 * Read a domain from YAML text (one document whose root is a mapping).
 *
 * Errors carry the 1-based line and column and, in the key, the path of the
 * offending node (`devices.disks[2].bus`). Unknown keys, duplicate keys,
 * wrong types and sizes without a valid unit are errors. Aliases are allowed
 * but their expansion is capped, and recursive aliases are refused.
 *
 * @param out     receives the domain, owned by the caller (vmx_domain_free);
 *                left NULL on error
 * @param buf     the YAML text, need not be NUL-terminated
 * @param len     its length in bytes (at most VMX_YAML_MAX_INPUT)
 * @param source  name used in errors (file name), may be NULL
 * @param opts    conversion options, may be NULL (none of them changes the YAML)
 * @param err     error details, may be NULL
 * @return 0, VMX_EPARSE (malformed YAML), VMX_EINVAL (valid YAML that is not a
 *         valid domain), VMX_ELIMIT (input, nesting or alias limits),
 *         VMX_ENOMEM.
 */
VMX_EXTERN int vmx_domain_from_yaml(vmx_domain **out, const char *buf, size_t len,
                                    const char *source, const vmx_convert_options *opts,
                                    vmx_error *err);

#ifdef __cplusplus
}
#endif
#endif
