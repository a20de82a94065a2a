import { readFile } from 'node:fs/promises';
import { ConfigurationError } from '../core/errors.js';
import type { CheckId } from '../core/finding.js';
import { CHECK_IDS } from '../core/finding.js';

/** Largest baseline report read, in bytes. */
const MAX_BASELINE_BYTES = 64 * 1024 * 1024;

/**
 * Fingerprints per check from a previous JSON report (schemaVersion 1), e.g. the report of the main branch's
 * last run: image and signature findings it already had are "existing", not "new in this change".
 */
export async function readBaseline(file: string): Promise<Map<CheckId, Set<string>>> {
  let text: string;
  try {
    const buffer = await readFile(file);
    if (buffer.length > MAX_BASELINE_BYTES)
      throw new Error(`${buffer.length} bytes is over the ${MAX_BASELINE_BYTES}-byte limit`);
    text = buffer.toString('utf8');
  } catch (error) {
    throw new ConfigurationError('BASELINE', `--baseline ${file}: cannot read it (${(error as Error).message}).`);
  }
  let report: unknown;
  try {
    report = JSON.parse(text);
  } catch {
    throw new ConfigurationError('BASELINE', `--baseline ${file}: not JSON; give a report written with --format json.`);
  }
  const checks = (report as { schemaVersion?: unknown; checks?: unknown }).checks;
  if ((report as { schemaVersion?: unknown }).schemaVersion !== 1 || !Array.isArray(checks)) {
    throw new ConfigurationError('BASELINE', `--baseline ${file}: not a containersec JSON report (schemaVersion 1).`);
  }
  const byCheck = new Map<CheckId, Set<string>>();
  for (const check of checks as { id?: unknown; findings?: unknown }[]) {
    if (!(CHECK_IDS as readonly unknown[]).includes(check.id) || !Array.isArray(check.findings)) continue;
    const prints = new Set<string>();
    for (const finding of check.findings as { fingerprint?: unknown; fingerprints?: unknown }[]) {
      if (typeof finding.fingerprint === 'string') prints.add(finding.fingerprint);
      // A finding that stands for several (one per job, one per rule) lists each one's fingerprint.
      if (Array.isArray(finding.fingerprints))
        for (const print of finding.fingerprints) if (typeof print === 'string') prints.add(print);
    }
    byCheck.set(check.id as CheckId, prints);
  }
  return byCheck;
}
