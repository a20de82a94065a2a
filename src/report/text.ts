import type { CheckStatus, Verdict } from '../core/finding.js';
import type { Severity } from '../core/severity.js';
import type { CheckSummary, FindingView, ReportModel } from './model.js';

/** ANSI styling, or none: decided once by the caller from the stream and NO_COLOR. */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  cyan(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
export const COLOR: Style = {
  bold: wrap(1, 22),
  dim: wrap(2, 22),
  red: wrap(31, 39),
  yellow: wrap(33, 39),
  green: wrap(32, 39),
  cyan: wrap(36, 39),
};
export const PLAIN: Style = {
  bold: (t) => t,
  dim: (t) => t,
  red: (t) => t,
  yellow: (t) => t,
  green: (t) => t,
  cyan: (t) => t,
};

/** Colour when writing to a terminal, unless NO_COLOR is set (https://no-color.org) or TERM=dumb; FORCE_COLOR forces it. */
export function chooseStyle(stream: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): Style {
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return COLOR;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return PLAIN;
  return stream.isTTY && env.TERM !== 'dumb' ? COLOR : PLAIN;
}

/** Control characters from scanned data must not reach the terminal (they could rewrite the verdict line). */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '?');
}

function severityLabel(severity: Severity, style: Style): string {
  const label = severity.toUpperCase().padEnd(8);
  if (severity === 'critical' || severity === 'high') return style.red(label);
  if (severity === 'medium') return style.yellow(label);
  return style.dim(label);
}

function statusLabel(status: CheckStatus | Verdict, style: Style): string {
  const label = status.toUpperCase();
  if (status === 'fail' || status === 'error') return style.red(style.bold(label));
  if (status === 'warn') return style.yellow(label);
  if (status === 'pass') return style.green(label);
  return style.dim(label);
}

function findingLines(view: FindingView, style: Style): string[] {
  const f = view.finding;
  const where = [
    view.locationText,
    view.objectText,
    'container' in f.location && f.location.container ? `container ${f.location.container}` : undefined,
  ]
    .filter(Boolean)
    .join('  ');
  const lines = [
    `  ${severityLabel(f.severity, style)} ${style.bold(clean(view.ruleText))}  ${style.cyan(clean(where))}${f.new ? '' : style.dim('  (existing)')}`,
  ];
  lines.push(`           ${clean(f.title)}: ${clean(f.message)}`);
  if (f.fix) {
    // A fix of several lines is code: every line starts under the first, so it can be copied as it is.
    const [first = '', ...rest] = f.fix.trim().split(/\r?\n/);
    lines.push(`           ${style.green('fix:')} ${clean(first)}`, ...rest.map((l) => `                ${clean(l)}`));
  }
  if (f.exception) {
    const state = f.exception.expired
      ? style.red(`exception expired on ${f.exception.expires}`)
      : `excepted${f.exception.expires ? ` until ${f.exception.expires}` : ''}`;
    lines.push(`           ${state}: ${clean(f.exception.reason)}`);
  }
  return lines;
}

function section(title: string, views: FindingView[], style: Style): string[] {
  if (views.length === 0) return [];
  return ['', style.bold(title), ...views.flatMap((v) => findingLines(v, style))];
}

/** Under each check, as in the comment: errors, what was not checked, how to turn it on, then its notes. */
function checkDetails(check: CheckSummary, style: Style): string[] {
  const indent = '      ';
  return [
    ...check.errors.map((e) => `${indent}${style.red('error:')} ${clean(e)}`),
    ...check.warnings.map((w) => `${indent}${style.yellow('warning:')} ${clean(w)}`),
    ...(check.skip?.hint ? [`${indent}${style.dim(`to turn it on: ${clean(check.skip.hint)}`)}`] : []),
    ...check.notes.map((n) => `${indent}${style.dim(`note: ${clean(n)}`)}`),
  ];
}

/** The terminal report: the verdict, one line per check, then findings grouped by what they mean for the merge. */
export function renderText(model: ReportModel, style: Style): string {
  const lines: string[] = [];
  lines.push(
    `${style.bold('containersec')} ${model.footer.version}  policy: ${model.footer.policy}${model.footer.base ? `  base: ${model.footer.base.slice(0, 12)}` : ''}`,
  );
  for (const notice of model.notices) lines.push(style.dim(`note: ${clean(notice)}`));
  lines.push('');
  for (const check of model.checks) {
    const counts =
      check.status === 'skipped'
        ? style.dim(clean(`${check.statusText}: ${check.skip?.reason ?? 'skipped'}`))
        : `${check.total} finding(s), ${check.blocking} blocking, ${check.newCount} new`;
    lines.push(
      `  ${check.title.padEnd(18)} ${statusLabel(check.status, style).padEnd(style === PLAIN ? 8 : 20)} ${counts}`,
    );
    lines.push(...checkDetails(check, style));
  }
  lines.push(...section('Blocking', model.blocking, style));
  lines.push(...section('New (not blocking)', model.newFindings, style));
  for (const group of model.existing) lines.push(...section(`Existing: ${group.title}`, group.findings, style));
  lines.push(...section('Excepted', model.excepted, style));
  if (model.staleExceptions.length > 0) {
    lines.push('', style.bold('Stale exceptions (match nothing; remove them)'));
    for (const e of model.staleExceptions) {
      const where = e.source ? `  ${e.source.file}:${e.source.line}:${e.source.column}` : '';
      const kind = e.inline ? ` (inline ignore: ${clean(e.detail ?? 'matches nothing')})` : '';
      lines.push(`  ${clean(e.rule)}${clean(where)}${kind}: ${clean(e.reason)}`);
    }
  }
  const c = model.counts;
  lines.push('', `${statusLabel(model.verdict, style)}  ${model.headline}`);
  lines.push(style.dim(`${c.total} finding(s): ${c.blocking} blocking, ${c.new} new, ${c.excepted} excepted.`));
  return `${lines.join('\n')}\n`;
}
