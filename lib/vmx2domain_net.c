/* VMX -> domain: ethernet adapters, as libvirt 9.0's virVMXParseEthernet.
 *
 *   connectionType  absent/"bridged" -> type bridge, source = networkName
 *                   (absent with no networkName -> type null)
 *                   "custom"  -> type bridge + target dev = vnet
 *                   "nat"     -> type user
 *                   "hostonly" is refused, as libvirt does
 *   dvs.switchId    -> type vds (switch, port group, port, connection ids)
 *   addressType     absent/"generated"/"vpx" -> generatedAddress,
 *                   "static" -> address
 *   virtualDev      vlance, vmxnet (vmxnet2 when features = 15), vmxnet3,
 *                   e1000, e1000e */
#include "config.h"
#include "vmx2domain_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hexdigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* libvirt's virMacAddrParse: six groups of one or two hex digits separated
 * by ':'; after the last group any byte up to ' ' (or a non-ASCII byte,
 * char being signed) may follow. */
static bool mac_parse(const char *s, char out[18])
{
    unsigned char mac[6];
    int i;

    for (i = 0; i < 6; i++) {
        int n = 0, v = 0;

        while (hexdigit(s[n]) >= 0 && n < 3)
            v = v * 16 + hexdigit(s[n++]);
        if (n < 1 || n > 2)
            return false;
        mac[i] = (unsigned char)v;
        s += n;
        if (i == 5)
            break;
        if (*s != ':')
            return false;
        s++;
    }
    if ((signed char)*s > ' ')
        return false;
    for (i = 0; i < 6; i++) {
        out[i * 3] = "0123456789abcdef"[mac[i] >> 4];
        out[i * 3 + 1] = "0123456789abcdef"[mac[i] & 15];
        out[i * 3 + 2] = i < 5 ? ':' : '\0';
    }
    return true;
}

static const struct {
    const char *vmx;
    const char *model;
} net_models[] = {
    {"vlance", "vlance"}, {"vmxnet", "vmxnet"}, {"vmxnet3", "vmxnet3"},
    {"e1000", "e1000"},   {"e1000e", "e1000e"},
};

#define NKEYS 15
enum {
    K_PRESENT,
    K_START,
    K_CONNTYPE,
    K_ADDRTYPE,
    K_GENADDR,
    K_CHECKMAC,
    K_ADDR,
    K_VDEV,
    K_FEATURES,
    K_NETNAME,
    K_VNET,
    K_SWITCH,
    K_PORT,
    K_PORTGROUP,
    K_CONNID
};

static int parse_ethernet(v2d_ctx *ctx, long long n)
{
    static const char *const names[NKEYS] = {"present",
                                             "startConnected",
                                             "connectionType",
                                             "addressType",
                                             "generatedAddress",
                                             "checkMACAddress",
                                             "address",
                                             "virtualDev",
                                             "features",
                                             "networkName",
                                             "vnet",
                                             "dvs.switchId",
                                             "dvs.portId",
                                             "dvs.portgroupId",
                                             "dvs.connectionId"};
    char name[32], key[NKEYS][64], mac[18] = "", uuid[37];
    const char *conn, *addr_type, *gen, *check, *addr, *vdev,
        *netname = NULL, *vnet = NULL, *sw, *portgroup;
    const char *model = NULL;
    long long features, port_id, conn_id;
    bool present, start, have_mac = false;
    vmx_mac_type mac_type = VMX_MAC_UNSET;
    vmx_net *net;
    size_t i;
    int rc;

    v2d_device_name(name, "ethernet", (int)n, -1); /* n <= INT_MAX */
    for (i = 0; i < NKEYS; i++)
        v2d_key_join(key[i], sizeof(key[i]), name, names[i]);
    if ((rc = v2d_get_bool(ctx, key[K_PRESENT], &present, false, true)) < 0 ||
        (rc = v2d_get_bool(ctx, key[K_START], &start, true, true)) < 0 || !present)
        return rc;

    if ((rc = v2d_get_string(ctx, key[K_CONNTYPE], &conn, true)) < 0 ||
        (rc = v2d_get_string(ctx, key[K_ADDRTYPE], &addr_type, true)) < 0 ||
        (rc = v2d_get_string(ctx, key[K_GENADDR], &gen, true)) < 0 ||
        (rc = v2d_get_string(ctx, key[K_ADDR], &addr, true)) < 0 ||
        (rc = v2d_get_string(ctx, key[K_CHECKMAC], &check, true)) < 0)
        return rc;

    /* MAC address */
    if (!addr_type || v2d_streq_ci(addr_type, "generated") ||
        v2d_streq_ci(addr_type, "vpx")) {
        if (gen && !(have_mac = mac_parse(gen, mac)))
            return v2d_error(ctx, VMX_EINVAL, key[K_GENADDR],
                             "invalid value '%s', a mac address is needed", gen);
        if (addr_type) /* libvirt reads vpx addresses as generated ones */
            mac_type = VMX_MAC_GENERATED;
    } else if (v2d_streq_ci(addr_type, "static")) {
        if (addr && !(have_mac = mac_parse(addr, mac)))
            return v2d_error(ctx, VMX_EINVAL, key[K_ADDR],
                             "invalid value '%s', a mac address is needed", addr);
        mac_type = VMX_MAC_STATIC;
    } else {
        return v2d_error(ctx, VMX_EINVAL, key[K_ADDRTYPE],
                         "invalid value '%s', 'generated', 'static' or 'vpx' is needed",
                         addr_type);
    }

    /* model */
    if ((rc = v2d_get_string(ctx, key[K_VDEV], &vdev, true)) < 0 ||
        (rc = v2d_get_long(ctx, key[K_FEATURES], &features, 0, true)) < 0)
        return rc;
    if (vdev) {
        for (i = 0; i < VMX_ARRAY_SIZE(net_models) && !model; i++)
            if (v2d_streq_ci(vdev, net_models[i].vmx))
                model = net_models[i].model;
        if (!model)
            return v2d_error(ctx, VMX_EINVAL, key[K_VDEV],
                             "invalid value '%s', 'vlance', 'vmxnet', 'vmxnet3', 'e1000' "
                             "or 'e1000e' is needed",
                             vdev);
        if (strcmp(model, "vmxnet") == 0 && features == 15)
            model = "vmxnet2";
    }

    /* connection: bridged and custom need a network name, custom a vnet */
    if ((!conn || v2d_streq_ci(conn, "bridged") || v2d_streq_ci(conn, "custom")) &&
        (rc = v2d_get_string(ctx, key[K_NETNAME], &netname, conn == NULL)) < 0)
        return rc;
    if (conn && v2d_streq_ci(conn, "custom") &&
        (rc = v2d_get_string(ctx, key[K_VNET], &vnet, false)) < 0)
        return rc;
    if ((rc = v2d_get_string(ctx, key[K_SWITCH], &sw, true)) < 0)
        return rc;

    if (!(net = vmx_domain_add_net(ctx->dom)))
        return v2d_nomem(ctx);
    net->mac_type = mac_type;
    if (check) {
        net->mac_check_set = true;
        net->mac_check = strcmp(check, "true") == 0; /* case-sensitive, as libvirt */
    }
    if ((have_mac && (rc = v2d_strdup(ctx, &net->mac, mac)) < 0) ||
        (rc = v2d_strdup(ctx, &net->model, model)) < 0)
        return rc;

    if (sw) {
        char buf[32];

        net->type = VMX_NET_VDS;
        if (!v2d_uuid_parse(sw, uuid))
            return v2d_error(ctx, VMX_EINVAL, key[K_SWITCH], "invalid uuid '%s'", sw);
        if ((rc = v2d_strdup(ctx, &net->switch_id, uuid)) < 0 ||
            (rc = v2d_get_string(ctx, key[K_PORTGROUP], &portgroup, false)) < 0 ||
            (rc = v2d_strdup(ctx, &net->portgroup_id, portgroup)) < 0 ||
            (rc = v2d_get_long(ctx, key[K_PORT], &port_id, 0, false)) < 0 ||
            (rc = v2d_get_long(ctx, key[K_CONNID], &conn_id, 0, false)) < 0)
            return rc;
        snprintf(buf, sizeof(buf), "%lld", port_id);
        if ((rc = v2d_strdup(ctx, &net->port_id, buf)) < 0)
            return rc;
        net->connection_id = conn_id;
    } else if (!conn && !netname) {
        net->type = VMX_NET_NULL;
    } else if (!conn || v2d_streq_ci(conn, "bridged")) {
        net->type = VMX_NET_BRIDGE;
        if ((rc = v2d_strdup(ctx, &net->bridge, netname)) < 0)
            return rc;
    } else if (v2d_streq_ci(conn, "hostonly")) {
        return v2d_error(ctx, VMX_EUNSUPPORTED, key[K_CONNTYPE],
                         "connection type 'hostonly' is not supported");
    } else if (v2d_streq_ci(conn, "nat")) {
        net->type = VMX_NET_USER;
    } else if (v2d_streq_ci(conn, "custom")) {
        net->type = VMX_NET_BRIDGE;
        if ((rc = v2d_strdup(ctx, &net->bridge, netname)) < 0 ||
            (rc = v2d_strdup(ctx, &net->ifname, vnet)) < 0)
            return rc;
    } else {
        return v2d_error(
            ctx, VMX_EINVAL, key[K_CONNTYPE],
            "invalid value '%s', 'bridged', 'custom', 'nat' or 'hostonly' is "
            "needed",
            conn);
    }
    return 0;
}

int v2d_parse_ethernets(v2d_ctx *ctx)
{
    long long *idx = NULL;
    size_t n = 0, i;
    int rc;

    /* libvirt walks 0 .. the highest index of any ethernet key; an adapter
     * needs its ethernetN.present key, so walking the indices that occur in
     * keys visits the same adapters in the same order */
    if ((rc = v2d_key_indices(ctx, "ethernet", &idx, &n, NULL)) < 0)
        return rc;
    for (i = 0; i < n && rc == 0; i++)
        rc = parse_ethernet(ctx, idx[i]);
    vmx__free(idx);
    return rc;
}
