#!/usr/bin/env bash
# Prints the path of a Pulumi CLI (the engine) at the version pinned in go.mod, building it first
# when needed: a `pulumi` on PATH at that version or newer is used as it is; otherwise the CLI is
# built from its Go module into .local/engine/bin (ignored by git) and reused while its version
# matches. Every module is checked against the committed go.sum (-mod=readonly); nothing here
# turns that check off. Progress goes to stderr, the path alone to stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
pinned=$(sed -nE 's#.*github.com/pulumi/pulumi/pkg/v3 (v[0-9][^ ]*).*#\1#p' "$here/go.mod" | head -n 1)
[ -n "$pinned" ] || { echo "engine/go.mod pins no github.com/pulumi/pulumi/pkg/v3" >&2; exit 2; }

# "v3.250.1" >= "v3.248.0"?
at_least() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]; }

if on_path=$(command -v pulumi 2>/dev/null); then
    found=$("$on_path" version 2>/dev/null || true)
    if [ -n "$found" ] && at_least "$found" "$pinned"; then
        echo "$on_path"
        exit 0
    fi
fi

binary="$root/.local/engine/bin/pulumi"
if [ -x "$binary" ] && [ "$("$binary" version 2>/dev/null || true)" = "$pinned" ]; then
    echo "$binary"
    exit 0
fi

command -v go >/dev/null || { echo "building the Pulumi CLI $pinned needs Go (https://go.dev/dl/); or put pulumi >= $pinned on PATH" >&2; exit 2; }
echo "building the Pulumi CLI $pinned from its Go module (a few minutes the first time, seconds after)..." >&2
started=$(date +%s)
mkdir -p "$(dirname "$binary")"
# Whatever the caller's environment says: verify against go.sum, never fetch a Go toolchain.
unset GONOSUMDB GONOSUMCHECK GOINSECURE GOFLAGS
cd "$here"
GOTOOLCHAIN=local go build -mod=readonly -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$pinned" \
    -o "$binary.partial" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
mv "$binary.partial" "$binary"
echo "built $("$binary" version) in $(( $(date +%s) - started )) s: $binary" >&2
echo "$binary"
