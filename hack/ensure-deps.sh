#!/usr/bin/env bash
# Installs what `make test`, `make demo` and `make bench` need, idempotently, saying what it does:
# npm packages (npm ci from the committed lock file), Debian packages (PostgreSQL, Mosquitto,
# promtool), the locally built control plane and the real OCM programs (cached outside the repo,
# keyed by version).
#
#   hack/ensure-deps.sh [npm] [debian] [control-plane] [ocm] [maestro] [validators]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[deps] %s\n' "$*" >&2; }
want() { [ $# -eq 0 ] && return 0; for w in "${ARGS[@]}"; do [ "$w" = "$1" ] && return 0; done; return 1; }
ARGS=("$@")
[ ${#ARGS[@]} -eq 0 ] && ARGS=(npm debian control-plane ocm maestro validators)

if want npm; then
  stamp=node_modules/.package-lock.json
  if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
    say "npm ci (package-lock.json)"
    npm ci --no-audit --no-fund >&2
  else
    say "npm packages: up to date"
  fi
fi

if want debian; then
  missing=()
  command -v pg_ctlcluster >/dev/null || [ -x /usr/lib/postgresql/*/bin/postgres ] 2>/dev/null || missing+=(postgresql)
  command -v mosquitto >/dev/null || [ -x /usr/sbin/mosquitto ] || missing+=(mosquitto)
  command -v mosquitto_sub >/dev/null || missing+=(mosquitto-clients)
  command -v promtool >/dev/null || missing+=(prometheus)
  if [ ${#missing[@]} -gt 0 ]; then
    say "apt-get install ${missing[*]} (Debian packages: real PostgreSQL, Mosquitto and promtool for tests)"
    export DEBIAN_FRONTEND=noninteractive
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq >&2
    # --no-install-recommends keeps prometheus from pulling in a dozen exporters; services are
    # never started by the package: tests start their own servers on loopback ports.
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
    # Debian starts the packaged services; tests run their own instances, so stop those.
    for svc in postgresql mosquitto prometheus; do $SUDO service "$svc" stop >/dev/null 2>&1 || true; done
  else
    say "Debian packages: present"
  fi
fi

if want control-plane; then
  say "control plane (kube-apiserver, kubectl, etcd)"
  bash hack/build-control-plane.sh >/dev/null
  bash hack/upstream-crds.sh >/dev/null
  bash hack/upstream-crds.sh capabilities >/dev/null
fi
if want ocm; then
  # shellcheck source=versions.env
  . hack/versions.env
  say "real OCM hub controllers and agents (open-cluster-management.io/ocm ${OCM_VERSION}, and ${OCM_PREVIOUS_VERSION} for klusterlet upgrades)"
  bash hack/build-ocm.sh >/dev/null
  bash hack/build-ocm.sh "$OCM_PREVIOUS_VERSION" >/dev/null
  bash hack/upstream-crds.sh ocm-hub >/dev/null
  bash hack/upstream-crds.sh ocm-spoke >/dev/null
fi
if want maestro && [ -f hack/build-maestro.sh ]; then
  bash hack/build-maestro.sh >/dev/null
fi
if want validators && [ -f hack/build-validators.sh ]; then
  bash hack/build-validators.sh >/dev/null
fi
