#!/usr/bin/env bash
# The README's main job (`npm start`): install, build, regenerate the chart, Kustomize and plain
# manifests, then print the production policy set.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
npm ci --no-audit --no-fund >&2
npx nx run-many -t build --outputStyle=stream >&2
npm run -s generate >&2
node packages/cli/bin/k8s-security.js render --env prod
