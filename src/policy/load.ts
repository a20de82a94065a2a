import { readFile, stat } from 'node:fs/promises';
import path, { isAbsolute } from 'node:path';
import { ConfigurationError } from '../core/errors.js';
import { decodeSourceText } from '../core/text.js';
import { localTargetPath, staysInsideRepository } from '../core/repo-path.js';
import { didYouMeanSentence } from '../core/did-you-mean.js';
import type { RuleRegistry } from '../core/rules.js';
import { documentToJS, firstYamlError, parseYaml } from '../core/yaml.js';
import type { ParsedYaml } from '../core/yaml.js';
import type { Document } from 'yaml';
import { mergePolicy } from './merge.js';
import { keyPosition, positionOf } from './positions.js';
import type { PolicyPath } from './positions.js';
import { defaultPolicy, isPresetName, PRESET_NAMES, PRESETS } from './presets.js';
import type { Policy, PolicyException } from './types.js';
import { validatePolicyData } from './validate.js';
import type { PolicyIssue } from './validate.js';
import { ruleExists } from './rule-ids.js';

export const POLICY_FILE_NAMES = ['.containersec.yml', '.containersec.yaml'];
/** A policy larger than this is not a policy. */
const MAX_POLICY_BYTES = 1024 * 1024;
const MAX_EXTENDS_DEPTH = 8;

export interface LoadedPolicy {
  policy: Policy;
  /** Human-readable notes ("no policy file found, using recommended"). */
  notices: string[];
}

export interface LoadPolicyOptions {
  /** Repository root; `extends:` paths must stay inside it. */
  root: string;
  /** Explicit policy file (`--policy`); it must exist. */
  file?: string;
  rules: RuleRegistry;
}

interface ParsedPolicyFile {
  file: string;
  display: string;
  parsed: ParsedYaml;
  doc: Document.Parsed;
  data: Record<string, unknown>;
}

function locationText(file: ParsedPolicyFile, issuePath: PolicyPath, atKey: boolean): string {
  const position = positionOf(file.parsed, file.doc, issuePath, atKey);
  return `${file.display}:${position.line}:${position.column}`;
}

function fail(file: ParsedPolicyFile, issues: PolicyIssue[]): never {
  const lines = issues.map((issue) => `${locationText(file, issue.path, issue.atKey)}: ${issue.message}`);
  throw new ConfigurationError(
    'POLICY_INVALID',
    `${lines.join('\n')}\nSee docs/policy.md for the policy reference, or run \`containersec init\` for a commented starter file.`,
  );
}

async function parsePolicyFile(file: string, root: string): Promise<ParsedPolicyFile> {
  const display = path.relative(root, file) || path.basename(file);
  let info;
  try {
    info = await stat(file);
  } catch {
    throw new ConfigurationError('POLICY_NOT_FOUND', `${display}: policy file not found.`);
  }
  if (!info.isFile()) throw new ConfigurationError('POLICY_NOT_FOUND', `${display}: not a regular file.`);
  const inRepository = !path.relative(root, path.resolve(file)).startsWith('..');
  if (inRepository && !staysInsideRepository(root, file)) {
    throw new ConfigurationError(
      'POLICY_INVALID',
      `${display}: is a symlink to a file outside the repository; the policy file must be part of the repository (or pass --policy with the path itself).`,
    );
  }
  if (info.size > MAX_POLICY_BYTES) {
    throw new ConfigurationError(
      'POLICY_TOO_LARGE',
      `${display}: ${info.size} bytes is too large for a policy file (limit ${MAX_POLICY_BYTES}).`,
    );
  }
  const text = decodeSourceText(await readFile(file));
  const parsed = parseYaml(text);
  const doc = parsed.documents[0];
  if (parsed.documents.length > 1) {
    const position = parsed.nodePosition(parsed.documents[1]?.contents) ?? { line: 1, column: 1 };
    throw new ConfigurationError(
      'POLICY_INVALID',
      `${display}:${position.line}:${position.column}: a policy file holds one YAML document; found a second one (remove the \`---\`).`,
    );
  }
  if (!doc || doc.contents === null) {
    throw new ConfigurationError(
      'POLICY_EMPTY',
      `${display}:1:1: the policy file is empty; expected a mapping with at least \`version: 1\`. Run \`containersec init\` to write a commented starter file.`,
    );
  }
  const syntax = firstYamlError(parsed, doc);
  if (syntax) {
    throw new ConfigurationError(
      'POLICY_SYNTAX',
      `${display}:${syntax.position.line}:${syntax.position.column}: YAML syntax error: ${syntax.message}`,
    );
  }
  let data: unknown;
  try {
    data = documentToJS(doc);
  } catch (error) {
    throw new ConfigurationError(
      'POLICY_SYNTAX',
      `${display}:1:1: ${(error as Error).message} (YAML aliases expand too much).`,
    );
  }
  const holder: ParsedPolicyFile = { file, display, parsed, doc, data: {} };
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    fail(holder, [
      {
        path: [],
        atKey: false,
        message: 'the policy must be a mapping of keys such as `version`, `checks` and `exceptions`.',
      },
    ]);
  }
  holder.data = data as Record<string, unknown>;
  return holder;
}

function isRealDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/** Checks the schema cannot express: real dates, known rule ids, compilable regexps. */
function semanticIssues(data: Record<string, unknown>, rules: RuleRegistry, root: string): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  const exceptions = Array.isArray(data.exceptions) ? (data.exceptions as Record<string, unknown>[]) : [];
  exceptions.forEach((exception, index) => {
    if (typeof exception.expires === 'string' && !isRealDate(exception.expires)) {
      issues.push({
        path: ['exceptions', index, 'expires'],
        atKey: false,
        message: `"${exception.expires}" is not a real date; expected YYYY-MM-DD, e.g. 2027-01-31.`,
      });
    }
    if (typeof exception.rule === 'string' && !ruleExists(rules, exception.rule)) {
      const known = rules.all().map((r) => r.id);
      issues.push({
        path: ['exceptions', index, 'rule'],
        atKey: false,
        message: `unknown rule id "${exception.rule}". Rule ids look like k8s/image-unpinned or vuln/CVE-2024-1234; \`containersec explain --list\` prints them all.${didYouMeanSentence(exception.rule, known)}`,
      });
    }
  });
  const checks = (data.checks ?? {}) as Record<string, Record<string, unknown> | undefined>;
  issues.push(...localPathIssues(checks.images, root));
  const requirements = Array.isArray(checks.signatures?.require)
    ? (checks.signatures.require as Record<string, unknown>[])
    : [];
  requirements.forEach((requirement, index) => {
    const keyless = (requirement.keyless ?? {}) as Record<string, unknown>;
    for (const key of ['issuer-regexp', 'subject-regexp']) {
      if (typeof keyless[key] !== 'string') continue;
      try {
        new RegExp(keyless[key]);
      } catch (error) {
        issues.push({
          path: ['checks', 'signatures', 'require', index, 'keyless', key],
          atKey: false,
          message: `not a valid regular expression: ${(error as Error).message}`,
        });
      }
    }
  });
  return issues;
}

function escapesRepository(root: string, relative: string): boolean {
  return isAbsolute(relative) || !staysInsideRepository(root, relative);
}

/**
 * The policy comes from the change under review, so the files it names must stay inside the repository: a
 * pull request must not point the gate at the runner's own files. Absolute paths belong on the command line
 * or in action inputs, which the pipeline owner controls.
 */
function localPathIssues(images: Record<string, unknown> | undefined, root: string): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  const outside = (where: PolicyPath, value: string) =>
    issues.push({
      path: where,
      atKey: false,
      message: `"${value}" is outside the repository; paths in the policy must stay inside it (give absolute paths with --image / --vuln-db or the action inputs instead).`,
    });
  const targets = Array.isArray(images?.targets) ? (images.targets as unknown[]) : [];
  targets.forEach((target, index) => {
    const path = typeof target === 'string' ? localTargetPath(target) : undefined;
    if (path !== undefined && escapesRepository(root, path))
      outside(['checks', 'images', 'targets', index], String(target));
  });
  const source = (images?.vulnerabilities as Record<string, unknown> | undefined)?.source;
  if (typeof source === 'string' && !source.startsWith('osv-api') && escapesRepository(root, source)) {
    outside(['checks', 'images', 'vulnerabilities', 'source'], source);
  }
  return issues;
}

function extendsList(data: Record<string, unknown>): string[] {
  const value = data.extends;
  if (value === undefined) return [];
  return Array.isArray(value) ? (value as string[]) : [value as string];
}

/** Resolves one file and everything it extends into a fragment, checking each file on the way. */
async function resolveFile(
  file: string,
  options: LoadPolicyOptions,
  chain: string[],
): Promise<{ fragment: Record<string, unknown>; top: ParsedPolicyFile }> {
  const parsedFile = await parsePolicyFile(file, options.root);
  const issues = [
    ...validatePolicyData(parsedFile.data),
    ...semanticIssues(parsedFile.data, options.rules, options.root),
  ];
  if (issues.length > 0) fail(parsedFile, issues);

  let fragment: Record<string, unknown> = {};
  const entries = extendsList(parsedFile.data);
  for (const [index, entry] of entries.entries()) {
    const where: PolicyPath = Array.isArray(parsedFile.data.extends) ? ['extends', index] : ['extends'];
    if (isPresetName(entry)) {
      fragment = mergePolicy(fragment, PRESETS[entry]);
      continue;
    }
    const looksLikePath = /[/\\.]/.test(entry);
    if (!looksLikePath) {
      fail(parsedFile, [
        {
          path: where,
          atKey: false,
          message: `unknown preset "${entry}"; expected one of: ${PRESET_NAMES.join(', ')}, or a path to a policy file.${didYouMeanSentence(entry, PRESET_NAMES)}`,
        },
      ]);
    }
    const target = path.resolve(path.dirname(file), entry);
    if (!staysInsideRepository(options.root, target)) {
      fail(parsedFile, [
        {
          path: where,
          atKey: false,
          message: `"${entry}" is outside the repository; \`extends:\` may only name files inside it.`,
        },
      ]);
    }
    if (chain.includes(target) || chain.length >= MAX_EXTENDS_DEPTH) {
      fail(parsedFile, [
        {
          path: where,
          atKey: false,
          message: `\`extends:\` cycle or chain deeper than ${MAX_EXTENDS_DEPTH}: ${[...chain, target].map((f) => path.relative(options.root, f)).join(' -> ')}`,
        },
      ]);
    }
    const inner = await resolveFile(target, options, [...chain, target]);
    fragment = mergePolicy(fragment, inner.fragment);
  }
  const own = { ...parsedFile.data };
  delete own.extends;
  delete own.$schema;
  // Exceptions add up along the `extends:` chain; everything else is overridden.
  const inherited = (fragment.exceptions ?? []) as PolicyException[];
  const ownExceptions = ((own.exceptions ?? []) as PolicyException[]).map((exception, index) => ({
    ...exception,
    source: {
      file: parsedFile.display,
      ...keyPosition(parsedFile.parsed, parsedFile.doc, ['exceptions', index], 'rule'),
    },
  }));
  fragment = mergePolicy(fragment, own);
  fragment.exceptions = [...inherited, ...ownExceptions];
  return { fragment, top: parsedFile };
}

async function findDefaultFile(root: string): Promise<string | undefined> {
  for (const name of POLICY_FILE_NAMES) {
    const candidate = path.join(root, name);
    try {
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // not there: try the next name
    }
  }
  return undefined;
}

/** Loads, validates and resolves the policy for a repository. Throws ConfigurationError with file:line:column. */
export async function loadPolicy(options: LoadPolicyOptions): Promise<LoadedPolicy> {
  const file = options.file ? path.resolve(options.file) : await findDefaultFile(options.root);
  if (!file) {
    return {
      policy: defaultPolicy(),
      notices: [
        `No .containersec.yml in ${options.root}; using the built-in "recommended" policy. Run \`containersec init\` to write one.`,
      ],
    };
  }
  const { fragment, top } = await resolveFile(file, options, [file]);
  const policy = mergePolicy(defaultPolicy(), fragment);
  policy.file = top.display;
  policy.extends = extendsList(top.data);
  return { policy, notices: [] };
}
