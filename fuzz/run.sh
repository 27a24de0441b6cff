#!/bin/sh
# Run libFuzzer targets for a while, from a build configured with
# --enable-fuzzers (see doc/fuzzing.md).
#
#   fuzz/run.sh BUILDDIR SECONDS TARGET...
#
# Seeds come from testdata/ and ../shared/corpus (written by fuzz/standalone
# --write-seeds); the corpus grows in BUILDDIR/fuzz/corpus/<target>, crashes
# land in BUILDDIR/fuzz/artifacts/<target>/ and the log in
# BUILDDIR/fuzz/<target>.log. libFuzzer runs in fork mode and goes on after a
# crash, so that one run finds more than one problem. Prints one line per
# target: executions, seconds, corpus size, crashes.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 3 ] || { echo "usage: fuzz/run.sh BUILDDIR SECONDS TARGET..." >&2; exit 2; }
build=$(cd "$1" && pwd)
seconds=$2
shift 2
roots="--root $top/testdata"
[ -d "$top/../shared/corpus" ] && roots="$roots --root $top/../shared/corpus"
for t in "$@"; do
    bin=$build/fuzz/fuzz_$t
    [ -x "$bin" ] || { echo "$bin: not built (configure --enable-fuzzers; make)" >&2; exit 2; }
    case $t in
    vmx_*) dict=$top/fuzz/vmx.dict maxlen=16384 ;;
    xml_*) dict=$top/fuzz/xml.dict maxlen=16384 ;;
    yaml_*) dict=$top/fuzz/yaml.dict maxlen=16384 ;;
    *) dict= maxlen=1024 ;;
    esac
    seeds=$build/fuzz/seeds
    rm -rf "$seeds/$t"
    "$build/fuzz/standalone" $roots --only "$t" --write-seeds "$seeds" >/dev/null
    mkdir -p "$build/fuzz/corpus/$t" "$build/fuzz/artifacts/$t"
    ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "$bin" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len="$maxlen" ${dict:+-dict="$dict"} \
        -artifact_prefix="$build/fuzz/artifacts/$t/" \
        "$build/fuzz/corpus/$t" "$seeds/$t" >"$build/fuzz/$t.log" 2>&1 || true
    execs=$(grep -a -E '^#[0-9]+:' "$build/fuzz/$t.log" | tail -n 1 | sed 's/^#\([0-9]*\):.*/\1/')
    ocrash=$(grep -a -E '^#[0-9]+:' "$build/fuzz/$t.log" | tail -n 1 |
        sed -n 's/.*oom\/timeout\/crash: \([0-9\/]*\).*/\1/p')
    files=$(ls "$build/fuzz/corpus/$t" | wc -l)
    arts=$(ls "$build/fuzz/artifacts/$t" | wc -l)
    echo "$t: ${execs:-0} executions in ${seconds}s, corpus $files, oom/timeout/crash ${ocrash:-0/0/0}, artifacts $arts"
done
