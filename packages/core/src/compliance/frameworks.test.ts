import { describe, expect, it } from 'vitest';
import { AUDIT_CHECK_LIST } from '../audit/audit-model.js';
import { auditNamespaces } from '../audit/namespace-audit.js';
import { NAMESPACE_ISOLATION } from '../catalog/namespace-isolation.js';
import { namespaceIsolation } from '../templates/namespace-isolation.js';
import { controlVerdicts } from './control-verdicts.js';
import { FRAMEWORK_IDS } from './framework-types.js';
import { COMPLIANCE_FRAMEWORKS, complianceFramework, controlTagsForCheck } from './frameworks.js';

const checkIds = new Set(AUDIT_CHECK_LIST.map((check) => check.id));

describe('the compliance frameworks', () => {
  it('cover every framework id the CLI accepts, once each', () => {
    expect(COMPLIANCE_FRAMEWORKS.map((framework) => framework.id).sort()).toEqual([...FRAMEWORK_IDS].sort());
  });

  it.each(COMPLIANCE_FRAMEWORKS.map((framework) => [framework.name, framework] as const))('%s: every control id matches the published pattern', (_name, framework) => {
    expect(framework.controls.length).toBeGreaterThan(0);
    for (const control of framework.controls) expect(control.id, `${framework.name} ${control.id}`).toMatch(framework.idPattern);
    expect(new Set(framework.controls.map((control) => control.id)).size).toBe(framework.controls.length);
  });

  it.each(COMPLIANCE_FRAMEWORKS.map((framework) => [framework.name, framework] as const))(
    '%s: every claim names its source document, version and place in it',
    (_name, framework) => {
      expect(framework.source.title).not.toBe('');
      expect(framework.source.publisher).not.toBe('');
      expect(framework.source.version).toMatch(/\d/);
      expect(framework.source.url).toMatch(/^https:\/\/[^\s]+$/);
      for (const control of framework.controls) {
        expect(control.citation, `${control.id} citation`).toContain(control.id);
        expect(control.title.length, `${control.id} title`).toBeGreaterThan(10);
        expect(control.contribution, `${control.id} contribution is one line`).not.toMatch(/\n/);
        expect(control.contribution.length).toBeGreaterThan(20);
        expect(control.notCovered.length, `${control.id} says what it does not cover`).toBeGreaterThan(0);
        for (const checkId of control.checks) expect(checkIds.has(checkId), `${control.id} maps to unknown check ${checkId}`).toBe(true);
      }
    },
  );

  it('rejects ids that are not in the published form (the pattern test can fail)', () => {
    const wrong: Record<string, string[]> = {
      'pci-dss': ['1.3', 'Req 1.3.1', '13.1.1', '1.3.1.a'],
      soc2: ['CC6', 'CC 6.1', 'cc6.1', 'CC10.1'],
      hipaa: ['164.312a1', '§164.312(a)(1)', '164.320(a)(1)', '164.312(A)(1)'],
      cis: ['5', '5.3.2 (L2)', 'v5.3.2'],
      mitre: ['T102', 'T1021.4', 't1021', 'TA0008'],
    };
    for (const [id, samples] of Object.entries(wrong)) {
      const framework = complianceFramework(id as (typeof FRAMEWORK_IDS)[number]);
      for (const sample of samples) expect(sample, `${framework.name} accepts ${sample}`).not.toMatch(framework.idPattern);
    }
  });

  it('keeps CIS and MITRE in step with the catalog entry', () => {
    expect(complianceFramework('cis').controls.map((control) => control.id)).toEqual(NAMESPACE_ISOLATION.cis.map((control) => control.id));
    expect(complianceFramework('mitre').controls.map((control) => control.id)).toEqual(NAMESPACE_ISOLATION.mitre.map((technique) => technique.id));
  });

  it('tags each audit check with the controls it decides', () => {
    expect(controlTagsForCheck('AUD001')).toEqual(
      expect.arrayContaining(['PCI-DSS 1.3.1', 'SOC2 CC6.6', 'HIPAA 164.312(a)(1)', 'CIS 5.3.2', 'MITRE T1021', 'MITRE T1046']),
    );
    expect(controlTagsForCheck('AUD003')).toEqual([]);
    expect(AUDIT_CHECK_LIST.find((check) => check.id === 'AUD002')!.controls).toContain('PCI-DSS 1.3.2');
  });
});

describe('controlVerdicts', () => {
  const isolated = namespaceIsolation({ targetNamespaces: ['payments'] });
  const allowAll = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-all', namespace: 'legacy' }, spec: { podSelector: {}, ingress: [{}] } };
  const namespaces = ['payments', 'legacy'].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } }));

  it('passes a control in an isolated namespace and fails it where ingress is open, per namespace', () => {
    const verdicts = controlVerdicts(auditNamespaces([...namespaces, ...isolated, allowAll]), complianceFramework('pci-dss'));
    const inbound = verdicts.find((verdict) => verdict.control.id === '1.3.1')!;
    expect(inbound.namespaces.map((entry) => `${entry.namespace} ${entry.status}`)).toEqual(['legacy fail', 'payments pass']);
    expect(inbound.status).toBe('fail');
    expect(inbound.namespaces[0]!.checks.find((check) => !check.passed)!.checkId).toBe('AUD001');
  });

  it('reports a control no check decides as manual, never as passed', () => {
    const verdicts = controlVerdicts(auditNamespaces([...namespaces, ...isolated]), complianceFramework('pci-dss'));
    const review = verdicts.find((verdict) => verdict.control.id === '1.2.7')!;
    expect(review.status).toBe('manual');
    expect(review.namespaces.every((entry) => entry.status === 'manual')).toBe(true);
  });
});
