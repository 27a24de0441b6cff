#!/bin/sh
# The README's first command: install what is missing, build, and convert the
# bundled example VMX files to libvirt domain XML in build/examples-out/.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
sh scripts/deps.sh
sh scripts/build.sh
out=build/examples-out
mkdir -p "$out"
for f in examples/*.vmx; do
    name=$(basename "$f" .vmx)
    build/bin/vmxkit convert -o "$out/$name.xml" "$f"
    echo "converted $f -> $out/$name.xml"
done
echo
echo "first lines of $out/$(basename "$(ls examples/*.vmx | head -n 1)" .vmx).xml:"
head -n 12 "$out/$(basename "$(ls examples/*.vmx | head -n 1)" .vmx).xml"
