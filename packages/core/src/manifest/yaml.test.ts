import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { namespaceIsolation } from '../templates/namespace-isolation.js';
import { toYaml, toYamlStream } from './yaml.js';

describe('toYaml', () => {
  it('renders the same input to identical bytes every time', () => {
    const first = toYaml(namespaceIsolation()[0]);
    const second = toYaml(namespaceIsolation()[0]);
    expect(second).toBe(first);
  });

  it('orders selector labels by key, whatever order the options list them in', () => {
    const forwards = namespaceIsolation({
      allowMonitoring: { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus', zone: 'a', 'a-team': 'sre' } } },
    });
    const backwards = namespaceIsolation({
      allowMonitoring: { podSelector: { matchLabels: { 'a-team': 'sre', zone: 'a', 'app.kubernetes.io/name': 'prometheus' } } },
    });
    const text = toYamlStream(forwards);
    expect(toYamlStream(backwards)).toBe(text);
    expect(text).toMatch(/matchLabels:\n( +)a-team: sre\n\1app\.kubernetes\.io\/name: prometheus\n\1zone: a\n/);
  });

  it('uses LF line ends only and ends with exactly one newline', () => {
    const text = toYaml(namespaceIsolation()[0]);
    expect(text).not.toContain('\r');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
  });

  it('never folds long strings onto several lines', () => {
    const long = 'word '.repeat(60).trim();
    expect(toYaml({ description: long })).toBe(`description: ${long}\n`);
  });

  it('keeps the layer number annotation a string, as annotations must be', () => {
    const text = toYaml(namespaceIsolation()[0]);
    expect(text).toContain('k8s-security-pro.io/layer: "2"');
    const parsed = parse(text) as { metadata: { annotations: Record<string, unknown> } };
    expect(parsed.metadata.annotations['k8s-security-pro.io/layer']).toBe('2');
  });

  it.each(['on', 'no', 'yes', 'off', 'y', 'n', 'Y', 'NO', 'true', '1_000', '0755', '12:30:00', '0b101', '0o7', '1e3', '.5', '~', 'null', ''])(
    'quotes %j so that YAML 1.1 readers (kubectl, Helm) and YAML 1.2 readers both read a string',
    (value) => {
      const text = toYaml({ value });
      expect(text).toMatch(/^value: ".*"\n$/);
      expect(parse(text, { version: '1.1' })).toEqual({ value });
      expect(parse(text, { version: '1.2' })).toEqual({ value });
    },
  );

  it('leaves ordinary strings unquoted', () => {
    expect(toYaml({ a: 'production', b: '5.3.2', c: 'T1021,T1046', d: 'app.kubernetes.io/name' })).toBe(
      'a: production\nb: 5.3.2\nc: T1021,T1046\nd: app.kubernetes.io/name\n',
    );
  });

  it('quotes a namespace called "on" in every place it appears', () => {
    const text = toYamlStream(namespaceIsolation({ targetNamespaces: ['on'], allowMonitoring: { namespace: 'no' } }));
    expect(text).not.toMatch(/: on$/m);
    expect(text).not.toMatch(/: no$/m);
    for (const doc of parseAllDocuments(text, { version: '1.1' })) {
      const policy = doc.toJS() as { metadata: { namespace: unknown } };
      expect(policy.metadata.namespace).toBe('on');
    }
  });

  it('indents sequences under their key and writes numbers as numbers', () => {
    expect(toYaml({ ports: [{ protocol: 'UDP', port: 53 }] })).toBe('ports:\n  - protocol: UDP\n    port: 53\n');
  });
});

describe('toYamlStream', () => {
  it('writes one document per object, each opened by ---', () => {
    const policies = namespaceIsolation({ targetNamespaces: ['a', 'b'] });
    const text = toYamlStream(policies);
    expect(text.match(/^---$/gm)).toHaveLength(policies.length);
    expect(text.startsWith('---\n')).toBe(true);
    const documents = parseAllDocuments(text);
    expect(documents.map((d) => d.toJS())).toEqual(policies);
  });

  it('is byte-for-byte deterministic across runs', () => {
    const options = { targetNamespaces: ['payments', 'orders'], denyEgressExceptDns: { nodeLocalDns: { enabled: true } } };
    expect(toYamlStream(namespaceIsolation(options))).toBe(toYamlStream(namespaceIsolation(options)));
  });

  it('renders an empty list as an empty stream', () => {
    expect(toYamlStream([])).toBe('');
  });

  it('has LF line ends and one trailing newline', () => {
    const text = toYamlStream(namespaceIsolation());
    expect(text).not.toContain('\r');
    expect(text).toMatch(/[^\n]\n$/);
  });
});
