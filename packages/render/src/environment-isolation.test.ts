/**
 * Proves template #14's threat model for every environment on every install route: the
 * reference cluster in examples/, with all three environments installed by the same route, goes
 * through the reachability analyzer, and each promise is checked connection by connection.
 * Expected ports and destinations are read from the environment's options, not restated.
 */
import {
  ENVIRONMENTS,
  clusterModelFromObjects,
  evaluateConnection,
  explanationText,
  externalEndpoint,
  resolveNamespaceIsolationOptions,
  type ClusterModel,
  type Protocol,
} from '@k8s-security-pro/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { routesFor } from './test-support/routes.js';
import { REPO_ROOT } from './test-support/tools.js';

const OUTSIDE_IP = '203.0.113.10';

const environmentNamespaces = ENVIRONMENTS.map((e) => resolveNamespaceIsolationOptions(e.values).targetNamespaces[0]!);

/** examples/reference-cluster.yaml: each environment's app and db, the shared services, and a decoy beside each. */
const topology = parseAllDocuments(readFileSync(join(REPO_ROOT, 'examples/reference-cluster.yaml'), 'utf8')).map((d) => d.toJS() as unknown);

/** The first address of an IPv4 network, e.g. 10.20.0.0/24 -> 10.20.0.1. */
function firstHost(cidr: string): string {
  const [address] = cidr.split('/');
  const octets = address!.split('.').map(Number);
  octets[3] = octets[3]! + 1;
  return octets.join('.');
}

function modelFor(route: number): ClusterModel {
  const policies = ENVIRONMENTS.flatMap((environment) => routesFor(environment.name)[route]!.policies);
  const { model } = clusterModelFromObjects([...topology, ...policies]);
  const extras = ENVIRONMENTS.flatMap((environment) => {
    const egress = resolveNamespaceIsolationOptions(environment.values).denyEgressExceptDns;
    return egress.allowedEgress.map((entry) => externalEndpoint(firstHost(entry.cidr), entry.ports.map((p) => ({ port: p.port as number, protocol: p.protocol as Protocol }))));
  });
  const externals = [
    externalEndpoint(OUTSIDE_IP, [{ port: 443 }]),
    externalEndpoint('169.254.20.10', [{ port: 53, protocol: 'UDP' }, { port: 53 }]),
    ...extras,
  ];
  return { ...model, endpoints: [...model.endpoints, ...externals] };
}

const ROUTE_NAMES = routesFor('prod').map((route) => route.name.replace(/-f values-prod\.yaml|overlays\/prod|-prod\.yaml/, '<env>'));

describe.each(ROUTE_NAMES.map((name, index) => [name, index] as const))('isolation on the route %s', (_name, routeIndex) => {
  const model = modelFor(routeIndex);
  const endpointsIn = (ns: string) => model.endpoints.filter((e) => e.namespace === ns);
  const allowed = (from: string, to: string, port: number, protocol: Protocol = 'TCP') => evaluateConnection(model, from, to, port, protocol);
  const expectVerdict = (from: string, to: string, port: number, protocol: Protocol, want: boolean) => {
    const verdict = allowed(from, to, port, protocol);
    expect(verdict.allowed, `${from} -> ${to} ${port}/${protocol}: ${explanationText(verdict.explanation)}`).toBe(want);
  };

  describe.each(ENVIRONMENTS.map((e) => [e.name, e] as const))('environment %s', (_env, environment) => {
    const options = resolveNamespaceIsolationOptions(environment.values);
    const target = options.targetNamespaces[0]!;
    const targets = endpointsIn(target);
    const metricsPorts = new Set(options.allowMonitoring.ports.map((p) => p.port));
    const controllerPorts = new Set(options.allowIngressController.ports.map((p) => p.port));
    const probePorts = [22, 5432, 8080, 9090];

    it('cannot be reached from any pod of another environment, on any port', () => {
      for (const other of environmentNamespaces.filter((ns) => ns !== target)) {
        for (const source of endpointsIn(other)) {
          for (const destination of targets) for (const port of probePorts) expectVerdict(source.id, destination.id, port, 'TCP', false);
        }
      }
    });

    it('lets its own pods talk to each other in both directions', () => {
      expectVerdict(`${target}/app`, `${target}/db`, 5432, 'TCP', true);
      expectVerdict(`${target}/db`, `${target}/app`, 8080, 'TCP', true);
    });

    it('lets the ingress controller pods in, and no other pod of their namespace', () => {
      for (const port of [80, 8080, 9090]) {
        const want = controllerPorts.size === 0 || controllerPorts.has(port);
        expectVerdict('ingress-nginx/controller', `${target}/app`, port, 'TCP', want);
        expectVerdict('ingress-nginx/default-backend', `${target}/app`, port, 'TCP', false);
      }
    });

    it('lets Prometheus in on the metrics ports only, and no other monitoring pod', () => {
      for (const port of probePorts) {
        expectVerdict('monitoring/prometheus', `${target}/app`, port, 'TCP', metricsPorts.has(port));
        expectVerdict('monitoring/grafana', `${target}/app`, port, 'TCP', false);
      }
    });

    it('sends DNS only to the DNS pods, on UDP and TCP 53', () => {
      expectVerdict(`${target}/app`, 'kube-system/coredns', 53, 'UDP', true);
      expectVerdict(`${target}/app`, 'kube-system/coredns', 53, 'TCP', true);
      expectVerdict(`${target}/app`, 'kube-system/coredns', 9153, 'TCP', false);
      expectVerdict(`${target}/app`, 'kube-system/metrics-server', 53, 'UDP', false);
      expectVerdict(`${target}/app`, '169.254.20.10', 53, 'UDP', options.denyEgressExceptDns.nodeLocalDns.enabled);
    });

    it('sends nothing else out of the namespace but the configured extras', () => {
      for (const other of environmentNamespaces.filter((ns) => ns !== target)) expectVerdict(`${target}/app`, `${other}/db`, 5432, 'TCP', false);
      expectVerdict(`${target}/app`, 'monitoring/prometheus', 9090, 'TCP', false);
      expectVerdict(`${target}/app`, 'ingress-nginx/controller', 80, 'TCP', false);
      expectVerdict(`${target}/app`, OUTSIDE_IP, 443, 'TCP', false);
      for (const entry of options.denyEgressExceptDns.allowedEgress) {
        for (const port of entry.ports) expectVerdict(`${target}/app`, firstHost(entry.cidr), port.port as number, port.protocol as Protocol, true);
      }
    });

    it('blocks connections from external IPs', () => {
      for (const destination of targets) expectVerdict(OUTSIDE_IP, destination.id, 8080, 'TCP', false);
    });
  });
});
