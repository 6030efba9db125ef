import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from './environments.js';
import { parseEnvironmentsConfig } from './environments-config.js';


function problems(input: unknown): string {
  try {
    parseEnvironmentsConfig(input);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the config to be rejected');
}

describe('parseEnvironmentsConfig', () => {
  it('accepts environments and keeps their values as deltas', () => {
    const [qa] = parseEnvironmentsConfig({ environments: [{ name: 'qa', values: { targetNamespaces: ['qa'] } }] });
    expect(qa).toEqual({ name: 'qa', description: 'Environment qa.', differences: [], values: { targetNamespaces: ['qa'] } });
  });

  it('names the environment and the key of a bad value', () => {
    expect(problems({ environments: [{ name: 'qa', values: { allowMonitoring: { ports: [{ port: 0 }] } } }] })).toContain(
      'environments[0].values.allowMonitoring.ports[0].port: port 0 is outside 1-65535',
    );
  });

  it('rejects unknown keys in the file, in an environment and in its values', () => {
    expect(problems({ environments: [{ name: 'qa', values: {} }], extra: 1 })).toContain('unknown key "extra"');
    expect(problems({ environments: [{ name: 'qa', value: {} }] })).toContain('environments[0]: unknown key "value"');
    expect(problems({ environments: [{ name: 'qa', values: { targetNamespace: ['qa'] } }] })).toContain(
      'environments[0].values: unknown key "targetNamespace" (did you mean "targetNamespaces"?)',
    );
  });

  it('rejects bad environment names, duplicates and an empty list', () => {
    expect(problems({ environments: [{ name: 'QA', values: {} }] })).toContain('environments[0].name: "QA" is not a valid environment name');
    expect(problems({ environments: [{ name: 'qa', values: {} }, { name: 'qa', values: {} }] })).toContain(
      'environments[1].name: "qa" is defined twice',
    );
    expect(problems({ environments: [] })).toContain('environments: list at least one environment');
  });

  it('applies the defaults before validating, so a system namespace still needs the override', () => {
    expect(problems({ environments: [{ name: 'sys', values: { targetNamespaces: ['kube-system'] } }] })).toContain(
      'environments[0].values.targetNamespaces[0]: "kube-system" is a system namespace',
    );
  });

  it('accepts the built-in environments written as a config file', () => {
    const parsed = parseEnvironmentsConfig({ environments: ENVIRONMENTS.map((e) => ({ ...e })) });
    expect(parsed.map((e) => e.values)).toEqual(ENVIRONMENTS.map((e) => e.values));
  });
});

describe('parseEnvironmentsConfig with null values', () => {
  it('rejects null, which Helm would read as "delete the default", and names the key', () => {
    expect(problems({ environments: [{ name: 'qa', values: { allowMonitoring: { ports: null } } }] })).toContain(
      'environments[0].values.allowMonitoring.ports: expected a list, got null',
    );
  });

  it("refuses a peer namespace that is another environment's target in the same config", () => {
    const config = {
      environments: [
        { name: 'qa', values: { targetNamespaces: ['qa'], allowMonitoring: { namespace: 'uat' } } },
        { name: 'uat', values: { targetNamespaces: ['uat'] } },
      ],
    };
    expect(problems(config)).toContain(
      'environments[0].values.allowMonitoring.namespace: "uat" is the namespace of another environment, which would open it to this one.',
    );
    const apart = { environments: [config.environments[0]!, { name: 'uat', values: { targetNamespaces: ['uat2'] } }] };
    expect(parseEnvironmentsConfig(apart)).toHaveLength(2);
  });
});
