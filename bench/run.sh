#!/bin/sh
# vmxkit benchmark: in-process throughput, batch scaling, the disk I/O floor
# and peak memory, with libvirt's converter (lvref) side by side when it is
# available. Prints figures only; it asserts nothing. doc/performance.md
# explains the figures.
#
#   sh bench/run.sh [BUILDDIR]          (default: ./build; `make bench` runs it)
# Environment: BENCH_SECONDS (default 3, per in-process direction),
# BENCH_COPIES (default 10000 files per corpus), BENCH_RSS_FILES (default
# 100000), BENCH_REPEAT (default 3: each batch timing is the best of so many
# runs, the least disturbed by other load), LVREF (path to lvref; found on
# PATH or built from ../shared/tools/lvref when absent), BENCH_DISK_DIR
# (default: BUILDDIR; must not be tmpfs), BENCH_SKIP (words of "inproc tmpfs
# disk rss" to leave out), BENCH_NICE (see below).
set -e

# With Linux's autogroup scheduling a session competes for the CPUs as one
# group, however many threads it runs: on a machine busy with other work the
# batch's second worker then gains nothing. BENCH_NICE=-10 (as root) raises
# this session's weight for the run, for vmxkit and libvirt alike.
# The setting holds for the whole session: the old value is put back on exit.
nice_before=
if [ -n "${BENCH_NICE:-}" ]; then
    nice_before=$(sed -n 's/.* nice \(-*[0-9]*\).*/\1/p' "/proc/$$/autogroup" 2>/dev/null || true)
    echo "$BENCH_NICE" 2>/dev/null >"/proc/$$/autogroup" ||
        echo "(BENCH_NICE: cannot set the autogroup's nice value)"
fi
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
secs=${BENCH_SECONDS:-3}
copies=${BENCH_COPIES:-10000}
rssfiles=${BENCH_RSS_FILES:-100000}
repeat=${BENCH_REPEAT:-3}
skip=${BENCH_SKIP:-}
shm=/dev/shm/vmxkit-bench.$$
disk=${BENCH_DISK_DIR:-$build}/bench-disk.$$
cleanup() {
    rm -rf "$shm" "$disk"
    if [ -n "$nice_before" ]; then
        echo "$nice_before" 2>/dev/null >"/proc/$$/autogroup" || true
    fi
}
trap cleanup EXIT INT TERM

# Time the real programs, not libtool's wrapper scripts (which start a shell
# and relink paths on every run).
LD_LIBRARY_PATH="$build/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export LD_LIBRARY_PATH
vmxkit=$build/bin/.libs/vmxkit
[ -x "$vmxkit" ] || vmxkit=$build/bin/vmxkit
bench=$build/bench/.libs/vmxkit-bench
[ -x "$bench" ] || bench=$build/bench/vmxkit-bench

lvref=${LVREF:-$(command -v lvref || true)}
if [ -z "$lvref" ] && [ -f "$top/../shared/tools/lvref/build.sh" ]; then
    lvref=$(sh "$top/../shared/tools/lvref/build.sh" "${TMPDIR:-/tmp}" 2>/dev/null || true)
fi
if [ -n "$lvref" ] && [ ! -x "$lvref" ]; then
    echo "(lvref: $lvref is not an executable)"
    lvref=
fi

cd "$top/testdata/libvirt"
vmx_ok=$(awk '$2 == "ok" { printf "%s/vmx2xml/%s.vmx\n", d, $1 }' d="$PWD" vmx2xml/CASES.tsv)
xml_in=$(ls "$PWD"/xml2vmx/*.xml)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.1fx", a / b; else print "n/a" }'; }
rate_of() { sed -n 's/.*per_sec=\([0-9.]*\).*/\1/p'; }
secs_of() { sed -n 's/.*seconds=\([0-9.]*\).*/\1/p'; }
cpu_of() { sed -n 's/.*user=\([0-9.]*\) sys=\([0-9.]*\).*/user \1s sys \2s/p'; }
skipped() { case " $skip " in *" $1 "*) return 0 ;; esac; return 1; }

echo "vmxkit benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)${BENCH_NICE:+, autogroup nice $BENCH_NICE}"
[ -n "$lvref" ] || echo "(lvref not available: no libvirt comparison)"

if ! skipped inproc; then
    echo
    echo "== in-process conversion, one thread (libvirt corpora, ${secs}s per direction)"
    # shellcheck disable=SC2086
    inproc=$("$bench" convert "$secs" $vmx_ok $xml_in)
    echo "$inproc"
    if [ -n "$lvref" ]; then
        # shellcheck disable=SC2086
        lv_v2x=$("$lvref" bench vmx2xml "$secs" $vmx_ok | rate_of)
        # shellcheck disable=SC2086
        lv_x2v=$("$lvref" bench xml2vmx "$secs" $xml_in | rate_of)
        our_v2x=$(echo "$inproc" | grep '^vmx2xml' | rate_of)
        our_x2v=$(echo "$inproc" | grep '^xml2vmx' | rate_of)
        echo "libvirt    vmx2xml per_sec=$lv_v2x  xml2vmx per_sec=$lv_x2v"
        echo "ratio      vmx2xml $(ratio "$our_v2x" "$lv_v2x") (target 10x)  xml2vmx $(ratio "$our_x2v" "$lv_x2v") (target 5x)"
    fi
fi

# batch_time DIR -- CMD...: best wall time of $repeat runs, each writing
# to a fresh directory under DIR (@OUT@ in CMD); DIR is removed afterwards
batch_time() {
    out=$1
    shift 2
    "$bench" time "$repeat" "$out" "$@"
}

if ! skipped tmpfs; then
    echo
    echo "== batch on tmpfs ($copies files per corpus, best of $repeat runs)"
    mkdir -p "$shm/vmx" "$shm/xml"
    # shellcheck disable=SC2086
    "$bench" replicate "$shm/vmx" "$copies" $vmx_ok
    # shellcheck disable=SC2086
    "$bench" replicate "$shm/xml" "$copies" $xml_in
    for dir in vmx2xml xml2vmx; do
        if [ $dir = vmx2xml ]; then in=$shm/vmx to=xml; else in=$shm/xml to=vmx; fi
        r1=$(batch_time "$shm/out" -- "$vmxkit" batch -q -t $to -o @OUT@ -j 1 "$in")
        r2=$(batch_time "$shm/out" -- "$vmxkit" batch -q -t $to -o @OUT@ -j 2 "$in")
        t1=$(echo "$r1" | secs_of)
        t2=$(echo "$r2" | secs_of)
        echo "$dir    vmxkit -j1 ${t1}s ($(echo "$r1" | cpu_of))  -j2 ${t2}s ($(echo "$r2" | cpu_of))  scaling $(ratio "$t1" "$t2") (target 1.7x)"
        if [ -n "$lvref" ]; then
            rl=$(batch_time "$shm/out" -- "$lvref" batch $dir @OUT@ "$in"/*)
            tl=$(echo "$rl" | secs_of)
            target=8x
            [ $dir = vmx2xml ] || target=4x
            echo "$dir    libvirt ${tl}s ($(echo "$rl" | cpu_of))  ratio -j1 $(ratio "$tl" "$t1")  -j2 $(ratio "$tl" "$t2") (target $target)"
        fi
    done
    rm -rf "$shm/vmx" "$shm/xml"
fi

if ! skipped disk; then
    echo
    echo "== batch on disk ($(df -PT "${BENCH_DISK_DIR:-$build}" | awk 'NR == 2 { print $2 }') at ${BENCH_DISK_DIR:-$build}, $copies files) against a plain read/write copy"
    mkdir -p "$disk/in"
    # shellcheck disable=SC2086
    "$bench" replicate "$disk/in" "$copies" $vmx_ok
    # Nothing is deleted on the disk until the end (see vmxkit-bench time),
    # and the three are timed in turn, round after round, so that they meet
    # the same state of the file system; the best round of each counts.
    BENCH_KEEP=1
    export BENCH_KEEP
    rc='' r1='' r2=''
    round=0
    while [ $round -lt "$repeat" ]; do
        sync
        rc="$rc
$("$bench" time 1 "$disk/copy$round" "$bench" copy @OUT@ "$disk"/in/*)"
        sync
        r1="$r1
$("$bench" time 1 "$disk/out1-$round" "$vmxkit" batch -q -t xml -o @OUT@ -j 1 "$disk/in")"
        sync
        r2="$r2
$("$bench" time 1 "$disk/out2-$round" "$vmxkit" batch -q -t xml -o @OUT@ -j 2 "$disk/in")"
        round=$((round + 1))
    done
    best() { grep seconds= | sort -t= -k2 -n | head -n 1; }
    rc=$(echo "$rc" | best)
    r1=$(echo "$r1" | best)
    r2=$(echo "$r2" | best)
    c=$(echo "$rc" | secs_of)
    d1=$(echo "$r1" | secs_of)
    d2=$(echo "$r2" | secs_of)
    echo "copy floor ${c}s ($(echo "$rc" | cpu_of))"
    echo "vmxkit batch vmx2xml -j1 ${d1}s ($(echo "$r1" | cpu_of)), $(ratio "$d1" "$c") the floor"
    echo "vmxkit batch vmx2xml -j2 ${d2}s ($(echo "$r2" | cpu_of)), $(ratio "$d2" "$c") the floor (target <= 1.5x)"
    unset BENCH_KEEP
    rm -rf "$disk"
fi

if ! skipped rss; then
    echo
    echo "== peak memory, batch of $rssfiles files"
    mkdir -p "$shm/many"
    # shellcheck disable=SC2086
    "$bench" replicate "$shm/many" "$rssfiles" $vmx_ok
    echo "vmxkit batch -j2 $("$bench" rss "$vmxkit" batch -q -t xml -o "$shm/out" -j 2 "$shm/many") (target < 65536)"
    rm -rf "$shm/many" "$shm/out"
fi
