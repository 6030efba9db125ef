#!/usr/bin/env bash
# Installs, with apt-get, the Debian packages the test suites need and the machine lacks. The
# one list of them lives here. Nothing is installed when every command is already present, and
# `apt-get update` runs only when something must be installed.
# Usage: tools/install-system-packages.sh [--dry-run]
#   --dry-run  print what is missing and what would be run, change nothing (exit 0 either way)
# Exit status: 0 when everything is present or was installed; 1 when something is missing and
# cannot be installed here (not root, or no apt-get), after saying exactly what and why.
set -euo pipefail

log() { printf '[install-system-packages] %s\n' "$*" >&2; }

# command  Debian package  who needs it
REQUIRED=(
  "ip        iproute2  dataplane suites: network namespaces and veth pairs"
  "iptables  iptables  dataplane suites: kube-router programs the policies as iptables rules"
  "ipset     ipset     dataplane suites: kube-router keeps the policies' pod sets in ipsets"
  "busybox   busybox   dataplane suites: runs the chart's helm test hook commands (wget, nc)"
  "openssl   openssl   end-to-end suites: the control plane's certificates"
  "unzip     unzip     end-to-end suites: tools/install-crds.sh takes the CRD files out of the Go module zips"
  "chromium  chromium  browser tests: headless Chromium at /usr/bin/chromium"
)

dry_run=false
case "${1:-}" in
  "") ;;
  --dry-run) dry_run=true ;;
  *) log "error: unknown argument '$1'; usage: tools/install-system-packages.sh [--dry-run]"; exit 2 ;;
esac

# K8S_SECURITY_ASSUME_MISSING="cmd ..." makes those commands count as missing, to exercise the
# install path (with --dry-run) on a machine that has them.
assume_missing=" ${K8S_SECURITY_ASSUME_MISSING:-} "
have() { [[ "$assume_missing" != *" $1 "* ]] && PATH="$PATH:/usr/sbin:/sbin" command -v "$1" >/dev/null 2>&1; }

missing_packages=()
for entry in "${REQUIRED[@]}"; do
  read -r cmd package why <<<"$entry"
  have "$cmd" && continue
  log "missing: '$cmd' (Debian package $package), needed by the $why"
  missing_packages+=("$package")
done

if [[ ${#missing_packages[@]} -eq 0 ]]; then
  log "all present: $(for entry in "${REQUIRED[@]}"; do read -r cmd _ <<<"$entry"; printf '%s ' "$cmd"; done)"
  exit 0
fi

install_command="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing_packages[*]}"
if $dry_run; then
  log "dry run: would run: $install_command"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  log "error: apt-get is not available, so ${missing_packages[*]} cannot be installed here. Install them with the system's package manager and run again."
  exit 1
fi
if [[ $(id -u) -ne 0 ]]; then
  log "error: installing ${missing_packages[*]} needs root (running as $(id -un)). Run as root: $install_command"
  exit 1
fi
log "installing: ${missing_packages[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing_packages[@]}" >&2
for entry in "${REQUIRED[@]}"; do
  read -r cmd package _ <<<"$entry"
  [[ "$assume_missing" == *" $cmd "* ]] && continue
  have "$cmd" || { log "error: '$cmd' is still missing after installing $package"; exit 1; }
done
log "installed: ${missing_packages[*]}"
