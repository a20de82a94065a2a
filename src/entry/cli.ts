import { access, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ruleRegistry } from '../checks/index.js';
import type { Logger } from '../core/check.js';
import { ConfigurationError, ContainersecError, EXIT, errorMessage } from '../core/errors.js';
import { didYouMeanSentence } from '../core/did-you-mean.js';
import { ruleMarkdown } from '../docs/rule-doc.js';
import { FORMATS } from '../app/formats.js';
import type { Format } from '../app/formats.js';
import { runPipeline } from '../app/pipeline.js';
import { defaultPublishTarget, selectPlatform } from '../app/select-platform.js';
import type { PlatformOptions } from '../app/select-platform.js';
import { STARTER_POLICY } from '../policy/starter.js';
import type { ReportModel } from '../report/model.js';
import { chooseStyle } from '../report/text.js';
import { SBOM_FORMATS, catalogSubject, renderSbom, type SbomFormat } from '../sbom/index.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { parseCommand } from './args.js';
import { isNamedVulnSource } from '../vulns/sources/index.js';

export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** The HTTP client for publishing (tests may swap it); Node's fetch by default. */
  fetch?: PlatformOptions['fetch'];
  /** Waits between API retries (tests pass one that does not sleep). */
  sleep?: PlatformOptions['sleep'];
}

const AVAILABLE_FORMATS: Format[] = [...FORMATS];
/** The CLI publishes to GitLab (the component runs it); GitHub publishing is the action's. */
const CLI_PUBLISH_TARGETS = ['gitlab', 'none'] as const;
const COMMENT_MODES = ['update', 'new', 'off'] as const;
const ON_ERROR = ['fail', 'warn'] as const;

const CHECK_USAGE = `Usage: containersec check [DIR] [options]   run the gate on a checkout (default: .)
      --policy FILE                 policy file (default DIR/.containersec.yml, else the built-in recommended policy)
      --only LIST                   comma list of: hardening,images,manifests,signatures
      --image REF                   image to scan (repeatable): oci:PATH[:TAG] docker-archive:PATH oci-archive:PATH
                                    dir:PATH sbom:PATH or REGISTRY/REPO[:TAG][@sha256:...], or a scanner's
                                    report to gate instead of scanning: trivy:REPORT.json grype:REPORT.json
      --vuln-db SRC                 osv-api | osv-api:URL | osv-download | osv-download:URL | PATH
      --image-list LIST             images as a JSON array or a comma/newline list (for CI inputs)
      --base REF                    git revision to compare with, for "new in this change"
                                    (default in a GitLab merge-request pipeline: CI_MERGE_REQUEST_DIFF_BASE_SHA)
      --baseline FILE               a previous --format json report: image and signature findings in it are not new
      --on-error fail|warn          override the policy's on-error for every check
      --format FORMAT               text | json | sarif | markdown | gitlab | codequality (default text)
      --output FILE | FORMAT=FILE   write the report to a file (repeatable as FORMAT=FILE); the one-line
                                    verdict still goes to stdout
      --publish gitlab|none         post the MR note and commit status (default: gitlab when GITLAB_CI=true)
      --publish-timeout SECONDS     time publishing may take in all, retries included (default 45;
                                    env CONTAINERSEC_PUBLISH_TIMEOUT)
      --comment update|new|off      override the policy's report.comment
      --status-name NAME            commit status name (default containersec, or CONTAINERSEC_STATUS_NAME)
      --debug                       print stack traces for internal errors`;
const SBOM_USAGE = `Usage: containersec sbom REF [options]     write the SBOM of an image (REF as for check --image)
      --format cyclonedx|spdx|json  (default cyclonedx)
      --output FILE                 write it to a file instead of stdout
      --platform OS/ARCH            which image of a multi-platform index (default linux/amd64)
      --debug                       print what was cataloged and stack traces for internal errors`;
const INIT_USAGE = `Usage: containersec init [DIR] [--force]  write a commented starter .containersec.yml
      --force                       overwrite an existing .containersec.yml`;
const EXPLAIN_USAGE = `Usage: containersec explain RULE_ID        what a rule checks, why, how to fix, how to except it
       containersec explain --list        every rule id`;
const EXIT_CODES = 'Exit codes: 0 passed (warnings allowed), 1 blocked, 2 usage or policy error, 3 internal error.';

const COMMAND_USAGE: Record<string, string> = {
  check: `${CHECK_USAGE}\n\n${EXIT_CODES}`,
  sbom: SBOM_USAGE,
  init: INIT_USAGE,
  explain: EXPLAIN_USAGE,
};
const COMMANDS = Object.keys(COMMAND_USAGE);

const USAGE = `Usage:
${[CHECK_USAGE, SBOM_USAGE, INIT_USAGE, EXPLAIN_USAGE].map((u) => u.replace(/^Usage: /, '  ').replace(/^ {7}containersec/gm, '  containersec')).join('\n')}
  containersec COMMAND --help       the usage of one command

${EXIT_CODES}`;

function usageError(message: string): ConfigurationError {
  return new ConfigurationError('USAGE', `${message}\n\n${USAGE}`);
}

function parseFormat(value: string, flag: string): Format {
  if (!(FORMATS as readonly string[]).includes(value)) {
    throw usageError(
      `${flag}: unknown format "${value}"; expected one of: ${AVAILABLE_FORMATS.join(', ')}.${didYouMeanSentence(value, FORMATS)}`,
    );
  }
  if (!AVAILABLE_FORMATS.includes(value as Format)) {
    throw new ConfigurationError(
      'USAGE',
      `${flag}: the ${value} format is not available in this build of containersec; use one of: ${AVAILABLE_FORMATS.join(', ')}.`,
    );
  }
  return value as Format;
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw usageError(
      `${flag}: "${value}" is not one of: ${allowed.join(', ')}.${didYouMeanSentence(value, [...allowed])}`,
    );
  }
  return value as T;
}

/** `--image-list`: a JSON array of strings (a GitLab `type: array` input renders as one), or a comma/newline list. */
export function parseImageList(value: string): string[] {
  const trimmed = value.trim();
  if (trimmed === '') return [];
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw usageError(`--image-list: "${trimmed.slice(0, 100)}" is not a JSON array of image references.`);
    }
    if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string'))
      throw usageError('--image-list: expected a JSON array of strings, e.g. ["registry.example.com/app:1.0"].');
    return parsed.map((item) => item.trim()).filter(Boolean);
  }
  return trimmed
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter(Boolean);
}

function makeLogger(io: CliIo, debug: boolean): Logger {
  return {
    info: (m) => io.stderr.write(`${m}\n`),
    warn: (m) => io.stderr.write(`warning: ${m}\n`),
    debug: (m) => (debug ? io.stderr.write(`debug: ${m}\n`) : undefined),
  };
}

async function check(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand('check', args, {
    policy: { type: 'string' },
    only: { type: 'string', multiple: true },
    image: { type: 'string', multiple: true },
    'image-list': { type: 'string' },
    'vuln-db': { type: 'string' },
    base: { type: 'string' },
    baseline: { type: 'string' },
    'on-error': { type: 'string' },
    format: { type: 'string', default: 'text' },
    output: { type: 'string', multiple: true },
    publish: { type: 'string' },
    comment: { type: 'string' },
    'status-name': { type: 'string' },
    'publish-timeout': { type: 'string' },
    debug: { type: 'boolean', default: false },
  });
  if (parsed === 'help') return printUsage('check', io);
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw usageError(`check takes one directory, got: ${positionals.join(' ')}`);
  const format = parseFormat(values.format, '--format');
  const outputs: { format: Format; file: string }[] = [];
  for (const output of values.output ?? []) {
    const match = /^([a-z]+)=(.+)$/.exec(output);
    if (match && (FORMATS as readonly string[]).includes(match[1]!))
      outputs.push({ format: parseFormat(match[1]!, '--output'), file: match[2]! });
    else outputs.push({ format, file: output });
  }
  const publish = oneOf(values.publish, CLI_PUBLISH_TARGETS, '--publish') ?? defaultPublishTarget(io.env);
  const comment = oneOf(values.comment, COMMENT_MODES, '--comment');
  const onError = oneOf(values['on-error'], ON_ERROR, '--on-error');
  const publishTimeout = values['publish-timeout'] ?? io.env.CONTAINERSEC_PUBLISH_TIMEOUT;
  if (publishTimeout !== undefined && publishTimeout !== '' && !(Number(publishTimeout) > 0))
    throw usageError(`--publish-timeout (CONTAINERSEC_PUBLISH_TIMEOUT) must be seconds > 0, got: ${publishTimeout}`);
  const images = [...(values.image ?? []), ...parseImageList(values['image-list'] ?? '')];
  const dir = path.resolve(io.cwd, positionals[0] ?? '.');
  const log = makeLogger(io, values.debug);
  const platform = selectPlatform(publish, {
    env: io.env,
    log,
    ...(io.fetch ? { fetch: io.fetch } : {}),
    ...(io.sleep ? { sleep: io.sleep } : {}),
  });
  const artifacts = outputs.map((o) => ({ format: o.format, file: path.resolve(io.cwd, o.file) }));
  const result = await runPipeline({
    platform,
    dir,
    dirLabel: positionals[0] ?? '.',
    policyFile: values.policy ? path.resolve(io.cwd, values.policy) : undefined,
    only: values.only,
    images,
    vulnDb: vulnDbFromCli(values['vuln-db'], io.cwd),
    ...(values.base !== undefined ? { base: values.base, baseGiven: true } : {}),
    ...(values.baseline ? { baseline: path.resolve(io.cwd, values.baseline) } : {}),
    onError,
    ...(comment ? { comment } : {}),
    ...(values['status-name'] ? { statusName: values['status-name'] } : {}),
    ...(publishTimeout ? { publishTimeoutSeconds: Number(publishTimeout) } : {}),
    artifacts,
    env: io.env,
    log,
  });
  const line = verdictLine(
    result.model,
    outputs.map((o) => o.file),
  );
  if (!outputs.some((o) => o.format === format && values.output?.includes(o.file))) {
    io.stdout.write(result.render(format, { style: chooseStyle(io.stdout, io.env) }));
    // A machine-readable report on stdout stays clean; the one-line verdict goes beside it.
    if (format !== 'text') io.stderr.write(line);
  } else {
    io.stdout.write(line);
  }
  return result.exitCode;
}

/** `containersec: FAIL  Blocked: … 55 finding(s): 17 blocking, 53 new, 2 excepted.` and where the reports went. */
function verdictLine(model: ReportModel, files: string[]): string {
  const c = model.counts;
  const written = files.length > 0 ? ` Report written to ${files.join(', ')}.` : '';
  return `${TOOL_NAME}: ${model.verdict.toUpperCase()}  ${model.headline} ${c.total} finding(s): ${c.blocking} blocking, ${c.new} new, ${c.excepted} excepted.${written}\n`;
}

/** A `--vuln-db` path is relative to where the user typed it; the policy's `source` is relative to the repository. */
function vulnDbFromCli(value: string | undefined, cwd: string): string | undefined {
  if (value === undefined || isNamedVulnSource(value)) return value;
  return path.resolve(cwd, value);
}

async function init(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand('init', args, { force: { type: 'boolean', default: false } });
  if (parsed === 'help') return printUsage('init', io);
  const { values, positionals } = parsed;
  const file = path.join(path.resolve(io.cwd, positionals[0] ?? '.'), '.containersec.yml');
  const exists = await access(file).then(
    () => true,
    () => false,
  );
  if (exists && !values.force)
    throw new ConfigurationError('USAGE', `${file} already exists; pass --force to overwrite it.`);
  await writeFile(file, STARTER_POLICY);
  io.stdout.write(`Wrote ${file}. Edit it, then run \`containersec check\`.\n`);
  return EXIT.pass;
}

function explain(args: string[], io: CliIo): number {
  const parsed = parseCommand('explain', args, { list: { type: 'boolean', default: false } });
  if (parsed === 'help') return printUsage('explain', io);
  const { values, positionals } = parsed;
  const rules = ruleRegistry();
  if (values.list) {
    for (const rule of rules.all()) io.stdout.write(`${rule.id.padEnd(44)} ${rule.severity.padEnd(9)} ${rule.title}\n`);
    return EXIT.pass;
  }
  const id = positionals[0];
  if (!id) throw usageError('explain needs a rule id, e.g. `containersec explain manifests/parse-error`, or --list.');
  const rule = rules.get(id);
  if (!rule) {
    throw new ConfigurationError(
      'UNKNOWN_RULE',
      `unknown rule id "${id}".${didYouMeanSentence(
        id,
        rules.all().map((r) => r.id),
      )} \`containersec explain --list\` prints every rule.`,
    );
  }
  io.stdout.write(ruleMarkdown(rule));
  return EXIT.pass;
}

async function sbom(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand('sbom', args, {
    format: { type: 'string', default: 'cyclonedx' },
    output: { type: 'string' },
    platform: { type: 'string' },
    debug: { type: 'boolean', default: false },
  });
  if (parsed === 'help') return printUsage('sbom', io);
  const { values, positionals } = parsed;
  if (positionals.length !== 1)
    throw usageError('sbom takes one image reference, e.g. `containersec sbom oci:./layout`.');
  const format = values.format ?? 'cyclonedx';
  if (!(SBOM_FORMATS as readonly string[]).includes(format)) {
    throw usageError(
      `--format: unknown SBOM format "${format}"; expected one of: ${SBOM_FORMATS.join(', ')}.${didYouMeanSentence(format, SBOM_FORMATS)}`,
    );
  }
  const subject = await catalogSubject(positionals[0]!, {
    cwd: io.cwd,
    env: io.env,
    ...(values.platform ? { platform: values.platform } : {}),
  });
  for (const note of subject.notes) if (values.debug) io.stderr.write(`note: ${note}\n`);
  for (const error of subject.errors) io.stderr.write(`${TOOL_NAME}: ${error} (the SBOM is incomplete)\n`);
  const text = `${renderSbom(subject, format as SbomFormat, new Date())}\n`;
  if (values.output) {
    const file = path.resolve(io.cwd, values.output);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
  } else io.stdout.write(text);
  return subject.errors.length > 0 ? EXIT.internal : EXIT.pass;
}

/** The CLI: returns the exit code; never throws. User errors get a message, internal errors a stack only with --debug. */
export async function cli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  const debug = rest.includes('--debug');
  try {
    switch (command) {
      case 'check':
        return await check(rest, io);
      case 'init':
        return await init(rest, io);
      case 'explain':
        return explain(rest, io);
      case 'sbom':
        return await sbom(rest, io);
      case '--version':
      case '-v':
        io.stdout.write(`${TOOL_VERSION}\n`);
        return EXIT.pass;
      case 'help':
        if (rest[0] !== undefined && COMMAND_USAGE[rest[0]]) return printUsage(rest[0], io);
        io.stdout.write(`${USAGE}\n`);
        return EXIT.pass;
      case undefined:
      case '--help':
      case '-h':
        io.stdout.write(`${USAGE}\n`);
        return command === undefined ? EXIT.usage : EXIT.pass;
      default:
        throw usageError(`unknown command "${command}".${didYouMeanSentence(command, COMMANDS)}`);
    }
  } catch (error) {
    return reportError(error, io, debug);
  }
}

function printUsage(command: string, io: CliIo): number {
  io.stdout.write(`${COMMAND_USAGE[command]}\n`);
  return EXIT.pass;
}

function reportError(error: unknown, io: CliIo, debug: boolean): number {
  if (error instanceof ContainersecError && error.kind !== 'internal') {
    io.stderr.write(`${TOOL_NAME}: ${error.message}\n`);
    return error.kind === 'configuration' ? EXIT.usage : EXIT.internal;
  }
  // parseCommand reports bad flags itself; this only catches a case it does not know yet.
  if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    io.stderr.write(`${TOOL_NAME}: cannot read the command line (${errorMessage(error)}).\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  io.stderr.write(`${TOOL_NAME}: internal error: ${errorMessage(error)}\n`);
  if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  else io.stderr.write('Run again with --debug for details, and please report it.\n');
  return EXIT.internal;
}
