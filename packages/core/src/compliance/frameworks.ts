/**
 * Template #14's compliance mappings, as data: for each framework, the controls the namespace
 * isolation contributes to, with ids exactly as published, the source they were checked against,
 * what the template gives and what it leaves to the operator. `audit --framework`, the evidence
 * bundle and docs/compliance.md all read them from here.
 *
 * A control is listed only when its id and wording were verified against the framework's own text
 * (see docs/compliance.md for what was checked and what was left out).
 */
import { NAMESPACE_ISOLATION } from '../catalog/namespace-isolation.js';
import type { ComplianceFramework, FrameworkControl, FrameworkId } from './framework-types.js';

const NODE_AND_CNI = 'Traffic from the node itself and hostNetwork pods, and a CNI that does not enforce NetworkPolicy (CIS 5.3.1).';
const ENCRYPTION = 'Encryption in transit: NetworkPolicy decides who may connect, not whether the traffic is encrypted (use mTLS or a service mesh).';
const LAYER_7 = 'Layer 7: what allowed connections carry is not inspected.';

const PCI_DSS: ComplianceFramework = {
  id: 'pci-dss',
  name: 'PCI DSS',
  tagPrefix: 'PCI-DSS',
  source: {
    title: 'Payment Card Industry Data Security Standard: Requirements and Testing Procedures',
    publisher: 'PCI Security Standards Council',
    version: 'v4.0 (numbering unchanged in v4.0.1)',
    published: '2022-03',
    url: 'https://www.pcisecuritystandards.org/document_library/',
  },
  idPattern: /^(?:[1-9]|1[0-2])(?:\.\d{1,2}){2,3}$/,
  idPatternDescription: 'a defined-approach requirement: principal requirement 1-12 and two or three dotted numbers, e.g. 1.3.1 or 3.5.1.1',
  controls: [
    {
      id: '1.2.5',
      title: 'All services, protocols, and ports allowed are identified, approved, and have a defined business need.',
      citation: 'Requirement 1.2 (network security controls are configured and maintained), 1.2.5',
      contribution: 'The audit identifies every pod of another namespace that can reach the CDE namespace, with protocol and port, from what the policies do.',
      notCovered: ['Approval and the business need of each allowed service, protocol and port: an organisational decision.'],
      checks: ['AUD005'],
    },
    {
      id: '1.2.7',
      title: 'Configurations of network security controls are reviewed at least once every six months to confirm they are relevant and effective.',
      citation: 'Requirement 1.2, 1.2.7',
      contribution: 'Comparing two evidence bundles shows every policy, verdict and reachability change since the last review.',
      notCovered: ['Performing and recording the review itself, at least every six months.'],
      checks: [],
    },
    {
      id: '1.3.1',
      title: 'Inbound traffic to the CDE is restricted to only traffic that is necessary; all other traffic is specifically denied.',
      citation: 'Requirement 1.3 (network access to and from the cardholder data environment is restricted), 1.3.1',
      contribution: 'Default-deny ingress on every pod of the CDE namespace; only the namespace itself, the ingress controller and Prometheus (on its metrics ports) are allowed in.',
      notCovered: ['Deciding which namespaces form the CDE and which inbound flows are necessary (documented business need).', NODE_AND_CNI, 'Network security controls outside the cluster (cloud security groups, node firewalls).'],
      checks: ['AUD001', 'AUD005'],
    },
    {
      id: '1.3.2',
      title: 'Outbound traffic from the CDE is restricted to only traffic that is necessary; all other traffic is specifically denied.',
      citation: 'Requirement 1.3, 1.3.2',
      contribution: 'Default-deny egress: pods of the CDE namespace reach only their own namespace and the cluster DNS pods (UDP and TCP 53), plus an explicit CIDR allow-list when configured.',
      notCovered: ['Justifying each egress CIDR the operator adds.', 'Egress filtering by domain name or URL (NetworkPolicy works on IPs and ports).', NODE_AND_CNI],
      checks: ['AUD002', 'AUD004'],
    },
    {
      id: '11.4.5',
      title: 'If segmentation is used to isolate the CDE from other networks, penetration tests are performed on segmentation controls at least once every 12 months and after any changes to segmentation controls/methods.',
      citation: 'Requirement 11.4 (external and internal penetration testing is regularly performed), 11.4.5',
      contribution: 'Supporting evidence for segmentation testing: the analyzer shows, from the policies in effect, that no pod of an out-of-scope namespace or address outside the cluster can reach the CDE namespace.',
      notCovered: [
        'The penetration test itself: an analysis of policies is not a test of the running network, and the standard requires a qualified, organisationally independent tester.',
        'Segmentation controls outside the cluster.',
        NODE_AND_CNI,
      ],
      checks: ['AUD001', 'AUD002', 'AUD005'],
    },
    {
      id: '11.4.6',
      title: 'Additional requirement for service providers only: segmentation controls are penetration tested at least once every six months and after any changes to segmentation controls/methods.',
      citation: 'Requirement 11.4, 11.4.6',
      contribution: 'The same supporting evidence as 11.4.5, cheap enough to produce on every change and every six months.',
      notCovered: ['The penetration test itself, by a qualified, organisationally independent tester.', NODE_AND_CNI],
      checks: ['AUD001', 'AUD002', 'AUD005'],
    },
  ],
};

const SOC2: ComplianceFramework = {
  id: 'soc2',
  name: 'SOC 2',
  tagPrefix: 'SOC2',
  source: {
    title: '2017 Trust Services Criteria for Security, Availability, Processing Integrity, Confidentiality, and Privacy (With Revised Points of Focus — 2022), TSP Section 100',
    publisher: 'AICPA Assurance Services Executive Committee',
    version: '2017 criteria, revised points of focus 2022',
    published: '2022-09',
    url: 'https://www.aicpa-cima.com/resources/download/get-the-2017-trust-services-criteria',
  },
  idPattern: /^(?:CC[1-9]|A1|C1|PI1|P[1-8])\.\d{1,2}$/,
  idPatternDescription: 'a criterion series (CC1-CC9, A1, C1, PI1, P1-P8), a dot and a number, e.g. CC6.1',
  controls: [
    {
      id: 'CC6.1',
      title: 'The entity implements logical access security software, infrastructure, and architectures over protected information assets to protect them from security events to meet the entity’s objectives.',
      citation: 'Common Criteria CC6 (logical and physical access controls), CC6.1; point of focus "Considers Network Segmentation"',
      contribution: 'Network segmentation between namespaces: each isolated namespace accepts connections only from itself and named peers, and opens none but DNS.',
      notCovered: ['Identification, authentication and authorisation of users and services (RBAC, identity).', ENCRYPTION, NODE_AND_CNI],
      checks: ['AUD001', 'AUD002', 'AUD005'],
    },
    {
      id: 'CC6.6',
      title: 'The entity implements logical access security measures to protect against threats from sources outside its system boundaries.',
      citation: 'Common Criteria CC6, CC6.6',
      contribution: 'Inside the cluster, addresses outside it and pods of other namespaces cannot open connections to an isolated namespace.',
      notCovered: ['The cluster perimeter: load balancers, ingress exposure, WAF, API server access.', LAYER_7, NODE_AND_CNI],
      checks: ['AUD001', 'AUD005'],
    },
  ],
};

const HIPAA: ComplianceFramework = {
  id: 'hipaa',
  name: 'HIPAA Security Rule',
  tagPrefix: 'HIPAA',
  source: {
    title: '45 CFR § 164.312, Technical safeguards (HIPAA Security Rule, Part 164 Subpart C)',
    publisher: 'U.S. Department of Health and Human Services (Code of Federal Regulations)',
    version: 'CFR annual edition, Title 45 Volume 2, revised as of October 1, 2019',
    published: '2019-10-01',
    url: 'https://www.govinfo.gov/content/pkg/CFR-2019-title45-vol2/xml/CFR-2019-title45-vol2-sec164-312.xml',
  },
  idPattern: /^164\.3(?:0[2468]|1[0246])(?:\([a-z]\)(?:\(\d+\)(?:\([ivx]+\))?)?)?$/,
  idPatternDescription: 'a section of 45 CFR Part 164 Subpart C (164.302-164.316) with optional paragraph, e.g. 164.312(a)(1)',
  controls: [
    {
      id: '164.312(a)(1)',
      title: 'Standard: Access control. Technical policies and procedures allow access to systems that maintain ePHI only to persons or software programs that have been granted access rights.',
      citation: '§ 164.312(a)(1)',
      contribution: 'At the network layer, only software in the namespace itself and the named peers (ingress controller, Prometheus) can connect to workloads that hold ePHI.',
      notCovered: [
        'Unique user identification, emergency access, automatic logoff (§ 164.312(a)(2)(i)-(iii)).',
        'Encryption and decryption of ePHI (§ 164.312(a)(2)(iv)).',
        'Granting and reviewing the access rights themselves (§ 164.308(a)(4)).',
        NODE_AND_CNI,
      ],
      checks: ['AUD001', 'AUD005'],
    },
    {
      id: '164.312(e)(1)',
      title: 'Standard: Transmission security. Technical security measures guard against unauthorized access to ePHI that is being transmitted over an electronic communications network.',
      citation: '§ 164.312(e)(1)',
      contribution: 'Limits which workloads can open the connections that carry ePHI to and from the namespace: egress only to the namespace and DNS, ingress only from named peers.',
      notCovered: ['Encryption of ePHI in transit (§ 164.312(e)(2)(ii)) and integrity controls (§ 164.312(e)(2)(i)).', 'Eavesdropping on the node or cloud network, which NetworkPolicy does not prevent.', NODE_AND_CNI],
      checks: ['AUD001', 'AUD002'],
    },
  ],
};

/** CIS and MITRE come from the catalog entry, so their titles live in one place. */
function catalogCis(id: string, rest: Omit<FrameworkControl, 'id' | 'title'>): FrameworkControl {
  const control = NAMESPACE_ISOLATION.cis.find((entry) => entry.id === id);
  if (!control) throw new Error(`CIS ${id} is not in the catalog entry`);
  return { id, title: control.title, ...rest };
}

function catalogMitre(id: string, rest: Omit<FrameworkControl, 'id' | 'title'>): FrameworkControl {
  const technique = NAMESPACE_ISOLATION.mitre.find((entry) => entry.id === id);
  if (!technique) throw new Error(`MITRE ${id} is not in the catalog entry`);
  return { id, title: `${technique.name} (${technique.tactic})`, ...rest };
}

const CIS: ComplianceFramework = {
  id: 'cis',
  name: 'CIS Kubernetes Benchmark',
  tagPrefix: 'CIS',
  source: {
    title: 'CIS Kubernetes Benchmark',
    publisher: 'Center for Internet Security',
    version: 'v1.9.0 (recommendation 5.3.2, Level 2, Master Node)',
    url: 'https://www.cisecurity.org/benchmark/kubernetes',
  },
  idPattern: /^[1-9](?:\.\d{1,2}){1,3}$/,
  idPatternDescription: 'section numbers separated by dots, e.g. 5.3.2',
  controls: [
    catalogCis('5.3.2', {
      citation: 'Section 5.3 (Network Policies and CNI), recommendation 5.3.2',
      contribution: 'Every target namespace gets policies with default-deny semantics in both directions, checked by what they do rather than by their existence.',
      notCovered: ['CIS 5.3.1 (the CNI supports NetworkPolicy): the operator must use an enforcing CNI.', 'Namespaces the template is not installed in.'],
      checks: ['AUD001', 'AUD002', 'AUD004', 'AUD006'],
    }),
  ],
};

const MITRE: ComplianceFramework = {
  id: 'mitre',
  name: 'MITRE ATT&CK',
  tagPrefix: 'MITRE',
  source: {
    title: 'MITRE ATT&CK Enterprise Matrix',
    publisher: 'The MITRE Corporation',
    version: 'ATT&CK v16.1 (T1021 technique version 1.5)',
    url: 'https://attack.mitre.org/techniques/enterprise/',
  },
  idPattern: /^T\d{4}(?:\.\d{3})?$/,
  idPatternDescription: 'T and four digits, optionally a dot and a three-digit sub-technique, e.g. T1021 or T1021.004',
  controls: [
    catalogMitre('T1021', {
      citation: 'Tactic Lateral Movement (TA0008), technique T1021',
      contribution: NAMESPACE_ISOLATION.mitre.find((entry) => entry.id === 'T1021')!.mitigation,
      notCovered: ['Lateral movement inside one namespace, between pods the namespace allows to talk.', 'Stolen credentials used against the API server.', NODE_AND_CNI],
      checks: ['AUD001', 'AUD002', 'AUD005'],
    }),
    catalogMitre('T1046', {
      citation: 'Tactic Discovery (TA0007), technique T1046',
      contribution: NAMESPACE_ISOLATION.mitre.find((entry) => entry.id === 'T1046')!.mitigation,
      notCovered: ['Discovery through the Kubernetes API or DNS (T1613 Container and Resource Discovery): RBAC, not NetworkPolicy.', NODE_AND_CNI],
      checks: ['AUD001', 'AUD005'],
    }),
  ],
};

/** Every framework template #14 maps to, in report order. */
export const COMPLIANCE_FRAMEWORKS: readonly ComplianceFramework[] = [PCI_DSS, SOC2, HIPAA, CIS, MITRE];

/** The framework with this id; throws on an unknown id (callers validate user input first). */
export function complianceFramework(id: FrameworkId): ComplianceFramework {
  const framework = COMPLIANCE_FRAMEWORKS.find((entry) => entry.id === id);
  if (!framework) throw new Error(`unknown framework ${id}`);
  return framework;
}

/** `PCI-DSS 1.3.1`, `CIS 5.3.2`: how a control is named in tags, SARIF and JUnit. */
export function controlTag(framework: ComplianceFramework, control: FrameworkControl): string {
  return `${framework.tagPrefix} ${control.id}`;
}

/** The tags of every control, of every framework, that an audit check decides, in framework order. */
export function controlTagsForCheck(checkId: string): string[] {
  return COMPLIANCE_FRAMEWORKS.flatMap((framework) =>
    framework.controls.filter((control) => control.checks.includes(checkId)).map((control) => controlTag(framework, control)),
  );
}
