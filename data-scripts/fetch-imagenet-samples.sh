#!/usr/bin/env bash
# The ImageNet sample images (one JPEG per ILSVRC-2012 class, 1000 files <wnid>_<class_name>.JPEG) into
# <data root>/imagenet-samples/. Canonical: the GitHub repository EliSchwartz/imagenet-sample-images.
# Verified as a whole: the sha256 of the listing "sha256  name" of every .JPEG in name order (LC_ALL=C).
ZF_SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
. "$ZF_SCRIPT_DIR/common.sh"
ZF_NAME=imagenet-samples

URL=https://github.com/EliSchwartz/imagenet-sample-images/archive/refs/heads/master.zip
LISTING_SHA256=b2a08a3adf9969e994e6a3c34f3cf187cd2aa74f3424a9368008222d484779e6

zf_usage() { printf 'Usage: %s [options]\nFetches the 1000 ImageNet sample images.\n' "$0"; zf_common_usage; }
zf_parse_args "$@"
zf_skip_if_present
zf_staging

# Copies the .JPEG files of folder $1 into the staging folder.
take_jpegs() {
    local n
    cp "$1"/*.JPEG "$ZF_STAGE/" 2>/dev/null || zf_die "$1: no .JPEG files to copy"
    n=$(find "$ZF_STAGE" -maxdepth 1 -name '*.JPEG' -type f | wc -l | tr -d ' ')
    [ "$n" = 1000 ] || zf_die "$1: expected 1000 .JPEG files, found $n"
}

if src=$(zf_find_in_mirrors imagenet-samples imagenet-sample-images-master imagenet-sample-images); then
    if [ -d "$src" ]; then take_jpegs "$src"
    else zf_die "$src: expected a folder of .JPEG files"; fi
elif src=$(zf_find_in_mirrors imagenet-sample-images-master.zip); then
    zf_extract "$src" "$ZF_STAGE/.zip"; take_jpegs "$ZF_STAGE/.zip/imagenet-sample-images-master"; rm -rf "$ZF_STAGE/.zip"
else
    archive=$(zf_download "$URL" imagenet-sample-images-master.zip)
    zf_extract "$archive" "$ZF_STAGE/.zip"; take_jpegs "$ZF_STAGE/.zip/imagenet-sample-images-master"; rm -rf "$ZF_STAGE/.zip"
    zf_cleanup_download "$archive"
fi

zf_log "verifying 1000 files"
# One "sha256  name" line per file in name order (LC_ALL=C), hashed in one process.
if command -v sha256sum >/dev/null 2>&1; then hasher="sha256sum"; else hasher="shasum -a 256"; fi
listing=$(cd "$ZF_STAGE" && LC_ALL=C ls | grep '\.JPEG$' | tr '\n' '\0' | xargs -0 $hasher)
got=$(printf '%s\n' "$listing" | zf_sha256_stdin)
[ "$got" = "$LISTING_SHA256" ] || zf_die "$src: the listing of the 1000 files hashes to $got, expected $LISTING_SHA256 (a file differs or is missing)"
ZF_CHECKS="check sha256 $got listing verified
$(printf '%s\n' "$listing" | sed 's/^\([0-9a-f]*\)  /file \1 /')
"
zf_install "$ZF_STAGE" "$src"
