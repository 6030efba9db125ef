/**
 * examples/fleet is what the commands docs/engines.md shows write: each command is taken from the
 * doc, run into a fresh folder, and its output compared with the committed file.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const doc = readFileSync(join(repoRoot, 'docs/engines.md'), 'utf8');
const commands = [...doc.matchAll(/^npx k8s-security (generate --out examples\/fleet .*)$/gm)].map((match) => match[1]!.split(/\s+/));
const out = mkdtempSync(join(tmpdir(), 'fleet-example-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the example fleet (examples/fleet)', () => {
  it('is written by one command per engine in docs/engines.md', () => {
    expect(commands.map((args) => args[args.indexOf('--gitops') + 1])).toEqual(['argocd', 'flux']);
  });

  it.each(commands.map((args) => [args[args.indexOf('--gitops') + 1]!, args] as const))('holds exactly what the documented %s command writes', async (engine, args) => {
    const rewritten = args.map((arg) => (arg === 'examples/fleet' ? out : arg));
    let stderr = '';
    const code = await main(rewritten, { cwd: repoRoot, stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) } });
    expect(code, stderr).toBe(0);
    const path = `gitops/${engine}/fleet.yaml`;
    expect(readFileSync(join(repoRoot, 'examples/fleet', path), 'utf8'), `examples/fleet/${path} is stale: run the command in docs/engines.md`).toBe(readFileSync(join(out, path), 'utf8'));
  });
});
