#!/usr/bin/env bash
# Builds the real Open Cluster Management programs from the Go module open-cluster-management.io/ocm
# at a version pinned in hack/versions.env (OCM_VERSION, and OCM_PREVIOUS_VERSION for klusterlet
# upgrade tests), into a cache outside the repository keyed by version:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/mce-maestro-operator/ocm-<version>/bin/{registration,placement,addon,work,registration-operator,server}
#
#   hack/build-ocm.sh [version]   (default: $OCM_VERSION)
#
# `go install …@version` fails here: the proxy refuses the module's version list. Building inside
# a copy of the downloaded module (its own go.mod and go.sum) needs no list.
# Prints the bin directory on the last line of stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
. "$here/versions.env"
version=${1:-$OCM_VERSION}
say() { printf '[ocm %s] %s\n' "$version" "$*" >&2; }
programs=(registration placement addon work registration-operator server)

dir="${XDG_CACHE_HOME:-$HOME/.cache}/mce-maestro-operator/ocm-${version}"
complete=1
for p in "${programs[@]}"; do [ -x "$dir/bin/$p" ] || complete=0; done
if [ "$complete" = 1 ]; then
  echo "$dir/bin"
  exit 0
fi
command -v go >/dev/null || { say "go is not installed; it is needed once to build OCM"; exit 1; }
say "building ${programs[*]} from open-cluster-management.io/ocm@${version} (first time: about 8 minutes on 2 cores)"
start=$(date +%s)
mod=$(cd "$(mktemp -d)" && go mod download -json "open-cluster-management.io/ocm@${version}" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')
[ -n "$mod" ] || { say "could not download open-cluster-management.io/ocm@${version}"; exit 1; }
rm -rf "$dir/src" && mkdir -p "$dir/src" "$dir/bin"
cp -r "$mod/." "$dir/src/" && chmod -R u+w "$dir/src"
for p in "${programs[@]}"; do
  [ -x "$dir/bin/$p" ] && continue
  say "go build ./cmd/$p"
  (cd "$dir/src" && GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$dir/bin/$p.tmp" "./cmd/$p" >&2)
  mv "$dir/bin/$p.tmp" "$dir/bin/$p"
done
rm -rf "$dir/src"
say "built in $(( $(date +%s) - start ))s: $dir/bin"
echo "$dir/bin"
