/**
 * A streamed output must wait when its reader is slow: the stream says so by returning false
 * from write and emitting 'drain' later. Without the wait, a whole-cluster run piped to a slow
 * reader holds its output in memory (a 5k-workload `--all` run grew past 1.6 GiB).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { namespaceIsolation, toYamlStream } from '@k8s-security-pro/core';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';

const dir = mkdtempSync(path.join(tmpdir(), 'k8s-security-backpressure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 60 workloads in one namespace: 3,540 ordered pairs, enough for several drain checks. */
function cluster(): string {
  const objects: object[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'kubernetes.io/metadata.name': 'shop' } } }];
  for (let k = 0; k < 60; k++) {
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `app-${k}`, namespace: 'shop' },
      spec: { selector: { matchLabels: { app: `app-${k}` } }, template: { metadata: { labels: { app: `app-${k}` } }, spec: { containers: [{ name: 'main', image: 'registry.example/app:1', ports: [{ containerPort: 8080 }] }] } } },
    });
  }
  objects.push(...namespaceIsolation({ targetNamespaces: ['shop'] }));
  const file = path.join(dir, 'cluster.yaml');
  writeFileSync(file, toYamlStream(objects));
  return file;
}

describe('streamed analyze output', () => {
  it.each(['ndjson', 'json', 'table'])('waits for drain when the reader is slow (-o %s --all)', async (format) => {
    const file = cluster();
    let waits = 0;
    let bytes = 0;
    const slow = {
      write: (text: string) => ((bytes += text.length), false),
      once: (_event: 'drain', listener: () => void) => {
        waits++;
        setImmediate(listener);
      },
    };
    const code = await main(['analyze', file, '--all', '-o', format], { stdout: slow, stderr: { write: () => true }, cwd: dir });
    expect(code).toBe(0);
    expect(bytes).toBeGreaterThan(100_000);
    // Checked every 1,024 rows, once a 64 KiB chunk went out: the command paused for the reader.
    expect(waits).toBeGreaterThan(0);
  });
});
