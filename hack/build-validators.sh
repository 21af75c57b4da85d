#!/usr/bin/env bash
# Builds hack/bundle-validate (operator-framework/api's bundle validators, default and
# OperatorHub suites) into a cache outside the repository keyed by the pinned version:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/mce-maestro-operator/operator-framework-api-<version>/bundle-validate
# Prints the binary path on the last line of stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
. "$here/versions.env"
dir="${XDG_CACHE_HOME:-$HOME/.cache}/mce-maestro-operator/operator-framework-api-${OPERATOR_FRAMEWORK_API_VERSION}"
src_hash=$(cat "$here/bundle-validate/main.go" "$here/bundle-validate/go.mod" | sha256sum | cut -c1-8)
out="$dir/bundle-validate-$src_hash"
if [ -x "$out" ]; then echo "$out"; exit 0; fi
command -v go >/dev/null || { echo "[validators] go is not installed" >&2; exit 1; }
grep -q "github.com/operator-framework/api ${OPERATOR_FRAMEWORK_API_VERSION}\$" "$here/bundle-validate/go.mod" ||
  { echo "[validators] hack/bundle-validate/go.mod does not require ${OPERATOR_FRAMEWORK_API_VERSION}; run go get there" >&2; exit 1; }
echo "[validators] building bundle-validate (operator-framework/api ${OPERATOR_FRAMEWORK_API_VERSION}, first time ~1 min)" >&2
mkdir -p "$dir"
(cd "$here/bundle-validate" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$out.tmp" . >&2)
mv "$out.tmp" "$out"
echo "$out"
