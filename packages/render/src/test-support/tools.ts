/** Runs the pinned Go-built tools from .tools/bin; a missing tool fails with the fix. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export function runTool(name: 'helm' | 'kustomize', args: readonly string[]): string {
  const binary = `${REPO_ROOT}.tools/bin/${name}`;
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run \`bash tools/install-tools.sh\` (npm test does it for you)`);
  return execFileSync(binary, [...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, HELM_PLUGINS: `${REPO_ROOT}.tools/helm-plugins` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
