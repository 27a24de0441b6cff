/* VMX -> domain: the entry point and the general settings (identity,
 * memory, CPUs, OS, graphics, video, shared folders, firmware), in the order
 * and with the checks of libvirt 9.0's virVMXParseConfig. Devices are in
 * vmx2domain_disk.c, vmx2domain_net.c and vmx2domain_serial.c. */
#include "config.h"
#include "vmx2domain_private.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "vmx_config_private.h"
#include "vmxkit/escape.h"
#include "vmxkit/io.h"

/* libvirt's VIR_DOMAIN_CPUMASK_LEN: the highest CPU number + 1 of a cpuset */
#define CPUMASK_LEN 16384

#define ZERO_UUID "00000000-0000-0000-0000-000000000000"

/* displayName is percent- then pipe-unescaped, annotation pipe-unescaped;
 * like libvirt, an escape character not followed by two hex digits is an
 * error. */
static int unescape(v2d_ctx *ctx, const char *key, char **s, bool percent)
{
    vmx_unescape_report rep;
    vmx_error e = VMX_ERROR_INIT;
    char *out = NULL;
    int rc;

    if (!strchr(*s, percent ? '%' : '|'))
        return 0; /* nothing to decode: the text stays as it is */
    memset(&rep, 0, sizeof(rep));
    rc = percent ? vmx_unescape_percent(&out, *s, VMX_UNESCAPE_LENIENT, &rep, &e)
                 : vmx_unescape_pipe(&out, *s, VMX_UNESCAPE_LENIENT, &rep, &e);
    if (rc == VMX_ENOMEM)
        return v2d_nomem(ctx);
    if (rc < 0 || rep.kept > 0) {
        vmx_free(out);
        return v2d_error(ctx, VMX_EINVAL, key, "invalid escape sequence in '%s'", *s);
    }
    vmx__free(*s);
    *s = NULL;
    rc = v2d_strdup(ctx, s, out);
    vmx_free(out);
    return rc;
}

static int parse_identity(v2d_ctx *ctx)
{
    vmx_domain *dom = ctx->dom;
    char uuid[37];
    const char *s;
    long long vmid[2];
    bool found;
    int rc;

    /* vmx:uuid.bios; a definition always has a UUID, all zero when unset */
    if ((rc = v2d_get_uuid(ctx, "uuid.bios", uuid, &found)) < 0 ||
        (rc = v2d_strdup(ctx, &dom->uuid, found ? uuid : ZERO_UUID)) < 0)
        return rc;

    if ((rc = v2d_get_string(ctx, "displayName", &s, true)) < 0 ||
        (rc = v2d_strdup(ctx, &dom->name, s)) < 0)
        return rc;
    if (dom->name && ((rc = unescape(ctx, "displayName", &dom->name, true)) < 0 ||
                      (rc = unescape(ctx, "displayName", &dom->name, false)) < 0))
        return rc;

    /* vmx:vm.genid + vm.genidX, two signed 64-bit halves */
    if ((rc = v2d_get_long(ctx, "vm.genid", &vmid[0], 0, true)) < 0 ||
        (rc = v2d_get_long(ctx, "vm.genidX", &vmid[1], 0, true)) < 0)
        return rc;
    if (vmid[0] != 0 || vmid[1] != 0) {
        char hex[33];

        snprintf(hex, sizeof(hex), "%016llx%016llx", (unsigned long long)vmid[0],
                 (unsigned long long)vmid[1]);
        if (!v2d_uuid_parse(hex, uuid))
            return v2d_error(ctx, VMX_EINVAL, "vm.genid", "invalid generation id");
        if ((rc = v2d_strdup(ctx, &dom->genid, uuid)) < 0)
            return rc;
    }

    if ((rc = v2d_get_string(ctx, "annotation", &s, true)) < 0 ||
        (rc = v2d_strdup(ctx, &dom->description, s)) < 0)
        return rc;
    if (dom->description &&
        (rc = unescape(ctx, "annotation", &dom->description, false)) < 0)
        return rc;
    return 0;
}

/* A MiB count as KiB, capped at @p max_kib (both libvirt clamps). */
static unsigned long long mib_to_kib_capped(long long mib, unsigned long long max_kib)
{
    if ((unsigned long long)mib > max_kib / 1024)
        return max_kib;
    return (unsigned long long)mib * 1024;
}

static int parse_memory(v2d_ctx *ctx)
{
    vmx_domain *dom = ctx->dom;
    long long memsize, mem_max, minsize;
    int rc;

    if ((rc = v2d_get_long(ctx, "memsize", &memsize, 32, true)) < 0)
        return rc;
    if (memsize <= 0 || memsize % 4 != 0)
        return v2d_error(ctx, VMX_EINVAL, "memsize",
                         "invalid value %lld, a positive multiple of 4 is needed",
                         memsize);
    if (memsize > LLONG_MAX / 1024)
        return v2d_error(ctx, VMX_EINVAL, "memsize", "value %lld is too large", memsize);
    dom->memory_kib = (unsigned long long)memsize * 1024;

    /* sched.mem.max: "unlimited" or negative means memsize */
    if ((rc = v2d_get_long(ctx, "sched.mem.max", &mem_max, memsize, true)) < 0)
        return rc;
    if (mem_max < 0)
        mem_max = memsize;
    dom->current_memory_kib = mib_to_kib_capped(mem_max, dom->memory_kib);

    if ((rc = v2d_get_long(ctx, "sched.mem.minsize", &minsize, 0, true)) < 0)
        return rc;
    if (minsize < 0)
        minsize = 0;
    dom->min_guarantee_kib = mib_to_kib_capped(minsize, dom->memory_kib);
    dom->has_min_guarantee = dom->min_guarantee_kib > 0;
    return 0;
}

/* One element of sched.cpu.affinity: spaces, an unsigned int, spaces. */
static bool parse_cpu_number(const char *s, size_t len, unsigned long *out)
{
    size_t i = 0;
    unsigned long long v = 0;
    bool digits = false;

    while (i < len && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')))
        i++;
    if (i < len && s[i] == '+')
        i++;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
        v = v * 10 + (unsigned long long)(s[i] - '0');
        if (v > UINT_MAX)
            return false;
        digits = true;
    }
    while (i < len && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')))
        i++;
    if (!digits || i != len)
        return false;
    *out = (unsigned long)v;
    return true;
}

/* libvirt's virBitmapFormat: ascending ranges "0-3,5". Bits from @p end
 * on are clear. */
static int format_cpuset(v2d_ctx *ctx, const unsigned char *bits, long end)
{
    vmx_buf b = VMX_BUF_INIT;
    long i, start = -1;
    bool first = true;

    for (i = 0; i <= end; i++) {
        bool set = i < end && bits[i];

        if (set && start < 0) {
            start = i;
        } else if (!set && start >= 0) {
            vmx_buf_printf(&b, "%s%ld", first ? "" : ",", start);
            if (i - 1 > start)
                vmx_buf_printf(&b, "-%ld", i - 1);
            first = false;
            start = -1;
        }
    }
    if (b.failed) {
        vmx_buf_dispose(&b);
        return v2d_nomem(ctx);
    }
    ctx->dom->cpuset = vmx_buf_detach(&b, NULL);
    return ctx->dom->cpuset ? 0 : v2d_nomem(ctx);
}

static int parse_affinity(v2d_ctx *ctx, long long numvcpus)
{
    const char *aff, *p, *comma;
    unsigned char *bits = NULL;
    unsigned long long count = 0;
    unsigned long cpu;
    long end = 0; /* highest cpu listed + 1 */
    int rc;

    if ((rc = v2d_get_string(ctx, "sched.cpu.affinity", &aff, true)) < 0 || !aff ||
        v2d_streq_ci(aff, "all"))
        return rc;

    /* g_strsplit: "" has no element, "1," has two */
    if (*aff) {
        count = 1;
        for (p = aff; *p; p++)
            count += *p == ',';
    }
    if ((long long)count < numvcpus)
        return v2d_error(ctx, VMX_EINVAL, "sched.cpu.affinity",
                         "%llu cpu(s) listed, at least numvcpus (%lld) are needed", count,
                         numvcpus);
    bits = vmx__calloc(CPUMASK_LEN, 1);
    if (!bits)
        return v2d_nomem(ctx);
    for (p = aff;; p = comma + 1) {
        comma = strchr(p, ',');
        if (!parse_cpu_number(p, comma ? (size_t)(comma - p) : strlen(p), &cpu)) {
            rc = v2d_error(ctx, VMX_EINVAL, "sched.cpu.affinity",
                           "invalid value '%s', a comma-separated list of cpu numbers is "
                           "needed",
                           aff);
            goto out;
        }
        if (cpu >= CPUMASK_LEN) {
            rc = v2d_error(ctx, VMX_EINVAL, "sched.cpu.affinity",
                           "cpu %lu is too large, the limit is %d", cpu, CPUMASK_LEN - 1);
            goto out;
        }
        bits[cpu] = 1;
        if ((long)cpu >= end)
            end = (long)cpu + 1;
        if (!comma)
            break;
    }
    rc = format_cpuset(ctx, bits, end);
out:
    vmx__free(bits);
    return rc;
}

static int parse_cpu(v2d_ctx *ctx)
{
    vmx_domain *dom = ctx->dom;
    long long numvcpus, cores;
    const char *shares;
    int rc;

    if ((rc = v2d_get_long(ctx, "numvcpus", &numvcpus, 1, true)) < 0)
        return rc;
    if (numvcpus <= 0)
        return v2d_error(ctx, VMX_EINVAL, "numvcpus",
                         "invalid value %lld, a positive number is needed", numvcpus);
    /* libvirt stores the count in an unsigned int, and so do we */
    dom->vcpus = (unsigned int)numvcpus;

    if ((rc = v2d_get_long(ctx, "cpuid.coresPerSocket", &cores, 1, true)) < 0)
        return rc;
    if (cores > 1) {
        if (numvcpus / cores <= 0)
            return v2d_error(ctx, VMX_EINVAL, "cpuid.coresPerSocket",
                             "%lld cores per socket is more than numvcpus (%lld)", cores,
                             numvcpus);
        dom->sockets = (unsigned int)(numvcpus / cores);
        dom->dies = 1;
        dom->cores = (unsigned int)cores;
        dom->threads = 1;
    }

    if ((rc = parse_affinity(ctx, numvcpus)) < 0)
        return rc;

    if ((rc = v2d_get_string(ctx, "sched.cpu.shares", &shares, true)) < 0)
        return rc;
    if (shares) {
        unsigned long long v;

        if (v2d_streq_ci(shares, "low")) {
            dom->cpu_shares = (long long)dom->vcpus * 500;
        } else if (v2d_streq_ci(shares, "normal")) {
            dom->cpu_shares = (long long)dom->vcpus * 1000;
        } else if (v2d_streq_ci(shares, "high")) {
            dom->cpu_shares = (long long)dom->vcpus * 2000;
        } else {
            /* libvirt's strtoull also takes "-1" as 2^64-1, which the model
             * cannot hold: such values are refused here */
            if (vmx__parse_ullong(&v, shares) < 0 || v > LLONG_MAX)
                return v2d_error(ctx, VMX_EINVAL, "sched.cpu.shares",
                                 "invalid value '%s', a number or 'low', 'normal' or "
                                 "'high' is needed",
                                 shares);
            dom->cpu_shares = (long long)v;
        }
    }
    return 0;
}

static int parse_os(v2d_ctx *ctx)
{
    vmx_domain *dom = ctx->dom;
    const char *guest_os;
    size_t n;
    bool reflecthost;
    int rc;

    if ((rc = v2d_get_string(ctx, "guestOS", &guest_os, true)) < 0 ||
        (rc = v2d_strdup(ctx, &dom->guest_os, guest_os)) < 0)
        return rc;
    n = guest_os ? strlen(guest_os) : 0;
    dom->arch =
        n >= 3 && strcmp(guest_os + n - 3, "-64") == 0 ? VMX_ARCH_X86_64 : VMX_ARCH_I686;

    if ((rc = v2d_get_bool(ctx, "smbios.reflecthost", &reflecthost, false, true)) < 0)
        return rc;
    if (reflecthost)
        dom->smbios = VMX_SMBIOS_HOST;
    return 0;
}

static int parse_vnc(v2d_ctx *ctx)
{
    vmx_graphics *g;
    const char *ip, *keymap, *passwd;
    long long port;
    bool enabled;
    int rc;

    if ((rc = v2d_get_bool(ctx, "RemoteDisplay.vnc.enabled", &enabled, false, true)) <
            0 ||
        !enabled)
        return rc;
    if ((rc = v2d_get_long(ctx, "RemoteDisplay.vnc.port", &port, -1, true)) < 0 ||
        (rc = v2d_get_string(ctx, "RemoteDisplay.vnc.ip", &ip, true)) < 0 ||
        (rc = v2d_get_string(ctx, "RemoteDisplay.vnc.keymap", &keymap, true)) < 0 ||
        (rc = v2d_get_string(ctx, "RemoteDisplay.vnc.password", &passwd, true)) < 0)
        return rc;
    if (!(g = vmx_domain_add_graphics(ctx->dom)))
        return v2d_nomem(ctx);
    if ((rc = v2d_strdup(ctx, &g->type, "vnc")) < 0 ||
        (rc = v2d_strdup(ctx, &g->listen, ip)) < 0 ||
        (rc = v2d_strdup(ctx, &g->keymap, keymap)) < 0 ||
        (rc = v2d_strdup(ctx, &g->passwd, passwd)) < 0)
        return rc;
    if (port < 0) {
        /* unknown port: libvirt keeps port 0 with autoport */
        g->port = 0;
        g->autoport = true;
    } else {
        /* libvirt keeps the port in an int */
        g->port = (int)(unsigned int)port;
        g->autoport = false;
    }
    return 0;
}

static int parse_shared_folders(v2d_ctx *ctx)
{
    long long maxnum, *idx = NULL;
    size_t n = 0, i;
    bool disabled;
    int rc;

    if ((rc = v2d_get_bool(ctx, "isolation.tools.hgfs.disable", &disabled, true, true)) <
            0 ||
        disabled)
        return rc;
    if ((rc = v2d_get_long(ctx, "sharedFolder.maxNum", &maxnum, 0, true)) < 0 ||
        maxnum <= 0)
        return rc;
    /* libvirt walks 0 .. maxNum-1; only numbers that occur in keys can hold a
     * present and enabled folder */
    if ((rc = v2d_key_indices(ctx, "sharedFolder", &idx, &n, NULL)) < 0)
        return rc;
    for (i = 0; i < n && idx[i] < maxnum; i++) {
        char name[32], key[3][64];
        bool present, enabled, write_access;
        const char *host_path, *guest_name;
        vmx_fs *fs;

        v2d_device_name(name, "sharedFolder", (int)idx[i], -1); /* <= INT_MAX */
        v2d_key_join(key[0], sizeof(key[0]), name, "present");
        v2d_key_join(key[1], sizeof(key[1]), name, "enabled");
        if ((rc = v2d_get_bool(ctx, key[0], &present, false, true)) < 0 ||
            (rc = v2d_get_bool(ctx, key[1], &enabled, false, true)) < 0)
            goto out;
        if (!present || !enabled)
            continue;
        v2d_key_join(key[0], sizeof(key[0]), name, "hostPath");
        v2d_key_join(key[1], sizeof(key[1]), name, "guestName");
        v2d_key_join(key[2], sizeof(key[2]), name, "writeAccess");
        if ((rc = v2d_get_string(ctx, key[0], &host_path, false)) < 0 ||
            (rc = v2d_get_string(ctx, key[1], &guest_name, false)) < 0 ||
            (rc = v2d_get_bool(ctx, key[2], &write_access, false, true)) < 0)
            goto out;
        if (!(fs = vmx_domain_add_filesystem(ctx->dom))) {
            rc = v2d_nomem(ctx);
            goto out;
        }
        fs->readonly = !write_access;
        if ((rc = v2d_strdup(ctx, &fs->src, host_path)) < 0 ||
            (rc = v2d_strdup(ctx, &fs->dst, guest_name)) < 0)
            goto out;
    }
out:
    vmx__free(idx);
    return rc;
}

static int parse_svga(v2d_ctx *ctx)
{
    vmx_video *v;
    long long bytes, kib;
    int rc;

    if ((rc = v2d_get_long(ctx, "svga.vramSize", &bytes, 4 * 1024 * 1024, true)) < 0)
        return rc;
    if (!(v = vmx_domain_add_video(ctx->dom)))
        return v2d_nomem(ctx);
    if ((rc = v2d_strdup(ctx, &v->model, "vmvga")) < 0)
        return rc;
    /* libvirt: VIR_DIV_UP(bytes, 1024) in long long (wrapping), stored in an
     * unsigned int; post-parse then rounds and defaults it */
    kib = (long long)((unsigned long long)bytes + 1023u) / 1024;
    v->vram_kib = (unsigned int)kib;
    v->has_vram = true;
    return 0;
}

static int parse_firmware(v2d_ctx *ctx)
{
    const char *fw;
    int rc;

    if ((rc = v2d_get_string(ctx, "firmware", &fw, true)) < 0 || !fw)
        return rc;
    if (strcmp(fw, "efi") != 0)
        return v2d_error(ctx, VMX_EINVAL, "firmware",
                         "invalid value '%s', 'efi' is needed", fw);
    ctx->dom->firmware = VMX_FIRMWARE_EFI;
    return 0;
}

static int parse_versions(v2d_ctx *ctx)
{
    const v2d_entry *bad;
    long long config_version, hw, *idx = NULL;
    size_t n = 0;
    int rc;

    /* libvirt scans the ethernet keys before anything else */
    if ((rc = v2d_key_indices(ctx, "ethernet", &idx, &n, &bad)) < 0)
        return rc;
    vmx__free(idx);
    if (bad)
        return vmx_error_set(ctx->err, VMX_EINVAL, ctx->source, bad->line, bad->key,
                             "ethernet key without a valid adapter number");

    if ((rc = v2d_get_long(ctx, "config.version", &config_version, 0, false)) < 0)
        return rc;
    if (config_version != 8)
        return v2d_error(ctx, VMX_EUNSUPPORTED, "config.version",
                         "config.version %lld is not supported, 8 is needed",
                         config_version);
    if ((rc = v2d_get_long(ctx, "virtualHW.version", &hw, 0, false)) < 0)
        return rc;
    if (hw < 4)
        return v2d_error(ctx, VMX_EUNSUPPORTED, "virtualHW.version",
                         "virtualHW.version %lld is not supported, 4 or later is needed",
                         hw);
    /* from hardware version 13 a SCSI bus has 64 units */
    ctx->scsi_bus_max_unit = hw >= 13 ? 64 : 16;
    return 0;
}

static int convert(v2d_ctx *ctx)
{
    const vmx_convert_options *opts = ctx->opts;
    vmx_domain *dom = ctx->dom;
    int rc;

    if ((rc = parse_versions(ctx)) < 0 || (rc = parse_identity(ctx)) < 0 ||
        (rc = parse_memory(ctx)) < 0 || (rc = parse_cpu(ctx)) < 0 ||
        (rc = parse_os(ctx)) < 0 || (rc = parse_vnc(ctx)) < 0 ||
        (rc = v2d_parse_disks(ctx)) < 0 || (rc = parse_shared_folders(ctx)) < 0 ||
        (rc = v2d_parse_ethernets(ctx)) < 0 || (rc = parse_svga(ctx)) < 0 ||
        (rc = v2d_parse_serials(ctx)) < 0 || (rc = v2d_parse_parallels(ctx)) < 0)
        return rc;
    if (opts &&
        ((rc = v2d_strdup(ctx, &dom->datacenter_path, opts->datacenter_path)) < 0 ||
         (rc = v2d_strdup(ctx, &dom->moref, opts->moref)) < 0))
        return rc;
    if ((rc = parse_firmware(ctx)) < 0)
        return rc;
    dom->scsi_bus_max_unit = ctx->scsi_bus_max_unit;
    return vmx__domain_postparse(dom, ctx->err);
}

/* The public entry point, vmx_domain_from_vmx(), is in vmx2domain_tolerant.c:
 * it calls this with the file's text, and again with repaired text for files
 * libvirt rejects. */
int v2d_convert_text(vmx_domain **out, const char *text, size_t len, const char *source,
                     const vmx_convert_options *opts, vmx_error *err)
{
    v2d_ctx ctx;
    int rc;

    memset(&ctx, 0, sizeof(ctx));
    *out = NULL;
    ctx.source = source;
    ctx.opts = opts;
    ctx.err = err;
    ctx.scsi_bus_max_unit = 16;

    if ((rc = v2d_read(&ctx, text, len)) < 0)
        goto out;
    if ((rc = vmx_domain_new(&ctx.dom)) < 0) {
        rc = v2d_nomem(&ctx);
        goto out;
    }
    if ((rc = convert(&ctx)) < 0)
        goto out;
    *out = ctx.dom;
    ctx.dom = NULL;
out:
    vmx_domain_free(ctx.dom);
    v2d_dispose(&ctx);
    return rc;
}
