#!/usr/bin/env bash
# PASCAL VOC 2012 (trainval) into <data root>/voc2012/VOCdevkit/VOC2012/{JPEGImages,ImageSets/Main,...}.
# Canonical: the PASCAL VOC site (VOCtrainval_11-May-2012.tar, 1.9 GB).
ZF_SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
. "$ZF_SCRIPT_DIR/common.sh"
ZF_NAME=voc2012

URL=http://host.robots.ox.ac.uk/pascal/VOC/voc2012/VOCtrainval_11-May-2012.tar
TAR_MD5=6cd6e144f989b92b3379bac3b3de84fd

zf_usage() { printf 'Usage: %s [options]\nFetches PASCAL VOC 2012 trainval (needs internet or a mirror).\n' "$0"; zf_common_usage; }
zf_parse_args "$@"
zf_skip_if_present
zf_staging

if src=$(zf_find_in_mirrors VOCdevkit); then
    zf_log "copying $src"; cp -R "$src" "$ZF_STAGE/"
else
    src=$(zf_find_in_mirrors VOCtrainval_11-May-2012.tar) || src=$(zf_download "$URL" VOCtrainval_11-May-2012.tar)
    zf_verify "$src" "" "$TAR_MD5"
    zf_extract "$src" "$ZF_STAGE"
    zf_cleanup_download "$src"
fi
[ -d "$ZF_STAGE/VOCdevkit/VOC2012/JPEGImages" ] || zf_die "$src: no VOCdevkit/VOC2012/JPEGImages after unpacking"
zf_install "$ZF_STAGE" "$src"
