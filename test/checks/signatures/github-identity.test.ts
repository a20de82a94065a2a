import { describe, expect, it } from 'vitest';
import { expandGithubIdentity, GITHUB_ACTIONS_ISSUER } from '../../../src/checks/signatures/identity.js';

describe('keyless.github shorthand', () => {
  it('pins the issuer, the workflow subject and the source repository', () => {
    const identity = expandGithubIdentity({
      github: { repository: 'acme/web', workflow: '.github/workflows/release.yml', ref: 'refs/tags/v*' },
    });
    expect(identity.issuer).toBe(GITHUB_ACTIONS_ISSUER);
    expect(identity.extensions).toEqual({ 'source-repository-uri': 'https://github.com/acme/web' });
    const subject = new RegExp(identity['subject-regexp']!, 'u');
    expect(subject.test('https://github.com/acme/web/.github/workflows/release.yml@refs/tags/v1.2.3')).toBe(true);
    expect(subject.test('https://github.com/acme/web/.github/workflows/release.yml@refs/heads/main')).toBe(false);
    expect(subject.test('https://github.com/acme/webX/.github/workflows/release.yml@refs/tags/v1')).toBe(false);
    expect(subject.test('https://github.com/acme/web/.github/workflows/releaseXyml@refs/tags/v1')).toBe(false);
  });

  it('accepts any workflow of the repository and any ref when they are left out', () => {
    const subject = new RegExp(expandGithubIdentity({ github: { repository: 'acme/web' } })['subject-regexp']!, 'u');
    expect(subject.test('https://github.com/acme/web/.github/workflows/ci.yml@refs/heads/main')).toBe(true);
    expect(subject.test('https://github.com/evil/web/.github/workflows/ci.yml@refs/heads/main')).toBe(false);
  });

  it('lets explicit keys win (a reusable workflow in another repository)', () => {
    const identity = expandGithubIdentity({
      github: { repository: 'acme/web' },
      subject: 'https://github.com/acme/shared/.github/workflows/build.yml@refs/heads/main',
      extensions: { 'source-repository-uri': 'https://github.com/acme/web' },
    });
    expect(identity.subject).toBe('https://github.com/acme/shared/.github/workflows/build.yml@refs/heads/main');
    expect(identity['subject-regexp']).toBeUndefined();
    expect(identity).not.toHaveProperty('github');
  });
});
