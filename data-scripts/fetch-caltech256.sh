#!/usr/bin/env bash
# Caltech-256 into <data root>/caltech256/256_ObjectCategories/NNN.<class>/*.jpg (257 folders; the loader drops
# 257.clutter). Canonical: CaltechDATA (256_ObjectCategories.tar, 1.2 GB).
ZF_SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
. "$ZF_SCRIPT_DIR/common.sh"
ZF_NAME=caltech256

URL="https://data.caltech.edu/records/nyy15-4j048/files/256_ObjectCategories.tar?download=1"
TAR_MD5=67b4f42ca05d46448c6bb8ecd2220f6d

zf_usage() { printf 'Usage: %s [options]\nFetches Caltech-256 (needs internet or a mirror).\n' "$0"; zf_common_usage; }
zf_parse_args "$@"
zf_skip_if_present
zf_staging

if src=$(zf_find_in_mirrors 256_ObjectCategories); then
    zf_log "copying $src"; cp -R "$src" "$ZF_STAGE/"
else
    src=$(zf_find_in_mirrors 256_ObjectCategories.tar) || src=$(zf_download "$URL" 256_ObjectCategories.tar)
    zf_verify "$src" "" "$TAR_MD5"
    zf_extract "$src" "$ZF_STAGE"
    zf_cleanup_download "$src"
fi
[ -d "$ZF_STAGE/256_ObjectCategories" ] || zf_die "$src: no 256_ObjectCategories folder after unpacking"
zf_install "$ZF_STAGE" "$src"
