#!/bin/sh
# The README's second command (and CI's): install what is missing, build, run
# every test suite. Exits non-zero when any test fails. Prints a closing line
# "tests: N passed, N failed".
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
sh scripts/deps.sh
sh scripts/build.sh
cd build
status=0
make -j"$(nproc)" check >check.out 2>&1 || status=$?
grep -E '^(PASS|FAIL|XFAIL|XPASS|ERROR|SKIP):' check.out || true
passed=0
failed=0
for log in tests/*.log; do
    [ -f "$log" ] || continue
    line=$(grep -a 'Synthesis: Tested:' "$log" | tail -n 1)
    [ -n "$line" ] || continue
    p=$(echo "$line" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
    f=$(echo "$line" | sed -n 's/.*Failing: \([0-9]*\).*/\1/p')
    c=$(echo "$line" | sed -n 's/.*Crashing: \([0-9]*\).*/\1/p')
    passed=$((passed + p))
    failed=$((failed + f + c))
done
if [ "$status" -ne 0 ]; then
    for log in tests/*.log; do
        grep -q -E '^(FAIL|ERROR)' "${log%.log}.trs" 2>/dev/null || continue
        echo "---- $log"
        tail -n 40 "$log"
    done
    [ "$failed" -gt 0 ] || failed=1
fi
echo "tests: $passed passed, $failed failed"
exit "$status"
