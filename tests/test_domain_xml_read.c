/* libvirt domain XML -> domain model (vmx_domain_from_xml).
 *
 * The expectations come from libvirt 9.0 itself: the model fields asserted
 * below are what libvirt's parser (checked with lvref xml2vmx) makes of the
 * same input, and every XML libvirt prints (testdata/libvirt/vmx2xml,
 * testdata/wild/libvirt-xml) must read back into a model that prints the
 * same bytes. testdata/xml-invalid holds the refused inputs. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmxkit/vmxkit.h"

void vmx__alloc_fail_after(long n);

static char *slurp(const char *path, size_t *len)
{
    vmx_error err = VMX_ERROR_INIT;
    char *data = NULL;
    size_t n = 0;

    cr_assert_eq(vmx_file_read(&data, &n, path, 0, &err), 0, "%s: %s", path, err.message);
    if (len)
        *len = n;
    return data;
}

static vmx_domain *read_ok_opts(const char *xml, const vmx_convert_options *opts)
{
    vmx_error err = VMX_ERROR_INIT;
    vmx_domain *dom = NULL;
    int rc = vmx_domain_from_xml(&dom, xml, strlen(xml), "test.xml", opts, &err);

    cr_assert_eq(rc, 0, "rc %d: %s [%s] line %lu", rc, err.message, err.key, err.line);
    cr_assert_not_null(dom);
    return dom;
}

static vmx_domain *read_ok(const char *xml)
{
    return read_ok_opts(xml, NULL);
}

static int read_fail(const char *xml, vmx_error *err)
{
    vmx_domain *dom = (vmx_domain *)0x1;
    int rc = vmx_domain_from_xml(&dom, xml, strlen(xml), "bad.xml", NULL, err);

    cr_assert_lt(rc, 0);
    cr_assert_null(dom, "no domain is returned on error");
    cr_assert_eq(err->code, rc);
    return rc;
}

#define DOMAIN_HEAD                                                                      \
    "<domain type='vmware'>\n"                                                           \
    "  <name>t</name>\n"                                                                 \
    "  <memory unit='KiB'>32768</memory>\n"                                              \
    "  <os>\n"                                                                           \
    "    <type>hvm</type>\n"                                                             \
    "  </os>\n"
#define DEVICES(body) DOMAIN_HEAD "  <devices>\n" body "  </devices>\n</domain>\n"
#define DISK(dev, bus)                                                                   \
    "<disk type='file' device='disk'><source file='[ds] " dev ".vmdk'/>"                 \
    "<target dev='" dev "' bus='" bus "'/></disk>\n"

/* ------------------------------------------------------------------ */
/* defaults and the model */

Test(domain_xml_read, defaults_of_a_minimal_domain)
{
    vmx_domain *dom = read_ok(DOMAIN_HEAD "</domain>\n");

    cr_assert_str_eq(dom->name, "t");
    cr_assert_null(dom->uuid, "no uuid is made up");
    cr_assert_eq(dom->memory_kib, 32768);
    cr_assert_eq(dom->current_memory_kib, 32768, "currentMemory defaults to memory");
    cr_assert_eq(dom->vcpus, 1);
    cr_assert_eq(dom->arch, VMX_ARCH_I686, "i686 is the vmware default");
    cr_assert_eq(dom->cpu_shares, -1);
    cr_assert_eq(dom->firmware, VMX_FIRMWARE_UNSET);
    cr_assert_eq(dom->nvideos, 0, "no video without graphics");
    cr_assert_eq(dom->ndisks + dom->ncontrollers + dom->nnets + dom->nserials, 0);
    vmx_domain_free(dom);
}

Test(domain_xml_read, general_settings)
{
    vmx_domain *dom = read_ok(
        "<domain type='vmware' "
        "xmlns:vmware='http://libvirt.org/schemas/domain/vmware/1.0'>\n"
        "  <name>web &amp; db</name>\n"
        "  <uuid>50115E169bdc49d7f17153c4d7f91710</uuid>\n"
        "  <genid>F4DE5B7C-2F0D-E9AD-B928-5D11B1233FD5</genid>\n"
        "  <description>line one\nline two</description>\n"
        "  <memory unit='GB'>1</memory>\n"
        "  <currentMemory unit='MiB'>512</currentMemory>\n"
        "  <memtune><min_guarantee unit='M'>10</min_guarantee></memtune>\n"
        "  <vcpu placement='static' cpuset='7,0-3,^2, 5 - 6'>4</vcpu>\n"
        "  <cputune><shares>4000</shares></cputune>\n"
        "  <cpu mode='host-model'><topology sockets='2' cores='2' threads='1'/></cpu>\n"
        "  <os firmware='efi'>\n"
        "    <type arch='x86_64' machine='pc'>hvm</type>\n"
        "    <firmware><feature enabled='yes' name='secure-boot'/></firmware>\n"
        "    <smbios mode='host'/>\n"
        "  </os>\n"
        "  <vmware:datacenterpath>folder1/dc1</vmware:datacenterpath>\n"
        "</domain>\n");

    cr_assert_str_eq(dom->name, "web & db");
    cr_assert_str_eq(dom->uuid, "50115e16-9bdc-49d7-f171-53c4d7f91710");
    cr_assert_str_eq(dom->genid, "f4de5b7c-2f0d-e9ad-b928-5d11b1233fd5");
    cr_assert_str_eq(dom->description, "line one\nline two");
    /* 10^9 bytes, rounded up to KiB as libvirt does */
    cr_assert_eq(dom->memory_kib, 976563);
    cr_assert_eq(dom->current_memory_kib, 524288);
    cr_assert_eq(dom->min_guarantee_kib, 10240, "a one-letter unit is binary");
    cr_assert(dom->has_min_guarantee);
    cr_assert_eq(dom->vcpus, 4);
    cr_assert_str_eq(dom->cpuset, "0-1,3,5-7", "libvirt's bitmap format");
    cr_assert_eq(dom->cpu_shares, 4000);
    cr_assert_eq(dom->sockets, 2);
    cr_assert_eq(dom->dies, 1, "dies defaults to 1");
    cr_assert_eq(dom->cores, 2);
    cr_assert_eq(dom->threads, 1);
    cr_assert_eq(dom->firmware, VMX_FIRMWARE_EFI);
    cr_assert_eq(dom->secure_boot, VMX_TRISTATE_YES);
    cr_assert_eq(dom->arch, VMX_ARCH_X86_64);
    cr_assert_str_eq(dom->machine, "pc");
    cr_assert_eq(dom->smbios, VMX_SMBIOS_HOST);
    cr_assert_str_eq(dom->datacenter_path, "folder1/dc1");
    vmx_domain_free(dom);
}

Test(domain_xml_read, current_memory_is_capped_to_memory)
{
    vmx_domain *dom = read_ok("<domain type='vmware'><name>t</name>"
                              "<memory>4096</memory><currentMemory>8192</currentMemory>"
                              "<os><type>hvm</type></os></domain>");

    cr_assert_eq(dom->current_memory_kib, 4096);
    vmx_domain_free(dom);
}

Test(domain_xml_read, memory_units_scale_and_round_up)
{
    static const struct {
        const char *unit, *value;
        unsigned long long kib;
    } cases[] = {
        {"", "4", 4},
        {"b", "1025", 2},
        {"bytes", "1024", 1},
        {"KB", "1024", 1000},
        {"k", "7", 7},
        {"MIB", "4", 4096},
        {"GB", "1", 976563},
        {"TiB", "1", 1ull << 30},
        {"KiB", "9007199254740991", 9007199254740991ull},
    };
    char xml[512];
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        vmx_domain *dom;

        snprintf(xml, sizeof(xml),
                 "<domain type='vmware'><name>t</name><memory unit='%s'>%s</memory>"
                 "<os><type>hvm</type></os></domain>",
                 cases[i].unit, cases[i].value);
        dom = read_ok(xml);
        cr_assert_eq(dom->memory_kib, cases[i].kib, "unit '%s'", cases[i].unit);
        vmx_domain_free(dom);
    }
}

Test(domain_xml_read, ignored_elements_are_accepted)
{
    /* what libvirt's VMX driver ignores: lifecycle actions, clock, features,
     * inputs, the memory balloon, boot order, emulator, metadata */
    vmx_domain *dom =
        read_ok("<domain type='vmware'>\n"
                "  <name>t</name>\n"
                "  <title>a title</title>\n"
                "  <metadata><app:x xmlns:app='urn:x'>1</app:x></metadata>\n"
                "  <memory>32768</memory>\n"
                "  <os><type>hvm</type><boot dev='cdrom'/><loader>/x.fd</loader></os>\n"
                "  <features><acpi/><apic/></features>\n"
                "  <clock offset='localtime'/>\n"
                "  <on_poweroff>preserve</on_poweroff>\n"
                "  <on_reboot>destroy</on_reboot>\n"
                "  <on_crash>coredump-restart</on_crash>\n"
                "  <pm><suspend-to-mem enabled='no'/></pm>\n"
                "  <devices>\n"
                "    <emulator>/usr/bin/vmx</emulator>\n"
                "    <input type='tablet' bus='usb'/>\n"
                "    <memballoon model='none'/>\n"
                "    <controller type='pci' index='0' model='pci-root'/>\n"
                "  </devices>\n"
                "</domain>\n");

    cr_assert_eq(dom->ncontrollers, 0);
    cr_assert_eq(dom->ndisks + dom->nnets + dom->nvideos, 0);
    vmx_domain_free(dom);
}

/* ------------------------------------------------------------------ */
/* devices */

Test(domain_xml_read, disk_addresses_from_target_names)
{
    vmx_domain *dom = read_ok(DEVICES(
        DISK("sda", "scsi") DISK("sdg", "scsi") DISK("sdh", "scsi") DISK("sdp", "scsi")
            DISK("hdb", "ide") DISK("hdc", "ide") DISK(
                "sdb",
                "sata") "<disk type='file' device='floppy'><source file='[ds] f.flp'/>"
                        "<target dev='fdb'/></disk>\n"));
    static const struct {
        const char *target;
        vmx_disk_bus bus;
        int controller, bus_, unit;
    } want[] = {
        /* libvirt orders disks by bus, then by name, in first-seen bus order */
        {"sda", VMX_DISK_BUS_SCSI, 0, 0, 0},
        {"sdg", VMX_DISK_BUS_SCSI, 0, 0, 6},
        /* wide SCSI: unit 7 is the controller itself */
        {"sdh", VMX_DISK_BUS_SCSI, 0, 0, 8},
        {"sdp", VMX_DISK_BUS_SCSI, 1, 0, 0},
        {"hdb", VMX_DISK_BUS_IDE, 0, 0, 1},
        {"hdc", VMX_DISK_BUS_IDE, 0, 1, 0},
        {"sdb", VMX_DISK_BUS_SATA, 0, 0, 1},
        {"fdb", VMX_DISK_BUS_FDC, 0, 0, 1},
    };
    size_t i;

    cr_assert_eq(dom->ndisks, 8);
    for (i = 0; i < 8; i++) {
        const vmx_disk *d = &dom->disks[i];

        cr_assert_str_eq(d->target, want[i].target);
        cr_assert_eq(d->bus, want[i].bus, "%s", d->target);
        cr_assert(d->has_address, "%s", d->target);
        cr_assert_eq(d->controller, want[i].controller, "%s", d->target);
        cr_assert_eq(d->addr_bus, want[i].bus_, "%s", d->target);
        cr_assert_eq(d->addr_target, 0);
        cr_assert_eq(d->addr_unit, want[i].unit, "%s", d->target);
    }
    vmx_domain_free(dom);
}

Test(domain_xml_read, implicit_controllers_in_libvirt_order)
{
    vmx_domain *dom = read_ok(DEVICES(DISK("hda", "ide") DISK(
        "sdp", "scsi") "<controller type='usb' index='0' model='nec-xhci'/>\n"
                       "<controller type='scsi' index='2' model='buslogic'/>\n"
                       "<controller type='scsi' index='1' model='vmpvscsi'/>\n"));
    static const struct {
        vmx_controller_type type;
        int index;
        const char *model;
    } want[] = {
        /* explicit ones sorted by index within their type, the implicit
         * ones appended (SCSI, FDC, IDE, SATA) */
        {VMX_CONTROLLER_USB, 0, "nec-xhci"},  {VMX_CONTROLLER_SCSI, 1, "vmpvscsi"},
        {VMX_CONTROLLER_SCSI, 2, "buslogic"}, {VMX_CONTROLLER_SCSI, 0, NULL},
        {VMX_CONTROLLER_IDE, 0, NULL},
    };
    size_t i;

    cr_assert_eq(dom->ncontrollers, 5);
    for (i = 0; i < 5; i++) {
        cr_assert_eq(dom->controllers[i].type, want[i].type, "controller %zu", i);
        cr_assert_eq(dom->controllers[i].index, want[i].index, "controller %zu", i);
        if (want[i].model)
            cr_assert_str_eq(dom->controllers[i].model, want[i].model);
        else
            cr_assert_null(dom->controllers[i].model);
    }
    vmx_domain_free(dom);
}

Test(domain_xml_read, controller_without_index_takes_the_lowest_free)
{
    vmx_domain *dom =
        read_ok(DEVICES("<controller type='scsi' index='0' model='buslogic'/>\n"
                        "<controller type='scsi' model='lsisas1068'/>\n"));

    cr_assert_eq(dom->ncontrollers, 2);
    cr_assert_eq(dom->controllers[1].index, 1);
    cr_assert_str_eq(dom->controllers[1].model, "lsisas1068");
    vmx_domain_free(dom);
}

/* Fuzz finding F3: one implicit controller per index up to the disk's would
 * be 31685 controllers for sdzzzz; the reader caps controllers at 1024. */
Test(domain_xml_read, implicit_controllers_past_the_cap_are_refused)
{
    vmx_error err = VMX_ERROR_INIT;
    vmx_domain *dom;
    char *xml;
    size_t o = 0, cap = 1024 * 48 + 512;
    int i;

    cr_assert_eq(read_fail(DEVICES(DISK("sdzzzz", "scsi")), &err), VMX_ELIMIT);
    cr_assert_str_eq(err.message,
                     "disk 'sdzzzz' needs scsi controller 31683, past the limit of 1024 "
                     "controllers");
    cr_assert_str_eq(err.key, "devices/disk/target");
    cr_assert_str_eq(err.source, "bad.xml");
    /* an explicit address far out is refused alike */
    err = (vmx_error)VMX_ERROR_INIT;
    cr_assert_eq(read_fail(DEVICES("<disk type='file' device='disk'>"
                                   "<target dev='sda' bus='scsi'/><address type='drive' "
                                   "controller='100000' bus='0' target='0' unit='0'/>"
                                   "</disk>\n"),
                           &err),
                 VMX_ELIMIT);
    cr_assert_not_null(strstr(err.message, "controller 100000"), "%s", err.message);
    /* the last controller below the cap is fine: 1024 of them */
    err = (vmx_error)VMX_ERROR_INIT;
    dom = read_ok(DEVICES("<disk type='file' device='disk'><target dev='sda' bus='sata'/>"
                          "<address type='drive' controller='1023' bus='0' target='0' "
                          "unit='0'/></disk>\n"));
    cr_assert_eq(dom->ncontrollers, 1024);
    vmx_domain_free(dom);
    /* and the implicit ones count with the explicit ones */
    xml = malloc(cap);
    cr_assert_not_null(xml);
    o += (size_t)snprintf(xml, cap, DOMAIN_HEAD "<devices>\n");
    for (i = 0; i < 1024; i++)
        o += (size_t)snprintf(xml + o, cap - o, "<controller type='usb' index='%d'/>\n",
                              i);
    o += (size_t)snprintf(xml + o, cap - o, DISK("sda", "scsi") "</devices></domain>\n");
    cr_assert_lt(o, cap);
    cr_assert_eq(read_fail(xml, &err), VMX_ELIMIT);
    cr_assert_str_eq(err.message, "more than 1024 controllers with the implicit ones");
    free(xml);
}

Test(domain_xml_read, disk_details)
{
    vmx_domain *dom = read_ok(DEVICES(
        "<disk type='file' device='disk'><driver name='lsilogic' cache='writethrough'/>"
        "<source file='[ds] a.vmdk'/><target dev='sda' bus='scsi'/>"
        "<address type='drive' controller='1' bus='0' target='0' unit='3'/>"
        "<transient/></disk>\n"
        "<disk type='block' device='cdrom'><driver name='atapi'/>"
        "<source startupPolicy='optional'/><target dev='hda' bus='ide'/>"
        "<readonly/></disk>\n"
        "<disk type='file' device='cdrom'><source file=''/><target "
        "dev='hdb'/></disk>\n"));
    const vmx_disk *d;

    cr_assert_eq(dom->ndisks, 3);
    d = &dom->disks[0];
    cr_assert_eq(d->type, VMX_DISK_TYPE_FILE);
    cr_assert_eq(d->device, VMX_DISK_DEVICE_DISK);
    cr_assert_str_eq(d->driver_name, "lsilogic");
    cr_assert_eq(d->cache, VMX_DISK_CACHE_WRITETHROUGH);
    cr_assert_str_eq(d->src, "[ds] a.vmdk");
    cr_assert(d->transient);
    cr_assert_eq(d->controller, 1, "an explicit address is kept");
    cr_assert_eq(d->addr_unit, 3);
    d = &dom->disks[1];
    cr_assert_eq(d->type, VMX_DISK_TYPE_BLOCK);
    cr_assert_eq(d->device, VMX_DISK_DEVICE_CDROM);
    cr_assert_null(d->src);
    cr_assert(d->startup_optional);
    cr_assert(d->readonly);
    d = &dom->disks[2];
    cr_assert_null(d->src, "an empty file name is no medium");
    cr_assert_eq(d->bus, VMX_DISK_BUS_IDE, "the bus comes from the name");
    vmx_domain_free(dom);
}

Test(domain_xml_read, interfaces)
{
    vmx_domain *dom = read_ok(DEVICES(
        "<interface type='bridge'><mac address='0:C:29:aa:Bb:1' type='static' "
        "check='no'/>"
        "<source bridge='VM Network'/><target dev='vmnet7'/><model type='vmxnet3'/>"
        "</interface>\n"
        "<interface type='bridge'><source bridge='x'/><target dev='vnet3'/></interface>\n"
        "<interface><mac address='00:50:56:80:00:01' type='generated'/></interface>\n"
        "<interface type='vds'><mac address='00:50:56:87:65:43'/>"
        "<source switchid='503426b2 94e9 3b16 1d68 87bfff4a5440' portid='0x10' "
        "portgroupid='dvportgroup-1285' connectionid='408217997'/></interface>\n"
        "<interface type='null'/>\n"));
    const vmx_net *n;

    cr_assert_eq(dom->nnets, 5);
    n = &dom->nets[0];
    cr_assert_eq(n->type, VMX_NET_BRIDGE);
    cr_assert_str_eq(n->mac, "00:0c:29:aa:bb:01");
    cr_assert_eq(n->mac_type, VMX_MAC_STATIC);
    cr_assert(n->mac_check_set);
    cr_assert_not(n->mac_check);
    cr_assert_str_eq(n->bridge, "VM Network");
    cr_assert_str_eq(n->ifname, "vmnet7");
    cr_assert_str_eq(n->model, "vmxnet3");
    n = &dom->nets[1];
    cr_assert_null(n->mac, "no mac is made up");
    cr_assert_eq(n->mac_type, VMX_MAC_UNSET);
    cr_assert_null(n->ifname, "libvirt forgets generated vnet names");
    n = &dom->nets[2];
    cr_assert_eq(n->type, VMX_NET_USER, "the default interface type");
    cr_assert_eq(n->mac_type, VMX_MAC_GENERATED);
    n = &dom->nets[3];
    cr_assert_eq(n->type, VMX_NET_VDS);
    cr_assert_str_eq(n->switch_id, "503426b2-94e9-3b16-1d68-87bfff4a5440");
    cr_assert_str_eq(n->port_id, "16");
    cr_assert_str_eq(n->portgroup_id, "dvportgroup-1285");
    cr_assert_eq(n->connection_id, 408217997);
    cr_assert_eq(dom->nets[4].type, VMX_NET_NULL);
    vmx_domain_free(dom);
}

Test(domain_xml_read, serial_and_parallel_ports)
{
    vmx_domain *dom = read_ok(
        DEVICES("<serial type='file'><source path='/a'/><target port='2'/></serial>\n"
                "<serial type='tcp'><source mode='bind' host='0.0.0.0' service='42001'/>"
                "<protocol type='telnets'/></serial>\n"
                "<serial type='tcp'><source host='192.0.2.1' service='7'/><target "
                "port='0'/></serial>\n"
                "<serial type='pipe'><source path='serial0.pipe'/></serial>\n"
                "<console type='file'><source path='/other'/><target type='serial' "
                "port='0'/></console>\n"
                "<parallel type='dev'><source path='/dev/parport0'/></parallel>\n"
                "<parallel type='file'><source path='/b'/></parallel>\n"));
    const vmx_chr *s;

    cr_assert_eq(dom->nserials, 4, "a console beside serial ports is an alias");
    cr_assert_eq(dom->serials[0].type, VMX_CHR_FILE);
    cr_assert_str_eq(dom->serials[0].path, "/a");
    cr_assert_eq(dom->serials[0].port, 2);
    s = &dom->serials[1];
    cr_assert_eq(s->type, VMX_CHR_TCP);
    cr_assert_eq(s->port, 3, "one past the highest port read so far");
    cr_assert(s->listen);
    cr_assert_str_eq(s->host, "0.0.0.0");
    cr_assert_str_eq(s->service, "42001");
    cr_assert_str_eq(s->protocol, "telnets");
    s = &dom->serials[2];
    cr_assert_not(s->listen, "connect is the default mode");
    cr_assert_str_eq(s->protocol, "raw");
    cr_assert_eq(s->port, 0);
    cr_assert_eq(dom->serials[3].type, VMX_CHR_PIPE);
    cr_assert_eq(dom->serials[3].port, 4);
    cr_assert_eq(dom->nparallels, 2);
    cr_assert_eq(dom->parallels[0].type, VMX_CHR_DEV);
    cr_assert_eq(dom->parallels[0].port, 0);
    cr_assert_eq(dom->parallels[1].port, 1);
    vmx_domain_free(dom);
}

Test(domain_xml_read, lone_console_becomes_the_first_serial_port)
{
    vmx_domain *dom = read_ok(DEVICES(
        "<console type='tcp'><source mode='connect' host='h' service='9'/></console>\n"));

    cr_assert_eq(dom->nserials, 1);
    cr_assert_eq(dom->serials[0].type, VMX_CHR_TCP);
    cr_assert_str_eq(dom->serials[0].host, "h");
    cr_assert_eq(dom->serials[0].port, 0);
    vmx_domain_free(dom);
}

Test(domain_xml_read, graphics_video_and_filesystems)
{
    vmx_domain *dom = read_ok(
        DEVICES("<graphics type='vnc' port='5903' autoport='no' keymap='de' passwd='pw'>"
                "<listen type='address' address='127.0.0.1'/></graphics>\n"
                "<graphics type='vnc'/>\n"
                "<filesystem type='mount' accessmode='mapped'><source dir='/srv'/>"
                "<target dir='share'/><readonly/></filesystem>\n"));
    const vmx_graphics *g = &dom->graphics[0];

    cr_assert_eq(dom->ngraphics, 2);
    cr_assert_str_eq(g->type, "vnc");
    cr_assert_eq(g->port, 5903);
    cr_assert_not(g->autoport);
    cr_assert_str_eq(g->listen, "127.0.0.1");
    cr_assert_str_eq(g->keymap, "de");
    cr_assert_str_eq(g->passwd, "pw");
    cr_assert(dom->graphics[1].autoport, "no port means an automatic one");
    cr_assert_eq(dom->graphics[1].port, -1);
    /* graphics without video get libvirt's default video device */
    cr_assert_eq(dom->nvideos, 1);
    cr_assert_str_eq(dom->videos[0].model, "vmvga");
    cr_assert_eq(dom->videos[0].vram_kib, 4096);
    cr_assert(dom->videos[0].primary);
    cr_assert_eq(dom->nfilesystems, 1);
    cr_assert_str_eq(dom->filesystems[0].src, "/srv");
    cr_assert_str_eq(dom->filesystems[0].dst, "share");
    cr_assert(dom->filesystems[0].readonly);
    vmx_domain_free(dom);
}

Test(domain_xml_read, video_ram_rounds_up_and_primary_goes_first)
{
    vmx_domain *dom =
        read_ok(DEVICES("<video><model type='vmvga' vram='1000'/></video>\n"
                        "<video><model type='vmvga' primary='yes'/></video>\n"
                        "<video/>\n"));

    cr_assert_eq(dom->nvideos, 3);
    cr_assert_eq(dom->videos[0].vram_kib, 4096, "the primary one, with the default");
    cr_assert(dom->videos[0].primary);
    cr_assert_eq(dom->videos[1].vram_kib, 1024, "rounded up to a power of two");
    cr_assert_not(dom->videos[1].primary);
    cr_assert_str_eq(dom->videos[2].model, "vmvga", "the vmware default model");
    vmx_domain_free(dom);
}

Test(domain_xml_read, esx_in_the_wild_model)
{
    char *xml =
        slurp(TESTDATA_DIR "/libvirt/xml2vmx/xml2vmx-esx-in-the-wild-1.xml", NULL);
    vmx_domain *dom = read_ok(xml);

    cr_assert_str_eq(dom->name, "Fedora11");
    cr_assert_str_eq(dom->uuid, "50115e16-9bdc-49d7-f171-53c4d7f91710");
    cr_assert_eq(dom->memory_kib, 1048576);
    cr_assert_eq(dom->cpu_shares, 500);
    cr_assert_eq(dom->ndisks, 1);
    cr_assert_str_eq(dom->disks[0].driver_name, "lsilogic");
    cr_assert_str_eq(dom->disks[0].src,
                     "[498076b2-02796c1a-ef5b-000ae484a6a3] Fedora11/Fedora11.vmdk");
    cr_assert_eq(dom->ncontrollers, 1, "the implicit SCSI controller");
    cr_assert_eq(dom->controllers[0].type, VMX_CONTROLLER_SCSI);
    cr_assert_eq(dom->nnets, 1);
    cr_assert_str_eq(dom->nets[0].mac, "00:50:56:91:48:c7");
    cr_assert_str_eq(dom->nets[0].bridge, "VM Network");
    vmx_domain_free(dom);
    vmx_free(xml);
}

/* ------------------------------------------------------------------ */
/* libvirt's test inputs and libvirt's own output */

Test(domain_xml_read, every_xml2vmx_input_parses)
{
    char line[512], path[1024], name[256];
    FILE *f = fopen(TESTDATA_DIR "/libvirt/xml2vmx/CASES.tsv", "r");
    int count = 0;

    cr_assert_not_null(f);
    while (fgets(line, sizeof(line), f)) {
        vmx_error err = VMX_ERROR_INIT;
        vmx_domain *dom = NULL;
        size_t len;
        char *xml;

        if (sscanf(line, "%255[^\t]", name) != 1)
            continue;
        snprintf(path, sizeof(path), TESTDATA_DIR "/libvirt/xml2vmx/xml2vmx-%s.xml",
                 name);
        xml = slurp(path, &len);
        cr_assert_eq(vmx_domain_from_xml(&dom, xml, len, path, NULL, &err), 0,
                     "%s: %s [%s]", name, err.message, err.key);
        vmx_domain_free(dom);
        vmx_free(xml);
        count++;
    }
    fclose(f);
    cr_assert_eq(count, 60);
}

/* XML that libvirt 9.0 prints for a VMX file but refuses to read back
 * (checked with lvref xml2vmx): a domain without a name. vmxkit reads it
 * (a VMX file without displayName) unless VMX_CONVERT_STRICT asks for
 * libvirt's refusal. (libvirt also refuses the SATA and SCSI disks it names alike in
 * esx-in-the-wild-8, minsungchu__Ubuntu_64-bit, virtv2v__test-i-vmx-2 and -7;
 * vmxkit accepts one name on two buses.) */
static const struct {
    const char *file, *message;
} refused[] = {
    {"wild/libvirt-xml/vmwareplus__test.xml", "missing domain name"},
    {"wild/libvirt-xml/vmxmanager__defaults.xml", "missing domain name"},
};

static const char *refusal(const char *rel)
{
    size_t i;

    for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
        if (strcmp(refused[i].file, rel) == 0)
            return refused[i].message;
    return NULL;
}

/* XML 1.0 section 2.11: a parser reads CR LF and lone CR as LF */
static size_t normalize_newlines(char *s, size_t len)
{
    size_t i, o = 0;

    for (i = 0; i < len; i++) {
        if (s[i] == '\r') {
            s[o++] = '\n';
            if (i + 1 < len && s[i + 1] == '\n')
                i++;
        } else {
            s[o++] = s[i];
        }
    }
    s[o] = '\0';
    return o;
}

typedef struct fixpoint_counts {
    int exact, normalized, refused;
} fixpoint_counts;

static void fixpoint_dir(const char *rel_dir, unsigned int flags, fixpoint_counts *counts)
{
    char dir[1024], path[2048], rel[1024];
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    struct dirent *e;
    DIR *d;

    opts.flags = flags;
    snprintf(dir, sizeof(dir), "%s/%s", TESTDATA_DIR, rel_dir);
    cr_assert_not_null(d = opendir(dir));
    while ((e = readdir(d))) {
        vmx_error err = VMX_ERROR_INIT;
        vmx_domain *dom = NULL;
        char *xml, *out = NULL;
        size_t len, outlen = 0;
        const char *why;
        int rc;

        if (strlen(e->d_name) < 5 || strcmp(e->d_name + strlen(e->d_name) - 4, ".xml"))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        snprintf(rel, sizeof(rel), "%s/%s", rel_dir, e->d_name);
        xml = slurp(path, &len);
        rc = vmx_domain_from_xml(&dom, xml, len, path, &opts, &err);
        why = flags & VMX_CONVERT_STRICT ? refusal(rel) : NULL;
        if (why) {
            cr_assert_eq(rc, VMX_EINVAL, "%s is refused as libvirt refuses it", rel);
            cr_assert_not_null(strstr(err.message, why), "%s: %s", rel, err.message);
            counts->refused++;
            vmx_free(xml);
            continue;
        }
        cr_assert_eq(rc, 0, "%s: %s [%s] line %lu", rel, err.message, err.key, err.line);
        cr_assert_eq(vmx_domain_to_xml(&out, &outlen, dom, &opts, &err), 0, "%s: %s", rel,
                     err.message);
        if (memchr(xml, '\r', len)) {
            /* the CR of a description cannot survive any XML parser */
            len = normalize_newlines(xml, len);
            counts->normalized++;
        } else {
            counts->exact++;
        }
        cr_assert_eq(outlen, len, "%s: %zu bytes, not %zu", rel, outlen, len);
        cr_assert(memcmp(out, xml, len) == 0, "%s: output differs from the input", rel);
        vmx_free(out);
        vmx_free(xml);
        vmx_domain_free(dom);
    }
    closedir(d);
}

Test(domain_xml_read, libvirt_output_is_a_fixpoint)
{
    fixpoint_counts counts = {0, 0, 0};

    fixpoint_dir("libvirt/vmx2xml", 0, &counts);
    cr_assert_eq(counts.exact, 72);
    cr_assert_eq(counts.refused, 0);
    fixpoint_dir("wild/libvirt-xml", 0, &counts);
    cr_assert_eq(counts.exact, 72 + 32);
    cr_assert_eq(counts.normalized, 2);
    cr_assert_eq(counts.refused, 0);
}

Test(domain_xml_read, strict_mode_refuses_what_libvirt_refuses_of_its_output)
{
    fixpoint_counts counts = {0, 0, 0};

    fixpoint_dir("wild/libvirt-xml", VMX_CONVERT_STRICT, &counts);
    cr_assert_eq(counts.exact, 30);
    cr_assert_eq(counts.refused, 2);
}

/* libvirt prints no <name> for a VMX file without displayName; its XML
 * parser refuses that, vmxkit reads it back as a VMX file without
 * displayName (and refuses it when strict). */
Test(domain_xml_read, domain_without_name_is_read_unless_strict)
{
    static const char *const docs[] = {
        "<domain type='vmware'>\n  <memory>4096</memory>\n"
        "  <os><type>hvm</type></os>\n</domain>\n",
        "<domain type='vmware'>\n  <name></name>\n  <memory>4096</memory>\n"
        "  <os><type>hvm</type></os>\n</domain>\n",
    };
    vmx_convert_options strict = VMX_CONVERT_OPTIONS_INIT;
    size_t i;

    strict.flags = VMX_CONVERT_STRICT;
    for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        vmx_error err = VMX_ERROR_INIT;
        vmx_domain *dom = NULL;
        char *vmx = NULL;

        cr_assert_eq(vmx_domain_from_xml(&dom, docs[i], strlen(docs[i]), "n.xml", NULL, &err),
                     0, "%s", err.message);
        cr_assert_null(dom->name);
        cr_assert_eq(vmx_domain_to_vmx(&vmx, NULL, dom, NULL, &err), 0, "%s", err.message);
        cr_assert_null(strstr(vmx, "displayName"), "%s", vmx);
        vmx_free(vmx);
        vmx_domain_free(dom);
        dom = NULL;
        cr_assert_eq(vmx_domain_from_xml(&dom, docs[i], strlen(docs[i]), "n.xml", &strict,
                                         &err),
                     VMX_EINVAL);
        cr_assert_null(dom);
        cr_assert_str_eq(err.message, "missing domain name");
        cr_assert_str_eq(err.key, "/domain/name");
        cr_assert_eq(err.line, i == 0 ? 1u : 2u);
    }
}

Test(domain_xml_read, lossless_mode_reads_back_everything_libvirt_prints)
{
    fixpoint_counts counts = {0, 0, 0};

    fixpoint_dir("libvirt/vmx2xml", VMX_CONVERT_LOSSLESS, &counts);
    fixpoint_dir("wild/libvirt-xml", VMX_CONVERT_LOSSLESS, &counts);
    cr_assert_eq(counts.exact, 104);
    cr_assert_eq(counts.normalized, 2);
    cr_assert_eq(counts.refused, 0);
}

/* ------------------------------------------------------------------ */
/* refused input: testdata/xml-invalid/<case>.xml + <case>.error holding the
 * expected line (0: none), a substring of the message and, when present, the
 * key */

Test(domain_xml_read, invalid_inputs_fail_with_line_message_and_key)
{
    const char *dir = TESTDATA_DIR "/xml-invalid";
    char path[2048];
    struct dirent *e;
    int count = 0;
    DIR *d;

    cr_assert_not_null(d = opendir(dir));
    while ((e = readdir(d))) {
        vmx_error err = VMX_ERROR_INIT;
        vmx_domain *dom = NULL;
        char *xml, *expect, *want_line, *want_msg, *want_key, *save = NULL;
        size_t n, len;
        int rc;

        n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".xml"))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        xml = slurp(path, &len);
        snprintf(path, sizeof(path), "%s/%.*s.error", dir, (int)(n - 4), e->d_name);
        expect = slurp(path, NULL);
        want_line = strtok_r(expect, "\n", &save);
        want_msg = strtok_r(NULL, "\n", &save);
        want_key = strtok_r(NULL, "\n", &save);
        cr_assert(want_line && want_msg, "%s: malformed .error file", path);

        rc = vmx_domain_from_xml(&dom, xml, len, e->d_name, NULL, &err);
        cr_assert_lt(rc, 0, "%s was accepted", e->d_name);
        cr_assert_null(dom);
        cr_assert_eq(err.code, rc);
        cr_assert_str_eq(err.source, e->d_name);
        cr_assert_eq(err.line, strtoul(want_line, NULL, 10), "%s: line %lu (%s)",
                     e->d_name, err.line, err.message);
        cr_assert_not_null(strstr(err.message, want_msg), "%s: message '%s'", e->d_name,
                           err.message);
        if (want_key)
            cr_assert_str_eq(err.key, want_key, "%s", e->d_name);
        vmx_free(xml);
        vmx_free(expect);
        count++;
    }
    closedir(d);
    cr_assert_eq(count, 68);
}

Test(domain_xml_read, one_target_name_on_two_buses_is_accepted)
{
    vmx_domain *dom = read_ok(DEVICES(DISK("sda", "scsi") DISK("sda", "sata")));
    vmx_error err = VMX_ERROR_INIT;

    cr_assert_eq(dom->ndisks, 2);
    cr_assert_eq(dom->disks[1].bus, VMX_DISK_BUS_SATA);
    vmx_domain_free(dom);
    /* on one bus it stays an error */
    cr_assert_eq(read_fail(DEVICES(DISK("sda", "sata") DISK("sda", "sata")), &err),
                 VMX_EINVAL);
    cr_assert_str_eq(err.key, "/domain/devices/disk[2]/target");
}

Test(domain_xml_read, lossless_mode_accepts_a_domain_without_name)
{
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    vmx_domain *dom;

    opts.flags = VMX_CONVERT_LOSSLESS;
    dom = read_ok_opts("<domain type='vmware'><memory>4096</memory>"
                       "<os><type>hvm</type></os></domain>",
                       &opts);
    cr_assert_null(dom->name);
    vmx_domain_free(dom);
}

Test(domain_xml_read, unsupported_device_names_the_element)
{
    vmx_error err = VMX_ERROR_INIT;

    cr_assert_eq(read_fail(DEVICES(DISK("sda", "scsi") DISK(
                               "sdb", "scsi") "<hostdev mode='subsystem' type='pci'/>\n"),
                           &err),
                 VMX_EUNSUPPORTED);
    cr_assert_str_eq(err.message, "unsupported element <hostdev>");
    cr_assert_str_eq(err.key, "/domain/devices/hostdev[1]");
    cr_assert_eq(err.line, 10);
}

Test(domain_xml_read, disk_errors_name_the_disk_element)
{
    vmx_error err = VMX_ERROR_INIT;

    cr_assert_eq(
        read_fail(DEVICES(DISK("sda", "scsi") "<disk type='file' device='disk'>"
                                              "<target dev='sdb' bus='usb'/></disk>\n"),
                  &err),
        VMX_EUNSUPPORTED);
    cr_assert_str_eq(err.key, "/domain/devices/disk[2]/target");
    cr_assert_str_eq(err.message, "unsupported disk bus 'usb'");
}

Test(domain_xml_read, malformed_xml_reports_line_and_column)
{
    vmx_error err = VMX_ERROR_INIT;
    char line[256];

    cr_assert_eq(
        read_fail("<domain type='vmware'>\n  <name>x</name>\n  <memory>1</memry>\n"
                  "</domain>\n",
                  &err),
        VMX_EPARSE);
    cr_assert_eq(err.line, 3);
    cr_assert_gt(err.column, 0);
    cr_assert_str_eq(err.message,
                     "opening and ending tag mismatch: memory line 3 and memry");
    vmx_error_format(line, sizeof(line), &err);
    cr_assert_str_eq(
        line, "bad.xml:3: opening and ending tag mismatch: memory line 3 and memry");
}

/* ------------------------------------------------------------------ */
/* hostile input */

Test(domain_xml_read, external_entity_does_not_read_the_file)
{
    char dir[] = "/tmp/vmxkit-xxe-XXXXXX", secret[1100], xml[2048];
    vmx_error err = VMX_ERROR_INIT;
    vmx_domain *dom = NULL;
    FILE *f;
    int rc;

    cr_assert_not_null(mkdtemp(dir));
    snprintf(secret, sizeof(secret), "%s/secret", dir);
    cr_assert_not_null(f = fopen(secret, "w"));
    fputs("TOP-SECRET-CONTENT", f);
    fclose(f);
    snprintf(xml, sizeof(xml),
             "<?xml version='1.0'?>\n"
             "<!DOCTYPE d [<!ENTITY x SYSTEM \"file://%s\">]>\n"
             "<domain type='vmware'><name>&x;</name><description>&x;</description>"
             "<memory>4096</memory><os><type>hvm</type></os></domain>\n",
             secret);
    rc = vmx_domain_from_xml(&dom, xml, strlen(xml), NULL, NULL, &err);
    unlink(secret);
    rmdir(dir);
    cr_assert_eq(rc, VMX_EUNSUPPORTED);
    cr_assert_null(dom);
    cr_assert_str_eq(err.message, "entity reference '&x;' is not supported");
    cr_assert_null(strstr(err.message, "TOP-SECRET"));
}

Test(domain_xml_read, external_dtd_is_not_fetched)
{
    /* no network and no DTD loading: the DOCTYPE is inert */
    vmx_domain *dom = read_ok("<?xml version='1.0'?>\n"
                              "<!DOCTYPE domain SYSTEM 'http://192.0.2.1/domain.dtd'>\n"
                              "<domain type='vmware'><name>t</name><memory>4096</memory>"
                              "<os><type>hvm</type></os></domain>\n");

    cr_assert_str_eq(dom->name, "t");
    vmx_domain_free(dom);
}

Test(domain_xml_read, billion_laughs_is_refused)
{
    static const char head[] = "<?xml version='1.0'?>\n<!DOCTYPE lolz [\n"
                               " <!ENTITY lol0 'lol'>\n";
    char xml[4096];
    size_t o = 0;
    int i, j, rc;
    vmx_error err = VMX_ERROR_INIT;
    vmx_domain *dom = NULL;

    o += (size_t)snprintf(xml + o, sizeof(xml) - o, "%s", head);
    for (i = 1; i <= 9; i++) {
        o += (size_t)snprintf(xml + o, sizeof(xml) - o, " <!ENTITY lol%d '", i);
        for (j = 0; j < 10; j++)
            o += (size_t)snprintf(xml + o, sizeof(xml) - o, "&lol%d;", i - 1);
        o += (size_t)snprintf(xml + o, sizeof(xml) - o, "'>\n");
    }
    snprintf(xml + o, sizeof(xml) - o,
             "]>\n<domain type='vmware'>\n  <name>&lol9;</name>\n"
             "  <description a='&lol9;'>&lol9;</description>\n"
             "  <memory>4096</memory><os><type>hvm</type></os>\n</domain>\n");
    rc = vmx_domain_from_xml(&dom, xml, strlen(xml), NULL, NULL, &err);
    /* libxml2 stops the amplification itself, or the reader refuses the
     * reference: 10^9 "lol"s are never built */
    cr_assert(rc == VMX_EPARSE || rc == VMX_EUNSUPPORTED, "rc %d: %s", rc, err.message);
    cr_assert_null(dom);
    cr_assert_gt(err.line, 0);
}

Test(domain_xml_read, deep_nesting_fails_cleanly)
{
    const int depth = 10000;
    size_t cap = (size_t)depth * 7 + 128, o = 0;
    char *xml = malloc(cap);
    vmx_error err = VMX_ERROR_INIT;
    vmx_domain *dom = NULL;
    int i;

    cr_assert_not_null(xml);
    o += (size_t)snprintf(xml, cap, "<domain type='vmware'>\n<description>");
    for (i = 0; i < depth; i++)
        memcpy(xml + o, "<a>", 3), o += 3;
    for (i = 0; i < depth; i++)
        memcpy(xml + o, "</a>", 4), o += 4;
    o += (size_t)snprintf(xml + o, cap - o, "</description>\n</domain>\n");
    cr_assert_eq(vmx_domain_from_xml(&dom, xml, o, NULL, NULL, &err), VMX_EPARSE);
    cr_assert_null(dom);
    cr_assert_eq(err.line, 2);
    cr_assert_not_null(strstr(err.message, "depth"), "%s", err.message);
    free(xml);
}

/* Write a domain whose <name> has @n attributes (and, with @decoy, a comment
 * and a CDATA section that look like a tag with 300, which do not count). */
static char *many_attributes(int n, bool decoy)
{
    size_t cap = 32 * 1024, o = 0;
    char *xml = malloc(cap);
    int i;

    cr_assert_not_null(xml);
    o += (size_t)snprintf(xml, cap, "<domain type='vmware'>\n%s<name",
                          decoy ? "<!-- <a" : "");
    for (i = 0; decoy && i < 300; i++)
        o += (size_t)snprintf(xml + o, cap - o, " a%d='1'", i);
    if (decoy)
        o += (size_t)snprintf(xml + o, cap - o, "> -->\n<name q='>=>'");
    for (i = 0; i < n; i++)
        o += (size_t)snprintf(xml + o, cap - o, " a%d='1'", i);
    o += (size_t)snprintf(xml + o, cap - o,
                          ">t</name>\n<memory>4096</memory><os><type>hvm</type></os>"
                          "<description><![CDATA[<a");
    for (i = 0; decoy && i < 300; i++)
        o += (size_t)snprintf(xml + o, cap - o, " a%d='1'", i);
    o += (size_t)snprintf(xml + o, cap - o, ">]]></description></domain>\n");
    cr_assert_lt(o, cap);
    return xml;
}

/* libxml2 2.9 checks attributes for duplicates in quadratic time: the
 * reader refuses more than 256 on an element before libxml2 parses. */
Test(domain_xml_read, more_than_256_attributes_are_refused_before_parsing)
{
    vmx_error err = VMX_ERROR_INIT;
    vmx_domain *dom;
    char *xml;

    xml = many_attributes(256, false);
    dom = read_ok(xml);
    vmx_domain_free(dom);
    free(xml);
    /* comments, CDATA and quoted values are not tags; 255 + q='>=>' */
    xml = many_attributes(255, true);
    dom = read_ok(xml);
    vmx_domain_free(dom);
    free(xml);

    xml = many_attributes(257, false);
    cr_assert_eq(read_fail(xml, &err), VMX_ELIMIT);
    cr_assert_str_eq(err.message, "element <name> has more than 256 attributes");
    cr_assert_eq(err.line, 2);
    cr_assert_str_eq(err.source, "bad.xml");
    free(xml);
    xml = many_attributes(256, true);
    err = (vmx_error)VMX_ERROR_INIT;
    cr_assert_eq(read_fail(xml, &err), VMX_ELIMIT);
    cr_assert_str_eq(err.message, "element <name> has more than 256 attributes");
    cr_assert_eq(err.line, 3);
    free(xml);
}

/* The check reads the document as libxml2 does: in UTF-16 too, and in the
 * internal subset (default attributes, tags in entity values). */
Test(domain_xml_read, attribute_cap_holds_in_utf16_and_in_the_dtd)
{
    vmx_error err = VMX_ERROR_INIT;
    vmx_domain *dom = NULL;
    char *xml = many_attributes(300, false), *u16;
    size_t i, n = strlen(xml), cap = 64 * 1024, o = 0;
    char *dtd = malloc(cap);

    u16 = malloc(2 * n + 2);
    cr_assert_not_null(u16);
    u16[0] = '\xff'; /* UTF-16LE byte order mark */
    u16[1] = '\xfe';
    for (i = 0; i < n; i++) {
        u16[2 + 2 * i] = xml[i];
        u16[3 + 2 * i] = '\0';
    }
    cr_assert_eq(vmx_domain_from_xml(&dom, u16, 2 * n + 2, "u16.xml", NULL, &err),
                 VMX_ELIMIT);
    cr_assert_null(dom);
    cr_assert_str_eq(err.message, "element <name> has more than 256 attributes");
    free(u16);
    free(xml);

    cr_assert_not_null(dtd);
    o += (size_t)snprintf(dtd, cap, "<!DOCTYPE domain [\n");
    for (i = 0; i < 300; i++)
        o += (size_t)snprintf(dtd + o, cap - o, "<!ATTLIST domain a%zu CDATA '1'>\n", i);
    o += (size_t)snprintf(dtd + o, cap - o,
                          "]>\n<domain type='vmware'><name>t</name><memory>4096</memory>"
                          "<os><type>hvm</type></os></domain>\n");
    cr_assert_lt(o, cap);
    err = (vmx_error)VMX_ERROR_INIT;
    cr_assert_eq(read_fail(dtd, &err), VMX_ELIMIT);
    cr_assert_str_eq(err.message,
                     "document type declaration with more than 256 declarations and "
                     "attributes");
    cr_assert_eq(err.line, 1);
    free(dtd);
}

Test(domain_xml_read, oversized_input_is_refused)
{
    size_t len = 17u * 1024 * 1024;
    char *xml = malloc(len);
    vmx_error err = VMX_ERROR_INIT;
    vmx_domain *dom = NULL;

    cr_assert_not_null(xml);
    memset(xml, ' ', len);
    cr_assert_eq(vmx_domain_from_xml(&dom, xml, len, NULL, NULL, &err), VMX_ELIMIT);
    cr_assert_null(dom);
    free(xml);
}

Test(domain_xml_read, input_need_not_be_nul_terminated)
{
    static const char xml[] = "<domain type='vmware'><name>t</name><memory>4096</memory>"
                              "<os><type>hvm</type></os></domain>GARBAGE";
    vmx_error err = VMX_ERROR_INIT;
    vmx_domain *dom = NULL;

    cr_assert_eq(vmx_domain_from_xml(&dom, xml, sizeof(xml) - 1 - 7, NULL, NULL, &err), 0,
                 "%s", err.message);
    vmx_domain_free(dom);
}

Test(domain_xml_read, first_error_wins)
{
    vmx_error err = VMX_ERROR_INIT;
    vmx_domain *dom = NULL;

    vmx_error_set(&err, VMX_EIO, "earlier", 1, NULL, "earlier failure");
    cr_assert_eq(vmx_domain_from_xml(&dom, "<x/>", 4, "later.xml", NULL, &err),
                 VMX_EINVAL);
    cr_assert_eq(err.code, VMX_EIO);
    cr_assert_str_eq(err.message, "earlier failure");
}

/* every reader and post-parse step, for the allocation-failure loop */
static const char rich_xml[] =
    "<domain type='vmware' xmlns:vmware='http://libvirt.org/schemas/domain/vmware/1.0'>\n"
    "  <name>rich</name><uuid>564d9bef-acd9-b4e0-c8f0-aea8b9103515</uuid>\n"
    "  <genid>f4de5b7c-2f0d-e9ad-b928-5d11b1233fd5</genid>\n"
    "  <description>a <![CDATA[b]]> c</description>\n"
    "  <memory unit='MiB'>64</memory><currentMemory>32768</currentMemory>\n"
    "  <vcpu cpuset='0-3,^1'>2</vcpu><cputune><shares>1000</shares></cputune>\n"
    "  <cpu><topology sockets='1' cores='2' threads='1'/></cpu>\n"
    "  <os firmware='efi'><type arch='x86_64' machine='pc'>hvm</type>"
    "<smbios mode='host'/></os>\n"
    "  <devices>\n"
    "    <disk type='file' device='disk'><driver name='lsilogic'/>"
    "<source file='[ds] b.vmdk'/><target dev='sdb' bus='scsi'/></disk>\n"
    "    <disk type='file' device='disk'><source file='[ds] a.vmdk'/>"
    "<target dev='sda' bus='scsi'/></disk>\n"
    "    <disk type='block' device='cdrom'><source dev='/dev/cdrom'/>"
    "<target dev='hdc'/></disk>\n"
    "    <disk type='file' device='floppy'><source file='[ds] f.flp'/>"
    "<target dev='fda'/></disk>\n"
    "    <controller type='scsi' index='1' model='vmpvscsi'/>\n"
    "    <controller type='usb' model='nec-xhci'/>\n"
    "    <filesystem><source dir='/srv'/><target dir='s'/></filesystem>\n"
    "    <interface type='bridge'><mac address='00:50:56:01:02:03'/>"
    "<source bridge='VM Network'/><target dev='vmnet1'/><model "
    "type='e1000'/></interface>\n"
    "    <interface type='vds'><source switchid='503426b2-94e9-3b16-1d68-87bfff4a5440' "
    "portid='5' portgroupid='pg' connectionid='7'/></interface>\n"
    "    <parallel type='file'><source path='/p'/></parallel>\n"
    "    <console type='tcp'><source mode='bind' host='0.0.0.0' service='9'/>"
    "<protocol type='telnet'/></console>\n"
    "    <graphics type='vnc' port='5901' keymap='de' passwd='x' listen='127.0.0.1'/>\n"
    "  </devices>\n"
    "  <vmware:datacenterpath>dc</vmware:datacenterpath>\n"
    "</domain>\n";

Test(domain_xml_read, survives_allocation_failures)
{
    long n;
    int rc = -1;

    for (n = 1; n < 100000 && rc != 0; n++) {
        vmx_error err = VMX_ERROR_INIT;
        vmx_domain *dom = NULL;

        vmx__alloc_fail_after(n);
        rc = vmx_domain_from_xml(&dom, rich_xml, strlen(rich_xml), NULL, NULL, &err);
        vmx__alloc_fail_after(0);
        if (rc != 0) {
            cr_assert_eq(rc, VMX_ENOMEM, "allocation %ld: rc %d %s", n, rc, err.message);
            cr_assert_null(dom);
        } else {
            cr_assert_eq(dom->ndisks, 4);
            cr_assert_eq(dom->nserials, 1);
            cr_assert_eq(dom->nvideos, 1);
        }
        vmx_domain_free(dom);
    }
    cr_assert_eq(rc, 0);
    cr_assert_gt(n, 40, "the loop went through the reader's allocations");
}
