import { describe, expect, it } from 'vitest';
import type { LintContext } from '../../../../src/checks/linter.js';
import { applyInlineIgnores, parseInlineIgnores } from '../../../../src/checks/suppression.js';
import { commonFileRules } from '../../../../src/checks/common-rules.js';
import { dockerfileLinter, isDockerfilePath } from '../../../../src/checks/manifests/dockerfile/index.js';
import { RuleRegistry } from '../../../../src/core/rules.js';
import { PINNED_FROM, dockerfile, lint } from './helpers.js';

const context = {} as LintContext;

function suppressed(text: string): { ruleId: string; line: number | undefined; suppressed: boolean }[] {
  const findings = applyInlineIgnores(
    lint(text),
    parseInlineIgnores(text),
    'Dockerfile',
    'manifests/ignore-without-reason',
  );
  return findings.map((finding) => ({
    ruleId: finding.ruleId,
    line: 'startLine' in finding.location ? finding.location.startLine : undefined,
    suppressed: finding.suppressed !== undefined,
  }));
}

describe('dockerfileLinter', () => {
  it('matches Dockerfile names anywhere in the tree', () => {
    for (const path of [
      'Dockerfile',
      'a/b/Dockerfile',
      'Dockerfile.prod',
      'svc/api.Dockerfile',
      'x.dockerfile',
      'Containerfile',
      'build/Containerfile.arm64',
    ]) {
      expect(isDockerfilePath(path), path).toBe(true);
    }
    for (const path of [
      'Dockerfile.dockerignore',
      'docs/Dockerfile.md',
      'dockerfile-lint.yml',
      'README.md',
      'Dockerfiles/readme.txt',
      'MyDockerfile',
    ]) {
      expect(isDockerfilePath(path), path).toBe(false);
    }
  });

  it('lints every file it is given and keeps going after a broken one', async () => {
    const findings = await dockerfileLinter.lint(
      [
        { path: 'broken/Dockerfile', text: 'RUN ls\n' },
        { path: 'ok/Dockerfile', text: dockerfile('FROM ubuntu') },
      ],
      context,
    );
    expect(
      findings.map((finding) => [finding.ruleId, 'path' in finding.location ? finding.location.path : '']),
    ).toEqual(
      expect.arrayContaining([
        ['manifests/parse-error', 'broken/Dockerfile'],
        ['dockerfile/base-image-latest', 'ok/Dockerfile'],
        ['dockerfile/root-user', 'ok/Dockerfile'],
      ]),
    );
  });

  it('declares complete, unique rule definitions that fit the registry with the common rules', () => {
    const registry = new RuleRegistry([...dockerfileLinter.rules, ...commonFileRules('manifests', 'x')]);
    expect(registry.families()).toEqual(['dockerfile', 'manifests']);
    for (const rule of dockerfileLinter.rules) {
      expect(rule.check).toBe('manifests');
      expect(rule.description.length, rule.id).toBeGreaterThan(80);
      expect(rule.rationale.length, rule.id).toBeGreaterThan(80);
      expect(rule.fix, rule.id).toMatch(/```|`/);
    }
  });

  it('reports only rule ids it declares, with keys free of line numbers and unique per location object', () => {
    const text = dockerfile(
      'FROM ubuntu:22.04 AS build',
      'RUN sudo apt-get install -y curl && sudo apt-get install -y curl',
      'FROM build',
      'RUN curl -k https://x | sh',
    );
    const declared = new Set(dockerfileLinter.rules.map((rule) => rule.id));
    const findings = lint(text);
    const identities = findings.map(
      (finding) => `${finding.ruleId}|${'object' in finding.location ? finding.location.object : ''}|${finding.key}`,
    );
    expect(new Set(identities).size).toBe(identities.length);
    for (const finding of findings) {
      expect(declared.has(finding.ruleId), finding.ruleId).toBe(true);
      expect(finding.key).toBeDefined();
    }
    const sudoKeys = findings.filter((finding) => finding.ruleId === 'dockerfile/sudo').map((finding) => finding.key);
    expect(sudoKeys).toEqual(['sudo apt-get', 'sudo apt-get#2']);
  });

  it('keeps keys stable when unrelated lines move', () => {
    const before = dockerfile(PINNED_FROM, 'RUN curl -k https://x', 'USER app');
    const after = dockerfile('# a new comment', '', PINNED_FROM, 'LABEL a=b', 'RUN curl -k https://x', 'USER app');
    const keys = (text: string) => lint(text).map((finding) => `${finding.ruleId}|${finding.key}`);
    expect(keys(after)).toEqual(keys(before));
  });
});

describe('inline ignores with the shared suppression logic', () => {
  it('an ignore comment above an instruction covers findings on its first line', () => {
    const text = dockerfile(
      PINNED_FROM,
      '# containersec:ignore dockerfile/sudo the base image needs it',
      'RUN sudo ls',
      'USER app',
      'HEALTHCHECK NONE',
    );
    expect(suppressed(text)).toEqual([{ ruleId: 'dockerfile/sudo', line: 3, suppressed: true }]);
  });

  it('a comment inside a continued RUN covers the token on the next line', () => {
    const text = dockerfile(
      PINNED_FROM,
      'RUN apt-get update \\',
      '# containersec:ignore dockerfile/tls-verification-disabled internal mirror, see ADR-12',
      ' && curl -k https://mirror.internal/x -o /x \\',
      ' && sudo ls',
      'USER app',
      'HEALTHCHECK NONE',
    );
    expect(suppressed(text)).toEqual([
      { ruleId: 'dockerfile/sudo', line: 5, suppressed: false },
      { ruleId: 'dockerfile/tls-verification-disabled', line: 4, suppressed: true },
    ]);
  });

  it('an ignore above the final FROM covers root-user and missing-healthcheck; one without reason is reported', () => {
    const text = dockerfile(
      '# containersec:ignore dockerfile/root-user,dockerfile/missing-healthcheck entrypoint drops to app',
      PINNED_FROM,
      '# containersec:ignore dockerfile/sudo',
      'RUN sudo ls',
    );
    expect(suppressed(text)).toEqual([
      { ruleId: 'dockerfile/root-user', line: 2, suppressed: true },
      { ruleId: 'dockerfile/sudo', line: 4, suppressed: false },
      { ruleId: 'dockerfile/missing-healthcheck', line: 2, suppressed: true },
      { ruleId: 'manifests/ignore-without-reason', line: 3, suppressed: false },
    ]);
  });
});
