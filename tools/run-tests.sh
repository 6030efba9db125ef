#!/usr/bin/env bash
# The project's one test command (`npm test`; .ci/run runs exactly this). On a clean clone it
# installs what is missing (npm packages, Debian packages, the pinned Go-built toolchain), builds, checks that
# generated files match the model, then runs every suite.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false

step() { printf '\n==> %s\n' "$*"; }

# Test output is kept so the run can end with one total line over every runner
# (tools/lib/test-totals.sh). When a step fails, the run stops there and the total covers the
# steps that ran, failures included.
results=$(mktemp)
finish() {
  local status=$?
  if [[ -s "$results" ]]; then
    [[ $status -eq 0 ]] || printf '\nrun-tests: stopped at a failing step (exit status %s); the total covers the steps that ran.\n' "$status"
    printf '\n'
    bash tools/lib/test-totals.sh "$results" || true
  fi
  rm -f "$results"
  exit "$status"
}
trap finish EXIT

# npm keeps a copy of the lock file it installed from; reinstall when the real one is newer.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  step "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi

step "system packages (tools/install-system-packages.sh: apt-get installs what is missing)"
bash tools/install-system-packages.sh

step "toolchain (tools/install-tools.sh)"
bash tools/install-tools.sh
eval "$(bash tools/install-tools.sh --print-env | sed 's/^/export /')"

step "build"
npx nx run-many -t build --outputStyle=stream

step "generated files match the model"
npm run -s generate -- --check

step "lint and type-check (tests included)"
npx nx run-many -t lint typecheck --outputStyle=stream

step "unit tests (vitest)"
npx nx run-many -t test --outputStyle=stream | tee -a "$results"

step "chart tests (helm lint --strict, helm-unittest)"
bash tools/test-chart.sh | tee -a "$results"

step "end-to-end (kube-apiserver + etcd on 127.0.0.1; builds them first, see docs/e2e.md)"
npm run -s test:e2e | tee -a "$results"

step "dataplane (kube-router enforcing the policies on network namespaces; see docs/dataplane.md)"
bash tools/install-dataplane.sh
# Every dataplane suite file, the random differential included. The prefix marks its lines in the log.
(cd packages/e2e && npx vitest run -c vitest.dataplane.config.ts) | sed -u 's/^/dataplane: /' | tee -a "$results"

step "release dry run (npm packages through a local Verdaccio, the chart through a local OCI registry, Helm 3 and 4)"
bash tools/release-dry-run.sh | tee -a "$results"
# The EXIT trap (finish, above) prints the total line.
