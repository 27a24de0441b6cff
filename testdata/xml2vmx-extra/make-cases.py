#!/usr/bin/env python3
# Writes the XML of every extra xml2vmx case into OUTDIR and asks libvirt
# (lvref xml2vmx) for the expected VMX. Usage: python3 make-cases.py OUTDIR
import os, subprocess, sys
OUT = sys.argv[1]
UUID = "564d9bef-acd9-b4e0-c8f0-aea8b9103515"
cases = []

def dom(name, devices="", extra="", arch=None, mem=4096, os_extra="", head=""):
    a = f" arch='{arch}'" if arch else ""
    return f"""<domain type='vmware'>
  <name>{name}</name>
  <uuid>{UUID}</uuid>
{head}  <memory unit='KiB'>{mem}</memory>
{extra}  <os{os_extra}>
    <type{a}>hvm</type>
  </os>
  <devices>
{devices}  </devices>
</domain>
"""

def add(name, xml, hw=4):
    cases.append((name, xml, hw))

def disk(typ, dev, target, bus=None, src=None, driver=None, extra=""):
    s = f"    <disk type='{typ}' device='{dev}'>\n"
    if driver:
        s += f"      <driver name='{driver}'/>\n"
    if src is not None:
        attr = 'file' if typ == 'file' else 'dev'
        s += f"      <source {attr}='{src}'/>\n"
    b = f" bus='{bus}'" if bus else ""
    s += f"      <target dev='{target}'{b}/>\n{extra}    </disk>\n"
    return s

def nic(typ, mac=None, source=None, model=None, extra=""):
    s = f"    <interface type='{typ}'>\n"
    if mac:
        s += f"      <mac address='{mac}'/>\n" if not mac.startswith('<') else f"      {mac}\n"
    if source:
        s += f"      <source {source}/>\n"
    if model:
        s += f"      <model type='{model}'/>\n"
    s += extra + "    </interface>\n"
    return s

def vmdk(n):
    return f"[datastore] directory/disk{n}.vmdk"

# --- NICs
models = ["vlance", "vmxnet", "vmxnet3", "e1000e"]
add("nics-four-hw4", dom("nics-four-hw4", "".join(
    nic("bridge", f"00:50:56:00:00:0{i}", f"bridge='net{i}'", m) for i, m in enumerate(models))), 4)
models10 = ["vlance", "vmxnet", "vmxnet2", "vmxnet3", "e1000", "e1000e", None, "e1000", "vmxnet3", "vlance"]
add("nics-ten-hw7", dom("nics-ten-hw7", "".join(
    nic("bridge", f"00:0c:29:00:00:{i:02x}", f"bridge='VM Network {i}'", m) for i, m in enumerate(models10))), 7)
add("nics-ten-hw19", dom("nics-ten-hw19", "".join(
    nic("bridge", f"00:50:56:80:00:{i:02x}", f"bridge='pg{i}'", "vmxnet3") for i in range(10)), arch="x86_64"), 19)
add("nics-mixed-types", dom("nics-mixed-types",
    nic("bridge", "00:50:56:11:22:33", "bridge='br0'", "e1000",
        "      <target dev='vmnet7'/>\n") +
    nic("user", "00:50:56:11:22:34", None, "vmxnet3") +
    nic("null", "00:50:56:11:22:35", None, "e1000e") +
    nic("bridge", "00:50:56:11:22:36", "bridge='Lab Network'", None)), 4)
add("nics-mac-ranges", dom("nics-mac-ranges",
    nic("bridge", "00:0c:29:aa:bb:cc", "bridge='a'") +
    nic("bridge", "00:50:56:3f:ff:ff", "bridge='b'") +
    nic("bridge", "00:50:56:40:00:00", "bridge='c'") +
    nic("bridge", "00:50:56:bf:ff:ff", "bridge='d'") +
    nic("bridge", "00:50:56:c0:00:00", "bridge='e'") +
    nic("bridge", "00:05:69:01:02:03", "bridge='f'") +
    nic("bridge", "<mac address='00:50:56:80:00:01' type='static'/>", "bridge='g'") +
    nic("bridge", "<mac address='00:50:56:80:00:02' type='generated' check='yes'/>", "bridge='h'") +
    nic("bridge", "<mac address='00:0c:29:00:00:03' check='no'/>", "bridge='i'") +
    nic("bridge", "<mac address='AA:BB:CC:00:00:04' type='generated'/>", "bridge='j'")), 7)
add("nics-vds-two", dom("nics-vds-two",
    nic("vds", "00:50:56:87:65:43", "switchid='503426b2-94e9-3b16-1d68-87bfff4a5440' portid='5' portgroupid='dvportgroup-1285' connectionid='408217997'", "vmxnet3") +
    nic("vds", "00:0c:29:87:65:44", "switchid='00000000-0000-0000-0000-000000000001' portid='-1' portgroupid='pg &amp; &lt;test&gt;' connectionid='0'", "e1000")), 7)

# --- SCSI models
for m in ["buslogic", "lsilogic", "lsisas1068", "vmpvscsi", "auto"]:
    add(f"scsi-model-{m}", dom(f"scsi-model-{m}",
        disk("file", "disk", "sda", "scsi", vmdk(1)) +
        f"    <controller type='scsi' index='0' model='{m}'/>\n"), 4)
add("scsi-four-controllers", dom("scsi-four-controllers",
    disk("file", "disk", "sda", "scsi", vmdk(1)) +
    disk("file", "disk", "sdp", "scsi", vmdk(2), driver="LsiLogic") +
    disk("file", "disk", "sdae", "scsi", vmdk(3)) +
    disk("file", "disk", "sdat", "scsi", vmdk(4)) +
    "    <controller type='scsi' index='0' model='vmpvscsi'/>\n"
    "    <controller type='scsi' index='2' model='lsisas1068'/>\n"
    "    <controller type='scsi' index='3' model='auto'/>\n", arch="x86_64"), 13)
add("scsi-units-around-7", dom("scsi-units-around-7",
    disk("file", "disk", "sdf", "scsi", vmdk(1)) +
    disk("file", "disk", "sdg", "scsi", vmdk(2)) +
    disk("file", "disk", "sdh", "scsi", vmdk(3)) +
    disk("file", "disk", "sdo", "scsi", vmdk(4)) +
    disk("file", "disk", "sdp", "scsi", vmdk(5))), 4)
add("scsi-driver-same-controller", dom("scsi-driver-same-controller",
    disk("file", "disk", "sda", "scsi", vmdk(1), driver="buslogic") +
    disk("file", "disk", "sdb", "scsi", vmdk(2), driver="buslogic") +
    disk("file", "cdrom", "sdc", "scsi", "[datastore] iso/install.iso")), 7)
add("scsi-cache-transient", dom("scsi-cache-transient",
    "    <disk type='file' device='disk'>\n      <driver name='lsilogic' cache='writethrough'/>\n"
    f"      <source file='{vmdk(1)}'/>\n      <target dev='sda' bus='scsi'/>\n      <transient/>\n    </disk>\n"
    "    <disk type='file' device='disk'>\n"
    f"      <source file='{vmdk(2)}'/>\n      <target dev='sdb' bus='scsi'/>\n      <transient/>\n    </disk>\n"
    "    <disk type='file' device='disk'>\n      <driver cache='writethrough'/>\n"
    f"      <source file='{vmdk(3)}'/>\n      <target dev='hda' bus='ide'/>\n      <transient/>\n    </disk>\n"), 4)

# --- IDE, CD-ROM, floppy
add("ide-four-devices", dom("ide-four-devices",
    disk("file", "disk", "hda", "ide", vmdk(1)) +
    disk("file", "cdrom", "hdb", "ide", "[datastore] iso/a.ISO") +
    disk("block", "cdrom", "hdc", "ide", "/dev/scd0") +
    disk("file", "cdrom", "hdd", "ide")), 4)
add("cdrom-scsi-mixed", dom("cdrom-scsi-mixed",
    disk("block", "lun", "sda", "scsi", "/vmfs/devices/cdrom/mpx.vmhba32:C0:T0:L0") +
    disk("block", "lun", "sdb", "scsi", "/dev/sr0") +
    "    <disk type='block' device='cdrom'>\n      <source startupPolicy='optional'/>\n      <target dev='sdc' bus='scsi'/>\n    </disk>\n" +
    disk("block", "cdrom", "sdd", "scsi", "/dev/cdrom") +
    disk("file", "cdrom", "sde", "scsi") +
    "    <controller type='scsi' index='0' model='buslogic'/>\n"), 4)
add("floppy-both", dom("floppy-both",
    disk("file", "floppy", "fda", None, "[datastore] floppies/boot.flp") +
    disk("block", "floppy", "fdb", None, "/dev/fd0")), 4)
add("floppy-second-only", dom("floppy-second-only",
    disk("file", "floppy", "fdb", "fdc", "/tmp/image.flp")), 4)
add("floppy-empty-file", dom("floppy-empty-file",
    disk("file", "floppy", "fda", "fdc")), 7)

# --- serial / parallel
for proto, mode, port in [("raw", "connect", 0), ("telnet", "bind", 1), ("telnets", "connect", 2), ("tls", "bind", 3)]:
    add(f"serial-uri-{proto}", dom(f"serial-uri-{proto}",
        f"    <serial type='tcp'>\n      <source mode='{mode}' host='vspc.example.com' service='{13370 + port}'/>\n"
        f"      <protocol type='{proto}'/>\n      <target port='{port}'/>\n    </serial>\n"), 7)
add("serial-all-four", dom("serial-all-four",
    "    <serial type='dev'>\n      <source path='/dev/ttyS0'/>\n      <target port='0'/>\n    </serial>\n"
    "    <serial type='file'>\n      <source path='[datastore] directory/serial1.file'/>\n      <target port='1'/>\n    </serial>\n"
    "    <serial type='pipe'>\n      <source path='serial2.pipe'/>\n      <target port='2'/>\n    </serial>\n"
    "    <serial type='tcp'>\n      <source mode='bind' host='0.0.0.0' service='9003'/>\n      <target port='3'/>\n    </serial>\n"), 4)
add("parallel-three", dom("parallel-three",
    "    <parallel type='dev'>\n      <source path='/dev/parport0'/>\n      <target port='0'/>\n    </parallel>\n"
    "    <parallel type='file'>\n      <source path='[datastore] directory/parallel1.file'/>\n      <target port='1'/>\n    </parallel>\n"
    "    <parallel type='dev'>\n      <source path='/dev/parport2'/>\n      <target port='2'/>\n    </parallel>\n"), 4)

# --- hardware versions
for hw in [7, 8, 9, 10, 11, 13, 14, 15, 17, 18, 19, 20, 21]:
    devs = disk("file", "disk", "sda", "scsi", vmdk(1)) if hw % 2 else ""
    add(f"hw{hw}", dom(f"hw{hw}", devs, arch="x86_64"), hw)

# --- VM-wide keys
add("vnc-full", dom("vnc-full",
    "    <graphics type='vnc' port='5903' autoport='no' listen='10.0.0.1' keymap='de-ch' passwd='s3cret'/>\n"), 4)
add("vnc-autoport", dom("vnc-autoport",
    "    <graphics type='vnc' autoport='yes'/>\n"), 4)
add("memory-rounding", dom("memory-rounding", "",
    "  <currentMemory unit='KiB'>524289</currentMemory>\n  <memtune>\n    <min_guarantee unit='KiB'>1025</min_guarantee>\n  </memtune>\n",
    mem=1048577), 4)
add("memory-unaligned", dom("memory-unaligned", "", mem=4000), 4)
add("cpu-topology", dom("cpu-topology", "",
    "  <vcpu placement='static'>8</vcpu>\n  <cputune>\n    <shares>16000</shares>\n  </cputune>\n",
    arch="x86_64").replace("  <devices>", "  <cpu>\n    <topology sockets='2' dies='1' cores='4' threads='1'/>\n  </cpu>\n  <devices>"), 10)
add("cpuset-shares", dom("cpuset-shares", "",
    "  <vcpu placement='static' cpuset='0-5,^2, 7,9-10'>3</vcpu>\n  <cputune>\n    <shares>1234</shares>\n  </cputune>\n"), 4)
add("shares-low", dom("shares-low", "",
    "  <vcpu>2</vcpu>\n  <cputune>\n    <shares>1000</shares>\n  </cputune>\n"), 4)
add("escape-name-description", dom("a%b/c\\d\"e|f'g&amp;h", "",
    head="  <description>x|y\"z%w/ \\ &amp; &lt;end&gt;</description>\n"), 4)
add("firmware-efi-smbios-host", dom("firmware-efi-smbios-host", "", arch="x86_64",
    os_extra=" firmware='efi'").replace("  </os>", "    <smbios mode='host'/>\n  </os>"), 14)
add("svga-vram-rounding", dom("svga-vram-rounding",
    "    <video>\n      <model type='vmvga' vram='1000'/>\n    </video>\n"), 4)
add("sharedfolders", dom("sharedfolders",
    "    <filesystem type='mount'>\n      <source dir='/home/user/share'/>\n      <target dir='share'/>\n    </filesystem>\n"
    "    <filesystem type='mount' accessmode='passthrough'>\n      <source dir='C:\\Data'/>\n      <target dir='data'/>\n      <readonly/>\n    </filesystem>\n"), 4)
add("kitchen-sink-hw13", dom("kitchen-sink", 
    disk("file", "disk", "sda", "scsi", "[datastore] kitchen/kitchen.vmdk") +
    disk("file", "disk", "sdb", "scsi", "[datastore] kitchen/kitchen_1.vmdk") +
    disk("file", "cdrom", "hda", "ide", "[datastore] iso/tools.iso") +
    disk("file", "floppy", "fda", None, "[datastore] kitchen/a.flp") +
    "    <controller type='scsi' index='0' model='vmpvscsi'/>\n" +
    "    <filesystem type='mount'>\n      <source dir='/srv'/>\n      <target dir='srv'/>\n    </filesystem>\n" +
    nic("bridge", "00:50:56:9a:00:01", "bridge='VM Network'", "vmxnet3") +
    nic("bridge", "00:50:56:9a:00:02", "bridge='Backup'", "e1000e") +
    "    <serial type='file'>\n      <source path='[datastore] kitchen/serial0.log'/>\n      <target port='0'/>\n    </serial>\n"
    "    <parallel type='file'>\n      <source path='/tmp/parallel0.out'/>\n      <target port='0'/>\n    </parallel>\n"
    "    <graphics type='vnc' port='5901' autoport='no'/>\n"
    "    <video>\n      <model type='vmvga' vram='16384'/>\n    </video>\n",
    "  <currentMemory unit='KiB'>2097152</currentMemory>\n  <vcpu placement='static'>4</vcpu>\n  <cputune>\n    <shares>4000</shares>\n  </cputune>\n",
    arch="x86_64", mem=4194304, head="  <description>Kitchen sink: every family</description>\n"), 13)

os.makedirs(OUT, exist_ok=True)
tsv = []
fails = 0
for name, xml, hw in cases:
    xp = os.path.join(OUT, f"{name}.xml")
    open(xp, "w").write(xml)
    r = subprocess.run(["lvref", "xml2vmx", xp, str(hw)], capture_output=True, text=True)
    if r.returncode != 0:
        print("FAIL", name, r.stderr.strip()); fails += 1; continue
    open(os.path.join(OUT, f"{name}.vmx"), "w").write(r.stdout)
    tsv.append(f"{name}\t{hw}")
open(os.path.join(OUT, "CASES.tsv"), "w").write("\n".join(tsv) + "\n")
print(len(tsv), "cases", fails, "failures")

# --- round trips: the XML libvirt wrote for its vmx2xml suite and for the
# wild VMX files, written back to VMX. The XML stays where it is; OUT/roundtrip
# holds the expected VMX and CASES.tsv (XML path under testdata, VMX name, HW).
import glob, re
TESTDATA = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
RT = os.path.join(OUT, "roundtrip")
os.makedirs(RT, exist_ok=True)
HWS = [4, 7, 10, 13, 19]

def escape_annotation(vmx):
    # vmxkit escapes control characters in annotation/displayName as |XX
    # (doc/escaping.md); libvirt writes them raw, breaking the line.
    def fix(m):
        return "".join("|%02x" % ord(ch) if ord(ch) < 0x20 and ch != "\t" else ch
                       for ch in m.group(0))
    return re.sub(r'(?ms)^(annotation|displayName) = ".*?"\n(?=[A-Za-z.])', lambda m:
                  m.group(0)[:-1].replace("\n", "|0a").replace("\r", "|0d") + "\n", vmx)

rt = []
srcs = sorted(glob.glob(os.path.join(TESTDATA, "libvirt/vmx2xml/*.xml"))) + \
       sorted(glob.glob(os.path.join(TESTDATA, "wild/libvirt-xml/*.xml")))
for i, xp in enumerate(srcs):
    rel = os.path.relpath(xp, TESTDATA)
    hw = HWS[i % len(HWS)]
    r = subprocess.run(["lvref", "xml2vmx", xp, str(hw)], capture_output=True, text=True)
    if r.returncode != 0:
        # libvirt rejects it: vmxkit must fail too ("-" as expected name)
        rt.append(f"{rel}\t-\t{hw}")
        continue
    out = escape_annotation(r.stdout)
    name = rel.replace("/", "__")[:-4] + ".vmx"
    open(os.path.join(RT, name), "w").write(out)
    rt.append(f"{rel}\t{name}\t{hw}")
open(os.path.join(RT, "CASES.tsv"), "w").write("\n".join(rt) + "\n")
print(len(rt), "round-trip cases,", sum(1 for x in rt if "\t-\t" in x), "rejected by libvirt")
