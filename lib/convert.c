/* One-call conversions between the formats, through the domain model. */
#include "config.h"
#include "util.h"
#include "vmx2domain_private.h"
#include "vmx_config_private.h"
#include "vmxkit/convert.h"
#include "vmxkit/vmxfile.h"
#include "vmxkit/yaml.h"

#include <string.h>

vmx_format vmx_format_from_name(const char *name)
{
    if (vmx__strcasecmp(name, "vmx") == 0)
        return VMX_FORMAT_VMX;
    if (vmx__strcasecmp(name, "xml") == 0)
        return VMX_FORMAT_XML;
    if (vmx__strcasecmp(name, "yaml") == 0 || vmx__strcasecmp(name, "yml") == 0)
        return VMX_FORMAT_YAML;
    return VMX_FORMAT_UNKNOWN;
}

vmx_format vmx_format_from_path(const char *path)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');

    if (!dot || (slash && dot < slash))
        return VMX_FORMAT_UNKNOWN;
    return vmx_format_from_name(dot + 1);
}

const char *vmx_format_extension(vmx_format fmt)
{
    switch (fmt) {
    case VMX_FORMAT_VMX:
        return "vmx";
    case VMX_FORMAT_XML:
        return "xml";
    case VMX_FORMAT_YAML:
        return "yaml";
    default:
        return "";
    }
}

/* VMX -> domain in one read of the text, when that surely gives what the
 * config path gives: the file layer would accept the text (it would only hand
 * the same bytes back to the converter's libvirt-compatible reader), and the
 * libvirt-compatible conversion succeeds (so there is nothing for the
 * tolerant path to repair) with neither lossless mode nor an unmapped-key
 * callback (which read the config). Anything else takes the config path. */
static int read_vmx_fast(vmx_domain **dom, const char *in, size_t inlen,
                         const char *source, const vmx_convert_options *opts,
                         vmx_error *err)
{
    vmx_error e = VMX_ERROR_INIT;
    int rc;

    if (opts->version != VMX_CONVERT_OPTIONS_VERSION ||
        (opts->flags & VMX_CONVERT_LOSSLESS) || opts->on_unmapped ||
        vmx__config_check(in, inlen) != 0)
        return 1;
    rc = v2d_convert_text(dom, in, inlen, source, opts, &e);
    if (rc == VMX_ENOMEM)
        return vmx_error_set(err, rc, NULL, 0, NULL, "out of memory");
    return rc == 0 ? 0 : 1; /* 1: the config path reports or repairs */
}

static int read_domain(vmx_domain **dom, const char *in, size_t inlen, const char *source,
                       vmx_format from, const vmx_convert_options *opts, vmx_error *err)
{
    vmx_config *cfg = NULL;
    int rc;

    switch (from) {
    case VMX_FORMAT_VMX:
        if ((rc = read_vmx_fast(dom, in, inlen, source, opts, err)) <= 0)
            return rc;
        if ((rc = vmx_config_parse(&cfg, in, inlen, source, NULL, err)) == 0)
            rc = vmx_domain_from_vmx(dom, cfg, opts, err);
        vmx_config_free(cfg);
        return rc;
    case VMX_FORMAT_XML:
        return vmx_domain_from_xml(dom, in, inlen, source, opts, err);
    case VMX_FORMAT_YAML:
        return vmx_domain_from_yaml(dom, in, inlen, source, opts, err);
    default:
        return vmx_error_set(err, VMX_EINVAL, source, 0, NULL, "unknown input format");
    }
}

int vmx_convert(char **out, size_t *outlen, const char *in, size_t inlen, const char *source,
                vmx_format from, vmx_format to, const vmx_convert_options *opts,
                vmx_error *err)
{
    vmx_convert_options defaults = VMX_CONVERT_OPTIONS_INIT;
    vmx_domain *dom = NULL;
    int rc;

    *out = NULL;
    if (!opts)
        opts = &defaults;
    if ((rc = read_domain(&dom, in, inlen, source, from, opts, err)) < 0)
        goto out;
    switch (to) {
    case VMX_FORMAT_VMX:
        rc = vmx_domain_to_vmx(out, outlen, dom, opts, err);
        break;
    case VMX_FORMAT_XML:
        rc = vmx_domain_to_xml(out, outlen, dom, opts, err);
        break;
    case VMX_FORMAT_YAML:
        rc = vmx_domain_to_yaml(out, outlen, dom, opts, err);
        break;
    default:
        rc = vmx_error_set(err, VMX_EINVAL, source, 0, NULL, "unknown output format");
        break;
    }
out:
    vmx_domain_free(dom);
    return rc;
}
