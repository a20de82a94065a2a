import type { RawFinding } from '../../../core/finding.js';
import type { RuleDefinition } from '../../../core/rules.js';
import type { Audit } from './audit.js';
import {
  GITHUB_HARDENING,
  GITHUB_SCRIPT_INJECTIONS,
  KeyCounter,
  ZIZMOR_AUDITS,
  makeFinding,
  spanInScalar,
  stepKey,
} from './audit.js';
import type { WorkflowModel } from './model.js';
import { logicalLines, scriptOffset } from './script.js';
import { taintedExpressions } from './taint.js';
import { privilegedTriggers } from './triggers.js';

export const rule: RuleDefinition = {
  id: 'gha/github-env',
  check: 'hardening',
  title: 'Untrusted data written to GITHUB_ENV or GITHUB_PATH',
  severity: 'high',
  description:
    'Reports `run:` scripts that write to `$GITHUB_ENV` or `$GITHUB_PATH` (`>> "$GITHUB_ENV"`, `tee -a`, ' +
    'PowerShell `Out-File`/`Add-Content $env:GITHUB_ENV`, `%GITHUB_ENV%`) when the workflow runs on ' +
    '`pull_request_target` or `workflow_run` (whatever is written likely derives from the untrusted pull ' +
    'request or artifact), or when the written line expands an attacker-controlled expression. In composite ' +
    'actions, which run inside whatever workflow uses them, a written value computed at run time is low. ' +
    'Writes of literal text only (`echo FOO=bar >> "$GITHUB_ENV"`) are never reported.',
  rationale:
    'Lines appended to `GITHUB_ENV` become environment variables of every later step of the job, and ' +
    '`GITHUB_PATH` entries come first in their `PATH`. Whoever controls the written value can set ' +
    '`LD_PRELOAD`, `NODE_OPTIONS=--require …`, `BASH_ENV`, or inject a newline and a variable of their own, ' +
    "and so run code in the following steps with the job's secrets and token.",
  fix:
    'Do not derive environment variables from untrusted input in privileged workflows. Where a value must be ' +
    'passed on, use a step output and an intermediate `env:` variable, and validate it first:\n\n' +
    '```yaml\n- id: meta\n  env:\n    HEAD_REF: ${{ github.head_ref }}\n  run: |\n' +
    '    [[ "$HEAD_REF" =~ ^[A-Za-z0-9._/-]+$ ]] || exit 1\n    echo "ref=$HEAD_REF" >> "$GITHUB_OUTPUT"\n' +
    '- env:\n    REF: ${{ steps.meta.outputs.ref }}\n  run: ./build.sh "$REF"\n```',
  references: [
    `${ZIZMOR_AUDITS}#github-env`,
    'https://securitylab.github.com/resources/github-actions-untrusted-input/',
    GITHUB_SCRIPT_INJECTIONS,
    GITHUB_HARDENING,
  ],
};

const ENV_FILE = String.raw`(?:\$\{?GITHUB_(?:ENV|PATH)\}?|\$env:GITHUB_(?:ENV|PATH)|%GITHUB_(?:ENV|PATH)%)`;
const WRITES = [
  new RegExp(String.raw`(?:>>?|\btee\b(?:\s+-[a-z-]+)*)\s*["']?(${ENV_FILE})`, 'i'),
  new RegExp(String.raw`\b(?:Out-File|Add-Content|Set-Content)\b[^\n]*?(${ENV_FILE})`, 'i'),
];

/**
 * `echo FOO=bar >> "$GITHUB_ENV"`: the command producing the written text is an echo/printf of literal
 * text only (no `$` expansion, command substitution, `%VAR%` or compound command), so nobody can steer it.
 */
const STATIC_WRITE = /^\s*(?:echo|printf)(?:\s+[^$`%;&|(){}<>]*)?\|?\s*$/;

export function run(workflow: WorkflowModel): RawFinding[] {
  const privileged = privilegedTriggers(workflow);
  // A composite action runs inside whatever workflow uses it, privileged ones included.
  const composite = workflow.kind === 'action';
  const findings: RawFinding[] = [];
  const keys = new KeyCounter();
  for (const job of workflow.jobs) {
    for (const step of job.steps) {
      if (!step.run || !/GITHUB_(ENV|PATH)/i.test(step.run.value)) continue;
      const script = step.run.value;
      for (const line of logicalLines(script)) {
        const match = WRITES.map((re) => re.exec(line.text)).find((m) => m !== null);
        if (!match) continue;
        const file = /PATH/i.test(match[1]!) ? 'GITHUB_PATH' : 'GITHUB_ENV';
        const tainted = taintedExpressions(line.text, workflow, job, step);
        const dynamic = tainted.length > 0 || !STATIC_WRITE.test(line.text.slice(0, match.index));
        if (!dynamic || (privileged.length === 0 && !composite && tainted.length === 0)) continue;
        const fileIndex = match.index + match[0].lastIndexOf(match[1]!) + match[1]!.indexOf('GITHUB_');
        const reason =
          tainted.length > 0
            ? `the written line expands ${tainted.flatMap((t) => t.contexts.map((c) => `\`${c.context}\``)).join(', ')}`
            : privileged.length > 0
              ? `the workflow runs on ${privileged.map((t) => `\`${t}\``).join(' and ')}`
              : 'the written value is computed at run time in an action that privileged workflows may use';
        findings.push(
          makeFinding(workflow, rule, {
            severity: privileged.length > 0 ? 'high' : tainted.length > 0 ? tainted[0]!.severity : 'low',
            message: `Step ${step.label} of ${job.composite ? 'the composite action' : `job ${job.id}`} writes to ${file}, and ${reason}: later steps would run with attacker-chosen environment or PATH.`,
            span: spanInScalar(workflow, step.run.node, script, scriptOffset(line, fileIndex), file.length),
            job,
            key: keys.next(`${stepKey(job, step)}:${file}`),
            fix: `Do not write untrusted values to ${file}; pass them as step outputs through \`env:\` and validate them.`,
          }),
        );
      }
    }
  }
  return findings;
}

export const githubEnv: Audit = { rule, run };
