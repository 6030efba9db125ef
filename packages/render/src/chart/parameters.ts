/**
 * Chart parameters, read from the values JSON Schema: the source of values.yaml's `@param`
 * comments and of the README parameters table.
 */

interface SchemaNode {
  readonly type?: string;
  readonly description?: string;
  readonly default?: unknown;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
}

/** A group of values (a layer, `tests`) or one value. */
export interface ChartParameter {
  /** Dotted path as used with `--set`, e.g. `allowMonitoring.ports`. */
  readonly path: string;
  readonly description: string;
  /** Default value; `undefined` for sections. */
  readonly defaultValue: unknown;
  readonly section: boolean;
}

/**
 * Walks the schema in key order. An object whose default is `{}` (filled in key by key) is a
 * section; any other value, including an object default such as a pod selector, is a leaf.
 */
export function chartParameters(schema: SchemaNode, skip: readonly string[] = ['global']): ChartParameter[] {
  const out: ChartParameter[] = [];
  const visit = (node: SchemaNode, path: string): void => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      if (path === '' && skip.includes(key)) continue;
      const childPath = path === '' ? key : `${path}.${key}`;
      const isSection = child.type === 'object' && child.properties !== undefined && isEmptyObject(child.default);
      out.push({ path: childPath, description: child.description ?? '', defaultValue: isSection ? undefined : child.default, section: isSection });
      if (isSection) visit(child, childPath);
    }
  };
  visit(schema, '');
  return out;
}

function isEmptyObject(value: unknown): boolean {
  return value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0);
}

/** A default as it reads in a table cell: JSON, with `|` escaped for Markdown. */
export function formatDefault(value: unknown): string {
  if (value === undefined) return '';
  return `\`${JSON.stringify(value).replace(/\|/g, '\\|')}\``;
}
