#!/bin/sh
# Installs the Debian packages vmxkit needs to build and test, if missing.
set -e
pkgs="build-essential autoconf automake libtool pkg-config libxml2-dev libxml2-utils
libyaml-dev libcurl4-openssl-dev libssl-dev libcriterion-dev
golang-go golang-github-vmware-govmomi-dev"
missing=
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "installing:$missing"
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
