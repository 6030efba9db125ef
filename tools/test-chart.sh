#!/usr/bin/env bash
# Chart tests: `helm lint --strict` (Helm 3 and Helm 4) with values.yaml and with each
# values-<env>.yaml, Helm 4 rendering exactly what Helm 3 renders, then the
# hand-written helm-unittest suites in charts/k8s-security/tests/.
#
# Usage: tools/test-chart.sh [--update-snapshots]
#   (npm run test:chart / npm run snapshots:update)
#
# Snapshots (charts/k8s-security/tests/__snapshot__/) change only with --update-snapshots.
# helm-unittest silently writes a snapshot that is missing, so a plain run checks afterwards
# that the snapshot directory matches what git has committed: a new or changed snapshot fails
# the run, and the files the run wrote are put back as they were, so a check never updates
# snapshots behind the reviewer's back.
#
# The last line of output is always the summary: `helm-unittest: N passed, M failed`
# (M counts failed and errored tests), unless helm-unittest stopped before printing its own.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

chart=charts/k8s-security
snapshots=$chart/tests/__snapshot__

update=false
case "${1:-}" in
  "") ;;
  --update-snapshots) update=true ;;
  -h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) printf 'test-chart: unknown argument "%s". Usage: tools/test-chart.sh [--update-snapshots]\n' "$1" >&2; exit 2 ;;
esac
[[ $# -le 1 ]] || { printf 'test-chart: too many arguments. Usage: tools/test-chart.sh [--update-snapshots]\n' >&2; exit 2; }

eval "$(bash tools/install-tools.sh --print-env | sed 's/^/export /')"

die() { printf 'test-chart: error: %s\n' "$*" >&2; exit 1; }
command -v helm >/dev/null 2>&1 || die "helm is not on PATH. Fix: run 'bash tools/install-tools.sh' (or 'npm test', which runs it)."
helm unittest --help >/dev/null 2>&1 || die "the helm-unittest plugin is missing from HELM_PLUGINS=$HELM_PLUGINS. Fix: run 'bash tools/install-tools.sh'."
git rev-parse --is-inside-work-tree >/dev/null 2>&1 || die "not a git checkout: the snapshot check compares $snapshots with git."

status=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# ---- helm lint --strict, once per values file, with Helm 3 and Helm 4 ---------------------------
command -v helm4 >/dev/null 2>&1 || die "helm4 is not on PATH. Fix: run 'bash tools/install-tools.sh' (or 'npm test', which runs it)."
value_args=("") # values.yaml alone, then each environment's file
for values in "$chart"/values-*.yaml; do [[ -e "$values" ]] && value_args+=("$values"); done
for helm_bin in helm helm4; do
  for values in "${value_args[@]}"; do
    printf '==> %s lint --strict %s %s\n' "$helm_bin" "$chart" "${values:+-f $values}"
    "$helm_bin" lint --strict "$chart" ${values:+-f "$values"} || status=1
  done
done

# ---- Helm 4 renders exactly what Helm 3 renders ----------------------------------------------
# helm-unittest (below) renders with the Helm 3 library compiled into the plugin, also when Helm 4
# starts it; so Helm 4's own template engine is checked here, output against output.
for values in "${value_args[@]}"; do
  printf '==> helm template vs helm4 template %s\n' "${values:-(values.yaml)}"
  helm template k8s-security "$chart" -n payments ${values:+-f "$values"} >"$work/helm3.yaml" 2>&1 || { cat "$work/helm3.yaml" >&2; status=1; continue; }
  helm4 template k8s-security "$chart" -n payments ${values:+-f "$values"} >"$work/helm4.yaml" 2>&1 || { cat "$work/helm4.yaml" >&2; status=1; continue; }
  # Helm 4 leaves a blank line at the end of some documents; blank lines carry no YAML meaning.
  if ! diff -u -B "$work/helm3.yaml" "$work/helm4.yaml"; then
    printf 'test-chart: error: helm4 renders %s differently from helm (diff above)\n' "${values:-values.yaml}" >&2
    status=1
  fi
done

# ---- helm-unittest ---------------------------------------------------------------------------
# Run by Helm 3 only: helm-unittest renders with its own compiled-in Helm (helm.sh/helm/v3 at
# v3.21.3 in plugin v1.1.2), whichever helm starts it; under helm4 it loads as a legacy plugin and
# passes the same suites, which would prove nothing about Helm 4 (see the template diff above).
restore_snapshots() { :; }
cleanup() { restore_snapshots; rm -rf "$work"; }
trap cleanup EXIT

args=(unittest --strict)
if $update; then
  args+=(-u)
else
  # Keep a copy, so the files a checking run writes can be put back (see the header).
  had_snapshots=false
  if [[ -d "$snapshots" ]]; then
    had_snapshots=true
    cp -R "$snapshots" "$work/snapshot-before"
  fi
  restore_snapshots() {
    rm -rf "$snapshots"
    if $had_snapshots; then cp -R "$work/snapshot-before" "$snapshots"; fi
    restore_snapshots() { :; }
  }
fi

printf '==> helm %s %s\n' "${args[*]}" "$chart"
unittest_status=0
helm "${args[@]}" "$chart" 2>&1 | tee "$work/unittest.log" || unittest_status=$?
[[ $unittest_status -eq 0 ]] || status=1

# ---- snapshots must match what is committed --------------------------------------------------
if ! $update; then
  changed=$(git status --porcelain --untracked-files=all -- "$snapshots")
  if [[ -n "$changed" ]]; then
    status=1
    {
      printf '\ntest-chart: error: snapshots in %s are new or differ from the committed ones:\n' "$snapshots"
      printf '%s\n' "$changed" | sed 's/^/  /'
      printf 'A check never updates snapshots. Fix: run `npm run snapshots:update`, review the diff\n'
      printf '(git diff -- %s), and commit the snapshots with the change that caused them.\n' "$snapshots"
    } >&2
  fi
  restore_snapshots
fi

# ---- summary ---------------------------------------------------------------------------------
# helm-unittest ends with e.g. "Tests:       2 failed, 1 errored, 85 passed, 88 total".
tests_line=$(sed 's/\x1b\[[0-9;]*m//g' "$work/unittest.log" | grep -E '^Tests:' | tail -n 1 || true)
if [[ -z "$tests_line" ]]; then
  die "helm-unittest stopped before its summary (exit status $unittest_status); see its output above."
fi
count() { printf '%s\n' "$tests_line" | grep -oE "[0-9]+ $1" | grep -oE '^[0-9]+' || echo 0; }
passed=$(count passed)
failed=$(( $(count failed) + $(count errored) ))
if [[ $unittest_status -ne 0 && $failed -eq 0 ]]; then
  printf 'test-chart: error: helm-unittest exited with status %s (a suite could not be loaded?); see its output above.\n' "$unittest_status" >&2
fi
printf 'helm-unittest: %d passed, %d failed\n' "$passed" "$failed"
exit "$status"
