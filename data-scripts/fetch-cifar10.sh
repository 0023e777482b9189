#!/usr/bin/env bash
# CIFAR-10 into <data root>/cifar10/.
#   Canonical: the University of Toronto binary release (cifar-10-binary.tar.gz, 162 MB) -> cifar10/cifar-10-batches-bin/
#   Mirror:    the same archive, or cifar10-jpg.tar.gz (train/<class>/*.jpg, test/<class>/*.jpg) -> cifar10/jpg/
# The loader (ZfViz.Data.Cifar10) prefers the binary release (exact pixels) when both are present.
ZF_SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
. "$ZF_SCRIPT_DIR/common.sh"
ZF_NAME=cifar10

URL=https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz
BIN_SHA256=c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd   # md5 c32a1d4ab5d03f1284b67883e8d87530 (published)
JPG_SHA256=097287809041e0a666355dfce11470ba1b3f2631fe910d8793c716253f10b297   # the project's offline JPEG mirror

zf_usage() { printf 'Usage: %s [options]\nFetches CIFAR-10 (binary release, or the JPEG image-folder mirror).\n' "$0"; zf_common_usage; }
zf_parse_args "$@"
zf_skip_if_present
zf_staging

if src=$(zf_find_in_mirrors cifar-10-binary.tar.gz); then
    zf_verify "$src" "$BIN_SHA256"
    zf_extract "$src" "$ZF_STAGE"
elif src=$(zf_find_in_mirrors cifar10-jpg.tar.gz); then
    zf_verify "$src" "$JPG_SHA256"
    mkdir -p "$ZF_STAGE/jpg"
    zf_extract "$src" "$ZF_STAGE/jpg"
    [ -d "$ZF_STAGE/jpg/train" ] && [ -d "$ZF_STAGE/jpg/test" ] || zf_die "$src: expected train/ and test/ folders inside"
else
    src=$(zf_download "$URL" cifar-10-binary.tar.gz)
    zf_verify "$src" "$BIN_SHA256"
    zf_extract "$src" "$ZF_STAGE"
    zf_cleanup_download "$src"
fi
if [ -d "$ZF_STAGE/cifar-10-batches-bin" ]; then
    for f in data_batch_1.bin data_batch_2.bin data_batch_3.bin data_batch_4.bin data_batch_5.bin test_batch.bin batches.meta.txt; do
        [ -f "$ZF_STAGE/cifar-10-batches-bin/$f" ] || zf_die "$src: cifar-10-batches-bin/$f is missing from the archive"
    done
fi
zf_install "$ZF_STAGE" "$src"
