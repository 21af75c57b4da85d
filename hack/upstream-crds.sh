#!/usr/bin/env bash
# Collects the upstream CRDs the operator reads or writes from the Go modules that publish them,
# at the versions pinned in hack/versions.env, into a cache directory keyed by those versions:
#
#   hack/upstream-crds.sh                -> ${XDG_CACHE_HOME:-$HOME/.cache}/mce-maestro-operator/crds-<hash>/*.yaml
#   hack/upstream-crds.sh capabilities   -> .../crds-capabilities-<hash>/*.yaml
#   hack/upstream-crds.sh ocm-hub        -> .../crds-ocm-hub-<hash>/*.yaml   (real OCM hub, from OCM_VERSION)
#   hack/upstream-crds.sh ocm-spoke      -> .../crds-ocm-spoke-<hash>/*.yaml (real klusterlet agent)
#   hack/upstream-crds.sh hive           -> .../crds-hive-<hash>/*.yaml      (hive.openshift.io v1, generated)
#
# The default set is what every local control plane installs. `capabilities` are the optional
# APIs the operator discovers (route.openshift.io Routes, monitoring.coreos.com ServiceMonitors):
# kept apart so the default control plane does not serve them and tests of the "not served"
# paths stay honest; tests that need them pass the directory to startControlPlane({ extraCrds }).
#
# Nothing is copied into the repository. Prints the directory on the last line of stdout.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
. "$here/versions.env"
say() { printf '[upstream-crds] %s\n' "$*" >&2; }

# Prints the cache directory for a set and exits when it is already complete.
cache_dir() {
  local name=$1
  shift
  out="${XDG_CACHE_HOME:-$HOME/.cache}/mce-maestro-operator/$name-$(printf '%s\n' "$@" | sha256sum | cut -c1-12)"
  if [ -f "$out/.complete" ]; then
    echo "$out"
    exit 0
  fi
  command -v go >/dev/null || { say "go is not installed; it is needed once to download the CRD modules"; exit 1; }
}
moddir() {
  (cd "$(mktemp -d)" && go mod download -json "$1" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')
}
# Copies the files given as arguments into $out (named by `target_name`), then marks it complete.
collect() {
  rm -rf "$out.tmp" && mkdir -p "$out.tmp"
  for f in "$@"; do
    [ -f "$f" ] || { say "missing in module: $f"; exit 1; }
    cp "$f" "$out.tmp/$(target_name "$(basename "$f")")"
  done
  chmod -R u+w "$out.tmp"
  touch "$out.tmp/.complete"
  rm -rf "$out" && mv "$out.tmp" "$out"
  say "$(ls "$out" | wc -l) CRDs in $out"
  echo "$out"
}

case "${1:-}" in
  "")
    cache_dir crds "$OCM_API_VERSION" "$CLUSTER_LIFECYCLE_API_VERSION" "$BACKPLANE_OPERATOR_VERSION"
    # These repositories publish pseudo-versions the checksum database may not know; the module
    # proxy still serves them, and the files are read, never compiled.
    export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/stolostron" GOFLAGS=-mod=mod
    say "downloading open-cluster-management.io/api@$OCM_API_VERSION, cluster-lifecycle-api@$CLUSTER_LIFECYCLE_API_VERSION, backplane-operator@$BACKPLANE_OPERATOR_VERSION"
    ocm=$(moddir "open-cluster-management.io/api@$OCM_API_VERSION")
    cla=$(moddir "github.com/stolostron/cluster-lifecycle-api@$CLUSTER_LIFECYCLE_API_VERSION")
    mce=$(moddir "github.com/stolostron/backplane-operator@$BACKPLANE_OPERATOR_VERSION")
    target_name() { sed 's/^0000_0[0-9]_//; s/\.crd\.yaml$/.yaml/' <<<"$1"; }
    # The add-on CRDs under addon/v1beta1 serve v1alpha1 (storage) and v1beta1, as hubs do.
    collect \
      "$ocm/cluster/v1/0000_00_clusters.open-cluster-management.io_managedclusters.crd.yaml" \
      "$ocm/cluster/v1beta2/0000_00_clusters.open-cluster-management.io_managedclustersets.crd.yaml" \
      "$ocm/cluster/v1beta2/0000_01_clusters.open-cluster-management.io_managedclustersetbindings.crd.yaml" \
      "$ocm/cluster/v1beta1/0000_02_clusters.open-cluster-management.io_placements.crd.yaml" \
      "$ocm/cluster/v1beta1/0000_03_clusters.open-cluster-management.io_placementdecisions.crd.yaml" \
      "$ocm/addon/v1beta1/0000_00_addon.open-cluster-management.io_clustermanagementaddons.crd.yaml" \
      "$ocm/addon/v1beta1/0000_01_addon.open-cluster-management.io_managedclusteraddons.crd.yaml" \
      "$ocm/addon/v1beta1/0000_02_addon.open-cluster-management.io_addondeploymentconfigs.crd.yaml" \
      "$ocm/addon/v1alpha1/0000_03_addon.open-cluster-management.io_addontemplates.crd.yaml" \
      "$ocm/operator/v1/0000_00_operator.open-cluster-management.io_klusterlets.crd.yaml" \
      "$ocm/operator/v1/0000_01_operator.open-cluster-management.io_clustermanagers.crd.yaml" \
      "$ocm/work/v1/0000_00_work.open-cluster-management.io_manifestworks.crd.yaml" \
      "$cla/klusterletconfig/v1alpha1/config.open-cluster-management.io_klusterletconfigs.crd.yaml" \
      "$mce/config/crd/bases/multicluster.openshift.io_multiclusterengines.yaml"
    ;;
  capabilities)
    cache_dir crds-capabilities "$OPENSHIFT_API_VERSION" "$PROMETHEUS_OPERATOR_VERSION"
    # openshift/api has no tags (a pseudo-version); the files are read, never compiled.
    export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/openshift" GOFLAGS=-mod=mod
    say "downloading github.com/openshift/api@$OPENSHIFT_API_VERSION, prometheus-operator@$PROMETHEUS_OPERATOR_VERSION"
    oapi=$(moddir "github.com/openshift/api@$OPENSHIFT_API_VERSION")
    prom=$(moddir "github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR_VERSION")
    target_name() { sed 's/^routes\.crd\.yaml$/route.openshift.io_routes.yaml/' <<<"$1"; }
    collect \
      "$oapi/route/v1/zz_generated.crd-manifests/routes.crd.yaml" \
      "$prom/example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml"
    ;;
  ocm-hub)
    # What the real OCM hub controllers (hack/build-ocm.sh) expect: the hub CRDs of the same
    # module, except the two add-on CRDs there, which are Go templates; those come from the API
    # module OCM requires (v1alpha1 served and stored, no conversion webhook).
    cache_dir crds-ocm-hub "$OCM_VERSION"
    export GOFLAGS=-mod=mod
    say "downloading open-cluster-management.io/ocm@$OCM_VERSION"
    ocm=$(moddir "open-cluster-management.io/ocm@$OCM_VERSION")
    api_version=$(sed -n 's#^\s*open-cluster-management.io/api \(v[^ ]*\)$#\1#p' "$ocm/go.mod")
    api=$(moddir "open-cluster-management.io/api@$api_version")
    target_name() { sed 's/^0000_0[0-9]_//; s/\.crd\.yaml$/.yaml/' <<<"$1"; }
    # shellcheck disable=SC2046
    collect \
      $(ls "$ocm"/manifests/cluster-manager/hub/crds/*.yaml | grep -v -e _clustermanagementaddons -e _managedclusteraddons) \
      "$api/addon/v1alpha1/0000_00_addon.open-cluster-management.io_clustermanagementaddons.crd.yaml" \
      "$api/addon/v1alpha1/0000_01_addon.open-cluster-management.io_managedclusteraddons.crd.yaml"
    ;;
  ocm-spoke)
    # What the real klusterlet agent and klusterlet operator expect on a managed cluster: the
    # managed-cluster CRDs, the Klusterlet CRD, and the klusterlet operator's ClusterRole (what
    # MCE's import manifests install before the operator starts).
    cache_dir crds-ocm-spoke "$OCM_VERSION" klusterlet-operator
    export GOFLAGS=-mod=mod
    ocm=$(moddir "open-cluster-management.io/ocm@$OCM_VERSION")
    target_name() { sed 's/^0000_0[0-9]_//; s/\.crd\.yaml$/.yaml/; s/^cluster_role\.yaml$/rbac-klusterlet-operator.yaml/' <<<"$1"; }
    collect "$ocm"/manifests/klusterlet/managed/*.crd.yaml \
      "$ocm"/deploy/klusterlet/config/crds/0000_00_operator.open-cluster-management.io_klusterlets.crd.yaml \
      "$ocm"/deploy/klusterlet/config/rbac/cluster_role.yaml
    ;;
  hive)
    cache_dir crds-hive "$HIVE_APIS_VERSION" "$CONTROLLER_TOOLS_VERSION"
    cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/mce-maestro-operator"
    gen="$cache_root/controller-tools-$CONTROLLER_TOOLS_VERSION/bin/controller-gen"
    if [ ! -x "$gen" ]; then
      # controller-tools has tags and no replace directives: `go install …@version` works (about a
      # minute on 2 cores the first time).
      say "building controller-gen from sigs.k8s.io/controller-tools@$CONTROLLER_TOOLS_VERSION"
      GOBIN="$(dirname "$gen")" GOFLAGS=-buildvcs=false CGO_ENABLED=0 \
        go install -trimpath -ldflags "-s -w" "sigs.k8s.io/controller-tools/cmd/controller-gen@$CONTROLLER_TOOLS_VERSION" >&2
    fi
    # Hive's modules are pseudo-versions the checksum database may not know (openshift/api too).
    export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/openshift" GOFLAGS=-mod=mod
    say "downloading github.com/openshift/hive/apis@$HIVE_APIS_VERSION; generating its CRDs with controller-gen $CONTROLLER_TOOLS_VERSION"
    hive=$(moddir "github.com/openshift/hive/apis@$HIVE_APIS_VERSION")
    [ -n "$hive" ] || { say "could not download github.com/openshift/hive/apis@$HIVE_APIS_VERSION"; exit 1; }
    # The module cache is read-only, and controller-gen loads packages with the go command, which
    # needs a writable module (go.sum updates). The zip carries vendor/modules.txt without the
    # vendored code, which would switch the build to vendor mode: drop it (-mod=mod downloads).
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    mkdir -p "$work/src" && cp -r "$hive/." "$work/src/"
    chmod -R u+w "$work/src" && rm -rf "$work/src/vendor"
    (cd "$work/src" && "$gen" crd:crdVersions=v1 paths=./hive/v1/... output:crd:dir="$work/out" >&2)
    target_name() { echo "$1"; }
    collect "$work"/out/*.yaml
    ;;
  *)
    say "usage: $0 [capabilities|ocm-hub|ocm-spoke|hive]"
    exit 2
    ;;
esac
