#!/usr/bin/env bash
# The project's one test command (`npm test`; .ci/run runs exactly this). On a clean clone it
# installs what is missing (npm packages, the pinned Go-built toolchain), builds, checks that
# generated files match the model, then runs every suite.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false

step() { printf '\n==> %s\n' "$*"; }

# npm keeps a copy of the lock file it installed from; reinstall when the real one is newer.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  step "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi

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
npx nx run-many -t test --outputStyle=stream

step "chart tests (helm lint --strict, helm-unittest)"
bash tools/test-chart.sh

step "end-to-end (kube-apiserver + etcd on 127.0.0.1; builds them first, see docs/e2e.md)"
npm run -s test:e2e
