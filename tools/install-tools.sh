#!/usr/bin/env bash
# Builds the pinned Kubernetes toolchain (tools/toolchain.env) from the Go module proxy into
# .tools/. Idempotent: a tool whose pinned version is already built is left alone, so a warm
# run only checks stamps. Usage: tools/install-tools.sh [--print-env]
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=toolchain.env
source "$repo_root/tools/toolchain.env"

tools_dir="${K8S_SECURITY_TOOLS_DIR:-$repo_root/.tools}"
bin_dir="$tools_dir/bin"
plugins_dir="$tools_dir/helm-plugins"
stamps_dir="$tools_dir/stamps"

if [[ "${1:-}" == "--print-env" ]]; then
  printf 'PATH=%s:$PATH\nHELM_PLUGINS=%s\n' "$bin_dir" "$plugins_dir"
  exit 0
fi

log() { printf '[install-tools] %s\n' "$*" >&2; }
die() { printf '[install-tools] error: %s\n' "$*" >&2; exit 1; }

command -v go >/dev/null 2>&1 || die "Go is not on PATH. Install Go 1.22 or newer (e.g. /usr/local/go/bin) and run again; nothing was built."

export CGO_ENABLED=0 GOFLAGS="-trimpath" GOTOOLCHAIN=local
# Only the module proxy: a ',direct' fallback would reach source hosts when the proxy says no.
proxy=$(go env GOPROXY)
proxy=${proxy//,direct/}; proxy=${proxy//|direct/}
[[ -n "$proxy" && "$proxy" != "direct" && "$proxy" != "off" ]] || die "GOPROXY is '$(go env GOPROXY)'; set it to a module proxy, not 'direct' or 'off'."
export GOPROXY="$proxy"

mkdir -p "$bin_dir" "$plugins_dir" "$stamps_dir"

# A stamp records what a binary was built from; a tool is rebuilt only when its stamp or binary is missing or differs.
is_current() { [[ -x "$1" && -f "$stamps_dir/$2" && "$(cat "$stamps_dir/$2")" == "$3" ]]; }
stamp() { printf '%s\n' "$2" >"$stamps_dir/$1"; }

# Prints one field ("Dir", "GoMod") of `go mod download -json MODULE@VERSION`, or stops with the proxy's reason.
module_field() {
  local json
  json=$(go mod download -json "$1" 2>&1) || die "the module proxy could not provide $1: $(printf '%s' "$json" | sed -n 's/^[[:space:]]*"Error": "\(.*\)",\{0,1\}$/\1/p' | sed 's/\\n.*//')"
  printf '%s' "$json" | sed -n "s/^[[:space:]]*\"$2\": \"\\(.*\\)\",\\{0,1\\}\$/\\1/p"
}

install_helm() {
  local want="helm $HELM_VERSION"
  is_current "$bin_dir/helm" helm "$want" && return
  log "building helm $HELM_VERSION"
  # Helm reports the Kubernetes version of its client-go (as its Makefile does); without these
  # ldflags a `go install` build claims Kubernetes 1.20.
  local client_go minor
  client_go=$(sed -n 's/^[[:space:]]*k8s.io\/client-go v0\.\([0-9]*\)\..*/\1/p' "$(module_field "helm.sh/helm/v3@$HELM_VERSION" GoMod)")
  [[ -n "$client_go" ]] || die "could not read k8s.io/client-go from helm $HELM_VERSION's go.mod"
  minor=$client_go
  local ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
  local pkg
  for pkg in pkg/chartutil pkg/lint/rules; do
    ldflags+=" -X helm.sh/helm/v3/$pkg.k8sVersionMajor=1 -X helm.sh/helm/v3/$pkg.k8sVersionMinor=$minor"
  done
  GOBIN="$bin_dir" go install -ldflags "$ldflags" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  stamp helm "$want"
}

# Builds PACKAGE of MODULE@VERSION inside a copy of the module, to OUTPUT. Used where `go install
# pkg@version` refuses: helm-unittest's go.mod has a replace directive, and the proxy serves
# netpol-analyzer's exact versions but not its version list, which `go install` reads.
build_in_module_copy() { # module version package output
  local src work
  src=$(module_field "$1@$2" Dir)
  [[ -n "$src" ]] || die "could not download $1@$2"
  work=$(mktemp -d)
  cp -R "$src/." "$work/" && chmod -R u+w "$work"
  (cd "$work" && go build -ldflags "-s -w" -o "$4.new" "./$3") || { rm -rf "$work"; die "building $1@$2 failed"; }
  rm -rf "$work"
  mv "$4.new" "$4"
}

install_helm_unittest() {
  local want="helm-unittest $HELM_UNITTEST_VERSION"
  local plugin="$plugins_dir/unittest"
  is_current "$plugin/untt-linux-amd64" helm-unittest "$want" && [[ -f "$plugin/plugin.yaml" ]] && return
  log "building helm-unittest $HELM_UNITTEST_VERSION"
  mkdir -p "$plugin"
  build_in_module_copy github.com/helm-unittest/helm-unittest "$HELM_UNITTEST_VERSION" cmd/helm-unittest "$plugin/untt-linux-amd64"
  # The upstream plugin.yaml has an install hook that downloads from GitHub; register the
  # local binary without any hook instead.
  cat >"$plugin/plugin.yaml" <<YAML
name: "unittest"
version: "${HELM_UNITTEST_VERSION#v}"
usage: "unittest for helm charts"
description: "Unit test for helm chart in YAML, built from source by tools/install-tools.sh."
ignoreFlags: false
command: "\$HELM_PLUGIN_DIR/untt-linux-amd64"
YAML
  stamp helm-unittest "$want"
}

install_netpolicy() {
  local want="netpolicy $NETPOLICY_VERSION"
  is_current "$bin_dir/netpolicy" netpolicy "$want" && return
  log "building netpolicy $NETPOLICY_VERSION"
  build_in_module_copy github.com/np-guard/netpol-analyzer "$NETPOLICY_VERSION" cmd/netpolicy "$bin_dir/netpolicy"
  stamp netpolicy "$want"
}

install_go_tool() { # name version package
  local name=$1 version=$2 pkg=$3 want="$1 $2"
  is_current "$bin_dir/$name" "$name" "$want" && return
  log "building $name $version"
  GOBIN="$bin_dir" go install -ldflags "-s -w" "$pkg@$version"
  stamp "$name" "$want"
}

install_helm
install_helm_unittest
install_go_tool kustomize "$KUSTOMIZE_VERSION" sigs.k8s.io/kustomize/kustomize/v5
install_netpolicy
log "toolchain ready in $bin_dir"
