import { ContainersecError } from '../../core/errors.js';
import type { PackageQuery } from '../match.js';
import type { OsvRecord } from '../osv.js';

/** One package version to look up, spelled as OSV spells it. */
export type VulnQuery = PackageQuery;

export interface VulnLookup {
  /** For each query (same order), the records that name its package. The matcher decides if they apply. */
  records: OsvRecord[][];
  /** What the source skipped or could not see (invalid records, unknown ecosystems, paging caps). */
  notes: string[];
  /**
   * Ecosystems of the queries (as queried) for which the source holds no record at all: an offline directory
   * without that ecosystem's data. Their packages were not checked, which is not "not vulnerable".
   */
  missingEcosystems?: string[];
}

/** Where vulnerability records come from: the OSV API, a directory of OSV files, OSV `all.zip` files. */
export interface VulnSource {
  /** For messages: `OSV API at https://api.osv.dev`, `OSV files in ./osv`. */
  readonly description: string;
  /** True when the source already matched versions (the OSV API): a record the matcher rejects is noted. */
  readonly matchesVersions?: boolean;
  lookup(queries: readonly VulnQuery[], signal?: AbortSignal): Promise<VulnLookup>;
  /**
   * Records by id, for the CVSS of a CVE that a distribution's record names in `upstream` (the CVE's own
   * record, a GHSA aliasing it). Called after `lookup`; ids the source does not know are left out.
   */
  recordsById?(ids: readonly string[], signal?: AbortSignal): Promise<OsvRecord[]>;
}

export type VulnSourceErrorCode = 'UNREACHABLE' | 'BAD_RESPONSE' | 'NO_DATA' | 'INVALID_SOURCE' | 'ABORTED';

/**
 * The vulnerability data could not be read. UNREACHABLE and BAD_RESPONSE are the API's fault, NO_DATA is data
 * that holds nothing for any ecosystem of the image (the policy's `on-unreachable` decides whether those fail
 * the check); INVALID_SOURCE is the user's (a wrong path).
 */
export class VulnSourceError extends ContainersecError {
  constructor(
    readonly sourceCode: VulnSourceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(sourceCode === 'INVALID_SOURCE' ? 'configuration' : 'platform', `VULN_${sourceCode}`, message, options);
  }
}

/** Counts of records the reader skipped, turned into one note per reason. */
export class SkipCounter {
  private readonly reasons = new Map<string, { count: number; example: string }>();

  add(reason: string, example: string): void {
    const entry = this.reasons.get(reason);
    if (entry) entry.count++;
    else this.reasons.set(reason, { count: 1, example });
  }

  get total(): number {
    let total = 0;
    for (const { count } of this.reasons.values()) total += count;
    return total;
  }

  notes(what: string): string[] {
    return [...this.reasons.entries()].map(
      ([reason, { count, example }]) => `${what}: skipped ${count} record(s): ${reason} (e.g. ${example})`,
    );
  }
}
