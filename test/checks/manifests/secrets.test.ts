import { describe, expect, it } from 'vitest';
import {
  findTokenPattern,
  hasInterpolation,
  isCredentialShaped,
  isLiteralSecret,
  isPlaceholderSecret,
  isSecretName,
} from '../../../src/checks/manifests/secrets.js';
import { parseImageReference, pinningOf } from '../../../src/checks/manifests/image-reference.js';

describe('isSecretName', () => {
  it('matches BuildKit-style secret tokens at _ boundaries', () => {
    for (const name of [
      'PASSWORD',
      'db_password',
      'GITHUB_TOKEN',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_ACCESS_KEY_ID',
      'api_key',
      'APIKEY',
      'AUTH',
      'DB_PASS',
      'CREDENTIALS',
    ]) {
      expect(isSecretName(name), name).toBe(true);
    }
  });
  it('does not match words that merely contain the tokens, nor exempt names', () => {
    for (const name of [
      'KEYBOARD',
      'MONKEY',
      'TOKENIZER_MODEL',
      'PASSWORD_FILE',
      'PUBLIC_KEY',
      'GPG_KEY',
      'AUTH_URL',
      'PWD',
      'BYPASS',
      'SSH_AUTH_SOCK_PATH',
    ]) {
      expect(isSecretName(name), name).toBe(false);
    }
  });
});

describe('findTokenPattern', () => {
  it('recognises well-known credential formats', () => {
    const samples: Record<string, string> = {
      'aws-access-key-id': 'AKIAIOSFODNN7EXAMPLE',
      'github-token': 'ghp_' + 'a'.repeat(36),
      'gitlab-token': 'glpat-' + 'b'.repeat(20),
      'slack-token': 'xoxb-1234567890-abcdef',
      'google-api-key': 'AIza' + 'c'.repeat(35),
      'npm-token': 'npm_' + 'd'.repeat(36),
      'private-key': '-----BEGIN OPENSSH PRIVATE KEY-----',
      'url-credentials': 'postgres://app:pw@db:5432/app',
    };
    for (const [id, sample] of Object.entries(samples)) expect(findTokenPattern(`x ${sample} y`)?.id, id).toBe(id);
  });
  it('ignores ordinary values and interpolated URL passwords', () => {
    for (const value of [
      'hello',
      'https://example.com/a@b',
      'postgres://app:${PW}@db/app',
      'ghp_short',
      'AKIA-not-a-key',
    ]) {
      expect(findTokenPattern(value), value).toBeUndefined();
    }
  });
});

describe('hasInterpolation', () => {
  it('detects ${VAR} and $VAR but not $$ escapes or lone dollars', () => {
    expect(hasInterpolation('${A}')).toBe(true);
    expect(hasInterpolation('x$A')).toBe(true);
    expect(hasInterpolation('pa$$word')).toBe(false);
    expect(hasInterpolation('costs 5$')).toBe(false);
  });
});

describe('isPlaceholderSecret / isLiteralSecret', () => {
  it('treats references, file paths and documentation placeholders as no secret', () => {
    for (const value of [
      '',
      '   ',
      '/run/secrets/db-password',
      './secrets/token',
      '~/.config/token',
      'file:///run/secrets/key',
      'https://vault.internal/v1/secret/data/app',
      'CHANGEME',
      'changeme',
      'change_me',
      'ChangeMe123',
      'changeit',
      '<your-key>',
      '<REDACTED>',
      '[API_KEY]',
      '{api_key}',
      'GOOGLE_API_KEY_VAL',
      'YOUR_API_KEY',
      'your-api-key-here',
      'insert_token_here',
      '${VAR}',
      '$VAR',
      '${{ secrets.TOKEN }}',
      '{{ .Values.password }}',
      '%DB_PASSWORD%',
      '@DB_PASSWORD@',
      'xxxx',
      'XXXX-XXXX-XXXX',
      '***',
      '********',
      '....',
      'example',
      'example-password',
      'sample_token',
      'dummy',
      'placeholder',
      'password',
      'secret',
      'null',
      'false',
      'TODO',
    ]) {
      expect(isPlaceholderSecret(value), value).toBe(true);
      expect(isLiteralSecret(value), value).toBe(false);
    }
  });
  it('keeps literal credentials, short and long, random and human', () => {
    for (const value of [
      'hunter2',
      's3cret',
      '12345',
      'pa55word-long',
      'abcd1234efgh',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'.replace('EXAMPLE', 'ZZZZZZZ'),
      'Tr0ub4dor&3',
      'correct horse battery staple',
      'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
    ]) {
      expect(isPlaceholderSecret(value), value).toBe(false);
      expect(isLiteralSecret(value), value).toBe(true);
    }
    expect(isLiteralSecret('abc'), 'too short').toBe(false);
  });
  it('asks a credential shape where only a key name says "secret" (generic config files)', () => {
    for (const value of ['files', 'files systemd', 'required', 'yescrypt', 'pam_unix.so nullok'])
      expect(isCredentialShaped(value), value).toBe(false);
    for (const value of ['hunter2', 'pa55word-long', 'Tr0ub4dor&3', 'abcd1234efgh'])
      expect(isCredentialShaped(value), value).toBe(true);
  });
});

describe('image references', () => {
  it('splits registry ports, tags and digests', () => {
    expect(parseImageReference('localhost:5000/a/b:1.2@sha256:abc')).toEqual({
      name: 'localhost:5000/a/b',
      tag: '1.2',
      digest: 'sha256:abc',
    });
    expect(parseImageReference('localhost:5000/a/b')).toEqual({ name: 'localhost:5000/a/b' });
    expect(pinningOf('alpine')).toBe('untagged');
    expect(pinningOf('alpine:latest')).toBe('latest');
    expect(pinningOf('alpine:3.20')).toBe('tag');
    expect(pinningOf(`alpine@sha256:${'e'.repeat(64)}`)).toBe('digest');
    expect(pinningOf('alpine@sha256:short')).toBe('untagged');
  });
});
