# shellcheck shell=bash
# Shared helpers for the data-scripts/fetch-*.sh commands. Sourced, never run.
#
# Every fetch script: finds its data set in a mirror folder (--mirror DIR or $ZFVIZ_DATA_MIRROR) or downloads it
# from the canonical source, verifies a checksum, unpacks into a temporary folder next to the target and moves it
# into place, and writes a marker file (<data set>/.zfviz-fetched) last. The marker is what makes a second run a
# no-op; a run interrupted at any point leaves no marker and simply starts over (downloads resume via .part files).
# Written for bash 3.2+ (macOS) and Linux; needs curl or wget, tar, gzip, and sha256sum or shasum.

set -eu

ZF_NAME=""          # data set name, set by the calling script
ZF_DATA=""          # data root
ZF_MIRRORS=""       # newline-separated mirror folders
ZF_FORCE=0
ZF_OFFLINE=${ZFVIZ_OFFLINE:-0}
ZF_NO_APT=0
ZF_KEEP_ARCHIVES=${ZFVIZ_KEEP_ARCHIVES:-0}

zf_log()  { printf '%s: %s\n' "$ZF_NAME" "$*" >&2; }
zf_die()  { printf '%s: error: %s\n' "$ZF_NAME" "$*" >&2; exit 1; }

# The default data root; must match ZfVizPaths.DataRoot in lib/ZfViz/Runtime/ZfVizPaths.cs.
zf_default_data_root() {
    if [ -n "${ZFVIZ_DATA:-}" ]; then printf '%s\n' "$ZFVIZ_DATA"; return; fi
    if [ -n "${XDG_DATA_HOME:-}" ]; then printf '%s\n' "$XDG_DATA_HOME/zfviz/data"; return; fi
    printf '%s\n' "$HOME/.local/share/zfviz/data"
}

zf_common_usage() {
    cat <<USAGE
Options:
  --data DIR        data root (default: \$ZFVIZ_DATA, else ~/.local/share/zfviz/data; now: $(zf_default_data_root))
  --mirror DIR      look for the files in DIR before downloading (repeatable; also \$ZFVIZ_DATA_MIRROR,
                    colon-separated). A mirror holds the canonical file names, at its top or in DIR/<data set>/.
  --offline         never download (also ZFVIZ_OFFLINE=1): fail unless a mirror or local copy has the data
  --force           fetch again even if the data set is already present
  --keep-archives   keep downloaded archives in <data root>/.downloads after unpacking
  --no-apt          (Fashion-MNIST) do not try to install the Debian package dataset-fashion-mnist
  -h, --help        this help
USAGE
}

# Parses the common options; the calling script defines zf_usage (its own help text).
zf_parse_args() {
    while [ $# -gt 0 ]; do
        case "$1" in
            --data) [ $# -ge 2 ] || zf_die "--data needs a folder"; ZF_DATA=$2; shift 2 ;;
            --data=*) ZF_DATA=${1#--data=}; shift ;;
            --mirror) [ $# -ge 2 ] || zf_die "--mirror needs a folder"; ZF_MIRRORS="$ZF_MIRRORS
$2"; shift 2 ;;
            --mirror=*) ZF_MIRRORS="$ZF_MIRRORS
${1#--mirror=}"; shift ;;
            --offline) ZF_OFFLINE=1; shift ;;
            --force) ZF_FORCE=1; shift ;;
            --keep-archives) ZF_KEEP_ARCHIVES=1; shift ;;
            --no-apt) ZF_NO_APT=1; shift ;;
            -h|--help) zf_usage; exit 0 ;;
            *) zf_die "unknown option '$1' (see --help)" ;;
        esac
    done
    [ -n "$ZF_DATA" ] || ZF_DATA=$(zf_default_data_root)
    if [ -n "${ZFVIZ_DATA_MIRROR:-}" ]; then
        ZF_MIRRORS="$ZF_MIRRORS
$(printf '%s\n' "$ZFVIZ_DATA_MIRROR" | tr ':' '\n')"
    fi
    local m checked=""
    # Mirrors given but missing are a user error worth stopping for, not a silent download.
    while IFS= read -r m; do
        [ -n "$m" ] || continue
        [ -d "$m" ] || zf_die "mirror folder '$m' does not exist"
        checked="$checked
$(cd "$m" && pwd)"
    done <<MIRRORS
$ZF_MIRRORS
MIRRORS
    ZF_MIRRORS=$checked
    mkdir -p "$ZF_DATA" || zf_die "cannot create data root '$ZF_DATA'"
    ZF_DATA=$(cd "$ZF_DATA" && pwd)
}

zf_target() { printf '%s/%s\n' "$ZF_DATA" "$ZF_NAME"; }
zf_marker() { printf '%s/.zfviz-fetched\n' "$(zf_target)"; }

# Exits 0 early when the data set is already fetched (the idempotent second run).
zf_skip_if_present() {
    if [ "$ZF_FORCE" = 0 ] && [ -f "$(zf_marker)" ]; then
        zf_log "already present in $(zf_target) ($(sed -n 's/^fetched //p' "$(zf_marker)")); --force to fetch again"
        exit 0
    fi
}

zf_sha256() {
    if command -v sha256sum >/dev/null 2>&1; then sha256sum "$@" | cut -d' ' -f1
    else shasum -a 256 "$@" | cut -d' ' -f1; fi
}
zf_sha256_stdin() {
    if command -v sha256sum >/dev/null 2>&1; then sha256sum | cut -d' ' -f1
    else shasum -a 256 | cut -d' ' -f1; fi
}
zf_md5() {
    if command -v md5sum >/dev/null 2>&1; then md5sum "$1" | cut -d' ' -f1
    else md5 -q "$1"; fi
}

# zf_find_in_mirrors NAME...: prints the first mirror path holding one of the names (file or folder).
zf_find_in_mirrors() {
    local m n
    while IFS= read -r m; do
        [ -n "$m" ] || continue
        for n in "$@"; do
            if [ -e "$m/$n" ]; then printf '%s\n' "$m/$n"; return 0; fi
            if [ -e "$m/$ZF_NAME/$n" ]; then printf '%s\n' "$m/$ZF_NAME/$n"; return 0; fi
        done
    done <<MIRRORS
$ZF_MIRRORS
MIRRORS
    return 1
}

zf_part_note() { [ -s "$1" ] && printf '; the partial download %s resumes next time' "$1"; return 0; }

# zf_download URL FILE: downloads into <data root>/.downloads/FILE (resuming a .part) and prints the path.
zf_download() {
    local url=$1 file=$2 dir part
    dir="$ZF_DATA/.downloads"
    mkdir -p "$dir"
    if [ -f "$dir/$file" ]; then printf '%s\n' "$dir/$file"; return 0; fi
    [ "$ZF_OFFLINE" = 0 ] || zf_die "offline and no mirror holds $file; pass --mirror DIR (or set ZFVIZ_DATA_MIRROR) to a folder containing it"
    part="$dir/$file.part"
    zf_log "downloading $url"
    if command -v curl >/dev/null 2>&1; then
        local progress="-sS"
        [ -t 2 ] && progress="--progress-bar"
        curl -fL --retry 3 --connect-timeout 20 $progress -C - -o "$part" "$url" \
            || zf_die "could not download $url (offline?). Put $file into a folder and pass --mirror DIR (or set ZFVIZ_DATA_MIRROR)$(zf_part_note "$part")"
    elif command -v wget >/dev/null 2>&1; then
        local progress="--progress=dot:giga"
        [ -t 2 ] && progress="--progress=bar"
        wget -c --tries=3 --timeout=20 $progress -O "$part" "$url" \
            || zf_die "could not download $url (offline?). Put $file into a folder and pass --mirror DIR (or set ZFVIZ_DATA_MIRROR)$(zf_part_note "$part")"
    else
        zf_die "neither curl nor wget is installed; install one, or pass --mirror DIR"
    fi
    mv "$part" "$dir/$file"
    printf '%s\n' "$dir/$file"
}

# zf_verify FILE SHA256 [MD5]: checks a file against the published checksums (empty: none published) and
# appends a "check" line for the marker to $ZF_CHECKS. A mismatch deletes a downloaded file (never a mirror's).
ZF_CHECKS=""
zf_verify() {
    local file=$1 want_sha=$2 want_md5=${3:-} got base
    base=$(basename "$file")
    zf_log "verifying $base"
    got=$(zf_sha256 "$file")
    if [ -n "$want_sha" ]; then
        if [ "$got" != "$want_sha" ]; then
            case "$file" in "$ZF_DATA/.downloads/"*) rm -f "$file" ;; esac
            zf_die "$file: sha256 is $got, expected $want_sha (corrupt or a different release; a download was deleted, run again)"
        fi
        ZF_CHECKS="${ZF_CHECKS}check sha256 $got $base verified
"
    elif [ -n "$want_md5" ]; then
        local md5; md5=$(zf_md5 "$file")
        if [ "$md5" != "$want_md5" ]; then
            case "$file" in "$ZF_DATA/.downloads/"*) rm -f "$file" ;; esac
            zf_die "$file: md5 is $md5, expected $want_md5 (corrupt or a different release)"
        fi
        ZF_CHECKS="${ZF_CHECKS}check md5 $md5 $base verified
check sha256 $got $base recorded
"
    else
        zf_log "no published checksum for $base; recording sha256 $got"
        ZF_CHECKS="${ZF_CHECKS}check sha256 $got $base recorded
"
    fi
}

# zf_staging: makes a fresh temporary folder $ZF_STAGE inside the data root (same file system, so the final move is
# a rename) and removes it if the script stops early.
ZF_STAGE=""
zf_staging() {
    ZF_STAGE="$ZF_DATA/.staging-$ZF_NAME-$$"
    rm -rf "$ZF_STAGE"; mkdir -p "$ZF_STAGE"
    # shellcheck disable=SC2064
    trap "rm -rf '$ZF_STAGE'" EXIT INT TERM
}

# zf_extract ARCHIVE DIR: unpacks a .tar, .tar.gz/.tgz or .zip into DIR.
zf_extract() {
    local archive=$1 dir=$2
    zf_log "unpacking $(basename "$archive")"
    case "$archive" in
        *.zip) command -v unzip >/dev/null 2>&1 || zf_die "unzip is needed for $archive"; unzip -q "$archive" -d "$dir" ;;
        *.tar.gz|*.tgz) gzip -dc "$archive" | tar -xf - -C "$dir" ;;
        *.tar) tar -xf "$archive" -C "$dir" ;;
        *) zf_die "do not know how to unpack $archive" ;;
    esac || zf_die "$archive: unpacking failed (truncated or corrupt archive?)"
}

# zf_install STAGED_DIR: replaces the data set folder by the staged one, then writes the marker (last).
zf_install() {
    local staged=$1 source=$2 target tmp
    target=$(zf_target)
    {
        printf '# ZFViz data marker: written after the files below were verified. Delete it (or --force) to fetch again.\n'
        printf 'dataset %s\n' "$ZF_NAME"
        printf 'source %s\n' "$source"
        printf 'fetched %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
        printf '%s' "$ZF_CHECKS"
    } > "$staged/.zfviz-fetched.tmp"
    if [ -e "$target" ]; then
        tmp="$ZF_DATA/.old-$ZF_NAME-$$"
        mv "$target" "$tmp"
        mv "$staged" "$target"
        rm -rf "$tmp"
    else
        mv "$staged" "$target"
    fi
    mv "$target/.zfviz-fetched.tmp" "$target/.zfviz-fetched"
    trap - EXIT INT TERM
    zf_log "ready in $target"
}

# zf_cleanup_download FILE: deletes a downloaded archive once unpacked, unless --keep-archives.
zf_cleanup_download() {
    case "$1" in "$ZF_DATA/.downloads/"*) [ "$ZF_KEEP_ARCHIVES" = 1 ] || rm -f "$1" ;; esac
}
