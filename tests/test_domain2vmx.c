/* Unit tests of vmx_domain_to_vmx on hand-built domains: each key family,
 * the escaping, libvirt's defaults and the checks that reject what VMX cannot
 * express. Expected texts come from libvirt 9.0 (lvref xml2vmx) for the same
 * domain written as XML. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmxkit/convert.h"
#include "vmxkit/domain.h"
#include "vmxkit/error.h"
#include "vmxkit/io.h"

/* Exported for tests by lib/util.c: make the Nth allocation fail. */
void vmx__alloc_fail_after(long n);

#define UUID "564d9bef-acd9-b4e0-c8f0-aea8b9103515"
#define HEAD(hw, os, name)                                                               \
    ".encoding = \"UTF-8\"\n"                                                            \
    "config.version = \"8\"\n"                                                           \
    "virtualHW.version = \"" hw "\"\n"                                                   \
    "guestOS = \"" os "\"\n"                                                             \
    "uuid.bios = \"56 4d 9b ef ac d9 b4 e0-c8 f0 ae a8 b9 10 35 15\"\n"                  \
    "displayName = \"" name "\"\n"
#define NO_FLOPPY "floppy0.present = \"false\"\nfloppy1.present = \"false\"\n"

static char *xstrdup(const char *s)
{
    char *p = s ? strdup(s) : NULL;

    cr_assert(!s || p);
    return p;
}

/* A domain as libvirt holds <domain><name>NAME</name><uuid>UUID</uuid>
 * <memory>4096</memory>...: i686, 1 vCPU. */
static vmx_domain *new_domain(const char *name)
{
    vmx_domain *dom = NULL;

    cr_assert_eq(vmx_domain_new(&dom), 0);
    dom->name = xstrdup(name);
    dom->uuid = xstrdup(UUID);
    dom->memory_kib = 4096;
    dom->current_memory_kib = 4096;
    dom->vcpus = 1;
    dom->arch = VMX_ARCH_I686;
    return dom;
}

static vmx_disk *add_disk(vmx_domain *dom, vmx_disk_type type, vmx_disk_device device,
                          vmx_disk_bus bus, const char *src, const char *target)
{
    vmx_disk *d = vmx_domain_add_disk(dom);

    cr_assert(d);
    d->type = type;
    d->device = device;
    d->bus = bus;
    d->src = xstrdup(src);
    d->target = xstrdup(target);
    return d;
}

static vmx_controller *add_controller(vmx_domain *dom, vmx_controller_type type,
                                      int index, const char *model)
{
    vmx_controller *c = vmx_domain_add_controller(dom);

    cr_assert(c);
    c->type = type;
    c->index = index;
    c->model = xstrdup(model);
    return c;
}

static vmx_net *add_net(vmx_domain *dom, vmx_net_type type, const char *mac,
                        const char *bridge, const char *model)
{
    vmx_net *n = vmx_domain_add_net(dom);

    cr_assert(n);
    n->type = type;
    n->mac = xstrdup(mac);
    n->bridge = xstrdup(bridge);
    n->model = xstrdup(model);
    return n;
}

static vmx_chr *add_chr(vmx_chr *c, vmx_chr_type type, int port, const char *path)
{
    cr_assert(c);
    c->type = type;
    c->port = port;
    c->path = xstrdup(path);
    return c;
}

/* Convert with @hw (0: options default) and expect success. */
static char *convert_hw(const vmx_domain *dom, int hw)
{
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    vmx_error err = VMX_ERROR_INIT;
    char *out = NULL;
    size_t len = 0;
    int rc;

    if (hw)
        opts.hw_version = hw;
    rc = vmx_domain_to_vmx(&out, &len, dom, &opts, &err);
    cr_assert_eq(rc, 0, "rc %d: %s [%s]", rc, err.message, err.key);
    cr_assert_not_null(out);
    cr_assert_eq(strlen(out), len);
    return out;
}

static char *convert(const vmx_domain *dom)
{
    return convert_hw(dom, 0);
}

/* Expect the whole output. */
static void expect_vmx(const vmx_domain *dom, int hw, const char *expected)
{
    char *out = convert_hw(dom, hw);

    cr_assert_str_eq(out, expected);
    vmx_free(out);
}

/* Expect @lines (consecutive, each ending in \n) somewhere in the output. */
static void expect_lines(const vmx_domain *dom, int hw, const char *lines)
{
    char *out = convert_hw(dom, hw);

    cr_assert(strstr(out, lines), "missing:\n%s\nin:\n%s", lines, out);
    vmx_free(out);
}

static void expect_no_key(const vmx_domain *dom, const char *key)
{
    char *out = convert(dom);
    char *hit = strstr(out, key);

    cr_assert(!hit, "unexpected '%s' in:\n%s", key, out);
    vmx_free(out);
}

/* Expect failure @code with @key and a message containing @msg. */
static void expect_error_opts(const vmx_domain *dom, const vmx_convert_options *opts,
                              int code, const char *key, const char *msg)
{
    vmx_error err = VMX_ERROR_INIT;
    char *out = (char *)"sentinel";
    size_t len = 99;
    int rc = vmx_domain_to_vmx(&out, &len, dom, opts, &err);

    cr_assert_eq(rc, code, "rc %d, expected %d (%s)", rc, code, err.message);
    cr_assert_null(out);
    cr_assert_eq(len, 0);
    cr_assert_eq(err.code, code);
    cr_assert_str_eq(err.key, key);
    cr_assert(strstr(err.message, msg), "message '%s' lacks '%s'", err.message, msg);
}

static void expect_error(const vmx_domain *dom, int code, const char *key,
                         const char *msg)
{
    expect_error_opts(dom, NULL, code, key, msg);
}

/* ---- VM-wide keys ---- */

Test(domain2vmx, minimal_domain_matches_libvirt)
{
    vmx_domain *dom = new_domain("minimal");

    expect_vmx(
        dom, 4,
        HEAD("4", "other", "minimal") "memsize = \"4\"\nnumvcpus = \"1\"\n" NO_FLOPPY);
    vmx_domain_free(dom);
}

Test(domain2vmx, zeroed_fields_take_libvirt_defaults)
{
    vmx_domain *dom = NULL;
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    char *out = NULL;

    /* no uuid, arch, vcpus, currentMemory, hw version: libvirt's defaults */
    cr_assert_eq(vmx_domain_new(&dom), 0);
    dom->name = xstrdup("bare");
    dom->memory_kib = 8192;
    opts.hw_version = 0;
    cr_assert_eq(vmx_domain_to_vmx(&out, NULL, dom, &opts, NULL), 0);
    cr_assert_str_eq(out, ".encoding = \"UTF-8\"\nconfig.version = \"8\"\n"
                          "virtualHW.version = \"4\"\nguestOS = \"other\"\n"
                          "uuid.action = \"create\"\ndisplayName = \"bare\"\n"
                          "memsize = \"8\"\nnumvcpus = \"1\"\n" NO_FLOPPY);
    vmx_free(out);
    vmx_domain_free(dom);
}

Test(domain2vmx, null_options_mean_defaults)
{
    vmx_domain *dom = new_domain("minimal");
    char *out = NULL;
    size_t len = 0;

    cr_assert_eq(vmx_domain_to_vmx(&out, &len, dom, NULL, NULL), 0);
    cr_assert(strstr(out, "virtualHW.version = \"4\"\n"));
    cr_assert_eq(len, strlen(out));
    vmx_free(out);
    vmx_domain_free(dom);
}

Test(domain2vmx, x86_64_is_other_64)
{
    vmx_domain *dom = new_domain("minimal-64bit");

    dom->arch = VMX_ARCH_X86_64;
    expect_vmx(dom, 4,
               HEAD("4", "other-64",
                    "minimal-64bit") "memsize = \"4\"\nnumvcpus = \"1\"\n" NO_FLOPPY);
    vmx_domain_free(dom);
}

Test(domain2vmx, zero_uuid_asks_vmware_to_create_one)
{
    vmx_domain *dom = new_domain("z");

    free(dom->uuid);
    dom->uuid = xstrdup("00000000-0000-0000-0000-000000000000");
    expect_lines(dom, 4, "guestOS = \"other\"\nuuid.action = \"create\"\ndisplayName");
    vmx_domain_free(dom);
}

Test(domain2vmx, uuid_without_dashes_and_uppercase)
{
    vmx_domain *dom = new_domain("u");

    free(dom->uuid);
    dom->uuid = xstrdup("564D9BEFACD9B4E0C8F0AEA8B9103515");
    expect_lines(dom, 4,
                 "uuid.bios = \"56 4d 9b ef ac d9 b4 e0-c8 f0 ae a8 b9 10 35 15\"\n");
    vmx_domain_free(dom);
}

Test(domain2vmx, invalid_uuid_is_rejected)
{
    vmx_domain *dom = new_domain("u");

    free(dom->uuid);
    dom->uuid = xstrdup("564d9bef-acd9-b4e0-c8f0-aea8b91035");
    expect_error(dom, VMX_EINVAL, "uuid", "invalid uuid '564d9bef");
    vmx_domain_free(dom);
}

Test(domain2vmx, missing_name_writes_no_display_name)
{
    vmx_domain *dom = new_domain("x");
    char *out;

    free(dom->name);
    dom->name = NULL;
    /* libvirt refuses it; a VMX file without displayName reads so */
    out = convert(dom);
    cr_assert_null(strstr(out, "displayName"), "%s", out);
    cr_assert(strstr(out, "uuid.bios = \"56 4d 9b ef ac d9 b4 e0-c8 f0 ae a8 b9 10 35 "
                          "15\"\nmemsize = \"4\"\n"),
              "%s", out);
    vmx_free(out);
    vmx_domain_free(dom);
}

Test(domain2vmx, display_name_is_pipe_then_percent_escaped)
{
    vmx_domain *dom = new_domain("a%b/c\\d\"e|f'g&h");

    dom->description = xstrdup("x|y\"z%w/ \\ & <end>");
    /* libvirt: displayName = percent(pipe(name)), annotation = pipe(text) */
    expect_lines(dom, 4,
                 "displayName = \"a%25b%2fc%5cd|22e|7cf'g&h\"\n"
                 "annotation = \"x|7cy|22z%w/ \\ & <end>\"\nmemsize");
    vmx_domain_free(dom);
}

Test(domain2vmx, annotation_matches_libvirt_corpus)
{
    vmx_domain *dom = new_domain("annotation");

    dom->description =
        xstrdup("Some |text| to test the \"escaping\": ||\"\"||\"| Unescaped!");
    expect_lines(dom, 4,
                 "annotation = \"Some |7ctext|7c to test the |22escaping|22: "
                 "|7c|7c|22|22|7c|7c|22|7c Unescaped!\"\n");
    vmx_domain_free(dom);
}

Test(domain2vmx, control_characters_are_escaped_not_written_raw)
{
    vmx_domain *dom = new_domain("n");

    /* libvirt would write the newline raw and break the file */
    dom->description = xstrdup("line1\r\nline2\tend");
    expect_lines(dom, 4, "annotation = \"line1|0d|0aline2\tend\"\n");
    vmx_domain_free(dom);
}

Test(domain2vmx, smbios_host_and_efi_firmware)
{
    vmx_domain *dom = new_domain("fw");

    dom->smbios = VMX_SMBIOS_HOST;
    dom->firmware = VMX_FIRMWARE_EFI;
    expect_vmx(
        dom, 4,
        ".encoding = \"UTF-8\"\nconfig.version = \"8\"\nvirtualHW.version = \"4\"\n"
        "guestOS = \"other\"\nsmbios.reflecthost = \"true\"\n"
        "uuid.bios = \"56 4d 9b ef ac d9 b4 e0-c8 f0 ae a8 b9 10 35 15\"\n"
        "displayName = \"fw\"\nmemsize = \"4\"\nnumvcpus = \"1\"\n" NO_FLOPPY
        "firmware = \"efi\"\n");
    vmx_domain_free(dom);
}

Test(domain2vmx, smbios_sysinfo_is_unsupported)
{
    vmx_domain *dom = new_domain("s");

    dom->smbios = VMX_SMBIOS_SYSINFO;
    expect_error(dom, VMX_EUNSUPPORTED, "os/smbios", "unsupported smbios mode 'sysinfo'");
    vmx_domain_free(dom);
}

Test(domain2vmx, bios_firmware_writes_nothing)
{
    vmx_domain *dom = new_domain("b");

    dom->firmware = VMX_FIRMWARE_BIOS;
    expect_no_key(dom, "firmware");
    vmx_domain_free(dom);
}

/* ---- memory ---- */

Test(domain2vmx, memory_is_rounded_up_to_4_mib)
{
    vmx_domain *dom = new_domain("m");

    dom->memory_kib = 1048577;
    dom->current_memory_kib = 524289;
    dom->min_guarantee_kib = 1025;
    dom->has_min_guarantee = true;
    expect_lines(
        dom, 4,
        "memsize = \"1028\"\nsched.mem.max = \"513\"\nsched.mem.minsize = \"2\"\n"
        "numvcpus");
    vmx_domain_free(dom);
}

Test(domain2vmx, unaligned_memory_gets_sched_mem_max)
{
    vmx_domain *dom = new_domain("m");

    /* current = memory = 4000 KiB is below the rounded 4096 */
    dom->memory_kib = 4000;
    dom->current_memory_kib = 0;
    expect_lines(dom, 4, "memsize = \"4\"\nsched.mem.max = \"4\"\nnumvcpus = \"1\"\n");
    vmx_domain_free(dom);
}

Test(domain2vmx, current_memory_above_maximum_is_capped)
{
    vmx_domain *dom = new_domain("m");

    dom->current_memory_kib = 999999;
    expect_no_key(dom, "sched.mem.max");
    vmx_domain_free(dom);
}

Test(domain2vmx, zero_min_guarantee_writes_nothing)
{
    vmx_domain *dom = new_domain("m");

    dom->has_min_guarantee = true;
    dom->min_guarantee_kib = 0;
    expect_no_key(dom, "sched.mem.minsize");
    vmx_domain_free(dom);
}

Test(domain2vmx, zero_or_huge_memory_is_rejected)
{
    vmx_domain *dom = new_domain("m");

    dom->memory_kib = 0;
    expect_error(dom, VMX_EINVAL, "memory", "memory size must be specified");
    dom->memory_kib = ~0ULL;
    expect_error(dom, VMX_EINVAL, "memory", "too large");
    vmx_domain_free(dom);
}

/* ---- CPUs ---- */

Test(domain2vmx, odd_vcpu_counts_are_written)
{
    vmx_domain *dom = new_domain("c");

    dom->vcpus = 3;
    expect_lines(dom, 4, "numvcpus = \"3\"\n");
    vmx_domain_free(dom);
}

Test(domain2vmx, topology_gives_cores_per_socket)
{
    vmx_domain *dom = new_domain("t");

    dom->vcpus = 16;
    dom->sockets = 4;
    dom->cores = 4;
    dom->threads = 1;
    dom->cpu_shares = 16000;
    expect_lines(dom, 4,
                 "numvcpus = \"16\"\ncpuid.coresPerSocket = \"4\"\n"
                 "sched.cpu.shares = \"normal\"\n");
    vmx_domain_free(dom);
}

Test(domain2vmx, topology_errors)
{
    vmx_domain *dom = new_domain("t");

    dom->vcpus = 4;
    dom->sockets = 2;
    dom->cores = 1;
    dom->threads = 2;
    expect_error(dom, VMX_EUNSUPPORTED, "cpu/topology", "only 1 thread per core");
    dom->threads = 1;
    dom->dies = 2;
    expect_error(dom, VMX_EUNSUPPORTED, "cpu/topology", "only 1 die per socket");
    dom->dies = 1;
    /* sockets * cores != vcpus: libvirt refuses it, a VMX file holds it */
    expect_lines(dom, 4, "numvcpus = \"4\"\ncpuid.coresPerSocket = \"1\"\n");
    dom->cores = 2;
    expect_lines(dom, 4, "cpuid.coresPerSocket = \"2\"\n");
    vmx_domain_free(dom);
}

Test(domain2vmx, cpuset_becomes_sorted_affinity_list)
{
    vmx_domain *dom = new_domain("a");

    dom->vcpus = 3;
    dom->cpuset = xstrdup("0-5,^2, 7,9-10");
    dom->cpu_shares = 1234;
    expect_lines(dom, 4,
                 "numvcpus = \"3\"\nsched.cpu.affinity = \"0,1,3,4,5,7,9,10\"\n"
                 "sched.cpu.shares = \"1234\"\n");
    vmx_domain_free(dom);
}

Test(domain2vmx, cpuset_errors)
{
    static const char *const bad[] = {"",     "a",    "1-",   "3-1",
                                      "^1-2", "1,,2", "4096", "1;2"};
    vmx_domain *dom = new_domain("a");
    size_t i;

    dom->vcpus = 2;
    dom->cpuset = xstrdup("5");
    expect_error(dom, VMX_EINVAL, "vcpu", "must contain at least 2 cpus");
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        free(dom->cpuset);
        dom->cpuset = xstrdup(bad[i]);
        expect_error(dom, VMX_EINVAL, "vcpu", "invalid cpuset");
    }
    vmx_domain_free(dom);
}

Test(domain2vmx, cpu_shares_levels_depend_on_vcpus)
{
    vmx_domain *dom = new_domain("s");

    dom->vcpus = 2;
    dom->cpu_shares = 1000;
    expect_lines(dom, 4, "sched.cpu.shares = \"low\"\n");
    dom->cpu_shares = 2000;
    expect_lines(dom, 4, "sched.cpu.shares = \"normal\"\n");
    dom->cpu_shares = 4000;
    expect_lines(dom, 4, "sched.cpu.shares = \"high\"\n");
    dom->cpu_shares = 0;
    expect_lines(dom, 4, "sched.cpu.shares = \"0\"\n");
    dom->cpu_shares = -1;
    expect_no_key(dom, "sched.cpu.shares");
    vmx_domain_free(dom);
}

/* ---- graphics ---- */

Test(domain2vmx, vnc_keys_come_before_the_disks)
{
    vmx_domain *dom = new_domain("vnc");
    vmx_graphics *g = vmx_domain_add_graphics(dom);

    g->type = xstrdup("vnc");
    g->port = 5903;
    g->listen = xstrdup("10.0.0.1");
    g->keymap = xstrdup("de-ch");
    g->passwd = xstrdup("s3cret");
    add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_SCSI,
             "[ds] d.vmdk", "sda");
    expect_lines(
        dom, 4,
        "numvcpus = \"1\"\nRemoteDisplay.vnc.enabled = \"true\"\n"
        "RemoteDisplay.vnc.port = \"5903\"\nRemoteDisplay.vnc.ip = \"10.0.0.1\"\n"
        "RemoteDisplay.vnc.keymap = \"de-ch\"\n"
        "RemoteDisplay.vnc.password = \"s3cret\"\nscsi0.present = \"true\"\n");
    vmx_domain_free(dom);
}

Test(domain2vmx, vnc_autoport_writes_no_port)
{
    vmx_domain *dom = new_domain("vnc");
    vmx_graphics *g = vmx_domain_add_graphics(dom);

    g->type = xstrdup("vnc");
    g->port = 5900;
    g->autoport = true;
    expect_lines(dom, 4, "RemoteDisplay.vnc.enabled = \"true\"\nfloppy0");
    g->autoport = false;
    g->port = -1;
    expect_lines(dom, 4, "RemoteDisplay.vnc.enabled = \"true\"\nfloppy0");
    vmx_domain_free(dom);
}

Test(domain2vmx, other_graphics_types_are_unsupported)
{
    vmx_domain *dom = new_domain("g");
    vmx_graphics *g = vmx_domain_add_graphics(dom);

    g->type = xstrdup("spice");
    expect_error(dom, VMX_EUNSUPPORTED, "devices/graphics",
                 "unsupported graphics type 'spice'");
    free(g->type);
    g->type = xstrdup("bogus");
    expect_error(dom, VMX_EINVAL, "devices/graphics", "unknown graphics type 'bogus'");
    vmx_domain_free(dom);
}

/* ---- SCSI controllers and disks ---- */

Test(domain2vmx, scsi_disk_without_model_writes_no_virtual_dev)
{
    vmx_domain *dom = new_domain("harddisk-scsi-file");

    add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_SCSI,
             "[datastore] directory/harddisk.vmdk", "sda");
    add_controller(dom, VMX_CONTROLLER_SCSI, 0, NULL);
    expect_vmx(
        dom, 4,
        HEAD("4", "other",
             "harddisk-scsi-file") "memsize = \"4\"\nnumvcpus = \"1\"\nscsi0.present = "
                                   "\"true\"\n"
                                   "scsi0:0.present = \"true\"\nscsi0:0.deviceType = "
                                   "\"scsi-hardDisk\"\n"
                                   "scsi0:0.fileName = "
                                   "\"/vmfs/volumes/datastore/directory/"
                                   "harddisk.vmdk\"\n" NO_FLOPPY);
    vmx_domain_free(dom);
}

Test(domain2vmx, every_scsi_model_maps_to_its_virtual_dev)
{
    static const char *const models[][2] = {{"buslogic", "buslogic"},
                                            {"lsilogic", "lsilogic"},
                                            {"lsisas1068", "lsisas1068"},
                                            {"vmpvscsi", "pvscsi"},
                                            {"auto", "lsilogic"}};
    size_t i;

    for (i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
        vmx_domain *dom = new_domain("s");
        char line[96];

        add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_SCSI,
                 "[ds] d.vmdk", "sda");
        add_controller(dom, VMX_CONTROLLER_SCSI, 0, models[i][0]);
        snprintf(line, sizeof(line),
                 "scsi0.present = \"true\"\nscsi0.virtualDev = \"%s\"\n", models[i][1]);
        expect_lines(dom, 4, line);
        vmx_domain_free(dom);
    }
}

Test(domain2vmx, auto_model_uses_the_scsi_model_option)
{
    vmx_domain *dom = new_domain("s");
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    char *out = NULL;

    add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_SCSI,
             "[ds] d.vmdk", "sda");
    add_controller(dom, VMX_CONTROLLER_SCSI, 0, "auto");
    opts.scsi_model = "pvscsi";
    cr_assert_eq(vmx_domain_to_vmx(&out, NULL, dom, &opts, NULL), 0);
    cr_assert(strstr(out, "scsi0.virtualDev = \"pvscsi\"\n"));
    vmx_free(out);
    opts.scsi_model = "buslogic";
    cr_assert_eq(vmx_domain_to_vmx(&out, NULL, dom, &opts, NULL), 0);
    cr_assert(strstr(out, "scsi0.virtualDev = \"buslogic\"\n"));
    vmx_free(out);
    opts.scsi_model = "virtio-scsi";
    expect_error_opts(dom, &opts, VMX_EINVAL, "devices/controller",
                      "invalid scsi model 'virtio-scsi'");
    vmx_domain_free(dom);
}

Test(domain2vmx, scsi_model_vmx_lacks_is_unsupported)
{
    vmx_domain *dom = new_domain("s");

    add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_SCSI,
             "[ds] d.vmdk", "sda");
    add_controller(dom, VMX_CONTROLLER_SCSI, 0, "virtio-scsi");
    expect_error(dom, VMX_EUNSUPPORTED, "devices/controller", "not 'virtio-scsi'");
    vmx_domain_free(dom);
}

Test(domain2vmx, controllers_without_disks_are_not_written)
{
    vmx_domain *dom = new_domain("s");

    add_controller(dom, VMX_CONTROLLER_SCSI, 0, "buslogic");
    add_controller(dom, VMX_CONTROLLER_SCSI, 1, "virtio-scsi");
    expect_no_key(dom, "scsi");
    vmx_domain_free(dom);
}

Test(domain2vmx, legacy_driver_names_set_controller_models)
{
    vmx_domain *dom = new_domain("scsi-buslogic");
    vmx_disk *d;

    /* as libvirt's scsi-driver case: one disk per controller */
    d = add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_SCSI,
                 "[datastore] directory/harddisk1.vmdk", "sda");
    d->driver_name = xstrdup("buslogic");
    d = add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_SCSI,
                 "[datastore] directory/harddisk2.vmdk", "sdp");
    d->driver_name = xstrdup("LsiLogic");
    d = add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_SCSI,
                 "[datastore] directory/harddisk3.vmdk", "sdae");
    d->driver_name = xstrdup("lsisas1068");
    d = add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_SCSI,
                 "[datastore] directory/harddisk4.vmdk", "sdat");
    d->driver_name = xstrdup("vmpvscsi");
    /* no controllers: the implicit ones a post-parsed domain would hold */
    expect_lines(
        dom, 4,
        "scsi0.present = \"true\"\nscsi0.virtualDev = \"buslogic\"\n"
        "scsi1.present = \"true\"\nscsi1.virtualDev = \"lsilogic\"\n"
        "scsi2.present = \"true\"\nscsi2.virtualDev = \"lsisas1068\"\n"
        "scsi3.present = \"true\"\nscsi3.virtualDev = \"pvscsi\"\n"
        "scsi0:0.present = \"true\"\nscsi0:0.deviceType = \"scsi-hardDisk\"\n"
        "scsi0:0.fileName = \"/vmfs/volumes/datastore/directory/harddisk1.vmdk\"\n"
        "scsi1:0.present = \"true\"\n");
    vmx_domain_free(dom);
}

Test(domain2vmx, inconsistent_or_unknown_driver_names_are_rejected)
{
    vmx_domain *dom = new_domain("s");
    vmx_disk *d;

    d = add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_SCSI,
                 "[ds] a.vmdk", "sda");
    d->driver_name = xstrdup("buslogic");
    add_controller(dom, VMX_CONTROLLER_SCSI, 0, "lsilogic");
    expect_error(dom, VMX_EINVAL, "devices/disk/driver",
                 "inconsistent scsi controller model ('buslogic' is not 'lsilogic')");
    free(d->driver_name);
    d->driver_name = xstrdup("megasas");
    expect_error(dom, VMX_EINVAL, "devices/disk/driver", "unknown driver name 'megasas'");
    vmx_domain_free(dom);
}

Test(domain2vmx, driver_name_lookup_ignores_controller_type_like_libvirt)
{
    vmx_domain *dom = new_domain("s");
    vmx_disk *d;

    /* libvirt sets the model on the first controller with index 0, here the
     * IDE one, so the SCSI controller keeps no model */
    add_controller(dom, VMX_CONTROLLER_IDE, 0, NULL);
    add_controller(dom, VMX_CONTROLLER_SCSI, 0, NULL);
    d = add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_SCSI,
                 "[ds] a.vmdk", "sda");
    d->driver_name = xstrdup("buslogic");
    expect_lines(dom, 4, "scsi0.present = \"true\"\nscsi0:0.present");
    vmx_domain_free(dom);
}

Test(domain2vmx, scsi_units_skip_the_controller_at_7)
{
    static const char *const targets[] = {"sdf", "sdg", "sdh", "sdo", "sdp"};
    static const char *const keys[] = {"scsi0:5.", "scsi0:6.", "scsi0:8.", "scsi0:15.",
                                       "scsi1:0."};
    vmx_domain *dom = new_domain("u");
    char *out;
    size_t i;

    for (i = 0; i < 5; i++)
        add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_SCSI,
                 "[ds] a.vmdk", targets[i]);
    out = convert(dom);
    for (i = 0; i < 5; i++)
        cr_assert(strstr(out, keys[i]), "no %s in\n%s", keys[i], out);
    cr_assert(!strstr(out, "scsi0:7."));
    vmx_free(out);
    vmx_domain_free(dom);
}

Test(domain2vmx, fifth_scsi_controller_is_unsupported)
{
    vmx_domain *dom = new_domain("s");

    add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_SCSI,
             "[ds] a.vmdk", "sdbi");
    expect_error(dom, VMX_EUNSUPPORTED, "devices/disk/address",
                 "scsi controller index 4 out of [0..3] range");
    vmx_domain_free(dom);
}

Test(domain2vmx, address_must_match_target)
{
    vmx_domain *dom = new_domain("s");
    vmx_disk *d;

    d = add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_SCSI,
                 "[ds] a.vmdk", "sdq");
    d->has_address = true;
    d->controller = 0;
    d->addr_unit = 5;
    expect_error(dom, VMX_EINVAL, "devices/disk/address",
                 "disk address 0:0:5 does not match target device 'sdq'");
    /* 0:0:17 is sdq on the 64-unit bus of virtualHW 13+: written as it is,
     * with the virtualHW version that has that bus */
    d->addr_unit = 17;
    expect_lines(dom, 4, "scsi0:17.present = \"true\"\n");
    expect_lines(dom, 4, "virtualHW.version = \"13\"\n");
    expect_lines(dom, 14, "virtualHW.version = \"14\"\n");
    d->controller = 1;
    d->addr_unit = 1;
    expect_lines(dom, 4, "scsi1:1.present = \"true\"\n");
    vmx_domain_free(dom);
}

Test(domain2vmx, buses_vmx_lacks_are_unsupported)
{
    vmx_domain *dom = new_domain("s");
    vmx_disk *d;

    /* libvirt refuses SATA and NVMe; VMX has them */
    d = add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_SATA,
                 "[ds] a.vmdk", "sda");
    expect_lines(dom, 4,
                 "sata0.present = \"true\"\nsata0:0.present = \"true\"\n"
                 "sata0:0.fileName = \"/vmfs/volumes/ds/a.vmdk\"\n");
    d->bus = VMX_DISK_BUS_NVME;
    free(d->target);
    d->target = xstrdup("vda");
    expect_lines(dom, 4, "nvme0.present = \"true\"\nnvme0:0.present = \"true\"\n");
    d->bus = VMX_DISK_BUS_UNSET; /* "vd" names no bus VMX has */
    expect_error(dom, VMX_EUNSUPPORTED, "devices/disk/target",
                 "unsupported bus type 'none' for disk 'vda'");
    /* a hard disk on the floppy controller */
    d->bus = VMX_DISK_BUS_FDC;
    free(d->target);
    d->target = xstrdup("fda");
    expect_error(dom, VMX_EUNSUPPORTED, "devices/disk/target",
                 "unsupported bus type 'fdc' for disk");
    vmx_domain_free(dom);
}

Test(domain2vmx, target_names_are_checked)
{
    vmx_domain *dom = new_domain("s");
    vmx_disk *d;

    d = add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_SCSI,
                 "[ds] a.vmdk", "hda");
    expect_error(dom, VMX_EINVAL, "devices/disk/target", "must start with 'sd'");
    d->bus = VMX_DISK_BUS_IDE;
    free(d->target);
    d->target = xstrdup("hde");
    expect_error(dom, VMX_EUNSUPPORTED, "devices/disk/address",
                 "ide controller index 1 out of [0] range");
    free(d->target);
    d->target = xstrdup("sd#");
    expect_error(dom, VMX_EINVAL, "devices/disk/target", "cannot derive a disk address");
    free(d->target);
    d->target = NULL;
    expect_error(dom, VMX_EINVAL, "devices/disk/target", "disk has no target device");
    vmx_domain_free(dom);
}

Test(domain2vmx, ide_cdroms_and_disks)
{
    vmx_domain *dom = new_domain("ide");

    add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_IDE,
             "[datastore] directory/disk1.vmdk", "hda");
    add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_CDROM, VMX_DISK_BUS_IDE,
             "[datastore] iso/a.ISO", "hdb");
    add_disk(dom, VMX_DISK_TYPE_BLOCK, VMX_DISK_DEVICE_CDROM, VMX_DISK_BUS_IDE,
             "/dev/scd0", "hdc");
    add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_CDROM, VMX_DISK_BUS_IDE, NULL,
             "hdd");
    expect_lines(dom, 4,
                 "numvcpus = \"1\"\n"
                 "ide0:0.present = \"true\"\nide0:0.deviceType = \"ata-hardDisk\"\n"
                 "ide0:0.fileName = \"/vmfs/volumes/datastore/directory/disk1.vmdk\"\n"
                 "ide0:1.present = \"true\"\nide0:1.deviceType = \"cdrom-image\"\n"
                 "ide0:1.fileName = \"/vmfs/volumes/datastore/iso/a.ISO\"\n"
                 "ide1:0.present = \"true\"\nide1:0.deviceType = \"atapi-cdrom\"\n"
                 "ide1:0.fileName = \"/dev/scd0\"\n"
                 "ide1:1.present = \"true\"\nide1:1.deviceType = \"cdrom-image\"\n"
                 "ide1:1.fileName = \"emptyBackingString\"\n" NO_FLOPPY);
    vmx_domain_free(dom);
}

Test(domain2vmx, luns_and_autodetected_drives)
{
    vmx_domain *dom = new_domain("lun");
    vmx_disk *d;

    add_disk(dom, VMX_DISK_TYPE_BLOCK, VMX_DISK_DEVICE_LUN, VMX_DISK_BUS_SCSI,
             "/vmfs/devices/cdrom/mpx.vmhba32:C0:T0:L0", "sda");
    add_disk(dom, VMX_DISK_TYPE_BLOCK, VMX_DISK_DEVICE_LUN, VMX_DISK_BUS_SCSI, "/dev/sr0",
             "sdb");
    d = add_disk(dom, VMX_DISK_TYPE_BLOCK, VMX_DISK_DEVICE_CDROM, VMX_DISK_BUS_SCSI, NULL,
                 "sdc");
    d->startup_optional = true;
    d = add_disk(dom, VMX_DISK_TYPE_BLOCK, VMX_DISK_DEVICE_LUN, VMX_DISK_BUS_IDE, NULL,
                 "hda");
    d->startup_optional = true;
    expect_lines(dom, 4,
                 "scsi0:0.present = \"true\"\nscsi0:0.deviceType = \"scsi-passthru\"\n"
                 "scsi0:0.fileName = \"/vmfs/devices/cdrom/mpx.vmhba32:C0:T0:L0\"\n"
                 "scsi0:1.present = \"true\"\nscsi0:1.deviceType = \"cdrom-raw\"\n"
                 "scsi0:1.fileName = \"/dev/sr0\"\n"
                 "scsi0:2.present = \"true\"\nscsi0:2.deviceType = \"atapi-cdrom\"\n"
                 "scsi0:2.autodetect = \"true\"\nscsi0:2.fileName = \"auto detect\"\n"
                 "ide0:0.present = \"true\"\nide0:0.deviceType = \"cdrom-raw\"\n"
                 "ide0:0.autodetect = \"true\"\nide0:0.fileName = \"auto detect\"\n");
    vmx_domain_free(dom);
}

Test(domain2vmx, block_cdrom_without_source_is_an_empty_image)
{
    vmx_domain *dom = new_domain("c");

    /* libvirt's parser makes a block disk without <source> a file disk */
    add_disk(dom, VMX_DISK_TYPE_BLOCK, VMX_DISK_DEVICE_CDROM, VMX_DISK_BUS_IDE, NULL,
             "hda");
    expect_lines(dom, 4,
                 "ide0:0.deviceType = \"cdrom-image\"\n"
                 "ide0:0.fileName = \"emptyBackingString\"\n");
    vmx_domain_free(dom);
}

Test(domain2vmx, writethrough_and_transient)
{
    vmx_domain *dom = new_domain("w");
    vmx_disk *d;

    d = add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_SCSI,
                 "[ds] a.vmdk", "sda");
    d->cache = VMX_DISK_CACHE_WRITETHROUGH;
    d->transient = true;
    d = add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_IDE,
                 "[ds] b.vmdk", "hda");
    d->cache = VMX_DISK_CACHE_WRITETHROUGH; /* ignored on IDE, like libvirt */
    d->transient = true;
    expect_lines(dom, 4,
                 "scsi0:0.fileName = \"/vmfs/volumes/ds/a.vmdk\"\n"
                 "scsi0:0.writeThrough = \"true\"\n"
                 "scsi0:0.mode = \"independent-nonpersistent\"\n"
                 "ide0:0.present = \"true\"\nide0:0.deviceType = \"ata-hardDisk\"\n"
                 "ide0:0.fileName = \"/vmfs/volumes/ds/b.vmdk\"\n"
                 "ide0:0.mode = \"independent-nonpersistent\"\n");
    vmx_domain_free(dom);
}

Test(domain2vmx, other_cache_modes_are_unsupported_on_scsi)
{
    vmx_domain *dom = new_domain("w");
    vmx_disk *d;

    d = add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_SCSI,
                 "[ds] a.vmdk", "sda");
    d->cache = VMX_DISK_CACHE_NONE;
    expect_error(dom, VMX_EUNSUPPORTED, "devices/disk/driver",
                 "scsi disk 'sda' has unsupported cache mode 'none'");
    vmx_domain_free(dom);
}

Test(domain2vmx, disk_sources_are_checked)
{
    vmx_domain *dom = new_domain("d");
    vmx_disk *d;

    /* libvirt refuses other suffixes than .vmdk and .iso, and file names
     * its datastore mapping does not take: written as a VMX file holds them */
    d = add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_SCSI,
                 "[ds] a.img", "sda");
    expect_lines(dom, 4, "scsi0:0.fileName = \"/vmfs/volumes/ds/a.img\"\n");
    d->device = VMX_DISK_DEVICE_CDROM;
    expect_lines(dom, 4, "scsi0:0.deviceType = \"cdrom-image\"\n"
                         "scsi0:0.fileName = \"/vmfs/volumes/ds/a.img\"\n");
    free(d->src);
    d->src = xstrdup("relative/a.iso");
    expect_lines(dom, 4, "scsi0:0.fileName = \"relative/a.iso\"\n");
    free(d->src);
    d->src = xstrdup("[] ds2/a.iso");
    expect_lines(dom, 4, "scsi0:0.fileName = \"/vmfs/volumes//ds2/a.iso\"\n");
    free(d->src);
    d->src = NULL;
    d->device = VMX_DISK_DEVICE_DISK;
    expect_error(dom, VMX_EINVAL, "devices/disk/source", "scsi disk 'sda' has no source");
    d->type = VMX_DISK_TYPE_BLOCK;
    d->src = xstrdup("/dev/sdb");
    expect_error(dom, VMX_EUNSUPPORTED, "devices/disk", "has unsupported type 'block'");
    d->device = VMX_DISK_DEVICE_LUN;
    d->type = VMX_DISK_TYPE_FILE;
    expect_error(dom, VMX_EUNSUPPORTED, "devices/disk", "needs a block source");
    vmx_domain_free(dom);
}

Test(domain2vmx, datastore_map_none_copies_names)
{
    vmx_domain *dom = new_domain("d");
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    char *out = NULL;

    add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_SCSI,
             "[ds] dir/a.vmdk", "sda");
    opts.datastore_map = VMX_DATASTORE_MAP_NONE;
    cr_assert_eq(vmx_domain_to_vmx(&out, NULL, dom, &opts, NULL), 0);
    cr_assert(strstr(out, "scsi0:0.fileName = \"[ds] dir/a.vmdk\"\n"), "%s", out);
    vmx_free(out);
    vmx_domain_free(dom);
}

Test(domain2vmx, floppies_and_absent_floppy_slots)
{
    vmx_domain *dom = new_domain("f");

    add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_FLOPPY, VMX_DISK_BUS_FDC,
             "/tmp/image.flp", "fdb");
    expect_lines(dom, 4,
                 "floppy1.present = \"true\"\nfloppy1.fileType = \"file\"\n"
                 "floppy1.fileName = \"/tmp/image.flp\"\nfloppy0.present = \"false\"\n");
    add_disk(dom, VMX_DISK_TYPE_BLOCK, VMX_DISK_DEVICE_FLOPPY, VMX_DISK_BUS_FDC,
             "/dev/fd0", "fda");
    expect_lines(dom, 4,
                 "floppy1.fileName = \"/tmp/image.flp\"\nfloppy0.present = \"true\"\n"
                 "floppy0.fileType = \"device\"\nfloppy0.fileName = \"/dev/fd0\"\n");
    expect_no_key(dom, "present = \"false\"");
    vmx_domain_free(dom);
}

Test(domain2vmx, floppy_without_source_and_bad_targets)
{
    vmx_domain *dom = new_domain("f");
    vmx_disk *d;

    d = add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_FLOPPY, VMX_DISK_BUS_UNSET,
                 NULL, "fda");
    expect_lines(dom, 4,
                 "floppy0.present = \"true\"\nfloppy0.fileType = \"file\"\n"
                 "floppy1.present = \"false\"\n");
    free(d->target);
    d->target = xstrdup("fdc");
    expect_error(dom, VMX_EUNSUPPORTED, "devices/disk/address",
                 "fdc controller index 1 out of [0] range");
    d->bus = VMX_DISK_BUS_IDE;
    free(d->target);
    d->target = xstrdup("hda");
    expect_error(dom, VMX_EINVAL, "devices/disk/target", "must start with 'fd'");
    vmx_domain_free(dom);
}

/* ---- shared folders ---- */

Test(domain2vmx, shared_folders)
{
    vmx_domain *dom = new_domain("sf");
    vmx_fs *fs = vmx_domain_add_filesystem(dom);

    fs->src = xstrdup("/home/user/share");
    fs->dst = xstrdup("share");
    fs = vmx_domain_add_filesystem(dom);
    fs->src = xstrdup("C:\\Data");
    fs->dst = xstrdup("data");
    fs->readonly = true;
    expect_lines(dom, 4,
                 NO_FLOPPY "isolation.tools.hgfs.disable = \"false\"\n"
                           "sharedFolder.maxNum = \"2\"\n"
                           "sharedFolder0.present = \"true\"\n"
                           "sharedFolder0.enabled = \"true\"\n"
                           "sharedFolder0.readAccess = \"true\"\n"
                           "sharedFolder0.writeAccess = \"true\"\n"
                           "sharedFolder0.hostPath = \"/home/user/share\"\n"
                           "sharedFolder0.guestName = \"share\"\n"
                           "sharedFolder1.present = \"true\"\n"
                           "sharedFolder1.enabled = \"true\"\n"
                           "sharedFolder1.readAccess = \"true\"\n"
                           "sharedFolder1.writeAccess = \"false\"\n"
                           "sharedFolder1.hostPath = \"C:\\Data\"\n"
                           "sharedFolder1.guestName = \"data\"\n");
    free(fs->src);
    fs->src = NULL;
    expect_error(dom, VMX_EINVAL, "devices/filesystem", "filesystem 1 has no source");
    vmx_domain_free(dom);
}

/* ---- network cards ---- */

Test(domain2vmx, ethernet_models_and_connection_types)
{
    vmx_domain *dom = new_domain("n");
    vmx_net *n;

    add_net(dom, VMX_NET_BRIDGE, "00:50:56:11:22:33", "br0", "vmxnet2");
    n = add_net(dom, VMX_NET_BRIDGE, "00:50:56:11:22:34", "VM Network", "e1000");
    n->ifname = xstrdup("vmnet7");
    add_net(dom, VMX_NET_USER, "00:50:56:11:22:35", NULL, "vmxnet3");
    add_net(dom, VMX_NET_NULL, "00:50:56:11:22:36", NULL, NULL);
    expect_lines(dom, 4,
                 "ethernet0.present = \"true\"\nethernet0.virtualDev = \"vmxnet\"\n"
                 "ethernet0.features = \"15\"\nethernet0.networkName = \"br0\"\n"
                 "ethernet0.connectionType = \"bridged\"\n"
                 "ethernet0.addressType = \"static\"\n"
                 "ethernet0.address = \"00:50:56:11:22:33\"\n"
                 "ethernet1.present = \"true\"\nethernet1.virtualDev = \"e1000\"\n"
                 "ethernet1.networkName = \"VM Network\"\n"
                 "ethernet1.connectionType = \"custom\"\nethernet1.vnet = \"vmnet7\"\n"
                 "ethernet1.addressType = \"static\"\n"
                 "ethernet1.address = \"00:50:56:11:22:34\"\n"
                 "ethernet2.present = \"true\"\nethernet2.virtualDev = \"vmxnet3\"\n"
                 "ethernet2.connectionType = \"nat\"\n"
                 "ethernet2.addressType = \"static\"\n"
                 "ethernet2.address = \"00:50:56:11:22:35\"\n"
                 "ethernet3.present = \"true\"\nethernet3.addressType = \"static\"\n"
                 "ethernet3.address = \"00:50:56:11:22:36\"\n");
    vmx_domain_free(dom);
}

Test(domain2vmx, mac_ranges_decide_the_address_type)
{
    static const char *const cases[][2] = {
        {"00:0c:29:aa:bb:cc", "addressType = \"generated\"\nethernet0.generatedAddress = "
                              "\"00:0c:29:aa:bb:cc\"\nethernet0.generatedAddressOffset = "
                              "\"0\"\n"},
        {"00:50:56:3f:ff:ff", "addressType = \"static\"\nethernet0.address = "
                              "\"00:50:56:3f:ff:ff\"\n"},
        {"00:50:56:40:00:00", "addressType = \"static\"\nethernet0.address = "
                              "\"00:50:56:40:00:00\"\nethernet0.checkMACAddress = "
                              "\"false\"\n"},
        {"00:50:56:bf:ff:ff", "addressType = \"vpx\"\nethernet0.generatedAddress = "
                              "\"00:50:56:bf:ff:ff\"\n"},
        {"0:5:69:1:2:3",
         "addressType = \"static\"\nethernet0.address = "
         "\"00:05:69:01:02:03\"\nethernet0.checkMACAddress = \"false\"\n"}};
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        vmx_domain *dom = new_domain("m");
        char *out;

        add_net(dom, VMX_NET_BRIDGE, cases[i][0], "a", NULL);
        out = convert(dom);
        cr_assert(strstr(out, cases[i][1]), "case %zu:\n%s", i, out);
        /* vpx addresses have no offset, and only the checked key ends it */
        cr_assert(strstr(out, cases[i][1])[strlen(cases[i][1])] == '\0', "case %zu:\n%s",
                  i, out);
        vmx_free(out);
        vmx_domain_free(dom);
    }
}

Test(domain2vmx, explicit_mac_type_and_check)
{
    vmx_domain *dom = new_domain("m");
    vmx_net *n;

    n = add_net(dom, VMX_NET_BRIDGE, "00:50:56:80:00:01", "g", NULL);
    n->mac_type = VMX_MAC_STATIC;
    n = add_net(dom, VMX_NET_BRIDGE, "00:50:56:80:00:02", "h", NULL);
    n->mac_type = VMX_MAC_GENERATED;
    n->mac_check_set = true;
    n->mac_check = true;
    n = add_net(dom, VMX_NET_BRIDGE, "aa:bb:cc:dd:ee:fd", "i", NULL);
    n->mac_type = VMX_MAC_GENERATED;
    n = add_net(dom, VMX_NET_BRIDGE, "00:0c:29:dd:ee:fe", "j", NULL);
    n->mac_type = VMX_MAC_STATIC;
    n->mac_check_set = true;
    n->mac_check = true;
    expect_lines(dom, 7,
                 "ethernet0.addressType = \"static\"\n"
                 "ethernet0.address = \"00:50:56:80:00:01\"\n"
                 "ethernet1.present = \"true\"\nethernet1.networkName = \"h\"\n"
                 "ethernet1.connectionType = \"bridged\"\n"
                 "ethernet1.addressType = \"vpx\"\n"
                 "ethernet1.generatedAddress = \"00:50:56:80:00:02\"\n"
                 "ethernet1.checkMACAddress = \"true\"\n"
                 "ethernet2.present = \"true\"\nethernet2.networkName = \"i\"\n"
                 "ethernet2.connectionType = \"bridged\"\n"
                 "ethernet2.addressType = \"generated\"\n"
                 "ethernet2.generatedAddress = \"aa:bb:cc:dd:ee:fd\"\n"
                 "ethernet2.generatedAddressOffset = \"0\"\n"
                 "ethernet3.present = \"true\"\nethernet3.networkName = \"j\"\n"
                 "ethernet3.connectionType = \"bridged\"\n"
                 "ethernet3.addressType = \"static\"\n"
                 "ethernet3.address = \"00:0c:29:dd:ee:fe\"\n"
                 "ethernet3.checkMACAddress = \"true\"\n");
    vmx_domain_free(dom);
}

Test(domain2vmx, missing_mac_is_the_zero_address)
{
    vmx_domain *dom = new_domain("m");
    vmx_net *n = add_net(dom, VMX_NET_BRIDGE, NULL, "a", NULL);

    /* as libvirt writes a VMX-read NIC without address */
    expect_lines(dom, 4,
                 "ethernet0.connectionType = \"bridged\"\n"
                 "ethernet0.addressType = \"static\"\n"
                 "ethernet0.address = \"00:00:00:00:00:00\"\n"
                 "ethernet0.checkMACAddress = \"false\"\n");
    n->mac_type = VMX_MAC_GENERATED;
    expect_lines(dom, 4,
                 "ethernet0.addressType = \"generated\"\n"
                 "ethernet0.generatedAddress = \"00:00:00:00:00:00\"\n"
                 "ethernet0.generatedAddressOffset = \"0\"\n");
    vmx_domain_free(dom);
}

Test(domain2vmx, ethernet_errors)
{
    vmx_domain *dom = new_domain("m");
    vmx_net *n = add_net(dom, VMX_NET_BRIDGE, "00:50:56:zz:00:01", "a", NULL);

    expect_error(dom, VMX_EINVAL, "devices/interface/mac", "invalid mac address");
    free(n->mac);
    n->mac = xstrdup("00:50:56:00:00:01:02");
    expect_error(dom, VMX_EINVAL, "devices/interface/mac", "invalid mac address");
    free(n->mac);
    n->mac = xstrdup("00:50:56:00:00:01");
    n->model = xstrdup("virtio");
    expect_error(dom, VMX_EUNSUPPORTED, "devices/interface/model", "not 'virtio'");
    free(n->model);
    n->model = NULL;
    n->type = VMX_NET_ETHERNET;
    expect_error(dom, VMX_EUNSUPPORTED, "devices/interface",
                 "unsupported interface type 'ethernet'");
    n->type = VMX_NET_HOSTONLY;
    expect_error(dom, VMX_EUNSUPPORTED, "devices/interface",
                 "unsupported interface type 'hostonly'");
    n->type = VMX_NET_BRIDGE;
    free(n->bridge);
    n->bridge = NULL;
    expect_error(dom, VMX_EINVAL, "devices/interface/source", "no bridge name");
    vmx_domain_free(dom);
}

Test(domain2vmx, nic_count_limit_depends_on_hw_version)
{
    vmx_domain *dom = new_domain("m");
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    char *out = NULL;
    int i;

    for (i = 0; i < 5; i++)
        add_net(dom, VMX_NET_BRIDGE, "00:50:56:00:00:01", "a", NULL);
    /* libvirt writes 4 NICs before virtualHW 7 and refuses a fifth; VMX
     * files of virtualHW 4 hold more */
    expect_lines(dom, 4, "ethernet4.present = \"true\"\n");
    expect_lines(dom, 7, "ethernet4.present = \"true\"\n");
    for (i = 0; i < 6; i++)
        add_net(dom, VMX_NET_BRIDGE, "00:50:56:00:00:01", "a", NULL);
    opts.hw_version = 19;
    cr_assert_eq(vmx_domain_to_vmx(&out, NULL, dom, &opts, NULL), VMX_EUNSUPPORTED);
    cr_assert_null(out);
    vmx_domain_free(dom);
}

Test(domain2vmx, distributed_switch_keys)
{
    vmx_domain *dom = new_domain("vds");
    vmx_net *n = add_net(dom, VMX_NET_VDS, "00:50:56:87:65:43", NULL, "e1000e");

    n->mac_type = VMX_MAC_GENERATED;
    n->switch_id = xstrdup("503426b2-94e9-3b16-1d68-87bfff4a5440");
    n->port_id = xstrdup("5");
    n->portgroup_id = xstrdup("dvportgroup-1285");
    n->connection_id = 408217997;
    expect_lines(
        dom, 4,
        "ethernet0.present = \"true\"\nethernet0.virtualDev = \"e1000e\"\n"
        "ethernet0.dvs.switchId = \"50 34 26 b2 94 e9 3b 16-1d 68 87 bf ff 4a 54 "
        "40\"\n"
        "ethernet0.dvs.portId = \"5\"\n"
        "ethernet0.dvs.portgroupId = \"dvportgroup-1285\"\n"
        "ethernet0.dvs.connectionId = \"408217997\"\n"
        "ethernet0.addressType = \"vpx\"\n"
        "ethernet0.generatedAddress = \"00:50:56:87:65:43\"\n");
    /* libvirt XML-escapes the port group (and drops most control bytes) */
    free(n->portgroup_id);
    n->portgroup_id = xstrdup("a<b&c'd\"e\tf\x01g");
    free(n->port_id);
    n->port_id = xstrdup("-7");
    expect_lines(dom, 4,
                 "ethernet0.dvs.portId = \"-7\"\n"
                 "ethernet0.dvs.portgroupId = \"a&lt;b&amp;c&apos;d&quot;e\tfg\"\n");
    free(n->port_id);
    n->port_id = xstrdup("x");
    expect_error(dom, VMX_EINVAL, "devices/interface/source", "invalid port id 'x'");
    free(n->switch_id);
    n->switch_id = xstrdup("nope");
    expect_error(dom, VMX_EINVAL, "devices/interface/source", "invalid switch id 'nope'");
    vmx_domain_free(dom);
}

/* ---- serial and parallel ports ---- */

Test(domain2vmx, serial_ports_of_every_kind)
{
    vmx_domain *dom = new_domain("serial");
    vmx_chr *c;

    add_chr(vmx_domain_add_serial(dom), VMX_CHR_DEV, 0, "/dev/ttyS0");
    add_chr(vmx_domain_add_serial(dom), VMX_CHR_FILE, 1,
            "[datastore] directory/serial1.file");
    add_chr(vmx_domain_add_serial(dom), VMX_CHR_PIPE, 2, "serial2.pipe");
    c = add_chr(vmx_domain_add_serial(dom), VMX_CHR_TCP, 3, NULL);
    c->host = xstrdup("0.0.0.0");
    c->service = xstrdup("9003");
    c->listen = true;
    expect_lines(dom, 4,
                 NO_FLOPPY "serial0.present = \"true\"\nserial0.fileType = \"device\"\n"
                           "serial0.fileName = \"/dev/ttyS0\"\n"
                           "serial0.yieldOnMsrRead = \"true\"\n"
                           "serial1.present = \"true\"\nserial1.fileType = \"file\"\n"
                           "serial1.fileName = "
                           "\"/vmfs/volumes/datastore/directory/serial1.file\"\n"
                           "serial1.yieldOnMsrRead = \"true\"\n"
                           "serial2.present = \"true\"\nserial2.fileType = \"pipe\"\n"
                           "serial2.pipe.endPoint = \"client\"\n"
                           "serial2.tryNoRxLoss = \"false\"\n"
                           "serial2.fileName = \"serial2.pipe\"\n"
                           "serial2.yieldOnMsrRead = \"true\"\n"
                           "serial3.present = \"true\"\nserial3.fileType = \"network\"\n"
                           "serial3.fileName = \"tcp://0.0.0.0:9003\"\n"
                           "serial3.network.endPoint = \"server\"\n"
                           "serial3.yieldOnMsrRead = \"true\"\n");
    vmx_domain_free(dom);
}

Test(domain2vmx, serial_uri_schemes)
{
    static const char *const protos[][2] = {
        {"raw", "tcp"}, {"telnet", "telnet"}, {"telnets", "telnets"}, {"tls", "ssl"}};
    size_t i;

    for (i = 0; i < 4; i++) {
        vmx_domain *dom = new_domain("s");
        vmx_chr *c = add_chr(vmx_domain_add_serial(dom), VMX_CHR_TCP, 1, NULL);
        char line[160];

        c->host = xstrdup("vspc.example.com");
        c->service = xstrdup("13370");
        c->protocol = xstrdup(protos[i][0]);
        snprintf(line, sizeof(line),
                 "serial1.fileName = \"%s://vspc.example.com:13370\"\n"
                 "serial1.network.endPoint = \"client\"\n",
                 protos[i][1]);
        expect_lines(dom, 7, line);
        vmx_domain_free(dom);
    }
}

Test(domain2vmx, serial_errors)
{
    vmx_domain *dom = new_domain("s");
    vmx_chr *c = add_chr(vmx_domain_add_serial(dom), VMX_CHR_UDP, 0, NULL);

    expect_error(dom, VMX_EUNSUPPORTED, "devices/serial",
                 "unsupported character device type 'udp'");
    c->type = VMX_CHR_DEV;
    expect_error(dom, VMX_EINVAL, "devices/serial",
                 "serial port 0 of type 'dev' has no path");
    c->path = xstrdup("/dev/ttyS4");
    c->port = 4;
    expect_error(dom, VMX_EUNSUPPORTED, "devices/serial", "serial port index 4 out of");
    c->port = 0;
    c->type = VMX_CHR_TCP;
    c->host = xstrdup("h");
    expect_error(dom, VMX_EINVAL, "devices/serial/source",
                 "serial port 0 has no service");
    c->service = xstrdup("1");
    c->protocol = xstrdup("ssh");
    expect_error(dom, VMX_EUNSUPPORTED, "devices/serial/protocol", "protocol 'ssh'");
    vmx_domain_free(dom);
}

Test(domain2vmx, parallel_ports)
{
    vmx_domain *dom = new_domain("p");
    vmx_chr *c;

    add_chr(vmx_domain_add_parallel(dom), VMX_CHR_DEV, 0, "/dev/parport0");
    add_chr(vmx_domain_add_parallel(dom), VMX_CHR_FILE, 1,
            "[datastore] directory/parallel1.file");
    expect_lines(dom, 4,
                 NO_FLOPPY
                 "parallel0.present = \"true\"\nparallel0.fileType = \"device\"\n"
                 "parallel0.fileName = \"/dev/parport0\"\n"
                 "parallel1.present = \"true\"\nparallel1.fileType = \"file\"\n"
                 "parallel1.fileName = "
                 "\"/vmfs/volumes/datastore/directory/parallel1.file\"\n");
    c = add_chr(vmx_domain_add_parallel(dom), VMX_CHR_PIPE, 2, "p");
    expect_error(dom, VMX_EUNSUPPORTED, "devices/parallel",
                 "unsupported character device type 'pipe'");
    c->type = VMX_CHR_DEV;
    c->port = 3;
    expect_error(dom, VMX_EUNSUPPORTED, "devices/parallel",
                 "parallel port index 3 out of [0..2] range");
    vmx_domain_free(dom);
}

Test(domain2vmx, serial_comes_after_video_and_nics)
{
    vmx_domain *dom = new_domain("o");
    vmx_video *v = vmx_domain_add_video(dom);

    v->model = xstrdup("vmvga");
    v->vram_kib = 8192;
    v->has_vram = true;
    add_net(dom, VMX_NET_USER, "00:0c:29:00:00:01", NULL, NULL);
    add_chr(vmx_domain_add_serial(dom), VMX_CHR_DEV, 0, "/dev/ttyS0");
    add_chr(vmx_domain_add_parallel(dom), VMX_CHR_DEV, 0, "/dev/parport0");
    expect_lines(dom, 4,
                 "ethernet0.generatedAddressOffset = \"0\"\n"
                 "svga.vramSize = \"8388608\"\nserial0.present = \"true\"\n");
    expect_lines(dom, 4, "serial0.yieldOnMsrRead = \"true\"\nparallel0.present");
    vmx_domain_free(dom);
}

/* ---- video ---- */

Test(domain2vmx, vram_is_rounded_to_64_kib_and_defaults_to_4_mib)
{
    vmx_domain *dom = new_domain("v");
    vmx_video *v = vmx_domain_add_video(dom);

    v->vram_kib = 1000;
    v->has_vram = true;
    expect_lines(dom, 4, NO_FLOPPY "svga.vramSize = \"1048576\"\n");
    v->has_vram = false;
    expect_lines(dom, 4, NO_FLOPPY "svga.vramSize = \"4194304\"\n");
    vmx_domain_free(dom);
}

Test(domain2vmx, video_errors)
{
    vmx_domain *dom = new_domain("v");
    vmx_video *v = vmx_domain_add_video(dom);

    v->model = xstrdup("qxl");
    expect_error(dom, VMX_EUNSUPPORTED, "devices/video/model",
                 "unsupported video device type 'qxl'");
    free(v->model);
    v->model = NULL;
    v->heads = 2;
    expect_error(dom, VMX_EUNSUPPORTED, "devices/video/model", "multi-head");
    v->heads = 1;
    vmx_domain_add_video(dom);
    expect_error(dom, VMX_EUNSUPPORTED, "devices/video", "multiple video devices");
    vmx_domain_free(dom);
}

/* ---- hardware versions ---- */

Test(domain2vmx, hw7_adds_vmci_and_pci_bridges_for_scsi)
{
    vmx_domain *dom = new_domain("h");

    expect_lines(dom, 7, "virtualHW.version = \"7\"\n");
    expect_lines(dom, 7, NO_FLOPPY "vmci0.present = \"true\"\n");
    expect_no_key(dom, "vmci0");
    add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_SCSI,
             "[ds] a.vmdk", "sda");
    dom->firmware = VMX_FIRMWARE_EFI;
    expect_lines(dom, 19,
                 "firmware = \"efi\"\npciBridge0.present = \"true\"\n"
                 "pciBridge4.present = \"true\"\n"
                 "pciBridge4.virtualDev = \"pcieRootPort\"\n"
                 "pciBridge4.functions = \"8\"\npciBridge5.present = \"true\"\n"
                 "pciBridge5.virtualDev = \"pcieRootPort\"\n"
                 "pciBridge5.functions = \"8\"\npciBridge6.present = \"true\"\n"
                 "pciBridge6.virtualDev = \"pcieRootPort\"\n"
                 "pciBridge6.functions = \"8\"\npciBridge7.present = \"true\"\n"
                 "pciBridge7.virtualDev = \"pcieRootPort\"\n"
                 "pciBridge7.functions = \"8\"\nvmci0.present = \"true\"\n");
    expect_no_key(dom, "pciBridge");
    vmx_domain_free(dom);
}

Test(domain2vmx, negative_hw_version_is_rejected)
{
    vmx_domain *dom = new_domain("h");
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;

    opts.hw_version = -1;
    expect_error_opts(dom, &opts, VMX_EINVAL, "virtualHW.version", "invalid virtualHW");
    vmx_domain_free(dom);
}

/* ---- lossless mode ---- */

Test(domain2vmx, lossless_mode_keeps_guest_os_genid_and_extra_keys)
{
    vmx_domain *dom = new_domain("l");
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    char *out = NULL;

    dom->guest_os = xstrdup("windows9-64");
    dom->genid = xstrdup("ffffffff-ffff-fffe-0000-000000000001");
    cr_assert_eq(vmx_domain_add_extra(dom, "tools.syncTime", "TRUE"), 0);
    add_net(dom, VMX_NET_HOSTONLY, "00:0c:29:00:00:01", NULL, NULL);
    add_chr(vmx_domain_add_serial(dom), VMX_CHR_THINPRINT, 1, NULL);
    /* default mode: libvirt's text, hostonly is unsupported */
    expect_error(dom, VMX_EUNSUPPORTED, "devices/interface", "'hostonly'");
    opts.flags = VMX_CONVERT_LOSSLESS;
    cr_assert_eq(vmx_domain_to_vmx(&out, NULL, dom, &opts, NULL), 0);
    cr_assert(strstr(out, "guestOS = \"windows9-64\"\n"), "%s", out);
    cr_assert(strstr(out, "ethernet0.connectionType = \"hostonly\"\n"), "%s", out);
    cr_assert(
        strstr(out, "serial1.present = \"true\"\nserial1.fileType = \"thinprint\"\n"),
        "%s", out);
    cr_assert(strstr(out, "vm.genid = \"-2\"\nvm.genidX = \"1\"\n"
                          "tools.syncTime = \"TRUE\"\n"),
              "%s", out);
    vmx_free(out);
    vmx_domain_free(dom);
}

Test(domain2vmx, default_mode_ignores_genid_and_extra_keys)
{
    vmx_domain *dom = new_domain("l");

    dom->guest_os = xstrdup("windows9-64");
    dom->genid = xstrdup("ffffffff-ffff-fffe-0000-000000000001");
    cr_assert_eq(vmx_domain_add_extra(dom, "tools.syncTime", "TRUE"), 0);
    expect_vmx(dom, 4,
               HEAD("4", "other", "l") "memsize = \"4\"\nnumvcpus = \"1\"\n" NO_FLOPPY);
    vmx_domain_free(dom);
}

/* Convert in lossless mode at @hw and expect success. */
static char *convert_lossless(const vmx_domain *dom, int hw)
{
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    vmx_error err = VMX_ERROR_INIT;
    char *out = NULL;
    int rc;

    opts.flags = VMX_CONVERT_LOSSLESS;
    opts.hw_version = hw;
    rc = vmx_domain_to_vmx(&out, NULL, dom, &opts, &err);
    cr_assert_eq(rc, 0, "rc %d: %s [%s]", rc, err.message, err.key);
    return out;
}

Test(domain2vmx, lossless_mode_writes_sata_and_nvme_disks)
{
    vmx_domain *dom = new_domain("s");
    vmx_disk *d;
    char *out;

    d = add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_SATA,
                 "[ds] s/a.vmdk", "sda");
    d->cache = VMX_DISK_CACHE_WRITETHROUGH;
    add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_CDROM, VMX_DISK_BUS_SATA,
             "[ds] s/b.iso", "sdb");
    /* sata1:0 is sd[30] */
    add_disk(dom, VMX_DISK_TYPE_BLOCK, VMX_DISK_DEVICE_CDROM, VMX_DISK_BUS_SATA,
             "/dev/sr0", "sdae");
    d = add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_NVME,
                 "[ds] s/n.vmdk", "vdb");
    d->transient = true;
    out = convert_lossless(dom, 14);
    cr_assert_str_eq(out,
                     HEAD("14", "other",
                          "s") "memsize = \"4\"\n"
                               "numvcpus = \"1\"\n"
                               "sata0.present = \"true\"\n"
                               "sata1.present = \"true\"\n"
                               "nvme0.present = \"true\"\n"
                               "sata0:0.present = \"true\"\n"
                               "sata0:0.fileName = \"/vmfs/volumes/ds/s/a.vmdk\"\n"
                               "sata0:0.writeThrough = \"true\"\n"
                               "sata0:1.present = \"true\"\n"
                               "sata0:1.deviceType = \"cdrom-image\"\n"
                               "sata0:1.fileName = \"/vmfs/volumes/ds/s/b.iso\"\n"
                               "sata1:0.present = \"true\"\n"
                               "sata1:0.deviceType = \"atapi-cdrom\"\n"
                               "sata1:0.fileName = \"/dev/sr0\"\n"
                               "nvme0:1.present = \"true\"\n"
                               "nvme0:1.fileName = \"/vmfs/volumes/ds/s/n.vmdk\"\n"
                               "nvme0:1.mode = \"independent-nonpersistent\"\n" NO_FLOPPY
                               "pciBridge0.present = \"true\"\n"
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
                               "pciBridge7.functions = \"8\"\n"
                               "vmci0.present = \"true\"\n");
    /* default mode: libvirt refuses SATA and NVMe, vmxkit writes the same */
    {
        char *def = convert_hw(dom, 14);

        cr_assert_str_eq(def, out);
        vmx_free(def);
    }
    vmx_free(out);
    vmx_domain_free(dom);
}

Test(domain2vmx, lossless_sata_and_nvme_errors)
{
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    vmx_domain *dom = new_domain("s");
    vmx_disk *d;

    opts.flags = VMX_CONVERT_LOSSLESS;
    /* sata3:29 is sd[119], the last one */
    d = add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_SATA,
                 "[ds] s/a.vmdk", "sddq");
    expect_error_opts(dom, &opts, VMX_EUNSUPPORTED, "devices/disk/target",
                      "sata disk index (parsed from 'sddq') is too large");
    d->bus = VMX_DISK_BUS_NVME;
    d->device = VMX_DISK_DEVICE_CDROM;
    free(d->target);
    d->target = xstrdup("vda");
    expect_error_opts(dom, &opts, VMX_EUNSUPPORTED, "devices/disk",
                      "nvme cdrom 'vda' is not supported, only disks");
    d->device = VMX_DISK_DEVICE_DISK;
    d->cache = VMX_DISK_CACHE_NONE;
    expect_error_opts(dom, &opts, VMX_EUNSUPPORTED, "devices/disk/driver",
                      "nvme disk 'vda' has unsupported cache mode 'none'");
    vmx_domain_free(dom);
}

Test(domain2vmx, lossless_mode_writes_usb_sound_tpm_and_secure_boot)
{
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    vmx_domain *dom = new_domain("u");
    vmx_sound *snd;
    char *out;

    add_controller(dom, VMX_CONTROLLER_USB, 0, "nec-xhci");
    add_controller(dom, VMX_CONTROLLER_USB, 1, "ich9-ehci1");
    add_controller(dom, VMX_CONTROLLER_USB, 2, NULL); /* libvirt's piix3-uhci */
    add_controller(dom, VMX_CONTROLLER_USB, 3, "none");
    snd = vmx_domain_add_sound(dom);
    cr_assert(snd);
    snd->model = xstrdup("ich6");
    dom->tpm = true;
    dom->firmware = VMX_FIRMWARE_EFI;
    dom->secure_boot = VMX_TRISTATE_YES;
    /* default mode: libvirt drops all of them */
    expect_vmx(dom, 4,
               HEAD("4", "other", "u") "memsize = \"4\"\nnumvcpus = \"1\"\n" NO_FLOPPY
                                       "firmware = \"efi\"\n");
    out = convert_lossless(dom, 4);
    cr_assert_str_eq(
        out, HEAD("4", "other", "u") "memsize = \"4\"\nnumvcpus = \"1\"\n" NO_FLOPPY
                                     "firmware = \"efi\"\n"
                                     "usb.present = \"true\"\n"
                                     "ehci.present = \"true\"\n"
                                     "usb_xhci.present = \"true\"\n"
                                     "sound.present = \"true\"\n"
                                     "sound.virtualDev = \"hdaudio\"\n"
                                     "sound.fileName = \"-1\"\n"
                                     "sound.autodetect = \"true\"\n"
                                     "vtpm.present = \"true\"\n"
                                     "uefi.secureBoot.enabled = \"true\"\n");
    vmx_free(out);

    opts.flags = VMX_CONVERT_LOSSLESS;
    free(snd->model);
    snd->model = xstrdup("ac97");
    expect_error_opts(dom, &opts, VMX_EUNSUPPORTED, "devices/sound",
                      "sound model must be 'es1370', 'sb16' or 'ich6', not 'ac97'");
    cr_assert(vmx_domain_add_sound(dom));
    expect_error_opts(dom, &opts, VMX_EUNSUPPORTED, "devices/sound",
                      "multiple sound cards are not supported");
    dom->nsounds = 0;
    add_controller(dom, VMX_CONTROLLER_USB, 4, "qusb2");
    expect_error_opts(dom, &opts, VMX_EUNSUPPORTED, "devices/controller",
                      "unsupported usb controller model 'qusb2'");
    dom->nsounds = 2; /* freed with the domain */
    vmx_domain_free(dom);
}

Test(domain2vmx, lossless_extra_keys_replace_and_remove_the_writers_lines)
{
    vmx_domain *dom = new_domain("a/b");
    char *out;

    /* the source file's own spelling and values win; NULL: the file had no
     * such key; a key written twice in the file stays twice */
    cr_assert_eq(vmx_domain_add_extra(dom, "DisplayName", "a/b"), 0);
    cr_assert_eq(vmx_domain_add_extra(dom, "virtualHW.version", "19"), 0);
    cr_assert_eq(vmx_domain_add_extra(dom, "floppy1.present", "x"), 0);
    free(dom->extra_values[2]);
    dom->extra_values[2] = NULL;
    cr_assert_eq(vmx_domain_add_extra(dom, "memsize", "4"), 0);
    cr_assert_eq(vmx_domain_add_extra(dom, "memsize", "8"), 0);
    cr_assert_eq(vmx_domain_add_extra(dom, "tools.syncTime", "TRUE"), 0);
    out = convert_lossless(dom, 4);
    cr_assert_str_eq(out,
                     ".encoding = \"UTF-8\"\n"
                     "config.version = \"8\"\n"
                     "guestOS = \"other\"\n"
                     "uuid.bios = \"56 4d 9b ef ac d9 b4 e0-c8 f0 ae a8 b9 10 35 15\"\n"
                     "numvcpus = \"1\"\n"
                     "floppy0.present = \"false\"\n"
                     "DisplayName = \"a/b\"\n"
                     "virtualHW.version = \"19\"\n"
                     "memsize = \"4\"\n"
                     "memsize = \"8\"\n"
                     "tools.syncTime = \"TRUE\"\n");
    vmx_free(out);
    vmx_domain_free(dom);
}

Test(domain2vmx, lossless_encoding_follows_the_extra_keys)
{
    vmx_domain *dom = new_domain("caf\xc3\xa9");
    char *out;

    /* the source file had no .encoding: none is written */
    cr_assert_eq(vmx_domain_add_extra(dom, ".encoding", "x"), 0);
    free(dom->extra_values[0]);
    dom->extra_values[0] = NULL;
    out = convert_lossless(dom, 4);
    cr_assert(strncmp(out, "config.version = \"8\"\n", 21) == 0, "%s", out);
    vmx_free(out);

    /* a charset: the text is converted to it */
    free(dom->extra_values[0]);
    dom->extra_values[0] = xstrdup("windows-1252");
    out = convert_lossless(dom, 4);
    cr_assert(strncmp(out, ".encoding = \"windows-1252\"\n", 27) == 0, "%s", out);
    cr_assert(strstr(out, "displayName = \"caf\xe9\"\n"), "%s", out);
    vmx_free(out);

    /* UTF-8 as the file spelt it */
    free(dom->extra_values[0]);
    dom->extra_values[0] = xstrdup("utf-8");
    out = convert_lossless(dom, 4);
    cr_assert(strncmp(out, ".encoding = \"utf-8\"\nconfig.version", 34) == 0, "%s", out);
    vmx_free(out);

    /* a charset that cannot hold the text: it stays UTF-8 */
    free(dom->name);
    dom->name = xstrdup("\xe2\x82\xac\xe4\xb8\xad");
    free(dom->extra_values[0]);
    dom->extra_values[0] = xstrdup("windows-1252");
    out = convert_lossless(dom, 4);
    cr_assert(strncmp(out, ".encoding = \"UTF-8\"\n", 20) == 0, "%s", out);
    vmx_free(out);
    vmx_domain_free(dom);
}

Test(domain2vmx, lossless_mode_writes_what_libvirt_refuses)
{
    vmx_domain *dom = new_domain("x");
    vmx_disk *d;
    char *out;
    int i;

    free(dom->name);
    dom->name = NULL;
    dom->vcpus = 6;
    dom->sockets = 1;
    dom->cores = 4;
    /* a raw image, a name the datastore mapping refuses, a SCSI address of
     * the 64-unit bus, a CD-ROM drive without file */
    add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_IDE,
             "/vm/root.raw", "hda");
    add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_SCSI,
             "[] ds2/x.vmdk", "sda");
    d = add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_SCSI,
                 "[ds] x/y.vmdk", "sdp");
    d->has_address = true;
    d->addr_unit = 16;
    add_disk(dom, VMX_DISK_TYPE_BLOCK, VMX_DISK_DEVICE_LUN, VMX_DISK_BUS_SCSI, NULL,
             "sdb");
    for (i = 0; i < 5; i++)
        add_net(dom, VMX_NET_USER, "00:0c:29:00:00:01", NULL, NULL);
    out = convert_lossless(dom, 4);
    cr_assert(strstr(out,
                     "uuid.bios = \"56 4d 9b ef ac d9 b4 e0-c8 f0 ae a8 b9 10 35 15\"\n"
                     "memsize = \"4\"\nnumvcpus = \"6\"\n"
                     "cpuid.coresPerSocket = \"4\"\n"),
              "%s", out);
    cr_assert_null(strstr(out, "displayName"), "%s", out);
    cr_assert(strstr(out, "ide0:0.fileName = \"/vm/root.raw\"\n"), "%s", out);
    cr_assert(strstr(out, "scsi0:0.fileName = \"[] ds2/x.vmdk\"\n"), "%s", out);
    cr_assert(strstr(out, "scsi0:16.present = \"true\"\n"), "%s", out);
    cr_assert(strstr(out, "scsi0:1.present = \"true\"\n"
                          "scsi0:1.deviceType = \"cdrom-raw\"\n"
                          "floppy0.present"),
              "%s", out);
    cr_assert(strstr(out, "ethernet4.present = \"true\"\n"), "%s", out);
    vmx_free(out);

    /* default mode writes the same (libvirt refuses all of it), except the
     * name the datastore mapping refuses: the VMX name the reader reads as
     * "[] ds2/x.vmdk" */
    out = convert_hw(dom, 4);
    cr_assert(strstr(out, "memsize = \"4\"\nnumvcpus = \"6\"\n"
                          "cpuid.coresPerSocket = \"4\"\n"),
              "%s", out);
    cr_assert_null(strstr(out, "displayName"), "%s", out);
    cr_assert(strstr(out, "ide0:0.fileName = \"/vm/root.raw\"\n"), "%s", out);
    cr_assert(strstr(out, "scsi0:0.fileName = \"/vmfs/volumes//ds2/x.vmdk\"\n"), "%s",
              out);
    cr_assert(strstr(out, "scsi0:16.present = \"true\"\n"), "%s", out);
    cr_assert(strstr(out, "scsi0:1.present = \"true\"\n"
                          "scsi0:1.deviceType = \"cdrom-raw\"\n"
                          "floppy0.present"),
              "%s", out);
    cr_assert(strstr(out, "ethernet4.present = \"true\"\n"), "%s", out);
    vmx_free(out);
    vmx_domain_free(dom);
}

Test(domain2vmx, beyond_libvirt_allocation_failures_are_reported)
{
    vmx_domain *dom = new_domain("a");
    char *expected;
    long n;
    int failures = 0;

    /* the first pass stops at the SATA disk, the second writes it all */
    dom->genid = xstrdup("8987940a-0951-2cc5-ef78-5ff5def45056");
    add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_SATA,
             "[ds] s/a.vmdk", "sda");
    expected = convert(dom);
    cr_assert(strstr(expected, "sata0:0.present") && strstr(expected, "vm.genid"), "%s",
              expected);
    for (n = 1; n < 400; n++) {
        vmx_error err = VMX_ERROR_INIT;
        char *out = NULL;
        int rc;

        vmx__alloc_fail_after(n);
        rc = vmx_domain_to_vmx(&out, NULL, dom, NULL, &err);
        vmx__alloc_fail_after(0);
        if (rc == 0) {
            cr_assert_str_eq(out, expected, "allocation %ld", n);
            vmx_free(out);
            break;
        }
        cr_assert_eq(rc, VMX_ENOMEM, "allocation %ld: rc %d (%s)", n, rc, err.message);
        cr_assert_eq(err.code, VMX_ENOMEM);
        cr_assert_null(out);
        failures++;
    }
    cr_assert_lt(n, 400);
    cr_assert_gt(failures, 0);
    vmx_free(expected);
    vmx_domain_free(dom);
}

Test(domain2vmx, strict_mode_refuses_what_libvirt_refuses)
{
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    vmx_domain *dom = new_domain("x");
    vmx_disk *d;
    vmx_chr *ch;
    int i;

    /* VMX_CONVERT_STRICT: libvirt's writer, refusals and messages */
    opts.flags = VMX_CONVERT_STRICT;
    d = add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_SATA,
                 "[ds] a.vmdk", "sda");
    expect_error_opts(dom, &opts, VMX_EUNSUPPORTED, "devices/disk/target",
                      "unsupported bus type 'sata' for disk 'sda'");
    d->bus = VMX_DISK_BUS_SCSI;
    d->has_address = true;
    d->addr_unit = 16;
    free(d->target);
    d->target = xstrdup("sdp");
    expect_error_opts(dom, &opts, VMX_EINVAL, "devices/disk/address",
                      "disk address 0:0:16 does not match target device 'sdp'");
    d->has_address = false;
    free(d->src);
    d->src = xstrdup("[ds] a.img");
    expect_error_opts(dom, &opts, VMX_EUNSUPPORTED, "devices/disk/source",
                      "has unsupported suffix, expecting '.vmdk'");
    free(d->src);
    d->src = xstrdup("[] a.vmdk");
    expect_error_opts(dom, &opts, VMX_EINVAL, "devices/disk/source",
                      "datastore path '[] a.vmdk' has no datastore name");
    free(d->src);
    d->src = xstrdup("[ds] a.vmdk");
    ch = add_chr(vmx_domain_add_serial(dom), VMX_CHR_NULL, 0, NULL);
    expect_error_opts(dom, &opts, VMX_EUNSUPPORTED, "devices/serial",
                      "unsupported character device type 'null'");
    ch->type = VMX_CHR_THINPRINT;
    expect_error_opts(dom, &opts, VMX_EUNSUPPORTED, "devices/serial",
                      "unsupported character device type 'thinprint'");
    ch->type = VMX_CHR_DEV;
    ch->path = xstrdup("/dev/ttyS0");
    for (i = 0; i < 5; i++)
        add_net(dom, VMX_NET_USER, "00:0c:29:00:00:01", NULL, NULL);
    expect_error_opts(dom, &opts, VMX_EUNSUPPORTED, "devices/interface",
                      "ethernet controller index 4 out of [0..3] range");
    vmx_domain_free(dom);

    dom = new_domain("t");
    dom->vcpus = 6;
    dom->sockets = 1;
    dom->cores = 4;
    expect_error_opts(dom, &opts, VMX_EINVAL, "cpu/topology",
                      "sockets * cores is 4 but the vcpu count is 6");
    free(dom->name);
    dom->name = NULL;
    expect_error_opts(dom, &opts, VMX_EINVAL, "name", "missing value");
    vmx_domain_free(dom);
}

/* A domain with what libvirt writes its own way: a generation ID, MAC
 * addresses without type or with a static one, an IDE disk in writethrough
 * mode, an empty raw CD-ROM; @beyond adds a thinprint port (a null port to
 * the default reader), which libvirt refuses. */
static vmx_domain *beyond_domain(bool beyond)
{
    vmx_domain *dom = new_domain("b");
    vmx_disk *d;
    vmx_net *n;

    dom->genid = xstrdup("8987940a-0951-2cc5-ef78-5ff5def45056");
    d = add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_IDE,
                 "[ds] a.vmdk", "hda");
    d->cache = VMX_DISK_CACHE_WRITETHROUGH;
    add_disk(dom, VMX_DISK_TYPE_BLOCK, VMX_DISK_DEVICE_CDROM, VMX_DISK_BUS_IDE, NULL,
             "hdb");
    add_net(dom, VMX_NET_USER, "00:00:00:00:00:00", NULL, NULL);
    add_net(dom, VMX_NET_USER, "00:0c:29:0a:0b:0c", NULL, NULL);
    n = add_net(dom, VMX_NET_USER, "52:54:00:12:34:56", NULL, NULL);
    n->mac_type = VMX_MAC_STATIC;
    if (beyond)
        add_chr(vmx_domain_add_serial(dom), VMX_CHR_NULL, 0, NULL);
    return dom;
}

Test(domain2vmx, beyond_libvirt_the_domain_is_written_as_vmx_reads_it)
{
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    vmx_error err = VMX_ERROR_INIT;
    vmx_domain *dom = beyond_domain(false);
    char *out = convert(dom), *libvirt_part;

    /* libvirt accepts this one: its own text (no vm.genid, no IDE
     * writeThrough, the CD-ROM as an empty image, MAC types by range) */
    cr_assert_null(strstr(out, "genid"), "%s", out);
    cr_assert_null(strstr(out, "writeThrough"), "%s", out);
    cr_assert(strstr(out, "ide0:1.deviceType = \"cdrom-image\"\n"
                          "ide0:1.fileName = \"emptyBackingString\"\n"),
              "%s", out);
    cr_assert(strstr(out, "ethernet0.addressType = \"static\"\n"
                          "ethernet0.address = \"00:00:00:00:00:00\"\n"
                          "ethernet0.checkMACAddress = \"false\"\n"
                          "ethernet1.present"),
              "%s", out);
    cr_assert(strstr(out, "ethernet1.addressType = \"generated\"\n"), "%s", out);
    cr_assert(strstr(out, "ethernet2.address = \"52:54:00:12:34:56\"\n"
                          "ethernet2.checkMACAddress = \"false\"\n"),
              "%s", out);
    libvirt_part = out;
    vmx_domain_free(dom);

    /* with a null serial port libvirt refuses the domain: everything is
     * written as the VMX reader reads it back */
    dom = beyond_domain(true);
    out = convert(dom);
    cr_assert(strstr(out, "ide0:0.fileName = \"/vmfs/volumes/ds/a.vmdk\"\n"
                          "ide0:0.writeThrough = \"true\"\n"),
              "%s", out);
    cr_assert(strstr(out, "ide0:1.present = \"true\"\n"
                          "ide0:1.deviceType = \"atapi-cdrom\"\n"
                          "floppy0.present"),
              "%s", out);
    cr_assert(strstr(out, "ethernet0.present = \"true\"\n"
                          "ethernet0.connectionType = \"nat\"\n"
                          "ethernet1.present = \"true\"\n"
                          "ethernet1.connectionType = \"nat\"\n"
                          "ethernet1.generatedAddress = \"00:0c:29:0a:0b:0c\"\n"
                          "ethernet2.present = \"true\"\n"
                          "ethernet2.connectionType = \"nat\"\n"
                          "ethernet2.addressType = \"static\"\n"
                          "ethernet2.address = \"52:54:00:12:34:56\"\n"
                          "serial0.present"),
              "%s", out);
    cr_assert(strstr(out, "serial0.present = \"true\"\n"
                          "serial0.fileType = \"thinprint\"\n"),
              "%s", out);
    cr_assert(strstr(out, "vm.genid = \"-8536691797830587195\"\n"
                          "vm.genidX = \"-1191096591827316650\"\n"),
              "%s", out);
    vmx_free(out);
    vmx_free(libvirt_part);

    /* lossless mode names a thinprint port: a null port is refused there */
    opts.flags = VMX_CONVERT_LOSSLESS;
    out = NULL;
    cr_assert_eq(vmx_domain_to_vmx(&out, NULL, dom, &opts, &err), VMX_EUNSUPPORTED);
    cr_assert_null(out);
    cr_assert(strstr(err.message, "unsupported character device type 'null'"), "%s",
              err.message);
    vmx_domain_free(dom);
}

Test(domain2vmx, lossless_allocation_failures_are_reported)
{
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    vmx_domain *dom = new_domain("caf\xc3\xa9");
    char *expected;
    long n;
    int failures = 0;

    add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_SATA,
             "[ds] s/a.vmdk", "sda");
    add_controller(dom, VMX_CONTROLLER_USB, 0, "ehci");
    cr_assert_eq(vmx_domain_add_extra(dom, ".encoding", "windows-1252"), 0);
    cr_assert_eq(vmx_domain_add_extra(dom, "memsize", "8"), 0);
    expected = convert_lossless(dom, 10);
    opts.flags = VMX_CONVERT_LOSSLESS;
    opts.hw_version = 10;
    for (n = 1; n < 400; n++) {
        vmx_error err = VMX_ERROR_INIT;
        char *out = NULL;
        int rc;

        vmx__alloc_fail_after(n);
        rc = vmx_domain_to_vmx(&out, NULL, dom, &opts, &err);
        vmx__alloc_fail_after(0);
        if (rc == 0) {
            cr_assert_str_eq(out, expected, "allocation %ld", n);
            vmx_free(out);
            break;
        }
        cr_assert_eq(rc, VMX_ENOMEM, "allocation %ld: rc %d (%s)", n, rc, err.message);
        cr_assert_eq(err.code, VMX_ENOMEM);
        cr_assert_null(out);
        failures++;
    }
    cr_assert_lt(n, 400);
    cr_assert_gt(failures, 3);
    cr_assert(strstr(expected, "displayName = \"caf\xe9\"\n"), "%s", expected);
    vmx_free(expected);
    vmx_domain_free(dom);
}

/* ---- API contract ---- */

Test(domain2vmx, invalid_arguments)
{
    vmx_domain *dom = new_domain("a");
    vmx_error err = VMX_ERROR_INIT;
    char *out = NULL;

    cr_assert_eq(vmx_domain_to_vmx(&out, NULL, NULL, NULL, &err), VMX_EINVAL);
    cr_assert_null(out);
    cr_assert_eq(vmx_domain_to_vmx(NULL, NULL, dom, NULL, NULL), VMX_EINVAL);
    vmx_domain_free(dom);
}

Test(domain2vmx, first_error_wins)
{
    vmx_domain *dom = new_domain("a");
    vmx_error err = VMX_ERROR_INIT;
    char *out = NULL;

    dom->memory_kib = 0;
    vmx_error_set(&err, VMX_EPARSE, "earlier", 3, "k", "earlier problem");
    cr_assert_eq(vmx_domain_to_vmx(&out, NULL, dom, NULL, &err), VMX_EINVAL);
    cr_assert_eq(err.code, VMX_EPARSE);
    cr_assert_str_eq(err.message, "earlier problem");
    vmx_domain_free(dom);
}

/* A domain that touches every writer, for the allocation-failure loop. */
static vmx_domain *busy_domain(void)
{
    vmx_domain *dom = new_domain("busy|\"name%/");
    vmx_disk *d;
    vmx_fs *fs;
    vmx_video *v;
    vmx_graphics *g;

    dom->description = xstrdup("a|b");
    dom->cpuset = xstrdup("0-3");
    dom->vcpus = 2;
    add_controller(dom, VMX_CONTROLLER_SCSI, 0, "auto");
    add_controller(dom, VMX_CONTROLLER_IDE, 0, NULL);
    d = add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_SCSI,
                 "[ds] a.vmdk", "sda");
    d->driver_name = xstrdup("auto");
    add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_CDROM, VMX_DISK_BUS_IDE, "/x.iso",
             "hda");
    add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_FLOPPY, VMX_DISK_BUS_FDC,
             "[ds] f.flp", "fda");
    fs = vmx_domain_add_filesystem(dom);
    fs->src = xstrdup("/s");
    fs->dst = xstrdup("s");
    add_net(dom, VMX_NET_BRIDGE, "00:50:56:00:00:01", "net", "vmxnet3");
    v = vmx_domain_add_video(dom);
    v->model = xstrdup("vmvga");
    g = vmx_domain_add_graphics(dom);
    g->type = xstrdup("vnc");
    g->autoport = true;
    add_chr(vmx_domain_add_serial(dom), VMX_CHR_FILE, 0, "[ds] s.log");
    add_chr(vmx_domain_add_parallel(dom), VMX_CHR_FILE, 0, "[ds] p.log");
    return dom;
}

Test(domain2vmx, allocation_failures_are_reported)
{
    vmx_domain *dom = busy_domain();
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    char *expected = convert_hw(dom, 7);
    long n;
    int failures = 0;

    opts.hw_version = 7;
    for (n = 1; n < 200; n++) {
        vmx_error err = VMX_ERROR_INIT;
        char *out = NULL;
        int rc;

        vmx__alloc_fail_after(n);
        rc = vmx_domain_to_vmx(&out, NULL, dom, &opts, &err);
        vmx__alloc_fail_after(0);
        if (rc == 0) {
            cr_assert_str_eq(out, expected);
            vmx_free(out);
            break;
        }
        cr_assert_eq(rc, VMX_ENOMEM, "allocation %ld: rc %d (%s)", n, rc, err.message);
        cr_assert_eq(err.code, VMX_ENOMEM);
        cr_assert_null(out);
        failures++;
    }
    cr_assert_lt(n, 200);
    cr_assert_gt(failures, 3);
    vmx_free(expected);
    vmx_domain_free(dom);
}

Test(domain2vmx, super_wide_scsi_bus_of_vmx_domains)
{
    vmx_domain *dom = new_domain("w");
    vmx_disk *d;

    /* read from a virtualHW 13 VMX file: 64 units per SCSI bus, so sdq has
     * address 0:0:17 (unit 7 skipped), beyond what libvirt writes */
    dom->scsi_bus_max_unit = 64;
    d = add_disk(dom, VMX_DISK_TYPE_FILE, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_SCSI,
                 "[ds] a.vmdk", "sdq");
    d->has_address = true;
    d->addr_unit = 17;
    /* libvirt refuses unit 17: written as the VMX file had it */
    expect_lines(dom, 13, "scsi0.present = \"true\"\nscsi0:17.present = \"true\"\n");
    /* up to unit 15 both numberings agree */
    free(d->target);
    d->target = xstrdup("sdo");
    d->addr_unit = 15;
    expect_lines(dom, 13, "scsi0.present = \"true\"\nscsi0:15.present = \"true\"\n");
    /* sdp is 0:0:16 there, 1:0:0 on the usual 16-unit bus */
    free(d->target);
    d->target = xstrdup("sdp");
    d->addr_unit = 16;
    expect_lines(dom, 13, "scsi0:16.present = \"true\"\n");
    /* the address says 64 units too when the domain does not (XML) */
    dom->scsi_bus_max_unit = 0;
    expect_lines(dom, 13, "scsi0:16.present = \"true\"\n");
    d->addr_unit = 15;
    expect_error(dom, VMX_EINVAL, "devices/disk/address",
                 "disk address 0:0:15 does not match target device 'sdp'");
    vmx_domain_free(dom);
}
