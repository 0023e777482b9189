#!/usr/bin/env bash
# Fashion-MNIST (IDX files, kept gzip'd) into <data root>/fashion-mnist/.
# Sources, in order: a mirror folder; the Debian package dataset-fashion-mnist (/usr/share/datasets/fashion-mnist/);
# installing that package with apt-get (when run as root, or with sudo available non-interactively); the canonical
# download (zalandoresearch/fashion-mnist). Verified by the sha256 of the *decompressed* IDX files, because the
# Debian package re-compresses them (its .gz bytes differ from upstream's, their content does not).
ZF_SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
. "$ZF_SCRIPT_DIR/common.sh"
ZF_NAME=fashion-mnist

BASE_URL=http://fashion-mnist.s3-website.eu-central-1.amazonaws.com
DEBIAN_DIR=${ZFVIZ_FASHION_MNIST_SYSTEM_DIR:-/usr/share/datasets/fashion-mnist}
FILES="train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte"
content_sha256() {
    case "$1" in
        train-images-idx3-ubyte) echo c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888 ;;
        train-labels-idx1-ubyte) echo bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9 ;;
        t10k-images-idx3-ubyte)  echo 5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b ;;
        t10k-labels-idx1-ubyte)  echo 0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34 ;;
    esac
}

zf_usage() { printf 'Usage: %s [options]\nFetches Fashion-MNIST (mirror, Debian package, or download).\n' "$0"; zf_common_usage; }
zf_parse_args "$@"
zf_skip_if_present

# Prints the folder holding all four .gz files, if this source has them.
has_all() { for f in $FILES; do [ -f "$1/$f.gz" ] || return 1; done; printf '%s\n' "$1"; }
find_source() {
    local m
    if m=$(zf_find_in_mirrors train-images-idx3-ubyte.gz); then has_all "$(dirname "$m")" && return 0; fi
    has_all "$DEBIAN_DIR"
}

try_apt() {
    [ "$ZF_NO_APT" = 0 ] || return 1
    command -v apt-get >/dev/null 2>&1 || return 1
    local sudo=""
    if [ "$(id -u)" != 0 ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; else return 1; fi
    fi
    zf_log "installing the Debian package dataset-fashion-mnist"
    # An apt-get update failure (no network, stale lists) is not fatal: the install below says whether it worked.
    DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq >&2 || true
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq dataset-fashion-mnist >&2
}

zf_staging
if src=$(find_source) || { try_apt && src=$(has_all "$DEBIAN_DIR"); }; then
    for f in $FILES; do cp "$src/$f.gz" "$ZF_STAGE/$f.gz"; done
else
    if [ "$ZF_OFFLINE" = 1 ]; then
        zf_die "no copy found. Install it with 'sudo apt-get install dataset-fashion-mnist' (Debian/Ubuntu), or pass --mirror DIR with the four *-ubyte.gz files"
    fi
    src=$BASE_URL
    for f in $FILES; do
        if ! p=$(zf_download "$BASE_URL/$f.gz" "$f.gz"); then
            zf_die "could not get $f.gz. Install it with 'sudo apt-get install dataset-fashion-mnist' (Debian/Ubuntu), or pass --mirror DIR with the four *-ubyte.gz files"
        fi
        mv "$p" "$ZF_STAGE/$f.gz"
    done
fi
for f in $FILES; do
    zf_log "verifying $f.gz"
    got=$(gzip -dc "$ZF_STAGE/$f.gz" | zf_sha256_stdin) || zf_die "$src/$f.gz: not a valid gzip file"
    want=$(content_sha256 "$f")
    [ "$got" = "$want" ] || zf_die "$src/$f.gz: sha256 of the decompressed IDX is $got, expected $want"
    ZF_CHECKS="${ZF_CHECKS}check sha256 $got $f verified
file $(zf_sha256 "$ZF_STAGE/$f.gz") $f.gz
"
done
zf_install "$ZF_STAGE" "$src"
