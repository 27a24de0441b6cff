/* Domain model -> libvirt domain XML, laid out as libvirt 9.0's
 * virDomainDefFormat prints a domain of type vmware. This file writes the
 * domain element and everything outside <devices>; domain_xml_write_devices.c
 * writes the devices. */
#include "config.h"
#include "domain_xml_write.h"
#include "vmxkit/convert.h"

#include <string.h>

#define VMWARE_NS_URI "http://libvirt.org/schemas/domain/vmware/1.0"

/* What libvirt's virBufferEscapeString does with each byte:
 * 0 copy, 1 drop, 2 &amp; 3 &lt; 4 &gt; 5 &apos; 6 &quot; */
enum { XC_COPY = 0, XC_DROP, XC_AMP, XC_LT, XC_GT, XC_APOS, XC_QUOT };

static const unsigned char xml_class[256] = {
    [0x01] = XC_DROP, [0x02] = XC_DROP, [0x03] = XC_DROP, [0x04] = XC_DROP,
    [0x05] = XC_DROP, [0x06] = XC_DROP, [0x07] = XC_DROP, [0x08] = XC_DROP,
    [0x0B] = XC_DROP, [0x0C] = XC_DROP, [0x0E] = XC_DROP, [0x0F] = XC_DROP,
    [0x10] = XC_DROP, [0x11] = XC_DROP, [0x12] = XC_DROP, [0x13] = XC_DROP,
    [0x14] = XC_DROP, [0x15] = XC_DROP, [0x16] = XC_DROP, [0x17] = XC_DROP,
    [0x18] = XC_DROP, [0x19] = XC_DROP, ['&'] = XC_AMP,   ['<'] = XC_LT,
    ['>'] = XC_GT,    ['\''] = XC_APOS, ['"'] = XC_QUOT,
};

void vmx__xml_escape(vmx_buf *b, const char *s)
{
    const char *run = s;

    for (;; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '\0')
            break;
        if (xml_class[c] == XC_COPY)
            continue;
        vmx_buf_put(b, run, (size_t)(s - run));
        run = s + 1;
        switch (xml_class[c]) {
        case XC_AMP:
            XW_LIT(b, "&amp;");
            break;
        case XC_LT:
            XW_LIT(b, "&lt;");
            break;
        case XC_GT:
            XW_LIT(b, "&gt;");
            break;
        case XC_APOS:
            XW_LIT(b, "&apos;");
            break;
        case XC_QUOT:
            XW_LIT(b, "&quot;");
            break;
        default: /* dropped control character */
            break;
        }
    }
    vmx_buf_put(b, run, (size_t)(s - run));
}

void vmx__xml_attr(vmx_buf *b, const char *prefix, const char *value)
{
    if (!value)
        return;
    vmx_buf_puts(b, prefix);
    vmx__xml_escape(b, value);
    vmx_buf_putc(b, '\'');
}

void vmx__xml_ull(vmx_buf *b, unsigned long long v)
{
    char tmp[24];
    size_t i = sizeof(tmp);

    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    vmx_buf_put(b, tmp + i, sizeof(tmp) - i);
}

void vmx__xml_ll(vmx_buf *b, long long v)
{
    if (v < 0) {
        vmx_buf_putc(b, '-');
        /* -(v + 1) + 1 avoids overflowing on LLONG_MIN */
        vmx__xml_ull(b, (unsigned long long)(-(v + 1)) + 1);
        return;
    }
    vmx__xml_ull(b, (unsigned long long)v);
}

static int hex_value(char c)
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
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* libvirt's virUUIDParse: 16 hex pairs, '-' and ' ' allowed between them,
 * surrounding white space ignored. */
static bool uuid_parse(unsigned char out[16], const char *s)
{
    size_t i = 0;

    while (is_space(*s))
        s++;
    while (i < 16) {
        int hi, lo;

        if (*s == '-' || *s == ' ') {
            s++;
            continue;
        }
        if ((hi = hex_value(s[0])) < 0 || (lo = hex_value(s[1])) < 0)
            return false;
        out[i++] = (unsigned char)(hi * 16 + lo);
        s += 2;
    }
    while (*s)
        if (!is_space(*s++))
            return false;
    return true;
}

void vmx__xml_uuid(vmx_buf *b, const char *uuid)
{
    static const char digits[] = "0123456789abcdef";
    unsigned char raw[16];
    char text[36];
    size_t i, o = 0;

    if (!uuid_parse(raw, uuid)) {
        vmx__xml_escape(b, uuid);
        return;
    }
    for (i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            text[o++] = '-';
        text[o++] = digits[raw[i] >> 4];
        text[o++] = digits[raw[i] & 15];
    }
    vmx_buf_put(b, text, sizeof(text));
}

/* Highest CPU number accepted in a cpuset: far above any host VMware runs on,
 * small enough for a bitmap on the stack. */
#define CPUSET_MAX_CPUS 65536

static const char *skip_spaces(const char *s)
{
    while (is_space(*s))
        s++;
    return s;
}

/* A non-negative decimal number below CPUSET_MAX_CPUS. */
static const char *parse_cpu(const char *s, unsigned *out)
{
    unsigned long v = 0;

    if (*s < '0' || *s > '9')
        return NULL;
    for (; *s >= '0' && *s <= '9'; s++) {
        v = v * 10 + (unsigned long)(*s - '0');
        if (v >= CPUSET_MAX_CPUS)
            return NULL;
    }
    *out = (unsigned)v;
    return s;
}

int vmx__xml_cpuset(vmx_buf *b, const char *cpuset, bool *empty)
{
    unsigned char bits[CPUSET_MAX_CPUS / 8];
    const char *s = skip_spaces(cpuset);
    unsigned cpu, last, first_free = 0, max = 0;
    bool any = false, first = true;

    memset(bits, 0, sizeof(bits));
    *empty = true;
    /* virBitmapParse: items "N", "N-M" or "^N" separated by commas */
    while (*s) {
        bool neg = false;

        if (*s == '^') {
            neg = true;
            s++;
        }
        if (!(s = parse_cpu(s, &cpu)))
            return VMX_EINVAL;
        s = skip_spaces(s);
        last = cpu;
        if (*s == '-') {
            if (neg)
                return VMX_EINVAL;
            if (!(s = parse_cpu(skip_spaces(s + 1), &last)) || last < cpu)
                return VMX_EINVAL;
            s = skip_spaces(s);
        }
        for (; cpu <= last; cpu++) {
            if (neg) {
                bits[cpu / 8] &= (unsigned char)~(1u << (cpu % 8));
            } else {
                bits[cpu / 8] |= (unsigned char)(1u << (cpu % 8));
                if (cpu + 1 > max)
                    max = cpu + 1;
            }
        }
        if (*s == ',')
            s = skip_spaces(s + 1);
        else if (*s)
            return VMX_EINVAL;
    }
    /* virBitmapFormat: runs of set bits as "a-b", single bits as "a" */
    for (cpu = 0; cpu < max; cpu++) {
        bool set = bits[cpu / 8] & (1u << (cpu % 8));

        if (set && !any) {
            first_free = cpu;
            any = true;
        }
        if (any && (!set || cpu + 1 == max)) {
            last = set ? cpu : cpu - 1;
            if (!first)
                vmx_buf_putc(b, ',');
            first = false;
            vmx__xml_ull(b, first_free);
            if (last != first_free) {
                vmx_buf_putc(b, '-');
                vmx__xml_ull(b, last);
            }
            any = false;
        }
    }
    *empty = first;
    return 0;
}

static const char *arch_name(vmx_arch arch)
{
    switch (arch) {
    case VMX_ARCH_I686:
        return "i686";
    case VMX_ARCH_X86_64:
        return "x86_64";
    default:
        return NULL;
    }
}

static const char *firmware_name(vmx_firmware fw)
{
    switch (fw) {
    case VMX_FIRMWARE_BIOS:
        return "bios";
    case VMX_FIRMWARE_EFI:
        return "efi";
    default:
        return NULL;
    }
}

static const char *smbios_name(vmx_smbios_mode mode)
{
    switch (mode) {
    case VMX_SMBIOS_EMULATE:
        return "emulate";
    case VMX_SMBIOS_HOST:
        return "host";
    case VMX_SMBIOS_SYSINFO:
        return "sysinfo";
    default:
        return NULL;
    }
}

static int write_vcpu(vmx_buf *b, const vmx_domain *dom, vmx_error *err)
{
    XW_LIT(b, "  <vcpu placement='static'");
    if (dom->cpuset) {
        size_t mark = b->len;
        bool empty;

        XW_LIT(b, " cpuset='");
        if (vmx__xml_cpuset(b, dom->cpuset, &empty) < 0)
            return vmx_error_set(err, VMX_EINVAL, NULL, 0, "/domain/vcpu/@cpuset",
                                 "invalid cpu set '%s'", dom->cpuset);
        if (empty && !b->failed) {
            b->len = mark; /* an empty set is left out */
            b->ptr[mark] = '\0';
        } else {
            vmx_buf_putc(b, '\'');
        }
    }
    vmx_buf_putc(b, '>');
    vmx__xml_ull(b, dom->vcpus);
    XW_LIT(b, "</vcpu>\n");
    if (dom->cpu_shares >= 0) {
        XW_LIT(b, "  <cputune>\n    <shares>");
        vmx__xml_ll(b, dom->cpu_shares);
        XW_LIT(b, "</shares>\n  </cputune>\n");
    }
    return 0;
}

static void write_os(vmx_buf *b, const vmx_domain *dom)
{
    const char *s;

    XW_LIT(b, "  <os");
    if ((s = firmware_name(dom->firmware))) {
        XW_LIT(b, " firmware='");
        vmx_buf_puts(b, s);
        vmx_buf_putc(b, '\'');
    }
    XW_LIT(b, ">\n    <type");
    if ((s = arch_name(dom->arch))) {
        XW_LIT(b, " arch='");
        vmx_buf_puts(b, s);
        vmx_buf_putc(b, '\'');
    }
    vmx__xml_attr(b, " machine='", dom->machine);
    XW_LIT(b, ">hvm</type>\n");
    if (dom->secure_boot != VMX_TRISTATE_UNSET) {
        XW_LIT(b, "    <firmware>\n      <feature enabled='");
        if (dom->secure_boot == VMX_TRISTATE_YES)
            XW_LIT(b, "yes");
        else
            XW_LIT(b, "no");
        XW_LIT(b, "' name='secure-boot'/>\n    </firmware>\n");
    }
    if ((s = smbios_name(dom->smbios))) {
        XW_LIT(b, "    <smbios mode='");
        vmx_buf_puts(b, s);
        XW_LIT(b, "'/>\n");
    }
    XW_LIT(b, "  </os>\n");
}

static void write_cpu(vmx_buf *b, const vmx_domain *dom)
{
    /* libvirt prints the topology only when it is complete; its parser
     * defaults dies to 1 */
    if (!dom->sockets || !dom->cores || !dom->threads)
        return;
    XW_LIT(b, "  <cpu>\n    <topology sockets='");
    vmx__xml_ull(b, dom->sockets);
    XW_LIT(b, "' dies='");
    vmx__xml_ull(b, dom->dies ? dom->dies : 1);
    XW_LIT(b, "' cores='");
    vmx__xml_ull(b, dom->cores);
    XW_LIT(b, "' threads='");
    vmx__xml_ull(b, dom->threads);
    XW_LIT(b, "'/>\n  </cpu>\n");
}

int vmx_domain_to_xml(char **out, size_t *len, const vmx_domain *dom,
                      const vmx_convert_options *opts, vmx_error *err)
{
    vmx_buf b = VMX_BUF_INIT;
    const char *dcpath, *moref;
    bool lossless = opts && (opts->flags & VMX_CONVERT_LOSSLESS);
    int rc = 0;

    *out = NULL;
    if (len)
        *len = 0;
    if (!dom)
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL, "no domain to write");
    dcpath = dom->datacenter_path;
    moref = dom->moref;
    /* options name what the caller asks for now; they win over the model */
    if (opts && opts->datacenter_path)
        dcpath = opts->datacenter_path;
    if (opts && opts->moref)
        moref = opts->moref;
    /* most domains fit; one allocation up front spares the regrowths */
    (void)vmx_buf_grow(&b, 2048 + 512 * (dom->ndisks + dom->nnets));

    XW_LIT(&b, "<domain type='vmware'");
    if (dcpath || moref)
        XW_LIT(&b, " xmlns:vmware='" VMWARE_NS_URI "'");
    XW_LIT(&b, ">\n");
    if (dom->name) {
        XW_LIT(&b, "  <name>");
        vmx__xml_escape(&b, dom->name);
        XW_LIT(&b, "</name>\n");
    }
    XW_LIT(&b, "  <uuid>");
    vmx__xml_uuid(&b, dom->uuid ? dom->uuid : "00000000-0000-0000-0000-000000000000");
    XW_LIT(&b, "</uuid>\n");
    if (dom->genid) {
        XW_LIT(&b, "  <genid>");
        vmx__xml_uuid(&b, dom->genid);
        XW_LIT(&b, "</genid>\n");
    }
    if (dom->description) {
        XW_LIT(&b, "  <description>");
        vmx__xml_escape(&b, dom->description);
        XW_LIT(&b, "</description>\n");
    }
    if (lossless)
        vmx__xml_write_metadata(&b, dom);
    XW_LIT(&b, "  <memory unit='KiB'>");
    vmx__xml_ull(&b, dom->memory_kib);
    XW_LIT(&b, "</memory>\n  <currentMemory unit='KiB'>");
    vmx__xml_ull(&b, dom->current_memory_kib);
    XW_LIT(&b, "</currentMemory>\n");
    if (dom->min_guarantee_kib) {
        XW_LIT(&b, "  <memtune>\n    <min_guarantee unit='KiB'>");
        vmx__xml_ull(&b, dom->min_guarantee_kib);
        XW_LIT(&b, "</min_guarantee>\n  </memtune>\n");
    }
    if ((rc = write_vcpu(&b, dom, err)) < 0)
        goto out;
    write_os(&b, dom);
    write_cpu(&b, dom);
    XW_LIT(&b, "  <clock offset='utc'/>\n"
               "  <on_poweroff>destroy</on_poweroff>\n"
               "  <on_reboot>restart</on_reboot>\n"
               "  <on_crash>destroy</on_crash>\n");
    if ((rc = vmx__xml_write_devices(&b, dom, lossless, err)) < 0)
        goto out;
    if (dcpath) {
        XW_LIT(&b, "  <vmware:datacenterpath>");
        vmx__xml_escape(&b, dcpath);
        XW_LIT(&b, "</vmware:datacenterpath>\n");
    }
    if (moref) {
        XW_LIT(&b, "  <vmware:moref>");
        vmx__xml_escape(&b, moref);
        XW_LIT(&b, "</vmware:moref>\n");
    }
    XW_LIT(&b, "</domain>\n");
    if (lossless && (rc = vmx__xml_keep_carriage_returns(&b)) < 0) {
        rc = vmx_error_set(err, rc, NULL, 0, NULL, "out of memory");
        goto out;
    }
    /* appends only fail for memory, and the buffer remembers it */
    if (!(*out = vmx_buf_detach(&b, len)))
        rc = vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
out:
    vmx_buf_dispose(&b);
    return rc;
}
