#!/usr/bin/env bash
# Caltech-101 into <data root>/caltech101/101_ObjectCategories/<class>/*.jpg (102 folders; the loader drops
# BACKGROUND_Google). Canonical: CaltechDATA (caltech-101.zip, which holds 101_ObjectCategories.tar.gz).
# A mirror may hold caltech-101.zip, 101_ObjectCategories.tar.gz, or an unpacked 101_ObjectCategories/ folder.
ZF_SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
. "$ZF_SCRIPT_DIR/common.sh"
ZF_NAME=caltech101

URL="https://data.caltech.edu/records/mzrjq-6wc02/files/caltech-101.zip?download=1"
ZIP_SHA256=""                                  # not published; recorded on first fetch
TGZ_MD5=b224c7392d521a49829488ab0f1120d9       # 101_ObjectCategories.tar.gz, as published with the original release

zf_usage() { printf 'Usage: %s [options]\nFetches Caltech-101 (needs internet or a mirror).\n' "$0"; zf_common_usage; }
zf_parse_args "$@"
zf_skip_if_present
zf_staging

unpack_tgz() { zf_verify "$1" "" "$TGZ_MD5"; zf_extract "$1" "$ZF_STAGE"; }
if src=$(zf_find_in_mirrors 101_ObjectCategories); then
    zf_log "copying $src"; cp -R "$src" "$ZF_STAGE/"
elif src=$(zf_find_in_mirrors 101_ObjectCategories.tar.gz); then
    unpack_tgz "$src"
else
    src=$(zf_find_in_mirrors caltech-101.zip) || src=$(zf_download "$URL" caltech-101.zip)
    zf_verify "$src" "$ZIP_SHA256"
    mkdir -p "$ZF_STAGE/.zip"; zf_extract "$src" "$ZF_STAGE/.zip"
    inner=$(find "$ZF_STAGE/.zip" -name 101_ObjectCategories.tar.gz | head -n 1)
    [ -n "$inner" ] || zf_die "$src: no 101_ObjectCategories.tar.gz inside"
    unpack_tgz "$inner"; rm -rf "$ZF_STAGE/.zip"
    zf_cleanup_download "$src"
fi
[ -d "$ZF_STAGE/101_ObjectCategories" ] || zf_die "$src: no 101_ObjectCategories folder after unpacking"
zf_install "$ZF_STAGE" "$src"
