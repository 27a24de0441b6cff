/* Unit tests of vmx_domain_from_vmx: the model fields it fills and its
 * errors (code, key, line, message). Expected values follow libvirt 9.0
 * (checked with lvref when the cases were written). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmxkit/vmxkit.h"

void vmx__alloc_fail_after(long n);

#define HEAD "config.version = \"8\"\nvirtualHW.version = \"4\"\n"

static int convert_opts(const char *text, const vmx_convert_options *opts,
                        vmx_domain **dom, vmx_error *err)
{
    vmx_config *cfg = NULL;
    int rc;

    *dom = NULL;
    rc = vmx_config_parse(&cfg, text, strlen(text), "test.vmx", NULL, err);
    if (rc == 0)
        rc = vmx_domain_from_vmx(dom, cfg, opts, err);
    vmx_config_free(cfg);
    return rc;
}

/* Convert @text, which must succeed. */
static vmx_domain *convert_ok(const char *text)
{
    vmx_error err = VMX_ERROR_INIT;
    vmx_domain *dom = NULL;
    int rc = convert_opts(text, NULL, &dom, &err);

    cr_assert_eq(rc, 0, "conversion failed: %s [%s] line %lu", err.message, err.key,
                 err.line);
    cr_assert_not_null(dom);
    return dom;
}

/* Convert @text, which must fail with @code about @key at @line, with a
 * message containing @msg. libvirt's checks: strict mode (the default mode
 * converts what libvirt rejects, see test_lossless.c). */
static void convert_fails(const char *text, int code, const char *key, unsigned long line,
                          const char *msg)
{
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    vmx_error err = VMX_ERROR_INIT;
    vmx_domain *dom = NULL;
    int rc;

    opts.flags = VMX_CONVERT_STRICT;
    rc = convert_opts(text, &opts, &dom, &err);

    cr_assert_eq(rc, code, "rc %d, expected %d (%s [%s])", rc, code, err.message,
                 err.key);
    cr_assert_null(dom);
    cr_assert_eq(err.code, code);
    cr_assert_str_eq(err.source, "test.vmx");
    if (key)
        cr_assert_str_eq(err.key, key);
    cr_assert_eq(err.line, line, "line %lu, expected %lu (%s)", err.line, line,
                 err.message);
    cr_assert_not_null(strstr(err.message, msg), "message '%s' lacks '%s'", err.message,
                       msg);
    cr_assert_null(strchr(err.message, '\n'));
}

/* -- model fields */

Test(vmx2domain, minimal_file_gets_libvirt_defaults)
{
    vmx_domain *dom = convert_ok(HEAD);

    cr_assert_null(dom->name);
    cr_assert_str_eq(dom->uuid, "00000000-0000-0000-0000-000000000000");
    cr_assert_null(dom->genid);
    cr_assert_null(dom->description);
    cr_assert_eq(dom->memory_kib, 32768);
    cr_assert_eq(dom->current_memory_kib, 32768);
    cr_assert_not(dom->has_min_guarantee);
    cr_assert_eq(dom->vcpus, 1);
    cr_assert_eq(dom->sockets, 0);
    cr_assert_null(dom->cpuset);
    cr_assert_eq(dom->cpu_shares, -1);
    cr_assert_eq(dom->arch, VMX_ARCH_I686);
    cr_assert_eq(dom->firmware, VMX_FIRMWARE_UNSET);
    cr_assert_eq(dom->smbios, VMX_SMBIOS_UNSET);
    cr_assert_eq(dom->ndisks, 0);
    cr_assert_eq(dom->ncontrollers, 0);
    cr_assert_eq(dom->nnets, 0);
    cr_assert_eq(dom->ngraphics, 0);
    cr_assert_eq(dom->scsi_bus_max_unit, 16);
    cr_assert_eq(dom->nvideos, 1);
    cr_assert_str_eq(dom->videos[0].model, "vmvga");
    cr_assert_eq(dom->videos[0].vram_kib, 4096);
    cr_assert(dom->videos[0].primary);
    vmx_domain_free(dom);
}

Test(vmx2domain, identity_is_unescaped)
{
    vmx_domain *dom =
        convert_ok(HEAD "uuid.bios = \"50 11 5e 16 9b dc 49 d7-f1 71 53 c4 d7 f9 "
                        "17 10\"\n"
                        "displayName = \"a%2fb|7Cc\"\n"
                        "annotation = \"x|0Ay|22\"\n"
                        "vm.genid = \"-1\"\nvm.genidX = \"5\"\n"
                        "guestOS = \"windows9-64\"\n");

    cr_assert_str_eq(dom->uuid, "50115e16-9bdc-49d7-f171-53c4d7f91710");
    cr_assert_str_eq(dom->name, "a/b|c");
    cr_assert_str_eq(dom->description, "x\ny\"");
    cr_assert_str_eq(dom->genid, "ffffffff-ffff-ffff-0000-000000000005");
    cr_assert_eq(dom->arch, VMX_ARCH_X86_64);
    cr_assert_str_eq(dom->guest_os, "windows9-64");
    vmx_domain_free(dom);
}

Test(vmx2domain, memory_limits_are_clamped)
{
    vmx_domain *dom = convert_ok(HEAD "memsize = \"1024\"\nsched.mem.max = \"512\"\n"
                                      "sched.mem.minsize = \"4096\"\n");

    cr_assert_eq(dom->memory_kib, 1048576);
    cr_assert_eq(dom->current_memory_kib, 524288);
    cr_assert_eq(dom->min_guarantee_kib, 1048576);
    cr_assert(dom->has_min_guarantee);
    vmx_domain_free(dom);

    dom = convert_ok(HEAD "memsize = \"64\"\nsched.mem.max = \"unlimited\"\n");
    cr_assert_eq(dom->current_memory_kib, 65536);
    cr_assert_not(dom->has_min_guarantee);
    vmx_domain_free(dom);
}

Test(vmx2domain, cpu_topology_affinity_and_shares)
{
    vmx_domain *dom = convert_ok(HEAD "numvcpus = \"6\"\ncpuid.coresPerSocket = \"4\"\n"
                                      "sched.cpu.affinity = \" 7, 1,2 ,3,9,8\"\n"
                                      "sched.cpu.shares = \"high\"\n");

    cr_assert_eq(dom->vcpus, 6);
    cr_assert_eq(dom->sockets, 1);
    cr_assert_eq(dom->dies, 1);
    cr_assert_eq(dom->cores, 4);
    cr_assert_eq(dom->threads, 1);
    cr_assert_str_eq(dom->cpuset, "1-3,7-9");
    cr_assert_eq(dom->cpu_shares, 12000);
    vmx_domain_free(dom);

    dom = convert_ok(HEAD "sched.cpu.shares = \"+250\"\nsched.cpu.affinity = \"ALL\"\n");
    cr_assert_eq(dom->cpu_shares, 250);
    cr_assert_null(dom->cpuset);
    vmx_domain_free(dom);
}

Test(vmx2domain, scsi_disks_get_names_addresses_and_controllers)
{
    vmx_domain *dom =
        convert_ok(HEAD "scsi0.present = \"true\"\n"
                        "scsi0.virtualDev = \"pvscsi\"\n"
                        "scsi0:8.present = \"true\"\n"
                        "scsi0:8.fileName = \"/vmfs/volumes/ds/vm/a.vmdk\"\n"
                        "scsi0:8.writeThrough = \"true\"\n"
                        "scsi0:8.mode = \"independent-nonpersistent\"\n"
                        "scsi2.present = \"true\"\n"
                        "scsi2:0.present = \"true\"\n"
                        "scsi2:0.fileName = \"b.vmdk\"\n");

    cr_assert_eq(dom->ndisks, 2);
    cr_assert_str_eq(dom->disks[0].target, "sdh");
    cr_assert_eq(dom->disks[0].bus, VMX_DISK_BUS_SCSI);
    cr_assert_eq(dom->disks[0].device, VMX_DISK_DEVICE_DISK);
    cr_assert_eq(dom->disks[0].type, VMX_DISK_TYPE_FILE);
    cr_assert_str_eq(dom->disks[0].src, "[ds] vm/a.vmdk");
    cr_assert_eq(dom->disks[0].cache, VMX_DISK_CACHE_WRITETHROUGH);
    cr_assert(dom->disks[0].transient);
    cr_assert_null(dom->disks[0].driver_name);
    cr_assert(dom->disks[0].has_address);
    cr_assert_eq(dom->disks[0].controller, 0);
    cr_assert_eq(dom->disks[0].addr_unit, 8);
    cr_assert_str_eq(dom->disks[1].target, "sdae");
    cr_assert_str_eq(dom->disks[1].src, "[datastore] directory/b.vmdk");
    cr_assert_eq(dom->disks[1].controller, 2);
    cr_assert_eq(dom->disks[1].addr_unit, 0);
    /* controllers 0..2: libvirt adds the absent scsi1 too, without model */
    cr_assert_eq(dom->ncontrollers, 3);
    cr_assert_eq(dom->controllers[0].type, VMX_CONTROLLER_SCSI);
    cr_assert_str_eq(dom->controllers[0].model, "vmpvscsi");
    cr_assert_eq(dom->controllers[1].index, 1);
    cr_assert_null(dom->controllers[1].model);
    cr_assert_null(dom->controllers[2].model);
    vmx_domain_free(dom);
}

Test(vmx2domain, super_wide_scsi_from_hardware_version_13)
{
    vmx_domain *dom = convert_ok("config.version = \"8\"\nvirtualHW.version = \"13\"\n"
                                 "scsi0.present = \"true\"\n"
                                 "scsi0:20.present = \"true\"\n"
                                 "scsi0:20.fileName = \"a.vmdk\"\n");

    cr_assert_eq(dom->scsi_bus_max_unit, 64);
    cr_assert_str_eq(dom->disks[0].target, "sdt");
    cr_assert_eq(dom->disks[0].controller, 0);
    cr_assert_eq(dom->disks[0].addr_unit, 20);
    vmx_domain_free(dom);
}

Test(vmx2domain, cdroms_floppies_and_implicit_controllers)
{
    vmx_domain *dom =
        convert_ok(HEAD "ide0:1.present = \"true\"\n"
                        "ide0:1.deviceType = \"cdrom-raw\"\n"
                        "ide0:1.fileName = \"auto detect\"\n"
                        "ide1:0.present = \"true\"\n"
                        "ide1:0.deviceType = \"cdrom-image\"\n"
                        "ide1:0.fileName = \"/vmfs/volumes/missing/x.iso\"\n"
                        "floppy1.present = \"true\"\n"
                        "floppy1.fileType = \"device\"\n"
                        "floppy1.fileName = \"/dev/fd0\"\n");

    cr_assert_eq(dom->ndisks, 3);
    cr_assert_str_eq(dom->disks[0].target, "hdb");
    cr_assert_eq(dom->disks[0].device, VMX_DISK_DEVICE_LUN);
    cr_assert_eq(dom->disks[0].type, VMX_DISK_TYPE_BLOCK);
    cr_assert(dom->disks[0].startup_optional);
    cr_assert_null(dom->disks[0].src);
    cr_assert(dom->disks[0].readonly);
    cr_assert_eq(dom->disks[0].addr_unit, 1);
    /* libvirt's test mapping treats datastore "missing" as absent */
    cr_assert_str_eq(dom->disks[1].target, "hdc");
    cr_assert_null(dom->disks[1].src);
    cr_assert_eq(dom->disks[1].addr_bus, 1);
    cr_assert_str_eq(dom->disks[2].target, "fdb");
    cr_assert_str_eq(dom->disks[2].src, "/dev/fd0");
    cr_assert_eq(dom->disks[2].bus, VMX_DISK_BUS_FDC);
    /* post-parse appends FDC then IDE */
    cr_assert_eq(dom->ncontrollers, 2);
    cr_assert_eq(dom->controllers[0].type, VMX_CONTROLLER_FDC);
    cr_assert_eq(dom->controllers[1].type, VMX_CONTROLLER_IDE);
    vmx_domain_free(dom);
}

Test(vmx2domain, client_devices_and_absent_slots_are_skipped)
{
    vmx_domain *dom = convert_ok(HEAD "ide0:0.present = \"true\"\n"
                                      "ide0:0.clientDevice = \"true\"\n"
                                      "ide0:1.present = \"false\"\n"
                                      "ide0:1.fileName = \"x.vmdk\"\n");

    cr_assert_eq(dom->ndisks, 0);
    cr_assert_eq(dom->ncontrollers, 0);
    vmx_domain_free(dom);
}

Test(vmx2domain, datastore_map_none_keeps_names)
{
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    vmx_error err = VMX_ERROR_INIT;
    vmx_domain *dom = NULL;

    opts.datastore_map = VMX_DATASTORE_MAP_NONE;
    opts.datacenter_path = "dc1";
    opts.moref = "vm-42";
    cr_assert_eq(convert_opts(HEAD "scsi0.present = \"true\"\n"
                                   "scsi0:0.present = \"true\"\n"
                                   "scsi0:0.fileName = \"sub/dir/a.vmdk\"\n",
                              &opts, &dom, &err),
                 0, "%s", err.message);
    cr_assert_str_eq(dom->disks[0].src, "sub/dir/a.vmdk");
    cr_assert_str_eq(dom->datacenter_path, "dc1");
    cr_assert_str_eq(dom->moref, "vm-42");
    vmx_domain_free(dom);
}

Test(vmx2domain, ethernet_adapters)
{
    vmx_domain *dom =
        convert_ok(HEAD "ethernet0.present = \"true\"\n"
                        "ethernet0.virtualDev = \"vmxnet\"\n"
                        "ethernet0.features = \"15\"\n"
                        "ethernet0.networkName = \"VM Network\"\n"
                        "ethernet0.addressType = \"vpx\"\n"
                        "ethernet0.generatedAddress = \"0:50:56:A:b:c\"\n"
                        "ethernet2.present = \"true\"\n"
                        "ethernet2.connectionType = \"custom\"\n"
                        "ethernet2.networkName = \"n\"\n"
                        "ethernet2.vnet = \"vmnet3\"\n"
                        "ethernet2.addressType = \"static\"\n"
                        "ethernet2.address = \"00:50:56:00:00:01\"\n"
                        "ethernet2.checkMACAddress = \"TRUE\"\n"
                        "ethernet3.present = \"true\"\n"
                        "ethernet3.connectionType = \"nat\"\n"
                        "ethernet4.present = \"true\"\n"
                        "ethernet5.present = \"true\"\n"
                        "ethernet5.dvs.switchId = \"00112233445566778899aabbccddeeff\"\n"
                        "ethernet5.dvs.portId = \"7\"\n"
                        "ethernet5.dvs.portgroupId = \"pg\"\n"
                        "ethernet5.dvs.connectionId = \"9\"\n");

    cr_assert_eq(dom->nnets, 5);
    cr_assert_eq(dom->nets[0].type, VMX_NET_BRIDGE);
    cr_assert_str_eq(dom->nets[0].model, "vmxnet2");
    cr_assert_str_eq(dom->nets[0].bridge, "VM Network");
    cr_assert_str_eq(dom->nets[0].mac, "00:50:56:0a:0b:0c");
    cr_assert_eq(dom->nets[0].mac_type, VMX_MAC_GENERATED);
    cr_assert_not(dom->nets[0].mac_check_set);
    cr_assert_eq(dom->nets[1].type, VMX_NET_BRIDGE);
    cr_assert_str_eq(dom->nets[1].ifname, "vmnet3");
    cr_assert_eq(dom->nets[1].mac_type, VMX_MAC_STATIC);
    /* libvirt compares checkMACAddress with "true" case-sensitively */
    cr_assert(dom->nets[1].mac_check_set);
    cr_assert_not(dom->nets[1].mac_check);
    cr_assert_eq(dom->nets[2].type, VMX_NET_USER);
    cr_assert_null(dom->nets[2].model);
    cr_assert_eq(dom->nets[3].type, VMX_NET_NULL);
    cr_assert_null(dom->nets[3].mac);
    cr_assert_eq(dom->nets[3].mac_type, VMX_MAC_UNSET);
    cr_assert_eq(dom->nets[4].type, VMX_NET_VDS);
    cr_assert_str_eq(dom->nets[4].switch_id, "00112233-4455-6677-8899-aabbccddeeff");
    cr_assert_str_eq(dom->nets[4].port_id, "7");
    cr_assert_str_eq(dom->nets[4].portgroup_id, "pg");
    cr_assert_eq(dom->nets[4].connection_id, 9);
    vmx_domain_free(dom);
}

Test(vmx2domain, serial_and_parallel_ports)
{
    vmx_domain *dom =
        convert_ok(HEAD "serial0.present = \"true\"\n"
                        "serial0.fileType = \"network\"\n"
                        "serial0.fileName = \"tcp6+ssl://[fe80::1]:4000\"\n"
                        "serial0.network.endPoint = \"client\"\n"
                        "serial2.present = \"true\"\n"
                        "serial2.fileName = \"/dev/ttyS2\"\n"
                        "serial3.present = \"true\"\n"
                        "serial3.fileType = \"network\"\n"
                        "serial3.fileName = \"telnet://h:23\"\n"
                        "parallel1.present = \"true\"\n"
                        "parallel1.fileType = \"file\"\n"
                        "parallel1.fileName = \"/vmfs/volumes/ds/p.txt\"\n");

    cr_assert_eq(dom->nserials, 3);
    cr_assert_eq(dom->serials[0].type, VMX_CHR_TCP);
    cr_assert_str_eq(dom->serials[0].host, "fe80::1");
    cr_assert_str_eq(dom->serials[0].service, "4000");
    cr_assert_str_eq(dom->serials[0].protocol, "tls");
    cr_assert_not(dom->serials[0].listen);
    cr_assert_eq(dom->serials[1].type, VMX_CHR_DEV);
    cr_assert_eq(dom->serials[1].port, 2);
    cr_assert_str_eq(dom->serials[1].path, "/dev/ttyS2");
    cr_assert_str_eq(dom->serials[2].protocol, "telnet");
    cr_assert(dom->serials[2].listen);
    cr_assert_eq(dom->nparallels, 1);
    cr_assert_eq(dom->parallels[0].type, VMX_CHR_FILE);
    cr_assert_eq(dom->parallels[0].port, 1);
    cr_assert_str_eq(dom->parallels[0].path, "[ds] p.txt");
    vmx_domain_free(dom);
}

Test(vmx2domain, vnc_graphics)
{
    vmx_domain *dom = convert_ok(HEAD "RemoteDisplay.vnc.enabled = \"true\"\n"
                                      "RemoteDisplay.vnc.keymap = \"de\"\n");

    cr_assert_eq(dom->ngraphics, 1);
    cr_assert_str_eq(dom->graphics[0].type, "vnc");
    cr_assert(dom->graphics[0].autoport);
    cr_assert_eq(dom->graphics[0].port, 0);
    cr_assert_null(dom->graphics[0].listen);
    cr_assert_str_eq(dom->graphics[0].keymap, "de");
    vmx_domain_free(dom);

    dom = convert_ok(HEAD "RemoteDisplay.vnc.enabled = \"true\"\n"
                          "RemoteDisplay.vnc.port = \"5901\"\n"
                          "RemoteDisplay.vnc.ip = \"10.0.0.1\"\n");
    cr_assert_not(dom->graphics[0].autoport);
    cr_assert_eq(dom->graphics[0].port, 5901);
    cr_assert_str_eq(dom->graphics[0].listen, "10.0.0.1");
    vmx_domain_free(dom);
}

Test(vmx2domain, shared_folders_and_video)
{
    vmx_domain *dom = convert_ok(HEAD "isolation.tools.hgfs.disable = \"false\"\n"
                                      "sharedFolder.maxNum = \"2\"\n"
                                      "sharedFolder1.present = \"true\"\n"
                                      "sharedFolder1.enabled = \"true\"\n"
                                      "sharedFolder1.hostPath = \"/h\"\n"
                                      "sharedFolder1.guestName = \"g\"\n"
                                      "sharedFolder2.present = \"true\"\n"
                                      "sharedFolder2.enabled = \"true\"\n"
                                      "sharedFolder2.hostPath = \"/beyond\"\n"
                                      "sharedFolder2.guestName = \"maxnum\"\n"
                                      "svga.vramSize = \"3000000\"\n");

    cr_assert_eq(dom->nfilesystems, 1);
    cr_assert_str_eq(dom->filesystems[0].src, "/h");
    cr_assert_str_eq(dom->filesystems[0].dst, "g");
    cr_assert(dom->filesystems[0].readonly);
    /* 2930 KiB rounded up to a power of two */
    cr_assert_eq(dom->videos[0].vram_kib, 4096);
    vmx_domain_free(dom);
}

Test(vmx2domain, first_occurrence_of_a_key_wins)
{
    vmx_domain *dom =
        convert_ok(HEAD "memsize = \"256\"\nMEMSIZE = \"512\"\n"
                        "displayName = \"first\"\ndisplayname = \"second\"\n");

    cr_assert_eq(dom->memory_kib, 262144);
    cr_assert_str_eq(dom->name, "first");
    vmx_domain_free(dom);
}

Test(vmx2domain, encoding_is_converted)
{
    vmx_domain *dom = convert_ok(".encoding = \"windows-1252\"\n" HEAD
                                 "displayName = \"Caf\xe9 \x80\"\n");

    cr_assert_str_eq(dom->name, "Caf\xc3\xa9 \xe2\x82\xac");
    vmx_domain_free(dom);
}

Test(vmx2domain, firmware_and_smbios)
{
    vmx_domain *dom =
        convert_ok(HEAD "firmware = \"efi\"\nsmbios.reflecthost = \"True\"\n");

    cr_assert_eq(dom->firmware, VMX_FIRMWARE_EFI);
    cr_assert_eq(dom->smbios, VMX_SMBIOS_HOST);
    vmx_domain_free(dom);
}

/* -- errors: what libvirt rejects, with our key, line and message (a missing
 * key of a device is reported at the line of its .present key) */

Test(vmx2domain, versions_are_checked)
{
    convert_fails("virtualHW.version = \"4\"\n", VMX_EINVAL, "config.version", 0,
                  "missing value");
    convert_fails("config.version = \"7\"\nvirtualHW.version = \"4\"\n", VMX_EUNSUPPORTED,
                  "config.version", 1, "config.version 7 is not supported, 8 is needed");
    convert_fails("config.version = \"8\"\nvirtualHW.version = \"3\"\n", VMX_EUNSUPPORTED,
                  "virtualHW.version", 2,
                  "virtualHW.version 3 is not supported, 4 or later is needed");
    convert_fails("config.version = \"8\"\n", VMX_EINVAL, "virtualHW.version", 0,
                  "missing value");
    convert_fails("config.version = \"eight\"\nvirtualHW.version = \"4\"\n", VMX_EINVAL,
                  "config.version", 1, "invalid value 'eight', an integer is needed");
}

Test(vmx2domain, general_values_are_checked)
{
    convert_fails(HEAD "memsize = \"30\"\n", VMX_EINVAL, "memsize", 3,
                  "invalid value 30, a positive multiple of 4 is needed");
    convert_fails(HEAD "memsize = \"unlimited\"\n", VMX_EINVAL, "memsize", 3,
                  "invalid value -1");
    convert_fails(HEAD "numvcpus = \"0\"\n", VMX_EINVAL, "numvcpus", 3,
                  "a positive number is needed");
    convert_fails(HEAD "numvcpus = \"2\"\ncpuid.coresPerSocket = \"4\"\n", VMX_EINVAL,
                  "cpuid.coresPerSocket", 4, "more than numvcpus");
    convert_fails(HEAD "numvcpus = \"2\"\nsched.cpu.affinity = \"1\"\n", VMX_EINVAL,
                  "sched.cpu.affinity", 4, "at least numvcpus (2)");
    convert_fails(HEAD "sched.cpu.affinity = \"1,\"\n", VMX_EINVAL, "sched.cpu.affinity",
                  3, "invalid value '1,'");
    convert_fails(HEAD "sched.cpu.affinity = \"-0\"\n", VMX_EINVAL, "sched.cpu.affinity",
                  3, "invalid value '-0'");
    convert_fails(HEAD "sched.cpu.affinity = \"16384\"\n", VMX_EINVAL,
                  "sched.cpu.affinity", 3, "cpu 16384 is too large");
    convert_fails(HEAD "sched.cpu.shares = \"lots\"\n", VMX_EINVAL, "sched.cpu.shares", 3,
                  "invalid value 'lots'");
    /* libvirt reads "-1" as 2^64-1, which the model cannot hold */
    convert_fails(HEAD "sched.cpu.shares = \"-1\"\n", VMX_EINVAL, "sched.cpu.shares", 3,
                  "invalid value '-1'");
    convert_fails(HEAD "smbios.reflecthost = \"yes\"\n", VMX_EINVAL, "smbios.reflecthost",
                  3, "invalid value 'yes', 'true' or 'false' is needed");
    convert_fails(HEAD "uuid.bios = \"12 34\"\n", VMX_EINVAL, "uuid.bios", 3,
                  "invalid uuid '12 34'");
    convert_fails(HEAD "displayName = \"100% cpu\"\n", VMX_EINVAL, "displayName", 3,
                  "invalid escape sequence");
    convert_fails(HEAD "annotation = \"#NAME# | Version\"\n", VMX_EINVAL, "annotation", 3,
                  "invalid escape sequence");
    convert_fails(HEAD "firmware = \"bios\"\n", VMX_EINVAL, "firmware", 3,
                  "invalid value 'bios', 'efi' is needed");
    convert_fails(HEAD "RemoteDisplay.vnc.enabled = \"true\"\n"
                       "RemoteDisplay.vnc.port = \"59o1\"\n",
                  VMX_EINVAL, "RemoteDisplay.vnc.port", 4, "an integer is needed");
    convert_fails(HEAD "svga.vramSize = \"12 \"\n", VMX_EINVAL, "svga.vramSize", 3,
                  "an integer is needed");
    convert_fails(HEAD "vm.genid = \"x\"\n", VMX_EINVAL, "vm.genid", 3,
                  "an integer is needed");
    convert_fails(HEAD "isolation.tools.hgfs.disable = \"false\"\n"
                       "sharedFolder.maxNum = \"1\"\n"
                       "sharedFolder0.present = \"true\"\n"
                       "sharedFolder0.enabled = \"true\"\n"
                       "sharedFolder0.hostPath = \"/h\"\n",
                  VMX_EINVAL, "sharedFolder0.guestName", 5, "missing value");
}

Test(vmx2domain, disk_errors)
{
    convert_fails(HEAD "scsi0.present = \"true\"\nscsi0.virtualDev = \"auto\"\n",
                  VMX_EINVAL, "scsi0.virtualDev", 4, "invalid value 'auto'");
    convert_fails(HEAD "scsi0.present = \"true\"\nscsi0:0.present = \"true\"\n"
                       "scsi0:0.deviceType = \"ata-hardDisk\"\n"
                       "scsi0:0.fileName = \"a.vmdk\"\n",
                  VMX_EINVAL, "scsi0:0.deviceType", 5,
                  "invalid value 'ata-hardDisk', 'scsi-hardDisk' or 'disk' is needed");
    convert_fails(HEAD "ide0:0.present = \"true\"\nide0:0.fileName = \"root.raw\"\n",
                  VMX_EUNSUPPORTED, "ide0:0.fileName", 4,
                  "file name 'root.raw' is not handled for device type 'unknown'");
    convert_fails(HEAD "ide0:0.present = \"true\"\n", VMX_EUNSUPPORTED, "ide0:0.fileName",
                  3, "file name '' is not handled");
    convert_fails(HEAD "ide0:0.present = \"true\"\nide0:0.fileName = \"dir/a.vmdk\"\n",
                  VMX_EINVAL, "ide0:0.fileName", 4, "relative file name 'dir/a.vmdk'");
    convert_fails(HEAD "ide0:0.present = \"true\"\n"
                       "ide0:0.fileName = \"/vmfs/volumes/ds/missing.vmdk\"\n",
                  VMX_EINVAL, "ide0:0.fileName", 4, "is missing");
    convert_fails(HEAD "ide0:0.present = \"true\"\n"
                       "ide0:0.fileName = \"/vmfs/volumes/ds.vmdk\"\n",
                  VMX_EINVAL, "ide0:0.fileName", 4,
                  "does not name a file in a datastore");
    convert_fails(HEAD "ide0:0.present = \"true\"\nide0:0.deviceType = \"atapi-cdrom\"\n"
                       "ide0:0.fileName = \"a.iso\"\n",
                  VMX_EINVAL, "ide0:0.deviceType", 4, "'cdrom-image' is needed");
    convert_fails(HEAD "floppy0.present = \"true\"\n", VMX_EINVAL, "floppy0.fileType", 3,
                  "missing value");
    convert_fails(HEAD "ide1:1.present = \"maybe\"\n", VMX_EINVAL, "ide1:1.present", 3,
                  "'true' or 'false' is needed");
}

Test(vmx2domain, ethernet_errors)
{
    convert_fails(HEAD "ethernetX.present = \"true\"\n", VMX_EINVAL, "ethernetX.present",
                  3, "ethernet key without a valid adapter number");
    convert_fails(HEAD
                  "ethernet0.present = \"true\"\nethernet0.addressType = \"random\"\n",
                  VMX_EINVAL, "ethernet0.addressType", 4, "invalid value 'random'");
    convert_fails(HEAD "ethernet0.present = \"true\"\n"
                       "ethernet0.generatedAddress = \"00:50:56:xx:00:01\"\n",
                  VMX_EINVAL, "ethernet0.generatedAddress", 4, "a mac address is needed");
    convert_fails(HEAD
                  "ethernet0.present = \"true\"\nethernet0.virtualDev = \"rtl8139\"\n",
                  VMX_EINVAL, "ethernet0.virtualDev", 4, "invalid value 'rtl8139'");
    convert_fails(HEAD "ethernet0.present = \"true\"\n"
                       "ethernet0.connectionType = \"bridged\"\n",
                  VMX_EINVAL, "ethernet0.networkName", 3, "missing value");
    convert_fails(HEAD "ethernet0.present = \"true\"\n"
                       "ethernet0.connectionType = \"custom\"\n"
                       "ethernet0.networkName = \"n\"\n",
                  VMX_EINVAL, "ethernet0.vnet", 3, "missing value");
    convert_fails(HEAD "ethernet1.present = \"true\"\n"
                       "ethernet1.connectionType = \"hostonly\"\n",
                  VMX_EUNSUPPORTED, "ethernet1.connectionType", 4,
                  "connection type 'hostonly' is not supported");
    convert_fails(HEAD "ethernet0.present = \"true\"\n"
                       "ethernet0.connectionType = \"wifi\"\n",
                  VMX_EINVAL, "ethernet0.connectionType", 4, "invalid value 'wifi'");
    convert_fails(HEAD "ethernet0.present = \"true\"\nethernet0.dvs.switchId = \"xyz\"\n",
                  VMX_EINVAL, "ethernet0.dvs.switchId", 4, "invalid uuid 'xyz'");
}

Test(vmx2domain, serial_and_parallel_errors)
{
    convert_fails(HEAD "serial0.present = \"true\"\nserial0.fileType = \"thinprint\"\n",
                  VMX_EUNSUPPORTED, "serial0.fileType", 4,
                  "file type 'thinprint' is not supported");
    /* libvirt 9.0 crashes on this one */
    convert_fails(HEAD "serial0.present = \"true\"\nserial0.fileType = \"file\"\n",
                  VMX_EINVAL, "serial0.fileName", 3, "missing value");
    convert_fails(HEAD "serial0.present = \"true\"\nserial0.fileType = \"network\"\n"
                       "serial0.fileName = \"telnet://host\"\n",
                  VMX_EINVAL, "serial0.fileName", 5, "uri 'telnet://host' has no port");
    convert_fails(HEAD "serial0.present = \"true\"\nserial0.fileType = \"network\"\n"
                       "serial0.fileName = \"udp://host:9\"\n",
                  VMX_EUNSUPPORTED, "serial0.fileName", 5, "uri scheme 'udp'");
    convert_fails(HEAD "serial0.present = \"true\"\nserial0.fileType = \"network\"\n"
                       "serial0.fileName = \"tcp://h:1\"\n"
                       "serial0.network.endPoint = \"both\"\n",
                  VMX_EINVAL, "serial0.network.endPoint", 6, "invalid value 'both'");
    convert_fails(HEAD
                  "parallel0.present = \"true\"\nparallel0.fileName = \"/dev/lp0\"\n",
                  VMX_EINVAL, "parallel0.fileType", 3, "missing value");
    convert_fails(HEAD "parallel0.present = \"true\"\nparallel0.fileType = \"pipe\"\n"
                       "parallel0.fileName = \"p\"\n",
                  VMX_EUNSUPPORTED, "parallel0.fileType", 4, "file type 'pipe'");
}

/* libvirt's reader refuses unquoted values; the line is libvirt's. */
Test(vmx2domain, libvirt_syntax_is_enforced)
{
    convert_fails(HEAD "memsize = 512\n", VMX_EPARSE, "memsize", 3,
                  "unquoted numbers are not allowed");
    convert_fails(HEAD "x = \"1\"; y = \"2\"\nk = true\n", VMX_EPARSE, "k", 4,
                  "unquoted values are not allowed");
    convert_fails(HEAD "a = \"1\" b = \"2\"\n", VMX_EPARSE, "a", 3,
                  "unexpected text after the value");
}

Test(vmx2domain, unknown_encoding_is_unsupported)
{
    vmx_error err = VMX_ERROR_INIT;
    vmx_domain *dom = NULL;
    int rc = convert_opts(".encoding = \"x-no-such-charset\"\n" HEAD, NULL, &dom, &err);

    /* the file layer or the conversion refuses it, never silently */
    cr_assert_lt(rc, 0);
    cr_assert_null(dom);
    cr_assert_neq(err.message[0], '\0');
}

Test(vmx2domain, bad_arguments)
{
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    vmx_error err = VMX_ERROR_INIT;
    vmx_domain *dom = (vmx_domain *)&err;
    vmx_config *cfg = NULL;

    cr_assert_eq(vmx_domain_from_vmx(&dom, NULL, NULL, &err), VMX_EINVAL);
    cr_assert_null(dom);
    cr_assert_eq(vmx_config_parse(&cfg, HEAD, strlen(HEAD), NULL, NULL, NULL), 0);
    opts.version = 99;
    vmx_error_clear(&err);
    cr_assert_eq(vmx_domain_from_vmx(&dom, cfg, &opts, &err), VMX_EINVAL);
    cr_assert_str_eq(err.message, "unsupported options version 99");
    vmx_config_free(cfg);
}

Test(vmx2domain, allocation_failures_are_reported)
{
    static const char text[] =
        HEAD "displayName = \"a|7Cb\"\nannotation = \"x\"\nmemsize = \"64\"\n"
             "numvcpus = \"2\"\nsched.cpu.affinity = \"0,1\"\n"
             "RemoteDisplay.vnc.enabled = \"true\"\nRemoteDisplay.vnc.keymap = \"de\"\n"
             "scsi0.present = \"true\"\nscsi0.virtualDev = \"lsilogic\"\n"
             "scsi0:0.present = \"true\"\nscsi0:0.fileName = \"/vmfs/volumes/d/a.vmdk\"\n"
             "ide0:0.present = \"true\"\nide0:0.fileName = \"a.iso\"\n"
             "ethernet0.present = \"true\"\nethernet0.networkName = \"n\"\n"
             "serial0.present = \"true\"\nserial0.fileType = \"network\"\n"
             "serial0.fileName = \"telnet://h:1\"\n"
             "parallel0.present = \"true\"\nparallel0.fileType = \"device\"\n"
             "parallel0.fileName = \"/dev/lp0\"\n"
             "isolation.tools.hgfs.disable = \"false\"\nsharedFolder.maxNum = \"1\"\n"
             "sharedFolder0.present = \"true\"\nsharedFolder0.enabled = \"true\"\n"
             "sharedFolder0.hostPath = \"/h\"\nsharedFolder0.guestName = \"g\"\n";
    vmx_config *cfg = NULL;
    long n;
    int failures = 0;

    cr_assert_eq(vmx_config_parse(&cfg, text, strlen(text), NULL, NULL, NULL), 0);
    for (n = 1; n < 1000; n++) {
        vmx_error err = VMX_ERROR_INIT;
        vmx_domain *dom = NULL;
        int rc;

        vmx__alloc_fail_after(n);
        rc = vmx_domain_from_vmx(&dom, cfg, NULL, &err);
        vmx__alloc_fail_after(0);
        if (rc == 0) {
            cr_assert_eq(dom->ndisks, 2);
            cr_assert_eq(dom->nfilesystems, 1);
            vmx_domain_free(dom);
            break;
        }
        cr_assert_eq(rc, VMX_ENOMEM, "allocation %ld: rc %d (%s)", n, rc, err.message);
        cr_assert_eq(err.code, VMX_ENOMEM);
        cr_assert_null(dom);
        failures++;
    }
    cr_assert_lt(n, 1000);
    cr_assert_gt(failures, 20);
    vmx_config_free(cfg);
}
