import { readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { CheckStatus, Verdict } from '../core/finding.js';
import type { Severity } from '../core/severity.js';
import { ConfigurationError } from '../core/errors.js';
import { staysInsideRepository } from '../core/repo-path.js';
import { codeBlock, escapeMarkdown, safeUrl } from './escape.js';
import type { ReportModel } from './model.js';
import { templatesDir } from './templates.js';

const VERDICT_ICONS: Record<Verdict, string> = { fail: '❌', error: '🛑', warn: '⚠️', pass: '✅' };
const STATUS_ICONS: Record<CheckStatus, string> = { fail: '❌', error: '🛑', warn: '⚠️', pass: '✅', skipped: '⚪' };
const SEVERITY_ICONS: Record<Severity, string> = { critical: '🟥', high: '🟧', medium: '🟨', low: '🟦', info: '⬜' };

/** Keys whose values we built ourselves and that must reach the template unescaped. */
const URL_KEYS = new Set(['url', 'runUrl', 'ruleUrl', 'advisoryUrl']);

/** A fix of several lines is code (`RUN useradd …` + `USER 10001`): a fenced block inside the list item. */
function escapeFix(fix: string): string {
  return /\S[^\n]*\n[^\n]*\S/.test(fix.trim()) ? `\n\n${codeBlock(fix.trim(), '  ')}\n` : escapeMarkdown(fix);
}

/** Every string from the model is escaped before any template sees it, so a custom template cannot forget. */
function escapeDeep(value: unknown, key = ''): unknown {
  if (typeof value === 'string') {
    if (key === 'marker') return value;
    if (URL_KEYS.has(key)) return safeUrl(value) ?? '';
    return key === 'fix' ? escapeFix(value) : escapeMarkdown(value);
  }
  if (Array.isArray(value)) return value.map((item) => escapeDeep(item));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeDeep(v, k)]));
  }
  return value;
}

function environment(): typeof Handlebars {
  const hb = Handlebars.create();
  hb.registerHelper('verdictIcon', (v: Verdict) => VERDICT_ICONS[v] ?? '');
  hb.registerHelper('statusIcon', (s: CheckStatus) => STATUS_ICONS[s] ?? '');
  hb.registerHelper('severityIcon', (s: Severity) => SEVERITY_ICONS[s] ?? '');
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerPartial('finding', readFileSync(path.join(templatesDir(), 'finding.md.hbs'), 'utf8'));
  return hb;
}

let cachedDefault: HandlebarsTemplateDelegate | undefined;

export function compileTemplate(source?: string): HandlebarsTemplateDelegate {
  if (source === undefined) {
    cachedDefault ??= compileTemplate(readFileSync(path.join(templatesDir(), 'comment.md.hbs'), 'utf8'));
    return cachedDefault;
  }
  return environment().compile(source, { noEscape: true, strict: false, knownHelpersOnly: false });
}

interface Omitted {
  existing: number;
  newFindings: number;
  blocking: number;
}

function render(template: HandlebarsTemplateDelegate, model: ReportModel, omitted: Omitted): string {
  const data = { ...(escapeDeep(model) as object), omitted };
  return template(data, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
}

/**
 * Renders the comment within `maxChars`, degrading step by step: first the existing findings' details go,
 * then the new non-blocking ones, then blocking items beyond what fits (the verdict and the table always
 * stay). Every step re-renders, so `<details>` and fences stay balanced; a note says what was left out.
 */
export function renderMarkdown(model: ReportModel, options: { maxChars: number; template?: string }): string {
  const template = compileTemplate(options.template);
  const omitted: Omitted = { existing: 0, newFindings: 0, blocking: 0 };
  let current = model;
  let text = render(template, current, omitted);
  if (text.length <= options.maxChars) return text;

  omitted.existing = current.existing.reduce((n, g) => n + g.findings.length, 0);
  current = { ...current, existing: [], hasNotes: false };
  text = render(template, current, omitted);
  if (text.length <= options.maxChars) return text;

  omitted.newFindings = current.newFindings.length;
  current = { ...current, newFindings: [], excepted: [] };
  text = render(template, current, omitted);
  while (text.length > options.maxChars && current.blocking.length > 1) {
    const keep = Math.max(1, Math.floor(current.blocking.length * 0.7));
    omitted.blocking += current.blocking.length - keep;
    current = {
      ...current,
      blocking: current.blocking.slice(0, keep),
      notices: [
        ...model.notices,
        `${omitted.blocking} more blocking finding(s) are not shown here to fit the size limit; the job summary, JSON and SARIF reports list them all.`,
      ],
    };
    text = render(template, current, omitted);
  }
  if (text.length > options.maxChars) {
    text = `${text.slice(0, options.maxChars - 200)}\n\n_Report truncated to fit the size limit._\n`;
  }
  return text;
}

export function readCustomTemplate(root: string, relative: string): string {
  const absolute = path.resolve(root, relative);
  if (!staysInsideRepository(root, absolute)) {
    throw new ConfigurationError('TEMPLATE', `report.template: ${relative} is outside the repository.`);
  }
  try {
    return readFileSync(absolute, 'utf8');
  } catch {
    throw new ConfigurationError(
      'TEMPLATE',
      `report.template: cannot read ${relative}; give a repository-relative path to a Handlebars file.`,
    );
  }
}
