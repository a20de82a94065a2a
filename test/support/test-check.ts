import { fileCheck } from '../../src/checks/file-check.js';
import { commonFileRules } from '../../src/checks/common-rules.js';
import type { FileLinter } from '../../src/checks/linter.js';
import type { RawFinding } from '../../src/core/finding.js';
import type { RuleDefinition } from '../../src/core/rules.js';

/** A tiny real linter for pipeline tests: every `privileged: true` line is a high finding. */
export const testRule: RuleDefinition = {
  id: 'testk8s/privileged',
  check: 'manifests',
  title: 'Privileged container',
  severity: 'high',
  description: 'Flags `privileged: true`.',
  rationale: 'Privileged containers can escape.',
  fix: 'Remove it.',
};

export const testLowRule: RuleDefinition = { ...testRule, id: 'testk8s/latest', title: 'Latest tag', severity: 'low' };

const linter: FileLinter = {
  id: 'test-yaml',
  rules: [testRule, testLowRule],
  matches: (path) => /\.ya?ml$/.test(path),
  lint(files) {
    const findings: RawFinding[] = [];
    for (const file of files) {
      file.text.split('\n').forEach((line, index) => {
        const object = /# object: (\S+)/.exec(line)?.[1];
        const column = line.indexOf('privileged: true');
        if (column >= 0) {
          findings.push({
            ruleId: testRule.id,
            severity: 'high',
            title: 'Privileged container',
            message: 'privileged is true',
            location: { path: file.path, startLine: index + 1, startColumn: column + 1, ...(object ? { object } : {}) },
          });
        }
        const latest = line.indexOf(':latest');
        if (latest >= 0) {
          findings.push({
            ruleId: testLowRule.id,
            severity: 'low',
            title: 'Latest tag',
            message: 'image uses :latest',
            location: { path: file.path, startLine: index + 1, startColumn: latest + 1, ...(object ? { object } : {}) },
          });
        }
      });
    }
    return findings;
  },
};

export const testCheck = fileCheck({
  id: 'manifests',
  title: 'Manifests (test)',
  linters: [linter],
  commonRules: commonFileRules('manifests', 'test files'),
});
