/* Internals shared by the conversion modules (VMX <-> domain <-> XML).
 * Not installed. Owned by the VMX -> domain module. */
#ifndef VMX_DOMAIN_PRIVATE_H
#define VMX_DOMAIN_PRIVATE_H

#include "util.h"
#include "vmxkit/convert.h"
#include "vmxkit/domain.h"

/*
 * What libvirt's virDomainDefPostParse adds to a parsed definition, for the
 * part the model holds. Both readers (VMX and XML) call it last:
 *  - disks without an address get one from their target name (libvirt's
 *    virDomainDiskDefAssignAddress with the wide SCSI bus VMware uses:
 *    15 units per controller, unit 7 skipped; IDE 2 buses x 2 units; FDC 1 bus
 *    x 2 units; SATA 6 units per controller);
 *  - for each of SCSI, FDC, IDE, SATA (in that order) the controllers with
 *    index 0 up to the highest index a disk uses are appended unless present
 *    (libvirt's virDomainDefAddImplicitControllers: appended, not sorted);
 *  - currentMemory is capped to / defaulted from memory (a zero memory is
 *    an error);
 *  - serial and parallel ports with port < 0 (unset) get the next free one;
 *  - video RAM is rounded up to a power of two, a zero size takes the model's
 *    default (4096 KiB for vmvga, vga, cirrus), the first video is primary.
 * Returns 0, VMX_EINVAL (with key) for targets it cannot map, VMX_ENOMEM.
 */
VMX_INTERNAL int vmx__domain_postparse(vmx_domain *dom, vmx_error *err);

/*
 * The cap on devices of one kind, shared by the readers so that what one
 * format accepts the others read back: the XML reader refuses more than this
 * many <disk>, <controller>, <interface> ... elements, the YAML reader more
 * than this many elements in a device list, and the post-parse more
 * controllers than this with the implicit ones (a disk named sdzzzz would
 * need 31684). More than any VMware guest can have; libvirt has no cap.
 */
#define VMX_MAX_DEVICES 1024

/* The name of a controller type in libvirt's XML ("ide", "fdc", "scsi", ...). */
VMX_INTERNAL const char *vmx__controller_type_name(vmx_controller_type type);

/* The index libvirt's virDiskNameToIndex reads from a target name, as its
 * XML parser checks the name of a disk without an address: at least one
 * letter after the prefix, an index of at most 1000000; -1 otherwise. */
VMX_INTERNAL int vmx__disk_name_index_checked(const char *name);

/* The index libvirt's virDiskNameParse reads from a target name ("sda" 0,
 * "hdb" 1, "sdaa" 26, ...), or -1 when the name is not one. */
VMX_INTERNAL int vmx__disk_name_to_index(const char *name);

/*
 * Give a disk without an address the one its target name implies (libvirt's
 * virDomainDiskDefAssignAddress, VMware's wide SCSI bus); @p scsi_bus_max_unit
 * is dom->scsi_bus_max_unit (0 means 16). Disks that have an address, or sit
 * on a bus without controllers, are left alone.
 */
VMX_INTERNAL int vmx__disk_assign_address(vmx_disk *d, unsigned int scsi_bus_max_unit,
                                          vmx_error *err);

/*
 * Map a VMX file name to a libvirt disk source name, as the libvirt test
 * suite's callback (as lvref has it) does for VMX_DATASTORE_MAP_LIBVIRT:
 *   "/vmfs/volumes/DS/PATH" -> "[DS] PATH" (DS up to the next '/', may be
 *                              empty; PATH must not be empty)
 *   "/other/absolute"       -> unchanged
 *   "NAME" (no slash)       -> "[datastore] directory/NAME"
 *   "rel/ative"             -> VMX_EINVAL (libvirt rejects relative paths)
 *   "/vmfs/volumes/DS" or "/vmfs/volumes/DS/" -> VMX_EINVAL
 * VMX_DATASTORE_MAP_NONE copies the name unchanged. @p out is owned by the
 * caller (vmx__free). @p opts may be NULL (libvirt mapping).
 */
VMX_INTERNAL int vmx__filename_from_vmx(char **out, const char *vmx_name,
                                        const vmx_convert_options *opts, vmx_error *err);

/*
 * Whether libvirt's test-suite mapping treats @p vmx_name as a file that does
 * not exist (datastore "missing", or a datastore path starting with
 * "missing"): libvirt then leaves CD-ROMs and floppies empty and rejects hard
 * disks. Always false for VMX_DATASTORE_MAP_NONE.
 */
VMX_INTERNAL int vmx__filename_from_vmx_missing(bool *missing, const char *vmx_name,
                                                const vmx_convert_options *opts);

/*
 * The reverse mapping, as libvirt's xml2vmx test callback (lvref) does:
 *   "[DS] PATH" -> "/vmfs/volumes/DS/PATH" (DS up to the first ']', spaces
 *                  after it skipped; an empty PATH gives "/vmfs/volumes/DS/")
 *   "/absolute" -> unchanged
 *   anything else (relative, "[] x", "[ds" without ']') -> VMX_EINVAL
 * VMX_DATASTORE_MAP_NONE copies the name unchanged.
 */
VMX_INTERNAL int vmx__filename_to_vmx(char **out, const char *source,
                                      const vmx_convert_options *opts, vmx_error *err);

#endif
