/* VMX -> domain: serial ports (serial0..3) and parallel ports (parallel0..2),
 * as libvirt 9.0's virVMXParseSerial and virVMXParseParallel.
 *
 * serialN.fileType: absent/"device" -> dev, "file" -> file (datastore
 * mapping), "pipe" -> pipe, "network" -> tcp from the URI in fileName:
 *   tcp, tcp4, tcp6 (or no scheme)   -> protocol raw
 *   telnet / telnets                 -> telnet / telnets
 *   ssl, tcp+ssl, tcp4+ssl, tcp6+ssl -> tls
 * with network.endPoint "server" (default, mode bind) or "client".
 * VMware's "thinprint" virtual printer port is refused, as libvirt does. */
#include "config.h"
#include "vmx2domain_private.h"

#include <stdio.h>
#include <string.h>

#include <libxml/uri.h>

static const struct {
    const char *scheme;
    const char *protocol;
} schemes[] = {
    {"tcp", "raw"},       {"tcp4", "raw"},        {"tcp6", "raw"},
    {"telnet", "telnet"}, {"telnets", "telnets"}, {"ssl", "tls"},
    {"tcp+ssl", "tls"},   {"tcp4+ssl", "tls"},    {"tcp6+ssl", "tls"},
};

/* fileType "network": libvirt parses the URI with libxml2 (virURIParse),
 * removing the brackets of an IPv6 host. */
static int parse_network(v2d_ctx *ctx, vmx_chr *chr, const char *key_name,
                         const char *key_endpoint, const char *uri, const char *endpoint)
{
    xmlURIPtr u = NULL;
    const char *protocol = NULL;
    char service[16];
    size_t i;
    int rc = 0;

    if (!uri)
        return v2d_error(ctx, VMX_EINVAL, key_name, "missing value");
    if (!(u = xmlParseURI(uri)))
        return v2d_error(ctx, VMX_EINVAL, key_name, "invalid uri '%s'", uri);
    if (u->port == 0) {
        rc = v2d_error(ctx, VMX_EINVAL, key_name, "uri '%s' has no port", uri);
        goto out;
    }
    if (u->server) {
        size_t n = strlen(u->server);

        if (n >= 2 && u->server[0] == '[') {
            memmove(u->server, u->server + 1, n - 2);
            u->server[n - 2] = '\0';
        }
    }
    if ((rc = v2d_strdup(ctx, &chr->host, u->server)) < 0)
        goto out;
    snprintf(service, sizeof(service), "%d", u->port);
    if ((rc = v2d_strdup(ctx, &chr->service, service)) < 0)
        goto out;
    if (!u->scheme)
        protocol = "raw";
    for (i = 0; i < VMX_ARRAY_SIZE(schemes) && !protocol; i++)
        if (v2d_streq_ci(u->scheme, schemes[i].scheme))
            protocol = schemes[i].protocol;
    if (!protocol) {
        rc = v2d_error(ctx, VMX_EUNSUPPORTED, key_name,
                       "uri scheme '%s' is not supported", u->scheme);
        goto out;
    }
    if ((rc = v2d_strdup(ctx, &chr->protocol, protocol)) < 0)
        goto out;
    if (!endpoint || v2d_streq_ci(endpoint, "server"))
        chr->listen = true;
    else if (v2d_streq_ci(endpoint, "client"))
        chr->listen = false;
    else
        rc = v2d_error(ctx, VMX_EINVAL, key_endpoint,
                       "invalid value '%s', 'server' or 'client' is needed", endpoint);
out:
    xmlFreeURI(u);
    return rc;
}

static int parse_serial(v2d_ctx *ctx, int port)
{
    char name[32], key[5][48];
    const char *file_type, *file_name, *endpoint;
    bool present, start;
    vmx_chr *chr;
    int rc;

    v2d_device_name(name, "serial", port, -1);
    v2d_key_join(key[0], sizeof(key[0]), name, "present");
    v2d_key_join(key[1], sizeof(key[1]), name, "startConnected");
    v2d_key_join(key[2], sizeof(key[2]), name, "fileType");
    v2d_key_join(key[3], sizeof(key[3]), name, "fileName");
    v2d_key_join(key[4], sizeof(key[4]), name, "network.endPoint");
    if ((rc = v2d_get_bool(ctx, key[0], &present, false, true)) < 0 ||
        (rc = v2d_get_bool(ctx, key[1], &start, true, true)) < 0 || !present)
        return rc;
    if ((rc = v2d_get_string(ctx, key[2], &file_type, true)) < 0 ||
        (rc = v2d_get_string(ctx, key[3], &file_name, true)) < 0 ||
        (rc = v2d_get_string(ctx, key[4], &endpoint, true)) < 0)
        return rc;
    if (!(chr = vmx_domain_add_serial(ctx->dom)))
        return v2d_nomem(ctx);
    chr->port = port;

    /* VMware omits fileType for a host device */
    if (!file_type || v2d_streq_ci(file_type, "device")) {
        chr->type = VMX_CHR_DEV;
        return v2d_strdup(ctx, &chr->path, file_name);
    }
    if (v2d_streq_ci(file_type, "file")) {
        /* libvirt crashes on a missing file name here; this is an error */
        chr->type = VMX_CHR_FILE;
        return v2d_file_name(ctx, key[3], file_name, false, &chr->path);
    }
    if (v2d_streq_ci(file_type, "pipe")) {
        /* client/server and VM/application pipes look the same in libvirt */
        chr->type = VMX_CHR_PIPE;
        return v2d_strdup(ctx, &chr->path, file_name);
    }
    if (v2d_streq_ci(file_type, "network")) {
        chr->type = VMX_CHR_TCP;
        return parse_network(ctx, chr, key[3], key[4], file_name, endpoint);
    }
    return v2d_error(ctx, VMX_EUNSUPPORTED, key[2],
                     "file type '%s' is not supported, 'device', 'file', 'pipe' or "
                     "'network' is needed",
                     file_type);
}

int v2d_parse_serials(v2d_ctx *ctx)
{
    int port, rc;

    /* a port with no serialN. key reads as absent (see v2d_present) */
    for (port = 0; port < 4; port++)
        if ((ctx->present.serial & (1u << port)) && (rc = parse_serial(ctx, port)) < 0)
            return rc;
    return 0;
}

static int parse_parallel(v2d_ctx *ctx, int port)
{
    char name[32], key[4][48];
    const char *file_type, *file_name;
    bool present, start;
    vmx_chr *chr;
    int rc;

    v2d_device_name(name, "parallel", port, -1);
    v2d_key_join(key[0], sizeof(key[0]), name, "present");
    v2d_key_join(key[1], sizeof(key[1]), name, "startConnected");
    v2d_key_join(key[2], sizeof(key[2]), name, "fileType");
    v2d_key_join(key[3], sizeof(key[3]), name, "fileName");
    if ((rc = v2d_get_bool(ctx, key[0], &present, false, true)) < 0 ||
        (rc = v2d_get_bool(ctx, key[1], &start, true, true)) < 0 || !present)
        return rc;
    if ((rc = v2d_get_string(ctx, key[2], &file_type, false)) < 0 ||
        (rc = v2d_get_string(ctx, key[3], &file_name, false)) < 0)
        return rc;
    if (!(chr = vmx_domain_add_parallel(ctx->dom)))
        return v2d_nomem(ctx);
    chr->port = port;
    if (v2d_streq_ci(file_type, "device")) {
        chr->type = VMX_CHR_DEV;
        return v2d_strdup(ctx, &chr->path, file_name);
    }
    if (v2d_streq_ci(file_type, "file")) {
        chr->type = VMX_CHR_FILE;
        return v2d_file_name(ctx, key[3], file_name, false, &chr->path);
    }
    return v2d_error(ctx, VMX_EUNSUPPORTED, key[2],
                     "file type '%s' is not supported, 'device' or 'file' is needed",
                     file_type);
}

int v2d_parse_parallels(v2d_ctx *ctx)
{
    int port, rc;

    for (port = 0; port < 3; port++)
        if ((ctx->present.parallel & (1u << port)) &&
            (rc = parse_parallel(ctx, port)) < 0)
            return rc;
    return 0;
}
