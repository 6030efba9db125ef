/**
 * Template #14's threat model as concrete connections on the reference cluster, per
 * environment: what must connect and what must not. Ports and destinations come from each
 * environment's options, not restated here.
 */
import { ENVIRONMENTS, resolveNamespaceIsolationOptions, type Protocol } from '@k8s-security-pro/core';
import { ENVIRONMENT_NAMESPACES, NODE_LOCAL_DNS_IP, OUTSIDE_IP, firstHost } from './reference-cluster.js';

/** One promise of the threat model. */
export interface Expectation {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Extract<Protocol, 'TCP' | 'UDP'>;
  readonly connects: boolean;
  readonly promise: string;
}

/** Every environment's promises, on declared ports of the reference cluster. */
export function threatModelExpectations(): Expectation[] {
  const expectations: Expectation[] = [];
  const add = (from: string, to: string, port: number, protocol: Expectation['protocol'], connects: boolean, promise: string) =>
    expectations.push({ from, to, port, protocol, connects, promise });
  ENVIRONMENTS.forEach((environment, i) => {
    const target = ENVIRONMENT_NAMESPACES[i]!;
    const options = resolveNamespaceIsolationOptions(environment.values);
    const metricsPorts = new Set(options.allowMonitoring.ports.map((p) => p.port));
    const controllerPorts = new Set(options.allowIngressController.ports.map((p) => p.port));
    for (const other of ENVIRONMENT_NAMESPACES.filter((ns) => ns !== target)) {
      add(`${other}/app`, `${target}/db`, 5432, 'TCP', false, `no pod of ${other} reaches ${target}`);
      add(`${other}/app`, `${target}/app`, 8080, 'TCP', false, `no pod of ${other} reaches ${target}`);
    }
    add(`${target}/app`, `${target}/db`, 5432, 'TCP', true, `${target}'s own pods talk to each other`);
    add('ingress-nginx/controller', `${target}/app`, 8080, 'TCP', controllerPorts.size === 0 || controllerPorts.has(8080), 'the ingress controller reaches the apps on its ports');
    add('ingress-nginx/default-backend', `${target}/app`, 8080, 'TCP', false, 'no other ingress-nginx pod reaches the apps');
    add('monitoring/prometheus', `${target}/app`, 9090, 'TCP', metricsPorts.has(9090), 'Prometheus scrapes the metrics ports only');
    add('monitoring/grafana', `${target}/app`, 9090, 'TCP', false, 'no other monitoring pod reaches the apps');
    add(`${target}/app`, 'kube-system/coredns', 53, 'UDP', true, 'DNS to CoreDNS over UDP');
    add(`${target}/app`, 'kube-system/coredns', 53, 'TCP', true, 'DNS to CoreDNS over TCP');
    add(`${target}/app`, 'kube-system/coredns', 9153, 'TCP', false, 'nothing but DNS to CoreDNS');
    add(`${target}/app`, 'kube-system/metrics-server', 53, 'UDP', false, 'DNS only to the DNS pods');
    add(`${target}/app`, NODE_LOCAL_DNS_IP, 53, 'UDP', options.denyEgressExceptDns.nodeLocalDns.enabled, 'NodeLocal DNSCache only when enabled');
    add(`${target}/app`, 'monitoring/prometheus', 9090, 'TCP', false, 'no egress to other namespaces');
    add(`${target}/app`, OUTSIDE_IP, 443, 'TCP', false, 'no egress to the Internet');
    add(OUTSIDE_IP, `${target}/app`, 8080, 'TCP', false, 'nothing from outside the cluster gets in');
    for (const entry of options.denyEgressExceptDns.allowedEgress) {
      for (const port of entry.ports) add(`${target}/app`, firstHost(entry.cidr), port.port as number, port.protocol as Expectation['protocol'], true, `the allowed egress to ${entry.cidr}`);
    }
  });
  return expectations;
}
