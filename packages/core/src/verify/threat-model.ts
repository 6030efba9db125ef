/**
 * Template #14's threat model as reachability expectations, derived from an environment's
 * options (the single source of truth): what the policies promise for each target namespace.
 * `npm run generate` writes one file per environment; `k8s-security verify --expect` checks it.
 */
import type { EnvironmentDefinition } from '../environments/environments.js';
import { parseCidr } from '../model/kubernetes-names.js';
import { cidrOf } from '../options/guardrails.js';
import { resolveNamespaceIsolationOptions } from '../options/namespace-isolation-options.js';
import { EXPECTATIONS_API_VERSION, EXPECTATIONS_KIND, type EndpointSelectorSpec, type ExpectationSpec, type ExpectationsDocument, type LabelSelectorSpec } from './expectations-document.js';

type PortOption = { readonly port?: number | string; readonly endPort?: number; readonly protocol: string };

/** `9090/TCP`, `8000-8999/TCP`, `metrics/TCP`, or `any/UDP` for an entry without a port. */
function portText(entry: PortOption): string {
  if (entry.port === undefined) return `any/${entry.protocol}`;
  if (entry.endPort !== undefined) return `${entry.port}-${entry.endPort}/${entry.protocol}`;
  return `${entry.port}/${entry.protocol}`;
}

const familyOf = (cidr: string) => parseCidr(cidr)?.family;
const DNS_PORTS = ['53/UDP', '53/TCP'];
const EVERYWHERE: Readonly<Record<4 | 6, string>> = { 4: '0.0.0.0/0', 6: '::/0' };

/**
 * The expectations that hold when `environment` is installed: per target namespace, isolation
 * from every other namespace and from outside, the ingress controller, Prometheus and DNS on
 * their ports only, and the configured egress extras. Layers that are off promise nothing.
 */
export function threatModelExpectations(environment: EnvironmentDefinition): ExpectationsDocument {
  const options = resolveNamespaceIsolationOptions(environment.values);
  const expectations: ExpectationSpec[] = [];
  const controller: EndpointSelectorSpec = { namespace: options.allowIngressController.namespace, podSelector: options.allowIngressController.podSelector as LabelSelectorSpec };
  const prometheus: EndpointSelectorSpec = { namespace: options.allowMonitoring.namespace, podSelector: options.allowMonitoring.podSelector as LabelSelectorSpec };
  const dns: EndpointSelectorSpec = { namespace: options.denyEgressExceptDns.dns.namespace, podSelector: options.denyEgressExceptDns.dns.podSelector as LabelSelectorSpec };
  const egress = options.denyEgressExceptDns;
  const nodeCidrs = options.allowIngressController.enabled ? options.allowIngressController.nodeCidrs.map(cidrOf) : [];
  const controllerPorts = options.allowIngressController.ports.map(portText);
  const viaController = (ports: readonly string[]): Pick<ExpectationSpec, 'ports' | 'expect'> => (ports.length === 0 ? { expect: 'allowed' } : { ports, expect: 'allowedOnly' });

  for (const target of options.targetNamespaces) {
    const here: EndpointSelectorSpec = { namespace: target };
    const add = (id: string, description: string, rest: Omit<ExpectationSpec, 'id' | 'description'>) => expectations.push({ id: `${target}-${id}`, description, ...rest });
    if (options.defaultDenyIngress.enabled) {
      const admitted = [
        ...(options.allowSameNamespace.enabled ? [here] : []),
        ...(options.allowIngressController.enabled ? [controller] : []),
        ...(options.allowMonitoring.enabled ? [prometheus] : []),
      ];
      add('no-ingress-from-other-namespaces', `No pod outside ${target} reaches a pod of ${target} on any port, except the ingress controller and Prometheus.`, {
        from: { namespaceSelector: {}, ...(admitted.length > 0 ? { except: admitted } : {}) },
        to: here,
        expect: 'denied',
      });
      if (options.allowSameNamespace.enabled) add('same-namespace', `The pods of ${target} reach each other on every port.`, { from: here, to: here, expect: 'allowed' });
      if (options.allowIngressController.enabled) {
        add('ingress-controller', `The ingress controller reaches every pod of ${target} ${controllerPorts.length === 0 ? 'on every port' : `on ${controllerPorts.join(', ')} only`}.`, {
          from: controller,
          to: here,
          ...viaController(controllerPorts),
        });
      }
      if (options.allowMonitoring.enabled) {
        const ports = options.allowMonitoring.ports.map(portText);
        add('monitoring', `Prometheus reaches every pod of ${target} on its metrics ports ${ports.join(', ')} only.`, { from: prometheus, to: here, ports, expect: 'allowedOnly' });
      }
      for (const family of [4, 6] as const) {
        const except = nodeCidrs.filter((cidr) => familyOf(cidr) === family);
        add(`no-ingress-from-outside-ipv${family}`, `No address outside the cluster reaches ${target}${except.length > 0 ? ', except the ingress controller nodes' : ''}.`, {
          from: { ipBlock: { cidr: EVERYWHERE[family], ...(except.length > 0 ? { except } : {}) } },
          to: here,
          expect: 'denied',
        });
      }
      nodeCidrs.forEach((cidr, index) =>
        add(`ingress-controller-nodes-${index}`, `The ingress controller nodes in ${cidr} reach ${target} as the controller does.`, { from: { ipBlock: { cidr } }, to: here, ...viaController(controllerPorts) }),
      );
    }
    if (egress.enabled) {
      const sameNamespace = options.allowSameNamespace.enabled ? [here] : [];
      add('dns', `The pods of ${target} reach the cluster DNS pods on ${DNS_PORTS.join(' and ')} only.`, { from: here, to: dns, ports: DNS_PORTS, expect: 'allowedOnly' });
      add('no-egress-to-other-namespaces', `The pods of ${target} reach no pod of another namespace but DNS.`, {
        from: here,
        to: { namespaceSelector: {}, except: [...sameNamespace, dns] },
        expect: 'denied',
      });
      const opened: { cidr: string; except: readonly string[]; ports: readonly string[]; why: string }[] = [
        ...(egress.nodeLocalDns.enabled ? [{ cidr: `${egress.nodeLocalDns.ip}/32`, except: [], ports: DNS_PORTS, why: 'NodeLocal DNSCache' }] : []),
        ...(egress.apiServer.enabled ? egress.apiServer.cidrs.map((entry) => ({ cidr: cidrOf(entry), except: [], ports: egress.apiServer.ports.map(portText), why: 'the API server' })) : []),
        ...egress.allowedEgress.map((entry) => ({ cidr: entry.cidr, except: entry.except, ports: entry.ports.map(portText), why: 'an allowed egress range' })),
      ];
      for (const family of [4, 6] as const) {
        const except = opened.filter((entry) => familyOf(entry.cidr) === family).map((entry) => entry.cidr);
        add(`no-egress-to-outside-ipv${family}`, `The pods of ${target} reach no address outside the cluster${except.length > 0 ? ` but ${except.join(', ')}` : ''}.`, {
          from: here,
          to: { ipBlock: { cidr: EVERYWHERE[family], ...(except.length > 0 ? { except } : {}) } },
          expect: 'denied',
        });
      }
      opened.forEach((entry, index) => {
        add(`egress-${index}`, `The pods of ${target} reach ${entry.why} ${entry.cidr} on ${entry.ports.join(', ')} only.`, {
          from: here,
          to: { ipBlock: { cidr: entry.cidr, ...(entry.except.length > 0 ? { except: [...entry.except] } : {}) } },
          ports: entry.ports,
          expect: 'allowedOnly',
        });
        entry.except.forEach((except, exceptIndex) =>
          add(`egress-${index}-except-${exceptIndex}`, `The pods of ${target} reach nothing in ${except}, left out of ${entry.cidr}.`, { from: here, to: { ipBlock: { cidr: except } }, expect: 'denied' }),
        );
      });
    }
  }
  return {
    apiVersion: EXPECTATIONS_API_VERSION,
    kind: EXPECTATIONS_KIND,
    metadata: { name: `${environment.name}-threat-model`, description: `Template #14's threat model for the ${environment.name} environment: ${environment.description}` },
    expectations,
  };
}
