#!/usr/bin/env bash
# Imagenette (fast.ai's 10-class ImageNet subset) into <data root>/imagenette/imagenette2-320/{train,val}/<wnid>/.
# Canonical: fast.ai's S3 bucket. --variant 320 (default; shorter side 320 px, 326 MB), 160, or full (1.5 GB).
ZF_SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
. "$ZF_SCRIPT_DIR/common.sh"
ZF_NAME=imagenette

VARIANT=${ZFVIZ_IMAGENETTE_VARIANT:-320}
ARGS=""
while [ $# -gt 0 ]; do
    case "$1" in
        --variant) VARIANT=${2:-}; shift 2 || true ;;
        --variant=*) VARIANT=${1#--variant=}; shift ;;
        *) ARGS="$ARGS $(printf '%q' "$1")"; shift ;;
    esac
done
case "$VARIANT" in
    320) FILE=imagenette2-320; MD5=3df6f0d01a2c9592104656642f5e78a3 ;;
    160) FILE=imagenette2-160; MD5=e793b78cc4c9e9a4ccc0c1155377a412 ;;
    full) FILE=imagenette2;    MD5=fe2fc210e6bb7c5664d602c3cd71e612 ;;
    *) ZF_NAME=imagenette; zf_die "--variant must be 320, 160 or full (got '$VARIANT')" ;;
esac
URL=https://s3.amazonaws.com/fast-ai-imageclas/$FILE.tgz

zf_usage() { printf 'Usage: %s [--variant 320|160|full] [options]\nFetches Imagenette (needs internet or a mirror).\n' "$0"; zf_common_usage; }
eval "zf_parse_args $ARGS"
zf_skip_if_present
zf_staging

if src=$(zf_find_in_mirrors "$FILE"); then
    zf_log "copying $src"; cp -R "$src" "$ZF_STAGE/"
else
    src=$(zf_find_in_mirrors "$FILE.tgz") || src=$(zf_download "$URL" "$FILE.tgz")
    zf_verify "$src" "" "$MD5"
    zf_extract "$src" "$ZF_STAGE"
    zf_cleanup_download "$src"
fi
[ -d "$ZF_STAGE/$FILE/train" ] && [ -d "$ZF_STAGE/$FILE/val" ] || zf_die "$src: no $FILE/train and $FILE/val after unpacking"
zf_install "$ZF_STAGE" "$src"
