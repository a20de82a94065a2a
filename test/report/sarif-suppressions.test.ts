import { describe, expect, it } from 'vitest';
import { renderJson } from '../../src/report/json.js';
import { renderSarif } from '../../src/report/sarif.js';
import { sampleOutcome } from '../support/fixtures.js';

interface SarifLog {
  runs: { results: { message: { text: string }; suppressions?: { kind: string; justification: string }[] }[] }[];
}

describe('SARIF suppressions', () => {
  it('writes a VEX suppression as kind external (the statement lives outside the flagged file), an inline one as inSource', () => {
    const outcome = sampleOutcome([
      {
        ruleId: 'testk8s/privileged',
        severity: 'high',
        title: 'VEX-suppressed',
        message: 'x',
        location: { path: 'deploy/vexed.yaml', startLine: 1 },
        suppressed: { reason: 'VEX not_affected: vulnerable_code_not_present (.vex/app.json)', source: 'vex' },
      },
      {
        ruleId: 'testk8s/privileged',
        severity: 'high',
        title: 'Inline-suppressed',
        message: 'y',
        location: { path: 'deploy/inline.yaml', startLine: 1 },
        suppressed: { reason: 'needed for the CNI' },
      },
    ]);
    const sarif = JSON.parse(renderSarif(outcome)) as SarifLog;
    const results = sarif.runs.flatMap((r) => r.results);
    const kind = (title: string) => results.find((r) => r.message.text.startsWith(title))?.suppressions?.[0]?.kind;
    expect(kind('VEX-suppressed')).toBe('external');
    expect(kind('Inline-suppressed')).toBe('inSource');
    // The policy exception of the sample stays external too.
    expect(results.filter((r) => r.suppressions?.[0]?.kind === 'external')).toHaveLength(2);
    const json = JSON.parse(renderJson(outcome)) as {
      checks: { findings: { title: string; exception?: { source: string } }[] }[];
    };
    const vexed = json.checks.flatMap((c) => c.findings).find((f) => f.title === 'VEX-suppressed');
    expect(vexed?.exception?.source).toBe('vex');
  });
});
