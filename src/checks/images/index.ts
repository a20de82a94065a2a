import { isAbsolute, resolve } from 'node:path';
import { minimatch } from 'minimatch';
import type { Check, CheckContext, CheckOutput } from '../../core/check.js';
import { errorMessage } from '../../core/errors.js';
import { localTargetPath, staysInsideRepository } from '../../core/repo-path.js';
import type { RawFinding } from '../../core/finding.js';
import { catalogImage, type FileRequest, type ImageCatalog, type LayerSource } from '../../images/index.js';
import { openImage, type OpenImageOptions, type OpenedImage } from '../../oci/image.js';
import { parseImageSource } from '../../oci/reference.js';
import { todayUtc } from '../../policy/exceptions.js';
import type { ImagesPolicy } from '../../policy/types.js';
import { openVulnSource, VulnSourceError, type OsvApiOptions, type VulnSource } from '../../vulns/sources/index.js';
import { configFindings } from './config-findings.js';
import { directoryLayer } from './dir-source.js';
import { osEndOfLife, runtimeEndOfLife, unknownEolCycles, type EolHit } from './eol.js';
import { fileFindings } from './file-findings.js';
import { importScannerReport, type ScannerReportKind } from './import-report.js';
import { IMAGES_RULES } from './rules.js';
import { readSbom } from './sbom-input.js';
import { secretScanner, type SecretFile } from './secrets.js';
import { expandTarget, imageLabel } from './targets.js';
import { parseVexDocument, type VexStatement } from './vex.js';
import { scanVulnerabilities, type ScannedPackage } from './vulnerabilities.js';

export interface ImagesCheckOptions {
  /** Today as YYYY-MM-DD, for end-of-life dates (tests pin it). */
  today?: () => string;
  /** Test seams for the OSV API client (fetch, sleep, cache directory). */
  osvApi?: Omit<OsvApiOptions, 'baseUrl'>;
  /** Test seam: the registry client's fetch and retry tuning. */
  registry?: OpenImageOptions['registry'];
}

interface TargetOutput {
  findings: RawFinding[];
  errors: string[];
  /** What was not checked although the policy lets the check go on (`on-unreachable: warn`). */
  warnings: string[];
  notes: string[];
}

interface RunState {
  context: CheckContext;
  policy: ImagesPolicy;
  root: string;
  today: string;
  vex: VexStatement[];
  source: () => VulnSource;
  options: ImagesCheckOptions;
}

/**
 * A policy target's local path, once `${VAR}`s are expanded and symlinks followed, must stay inside the
 * repository: the policy comes from the change under review (`dir:${HOME}` or a committed symlink would
 * point the scan, and its findings, at the runner's own files). `--image` paths are the pipeline's and free.
 */
function policyTargetEscapes(ref: string, root: string): boolean {
  const local = localTargetPath(ref);
  return local !== undefined && (isAbsolute(local) || !staysInsideRepository(root, local));
}

function outsideRepository(target: string, expanded: string): string {
  const shown = target === expanded ? `"${target}"` : `"${target}" (expanded to "${expanded}")`;
  return `image target ${shown} is outside the repository; paths in the policy must stay inside it, symlinks included (pass other paths with --image or the action's images input)`;
}

async function loadVex(
  context: CheckContext,
  patterns: readonly string[],
): Promise<{ statements: VexStatement[]; notes: string[] }> {
  if (patterns.length === 0) return { statements: [], notes: [] };
  const files = (await context.tree.list()).filter((path) => patterns.some((p) => minimatch(path, p, { dot: true })));
  const statements: VexStatement[] = [];
  const notes: string[] = [];
  if (files.length === 0)
    notes.push(
      `vulnerabilities.vex: no file matches ${patterns.join(', ')}; no VEX statement was applied (check the pattern, paths are relative to the repository root)`,
    );
  for (const path of files) {
    const bytes = await context.tree.read(path);
    if (!bytes) {
      notes.push(`${path}: VEX document could not be read (missing or too large)`);
      continue;
    }
    const parsed = parseVexDocument(bytes.toString('utf8'), path);
    statements.push(...parsed.statements);
    notes.push(...parsed.problems);
  }
  return { statements, notes };
}

function secretFindings(files: readonly SecretFile[], image: string): RawFinding[] {
  return files.flatMap((file) =>
    file.hits.map((hit): RawFinding => {
      const deleted = file.deletedBy !== undefined;
      return {
        ruleId: 'image/secret-in-layer',
        severity: 'high',
        title: `${hit.description} in /${file.path}${deleted ? ' (deleted in a later layer)' : ''}`,
        message: deleted
          ? `/${file.path} holds a ${hit.description} (${hit.excerpt}). It was deleted in a later layer (${file.deletedBy}) but is still in the image: its bytes stay in layer ${file.layerDigest}, readable by anyone who pulls the image.`
          : `/${file.path} holds a ${hit.description} (${hit.excerpt}), readable by anyone who pulls the image.`,
        location: { image, layer: file.layerDigest, path: `/${file.path}` },
        key: `${hit.kind}:${deleted ? 'deleted' : 'visible'}`,
        fix: 'rotate the credential, then keep it out of every layer: `RUN --mount=type=secret` at build time and a .dockerignore entry',
      };
    }),
  );
}

function eolFinding(hit: EolHit, image: string): RawFinding {
  const os = hit.kind === 'os';
  return {
    ruleId: os ? 'image/eol-os' : 'image/eol-runtime',
    severity: 'high',
    title: `${hit.product} ${hit.cycle} is past its end of life`,
    message: `${hit.product} ${hit.cycle} (${hit.evidence}) ${hit.eol ? `reached its end of life on ${hit.eol}` : 'is past its end of life'} and gets no security fixes (source: ${hit.source}).`,
    location: { image, ...(hit.layer ? { layer: hit.layer } : {}), ...(hit.path ? { path: hit.path } : {}) },
    key: `${hit.product}@${hit.cycle}`,
    fix: os
      ? `rebuild on a supported ${hit.product} release`
      : `move to a supported ${hit.product} line (see ${hit.source})`,
  };
}

/** Reads /etc/passwd in the same pass as the catalogers, to tell whether a user name is uid 0. */
function passwdReader(): { request: FileRequest; uidOf: (name: string) => number | undefined } {
  const users = new Map<string, number>();
  return {
    request: {
      name: 'passwd',
      paths: ['etc/passwd'],
      maxFileBytes: 1024 * 1024,
      onFile: (file) => {
        for (const line of file.data.toString('utf8').split('\n')) {
          const [name, , uid] = line.split(':');
          if (name && uid && /^\d+$/.test(uid)) users.set(name, Number(uid));
        }
      },
    },
    uidOf: (name) => users.get(name),
  };
}

async function matchPackages(
  state: RunState,
  packages: readonly ScannedPackage[],
  image: string,
  out: TargetOutput,
): Promise<void> {
  const vulnerabilities = state.policy.vulnerabilities;
  let source: VulnSource;
  try {
    source = state.source();
  } catch (error) {
    out.errors.push(`${image}: ${errorMessage(error)}`);
    return;
  }
  try {
    const scan = await scanVulnerabilities(packages, source, {
      image,
      ignoreUnfixed: vulnerabilities['ignore-unfixed'],
      vex: state.vex,
      signal: state.context.signal,
    });
    out.findings.push(...scan.findings);
    out.notes.push(...scan.notes.map((n) => `${image}: ${n}`));
    out.warnings.push(...scan.warnings.map((w) => `${image}: ${w}`));
  } catch (error) {
    state.context.signal.throwIfAborted();
    const unreachable =
      error instanceof VulnSourceError &&
      (error.sourceCode === 'UNREACHABLE' || error.sourceCode === 'BAD_RESPONSE' || error.sourceCode === 'NO_DATA');
    if (unreachable && vulnerabilities['on-unreachable'] === 'warn')
      out.warnings.push(`${image}: vulnerabilities not checked: ${errorMessage(error)} (on-unreachable: warn)`);
    else out.errors.push(`${image}: vulnerabilities not matched: ${errorMessage(error)}`);
  }
}

async function scanLayers(
  state: RunState,
  image: string,
  layers: readonly LayerSource[],
  opened: OpenedImage | undefined,
  out: TargetOutput,
): Promise<void> {
  const { policy } = state;
  const secrets = secretScanner();
  const passwd = passwdReader();
  const catalog: ImageCatalog = await catalogImage(layers, {
    limits: { maxLayerBytes: policy.limits['max-layer-bytes'], maxImageBytes: policy.limits['max-image-bytes'] },
    extraRequests: policy.secrets === 'off' ? [passwd.request] : [passwd.request, secrets.request],
    signal: state.context.signal,
  });
  out.errors.push(...catalog.errors.map((e) => `${image}: ${e} (the catalog of this image is incomplete)`));
  out.notes.push(...catalog.notes.map((n) => `${image}: ${n}`));
  out.notes.push(
    `${image}: ${catalog.packages.length} package(s)${catalog.os ? ` on ${catalog.os.prettyName ?? catalog.os.id}` : ''}, ${layers.length} layer(s)`,
  );
  if (opened) {
    out.findings.push(
      ...configFindings({
        image,
        config: opened.config,
        layers: opened.layers.map((l) => l.digest),
        uidOf: passwd.uidOf,
        secrets: policy.secrets !== 'off',
      }),
    );
  }
  const files = fileFindings(catalog.index, image);
  out.findings.push(...files.findings);
  out.notes.push(...files.notes.map((n) => `${image}: ${n}`));
  if (policy.secrets !== 'off') out.findings.push(...secretFindings(secrets.results, image));
  if (policy.eol !== 'off') {
    const env = opened?.config.config.Env ?? [];
    const hits = [
      ...(catalog.os ? [osEndOfLife(catalog.os, state.today)].filter((h): h is EolHit => h !== undefined) : []),
      ...runtimeEndOfLife(env, catalog.packages, state.today),
    ];
    out.findings.push(...hits.map((hit) => eolFinding(hit, image)));
    out.notes.push(...unknownEolCycles(catalog.os, env, catalog.packages).map((n) => `${image}: ${n}`));
  }
  await matchPackages(state, catalog.packages, image, out);
}

async function scanTarget(state: RunState, target: string, base: string): Promise<TargetOutput> {
  const out: TargetOutput = { findings: [], errors: [], warnings: [], notes: [] };
  const path = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const imported = /^(trivy|grype):(.+)$/.exec(target);
  if (imported) {
    const report = await importScannerReport(
      imported[1] as ScannerReportKind,
      path(imported[2]!),
      state.policy.vulnerabilities['ignore-unfixed'],
    );
    out.findings.push(...report.findings);
    out.notes.push(...report.notes);
    return out;
  }
  const source = parseImageSource(target);
  if (source.kind === 'sbom') {
    const sbom = await readSbom(path(source.path));
    out.notes.push(...sbom.notes.map((n) => `${target}: ${n}`));
    await matchPackages(state, sbom.packages, target, out);
    return out;
  }
  if (source.kind === 'dir') {
    const notes: string[] = [];
    await scanLayers(state, target, [directoryLayer(path(source.path), notes)], undefined, out);
    out.notes.push(...notes.map((n) => `${target}: ${n}`));
    return out;
  }
  const opened = await openImage(target, {
    env: state.context.env,
    platform: state.policy.platform,
    insecureRegistries: state.policy['insecure-registries'],
    signal: state.context.signal,
    cwd: base,
    ...(state.options.registry ? { registry: state.options.registry } : {}),
  });
  try {
    const image = imageLabel(target, opened.digest);
    await scanLayers(state, image, opened.layers, opened, out);
  } finally {
    await opened.close();
  }
  return out;
}

export function createImagesCheck(options: ImagesCheckOptions = {}): Check {
  return {
    id: 'images',
    title: 'Image scanning',
    fileBased: false,
    rules: IMAGES_RULES,
    async run(context: CheckContext): Promise<CheckOutput> {
      if (context.isBase) return { findings: [] };
      const policy = context.policy.checks.images;
      const root = context.root;
      const errors: string[] = [];
      const notes: string[] = [];
      const targets: { ref: string; base: string }[] = [];
      for (const target of policy.targets) {
        const expanded = expandTarget(target, context.env);
        if (!expanded.ok) errors.push(expanded.error);
        else if (policyTargetEscapes(expanded.value, root)) errors.push(outsideRepository(target, expanded.value));
        else targets.push({ ref: expanded.value, base: root });
      }
      // Relative paths in --image resolve against the checked repository too, like the policy's targets.
      for (const ref of context.images) targets.push({ ref, base: root });
      if (targets.length === 0 && errors.length === 0) {
        return {
          findings: [],
          skipped: {
            label: 'not configured',
            reason: 'no image targets.',
            hint: 'set checks.images.targets in the policy, or pass --image (the action input `images`).',
          },
        };
      }
      const vex = await loadVex(context, policy.vulnerabilities.vex);
      // A VEX document that could not be applied as written changes what blocks: a warning, not a note.
      const warnings: string[] = [...vex.notes];
      let source: VulnSource | undefined;
      const state: RunState = {
        context,
        policy,
        root,
        today: options.today?.() ?? todayUtc(),
        vex: vex.statements,
        options,
        source: () =>
          (source ??= openVulnSource(policy.vulnerabilities.source, root, { env: context.env, ...options.osvApi })),
      };
      const findings: RawFinding[] = [];
      for (const { ref, base } of targets) {
        try {
          const out = await scanTarget(state, ref, base);
          findings.push(...out.findings);
          errors.push(...out.errors);
          warnings.push(...out.warnings);
          notes.push(...out.notes);
        } catch (error) {
          context.signal.throwIfAborted();
          errors.push(`${ref}: ${errorMessage(error)}`);
        }
      }
      return { findings, errors, warnings, notes };
    },
  };
}

export const imagesCheck = createImagesCheck();
