import { describe, expect, it } from 'vitest';
import { parseIgnoreAnnotation } from '../../../../src/checks/manifests/kubernetes/annotations.js';
import { lint, where } from './helpers.js';

const deployment = (objectAnnotation: string, templateAnnotation: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: agent
  annotations:
    containersec.io/ignore: ${objectAnnotation}
spec:
  template:
    metadata:
      annotations:
        containersec.io/ignore: ${templateAnnotation}
    spec:
      hostNetwork: true
      containers:
        - name: app
          image: x:1
          securityContext: { privileged: true }
        - name: sidecar
          image: y:1
          securityContext: { privileged: true }
`;

function pss(text: string): { at: string; suppressed?: string }[] {
  return lint(text, { level: 'baseline' })
    .filter((f) => f.ruleId.startsWith('pss/') || f.ruleId.startsWith('manifests/'))
    .map((f) => ({ at: where(f), ...(f.suppressed ? { suppressed: f.suppressed.reason } : {}) }));
}

describe('containersec.io/ignore annotations', () => {
  it('object-level ignore suppresses the rule for the whole object, with its reason', () => {
    expect(pss(deployment('"pss/hostNamespaces: CNI agent needs the host network"', '""'))).toEqual([
      { at: 'pss/privileged@17:30[app]' },
      { at: 'pss/privileged@20:30[sidecar]' },
      { at: 'pss/hostNamespaces@13:7', suppressed: 'CNI agent needs the host network' },
      { at: 'manifests/ignore-without-reason@11:9' },
    ]);
  });

  it('template-level ignore scoped to one container, several rules in one annotation', () => {
    expect(
      pss(
        deployment(
          '"k8s/image-latest: n/a"',
          '"pss/privileged[app],pss/hostNamespaces: node agent, reviewed by secteam"',
        ),
      ),
    ).toEqual([
      { at: 'pss/privileged@17:30[app]', suppressed: 'node agent, reviewed by secteam' },
      { at: 'pss/privileged@20:30[sidecar]' },
      { at: 'pss/hostNamespaces@13:7', suppressed: 'node agent, reviewed by secteam' },
    ]);
  });

  it('an ignore without a reason suppresses nothing and is reported at the annotation', () => {
    const findings = pss(deployment('"pss/privileged"', '"pss/hostNamespaces:   "'));
    expect(findings).toEqual([
      { at: 'pss/privileged@17:30[app]' },
      { at: 'pss/privileged@20:30[sidecar]' },
      { at: 'pss/hostNamespaces@13:7' },
      { at: 'manifests/ignore-without-reason@6:5' },
      { at: 'manifests/ignore-without-reason@11:9' },
    ]);
  });

  it('applies to object-level k8s/ findings such as the NetworkPolicy one on a Namespace', () => {
    const text = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: tools\n  annotations:\n    containersec.io/ignore: "k8s/missing-network-policy: isolated by the cloud firewall"\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: tools\nspec:\n  containers: [{ name: a, image: a }]\n`;
    const finding = lint(text).find((f) => f.ruleId === 'k8s/missing-network-policy');
    expect(finding?.suppressed).toEqual({ reason: 'isolated by the cloud firewall' });
  });

  it('parses the annotation grammar', () => {
    expect(parseIgnoreAnnotation('pss/privileged[app], k8s/host-port: why: because')).toEqual({
      ignores: [
        { rule: 'pss/privileged', container: 'app', reason: 'why: because' },
        { rule: 'k8s/host-port', reason: 'why: because' },
      ],
    });
    expect(parseIgnoreAnnotation('pss/privileged').problem).toMatch(/no reason/);
    expect(parseIgnoreAnnotation('not a rule: reason').problem).toMatch(/no valid rule id/);
    expect(parseIgnoreAnnotation(': reason').problem).toMatch(/no valid rule id/);
  });
});
