/* The <devices> of libvirt domain XML -> domain model, with what libvirt 9.0
 * does while parsing them for a vmware domain: disks and controllers are
 * inserted in libvirt's order, serial and parallel ports numbered, the first
 * console folded into the serial ports, a video device added for graphics.
 *
 * Devices VMware could have but the model cannot hold are refused
 * (VMX_EUNSUPPORTED naming the element); devices libvirt's VMX driver
 * ignores are ignored. */
#include "config.h"
#include "domain_private.h"
#include "domain_xml_read.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* small helpers */

static bool str_in(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

/* Read a yes/no attribute into @out; @present (may be NULL) tells whether it
 * was there. */
static int read_yes_no(xr_ctx *c, const xmlNode *n, const char *key, const char *name,
                       bool *out, bool *present)
{
    const char *v;
    int rc;

    if (present)
        *present = false;
    if ((rc = xr_attr(c, n, key, name, &v)) < 0 || !v)
        return rc;
    if (strcmp(v, "yes") == 0)
        *out = true;
    else if (strcmp(v, "no") == 0)
        *out = false;
    else
        return xr_fail(
            c, VMX_EINVAL, n, key,
            "invalid value '%.32s' for attribute '%s', expecting 'yes' or 'no'", v, name);
    if (present)
        *present = true;
    return 0;
}

static int bad_value(xr_ctx *c, const xmlNode *n, const char *key, const char *name,
                     const char *v)
{
    return xr_fail(c, VMX_EINVAL, n, key, "invalid value '%.64s' for attribute '%s'", v,
                   name);
}

static void disk_path(char *out, unsigned int elem, const char *child)
{
    if (child)
        snprintf(out, XR_PATH_MAX, "/domain/devices/disk[%u]/%s", elem, child);
    else
        snprintf(out, XR_PATH_MAX, "/domain/devices/disk[%u]", elem);
}

/* ------------------------------------------------------------------ */
/* disks */

static const char *const disk_types_unsupported[] = {
    "dir", "network", "volume", "nvme", "vhostuser", "vhostvdpa", NULL};
static const char *const disk_buses_unsupported[] = {"virtio", "xen", "usb",
                                                     "uml",    "sd",  NULL};

static int disk_read_type(xr_ctx *c, const xmlNode *n, const char *key, vmx_disk *d)
{
    const char *v;
    int rc;

    if ((rc = xr_attr(c, n, key, "type", &v)) < 0)
        return rc;
    if (!v || strcmp(v, "file") == 0)
        d->type = VMX_DISK_TYPE_FILE;
    else if (strcmp(v, "block") == 0)
        d->type = VMX_DISK_TYPE_BLOCK;
    else if (str_in(v, disk_types_unsupported))
        return xr_fail(c, VMX_EUNSUPPORTED, n, key, "unsupported disk type '%s'", v);
    else
        return bad_value(c, n, key, "type", v);
    if ((rc = xr_attr(c, n, key, "device", &v)) < 0)
        return rc;
    if (!v || strcmp(v, "disk") == 0)
        d->device = VMX_DISK_DEVICE_DISK;
    else if (strcmp(v, "cdrom") == 0)
        d->device = VMX_DISK_DEVICE_CDROM;
    else if (strcmp(v, "floppy") == 0)
        d->device = VMX_DISK_DEVICE_FLOPPY;
    else if (strcmp(v, "lun") == 0)
        d->device = VMX_DISK_DEVICE_LUN;
    else
        return bad_value(c, n, key, "device", v);
    if (d->device == VMX_DISK_DEVICE_LUN && d->type != VMX_DISK_TYPE_BLOCK)
        return xr_fail(c, VMX_EINVAL, n, key,
                       "disk type 'file' does not support device type 'lun'");
    return 0;
}

static int disk_read_driver(xr_ctx *c, const xmlNode *disk, unsigned int elem,
                            vmx_disk *d)
{
    static const char *const caches[] = {
        "default", "none", "writethrough", "writeback", "directsync", "unsafe", NULL};
    const xmlNode *n = xr_child(disk, "driver");
    char key[XR_PATH_MAX];
    const char *name, *cache;
    size_t i;
    int rc;

    if (!n)
        return 0;
    disk_path(key, elem, "driver");
    if ((rc = xr_attr(c, n, key, "name", &name)) < 0 ||
        (rc = xr_attr(c, n, key, "cache", &cache)) < 0 ||
        (rc = xr_dup(c, &d->driver_name, name && *name ? name : NULL)) < 0)
        return rc;
    if (!cache)
        return 0;
    for (i = 0; caches[i]; i++)
        if (strcmp(cache, caches[i]) == 0)
            break;
    if (!caches[i])
        return bad_value(c, n, key, "cache", cache);
    /* the enumerations are in the same order */
    d->cache = (vmx_disk_cache)i;
    return 0;
}

static int disk_read_source(xr_ctx *c, const xmlNode *disk, unsigned int elem,
                            vmx_disk *d)
{
    static const char *const policies[] = {"default", "mandatory", "requisite",
                                           "optional", NULL};
    const xmlNode *n = xr_child(disk, "source");
    char key[XR_PATH_MAX];
    const char *src, *policy;
    int rc;

    if (!n)
        return 0;
    disk_path(key, elem, "source");
    if ((rc = xr_attr(c, n, key, d->type == VMX_DISK_TYPE_BLOCK ? "dev" : "file", &src)) <
            0 ||
        (rc = xr_attr(c, n, key, "startupPolicy", &policy)) < 0)
        return rc;
    /* an empty name means no medium, as libvirt reads it */
    if ((rc = xr_dup(c, &d->src, src && *src ? src : NULL)) < 0)
        return rc;
    if (policy && !str_in(policy, policies))
        return bad_value(c, n, key, "startupPolicy", policy);
    /* mandatory and requisite are what VMware does anyway */
    d->startup_optional = policy && strcmp(policy, "optional") == 0;
    return 0;
}

static int disk_read_target(xr_ctx *c, const xmlNode *disk, unsigned int elem,
                            vmx_disk *d)
{
    const xmlNode *n = xr_child(disk, "target");
    char key[XR_PATH_MAX];
    const char *dev, *bus;
    int rc;

    disk_path(key, elem, "target");
    if (n && ((rc = xr_attr(c, n, key, "dev", &dev)) < 0 ||
              (rc = xr_attr(c, n, key, "bus", &bus)) < 0))
        return rc;
    if (!n || !dev || !*dev)
        return xr_fail(c, VMX_EINVAL, n ? n : disk, key,
                       "missing target information for device %.200s",
                       d->src ? d->src : "");
    if ((rc = xr_dup(c, &d->target, dev)) < 0)
        return rc;
    if (d->device == VMX_DISK_DEVICE_FLOPPY && strncmp(dev, "fd", 2) != 0)
        return xr_fail(c, VMX_EINVAL, n, key, "invalid floppy device name '%.64s'", dev);
    if (d->device != VMX_DISK_DEVICE_FLOPPY && strncmp(dev, "fd", 2) == 0)
        return xr_fail(c, VMX_EINVAL, n, key, "invalid harddisk device name '%.64s'",
                       dev);
    if (!bus) {
        /* libvirt's default bus comes from the device or the name */
        if (d->device == VMX_DISK_DEVICE_FLOPPY)
            bus = "fdc";
        else if (strncmp(dev, "sd", 2) == 0)
            bus = "scsi";
        else if (strncmp(dev, "vd", 2) == 0)
            bus = "virtio";
        else if (strncmp(dev, "xvd", 3) == 0)
            bus = "xen";
        else if (strncmp(dev, "ubd", 3) == 0)
            bus = "uml";
        else
            bus = "ide";
    }
    if (strcmp(bus, "ide") == 0)
        d->bus = VMX_DISK_BUS_IDE;
    else if (strcmp(bus, "scsi") == 0)
        d->bus = VMX_DISK_BUS_SCSI;
    else if (strcmp(bus, "fdc") == 0)
        d->bus = VMX_DISK_BUS_FDC;
    else if (strcmp(bus, "sata") == 0)
        d->bus = VMX_DISK_BUS_SATA;
    else if (strcmp(bus, "nvme") == 0)
        d->bus = VMX_DISK_BUS_NVME;
    else if (c->lossless && strcmp(bus, "virtio") == 0 &&
             (rc = xr_read_nvme_alias(c, disk, key, d)) != 0)
        return rc < 0 ? rc : 0;
    else if (str_in(bus, disk_buses_unsupported))
        return xr_fail(c, VMX_EUNSUPPORTED, n, key, "unsupported disk bus '%s'", bus);
    else
        return bad_value(c, n, key, "bus", bus);
    return 0;
}

static int disk_read_address(xr_ctx *c, const xmlNode *disk, unsigned int elem,
                             vmx_disk *d)
{
    const xmlNode *n = xr_child(disk, "address");
    char key[XR_PATH_MAX];
    unsigned int controller = 0, bus = 0, target = 0, unit = 0;
    const char *type;
    int rc;

    if (!n)
        return 0;
    disk_path(key, elem, "address");
    if ((rc = xr_attr(c, n, key, "type", &type)) < 0)
        return rc;
    if (!type)
        return xr_fail(c, VMX_EINVAL, n, key, "missing address type");
    if (strcmp(type, "drive") != 0)
        return xr_fail(c, VMX_EUNSUPPORTED, n, key,
                       "unsupported disk address type '%.32s', expecting 'drive'", type);
    if ((rc = xr_attr_uint(c, n, key, "controller", &controller, NULL)) < 0 ||
        (rc = xr_attr_uint(c, n, key, "bus", &bus, NULL)) < 0 ||
        (rc = xr_attr_uint(c, n, key, "target", &target, NULL)) < 0 ||
        (rc = xr_attr_uint(c, n, key, "unit", &unit, NULL)) < 0)
        return rc;
    if (controller > INT_MAX || bus > INT_MAX || target > INT_MAX || unit > INT_MAX)
        return xr_fail(c, VMX_EINVAL, n, key, "drive address out of range");
    d->controller = (int)controller;
    d->addr_bus = (int)bus;
    d->addr_target = (int)target;
    d->addr_unit = (int)unit;
    d->has_address = true;
    return 0;
}

/* libvirt's virDomainDiskInsertPreAlloced: after the last disk on the same
 * bus, or before the first one on that bus with a higher name index. */
static size_t disk_insert_position(const vmx_domain *dom, const vmx_disk *d)
{
    long insert_at = -1, i;
    int idx = vmx__disk_name_index_checked(d->target);

    for (i = (long)dom->ndisks - 1; i >= 0; i--) {
        const vmx_disk *o = &dom->disks[i];

        if (o->bus != d->bus)
            continue;
        if (vmx__disk_name_index_checked(o->target) > idx)
            insert_at = i;
        else if (insert_at == -1)
            insert_at = i + 1;
    }
    return insert_at < 0 ? dom->ndisks : (size_t)insert_at;
}

static int read_disk(xr_ctx *c, const xmlNode *n, unsigned int elem)
{
    vmx_disk d;
    char key[XR_PATH_MAX];
    size_t at, count, bytes;
    unsigned int *elems;
    unsigned long *lines;
    long line = xmlGetLineNo(n);
    int rc;

    memset(&d, 0, sizeof(d));
    disk_path(key, elem, NULL);
    if ((rc = disk_read_type(c, n, key, &d)) < 0 ||
        (rc = disk_read_driver(c, n, elem, &d)) < 0 ||
        (rc = disk_read_source(c, n, elem, &d)) < 0 ||
        (rc = disk_read_target(c, n, elem, &d)) < 0 ||
        (rc = disk_read_address(c, n, elem, &d)) < 0)
        goto fail;
    d.readonly = xr_child(n, "readonly") != NULL;
    d.transient = xr_child(n, "transient") != NULL;

    /* grow the bookkeeping arrays, then the model's */
    count = c->dom->ndisks + 1;
    if (__builtin_mul_overflow(count, sizeof(*elems), &bytes) ||
        !(elems = vmx__realloc(c->disk_elem, bytes)))
        goto nomem;
    c->disk_elem = elems;
    if (__builtin_mul_overflow(count, sizeof(*lines), &bytes) ||
        !(lines = vmx__realloc(c->disk_line, bytes)))
        goto nomem;
    c->disk_line = lines;
    at = disk_insert_position(c->dom, &d);
    if (!vmx_domain_add_disk(c->dom))
        goto nomem;
    memmove(&c->dom->disks[at + 1], &c->dom->disks[at],
            (count - 1 - at) * sizeof(*c->dom->disks));
    memmove(&elems[at + 1], &elems[at], (count - 1 - at) * sizeof(*elems));
    memmove(&lines[at + 1], &lines[at], (count - 1 - at) * sizeof(*lines));
    c->dom->disks[at] = d;
    elems[at] = elem;
    lines[at] = line > 0 ? (unsigned long)line : 0;
    return 0;
nomem:
    rc = xr_nomem(c);
fail:
    vmx__free(d.driver_name);
    vmx__free(d.src);
    vmx__free(d.target);
    return rc;
}

/* ------------------------------------------------------------------ */
/* controllers */

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
                                          "am53c974",
                                          "dc390",
                                          NULL};
static const char *const usb_models[] = {
    "piix3-uhci", "piix4-uhci", "ehci",           "ich9-ehci1", "ich9-uhci1",
    "ich9-uhci2", "ich9-uhci3", "vt82c686b-uhci", "pci-ohci",   "nec-xhci",
    "qusb1",      "qusb2",      "qemu-xhci",      "none",       NULL};
static const char *const ide_models[] = {"piix3", "piix4", "ich6", NULL};
/* controllers libvirt's VMX driver never looks at and VMware has no use for */
static const char *const controllers_ignored[] = {"virtio-serial", "ccid", "pci",
                                                  "xenbus",        "isa",  NULL};

/* libvirt's virDomainControllerInsertPreAlloced (no master controllers) */
static size_t controller_insert_position(const vmx_domain *dom, vmx_controller_type type,
                                         int index)
{
    long insert_at = -1, i;

    for (i = (long)dom->ncontrollers - 1; i >= 0; i--) {
        const vmx_controller *o = &dom->controllers[i];

        if (o->type != type)
            continue;
        if (o->index > index)
            insert_at = i;
        else if (insert_at == -1)
            insert_at = i + 1;
    }
    return insert_at < 0 ? dom->ncontrollers : (size_t)insert_at;
}

static bool controller_exists(const vmx_domain *dom, vmx_controller_type type, int index)
{
    size_t i;

    for (i = 0; i < dom->ncontrollers; i++)
        if (dom->controllers[i].type == type && dom->controllers[i].index == index)
            return true;
    return false;
}

static int read_controller(xr_ctx *c, const xmlNode *n, unsigned int elem)
{
    char key[XR_PATH_MAX];
    const char *type, *index, *model;
    const char *const *models = NULL;
    vmx_controller_type t;
    vmx_controller *ctl;
    char *model_copy = NULL;
    int idx = -1, rc;
    size_t at, count;

    snprintf(key, sizeof(key), "/domain/devices/controller[%u]", elem);
    if ((rc = xr_attr(c, n, key, "type", &type)) < 0 ||
        (rc = xr_attr(c, n, key, "index", &index)) < 0 ||
        (rc = xr_attr(c, n, key, "model", &model)) < 0)
        return rc;
    if (!type || strcmp(type, "ide") == 0) {
        t = VMX_CONTROLLER_IDE;
        models = ide_models;
    } else if (strcmp(type, "fdc") == 0) {
        t = VMX_CONTROLLER_FDC;
    } else if (strcmp(type, "scsi") == 0) {
        t = VMX_CONTROLLER_SCSI;
        models = scsi_models;
    } else if (strcmp(type, "sata") == 0) {
        t = VMX_CONTROLLER_SATA;
    } else if (strcmp(type, "nvme") == 0) {
        t = VMX_CONTROLLER_NVME;
    } else if (strcmp(type, "usb") == 0) {
        t = VMX_CONTROLLER_USB;
        models = usb_models;
    } else if (str_in(type, controllers_ignored)) {
        return 0;
    } else {
        return bad_value(c, n, key, "type", type);
    }
    if (index && (xr_parse_int(index, &idx) < 0 || idx < 0))
        return xr_fail(c, VMX_EINVAL, n, key,
                       "invalid value '%.32s' for attribute 'index', expecting a "
                       "non-negative integer",
                       index);
    if (model && (!models || !str_in(model, models)))
        return xr_fail(c, VMX_EINVAL, n, key, "unknown %s controller model '%.32s'",
                       vmx__controller_type_name(t), model);
    if (idx < 0) /* libvirt picks the lowest free index */
        for (idx = 0; controller_exists(c->dom, t, idx); idx++)
            ;
    else if (controller_exists(c->dom, t, idx))
        return xr_fail(c, VMX_EINVAL, n, key, "multiple '%s' controllers with index '%d'",
                       vmx__controller_type_name(t), idx);
    if (model && !(model_copy = vmx__strdup(model)))
        return xr_nomem(c);
    at = controller_insert_position(c->dom, t, idx);
    count = c->dom->ncontrollers;
    if (!vmx_domain_add_controller(c->dom)) {
        vmx__free(model_copy);
        return xr_nomem(c);
    }
    memmove(&c->dom->controllers[at + 1], &c->dom->controllers[at],
            (count - at) * sizeof(*c->dom->controllers));
    ctl = &c->dom->controllers[at];
    memset(ctl, 0, sizeof(*ctl));
    ctl->type = t;
    ctl->index = idx;
    ctl->model = model_copy;
    return 0;
}

/* ------------------------------------------------------------------ */
/* interfaces */

static const char *const net_types_unsupported[] = {
    "vhostuser", "server",  "client", "mcast", "internal",
    "direct",    "hostdev", "udp",    "vdpa",  NULL};

/* libvirt's virMacAddrParse and virMacAddrFormat */
static bool mac_canonical(char out[18], const char *s)
{
    static const char digits[] = "0123456789abcdef";
    unsigned char raw[6];
    size_t i, o = 0;

    for (i = 0; i < 6; i++) {
        unsigned v = 0, n = 0;

        for (; n < 3; n++, s++) {
            char ch = *s;
            int d;

            if (ch >= '0' && ch <= '9')
                d = ch - '0';
            else if (ch >= 'a' && ch <= 'f')
                d = ch - 'a' + 10;
            else if (ch >= 'A' && ch <= 'F')
                d = ch - 'A' + 10;
            else
                break;
            v = v * 16 + (unsigned)d;
        }
        if (n < 1 || n > 2)
            return false;
        raw[i] = (unsigned char)v;
        if (i == 5) {
            /* libvirt stops at any character up to the space */
            if ((unsigned char)*s > ' ')
                return false;
        } else if (*s++ != ':') {
            return false;
        }
    }
    for (i = 0; i < 6; i++) {
        if (i)
            out[o++] = ':';
        out[o++] = digits[raw[i] >> 4];
        out[o++] = digits[raw[i] & 15];
    }
    out[o] = '\0';
    return true;
}

static int net_read_mac(xr_ctx *c, const xmlNode *iface, const char *base, vmx_net *net)
{
    const xmlNode *n = xr_child(iface, "mac");
    char key[XR_PATH_MAX], mac[18];
    const char *address, *type;
    bool check, present;
    int rc;

    if (!n)
        return 0;
    xr_path(key, base, "mac");
    if ((rc = xr_attr(c, n, key, "address", &address)) < 0 ||
        (rc = xr_attr(c, n, key, "type", &type)) < 0 ||
        (rc = read_yes_no(c, n, key, "check", &check, &present)) < 0)
        return rc;
    /* without an address libvirt makes up a random one; the model keeps
     * none and VMware generates it */
    if (address) {
        if (!mac_canonical(mac, address))
            return xr_fail(c, VMX_EINVAL, n, key, "unable to parse mac address '%.64s'",
                           address);
        /* the low bit of the first octet is its second hex digit's */
        if (strchr("13579bdf", mac[1]))
            return xr_fail(c, VMX_EINVAL, n, key,
                           "expected unicast mac address, found multicast '%s'", mac);
        if ((rc = xr_dup(c, &net->mac, mac)) < 0)
            return rc;
    }
    if (!type)
        net->mac_type = VMX_MAC_UNSET;
    else if (strcmp(type, "generated") == 0)
        net->mac_type = VMX_MAC_GENERATED;
    else if (strcmp(type, "static") == 0)
        net->mac_type = VMX_MAC_STATIC;
    else
        return bad_value(c, n, key, "type", type);
    net->mac_check_set = present;
    net->mac_check = present && check;
    return 0;
}

static int net_read_vds(xr_ctx *c, const xmlNode *src, const char *key, vmx_net *net)
{
    const char *switchid, *portid, *portgroupid, *connectionid;
    char uuid[37], num[24];
    long long port;
    int rc;

    if ((rc = xr_attr(c, src, key, "switchid", &switchid)) < 0 ||
        (rc = xr_attr(c, src, key, "portid", &portid)) < 0 ||
        (rc = xr_attr(c, src, key, "portgroupid", &portgroupid)) < 0 ||
        (rc = xr_attr(c, src, key, "connectionid", &connectionid)) < 0)
        return rc;
    if (!switchid || !portid || !portgroupid || !connectionid)
        return xr_fail(c, VMX_EINVAL, src, key, "missing attribute '%s' of <source>",
                       !switchid      ? "switchid"
                       : !portid      ? "portid"
                       : !portgroupid ? "portgroupid"
                                      : "connectionid");
    if (!xr_uuid_canonical(uuid, switchid))
        return xr_fail(c, VMX_EINVAL, src, key,
                       "invalid value '%.64s' for attribute 'switchid', expecting a uuid",
                       switchid);
    /* libvirt reads both numbers with strtoll in base 0 */
    if (xr_parse_ll(portid, 0, &port) < 0)
        return bad_value(c, src, key, "portid", portid);
    if (xr_parse_ll(connectionid, 0, &net->connection_id) < 0)
        return bad_value(c, src, key, "connectionid", connectionid);
    snprintf(num, sizeof(num), "%lld", port);
    if ((rc = xr_dup(c, &net->switch_id, uuid)) < 0 ||
        (rc = xr_dup(c, &net->port_id, num)) < 0 ||
        (rc = xr_dup(c, &net->portgroup_id, portgroupid)) < 0)
        return rc;
    return 0;
}

static int net_read_source(xr_ctx *c, const xmlNode *iface, const char *base,
                           const char *type, vmx_net *net)
{
    const xmlNode *src = xr_child(iface, "source");
    char key[XR_PATH_MAX];
    const char *v;
    int rc;

    xr_path(key, base, "source");
    switch (net->type) {
    case VMX_NET_BRIDGE:
    case VMX_NET_HOSTONLY:
    case VMX_NET_VDS:
        if (!src)
            return xr_fail(c, VMX_EINVAL, iface, key,
                           "interface type='%s' requires a 'source' element", type);
        break;
    default:
        return 0; /* user, ethernet and null have no source */
    }
    if (net->type == VMX_NET_VDS)
        return net_read_vds(c, src, key, net);
    if ((rc = xr_attr(c, src, key, net->type == VMX_NET_BRIDGE ? "bridge" : "network",
                      &v)) < 0)
        return rc;
    if (!v) /* libvirt refuses both; the writer could not write them back */
        return xr_fail(c, VMX_EINVAL, src, key,
                       "no <source> '%s' attribute specified with <interface "
                       "type='%s'/>",
                       net->type == VMX_NET_BRIDGE ? "bridge" : "network", type);
    return xr_dup(c, &net->bridge, v);
}

static int net_read_target_model(xr_ctx *c, const xmlNode *iface, const char *base,
                                 vmx_net *net)
{
    static const char model_chars[] = "abcdefghijklmnopqrstuvwxyz"
                                      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
    const xmlNode *target = xr_child(iface, "target");
    const xmlNode *model = xr_child(iface, "model");
    char key[XR_PATH_MAX];
    const char *v;
    int rc;

    if (target) {
        xr_path(key, base, "target");
        if ((rc = xr_attr(c, target, key, "dev", &v)) < 0)
            return rc;
        /* an inactive definition forgets the names libvirt generates */
        if (v && *v && strncmp(v, "vnet", 4) != 0 && strncmp(v, "macvtap", 7) != 0 &&
            strncmp(v, "macvlan", 7) != 0 && (rc = xr_dup(c, &net->ifname, v)) < 0)
            return rc;
    }
    if (model) {
        xr_path(key, base, "model");
        if ((rc = xr_attr(c, model, key, "type", &v)) < 0)
            return rc;
        if (!v || !*v)
            return 0;
        if (strspn(v, model_chars) != strlen(v))
            return xr_fail(c, VMX_EINVAL, model, key,
                           "model name '%.64s' contains invalid characters", v);
        return xr_dup(c, &net->model, v);
    }
    return 0;
}

static void net_dispose(vmx_net *n)
{
    vmx__free(n->model);
    vmx__free(n->mac);
    vmx__free(n->bridge);
    vmx__free(n->ifname);
    vmx__free(n->switch_id);
    vmx__free(n->portgroup_id);
    vmx__free(n->port_id);
}

static int read_interface(xr_ctx *c, const xmlNode *n, unsigned int elem)
{
    char key[XR_PATH_MAX];
    const char *type;
    vmx_net net, *slot;
    int rc;

    memset(&net, 0, sizeof(net));
    snprintf(key, sizeof(key), "/domain/devices/interface[%u]", elem);
    if ((rc = xr_attr(c, n, key, "type", &type)) < 0)
        return rc;
    if (!type) /* libvirt's first interface type */
        type = "user";
    if (strcmp(type, "bridge") == 0)
        net.type = VMX_NET_BRIDGE;
    else if (strcmp(type, "user") == 0)
        net.type = VMX_NET_USER;
    else if (strcmp(type, "ethernet") == 0)
        net.type = VMX_NET_ETHERNET;
    else if (strcmp(type, "vds") == 0)
        net.type = VMX_NET_VDS;
    else if (strcmp(type, "null") == 0)
        net.type = VMX_NET_NULL;
    else if (strcmp(type, "network") == 0)
        net.type = VMX_NET_HOSTONLY; /* as the XML writer prints host-only */
    else if (str_in(type, net_types_unsupported))
        return xr_fail(c, VMX_EUNSUPPORTED, n, key, "unsupported interface type '%s'",
                       type);
    else
        return bad_value(c, n, key, "type", type);
    if ((rc = net_read_mac(c, n, key, &net)) < 0 ||
        (rc = net_read_source(c, n, key, type, &net)) < 0 ||
        (rc = net_read_target_model(c, n, key, &net)) < 0)
        goto fail;
    if (!(slot = vmx_domain_add_net(c->dom))) {
        rc = xr_nomem(c);
        goto fail;
    }
    *slot = net;
    return 0;
fail:
    net_dispose(&net);
    return rc;
}

/* ------------------------------------------------------------------ */
/* serial, parallel and console ports */

static const char *const chr_types_unsupported[] = {
    "vc",        "pty",  "stdio",        "unix", "spicevmc",
    "spiceport", "nmdm", "qemu-vdagent", "dbus", NULL};
static const char *const tcp_protocols[] = {"raw", "telnet", "telnets", "tls", NULL};
static const char *const console_targets[] = {
    "none", "serial", "xen", "uml", "virtio", "lxc", "openvz", "sclp", "sclplm", NULL};

static void chr_dispose(vmx_chr *ch)
{
    vmx__free(ch->path);
    vmx__free(ch->host);
    vmx__free(ch->service);
    vmx__free(ch->protocol);
    vmx__free(ch->direction);
}

/* The type attribute: 0 and @ch->type set, 1 for a type the model cannot
 * hold (@type says which), or an error. */
static int chr_read_type(xr_ctx *c, const xmlNode *n, const char *key, vmx_chr *ch,
                         const char **type)
{
    const char *t;
    int rc;

    if ((rc = xr_attr(c, n, key, "type", &t)) < 0)
        return rc;
    *type = t ? t : "pty"; /* libvirt's default */
    if (strcmp(*type, "null") == 0)
        ch->type = VMX_CHR_NULL;
    else if (strcmp(*type, "dev") == 0)
        ch->type = VMX_CHR_DEV;
    else if (strcmp(*type, "file") == 0)
        ch->type = VMX_CHR_FILE;
    else if (strcmp(*type, "pipe") == 0)
        ch->type = VMX_CHR_PIPE;
    else if (strcmp(*type, "tcp") == 0)
        ch->type = VMX_CHR_TCP;
    else if (strcmp(*type, "udp") == 0)
        ch->type = VMX_CHR_UDP;
    else if (str_in(*type, chr_types_unsupported))
        return 1;
    else
        return xr_fail(c, VMX_EINVAL, n, key,
                       "unknown type presented to host for character device: %.32s",
                       *type);
    return 0;
}

static int chr_read_source(xr_ctx *c, const xmlNode *n, const char *base, vmx_chr *ch)
{
    const xmlNode *src, *pick = NULL, *proto;
    char key[XR_PATH_MAX];
    const char *mode, *v;
    int rc;

    xr_path(key, base, "source");
    /* the first <source> counts; for udp the connecting one, as libvirt
     * keeps it as the main address */
    for (src = n->children; src; src = src->next) {
        if (!xr_is(src, "source"))
            continue;
        if (!pick)
            pick = src;
        if (ch->type == VMX_CHR_UDP) {
            if ((rc = xr_attr(c, src, key, "mode", &mode)) < 0)
                return rc;
            if (!mode || strcmp(mode, "connect") == 0) {
                pick = src;
                break;
            }
        }
    }
    switch (ch->type) {
    case VMX_CHR_DEV:
    case VMX_CHR_FILE:
    case VMX_CHR_PIPE:
        v = NULL;
        if (pick && (rc = xr_attr(c, pick, key, "path", &v)) < 0)
            return rc;
        if (!v || !*v)
            return xr_fail(c, VMX_EINVAL, pick ? pick : n, key,
                           "missing source path attribute for char device");
        return xr_dup(c, &ch->path, v);
    case VMX_CHR_TCP:
    case VMX_CHR_UDP:
        break;
    default:
        return 0;
    }
    if (!pick)
        return xr_fail(c, VMX_EINVAL, n, key,
                       "missing source host attribute for char device");
    if ((rc = xr_attr(c, pick, key, "mode", &mode)) < 0)
        return rc;
    if (mode && strcmp(mode, "bind") != 0 && strcmp(mode, "connect") != 0)
        return bad_value(c, pick, key, "mode", mode);
    ch->listen = mode && strcmp(mode, "bind") == 0;
    if ((rc = xr_attr(c, pick, key, "host", &v)) < 0 ||
        (rc = xr_dup(c, &ch->host, v)) < 0 ||
        (rc = xr_attr(c, pick, key, "service", &v)) < 0 ||
        (rc = xr_dup(c, &ch->service, v)) < 0)
        return rc;
    if (ch->type == VMX_CHR_UDP)
        return 0;
    if (!ch->host)
        return xr_fail(c, VMX_EINVAL, pick, key,
                       "missing source host attribute for char device");
    if (!ch->service)
        return xr_fail(c, VMX_EINVAL, pick, key,
                       "missing source service attribute for char device");
    v = NULL;
    if ((proto = xr_child(n, "protocol"))) {
        xr_path(key, base, "protocol");
        if ((rc = xr_attr(c, proto, key, "type", &v)) < 0)
            return rc;
        if (v && !str_in(v, tcp_protocols))
            return xr_fail(c, VMX_EINVAL, proto, key, "unknown protocol '%.32s'", v);
    }
    return xr_dup(c, &ch->protocol, v ? v : "raw");
}

/* The port of <target port=...>, -1 when there is none. */
static int chr_read_port(xr_ctx *c, const xmlNode *n, const char *base, int *port,
                         const char **target_type)
{
    const xmlNode *target = xr_child(n, "target");
    char key[XR_PATH_MAX];
    const char *v;
    int rc;

    *port = -1;
    if (target_type)
        *target_type = NULL;
    if (!target)
        return 0;
    xr_path(key, base, "target");
    if ((rc = xr_attr(c, target, key, "port", &v)) < 0)
        return rc;
    if (v && (xr_parse_int(v, port) < 0 || *port < 0))
        return xr_fail(c, VMX_EINVAL, target, key, "invalid port number '%.32s'", v);
    if (target_type && (rc = xr_attr(c, target, key, "type", target_type)) < 0)
        return rc;
    return 0;
}

static int read_port(xr_ctx *c, const xmlNode *n, const char *element, unsigned int elem)
{
    bool parallel = strcmp(element, "parallel") == 0;
    char key[XR_PATH_MAX];
    vmx_chr ch, *slot, *list;
    const char *type;
    size_t i, count;
    int rc, maxport;

    memset(&ch, 0, sizeof(ch));
    snprintf(key, sizeof(key), "/domain/devices/%s[%u]", element, elem);
    if ((rc = chr_read_type(c, n, key, &ch, &type)) < 0)
        return rc;
    if (rc > 0)
        return xr_fail(c, VMX_EUNSUPPORTED, n, key,
                       "unsupported character device type '%s'", type);
    if ((rc = chr_read_source(c, n, key, &ch)) < 0 ||
        (rc = chr_read_port(c, n, key, &ch.port, NULL)) < 0 ||
        (c->lossless && ch.type == VMX_CHR_NULL &&
         (rc = xr_read_thinprint_alias(c, n, key, &ch)) < 0))
        goto fail;
    list = parallel ? c->dom->parallels : c->dom->serials;
    count = parallel ? c->dom->nparallels : c->dom->nserials;
    if (ch.port < 0) {
        /* libvirt: one past the highest port of the ports read so far */
        for (maxport = -1, i = 0; i < count; i++)
            if (list[i].port > maxport)
                maxport = list[i].port;
        ch.port = maxport + 1;
    }
    slot = parallel ? vmx_domain_add_parallel(c->dom) : vmx_domain_add_serial(c->dom);
    if (!slot) {
        rc = xr_nomem(c);
        goto fail;
    }
    *slot = ch;
    return 0;
fail:
    chr_dispose(&ch);
    return rc;
}

static int read_console(xr_ctx *c, const xmlNode *n, unsigned int elem)
{
    xr_console con, *grown;
    const char *type, *target_type;
    size_t bytes;
    long line = xmlGetLineNo(n);
    int rc;

    memset(&con, 0, sizeof(con));
    snprintf(con.path, sizeof(con.path), "/domain/devices/console[%u]", elem);
    con.line = line > 0 ? (unsigned long)line : 0;
    if ((rc = chr_read_type(c, n, con.path, &con.chr, &type)) < 0)
        return rc;
    snprintf(con.type, sizeof(con.type), "%s", type);
    con.unsupported = rc > 0;
    if ((!con.unsupported && (rc = chr_read_source(c, n, con.path, &con.chr)) < 0) ||
        (rc = chr_read_port(c, n, con.path, &con.chr.port, &target_type)) < 0)
        goto fail;
    if (target_type && !str_in(target_type, console_targets)) {
        rc = xr_fail(c, VMX_EINVAL, n, con.path, "unknown console target type '%.32s'",
                     target_type);
        goto fail;
    }
    con.serial_target = !target_type || strcmp(target_type, "serial") == 0 ||
                        strcmp(target_type, "none") == 0;
    if (c->nconsoles > 0 && target_type && strcmp(target_type, "serial") == 0) {
        rc = xr_fail(c, VMX_EINVAL, n, con.path,
                     "only the first console can be a serial port");
        goto fail;
    }
    if (__builtin_mul_overflow(c->nconsoles + 1, sizeof(*grown), &bytes) ||
        !(grown = vmx__realloc(c->consoles, bytes))) {
        rc = xr_nomem(c);
        goto fail;
    }
    c->consoles = grown;
    c->consoles[c->nconsoles++] = con;
    return 0;
fail:
    chr_dispose(&con.chr);
    return rc;
}

/* ------------------------------------------------------------------ */
/* video, graphics, filesystems */

static const char *const video_models[] = {
    "default",   "vga",    "cirrus", "vmvga", "xen",   "vbox",  "qxl",
    "parallels", "virtio", "gop",    "none",  "bochs", "ramfb", NULL};

static int read_video(xr_ctx *c, const xmlNode *n, unsigned int elem)
{
    const xmlNode *model = xr_child(n, "model");
    char key[XR_PATH_MAX];
    const char *type = NULL;
    bool primary = false, has_primary;
    unsigned int vram = 0, heads = 0;
    vmx_video *v;
    char *copy;
    size_t i;
    int rc;

    snprintf(key, sizeof(key), "/domain/devices/video[%u]/model", elem);
    if (model &&
        ((rc = xr_attr(c, model, key, "type", &type)) < 0 ||
         (rc = xr_attr_uint(c, model, key, "vram", &vram, NULL)) < 0 ||
         (rc = xr_attr_uint(c, model, key, "heads", &heads, NULL)) < 0 ||
         (rc = read_yes_no(c, model, key, "primary", &primary, &has_primary)) < 0))
        return rc;
    if (type && !str_in(type, video_models))
        return xr_fail(c, VMX_EINVAL, model, key, "unknown video model '%.32s'", type);
    /* the VMX driver's default model */
    if (!type || strcmp(type, "default") == 0)
        type = "vmvga";
    if (primary)
        for (i = 0; i < c->dom->nvideos; i++)
            if (c->dom->videos[i].primary)
                return xr_fail(c, VMX_EINVAL, model, key,
                               "only one primary video device is supported");
    if (!(copy = vmx__strdup(type)))
        return xr_nomem(c);
    if (!(v = vmx_domain_add_video(c->dom))) {
        vmx__free(copy);
        return xr_nomem(c);
    }
    v->model = copy;
    v->vram_kib = vram;
    v->has_vram = vram > 0;
    v->heads = heads;
    v->primary = primary;
    /* libvirt puts the primary device first */
    if (primary && c->dom->nvideos > 1) {
        vmx_video tmp = *v;

        memmove(&c->dom->videos[1], &c->dom->videos[0],
                (c->dom->nvideos - 1) * sizeof(*c->dom->videos));
        c->dom->videos[0] = tmp;
    }
    return 0;
}

static const char *const graphics_unsupported[] = {
    "sdl", "rdp", "desktop", "spice", "egl-headless", "dbus", NULL};

static int graphics_read_listen(xr_ctx *c, const xmlNode *n, const char *key,
                                vmx_graphics *g)
{
    const xmlNode *l = xr_child(n, "listen");
    char lkey[XR_PATH_MAX];
    const char *attr, *type, *address;
    int rc;

    if ((rc = xr_attr(c, n, key, "listen", &attr)) < 0)
        return rc;
    if (l) {
        xr_path(lkey, key, "listen");
        if ((rc = xr_attr(c, l, lkey, "type", &type)) < 0 ||
            (rc = xr_attr(c, l, lkey, "address", &address)) < 0)
            return rc;
        if (!type)
            return xr_fail(c, VMX_EINVAL, l, lkey,
                           "graphics listen type must be specified");
        if (strcmp(type, "network") == 0 || strcmp(type, "socket") == 0)
            return xr_fail(c, VMX_EUNSUPPORTED, l, lkey,
                           "unsupported graphics listen type '%s'", type);
        if (strcmp(type, "none") == 0)
            return 0;
        if (strcmp(type, "address") != 0)
            return bad_value(c, l, lkey, "type", type);
        if (attr && address && strcmp(attr, address) != 0)
            return xr_fail(c, VMX_EINVAL, n, key,
                           "graphics 'listen' attribute '%.64s' must match 'address' "
                           "attribute of first listen element (found '%.64s')",
                           attr, address);
        if (address)
            attr = address;
    }
    return xr_dup(c, &g->listen, attr && *attr ? attr : NULL);
}

static void graphics_dispose(vmx_graphics *g)
{
    vmx__free(g->type);
    vmx__free(g->listen);
    vmx__free(g->keymap);
    vmx__free(g->passwd);
}

static int read_graphics(xr_ctx *c, const xmlNode *n, unsigned int elem)
{
    char key[XR_PATH_MAX];
    const char *type, *port, *v;
    vmx_graphics g, *slot;
    bool autoport = false, has_autoport;
    int rc;

    memset(&g, 0, sizeof(g));
    snprintf(key, sizeof(key), "/domain/devices/graphics[%u]", elem);
    if ((rc = xr_attr(c, n, key, "type", &type)) < 0)
        return rc;
    if (!type)
        return xr_fail(c, VMX_EINVAL, n, key, "missing graphics device type");
    if (str_in(type, graphics_unsupported))
        return xr_fail(c, VMX_EUNSUPPORTED, n, key, "unsupported graphics type '%s'",
                       type);
    if (strcmp(type, "vnc") != 0)
        return bad_value(c, n, key, "type", type);
    if ((rc = xr_dup(c, &g.type, "vnc")) < 0 ||
        (rc = xr_attr(c, n, key, "port", &port)) < 0 ||
        (rc = read_yes_no(c, n, key, "autoport", &autoport, &has_autoport)) < 0)
        goto fail;
    /* no port, port -1 or autoport='yes': the port is picked at start */
    if (port) {
        if (xr_parse_int(port, &g.port) < 0) {
            rc = xr_fail(c, VMX_EINVAL, n, key, "cannot parse vnc port %.32s", port);
            goto fail;
        }
        if (g.port == -1)
            g.autoport = true;
    } else {
        g.autoport = true;
    }
    if (has_autoport)
        g.autoport = autoport;
    if (g.autoport)
        g.port = -1;
    else if (g.port < 0)
        g.port = 0;
    if ((rc = graphics_read_listen(c, n, key, &g)) < 0 ||
        (rc = xr_attr(c, n, key, "keymap", &v)) < 0 ||
        (rc = xr_dup(c, &g.keymap, v)) < 0 ||
        (rc = xr_attr(c, n, key, "passwd", &v)) < 0 || (rc = xr_dup(c, &g.passwd, v)) < 0)
        goto fail;
    if (!(slot = vmx_domain_add_graphics(c->dom))) {
        rc = xr_nomem(c);
        goto fail;
    }
    *slot = g;
    return 0;
fail:
    graphics_dispose(&g);
    return rc;
}

static const char *const fs_types_unsupported[] = {"block", "file",   "template", "ram",
                                                   "bind",  "volume", NULL};
static const char *const fs_accessmodes[] = {"passthrough", "mapped", "squash", NULL};

static int read_filesystem(xr_ctx *c, const xmlNode *n, unsigned int elem)
{
    const xmlNode *src = xr_child(n, "source"), *target = xr_child(n, "target");
    char key[XR_PATH_MAX], sub[XR_PATH_MAX];
    const char *type, *mode, *dir = NULL, *dst = NULL;
    vmx_fs *fs;
    char *a = NULL, *b = NULL;
    int rc;

    snprintf(key, sizeof(key), "/domain/devices/filesystem[%u]", elem);
    if ((rc = xr_attr(c, n, key, "type", &type)) < 0 ||
        (rc = xr_attr(c, n, key, "accessmode", &mode)) < 0)
        return rc;
    if (type && str_in(type, fs_types_unsupported))
        return xr_fail(c, VMX_EUNSUPPORTED, n, key,
                       "unsupported filesystem type '%s', only 'mount' is supported",
                       type);
    if (type && strcmp(type, "mount") != 0)
        return bad_value(c, n, key, "type", type);
    /* VMware shares folders one way only; libvirt ignores the mode */
    if (mode && !str_in(mode, fs_accessmodes))
        return bad_value(c, n, key, "accessmode", mode);
    xr_path(sub, key, "source");
    if (src && (rc = xr_attr(c, src, sub, "dir", &dir)) < 0)
        return rc;
    if (!dir)
        return xr_fail(c, VMX_EINVAL, src ? src : n, sub,
                       "missing source element in filesystem");
    xr_path(sub, key, "target");
    if (target && (rc = xr_attr(c, target, sub, "dir", &dst)) < 0)
        return rc;
    if (!dst)
        return xr_fail(c, VMX_EINVAL, target ? target : n, sub,
                       "missing target information for device %.200s", dir);
    if (!(a = vmx__strdup(dir)) || !(b = vmx__strdup(dst)) ||
        !(fs = vmx_domain_add_filesystem(c->dom))) {
        vmx__free(a);
        vmx__free(b);
        return xr_nomem(c);
    }
    fs->src = a;
    fs->dst = b;
    fs->readonly = xr_child(n, "readonly") != NULL;
    return 0;
}

/* ------------------------------------------------------------------ */
/* the <devices> element */

/* Devices a VMware guest can have that the model cannot hold: refused, so
 * that nothing is lost without notice. */
static const char *const devices_unsupported[] = {
    "hostdev", "sound",   "redirdev", "smartcard", "watchdog", "rng",
    "tpm",     "shmem",   "memory",   "vsock",     "iommu",    "crypto",
    "hub",     "channel", "lease",    "panic",     NULL};

typedef int (*device_reader)(xr_ctx *c, const xmlNode *n, unsigned int elem);

static int read_serial(xr_ctx *c, const xmlNode *n, unsigned int elem)
{
    return read_port(c, n, "serial", elem);
}

static int read_parallel(xr_ctx *c, const xmlNode *n, unsigned int elem)
{
    return read_port(c, n, "parallel", elem);
}

static const struct {
    const char *name;
    device_reader read;
} device_readers[] = {
    {"disk", read_disk},
    {"controller", read_controller},
    {"interface", read_interface},
    {"serial", read_serial},
    {"parallel", read_parallel},
    {"console", read_console},
    {"video", read_video},
    {"graphics", read_graphics},
    {"filesystem", read_filesystem},
};

static unsigned int sibling_index(const xmlNode *n)
{
    const xmlNode *p;
    unsigned int i = 1;

    for (p = n->prev; p; p = p->prev)
        if (p->type == XML_ELEMENT_NODE && !p->ns &&
            strcmp((const char *)p->name, (const char *)n->name) == 0)
            i++;
    return i;
}

int xr_read_devices(xr_ctx *c, const xmlNode *devices)
{
    unsigned int counts[VMX_ARRAY_SIZE(device_readers)] = {0};
    char key[XR_PATH_MAX];
    const xmlNode *n;
    size_t i;
    int rc;

    if (!devices)
        return 0;
    for (n = devices->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE || n->ns)
            continue;
        for (i = 0; i < VMX_ARRAY_SIZE(device_readers); i++)
            if (strcmp((const char *)n->name, device_readers[i].name) == 0)
                break;
        if (i < VMX_ARRAY_SIZE(device_readers)) {
            if (++counts[i] > VMX_MAX_DEVICES) {
                snprintf(key, sizeof(key), "/domain/devices/%s[%u]",
                         device_readers[i].name, counts[i]);
                return xr_fail(c, VMX_ELIMIT, n, key, "more than %d <%s> devices",
                               VMX_MAX_DEVICES, device_readers[i].name);
            }
            if ((rc = device_readers[i].read(c, n, counts[i])) < 0)
                return rc;
            continue;
        }
        /* the YAML reader caps its sound list too */
        if (c->lossless && c->dom->nsounds >= VMX_MAX_DEVICES && xr_is(n, "sound")) {
            snprintf(key, sizeof(key), "/domain/devices/sound[%u]", sibling_index(n));
            return xr_fail(c, VMX_ELIMIT, n, key, "more than %d <sound> devices",
                           VMX_MAX_DEVICES);
        }
        if (c->lossless && (rc = xr_read_lossless_device(c, n, sibling_index(n))) != 0) {
            if (rc < 0)
                return rc;
            continue;
        }
        if (str_in((const char *)n->name, devices_unsupported)) {
            snprintf(key, sizeof(key), "/domain/devices/%s[%u]", (const char *)n->name,
                     sibling_index(n));
            return xr_fail(c, VMX_EUNSUPPORTED, n, key, "unsupported element <%s>",
                           (const char *)n->name);
        }
        /* input, memballoon, emulator, audio ... mean nothing to libvirt's
         * VMX driver */
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* after parsing */

int xr_devices_postparse(xr_ctx *c)
{
    vmx_domain *dom = c->dom;
    vmx_video *v;

    /* libvirt's virDomainDefAddConsoleCompat: the first console of an hvm
     * guest stands for the first serial port; it becomes that port when
     * there is none, and is otherwise an alias of it */
    if (c->nconsoles > 0 && c->consoles[0].serial_target && dom->nserials == 0) {
        xr_console *con = &c->consoles[0];
        vmx_chr *slot;

        if (con->unsupported)
            return vmx_error_set(c->err, VMX_EUNSUPPORTED, c->source, con->line,
                                 con->path, "unsupported character device type '%s'",
                                 con->type);
        if (!(slot = vmx_domain_add_serial(dom)))
            return xr_nomem(c);
        *slot = con->chr;
        slot->port = 0;
        memset(&con->chr, 0, sizeof(con->chr));
    }

    /* virDomainDefAddImplicitVideo: graphics without video get the default */
    if (dom->ngraphics > 0 && dom->nvideos == 0) {
        char *model = vmx__strdup("vmvga");

        if (!model || !(v = vmx_domain_add_video(dom))) {
            vmx__free(model);
            return xr_nomem(c);
        }
        v->model = model;
    }
    /* video RAM defaults, power-of-two rounding and the primary flag come
     * with the common post-parse */
    return 0;
}

static bool on_controller_bus(vmx_disk_bus bus)
{
    return bus == VMX_DISK_BUS_IDE || bus == VMX_DISK_BUS_SCSI ||
           bus == VMX_DISK_BUS_FDC || bus == VMX_DISK_BUS_SATA;
}

int xr_devices_check_names(xr_ctx *c)
{
    char key[XR_PATH_MAX];
    size_t i;

    /* virDomainDiskDefAssignAddress needs a name it can map */
    for (i = 0; i < c->dom->ndisks; i++) {
        const vmx_disk *d = &c->dom->disks[i];

        if (d->has_address || !on_controller_bus(d->bus) ||
            vmx__disk_name_index_checked(d->target) >= 0)
            continue;
        disk_path(key, c->disk_elem[i], "target");
        return vmx_error_set(c->err, VMX_EINVAL, c->source, c->disk_line[i], key,
                             "unknown disk name '%.64s' and no address specified",
                             d->target);
    }
    return 0;
}

int xr_devices_validate(xr_ctx *c)
{
    const vmx_domain *dom = c->dom;
    char key[XR_PATH_MAX];
    size_t i, j;

    /* libvirt refuses two disks with one target name. Its own VMX reader
     * gives a SATA and a SCSI disk at the same position one name, though,
     * and then refuses its own XML: names shared across buses are accepted
     * (each disk has its address), lossless mode accepts every duplicate */
    for (i = 0; i < dom->ndisks && !c->lossless; i++) {
        const vmx_disk *a = &dom->disks[i];

        for (j = i + 1; j < dom->ndisks; j++) {
            const vmx_disk *b = &dom->disks[j];

            if (a->bus != b->bus)
                continue;
            if (strcmp(a->target, b->target) == 0) {
                disk_path(key, c->disk_elem[j], "target");
                return vmx_error_set(
                    c->err, VMX_EINVAL, c->source, c->disk_line[j], key,
                    "target '%.64s' duplicated for disk sources '%.150s' "
                    "and '%.150s'",
                    a->target, a->src ? a->src : "", b->src ? b->src : "");
            }
        }
    }
    /* libvirt's VMX reader also gives two disks one address when SCSI units
     * go past 15 (the name decides): accepted in lossless mode too */
    for (i = 0; i < dom->ndisks && !c->lossless; i++) {
        const vmx_disk *a = &dom->disks[i];

        if (!a->has_address)
            continue;
        for (j = i + 1; j < dom->ndisks; j++) {
            const vmx_disk *b = &dom->disks[j];

            if (b->bus != a->bus || !b->has_address || a->controller != b->controller ||
                a->addr_bus != b->addr_bus || a->addr_target != b->addr_target ||
                a->addr_unit != b->addr_unit)
                continue;
            disk_path(key, c->disk_elem[j], "address");
            return vmx_error_set(c->err, VMX_EINVAL, c->source, c->disk_line[j], key,
                                 "found duplicate drive address for disk with target "
                                 "name '%.64s' controller='%d' bus='%d' target='%d' "
                                 "unit='%d'",
                                 a->target, a->controller, a->addr_bus, a->addr_target,
                                 a->addr_unit);
        }
    }
    return 0;
}
