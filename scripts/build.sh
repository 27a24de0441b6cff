#!/bin/sh
# Builds vmxkit in ./build (out of tree). Extra arguments go to configure.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ -x configure ] || ./autogen.sh >/dev/null 2>&1
mkdir -p build
cd build
if [ ! -f Makefile ] || [ $# -gt 0 ]; then
    ../configure --quiet "$@"
fi
make -j"$(nproc)" >/dev/null
