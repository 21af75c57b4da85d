#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager, kubectl and etcd from Go modules at the versions pinned in
# hack/versions.env, the way controller-runtime's envtest would download them, into a cache
# outside the repository keyed by version:
#
#   ${XDG_CACHE_HOME:-$HOME/.cache}/mce-maestro-operator/k8s-<K8S_VERSION>-etcd-<ETCD_VERSION>/bin
#
# `go install k8s.io/kubernetes/cmd/kube-apiserver@vX` cannot work: k8s.io/kubernetes replaces
# its staging modules with ./staging paths, and Go refuses `go install` of a module with replace
# directives (kubernetes/kubernetes#79384). So this writes a small wrapper module that requires
# k8s.io/kubernetes and maps every staging module to its published v0.Y.Z twin. etcd's server
# module has the same problem (etcd-io/etcd#18501) and gets the same treatment.
#
# If KUBEBUILDER_ASSETS points at envtest binaries, nothing is built.
# Prints the bin directory on the last line of stdout.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
. "$here/versions.env"

say() { printf '[control-plane] %s\n' "$*" >&2; }

if [ -n "${KUBEBUILDER_ASSETS:-}" ] && [ -x "$KUBEBUILDER_ASSETS/kube-apiserver" ] && [ -x "$KUBEBUILDER_ASSETS/etcd" ]; then
  say "using envtest binaries from KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS"
  echo "$KUBEBUILDER_ASSETS"
  exit 0
fi

cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/mce-maestro-operator"
dir="$cache_root/k8s-${K8S_VERSION}-etcd-${ETCD_VERSION}"
bin="$dir/bin"
if [ -x "$bin/kube-apiserver" ] && [ -x "$bin/etcd" ] && [ -x "$bin/kubectl" ] && [ -x "$bin/kube-controller-manager" ]; then
  say "cached: $bin"
  echo "$bin"
  exit 0
fi

command -v go >/dev/null || { say "go is not installed; it is needed once to build the control plane"; exit 1; }
mkdir -p "$bin"
# Staging modules are published from the same commit under v0.<minor>.<patch>.
staging_version="v0.${K8S_VERSION#v1.}"
# Our wrapper modules pin exact versions; skip the checksum-database lookup only for modules it does not know.
export GOFLAGS="-mod=mod" CGO_ENABLED=0
start=$(date +%s)

build_kubernetes() {
  local src="$dir/src/kubernetes"
  mkdir -p "$src/kube-apiserver" "$src/kubectl" "$src/kube-controller-manager"
  say "kube-apiserver, kube-controller-manager and kubectl ${K8S_VERSION}: first build takes about 7 minutes on 2 cores (downloads ~700 MB of modules)"
  # The staging set differs between releases: read it from that release's own go.mod.
  local kmod
  kmod=$(cd "$src/.." && go mod download -json "k8s.io/kubernetes@${K8S_VERSION}" | sed -n 's/.*"GoMod": "\(.*\)",/\1/p')
  {
    echo "module mce-maestro-operator/hack/kubernetes"
    echo
    grep -E '^go ' "$kmod"
    echo
    echo "require k8s.io/kubernetes ${K8S_VERSION}"
    echo
    echo "replace ("
    sed -n 's#^\s*\(k8s.io/[a-z0-9-]*\) => ./staging/src/k8s.io/[a-z0-9-]*$#\t\1 => \1 '"$staging_version"'#p' "$kmod"
    # Non-staging replaces of that release, copied as they are (none at the time of writing).
    sed -n '/^replace (/,/^)/p' "$kmod" | grep -v 'staging/src' | grep '=>' || true
    echo ")"
  } >"$src/go.mod"
  cat >"$src/kube-apiserver/main.go" <<'GO'
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() { os.Exit(cli.Run(app.NewAPIServerCommand())) }
GO
  cat >"$src/kubectl/main.go" <<'GO'
package main

import (
	"k8s.io/component-base/cli"
	"k8s.io/kubectl/pkg/cmd"
	"k8s.io/kubectl/pkg/cmd/util"
)

func main() {
	if err := cli.RunNoErrOutput(cmd.NewDefaultKubectlCommand()); err != nil {
		util.CheckErr(err)
	}
}
GO
  # kube-controller-manager signs the agents' client certificates (CSRs of signer
  # kubernetes.io/kube-apiserver-client), collects garbage (owner references), finalizes
  # namespaces and aggregates ClusterRoles: what a real hub has and envtest lacks.
  cat >"$src/kube-controller-manager/main.go" <<'GO'
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kube-controller-manager/app"
)

func main() { os.Exit(cli.Run(app.NewControllerManagerCommand())) }
GO
  (cd "$src" && go mod tidy >&2)
  local minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
  local ldflags="-s -w -X k8s.io/component-base/version.gitVersion=${K8S_VERSION} -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${minor} -X k8s.io/component-base/version.gitTreeState=clean -X k8s.io/client-go/pkg/version.gitVersion=${K8S_VERSION} -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=${minor}"
  for prog in kube-apiserver kubectl kube-controller-manager; do
    [ -x "$bin/$prog" ] && continue
    say "compiling $prog"
    (cd "$src" && go build -trimpath -ldflags "$ldflags" -o "$bin/$prog.tmp" "./$prog") && mv "$bin/$prog.tmp" "$bin/$prog"
  done
}

build_etcd() {
  local src="$dir/src/etcd"
  mkdir -p "$src"
  say "etcd ${ETCD_VERSION}"
  cat >"$src/go.mod" <<MOD
module mce-maestro-operator/hack/etcd

go 1.24

require (
	go.etcd.io/etcd/server/v3 ${ETCD_VERSION}
	go.etcd.io/etcd/api/v3 ${ETCD_VERSION}
	go.etcd.io/etcd/client/pkg/v3 ${ETCD_VERSION}
	go.etcd.io/etcd/client/v3 ${ETCD_VERSION}
	go.etcd.io/etcd/pkg/v3 ${ETCD_VERSION}
)
MOD
  cat >"$src/main.go" <<'GO'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
  (cd "$src" && go mod tidy >&2)
  (cd "$src" && go build -trimpath -ldflags "-s -w" -o "$bin/etcd.tmp" .) && mv "$bin/etcd.tmp" "$bin/etcd"
}

[ -x "$bin/etcd" ] || build_etcd
{ [ -x "$bin/kube-apiserver" ] && [ -x "$bin/kubectl" ] && [ -x "$bin/kube-controller-manager" ]; } || build_kubernetes
say "built in $(( $(date +%s) - start ))s: $bin"
"$bin/kube-apiserver" --version >&2
echo "$bin"
