import { describe, expect, it } from 'vitest';
import { redact } from '../../../../src/checks/hardening/gitlab-ci/plaintext-secrets.js';
import { lint, of, places, where, yaml } from './helpers.js';

const DEBUG = 'gitlab-ci/debug-trace';
const SECRET = 'gitlab-ci/plaintext-secret';

// Built at run time so that no complete token literal sits in the repository.
const GLPAT = 'glpat-' + 'Ab3dEf6hIj9kLm2nOp5q';
const GHP = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
const AKIA = 'AKIA' + 'IOSFODNN7EXAMPLE';

describe('gitlab-ci/debug-trace', () => {
  it('reports CI_DEBUG_TRACE (high) and CI_DEBUG_SERVICES (medium) set true, globally, per job and in rules', async () => {
    const findings = await lint(
      yaml(
        'variables:',
        '  CI_DEBUG_TRACE: "true"',
        'a:',
        '  variables:',
        '    CI_DEBUG_SERVICES: true',
        '  script: [x]',
        'b:',
        '  rules:',
        '    - if: $CI_COMMIT_BRANCH == "main"',
        '      variables:',
        '        CI_DEBUG_TRACE: "1"',
        '  script: [x]',
      ),
    );
    expect(
      of(findings, DEBUG)
        .map((f) => `${where(f)} ${f.severity}`)
        .sort(),
    ).toEqual([
      `${DEBUG} .gitlab-ci.yml:11:25 b high`,
      `${DEBUG} .gitlab-ci.yml:2:19 a high`,
      `${DEBUG} .gitlab-ci.yml:2:19 b high`,
      `${DEBUG} .gitlab-ci.yml:5:24 a medium`,
    ]);
  });

  it('does not report false values or a job that does not inherit the global', async () => {
    const findings = await lint(
      yaml(
        'variables:',
        '  CI_DEBUG_TRACE: "true"',
        'a:',
        '  inherit:',
        '    variables: false',
        '  variables:',
        '    CI_DEBUG_SERVICES: "false"',
        '  script: [x]',
      ),
    );
    expect(of(findings, DEBUG)).toEqual([]);
  });
});

describe('gitlab-ci/plaintext-secret', () => {
  it('reports known token formats in any variable, at the token, without printing it', async () => {
    const findings = await lint(
      yaml(
        'variables:',
        `  GITLAB_API: ${GLPAT}`,
        'deploy:',
        '  variables:',
        `    GH: "${GHP}"`,
        '    AWS:',
        `      value: ${AKIA}`,
        '  script:',
        `    - 'curl -H "PRIVATE-TOKEN: ${GLPAT}" https://gitlab.example.com/api/v4/projects'`,
      ),
    );
    expect(places(findings, SECRET)).toEqual([
      `${SECRET} .gitlab-ci.yml:2:15 deploy`,
      `${SECRET} .gitlab-ci.yml:5:10 deploy`,
      `${SECRET} .gitlab-ci.yml:7:14 deploy`,
      `${SECRET} .gitlab-ci.yml:9:32 deploy`,
    ]);
    for (const finding of of(findings, SECRET)) {
      expect(finding.severity).toBe('high');
      expect(finding.message).not.toContain(GLPAT.slice(6));
      expect(finding.message).not.toContain(GHP.slice(4));
      expect(finding.message).not.toContain(AKIA.slice(4));
    }
    expect(of(findings, SECRET)[0]?.message).toContain('glpat-…');
  });

  it('reports literal values of secret-named variables as medium, and not references or settings', async () => {
    const findings = await lint(
      yaml(
        'variables:',
        '  DB_PASSWORD: s3cr3t-value',
        '  DEPLOY_TOKEN: $VAULT_DEPLOY_TOKEN',
        '  API_TOKEN: "${SOURCE_TOKEN}"',
        '  SECRET_DETECTION_DISABLED: "true"',
        '  CACHE_KEY: build-cache',
        '  AWS_ACCESS_KEY_ID_FILE: /run/secrets/id',
        '  TOKEN_TTL: "3600"',
        '  SSH_PRIVATE_KEY: "-----BEGIN OPENSSH PRIVATE KEY-----"',
        'job:',
        '  script: [x]',
      ),
    );
    expect(places(findings, SECRET)).toEqual([
      `${SECRET} .gitlab-ci.yml:2:16 job`,
      `${SECRET} .gitlab-ci.yml:9:21 job`,
    ]);
    const [password, key] = of(findings, SECRET);
    expect(password?.severity).toBe('medium');
    expect(password?.message).not.toContain('s3cr3t');
    expect(password?.message).toContain('12 characters, redacted');
    expect(key?.severity).toBe('high');
  });

  it('redacts every secret character', () => {
    expect(redact(GLPAT)).toBe('glpat-…, 26 characters, redacted');
    expect(redact('hunter2hunter2')).toBe('14 characters, redacted');
  });
});
