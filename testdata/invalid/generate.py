#!/usr/bin/env python3
"""Writes the hardening cases of testdata/invalid/ (see README.md).

Run from anywhere: `python3 testdata/invalid/generate.py`. Each case is an
input file and a `.error` file (line 1: the line the error names, 0 for
none; line 2: the message, exactly as vmxkit prints it). The inputs are
generated because many hold bytes an editor mangles (NUL, invalid UTF-8,
binary garbage); the expected messages were checked by hand against what
vmxkit prints and, for VMX and XML, against what libvirt 9.0 refuses (lvref).
The large inputs (a 10 MB line, a million entries, 200000 attributes) are not
here: tests/test_invalid.c generates them at run time.
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))

HEAD = b'config.version = "8"\nvirtualHW.version = "4"\n'


def vmx(*lines):
    return HEAD + b"".join(l + b"\n" for l in lines)


DOMAIN_HEAD = (b"<domain type='vmware'>\n  <name>x</name>\n"
               b"  <memory unit='KiB'>32768</memory>\n"
               b"  <os>\n    <type arch='i686'>hvm</type>\n  </os>\n")


def domain(body=b"", head=DOMAIN_HEAD):
    return head + body + b"</domain>\n"


def disk(address, target=b"sda"):
    return (b"  <devices>\n    <disk type='file' device='disk'>\n"
            b"      <source file='[datastore] directory/a.vmdk'/>\n"
            b"      <target dev='" + target + b"' bus='scsi'/>\n"
            b"      " + address + b"\n    </disk>\n  </devices>\n")


YAML_HEAD = b"name: x\nmemory: 32 MiB\n"


def billion_laughs():
    ents = b""
    for i in range(10):
        body = b"lol" * 10 if i == 0 else (b"&l%d;" % (i - 1)) * 10
        ents += b'  <!ENTITY l%d "%s">\n' % (i, body)
    return (b"<?xml version='1.0'?>\n<!DOCTYPE domain [\n" + ents + b"]>\n" +
            domain(b"  <description>&l9;</description>\n"))


def quadratic_blowup():
    return (b"<?xml version='1.0'?>\n<!DOCTYPE domain [\n  <!ENTITY a '" +
            b"x" * 4000 + b"'>\n]>\n" +
            domain(b"  <description>" + b"&a;" * 4000 + b"</description>\n"))


def yaml_merge_bomb():
    out = b"a0: &a0 {k0: x, k1: x, k2: x, k3: x, k4: x, k5: x, k6: x, k7: x, k8: x, k9: x}\n"
    for i in range(1, 9):
        out += (b"a%d: &a%d [" % (i, i) + b", ".join([b"*a%d" % (i - 1)] * 10) +
                b"]\n")
    return out


# (folder, name, content)
CASES = [
    # -- VMX, file layer (vmx_config_parse refuses; lint and convert too)
    ("", "truncated-in-key", HEAD + b"displayNa"),
    ("", "truncated-in-escape", HEAD + b'displayName = "a|2'),
    ("convert", "truncated-after-equals", HEAD + b"displayName ="),
    ("convert", "truncated-utf8-in-quote", HEAD + b'displayName = "\xe4\xbd'),
    ("", "nul-in-value", vmx(b'displayName = "a\0b"')),
    ("", "nul-in-key", vmx(b'display\0Name = "a"')),
    ("", "nul-at-end", vmx(b'displayName = "a"') + b"\0"),
    ("", "garbage-png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0"),
    ("", "garbage-elf", b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0>\0"),
    ("", "garbage-gzip", b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xcb\x48\xcd\xc9\xc9\x07\x00"),
    ("", "garbage-no-nul", b"\xde\xad\xbe\xef \xff\xfe\n\x80\x81 == \"\n"),
    ("", "encoding-ebcdic", b'.encoding = "IBM037"\n' + HEAD),
    ("", "encoding-utf32", b'.encoding = "UTF-32"\n' + HEAD),
    ("", "encoding-unknown-late", HEAD + b'.encoding = "klingon-8"\n'),
    ("", "unterminated-quote-late", HEAD + b'a = "1"\n' * 40 + b'annotation = "line|0Aline\n'),
    ("convert", "quote-in-key", vmx(b'"displayName" = "a"')),
    # -- VMX that parses but does not convert (convert refuses; lint passes)
    ("convert", "memsize-too-large", vmx(b'memsize = "99999999999999"')),
    ("convert", "memsize-negative", vmx(b'memsize = "-1024"')),
    ("convert", "memsize-not-a-number", vmx(b'memsize = "lots"')),
    ("convert", "memsize-overflow", vmx(b'memsize = "18446744073709551616"')),
    ("convert", "memsize-not-multiple-of-4", vmx(b'memsize = "1023"')),
    ("convert", "numvcpus-negative", vmx(b'numvcpus = "-2"')),
    ("convert", "numvcpus-overflow", vmx(b'numvcpus = "99999999999999999999"')),
    ("convert", "numvcpus-hex", vmx(b'numvcpus = "0x2"')),
    ("convert", "pipe-escape-invalid", vmx(b'displayName = "a|zz"')),
    ("convert", "pipe-escape-nul", vmx(b'displayName = "a|00b"')),
    ("convert", "pipe-escape-truncated", vmx(b'annotation = "note|0"')),
    ("convert", "config-version-missing", b'virtualHW.version = "4"\n'),
    ("convert", "config-version-wrong", b'config.version = "7"\nvirtualHW.version = "4"\n'),
    ("convert", "virtualhw-too-old", b'config.version = "8"\nvirtualHW.version = "2"\n'),
    ("convert", "virtualhw-not-a-number", b'config.version = "8"\nvirtualHW.version = "four"\n'),
    ("convert", "scsi-virtualdev-unknown", vmx(b'scsi0.present = "true"', b'scsi0.virtualDev = "bogus"')),
    ("convert", "scsi-devicetype-unknown",
     vmx(b'scsi0.present = "true"', b'scsi0:0.present = "true"',
         b'scsi0:0.deviceType = "tape"', b'scsi0:0.fileName = "a.vmdk"')),
    ("convert", "ethernet-connection-unknown",
     vmx(b'ethernet0.present = "true"', b'ethernet0.connectionType = "carrier-pigeon"')),
    ("convert", "ethernet-address-invalid",
     vmx(b'ethernet0.present = "true"', b'ethernet0.addressType = "static"',
         b'ethernet0.address = "00:50:56:zz:00:01"')),
    ("convert", "serial-filetype-unknown",
     vmx(b'serial0.present = "true"', b'serial0.fileType = "teletype"',
         b'serial0.fileName = "/dev/ttyS0"')),
    ("convert", "uuid-invalid", vmx(b'uuid.bios = "56 4d 00 zz"')),
    ("convert", "encoding-gbk-invalid-bytes",
     b'.encoding = "GBK"\n' + vmx(b'displayName = "a\xff\xffb"')),
    # -- VMX the tolerant reader accepts with an error diagnostic (lint refuses)
    ("lint", "invalid-utf8-declared", b'.encoding = "UTF-8"\n' + vmx(b'displayName = "a\xff\xfeb"')),
    ("lint", "invalid-utf8-overlong", b'.encoding = "UTF-8"\n' + vmx(b'displayName = "\xc0\xaf"')),
    ("lint", "invalid-utf8-surrogate", b'.encoding = "UTF-8"\n' + vmx(b'annotation = "\xed\xa0\x80"')),
    # -- libvirt domain XML
    ("xml", "xxe-file-entity",
     b"<?xml version='1.0'?>\n<!DOCTYPE domain [\n  <!ENTITY x SYSTEM 'xxe-secret.txt'>\n]>\n" +
     domain(b"  <description>&x;</description>\n")),
    ("xml", "xxe-file-entity-in-name",
     b"<?xml version='1.0'?>\n<!DOCTYPE domain [\n  <!ENTITY x SYSTEM 'file:///etc/hostname'>\n]>\n"
     b"<domain type='vmware'>\n  <name>&x;</name>\n</domain>\n"),
    ("xml", "xxe-http-entity",
     b"<?xml version='1.0'?>\n<!DOCTYPE domain [\n  <!ENTITY x SYSTEM 'http://127.0.0.1:9/x'>\n]>\n" +
     domain(b"  <description>&x;</description>\n")),
    ("xml", "billion-laughs", billion_laughs()),
    ("xml", "quadratic-blowup", quadratic_blowup()),
    ("xml", "deep-nesting", b"<domain type='vmware'>" + b"<a>" * 10000 + b"</a>" * 10000 + b"</domain>\n"),
    ("xml", "deep-nesting-description",
     domain(b"  <description>" + b"<b>" * 300 + b"</b>" * 300 + b"</description>\n")),
    ("xml", "invalid-utf8-attribute", domain(b"  <devices>\n    <disk type='file' device='disk'>\n"
                                             b"      <source file='[ds] \xff\xfe.vmdk'/>\n")),
    ("xml", "nul-byte", domain(b"  <description>a\0b</description>\n")),
    ("xml", "truncated-in-attribute", DOMAIN_HEAD + b"  <devices>\n    <disk type='fi"),
    ("xml", "garbage", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0"),
    ("xml", "encoding-unknown", b"<?xml version='1.0' encoding='x-klingon'?>\n" + domain()),
    ("xml", "encoding-utf16-declared", b"<?xml version='1.0' encoding='UTF-16'?>\n" + domain()),
    ("xml", "scsi-controller-index-too-large",
     domain(disk(b"<address type='drive' controller='4' bus='0' target='0' unit='0'/>",
                 b"sdbi"))),
    ("xml", "scsi-unit-too-large",
     domain(disk(b"<address type='drive' controller='0' bus='0' target='0' unit='99'/>"))),
    ("xml", "scsi-target-name-past-limits",
     domain(disk(b"<address type='drive' controller='0' bus='0' target='0' unit='0'/>",
                 b"sdzzzzzzzzzzzzzzzzzzzzz"))),
    ("xml", "disk-target-needs-controller-past-the-cap",
     domain(b"  <devices>\n    <disk type='file' device='disk'>\n"
            b"      <target dev='sdzzzz' bus='scsi'/>\n    </disk>\n  </devices>\n")),
    ("xml", "too-many-attributes",
     domain(head=DOMAIN_HEAD.replace(b"<name>", b"<name" + b"".join(
         b" a%d='1'" % i for i in range(300)) + b">", 1))),
    ("xml", "too-many-attributes-utf16",
     ("<domain type='vmware'" + "".join(" a%d='1'" % i for i in range(300)) + ">\n"
      "  <name>x</name>\n</domain>\n").encode("utf-16")),
    ("xml", "too-many-attributes-in-dtd",
     b"<!DOCTYPE domain [\n" + b"".join(b"  <!ATTLIST domain a%d CDATA '1'>\n" % i
                                       for i in range(300)) + b"]>\n" + domain()),
    ("xml", "memory-overflow", domain(head=DOMAIN_HEAD.replace(b"32768", b"99999999999999999999999"))),
    ("xml", "memory-negative-unit", domain(head=DOMAIN_HEAD.replace(b"32768", b"-1"))),
    # -- YAML
    ("yaml", "alias-bomb-mappings", yaml_merge_bomb()),
    ("yaml", "deep-flow-nesting", YAML_HEAD + b"extra: " + b"[" * 10000 + b"]" * 10000 + b"\n"),
    ("yaml", "deep-block-nesting", YAML_HEAD + b"".join(b" " * i + b"k%d:\n" % i for i in range(2000))),
    ("yaml", "invalid-utf8-key", YAML_HEAD + b"descr\xffiption: x\n"),
    ("yaml", "nul-byte", YAML_HEAD + b"description: a\0b\n"),
    ("yaml", "truncated-quote", YAML_HEAD + b'description: "abc'),
    ("yaml", "garbage", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0"),
    ("yaml", "memory-overflow", b"name: x\nmemory: 99999999999999999999 TiB\n"),
    ("yaml", "memory-negative", b"name: x\nmemory: -4 MiB\n"),
    ("yaml", "disk-unit-too-large",
     YAML_HEAD + b"devices:\n  disks:\n    - device: disk\n      bus: scsi\n      target: sda\n"
     b"      source: '[ds] a.vmdk'\n      address: {controller: 0, bus: 0, target: 0, unit: 99}\n"),
    ("yaml", "controller-index-too-large",
     YAML_HEAD + b"devices:\n  controllers:\n    - type: scsi\n      index: 99999999999\n"),
    # -- XML in encodings libxml2 cannot read: one line from vmxkit, nothing
    #    from libxml2 on stderr
    ("xml", "encoding-utf32le-no-bom", domain().decode().encode("utf-32-le")),
    ("xml", "encoding-utf32be-truncated", domain().decode().encode("utf-32-be") + b"\0\0"),
    ("xml", "encoding-utf16-odd-length", domain().decode().encode("utf-16") + b"\n"),
    ("xml", "encoding-utf16le-odd-length-no-bom",
     ("<?xml version='1.0'?>\n" + domain().decode()).encode("utf-16-le") + b"\n"),
    ("xml", "encoding-gbk-invalid-bytes",
     b"<?xml version='1.0' encoding='GBK'?>\n" +
     domain(b"  <description>a\xff\xffb</description>\n")),
    ("xml", "encoding-shift-jis-invalid-bytes",
     b"<?xml version='1.0' encoding='Shift_JIS'?>\n" +
     domain(b"  <description>\x81\x00</description>\n")),
    # -- YAML past the readers' device cap (VMX_MAX_DEVICES): the XML written
    #    from it would be refused by the XML reader
    ("yaml", "too-many-disks", YAML_HEAD + b"devices:\n  disks:\n" + b"    - {}\n" * 1025),
    ("yaml", "too-many-controllers",
     YAML_HEAD + b"devices:\n  controllers:\n" +
     b"".join(b"    - {type: usb, index: %d}\n" % i for i in range(1025))),
    ("yaml", "disk-target-needs-controller-past-the-cap",
     YAML_HEAD + b"devices:\n  disks:\n    - device: disk\n      bus: scsi\n"
     b"      target: sdzzzz\n"),
    ("yaml", "disk-address-controller-past-the-cap",
     YAML_HEAD + b"devices:\n  disks:\n    - device: disk\n      bus: scsi\n      target: sda\n"
     b"      source: '[ds] a.vmdk'\n"
     b"      address: {controller: 1024, bus: 0, target: 0, unit: 0}\n"),
    ("yaml", "implicit-controllers-past-the-cap",
     YAML_HEAD + b"devices:\n  disks:\n    - device: disk\n      bus: scsi\n      target: sda\n"
     b"      address: {controller: 1023, bus: 0, target: 0, unit: 0}\n"
     b"  controllers:\n    - type: usb\n      index: 0\n"),
    ("yaml", "controller-index-negative",
     YAML_HEAD + b"devices:\n  controllers:\n    - type: scsi\n      index: -1\n"),
    ("yaml", "controller-index-duplicate",
     YAML_HEAD + b"devices:\n  controllers:\n    - {type: scsi, index: 1}\n"
     b"    - {type: scsi, index: 1}\n"),
    ("yaml", "disk-address-negative",
     YAML_HEAD + b"devices:\n  disks:\n    - target: sda\n      bus: scsi\n"
     b"      address: {controller: 0, bus: 0, target: 0, unit: -1}\n"),
    ("yaml", "disk-name-unknown-without-address",
     YAML_HEAD + b"devices:\n  disks:\n    - target: foo\n      bus: scsi\n"),
]

# name -> (line, message): what vmxkit prints, checked by hand (see above)
EXPECT = {
    "truncated-in-key": (3, "missing '=' after key"),
    "truncated-in-escape": (3, "unterminated quoted value"),
    "nul-in-value": (3, "NUL byte in line"),
    "nul-in-key": (3, "NUL byte in line"),
    "nul-at-end": (4, "NUL byte in line"),
    "garbage-png": (1, "missing '=' after key"),
    "garbage-elf": (1, "NUL byte in line"),
    "garbage-gzip": (1, "NUL byte in line"),
    "garbage-no-nul": (1, "missing '=' after key"),
    "encoding-ebcdic": (1, "unsupported encoding 'IBM037' (not ASCII-compatible)"),
    "encoding-utf32": (1, "unsupported encoding 'UTF-32' (not ASCII-compatible)"),
    "encoding-unknown-late": (3, "unknown encoding 'klingon-8'"),
    "unterminated-quote-late": (43, "unterminated quoted value"),
    "truncated-after-equals": (3, "missing value after '='"),
    "truncated-utf8-in-quote": (3, "unterminated quoted value"),
    "quote-in-key": (3, "expecting a key"),
    "memsize-too-large": (3, "invalid value 99999999999999, a positive multiple of 4 is needed"),
    "memsize-negative": (3, "invalid value -1024, a positive multiple of 4 is needed"),
    "memsize-not-a-number": (3, "invalid value 'lots', an integer is needed"),
    "memsize-overflow": (3, "invalid value '18446744073709551616', an integer is needed"),
    "memsize-not-multiple-of-4": (3, "invalid value 1023, a positive multiple of 4 is needed"),
    "numvcpus-negative": (3, "invalid value -2, a positive number is needed"),
    "numvcpus-overflow": (3, "invalid value '99999999999999999999', an integer is needed"),
    "numvcpus-hex": (3, "invalid value '0x2', an integer is needed"),
    "pipe-escape-invalid": (3, "invalid escape sequence in 'a|zz'"),
    "pipe-escape-nul": (3, "invalid escape sequence in 'a|00b'"),
    "pipe-escape-truncated": (3, "invalid escape sequence in 'note|0'"),
    "config-version-missing": (0, "missing value"),
    "config-version-wrong": (1, "config.version 7 is not supported, 8 is needed"),
    "virtualhw-too-old": (2, "virtualHW.version 2 is not supported, 4 or later is needed"),
    "virtualhw-not-a-number": (2, "invalid value 'four', an integer is needed"),
    "scsi-virtualdev-unknown":
        (4, "invalid value 'bogus', 'buslogic', 'lsilogic', 'lsisas1068' or 'pvscsi' is needed"),
    "scsi-devicetype-unknown": (5, "invalid value 'tape', 'scsi-hardDisk' or 'disk' is needed"),
    "ethernet-connection-unknown":
        (4, "invalid value 'carrier-pigeon', 'bridged', 'custom', 'nat' or 'hostonly' is needed"),
    "ethernet-address-invalid": (5, "invalid value '00:50:56:zz:00:01', a mac address is needed"),
    "serial-filetype-unknown":
        (4, "file type 'teletype' is not supported, 'device', 'file', 'pipe' or 'network' is needed"),
    "uuid-invalid": (3, "invalid uuid '56 4d 00 zz'"),
    "encoding-gbk-invalid-bytes": (4, "unterminated quoted value"),
    "invalid-utf8-declared": (4, "invalid UTF-8 byte sequence in value; bytes read as windows-1252"),
    "invalid-utf8-overlong": (4, "invalid UTF-8 byte sequence in value; bytes read as windows-1252"),
    "invalid-utf8-surrogate": (4, "invalid UTF-8 byte sequence in value; bytes read as windows-1252"),
    "xxe-file-entity": (11, "entity reference '&x;' is not supported"),
    "xxe-file-entity-in-name": (6, "entity reference '&x;' is not supported"),
    "xxe-http-entity": (11, "entity reference '&x;' is not supported"),
    "billion-laughs": (1, "detected an entity reference loop"),
    "quadratic-blowup": (11, "entity reference '&a;' is not supported"),
    "deep-nesting": (1, "excessive depth in document: 256 use XML_PARSE_HUGE option"),
    "deep-nesting-description": (7, "excessive depth in document: 256 use XML_PARSE_HUGE option"),
    "invalid-utf8-attribute":
        (9, "input is not proper UTF-8, indicate encoding ! Bytes: 0xFF 0xFE 0x2E 0x76"),
    "nul-byte": None,  # per folder below
    "truncated-in-attribute": (8, "AttValue: ' expected"),
    "encoding-unknown": (1, "unsupported encoding x-klingon"),
    "encoding-utf16-declared": (1, "document labelled UTF-16 but has UTF-8 content"),
    "scsi-controller-index-too-large": (0, "scsi controller index 4 out of [0..3] range"),
    "scsi-unit-too-large": (0, "disk address 0:0:99 does not match target device 'sda'"),
    "scsi-target-name-past-limits":
        (0, "cannot derive a disk address from target 'sdzzzzzzzzzzzzzzzzzzzzz'"),
    "disk-target-needs-controller-past-the-cap":
        (0, "disk 'sdzzzz' needs scsi controller 31683, past the limit of 1024 controllers"),
    "too-many-attributes": (2, "element <name> has more than 256 attributes"),
    "too-many-attributes-utf16": (1, "element <domain> has more than 256 attributes"),
    "too-many-attributes-in-dtd":
        (1, "document type declaration with more than 256 declarations and attributes"),
    "memory-overflow": None,  # per folder below
    "memory-negative-unit": (3, "invalid value '-1'"),
    "alias-bomb-mappings": (4, "aliases expand to more than 10000 nodes"),
    "deep-flow-nesting": (3, "nesting deeper than 64 levels"),
    "deep-block-nesting": (67, "nesting deeper than 64 levels"),
    "invalid-utf8-key": (3, "invalid leading UTF-8 octet"),
    "truncated-quote":
        (3, "found unexpected end of stream (while scanning a quoted scalar at line 3)"),
    "memory-negative": (2, "invalid size '-4 MiB' (expected a whole number and a unit, as '4 GiB')"),
    "disk-unit-too-large": (0, "disk address 0:0:99 does not match target device 'sda'"),
    "controller-index-too-large":
        (6, "integer '99999999999' out of range (-2147483648 to 2147483647)"),
    "encoding-utf32le-no-bom":
        (1, "input conversion failed due to input error, bytes 0x64 0x00 0x00 0x00"),
    "encoding-utf32be-truncated": (0, "input ends inside a UCS-4 character (2 bytes left over)"),
    "encoding-utf16-odd-length": (0, "input ends inside a UTF-16 character (1 byte left over)"),
    "encoding-utf16le-odd-length-no-bom":
        (0, "input ends inside a UTF-16 character (1 byte left over)"),
    "encoding-shift-jis-invalid-bytes":
        (8, "input conversion failed due to input error, bytes 0x81 0x00 0x3C 0x2F"),
    "too-many-disks": (1029, "more than 1024 disks"),
    "too-many-controllers": (1029, "more than 1024 controllers"),
    "disk-address-controller-past-the-cap":
        (9, "disk 'sda' needs scsi controller 1024, past the limit of 1024 controllers"),
    "implicit-controllers-past-the-cap": (5, "more than 1024 controllers with the implicit ones"),
    "controller-index-negative": (6, "integer '-1' out of range (0 to 2147483647)"),
    "controller-index-duplicate": (6, "multiple 'scsi' controllers with index '1'"),
    "disk-address-negative": (7, "integer '-1' out of range (0 to 2147483647)"),
    "disk-name-unknown-without-address": (5, "unknown disk name 'foo' and no address specified"),
}

# cases whose name occurs in more than one folder
EXPECT_IN = {
    ("xml", "nul-byte"): (7, "char 0x0 out of allowed range"),
    ("yaml", "nul-byte"): (3, "control characters are not allowed"),
    ("xml", "garbage"): (1, "start tag expected, '<' not found"),
    ("yaml", "garbage"): (1, "invalid leading UTF-8 octet"),
    ("xml", "memory-overflow"): (3, "invalid value '99999999999999999999999'"),
    ("yaml", "memory-overflow"): (2, "size '99999999999999999999 TiB' is too large"),
    ("xml", "encoding-gbk-invalid-bytes"):
        (8, "input conversion failed due to input error, bytes 0xFF 0xFF 0x62 0x3C"),
    ("yaml", "disk-target-needs-controller-past-the-cap"):
        (7, "disk 'sdzzzz' needs scsi controller 31683, past the limit of 1024 controllers"),
}

EXT = {"": "vmx", "convert": "vmx", "lint": "vmx", "xml": "xml", "yaml": "yaml"}


def main():
    for folder, name, content in CASES:
        d = os.path.join(HERE, folder)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "%s.%s" % (name, EXT[folder])), "wb") as f:
            f.write(content)
        line, message = EXPECT_IN.get((folder, name)) or EXPECT[name]
        with open(os.path.join(d, "%s.error" % name), "w") as f:
            f.write("%d\n%s\n" % (line, message))
    with open(os.path.join(HERE, "xml", "xxe-secret.txt"), "wb") as f:
        f.write(b"XXE-SECRET-MARKER: a file the XML reader must never read\n")


if __name__ == "__main__":
    main()
