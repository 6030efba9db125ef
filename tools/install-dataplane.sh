#!/usr/bin/env bash
# Builds the pinned dataplane enforcer for the dataplane suites (docs/dataplane.md): kube-router
# (KUBE_ROUTER_VERSION in tools/toolchain.env) from the Go module proxy into .tools/bin.
# Idempotent: a binary whose pinned version is already built is left alone.
#
# kube-router is a TEST TOOL here. Only its network policy controller (--run-firewall) is ever
# started; the service proxy (GHSA-phqm-jgc3-qf8g) and the router's BGP gRPC port
# (GHSA-v5mh-h5hx-7v92), both reported for v2.1.0, stay off. See docs/dataplane.md.
# Usage: tools/install-dataplane.sh [--print-env]
set -euo pipefail

log_tag=install-dataplane
# shellcheck source=lib/go-proxy-build.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/go-proxy-build.sh"

if [[ "${1:-}" == "--print-env" ]]; then
  printf 'PATH=%s:$PATH\n' "$bin_dir"
  exit 0
fi

install_kube_router() {
  local version=$KUBE_ROUTER_VERSION module=github.com/cloudnativelabs/kube-router/v2
  local want="kube-router $version"
  is_current "$bin_dir/kube-router" kube-router "$want" && return
  go_proxy_env
  # Two test runs sharing .tools must not build the same binary at once.
  exec 9>"$stamps_dir/.dataplane.lock"
  flock 9
  is_current "$bin_dir/kube-router" kube-router "$want" && return
  log "building kube-router $version (firewall controller only is ever run; a cold build takes several minutes)"
  local gomod build_date
  gomod=$(module_field "$module@$version" GoMod)
  [[ -f "$gomod" ]] || die "could not read the go.mod of $module@$version"
  require_go_at_least "$(go_mod_go_version "$gomod")" "kube-router $version"
  build_date=$(sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' "$(module_field "$module@$version" Info)")
  # The same ldflags as kube-router's Makefile, so `kube-router --version` names the release.
  local ldflags="-s -w -X $module/pkg/version.Version=$version -X $module/pkg/version.BuildDate=${build_date:-1970-01-01T00:00:00Z}"
  GOBIN="$bin_dir.new-kube-router" go install -ldflags "$ldflags" "$module/cmd/kube-router@$version" \
    || { rm -rf "$bin_dir.new-kube-router"; die "building kube-router $version failed"; }
  mv "$bin_dir.new-kube-router/kube-router" "$bin_dir/kube-router"
  rmdir "$bin_dir.new-kube-router"
  stamp kube-router "$want"
}

install_kube_router
log "dataplane ready in $bin_dir (kube-router)"
