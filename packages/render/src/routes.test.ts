import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENVIRONMENTS, NAMESPACE_ISOLATION_LAYERS, namespaceIsolation } from '@k8s-security-pro/core';
import { describe, expect, it } from 'vitest';
import { compareRoutes, networkPoliciesIn, normalisePolicies } from './test-support/normalise.js';
import { routesFor } from './test-support/routes.js';
import { REPO_ROOT } from './test-support/tools.js';

const effectOf = new Map(NAMESPACE_ISOLATION_LAYERS.map((layer) => [layer.policyName, layer.effect]));

describe.each(ENVIRONMENTS.map((environment) => environment.name))('the %s environment', (envName) => {
  const routes = routesFor(envName);
  const [core, ...others] = routes;

  it('renders the same NetworkPolicies on every install route as the core', () => {
    const expected = normalisePolicies(core!.policies);
    expect(expected.length).toBeGreaterThanOrEqual(5);
    for (const route of others) {
      expect(compareRoutes(core!.name, expected, route.name, normalisePolicies(route.policies))).toBeUndefined();
    }
  });

  it('applies every allow layer before any deny layer on every route', () => {
    for (const route of routes) {
      const effects = route.policies.map((policy) => effectOf.get((policy.metadata as { name: string }).name));
      const firstDeny = effects.indexOf('deny');
      expect(firstDeny, route.name).toBeGreaterThan(0);
      expect(effects.slice(firstDeny).includes('allow'), `${route.name} applies an allow after a deny`).toBe(false);
    }
  });
});

describe('the production plain manifest', () => {
  it('is the prod environment file under the name the docs give', () => {
    const named = readFileSync(join(REPO_ROOT, 'manifests/14_namespace_isolation.yaml'), 'utf8');
    expect(named).toBe(readFileSync(join(REPO_ROOT, 'manifests/14_namespace_isolation-prod.yaml'), 'utf8'));
    expect(networkPoliciesIn(named).map((p) => (p.metadata as { namespace: string }).namespace)).toEqual(Array(5).fill('production'));
  });
});

describe('route comparison', () => {
  it('names the first differing policy and field when two routes disagree', () => {
    const [policy] = namespaceIsolation({ allowSameNamespace: { enabled: false }, allowIngressController: { enabled: false } });
    const changed = JSON.parse(JSON.stringify(policy)) as { spec: { ingress: { ports: { port: number }[] }[] } };
    changed.spec.ingress[0]!.ports[0]!.port = 9091;
    const message = compareRoutes('core', normalisePolicies([policy]), 'helm', normalisePolicies([changed]));
    expect(message).toBe('helm differs from core in production/allow-monitoring at .spec.ingress[0].ports[0].port: expected 9090, got 9091');
  });
});
