import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../environments/environments.js';
import { namespaceIsolation } from '../templates/namespace-isolation.js';
import { FLEET_CLUSTER_LABEL, argoCdApplication, argoCdFleet, fluxFleet, type FleetOptions } from './fleet.js';

const KUSTOMIZE: FleetOptions = {
  fleet: 'k8s-security',
  source: { kind: 'kustomize', repository: 'https://git.example.com/policies.git', revision: 'main', path: 'fleet/' },
  environments: ENVIRONMENTS,
};
const OCI: FleetOptions = { ...KUSTOMIZE, source: { kind: 'oci', repository: 'registry.example.com/charts', version: '0.1.0' } };

describe('argoCdFleet', () => {
  it('renders an AppProject, then one ApplicationSet per environment whose cluster generator selects the fleet label', () => {
    const objects = argoCdFleet(KUSTOMIZE);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'AppProject/k8s-security',
      'ApplicationSet/k8s-security-dev',
      'ApplicationSet/k8s-security-staging',
      'ApplicationSet/k8s-security-prod',
    ]);
    for (const set of objects.slice(1)) {
      expect(set.spec['generators']).toEqual([{ clusters: { selector: { matchLabels: { [FLEET_CLUSTER_LABEL]: 'k8s-security' } } } }]);
    }
  });

  it('templates exactly the Application argoCdApplication builds, with the generator placeholders', () => {
    const [, devSet] = argoCdFleet(OCI);
    const application = argoCdApplication(OCI, ENVIRONMENTS[0]!, { clusterName: '{{.name}}', server: '{{.server}}' });
    expect(devSet!.spec['template']).toEqual({ metadata: { name: application.metadata.name, labels: application.metadata.labels }, spec: application.spec });
  });

  it('points each Application at its environment: the overlay path, or the chart with the environment values inline', () => {
    const staging = ENVIRONMENTS[1]!;
    const destination = { clusterName: 'eu-west', server: 'https://10.0.0.1:6443' };
    expect(argoCdApplication(KUSTOMIZE, staging, destination).spec['source']).toEqual({ repoURL: KUSTOMIZE.source.repository, targetRevision: 'main', path: 'fleet/kustomize/overlays/staging' });
    expect(argoCdApplication(OCI, staging, destination).spec['source']).toMatchObject({ chart: 'k8s-security', targetRevision: '0.1.0', helm: { valuesObject: staging.values } });
    expect(argoCdApplication(OCI, staging, destination).spec['destination']).toEqual({ server: destination.server, namespace: 'staging' });
    expect(argoCdApplication(OCI, staging, destination).metadata.name).toBe('k8s-security-staging-eu-west');
  });
});

describe('fluxFleet', () => {
  it('renders the source, then one Kustomization per environment, each depending on the one before', () => {
    const objects = fluxFleet(KUSTOMIZE);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['GitRepository/k8s-security', 'Kustomization/k8s-security-dev', 'Kustomization/k8s-security-staging', 'Kustomization/k8s-security-prod']);
    expect(objects.map((o) => o.spec['dependsOn'])).toEqual([undefined, undefined, [{ name: 'k8s-security-dev' }], [{ name: 'k8s-security-staging' }]]);
    expect(objects[1]!.spec['path']).toBe('./fleet/kustomize/overlays/dev');
  });

  it('health-checks every policy the environment applies', () => {
    const [, , , prod] = fluxFleet(KUSTOMIZE);
    const policies = namespaceIsolation(ENVIRONMENTS[2]!.values);
    expect(prod!.spec['healthChecks']).toEqual(policies.map((p) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', name: p.metadata.name, namespace: 'production' })));
  });

  it('takes an OCI artifact from an OCIRepository, and a tag rather than a branch for a version', () => {
    const [oci] = fluxFleet(OCI);
    expect(oci).toMatchObject({ kind: 'OCIRepository', spec: { url: 'oci://registry.example.com/charts', ref: { tag: '0.1.0' } } });
    const [git] = fluxFleet({ ...KUSTOMIZE, source: { ...KUSTOMIZE.source, revision: 'v1.2.0' } as FleetOptions['source'] });
    expect(git!.spec['ref']).toEqual({ tag: 'v1.2.0' });
  });
});
