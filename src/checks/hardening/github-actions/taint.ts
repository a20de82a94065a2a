import type { Severity } from '../../../core/severity.js';
import { severityRank } from '../../../core/severity.js';
import { githubContextCapability, legacyDispatchInput } from './contexts.js';
import { findExpressions, flowingContexts, parseExpression, pathText } from './expressions.js';
import type { FencedExpression, PathPart } from './expressions.js';
import type { JobModel, StepModel, WorkflowModel } from './model.js';
import { entries, scalarText } from './yaml-nodes.js';
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
  step?: StepModel,
  depth = 0,
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
  if (head === 'env' && parts.length === 2 && parts[1] !== '*')
    return classifyEnv(context, parts[1]!, workflow, job, step, depth);
  if (head === 'matrix' && job && !matrixIsStatic(job, parts, workflow.doc))
    return { context, severity: 'low', why: 'comes from a matrix built at run time' };
  return undefined;
}

/**
 * `${{ env.NAME }}` re-expands the variable's value into the code, so it is as dangerous as what the
 * nearest `env:` (step, then job, then workflow) put into it. A name defined nowhere was probably written to
 * `$GITHUB_ENV` at run time, which may carry untrusted data: low.
 */
function classifyEnv(
  context: string,
  name: string,
  workflow: WorkflowModel,
  job: JobModel | undefined,
  step: StepModel | undefined,
  depth: number,
): TaintedContext | undefined {
  const doc = workflow.doc;
  const entry = [step?.env, job?.env, workflow.env]
    .map((env) => entries(env, doc).find((e) => e.key.toLowerCase() === name))
    .find((e) => e !== undefined);
  if (!entry)
    return {
      context,
      severity: 'low',
      why: 'is not defined in the workflow, so it may be set at run time from untrusted data',
    };
  const value = scalarText(entry.value, doc);
  if (value === undefined || depth >= MAX_ENV_DEPTH) return undefined;
  const inner = taintedExpressions(value, workflow, job, step, depth + 1)[0];
  return inner
    ? {
        context,
        severity: inner.severity,
        why: `is set from ${inner.contexts[0]!.context}, which ${inner.contexts[0]!.why}`,
      }
    : undefined;
}

const INPUT_TRIGGERS = new Set(['workflow_dispatch', 'workflow_call']);

/** env values that reference other env values are followed this many times. */
const MAX_ENV_DEPTH = 4;

function classifyInput(context: string, name: string, workflow: WorkflowModel): TaintedContext | undefined {
  // GitHub fills `inputs` (and `github.event.inputs`) only for workflow_dispatch and workflow_call runs (a
  // called workflow sees its caller's event); under other triggers it is empty.
  if (
    workflow.kind === 'workflow' &&
    workflow.triggers.length > 0 &&
    !workflow.triggers.some((t) => INPUT_TRIGGERS.has(t.name))
  )
    return undefined;
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
  step?: StepModel,
  depth = 0,
): TaintedExpression[] {
  const out: TaintedExpression[] = [];
  for (const expression of findExpressions(text)) {
    if (!expression.closed) continue;
    const parsed = parseExpression(expression.body);
    if (!parsed.ok) continue;
    const seen = new Set<string>();
    const contexts: TaintedContext[] = [];
    for (const parts of flowingContexts(parsed.expr)) {
      const tainted = classifyContext(parts, workflow, job, step, depth);
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
