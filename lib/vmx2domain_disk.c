/* VMX -> domain: disks, CD-ROMs and floppies, and the SCSI and SATA
 * controllers, as libvirt 9.0's virVMXParseConfig and virVMXParseDisk do:
 *
 *   scsiC:U  C 0..3, U 0..15 without 7 (0..63 from virtualHW 13)
 *            -> sd[C * 15 + U, less one from unit 8 on]
 *   sataC:U  C 0..3, U 0..29        -> sd[C * 30 + U]
 *   ideB:U   B 0..1, U 0..1         -> hd[B * 2 + U]
 *   floppyU  U 0..1                 -> fd[U]
 *
 * Each SCSI/SATA/IDE slot is tried as a hard disk, then as a CD-ROM; a slot
 * that is neither is skipped, or is an error when its file name fits
 * neither. Note that libvirt names SATA disks "sd..." as SCSI ones, so both
 * can share a target name; that is kept for parity. */
#include "config.h"
#include "vmx2domain_private.h"

#include <string.h>

typedef enum slot_kind { SLOT_SCSI, SLOT_SATA, SLOT_IDE, SLOT_FLOPPY } slot_kind;

typedef enum probe { PROBE_DISK, PROBE_CDROM, PROBE_FLOPPY } probe;

/* libvirt's virIndexToDiskName */
static int index_to_disk_name(v2d_ctx *ctx, char **out, unsigned int idx,
                              const char *prefix)
{
    char name[32];
    size_t plen = strlen(prefix), n = 0, i;
    long long ctr;

    for (ctr = idx; ctr >= 0; ctr = ctr / 26 - 1)
        n++;
    memcpy(name, prefix, plen);
    for (i = n, ctr = idx; ctr >= 0; ctr = ctr / 26 - 1)
        name[plen + --i] = (char)('a' + ctr % 26);
    name[plen + n] = '\0';
    return v2d_strdup(ctx, out, name);
}

static bool has_suffix_ci(const char *s, const char *suffix)
{
    return s && vmx__str_has_suffix_ci(s, suffix);
}

static bool eq_ci(const char *s, const char *what)
{
    return s && v2d_streq_ci(s, what);
}

/* What one slot holds, read with libvirt's defaults. */
typedef struct slot {
    char key[8][48]; /* present, startConnected, deviceType, clientDevice,
                        fileType, fileName, writeThrough, mode */
    bool present, start_connected, client_device, write_through;
    const char *device_type, *file_type, *file_name, *mode;
} slot;

enum { K_PRESENT, K_START, K_DEVTYPE, K_CLIENT, K_FILETYPE, K_FILENAME, K_WT, K_MODE };

static int read_slot(v2d_ctx *ctx, slot *s, const char *prefix)
{
    static const char *const names[8] = {
        "present",  "startConnected", "deviceType",   "clientDevice",
        "fileType", "fileName",       "writeThrough", "mode"};
    size_t i;
    int rc;

    memset(s, 0, sizeof(*s));
    for (i = 0; i < 8; i++)
        v2d_key_join(s->key[i], sizeof(s->key[i]), prefix, names[i]);
    if ((rc = v2d_get_bool(ctx, s->key[K_PRESENT], &s->present, false, true)) < 0 ||
        (rc = v2d_get_bool(ctx, s->key[K_START], &s->start_connected, true, true)) < 0)
        return rc;
    if (!s->present)
        return 0;
    if ((rc = v2d_get_string(ctx, s->key[K_DEVTYPE], &s->device_type, true)) < 0 ||
        (rc = v2d_get_bool(ctx, s->key[K_CLIENT], &s->client_device, false, true)) < 0 ||
        (rc = v2d_get_string(ctx, s->key[K_MODE], &s->mode, true)) < 0)
        return rc;
    if (s->client_device)
        return 0; /* libvirt ignores client devices: nothing more is read */
    if ((rc = v2d_get_string(ctx, s->key[K_FILETYPE], &s->file_type, true)) < 0 ||
        (rc = v2d_get_string(ctx, s->key[K_FILENAME], &s->file_name, true)) < 0 ||
        (rc = v2d_get_bool(ctx, s->key[K_WT], &s->write_through, false, true)) < 0)
        return rc;
    return 0;
}

static int unhandled(v2d_ctx *ctx, const slot *s)
{
    return v2d_error(ctx, VMX_EUNSUPPORTED, s->key[K_FILENAME],
                     "file name '%s' is not handled for device type '%s'",
                     s->file_name ? s->file_name : "",
                     s->device_type ? s->device_type : "unknown");
}

static int wrong_device_type(v2d_ctx *ctx, const slot *s, const char *expected)
{
    return v2d_error(ctx, VMX_EINVAL, s->key[K_DEVTYPE],
                     "invalid value '%s', %s is needed", s->device_type, expected);
}

/* Fill @p d from @p s for the probe; *use = false when the slot does not
 * hold this kind of device. */
static int fill_disk(v2d_ctx *ctx, const slot *s, probe kind, slot_kind bus, vmx_disk *d,
                     bool *use)
{
    const char *fn = s->file_name, *dt = s->device_type;
    int rc;

    *use = false;
    if (kind == PROBE_DISK) {
        if (!fn || has_suffix_ci(fn, ".iso") || strcmp(fn, "emptyBackingString") == 0 ||
            eq_ci(dt, "atapi-cdrom") || eq_ci(dt, "cdrom-raw") ||
            eq_ci(dt, "cdrom-image") ||
            (eq_ci(dt, "scsi-passthru") && strncmp(fn, "/vmfs/devices/cdrom/", 20) == 0))
            return 0; /* a CD-ROM: the next probe may take it */
        if (!has_suffix_ci(fn, ".vmdk"))
            return unhandled(ctx, s);
        if (dt && bus == SLOT_SCSI && !eq_ci(dt, "scsi-hardDisk") && !eq_ci(dt, "disk"))
            return wrong_device_type(ctx, s, "'scsi-hardDisk' or 'disk'");
        if (dt && bus == SLOT_IDE && !eq_ci(dt, "ata-hardDisk") && !eq_ci(dt, "disk"))
            return wrong_device_type(ctx, s, "'ata-hardDisk' or 'disk'");
        d->device = VMX_DISK_DEVICE_DISK;
        d->type = VMX_DISK_TYPE_FILE;
        if ((rc = v2d_file_name(ctx, s->key[K_FILENAME], fn, false, &d->src)) < 0)
            return rc;
        d->cache =
            s->write_through ? VMX_DISK_CACHE_WRITETHROUGH : VMX_DISK_CACHE_DEFAULT;
        d->transient = eq_ci(s->mode, "independent-nonpersistent");
        *use = true;
        return 0;
    }
    if (kind == PROBE_CDROM) {
        d->device = VMX_DISK_DEVICE_CDROM;
        d->readonly = true;
        if (has_suffix_ci(fn, ".vmdk"))
            return 0; /* a hard disk (cannot happen after the disk probe) */
        if (has_suffix_ci(fn, ".iso")) {
            if (dt && !eq_ci(dt, "cdrom-image"))
                return wrong_device_type(ctx, s, "'cdrom-image'");
            d->type = VMX_DISK_TYPE_FILE;
            if ((rc = v2d_file_name(ctx, s->key[K_FILENAME], fn, true, &d->src)) < 0)
                return rc;
        } else if (eq_ci(dt, "atapi-cdrom") || eq_ci(dt, "cdrom-raw")) {
            /* raw access CD-ROMs are device='lun' */
            if (eq_ci(dt, "cdrom-raw"))
                d->device = VMX_DISK_DEVICE_LUN;
            d->type = VMX_DISK_TYPE_BLOCK;
            if (eq_ci(fn, "auto detect"))
                d->startup_optional = true;
            else if ((rc = v2d_strdup(ctx, &d->src, fn)) < 0)
                return rc;
        } else if (bus == SLOT_SCSI && eq_ci(dt, "scsi-passthru")) {
            if (!fn || strncmp(fn, "/vmfs/devices/cdrom/", 20) != 0)
                return 0;
            d->device = VMX_DISK_DEVICE_LUN;
            d->type = VMX_DISK_TYPE_BLOCK;
            if ((rc = v2d_strdup(ctx, &d->src, fn)) < 0)
                return rc;
        } else if (fn && strcmp(fn, "emptyBackingString") == 0) {
            if (dt && !eq_ci(dt, "cdrom-image"))
                return wrong_device_type(ctx, s, "'cdrom-image'");
            d->type = VMX_DISK_TYPE_FILE;
        } else {
            return unhandled(ctx, s);
        }
        *use = true;
        return 0;
    }
    /* floppy */
    d->device = VMX_DISK_DEVICE_FLOPPY;
    if (eq_ci(s->file_type, "device")) {
        d->type = VMX_DISK_TYPE_BLOCK;
        if ((rc = v2d_strdup(ctx, &d->src, fn)) < 0)
            return rc;
    } else if (eq_ci(s->file_type, "file")) {
        d->type = VMX_DISK_TYPE_FILE;
        if (fn && (rc = v2d_file_name(ctx, s->key[K_FILENAME], fn, false, &d->src)) < 0)
            return rc;
    } else if (s->file_type) {
        return v2d_error(ctx, VMX_EINVAL, s->key[K_FILETYPE],
                         "invalid value '%s', 'device' or 'file' is needed",
                         s->file_type);
    } else {
        return v2d_error(ctx, VMX_EINVAL, s->key[K_FILETYPE], "missing value");
    }
    *use = true;
    return 0;
}

/* Try one slot (as disk, then CD-ROM, or as floppy) and append what it holds. */
static int parse_slot(v2d_ctx *ctx, slot_kind bus, int ctrl, int unit)
{
    static const vmx_disk_bus buses[] = {VMX_DISK_BUS_SCSI, VMX_DISK_BUS_SATA,
                                         VMX_DISK_BUS_IDE, VMX_DISK_BUS_FDC};
    char prefix[32];
    unsigned int idx;
    const char *dprefix = "sd";
    vmx_disk tmp;
    slot s;
    bool use = false;
    int rc, k;

    switch (bus) {
    case SLOT_SCSI:
        v2d_device_name(prefix, "scsi", ctrl, unit);
        idx = (unsigned int)(ctrl * 15 + (unit < 7 ? unit : unit - 1));
        break;
    case SLOT_SATA:
        v2d_device_name(prefix, "sata", ctrl, unit);
        idx = (unsigned int)(ctrl * 30 + unit);
        break;
    case SLOT_IDE:
        v2d_device_name(prefix, "ide", ctrl, unit);
        idx = (unsigned int)(ctrl * 2 + unit);
        dprefix = "hd";
        break;
    default:
        v2d_device_name(prefix, "floppy", unit, -1);
        idx = (unsigned int)unit;
        dprefix = "fd";
        break;
    }
    if ((rc = read_slot(ctx, &s, prefix)) < 0)
        return rc;
    if (!s.present || s.client_device)
        return 0;

    for (k = bus == SLOT_FLOPPY ? PROBE_FLOPPY : PROBE_DISK;
         k <= (bus == SLOT_FLOPPY ? PROBE_FLOPPY : PROBE_CDROM) && !use; k++) {
        memset(&tmp, 0, sizeof(tmp));
        tmp.bus = buses[bus];
        rc = fill_disk(ctx, &s, (probe)k, bus, &tmp, &use);
        if (rc < 0 || !use) {
            vmx__free(tmp.src);
            if (rc < 0)
                return rc;
        }
    }
    if (!use)
        return 0;
    if ((rc = index_to_disk_name(ctx, &tmp.target, idx, dprefix)) < 0 ||
        (rc = vmx__disk_assign_address(&tmp, ctx->scsi_bus_max_unit, ctx->err)) < 0) {
        vmx__free(tmp.src);
        vmx__free(tmp.target);
        return rc;
    }
    {
        vmx_disk *d = vmx_domain_add_disk(ctx->dom);

        if (!d) {
            vmx__free(tmp.src);
            vmx__free(tmp.target);
            return v2d_nomem(ctx);
        }
        *d = tmp;
    }
    return 0;
}

static const char *const scsi_models[] = {"buslogic", "lsilogic", "lsisas1068", "pvscsi"};
static const char *const scsi_model_names[] = {"buslogic", "lsilogic", "lsisas1068",
                                               "vmpvscsi"};

/* scsiN.present and scsiN.virtualDev; *model is -1 when none is given. */
static int parse_scsi_controller(v2d_ctx *ctx, int c, bool *present, int *model)
{
    char name[32], key[48];
    const char *dev;
    size_t i;
    int rc;

    *model = -1;
    *present = false;
    if (!(ctx->present.scsi & (1u << c)))
        return 0; /* no scsiC. key */
    v2d_device_name(name, "scsi", c, -1);
    v2d_key_join(key, sizeof(key), name, "present");
    if ((rc = v2d_get_bool(ctx, key, present, false, true)) < 0 || !*present)
        return rc;
    v2d_key_join(key, sizeof(key), name, "virtualDev");
    if ((rc = v2d_get_string(ctx, key, &dev, true)) < 0 || !dev)
        return rc;
    for (i = 0; i < VMX_ARRAY_SIZE(scsi_models); i++)
        if (v2d_streq_ci(dev, scsi_models[i]))
            *model = (int)i;
    if (*model < 0)
        return v2d_error(ctx, VMX_EINVAL, key,
                         "invalid value '%s', 'buslogic', 'lsilogic', 'lsisas1068' or "
                         "'pvscsi' is needed",
                         dev);
    return 0;
}

/* libvirt adds the controllers of a bus up to the one of the LAST disk it
 * parsed (not the highest), with the models seen; post-parse adds the rest. */
static int add_controllers(v2d_ctx *ctx, vmx_controller_type type, int upto,
                           const int *models)
{
    int c;

    for (c = 0; c <= upto; c++) {
        vmx_controller *ctl = vmx_domain_add_controller(ctx->dom);

        if (!ctl)
            return v2d_nomem(ctx);
        ctl->type = type;
        ctl->index = c;
        if (models && c < 4 && models[c] >= 0 &&
            (ctl->model = vmx__strdup(scsi_model_names[models[c]])) == NULL)
            return v2d_nomem(ctx);
    }
    return 0;
}

/* Slots with no key read as absent (see v2d_present): only the others are
 * tried, in the same order. */
int v2d_parse_disks(v2d_ctx *ctx)
{
    const v2d_present *p = &ctx->present;
    vmx_domain *dom = ctx->dom;
    int models[4] = {-1, -1, -1, -1};
    size_t before;
    bool present;
    int c, u, rc;

    for (c = 0; c < 4; c++) {
        if ((rc = parse_scsi_controller(ctx, c, &present, &models[c])) < 0)
            return rc;
        if (!present)
            continue;
        for (u = 0; u < (int)ctx->scsi_bus_max_unit; u++) {
            if (u == 7 || !(p->scsi_unit[c] & ((uint64_t)1 << u)))
                continue; /* the controller itself, or no key */
            if ((rc = parse_slot(ctx, SLOT_SCSI, c, u)) < 0)
                return rc;
        }
    }
    if (dom->ndisks &&
        (rc = add_controllers(ctx, VMX_CONTROLLER_SCSI,
                              dom->disks[dom->ndisks - 1].controller, models)) < 0)
        return rc;

    before = dom->ndisks;
    for (c = 0; c < 4; c++) {
        char name[32], key[48];

        if (!(p->sata & (1u << c)))
            continue;
        v2d_device_name(name, "sata", c, -1);
        v2d_key_join(key, sizeof(key), name, "present");
        if ((rc = v2d_get_bool(ctx, key, &present, false, true)) < 0)
            return rc;
        if (!present)
            continue;
        for (u = 0; u < 30; u++)
            if ((p->sata_unit[c] & ((uint32_t)1 << u)) &&
                (rc = parse_slot(ctx, SLOT_SATA, c, u)) < 0)
                return rc;
    }
    if (dom->ndisks > before &&
        (rc = add_controllers(ctx, VMX_CONTROLLER_SATA,
                              dom->disks[dom->ndisks - 1].controller, NULL)) < 0)
        return rc;

    for (c = 0; c < 2; c++)
        for (u = 0; u < 2; u++)
            if ((p->ide & (1u << (c * 2 + u))) &&
                (rc = parse_slot(ctx, SLOT_IDE, c, u)) < 0)
                return rc;
    for (u = 0; u < 2; u++)
        if ((p->floppy & (1u << u)) && (rc = parse_slot(ctx, SLOT_FLOPPY, 0, u)) < 0)
            return rc;
    return 0;
}

int v2d_file_name(v2d_ctx *ctx, const char *key, const char *name, bool allow_missing,
                  char **out)
{
    vmx_error e = VMX_ERROR_INIT;
    bool missing;
    int rc;

    *out = NULL;
    if (!name)
        return v2d_error(ctx, VMX_EINVAL, key, "missing value");
    vmx__filename_from_vmx_missing(&missing, name, ctx->opts);
    if (missing) {
        if (allow_missing)
            return 0;
        return v2d_error(ctx, VMX_EINVAL, key, "referenced file '%s' is missing", name);
    }
    rc = vmx__filename_from_vmx(out, name, ctx->opts, &e);
    if (rc == VMX_ENOMEM)
        return v2d_nomem(ctx);
    if (rc < 0)
        return v2d_error(ctx, rc, key, "%s", e.message);
    return 0;
}
