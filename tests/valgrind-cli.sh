#!/bin/sh
# Runs the vmxkit command line under valgrind over testdata: conversions in
# every direction, batch runs, round trips, lint, the codecs, and the error
# paths of the bad-input suite. Fails on the first valgrind error or definite
# leak. `make check-valgrind` runs it (see doc/hardening.md).
#
#   tests/valgrind-cli.sh BUILDDIR SRCDIR
#
# Every command runs through libtool --mode=execute, so that valgrind checks
# the real program and not the libtool wrapper script; --trace-children=yes
# follows anything the command starts. The batch runs use one worker thread
# (-j 1) to keep the run short; threads are covered by one -j 2 run.
set -u
build=$(cd "${1:?usage: valgrind-cli.sh BUILDDIR SRCDIR}" && pwd)
src=$(cd "${2:?usage: valgrind-cli.sh BUILDDIR SRCDIR}" && pwd)
td=$src/testdata
command -v valgrind >/dev/null 2>&1 || {
    echo "valgrind not found (install the Debian package valgrind)" >&2
    exit 77
}
work=$(mktemp -d "${TMPDIR:-/tmp}/vmxkit-valgrind-XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

runs=0
failures=0

# vg EXPECTED-EXIT ARGS...: run vmxkit ARGS under valgrind; the command must
# exit with one of the codes in EXPECTED-EXIT ("0", "1", "0|1") and valgrind
# must report nothing.
vg() {
    expect=$1
    shift
    runs=$((runs + 1))
    log=$work/vg.$runs.log
    "$build/libtool" --mode=execute valgrind --quiet --error-exitcode=99 \
        --leak-check=full --errors-for-leak-kinds=definite \
        --show-leak-kinds=definite --trace-children=yes --track-origins=yes \
        --suppressions="$src/tests/valgrind.supp" --log-file="$log" "$build/bin/vmxkit" "$@" >"$work/out" 2>"$work/err" </dev/null
    rc=$?
    case "|$expect|" in
    *"|$rc|"*) ;;
    *)
        failures=$((failures + 1))
        echo "FAIL (exit $rc, expected $expect): vmxkit $*"
        [ "$rc" -eq 99 ] && cat "$log"
        head -n 5 "$work/err"
        return
        ;;
    esac
    if [ -s "$log" ]; then
        failures=$((failures + 1))
        echo "FAIL (valgrind): vmxkit $*"
        cat "$log"
    fi
}

# -- conversions, one file at a time, every direction (VMX output may be
# refused: libvirt's VMX writer has no SATA, for one)
for f in "$td/vmx2xml-extra/kitchen-sink.vmx" "$td/vmx2xml-extra/encoding-gbk.vmx" \
    "$td/libvirt/vmx2xml/esx-in-the-wild-8.vmx" "$td/wild/icshoneypot__Ubuntu_64_wei.vmx"; do
    vg 0 convert -t xml -o "$work/a.xml" "$f"
    vg 0 convert -t yaml -o "$work/a.yaml" "$f"
    vg 0 convert --lossless -t yaml "$f"
    vg 0\|1 convert -t vmx --hw-version 7 -o "$work/a.vmx" "$f"
    # round trip through the files just written
    rm -f "$work/b.vmx"
    vg 0\|1 convert -t vmx -o "$work/b.vmx" "$work/a.xml"
    vg 0 convert -t xml -o "$work/b.xml" "$work/a.yaml"
    [ -f "$work/b.vmx" ] && vg 0 convert -t xml "$work/b.vmx"
done
vg 0 convert -f vmx -t xml --datacenter-path dc1 --datastore-map none - \
    <"$td/libvirt/vmx2xml/esx-in-the-wild-1.vmx"
vg 0 convert --warnings -t xml "$td/wild/icshoneypot__Ubuntu_64_wei.vmx"
vg 1 convert -t vmx "$td/yaml/full.yaml"
vg 0 convert -t vmx "$td/yaml/esx-in-the-wild-1.yaml"
vg 0 convert -t xml "$td/yaml/strings.yaml"

# -- batch: whole suites in one process each, failures included
vg 0 batch -q -j 1 -t xml -o "$work/b1" "$td/libvirt/vmx2xml"
vg 0\|1 batch -q -j 2 -t yaml -o "$work/b2" "$td/vmx2xml-extra"
vg 0 batch -q -j 1 -t vmx -o "$work/b3" --report "$work/b3.json" "$td/libvirt/xml2vmx"
vg 0 batch -q -j 1 -t xml -o "$work/b4" "$td/yaml/full.yaml" "$td/yaml/minimal.yaml"
vg 0\|1 batch -q -j 1 -t xml --lossless -o "$work/b5" "$td/wild"

# -- round trips and lint
vg 0\|1 roundtrip "$td/libvirt/vmx2xml/esx-in-the-wild-5.vmx" "$td/vmx2xml-extra/kitchen-sink.vmx"
vg 0\|1 lint "$td"/wild/*.vmx
vg 0\|1 lint --json "$td"/vmx2xml-extra/*.vmx

# -- codecs
vg 0 escape pipe 'a|b"c' "line
break"
vg 0 escape pipe -d '|22quoted|22 |7c'
vg 0 escape percent 'a/b%c\d'
vg 0 escape datastore 'Aä1ö2ü3ß4#5~6!7§8/9%Z'
vg 0 escape datastore -d 'A+w6Q-1+w7Y-2_x'
vg 1 escape pipe --strict -d 'a|zz'
vg 0 datastore-path --json '[datastore] directory/file.vmdk' '[ds] file'
vg 1 datastore-path 'no brackets'

# -- the bad-input suite: every error path, in batch runs and one by one
vg 1 batch -q -j 1 -t xml -o "$work/i1" "$td/invalid"
vg 1 batch -q -j 1 -t vmx -o "$work/i2" "$td/invalid/xml" "$td/xml-invalid"
vg 1 batch -q -j 1 -t vmx -o "$work/i3" "$td/invalid/yaml" "$td/yaml/invalid"
for f in "$td"/invalid/*.vmx "$td"/invalid/convert/*.vmx; do
    vg 1 convert --strict -o "$work/out.xml" "$f"
done
for f in "$td"/invalid/xml/*.xml "$td"/invalid/yaml/*.yaml; do
    vg 1 convert -t vmx -o "$work/out.vmx" "$f"
done
vg 1 lint "$td"/invalid/*.vmx "$td"/invalid/lint/*.vmx

echo "valgrind: $runs runs, $failures failed"
[ "$failures" -eq 0 ]
