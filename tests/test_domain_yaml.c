/* The YAML form of the domain model: writing, reading, round trips, errors. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmxkit/vmxkit.h"

/* Allocation-failure injection (lib/util.c), exported for the tests. */
void vmx__alloc_fail_after(long n);

/* ---- deep equality of two domains ---- */

typedef struct diff {
    char what[512];
} diff;

__attribute__((format(printf, 2, 3))) static bool differ(diff *d, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(d->what, sizeof(d->what), fmt, ap);
    va_end(ap);
    return false;
}

static bool str_eq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

#define SHOW(s) ((s) ? (s) : "(null)")
#define EQ_STR(where, a, b, f)                                                           \
    do {                                                                                 \
        if (!str_eq((a)->f, (b)->f))                                                     \
            return differ(d, "%s.%s: '%s' != '%s'", where, #f, SHOW((a)->f),             \
                          SHOW((b)->f));                                                 \
    } while (0)
#define EQ_NUM(where, a, b, f)                                                           \
    do {                                                                                 \
        if ((a)->f != (b)->f)                                                            \
            return differ(d, "%s.%s: %lld != %lld", where, #f, (long long)(a)->f,        \
                          (long long)(b)->f);                                            \
    } while (0)

static bool disk_equal(diff *d, const char *w, const vmx_disk *a, const vmx_disk *b)
{
    EQ_NUM(w, a, b, type);
    EQ_NUM(w, a, b, device);
    EQ_NUM(w, a, b, bus);
    EQ_STR(w, a, b, driver_name);
    EQ_NUM(w, a, b, cache);
    EQ_STR(w, a, b, src);
    EQ_STR(w, a, b, target);
    EQ_NUM(w, a, b, readonly);
    EQ_NUM(w, a, b, transient);
    EQ_NUM(w, a, b, startup_optional);
    EQ_NUM(w, a, b, controller);
    EQ_NUM(w, a, b, addr_bus);
    EQ_NUM(w, a, b, addr_target);
    EQ_NUM(w, a, b, addr_unit);
    EQ_NUM(w, a, b, has_address);
    return true;
}

static bool controller_equal(diff *d, const char *w, const vmx_controller *a,
                             const vmx_controller *b)
{
    EQ_NUM(w, a, b, type);
    EQ_NUM(w, a, b, index);
    EQ_STR(w, a, b, model);
    return true;
}

static bool net_equal(diff *d, const char *w, const vmx_net *a, const vmx_net *b)
{
    EQ_NUM(w, a, b, type);
    EQ_STR(w, a, b, model);
    EQ_STR(w, a, b, mac);
    EQ_NUM(w, a, b, mac_type);
    EQ_NUM(w, a, b, mac_check_set);
    EQ_NUM(w, a, b, mac_check);
    EQ_STR(w, a, b, bridge);
    EQ_STR(w, a, b, ifname);
    EQ_STR(w, a, b, switch_id);
    EQ_STR(w, a, b, portgroup_id);
    EQ_STR(w, a, b, port_id);
    EQ_NUM(w, a, b, connection_id);
    return true;
}

static bool chr_equal(diff *d, const char *w, const vmx_chr *a, const vmx_chr *b)
{
    EQ_NUM(w, a, b, type);
    EQ_NUM(w, a, b, port);
    EQ_STR(w, a, b, path);
    EQ_NUM(w, a, b, listen);
    EQ_STR(w, a, b, host);
    EQ_STR(w, a, b, service);
    EQ_STR(w, a, b, protocol);
    EQ_NUM(w, a, b, try_immediate);
    EQ_STR(w, a, b, direction);
    return true;
}

static bool video_equal(diff *d, const char *w, const vmx_video *a, const vmx_video *b)
{
    EQ_STR(w, a, b, model);
    EQ_NUM(w, a, b, vram_kib);
    EQ_NUM(w, a, b, has_vram);
    EQ_NUM(w, a, b, heads);
    EQ_NUM(w, a, b, primary);
    return true;
}

static bool graphics_equal(diff *d, const char *w, const vmx_graphics *a,
                           const vmx_graphics *b)
{
    EQ_STR(w, a, b, type);
    EQ_NUM(w, a, b, port);
    EQ_NUM(w, a, b, autoport);
    EQ_STR(w, a, b, listen);
    EQ_STR(w, a, b, keymap);
    EQ_STR(w, a, b, passwd);
    return true;
}

static bool sound_equal(diff *d, const char *w, const vmx_sound *a, const vmx_sound *b)
{
    EQ_STR(w, a, b, model);
    return true;
}

static bool fs_equal(diff *d, const char *w, const vmx_fs *a, const vmx_fs *b)
{
    EQ_STR(w, a, b, src);
    EQ_STR(w, a, b, dst);
    EQ_NUM(w, a, b, readonly);
    return true;
}

#define EQ_LIST(arr, count, fn)                                                          \
    do {                                                                                 \
        size_t i_;                                                                       \
        char w_[64];                                                                     \
        if (a->count != b->count)                                                        \
            return differ(d, "%s: %zu != %zu", #count, a->count, b->count);              \
        for (i_ = 0; i_ < a->count; i_++) {                                              \
            snprintf(w_, sizeof(w_), "%s[%zu]", #arr, i_);                               \
            if (!fn(d, w_, &a->arr[i_], &b->arr[i_]))                                    \
                return false;                                                            \
        }                                                                                \
    } while (0)

static bool domain_equal(diff *d, const vmx_domain *a, const vmx_domain *b)
{
    size_t i;

    EQ_STR("domain", a, b, name);
    EQ_STR("domain", a, b, uuid);
    EQ_STR("domain", a, b, genid);
    EQ_STR("domain", a, b, description);
    EQ_NUM("domain", a, b, memory_kib);
    EQ_NUM("domain", a, b, current_memory_kib);
    EQ_NUM("domain", a, b, min_guarantee_kib);
    EQ_NUM("domain", a, b, has_min_guarantee);
    EQ_NUM("domain", a, b, vcpus);
    EQ_STR("domain", a, b, cpuset);
    EQ_NUM("domain", a, b, sockets);
    EQ_NUM("domain", a, b, dies);
    EQ_NUM("domain", a, b, cores);
    EQ_NUM("domain", a, b, threads);
    EQ_NUM("domain", a, b, cpu_shares);
    EQ_NUM("domain", a, b, arch);
    EQ_STR("domain", a, b, machine);
    EQ_NUM("domain", a, b, firmware);
    EQ_NUM("domain", a, b, secure_boot);
    EQ_NUM("domain", a, b, smbios);
    EQ_STR("domain", a, b, guest_os);
    EQ_STR("domain", a, b, datacenter_path);
    EQ_STR("domain", a, b, moref);
    EQ_LIST(disks, ndisks, disk_equal);
    EQ_LIST(controllers, ncontrollers, controller_equal);
    EQ_LIST(nets, nnets, net_equal);
    EQ_LIST(serials, nserials, chr_equal);
    EQ_LIST(parallels, nparallels, chr_equal);
    EQ_LIST(videos, nvideos, video_equal);
    EQ_LIST(graphics, ngraphics, graphics_equal);
    EQ_LIST(filesystems, nfilesystems, fs_equal);
    EQ_NUM("domain", a, b, scsi_bus_max_unit);
    EQ_LIST(sounds, nsounds, sound_equal);
    EQ_NUM("domain", a, b, tpm);
    if (a->nextra != b->nextra)
        return differ(d, "nextra: %zu != %zu", a->nextra, b->nextra);
    for (i = 0; i < a->nextra; i++) {
        if (!str_eq(a->extra_keys[i], b->extra_keys[i]) ||
            !str_eq(a->extra_values[i], b->extra_values[i]))
            return differ(d, "extra[%zu]: '%s' = '%s' != '%s' = '%s'", i,
                          SHOW(a->extra_keys[i]), SHOW(a->extra_values[i]),
                          SHOW(b->extra_keys[i]), SHOW(b->extra_values[i]));
    }
    return true;
}

/* ---- helpers ---- */

static char *sdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* A domain that sets every field of the model, with every device kind. */
static vmx_domain *full_domain(void)
{
    vmx_domain *dom;
    vmx_disk *disk;
    vmx_controller *ctl;
    vmx_net *net;
    vmx_chr *chr;
    vmx_video *video;
    vmx_graphics *gfx;
    vmx_fs *fs;

    cr_assert_eq(vmx_domain_new(&dom), 0);
    dom->name = sdup("web-01");
    dom->uuid = sdup("564d9bef-acd9-b4e0-c8f0-aeadc7186c3b");
    dom->genid = sdup("c79f0c2e-1d3f-4b8a-9a0e-5f6a7b8c9d0e");
    dom->description = sdup("Production web server\nOwner: ops@example.com\n");
    dom->memory_kib = 4ULL * 1024 * 1024;
    dom->current_memory_kib = 1536 * 1024;
    dom->min_guarantee_kib = 123;
    dom->has_min_guarantee = true;
    dom->vcpus = 4;
    dom->cpuset = sdup("0-3,^2");
    dom->sockets = 2;
    dom->dies = 1;
    dom->cores = 2;
    dom->threads = 1;
    dom->cpu_shares = 2000;
    dom->arch = VMX_ARCH_X86_64;
    dom->machine = sdup("pc");
    dom->firmware = VMX_FIRMWARE_EFI;
    dom->secure_boot = VMX_TRISTATE_NO;
    dom->smbios = VMX_SMBIOS_SYSINFO;
    dom->guest_os = sdup("ubuntu-64");
    dom->datacenter_path = sdup("folder1/folder2/datacenter1");
    dom->moref = sdup("vm-42");
    dom->scsi_bus_max_unit = 64;

    disk = vmx_domain_add_disk(dom);
    disk->type = VMX_DISK_TYPE_FILE;
    disk->device = VMX_DISK_DEVICE_DISK;
    disk->bus = VMX_DISK_BUS_SCSI;
    disk->driver_name = sdup("lsilogic");
    disk->cache = VMX_DISK_CACHE_WRITETHROUGH;
    disk->src = sdup("[datastore1] web-01/web-01.vmdk");
    disk->target = sdup("sda");
    disk->transient = true;
    disk->startup_optional = true;
    disk->controller = 0;
    disk->addr_unit = 1;
    disk->has_address = true;
    disk = vmx_domain_add_disk(dom);
    disk->type = VMX_DISK_TYPE_BLOCK;
    disk->device = VMX_DISK_DEVICE_CDROM;
    disk->bus = VMX_DISK_BUS_IDE;
    disk->src = sdup("/dev/scd0");
    disk->target = sdup("hdc");
    disk->readonly = true;
    disk->addr_bus = 1;
    disk->has_address = true;
    disk = vmx_domain_add_disk(dom);
    disk->device = VMX_DISK_DEVICE_FLOPPY;
    disk->bus = VMX_DISK_BUS_FDC;
    disk->target = sdup("fda");
    disk = vmx_domain_add_disk(dom);
    disk->device = VMX_DISK_DEVICE_LUN;
    disk->type = VMX_DISK_TYPE_BLOCK;
    disk->bus = VMX_DISK_BUS_SATA;
    disk->src = sdup("/dev/sdb");
    disk->target = sdup("sdb");
    disk->cache = VMX_DISK_CACHE_UNSAFE;
    disk->controller = 2;
    disk->addr_bus = 3;
    disk->addr_target = 4;
    disk->addr_unit = 5;
    disk->has_address = true;
    disk = vmx_domain_add_disk(dom);
    disk->bus = VMX_DISK_BUS_NVME;
    disk->src = sdup("[datastore1] web-01/data.vmdk");
    disk->target = sdup("nvme0n1");
    disk->cache = VMX_DISK_CACHE_DIRECTSYNC;

    ctl = vmx_domain_add_controller(dom);
    ctl->type = VMX_CONTROLLER_SCSI;
    ctl->model = sdup("lsilogic");
    ctl = vmx_domain_add_controller(dom);
    ctl->type = VMX_CONTROLLER_IDE;
    ctl = vmx_domain_add_controller(dom);
    ctl->type = VMX_CONTROLLER_FDC;
    ctl = vmx_domain_add_controller(dom);
    ctl->type = VMX_CONTROLLER_SATA;
    ctl->index = 2;
    ctl = vmx_domain_add_controller(dom);
    ctl->type = VMX_CONTROLLER_NVME;
    ctl = vmx_domain_add_controller(dom);
    ctl->type = VMX_CONTROLLER_USB;
    ctl->model = sdup("nec-xhci");

    net = vmx_domain_add_net(dom);
    net->type = VMX_NET_BRIDGE;
    net->model = sdup("vmxnet3");
    net->mac = sdup("00:50:56:91:48:c7");
    net->mac_type = VMX_MAC_GENERATED;
    net->mac_check_set = true;
    net->mac_check = false;
    net->bridge = sdup("VM Network");
    net = vmx_domain_add_net(dom);
    net->type = VMX_NET_USER;
    net->mac = sdup("10:20:30:40:50:11");
    net->mac_type = VMX_MAC_STATIC;
    net->bridge = sdup("nat");
    net = vmx_domain_add_net(dom);
    net->type = VMX_NET_ETHERNET;
    net->model = sdup("e1000e");
    net->ifname = sdup("vmnet7");
    net->mac_type = VMX_MAC_VPX;
    net = vmx_domain_add_net(dom);
    net->type = VMX_NET_VDS;
    net->switch_id = sdup("50 11 4f 7a 3d 84 b4 bc-c4 e2 8d 24 4b 74 0d 1f");
    net->portgroup_id = sdup("dvportgroup-22");
    net->port_id = sdup("8");
    net->connection_id = 1234567890123LL;
    net = vmx_domain_add_net(dom);
    net->type = VMX_NET_NULL;
    net = vmx_domain_add_net(dom);
    net->type = VMX_NET_HOSTONLY;
    net->bridge = sdup("vmnet1");

    chr = vmx_domain_add_serial(dom);
    chr->type = VMX_CHR_FILE;
    chr->path = sdup("[datastore1] web-01/serial0.log");
    chr = vmx_domain_add_serial(dom);
    chr->type = VMX_CHR_PIPE;
    chr->port = 1;
    chr->path = sdup("\\\\.\\pipe\\com_1");
    chr = vmx_domain_add_serial(dom);
    chr->type = VMX_CHR_TCP;
    chr->port = 2;
    chr->listen = true;
    chr->host = sdup("0.0.0.0");
    chr->service = sdup("12345");
    chr->protocol = sdup("telnet");
    chr->try_immediate = true;
    chr->direction = sdup("server");
    chr = vmx_domain_add_serial(dom);
    chr->type = VMX_CHR_UDP;
    chr->port = 3;
    chr->host = sdup("192.168.0.1");
    chr->service = sdup("514");
    chr = vmx_domain_add_serial(dom);
    chr->type = VMX_CHR_DEV;
    chr->port = 4;
    chr->path = sdup("/dev/ttyS0");
    chr = vmx_domain_add_serial(dom);
    chr->type = VMX_CHR_THINPRINT;
    chr->port = 5;
    chr = vmx_domain_add_serial(dom);
    chr->type = VMX_CHR_NULL;
    chr->port = 6;
    chr = vmx_domain_add_parallel(dom);
    chr->type = VMX_CHR_FILE;
    chr->path = sdup("[datastore1] web-01/parallel0.file");

    video = vmx_domain_add_video(dom);
    video->model = sdup("vmvga");
    video->vram_kib = 4096;
    video->has_vram = true;
    video->heads = 1;
    video->primary = true;
    video = vmx_domain_add_video(dom);
    video->vram_kib = 0;
    video->has_vram = true;
    vmx_domain_add_video(dom); /* an empty one */

    gfx = vmx_domain_add_graphics(dom);
    gfx->type = sdup("vnc");
    gfx->port = -1;
    gfx->autoport = true;
    gfx->listen = sdup("127.0.0.1");
    gfx->keymap = sdup("de-ch");
    gfx->passwd = sdup("s3cret: yes");

    fs = vmx_domain_add_filesystem(dom);
    fs->src = sdup("/home/user/share");
    fs->dst = sdup("share");
    fs->readonly = true;

    cr_assert_eq(vmx_domain_add_extra(dom, "sound.present", "TRUE"), 0);
    cr_assert_eq(vmx_domain_add_extra(dom, "usb.present", "true"), 0);
    cr_assert_eq(vmx_domain_add_extra(dom, "tools.syncTime", "FALSE"), 0);
    cr_assert_eq(vmx_domain_add_extra(dom, "guestinfo.empty", ""), 0);
    cr_assert_eq(vmx_domain_add_extra(dom, "sched.mem.shares", "normal"), 0);
    cr_assert_eq(vmx_domain_add_extra(dom, "numvcpus.weird", "1.0"), 0);
    cr_assert_eq(vmx_domain_add_extra(dom, "guestinfo.null", "x"), 0);
    free(dom->extra_values[dom->nextra - 1]);
    dom->extra_values[dom->nextra - 1] = NULL;
    return dom;
}

static char *to_yaml(const vmx_domain *dom, size_t *len)
{
    vmx_error err = VMX_ERROR_INIT;
    char *out = NULL;
    int rc = vmx_domain_to_yaml(&out, len, dom, NULL, &err);

    cr_assert_eq(rc, 0, "to_yaml: %d %s [%s]", rc, err.message, err.key);
    cr_assert_not_null(out);
    return out;
}

static vmx_domain *from_yaml(const char *text, size_t len)
{
    vmx_error err = VMX_ERROR_INIT;
    vmx_domain *dom = NULL;
    int rc = vmx_domain_from_yaml(&dom, text, len, "test.yaml", NULL, &err);

    cr_assert_eq(rc, 0, "from_yaml: %d line %lu col %lu: %s [%s]\n%s", rc, err.line,
                 err.column, err.message, err.key, text);
    cr_assert_not_null(dom);
    return dom;
}

/* domain -> YAML -> domain is equal, and the YAML is a fixpoint. */
static void assert_round_trip(const vmx_domain *dom)
{
    size_t len, len2;
    char *yaml = to_yaml(dom, &len), *yaml2;
    vmx_domain *back = from_yaml(yaml, len);
    diff d = {""};

    cr_assert(domain_equal(&d, dom, back), "model changed: %s\n%s", d.what, yaml);
    yaml2 = to_yaml(back, &len2);
    cr_assert_eq(len, len2);
    cr_assert_str_eq(yaml, yaml2);
    free(yaml);
    free(yaml2);
    vmx_domain_free(back);
}

/* ---- round trips ---- */

Test(domain_yaml, every_field_and_device_round_trips)
{
    vmx_domain *dom = full_domain();

    assert_round_trip(dom);
    vmx_domain_free(dom);
}

Test(domain_yaml, empty_domain_is_an_empty_mapping)
{
    vmx_domain *dom, *back;
    char *yaml;
    size_t len;
    diff d = {""};

    cr_assert_eq(vmx_domain_new(&dom), 0);
    yaml = to_yaml(dom, &len);
    cr_assert_str_eq(yaml, "{}\n");
    back = from_yaml(yaml, len);
    cr_assert(domain_equal(&d, dom, back), "%s", d.what);
    cr_assert_eq(back->cpu_shares, -1);
    free(yaml);
    vmx_domain_free(dom);
    vmx_domain_free(back);
}

Test(domain_yaml, equality_helper_sees_differences)
{
    vmx_domain *a = full_domain(), *b = full_domain();
    diff d = {""};

    cr_assert(domain_equal(&d, a, b));
    b->serials[2].try_immediate = false;
    cr_assert_not(domain_equal(&d, a, b));
    cr_assert_str_eq(d.what, "serials[2].try_immediate: 1 != 0");
    vmx_domain_free(b);
    b = full_domain();
    free(b->extra_values[3]);
    b->extra_values[3] = NULL;
    cr_assert_not(domain_equal(&d, a, b));
    cr_assert(strstr(d.what, "extra[3]") != NULL, "%s", d.what);
    vmx_domain_free(a);
    vmx_domain_free(b);
}

/* Strings that a careless emitter would turn into something else. */
static const char *const odd_strings[] = {"yes",
                                          "no",
                                          "on",
                                          "off",
                                          "y",
                                          "N",
                                          "null",
                                          "Null",
                                          "~",
                                          "true",
                                          "False",
                                          "TRUE",
                                          "",
                                          " ",
                                          " leading",
                                          "trailing ",
                                          "  both  ",
                                          "1.0",
                                          "1",
                                          "-1",
                                          "+1",
                                          "012",
                                          "0o17",
                                          "0x1F",
                                          "0b101",
                                          "1_000",
                                          "1e3",
                                          "6.02e+23",
                                          ".5",
                                          ".inf",
                                          "-.Inf",
                                          ".NaN",
                                          "12:30:45",
                                          "190:20:30.15",
                                          "2001-12-14",
                                          "2001-12-14t21:59:43.10-05:00",
                                          "key: value",
                                          "a #comment",
                                          "#hash",
                                          "a#b",
                                          "ends:",
                                          "- dash",
                                          "-",
                                          "--",
                                          "?",
                                          "? q",
                                          ":",
                                          ": x",
                                          "[ds] dir/file.vmdk",
                                          "{x}",
                                          "*star",
                                          "&amp",
                                          "!bang",
                                          "|pipe",
                                          ">gt",
                                          "'single'",
                                          "\"double\"",
                                          "%percent",
                                          "@at",
                                          "`tick",
                                          ",comma",
                                          "a\"b'c",
                                          "it's",
                                          "<<",
                                          "=",
                                          "--- doc",
                                          "...",
                                          "... end",
                                          "line1\nline2",
                                          "line1\nline2\n",
                                          "line1\n\n",
                                          "line1\n\n\n",
                                          "\n",
                                          "\n\n",
                                          "\nleading newline",
                                          "  indented\nsecond",
                                          "first\n  indented\n",
                                          "tab\there",
                                          "\tlead tab\nx",
                                          "x\n\tlead tab",
                                          "cr\r\nlf",
                                          "trailing spaces  \nx",
                                          "x\ntrailing spaces  ",
                                          "   \n",
                                          "x\n   \ny",
                                          "ctrl\x01\x02\x1b\x7f",
                                          "nul-less\x08",
                                          "nel\xc2\x85x",
                                          "ls\xe2\x80\xa8x",
                                          "ps\xe2\x80\xa9x",
                                          "bom\xef\xbb\xbfx",
                                          "\xef\xbf\xbe",
                                          "c1\xc2\x9fx",
                                          "\xc2\xa0"
                                          "nbsp\xc2\xa0",
                                          "\xc3\xbcn\xc3\xaf"
                                          "c\xc3\xb6"
                                          "d\xc3\xa9 \xe2\x9c\x93 \xe6\x97\xa5",
                                          "emoji \xf0\x9f\x98\x80",
                                          "back\\slash",
                                          "C:\\Program Files\\x",
                                          "C:/x",
                                          "http://example.com/a?b=c#d",
                                          "00:50:56:01:02:03",
                                          "10:20:30:40:50:11",
                                          "564d9bef-acd9-b4e0-c8f0-aeadc7186c3b",
                                          "4 GiB",
                                          "a  b",
                                          "a\\nb",
                                          "\\",
                                          "'",
                                          "\"",
                                          "a:b",
                                          "a: ",
                                          " #x",
                                          "x #",
                                          "\t",
                                          "x\t",
                                          "line\n#not a comment\n- not a list\n"};

Test(domain_yaml, odd_strings_round_trip_everywhere)
{
    size_t i;

    for (i = 0; i < sizeof(odd_strings) / sizeof(odd_strings[0]); i++) {
        const char *s = odd_strings[i];
        vmx_domain *dom;
        vmx_disk *disk;

        cr_assert_eq(vmx_domain_new(&dom), 0);
        dom->name = sdup(s);
        dom->description = sdup(s);
        disk = vmx_domain_add_disk(dom);
        disk->src = sdup(s);
        cr_assert_eq(vmx_domain_add_extra(dom, s, s), 0);
        cr_assert_eq(vmx_domain_add_extra(dom, "after", s), 0);
        assert_round_trip(dom);
        vmx_domain_free(dom);
    }
}

Test(domain_yaml, long_strings_and_keys_round_trip)
{
    static char big[5000];
    vmx_domain *dom;
    char *yaml;
    size_t len;

    memset(big, 'k', sizeof(big) - 1);
    cr_assert_eq(vmx_domain_new(&dom), 0);
    dom->description = sdup(big);
    cr_assert_eq(vmx_domain_add_extra(dom, big, "long key"), 0);
    big[2000] = '\0';
    cr_assert_eq(vmx_domain_add_extra(dom, big, "quoted long: key"), 0);
    big[20] = '\n';
    cr_assert_eq(vmx_domain_add_extra(dom, big, big), 0);
    assert_round_trip(dom);
    yaml = to_yaml(dom, &len);
    cr_assert(strstr(yaml, "\n  ? kkkk") != NULL, "explicit key form expected:\n%.300s",
              yaml);
    free(yaml);
    vmx_domain_free(dom);
}

/* ---- what the text looks like ---- */

static char *yaml_of_name(const char *name)
{
    vmx_domain *dom;
    char *yaml;

    cr_assert_eq(vmx_domain_new(&dom), 0);
    dom->name = sdup(name);
    yaml = to_yaml(dom, NULL);
    vmx_domain_free(dom);
    return yaml;
}

Test(domain_yaml, quoting_is_as_light_as_safe)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"web-01", "name: web-01\n"},
        {"VM Network", "name: VM Network\n"},
        {"[datastore1] a/b.vmdk", "name: '[datastore1] a/b.vmdk'\n"},
        {"00:50:56:91:48:c7", "name: 00:50:56:91:48:c7\n"},
        {"10:20:30", "name: '10:20:30'\n"},
        {"yes", "name: 'yes'\n"},
        {"No", "name: 'No'\n"},
        {"null", "name: 'null'\n"},
        {"~", "name: '~'\n"},
        {"1.0", "name: '1.0'\n"},
        {"1.0.0", "name: 1.0.0\n"},
        {"0755", "name: '0755'\n"},
        {"2024-01-31", "name: '2024-01-31'\n"},
        {"", "name: ''\n"},
        {" lead", "name: ' lead'\n"},
        {"trail ", "name: 'trail '\n"},
        {"a: b", "name: 'a: b'\n"},
        {"a #b", "name: 'a #b'\n"},
        {"a#b", "name: a#b\n"},
        {"it's", "name: it's\n"},
        {"'q", "name: '''q'\n"},
        {"C:\\x", "name: C:\\x\n"},
        {"tab\t", "name: \"tab\\t\"\n"},
        {"bell\a", "name: \"bell\\a\"\n"},
        {"x\xc2\x85y", "name: \"x\\Ny\"\n"},
        {"a\r\nb", "name: \"a\\r\\nb\"\n"},
        {"caf\xc3\xa9", "name: caf\xc3\xa9\n"},
        {"one\ntwo", "name: |-\n  one\n  two\n"},
        {"one\ntwo\n", "name: |\n  one\n  two\n"},
        {"one\n\ntwo\n\n", "name: |+\n  one\n\n  two\n\n"},
        {" one\ntwo", "name: \" one\\ntwo\"\n"},
        {"one \ntwo", "name: \"one \\ntwo\"\n"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *yaml = yaml_of_name(cases[i].in);

        cr_expect_str_eq(yaml, cases[i].out, "case %zu", i);
        free(yaml);
    }
}

Test(domain_yaml, sizes_use_the_largest_exact_unit)
{
    vmx_domain *dom;
    vmx_video *video;
    char *yaml;

    cr_assert_eq(vmx_domain_new(&dom), 0);
    dom->memory_kib = 4ULL * 1024 * 1024;
    dom->current_memory_kib = 1536 * 1024;
    dom->min_guarantee_kib = 2ULL * 1024 * 1024 * 1024;
    dom->has_min_guarantee = true;
    video = vmx_domain_add_video(dom);
    video->vram_kib = 0;
    video->has_vram = true;
    video = vmx_domain_add_video(dom);
    video->vram_kib = 1023;
    video->has_vram = true;
    yaml = to_yaml(dom, NULL);
    cr_assert_str_eq(yaml, "memory: 4 GiB\n"
                           "current_memory: 1536 MiB\n"
                           "min_guarantee: 2 TiB\n"
                           "devices:\n"
                           "  videos:\n"
                           "    - vram: 0 KiB\n"
                           "    - vram: 1023 KiB\n");
    free(yaml);
    vmx_domain_free(dom);
}

Test(domain_yaml, sizes_read_with_any_unit_spelling)
{
    static const struct {
        const char *text;
        unsigned long long kib;
    } cases[] = {
        {"4 GiB", 4194304},    {"4GiB", 4194304},
        {"4 gib", 4194304},    {"'4 GiB'", 4194304},
        {"1 TiB", 1073741824}, {"3 MiB", 3072},
        {"5 KiB", 5},          {"0", 0},
        {"0 MiB", 0},          {"17179869183 TiB", 17179869183ULL * 1073741824ULL}};
    char text[128];
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        vmx_domain *dom;

        snprintf(text, sizeof(text), "memory: %s\n", cases[i].text);
        dom = from_yaml(text, strlen(text));
        cr_expect_eq(dom->memory_kib, cases[i].kib, "%s", text);
        vmx_domain_free(dom);
    }
}

Test(domain_yaml, people_may_write_flow_style_comments_and_yes)
{
    static const char text[] = "# a hand-written definition\n"
                               "name: \"db\"   # quoted is fine\n"
                               "cpu: {vcpus: 2, shares: 0}\n"
                               "os: {secure_boot: yes}\n"
                               "devices:\n"
                               "  disks: [{device: cdrom, readonly: yes, bus: ide}]\n"
                               "  videos:\n"
                               "  - {}\n"
                               "extra: {a.b: ~, c: \"1\"}\n";
    vmx_domain *dom = from_yaml(text, strlen(text));
    char *yaml;

    cr_assert_str_eq(dom->name, "db");
    cr_assert_eq(dom->vcpus, 2);
    cr_assert_eq(dom->cpu_shares, 0);
    cr_assert_eq(dom->secure_boot, VMX_TRISTATE_YES);
    cr_assert_eq(dom->ndisks, 1);
    cr_assert_eq(dom->disks[0].device, VMX_DISK_DEVICE_CDROM);
    cr_assert(dom->disks[0].readonly);
    cr_assert_eq(dom->nvideos, 1);
    cr_assert_eq(dom->nextra, 2);
    cr_assert_null(dom->extra_values[0]);
    cr_assert_str_eq(dom->extra_values[1], "1");
    yaml = to_yaml(dom, NULL);
    cr_assert_str_eq(yaml, "name: db\n"
                           "cpu:\n"
                           "  vcpus: 2\n"
                           "  shares: 0\n"
                           "os:\n"
                           "  secure_boot: true\n"
                           "devices:\n"
                           "  disks:\n"
                           "    - device: cdrom\n"
                           "      type: file\n"
                           "      bus: ide\n"
                           "      readonly: true\n"
                           "  videos:\n"
                           "    - {}\n"
                           "extra:\n"
                           "  a.b: ~\n"
                           "  c: '1'\n");
    free(yaml);
    vmx_domain_free(dom);
}

Test(domain_yaml, extra_keeps_order_and_duplicates)
{
    static const char text[] = "extra:\n  z: 1\n  a: 2\n  z: 3\n";
    vmx_domain *dom = from_yaml(text, strlen(text));

    cr_assert_eq(dom->nextra, 3);
    cr_assert_str_eq(dom->extra_keys[0], "z");
    cr_assert_str_eq(dom->extra_keys[1], "a");
    cr_assert_str_eq(dom->extra_keys[2], "z");
    cr_assert_str_eq(dom->extra_values[2], "3");
    vmx_domain_free(dom);
}

Test(domain_yaml, small_aliases_are_expanded)
{
    static const char text[] = "devices:\n"
                               "  controllers:\n"
                               "    - {type: scsi, index: 0, model: &m lsilogic}\n"
                               "    - {type: scsi, index: 1, model: *m}\n"
                               "  sounds:\n"
                               "    - &s {model: ich6}\n"
                               "    - *s\n"
                               "extra: {a: &v same, b: *v}\n";
    vmx_domain *dom = from_yaml(text, strlen(text));

    cr_assert_eq(dom->ncontrollers, 2);
    cr_assert_str_eq(dom->controllers[1].model, "lsilogic");
    cr_assert_eq(dom->nsounds, 2);
    cr_assert_str_eq(dom->sounds[1].model, "ich6");
    cr_assert_str_eq(dom->extra_values[1], "same");
    vmx_domain_free(dom);
}

/* ---- errors ---- */

Test(domain_yaml, writer_refuses_invalid_utf8_and_unknown_enums)
{
    vmx_error err = VMX_ERROR_INIT;
    vmx_domain *dom;
    vmx_net *net;
    char *out = (char *)1;

    cr_assert_eq(vmx_domain_new(&dom), 0);
    net = vmx_domain_add_net(dom);
    net = vmx_domain_add_net(dom);
    net->bridge = sdup("bad \xff byte");
    cr_assert_eq(vmx_domain_to_yaml(&out, NULL, dom, NULL, &err), VMX_EINVAL);
    cr_assert_null(out);
    cr_assert_str_eq(err.key, "devices.interfaces[1].bridge");
    cr_assert_str_eq(err.message, "string is not valid UTF-8");
    free(net->bridge);
    net->bridge = NULL;
    net->type = (vmx_net_type)77;
    vmx_error_clear(&err);
    cr_assert_eq(vmx_domain_to_yaml(&out, NULL, dom, NULL, &err), VMX_EINVAL);
    cr_assert_str_eq(err.key, "devices.interfaces[1].type");
    cr_assert_str_eq(err.message, "unknown value 77");
    vmx_domain_free(dom);
}

Test(domain_yaml, reader_refuses_oversized_input)
{
    vmx_error err = VMX_ERROR_INIT;
    vmx_domain *dom = NULL;

    cr_assert_eq(vmx_domain_from_yaml(&dom, "a: b", VMX_YAML_MAX_INPUT + 1, "big.yaml",
                                      NULL, &err),
                 VMX_ELIMIT);
    cr_assert_null(dom);
    cr_assert_str_eq(err.source, "big.yaml");
}

/* Fuzz finding F3 through YAML: the XML reader's post-parse would need
 * 31684 controllers for a disk named sdzzzz and refuses it; the YAML reader
 * refuses it as well, at the node (it once accepted it, and its XML was
 * refused on the next read). */
Test(domain_yaml, disk_past_the_controller_cap_is_refused)
{
    static const char yaml[] = "name: b\nmemory: 8MiB\ncpu:\n  vcpus: 1\ndevices:\n"
                               "  disks:\n    - target: sdzzzz\n      bus: scsi\n";
    vmx_error err = VMX_ERROR_INIT;
    vmx_domain *dom = NULL;
    char *xml = NULL;
    size_t len = 0;

    cr_assert_eq(vmx_domain_from_yaml(&dom, yaml, sizeof(yaml) - 1, "t.yaml", NULL, &err),
                 VMX_ELIMIT);
    cr_assert_null(dom);
    cr_assert_str_eq(err.message, "disk 'sdzzzz' needs scsi controller 31683, past the "
                                  "limit of 1024 controllers");
    cr_assert_eq(err.line, 7);
    cr_assert_eq(err.column, 15);
    cr_assert_str_eq(err.key, "devices.disks[0].target");
    err = (vmx_error)VMX_ERROR_INIT;
    cr_assert_eq(vmx_convert(&xml, &len, yaml, sizeof(yaml) - 1, "t.yaml",
                             VMX_FORMAT_YAML, VMX_FORMAT_XML, NULL, &err),
                 VMX_ELIMIT);
    cr_assert_null(xml);
}

static char *read_text(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *p = NULL;
    long n;

    cr_assert_not_null(f, "cannot open %s", path);
    cr_assert_eq(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    cr_assert_geq(n, 0);
    rewind(f);
    p = malloc((size_t)n + 1);
    cr_assert_not_null(p);
    cr_assert_eq(fread(p, 1, (size_t)n, f), (size_t)n, "cannot read %s", path);
    fclose(f);
    p[n] = '\0';
    if (len)
        *len = (size_t)n;

    cr_assert_not_null(p, "cannot read %s", path);
    return p;
}

/* testdata/yaml/invalid/<case>.yaml + <case>.error: "line:column", a message
 * substring and the expected key path (may be empty). */
Test(domain_yaml, invalid_cases_name_line_column_message_and_path)
{
    const char *dir = TESTDATA_DIR "/yaml/invalid";
    struct dirent *de;
    DIR *d = opendir(dir);
    int count = 0;

    cr_assert_not_null(d);
    while ((de = readdir(d)) != NULL) {
        char path[1024], epath[1024], want_msg[512] = "", want_key[256] = "";
        size_t len = 0, n = strlen(de->d_name);
        unsigned long want_line = 0, want_col = 0;
        vmx_error err = VMX_ERROR_INIT;
        vmx_domain *dom = NULL;
        char *text, *expect, *nl;
        int rc;

        if (n < 6 || strcmp(de->d_name + n - 5, ".yaml") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        snprintf(epath, sizeof(epath), "%s/%.*s.error", dir, (int)(n - 5), de->d_name);
        text = read_text(path, &len);
        expect = read_text(epath, NULL);
        cr_assert_eq(sscanf(expect, "%lu:%lu", &want_line, &want_col), 2, "%s", epath);
        nl = strchr(expect, '\n');
        cr_assert_not_null(nl, "%s", epath);
        sscanf(nl + 1, "%511[^\n]", want_msg);
        nl = strchr(nl + 1, '\n');
        if (nl)
            sscanf(nl + 1, "%255[^\n]", want_key);
        rc = vmx_domain_from_yaml(&dom, text, len, de->d_name, NULL, &err);
        cr_expect_lt(rc, 0, "%s: accepted", de->d_name);
        cr_expect_null(dom, "%s", de->d_name);
        cr_expect_eq(err.code, rc, "%s", de->d_name);
        cr_expect_str_eq(err.source, de->d_name);
        cr_expect_eq(err.line, want_line, "%s: line %lu, expected %lu (%s)", de->d_name,
                     err.line, want_line, err.message);
        cr_expect_eq(err.column, want_col, "%s: column %lu, expected %lu (%s)",
                     de->d_name, err.column, want_col, err.message);
        cr_expect(strstr(err.message, want_msg) != NULL,
                  "%s: message '%s', expected '%s'", de->d_name, err.message, want_msg);
        cr_expect_str_eq(err.key, want_key, "%s: key", de->d_name);
        vmx_domain_free(dom);
        free(text);
        free(expect);
        count++;
    }
    closedir(d);
    cr_assert_geq(count, 20, "only %d invalid cases found", count);
}

/* ---- the YAML reader applies the XML reader's limits ---- */

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* A growing text for the generated documents. */
typedef struct gen_text {
    char *p;
    size_t len, cap;
} gen_text;

__attribute__((format(printf, 2, 3))) static void tprintf(gen_text *t, const char *fmt,
                                                          ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    cr_assert_geq(n, 0);
    if (t->len + (size_t)n + 1 > t->cap) {
        t->cap = (t->len + (size_t)n + 1) * 2;
        t->p = realloc(t->p, t->cap);
        cr_assert_not_null(t->p);
    }
    va_start(ap, fmt);
    vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

/* Convert @in; 0 or the error code. */
static int convert_text(const char *in, size_t len, vmx_format from, vmx_format to,
                        char **out, size_t *outlen, vmx_error *err)
{
    *err = (vmx_error)VMX_ERROR_INIT;
    *out = NULL;
    return vmx_convert(out, outlen, in, len, "t", from, to, NULL, err);
}

/* The invariant: a YAML document the reader accepts converts to XML that the
 * XML reader accepts. Returns whether @yaml was accepted. */
static bool yaml_xml_reads_back(const char *yaml, size_t len, const char *what)
{
    vmx_error err;
    char *xml = NULL, *again = NULL;
    size_t xmllen = 0, againlen = 0;
    int rc;

    rc = convert_text(yaml, len, VMX_FORMAT_YAML, VMX_FORMAT_XML, &xml, &xmllen, &err);
    if (rc < 0)
        return false;
    rc = convert_text(xml, xmllen, VMX_FORMAT_XML, VMX_FORMAT_XML, &again, &againlen,
                      &err);
    cr_expect_eq(rc, 0, "%s: the XML of accepted YAML is refused: %lu: %s [%s]\n%s", what,
                 err.line, err.message, err.key, xml);
    vmx_free(xml);
    vmx_free(again);
    return true;
}

/* The disk name libvirt reads as index @idx ("sda" 0, "sdaa" 26, ...). */
static void disk_name(char *out, size_t size, int idx)
{
    char letters[16];
    size_t n = sizeof(letters) - 1;

    letters[n] = '\0';
    do {
        letters[--n] = (char)('a' + idx % 26);
        idx = idx / 26 - 1;
    } while (idx >= 0);
    snprintf(out, size, "sd%s", letters + n);
}

/* Lists: 1024 elements are accepted by both readers, 1025 refused by both;
 * the YAML error names the 1025th element. */
Test(domain_yaml, device_lists_are_capped_as_in_xml)
{
    static const int counts[] = {1024, 1025};
    size_t i;
    int k;

    for (i = 0; i < 2; i++) {
        gen_text y = {0}, x = {0};
        vmx_error err;
        char *out = NULL;
        size_t outlen = 0;
        int yrc, xrc;

        tprintf(&y,
                "name: n\nmemory: 32 MiB\ncpu:\n  vcpus: 1\ndevices:\n  interfaces:\n");
        tprintf(&x,
                "<domain type='vmware'><name>n</name><memory unit='KiB'>32768</memory>"
                "<vcpu>1</vcpu><os><type arch='i686'>hvm</type></os><devices>\n");
        for (k = 0; k < counts[i]; k++) {
            tprintf(&y, "    - {type: bridge, bridge: b%d}\n", k);
            tprintf(&x, "<interface type='bridge'><source bridge='b%d'/></interface>\n",
                    k);
        }
        tprintf(&x, "</devices></domain>\n");
        xrc =
            convert_text(x.p, x.len, VMX_FORMAT_XML, VMX_FORMAT_XML, &out, &outlen, &err);
        vmx_free(out);
        yrc = convert_text(y.p, y.len, VMX_FORMAT_YAML, VMX_FORMAT_YAML, &out, &outlen,
                           &err);
        vmx_free(out);
        if (counts[i] <= 1024) {
            cr_expect_eq(xrc, 0, "%d interfaces in XML", counts[i]);
            cr_expect_eq(yrc, 0, "%d interfaces in YAML: %s", counts[i], err.message);
            cr_expect(yaml_xml_reads_back(y.p, y.len, "1024 interfaces"));
        } else {
            cr_expect_eq(xrc, VMX_ELIMIT, "%d interfaces in XML", counts[i]);
            cr_expect_eq(yrc, VMX_ELIMIT, "%d interfaces in YAML", counts[i]);
            cr_expect_str_eq(err.message, "more than 1024 interfaces");
            cr_expect_str_eq(err.key, "devices.interfaces[1024]");
            cr_expect_eq(err.line, 7 + 1024);
            cr_expect_eq(err.column, 7);
        }
        free(y.p);
        free(x.p);
    }
}

/* In lossless mode the XML reader reads <sound>, which it did not count:
 * 1025 of them made YAML the YAML reader refuses. Both cap them now. */
Test(domain_yaml, lossless_sounds_are_capped_as_in_yaml)
{
    static const int counts[] = {1024, 1025};
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    size_t i;
    int k;

    opts.flags = VMX_CONVERT_LOSSLESS;
    for (i = 0; i < 2; i++) {
        gen_text x = {0};
        vmx_error err = VMX_ERROR_INIT;
        char *yaml = NULL, *back = NULL;
        size_t yamllen = 0, backlen = 0;
        int rc;

        tprintf(&x,
                "<domain type='vmware'><name>n</name><memory unit='KiB'>32768</memory>"
                "<vcpu>1</vcpu><os><type arch='i686'>hvm</type></os><devices>\n");
        for (k = 0; k < counts[i]; k++)
            tprintf(&x, "<sound model='ich6'/>\n");
        tprintf(&x, "</devices></domain>\n");
        rc = vmx_convert(&yaml, &yamllen, x.p, x.len, "t.xml", VMX_FORMAT_XML,
                         VMX_FORMAT_YAML, &opts, &err);
        if (counts[i] <= 1024) {
            cr_expect_eq(rc, 0, "%s", err.message);
            rc = vmx_convert(&back, &backlen, yaml, yamllen, "t.yaml", VMX_FORMAT_YAML,
                             VMX_FORMAT_YAML, &opts, &err);
            cr_expect_eq(rc, 0, "own YAML refused: %s [%s]", err.message, err.key);
        } else {
            cr_expect_eq(rc, VMX_ELIMIT);
            cr_expect_str_eq(err.message, "more than 1024 <sound> devices");
            cr_expect_str_eq(err.key, "/domain/devices/sound[1025]");
        }
        vmx_free(yaml);
        vmx_free(back);
        free(x.p);
    }
}

/* Disks and controllers around the controller cap, the same domain written
 * as YAML and as XML: both readers accept it or both refuse it, and the XML
 * of an accepted YAML reads back. */
Test(domain_yaml, yaml_and_xml_readers_agree_on_the_controller_cap)
{
    /* SCSI disk: an explicit controller, or (negative) a name that implies
     * controller -n (15 units a controller) */
    static const int scsi[] = {1022, 1023, 1024, -1023, -1024, 5000};
    static const int sata[] = {-1, 0, 1}; /* -1: no SATA disk */
    static const int usb[] = {0, 1};      /* explicit USB controllers */
    int accepted = 0, refused = 0;
    size_t a, b, c;

    for (a = 0; a < N_ELEMS(scsi); a++)
        for (b = 0; b < N_ELEMS(sata); b++)
            for (c = 0; c < N_ELEMS(usb); c++) {
                gen_text y = {0}, x = {0};
                char name[32], what[96], *out = NULL;
                size_t outlen;
                vmx_error err;
                int k, yrc, xrc;

                if (scsi[a] >= 0)
                    snprintf(name, sizeof(name), "sda");
                else
                    disk_name(name, sizeof(name), -scsi[a] * 15);
                snprintf(what, sizeof(what), "scsi %d (%s), sata %d, usb %d", scsi[a],
                         name, sata[b], usb[c]);
                tprintf(&y,
                        "name: g\nmemory: 32 MiB\ncpu:\n  vcpus: 1\ndevices:\n"
                        "  disks:\n    - device: disk\n      bus: scsi\n"
                        "      target: %s\n      source: '[ds] a.vmdk'\n",
                        name);
                tprintf(&x,
                        "<domain type='vmware'><name>g</name>"
                        "<memory unit='KiB'>32768</memory><vcpu>1</vcpu>"
                        "<os><type arch='i686'>hvm</type></os><devices>\n"
                        "<disk type='file' device='disk'>"
                        "<source file='[ds] a.vmdk'/><target dev='%s' bus='scsi'/>",
                        name);
                if (scsi[a] >= 0) {
                    tprintf(&y,
                            "      address: {controller: %d, bus: 0, target: 0, "
                            "unit: 0}\n",
                            scsi[a]);
                    tprintf(&x,
                            "<address type='drive' controller='%d' bus='0' "
                            "target='0' unit='0'/>",
                            scsi[a]);
                }
                tprintf(&x, "</disk>\n");
                if (sata[b] >= 0) {
                    tprintf(&y,
                            "    - device: disk\n      bus: sata\n      target: sdb\n"
                            "      source: '[ds] b.vmdk'\n"
                            "      address: {controller: %d, bus: 0, target: 0, "
                            "unit: 1}\n",
                            sata[b]);
                    tprintf(&x,
                            "<disk type='file' device='disk'>"
                            "<source file='[ds] b.vmdk'/><target dev='sdb' bus='sata'/>"
                            "<address type='drive' controller='%d' bus='0' target='0' "
                            "unit='1'/></disk>\n",
                            sata[b]);
                }
                if (usb[c])
                    tprintf(&y, "  controllers:\n");
                for (k = 0; k < usb[c]; k++) {
                    tprintf(&y, "    - {type: usb, index: %d}\n", k);
                    tprintf(&x, "<controller type='usb' index='%d'/>\n", k);
                }
                tprintf(&x, "</devices></domain>\n");

                xrc = convert_text(x.p, x.len, VMX_FORMAT_XML, VMX_FORMAT_XML, &out,
                                   &outlen, &err);
                vmx_free(out);
                yrc = convert_text(y.p, y.len, VMX_FORMAT_YAML, VMX_FORMAT_YAML, &out,
                                   &outlen, &err);
                vmx_free(out);
                cr_expect_eq(yrc == 0, xrc == 0, "%s: YAML %d, XML %d (%s)", what, yrc,
                             xrc, err.message);
                if (yrc < 0)
                    cr_expect_eq(yrc, VMX_ELIMIT, "%s: %s", what, err.message);
                cr_expect_eq(yaml_xml_reads_back(y.p, y.len, what), yrc == 0, "%s", what);
                if (yrc == 0)
                    accepted++;
                else
                    refused++;
                free(y.p);
                free(x.p);
            }
    /* the grid straddles the cap */
    cr_expect_geq(accepted, 4);
    cr_expect_geq(refused, 20);
}

/* The invariant over the canonical examples. strings.yaml shows quoting
 * only: it has no memory size, which the YAML format (a mirror of the model)
 * allows and libvirt's XML reader does not. */
Test(domain_yaml, accepted_examples_convert_to_xml_the_xml_reader_accepts)
{
    const char *dir = TESTDATA_DIR "/yaml";
    struct dirent *de;
    DIR *d = opendir(dir);
    int count = 0;

    cr_assert_not_null(d);
    while ((de = readdir(d)) != NULL) {
        char path[1024];
        size_t len, n = strlen(de->d_name);
        char *t;

        if (n < 6 || strcmp(de->d_name + n - 5, ".yaml") != 0 ||
            strcmp(de->d_name, "strings.yaml") == 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        t = read_text(path, &len);
        cr_expect(yaml_xml_reads_back(t, len, de->d_name), "%s refused", de->d_name);
        free(t);
        count++;
    }
    closedir(d);
    cr_assert_geq(count, 3);
}

/* testdata/yaml/<case>.yaml are canonical: reading and writing gives the
 * same bytes back. */
Test(domain_yaml, examples_are_fixpoints)
{
    const char *dir = TESTDATA_DIR "/yaml";
    struct dirent *de;
    DIR *d = opendir(dir);
    int count = 0;

    cr_assert_not_null(d);
    while ((de = readdir(d)) != NULL) {
        char path[1024];
        size_t len, n = strlen(de->d_name), outlen;
        vmx_domain *dom;
        char *text, *out;

        if (n < 6 || strcmp(de->d_name + n - 5, ".yaml") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        text = read_text(path, &len);
        dom = from_yaml(text, len);
        out = to_yaml(dom, &outlen);
        cr_expect_str_eq(out, text, "%s is not a fixpoint", de->d_name);
        free(out);
        free(text);
        vmx_domain_free(dom);
        count++;
    }
    closedir(d);
    cr_assert_geq(count, 2);
}

/* Every ```yaml block of doc/yaml-format.md reads without error and is
 * written back byte for byte, so the examples there stay true. */
Test(domain_yaml, documentation_examples_are_fixpoints)
{
    char *doc = read_text(SRCDIR "/doc/yaml-format.md", NULL), *p = doc, *end;
    int count = 0;

    while ((p = strstr(p, "```yaml\n")) != NULL) {
        vmx_domain *dom;
        char *out;

        p += 8;
        end = strstr(p, "```\n");
        cr_assert_not_null(end);
        *end = '\0';
        dom = from_yaml(p, strlen(p));
        out = to_yaml(dom, NULL);
        cr_expect_str_eq(out, p, "doc example %d is not what the writer writes",
                         count + 1);
        free(out);
        vmx_domain_free(dom);
        p = end + 4;
        count++;
    }
    cr_assert_geq(count, 10);
    free(doc);
}

Test(domain_yaml, full_example_holds_every_device_kind)
{
    vmx_domain *dom = full_domain(), *file;
    char *text;
    size_t len;
    diff d = {""};

    text = read_text(TESTDATA_DIR "/yaml/full.yaml", &len);
    file = from_yaml(text, len);
    if (!domain_equal(&d, dom, file)) {
        char *want = to_yaml(dom, NULL);

        cr_assert_fail("testdata/yaml/full.yaml differs: %s; expected:\n%s", d.what,
                       want);
    }
    free(text);
    vmx_domain_free(dom);
    vmx_domain_free(file);
}

/* ---- the corpora: XML and VMX through YAML ---- */

typedef struct corpus_stats {
    int files, clean;
} corpus_stats;

/* Call @fn for every file of @dir whose name ends with @suffix. */
static void for_each_file(const char *dir, const char *suffix,
                          void (*fn)(const char *path, const char *name,
                                     corpus_stats *st),
                          corpus_stats *st)
{
    struct dirent **list = NULL;
    size_t slen = strlen(suffix);
    int n = scandir(dir, &list, NULL, alphasort), i;

    cr_assert_geq(n, 0, "cannot list %s", dir);
    for (i = 0; i < n; i++) {
        size_t len = strlen(list[i]->d_name);
        char path[1024];

        if (len > slen && strcmp(list[i]->d_name + len - slen, suffix) == 0) {
            snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
            fn(path, list[i]->d_name, st);
        }
        free(list[i]);
    }
    free(list);
}

/* YAML of @dom, read back: equal model and a byte-identical second YAML.
 * Returns the domain read back (owned by the caller) or NULL. */
static vmx_domain *through_yaml(const vmx_domain *dom, const char *name)
{
    vmx_error err = VMX_ERROR_INIT;
    vmx_domain *back = NULL;
    char *yaml = NULL, *yaml2 = NULL;
    size_t len = 0, len2 = 0;
    diff d = {""};
    bool ok = false;

    if (vmx_domain_to_yaml(&yaml, &len, dom, NULL, &err) < 0) {
        cr_expect_fail("%s: to_yaml: %s [%s]", name, err.message, err.key);
        goto out;
    }
    if (vmx_domain_from_yaml(&back, yaml, len, name, NULL, &err) < 0) {
        cr_expect_fail("%s: from_yaml %lu:%lu: %s [%s]", name, err.line, err.column,
                       err.message, err.key);
        goto out;
    }
    if (!domain_equal(&d, dom, back)) {
        cr_expect_fail("%s: model changed through YAML: %s", name, d.what);
        goto out;
    }
    if (vmx_domain_to_yaml(&yaml2, &len2, back, NULL, &err) < 0 || len != len2 ||
        memcmp(yaml, yaml2, len) != 0) {
        cr_expect_fail("%s: YAML -> domain -> YAML is not a fixpoint", name);
        goto out;
    }
    ok = true;
out:
    free(yaml);
    free(yaml2);
    if (!ok) {
        vmx_domain_free(back);
        back = NULL;
    }
    return back;
}

/* XML -> domain -> YAML -> domain -> XML gives the input back. */
static void xml_through_yaml(const char *path, const char *name, corpus_stats *st)
{
    vmx_convert_options lossless = VMX_CONVERT_OPTIONS_INIT;
    vmx_error err = VMX_ERROR_INIT;
    vmx_domain *dom = NULL, *back = NULL;
    char *xml = NULL, *text;
    size_t len, xlen = 0;

    lossless.flags = VMX_CONVERT_LOSSLESS;
    st->files++;
    text = read_text(path, &len);
    /* XML 1.0 reads CR LF and a lone CR as LF: a CR in libvirt's output (a
     * description) cannot survive any XML parser, so compare without it. */
    {
        size_t i, j;

        for (i = j = 0; i < len; i++) {
            if (text[i] == '\r') {
                text[j++] = '\n';
                if (i + 1 < len && text[i + 1] == '\n')
                    i++;
            } else {
                text[j++] = text[i];
            }
        }
        len = j;
        text[len] = '\0';
    }
    /* Lossless mode reads what libvirt writes but refuses to read back
     * (a domain without <name>). */
    if (vmx_domain_from_xml(&dom, text, len, name, &lossless, &err) < 0) {
        cr_expect_fail("%s: from_xml: %s [%s]", name, err.message, err.key);
        goto out;
    }
    if ((back = through_yaml(dom, name)) == NULL)
        goto out;
    if (vmx_domain_to_xml(&xml, &xlen, back, NULL, &err) < 0) {
        cr_expect_fail("%s: to_xml: %s [%s]", name, err.message, err.key);
        goto out;
    }
    if (xlen != len || memcmp(xml, text, len) != 0) {
        char *direct = NULL;
        size_t dlen = 0;
        bool same = vmx_domain_to_xml(&direct, &dlen, dom, NULL, &err) == 0 &&
                    dlen == xlen && memcmp(direct, xml, xlen) == 0;

        /* The model went through YAML unchanged (through_yaml checked), so a
         * difference here comes from the XML reader or writer. */
        cr_expect_fail(
            "%s: XML -> YAML -> XML differs from the input (%s):\n%s", name,
            same ? "XML -> domain -> XML differs as well" : "only through YAML", xml);
        free(direct);
        goto out;
    }
    st->clean++;
out:
    free(xml);
    free(text);
    vmx_domain_free(dom);
    vmx_domain_free(back);
}

Test(domain_yaml, libvirt_xml_survives_yaml_byte_for_byte)
{
    corpus_stats st = {0, 0};

    for_each_file(TESTDATA_DIR "/libvirt/vmx2xml", ".xml", xml_through_yaml, &st);
    cr_assert_geq(st.files, 70);
    cr_assert_eq(st.clean, st.files, "%d of %d clean", st.clean, st.files);
}

Test(domain_yaml, wild_xml_survives_yaml_byte_for_byte)
{
    corpus_stats st = {0, 0};

    for_each_file(TESTDATA_DIR "/wild/libvirt-xml", ".xml", xml_through_yaml, &st);
    cr_assert_eq(st.files, 34);
    cr_assert_eq(st.clean, st.files, "%d of %d clean", st.clean, st.files);
}

/* VMX -> domain (both modes) -> YAML -> domain keeps the model, including
 * the extra keys of lossless mode. Files the VMX reader refuses are skipped:
 * they are not about YAML. */
static void vmx_through_yaml(const char *path, const char *name, corpus_stats *st)
{
    static const unsigned int modes[] = {0, VMX_CONVERT_LOSSLESS};
    size_t m;

    for (m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
        vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
        vmx_error err = VMX_ERROR_INIT;
        vmx_config *cfg = NULL;
        vmx_domain *dom = NULL, *back;

        opts.flags = modes[m];
        if (vmx_config_parse_file(&cfg, path, NULL, &err) == 0 &&
            vmx_domain_from_vmx(&dom, cfg, &opts, &err) == 0) {
            st->files++;
            back = through_yaml(dom, name);
            if (back)
                st->clean++;
            vmx_domain_free(back);
        }
        vmx_domain_free(dom);
        vmx_config_free(cfg);
    }
}

Test(domain_yaml, vmx_corpora_survive_yaml)
{
    corpus_stats st = {0, 0};

    for_each_file(TESTDATA_DIR "/libvirt/vmx2xml", ".vmx", vmx_through_yaml, &st);
    for_each_file(TESTDATA_DIR "/wild", ".vmx", vmx_through_yaml, &st);
    cr_assert_geq(st.files, 100, "only %d conversions succeeded", st.files);
    cr_assert_eq(st.clean, st.files, "%d of %d clean", st.clean, st.files);
}

/* ---- allocation failures ---- */

Test(domain_yaml, allocation_failures_are_reported_cleanly)
{
    vmx_domain *dom = full_domain(), *back = NULL;
    char *yaml = to_yaml(dom, NULL), *out = NULL;
    size_t len = strlen(yaml);
    long n;
    int rc;

    for (n = 1;; n++) {
        vmx_error err = VMX_ERROR_INIT;

        vmx__alloc_fail_after(n);
        rc = vmx_domain_to_yaml(&out, NULL, dom, NULL, &err);
        vmx__alloc_fail_after(0);
        if (rc == 0)
            break;
        cr_assert_eq(rc, VMX_ENOMEM, "allocation %ld: %d", n, rc);
        cr_assert_null(out);
        cr_assert_str_eq(err.message, "out of memory");
    }
    cr_assert_str_eq(out, yaml);
    free(out);
    for (n = 1;; n++) {
        vmx_error err = VMX_ERROR_INIT;

        vmx__alloc_fail_after(n);
        rc = vmx_domain_from_yaml(&back, yaml, len, NULL, NULL, &err);
        vmx__alloc_fail_after(0);
        if (rc == 0)
            break;
        cr_assert_eq(rc, VMX_ENOMEM, "allocation %ld: %d", n, rc);
        cr_assert_null(back);
    }
    cr_assert_gt(n, 10);
    vmx_domain_free(back);
    vmx_domain_free(dom);
    free(yaml);
}

/* When a field is added to the model, this fails until the YAML schema
 * (lib/domain_yaml_schema.c), doc/yaml-format.md and domain_equal() above
 * know the field too. */
Test(domain_yaml, schema_covers_every_field_of_the_model)
{
#if defined(__x86_64__) && defined(__LP64__)
    cr_expect_eq(sizeof(vmx_disk), 72);
    cr_expect_eq(sizeof(vmx_controller), 16);
    cr_expect_eq(sizeof(vmx_net), 80);
    cr_expect_eq(sizeof(vmx_chr), 64);
    cr_expect_eq(sizeof(vmx_video), 32);
    cr_expect_eq(sizeof(vmx_graphics), 40);
    cr_expect_eq(sizeof(vmx_fs), 24);
    cr_expect_eq(sizeof(vmx_sound), 8);
    cr_expect_eq(sizeof(vmx_domain), 336);
#else
    cr_skip_test("struct sizes are recorded for x86_64 only");
#endif
}
