/* The <devices> element of libvirt domain XML, in libvirt 9.0's order: disks,
 * controllers, filesystems, interfaces, serials, parallels, consoles,
 * graphics, videos. Each device is formatted as libvirt's virDomain*DefFormat
 * does for the attributes the model holds. */
#include "config.h"
#include "domain_private.h"
#include "domain_xml_write.h"

#include <stdio.h>
#include <string.h>

static const char *disk_bus_name(vmx_disk_bus bus)
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
        return NULL;
    }
}

static const char *disk_device_name(vmx_disk_device device)
{
    switch (device) {
    case VMX_DISK_DEVICE_CDROM:
        return "cdrom";
    case VMX_DISK_DEVICE_FLOPPY:
        return "floppy";
    case VMX_DISK_DEVICE_LUN:
        return "lun";
    default:
        return "disk";
    }
}

static const char *disk_cache_name(vmx_disk_cache cache)
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
        return NULL;
    }
}

static void write_disk(vmx_buf *b, const vmx_disk *d)
{
    bool block = d->type == VMX_DISK_TYPE_BLOCK;
    const char *cache = disk_cache_name(d->cache);
    /* libvirt 9.0 has no NVMe bus: a disk in a known NVMe slot is a virtio
     * disk with the slot in its alias (doc/lossless.md) */
    bool nvme_slot = d->bus == VMX_DISK_BUS_NVME && d->has_address;
    const char *bus = nvme_slot ? "virtio" : disk_bus_name(d->bus);

    if (block)
        XW_LIT(b, "    <disk type='block' device='");
    else
        XW_LIT(b, "    <disk type='file' device='");
    vmx_buf_puts(b, disk_device_name(d->device));
    XW_LIT(b, "'>\n");
    if (d->driver_name || cache) {
        XW_LIT(b, "      <driver");
        vmx__xml_attr(b, " name='", d->driver_name);
        vmx__xml_attr(b, " cache='", cache);
        XW_LIT(b, "/>\n");
    }
    if (d->src || d->startup_optional) {
        XW_LIT(b, "      <source");
        vmx__xml_attr(b, block ? " dev='" : " file='", d->src);
        if (d->startup_optional)
            XW_LIT(b, " startupPolicy='optional'");
        XW_LIT(b, "/>\n");
    }
    XW_LIT(b, "      <target dev='");
    vmx__xml_escape(b, d->target ? d->target : "");
    vmx_buf_putc(b, '\'');
    vmx__xml_attr(b, " bus='", bus);
    XW_LIT(b, "/>\n");
    if (d->readonly)
        XW_LIT(b, "      <readonly/>\n");
    if (d->transient)
        XW_LIT(b, "      <transient/>\n");
    if (nvme_slot) {
        vmx__xml_write_nvme_alias(b, d);
    } else if (d->has_address) {
        XW_LIT(b, "      <address type='drive' controller='");
        vmx__xml_ll(b, d->controller);
        XW_LIT(b, "' bus='");
        vmx__xml_ll(b, d->addr_bus);
        XW_LIT(b, "' target='");
        vmx__xml_ll(b, d->addr_target);
        XW_LIT(b, "' unit='");
        vmx__xml_ll(b, d->addr_unit);
        XW_LIT(b, "'/>\n");
    }
    XW_LIT(b, "    </disk>\n");
}

static void write_controller(vmx_buf *b, const vmx_controller *c)
{
    XW_LIT(b, "    <controller type='");
    vmx_buf_puts(b, vmx__controller_type_name(c->type));
    XW_LIT(b, "' index='");
    vmx__xml_ll(b, c->index);
    vmx_buf_putc(b, '\'');
    vmx__xml_attr(b, " model='", c->model);
    XW_LIT(b, "/>\n");
}

static void write_filesystem(vmx_buf *b, const vmx_fs *fs)
{
    /* libvirt's VMX driver maps shared folders to passthrough mounts */
    XW_LIT(b, "    <filesystem type='mount' accessmode='passthrough'>\n");
    vmx__xml_attr(b, "      <source dir='", fs->src);
    if (fs->src)
        XW_LIT(b, "/>\n");
    vmx__xml_attr(b, "      <target dir='", fs->dst);
    if (fs->dst)
        XW_LIT(b, "/>\n");
    if (fs->readonly)
        XW_LIT(b, "      <readonly/>\n");
    XW_LIT(b, "    </filesystem>\n");
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* A MAC address as libvirt's virMacAddrFormat prints it: six lowercase
 * two-digit hex octets ("0:50:56:..." is accepted as libvirt's parser does).
 * Text that is not a MAC address is copied escaped. */
static void write_mac(vmx_buf *b, const char *mac)
{
    static const char digits[] = "0123456789abcdef";
    char text[17];
    const char *s = mac;
    size_t i, o = 0;

    for (i = 0; i < 6; i++) {
        int v = 0, n = 0, d;

        if (i > 0 && *s++ != ':')
            goto verbatim;
        for (; (d = hex_digit(*s)) >= 0 && n < 3; s++, n++)
            v = v * 16 + d;
        if (n < 1 || n > 2)
            goto verbatim;
        if (i > 0)
            text[o++] = ':';
        text[o++] = digits[v >> 4];
        text[o++] = digits[v & 15];
    }
    if (*s)
        goto verbatim;
    vmx_buf_put(b, text, sizeof(text));
    return;
verbatim:
    vmx__xml_escape(b, mac);
}

/* libvirt leaves out of inactive XML the target names it generates itself */
static bool ifname_is_generated(const char *ifname)
{
    return strncmp(ifname, "vnet", 4) == 0 || strncmp(ifname, "macvtap", 7) == 0 ||
           strncmp(ifname, "macvlan", 7) == 0;
}

static void write_net(vmx_buf *b, const vmx_net *n)
{
    switch (n->type) {
    case VMX_NET_USER:
        XW_LIT(b, "    <interface type='user'>\n");
        break;
    case VMX_NET_ETHERNET:
        XW_LIT(b, "    <interface type='ethernet'>\n");
        break;
    case VMX_NET_VDS:
        XW_LIT(b, "    <interface type='vds'>\n");
        break;
    case VMX_NET_NULL:
        XW_LIT(b, "    <interface type='null'>\n");
        break;
    case VMX_NET_HOSTONLY:
        /* a host-only VMware network is a named network to libvirt */
        XW_LIT(b, "    <interface type='network'>\n");
        break;
    default:
        XW_LIT(b, "    <interface type='bridge'>\n");
        break;
    }
    XW_LIT(b, "      <mac address='");
    write_mac(b, n->mac ? n->mac : "00:00:00:00:00:00");
    vmx_buf_putc(b, '\'');
    if (n->mac_type == VMX_MAC_STATIC)
        XW_LIT(b, " type='static'");
    else if (n->mac_type != VMX_MAC_UNSET) /* libvirt reads vpx as generated */
        XW_LIT(b, " type='generated'");
    if (n->mac_check_set) {
        if (n->mac_check)
            XW_LIT(b, " check='yes'");
        else
            XW_LIT(b, " check='no'");
    }
    XW_LIT(b, "/>\n");
    switch (n->type) {
    case VMX_NET_BRIDGE:
        vmx__xml_attr(b, "      <source bridge='", n->bridge);
        if (n->bridge)
            XW_LIT(b, "/>\n");
        break;
    case VMX_NET_HOSTONLY:
        vmx__xml_attr(b, "      <source network='", n->bridge);
        if (n->bridge)
            XW_LIT(b, "/>\n");
        break;
    case VMX_NET_VDS:
        XW_LIT(b, "      <source switchid='");
        vmx__xml_uuid(b, n->switch_id ? n->switch_id
                                      : "00000000-0000-0000-0000-000000000000");
        XW_LIT(b, "' portid='");
        vmx__xml_escape(b, n->port_id ? n->port_id : "0");
        vmx_buf_putc(b, '\'');
        vmx__xml_attr(b, " portgroupid='", n->portgroup_id);
        XW_LIT(b, " connectionid='");
        vmx__xml_ll(b, n->connection_id);
        XW_LIT(b, "'/>\n");
        break;
    default:
        break;
    }
    if (n->ifname && !ifname_is_generated(n->ifname)) {
        vmx__xml_attr(b, "      <target dev='", n->ifname);
        XW_LIT(b, "/>\n");
    }
    if (n->model) {
        vmx__xml_attr(b, "      <model type='", n->model);
        XW_LIT(b, "/>\n");
    }
    XW_LIT(b, "    </interface>\n");
}

static const char *chr_type_name(vmx_chr_type type)
{
    switch (type) {
    case VMX_CHR_DEV:
        return "dev";
    case VMX_CHR_FILE:
        return "file";
    case VMX_CHR_PIPE:
        return "pipe";
    case VMX_CHR_TCP:
        return "tcp";
    case VMX_CHR_UDP:
        return "udp";
    default:
        return "null";
    }
}

/* The inside of <serial>, <parallel> or <console> up to the target, as
 * virDomainChrSourceDefFormat prints it. */
static void write_chr_source(vmx_buf *b, const vmx_chr *c)
{
    switch (c->type) {
    case VMX_CHR_DEV:
    case VMX_CHR_FILE:
    case VMX_CHR_PIPE:
        vmx__xml_attr(b, "      <source path='", c->path);
        if (c->path)
            XW_LIT(b, "/>\n");
        break;
    case VMX_CHR_TCP:
        /* libvirt's spacing: " mode='%s' " "host='%s' " "service='%s'" */
        if (c->listen)
            XW_LIT(b, "      <source mode='bind' ");
        else
            XW_LIT(b, "      <source mode='connect' ");
        if (c->host) {
            vmx__xml_attr(b, "host='", c->host);
            vmx_buf_putc(b, ' ');
        }
        vmx__xml_attr(b, "service='", c->service);
        XW_LIT(b, "/>\n      <protocol type='");
        vmx__xml_escape(b, c->protocol ? c->protocol : "raw");
        XW_LIT(b, "'/>\n");
        break;
    case VMX_CHR_UDP:
        if (c->host || c->service) {
            if (c->listen)
                XW_LIT(b, "      <source mode='bind'");
            else
                XW_LIT(b, "      <source mode='connect'");
            vmx__xml_attr(b, " host='", c->host);
            vmx__xml_attr(b, " service='", c->service);
            XW_LIT(b, "/>\n");
        }
        break;
    default:
        break;
    }
}

/* A thinprint port (VMware's virtual printer) is a null port to libvirt;
 * lossless output names it in a user alias, which libvirt also prints for
 * the console copy of the first serial port. */
static int write_chr(vmx_buf *b, const char *element, size_t index, const vmx_chr *c,
                     bool console, bool lossless, vmx_error *err)
{
    if (c->type == VMX_CHR_THINPRINT && strcmp(element, "parallel") == 0) {
        char key[64];

        snprintf(key, sizeof(key), "/domain/devices/%s[%zu]", element, index + 1);
        return vmx_error_set(err, VMX_EUNSUPPORTED, NULL, 0, key,
                             "thinprint ports cannot be expressed in libvirt xml");
    }
    XW_LIT(b, "    <");
    vmx_buf_puts(b, console ? "console" : element);
    XW_LIT(b, " type='");
    vmx_buf_puts(b, chr_type_name(c->type));
    XW_LIT(b, "'>\n");
    write_chr_source(b, c);
    if (console)
        XW_LIT(b, "      <target type='serial' port='");
    else
        XW_LIT(b, "      <target port='");
    vmx__xml_ll(b, c->port);
    XW_LIT(b, "'/>\n");
    if (lossless && c->type == VMX_CHR_THINPRINT)
        vmx__xml_write_thinprint_alias(b, c);
    XW_LIT(b, "    </");
    vmx_buf_puts(b, console ? "console" : element);
    XW_LIT(b, ">\n");
    return 0;
}

static int write_graphics(vmx_buf *b, size_t index, const vmx_graphics *g, vmx_error *err)
{
    bool autoport = g->autoport || g->port < 0;

    if (g->type && strcmp(g->type, "vnc") != 0) {
        char key[64];

        snprintf(key, sizeof(key), "/domain/devices/graphics[%zu]", index + 1);
        return vmx_error_set(err, VMX_EUNSUPPORTED, NULL, 0, key,
                             "graphics type '%.64s' is not supported", g->type);
    }
    XW_LIT(b, "    <graphics type='vnc'");
    /* inactive XML shows an automatic port as -1 */
    if (autoport) {
        XW_LIT(b, " port='-1' autoport='yes'");
    } else {
        if (g->port > 0) {
            XW_LIT(b, " port='");
            vmx__xml_ll(b, g->port);
            vmx_buf_putc(b, '\'');
        }
        XW_LIT(b, " autoport='no'");
    }
    vmx__xml_attr(b, " listen='", g->listen);
    vmx__xml_attr(b, " keymap='", g->keymap);
    vmx__xml_attr(b, " passwd='", g->passwd);
    XW_LIT(b, ">\n      <listen type='address'");
    vmx__xml_attr(b, " address='", g->listen);
    XW_LIT(b, "/>\n    </graphics>\n");
    return 0;
}

static void write_video(vmx_buf *b, const vmx_video *v)
{
    XW_LIT(b, "    <video>\n      <model type='");
    /* libvirt's default video model for vmware domains */
    vmx__xml_escape(b, v->model ? v->model : "vmvga");
    vmx_buf_putc(b, '\'');
    if (v->vram_kib) {
        XW_LIT(b, " vram='");
        vmx__xml_ull(b, v->vram_kib);
        vmx_buf_putc(b, '\'');
    }
    if (v->heads) {
        XW_LIT(b, " heads='");
        vmx__xml_ull(b, v->heads);
        vmx_buf_putc(b, '\'');
    }
    if (v->primary)
        XW_LIT(b, " primary='yes'");
    XW_LIT(b, "/>\n    </video>\n");
}

int vmx__xml_write_devices(vmx_buf *b, const vmx_domain *dom, bool lossless,
                           vmx_error *err)
{
    size_t i;
    int rc;

    XW_LIT(b, "  <devices>\n");
    for (i = 0; i < dom->ndisks; i++)
        write_disk(b, &dom->disks[i]);
    for (i = 0; i < dom->ncontrollers; i++)
        write_controller(b, &dom->controllers[i]);
    for (i = 0; i < dom->nfilesystems; i++)
        write_filesystem(b, &dom->filesystems[i]);
    for (i = 0; i < dom->nnets; i++)
        write_net(b, &dom->nets[i]);
    for (i = 0; i < dom->nserials; i++)
        if ((rc = write_chr(b, "serial", i, &dom->serials[i], false, lossless, err)) < 0)
            return rc;
    for (i = 0; i < dom->nparallels; i++)
        if ((rc = write_chr(b, "parallel", i, &dom->parallels[i], false, lossless, err)) <
            0)
            return rc;
    /* libvirt adds a console for the first serial port of an hvm guest and
     * prints it as a copy of that port */
    if (dom->nserials > 0 &&
        (rc = write_chr(b, "serial", 0, &dom->serials[0], true, lossless, err)) < 0)
        return rc;
    vmx__xml_write_tpm(b, dom);
    for (i = 0; i < dom->ngraphics; i++)
        if ((rc = write_graphics(b, i, &dom->graphics[i], err)) < 0)
            return rc;
    vmx__xml_write_sounds(b, dom);
    for (i = 0; i < dom->nvideos; i++)
        write_video(b, &dom->videos[i]);
    XW_LIT(b, "  </devices>\n");
    return 0;
}
