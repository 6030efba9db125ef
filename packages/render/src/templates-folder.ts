/** Reads the Handlebars templates shipped beside the package (the builder's only read). */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TemplateSources } from './handlebars-env.js';

export const TEMPLATES_DIR = fileURLToPath(new URL('../templates', import.meta.url));

export function loadTemplateSources(dir: string = TEMPLATES_DIR): TemplateSources {
  const sources = new Map<string, string>();
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.hbs')) sources.set(relative(dir, path).split('\\').join('/'), readFileSync(path, 'utf8'));
    }
  };
  walk(dir);
  return sources;
}
