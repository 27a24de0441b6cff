/**
 * @file vmxkit/domain.h
 * @brief The neutral domain model: one VM, as libvmxkit understands it.
 *
 * The model is the meeting point of every format: VMX, libvirt domain XML and
 * YAML are read into a ::vmx_domain and written out of one. It mirrors the
 * part of libvirt's domain definition that VMware can express, so that XML
 * output can match libvirt byte for byte.
 *
 * Ownership: a ::vmx_domain is a tree. It owns every string and array it
 * points to; vmx_domain_free() releases the whole tree. Strings are UTF-8,
 * NULL when absent. Arrays are `(pointer, count)` pairs grown with the
 * `vmx_domain_add_*` helpers, which return a zeroed element owned by the
 * domain. Callers may fill the structs directly.
 *
 * Enumerations start with an `_UNSET`/`_DEFAULT` member equal to 0 so that a
 * zeroed struct means "not specified".
 */
#ifndef VMXKIT_DOMAIN_H
#define VMXKIT_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "vmxkit/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Tri-state used for optional booleans. */
typedef enum vmx_tristate {
    VMX_TRISTATE_UNSET = 0,
    VMX_TRISTATE_YES,
    VMX_TRISTATE_NO
} vmx_tristate;

typedef enum vmx_arch {
    VMX_ARCH_UNSET = 0,
    VMX_ARCH_I686,
    VMX_ARCH_X86_64
} vmx_arch;

typedef enum vmx_firmware {
    VMX_FIRMWARE_UNSET = 0,
    VMX_FIRMWARE_BIOS,
    VMX_FIRMWARE_EFI
} vmx_firmware;

typedef enum vmx_smbios_mode {
    VMX_SMBIOS_UNSET = 0,
    VMX_SMBIOS_EMULATE,
    VMX_SMBIOS_HOST,
    VMX_SMBIOS_SYSINFO
} vmx_smbios_mode;

/** Bus a disk sits on (libvirt `<target bus=...>`). */
typedef enum vmx_disk_bus {
    VMX_DISK_BUS_UNSET = 0,
    VMX_DISK_BUS_IDE,
    VMX_DISK_BUS_SCSI,
    VMX_DISK_BUS_FDC,
    VMX_DISK_BUS_SATA,
    VMX_DISK_BUS_NVME
} vmx_disk_bus;

/** What the guest sees (libvirt `<disk device=...>`). */
typedef enum vmx_disk_device {
    VMX_DISK_DEVICE_DISK = 0,
    VMX_DISK_DEVICE_CDROM,
    VMX_DISK_DEVICE_FLOPPY,
    VMX_DISK_DEVICE_LUN
} vmx_disk_device;

/** Where the data comes from (libvirt `<disk type=...>`). */
typedef enum vmx_disk_type {
    VMX_DISK_TYPE_FILE = 0,
    VMX_DISK_TYPE_BLOCK
} vmx_disk_type;

typedef enum vmx_disk_cache {
    VMX_DISK_CACHE_DEFAULT = 0,
    VMX_DISK_CACHE_NONE,
    VMX_DISK_CACHE_WRITETHROUGH,
    VMX_DISK_CACHE_WRITEBACK,
    VMX_DISK_CACHE_DIRECTSYNC,
    VMX_DISK_CACHE_UNSAFE
} vmx_disk_cache;

/** A disk, CD-ROM, floppy or passthrough LUN. */
typedef struct vmx_disk {
    vmx_disk_type type;
    vmx_disk_device device;
    vmx_disk_bus bus;
    char *driver_name;      /**< `<driver name=...>`, e.g. "lsilogic" for SCSI; NULL if none */
    vmx_disk_cache cache;
    char *src;              /**< file name ("[ds] dir/f.vmdk") or device path; NULL when empty */
    char *target;           /**< "sda", "hda", "fda", ... */
    bool readonly;
    bool transient;
    bool startup_optional;  /**< reserved for richer mappings */
    /** Drive address: controller, bus, target, unit. */
    int controller;
    int addr_bus;
    int addr_target;
    int addr_unit;
    bool has_address;
} vmx_disk;

typedef enum vmx_controller_type {
    VMX_CONTROLLER_IDE = 0,
    VMX_CONTROLLER_FDC,
    VMX_CONTROLLER_SCSI,
    VMX_CONTROLLER_SATA,
    VMX_CONTROLLER_NVME,
    VMX_CONTROLLER_USB
} vmx_controller_type;

typedef struct vmx_controller {
    vmx_controller_type type;
    int index;
    char *model;            /**< "lsilogic", "buslogic", "lsisas1068", "vmpvscsi", "nec-xhci", ...; NULL if none */
} vmx_controller;

/** Network connection kind (libvirt `<interface type=...>`). */
typedef enum vmx_net_type {
    VMX_NET_BRIDGE = 0,     /**< `bridged` (and the default) */
    VMX_NET_USER,           /**< `nat` */
    VMX_NET_ETHERNET,       /**< `custom` (vnet) */
    VMX_NET_VDS,            /**< distributed virtual switch */
    VMX_NET_NULL,           /**< no network name: libvirt `type='null'` */
    VMX_NET_HOSTONLY        /**< `hostonly`: only in lossless mode */
} vmx_net_type;

typedef enum vmx_mac_type {
    VMX_MAC_UNSET = 0,
    VMX_MAC_GENERATED,
    VMX_MAC_STATIC,
    VMX_MAC_VPX
} vmx_mac_type;

typedef struct vmx_net {
    vmx_net_type type;
    char *model;            /**< "vlance", "vmxnet", "vmxnet2", "vmxnet3", "e1000", "e1000e"; NULL if unset */
    char *mac;              /**< "00:50:56:..."; NULL when none */
    vmx_mac_type mac_type;
    bool mac_check_set;     /**< `<mac check=...>` present */
    bool mac_check;
    char *bridge;           /**< network name (bridge/user) */
    char *ifname;           /**< `<target dev>`: vnet for `custom` */
    /* distributed virtual switch (VMX_NET_VDS) */
    char *switch_id;
    char *portgroup_id;
    char *port_id;
    long long connection_id;
} vmx_net;

/** Character device kinds (libvirt `<serial type=...>`). */
typedef enum vmx_chr_type {
    VMX_CHR_NULL = 0,
    VMX_CHR_DEV,
    VMX_CHR_FILE,
    VMX_CHR_PIPE,
    VMX_CHR_TCP,
    VMX_CHR_UDP,
    VMX_CHR_THINPRINT       /**< VMware virtual printer: lossless mode only */
} vmx_chr_type;

typedef struct vmx_chr {
    vmx_chr_type type;
    int port;               /**< `<target port>` */
    char *path;             /**< device, file or pipe path */
    /* network serial ports */
    bool listen;            /**< mode='bind' (server) or 'connect' (client) */
    char *host;
    char *service;
    char *protocol;         /**< "raw", "telnet", "telnets", "tls" */
    bool try_immediate;     /**< reserved */
    char *direction;        /**< reserved for richer mappings */
} vmx_chr;

typedef struct vmx_video {
    char *model;            /**< "vmvga" */
    unsigned long long vram_kib;
    bool has_vram;
    unsigned int heads;
    bool primary;
} vmx_video;

typedef struct vmx_graphics {
    char *type;             /**< "vnc" */
    int port;               /**< -1 = autoport */
    bool autoport;
    char *listen;
    char *keymap;
    char *passwd;
} vmx_graphics;

typedef struct vmx_fs {
    char *src;              /**< host path */
    char *dst;              /**< guest share name */
    bool readonly;
} vmx_fs;

/** A sound card (libvirt `<sound model=...>`); lossless mode only. */
typedef struct vmx_sound {
    char *model;            /**< libvirt model: "sb16", "es1370" (VMware "es1371"),
                                 "ich6" (VMware "hdaudio") */
} vmx_sound;

/** A VM. All sizes are in KiB, as libvirt keeps them. */
typedef struct vmx_domain {
    char *name;
    char *uuid;             /**< canonical "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", NULL if none */
    char *genid;            /**< VM generation ID, NULL if none */
    char *description;

    unsigned long long memory_kib;        /**< maximum (`<memory>`) */
    unsigned long long current_memory_kib;/**< `<currentMemory>` */
    unsigned long long min_guarantee_kib; /**< `<memtune><min_guarantee>`, 0 = unset */
    bool has_min_guarantee;

    unsigned int vcpus;
    char *cpuset;           /**< `<vcpu cpuset=...>` affinity, NULL if none */
    unsigned int sockets, dies, cores, threads; /**< topology, all 0 when unset */
    long long cpu_shares;   /**< `<cputune><shares>`, -1 when unset */

    vmx_arch arch;
    char *machine;          /**< `<type machine=...>`, usually NULL */
    vmx_firmware firmware;
    vmx_tristate secure_boot;
    vmx_smbios_mode smbios;
    char *guest_os;         /**< VMware guestOS id, kept for lossless output */

    char *datacenter_path;  /**< `<vmware:datacenterpath>` */
    char *moref;            /**< `<vmware:moref>` */

    vmx_disk *disks;           size_t ndisks;
    vmx_controller *controllers; size_t ncontrollers;
    vmx_net *nets;             size_t nnets;
    vmx_chr *serials;          size_t nserials;
    vmx_chr *parallels;        size_t nparallels;
    vmx_video *videos;         size_t nvideos;
    vmx_graphics *graphics;    size_t ngraphics;
    vmx_fs *filesystems;       size_t nfilesystems;

    /** VMX keys the model does not map, kept for lossless round trips:
     *  parallel arrays of (key, value) in file order. */
    char **extra_keys;
    char **extra_values;
    size_t nextra;

    /** Units of a SCSI bus for address assignment (libvirt's scsiBusMaxUnit):
     *  0 means 16 (wide bus, unit 7 is the controller); VMX files with
     *  virtualHW.version 13 or later have 64. */
    unsigned int scsi_bus_max_unit;

    /* Lossless-only fields: filled by vmx_domain_from_vmx() and
     * vmx_domain_from_xml() only with VMX_CONVERT_LOSSLESS, written to XML
     * only in that mode (doc/lossless.md). Lossless mode also fills, next to
     * the fields above: disks and controllers on the SATA and NVMe buses,
     * USB controllers (VMX_CONTROLLER_USB, model "piix3-uhci" for `usb`,
     * "ehci" for `ehci`, "nec-xhci" for `usb_xhci`), guest_os, and
     * extra_keys/extra_values with every VMX key that is not mapped.
     *
     * Lossless extra keys: vmx_domain_from_vmx() keeps every entry that
     * vmx_domain_to_vmx() (lossless mode, the file's virtualHW.version)
     * would not write byte for byte, with all occurrences of its key, in
     * file order (virtualHW.version is always one of them); then, with a
     * NULL value, each key that writer adds and the file lacks. For a
     * lossless domain -> VMX: the keys named by extras replace what the
     * model writes for them (any case), a NULL value leaving the key out. */
    vmx_sound *sounds;         size_t nsounds;
    /** `vtpm.present`: a virtual TPM 2.0, libvirt `<tpm model='tpm-crb'>`
     *  with an emulator backend of version 2.0. */
    bool tpm;
} vmx_domain;

/** Allocate an empty domain (cpu_shares -1, everything else zero). */
VMX_EXTERN int vmx_domain_new(vmx_domain **out);

/** Release @p dom and everything it owns. NULL is accepted. */
VMX_EXTERN void vmx_domain_free(vmx_domain *dom);

/**
 * Append a zeroed element to one of the domain's arrays. The element stays
 * owned by the domain; the returned pointer is valid until the next add to
 * the same array.
 * @return the new element, or NULL when memory runs out.
 */
VMX_EXTERN vmx_disk *vmx_domain_add_disk(vmx_domain *dom);
VMX_EXTERN vmx_controller *vmx_domain_add_controller(vmx_domain *dom);
VMX_EXTERN vmx_net *vmx_domain_add_net(vmx_domain *dom);
VMX_EXTERN vmx_chr *vmx_domain_add_serial(vmx_domain *dom);
VMX_EXTERN vmx_chr *vmx_domain_add_parallel(vmx_domain *dom);
VMX_EXTERN vmx_video *vmx_domain_add_video(vmx_domain *dom);
VMX_EXTERN vmx_graphics *vmx_domain_add_graphics(vmx_domain *dom);
VMX_EXTERN vmx_fs *vmx_domain_add_filesystem(vmx_domain *dom);
VMX_EXTERN vmx_sound *vmx_domain_add_sound(vmx_domain *dom);

/** Append an unmapped VMX key/value pair (both copied). */
VMX_EXTERN int vmx_domain_add_extra(vmx_domain *dom, const char *key, const char *value);

#ifdef __cplusplus
}
#endif
#endif
