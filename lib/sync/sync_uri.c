/* Connection URIs as libvirt's ESX driver takes them:
 *   esx://[user@]host[:port]/[?params]
 *   vpx://[user@]vcenter[:port]/[folder/...]dc/[folder/...][cluster/]host[?params]
 *   gsx://[user@]host[:port]/[?params]
 * with params transport=http|https, no_verify=0|1, auto_answer=0|1,
 * proxy=[type://]host[:port], and, beyond libvirt, thumbprint= and cafile=. */
#include "config.h"
#include "sync_private.h"

#include <string.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = vmx__ascii_lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Percent-decode [s, s+n) into a new string. */
static int decode(char **out, const char *s, size_t n, const char *what, vmx_error *err)
{
    char *p = vmx__malloc(n + 1);
    size_t i, o = 0;

    *out = NULL;
    if (!p)
        return vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
    for (i = 0; i < n; i++) {
        if (s[i] == '%') {
            int a = i + 1 < n ? hexval(s[i + 1]) : -1;
            int b = i + 2 < n ? hexval(s[i + 2]) : -1;
            int h = (a >= 0 && b >= 0) ? a * 16 + b : -1;

            if (h <= 0) {
                vmx__free(p);
                return vmx_error_set(err, VMX_EINVAL, NULL, 0, what,
                                     "invalid percent escape in the URI");
            }
            p[o++] = (char)h;
            i += 2;
        } else {
            p[o++] = s[i];
        }
    }
    p[o] = '\0';
    *out = p;
    return 0;
}

static int parse_bool(bool *out, const char *name, const char *v, vmx_error *err)
{
    if (strcmp(v, "0") == 0)
        *out = false;
    else if (strcmp(v, "1") == 0)
        *out = true;
    else
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, name,
                             "URI parameter %s must be 0 or 1, not '%s'", name, v);
    return 0;
}

int vmx__thumbprint_normalize(char **out, const char *in, vmx_error *err)
{
    size_t n = strlen(in), i, o = 0;
    char *p = vmx__malloc(n + 1);

    *out = NULL;
    if (!p)
        return vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
    for (i = 0; i < n; i++) {
        if (in[i] == ':')
            continue;
        if (hexval(in[i]) < 0) {
            vmx__free(p);
            return vmx_error_set(err, VMX_EINVAL, NULL, 0, "thumbprint",
                                 "thumbprint is not hexadecimal");
        }
        p[o++] = (in[i] >= 'a' && in[i] <= 'f') ? (char)(in[i] - 'a' + 'A') : in[i];
    }
    p[o] = '\0';
    if (o != 40 && o != 64) {
        vmx__free(p);
        return vmx_error_set(
            err, VMX_EINVAL, NULL, 0, "thumbprint",
            "thumbprint must be a SHA-1 (40 hex digits) or SHA-256 (64 hex "
            "digits) digest, got %zu digits",
            o);
    }
    *out = p;
    return 0;
}

static int check_proxy(const char *v, vmx_error *err)
{
    static const char *const schemes[] = {"http://", "socks://", "socks4://",
                                          "socks4a://", "socks5://"};
    const char *rest = v, *colon;
    size_t i;

    for (i = 0; i < VMX_ARRAY_SIZE(schemes); i++) {
        if (vmx__str_has_prefix_ci(v, schemes[i])) {
            rest = v + strlen(schemes[i]);
            break;
        }
    }
    if (i == VMX_ARRAY_SIZE(schemes) && strstr(v, "://"))
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, "proxy",
                             "proxy type must be http, socks, socks4, socks4a or socks5");
    if (!*rest || strchr(rest, '/'))
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, "proxy",
                             "proxy must be [type://]host[:port]");
    colon = strrchr(rest, ':');
    if (colon) {
        long long port;

        if (vmx__parse_llong(&port, colon + 1) < 0 || port < 1 || port > 65535)
            return vmx_error_set(err, VMX_EINVAL, NULL, 0, "proxy", "invalid proxy port");
    }
    return 0;
}

static int parse_param(vmx__uri *u, bool *transport_set, const char *name, const char *v,
                       vmx_error *err)
{
    if (strcmp(name, "transport") == 0) {
        if (strcmp(v, "https") == 0)
            u->https = true;
        else if (strcmp(v, "http") == 0)
            u->https = false;
        else
            return vmx_error_set(err, VMX_EINVAL, NULL, 0, name,
                                 "transport must be http or https, not '%s'", v);
        *transport_set = true;
        return 0;
    }
    if (strcmp(name, "no_verify") == 0)
        return parse_bool(&u->no_verify, name, v, err);
    if (strcmp(name, "auto_answer") == 0)
        return parse_bool(&u->auto_answer, name, v, err);
    if (strcmp(name, "proxy") == 0) {
        int rc = check_proxy(v, err);

        if (rc < 0)
            return rc;
        vmx__free(u->proxy);
        u->proxy = vmx__strdup(v);
        return u->proxy ? 0
                        : vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
    }
    if (strcmp(name, "thumbprint") == 0) {
        vmx__free(u->thumbprint);
        u->thumbprint = NULL;
        return vmx__thumbprint_normalize(&u->thumbprint, v, err);
    }
    if (strcmp(name, "cafile") == 0) {
        vmx__free(u->cafile);
        u->cafile = vmx__strdup(v);
        return u->cafile ? 0
                         : vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
    }
    return vmx_error_set(err, VMX_EINVAL, NULL, 0, name, "unknown URI parameter '%s'",
                         name);
}

static int parse_query(vmx__uri *u, bool *transport_set, const char *q, vmx_error *err)
{
    int rc = 0;

    while (*q && rc == 0) {
        const char *end = strchr(q, '&'), *eq;
        size_t n = end ? (size_t)(end - q) : strlen(q);
        char *name = NULL, *value = NULL;

        eq = memchr(q, '=', n);
        if (n == 0) {
            q += end ? 1 : 0;
            continue;
        }
        if (!eq)
            return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL,
                                 "URI parameter '%.*s' has no value", (int)n, q);
        if ((rc = decode(&name, q, (size_t)(eq - q), NULL, err)) == 0 &&
            (rc = decode(&value, eq + 1, n - (size_t)(eq - q) - 1, name, err)) == 0)
            rc = parse_param(u, transport_set, name, value, err);
        vmx__free(name);
        vmx__free(value);
        q += n + (end ? 1 : 0);
    }
    return rc;
}

int vmx__uri_parse(vmx__uri *u, const char *uri, vmx_error *err)
{
    const char *p, *auth, *auth_end, *at, *hostp, *colon, *q;
    bool transport_set = false;
    int rc;

    memset(u, 0, sizeof(*u));
    u->https = true;
    p = strstr(uri, "://");
    if (!p)
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL,
                             "URI '%s' has no scheme (esx://, vpx:// or gsx://)", uri);
    if (!(u->scheme = vmx__strndup(uri, (size_t)(p - uri))))
        goto nomem;
    if (strcmp(u->scheme, "esx") != 0 && strcmp(u->scheme, "vpx") != 0 &&
        strcmp(u->scheme, "gsx") != 0) {
        rc = vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL,
                           "unsupported URI scheme '%s' (esx, vpx or gsx)", u->scheme);
        goto fail;
    }
    auth = p + 3;
    auth_end = auth + strcspn(auth, "/?");
    at = NULL;
    for (p = auth; p < auth_end; p++)
        if (*p == '@')
            at = p;
    hostp = auth;
    if (at) {
        if ((rc = decode(&u->user, auth, (size_t)(at - auth), "user", err)) < 0)
            goto fail;
        if (strchr(u->user, ':')) {
            rc = vmx_error_set(err, VMX_EINVAL, NULL, 0, "user",
                               "the URI must not hold a password: use VMXKIT_PASSWORD or "
                               "--password-file");
            goto fail;
        }
        hostp = at + 1;
    }
    colon = NULL;
    if (*hostp == '[') {
        const char *close = memchr(hostp, ']', (size_t)(auth_end - hostp));

        if (!close) {
            rc = vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL,
                               "unterminated IPv6 address");
            goto fail;
        }
        if (!(u->host = vmx__strndup(hostp + 1, (size_t)(close - hostp - 1))))
            goto nomem;
        if (close + 1 < auth_end && close[1] == ':')
            colon = close + 1;
    } else {
        colon = memchr(hostp, ':', (size_t)(auth_end - hostp));
        if (!(u->host =
                  vmx__strndup(hostp, (size_t)((colon ? colon : auth_end) - hostp))))
            goto nomem;
    }
    if (!*u->host) {
        rc = vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL, "URI '%s' names no host", uri);
        goto fail;
    }
    if (colon) {
        char *port = vmx__strndup(colon + 1, (size_t)(auth_end - colon - 1));
        long long v;

        if (!port)
            goto nomem;
        rc = vmx__parse_llong(&v, port);
        vmx__free(port);
        if (rc < 0 || v < 1 || v > 65535) {
            rc = vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL, "invalid port in URI '%s'",
                               uri);
            goto fail;
        }
        u->port = (int)v;
    }
    p = auth_end;
    q = strchr(p, '?');
    {
        const char *ps = p, *pe = q ? q : p + strlen(p);

        while (ps < pe && *ps == '/')
            ps++;
        while (pe > ps && pe[-1] == '/')
            pe--;
        if ((rc = decode(&u->path, ps, (size_t)(pe - ps), "path", err)) < 0)
            goto fail;
    }
    if (q && (rc = parse_query(u, &transport_set, q + 1, err)) < 0)
        goto fail;
    if (strcmp(u->scheme, "vpx") == 0 && !*u->path) {
        rc = vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL,
                           "vpx URI needs a path: vpx://vcenter/[folder/...]datacenter/"
                           "[folder/...][cluster/]host");
        goto fail;
    }
    if (strcmp(u->scheme, "vpx") != 0 && *u->path) {
        rc = vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL,
                           "%s URI takes no path, only a host", u->scheme);
        goto fail;
    }
    if (u->port == 0) {
        if (strcmp(u->scheme, "gsx") == 0)
            u->port = u->https ? 8333 : 8222;
        else
            u->port = u->https ? 443 : 80;
    }
    (void)transport_set;
    return 0;
nomem:
    rc = vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
fail:
    vmx__uri_dispose(u);
    return rc;
}

void vmx__uri_dispose(vmx__uri *u)
{
    if (!u)
        return;
    vmx__free(u->scheme);
    vmx__free(u->user);
    vmx__free(u->host);
    vmx__free(u->path);
    vmx__free(u->proxy);
    vmx__free(u->thumbprint);
    vmx__free(u->cafile);
    memset(u, 0, sizeof(*u));
}
