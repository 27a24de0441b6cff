/* The YAML schema of the domain model: key names, kinds and order.
 * doc/yaml-format.md describes the same tables for people; keep both in step. */
#include "config.h"
#include "domain_yaml_private.h"

#include <stddef.h>

/* Enumerations are read and written through an int. */
_Static_assert(sizeof(vmx_arch) == sizeof(int), "enum size");
_Static_assert(sizeof(vmx_firmware) == sizeof(int), "enum size");
_Static_assert(sizeof(vmx_smbios_mode) == sizeof(int), "enum size");
_Static_assert(sizeof(vmx_tristate) == sizeof(int), "enum size");
_Static_assert(sizeof(vmx_disk_bus) == sizeof(int), "enum size");
_Static_assert(sizeof(vmx_disk_device) == sizeof(int), "enum size");
_Static_assert(sizeof(vmx_disk_type) == sizeof(int), "enum size");
_Static_assert(sizeof(vmx_disk_cache) == sizeof(int), "enum size");
_Static_assert(sizeof(vmx_controller_type) == sizeof(int), "enum size");
_Static_assert(sizeof(vmx_net_type) == sizeof(int), "enum size");
_Static_assert(sizeof(vmx_mac_type) == sizeof(int), "enum size");
_Static_assert(sizeof(vmx_chr_type) == sizeof(int), "enum size");

#define FIELD(st, k, kd, m, fl, d)                                                       \
    {                                                                                    \
        .key = (k), .kind = (kd), .offset = offsetof(st, m),                             \
        .flag_offset = VMX_YAML_NO_FLAG, .flags = (fl), .def = (d)                       \
    }
/* A field written exactly when the bool @flag is true. */
#define FLAGGED(st, k, kd, m, flag)                                                      \
    {                                                                                    \
        .key = (k), .kind = (kd), .offset = offsetof(st, m),                             \
        .flag_offset = offsetof(st, flag)                                                \
    }
#define STR(st, k, m) FIELD(st, k, VMX_YAML_STRING, m, 0, 0)
#define BOOLEAN(st, k, m) FIELD(st, k, VMX_YAML_BOOL, m, 0, 0)
#define ENUMERATION(st, k, m, n, fl)                                                     \
    {                                                                                    \
        .key = (k), .kind = VMX_YAML_ENUM, .offset = offsetof(st, m),                    \
        .flag_offset = VMX_YAML_NO_FLAG, .flags = (fl), .names = (n)                     \
    }
#define GROUP(k, s)                                                                      \
    {                                                                                    \
        .key = (k), .kind = VMX_YAML_GROUP, .flag_offset = VMX_YAML_NO_FLAG, .sub = &(s) \
    }
#define FLAGGED_GROUP(st, k, flag, s, fl)                                                \
    {                                                                                    \
        .key = (k), .kind = VMX_YAML_GROUP, .flag_offset = offsetof(st, flag),           \
        .flags = (fl), .sub = &(s)                                                       \
    }
#define LIST(k, m, count, s, fn)                                                         \
    {                                                                                    \
        .key = (k), .kind = VMX_YAML_LIST, .offset = offsetof(vmx_domain, m),            \
        .flag_offset = VMX_YAML_NO_FLAG, .sub = &(s),                                    \
        .count_offset = offsetof(vmx_domain, count), .add = (fn)                         \
    }
#define STRUCT(nm, st, f)                                                                \
    {                                                                                    \
        (nm), sizeof(st), (f), VMX_ARRAY_SIZE(f)                                         \
    }

const vmx_yaml_unit vmx__yaml_units[4] = {
    {"TiB", 1024ULL * 1024 * 1024}, {"GiB", 1024ULL * 1024}, {"MiB", 1024}, {"KiB", 1}};

/* ---- enumerations ---- */

static const vmx_yaml_enum_name arch_names[] = {
    {VMX_ARCH_I686, "i686"}, {VMX_ARCH_X86_64, "x86_64"}, {0, NULL}};
static const vmx_yaml_enum_name firmware_names[] = {
    {VMX_FIRMWARE_BIOS, "bios"}, {VMX_FIRMWARE_EFI, "efi"}, {0, NULL}};
static const vmx_yaml_enum_name smbios_names[] = {{VMX_SMBIOS_EMULATE, "emulate"},
                                                  {VMX_SMBIOS_HOST, "host"},
                                                  {VMX_SMBIOS_SYSINFO, "sysinfo"},
                                                  {0, NULL}};
static const vmx_yaml_enum_name disk_type_names[] = {
    {VMX_DISK_TYPE_FILE, "file"}, {VMX_DISK_TYPE_BLOCK, "block"}, {0, NULL}};
static const vmx_yaml_enum_name disk_device_names[] = {{VMX_DISK_DEVICE_DISK, "disk"},
                                                       {VMX_DISK_DEVICE_CDROM, "cdrom"},
                                                       {VMX_DISK_DEVICE_FLOPPY, "floppy"},
                                                       {VMX_DISK_DEVICE_LUN, "lun"},
                                                       {0, NULL}};
static const vmx_yaml_enum_name disk_bus_names[] = {
    {VMX_DISK_BUS_IDE, "ide"},   {VMX_DISK_BUS_SCSI, "scsi"}, {VMX_DISK_BUS_FDC, "fdc"},
    {VMX_DISK_BUS_SATA, "sata"}, {VMX_DISK_BUS_NVME, "nvme"}, {0, NULL}};
static const vmx_yaml_enum_name disk_cache_names[] = {
    {VMX_DISK_CACHE_NONE, "none"},
    {VMX_DISK_CACHE_WRITETHROUGH, "writethrough"},
    {VMX_DISK_CACHE_WRITEBACK, "writeback"},
    {VMX_DISK_CACHE_DIRECTSYNC, "directsync"},
    {VMX_DISK_CACHE_UNSAFE, "unsafe"},
    {0, NULL}};
static const vmx_yaml_enum_name controller_type_names[] = {{VMX_CONTROLLER_IDE, "ide"},
                                                           {VMX_CONTROLLER_FDC, "fdc"},
                                                           {VMX_CONTROLLER_SCSI, "scsi"},
                                                           {VMX_CONTROLLER_SATA, "sata"},
                                                           {VMX_CONTROLLER_NVME, "nvme"},
                                                           {VMX_CONTROLLER_USB, "usb"},
                                                           {0, NULL}};
static const vmx_yaml_enum_name net_type_names[] = {{VMX_NET_BRIDGE, "bridge"},
                                                    {VMX_NET_USER, "user"},
                                                    {VMX_NET_ETHERNET, "ethernet"},
                                                    {VMX_NET_VDS, "vds"},
                                                    {VMX_NET_NULL, "null"},
                                                    {VMX_NET_HOSTONLY, "hostonly"},
                                                    {0, NULL}};
static const vmx_yaml_enum_name mac_type_names[] = {{VMX_MAC_GENERATED, "generated"},
                                                    {VMX_MAC_STATIC, "static"},
                                                    {VMX_MAC_VPX, "vpx"},
                                                    {0, NULL}};
static const vmx_yaml_enum_name chr_type_names[] = {{VMX_CHR_NULL, "null"},
                                                    {VMX_CHR_DEV, "dev"},
                                                    {VMX_CHR_FILE, "file"},
                                                    {VMX_CHR_PIPE, "pipe"},
                                                    {VMX_CHR_TCP, "tcp"},
                                                    {VMX_CHR_UDP, "udp"},
                                                    {VMX_CHR_THINPRINT, "thinprint"},
                                                    {0, NULL}};

const char *vmx__yaml_enum_name(const vmx_yaml_enum_name *names, int value)
{
    for (; names->name; names++)
        if (names->value == value)
            return names->name;
    return NULL;
}

/* ---- devices ---- */

static const vmx_yaml_field disk_address_fields[] = {
    FIELD(vmx_disk, "controller", VMX_YAML_INT, controller, VMX_YAML_ALWAYS, 0),
    FIELD(vmx_disk, "bus", VMX_YAML_INT, addr_bus, VMX_YAML_ALWAYS, 0),
    FIELD(vmx_disk, "target", VMX_YAML_INT, addr_target, VMX_YAML_ALWAYS, 0),
    FIELD(vmx_disk, "unit", VMX_YAML_INT, addr_unit, VMX_YAML_ALWAYS, 0),
};
static const vmx_yaml_struct disk_address =
    STRUCT("address", vmx_disk, disk_address_fields);

static const vmx_yaml_field disk_fields[] = {
    ENUMERATION(vmx_disk, "device", device, disk_device_names, VMX_YAML_ALWAYS),
    ENUMERATION(vmx_disk, "type", type, disk_type_names, VMX_YAML_ALWAYS),
    ENUMERATION(vmx_disk, "bus", bus, disk_bus_names, 0),
    STR(vmx_disk, "source", src),
    STR(vmx_disk, "target", target),
    STR(vmx_disk, "driver", driver_name),
    ENUMERATION(vmx_disk, "cache", cache, disk_cache_names, 0),
    BOOLEAN(vmx_disk, "readonly", readonly),
    BOOLEAN(vmx_disk, "transient", transient),
    BOOLEAN(vmx_disk, "startup_optional", startup_optional),
    FLAGGED_GROUP(vmx_disk, "address", has_address, disk_address, VMX_YAML_FLOW),
};
static const vmx_yaml_struct disk_schema = STRUCT("disk", vmx_disk, disk_fields);

static const vmx_yaml_field controller_fields[] = {
    ENUMERATION(vmx_controller, "type", type, controller_type_names, VMX_YAML_ALWAYS),
    FIELD(vmx_controller, "index", VMX_YAML_INT, index, VMX_YAML_ALWAYS, 0),
    STR(vmx_controller, "model", model),
};
static const vmx_yaml_struct controller_schema =
    STRUCT("controller", vmx_controller, controller_fields);

static const vmx_yaml_field net_fields[] = {
    ENUMERATION(vmx_net, "type", type, net_type_names, VMX_YAML_ALWAYS),
    STR(vmx_net, "model", model),
    STR(vmx_net, "mac", mac),
    ENUMERATION(vmx_net, "mac_type", mac_type, mac_type_names, 0),
    FLAGGED(vmx_net, "mac_check", VMX_YAML_BOOL, mac_check, mac_check_set),
    STR(vmx_net, "bridge", bridge),
    STR(vmx_net, "ifname", ifname),
    STR(vmx_net, "switch_id", switch_id),
    STR(vmx_net, "portgroup_id", portgroup_id),
    STR(vmx_net, "port_id", port_id),
    FIELD(vmx_net, "connection_id", VMX_YAML_LLONG, connection_id, 0, 0),
};
static const vmx_yaml_struct net_schema = STRUCT("interface", vmx_net, net_fields);

static const vmx_yaml_field chr_fields[] = {
    ENUMERATION(vmx_chr, "type", type, chr_type_names, VMX_YAML_ALWAYS),
    FIELD(vmx_chr, "port", VMX_YAML_INT, port, VMX_YAML_ALWAYS, 0),
    STR(vmx_chr, "path", path),
    BOOLEAN(vmx_chr, "listen", listen),
    STR(vmx_chr, "host", host),
    STR(vmx_chr, "service", service),
    STR(vmx_chr, "protocol", protocol),
    BOOLEAN(vmx_chr, "try_immediate", try_immediate),
    STR(vmx_chr, "direction", direction),
};
static const vmx_yaml_struct chr_schema = STRUCT("port", vmx_chr, chr_fields);

static const vmx_yaml_field video_fields[] = {
    STR(vmx_video, "model", model),
    FLAGGED(vmx_video, "vram", VMX_YAML_SIZE, vram_kib, has_vram),
    FIELD(vmx_video, "heads", VMX_YAML_UINT, heads, 0, 0),
    BOOLEAN(vmx_video, "primary", primary),
};
static const vmx_yaml_struct video_schema = STRUCT("video", vmx_video, video_fields);

static const vmx_yaml_field graphics_fields[] = {
    STR(vmx_graphics, "type", type),
    FIELD(vmx_graphics, "port", VMX_YAML_INT, port, VMX_YAML_ALWAYS, 0),
    BOOLEAN(vmx_graphics, "autoport", autoport),
    STR(vmx_graphics, "listen", listen),
    STR(vmx_graphics, "keymap", keymap),
    STR(vmx_graphics, "password", passwd),
};
static const vmx_yaml_struct graphics_schema =
    STRUCT("graphics", vmx_graphics, graphics_fields);

static const vmx_yaml_field fs_fields[] = {
    STR(vmx_fs, "source", src),
    STR(vmx_fs, "target", dst),
    BOOLEAN(vmx_fs, "readonly", readonly),
};
static const vmx_yaml_struct fs_schema = STRUCT("filesystem", vmx_fs, fs_fields);

static const vmx_yaml_field sound_fields[] = {
    STR(vmx_sound, "model", model),
};
static const vmx_yaml_struct sound_schema = STRUCT("sound", vmx_sound, sound_fields);

/* The list adders, with the generic signature. */
static void *add_disk(vmx_domain *dom)
{
    return vmx_domain_add_disk(dom);
}
static void *add_controller(vmx_domain *dom)
{
    return vmx_domain_add_controller(dom);
}
static void *add_net(vmx_domain *dom)
{
    return vmx_domain_add_net(dom);
}
static void *add_serial(vmx_domain *dom)
{
    return vmx_domain_add_serial(dom);
}
static void *add_parallel(vmx_domain *dom)
{
    return vmx_domain_add_parallel(dom);
}
static void *add_video(vmx_domain *dom)
{
    return vmx_domain_add_video(dom);
}
static void *add_graphics(vmx_domain *dom)
{
    return vmx_domain_add_graphics(dom);
}
static void *add_filesystem(vmx_domain *dom)
{
    return vmx_domain_add_filesystem(dom);
}
static void *add_sound(vmx_domain *dom)
{
    return vmx_domain_add_sound(dom);
}

/* Device lists in the order libvirt writes them. */
static const vmx_yaml_field device_fields[] = {
    LIST("disks", disks, ndisks, disk_schema, add_disk),
    LIST("controllers", controllers, ncontrollers, controller_schema, add_controller),
    LIST("filesystems", filesystems, nfilesystems, fs_schema, add_filesystem),
    LIST("interfaces", nets, nnets, net_schema, add_net),
    LIST("serials", serials, nserials, chr_schema, add_serial),
    LIST("parallels", parallels, nparallels, chr_schema, add_parallel),
    LIST("graphics", graphics, ngraphics, graphics_schema, add_graphics),
    LIST("videos", videos, nvideos, video_schema, add_video),
    LIST("sounds", sounds, nsounds, sound_schema, add_sound),
    BOOLEAN(vmx_domain, "tpm", tpm),
    FIELD(vmx_domain, "scsi_bus_max_unit", VMX_YAML_UINT, scsi_bus_max_unit, 0, 0),
};
static const vmx_yaml_struct devices_schema =
    STRUCT("devices", vmx_domain, device_fields);

/* ---- the domain ---- */

static const vmx_yaml_field cpu_fields[] = {
    FIELD(vmx_domain, "vcpus", VMX_YAML_UINT, vcpus, 0, 0),
    STR(vmx_domain, "cpuset", cpuset),
    FIELD(vmx_domain, "sockets", VMX_YAML_UINT, sockets, 0, 0),
    FIELD(vmx_domain, "dies", VMX_YAML_UINT, dies, 0, 0),
    FIELD(vmx_domain, "cores", VMX_YAML_UINT, cores, 0, 0),
    FIELD(vmx_domain, "threads", VMX_YAML_UINT, threads, 0, 0),
    FIELD(vmx_domain, "shares", VMX_YAML_LLONG, cpu_shares, 0, -1),
};
static const vmx_yaml_struct cpu_schema = STRUCT("cpu", vmx_domain, cpu_fields);

static const vmx_yaml_field os_fields[] = {
    ENUMERATION(vmx_domain, "arch", arch, arch_names, 0),
    STR(vmx_domain, "machine", machine),
    ENUMERATION(vmx_domain, "firmware", firmware, firmware_names, 0),
    FIELD(vmx_domain, "secure_boot", VMX_YAML_TRISTATE, secure_boot, 0, 0),
    ENUMERATION(vmx_domain, "smbios", smbios, smbios_names, 0),
    STR(vmx_domain, "guest_os", guest_os),
};
static const vmx_yaml_struct os_schema = STRUCT("os", vmx_domain, os_fields);

static const vmx_yaml_field vmware_fields[] = {
    STR(vmx_domain, "datacenter_path", datacenter_path),
    STR(vmx_domain, "moref", moref),
};
static const vmx_yaml_struct vmware_schema = STRUCT("vmware", vmx_domain, vmware_fields);

static const vmx_yaml_field domain_fields[] = {
    STR(vmx_domain, "name", name),
    STR(vmx_domain, "uuid", uuid),
    STR(vmx_domain, "genid", genid),
    STR(vmx_domain, "description", description),
    FIELD(vmx_domain, "memory", VMX_YAML_SIZE, memory_kib, 0, 0),
    FIELD(vmx_domain, "current_memory", VMX_YAML_SIZE, current_memory_kib, 0, 0),
    FLAGGED(vmx_domain, "min_guarantee", VMX_YAML_SIZE, min_guarantee_kib,
            has_min_guarantee),
    GROUP("cpu", cpu_schema),
    GROUP("os", os_schema),
    GROUP("vmware", vmware_schema),
    GROUP("devices", devices_schema),
    {.key = "extra", .kind = VMX_YAML_EXTRA, .flag_offset = VMX_YAML_NO_FLAG},
};
const vmx_yaml_struct vmx__yaml_domain_schema =
    STRUCT("domain", vmx_domain, domain_fields);
