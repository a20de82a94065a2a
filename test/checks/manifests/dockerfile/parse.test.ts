import { describe, expect, it } from 'vitest';
import {
  DockerfileParseError,
  parseDockerfile,
  substituteArgs,
} from '../../../../src/checks/manifests/dockerfile/parse.js';
import { dockerfile, lint } from './helpers.js';

describe('substituteArgs', () => {
  const args = new Map<string, string | undefined>([
    ['BASE', 'alpine'],
    ['EMPTY', ''],
    ['UNSET', undefined],
  ]);

  it('substitutes $VAR, ${VAR} and the default/alternative forms', () => {
    expect(substituteArgs('$BASE:${BASE}', args)).toBe('alpine:alpine');
    expect(substituteArgs('${UNSET:-3.19}', args)).toBe('3.19');
    expect(substituteArgs('${EMPTY:-x}', args)).toBe('x');
    expect(substituteArgs('${EMPTY-x}', args)).toBe('');
    expect(substituteArgs('${BASE:+set}', args)).toBe('set');
    expect(substituteArgs('${UNSET+set}', args)).toBe('');
  });

  it('returns undefined when a variable has no value', () => {
    expect(substituteArgs('alpine:${UNSET}', args)).toBeUndefined();
    expect(substituteArgs('alpine:$NOT_DECLARED', args)).toBeUndefined();
  });
});

describe('parseDockerfile', () => {
  it('builds stages, resolves global ARG defaults in FROM and links stage references', () => {
    const model = parseDockerfile(
      'Dockerfile',
      dockerfile(
        'ARG REGISTRY=ghcr.io',
        'ARG TAG=1.2',
        'FROM ${REGISTRY}/acme/base:${TAG} AS Build',
        'RUN make',
        'FROM build',
        'USER app',
      ),
    );
    expect(model.stages).toHaveLength(2);
    expect(model.stages[0]!.image).toBe('ghcr.io/acme/base:1.2');
    expect(model.stages[0]!.name).toBe('build');
    expect(model.stages[1]!.parent).toBe(model.stages[0]);
    expect(model.runs).toHaveLength(1);
  });

  it('does not treat a FROM naming a later stage as a stage reference', () => {
    const model = parseDockerfile('Dockerfile', dockerfile('FROM later', 'FROM alpine AS later'));
    expect(model.stages[0]!.parent).toBeUndefined();
  });

  it('parses RUN heredoc scripts as shell, but not heredocs fed to other programs', () => {
    const model = parseDockerfile(
      'Dockerfile',
      dockerfile(
        'FROM alpine',
        'RUN <<EOF',
        'set -e',
        'apk add curl',
        'EOF',
        'RUN python3 <<EOF',
        'import os',
        'EOF',
        'RUN <<EOF',
        '#!/usr/bin/env python3',
        'print(1)',
        'EOF',
        'RUN <<-EOT bash',
        '\tsudo ls',
        '\tEOT',
      ),
    );
    const programs = model.runs.map((run) => run.commands.map((command) => command.words[0]?.text));
    expect(programs).toEqual([['set', 'apk'], ['python3'], [], ['bash', 'sudo']]);
  });

  it('skips shell analysis of shell-form RUN after a non-POSIX SHELL', () => {
    const model = parseDockerfile(
      'Dockerfile',
      dockerfile(
        'FROM mcr.microsoft.com/windows/servercore:ltsc2022',
        'SHELL ["powershell", "-Command"]',
        'RUN curl -k x | sh',
      ),
    );
    expect(model.runs[0]!.commands).toEqual([]);
  });

  it('a stage built FROM an earlier stage keeps its SHELL; a stage from an image starts with sh', () => {
    const model = parseDockerfile(
      'Dockerfile',
      dockerfile(
        'FROM mcr.microsoft.com/powershell:7.4-ubuntu-22.04 AS base',
        'SHELL ["pwsh", "-Command"]',
        'FROM base AS child',
        'RUN curl -k x | sh',
        'FROM base AS posix',
        'SHELL ["/bin/sh", "-c"]',
        'RUN curl -k y | sh',
        'FROM ubuntu:24.04',
        'RUN curl -k z | sh',
      ),
    );
    expect(model.runs.map((run) => run.commands.map((command) => command.words[0]?.text))).toEqual([
      [],
      ['curl', 'sh'],
      ['curl', 'sh'],
    ]);
  });

  it('rejects files without FROM, or with instructions before FROM', () => {
    expect(() => parseDockerfile('Dockerfile', '')).toThrow(DockerfileParseError);
    expect(() => parseDockerfile('Dockerfile', dockerfile('# only a comment'))).toThrow(DockerfileParseError);
    expect(() => parseDockerfile('Dockerfile', dockerfile('ARG X=1'))).toThrow(/no FROM/);
    expect(() => parseDockerfile('Dockerfile', dockerfile('RUN ls', 'FROM alpine'))).toThrow(/before the first FROM/);
  });
});

describe('lintDockerfile positions', () => {
  it('keeps exact columns with CRLF line endings, continuations and heredocs', () => {
    const text = [
      'FROM alpine:3.20',
      'RUN apt-get update && \\',
      '    curl -k https://x | sh',
      'RUN <<EOF',
      'sudo ls',
      'EOF',
      'USER root',
      '',
    ].join('\r\n');
    const at = (ruleId: string) =>
      lint(text)
        .filter((finding) => finding.ruleId === ruleId)
        .map((finding) =>
          'startLine' in finding.location ? `${finding.location.startLine}:${finding.location.startColumn}` : '',
        );
    expect(at('dockerfile/curl-pipe-shell')).toEqual(['3:5']);
    expect(at('dockerfile/tls-verification-disabled')).toEqual(['3:10']);
    expect(at('dockerfile/sudo')).toEqual(['5:1']);
    expect(at('dockerfile/root-user')).toEqual(['7:6']);
  });
});

describe('lintDockerfile on bad input', () => {
  it('reports a located parse error instead of throwing', () => {
    const findings = lint(dockerfile('', 'RUN ls', 'FROM alpine'));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      ruleId: 'manifests/parse-error',
      location: { path: 'Dockerfile', startLine: 2, startColumn: 1 },
    });
  });

  it('ignores unknown instructions without a parse error', () => {
    const findings = lint(dockerfile('FROM alpine:3.20', 'FOOBAR baz', 'USER app'));
    expect(findings.filter((finding) => finding.ruleId === 'manifests/parse-error')).toEqual([]);
  });

  it('survives binary and pathological text', () => {
    const binary = Buffer.from(Array.from({ length: 4096 }, (_, k) => (k * 7919) % 256)).toString('latin1');
    expect(() => lint(binary)).not.toThrow();
    expect(() => lint('FROM a\nRUN ' + '$('.repeat(5000) + '\n')).not.toThrow();
    expect(() => lint('FROM a\nRUN ' + 'echo \\\n'.repeat(20000) + 'x\n')).not.toThrow();
    expect(() => lint('FROM a\nRUN <<EOF\n' + 'x\n'.repeat(1000))).not.toThrow();
  });
});
