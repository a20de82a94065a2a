import { describe, expect, it } from 'vitest';
import { marked } from 'marked';
import { renderMarkdown } from '../../src/report/markdown.js';
import { GITHUB_LIMITS } from '../../src/platform/github/limits.js';
import { buildReportModel } from '../../src/report/model.js';
import { escapeMarkdown } from '../../src/report/escape.js';
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
    expect(markdown.match(/<!-- containersec:comment/g)).toHaveLength(1);
    expect(markdown).not.toContain('@octocat');
    expect(markdown).not.toMatch(/[^;]#1\b/);
    expect(markdown).not.toContain('<img');
    expect(markdown).not.toContain('](javascript:');
    expect(markdown).not.toContain('\u001b');
    const rendered = html(markdown);
    expect(rendered).not.toContain('<img');
    expect(rendered).not.toContain('<h1>');
    expect(rendered).not.toMatch(/<a href="javascript/);
    // Once rendered and decoded (what GitHub's mention filter sees), the text is readable but pings nobody.
    const text = decodeEntities(rendered);
    expect(text).not.toMatch(/@octocat|#1\b/);
    expect(text).toContain('@\u200boctocat');
  });

  it('escapeMarkdown neutralises every markup character', () => {
    expect(escapeMarkdown('a|b')).toBe('a&#124;b');
    expect(escapeMarkdown('@here #12')).toBe('&#64;&#8203;here &#35;&#8203;12');
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
    expect(markdown).toContain('&#64;&#8203;admin');
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
