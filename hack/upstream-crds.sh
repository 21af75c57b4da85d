#!/usr/bin/env bash
# Collects the upstream CRDs the operator reads or writes from the Go modules that publish them,
# at the versions pinned in hack/versions.env, into a cache directory keyed by those versions:
#
#   ${XDG_CACHE_HOME:-$HOME/.cache}/mce-maestro-operator/crds-<hash of versions>/*.yaml
#
# Nothing is copied into the repository. Prints the directory on the last line of stdout.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
. "$here/versions.env"
say() { printf '[upstream-crds] %s\n' "$*" >&2; }

key=$(printf '%s\n' "$OCM_API_VERSION" "$CLUSTER_LIFECYCLE_API_VERSION" "$BACKPLANE_OPERATOR_VERSION" | sha256sum | cut -c1-12)
out="${XDG_CACHE_HOME:-$HOME/.cache}/mce-maestro-operator/crds-$key"
if [ -f "$out/.complete" ]; then
  echo "$out"
  exit 0
fi

command -v go >/dev/null || { say "go is not installed; it is needed once to download the upstream CRD modules"; exit 1; }
# These repositories publish pseudo-versions the checksum database may not know; the module
# proxy still serves them, and the files are read, never compiled.
export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/stolostron" GOFLAGS=-mod=mod
moddir() {
  (cd "$(mktemp -d)" && go mod download -json "$1" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')
}
say "downloading open-cluster-management.io/api@$OCM_API_VERSION, cluster-lifecycle-api@$CLUSTER_LIFECYCLE_API_VERSION, backplane-operator@$BACKPLANE_OPERATOR_VERSION"
ocm=$(moddir "open-cluster-management.io/api@$OCM_API_VERSION")
cla=$(moddir "github.com/stolostron/cluster-lifecycle-api@$CLUSTER_LIFECYCLE_API_VERSION")
mce=$(moddir "github.com/stolostron/backplane-operator@$BACKPLANE_OPERATOR_VERSION")

rm -rf "$out.tmp" && mkdir -p "$out.tmp"
# The add-on CRDs under addon/v1beta1 serve v1alpha1 (storage) and v1beta1, as hubs do.
for f in \
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
  "$mce/config/crd/bases/multicluster.openshift.io_multiclusterengines.yaml"; do
  [ -f "$f" ] || { say "missing in module: $f"; exit 1; }
  cp "$f" "$out.tmp/$(basename "$f" | sed 's/^0000_0[0-9]_//; s/\.crd\.yaml$/.yaml/')"
done
chmod -R u+w "$out.tmp"
touch "$out.tmp/.complete"
rm -rf "$out" && mv "$out.tmp" "$out"
say "$(ls "$out" | wc -l) CRDs in $out"
echo "$out"
