import { describe, expect, it } from 'vitest';
import type { LintContext } from '../../../../src/checks/linter.js';
import { applyInlineIgnores, parseInlineIgnores } from '../../../../src/checks/suppression.js';
import { commonFileRules } from '../../../../src/checks/common-rules.js';
import { composeLinter, isComposePath } from '../../../../src/checks/manifests/compose/index.js';
import { dockerfileLinter } from '../../../../src/checks/manifests/dockerfile/index.js';
import { RuleRegistry } from '../../../../src/core/rules.js';
import { DIGEST, lint, locations, yaml } from './helpers.js';

describe('composeLinter', () => {
  it('matches compose file names anywhere in the tree', () => {
    for (const path of [
      'docker-compose.yml',
      'docker-compose.override.yaml',
      'deploy/compose.yaml',
      'compose.prod.yml',
      'docker-compose-dev.yml',
    ]) {
      expect(isComposePath(path), path).toBe(true);
    }
    for (const path of [
      'compose.json',
      'my-compose.yml',
      'docker-compose.yml.bak',
      'k8s/deployment.yaml',
      'composer.json',
    ]) {
      expect(isComposePath(path), path).toBe(false);
    }
  });

  it('ignores YAML without a top-level services mapping', () => {
    expect(lint(yaml('version: "3"', 'volumes:', '  a: {}'))).toEqual([]);
    expect(lint(yaml('services: [a, b]'))).toEqual([]);
    expect(lint(yaml('x:', '  services:', '    a:', '      privileged: true'))).toEqual([]);
  });

  it('applies merge keys: anchored settings are found, explicit keys override merged ones', () => {
    const text = yaml(
      'x-common: &common',
      '  privileged: true',
      '  user: root',
      '  image: app:1',
      'x-net: &net',
      '  network_mode: host',
      'services:',
      '  a:',
      '    <<: [*common, *net]',
      '    user: "1000"',
      '  b:',
      '    <<: *common',
      `    image: app:1@${DIGEST}`,
    );
    expect(locations(text, 'compose/privileged')).toEqual(['2:15 service/a', '2:15 service/b']);
    expect(locations(text, 'compose/host-namespace')).toEqual(['6:17 service/a']);
    expect(locations(text, 'compose/root-user')).toEqual(['3:9 service/b']);
    expect(locations(text, 'compose/image-no-digest')).toEqual(['4:10 service/a']);
  });

  it('resolves plain aliases for values and whole services', () => {
    const text = yaml(
      'x-caps: &caps [SYS_ADMIN]',
      'services:',
      '  a: &svc',
      '    image: x:1',
      '    cap_add: *caps',
      '  b: *svc',
    );
    expect(locations(text, 'compose/dangerous-capability')).toEqual(['1:16 service/a', '1:16 service/b']);
  });

  it('does not treat a quoted "<<" key as a merge', () => {
    const text = yaml('x: &x', '  privileged: true', 'services:', '  a:', '    "<<": *x', '    image: x:1');
    expect(locations(text, 'compose/privileged')).toEqual([]);
  });

  it('reports YAML syntax errors as located parse errors', () => {
    const findings = lint(yaml('services:', '  web:', '    image: "unterminated', '  db: [', ''));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      ruleId: 'manifests/parse-error',
      severity: 'high',
      location: { path: 'compose.yaml' },
    });
    expect((findings[0]!.location as { startLine: number }).startLine).toBeGreaterThan(1);
  });

  it('reports an unrendered template ({{ x }} parsed as a flow mapping) at its {{, not as a service setting', () => {
    const findings = lint(yaml('services:', '  web:', '    image: {{ .Values.image }}', '    privileged: true'));
    expect(findings.map((finding) => finding.ruleId)).toEqual(['manifests/parse-error']);
    expect(findings[0]!.location).toMatchObject({ startLine: 3, startColumn: 12 });
    expect(findings[0]!.message).toMatch(/looks like a template/);
  });

  it('stops alias bombs with a parse error instead of expanding them', () => {
    let text = 'a: &a ["x","x","x","x","x","x","x","x","x","x"]\n';
    let previous = 'a';
    for (const name of ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']) {
      text += `${name}: &${name} [${Array(10).fill(`*${previous}`).join(',')}]\n`;
      previous = name;
    }
    text += 'services:\n  s:\n    cap_add: *i\n';
    const findings = lint(text);
    expect(findings.map((finding) => finding.ruleId)).toEqual(['manifests/parse-error']);
  });

  it('does not throw on binary or odd input', () => {
    const binary = Buffer.from(Array.from({ length: 2048 }, (_, k) => (k * 31) % 256)).toString('latin1');
    expect(() => lint(binary)).not.toThrow();
    expect(() =>
      lint(
        yaml(
          'services:',
          '  a:',
          '    ports: [{target: [1]}, {}, null, 5432]',
          '    volumes: [{}, 7, null]',
          '    environment: [1, null]',
          '    cap_add: {x: 1}',
        ),
      ),
    ).not.toThrow();
    expect(() => lint(yaml('services:', '  ? [a, b]', '  : {privileged: true}'))).not.toThrow();
  });

  it('checks every document that is a compose file', () => {
    const text = yaml('services:', '  a:', '    privileged: true', '---', 'services:', '  b:', '    privileged: true');
    expect(locations(text, 'compose/privileged')).toEqual(['3:17 service/a', '7:17 service/b']);
  });

  it('uses the last of duplicate keys', () => {
    expect(
      locations(yaml('services:', '  a:', '    privileged: true', '    privileged: false'), 'compose/privileged'),
    ).toEqual([]);
  });

  it('lints through the FileLinter interface', async () => {
    const findings = await composeLinter.lint(
      [{ path: 'docker-compose.yml', text: yaml('services:', '  a:', '    pid: host') }],
      {} as LintContext,
    );
    expect(findings.map((finding) => finding.ruleId)).toEqual(['compose/host-namespace']);
  });

  it('declares complete rule definitions that fit one registry with the other manifests rules', () => {
    const registry = new RuleRegistry([
      ...composeLinter.rules,
      ...dockerfileLinter.rules,
      ...commonFileRules('manifests', 'x'),
    ]);
    expect(registry.families()).toEqual(['compose', 'dockerfile', 'manifests']);
    for (const rule of composeLinter.rules) {
      expect(rule.check).toBe('manifests');
      expect(rule.description.length, rule.id).toBeGreaterThan(80);
      expect(rule.rationale.length, rule.id).toBeGreaterThan(80);
    }
  });

  it('works with YAML ignore comments through the shared suppression logic', () => {
    const text = yaml(
      'services:',
      '  agent:',
      '    image: x:1',
      '    user: "1000"',
      '    volumes:',
      '      # containersec:ignore compose/sensitive-host-mount the monitoring agent reads container stats',
      '      - /var/run/docker.sock:/var/run/docker.sock:ro',
      '    pid: host # containersec:ignore compose/host-namespace needs host processes',
    );
    const result = applyInlineIgnores(
      lint(text),
      parseInlineIgnores(text),
      'compose.yaml',
      'manifests/ignore-without-reason',
    );
    expect(result.map((finding) => [finding.ruleId, finding.suppressed?.reason])).toEqual([
      ['compose/host-namespace', 'needs host processes'],
      ['compose/sensitive-host-mount', 'the monitoring agent reads container stats'],
      ['compose/image-no-digest', undefined],
    ]);
  });
});
