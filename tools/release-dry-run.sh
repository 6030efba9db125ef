#!/usr/bin/env bash
# The release, end to end, into throwaway registries on 127.0.0.1 (`npm run release:dry-run`;
# `npm test` runs it):
#   1. npm: packs core, render and cli, prints each tarball's size and files, publishes them to
#      a local Verdaccio, installs @k8s-security-pro/cli into an empty folder from it and runs the
#      command there; imports the core from ESM and from CommonJS; type-checks a consumer with
#      `tsc --strict` under moduleResolution nodenext and bundler.
#   2. OCI: packages the chart, pushes it to a local CNCF distribution registry (`registry`,
#      pinned in tools/toolchain.env) and reads it back with Helm 3 and Helm 4 (show values, show
#      readme, template), compared with the files in charts/k8s-security; then
#      packages/e2e/src/helm-oci.e2e.ts installs, upgrades, rolls back and uninstalls it from such
#      a registry with both into a kube-apiserver on 127.0.0.1 (Helm 4 by server-side apply).
# Nothing is published anywhere else; both registries and their storage are gone afterwards.
#
# Usage: tools/release-dry-run.sh [--npm-only | --oci-only]
set -euo pipefail
# Run by `npm test` or `npm run`, npm exports its config; its local prefix (this repository) would
# make the consumer's npm and npx commands act on the repository instead of the empty folder.
unset npm_config_local_prefix
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

# Waits up to 60 s for URL to answer while the server started as $registry_pid runs.
wait_until_answers() { # url name log
  for _ in $(seq 1 120); do
    curl -fsS "$1" >/dev/null 2>&1 && return 0
    kill -0 "$registry_pid" 2>/dev/null || { cat "$3" >&2; die "$2 exited before it answered"; }
    sleep 0.5
  done
  die "$2 did not answer on $1 within 60 s"
}

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
  wait_until_answers "${npm_registry}-/ping" Verdaccio "$work/verdaccio.log"
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
  # Where each package came from is read from the lock file's 'resolved' addresses: a machine or
  # user config may turn them off (omit-lockfile-registry-resolved), and a shared cache can hold
  # metadata from an earlier run's registry, so both are set for this install alone.
  # @types/node as a Node consumer has it (the core's dependencies' types use URL); the repo's version.
  types_node=$(node -p "require('$repo/node_modules/@types/node/package.json').version")
  npm install --no-audit --no-fund --cache "$work/npm-cache" --omit-lockfile-registry-resolved=false "@k8s-security-pro/cli@$version" "@k8s-security-pro/core@$version" "@types/node@$types_node" >"$work/install.log" 2>&1 \
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
  grep -q 'endpoint pairs with an allowed connection' "$work/out.log" || die "analyze printed no summary"
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
  step "OCI: helm package, helm push to a local CNCF distribution registry, helm show with Helm 3 and Helm 4"
  bash tools/install-tools.sh helm helm4 registry
  eval "$(bash tools/install-tools.sh --print-env | sed 's/^/export /')"
  # Helm's registry login, cache and repositories stay inside this run.
  export HELM_CACHE_HOME="$work/helm/cache" HELM_CONFIG_HOME="$work/helm/config" HELM_DATA_HOME="$work/helm/data"
  export HELM_REGISTRY_CONFIG="$work/helm/registry.json"
  chart=charts/k8s-security
  chart_version=$(sed -n 's/^version: //p' "$chart/Chart.yaml")
  [[ "$chart_version" == "$version" ]] || die "$chart/Chart.yaml has version $chart_version, the packages $version. Fix: npm run generate"

  mkdir -p "$work/oci/storage" "$work/chart"
  helm package "$chart" -d "$work/chart" >/dev/null
  tarball="$work/chart/k8s-security-$version.tgz"
  printf '%s: %.1f kB, %s files: %s\n' "$(basename "$tarball")" "$(awk -v b="$(stat -c %s "$tarball")" 'BEGIN { print b / 1024 }')" \
    "$(tar -tzf "$tarball" | grep -vc '/$')" "$(tar -tzf "$tarball" | sed 's#^k8s-security/##' | awk -F/ '{print (NF>1 ? $1"/" : $1)}' | sort | uniq -c | awk '{printf "%s%s (%s)", sep, $2, $1; sep=", "}')"
  tar -tzf "$tarball" | grep -q '^k8s-security/tests/' && die "the chart package ships its helm-unittest suites (tests/); .helmignore must leave them out"

  port=$(free_port)
  cat >"$work/oci/config.yml" <<YAML
version: 0.1
log: { level: warn }
storage:
  filesystem: { rootdirectory: $work/oci/storage }
  delete: { enabled: true }
http:
  addr: 127.0.0.1:$port
YAML
  OTEL_TRACES_EXPORTER=none registry serve "$work/oci/config.yml" >"$work/oci.log" 2>&1 &
  registry_pid=$!
  wait_until_answers "http://127.0.0.1:$port/v2/" "the OCI registry" "$work/oci.log"
  echo "$(registry --version | awk '{ print $NF }') registry on 127.0.0.1:$port (pid $registry_pid)"

  ref="oci://127.0.0.1:$port/charts/k8s-security"
  helm push "$tarball" "oci://127.0.0.1:$port/charts" --plain-http 2>&1 | sed 's/^/helm push: /'
  for helm_bin in helm helm4; do
    "$helm_bin" show values "$ref" --version "$version" --plain-http >"$work/show-values.yaml" 2>"$work/show.log" \
      || { cat "$work/show.log" >&2; die "$helm_bin show values $ref failed"; }
    # helm show ends its output with one extra newline; $(...) drops trailing newlines on both sides.
    diff -u <(printf '%s\n' "$(cat "$chart/values.yaml")") <(printf '%s\n' "$(cat "$work/show-values.yaml")") >&2 || die "$helm_bin show values from the registry differs from $chart/values.yaml"
    "$helm_bin" show readme "$ref" --version "$version" --plain-http >"$work/show-readme.md" 2>"$work/show.log" \
      || { cat "$work/show.log" >&2; die "$helm_bin show readme $ref failed"; }
    diff -u <(printf '%s\n' "$(cat "$chart/README.md")") <(printf '%s\n' "$(cat "$work/show-readme.md")") >&2 || die "$helm_bin show readme from the registry differs from $chart/README.md"
    "$helm_bin" template k8s-security "$ref" --version "$version" --plain-http -n payments >"$work/template.yaml" 2>"$work/show.log" \
      || { cat "$work/show.log" >&2; die "$helm_bin template $ref failed"; }
    [[ $(grep -c '^kind: NetworkPolicy' "$work/template.yaml") -eq 5 ]] || die "$helm_bin template $ref did not render the five policies"
    echo "$helm_bin ($("$helm_bin" version --template '{{.Version}}')): show values, show readme and template from $ref --version $version match the chart"
  done
  # A version that was never pushed must fail, or the checks above could pass on a stale cache.
  if helm show values "$ref" --version 9.9.9 --plain-http >/dev/null 2>&1; then die "helm show values of a version never pushed succeeded"; fi
  echo "helm show values --version 9.9.9 (never pushed) fails, as it should"
  kill "$registry_pid" && wait "$registry_pid" 2>/dev/null || true
  registry_pid=""

  step "OCI: helm install, upgrade, rollback, uninstall from a local registry with Helm 3 and Helm 4 (packages/e2e/src/helm-oci.e2e.ts)"
  bash tools/install-control-plane.sh
  npx nx run e2e:build --outputStyle=stream >"$work/build-e2e.log" 2>&1 || { cat "$work/build-e2e.log" >&2; die "building packages/e2e failed"; }
  (cd packages/e2e && npx vitest run --config vitest.release.config.ts)
fi

step "done: nothing was published outside this run's throwaway registries"
