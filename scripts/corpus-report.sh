#!/bin/sh
# Corpus report (issue "Beyond libvirt"): for each VMX corpus and each mode,
# how many files convert, how many give libvirt's XML byte for byte (where
# libvirt's XML is in the repository), how many round-trip cleanly
# (`vmxkit roundtrip`: keys kept, fixpoint) and how many XML outputs are
# valid against libvirt's schema (xmllint --relaxng).
#
# usage: sh scripts/corpus-report.sh [BUILDDIR]
#   BUILDDIR holds bin/vmxkit (default: the current directory). Needs
#   xmllint (libxml2-utils) for the schema column, else it prints "-".
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-.}
vmxkit=$(cd "$build" && pwd)/bin/vmxkit
data=$top/testdata
rng=$data/libvirt/schemas/domain.rng

if [ ! -x "$vmxkit" ]; then
    echo "corpus-report: $vmxkit not found (build first, or give the build directory)" >&2
    exit 2
fi
have_xmllint=yes
command -v xmllint >/dev/null 2>&1 || have_xmllint=no

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# The libvirt XML for a VMX file of corpus $1, or nothing.
expected_xml() {
    corpus=$1 vmx=$2
    name=$(basename "$vmx" .vmx)
    case $corpus in
    wild) f=$data/wild/libvirt-xml/$name.xml ;;
    libvirt)
        # only the cases libvirt converts ("ok" in CASES.tsv)
        grep -q "^$name	ok" "$data/libvirt/vmx2xml/CASES.tsv" || return 0
        f=$data/libvirt/vmx2xml/$name.xml ;;
    extra) f=$data/vmx2xml-extra/$name.xml ;;
    esac
    [ -f "$f" ] && echo "$f"
    return 0
}

# Convert options of a file: libvirt's datacenterpath case needs its path.
extra_opts() {
    case $(basename "$1") in
    datacenterpath.vmx) echo "--datacenter-path folder1/folder2/datacenter1" ;;
    esac
}

report() {
    corpus=$1 dir=$2
    files=$(ls "$dir"/*.vmx)
    total=$(echo "$files" | wc -l)
    with_xml=0
    for f in $files; do
        [ -n "$(expected_xml "$corpus" "$f")" ] && with_xml=$((with_xml + 1))
    done
    printf '%s: %s (%d VMX files, libvirt XML for %d)\n' "$corpus" "${dir#"$top"/}" \
        "$total" "$with_xml"
    printf '  %-9s %10s %10s %10s %10s %12s %13s\n' mode converted identical \
        keys-kept fixpoint round-trip schema-valid
    for mode in default lossless; do
        flag=
        [ $mode = lossless ] && flag=--lossless
        out=$tmp/$corpus-$mode
        mkdir -p "$out"
        # one batch for the corpus, then the files that need options again
        # shellcheck disable=SC2086
        "$vmxkit" batch -q -t xml $flag -o "$out" $files 2>/dev/null || true
        converted=0 identical=0
        for f in $files; do
            name=$(basename "$f" .vmx)
            opts=$(extra_opts "$f")
            # shellcheck disable=SC2086
            if [ -n "$opts" ] &&
                ! "$vmxkit" convert $flag $opts "$f" >"$out/$name.xml" 2>/dev/null; then
                rm -f "$out/$name.xml"
            fi
            [ -f "$out/$name.xml" ] || continue
            converted=$((converted + 1))
            exp=$(expected_xml "$corpus" "$f")
            if [ -n "$exp" ] && cmp -s "$exp" "$out/$name.xml"; then
                identical=$((identical + 1))
            fi
        done
        # shellcheck disable=SC2086
        "$vmxkit" roundtrip --json $flag $files >"$tmp/rt.json" 2>/dev/null || true
        # shellcheck disable=SC2046
        set -- $(awk -v mode=$mode '
            /"checks":/ {
                k = ($0 ~ /"keys": true/)
                x = ($0 ~ ("\"fixpoint_" mode "\": true"))
                keys += k; fix += x; both += (k && x)
            }
            END { print keys + 0, fix + 0, both + 0 }' "$tmp/rt.json")
        keys=$1 fix=$2 clean=$3
        valid=-
        if [ $have_xmllint = yes ] && [ "$converted" -gt 0 ]; then
            valid=$(xmllint --noout --relaxng "$rng" "$out"/*.xml 2>&1 |
                grep -c ' validates$' || true)
        fi
        printf '  %-9s %10s %10s %10s %10s %12s %13s\n' $mode \
            "$converted/$total" "$identical/$with_xml" "$keys/$converted" \
            "$fix/$converted" "$clean/$converted" "$valid/$converted"
    done
}

echo "vmxkit corpus report ($("$vmxkit" --version))"
echo
report wild "$data/wild"
echo
report libvirt "$data/libvirt/vmx2xml"
echo
report extra "$data/vmx2xml-extra"
cat <<'EOF'

converted:    vmxkit convert succeeds
identical:    the XML is libvirt 9.0's byte for byte (files with libvirt's XML;
              lossless output adds <metadata> and what libvirt drops, by design)
keys-kept:    VMX -> XML -> VMX gives the file's (key, value) pairs back
fixpoint:     VMX -> XML -> VMX -> XML gives the same XML
round-trip:   both (vmxkit roundtrip exits 0); see doc/roundtrip.md
schema-valid: the XML validates against testdata/libvirt/schemas/domain.rng
EOF
