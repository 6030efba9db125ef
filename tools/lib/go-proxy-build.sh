# shellcheck shell=bash
# Helpers for building pinned Go binaries from the Go module proxy into .tools/. Sourced (not
# run) by tools/install-control-plane.sh; the caller sets `log_tag` first and gets `bin_dir`,
# `stamps_dir` and a GOPROXY without any `direct` fallback.

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../toolchain.env
source "$repo_root/tools/toolchain.env"

tools_dir="${K8S_SECURITY_TOOLS_DIR:-$repo_root/.tools}"
bin_dir="$tools_dir/bin"
stamps_dir="$tools_dir/stamps"

log() { printf '[%s] %s\n' "${log_tag:-tools}" "$*" >&2; }
die() { printf '[%s] error: %s\n' "${log_tag:-tools}" "$*" >&2; exit 1; }

# Sets up Go for proxy-only, static, reproducible builds. Stops with the fix when Go is missing.
go_proxy_env() {
  command -v go >/dev/null 2>&1 || die "Go is not on PATH. Install Go (e.g. /usr/local/go/bin) and run again; nothing was built."
  export CGO_ENABLED=0 GOFLAGS="-trimpath" GOTOOLCHAIN=local
  # Only the module proxy: a ',direct' fallback would reach source hosts when the proxy says no.
  local proxy
  proxy=$(go env GOPROXY)
  proxy=${proxy//,direct/}; proxy=${proxy//|direct/}
  [[ -n "$proxy" && "$proxy" != "direct" && "$proxy" != "off" ]] || die "GOPROXY is '$(go env GOPROXY)'; set it to a module proxy, not 'direct' or 'off'."
  export GOPROXY="$proxy"
  mkdir -p "$bin_dir" "$stamps_dir"
}

# A stamp records what a binary was built from; a tool is rebuilt only when its stamp or binary is missing or differs.
is_current() { [[ -x "$1" && -f "$stamps_dir/$2" && "$(cat "$stamps_dir/$2")" == "$3" ]]; }
stamp() { printf '%s\n' "$2" >"$stamps_dir/$1"; }

# Prints one field ("Dir", "GoMod") of `go mod download -json MODULE@VERSION`, or stops with the proxy's reason.
module_field() {
  local json
  json=$(go mod download -json "$1" 2>&1) || die "the module proxy could not provide $1: $(printf '%s' "$json" | sed -n 's/^[[:space:]]*"Error": "\(.*\)",\{0,1\}$/\1/p' | sed 's/\\n.*//')"
  printf '%s' "$json" | sed -n "s/^[[:space:]]*\"$2\": \"\\(.*\\)\",\\{0,1\\}\$/\\1/p"
}

# Prints the `go` line of a go.mod file ("1.26.0").
go_mod_go_version() { sed -n 's/^go \([0-9][0-9.]*\)$/\1/p' "$1" | head -n1; }

# Stops unless the local Go is at least the version a module's go.mod asks for (GOTOOLCHAIN=local
# never downloads a newer one).
require_go_at_least() { # version what
  local have
  have=$(go env GOVERSION); have=${have#go}
  [[ "$(printf '%s\n%s\n' "$1" "$have" | sort -V | head -n1)" == "$1" ]] \
    || die "$2 needs Go $1 but Go $have is installed; install a newer Go or pin an older version in tools/toolchain.env."
}
