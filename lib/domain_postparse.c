/* What libvirt's virDomainDefPostParse adds to a parsed definition, for the
 * part of it the model holds. Shared by the VMX and XML readers. */
#include "config.h"
#include "domain_private.h"

#include <limits.h>
#include <string.h>

/* The length of the disk-name prefix @name starts with, 0 for none. */
static size_t disk_name_prefix(const char *name)
{
    static const char *const prefixes[] = {"fd", "hd", "vd", "sd", "xvd", "ubd"};
    size_t i;

    for (i = 0; i < VMX_ARRAY_SIZE(prefixes); i++) {
        size_t n = strlen(prefixes[i]);

        if (strncmp(name, prefixes[i], n) == 0)
            return n;
    }
    return 0;
}

/* libvirt's virDiskNameParse: a known prefix, lowercase letters read as a
 * bijective base-26 number, optional trailing digits (a partition). */
int vmx__disk_name_to_index(const char *name)
{
    size_t prefix = disk_name_prefix(name);
    const char *p = name + prefix;
    long long idx = 0;
    size_t i;

    if (!prefix)
        return -1;
    for (i = 0; *p >= 'a' && *p <= 'z'; i++, p++) {
        idx = (idx + (i < 1 ? 0 : 1)) * 26 + (*p - 'a');
        if (idx > INT_MAX / 27)
            return -1;
    }
    p += strspn(p, "0123456789");
    if (*p)
        return -1;
    return (int)idx;
}

/* libvirt's virDiskNameToIndex as its XML parser uses it; the index of a
 * longer name would need more controllers than any reader accepts. */
int vmx__disk_name_index_checked(const char *name)
{
    size_t prefix = disk_name_prefix(name);
    int idx;

    if (!prefix || !(name[prefix] >= 'a' && name[prefix] <= 'z'))
        return -1;
    idx = vmx__disk_name_to_index(name);
    return idx > 1000000 ? -1 : idx;
}

int vmx__disk_assign_address(vmx_disk *d, unsigned int scsi_bus_max_unit, vmx_error *err)
{
    unsigned int per_bus;
    int idx;

    if (d->has_address || !d->target)
        return 0;
    switch (d->bus) {
    case VMX_DISK_BUS_SCSI:
    case VMX_DISK_BUS_IDE:
    case VMX_DISK_BUS_SATA:
    case VMX_DISK_BUS_FDC:
        break;
    default:
        return 0; /* other buses are not controller based */
    }
    idx = vmx__disk_name_to_index(d->target);
    if (idx < 0)
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, "devices/disk/target",
                             "unknown disk name '%s' and no address specified",
                             d->target);
    d->addr_bus = 0;
    d->addr_target = 0;
    switch (d->bus) {
    case VMX_DISK_BUS_SCSI:
        /* VMware's wide SCSI bus: unit 7 is the controller itself, so a
         * controller holds scsiBusMaxUnit - 1 disks */
        per_bus = (scsi_bus_max_unit ? scsi_bus_max_unit : 16) - 1;
        d->controller = (int)((unsigned int)idx / per_bus);
        d->addr_unit = (int)((unsigned int)idx % per_bus);
        if (d->addr_unit >= 7)
            d->addr_unit++;
        break;
    case VMX_DISK_BUS_IDE:
        d->controller = idx / 4;
        d->addr_bus = (idx % 4) / 2;
        d->addr_unit = idx % 2;
        break;
    case VMX_DISK_BUS_SATA:
        d->controller = idx / 6;
        d->addr_unit = idx % 6;
        break;
    default: /* FDC */
        d->controller = idx / 2;
        d->addr_unit = idx % 2;
        break;
    }
    d->has_address = true;
    return 0;
}

/* At most this many controllers after the implicit ones are added: the
 * readers' cap on devices of one kind, so that the XML written from the
 * result reads back. libvirt has no cap and adds one controller per index up
 * to the disk's: 31684 SCSI ones for a disk named sdzzzz. */
#define MAX_CONTROLLERS VMX_MAX_DEVICES

/* libvirt's virDomainDefMaybeAddController: a controller of this type and
 * index is appended unless one exists (post-parse appends; it does not sort). */
static int maybe_add_controller(vmx_domain *dom, vmx_controller_type type, int index,
                                vmx_error *err)
{
    vmx_controller *c;
    size_t i;

    for (i = 0; i < dom->ncontrollers; i++)
        if (dom->controllers[i].type == type && dom->controllers[i].index == index)
            return 0;
    if (dom->ncontrollers >= MAX_CONTROLLERS)
        return vmx_error_set(err, VMX_ELIMIT, NULL, 0, "devices/controller",
                             "more than %d controllers with the implicit ones",
                             MAX_CONTROLLERS);
    if (!(c = vmx_domain_add_controller(dom)))
        return vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
    c->type = type;
    c->index = index;
    return 0;
}

static int add_disk_controllers(vmx_domain *dom, vmx_controller_type ctype,
                                vmx_disk_bus bus, const char *name, vmx_error *err)
{
    const vmx_disk *last = NULL;
    int max = -1, i;
    size_t k;
    int rc;

    for (k = 0; k < dom->ndisks; k++)
        if (dom->disks[k].bus == bus && dom->disks[k].has_address &&
            dom->disks[k].controller > max) {
            max = dom->disks[k].controller;
            last = &dom->disks[k];
        }
    /* refuse before adding anything: the loop below is linear in max */
    if (last && max >= MAX_CONTROLLERS)
        return vmx_error_set(err, VMX_ELIMIT, NULL, 0, "devices/disk/target",
                             "disk '%.64s' needs %s controller %d, past the limit of %d "
                             "controllers",
                             last->target ? last->target : "", name, max,
                             MAX_CONTROLLERS);
    for (i = 0; i <= max; i++)
        if ((rc = maybe_add_controller(dom, ctype, i, err)) < 0)
            return rc;
    return 0;
}

/* Ports < 0 are unset: libvirt gives them the highest port in use + 1. */
static void assign_chr_ports(vmx_chr *chrs, size_t n)
{
    size_t i, j;

    for (i = 0; i < n; i++) {
        int maxport = -1;

        if (chrs[i].port >= 0)
            continue;
        for (j = 0; j < n; j++)
            if (j != i && chrs[j].port > maxport)
                maxport = chrs[j].port;
        chrs[i].port = maxport + 1;
    }
}

/* libvirt's video post-parse: the (v)RAM is rounded up to a power of two
 * (in an unsigned int, so 2^32 wraps to 0) and a zero size takes the
 * default of the model (4 MiB for VMware's vmvga); the first video device
 * is the primary one. */
static void video_defaults(vmx_domain *dom)
{
    size_t i;

    for (i = 0; i < dom->nvideos; i++) {
        vmx_video *v = &dom->videos[i];
        unsigned long long r = v->vram_kib & 0xffffffffu;
        const char *m = v->model ? v->model : "";

        if (r) {
            unsigned long long p = 1;

            while (p < r)
                p <<= 1;
            r = p & 0xffffffffu;
        }
        if (!r && (strcmp(m, "vmvga") == 0 || strcmp(m, "vga") == 0 ||
                   strcmp(m, "cirrus") == 0))
            r = 4096;
        v->vram_kib = r;
        v->has_vram = r != 0;
    }
    if (dom->nvideos)
        dom->videos[0].primary = true;
}

int vmx__domain_postparse(vmx_domain *dom, vmx_error *err)
{
    size_t i;
    int rc;

    for (i = 0; i < dom->ndisks; i++)
        if ((rc = vmx__disk_assign_address(&dom->disks[i], dom->scsi_bus_max_unit, err)) <
            0)
            return rc;

    if ((rc = add_disk_controllers(dom, VMX_CONTROLLER_SCSI, VMX_DISK_BUS_SCSI, "scsi",
                                   err)) < 0 ||
        (rc = add_disk_controllers(dom, VMX_CONTROLLER_FDC, VMX_DISK_BUS_FDC, "fdc",
                                   err)) < 0 ||
        (rc = add_disk_controllers(dom, VMX_CONTROLLER_IDE, VMX_DISK_BUS_IDE, "ide",
                                   err)) < 0 ||
        (rc = add_disk_controllers(dom, VMX_CONTROLLER_SATA, VMX_DISK_BUS_SATA, "sata",
                                   err)) < 0)
        return rc;

    if (dom->memory_kib == 0)
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, "memory",
                             "memory size must be specified");
    if (dom->current_memory_kib == 0 || dom->current_memory_kib > dom->memory_kib)
        dom->current_memory_kib = dom->memory_kib;

    assign_chr_ports(dom->serials, dom->nserials);
    assign_chr_ports(dom->parallels, dom->nparallels);
    video_defaults(dom);
    return 0;
}
