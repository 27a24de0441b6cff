/* Disks, CD-ROMs, floppies and SCSI controllers -> VMX, as libvirt 9.0's
 * virVMXFormatConfig does: every disk's address is checked against its
 * target name, legacy `<driver name>` values set the model of their SCSI
 * controller, controllers with disks are written (scsiN.present and
 * virtualDev), then the disks in model order, then `floppyN.present =
 * "false"` for the floppy slots left empty. Beyond libvirt, which refuses
 * them, both modes write SATA and NVMe controllers and disks (sataC:U,
 * nvmeC:U), raw images, names the datastore mapping refuses and addresses
 * of the 64-unit SCSI bus, as a VMX file holds them; lossless mode also
 * writes drives without file. */
#include "config.h"
#include "domain2vmx.h"
#include "domain_private.h"

#include <string.h>

/* Units of a SATA and an NVMe controller in VMX keys (sataC:U, nvmeC:U): the
 * disk names are sd[C * 30 + U] and vd[C * 64 + U] (doc/lossless.md). */
#define SATA_UNITS 30
#define NVME_UNITS 64

/* libvirt's virDomainControllerModelSCSI values that matter here. */
enum {
    SCSI_MODEL_OTHER = -2, /* a non-SCSI controller's model: never equal */
    SCSI_MODEL_DEFAULT = -1,
    SCSI_MODEL_AUTO = 0,
    SCSI_MODEL_BUSLOGIC,
    SCSI_MODEL_LSILOGIC,
    SCSI_MODEL_LSISAS1068,
    SCSI_MODEL_VMPVSCSI
};

/* libvirt's SCSI controller model names, in enum order from "auto". */
static const char *const scsi_models[] = {"auto",
                                          "buslogic",
                                          "lsilogic",
                                          "lsisas1068",
                                          "vmpvscsi",
                                          "ibmvscsi",
                                          "virtio-scsi",
                                          "lsisas1078",
                                          "virtio-transitional",
                                          "virtio-non-transitional",
                                          "ncr53c90",
                                          "dc390",
                                          "am53c974"};

/* The virtualDev value VMX uses for the four models it knows. */
static const char *const vmx_scsi_dev[] = {NULL, "buslogic", "lsilogic", "lsisas1068",
                                           "pvscsi"};

static int scsi_model_from_name(const char *name)
{
    size_t i;

    for (i = 0; i < VMX_ARRAY_SIZE(scsi_models); i++)
        if (strcmp(name, scsi_models[i]) == 0)
            return (int)i;
    return -3;
}

static const char *scsi_model_name(int model)
{
    if (model >= 0 && (size_t)model < VMX_ARRAY_SIZE(scsi_models))
        return scsi_models[model];
    return "default";
}

static const char *bus_name(vmx_disk_bus bus)
{
    switch (bus) {
    case VMX_DISK_BUS_IDE:
        return "ide";
    case VMX_DISK_BUS_SCSI:
        return "scsi";
    case VMX_DISK_BUS_FDC:
        return "fdc";
    case VMX_DISK_BUS_SATA:
        return "sata";
    case VMX_DISK_BUS_NVME:
        return "nvme";
    default:
        return "none";
    }
}

static const char *device_name(vmx_disk_device dev)
{
    switch (dev) {
    case VMX_DISK_DEVICE_DISK:
        return "disk";
    case VMX_DISK_DEVICE_CDROM:
        return "cdrom";
    case VMX_DISK_DEVICE_FLOPPY:
        return "floppy";
    case VMX_DISK_DEVICE_LUN:
        return "lun";
    default:
        return "unknown";
    }
}

static const char *cache_name(vmx_disk_cache cache)
{
    switch (cache) {
    case VMX_DISK_CACHE_NONE:
        return "none";
    case VMX_DISK_CACHE_WRITETHROUGH:
        return "writethrough";
    case VMX_DISK_CACHE_WRITEBACK:
        return "writeback";
    case VMX_DISK_CACHE_DIRECTSYNC:
        return "directsync";
    case VMX_DISK_CACHE_UNSAFE:
        return "unsafe";
    default:
        return "default";
    }
}

/* A disk's bus, defaulted from its target prefix as libvirt's parser does. */
static vmx_disk_bus disk_bus(const vmx_disk *d)
{
    if (d->bus != VMX_DISK_BUS_UNSET || !d->target)
        return d->bus;
    if (strncmp(d->target, "hd", 2) == 0)
        return VMX_DISK_BUS_IDE;
    if (strncmp(d->target, "sd", 2) == 0)
        return VMX_DISK_BUS_SCSI;
    if (strncmp(d->target, "fd", 2) == 0)
        return VMX_DISK_BUS_FDC;
    return VMX_DISK_BUS_UNSET;
}

typedef struct drive_addr {
    int controller, bus, unit;
} drive_addr;

/* libvirt's virDomainDiskDefAssignAddress for the wide SCSI bus VMware uses:
 * @scsi_max_unit units per bus (16, or 64 for a domain read from a VMX file
 * of virtualHW 13+), unit 7 being the controller itself. */
static int assign_address(drive_addr *a, vmx_disk_bus bus, const char *target,
                          unsigned int scsi_max_unit)
{
    int idx = vmx__disk_name_to_index(target);
    int per_bus = scsi_max_unit > 1 && scsi_max_unit < 4096 ? (int)scsi_max_unit - 1 : 15;

    if (idx < 0)
        return -1;
    a->bus = 0;
    switch (bus) {
    case VMX_DISK_BUS_SCSI:
        a->controller = idx / per_bus;
        a->unit = idx % per_bus;
        if (a->unit >= 7)
            a->unit++; /* unit 7 is the controller itself */
        break;
    case VMX_DISK_BUS_IDE:
        a->controller = idx / 4;
        a->bus = (idx % 4) / 2;
        a->unit = idx % 2;
        break;
    case VMX_DISK_BUS_FDC:
        a->controller = idx / 2;
        a->unit = idx % 2;
        break;
    case VMX_DISK_BUS_SATA:
        a->controller = idx / 6;
        a->unit = idx % 6;
        break;
    case VMX_DISK_BUS_NVME:
        /* lossless mode's own mapping: nvmeC:U is vd[C * 64 + U] */
        a->controller = idx / NVME_UNITS;
        a->unit = idx % NVME_UNITS;
        break;
    default:
        return -1;
    }
    return 0;
}

/* virVMXVerifyDiskAddress: the address must be the one the target name
 * gives, and fit the controllers VMX has. */
static int verify_address(vmx__d2v *c, const vmx_disk *d, vmx_disk_bus bus,
                          drive_addr *out)
{
    static const char key[] = "devices/disk/address";
    drive_addr a;
    bool wide = false;
    int rc;

    if (!d->target)
        return vmx__d2v_error(c, VMX_EINVAL, "devices/disk/target",
                              "disk has no target device");
    if (bus != VMX_DISK_BUS_SCSI && bus != VMX_DISK_BUS_IDE && bus != VMX_DISK_BUS_FDC &&
        bus != VMX_DISK_BUS_SATA && bus != VMX_DISK_BUS_NVME)
        return vmx__d2v_error(c, VMX_EUNSUPPORTED, "devices/disk/target",
                              "unsupported bus type '%s' for disk '%s'", bus_name(bus),
                              d->target);
    if (assign_address(&a, bus, d->target, c->dom->scsi_bus_max_unit) < 0)
        return vmx__d2v_error(c, VMX_EINVAL, "devices/disk/target",
                              "cannot derive a disk address from target '%s'", d->target);
    /* XML does not say that the domain came from a virtualHW 13+ file with
     * 64 units per SCSI bus, but its addresses do (libvirt refuses them) */
    if (bus == VMX_DISK_BUS_SCSI && d->has_address &&
        (d->controller != a.controller || d->addr_unit != a.unit)) {
        assign_address(&a, bus, d->target, 64);
        wide = true;
    }
    if (d->has_address &&
        (d->controller != a.controller || d->addr_bus != a.bus || d->addr_unit != a.unit))
        return vmx__d2v_error(c, VMX_EINVAL, key,
                              "disk address %d:%d:%d does not match target device '%s'",
                              d->controller, d->addr_bus, d->addr_unit, d->target);
    /* the 64-unit bus is virtualHW 13's */
    if ((wide || (bus == VMX_DISK_BUS_SCSI && a.unit > 15)) && c->beyond_hw < 13)
        c->beyond_hw = 13;
    if (wide && (rc = vmx__d2v_beyond_libvirt(
                     c, VMX_EINVAL, key,
                     "disk address %d:%d:%d does not match target device '%s'",
                     d->controller, d->addr_bus, d->addr_unit, d->target)) < 0)
        return rc;
    if (bus == VMX_DISK_BUS_SCSI && a.unit > 15 &&
        (rc = vmx__d2v_beyond_libvirt(c, VMX_EUNSUPPORTED, key,
                                      "scsi unit index %d out of [0..6,8..15] range",
                                      a.unit)) < 0)
        return rc;
    if ((bus == VMX_DISK_BUS_SATA || bus == VMX_DISK_BUS_NVME) &&
        (rc = vmx__d2v_beyond_libvirt(c, VMX_EUNSUPPORTED, "devices/disk/target",
                                      "unsupported bus type '%s' for disk '%s'",
                                      bus_name(bus), d->target)) < 0)
        return rc;
    switch (bus) {
    case VMX_DISK_BUS_SCSI:
        if (a.controller > 3)
            return vmx__d2v_error(c, VMX_EUNSUPPORTED, key,
                                  "scsi controller index %d out of [0..3] range",
                                  a.controller);
        /* only reachable with the 64-unit bus of a virtualHW 13+ file, which
         * is written as it is */
        if (a.unit > 63)
            return vmx__d2v_error(c, VMX_EUNSUPPORTED, key,
                                  "scsi unit index %d out of [0..6,8..15] range", a.unit);
        break;
    case VMX_DISK_BUS_IDE:
        if (a.controller != 0)
            return vmx__d2v_error(c, VMX_EUNSUPPORTED, key,
                                  "ide controller index %d out of [0] range",
                                  a.controller);
        break;
    case VMX_DISK_BUS_FDC:
        if (a.controller != 0)
            return vmx__d2v_error(c, VMX_EUNSUPPORTED, key,
                                  "fdc controller index %d out of [0] range",
                                  a.controller);
        break;
    case VMX_DISK_BUS_SATA:
    case VMX_DISK_BUS_NVME:
        /* libvirt refuses these; a VMX file holds them */
        if (vmx__disk_name_to_index(d->target) >=
            4 * (bus == VMX_DISK_BUS_SATA ? SATA_UNITS : NVME_UNITS))
            return vmx__d2v_error(c, VMX_EUNSUPPORTED, "devices/disk/target",
                                  "%s disk index (parsed from '%s') is too large",
                                  bus_name(bus), d->target);
        break;
    default:
        return vmx__d2v_error(c, VMX_EUNSUPPORTED, "devices/disk/target",
                              "unsupported bus type '%s' for disk '%s'", bus_name(bus),
                              d->target);
    }
    *out = a;
    return 0;
}

/* Working state of the SCSI controllers: the models of the domain's own
 * controllers (libvirt changes them while formatting; the domain is const)
 * and of the implicit controllers a post-parsed domain would hold. */
typedef struct scsi_state {
    int *models;     /* per dom->controllers[i] */
    int implicit[4]; /* SCSI indexes with no controller in the domain */
    bool present[4];
    int virtual_dev[4];
} scsi_state;

static int controller_model(const vmx_controller *ctl)
{
    int m;

    if (!ctl->model)
        return SCSI_MODEL_DEFAULT;
    if (ctl->type != VMX_CONTROLLER_SCSI)
        return SCSI_MODEL_OTHER;
    m = scsi_model_from_name(ctl->model);
    return m < 0 ? SCSI_MODEL_OTHER : m;
}

/* virVMXHandleLegacySCSIDiskDriverName: `<driver name='buslogic'/>` on a SCSI
 * disk sets the model of the first controller with the disk's index. Like
 * libvirt, that lookup ignores the controller type. */
static int handle_driver_name(vmx__d2v *c, scsi_state *st, const vmx_disk *d,
                              const drive_addr *a)
{
    char lower[32];
    size_t i, n;
    int model, *slot = NULL;

    n = strlen(d->driver_name);
    if (n >= sizeof(lower))
        goto unknown;
    for (i = 0; i <= n; i++)
        lower[i] = vmx__ascii_lower(d->driver_name[i]);
    model = scsi_model_from_name(lower);
    if (model < 0)
        goto unknown;

    for (i = 0; i < c->dom->ncontrollers; i++) {
        if (c->dom->controllers[i].index == a->controller) {
            slot = &st->models[i];
            break;
        }
    }
    if (!slot)
        slot = &st->implicit[a->controller];
    if (*slot == SCSI_MODEL_DEFAULT)
        *slot = model;
    else if (*slot != model)
        return vmx__d2v_error(c, VMX_EINVAL, "devices/disk/driver",
                              "inconsistent scsi controller model ('%s' is not '%s') for "
                              "scsi controller index %d",
                              d->driver_name, scsi_model_name(*slot), a->controller);
    return 0;
unknown:
    return vmx__d2v_error(c, VMX_EINVAL, "devices/disk/driver",
                          "unknown driver name '%s'", d->driver_name);
}

/* The model autodetection answers what libvirt's test suite and the ESX
 * driver offline answer: opts->scsi_model, else lsilogic. */
static int autodetect_model(vmx__d2v *c, int *model)
{
    const char *name = c->opts->scsi_model;

    if (!name) {
        *model = SCSI_MODEL_LSILOGIC;
        return 0;
    }
    if (strcmp(name, "pvscsi") == 0) {
        *model = SCSI_MODEL_VMPVSCSI;
        return 0;
    }
    *model = scsi_model_from_name(name);
    if (*model < SCSI_MODEL_BUSLOGIC || *model > SCSI_MODEL_VMPVSCSI)
        return vmx__d2v_error(c, VMX_EINVAL, "devices/controller",
                              "invalid scsi model '%s' for autodetection", name);
    return 0;
}

/* One SCSI controller with disks: resolve "auto", check the model, mark it. */
static int gather_one(vmx__d2v *c, scsi_state *st, int idx, int *model)
{
    if (*model == SCSI_MODEL_AUTO) {
        int rc = autodetect_model(c, model);

        if (rc < 0)
            return rc;
    }
    if (*model != SCSI_MODEL_DEFAULT &&
        (*model < SCSI_MODEL_BUSLOGIC || *model > SCSI_MODEL_VMPVSCSI))
        return vmx__d2v_error(c, VMX_EUNSUPPORTED, "devices/controller",
                              "scsi controller model must be 'buslogic', 'lsilogic', "
                              "'lsisas1068' or 'vmpvscsi', not '%s'",
                              *model == SCSI_MODEL_OTHER ? "other"
                                                         : scsi_model_name(*model));
    st->present[idx] = true;
    st->virtual_dev[idx] = *model;
    return 0;
}

/* virVMXGatherSCSIControllers, plus the implicit controllers. */
static int gather_scsi(vmx__d2v *c, scsi_state *st, const bool has_disks[4])
{
    const vmx_domain *dom = c->dom;
    bool seen[4] = {false, false, false, false};
    size_t i;
    int rc, idx;

    for (i = 0; i < dom->ncontrollers; i++) {
        const vmx_controller *ctl = &dom->controllers[i];

        if (ctl->type != VMX_CONTROLLER_SCSI || ctl->index < 0 || ctl->index > 3)
            continue;
        seen[ctl->index] = true;
        if (!has_disks[ctl->index])
            continue;
        if ((rc = gather_one(c, st, ctl->index, &st->models[i])) < 0)
            return rc;
    }
    for (idx = 0; idx < 4; idx++)
        if (has_disks[idx] && !seen[idx] &&
            (rc = gather_one(c, st, idx, &st->implicit[idx])) < 0)
            return rc;
    return 0;
}

static bool has_suffix_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && vmx__strcasecmp(s + n - m, suffix) == 0;
}

/* libvirt's XML parser turns a block disk without any <source> into a file
 * disk; "startupPolicy='optional'" comes with a <source> element. */
static vmx_disk_type effective_type(const vmx_disk *d)
{
    if (d->type == VMX_DISK_TYPE_BLOCK && !d->src && !d->startup_optional)
        return VMX_DISK_TYPE_FILE;
    return d->type;
}

/* virVMXFormatDisk: hard disks, CD-ROMs and LUNs on SCSI or IDE. */
static int put_disk(vmx__d2v *c, const vmx_disk *d, vmx_disk_bus bus)
{
    static const char key[] = "devices/disk";
    /* lossless mode (and beyond libvirt) writes a drive without file as it
     * came from VMX */
    vmx_disk_type type = c->lossless || c->beyond ? d->type : effective_type(d);
    const char *bname = bus_name(bus), *dname = device_name(d->device);
    const char *dev_type;
    vmx__d2v_prefix p;
    int ctl, unit, idx, rc;

    /* libvirt reads a raw CD-ROM without file name as a file LUN, which it
     * refuses to write */
    if (d->device == VMX_DISK_DEVICE_LUN && type != d->type &&
        (rc = vmx__d2v_beyond_libvirt(
             c, VMX_EUNSUPPORTED, key,
             "disk device 'lun' needs a block source (target '%s')", d->target)) < 0)
        return rc;
    if (d->device == VMX_DISK_DEVICE_LUN && type != VMX_DISK_TYPE_BLOCK)
        return vmx__d2v_error(c, VMX_EUNSUPPORTED, key,
                              "disk device 'lun' needs a block source (target '%s')",
                              d->target);
    if (type != VMX_DISK_TYPE_FILE && type != VMX_DISK_TYPE_BLOCK)
        return vmx__d2v_error(c, VMX_EUNSUPPORTED, key,
                              "%s %s '%s' has an unsupported type, expecting 'file' or "
                              "'block'",
                              bname, dname, d->target);

    idx = vmx__disk_name_to_index(d->target);
    if (bus == VMX_DISK_BUS_SCSI) {
        if (strncmp(d->target, "sd", 2) != 0)
            return vmx__d2v_error(c, VMX_EINVAL, "devices/disk/target",
                                  "scsi target device '%s' must start with 'sd'",
                                  d->target);
        if (idx < 0)
            goto bad_index;
        /* the checked address gives the keys: it is the 15-unit mapping
         * of the target name, or the 64-unit one of a virtualHW 13+ file
         * (which libvirt refuses) */
        if (d->has_address) {
            ctl = d->controller;
            unit = d->addr_unit;
        } else if (idx >= 4 * 15) {
            return vmx__d2v_error(c, VMX_EUNSUPPORTED, "devices/disk/target",
                                  "scsi disk index (parsed from '%s') is too large",
                                  d->target);
        } else {
            ctl = idx / 15;
            unit = idx % 15;
            if (unit >= 7)
                unit++;
        }
    } else if (bus == VMX_DISK_BUS_IDE) {
        if (strncmp(d->target, "hd", 2) != 0)
            return vmx__d2v_error(c, VMX_EINVAL, "devices/disk/target",
                                  "ide target device '%s' must start with 'hd'",
                                  d->target);
        if (idx < 0)
            goto bad_index;
        if (idx >= 2 * 2)
            return vmx__d2v_error(c, VMX_EUNSUPPORTED, "devices/disk/target",
                                  "ide disk index (parsed from '%s') is too large",
                                  d->target);
        ctl = idx / 2;
        unit = idx % 2;
    } else if (bus == VMX_DISK_BUS_SATA || bus == VMX_DISK_BUS_NVME) {
        int units = bus == VMX_DISK_BUS_SATA ? SATA_UNITS : NVME_UNITS;

        if (idx < 0)
            goto bad_index;
        if (bus == VMX_DISK_BUS_NVME && d->device != VMX_DISK_DEVICE_DISK)
            return vmx__d2v_error(c, VMX_EUNSUPPORTED, key,
                                  "nvme %s '%s' is not supported, only disks", dname,
                                  d->target);
        ctl = idx / units;
        unit = idx % units;
    } else {
        return vmx__d2v_error(c, VMX_EUNSUPPORTED, "devices/disk/target",
                              "unsupported bus type '%s' for %s", bname, dname);
    }

    if (d->device == VMX_DISK_DEVICE_DISK) {
        if (type != VMX_DISK_TYPE_FILE)
            return vmx__d2v_error(c, VMX_EUNSUPPORTED, key,
                                  "%s disk '%s' has unsupported type 'block'", bname,
                                  d->target);
        /* VMware reads a .vmdk on SATA and NVMe as a hard disk: no type */
        dev_type = bus == VMX_DISK_BUS_SCSI  ? "scsi-hardDisk"
                   : bus == VMX_DISK_BUS_IDE ? "ata-hardDisk"
                                             : NULL;
    } else if (d->device == VMX_DISK_DEVICE_CDROM) {
        dev_type = type == VMX_DISK_TYPE_FILE ? "cdrom-image" : "atapi-cdrom";
    } else if (d->device == VMX_DISK_DEVICE_LUN) {
        dev_type = bus == VMX_DISK_BUS_SCSI && d->src &&
                           strncmp(d->src, "/vmfs/devices/cdrom/", 20) == 0
                       ? "scsi-passthru"
                       : "cdrom-raw";
    } else {
        return vmx__d2v_error(c, VMX_EUNSUPPORTED, key, "unsupported disk device '%s'",
                              dname);
    }

    vmx__d2v_prefix_set(&p, bname, ctl, unit);
    vmx__d2v_pkv(c->b, &p, "present", "true");
    if (dev_type)
        vmx__d2v_pkv(c->b, &p, "deviceType", dev_type);

    if (type == VMX_DISK_TYPE_FILE) {
        if (d->src) {
            const char *ext = d->device == VMX_DISK_DEVICE_DISK ? ".vmdk" : ".iso";

            /* libvirt refuses a suffix other than .vmdk (.iso for a CD-ROM):
             * VMware reads raw images too */
            if (!has_suffix_ci(d->src, ext) &&
                (rc = vmx__d2v_beyond_libvirt(
                     c, VMX_EUNSUPPORTED, "devices/disk/source",
                     "image file for %s %s '%s' has unsupported suffix, expecting '%s'",
                     bname, dname, d->target, ext)) < 0)
                return rc;
            if ((rc = vmx__d2v_put_filename(c, &p, "fileName", d->src,
                                            "devices/disk/source")) < 0)
                return rc;
        } else if (d->device == VMX_DISK_DEVICE_CDROM) {
            vmx__d2v_pkv(c->b, &p, "fileName", "emptyBackingString");
        } else if (!c->lossless) {
            /* lossless mode: a name XML cannot hold is in the extra keys */
            return vmx__d2v_error(c, VMX_EINVAL, "devices/disk/source",
                                  "%s %s '%s' has no source file", bname, dname,
                                  d->target);
        }
    } else if (!d->src) {
        /* startup_optional: let VMware pick the host drive (without it, only
         * lossless mode gets here: a drive with no file name) */
        if (d->startup_optional) {
            vmx__d2v_pkv(c->b, &p, "autodetect", "true");
            vmx__d2v_pkv(c->b, &p, "fileName", "auto detect");
        }
    } else {
        vmx__d2v_pkv(c->b, &p, "fileName", d->src);
    }

    /* libvirt ignores the cache mode of an IDE disk; its reader reads
     * ideC:U.writeThrough as it reads the SCSI one */
    if (c->beyond && bus == VMX_DISK_BUS_IDE && d->cache == VMX_DISK_CACHE_WRITETHROUGH)
        vmx__d2v_pkv(c->b, &p, "writeThrough", "true");
    if (bus == VMX_DISK_BUS_SCSI || bus == VMX_DISK_BUS_SATA ||
        bus == VMX_DISK_BUS_NVME) {
        if (d->cache == VMX_DISK_CACHE_WRITETHROUGH)
            vmx__d2v_pkv(c->b, &p, "writeThrough", "true");
        else if (d->cache != VMX_DISK_CACHE_DEFAULT)
            return vmx__d2v_error(c, VMX_EUNSUPPORTED, "devices/disk/driver",
                                  "%s disk '%s' has unsupported cache mode '%s'", bname,
                                  d->target, cache_name(d->cache));
    }
    if (d->transient)
        vmx__d2v_pkv(c->b, &p, "mode", "independent-nonpersistent");
    return 0;

bad_index:
    return vmx__d2v_error(c, VMX_EINVAL, "devices/disk/target",
                          "cannot parse a disk index from '%s'", d->target);
}

/* virVMXFormatFloppy */
static int put_floppy(vmx__d2v *c, const vmx_disk *d, bool floppy_present[2])
{
    vmx_disk_type type = effective_type(d);
    vmx__d2v_prefix p;
    int unit;

    if (strncmp(d->target, "fd", 2) != 0)
        return vmx__d2v_error(c, VMX_EINVAL, "devices/disk/target",
                              "floppy target device '%s' must start with 'fd'",
                              d->target);
    unit = vmx__disk_name_to_index(d->target);
    if (unit < 0)
        return vmx__d2v_error(c, VMX_EINVAL, "devices/disk/target",
                              "cannot parse a disk index from '%s'", d->target);
    if (unit >= 2)
        return vmx__d2v_error(c, VMX_EUNSUPPORTED, "devices/disk/target",
                              "floppy disk index (parsed from '%s') is too large",
                              d->target);
    floppy_present[unit] = true;
    vmx__d2v_prefix_set(&p, "floppy", unit, -1);
    vmx__d2v_pkv(c->b, &p, "present", "true");
    if (type == VMX_DISK_TYPE_FILE) {
        vmx__d2v_pkv(c->b, &p, "fileType", "file");
        if (d->src)
            return vmx__d2v_put_filename(c, &p, "fileName", d->src,
                                         "devices/disk/source");
    } else if (type == VMX_DISK_TYPE_BLOCK) {
        vmx__d2v_pkv(c->b, &p, "fileType", "device");
        if (d->src)
            vmx__d2v_pkv(c->b, &p, "fileName", d->src);
    } else {
        return vmx__d2v_error(c, VMX_EUNSUPPORTED, "devices/disk",
                              "floppy '%s' has an unsupported type, expecting 'file' or "
                              "'block'",
                              d->target);
    }
    return 0;
}

int vmx__d2v_disks(vmx__d2v *c)
{
    const vmx_domain *dom = c->dom;
    scsi_state st;
    bool has_disks[4] = {false, false, false, false};
    /* lossless mode: SATA and NVMe controllers with disks */
    bool sata[4] = {false, false, false, false}, nvme[4] = {false, false, false, false};
    bool floppy_present[2] = {false, false};
    vmx__d2v_prefix p;
    size_t i;
    int rc = 0, k;

    st.models = NULL;
    if (dom->ncontrollers) {
        st.models = vmx__calloc(dom->ncontrollers, sizeof(*st.models));
        if (!st.models)
            return vmx__d2v_nomem(c);
    }
    for (i = 0; i < dom->ncontrollers; i++)
        st.models[i] = controller_model(&dom->controllers[i]);
    for (k = 0; k < 4; k++) {
        st.implicit[k] = SCSI_MODEL_DEFAULT;
        st.present[k] = false;
        st.virtual_dev[k] = SCSI_MODEL_DEFAULT;
    }

    for (i = 0; i < dom->ndisks; i++) {
        const vmx_disk *d = &dom->disks[i];
        vmx_disk_bus bus = disk_bus(d);
        drive_addr a = {0, 0, 0};

        if ((rc = verify_address(c, d, bus, &a)) < 0)
            goto out;
        if (bus == VMX_DISK_BUS_SCSI) {
            has_disks[a.controller] = true;
            if (d->driver_name && (rc = handle_driver_name(c, &st, d, &a)) < 0)
                goto out;
        } else if (bus == VMX_DISK_BUS_SATA) {
            /* verify_address() checked the index */
            sata[vmx__disk_name_to_index(d->target) / SATA_UNITS] = true;
        } else if (bus == VMX_DISK_BUS_NVME) {
            nvme[vmx__disk_name_to_index(d->target) / NVME_UNITS] = true;
        }
    }
    if ((rc = gather_scsi(c, &st, has_disks)) < 0)
        goto out;

    for (k = 0; k < 4; k++) {
        if (!st.present[k])
            continue;
        c->has_scsi = true;
        vmx__d2v_prefix_set(&p, "scsi", k, -1);
        vmx__d2v_pkv(c->b, &p, "present", "true");
        if (st.virtual_dev[k] != SCSI_MODEL_DEFAULT)
            vmx__d2v_pkv(c->b, &p, "virtualDev", vmx_scsi_dev[st.virtual_dev[k]]);
    }
    for (k = 0; k < 8; k++) {
        if (!(k < 4 ? sata[k] : nvme[k - 4]))
            continue;
        /* PCIe devices as well: they want the bridges of virtualHW 7+ */
        c->has_scsi = true;
        vmx__d2v_prefix_set(&p, k < 4 ? "sata" : "nvme", k % 4, -1);
        vmx__d2v_pkv(c->b, &p, "present", "true");
    }

    for (i = 0; i < dom->ndisks; i++) {
        const vmx_disk *d = &dom->disks[i];

        if (d->device == VMX_DISK_DEVICE_FLOPPY)
            rc = put_floppy(c, d, floppy_present);
        else
            rc = put_disk(c, d, disk_bus(d));
        if (rc < 0)
            goto out;
    }
    for (k = 0; k < 2; k++) {
        /* floppyN.present defaults to true: turn the empty slots off */
        if (!floppy_present[k]) {
            vmx__d2v_prefix_set(&p, "floppy", k, -1);
            vmx__d2v_pkv(c->b, &p, "present", "false");
        }
    }
out:
    vmx__free(st.models);
    return rc;
}
