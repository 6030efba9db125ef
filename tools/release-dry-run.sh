#!/usr/bin/env bash
# The release, end to end, into throwaway registries on 127.0.0.1 (`npm run release:dry-run`;
# `npm test` runs it):
#   1. npm: packs core, render and cli, prints each tarball's size and files, publishes them to
#      a local Verdaccio, installs @k8s-security-pro/cli into an empty folder from it and runs the
#      command there; imports the core from ESM and from CommonJS; type-checks a consumer with
#      `tsc --strict` under moduleResolution nodenext and bundler.
#   2. OCI: packages/e2e/src/release.e2e.ts packages the chart, pushes it to a local CNCF
#      distribution registry and installs it from there with Helm 3 and Helm 4 into the e2e API
#      server (see docs/release.md).
# Nothing is published anywhere else; both registries and their storage are gone afterwards.
#
# Usage: tools/release-dry-run.sh [--npm-only | --oci-only]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false

run_npm=true run_oci=true
case "${1:-}" in
  "") ;;
  --npm-only) run_oci=false ;;
  --oci-only) run_npm=false ;;
  -h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) printf 'release-dry-run: unknown argument "%s". Usage: tools/release-dry-run.sh [--npm-only | --oci-only]\n' "$1" >&2; exit 2 ;;
esac

step() { printf '\n==> release: %s\n' "$*"; }
die() { printf 'release-dry-run: error: %s\n' "$*" >&2; exit 1; }

version=$(node -p 'require("./package.json").version')
packages=(core render cli)

work=$(mktemp -d)
registry_pid=""
cleanup() {
  if [[ -n "$registry_pid" ]] && kill -0 "$registry_pid" 2>/dev/null; then
    kill "$registry_pid" 2>/dev/null || true
    wait "$registry_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

free_port() { node -e 'const s=require("node:net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

if $run_npm; then
  step "build"
  npx nx run-many -t build -p "${packages[@]}" --outputStyle=stream >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; die "the build failed"; }

  step "pack ${packages[*]} at $version"
  mkdir -p "$work/packs"
  for name in "${packages[@]}"; do
    (cd "packages/$name" && npm pack --json --pack-destination "$work/packs" >"$work/pack-$name.json" 2>"$work/pack-$name.log") \
      || { cat "$work/pack-$name.log" >&2; die "npm pack of packages/$name failed"; }
    node -e '
      const [pack] = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
      const kb = (n) => (n / 1024).toFixed(1) + " kB";
      const bad = pack.files.filter((f) => /\.tsbuildinfo$|\.test\.ts$|test-support\//.test(f.path));
      if (bad.length) { console.error("release-dry-run: error: " + pack.name + " ships build debris: " + bad.map((f) => f.path).join(", ")); process.exit(1); }
      if (!pack.files.some((f) => f.path === "LICENSE")) { console.error("release-dry-run: error: " + pack.name + " ships no LICENSE"); process.exit(1); }
      const groups = {};
      for (const f of pack.files) { const top = f.path.includes("/") ? f.path.split("/")[0] + "/" : f.path; groups[top] = (groups[top] ?? 0) + 1; }
      console.log(`${pack.filename}: ${kb(pack.size)} packed, ${kb(pack.unpackedSize)} unpacked, ${pack.entryCount} files: ` +
        Object.entries(groups).map(([k, v]) => v > 1 || k.endsWith("/") ? `${k} (${v})` : k).join(", "));
    ' "$work/pack-$name.json"
  done

  step "start Verdaccio on 127.0.0.1"
  port=$(free_port)
  npm_registry="http://127.0.0.1:$port/"
  mkdir -p "$work/verdaccio/storage"
  cat >"$work/verdaccio/config.yaml" <<YAML
storage: $work/verdaccio/storage
auth:
  htpasswd:
    file: $work/verdaccio/htpasswd
    max_users: 1
# No uplinks: only what this run publishes is served; everything else comes from the npm
# registry the user's npm is configured with.
packages:
  '@k8s-security-pro/*':
    access: \$all
    publish: \$authenticated
    unpublish: \$authenticated
log: { type: stdout, format: pretty, level: warn }
YAML
  node_modules/.bin/verdaccio --config "$work/verdaccio/config.yaml" --listen "127.0.0.1:$port" >"$work/verdaccio.log" 2>&1 &
  registry_pid=$!
  for _ in $(seq 1 120); do
    curl -fsS "${npm_registry}-/ping" >/dev/null 2>&1 && break
    kill -0 "$registry_pid" 2>/dev/null || { cat "$work/verdaccio.log" >&2; die "Verdaccio exited before it answered"; }
    sleep 0.5
  done
  curl -fsS "${npm_registry}-/ping" >/dev/null || die "Verdaccio did not answer on $npm_registry within 60 s"
  echo "Verdaccio $(node -p 'require("verdaccio/package.json").version') on $npm_registry (pid $registry_pid)"

  # A throwaway user: Verdaccio answers with a token for the publish.
  token=$(curl -fsS -X PUT -H 'content-type: application/json' \
    -d '{"name":"release-dry-run","password":"release-dry-run"}' \
    "${npm_registry}-/user/org.couchdb.user:release-dry-run" | node -pe 'JSON.parse(require("node:fs").readFileSync(0, "utf8")).token')
  [[ -n "$token" && "$token" != undefined ]] || die "Verdaccio did not hand out a token"
  # Only this scope comes from the local registry; the user's npm config stays untouched.
  export NPM_CONFIG_USERCONFIG="$work/npmrc"
  printf '//127.0.0.1:%s/:_authToken=%s\n@k8s-security-pro:registry=%s\n' "$port" "$token" "$npm_registry" >"$NPM_CONFIG_USERCONFIG"

  step "publish to $npm_registry"
  for name in "${packages[@]}"; do
    tarball="$work/packs/k8s-security-pro-$name-$version.tgz"
    npm publish "$tarball" --registry "$npm_registry" --access public >"$work/publish-$name.log" 2>&1 \
      || { cat "$work/publish-$name.log" >&2; die "npm publish of $name failed"; }
    printf 'published @k8s-security-pro/%s@%s\n' "$name" "$(npm view "@k8s-security-pro/$name@$version" version --registry "$npm_registry")"
  done

  step "install @k8s-security-pro/cli@$version in an empty folder"
  consumer="$work/consumer"
  mkdir -p "$consumer"
  cp examples/*.yaml "$consumer/"
  cd "$consumer"
  printf '{ "name": "consumer", "private": true, "version": "1.0.0" }\n' >package.json
  # @types/node as a Node consumer has it (the core's dependencies' types use URL); the repo's version.
  types_node=$(node -p "require('$repo/node_modules/@types/node/package.json').version")
  npm install --no-audit --no-fund --prefer-offline "@k8s-security-pro/cli@$version" "@k8s-security-pro/core@$version" "@types/node@$types_node" >"$work/install.log" 2>&1 \
    || { cat "$work/install.log" >&2; die "npm install from $npm_registry failed"; }
  for name in "${packages[@]}"; do
    resolved=$(node -p "require('./package-lock.json').packages['node_modules/@k8s-security-pro/$name'].resolved")
    [[ "$resolved" == "$npm_registry"* ]] || die "@k8s-security-pro/$name came from $resolved, not from the local registry"
  done
  echo "installed from $npm_registry: ${packages[*]}"

  step "run the installed command"
  expect_exit() { # status command...
    local want=$1 status=0
    shift
    "$@" >"$work/out.log" 2>&1 || status=$?
    if [[ $status -ne $want ]]; then cat "$work/out.log" >&2; die "'$*' exited $status, expected $want"; fi
    printf 'ok (exit %s): %s\n' "$status" "$*"
  }
  # --version arrives with the CLI conventions (issue 11); until then --help proves the bin starts.
  if npx --no-install k8s-security --version >/dev/null 2>&1; then
    expect_exit 0 npx --no-install k8s-security --version
    grep -qx "[^0-9]*$version" "$work/out.log" || { cat "$work/out.log" >&2; die "--version does not print $version"; }
  else
    expect_exit 0 npx --no-install k8s-security --help
  fi
  expect_exit 0 npx --no-install k8s-security render --env prod
  grep -q 'name: default-deny-ingress' "$work/out.log" || die "render printed no default-deny-ingress policy"
  expect_exit 0 npx --no-install k8s-security analyze reference-cluster.yaml
  grep -q 'connections checked' "$work/out.log" || die "analyze printed no summary"
  # lint and audit find problems in these examples on purpose: exit 1 is their finding.
  expect_exit 1 npx --no-install k8s-security lint common-mistakes.yaml --fail-on warning
  grep -q 'NP0' "$work/out.log" || die "lint reported no NP rule"
  expect_exit 1 npx --no-install k8s-security audit reference-cluster.yaml
  grep -q 'AUD00' "$work/out.log" || die "audit reported no AUD check"

  step "import the core from ESM and CommonJS"
  node --input-type=module -e "
    import { namespaceIsolation } from '@k8s-security-pro/core';
    const policies = namespaceIsolation({ targetNamespaces: ['payments'] });
    if (policies.length !== 5) throw new Error('ESM: expected 5 policies, got ' + policies.length);
    console.log('ESM import: ' + policies.length + ' policies');"
  node -e "
    const { namespaceIsolation } = require('@k8s-security-pro/core');
    const policies = namespaceIsolation({ targetNamespaces: ['payments'] });
    if (policies.length !== 5) throw new Error('CJS: expected 5 policies, got ' + policies.length);
    console.log('CommonJS require: ' + policies.length + ' policies');" 2>"$work/cjs.log" \
    || { cat "$work/cjs.log" >&2; die "require('@k8s-security-pro/core') failed"; }

  step "type-check a consumer with tsc --strict (nodenext, bundler)"
  cat >index.ts <<'TS'
import { namespaceIsolation, type NetworkPolicy } from '@k8s-security-pro/core';

const policies: readonly NetworkPolicy[] = namespaceIsolation({ targetNamespaces: ['payments'] });
const names: string[] = policies.map((policy) => policy.metadata.name);
// @ts-expect-error: targetNamespaces is a list of names, so the strict types refuse a number.
namespaceIsolation({ targetNamespaces: 42 });
export { names };
TS
  node -e 'const p=require("./package.json"); p.type="module"; require("node:fs").writeFileSync("package.json", JSON.stringify(p))'
  for resolution in nodenext bundler; do
    module=$([[ $resolution == nodenext ]] && echo nodenext || echo esnext)
    cat >"tsconfig.$resolution.json" <<JSON
{ "compilerOptions": { "strict": true, "noEmit": true, "module": "$module", "moduleResolution": "$resolution",
  "target": "ES2022", "lib": ["ES2023"], "types": ["node"], "skipLibCheck": false }, "files": ["index.ts"] }
JSON
    "$repo/node_modules/.bin/tsc" -p "tsconfig.$resolution.json" || die "tsc --strict with moduleResolution $resolution failed"
    echo "tsc --strict, module $module, moduleResolution $resolution: no errors"
  done
  cd "$repo"

  kill "$registry_pid" && wait "$registry_pid" 2>/dev/null || true
  registry_pid=""
fi

if $run_oci; then
  step "OCI: helm package, push to a local registry, install with Helm 3 and Helm 4 (packages/e2e/src/release.e2e.ts)"
  bash tools/install-control-plane.sh
  npx nx run e2e:build --outputStyle=stream >"$work/build-e2e.log" 2>&1 || { cat "$work/build-e2e.log" >&2; die "building packages/e2e failed"; }
  (cd packages/e2e && npx vitest run src/release.e2e.ts --config vitest.release.config.ts)
fi

step "done: nothing was published outside this run's throwaway registries"
