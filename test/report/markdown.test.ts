import { describe, expect, it } from 'vitest';
import { marked } from 'marked';
import { renderMarkdown } from '../../src/report/markdown.js';
import { GITHUB_LIMITS } from '../../src/platform/github/limits.js';
import { buildReportModel } from '../../src/report/model.js';
import { codeBlock, codeSpan, escapeMarkdown } from '../../src/report/escape.js';
import type { RawFinding } from '../../src/core/finding.js';
import { HOSTILE, sampleOutcome } from '../support/fixtures.js';
import { fileUrlBuilder } from '../../src/platform/github/links.js';

const today = '2026-11-28';
const fileUrl = fileUrlBuilder({ GITHUB_REPOSITORY: 'acme/web' }, 'a'.repeat(40))!;

function html(markdown: string): string {
  return marked.parse(markdown, { gfm: true, async: false });
}

function decodeEntities(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&(amp|lt|gt|quot);/g, (_, n: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"' })[n] ?? '');
}

/** What GitHub's mention, reference and autolink filters see: the rendered text outside code and links. */
function outsideCode(rendered: string): string {
  return decodeEntities(rendered.replace(/<code>[\s\S]*?<\/code>/g, ' ').replace(/<pre>[\s\S]*?<\/pre>/g, ' '));
}

function balanced(text: string, open: RegExp, close: RegExp): boolean {
  return (text.match(open) ?? []).length === (text.match(close) ?? []).length;
}

describe('markdown comment', () => {
  it('puts the verdict first, then the table, blocking items with line links, new, existing, excepted, stale', () => {
    const markdown = renderMarkdown(
      buildReportModel(sampleOutcome(), { today, fileUrl, runUrl: 'https://github.com/acme/web/actions/runs/1' }),
      { maxChars: GITHUB_LIMITS.commentChars },
    );
    const lines = markdown.split('\n');
    expect(lines[0]).toBe('<!-- containersec:comment key=default -->');
    expect(lines[1]).toBe('### ❌ containersec: Blocked: 2 findings must be fixed or excepted before merging.');
    // Secondary sections are folded, with their counts in the summary line.
    expect(markdown).toMatch(/<details><summary>New in this change, not blocking \(\d+\)<\/summary>/);
    const order = [
      'What blocks the merge',
      'New in this change',
      'Existing Manifests findings',
      'Excepted (1)',
      'Stale exceptions',
    ].map((h) => markdown.indexOf(h));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(markdown).toContain(
      `[deploy/web.yaml:12:7](https://github.com/acme/web/blob/${'a'.repeat(40)}/deploy/web.yaml#L12)`,
    );
    expect(markdown).toContain('**2026-12-01 (soon)**');
    const rendered = html(markdown);
    expect(rendered).toContain('<table>');
    expect(balanced(rendered, /<details>/g, /<\/details>/g)).toBe(true);
    expect(rendered).toContain('<h3>');
  });

  it('escapes hostile strings: no mentions, no refs, no HTML, no marker spoofing, no broken tables', () => {
    const hostile: RawFinding = {
      ruleId: 'testk8s/latest',
      severity: 'low',
      title: HOSTILE,
      message: HOSTILE,
      fix: HOSTILE,
      location: { path: `deploy/${HOSTILE}.yaml`, startLine: 1, object: HOSTILE },
    };
    const markdown = renderMarkdown(buildReportModel(sampleOutcome([hostile]), { today, fileUrl }), {
      maxChars: GITHUB_LIMITS.commentChars,
    });
    // Platforms find our comment by its first line; the marker is there once.
    expect(markdown.startsWith('<!-- containersec:comment key=default -->')).toBe(true);
    expect(markdown).not.toContain('\u001b');
    expect(markdown).not.toMatch(/[\u200b-\u200f\u2060]/);
    const rendered = html(markdown);
    expect(rendered.match(/<!--/g)).toHaveLength(1);
    expect(rendered).not.toContain('<img');
    expect(rendered).not.toContain('<h1>');
    expect(rendered).not.toContain('<strong>bold');
    expect(rendered).not.toMatch(/<a href="javascript/);
    expect(rendered).not.toMatch(
      /<a href="(?!https:\/\/(github\.com\/acme\/web|github\.com\/containersec|nvd\.nist\.gov\/))/,
    );
    // Mentions and refs are in code spans, where GitHub neither pings nor links, and copy as they are.
    expect(rendered).toContain('<code>@octocat</code>');
    expect(rendered).toContain('<code>#1</code>');
    expect(rendered).toContain('<code>rm -rf</code>');
    expect(outsideCode(rendered)).not.toMatch(/@octocat|#1\b/);
  });

  it('escapeMarkdown neutralises every markup character', () => {
    expect(escapeMarkdown('a|b')).toBe('a&#124;b');
    expect(escapeMarkdown('@here #12')).toBe('`@here` `#12`');
    expect(escapeMarkdown('mail a@b.c|x')).toBe('mail `a@b.c`&#124;x');
    expect(escapeMarkdown('image: redis:<v>@sha256:<d>')).toBe('image: `redis:<v>@sha256:<d>`');
    expect(escapeMarkdown('- item')).toBe('&#45; item');
    expect(escapeMarkdown('see www.evil.example')).toBe('see www&#46;evil.example');
    expect(escapeMarkdown('x'.repeat(3000))).toHaveLength(2000);
  });

  it('degrades step by step within the limit and keeps the verdict and every blocking item', () => {
    const many: RawFinding[] = Array.from({ length: 400 }, (_, i) => ({
      ruleId: 'testk8s/latest',
      severity: 'low',
      title: 'Latest tag',
      message: 'x'.repeat(200),
      location: { path: `deploy/f${i}.yaml`, startLine: 1 },
    }));
    const model = buildReportModel(sampleOutcome(many), { today });
    const full = renderMarkdown(model, { maxChars: 10_000_000 });
    expect(full.length).toBeGreaterThan(20_000);
    const limited = renderMarkdown(model, { maxChars: 20_000 });
    expect(limited.length).toBeLessThanOrEqual(20_000);
    expect(limited).toContain('Blocked: 2 findings');
    expect(limited).toContain('What blocks the merge');
    expect(limited).toMatch(/new non-blocking finding\(s\) left out to fit the size limit/);
    expect(balanced(html(limited), /<details>/g, /<\/details>/g)).toBe(true);
  });

  it('says so when the PR is clean', () => {
    const outcome = sampleOutcome();
    const clean = {
      ...outcome,
      result: {
        ...outcome.result,
        verdict: 'pass' as const,
        checks: outcome.result.checks.map((c) => ({ ...c, findings: [], status: 'pass' as const })),
        staleExceptions: [],
      },
    };
    expect(renderMarkdown(buildReportModel(clean, { today }), { maxChars: GITHUB_LIMITS.commentChars })).toContain(
      '✅ containersec: Passed: no findings.',
    );
  });

  it('renders a custom template, still with escaped data', () => {
    const markdown = renderMarkdown(
      buildReportModel(
        sampleOutcome([
          { ruleId: 'testk8s/latest', severity: 'low', title: '@admin', message: 'm', location: { path: 'a.yaml' } },
        ]),
        { today },
      ),
      {
        maxChars: GITHUB_LIMITS.commentChars,
        template: '{{verdict}}{{#each newFindings}} {{finding.title}}{{/each}}',
      },
    );
    expect(markdown).toContain('fail');
    expect(markdown).toContain('`@admin`');
  });
});

describe('code in the comment', () => {
  it('keeps code spans as code with a fence longer than any backtick run, escaping only the prose', () => {
    expect(escapeMarkdown('set `persist-credentials: false` under *with*')).toBe(
      'set `persist-credentials: false` under &#42;with&#42;',
    );
    expect(escapeMarkdown('run ``a ` b`` now')).toBe('run ``a ` b`` now');
    expect(escapeMarkdown('odd ` tick')).toBe('odd &#96; tick');
    expect(codeSpan('`x`')).toBe('`` `x` ``');
    const rendered = html(escapeMarkdown('a ``x`<b>`` b'));
    expect(rendered).toContain('<code>x`&lt;b&gt;</code>');
  });

  it('renders a multi-line fix as a fenced block inside the list item, and CVE ids link to their advisory', () => {
    const fix = 'RUN useradd --system --uid 10001 app\nUSER 10001\n```\n~~~~';
    const findings: RawFinding[] = [
      {
        ruleId: 'dockerfile/root-user',
        severity: 'low',
        title: 'Runs as root',
        message: 'm',
        fix,
        location: { path: 'Dockerfile', startLine: 3 },
      },
      {
        ruleId: 'vuln/CVE-2020-8203',
        severity: 'low',
        title: 'lodash',
        message: 'prototype pollution',
        fix: 'upgrade lodash to 4.17.19',
        vulnerability: { id: 'CVE-2020-8203', aliases: ['GHSA-p6mc-m468-83gw'], fixed: ['4.17.19'] },
        location: { image: 'ghcr.io/acme/web@sha256:' + 'a'.repeat(64), path: '/app/node_modules/lodash' },
      },
    ];
    const markdown = renderMarkdown(buildReportModel(sampleOutcome(findings), { today, fileUrl }), {
      maxChars: GITHUB_LIMITS.commentChars,
    });
    const rendered = html(markdown);
    expect(rendered).toContain('<pre><code>RUN useradd --system --uid 10001 app\nUSER 10001\n```\n~~~~\n</code></pre>');
    expect(rendered).toContain('<a href="https://nvd.nist.gov/vuln/detail/CVE-2020-8203">');
    expect(rendered).toContain(
      '<a href="https://github.com/containersec/containersec/blob/main/docs/rules/dockerfile/root-user.md">',
    );
    expect(rendered).toContain(`<code>ghcr.io/acme/web@sha256:${'a'.repeat(64)}</code>`);
    expect(codeBlock('a\n```` b', '  ')).toBe('  `````\n  a\n  ```` b\n  `````');
  });
});

describe('what was checked', () => {
  it('lists each check with its notes (who signed what), collapsed; a skipped check says why and how to turn it on', () => {
    const outcome = sampleOutcome();
    const checks = outcome.result.checks.map((c) =>
      c.id === 'images'
        ? { ...c, notes: ['ghcr.io/acme/web@sha256:abc: signed by key .keys/cosign.pub'] }
        : c.id === 'signatures'
          ? {
              ...c,
              skip: {
                label: 'not configured',
                reason: 'no signatures.require rule.',
                hint: 'add checks.signatures.require.',
              },
            }
          : c,
    );
    const markdown = renderMarkdown(
      buildReportModel({ ...outcome, result: { ...outcome.result, checks } }, { today }),
      {
        maxChars: GITHUB_LIMITS.commentChars,
      },
    );
    const section = markdown.slice(markdown.indexOf('<details><summary>What was checked</summary>'));
    expect(section).toContain('signed by key .keys/cosign.pub');
    expect(section).not.toContain('not configured');
    expect(markdown).toContain('| Signatures | ⚪ not configured |');
    expect(markdown).toContain(
      '- ⚪ **Signatures**: not configured: no signatures.require rule. To turn it on: add checks.signatures.require.',
    );
  });
});
