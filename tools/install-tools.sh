#!/usr/bin/env bash
# Builds the pinned Kubernetes toolchain (tools/toolchain.env) from the Go module proxy into
# .tools/. Idempotent: a tool whose pinned version is already built is left alone, so a warm
# run only checks stamps and needs no Go. Usage: tools/install-tools.sh [--print-env | TOOL...]
set -euo pipefail

log_tag=install-tools
# shellcheck source=lib/go-proxy-build.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/go-proxy-build.sh"
plugins_dir="$tools_dir/helm-plugins"

if [[ "${1:-}" == "--print-env" ]]; then
  printf 'PATH=%s:$PATH\nHELM_PLUGINS=%s\n' "$bin_dir" "$plugins_dir"
  exit 0
fi

# Go is checked (and set up proxy-only) the first time something must be built.
go_ready=false
need_go() { $go_ready || { go_proxy_env; mkdir -p "$plugins_dir"; go_ready=true; }; }

install_helm() {
  local want="helm $HELM_VERSION"
  is_current "$bin_dir/helm" helm "$want" && return
  need_go
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

# Helm 4 needs no Kubernetes-version ldflags: it reads them from its client-go at build time.
install_helm4() {
  local want="helm4 $HELM4_VERSION"
  is_current "$bin_dir/helm4" helm4 "$want" && return
  need_go
  log "building helm4 $HELM4_VERSION"
  local out
  out=$(mktemp -d)
  GOBIN="$out" go install -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=$HELM4_VERSION -X helm.sh/helm/v4/internal/version.gitTreeState=clean" \
    "helm.sh/helm/v4/cmd/helm@$HELM4_VERSION" || { rm -rf "$out"; die "building helm4 $HELM4_VERSION failed"; }
  mv "$out/helm" "$bin_dir/helm4"
  rm -rf "$out"
  stamp helm4 "$want"
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
  need_go
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
  need_go
  log "building netpolicy $NETPOLICY_VERSION"
  build_in_module_copy github.com/np-guard/netpol-analyzer "$NETPOLICY_VERSION" cmd/netpolicy "$bin_dir/netpolicy"
  stamp netpolicy "$want"
}

install_go_tool() { # name version package
  local name=$1 version=$2 pkg=$3 want="$1 $2"
  is_current "$bin_dir/$name" "$name" "$want" && return
  need_go
  log "building $name $version"
  GOBIN="$bin_dir" go install -ldflags "-s -w" "$pkg@$version"
  stamp "$name" "$want"
}

install_registry() {
  local want="registry $DISTRIBUTION_VERSION"
  is_current "$bin_dir/registry" registry "$want" && return
  need_go
  log "building registry (CNCF distribution) $DISTRIBUTION_VERSION"
  GOBIN="$bin_dir" go install -ldflags "-s -w -X github.com/distribution/distribution/v3/version.version=$DISTRIBUTION_VERSION" \
    "github.com/distribution/distribution/v3/cmd/registry@$DISTRIBUTION_VERSION"
  stamp registry "$want"
}

# With names (helm, helm4, helm-unittest, kustomize, netpolicy, registry) only those are built.
wanted=("$@")
[[ ${#wanted[@]} -gt 0 ]] || wanted=(helm helm4 helm-unittest kustomize netpolicy registry)
for tool in "${wanted[@]}"; do
  case $tool in
    helm) install_helm ;;
    helm4) install_helm4 ;;
    helm-unittest) install_helm_unittest ;;
    kustomize) install_go_tool kustomize "$KUSTOMIZE_VERSION" sigs.k8s.io/kustomize/kustomize/v5 ;;
    netpolicy) install_netpolicy ;;
    registry) install_registry ;;
    *) die "unknown tool '$tool'. Known: helm helm4 helm-unittest kustomize netpolicy registry" ;;
  esac
done
log "toolchain ready in $bin_dir"
