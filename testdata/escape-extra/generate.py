#!/usr/bin/env python3
"""Regenerate the vectors in this folder with libvirt's own escaping code.

Usage: python3 generate.py [LVREF]   (default: /usr/local/bin/lvref)

Every input string is passed to `lvref escape-ds|escape-pipe|escape-percent S`
(libvirt 9.0's esxUtil_EscapeDatastoreItem, virVMXEscapeHexPipe and
virVMXEscapeHexPercent); its output, minus the final newline, is the
"escaped" field. Inputs are chosen by a fixed seed, so the files are
reproducible. See README.md for the two places where vmxkit differs from
libvirt on purpose and how they are recorded ("vmxkit" field).
"""
import json
import random
import subprocess
import sys

LVREF = sys.argv[1] if len(sys.argv) > 1 else "/usr/local/bin/lvref"

# Pieces the random strings are made of: every class the codecs treat
# differently (plain, Windows characters, escape characters, base64
# alphabet, multibyte UTF-8, controls).
PIECES = (
    list("abcXYZ019'(),. _-") +
    list("\"*<>:|?") +
    list("%/\\+,=~!#$&;@[]^`{}") +
    ["ä", "ß", "é", "ñ", "€", "§", "標", "準", "쿀", "😀", "👍🏽", "\u00a0",
     "\u200b", "\U0010fffd", "\ufeff"] +
    ["\t", "\n", "\r", "\x01", "\x1f", "\x7f"] +
    ["%2f", "%25", "|7c", "|22", "+-", "+Kw-", "--", "++", "|0D|0A"]
)

FIXED = [
    "", "a", "_", "-", "+", "++", "+-", "%", "%%", "|", "||", "/", "\\", ":",
    "~", "~~", "~~~", "~~~~", "a~", "a~~", "a~~~", "~a", "~~a", "~~~a", "~-",
    "~_", "~,", "~+", "a+b", "a-b", "+abc-", "+AAA", "x+Kw-y", "%41", "%zz",
    "|0D|0A", "#NAME# | Version", "line1\nline2", "crlf\r\nend", "tab\there",
    "\x01\x02\x03", "\x1b[0m", "del\x7f", "ctl\x1fx", "ä", "ää", "äää", "😀",
    "😀😀", "標準語", "Windows 10 x64", "Ubuntu 64-bit (2)", "a b  c   ",
    "  lead", "trail  ", "...", "a.vmdk", "my-vm_01.vmx", "\"quoted\"",
    "<tag>", "C:\\Users\\vm", "what?", "x*y", "p|q", "50% off", "a/b/c",
    "[datastore1] dir/file.vmx", "é" * 40, "+" * 10, "-" * 10, "%" * 7,
    "''(()),,..", "A" * 200, "€" * 100,
]


def lvref(mode, s):
    r = subprocess.run([LVREF, "escape-" + mode, s.encode("utf-8")],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        return None
    out = r.stdout
    assert out.endswith(b"\n"), (mode, s, out)
    return out[:-1].decode("utf-8")


def vmxkit_pipe(libvirt_out):
    # vmxkit also escapes the control characters 0x01-0x1F other than TAB,
    # which libvirt copies raw (a VMX value cannot hold a newline).
    return "".join("|%02x" % ord(c) if ord(c) < 0x20 and c != "\t" else c
                   for c in libvirt_out)


def record(mode, s):
    esc = lvref(mode, s)
    rec = {"input": s, "escaped": esc}
    if esc is None:
        # libvirt fails on the empty datastore item; vmxkit returns ""
        assert mode == "ds" and s == "", (mode, s)
        rec["vmxkit"] = ""
    elif mode == "pipe" and vmxkit_pipe(esc) != esc:
        rec["vmxkit"] = vmxkit_pipe(esc)
    return json.dumps(rec, ensure_ascii=False)


def main():
    rng = random.Random(20261122)
    strings = list(FIXED)
    for _ in range(300):
        n = rng.randint(1, 12)
        strings.append("".join(rng.choice(PIECES) for _ in range(n)))
    # runs of 1..7 bytes outside the plain set, at the end and in the middle,
    # cover every base64 remainder with and without the closing '-'
    for k in range(1, 8):
        strings.append("x" + "~" * k)
        strings.append("x" + "~" * k + "y")
        strings.append("ä" * k)
    seen = set()
    strings = [s for s in strings if not (s in seen or seen.add(s))]
    for mode, name in (("ds", "datastore-item"), ("pipe", "pipe"),
                       ("percent", "percent")):
        with open(name + ".jsonl", "w", encoding="utf-8") as f:
            for s in strings:
                f.write(record(mode, s) + "\n")
    print("%d strings" % len(strings))


if __name__ == "__main__":
    main()
