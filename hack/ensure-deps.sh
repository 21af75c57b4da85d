#!/usr/bin/env bash
# Installs what `make test`, `make demo` and `make bench` need, idempotently, saying what it does:
# npm packages (npm ci from the committed lock file), the console's build, Debian packages
# (PostgreSQL, Mosquitto, promtool, Chromium), the locally built control plane, Hive's CRDs and the
# real OCM programs (cached outside the repo, keyed by version).
#
#   hack/ensure-deps.sh [npm] [console] [debian] [browser] [control-plane] [hive] [ocm] [maestro] [validators]
#   (default: all, in that order)
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[deps] %s\n' "$*" >&2; }
want() { [ $# -eq 0 ] && return 0; for w in "${ARGS[@]}"; do [ "$w" = "$1" ] && return 0; done; return 1; }
ARGS=("$@")
[ ${#ARGS[@]} -eq 0 ] && ARGS=(npm console debian browser control-plane hive ocm maestro validators)
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo

if want npm; then
  stamp=node_modules/.package-lock.json
  if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
    say "npm ci (package-lock.json)"
    npm ci --no-audit --no-fund >&2
  else
    say "npm packages: up to date"
  fi
fi

if want console && [ -f console/package.json ]; then
  # The browser app (console/) has its own package.json and lock file; its built files
  # (console/dist) are what the operator serves with --console-static-dir.
  if [ ! -f console/node_modules/.package-lock.json ] || [ console/package-lock.json -nt console/node_modules/.package-lock.json ]; then
    say "npm ci in console/ (console/package-lock.json)"
    (cd console && npm ci --no-audit --no-fund >&2)
  else
    say "console npm packages: up to date"
  fi
  # Rebuilt when a source, the lock file or what it imports from the operator's tree (the API
  # contract, the label selector parser and what they import) changed since the last build.
  newer=""
  if [ -f console/dist/index.html ]; then
    newer=$(find console/src console/index.html console/package-lock.json console/vite.config.ts \
      src/console/contract.ts src/console/label-selector-string.ts src/rollout/label-selector.ts src/api \
      -newer console/dist/index.html -print -quit 2>/dev/null || true)
  fi
  if [ ! -f console/dist/index.html ] || [ -n "$newer" ]; then
    say "npm run build in console/ (${newer:-no console/dist yet})"
    (cd console && npm run build >&2)
  else
    say "console build: up to date (console/dist)"
  fi
fi

if want debian; then
  missing=()
  command -v pg_ctlcluster >/dev/null || [ -x /usr/lib/postgresql/*/bin/postgres ] 2>/dev/null || missing+=(postgresql)
  command -v mosquitto >/dev/null || [ -x /usr/sbin/mosquitto ] || missing+=(mosquitto)
  command -v mosquitto_sub >/dev/null || missing+=(mosquitto-clients)
  command -v promtool >/dev/null || missing+=(prometheus)
  # The RRULE differential test's reference implementation (any python3 with dateutil will do).
  python3 -c 'import dateutil' 2>/dev/null || /usr/bin/python3 -c 'import dateutil' 2>/dev/null || missing+=(python3-dateutil)
  if [ ${#missing[@]} -gt 0 ]; then
    say "apt-get install ${missing[*]} (Debian packages: real PostgreSQL, Mosquitto, promtool and dateutil for tests)"
    export DEBIAN_FRONTEND=noninteractive
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

if want browser; then
  # The console tests drive Debian's Chromium with playwright-core (a devDependency); Playwright's
  # own browser download does not work on these machines. fonts-liberation gives screenshots the
  # metric-compatible Arial/Times/Courier the console's styles ask for.
  missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  dpkg -s fonts-liberation >/dev/null 2>&1 || missing+=(fonts-liberation)
  if [ ${#missing[@]} -gt 0 ]; then
    say "apt-get install ${missing[*]} (Debian's Chromium, headless, for the console's browser tests)"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq >&2
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  else
    say "Chromium: present ($(chromium --version 2>/dev/null || echo '?'))"
  fi
fi

if want control-plane; then
  say "control plane (kube-apiserver, kubectl, etcd)"
  bash hack/build-control-plane.sh >/dev/null
  bash hack/upstream-crds.sh >/dev/null
  bash hack/upstream-crds.sh capabilities >/dev/null
fi
if want hive; then
  # shellcheck source=versions.env
  . hack/versions.env
  say "Hive CRDs (generated from github.com/openshift/hive/apis@${HIVE_APIS_VERSION} with controller-gen ${CONTROLLER_TOOLS_VERSION})"
  bash hack/upstream-crds.sh hive >/dev/null
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
  bash hack/build-maestro.sh work-client >/dev/null
  bash hack/build-maestro.sh kube-rbac-proxy >/dev/null
fi
if want validators && [ -f hack/build-validators.sh ]; then
  bash hack/build-validators.sh >/dev/null
fi
