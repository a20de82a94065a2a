import type { Check, CheckContext, CheckOutput } from './check.js';
import type { CheckId } from './finding.js';
import { errorMessage } from './errors.js';
import { fingerprintAll } from './fingerprint.js';
import type { CheckRun } from './gate.js';
import type { FileTree } from './tree.js';

export interface RunOptions {
  checks: Check[];
  /** Everything but `tree`, `isBase` and `signal`, which the runner sets per run. */
  context: Omit<CheckContext, 'tree' | 'isBase' | 'signal'>;
  head: FileTree;
  /** The base revision's tree, when known: file-based checks also run on it. */
  base?: FileTree;
  /** Checks selected with `--only`; undefined means all enabled ones. */
  only?: ReadonlySet<CheckId>;
  /** Called as each check starts (for progress output and the cold-start benchmark). */
  onStart?: (id: CheckId) => void;
}

class CheckTimeout extends Error {}

async function withTimeout(
  check: Check,
  context: CheckContext,
  seconds: number,
  controller: AbortController,
): Promise<CheckOutput> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(
        new CheckTimeout(
          `the ${check.id} check did not finish within ${seconds}s (checks.${check.id}.timeout) and was stopped`,
        ),
      );
    }, seconds * 1000);
    timer.unref();
  });
  try {
    return await Promise.race([check.run(context), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function runOne(check: Check, options: RunOptions): Promise<CheckRun> {
  const policy = options.context.policy.checks[check.id];
  const empty = { id: check.id, findings: [], fingerprints: [], errors: [], notes: [] };
  if (options.only && !options.only.has(check.id))
    return { ...empty, ran: false, skip: { label: 'not selected', reason: '--only leaves it out.' } };
  if (!policy.enabled) {
    const reason = `the policy says checks.${check.id}.enabled: false.`;
    return { ...empty, ran: false, skip: { label: 'disabled', reason } };
  }

  options.onStart?.(check.id);
  const started = performance.now();
  const controller = new AbortController();
  const memo = new Map<string, unknown>();
  const headContext: CheckContext = {
    ...options.context,
    tree: options.head,
    isBase: false,
    signal: controller.signal,
    memo,
  };
  let output: CheckOutput;
  try {
    output = await withTimeout(check, headContext, policy.timeout, controller);
  } catch (error) {
    const message =
      error instanceof CheckTimeout ? error.message : `the ${check.id} check crashed: ${errorMessage(error)}`;
    return { ...empty, ran: true, errors: [message], durationMs: performance.now() - started };
  }
  const run: CheckRun = {
    id: check.id,
    ran: true,
    findings: output.findings,
    fingerprints: fingerprintAll(output.findings),
    errors: output.errors ?? [],
    warnings: output.warnings ?? [],
    notes: output.notes ?? [],
    ...(output.skipped ? { skip: output.skipped } : {}),
    ...(output.inlineIgnores ? { inlineIgnores: output.inlineIgnores } : {}),
  };
  if (options.base && check.fileBased) {
    const baseContext: CheckContext = {
      ...options.context,
      tree: options.base,
      isBase: true,
      signal: controller.signal,
      memo,
    };
    try {
      const baseOutput = await withTimeout(check, baseContext, policy.timeout, controller);
      run.baseFingerprints = new Set(fingerprintAll(baseOutput.findings));
    } catch (error) {
      run.notes.push(`Could not run on the base revision (${errorMessage(error)}); every finding counts as new.`);
    }
  }
  run.durationMs = performance.now() - started;
  return run;
}

/** Runs every check concurrently. A check that throws or times out becomes an error run; nothing is lost. */
export function runChecks(options: RunOptions): Promise<CheckRun[]> {
  return Promise.all(options.checks.map((check) => runOne(check, options)));
}
