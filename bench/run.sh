#!/bin/sh
# vmxkit benchmark: in-process throughput, batch scaling, the disk I/O floor
# and peak memory, with libvirt's converter (lvref) side by side when it is
# available. Prints figures only; it asserts nothing.
#
#   sh bench/run.sh [BUILDDIR]          (default: ./build; `make bench` runs it)
# Environment: BENCH_SECONDS (default 3), BENCH_COPIES (default 10000 files
# per corpus), BENCH_RSS_FILES (default 100000), LVREF (path to lvref; found
# on PATH or built from ../shared/tools/lvref when absent), BENCH_DISK_DIR.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
secs=${BENCH_SECONDS:-3}
copies=${BENCH_COPIES:-10000}
rssfiles=${BENCH_RSS_FILES:-100000}
vmxkit=$build/bin/vmxkit
bench=$build/bench/vmxkit-bench
shm=/dev/shm/vmxkit-bench.$$
disk=${BENCH_DISK_DIR:-$build/bench-disk.$$}
trap 'rm -rf "$shm" "$shm.inproc" "$disk"' EXIT INT TERM

lvref=${LVREF:-$(command -v lvref || true)}
if [ -z "$lvref" ] && [ -x "$top/../shared/tools/lvref/build.sh" ]; then
    lvref=$(sh "$top/../shared/tools/lvref/build.sh" "${TMPDIR:-/tmp}" 2>/dev/null || true)
fi

cd "$top/testdata/libvirt"
vmx_ok=$(awk '$2 == "ok" { printf "vmx2xml/%s.vmx\n", $1 }' vmx2xml/CASES.tsv)
xml_in=$(ls xml2vmx/*.xml)

elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
now() { date +%s.%N; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "n/a" }'; }
rate_of() { sed -n 's/.*per_sec=\([0-9.]*\).*/\1/p'; }

echo "== in-process conversion (distinct corpus files, ${secs}s each)"
# shellcheck disable=SC2086
"$bench" convert "$secs" $vmx_ok $xml_in > "$shm.inproc"
cat "$shm.inproc"
if [ -n "$lvref" ]; then
    # shellcheck disable=SC2086
    lv_v2x=$("$lvref" bench vmx2xml "$secs" $vmx_ok | rate_of)
    # shellcheck disable=SC2086
    lv_x2v=$("$lvref" bench xml2vmx "$secs" $xml_in | rate_of)
    our_v2x=$(grep '^vmx2xml' "$shm.inproc" | rate_of)
    our_x2v=$(grep '^xml2vmx' "$shm.inproc" | rate_of)
    echo "libvirt    vmx2xml per_sec=$lv_v2x  xml2vmx per_sec=$lv_x2v"
    echo "ratio      vmx2xml $(ratio "$our_v2x" "$lv_v2x") (target 10x)  xml2vmx $(ratio "$our_x2v" "$lv_x2v") (target 5x)"
else
    echo "(lvref not available: no libvirt comparison)"
fi
rm -f "$shm.inproc"

# Copies of the corpora, $copies files each, on tmpfs.
make_copies() { # SRC_FILES... -> $dir, $count files
    i=0
    while [ "$i" -lt "$count" ]; do
        for f in "$@"; do
            [ "$i" -lt "$count" ] || break
            cp "$f" "$dir/$i-$(basename "$f")"
            i=$((i + 1))
        done
    done
}
mkdir -p "$shm/vmx" "$shm/xml"
count=$copies dir=$shm/vmx
# shellcheck disable=SC2086
make_copies $vmx_ok
count=$copies dir=$shm/xml
# shellcheck disable=SC2086
make_copies $xml_in

batch_time() { # OUT FORMAT JOBS INPUT
    rm -rf "$1"
    t0=$(now)
    "$vmxkit" batch -q -t "$2" -o "$1" -j "$3" "$4" || true
    elapsed "$t0" "$(now)"
}
lvref_batch_time() { # MODE OUT INPUTDIR
    rm -rf "$2"
    mkdir -p "$2"
    t0=$(now)
    "$lvref" batch "$1" "$2" "$3"/* 2>/dev/null || true
    elapsed "$t0" "$(now)"
}

echo
echo "== batch on tmpfs ($copies files per corpus)"
v1=$(batch_time "$shm/out" xml 1 "$shm/vmx")
v2=$(batch_time "$shm/out" xml 2 "$shm/vmx")
x1=$(batch_time "$shm/out" vmx 1 "$shm/xml")
x2=$(batch_time "$shm/out" vmx 2 "$shm/xml")
echo "vmxkit     vmx2xml -j1 ${v1}s  -j2 ${v2}s  scaling $(ratio "$v1" "$v2") (target 1.7x)"
echo "vmxkit     xml2vmx -j1 ${x1}s  -j2 ${x2}s  scaling $(ratio "$x1" "$x2")"
if [ -n "$lvref" ]; then
    lv1=$(lvref_batch_time vmx2xml "$shm/out" "$shm/vmx")
    lx1=$(lvref_batch_time xml2vmx "$shm/out" "$shm/xml")
    echo "libvirt    vmx2xml ${lv1}s  xml2vmx ${lx1}s"
    echo "ratio      vmx2xml -j1 $(ratio "$lv1" "$v1") (target 8x)  xml2vmx -j1 $(ratio "$lx1" "$x1") (target 4x)"
fi

echo
echo "== batch on disk ($disk) against a plain read/write copy"
mkdir -p "$disk/in" "$disk/copy"
cp "$shm"/vmx/* "$disk/in/"
sync
t0=$(now)
"$bench" copy "$disk/copy" "$disk"/in/*
sync
c=$(elapsed "$t0" "$(now)")
rm -rf "$disk/out"
t0=$(now)
"$vmxkit" batch -q -t xml -o "$disk/out" -j 2 "$disk/in" || true
sync
d=$(elapsed "$t0" "$(now)")
echo "copy floor ${c}s  vmxkit batch -j2 ${d}s  ratio $(ratio "$d" "$c") of the floor (target <= 1.5x)"
rm -rf "$disk"

echo
echo "== peak memory, $rssfiles files"
rm -rf "$shm/out" "$shm/xml"
mkdir -p "$shm/many"
count=$rssfiles dir=$shm/many
# shellcheck disable=SC2086
make_copies $vmx_ok
"$bench" rss "$vmxkit" batch -q -t xml -o "$shm/out" -j 2 "$shm/many"
