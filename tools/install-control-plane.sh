#!/usr/bin/env bash
# Builds the pinned Kubernetes control plane used by the end-to-end suite (kube-apiserver and
# kubectl from k8s.io/kubernetes, etcd from go.etcd.io/etcd/server/v3; versions in
# tools/toolchain.env) from the Go module proxy into .tools/bin. Idempotent: a binary whose
# pinned version is already built is left alone, so a warm run only checks stamps.
# Usage: tools/install-control-plane.sh [--print-env]
set -euo pipefail

log_tag=install-control-plane
# shellcheck source=lib/go-proxy-build.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/go-proxy-build.sh"

if [[ "${1:-}" == "--print-env" ]]; then
  printf 'PATH=%s:$PATH\n' "$bin_dir"
  exit 0
fi

go_proxy_env

# Two test runs in one checkout must not build into the same binaries at once.
exec 9>"$stamps_dir/.control-plane.lock"
flock 9

# Throwaway modules live here and go with the script, however it ends.
work_root=$(mktemp -d)
trap 'rm -rf "$work_root"' EXIT

# kube-apiserver and kubectl. k8s.io/kubernetes cannot be built with `go install pkg@version`:
# its go.mod requires its staging modules (k8s.io/api, k8s.io/client-go, ...) at v0.0.0 and
# points them at ./staging with replace directives, which only apply in its own repository.
# So build from a throwaway module that requires it and replaces each staging module with its
# published release (v1.X.Y ships as v0.X.Y). The staging list is read from that go.mod, never
# written down here, so a new release that adds a staging module still builds.
install_kubernetes() {
  local version=$KUBERNETES_VERSION
  local want="kubernetes $version"
  is_current "$bin_dir/kube-apiserver" kube-apiserver "$want" \
    && is_current "$bin_dir/kubectl" kubectl "$want" && return
  log "building kube-apiserver and kubectl $version (a cold build takes several minutes)"

  local gomod staging_version work module
  gomod=$(module_field "k8s.io/kubernetes@$version" GoMod)
  [[ -f "$gomod" ]] || die "could not read the go.mod of k8s.io/kubernetes@$version"
  require_go_at_least "$(go_mod_go_version "$gomod")" "k8s.io/kubernetes $version"
  staging_version="v0.${version#v1.}"

  work="$work_root/$1"
  mkdir -p "$work"
  {
    printf 'module k8s-security-pro.local/control-plane\n\ngo %s\n\nrequire k8s.io/kubernetes %s\n\nreplace (\n' \
      "$(go_mod_go_version "$gomod")" "$version"
    # Every module the go.mod requires that it also replaces with a ./staging directory.
    while read -r module; do
      grep -qE "^[[:space:]]*(require[[:space:]]+)?${module//./\\.} v" "$gomod" || continue
      printf '\t%s => %s %s\n' "$module" "$module" "$staging_version"
    done < <(sed -n 's/^[[:space:]]*\(k8s\.io\/[^[:space:]]*\)[[:space:]]*=>[[:space:]]*\.\/staging\/.*/\1/p' "$gomod")
    printf ')\n'
  } >"$work/go.mod"
  grep -q ' => k8s.io/apimachinery ' "$work/go.mod" || die "found no staging replace directives in k8s.io/kubernetes@$version's go.mod"

  # The version the binaries report (`kubectl version`, /version) is set by ldflags, as
  # kubernetes' own hack/lib/version.sh does; without them it would claim v0.0.0-master.
  local minor=${version#v1.}; minor=${minor%%.*}
  local build_date
  build_date=$(sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' "$(module_field "k8s.io/kubernetes@$version" Info)")
  local ldflags="-s -w" pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=${build_date:-1970-01-01T00:00:00Z}"
  done

  (
    cd "$work"
    go get "k8s.io/kubernetes/cmd/kube-apiserver@$version" "k8s.io/kubernetes/cmd/kubectl@$version" >/dev/null 2>"$work/get.log" \
      || { cat "$work/get.log" >&2; exit 1; }
    go build -ldflags "$ldflags" -o "$work/out/" k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl
  ) || die "building kube-apiserver/kubectl $version failed"
  mv "$work/out/kube-apiserver" "$bin_dir/kube-apiserver"
  mv "$work/out/kubectl" "$bin_dir/kubectl"
  stamp kube-apiserver "$want"
  stamp kubectl "$want"
}

# etcd. The binary is the root package of go.etcd.io/etcd/server/v3 (server/main.go calls
# etcdmain.Main). Its go.mod points its sibling modules (api, client, pkg) at ../ with replace
# directives, but it also requires them at the same released version, so a throwaway module
# that only requires it builds without any replace.
install_etcd() {
  local version=$ETCD_VERSION
  local want="etcd $version"
  is_current "$bin_dir/etcd" etcd "$want" && return
  log "building etcd $version"
  local gomod work
  gomod=$(module_field "go.etcd.io/etcd/server/v3@$version" GoMod)
  [[ -f "$gomod" ]] || die "could not read the go.mod of go.etcd.io/etcd/server/v3@$version"
  require_go_at_least "$(go_mod_go_version "$gomod")" "etcd $version"
  work="$work_root/$1"
  mkdir -p "$work"
  printf 'module k8s-security-pro.local/etcd\n\ngo %s\n\nrequire go.etcd.io/etcd/server/v3 %s\n' \
    "$(go_mod_go_version "$gomod")" "$version" >"$work/go.mod"
  (
    cd "$work"
    go get "go.etcd.io/etcd/server/v3@$version" >/dev/null 2>"$work/get.log" || { cat "$work/get.log" >&2; exit 1; }
    go build -ldflags "-s -w" -o "$work/etcd" go.etcd.io/etcd/server/v3
  ) || die "building etcd $version failed"
  mv "$work/etcd" "$bin_dir/etcd"
  stamp etcd "$want"
}

install_etcd etcd
install_kubernetes kubernetes
log "control plane ready in $bin_dir (kube-apiserver, kubectl, etcd)"
