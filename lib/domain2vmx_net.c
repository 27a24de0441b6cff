/* Network cards, serial and parallel ports -> VMX, as libvirt 9.0's
 * virVMXFormatEthernet, virVMXFormatSerial and virVMXFormatParallel do. */
#include "config.h"
#include "domain2vmx.h"

#include <string.h>

static const char hexdigits[] = "0123456789abcdef";

/* libvirt's virMacAddrParse: six groups of 1-2 hex digits joined by ':',
 * ending with the string or a control/space character. */
static int parse_mac(unsigned char mac[6], const char *s)
{
    size_t i;

    for (i = 0; i < 6; i++) {
        int v = 0, n = 0, h;

        while (n < 3 && *s) {
            if (*s >= '0' && *s <= '9')
                h = *s - '0';
            else if (*s >= 'a' && *s <= 'f')
                h = *s - 'a' + 10;
            else if (*s >= 'A' && *s <= 'F')
                h = *s - 'A' + 10;
            else
                break;
            v = v * 16 + h;
            n++;
            s++;
        }
        if (n < 1 || n > 2)
            return -1;
        mac[i] = (unsigned char)v;
        if (i == 5)
            return (unsigned char)*s <= ' ' ? 0 : -1;
        if (*s != ':')
            return -1;
        s++;
    }
    return -1;
}

static void put_mac(vmx_buf *b, const unsigned char mac[6])
{
    char tmp[17];
    size_t i, n = 0;

    for (i = 0; i < 6; i++) {
        if (i)
            tmp[n++] = ':';
        tmp[n++] = hexdigits[mac[i] >> 4];
        tmp[n++] = hexdigits[mac[i] & 15];
    }
    vmx_buf_put(b, tmp, n);
}

/* virBufferEscapeString: XML escaping of & < > ' ", and the control
 * characters 0x01-0x19 other than TAB, LF and CR dropped. libvirt uses it
 * for the DVS port group, the only escaped value of the ethernet keys. */
static void put_xml_escaped(vmx_buf *b, const char *s)
{
    const char *run = s;

    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        const char *rep;

        switch (ch) {
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '&':
            rep = "&amp;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&apos;";
            break;
        default:
            if (ch >= 0x01 && ch <= 0x19 && ch != '\t' && ch != '\n' && ch != '\r')
                rep = "";
            else
                continue;
        }
        vmx_buf_put(b, run, (size_t)(s - run));
        vmx_buf_puts(b, rep);
        run = s + 1;
    }
    vmx_buf_put(b, run, (size_t)(s - run));
}

static int put_model(vmx__d2v *c, const vmx__d2v_prefix *p, const vmx_net *n)
{
    static const char *const models[] = {"vlance",  "vmxnet", "vmxnet2",
                                         "vmxnet3", "e1000",  "e1000e"};
    size_t i;

    if (!n->model)
        return 0;
    for (i = 0; i < VMX_ARRAY_SIZE(models); i++)
        if (strcmp(n->model, models[i]) == 0)
            break;
    if (i == VMX_ARRAY_SIZE(models))
        return vmx__d2v_error(c, VMX_EUNSUPPORTED, "devices/interface/model",
                              "interface model must be 'vlance', 'vmxnet', 'vmxnet2', "
                              "'vmxnet3', 'e1000' or 'e1000e', not '%s'",
                              n->model);
    if (strcmp(n->model, "vmxnet2") == 0) {
        /* vmxnet2 is vmxnet with the "enhanced" feature bits */
        vmx__d2v_pkv(c->b, p, "virtualDev", "vmxnet");
        vmx__d2v_pkv(c->b, p, "features", "15");
    } else {
        vmx__d2v_pkv(c->b, p, "virtualDev", n->model);
    }
    return 0;
}

static int put_connection(vmx__d2v *c, const vmx__d2v_prefix *p, const vmx_net *n)
{
    vmx_buf *b = c->b;

    switch (n->type) {
    case VMX_NET_BRIDGE:
        if (!n->bridge)
            return vmx__d2v_error(c, VMX_EINVAL, "devices/interface/source",
                                  "bridge interface has no bridge name");
        vmx__d2v_pkv(b, p, "networkName", n->bridge);
        if (n->ifname) {
            vmx__d2v_pkv(b, p, "connectionType", "custom");
            vmx__d2v_pkv(b, p, "vnet", n->ifname);
        } else {
            vmx__d2v_pkv(b, p, "connectionType", "bridged");
        }
        return 0;
    case VMX_NET_USER:
        vmx__d2v_pkv(b, p, "connectionType", "nat");
        return 0;
    case VMX_NET_NULL:
        return 0;
    case VMX_NET_HOSTONLY:
        if (!c->lossless)
            break;
        if (n->bridge)
            vmx__d2v_pkv(b, p, "networkName", n->bridge);
        vmx__d2v_pkv(b, p, "connectionType", "hostonly");
        return 0;
    case VMX_NET_VDS: {
        unsigned char sw[16];
        long long port_id = 0;

        if (!n->switch_id || vmx__d2v_parse_uuid(sw, n->switch_id) < 0)
            return vmx__d2v_error(c, VMX_EINVAL, "devices/interface/source",
                                  "invalid switch id '%s'",
                                  n->switch_id ? n->switch_id : "");
        if (!n->port_id || vmx__parse_llong(&port_id, n->port_id) < 0)
            return vmx__d2v_error(c, VMX_EINVAL, "devices/interface/source",
                                  "invalid port id '%s'", n->port_id ? n->port_id : "");
        if (!n->portgroup_id)
            return vmx__d2v_error(c, VMX_EINVAL, "devices/interface/source",
                                  "distributed switch interface has no port group");
        vmx_buf_put(b, p->s, p->len);
        vmx_buf_puts(b, "dvs.switchId = \"");
        vmx__d2v_put_uuid_vmx(b, sw);
        vmx_buf_put(b, "\"\n", 2);
        vmx__d2v_pkv_ll(b, p, "dvs.portId", port_id);
        vmx_buf_put(b, p->s, p->len);
        vmx_buf_puts(b, "dvs.portgroupId = \"");
        put_xml_escaped(b, n->portgroup_id);
        vmx_buf_put(b, "\"\n", 2);
        vmx__d2v_pkv_ll(b, p, "dvs.connectionId", n->connection_id);
        return 0;
    }
    default:
        break;
    }
    return vmx__d2v_error(c, VMX_EUNSUPPORTED, "devices/interface",
                          "unsupported interface type '%s'",
                          n->type == VMX_NET_ETHERNET   ? "ethernet"
                          : n->type == VMX_NET_HOSTONLY ? "hostonly"
                                                        : "unknown");
}

/* Beyond libvirt (it refuses the domain): the MAC keys the VMX reader reads
 * the address of @n back from. Without type, the address is a generated one
 * without addressType (none at all for the zero address libvirt prints for
 * a NIC without address); checkMACAddress only when the domain has it.
 * libvirt's rules below would give a type, or checkMACAddress = "false". */
static int put_address_as_read(vmx__d2v *c, const vmx__d2v_prefix *p, const vmx_net *n,
                               const unsigned char mac[6], unsigned int nonzero)
{
    if (n->mac_type == VMX_MAC_STATIC) {
        vmx__d2v_pkv(c->b, p, "addressType", "static");
        vmx_buf_put(c->b, p->s, p->len);
        vmx_buf_puts(c->b, "address = \"");
        put_mac(c->b, mac);
        vmx_buf_put(c->b, "\"\n", 2);
    } else if (nonzero) {
        vmx_buf_put(c->b, p->s, p->len);
        vmx_buf_puts(c->b, "generatedAddress = \"");
        put_mac(c->b, mac);
        vmx_buf_put(c->b, "\"\n", 2);
    }
    if (n->mac_check_set)
        vmx__d2v_pkv(c->b, p, "checkMACAddress", n->mac_check ? "true" : "false");
    return 0;
}

/* The MAC keys. Without explicit type, the address range decides, as in
 * libvirt: 00:0c:29 generated, 00:50:56:00-3f static, 00:50:56:80-bf vpx,
 * anything else static with checkMACAddress = "false". */
static int put_address(vmx__d2v *c, const vmx__d2v_prefix *p, const vmx_net *n)
{
    unsigned char mac[6];
    unsigned int prefix, suffix;
    bool generated, vpx = false;
    vmx_tristate check = VMX_TRISTATE_UNSET;

    /* No address: libvirt's VMX parser leaves the MAC zeroed (and the XML
     * writer prints 00:00:00:00:00:00), so write what libvirt writes for it. */
    if (!n->mac)
        memset(mac, 0, sizeof(mac));
    else if (parse_mac(mac, n->mac) < 0)
        return vmx__d2v_error(c, VMX_EINVAL, "devices/interface/mac",
                              "invalid mac address '%s'", n->mac);
    prefix = (unsigned int)mac[0] << 16 | (unsigned int)mac[1] << 8 | mac[2];
    suffix = (unsigned int)mac[3] << 16 | (unsigned int)mac[4] << 8 | mac[5];
    if (c->beyond && (n->mac_type == VMX_MAC_UNSET || n->mac_type == VMX_MAC_STATIC))
        return put_address_as_read(c, p, n, mac, prefix | suffix);
    if (prefix == 0x000c29) {
        generated = true;
    } else if (prefix == 0x005056 && suffix <= 0x3fffff) {
        generated = false;
    } else if (prefix == 0x005056 && suffix >= 0x800000 && suffix <= 0xbfffff) {
        generated = true;
        vpx = true;
    } else {
        generated = false;
        check = VMX_TRISTATE_NO;
    }
    switch (n->mac_type) {
    case VMX_MAC_GENERATED:
        generated = true;
        check = VMX_TRISTATE_UNSET;
        break;
    case VMX_MAC_VPX:
        generated = true;
        vpx = true;
        check = VMX_TRISTATE_UNSET;
        break;
    case VMX_MAC_STATIC:
        generated = false;
        break;
    default:
        break;
    }
    if (n->mac_check_set)
        check = n->mac_check ? VMX_TRISTATE_YES : VMX_TRISTATE_NO;

    vmx_buf_put(c->b, p->s, p->len);
    if (generated) {
        vmx_buf_puts(c->b,
                     vpx ? "addressType = \"vpx\"\n" : "addressType = \"generated\"\n");
        vmx_buf_put(c->b, p->s, p->len);
        vmx_buf_puts(c->b, "generatedAddress = \"");
        put_mac(c->b, mac);
        vmx_buf_put(c->b, "\"\n", 2);
        if (!vpx)
            vmx__d2v_pkv(c->b, p, "generatedAddressOffset", "0");
    } else {
        vmx_buf_puts(c->b, "addressType = \"static\"\n");
        vmx_buf_put(c->b, p->s, p->len);
        vmx_buf_puts(c->b, "address = \"");
        put_mac(c->b, mac);
        vmx_buf_put(c->b, "\"\n", 2);
    }
    if (check != VMX_TRISTATE_UNSET)
        vmx__d2v_pkv(c->b, p, "checkMACAddress",
                     check == VMX_TRISTATE_YES ? "true" : "false");
    return 0;
}

int vmx__d2v_nets(vmx__d2v *c)
{
    /* libvirt allows 4 NICs before virtualHW 7 (ESX 4.0), then 10; the ten
     * ethernetN slots are written whatever the version, as a VMX file of
     * virtualHW 4 may hold them */
    size_t limit = 9;
    vmx__d2v_prefix p;
    size_t i;
    int rc;

    for (i = 0; i < c->dom->nnets; i++) {
        const vmx_net *n = &c->dom->nets[i];

        if (i > limit)
            return vmx__d2v_error(c, VMX_EUNSUPPORTED, "devices/interface",
                                  "ethernet controller index %zu out of [0..%zu] range",
                                  i, limit);
        if (i > 3 && c->hw_version < 7 &&
            (rc = vmx__d2v_beyond_libvirt(c, VMX_EUNSUPPORTED, "devices/interface",
                                          "ethernet controller index %zu out of [0..3] "
                                          "range for virtualHW.version %d",
                                          i, c->hw_version)) < 0)
            return rc;
        vmx__d2v_prefix_set(&p, "ethernet", (int)i, -1);
        vmx__d2v_pkv(c->b, &p, "present", "true");
        if ((rc = put_model(c, &p, n)) < 0 || (rc = put_connection(c, &p, n)) < 0 ||
            (rc = put_address(c, &p, n)) < 0)
            return rc;
    }
    return 0;
}

static const char *chr_type_name(vmx_chr_type t)
{
    switch (t) {
    case VMX_CHR_NULL:
        return "null";
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
    case VMX_CHR_THINPRINT:
        return "thinprint";
    default:
        return "unknown";
    }
}

static int need_path(vmx__d2v *c, const vmx_chr *chr, const char *key)
{
    if (chr->path)
        return 0;
    return vmx__d2v_error(c, VMX_EINVAL, key, "%s port %d of type '%s' has no path",
                          strcmp(key, "devices/serial") == 0 ? "serial" : "parallel",
                          chr->port, chr_type_name(chr->type));
}

static int put_serial(vmx__d2v *c, const vmx_chr *chr)
{
    static const char key[] = "devices/serial";
    vmx__d2v_prefix p;
    vmx_buf *b = c->b;
    int rc;

    if (chr->port < 0 || chr->port > 3)
        return vmx__d2v_error(c, VMX_EUNSUPPORTED, key,
                              "serial port index %d out of [0..3] range", chr->port);
    vmx__d2v_prefix_set(&p, "serial", chr->port, -1);

    switch (chr->type) {
    case VMX_CHR_DEV:
        if ((rc = need_path(c, chr, key)) < 0)
            return rc;
        vmx__d2v_pkv(b, &p, "present", "true");
        vmx__d2v_pkv(b, &p, "fileType", "device");
        vmx__d2v_pkv(b, &p, "fileName", chr->path);
        break;
    case VMX_CHR_FILE:
        if ((rc = need_path(c, chr, key)) < 0)
            return rc;
        vmx__d2v_pkv(b, &p, "present", "true");
        vmx__d2v_pkv(b, &p, "fileType", "file");
        if ((rc = vmx__d2v_put_filename(c, &p, "fileName", chr->path,
                                        "devices/serial/source")) < 0)
            return rc;
        break;
    case VMX_CHR_PIPE:
        if ((rc = need_path(c, chr, key)) < 0)
            return rc;
        vmx__d2v_pkv(b, &p, "present", "true");
        vmx__d2v_pkv(b, &p, "fileType", "pipe");
        /* libvirt writes the VI client's defaults for what XML cannot say */
        vmx__d2v_pkv(b, &p, "pipe.endPoint", "client");
        vmx__d2v_pkv(b, &p, "tryNoRxLoss", "false");
        vmx__d2v_pkv(b, &p, "fileName", chr->path);
        break;
    case VMX_CHR_TCP: {
        const char *scheme;
        const char *proto = chr->protocol ? chr->protocol : "raw";

        if (strcmp(proto, "raw") == 0)
            scheme = "tcp";
        else if (strcmp(proto, "telnet") == 0)
            scheme = "telnet";
        else if (strcmp(proto, "telnets") == 0)
            scheme = "telnets";
        else if (strcmp(proto, "tls") == 0)
            scheme = "ssl";
        else
            return vmx__d2v_error(c, VMX_EUNSUPPORTED, "devices/serial/protocol",
                                  "unsupported character device tcp protocol '%s'",
                                  proto);
        if (!chr->host || !chr->service)
            return vmx__d2v_error(c, VMX_EINVAL, "devices/serial/source",
                                  "serial port %d has no %s", chr->port,
                                  chr->host ? "service" : "host");
        vmx__d2v_pkv(b, &p, "present", "true");
        vmx__d2v_pkv(b, &p, "fileType", "network");
        vmx_buf_put(b, p.s, p.len);
        vmx_buf_puts(b, "fileName = \"");
        vmx_buf_puts(b, scheme);
        vmx_buf_put(b, "://", 3);
        vmx_buf_puts(b, chr->host);
        vmx_buf_putc(b, ':');
        vmx_buf_puts(b, chr->service);
        vmx_buf_put(b, "\"\n", 2);
        vmx__d2v_pkv(b, &p, "network.endPoint", chr->listen ? "server" : "client");
        break;
    }
    case VMX_CHR_NULL:
    case VMX_CHR_THINPRINT:
        /* libvirt refuses both. The default reader reads a virtual printer
         * port (and a port of a type it does not know) as a null port, and
         * the VMX port without backend is the virtual printer port; in
         * lossless mode a thinprint port is named (an alias), so a null
         * port is not one */
        if (chr->type == VMX_CHR_NULL && c->lossless)
            return vmx__d2v_error(c, VMX_EUNSUPPORTED, key,
                                  "unsupported character device type 'null'");
        if ((rc = vmx__d2v_beyond_libvirt(c, VMX_EUNSUPPORTED, key,
                                          "unsupported character device type '%s'",
                                          chr_type_name(chr->type))) < 0)
            return rc;
        vmx__d2v_pkv(b, &p, "present", "true");
        vmx__d2v_pkv(b, &p, "fileType", "thinprint");
        return 0;
    default:
        return vmx__d2v_error(c, VMX_EUNSUPPORTED, key,
                              "unsupported character device type '%s'",
                              chr_type_name(chr->type));
    }
    vmx__d2v_pkv(b, &p, "yieldOnMsrRead", "true");
    return 0;
}

int vmx__d2v_serials(vmx__d2v *c)
{
    size_t i;
    int rc;

    for (i = 0; i < c->dom->nserials; i++)
        if ((rc = put_serial(c, &c->dom->serials[i])) < 0)
            return rc;
    return 0;
}

static int put_parallel(vmx__d2v *c, const vmx_chr *chr)
{
    static const char key[] = "devices/parallel";
    vmx__d2v_prefix p;
    int rc;

    if (chr->port < 0 || chr->port > 2)
        return vmx__d2v_error(c, VMX_EUNSUPPORTED, key,
                              "parallel port index %d out of [0..2] range", chr->port);
    vmx__d2v_prefix_set(&p, "parallel", chr->port, -1);
    switch (chr->type) {
    case VMX_CHR_DEV:
        if ((rc = need_path(c, chr, key)) < 0)
            return rc;
        vmx__d2v_pkv(c->b, &p, "present", "true");
        vmx__d2v_pkv(c->b, &p, "fileType", "device");
        vmx__d2v_pkv(c->b, &p, "fileName", chr->path);
        return 0;
    case VMX_CHR_FILE:
        if ((rc = need_path(c, chr, key)) < 0)
            return rc;
        vmx__d2v_pkv(c->b, &p, "present", "true");
        vmx__d2v_pkv(c->b, &p, "fileType", "file");
        return vmx__d2v_put_filename(c, &p, "fileName", chr->path,
                                     "devices/parallel/source");
    default:
        return vmx__d2v_error(c, VMX_EUNSUPPORTED, key,
                              "unsupported character device type '%s'",
                              chr_type_name(chr->type));
    }
}

int vmx__d2v_parallels(vmx__d2v *c)
{
    size_t i;
    int rc;

    for (i = 0; i < c->dom->nparallels; i++)
        if ((rc = put_parallel(c, &c->dom->parallels[i])) < 0)
            return rc;
    return 0;
}
