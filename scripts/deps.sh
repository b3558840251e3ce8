#!/bin/sh
# Installs every Debian package that building, running, testing and
# benchmarking transcriptd needs.  Safe to run again; needs root.
set -eu

if [ "$(id -u)" -ne 0 ]; then
    exec sudo "$0" "$@"
fi

export DEBIAN_FRONTEND=noninteractive

PACKAGES="
    build-essential cmake pkg-config clang libclang-rt-14-dev
    libuv1-dev libltdl-dev libzmq3-dev libinih-dev libjansson-dev
    libutf8proc-dev libpcre2-dev libstemmer-dev libsqlite3-dev
    libsystemd-dev libxxhash-dev libcmocka-dev
    python3 python3-pytest python3-zmq python3-jsonschema
    python3-networkx python3-watchdog hyperfine
    debhelper systemd groff-base man-db
    python3-pysrt python3-webvtt chromium
"

# Skip the network round trip when everything is already there.
missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" \
        || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

apt-get update -q
# shellcheck disable=SC2086
apt-get install -y --no-install-recommends $missing
