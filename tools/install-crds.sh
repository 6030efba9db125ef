#!/usr/bin/env bash
# Puts the CustomResourceDefinitions the end-to-end suite validates against into
# .tools/crds/<module>@<version>/, taken from the pinned Go modules (versions in
# tools/toolchain.env). The module proxy only serves whole module zips, so each zip is fetched
# with `go mod download` into the normal module cache (no dependencies, nothing built) and only
# the CRD files are copied out. Idempotent: a module whose stamp matches is left alone, so a
# warm run downloads nothing.
# Usage: tools/install-crds.sh [--print-dir]
#   --print-dir  print the folder the CRDs are in and exit
set -euo pipefail

log_tag=install-crds
# shellcheck source=lib/go-proxy-build.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/go-proxy-build.sh"

crds_dir="$tools_dir/crds"

if [[ "${1:-}" == "--print-dir" ]]; then
  printf '%s\n' "$crds_dir"
  exit 0
fi
[[ $# -eq 0 ]] || die "unknown argument '$1'; usage: tools/install-crds.sh [--print-dir]"

# module  version  paths inside the module whose YAML files are copied (folders, recursively)
MODULES=(
  "sigs.k8s.io/network-policy-api $NETWORK_POLICY_API_VERSION config/crd/standard config/crd/experimental pkg/crdtest/testdata"
  "github.com/cilium/cilium $CILIUM_VERSION pkg/k8s/apis/cilium.io/client/crds/v2/ciliumnetworkpolicies.yaml pkg/k8s/apis/cilium.io/client/crds/v2/ciliumclusterwidenetworkpolicies.yaml"
  "github.com/argoproj/argo-cd/v3 $ARGO_CD_VERSION manifests/crds"
  "github.com/fluxcd/kustomize-controller $FLUX_KUSTOMIZE_CONTROLLER_VERSION config/crd/bases"
  "github.com/fluxcd/source-controller $FLUX_SOURCE_CONTROLLER_VERSION config/crd/bases"
)

command -v unzip >/dev/null 2>&1 || die "unzip is missing: run bash tools/install-system-packages.sh (it installs the Debian package unzip)"
go_proxy_env

# Two test runs in one checkout must not fill the same folders at once.
exec 9>"$stamps_dir/.crds.lock"
flock 9

# Prints the path of MODULE@VERSION's zip in the module cache, downloading it when missing.
# `go mod download` refuses to *extract* a module whose go.mod needs a newer Go than this one
# (Argo CD, Flux), but it has fetched and verified the zip by then, and the zip is all we read.
module_zip() {
  local json zip error
  json=$(go mod download -json "$1" 2>/dev/null) || true
  zip=$(printf '%s' "$json" | sed -n 's/^[[:space:]]*"Zip": "\(.*\)",\{0,1\}$/\1/p')
  if [[ -z "$zip" || ! -f "$zip" ]]; then
    error=$(printf '%s' "$json" | sed -n 's/^[[:space:]]*"Error": "\(.*\)",\{0,1\}$/\1/p' | sed 's/\\n.*//')
    die "the module proxy could not provide $1: ${error:-no zip in the module cache}. Check the version in tools/toolchain.env"
  fi
  printf '%s\n' "$zip"
}

install_module() { # module version paths...
  local module=$1 version=$2
  shift 2
  local dest="$crds_dir/$module@$version"
  local stamp_name="crds-${module//\//_}" want="$module@$version $*"
  if [[ -d "$dest" && -f "$stamps_dir/$stamp_name" && "$(cat "$stamps_dir/$stamp_name")" == "$want" ]]; then
    return
  fi
  local cached=no started zip size
  [[ -f "$(go env GOMODCACHE)/cache/download/$module/@v/$version.zip" ]] && cached=yes
  started=$(date +%s%N)
  zip=$(module_zip "$module@$version")
  size=$(stat -c %s "$zip")
  log "$module@$version: zip $((size / 1024)) KiB, $(( ($(date +%s%N) - started) / 1000000 )) ms (already in the module cache: $cached)"

  local work patterns=() path
  work=$(mktemp -d "$crds_dir.tmp.XXXXXX")
  for path in "$@"; do patterns+=("$module@$version/$path" "$module@$version/$path/*"); done
  # -n: no overwrite questions; the patterns name files, or folders whose whole content is wanted.
  unzip -qn "$zip" "${patterns[@]}" -d "$work" 2>/dev/null || true
  for path in "$@"; do
    [[ -e "$work/$module@$version/$path" ]] || { rm -rf "$work"; die "$module@$version has no $path: the CRDs moved; update the paths in tools/install-crds.sh"; }
  done
  # Only YAML is kept: the CRDs and the test data.
  find "$work" -type f ! -name '*.yaml' -delete
  chmod -R u+w "$work"
  rm -rf "$dest"
  mkdir -p "$(dirname "$dest")"
  mv "$work/$module@$version" "$dest"
  rm -rf "$work"
  stamp "$stamp_name" "$want"
  log "$module@$version: $(find "$dest" -type f | wc -l) YAML files in $dest"
}

mkdir -p "$crds_dir"
for entry in "${MODULES[@]}"; do
  # shellcheck disable=SC2086 # the entry is "module version path..."
  install_module $entry
done
log "CRDs ready in $crds_dir"
