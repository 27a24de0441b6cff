#!/bin/sh
# The README's second command (and CI's): install what is missing, build, run
# every test suite twice: in ./build (the normal build) and in ./build-asan
# (--enable-sanitizers --enable-werror: ASan + UBSan, halting on the first
# error, leaks included). Exits non-zero when anything fails. Prints a closing
# line "tests: N passed, N failed" that sums both runs.
#
# VMXKIT_SKIP_ASAN=1 runs the normal build only (for a quick local run).
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
sh scripts/deps.sh
sh scripts/build.sh

passed=0
failed=0

# Add the figures of one build directory's test logs to passed/failed: the
# Criterion suites' "Synthesis" line and the plain programs' "N passed, N
# failed" line (fuzz/standalone).
count_logs() {
    for log in "$1"/tests/*.log "$1"/fuzz/*.log; do
        [ -f "$log" ] || continue
        line=$(grep -a 'Synthesis: Tested:' "$log" | tail -n 1)
        if [ -n "$line" ]; then
            p=$(echo "$line" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
            f=$(echo "$line" | sed -n 's/.*Failing: \([0-9]*\).*/\1/p')
            c=$(echo "$line" | sed -n 's/.*Crashing: \([0-9]*\).*/\1/p')
        else
            line=$(grep -a -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
            [ -n "$line" ] || continue
            p=$(echo "$line" | sed 's/ passed.*//')
            f=$(echo "$line" | sed 's/.*, \([0-9]*\) failed/\1/')
            c=0
        fi
        passed=$((passed + ${p:-0}))
        failed=$((failed + ${f:-0} + ${c:-0}))
    done
}

# Sanitizer reports that do not fail a test by themselves: LeakSanitizer
# runs when a Criterion worker exits, after the test has passed, and
# Criterion then only warns that the test "crashed during its setup or
# teardown". Each log holding such a report counts as one failure.
count_sanitizer_reports() {
    for log in "$1"/tests/*.log "$1"/fuzz/*.log; do
        [ -f "$log" ] || continue
        if grep -a -q -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|crashed during its setup or teardown' "$log"; then
            echo "---- sanitizer report in $log"
            grep -a -E -A 12 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$log" | head -n 40
            failed=$((failed + 1))
            status=1
        fi
    done
}

# Show the tail of the logs of the programs that failed in build dir $1.
show_failures() {
    for log in "$1"/tests/*.log "$1"/fuzz/*.log; do
        [ -f "$log" ] || continue
        grep -q -E '^(FAIL|ERROR)' "${log%.log}.trs" 2>/dev/null || continue
        echo "---- $log"
        tail -n 40 "$log"
    done
}

# run_check DIR LABEL: make check in DIR, print the per-program results, add
# the figures; a failed make with no failed test counts as one failure.
status=0
run_check() {
    dir=$1
    before=$failed
    rc=0
    (cd "$dir" && make -j"$(nproc)" check >check.out 2>&1) || rc=$?
    echo "== $2"
    grep -E '^(PASS|FAIL|XFAIL|XPASS|ERROR|SKIP):' "$dir/check.out" || true
    count_logs "$dir"
    if [ "$rc" -ne 0 ]; then
        show_failures "$dir"
        [ "$failed" -gt "$before" ] || { tail -n 30 "$dir/check.out"; failed=$((failed + 1)); }
        status=1
    fi
}

run_check build "normal build"

if [ "${VMXKIT_SKIP_ASAN:-0}" != 1 ]; then
    # Sanitizer run: every error aborts the program that hits it (and so
    # fails its test), and LeakSanitizer reports leaks at exit.
    ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:abort_on_error=1:allocator_may_return_null=0
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
    export ASAN_OPTIONS UBSAN_OPTIONS
    mkdir -p build-asan
    rc=0
    if [ ! -f build-asan/Makefile ]; then
        (cd build-asan && ../configure --quiet --enable-sanitizers --enable-werror) || rc=$?
    fi
    if [ "$rc" -eq 0 ]; then
        (cd build-asan && make -j"$(nproc)" >build.out 2>&1) || rc=$?
    fi
    if [ "$rc" -ne 0 ]; then
        echo "== sanitizer build (--enable-sanitizers --enable-werror) failed"
        tail -n 40 build-asan/build.out 2>/dev/null || true
        failed=$((failed + 1))
        status=1
    else
        run_check build-asan "sanitizer build (ASan + UBSan, -Werror)"
        count_sanitizer_reports build-asan
    fi
fi

echo "tests: $passed passed, $failed failed"
exit "$status"
