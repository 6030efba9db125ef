/** Catalog entry of template #14, as data: the docs, annotations and audit read it from here. */

/** A CIS Kubernetes Benchmark recommendation. */
export interface CisControl {
  readonly id: string;
  readonly title: string;
  readonly text: string;
}

/** A MITRE ATT&CK technique and how the template mitigates it. */
export interface MitreTechnique {
  readonly id: string;
  readonly name: string;
  readonly tactic: string;
  readonly mitigation: string;
}

/** A step that checks an installed template in a live cluster. */
export interface VerificationStep {
  readonly title: string;
  readonly expected: string;
  /** Shell command; `${NAMESPACE}` and `${OTHER_NAMESPACE}` are filled in by the renderer. */
  readonly command: string;
}

/** A template of the catalog, as data: what it is, what it maps to, how to verify it. */
export interface CatalogEntry {
  readonly id: number;
  readonly slug: string;
  readonly title: string;
  readonly category: string;
  readonly tier: 'free' | 'pro' | 'enterprise';
  readonly summary: string;
  readonly cis: readonly CisControl[];
  readonly mitre: readonly MitreTechnique[];
  readonly threatModel: {
    readonly threat: string;
    readonly attackPath: readonly string[];
    readonly mitigatedBy: string;
    readonly outOfScope: readonly string[];
  };
  readonly whenToUse: readonly string[];
  readonly verification: readonly VerificationStep[];
}

/** Template #14, Namespace Isolation. */
export const NAMESPACE_ISOLATION: CatalogEntry = {
  id: 14,
  slug: 'namespace-isolation',
  title: 'Namespace Isolation',
  category: 'Network Security',
  tier: 'pro',
  summary:
    'Five NetworkPolicy layers that isolate each target namespace: default-deny ingress, intra-namespace traffic, ' +
    'the ingress controller, Prometheus scraping, and egress limited to DNS.',
  cis: [
    {
      id: '5.3.2',
      title: 'Ensure that all Namespaces have Network Policies defined',
      text:
        'Use network policies to isolate traffic in your cluster network. Every namespace should have policies ' +
        'that deny traffic by default and allow only what its workloads need.',
    },
  ],
  mitre: [
    {
      id: 'T1021',
      name: 'Remote Services',
      tactic: 'Lateral Movement',
      mitigation:
        'A compromised pod cannot open connections to services in other namespaces: ingress is denied unless it ' +
        'comes from the same namespace, the ingress controller or Prometheus, and egress is limited to DNS.',
    },
    {
      id: 'T1046',
      name: 'Network Service Discovery',
      tactic: 'Discovery',
      mitigation:
        'Scans from inside an isolated namespace reach only its own pods and the DNS pods; scans from other ' +
        'namespaces time out instead of revealing open ports.',
    },
  ],
  threatModel: {
    threat: 'A compromised pod in dev reaches the production database in another namespace.',
    attackPath: [
      'An attacker gains code execution in a pod in the dev namespace (vulnerable dependency, leaked token).',
      'Kubernetes networking is flat by default, so the pod can resolve and connect to any pod or Service IP.',
      'The attacker scans the cluster network and connects to the production database.',
    ],
    mitigatedBy:
      'Production denies ingress from every namespace but its own, the ingress controller and Prometheus; dev ' +
      'denies egress except to DNS and its own namespace, so the connection fails at both ends.',
    outOfScope: [
      'Traffic from the node itself (kubelet probes) and hostNetwork pods: NetworkPolicy does not apply to them.',
      'A CNI that does not enforce NetworkPolicy (e.g. flannel alone) accepts the policies and enforces nothing (CIS 5.3.1).',
      'Layer 7: allowed connections are not inspected.',
    ],
  },
  whenToUse: [
    'Several teams or environments (dev, staging, production) share one cluster.',
    'A namespace holds sensitive data (databases, payment services) that only its own workloads may reach.',
    'Compliance asks for CIS 5.3.2 with default-deny semantics, not merely the existence of a policy.',
  ],
  verification: [
    {
      title: 'List the policies',
      expected: 'One policy per enabled layer is listed (five with the defaults).',
      command: 'kubectl get networkpolicies -n ${NAMESPACE}',
    },
    {
      title: 'Intra-namespace communication works',
      expected: 'The request succeeds.',
      command:
        'kubectl run probe -n ${NAMESPACE} --rm -i --restart=Never --image=busybox:1.36 -- ' +
        'wget -qO- -T 5 http://<service>.${NAMESPACE}.svc.cluster.local',
    },
    {
      title: 'Cross-namespace communication is blocked',
      expected: 'The request times out ("download timed out") where the CNI drops denied packets, or is refused ("Connection refused") where it rejects them, as kube-router does.',
      command:
        'kubectl run probe -n ${OTHER_NAMESPACE} --rm -i --restart=Never --image=busybox:1.36 -- ' +
        'wget -qO- -T 5 http://<service>.${NAMESPACE}.svc.cluster.local',
    },
    {
      title: 'Monitoring can scrape',
      expected: 'Prometheus shows the namespace targets as UP.',
      command:
        'kubectl -n monitoring port-forward svc/prometheus-operated 9090 & curl -s localhost:9090/api/v1/targets | ' +
        'grep \'"namespace":"${NAMESPACE}"\'',
    },
  ],
};
