/* vmx_domain -> VMX text, as libvirt 9.0's virVMXFormatConfig writes it.
 *
 * This file holds the entry point, the VM-wide keys (identity, memory, CPUs,
 * graphics, video, shared folders, firmware) and the small writers the
 * device files share. Disks and SCSI controllers are in domain2vmx_disk.c,
 * network cards and serial/parallel ports in domain2vmx_net.c, and what
 * only lossless mode writes (USB, sound, TPM, secure boot, the extra keys)
 * in domain2vmx_lossless.c.
 *
 * Where the model leaves something unset that libvirt's parser would have
 * defaulted (architecture, vCPU count, current memory, video model and VRAM),
 * the writer applies libvirt's default, so hand-built domains and domains
 * read from XML give the same text. */
#include "config.h"
#include "domain2vmx.h"
#include "domain_private.h"
#include "vmx_config_private.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmxkit/escape.h"

/* libvirt parses <vcpu cpuset> into a bitmap of VIR_DOMAIN_CPUMASK_LEN bits. */
#define CPUMASK_LEN 4096
/* libvirt's default VRAM for a vmvga device, in KiB. */
#define VMVGA_DEFAULT_VRAM_KIB 4096ULL

static const char hexdigits[] = "0123456789abcdef";

/* ---- small writers shared by the device files ---- */

void vmx__d2v_put_ull(vmx_buf *b, unsigned long long v)
{
    char tmp[24];
    size_t i = sizeof(tmp);

    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    vmx_buf_put(b, tmp + i, sizeof(tmp) - i);
}

void vmx__d2v_put_ll(vmx_buf *b, long long v)
{
    if (v < 0) {
        vmx_buf_putc(b, '-');
        /* negate in unsigned arithmetic so that LLONG_MIN works */
        vmx__d2v_put_ull(b, 0ULL - (unsigned long long)v);
    } else {
        vmx__d2v_put_ull(b, (unsigned long long)v);
    }
}

/* Write the decimal digits of a non-negative @v at @dst; returns the count. */
static size_t put_digits(char *dst, unsigned int v)
{
    char tmp[12];
    size_t i = sizeof(tmp), n;

    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    n = sizeof(tmp) - i;
    memcpy(dst, tmp + i, n);
    return n;
}

void vmx__d2v_prefix_set(vmx__d2v_prefix *p, const char *name, int a, int b)
{
    /* names are ours ("ethernet", "sharedFolder", ...): 12 bytes at most,
     * plus two numbers of at most 10 digits and ":", ".", NUL */
    size_t n = strlen(name);

    memcpy(p->s, name, n);
    n += put_digits(p->s + n, a < 0 ? 0u : (unsigned int)a);
    if (b >= 0) {
        p->s[n++] = ':';
        n += put_digits(p->s + n, (unsigned int)b);
    }
    p->s[n++] = '.';
    p->s[n] = '\0';
    p->len = n;
}

static void put_tail(vmx_buf *b, const char *value)
{
    vmx_buf_put(b, " = \"", 4);
    vmx_buf_puts(b, value);
    vmx_buf_put(b, "\"\n", 2);
}

void vmx__d2v_kv(vmx_buf *b, const char *key, const char *value)
{
    vmx_buf_puts(b, key);
    put_tail(b, value);
}

void vmx__d2v_pkv(vmx_buf *b, const vmx__d2v_prefix *p, const char *suffix,
                  const char *value)
{
    vmx_buf_put(b, p->s, p->len);
    vmx_buf_puts(b, suffix);
    put_tail(b, value);
}

void vmx__d2v_pkv_ll(vmx_buf *b, const vmx__d2v_prefix *p, const char *suffix,
                     long long value)
{
    vmx_buf_put(b, p->s, p->len);
    vmx_buf_puts(b, suffix);
    vmx_buf_put(b, " = \"", 4);
    vmx__d2v_put_ll(b, value);
    vmx_buf_put(b, "\"\n", 2);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

int vmx__d2v_parse_uuid(unsigned char out[16], const char *s)
{
    size_t i;

    while (is_space(*s))
        s++;
    for (i = 0; i < 16; i++) {
        int hi, lo;

        /* libvirt allows a '-' before any byte but the first */
        if (i > 0 && *s == '-')
            s++;
        if ((hi = hexval(s[0])) < 0 || (lo = hexval(s[1])) < 0)
            return -1;
        out[i] = (unsigned char)(hi << 4 | lo);
        s += 2;
    }
    while (is_space(*s))
        s++;
    return *s ? -1 : 0;
}

void vmx__d2v_put_uuid_vmx(vmx_buf *b, const unsigned char u[16])
{
    char tmp[47];
    size_t i, n = 0;

    for (i = 0; i < 16; i++) {
        if (i > 0)
            tmp[n++] = i == 8 ? '-' : ' ';
        tmp[n++] = hexdigits[u[i] >> 4];
        tmp[n++] = hexdigits[u[i] & 15];
    }
    vmx_buf_put(b, tmp, n);
}

int vmx__d2v_error(vmx__d2v *c, int code, const char *key, const char *fmt, ...)
{
    char msg[VMX_ERROR_MESSAGE_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return vmx_error_set(c->err, code, NULL, 0, key, "%s", msg);
}

int vmx__d2v_nomem(vmx__d2v *c)
{
    return vmx_error_set(c->err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
}

int vmx__d2v_beyond_libvirt(vmx__d2v *c, int code, const char *key, const char *fmt,
                            ...)
{
    char msg[VMX_ERROR_MESSAGE_MAX];
    va_list ap;

    if (c->lossless || c->beyond)
        return 0;
    if (!(c->opts->flags & VMX_CONVERT_STRICT))
        return VMX__D2V_BEYOND;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return vmx_error_set(c->err, code, NULL, 0, key, "%s", msg);
}

int vmx__d2v_put_filename(vmx__d2v *c, const vmx__d2v_prefix *p, const char *suffix,
                          const char *source, const char *key)
{
    vmx_error sub = VMX_ERROR_INIT;
    char *name = NULL;
    int rc;

    if ((rc = vmx__filename_to_vmx(&name, source, c->opts, &sub)) < 0) {
        if (rc == VMX_ENOMEM)
            return vmx__d2v_nomem(c);
        /* a name the mapping refuses (libvirt fails) is kept as it is, as
         * the VMX reader keeps it */
        if ((rc = vmx__d2v_beyond_libvirt(c, rc, key, "%s", sub.message)) < 0)
            return rc;
        if (c->beyond && strncmp(source, "[]", 2) == 0) {
            /* the reader's name for "/vmfs/volumes//PATH" */
            vmx_buf_put(c->b, p->s, p->len);
            vmx_buf_puts(c->b, suffix);
            vmx_buf_puts(c->b, " = \"/vmfs/volumes//");
            vmx_buf_puts(c->b, source + 2 + strspn(source + 2, " "));
            vmx_buf_put(c->b, "\"\n", 2);
            return 0;
        }
        vmx__d2v_pkv(c->b, p, suffix, source);
        return 0;
    }
    vmx__d2v_pkv(c->b, p, suffix, name);
    vmx__free(name);
    return 0;
}

/* ---- escaping of displayName and annotation ---- */

/* Whether @s holds a byte that the pipe (or, with @percent, the percent)
 * escaping would change: most names hold none and are copied directly. */
static bool needs_escaping(const char *s, bool percent)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;

        if (ch == '|' || ch == '"' || (ch < 0x20 && ch != '\t'))
            return true;
        if (percent && (ch == '%' || ch == '/' || ch == '\\'))
            return true;
    }
    return false;
}

/* Append `KEY = "VALUE"` with VALUE pipe-escaped and, for displayName, then
 * percent-escaped (libvirt: virVMXEscapeHexPercent(virVMXEscapeHexPipe(name))). */
static int put_escaped(vmx__d2v *c, const char *key, const char *value, bool percent)
{
    char *piped = NULL, *both = NULL;
    int rc = 0;

    if (!needs_escaping(value, percent)) {
        vmx__d2v_kv(c->b, key, value);
        return 0;
    }
    if ((rc = vmx_escape_pipe(&piped, value, c->err)) < 0 ||
        (percent && (rc = vmx_escape_percent(&both, piped, c->err)) < 0))
        goto out;
    vmx__d2v_kv(c->b, key, both ? both : piped);
out:
    vmx__free(piped);
    vmx__free(both);
    return rc;
}

/* ---- VM-wide keys ---- */

static int put_identity(vmx__d2v *c)
{
    const vmx_domain *dom = c->dom;
    vmx_buf *b = c->b;
    unsigned char uuid[16];
    static const unsigned char zero[16];
    int rc;

    vmx_buf_puts(b, ".encoding = \"UTF-8\"\n"
                    "config.version = \"8\"\n"
                    "virtualHW.version = \"");
    vmx__d2v_put_ll(b, c->hw_version);
    vmx_buf_put(b, "\"\n", 2);

    /* libvirt's parser defaults the architecture to i686 */
    if (c->lossless && dom->guest_os && *dom->guest_os)
        vmx__d2v_kv(b, "guestOS", dom->guest_os);
    else if (dom->arch == VMX_ARCH_X86_64)
        vmx__d2v_kv(b, "guestOS", "other-64");
    else if (dom->arch == VMX_ARCH_I686 || dom->arch == VMX_ARCH_UNSET)
        vmx__d2v_kv(b, "guestOS", "other");
    else
        return vmx__d2v_error(c, VMX_EUNSUPPORTED, "os/type",
                              "architecture must be 'i686' or 'x86_64'");

    switch (dom->smbios) {
    case VMX_SMBIOS_UNSET:
    case VMX_SMBIOS_EMULATE:
        break;
    case VMX_SMBIOS_HOST:
        vmx__d2v_kv(b, "smbios.reflecthost", "true");
        break;
    default:
        return vmx__d2v_error(c, VMX_EUNSUPPORTED, "os/smbios",
                              "unsupported smbios mode 'sysinfo'");
    }

    if (!dom->uuid) {
        memset(uuid, 0, sizeof(uuid));
    } else if (vmx__d2v_parse_uuid(uuid, dom->uuid) < 0) {
        return vmx__d2v_error(c, VMX_EINVAL, "uuid", "invalid uuid '%s'", dom->uuid);
    }
    if (memcmp(uuid, zero, sizeof(uuid)) == 0) {
        vmx__d2v_kv(b, "uuid.action", "create");
    } else {
        vmx_buf_puts(b, "uuid.bios = \"");
        vmx__d2v_put_uuid_vmx(b, uuid);
        vmx_buf_put(b, "\"\n", 2);
    }

    /* a VMX file without displayName gives a domain without name: libvirt
     * refuses it, the VMX file has no displayName */
    if (!dom->name &&
        (rc = vmx__d2v_beyond_libvirt(c, VMX_EINVAL, "name", "missing value")) < 0)
        return rc;
    if (dom->name && (rc = put_escaped(c, "displayName", dom->name, true)) < 0)
        return rc;
    if (dom->description &&
        (rc = put_escaped(c, "annotation", dom->description, false)) < 0)
        return rc;
    return 0;
}

static int put_memory(vmx__d2v *c)
{
    const vmx_domain *dom = c->dom;
    unsigned long long max, cur;

    if (dom->memory_kib == 0)
        return vmx__d2v_error(c, VMX_EINVAL, "memory", "memory size must be specified");
    if (dom->memory_kib > ULLONG_MAX - 4095)
        return vmx__d2v_error(c, VMX_EINVAL, "memory",
                              "memory size %llu KiB is too large", dom->memory_kib);
    /* memsize must be a multiple of 4 MiB: round the KiB value up */
    max = (dom->memory_kib + 4095) / 4096 * 4096;
    vmx_buf_puts(c->b, "memsize = \"");
    vmx__d2v_put_ull(c->b, max / 1024);
    vmx_buf_put(c->b, "\"\n", 2);

    /* libvirt's post-parse: no or too large currentMemory means all of it */
    cur = dom->current_memory_kib;
    if (cur == 0 || cur > dom->memory_kib)
        cur = dom->memory_kib;
    if (cur < max) {
        vmx_buf_puts(c->b, "sched.mem.max = \"");
        vmx__d2v_put_ull(c->b, cur / 1024 + (cur % 1024 != 0));
        vmx_buf_put(c->b, "\"\n", 2);
    }
    if (dom->has_min_guarantee && dom->min_guarantee_kib > 0) {
        unsigned long long min = dom->min_guarantee_kib;

        vmx_buf_puts(c->b, "sched.mem.minsize = \"");
        vmx__d2v_put_ull(c->b, min / 1024 + (min % 1024 != 0));
        vmx_buf_put(c->b, "\"\n", 2);
    }
    return 0;
}

/* Parse <vcpu cpuset> as libvirt's virBitmapParse does: comma-separated
 * "N", "N-M" and "^N" items, spaces allowed around them. */
static int parse_cpuset(unsigned char *bits, const char *s)
{
    const char *p = s;

    memset(bits, 0, CPUMASK_LEN / 8);
    while (is_space(*p))
        p++;
    if (!*p)
        return -1;
    while (*p) {
        bool neg = false;
        long long start, last;
        char *end;

        if (*p == '^') {
            neg = true;
            p++;
        }
        if (*p < '0' || *p > '9')
            return -1;
        start = strtoll(p, &end, 10);
        if (start >= CPUMASK_LEN)
            return -1;
        p = end;
        while (is_space(*p))
            p++;
        if (*p == ',' || !*p) {
            if (neg)
                bits[start / 8] &= (unsigned char)~(1u << (start % 8));
            else
                bits[start / 8] |= (unsigned char)(1u << (start % 8));
        } else if (*p == '-') {
            if (neg)
                return -1;
            p++;
            while (is_space(*p))
                p++;
            if (*p < '0' || *p > '9')
                return -1;
            last = strtoll(p, &end, 10);
            if (last < start || last >= CPUMASK_LEN)
                return -1;
            p = end;
            for (; start <= last; start++)
                bits[start / 8] |= (unsigned char)(1u << (start % 8));
            while (is_space(*p))
                p++;
        }
        if (*p == ',') {
            p++;
            while (is_space(*p))
                p++;
        } else if (*p) {
            return -1;
        }
    }
    return 0;
}

static int put_cpus(vmx__d2v *c)
{
    const vmx_domain *dom = c->dom;
    vmx_buf *b = c->b;
    /* libvirt's parser defaults the vCPU count to 1 */
    unsigned int vcpus = dom->vcpus ? dom->vcpus : 1;
    int rc;

    vmx_buf_puts(b, "numvcpus = \"");
    vmx__d2v_put_ull(b, vcpus);
    vmx_buf_put(b, "\"\n", 2);

    if (dom->sockets || dom->cores || dom->threads || dom->dies) {
        unsigned int dies = dom->dies ? dom->dies : 1;
        unsigned int threads = dom->threads ? dom->threads : 1;

        if (threads != 1)
            return vmx__d2v_error(c, VMX_EUNSUPPORTED, "cpu/topology",
                                  "only 1 thread per core is supported");
        if (dies != 1)
            return vmx__d2v_error(c, VMX_EUNSUPPORTED, "cpu/topology",
                                  "only 1 die per socket is supported");
        /* a VMX file may say numvcpus 6 and coresPerSocket 4 (libvirt
         * refuses sockets * cores != vcpus): keep it */
        if ((unsigned long long)dom->sockets * dom->cores != vcpus &&
            (rc = vmx__d2v_beyond_libvirt(
                 c, VMX_EINVAL, "cpu/topology",
                 "sockets * cores is %llu but the vcpu count is %u",
                 (unsigned long long)dom->sockets * dom->cores, vcpus)) < 0)
            return rc;
        vmx_buf_puts(b, "cpuid.coresPerSocket = \"");
        vmx__d2v_put_ull(b, dom->cores);
        vmx_buf_put(b, "\"\n", 2);
    }

    if (dom->cpuset) {
        unsigned char bits[CPUMASK_LEN / 8];
        unsigned int count = 0, i;
        bool first = true;

        if (parse_cpuset(bits, dom->cpuset) < 0)
            return vmx__d2v_error(c, VMX_EINVAL, "vcpu", "invalid cpuset '%s'",
                                  dom->cpuset);
        for (i = 0; i < CPUMASK_LEN; i++)
            count += (bits[i / 8] >> (i % 8)) & 1u;
        if (count < vcpus)
            return vmx__d2v_error(c, VMX_EINVAL, "vcpu",
                                  "cpuset '%s' must contain at least %u cpus",
                                  dom->cpuset, vcpus);
        vmx_buf_puts(b, "sched.cpu.affinity = \"");
        for (i = 0; i < CPUMASK_LEN; i++) {
            if (!((bits[i / 8] >> (i % 8)) & 1u))
                continue;
            if (!first)
                vmx_buf_putc(b, ',');
            first = false;
            vmx__d2v_put_ull(b, i);
        }
        vmx_buf_put(b, "\"\n", 2);
    }

    if (dom->cpu_shares >= 0) {
        unsigned long long shares = (unsigned long long)dom->cpu_shares;

        /* vSphere's share levels: 500, 1000 and 2000 per vCPU */
        if (shares == (unsigned long long)vcpus * 500)
            vmx__d2v_kv(b, "sched.cpu.shares", "low");
        else if (shares == (unsigned long long)vcpus * 1000)
            vmx__d2v_kv(b, "sched.cpu.shares", "normal");
        else if (shares == (unsigned long long)vcpus * 2000)
            vmx__d2v_kv(b, "sched.cpu.shares", "high");
        else {
            vmx_buf_puts(b, "sched.cpu.shares = \"");
            vmx__d2v_put_ull(b, shares);
            vmx_buf_put(b, "\"\n", 2);
        }
    }
    return 0;
}

static int put_graphics(vmx__d2v *c)
{
    static const char *const unsupported[] = {"sdl",   "rdp",          "desktop",
                                              "spice", "egl-headless", "dbus"};
    size_t i, k;

    for (i = 0; i < c->dom->ngraphics; i++) {
        const vmx_graphics *g = &c->dom->graphics[i];

        if (!g->type || strcmp(g->type, "vnc") != 0) {
            for (k = 0; g->type && k < VMX_ARRAY_SIZE(unsupported); k++)
                if (strcmp(g->type, unsupported[k]) == 0)
                    return vmx__d2v_error(c, VMX_EUNSUPPORTED, "devices/graphics",
                                          "unsupported graphics type '%s'", g->type);
            return vmx__d2v_error(c, VMX_EINVAL, "devices/graphics",
                                  "unknown graphics type '%s'", g->type ? g->type : "");
        }
        vmx__d2v_kv(c->b, "RemoteDisplay.vnc.enabled", "true");
        /* an automatically assigned port cannot be written */
        if (!g->autoport && g->port >= 0) {
            vmx_buf_puts(c->b, "RemoteDisplay.vnc.port = \"");
            vmx__d2v_put_ll(c->b, g->port);
            vmx_buf_put(c->b, "\"\n", 2);
        }
        if (g->listen)
            vmx__d2v_kv(c->b, "RemoteDisplay.vnc.ip", g->listen);
        if (g->keymap)
            vmx__d2v_kv(c->b, "RemoteDisplay.vnc.keymap", g->keymap);
        if (g->passwd)
            vmx__d2v_kv(c->b, "RemoteDisplay.vnc.password", g->passwd);
    }
    return 0;
}

static int put_filesystems(vmx__d2v *c)
{
    const vmx_domain *dom = c->dom;
    vmx__d2v_prefix p;
    size_t i;

    if (dom->nfilesystems == 0)
        return 0;
    vmx__d2v_kv(c->b, "isolation.tools.hgfs.disable", "false");
    vmx_buf_puts(c->b, "sharedFolder.maxNum = \"");
    vmx__d2v_put_ull(c->b, dom->nfilesystems);
    vmx_buf_put(c->b, "\"\n", 2);
    for (i = 0; i < dom->nfilesystems; i++) {
        const vmx_fs *fs = &dom->filesystems[i];

        if (!fs->src || !fs->dst)
            return vmx__d2v_error(c, VMX_EINVAL, "devices/filesystem",
                                  "filesystem %zu has no %s", i,
                                  fs->src ? "target" : "source");
        if (i > INT_MAX)
            return vmx__d2v_error(c, VMX_ELIMIT, "devices/filesystem",
                                  "too many filesystems");
        vmx__d2v_prefix_set(&p, "sharedFolder", (int)i, -1);
        vmx__d2v_pkv(c->b, &p, "present", "true");
        vmx__d2v_pkv(c->b, &p, "enabled", "true");
        vmx__d2v_pkv(c->b, &p, "readAccess", "true");
        vmx__d2v_pkv(c->b, &p, "writeAccess", fs->readonly ? "false" : "true");
        vmx__d2v_pkv(c->b, &p, "hostPath", fs->src);
        vmx__d2v_pkv(c->b, &p, "guestName", fs->dst);
    }
    return 0;
}

static int put_video(vmx__d2v *c)
{
    const vmx_video *v;
    unsigned long long vram;

    if (c->dom->nvideos == 0)
        return 0;
    if (c->dom->nvideos > 1)
        return vmx__d2v_error(c, VMX_EUNSUPPORTED, "devices/video",
                              "multiple video devices are not supported");
    v = &c->dom->videos[0];
    /* libvirt's VMX driver turns the default model into vmvga */
    if (v->model && strcmp(v->model, "vmvga") != 0)
        return vmx__d2v_error(c, VMX_EUNSUPPORTED, "devices/video/model",
                              "unsupported video device type '%s'", v->model);
    vram = v->has_vram ? v->vram_kib : VMVGA_DEFAULT_VRAM_KIB;
    if (vram > ULLONG_MAX / 1024 - 64)
        return vmx__d2v_error(c, VMX_EINVAL, "devices/video/model",
                              "vram size %llu KiB is too large", vram);
    /* a multiple of 64 KiB, as Windows guests need */
    vram = (vram + 63) / 64 * 64;
    if (v->heads > 1)
        return vmx__d2v_error(c, VMX_EUNSUPPORTED, "devices/video/model",
                              "multi-head video devices are not supported");
    vmx_buf_puts(c->b, "svga.vramSize = \"");
    vmx__d2v_put_ull(c->b, vram * 1024);
    vmx_buf_put(c->b, "\"\n", 2);
    return 0;
}

/* Lossless mode and beyond libvirt only (libvirt does not write it): the
 * VM generation ID as VMware stores it, two signed 64-bit halves (the
 * inverse of libvirt's parser). */
static int put_genid(vmx__d2v *c)
{
    unsigned char u[16];
    unsigned long long hi = 0, lo = 0;
    size_t i;

    if (vmx__d2v_parse_uuid(u, c->dom->genid) < 0)
        return vmx__d2v_error(c, VMX_EINVAL, "genid", "invalid uuid '%s'", c->dom->genid);
    for (i = 0; i < 8; i++) {
        hi = hi << 8 | u[i];
        lo = lo << 8 | u[i + 8];
    }
    vmx_buf_puts(c->b, "vm.genid = \"");
    vmx__d2v_put_ll(c->b, (long long)hi);
    vmx_buf_puts(c->b, "\"\nvm.genidX = \"");
    vmx__d2v_put_ll(c->b, (long long)lo);
    vmx_buf_put(c->b, "\"\n", 2);
    return 0;
}

static void put_trailer(vmx__d2v *c)
{
    if (c->dom->firmware == VMX_FIRMWARE_EFI)
        vmx__d2v_kv(c->b, "firmware", "efi");
    if (c->hw_version < 7)
        return;
    if (c->has_scsi)
        vmx_buf_puts(c->b, "pciBridge0.present = \"true\"\n"
                           "pciBridge4.present = \"true\"\n"
                           "pciBridge4.virtualDev = \"pcieRootPort\"\n"
                           "pciBridge4.functions = \"8\"\n"
                           "pciBridge5.present = \"true\"\n"
                           "pciBridge5.virtualDev = \"pcieRootPort\"\n"
                           "pciBridge5.functions = \"8\"\n"
                           "pciBridge6.present = \"true\"\n"
                           "pciBridge6.virtualDev = \"pcieRootPort\"\n"
                           "pciBridge6.functions = \"8\"\n"
                           "pciBridge7.present = \"true\"\n"
                           "pciBridge7.virtualDev = \"pcieRootPort\"\n"
                           "pciBridge7.functions = \"8\"\n");
    vmx__d2v_kv(c->b, "vmci0.present", "true");
}

static int format_all(vmx__d2v *c)
{
    int rc;

    if ((rc = put_identity(c)) < 0 || (rc = put_memory(c)) < 0 ||
        (rc = put_cpus(c)) < 0 || (rc = put_graphics(c)) < 0 ||
        (rc = vmx__d2v_disks(c)) < 0 || (rc = put_filesystems(c)) < 0 ||
        (rc = vmx__d2v_nets(c)) < 0 || (rc = put_video(c)) < 0 ||
        (rc = vmx__d2v_serials(c)) < 0 || (rc = vmx__d2v_parallels(c)) < 0)
        return rc;
    put_trailer(c);
    if (c->beyond && c->dom->genid)
        return put_genid(c);
    if (c->lossless) {
        if ((rc = vmx__d2v_lossless_devices(c)) < 0 ||
            (c->dom->genid && (rc = put_genid(c)) < 0))
            return rc;
        return vmx__d2v_apply_extras(c);
    }
    return 0;
}

int vmx_domain_to_vmx(char **out, size_t *len, const vmx_domain *dom,
                      const vmx_convert_options *opts, vmx_error *err)
{
    vmx_convert_options defaults = VMX_CONVERT_OPTIONS_INIT;
    vmx_buf b = VMX_BUF_INIT;
    vmx__d2v c;
    int rc;

    if (out)
        *out = NULL;
    if (len)
        *len = 0;
    if (!out || !dom)
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL, "invalid argument");
    if (!opts)
        opts = &defaults;
    if (opts->hw_version < 0)
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, "virtualHW.version",
                             "invalid virtualHW.version %d", opts->hw_version);

    c.b = &b;
    c.dom = dom;
    c.opts = opts;
    c.err = err;
    c.hw_version = opts->hw_version ? opts->hw_version : 4;
    c.lossless = (opts->flags & VMX_CONVERT_LOSSLESS) != 0;
    c.has_scsi = false;
    c.beyond = false;
    c.beyond_hw = 0;

    /* typical output is 0.5-2 KiB: one allocation in the common case */
    vmx_buf_grow(&b, 2048);
    if ((rc = format_all(&c)) == VMX__D2V_BEYOND) {
        /* libvirt refuses the domain: write all of it as VMX holds it */
        vmx_buf_clear(&b);
        c.has_scsi = false;
        c.beyond = true;
        if (c.beyond_hw > c.hw_version)
            c.hw_version = c.beyond_hw;
        rc = format_all(&c);
    }
    if (rc < 0)
        goto out;
    if (b.failed) {
        rc = vmx__d2v_nomem(&c);
        goto out;
    }
    /* never a file the VMX reader refuses (a 10 MB <description>) */
    if ((rc = vmx__config_check_limits(b.ptr, b.len, err)) < 0)
        goto out;
    *out = vmx_buf_detach(&b, len);
    if (!*out)
        rc = vmx__d2v_nomem(&c);
out:
    vmx_buf_dispose(&b);
    return rc;
}
