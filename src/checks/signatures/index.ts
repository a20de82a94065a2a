import { isAbsolute, resolve } from 'node:path';
import { minimatch } from 'minimatch';
import type { Check, CheckContext, CheckOutput } from '../../core/check.js';
import { errorMessage } from '../../core/errors.js';
import { isFileLocation, type Location, type RawFinding, type SkipInfo } from '../../core/finding.js';
import { MAX_FILE_BYTES, type FileTree } from '../../core/tree.js';
import type { RuleDefinition } from '../../core/rules.js';
import { DirectoryStore } from '../../oci/file-store.js';
import { formatImageReference, parseImageSource, type ImageReference } from '../../oci/reference.js';
import { RegistryClient } from '../../oci/registry.js';
import type { SignatureRequirement } from '../../policy/types.js';
import { findInlineIgnore, parseInlineIgnores, type InlineIgnore } from '../suppression.js';
import { predicateMatches, provenanceMismatch } from './attestations.js';
import { isBroken, type Candidate, type CandidateResult } from './candidates.js';
import { discoverSignatures } from './discover.js';
import type { SignatureErrorCode } from './errors.js';
import { expandGithubIdentity, identityPolicyErrors } from './identity.js';
import { loadPolicyKey } from './keys.js';
import { PUBLIC_GOOD_TRUSTED_ROOT } from './public-good-root.js';
import { collectReferences, expandVariables, type ReferenceSite } from './references.js';
import { resolveTarget, type ResolvedTarget } from './resolve.js';
import {
  digestMismatchRule,
  invalidSignatureRule,
  missingAttestationRule,
  provenanceMismatchRule,
  signatureRules,
  tagDigestDriftRule,
  unpinnedReferenceRule,
  unsignedRule,
  untimestampedRule,
  untrustedSignerRule,
} from './rules.js';
import { trustFromJson, verifyCandidate, type Authority, type Outcome, type Trust } from './verify.js';
import { decodeSourceText } from '../../core/text.js';

/** Bounds registry traffic per run. */
export const MAX_VERIFIED_IMAGES = 100;
export const MAX_TRUSTED_ROOT_BYTES = 1024 * 1024;
const GLOB = { dot: true, nocomment: true } as const;

const RULE_FOR_CODE: Record<SignatureErrorCode, RuleDefinition> = {
  DIGEST_MISMATCH: digestMismatchRule,
  SIGNATURE_INVALID: invalidSignatureRule,
  CERTIFICATE_INVALID: invalidSignatureRule,
  TLOG_INVALID: invalidSignatureRule,
  MALFORMED: invalidSignatureRule,
  UNTRUSTED_SIGNER: untrustedSignerRule,
  UNTIMESTAMPED: untimestampedRule,
};

/** One image to verify, with every place it is written. */
export interface Target {
  /** As written (variables expanded). */
  input: string;
  kind: 'registry' | 'oci';
  reference?: ImageReference;
  layout?: { path: string; tag?: string };
  /** Names the `require[].images` globs are matched against. */
  names: string[];
  sites: ReferenceSite[];
}

export interface Problem {
  rule: RuleDefinition;
  message: string;
  origin?: string;
}

interface LoadedRequirement {
  index: number;
  requirement: SignatureRequirement;
  authorities: Authority[];
}

/** A target from the policy, the command line, or a file; undefined when it is not an image we can name. */
export function toTarget(input: string, site?: ReferenceSite): Target | undefined {
  let source;
  try {
    source = parseImageSource(input);
  } catch {
    return undefined;
  }
  if (source.kind === 'registry') {
    const reference = source.reference;
    return {
      input,
      kind: 'registry',
      reference,
      names: [`${reference.registry}/${reference.repository}`, formatImageReference(reference), input],
      sites: site ? [site] : [],
    };
  }
  if (source.kind === 'oci') {
    return {
      input,
      kind: 'oci',
      layout: { path: source.path, ...(source.tag !== undefined ? { tag: source.tag } : {}) },
      names: [input, `oci:${source.path}`],
      sites: site ? [site] : [],
    };
  }
  return undefined;
}

export function requirementsFor<T extends { requirement: SignatureRequirement }>(
  target: Target,
  requirements: T[],
): T[] {
  return requirements.filter((r) => target.names.some((name) => minimatch(name, r.requirement.images, GLOB)));
}

function targetKey(target: Target): string {
  return target.reference ? formatImageReference(target.reference) : target.input;
}

function locations(target: Target): Location[] {
  if (target.sites.length === 0) return [{ image: target.input }];
  return target.sites.map((site) => ({ path: site.path, startLine: site.line, startColumn: site.column }));
}

function finding(rule: RuleDefinition, location: Location, message: string, key: string, fix?: string): RawFinding {
  return {
    ruleId: rule.id,
    severity: rule.severity,
    title: rule.title,
    message,
    location,
    key,
    ...(fix ? { fix } : {}),
  };
}

function unpinnedFindings(target: Target, digest?: string): RawFinding[] {
  if (target.kind !== 'registry' || target.reference?.digest !== undefined) return [];
  const reference = target.reference!;
  const pinned = `${reference.registry}/${reference.repository}${reference.tag ? `:${reference.tag}` : ''}@${digest ?? 'sha256:<digest>'}`;
  return locations(target).map((location) =>
    finding(
      unpinnedReferenceRule,
      location,
      `${target.input} is not pinned by digest: what is verified now is whatever the tag points to, and the tag can be moved to another image afterwards.`,
      target.input,
      `Pin it: ${pinned}`,
    ),
  );
}

async function loadTrust(context: CheckContext): Promise<Trust> {
  const path = context.policy.checks.signatures['trusted-root'];
  if (path === undefined) return trustFromJson(PUBLIC_GOOD_TRUSTED_ROOT, 'Sigstore public-good (embedded)');
  const bytes = await context.tree.read(path.replace(/^\.\//, ''), MAX_TRUSTED_ROOT_BYTES);
  if (bytes === undefined) throw new Error(`signatures.trusted-root ${path} was not found in the repository`);
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new Error(`signatures.trusted-root ${path} is not JSON: ${errorMessage(error)}`);
  }
  return trustFromJson(json, path, true);
}

async function loadRequirements(context: CheckContext, errors: string[]): Promise<LoadedRequirement[]> {
  const loaded: LoadedRequirement[] = [];
  for (const [index, requirement] of context.policy.checks.signatures.require.entries()) {
    const where = `signatures.require[${index}] (${requirement.images})`;
    const authorities: Authority[] = [];
    if (requirement.key === undefined && requirement.keyless === undefined) {
      errors.push(`${where} names neither \`key\` nor \`keyless\`: say who must have signed`);
      continue;
    }
    if (requirement.key !== undefined) {
      try {
        authorities.push({ kind: 'key', ...(await loadPolicyKey(requirement.key, context.tree)) });
      } catch (error) {
        errors.push(`${where}: ${errorMessage(error)}`);
        continue;
      }
    }
    if (requirement.keyless !== undefined) {
      const identity = expandGithubIdentity(requirement.keyless);
      const problems = identityPolicyErrors(identity);
      if (problems.length > 0) {
        errors.push(...problems.map((p) => `${where}: ${p}`));
        continue;
      }
      authorities.push({ kind: 'keyless', identity });
    }
    loaded.push({ index, requirement, authorities });
  }
  return loaded;
}

/** Of several authorities' verdicts on one artefact, the most telling failure (a broken signature beats a stranger's). */
function bestFailure(outcomes: Outcome[]): Extract<Outcome, { ok: false }> | undefined {
  const failures = outcomes.filter((o): o is Extract<Outcome, { ok: false }> => !o.ok);
  return failures.find((f) => f.code !== 'UNTRUSTED_SIGNER') ?? failures[0];
}

function verifyAll(
  candidates: Candidate[],
  authorities: Authority[],
  trust: Trust,
  digest: string,
): { verified?: { candidate: Candidate; outcome: Extract<Outcome, { ok: true }> }; problems: Problem[] } {
  const problems: Problem[] = [];
  for (const candidate of candidates) {
    const outcomes = authorities.map((authority) => verifyCandidate(candidate, authority, trust, digest));
    const ok = outcomes.find((o): o is Extract<Outcome, { ok: true }> => o.ok);
    if (ok) return { verified: { candidate, outcome: ok }, problems: [] };
    const failure = bestFailure(outcomes);
    if (failure)
      problems.push({ rule: RULE_FOR_CODE[failure.code], message: failure.message, origin: candidate.origin });
  }
  return { problems };
}

/** Checks one requirement against what is attached to the image: problems, and who signed for the notes. */
export function evaluateRequirement(
  loaded: Pick<LoadedRequirement, 'requirement' | 'authorities'>,
  candidates: CandidateResult[],
  ignored: string[],
  trust: Trust,
  digest: string,
): { problems: Problem[]; signers: string[] } {
  const problems: Problem[] = [];
  const signers: string[] = [];
  const usable = candidates.filter((c): c is Candidate => !isBroken(c));
  const broken = candidates.filter(isBroken);
  const signatures = usable.filter((c) => c.purpose === 'signature');
  const signed = verifyAll(signatures, loaded.authorities, trust, digest);
  if (signed.verified) {
    const { candidate, outcome } = signed.verified;
    signers.push(
      `signed by ${outcome.signer.description}${outcome.signer.signedAt ? ` at ${outcome.signer.signedAt}` : ''} (${candidate.origin})`,
    );
  } else if (signatures.length === 0 && broken.length === 0) {
    const extra = [
      ignored.length > 0 ? `ignored, not signatures: ${ignored.slice(0, 3).join('; ')}` : '',
      usable.length > 0
        ? `${usable.length} attestation(s) are attached, but an attestation is not an image signature`
        : '',
    ].filter(Boolean);
    problems.push({
      rule: unsignedRule,
      message: `${digest} has no signature (no cosign .sig tag, no Sigstore bundle referrer)${extra.length > 0 ? `; ${extra.join('; ')}` : ''}.`,
    });
  } else {
    problems.push(...signed.problems);
    for (const b of broken)
      problems.push({ rule: invalidSignatureRule, message: `${b.error.code}: ${b.error.message}`, origin: b.origin });
  }
  for (const wanted of loaded.requirement.attestations ?? []) {
    const matching = usable.filter(
      (c) => c.purpose === 'attestation' && c.statement && predicateMatches(wanted.type, c.statement.predicateType),
    );
    if (matching.length === 0) {
      const types = [...new Set(usable.flatMap((c) => (c.statement ? [c.statement.predicateType] : [])))];
      problems.push({
        rule: missingAttestationRule,
        message: `${digest} has no ${wanted.type} attestation${types.length > 0 ? ` (attached predicate types: ${types.slice(0, 5).join(', ')})` : ''}.`,
        origin: wanted.type,
      });
      continue;
    }
    const attested = verifyAll(matching, loaded.authorities, trust, digest);
    if (!attested.verified) {
      problems.push(...attested.problems);
      continue;
    }
    const { candidate, outcome } = attested.verified;
    signers.push(
      `${candidate.statement!.predicateType} attested by ${outcome.signer.description} (${candidate.origin})`,
    );
    const mismatch = provenanceMismatch(candidate.statement!, wanted);
    if (mismatch !== undefined) {
      problems.push({ rule: provenanceMismatchRule, message: `${candidate.origin}: ${mismatch}`, origin: wanted.type });
    }
  }
  const seen = new Set<string>();
  return {
    problems: problems.filter((p) => {
      const id = `${p.rule.id}\u0000${p.message}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    }),
    signers,
  };
}

function gatherTargets(context: CheckContext, sites: ReferenceSite[], notes: string[]): Map<string, Target> {
  const targets = new Map<string, Target>();
  const add = (target: Target): void => {
    const key = targetKey(target);
    const existing = targets.get(key);
    if (existing) existing.sites.push(...target.sites);
    else targets.set(key, target);
  };
  for (const raw of [...context.policy.checks.images.targets, ...context.images]) {
    const input = expandVariables(raw, context.env);
    if (input === undefined) {
      notes.push(`Image target ${raw} was skipped: a variable in it is not set in this job.`);
      continue;
    }
    const target = toTarget(input);
    if (target) add(target);
    else notes.push(`Image target ${input} is not a registry reference or an oci: layout; it cannot carry signatures.`);
  }
  let unnamed = 0;
  for (const site of sites) {
    const target = toTarget(site.reference, site);
    if (target?.kind === 'registry') add(target);
    else unnamed++;
  }
  if (unnamed > 0)
    notes.push(`${unnamed} image reference(s) in files use variables or templates and were not checked.`);
  return targets;
}

async function verifyTarget(
  target: Target,
  requirements: LoadedRequirement[],
  trust: Trust,
  context: CheckContext,
  output: { findings: RawFinding[]; notes: string[] },
): Promise<ResolvedTarget> {
  const resolved = await resolveTarget(target, {
    client: (registry) =>
      new RegistryClient(registry, {
        env: context.env,
        insecureRegistries: context.policy.checks.images['insecure-registries'],
        signal: context.signal,
      }),
    // Relative layout paths resolve against the checked repository, as in the images check.
    layoutStore: (path) => DirectoryStore.open(isAbsolute(path) ? path : resolve(context.root, path), 'OCI layout'),
  });
  try {
    const drift = resolved.drift;
    if (drift) {
      const reference = target.reference!;
      const fix = drift.current
        ? `After checking that image, re-pin: ${reference.registry}/${reference.repository}:${reference.tag}@${drift.current}`
        : undefined;
      for (const location of locations(target)) {
        output.findings.push(finding(tagDigestDriftRule, location, drift.message, target.input, fix));
      }
    }
    const discovered = await discoverSignatures(resolved.store, resolved.digest, resolved.manifestBytes);
    for (const loaded of requirements) {
      const { problems, signers } = evaluateRequirement(
        loaded,
        discovered.candidates,
        discovered.ignored,
        trust,
        resolved.digest,
      );
      for (const signer of signers) output.notes.push(`${target.input}@${resolved.digest}: ${signer}.`);
      for (const problem of problems) {
        for (const location of locations(target)) {
          const raw = finding(
            problem.rule,
            location,
            `${target.input}: ${problem.message}`,
            `${target.input}|${loaded.requirement.images}|${problem.origin ?? ''}`,
          );
          // `mode: warn` reports a requirement while it is being rolled out, without blocking on it.
          output.findings.push(loaded.requirement.mode === 'warn' ? { ...raw, warnOnly: true } : raw);
        }
      }
    }
    return resolved;
  } finally {
    await resolved.close();
  }
}

/** `# containersec:ignore sig/<rule> <reason>` on the reference's line or the line above suppresses it. */
async function applyInlineIgnores(findings: RawFinding[], tree: FileTree): Promise<RawFinding[]> {
  const ignoresByPath = new Map<string, InlineIgnore[]>();
  const out: RawFinding[] = [];
  for (const f of findings) {
    if (!isFileLocation(f.location)) {
      out.push(f);
      continue;
    }
    const path = f.location.path;
    let ignores = ignoresByPath.get(path);
    if (ignores === undefined) {
      const bytes = await tree.read(path, MAX_FILE_BYTES);
      ignores = bytes === undefined ? [] : parseInlineIgnores(decodeSourceText(bytes));
      ignoresByPath.set(path, ignores);
    }
    const ignore = findInlineIgnore(ignores, f.ruleId, f.location.startLine);
    out.push(ignore?.reason ? { ...f, suppressed: { reason: ignore.reason } } : f);
  }
  return out;
}

export async function runSignatures(context: CheckContext): Promise<CheckOutput> {
  const output = await collectFindings(context);
  return { ...output, findings: await applyInlineIgnores(output.findings, context.tree) };
}

async function collectFindings(context: CheckContext): Promise<CheckOutput> {
  const policy = context.policy.checks.signatures;
  const findings: RawFinding[] = [];
  const errors: string[] = [];
  const notes: string[] = [];
  const requirementGlobs = policy.require.map((requirement) => ({ requirement }));
  const collected =
    requirementGlobs.length > 0 ? await collectReferences(context.tree, policy.paths) : { sites: [], notes: [] };
  notes.push(...collected.notes);
  const targets = [...gatherTargets(context, collected.sites, notes).values()].filter(
    (target) => requirementsFor(target, requirementGlobs).length > 0,
  );
  const unpinnedAt = new Map<Target, number>();
  for (const target of targets) {
    unpinnedAt.set(target, findings.length);
    findings.push(...unpinnedFindings(target));
  }
  // The base revision only contributes fingerprints of file findings; nothing is fetched for it.
  if (context.isBase) return { findings: findings.filter((f) => !('image' in f.location)) };

  let trust: Trust;
  try {
    trust = await loadTrust(context);
  } catch (error) {
    return { findings, errors: [errorMessage(error)], notes };
  }
  const requirements = await loadRequirements(context, errors);
  let verified = 0;
  for (const target of targets) {
    const applicable = requirementsFor(target, requirements);
    if (applicable.length === 0) continue;
    if (
      context.changedPaths &&
      target.sites.length > 0 &&
      !target.sites.some((s) => context.changedPaths!.has(s.path))
    ) {
      continue; // only references the change touches are verified; pinning is still reported everywhere
    }
    if (verified++ >= MAX_VERIFIED_IMAGES) {
      errors.push(`More than ${MAX_VERIFIED_IMAGES} images to verify; the rest were not checked.`);
      break;
    }
    try {
      const resolved = await verifyTarget(target, applicable, trust, context, { findings, notes });
      const start = unpinnedAt.get(target)!;
      for (const f of findings.slice(start)) {
        if (f.ruleId === unpinnedReferenceRule.id && f.key === target.input && f.fix?.includes('<digest>')) {
          f.fix = f.fix.replace('sha256:<digest>', resolved.digest);
        }
      }
    } catch (error) {
      errors.push(`${target.input}: ${errorMessage(error)}`);
    }
  }
  if (targets.length === 0) return { findings, errors, notes, skipped: nothingToVerify(policy.require.length) };
  return { findings, errors, notes };
}

/** Without a `require:` rule, or with none that names an image in sight, the check verified nothing. */
function nothingToVerify(requirements: number): SkipInfo {
  return requirements === 0
    ? {
        label: 'not configured',
        reason: 'no signatures.require rule, so no image has to be signed.',
        hint: 'add checks.signatures.require with the images and who must sign them (see docs/policy.md).',
      }
    : {
        label: 'nothing to verify',
        reason: 'no image matched a signatures.require rule.',
        hint: 'compare the require[].images globs with the image targets and the references under checks.signatures.paths.',
      };
}

export const signaturesCheck: Check = {
  id: 'signatures',
  title: 'Signatures',
  fileBased: true,
  rules: signatureRules,
  run: runSignatures,
};
