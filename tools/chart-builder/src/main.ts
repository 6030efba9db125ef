/**
 * `npm run generate` regenerates every generated file; `npm run generate -- --check` changes
 * nothing and fails, listing each file, when the tree differs from what the model renders.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTemplateRenderer, GENERATED_ROOTS, HAND_WRITTEN, loadTemplateSources, REGENERATE_COMMAND, renderProject } from '@k8s-security-pro/render';
import { compareTree, writeTree } from './write-tree.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const check = process.argv.includes('--check');

const changelog = readFileSync(join(repoRoot, 'CHANGELOG.md'), 'utf8');
let files: Map<string, string>;
try {
  files = renderProject(createTemplateRenderer(loadTemplateSources()), undefined, changelog);
} catch (error) {
  process.stderr.write(`generate: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
if (check) {
  const differences = compareTree(repoRoot, files, GENERATED_ROOTS, HAND_WRITTEN);
  if (differences.length > 0) {
    process.stderr.write(`generated files are out of date (${differences.length}); run \`${REGENERATE_COMMAND}\` and commit the result:\n`);
    for (const d of differences) process.stderr.write(`  ${d.kind.padEnd(7)} ${d.path}${d.detail ? ` (${d.detail})` : ''}\n`);
    process.exitCode = 1;
  } else {
    process.stdout.write(`generated files are up to date (${files.size} files)\n`);
  }
} else {
  const changed = writeTree(repoRoot, files, GENERATED_ROOTS, HAND_WRITTEN);
  process.stdout.write(`generated ${files.size} files (${changed.length} changed)\n`);
  for (const d of changed) process.stdout.write(`  ${d.kind === 'missing' ? 'created' : d.kind === 'stale' ? 'removed' : 'updated'} ${d.path}\n`);
}
