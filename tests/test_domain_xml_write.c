/* Domain model -> libvirt domain XML (vmx_domain_to_xml). Domains are built
 * by hand and compared with libvirt's own output: the expected files of
 * testdata/libvirt/vmx2xml and testdata/wild/libvirt-xml, or strings printed
 * by lvref (libvirt 9.0) for the VMX noted beside each test. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmxkit/vmxkit.h"

void vmx__alloc_fail_after(long n);

static char *read_file(const char *path)
{
    char *data = NULL;
    size_t len;
    vmx_error err = VMX_ERROR_INIT;

    if (vmx_file_read(&data, &len, path, 0, &err) < 0)
        return NULL;
    return data;
}

static char *sdup(const char *s)
{
    char *p = strdup(s);

    cr_assert_not_null(p);
    return p;
}

/* The domain every small libvirt test case starts from (displayName "test",
 * no uuid, 32 MiB, one vCPU, the default video card). */
static vmx_domain *base_domain(void)
{
    vmx_domain *dom;
    vmx_video *v;

    cr_assert_eq(vmx_domain_new(&dom), 0);
    dom->name = sdup("test");
    dom->uuid = sdup("00000000-0000-0000-0000-000000000000");
    dom->memory_kib = dom->current_memory_kib = 32768;
    dom->vcpus = 1;
    dom->arch = VMX_ARCH_I686;
    cr_assert_not_null(v = vmx_domain_add_video(dom));
    v->model = sdup("vmvga");
    v->vram_kib = 4096;
    v->has_vram = true;
    v->primary = true;
    return dom;
}

static char *to_xml(const vmx_domain *dom, const vmx_convert_options *opts)
{
    vmx_error err = VMX_ERROR_INIT;
    char *xml = NULL;
    size_t len = 0;
    int rc = vmx_domain_to_xml(&xml, &len, dom, opts, &err);

    cr_assert_eq(rc, 0, "to_xml failed: %d %s [%s]", rc, err.message, err.key);
    cr_assert_not_null(xml);
    cr_assert_eq(len, strlen(xml));
    return xml;
}

static void assert_file_eq(const char *xml, const char *relpath)
{
    char path[1024];
    char *want;

    snprintf(path, sizeof(path), "%s/%s", TESTDATA_DIR, relpath);
    want = read_file(path);
    cr_assert_not_null(want, "cannot read %s", path);
    cr_assert_str_eq(xml, want, "%s differs:\n--- got\n%s--- want\n%s", relpath, xml,
                     want);
    free(want);
}

/* The head every base_domain() output shares, up to <devices>. */
#define BASE_HEAD                                                                        \
    "<domain type='vmware'>\n"                                                           \
    "  <name>test</name>\n"                                                              \
    "  <uuid>00000000-0000-0000-0000-000000000000</uuid>\n"                              \
    "  <memory unit='KiB'>32768</memory>\n"                                              \
    "  <currentMemory unit='KiB'>32768</currentMemory>\n"                                \
    "  <vcpu placement='static'>1</vcpu>\n"                                              \
    "  <os>\n"                                                                           \
    "    <type arch='i686'>hvm</type>\n"                                                 \
    "  </os>\n"                                                                          \
    "  <clock offset='utc'/>\n"                                                          \
    "  <on_poweroff>destroy</on_poweroff>\n"                                             \
    "  <on_reboot>restart</on_reboot>\n"                                                 \
    "  <on_crash>destroy</on_crash>\n"                                                   \
    "  <devices>\n"
#define BASE_TAIL                                                                        \
    "    <video>\n"                                                                      \
    "      <model type='vmvga' vram='4096' primary='yes'/>\n"                            \
    "    </video>\n"                                                                     \
    "  </devices>\n"                                                                     \
    "</domain>\n"

static vmx_disk *add_disk(vmx_domain *dom, vmx_disk_device device, vmx_disk_bus bus,
                          const char *src, const char *target, int ctrl, int bus_no,
                          int unit)
{
    vmx_disk *d = vmx_domain_add_disk(dom);

    cr_assert_not_null(d);
    d->device = device;
    d->bus = bus;
    d->src = src ? sdup(src) : NULL;
    d->target = sdup(target);
    d->has_address = true;
    d->controller = ctrl;
    d->addr_bus = bus_no;
    d->addr_unit = unit;
    return d;
}

static void add_controller(vmx_domain *dom, vmx_controller_type type, int index,
                           const char *model)
{
    vmx_controller *c = vmx_domain_add_controller(dom);

    cr_assert_not_null(c);
    c->type = type;
    c->index = index;
    c->model = model ? sdup(model) : NULL;
}

Test(domain_xml_write, minimal_matches_libvirt)
{
    vmx_domain *dom = base_domain();
    char *xml = to_xml(dom, NULL);

    assert_file_eq(xml, "libvirt/vmx2xml/minimal.xml");
    cr_assert_str_eq(xml, BASE_HEAD BASE_TAIL);
    free(xml);
    vmx_domain_free(dom);
}

Test(domain_xml_write, esx_in_the_wild_1_matches_libvirt)
{
    vmx_domain *dom = base_domain();
    vmx_net *n;
    char *xml;

    free(dom->name);
    free(dom->uuid);
    dom->name = sdup("Fedora11");
    /* as libvirt's parser accepts it, written the way VMX holds it */
    dom->uuid = sdup("50 11 5e 16 9b dc 49 d7-f1 71 53 c4 d7 f9 17 10");
    dom->memory_kib = dom->current_memory_kib = 1048576;
    dom->cpu_shares = 500;
    add_disk(dom, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_SCSI,
             "[datastore] directory/Fedora11.vmdk", "sda", 0, 0, 0);
    add_controller(dom, VMX_CONTROLLER_SCSI, 0, "lsilogic");
    cr_assert_not_null(n = vmx_domain_add_net(dom));
    n->type = VMX_NET_BRIDGE;
    n->mac = sdup("00:50:56:91:48:C7");
    n->mac_type = VMX_MAC_GENERATED;
    n->bridge = sdup("VM Network");
    xml = to_xml(dom, NULL);
    assert_file_eq(xml, "libvirt/vmx2xml/esx-in-the-wild-1.xml");
    free(xml);
    vmx_domain_free(dom);
}

Test(domain_xml_write, datacenter_path_from_options_adds_namespace)
{
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    vmx_domain *dom = base_domain();
    char *xml;

    opts.datacenter_path = "folder1/folder2/datacenter1";
    xml = to_xml(dom, &opts);
    assert_file_eq(xml, "libvirt/vmx2xml/datacenterpath.xml");
    free(xml);
    vmx_domain_free(dom);
}

Test(domain_xml_write, datacenter_path_and_moref_from_domain)
{
    const char *head = "<domain type='vmware' "
                       "xmlns:vmware='http://libvirt.org/schemas/domain/vmware/1.0'>\n";
    vmx_domain *dom = base_domain();
    char *xml;

    dom->datacenter_path = sdup("dc&1");
    dom->moref = sdup("vm-42");
    xml = to_xml(dom, NULL);
    cr_assert(strncmp(xml, head, strlen(head)) == 0, "%s", xml);
    cr_assert_not_null(
        strstr(xml, "  </devices>\n"
                    "  <vmware:datacenterpath>dc&amp;1</vmware:datacenterpath>\n"
                    "  <vmware:moref>vm-42</vmware:moref>\n"
                    "</domain>\n"),
        "%s", xml);
    free(xml);
    vmx_domain_free(dom);
}

Test(domain_xml_write, option_datacenter_path_wins_over_domain)
{
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    vmx_domain *dom = base_domain();
    char *xml;

    dom->datacenter_path = sdup("from-model");
    opts.datacenter_path = "from-options";
    xml = to_xml(dom, &opts);
    cr_assert_not_null(strstr(xml, "<vmware:datacenterpath>from-options<"));
    cr_assert_null(strstr(xml, "from-model"));
    free(xml);
    vmx_domain_free(dom);
}

Test(domain_xml_write, escapes_text_and_attributes_as_libvirt)
{
    vmx_domain *dom = base_domain();
    vmx_net *n;
    char *xml;

    /* lvref vmx2xml of displayName "t|27e|22s&t<>", annotation
     * "line1|0Aline2 |27q|27 |22dq|22 &amp; <x>", networkName "N&w" */
    free(dom->name);
    dom->name = sdup("t'e\"s&t<>");
    dom->description = sdup("line1\nline2 'q' \"dq\" &amp; <x>");
    cr_assert_not_null(n = vmx_domain_add_net(dom));
    n->mac = sdup("00:50:56:aa:22:33");
    n->mac_type = VMX_MAC_STATIC;
    n->bridge = sdup("N&w");
    xml = to_xml(dom, NULL);
    cr_assert_not_null(strstr(xml, "  <name>t&apos;e&quot;s&amp;t&lt;&gt;</name>\n"),
                       "%s", xml);
    cr_assert_not_null(strstr(xml,
                              "  <description>line1\nline2 &apos;q&apos; &quot;dq&quot; "
                              "&amp;amp; &lt;x&gt;</description>\n"),
                       "%s", xml);
    cr_assert_not_null(strstr(xml, "      <source bridge='N&amp;w'/>\n"), "%s", xml);
    free(xml);
    vmx_domain_free(dom);
}

Test(domain_xml_write, drops_control_characters_as_libvirt)
{
    vmx_domain *dom = base_domain();
    char *xml;

    /* lvref vmx2xml of annotation "a|01b|1Ac|09d|0De|19f|0Bg": libvirt drops
     * 0x01-0x08, 0x0B, 0x0C, 0x0E-0x19 and keeps tab, CR and 0x1A-0x1F */
    dom->description = sdup("a\x01"
                            "b\x1a"
                            "c\td\re\x19"
                            "f\x0bg");
    xml = to_xml(dom, NULL);
    cr_assert_not_null(strstr(xml, "<description>ab\x1a"
                                   "c\td\ref"
                                   "g</description>"),
                       "%s", xml);
    free(xml);
    vmx_domain_free(dom);
}

Test(domain_xml_write, no_name_element_without_name)
{
    vmx_domain *dom = base_domain();
    char *xml;

    free(dom->name);
    dom->name = NULL;
    free(dom->uuid);
    dom->uuid = NULL; /* no uuid: all zeros, as libvirt's VMX driver */
    xml = to_xml(dom, NULL);
    cr_assert_null(strstr(xml, "<name>"));
    cr_assert_not_null(strstr(xml,
                              "<domain type='vmware'>\n"
                              "  <uuid>00000000-0000-0000-0000-000000000000</uuid>\n"));
    free(xml);
    vmx_domain_free(dom);
}

Test(domain_xml_write, memory_cpu_and_tuning_match_libvirt)
{
    vmx_domain *dom = base_domain();
    char *xml;

    /* lvref vmx2xml of: numvcpus "4", cpuid.coresPerSocket "2",
     * sched.cpu.affinity "3,4,1,7", sched.cpu.shares "low", memsize "1024",
     * sched.mem.max "512", sched.mem.minsize "512", smbios.reflecthost "true",
     * uuid.bios "56 4d 9e 2b ... d6 E7", vm.genid/vm.genidX */
    free(dom->name);
    dom->name = NULL;
    free(dom->uuid);
    dom->uuid = sdup("56 4d 9e 2b 3c 4d 5e 6f-70 81 92 a3 b4 c5 d6 E7");
    dom->genid = sdup("8987940a-0951-2cc5-e815-105926cc79ea");
    dom->memory_kib = 1048576;
    dom->current_memory_kib = 524288;
    dom->min_guarantee_kib = 524288;
    dom->has_min_guarantee = true;
    dom->vcpus = 4;
    dom->cpuset = sdup("3,4,1,7");
    dom->cpu_shares = 2000;
    dom->sockets = 2;
    dom->dies = 1;
    dom->cores = 2;
    dom->threads = 1;
    dom->smbios = VMX_SMBIOS_HOST;
    xml = to_xml(dom, NULL);
    cr_assert_str_eq(xml, "<domain type='vmware'>\n"
                          "  <uuid>564d9e2b-3c4d-5e6f-7081-92a3b4c5d6e7</uuid>\n"
                          "  <genid>8987940a-0951-2cc5-e815-105926cc79ea</genid>\n"
                          "  <memory unit='KiB'>1048576</memory>\n"
                          "  <currentMemory unit='KiB'>524288</currentMemory>\n"
                          "  <memtune>\n"
                          "    <min_guarantee unit='KiB'>524288</min_guarantee>\n"
                          "  </memtune>\n"
                          "  <vcpu placement='static' cpuset='1,3-4,7'>4</vcpu>\n"
                          "  <cputune>\n"
                          "    <shares>2000</shares>\n"
                          "  </cputune>\n"
                          "  <os>\n"
                          "    <type arch='i686'>hvm</type>\n"
                          "    <smbios mode='host'/>\n"
                          "  </os>\n"
                          "  <cpu>\n"
                          "    <topology sockets='2' dies='1' cores='2' threads='1'/>\n"
                          "  </cpu>\n"
                          "  <clock offset='utc'/>\n"
                          "  <on_poweroff>destroy</on_poweroff>\n"
                          "  <on_reboot>restart</on_reboot>\n"
                          "  <on_crash>destroy</on_crash>\n"
                          "  <devices>\n" BASE_TAIL);
    free(xml);
    vmx_domain_free(dom);
}

Test(domain_xml_write, cpuset_is_printed_as_libvirt_ranges)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"0,1,2,5,6,7", "0-2,5-7"}, {"5,4,3,0", "0,3-5"},  {"0", "0"},
        {"1-3, 2-6", "1-6"},        {"0-7,^3", "0-2,4-7"}, {"7,^7,2", "2"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        vmx_domain *dom = base_domain();
        char want[128], *xml;

        dom->cpuset = sdup(cases[i].in);
        xml = to_xml(dom, NULL);
        snprintf(want, sizeof(want), "  <vcpu placement='static' cpuset='%s'>1</vcpu>\n",
                 cases[i].out);
        cr_assert_not_null(strstr(xml, want), "cpuset '%s': %s", cases[i].in, xml);
        free(xml);
        vmx_domain_free(dom);
    }
}

Test(domain_xml_write, empty_cpuset_is_left_out)
{
    vmx_domain *dom = base_domain();
    char *xml;

    dom->cpuset = sdup("3,^3");
    xml = to_xml(dom, NULL);
    cr_assert_not_null(strstr(xml, "  <vcpu placement='static'>1</vcpu>\n"), "%s", xml);
    free(xml);
    vmx_domain_free(dom);
}

Test(domain_xml_write, invalid_cpuset_is_an_error)
{
    static const char *const bad[] = {"a", "1-", "3-1", "^1-2", "1,,2", "99999999"};
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        vmx_domain *dom = base_domain();
        vmx_error err = VMX_ERROR_INIT;
        char *xml = (char *)"unchanged";

        dom->cpuset = sdup(bad[i]);
        cr_assert_eq(vmx_domain_to_xml(&xml, NULL, dom, NULL, &err), VMX_EINVAL, "%s",
                     bad[i]);
        cr_assert_null(xml);
        cr_assert_str_eq(err.key, "/domain/vcpu/@cpuset");
        cr_assert(strstr(err.message, "invalid cpu set '") == err.message, "%s",
                  err.message);
        vmx_domain_free(dom);
    }
}

Test(domain_xml_write, firmware_machine_and_secure_boot)
{
    vmx_domain *dom = base_domain();
    char *xml;

    dom->firmware = VMX_FIRMWARE_EFI;
    xml = to_xml(dom, NULL);
    assert_file_eq(xml, "libvirt/vmx2xml/firmware-efi.xml");
    free(xml);

    dom->arch = VMX_ARCH_X86_64;
    dom->machine = sdup("pc");
    dom->secure_boot = VMX_TRISTATE_YES;
    dom->smbios = VMX_SMBIOS_SYSINFO;
    xml = to_xml(dom, NULL);
    cr_assert_not_null(strstr(xml, "  <os firmware='efi'>\n"
                                   "    <type arch='x86_64' machine='pc'>hvm</type>\n"
                                   "    <firmware>\n"
                                   "      <feature enabled='yes' name='secure-boot'/>\n"
                                   "    </firmware>\n"
                                   "    <smbios mode='sysinfo'/>\n"
                                   "  </os>\n"),
                       "%s", xml);
    free(xml);

    dom->firmware = VMX_FIRMWARE_BIOS;
    dom->secure_boot = VMX_TRISTATE_NO;
    dom->arch = VMX_ARCH_UNSET;
    xml = to_xml(dom, NULL);
    cr_assert_not_null(strstr(xml, "  <os firmware='bios'>\n"
                                   "    <type machine='pc'>hvm</type>\n"
                                   "    <firmware>\n"
                                   "      <feature enabled='no' name='secure-boot'/>\n"),
                       "%s", xml);
    free(xml);
    vmx_domain_free(dom);
}

Test(domain_xml_write, description_and_topology_match_wild_file)
{
    vmx_domain *dom = base_domain();
    vmx_net *n;
    char *xml;

    /* libvirt/vmx2xml/esx-in-the-wild-9.xml */
    free(dom->name);
    free(dom->uuid);
    dom->name = sdup("v2v-windows-kkulkarn");
    dom->uuid = sdup("42009372-17da-be73-779d-007ccf1bd228");
    dom->description = sdup("MIQ GUID=b55c806d-99b9-4fa5-bbcc-a4de04f822e5");
    dom->memory_kib = dom->current_memory_kib = 16777216;
    dom->vcpus = 16;
    dom->cpu_shares = 16000;
    dom->arch = VMX_ARCH_X86_64;
    dom->sockets = 4;
    dom->cores = 4;
    dom->threads = 1; /* dies left 0: printed as libvirt's default 1 */
    add_disk(dom, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_SCSI,
             "[datastore] directory/v2v-windows-kkulkarn.vmdk", "sda", 0, 0, 0);
    add_controller(dom, VMX_CONTROLLER_SCSI, 0, "lsisas1068");
    cr_assert_not_null(n = vmx_domain_add_net(dom));
    n->mac = sdup("00:50:56:80:b3:81");
    n->mac_type = VMX_MAC_GENERATED;
    n->bridge = sdup("VM Network");
    n->model = sdup("vmxnet3");
    dom->videos[0].vram_kib = 8192;
    xml = to_xml(dom, NULL);
    assert_file_eq(xml, "libvirt/vmx2xml/esx-in-the-wild-9.xml");
    free(xml);
    vmx_domain_free(dom);
}

Test(domain_xml_write, disks_of_every_kind)
{
    vmx_domain *dom = base_domain();
    vmx_disk *d;
    char *xml;

    d = add_disk(dom, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_SCSI,
                 "[datastore] directory/a.vmdk", "sda", 0, 0, 0);
    d->cache = VMX_DISK_CACHE_WRITETHROUGH;
    d->driver_name = sdup("lsilogic");
    d = add_disk(dom, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_IDE,
                 "[datastore] directory/b.vmdk", "hda", 0, 0, 0);
    d->transient = true;
    d = add_disk(dom, VMX_DISK_DEVICE_CDROM, VMX_DISK_BUS_IDE, NULL, "hdb", 0, 0, 1);
    d->readonly = true;
    d = add_disk(dom, VMX_DISK_DEVICE_LUN, VMX_DISK_BUS_SATA, NULL, "sdb", 0, 0, 1);
    d->type = VMX_DISK_TYPE_BLOCK;
    d->startup_optional = true;
    d->readonly = true;
    d = add_disk(dom, VMX_DISK_DEVICE_FLOPPY, VMX_DISK_BUS_FDC, "/dev/fd0", "fda", 0, 0,
                 0);
    d->type = VMX_DISK_TYPE_BLOCK;
    d = add_disk(dom, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_NVME, "[ds] x.vmdk", "nvme0n1",
                 0, 0, 0);
    d->has_address = false;
    add_controller(dom, VMX_CONTROLLER_SCSI, 0, "buslogic");
    add_controller(dom, VMX_CONTROLLER_FDC, 0, NULL);
    add_controller(dom, VMX_CONTROLLER_IDE, 0, NULL);
    add_controller(dom, VMX_CONTROLLER_SATA, 0, NULL);
    add_controller(dom, VMX_CONTROLLER_NVME, 0, NULL);
    add_controller(dom, VMX_CONTROLLER_USB, 0, "nec-xhci");
    xml = to_xml(dom, NULL);
    cr_assert_str_eq(
        xml, BASE_HEAD
        "    <disk type='file' device='disk'>\n"
        "      <driver name='lsilogic' cache='writethrough'/>\n"
        "      <source file='[datastore] directory/a.vmdk'/>\n"
        "      <target dev='sda' bus='scsi'/>\n"
        "      <address type='drive' controller='0' bus='0' target='0' unit='0'/>\n"
        "    </disk>\n"
        "    <disk type='file' device='disk'>\n"
        "      <source file='[datastore] directory/b.vmdk'/>\n"
        "      <target dev='hda' bus='ide'/>\n"
        "      <transient/>\n"
        "      <address type='drive' controller='0' bus='0' target='0' unit='0'/>\n"
        "    </disk>\n"
        "    <disk type='file' device='cdrom'>\n"
        "      <target dev='hdb' bus='ide'/>\n"
        "      <readonly/>\n"
        "      <address type='drive' controller='0' bus='0' target='0' unit='1'/>\n"
        "    </disk>\n"
        "    <disk type='block' device='lun'>\n"
        "      <source startupPolicy='optional'/>\n"
        "      <target dev='sdb' bus='sata'/>\n"
        "      <readonly/>\n"
        "      <address type='drive' controller='0' bus='0' target='0' unit='1'/>\n"
        "    </disk>\n"
        "    <disk type='block' device='floppy'>\n"
        "      <source dev='/dev/fd0'/>\n"
        "      <target dev='fda' bus='fdc'/>\n"
        "      <address type='drive' controller='0' bus='0' target='0' unit='0'/>\n"
        "    </disk>\n"
        "    <disk type='file' device='disk'>\n"
        "      <source file='[ds] x.vmdk'/>\n"
        "      <target dev='nvme0n1' bus='nvme'/>\n"
        "    </disk>\n"
        "    <controller type='scsi' index='0' model='buslogic'/>\n"
        "    <controller type='fdc' index='0'/>\n"
        "    <controller type='ide' index='0'/>\n"
        "    <controller type='sata' index='0'/>\n"
        "    <controller type='nvme' index='0'/>\n"
        "    <controller type='usb' index='0' model='nec-xhci'/>\n" BASE_TAIL);
    free(xml);
    vmx_domain_free(dom);
}

Test(domain_xml_write, filesystem_matches_libvirt)
{
    vmx_domain *dom = base_domain();
    vmx_fs *fs;
    char *xml;

    cr_assert_not_null(fs = vmx_domain_add_filesystem(dom));
    fs->src = sdup("/path/to/shared");
    fs->dst = sdup("shared");
    xml = to_xml(dom, NULL);
    assert_file_eq(xml, "libvirt/vmx2xml/sharedfolder.xml");
    free(xml);
    fs->readonly = true;
    xml = to_xml(dom, NULL);
    cr_assert_not_null(strstr(xml, "      <target dir='shared'/>\n"
                                   "      <readonly/>\n"
                                   "    </filesystem>\n"));
    free(xml);
    vmx_domain_free(dom);
}

Test(domain_xml_write, interfaces_of_every_kind)
{
    vmx_domain *dom = base_domain();
    vmx_net *n;
    char *xml;

    cr_assert_not_null(n = vmx_domain_add_net(dom));
    n->mac = sdup("00:50:56:11:22:33");
    n->mac_type = VMX_MAC_STATIC;
    n->bridge = sdup("VM Network");
    n->ifname = sdup("vmnet7"); /* kept: not a name libvirt generates */
    cr_assert_not_null(n = vmx_domain_add_net(dom));
    n->type = VMX_NET_USER;
    n->mac = sdup("00:50:56:11:22:34");
    n->mac_type = VMX_MAC_VPX; /* libvirt reads vpx as generated */
    n->bridge = sdup("ignored for user");
    cr_assert_not_null(n = vmx_domain_add_net(dom));
    n->type = VMX_NET_NULL;
    n->mac = sdup("0:c:29:dd:ee:fe");
    n->mac_check_set = true;
    n->mac_check = true;
    n->model = sdup("e1000e");
    cr_assert_not_null(n = vmx_domain_add_net(dom));
    n->type = VMX_NET_BRIDGE;
    n->mac = sdup("00:12:34:56:78:90");
    n->mac_type = VMX_MAC_STATIC;
    n->mac_check_set = true;
    n->bridge = sdup("VM Network");
    n->ifname = sdup("vnet7"); /* left out of inactive XML, as libvirt does */
    cr_assert_not_null(n = vmx_domain_add_net(dom));
    n->type = VMX_NET_ETHERNET;
    n->ifname = sdup("tap&0");
    cr_assert_not_null(n = vmx_domain_add_net(dom));
    n->type = VMX_NET_HOSTONLY;
    n->mac = sdup("00:50:56:11:22:35");
    n->bridge = sdup("hostonly");
    xml = to_xml(dom, NULL);
    cr_assert_str_eq(xml, BASE_HEAD
                     "    <interface type='bridge'>\n"
                     "      <mac address='00:50:56:11:22:33' type='static'/>\n"
                     "      <source bridge='VM Network'/>\n"
                     "      <target dev='vmnet7'/>\n"
                     "    </interface>\n"
                     "    <interface type='user'>\n"
                     "      <mac address='00:50:56:11:22:34' type='generated'/>\n"
                     "    </interface>\n"
                     "    <interface type='null'>\n"
                     "      <mac address='00:0c:29:dd:ee:fe' check='yes'/>\n"
                     "      <model type='e1000e'/>\n"
                     "    </interface>\n"
                     "    <interface type='bridge'>\n"
                     "      <mac address='00:12:34:56:78:90' type='static' check='no'/>\n"
                     "      <source bridge='VM Network'/>\n"
                     "    </interface>\n"
                     "    <interface type='ethernet'>\n"
                     "      <mac address='00:00:00:00:00:00'/>\n"
                     "      <target dev='tap&amp;0'/>\n"
                     "    </interface>\n"
                     "    <interface type='network'>\n"
                     "      <mac address='00:50:56:11:22:35'/>\n"
                     "      <source network='hostonly'/>\n"
                     "    </interface>\n" BASE_TAIL);
    free(xml);
    vmx_domain_free(dom);
}

Test(domain_xml_write, vds_interface_matches_libvirt)
{
    vmx_domain *dom = base_domain();
    vmx_net *n;
    char *xml;

    cr_assert_not_null(n = vmx_domain_add_net(dom));
    n->type = VMX_NET_VDS;
    n->mac = sdup("00:50:56:87:65:43");
    n->mac_type = VMX_MAC_GENERATED;
    n->switch_id = sdup("50 34 26 b2 94 e9 3b 16-1d 68 87 bf ff 4a 54 40");
    n->port_id = sdup("5");
    n->portgroup_id = sdup("dvportgroup-1285");
    n->connection_id = 408217997;
    n->model = sdup("e1000e");
    xml = to_xml(dom, NULL);
    assert_file_eq(xml, "libvirt/vmx2xml/ethernet-vds.xml");
    free(xml);
    vmx_domain_free(dom);
}

Test(domain_xml_write, serial_ports_get_a_console)
{
    vmx_domain *dom = base_domain();
    vmx_chr *c;
    char *xml;

    cr_assert_not_null(c = vmx_domain_add_serial(dom));
    c->type = VMX_CHR_TCP;
    c->host = sdup("192.168.0.17");
    c->service = sdup("42001");
    c->protocol = sdup("raw");
    xml = to_xml(dom, NULL);
    assert_file_eq(xml, "libvirt/vmx2xml/serial-network-client.xml");
    free(xml);

    c->listen = true;
    free(c->host);
    c->host = sdup("0.0.0.0");
    free(c->protocol);
    c->protocol = sdup("telnets");
    xml = to_xml(dom, NULL);
    assert_file_eq(xml, "libvirt/vmx2xml/serial-network-server.xml");
    free(xml);
    vmx_domain_free(dom);
}

Test(domain_xml_write, serials_parallels_then_console)
{
    vmx_domain *dom = base_domain();
    vmx_chr *c;
    vmx_net *n;
    vmx_graphics *g;
    char *xml;

    /* lvref vmx2xml of a VMX with a VNC display on 10.0.0.1 without port, a
     * custom NIC on vnet7, serial file + pipe, parallel file */
    cr_assert_not_null(n = vmx_domain_add_net(dom));
    n->mac = sdup("00:50:56:aa:22:33");
    n->mac_type = VMX_MAC_STATIC;
    n->bridge = sdup("N&w");
    n->ifname = sdup("vnet7");
    cr_assert_not_null(c = vmx_domain_add_serial(dom));
    c->type = VMX_CHR_FILE;
    c->path = sdup("/tmp/ser.log");
    cr_assert_not_null(c = vmx_domain_add_serial(dom));
    c->type = VMX_CHR_PIPE;
    c->path = sdup("/tmp/pipe");
    c->port = 1;
    cr_assert_not_null(c = vmx_domain_add_parallel(dom));
    c->type = VMX_CHR_FILE;
    c->path = sdup("/tmp/par.log");
    cr_assert_not_null(g = vmx_domain_add_graphics(dom));
    g->type = sdup("vnc");
    g->port = -1;
    g->autoport = true;
    g->listen = sdup("10.0.0.1");
    g->passwd = sdup("a|27b|22c&d<e>");
    xml = to_xml(dom, NULL);
    cr_assert_str_eq(
        xml,
        BASE_HEAD "    <interface type='bridge'>\n"
                  "      <mac address='00:50:56:aa:22:33' type='static'/>\n"
                  "      <source bridge='N&amp;w'/>\n"
                  "    </interface>\n"
                  "    <serial type='file'>\n"
                  "      <source path='/tmp/ser.log'/>\n"
                  "      <target port='0'/>\n"
                  "    </serial>\n"
                  "    <serial type='pipe'>\n"
                  "      <source path='/tmp/pipe'/>\n"
                  "      <target port='1'/>\n"
                  "    </serial>\n"
                  "    <parallel type='file'>\n"
                  "      <source path='/tmp/par.log'/>\n"
                  "      <target port='0'/>\n"
                  "    </parallel>\n"
                  "    <console type='file'>\n"
                  "      <source path='/tmp/ser.log'/>\n"
                  "      <target type='serial' port='0'/>\n"
                  "    </console>\n"
                  "    <graphics type='vnc' port='-1' autoport='yes' listen='10.0.0.1' "
                  "passwd='a|27b|22c&amp;d&lt;e&gt;'>\n"
                  "      <listen type='address' address='10.0.0.1'/>\n"
                  "    </graphics>\n" BASE_TAIL);
    free(xml);
    vmx_domain_free(dom);
}

Test(domain_xml_write, character_device_corner_cases)
{
    vmx_domain *dom = base_domain();
    vmx_chr *c;
    char *xml;

    cr_assert_not_null(c = vmx_domain_add_serial(dom));
    c->type = VMX_CHR_TCP; /* no host: libvirt's spacing leaves one blank */
    c->listen = true;
    c->service = sdup("42001");
    cr_assert_not_null(c = vmx_domain_add_serial(dom));
    c->type = VMX_CHR_UDP;
    c->host = sdup("h");
    c->service = sdup("9");
    c->port = 1;
    cr_assert_not_null(c = vmx_domain_add_parallel(dom));
    c->type = VMX_CHR_NULL;
    cr_assert_not_null(c = vmx_domain_add_parallel(dom));
    c->type = VMX_CHR_DEV;
    c->path = sdup("/dev/parallel0");
    c->port = 1;
    xml = to_xml(dom, NULL);
    cr_assert_str_eq(xml,
                     BASE_HEAD "    <serial type='tcp'>\n"
                               "      <source mode='bind' service='42001'/>\n"
                               "      <protocol type='raw'/>\n"
                               "      <target port='0'/>\n"
                               "    </serial>\n"
                               "    <serial type='udp'>\n"
                               "      <source mode='connect' host='h' service='9'/>\n"
                               "      <target port='1'/>\n"
                               "    </serial>\n"
                               "    <parallel type='null'>\n"
                               "      <target port='0'/>\n"
                               "    </parallel>\n"
                               "    <parallel type='dev'>\n"
                               "      <source path='/dev/parallel0'/>\n"
                               "      <target port='1'/>\n"
                               "    </parallel>\n"
                               "    <console type='tcp'>\n"
                               "      <source mode='bind' service='42001'/>\n"
                               "      <protocol type='raw'/>\n"
                               "      <target type='serial' port='0'/>\n"
                               "    </console>\n" BASE_TAIL);
    free(xml);
    vmx_domain_free(dom);
}

Test(domain_xml_write, vnc_with_fixed_port_matches_libvirt)
{
    vmx_domain *dom = base_domain();
    vmx_graphics *g;
    char *xml;

    cr_assert_not_null(g = vmx_domain_add_graphics(dom));
    g->type = sdup("vnc");
    g->port = 5903;
    g->keymap = sdup("de");
    g->passwd = sdup("password");
    xml = to_xml(dom, NULL);
    assert_file_eq(xml, "libvirt/vmx2xml/graphics-vnc.xml");
    free(xml);
    vmx_domain_free(dom);
}

Test(domain_xml_write, video_with_heads_and_without_vram)
{
    vmx_domain *dom = base_domain();
    vmx_video *v;
    char *xml;

    dom->videos[0].vram_kib = 8192;
    xml = to_xml(dom, NULL);
    assert_file_eq(xml, "libvirt/vmx2xml/svga.xml");
    free(xml);
    cr_assert_not_null(v = vmx_domain_add_video(dom));
    v->heads = 2;
    xml = to_xml(dom, NULL);
    cr_assert_not_null(strstr(xml, "    <video>\n"
                                   "      <model type='vmvga' heads='2'/>\n"
                                   "    </video>\n"),
                       "%s", xml);
    free(xml);
    vmx_domain_free(dom);
}

Test(domain_xml_write, unsupported_devices_name_the_element)
{
    vmx_domain *dom = base_domain();
    vmx_error err = VMX_ERROR_INIT;
    vmx_graphics *g;
    vmx_chr *c;
    char *xml = NULL;

    cr_assert_not_null(c = vmx_domain_add_parallel(dom));
    cr_assert_not_null(c = vmx_domain_add_parallel(dom));
    c->type = VMX_CHR_THINPRINT;
    cr_assert_eq(vmx_domain_to_xml(&xml, NULL, dom, NULL, &err), VMX_EUNSUPPORTED);
    cr_assert_null(xml);
    cr_assert_str_eq(err.key, "/domain/devices/parallel[2]");
    cr_assert_str_eq(err.message, "thinprint ports cannot be expressed in libvirt xml");

    c->type = VMX_CHR_FILE;
    cr_assert_not_null(g = vmx_domain_add_graphics(dom));
    g->type = sdup("spice");
    vmx_error_clear(&err);
    cr_assert_eq(vmx_domain_to_xml(&xml, NULL, dom, NULL, &err), VMX_EUNSUPPORTED);
    cr_assert_str_eq(err.key, "/domain/devices/graphics[1]");
    cr_assert_str_eq(err.message, "graphics type 'spice' is not supported");
    vmx_domain_free(dom);
}

Test(domain_xml_write, out_of_memory_at_every_allocation)
{
    vmx_domain *dom = base_domain();
    vmx_disk *d;
    char *want, *xml;
    long n;
    int rc;

    /* big enough to regrow the buffer a few times */
    for (n = 0; n < 40; n++) {
        d = add_disk(dom, VMX_DISK_DEVICE_DISK, VMX_DISK_BUS_SCSI,
                     "[datastore] directory/a-long-file-name-to-fill-the-buffer.vmdk",
                     "sda", 0, 0, 0);
        (void)d;
    }
    want = to_xml(dom, NULL);
    for (n = 1;; n++) {
        vmx_error err = VMX_ERROR_INIT;
        size_t len = 0;

        xml = NULL;
        vmx__alloc_fail_after(n);
        rc = vmx_domain_to_xml(&xml, &len, dom, NULL, &err);
        vmx__alloc_fail_after(0);
        if (rc == 0)
            break;
        cr_assert_eq(rc, VMX_ENOMEM, "allocation %ld: %d", n, rc);
        cr_assert_null(xml);
        cr_assert_str_eq(err.message, "out of memory");
        cr_assert_lt(n, 100, "no success after %ld failures", n);
    }
    cr_assert_gt(n, 1, "no allocation failed");
    cr_assert_str_eq(xml, want);
    free(xml);
    free(want);
    vmx_domain_free(dom);
}
