import type { Severity } from '../../../core/severity.js';
import { severityRank } from '../../../core/severity.js';
import { githubContextCapability, legacyDispatchInput } from './contexts.js';
import { findExpressions, flowingContexts, parseExpression, pathText } from './expressions.js';
import type { FencedExpression, PathPart } from './expressions.js';
import type { JobModel, WorkflowModel } from './model.js';
import { matrixIsStatic } from './matrix.js';

export interface TaintedContext {
  context: string;
  severity: Severity;
  why: string;
}

/**
 * How dangerous it is to paste the value of a context into code. Undefined means the value is not
 * attacker-controlled (fixed GitHub values, secrets, vars, typed inputs, static matrix values).
 */
export function classifyContext(
  parts: readonly PathPart[],
  workflow: WorkflowModel,
  job: JobModel | undefined,
): TaintedContext | undefined {
  const context = pathText(parts);
  const head = parts[0];
  if (head === 'github') {
    const legacyInput = legacyDispatchInput(parts);
    if (legacyInput !== undefined) return classifyInput(context, legacyInput, workflow);
    const capability = githubContextCapability(parts);
    if (capability === 'arbitrary')
      return { context, severity: 'high', why: 'can contain any text chosen by whoever triggers the event' };
    if (capability === 'structured')
      return {
        context,
        severity: 'medium',
        why:
          parts[1] === 'event'
            ? 'is an attacker-influenced URL'
            : 'is a branch or tag name, which may contain shell syntax',
      };
    return undefined;
  }
  if (head === 'inputs' && parts.length >= 2) return classifyInput(context, parts[1]!, workflow);
  if ((head === 'steps' || head === 'needs') && parts[2] === 'outputs')
    return { context, severity: 'low', why: 'is the output of another step or job, which may carry untrusted data' };
  if (head === 'matrix' && job && !matrixIsStatic(job, parts, workflow.doc))
    return { context, severity: 'low', why: 'comes from a matrix built at run time' };
  return undefined;
}

function classifyInput(context: string, name: string, workflow: WorkflowModel): TaintedContext | undefined {
  if (name === '*') return { context, severity: 'medium', why: 'includes every input' };
  const type = workflow.inputs.get(name.toLowerCase());
  if (type === 'boolean' || type === 'number' || type === 'choice' || type === 'environment') return undefined;
  return {
    context,
    severity: 'medium',
    why:
      workflow.kind === 'action'
        ? 'is an action input, free text from the calling workflow'
        : type === undefined
          ? 'is an input whose type is not declared here'
          : 'is a string input, free text from whoever dispatches or calls the workflow',
  };
}

export interface TaintedExpression {
  expression: FencedExpression;
  contexts: TaintedContext[];
  /** The worst severity among `contexts`. */
  severity: Severity;
}

/** Fenced expressions in `text` whose value can carry attacker-controlled data. Unparseable ones are skipped. */
export function taintedExpressions(
  text: string,
  workflow: WorkflowModel,
  job: JobModel | undefined,
): TaintedExpression[] {
  const out: TaintedExpression[] = [];
  for (const expression of findExpressions(text)) {
    if (!expression.closed) continue;
    const parsed = parseExpression(expression.body);
    if (!parsed.ok) continue;
    const seen = new Set<string>();
    const contexts: TaintedContext[] = [];
    for (const parts of flowingContexts(parsed.expr)) {
      const tainted = classifyContext(parts, workflow, job);
      if (!tainted || seen.has(tainted.context)) continue;
      seen.add(tainted.context);
      contexts.push(tainted);
    }
    if (contexts.length === 0) continue;
    contexts.sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
    out.push({ expression, contexts, severity: contexts[0]!.severity });
  }
  return out;
}

/** `github.event.pull_request.title` -> `GITHUB_EVENT_PULL_REQUEST_TITLE`, for the env-variable fix. */
export function envVarName(context: string): string {
  return context
    .split('.')
    .map((p) => (p === '*' ? 'ANY' : p.replace(/[^A-Za-z0-9]+/g, '_')))
    .join('_')
    .toUpperCase();
}
