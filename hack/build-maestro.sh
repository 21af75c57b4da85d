#!/usr/bin/env bash
# Builds Maestro (`maestro migration`, `maestro server`, `maestro agent`) from its Go module at the
# version pinned in hack/versions.env, into a cache outside the repository keyed by version:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/mce-maestro-operator/maestro-<MAESTRO_VERSION>/maestro
# Tests run it as a local process with the flags and Secret values the operator rendered.
# `hack/build-maestro.sh work-client` builds the same module's gRPC source client instead
# (`examples/manifestwork`: apply/get/delete ManifestWorks through Maestro's gRPC API, as a
# workload source such as ACM's search or a user's controller does), into `maestro-work-client`.
# `hack/build-maestro.sh kube-rbac-proxy` builds the authenticating proxy the server pod runs in
# front of Maestro's REST API (github.com/brancz/kube-rbac-proxy at KUBE_RBAC_PROXY_VERSION), into
#   ${XDG_CACHE_HOME:-$HOME/.cache}/mce-maestro-operator/kube-rbac-proxy-<KUBE_RBAC_PROXY_VERSION>/
# Prints the binary path on the last line of stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
. "$here/versions.env"
say() { printf '[maestro] %s\n' "$*" >&2; }

module=github.com/openshift-online/maestro version=${MAESTRO_VERSION}
case "${1:-server}" in
  server) out=maestro pkg=$module/cmd/maestro took="about 3-4 minutes" ;;
  work-client) out=maestro-work-client pkg=$module/examples/manifestwork took="seconds once the server is built" ;;
  kube-rbac-proxy)
    module=github.com/brancz/kube-rbac-proxy version=${KUBE_RBAC_PROXY_VERSION}
    out=kube-rbac-proxy pkg=$module/cmd/kube-rbac-proxy took="about 4 minutes" ;;
  *) say "unknown target $1 (server, work-client or kube-rbac-proxy)"; exit 2 ;;
esac
dir="${XDG_CACHE_HOME:-$HOME/.cache}/mce-maestro-operator/${module##*/}-${version}"
if [ -x "$dir/$out" ]; then
  echo "$dir/$out"
  exit 0
fi
command -v go >/dev/null || { say "go is not installed; it is needed once to build maestro"; exit 1; }
say "building ${pkg}@${version} (first time: ${took})"
start=$(date +%s)
mkdir -p "$dir/src"
# `go install maestro@version` fails here: it asks the proxy for the module's version list (to
# report deprecations), which the proxy refuses for untagged modules. Building the package from
# a wrapper module that requires it needs no list.
cat >"$dir/src/go.mod" <<MOD
module mce-maestro-operator/hack/${out}

go 1.25.12

require ${module} ${version}
MOD
# maestro has no tags, so the proxy serves pseudo-versions the checksum database may not list.
(cd "$dir/src" && GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/openshift-online" GOFLAGS=-mod=mod CGO_ENABLED=0 \
  go build -trimpath -ldflags "-s -w" -o "$dir/$out.tmp" "$pkg" >&2)
mv "$dir/$out.tmp" "$dir/$out"
say "built in $(( $(date +%s) - start ))s: $dir/$out"
echo "$dir/$out"
