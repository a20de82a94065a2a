import { purlIdentity } from '../../vulns/match.js';

/**
 * VEX documents: OpenVEX (https://github.com/openvex/spec, v0.2.0; v0.0.1 spellings accepted) and CycloneDX VEX
 * (`vulnerabilities[].analysis`, CycloneDX 1.4–1.6). Each statement says, for a vulnerability and a product
 * (a package purl, or an image with optional subcomponents), whether it is `not_affected`, `affected`, `fixed`
 * or `under_investigation`. docs/vulnerabilities.md describes how they apply:
 *  - a statement applies only to its products: an image product only to that image (by digest, and by
 *    repository when both sides name one), and then to its subcomponents only when it lists some;
 *  - a statement without products is incomplete (OpenVEX) and not applied;
 *  - the latest `timestamp` wins (the statement's, else the document's), document order breaks ties;
 *  - `not_affected` (with a justification or impact statement, which the spec requires) and `fixed`
 *    suppress; `affected` and `under_investigation` are shown next to the finding.
 */
export type VexStatus = 'not_affected' | 'affected' | 'fixed' | 'under_investigation';

export interface VexProduct {
  /** Identifiers of the product: a purl, an image reference, `@id`, identifiers. */
  ids: string[];
  /** Identifiers of its subcomponents, one list per subcomponent. */
  subcomponents: string[][];
}

export interface VexStatement {
  /** The vulnerability's name and aliases. */
  vulnerabilities: string[];
  products: VexProduct[];
  status: VexStatus;
  justification?: string;
  detail?: string;
  /** Milliseconds since the epoch: the statement's timestamp, else its document's. */
  timestamp?: number;
  /** Where it was written, for messages. */
  source: string;
}

const STATUSES = new Set<string>(['not_affected', 'affected', 'fixed', 'under_investigation']);
const MAX_STATEMENTS = 100_000;
const MAX_PRODUCTS = 10_000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

function time(value: unknown): number | undefined {
  const text = str(value);
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

function ids(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (!isObject(value)) return [];
  const out: string[] = [];
  for (const key of ['@id', 'name']) {
    const id = str(value[key]);
    if (id) out.push(id);
  }
  if (Array.isArray(value.aliases)) out.push(...value.aliases.filter((a): a is string => typeof a === 'string'));
  const identifiers = value.identifiers;
  if (isObject(identifiers)) out.push(...Object.values(identifiers).filter((a): a is string => typeof a === 'string'));
  return out;
}

function products(value: unknown): VexProduct[] {
  if (!Array.isArray(value)) return [];
  const out: VexProduct[] = [];
  for (const product of value.slice(0, MAX_PRODUCTS)) {
    const own = ids(product);
    if (own.length === 0) continue;
    const subcomponents =
      isObject(product) && Array.isArray(product.subcomponents)
        ? product.subcomponents
            .slice(0, MAX_PRODUCTS)
            .map(ids)
            .filter((list) => list.length > 0)
        : [];
    out.push({ ids: own, subcomponents });
  }
  return out;
}

export interface VexParse {
  statements: VexStatement[];
  problems: string[];
}

/** Reads an OpenVEX or a CycloneDX VEX document; problems are returned, never thrown. */
export function parseVexDocument(text: string, source: string): VexParse {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { statements: [], problems: [`${source}: not valid JSON: ${(error as Error).message}`] };
  }
  if (isObject(json) && Array.isArray(json.statements)) return openVex(json, source);
  if (isObject(json) && json.bomFormat === 'CycloneDX') return cycloneDxVex(json, source);
  return {
    statements: [],
    problems: [
      `${source}: not an OpenVEX document (no "statements" array) nor a CycloneDX VEX document (bomFormat CycloneDX); ignored`,
    ],
  };
}

function openVex(json: Record<string, unknown>, source: string): VexParse {
  const statements: VexStatement[] = [];
  const problems: string[] = [];
  const documentTime = time(json.timestamp);
  (json.statements as unknown[]).slice(0, MAX_STATEMENTS).forEach((raw, i) => {
    if (!isObject(raw)) return void problems.push(`${source}: statement ${i} is not an object`);
    const status = str(raw.status);
    if (!status || !STATUSES.has(status)) {
      return void problems.push(`${source}: statement ${i} has no valid status (${String(raw.status).slice(0, 40)})`);
    }
    const vulnerabilities = ids(raw.vulnerability);
    if (vulnerabilities.length === 0) return void problems.push(`${source}: statement ${i} names no vulnerability`);
    const justification = str(raw.justification);
    const detail = str(raw.impact_statement) ?? str(raw.action_statement) ?? str(raw.status_notes);
    const statement = {
      vulnerabilities,
      products: products(raw.products),
      status: status as VexStatus,
      justification,
      detail,
      timestamp: time(raw.timestamp) ?? documentTime,
    };
    const problem = incomplete(
      statement,
      `${source}: statement ${i} (${vulnerabilities[0]})`,
      !!str(raw.impact_statement),
    );
    if (problem) return void problems.push(problem);
    statements.push(build(statement, source));
  });
  return { statements, problems };
}

function incomplete(
  s: { products: VexProduct[]; status: VexStatus; justification: string | undefined },
  where: string,
  hasImpact: boolean,
): string | undefined {
  if (s.status === 'not_affected' && !s.justification && !hasImpact) {
    return `${where} is not_affected without a justification or impact_statement; ignored`;
  }
  if (s.products.length === 0) {
    return `${where} names no product; a statement without products is incomplete (OpenVEX) and is not applied`;
  }
  return undefined;
}

function build(
  s: {
    vulnerabilities: string[];
    products: VexProduct[];
    status: VexStatus;
    justification: string | undefined;
    detail: string | undefined;
    timestamp: number | undefined;
  },
  source: string,
): VexStatement {
  return {
    vulnerabilities: s.vulnerabilities,
    products: s.products,
    status: s.status,
    ...(s.justification ? { justification: s.justification } : {}),
    ...(s.detail ? { detail: s.detail.slice(0, 500) } : {}),
    ...(s.timestamp !== undefined ? { timestamp: s.timestamp } : {}),
    source,
  };
}

/** CycloneDX `analysis.state` to the OpenVEX status it means. */
const CYCLONEDX_STATES: Record<string, VexStatus> = {
  not_affected: 'not_affected',
  false_positive: 'not_affected',
  resolved: 'fixed',
  resolved_with_pedigree: 'fixed',
  exploitable: 'affected',
  in_triage: 'under_investigation',
};

/**
 * CycloneDX VEX: `vulnerabilities[]` with `id`, `references[].id` (aliases), `analysis` (state, justification,
 * detail, lastUpdated) and `affects[].ref`, a purl or the bom-ref of a component of the same document (BOM-Links
 * `urn:cdx:…#ref` resolve by their fragment).
 */
function cycloneDxVex(json: Record<string, unknown>, source: string): VexParse {
  const statements: VexStatement[] = [];
  const problems: string[] = [];
  const purlByRef = new Map<string, string>();
  const collect = (components: unknown, depth: number) => {
    if (!Array.isArray(components) || depth > 32) return;
    for (const c of components.slice(0, MAX_PRODUCTS)) {
      if (!isObject(c)) continue;
      const ref = str(c['bom-ref']);
      const purl = str(c.purl);
      if (ref && purl) purlByRef.set(ref, purl);
      collect(c.components, depth + 1);
    }
  };
  const metadata = isObject(json.metadata) ? json.metadata : {};
  collect(isObject(metadata.component) ? [metadata.component] : [], 0);
  collect(json.components, 0);
  const documentTime = time(metadata.timestamp);
  const list = Array.isArray(json.vulnerabilities) ? json.vulnerabilities : [];
  if (list.length === 0)
    problems.push(`${source}: CycloneDX document without "vulnerabilities"; no VEX statement in it`);
  list.slice(0, MAX_STATEMENTS).forEach((raw, i) => {
    if (!isObject(raw)) return void problems.push(`${source}: vulnerability ${i} is not an object`);
    const id = str(raw.id);
    if (!id) return void problems.push(`${source}: vulnerability ${i} has no id`);
    const analysis = isObject(raw.analysis) ? raw.analysis : undefined;
    const state = str(analysis?.state);
    const status = state ? CYCLONEDX_STATES[state] : undefined;
    if (!status) {
      return void problems.push(
        `${source}: vulnerability ${i} (${id}) has no analysis.state VEX can use (${String(state).slice(0, 40)}); ignored`,
      );
    }
    const aliases = (Array.isArray(raw.references) ? raw.references : [])
      .map((r) => (isObject(r) ? str(r.id) : undefined))
      .filter((r): r is string => r !== undefined);
    const affects: VexProduct[] = [];
    for (const a of (Array.isArray(raw.affects) ? raw.affects : []).slice(0, MAX_PRODUCTS)) {
      const ref = isObject(a) ? str(a.ref) : undefined;
      if (!ref) continue;
      const local = ref.startsWith('urn:cdx:') ? ref.slice(ref.indexOf('#') + 1) : ref;
      const purl = ref.startsWith('pkg:') ? ref : (purlByRef.get(local) ?? purlByRef.get(ref));
      if (purl) affects.push({ ids: [purl], subcomponents: [] });
      else
        problems.push(
          `${source}: vulnerability ${i} (${id}) affects "${ref.slice(0, 100)}", which names no purl in this document`,
        );
    }
    const justification = str(analysis?.justification) ?? (state === 'false_positive' ? 'false_positive' : undefined);
    const detail =
      str(analysis?.detail) ??
      (Array.isArray(analysis?.response) ? `response: ${analysis.response.join(', ')}` : undefined);
    const statement = {
      vulnerabilities: [id, ...aliases],
      products: affects,
      status,
      justification,
      detail,
      timestamp: time(analysis?.lastUpdated) ?? time(raw.updated) ?? time(raw.published) ?? documentTime,
    };
    const problem = incomplete(statement, `${source}: vulnerability ${i} (${id})`, !!str(analysis?.detail));
    if (problem) return void problems.push(problem);
    statements.push(build(statement, source));
  });
  return { statements, problems };
}

/** Version of a purl, when it has one. */
function purlVersion(purl: string): string | undefined {
  const body = purl.split('#')[0]!.split('?')[0]!;
  const at = body.lastIndexOf('@');
  return at > body.indexOf('/') ? decodeURIComponent(body.slice(at + 1)) : undefined;
}

function qualifier(purl: string, key: string): string | undefined {
  const query = purl.split('#')[0]!.split('?')[1];
  if (!query) return undefined;
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).toLowerCase() === key) return decodeURIComponent(pair.slice(eq + 1));
  }
  return undefined;
}

function packageMatches(product: string, purl: string | undefined): boolean {
  if (!purl || purlIdentity(product) !== purlIdentity(purl)) return false;
  const wanted = purlVersion(product);
  return wanted === undefined || wanted === purlVersion(purl);
}

/** The scanned image as VEX sees it: its digest and, for registry references, its repository. */
export interface VexImage {
  label: string;
  digest?: string;
  repository?: string;
}

const TRANSPORT = /^(oci|oci-archive|docker-archive|dir|sbom):/;

export function vexImage(label: string): VexImage {
  const digest = /@(sha256:[0-9a-f]{64})$/.exec(label)?.[1];
  if (TRANSPORT.test(label)) return { label, ...(digest ? { digest } : {}) };
  const withoutDigest = label.replace(/@sha(256|512):[0-9a-f]+$/, '');
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const repository = colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
  return { label, ...(digest ? { digest } : {}), repository: normalizeRepository(repository) };
}

/** `docker.io/library/x`, `index.docker.io/x` and `x` are one repository. */
function normalizeRepository(repository: string): string {
  let r = repository.replace(/^[a-z]+:\/\//i, '').toLowerCase();
  const first = r.split('/')[0]!;
  const hasRegistry = r.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) r = `docker.io/${r}`;
  r = r.replace(/^(index|registry-1)\.docker\.io\//, 'docker.io/');
  if (/^docker\.io\/[^/]+$/.test(r)) r = r.replace(/^docker\.io\//, 'docker.io/library/');
  return r;
}

/**
 * Does an image product name the scanned image? `pkg:oci/<name>@sha256:<digest>` matches by digest, and by
 * repository when the purl has `repository_url` and the scanned image has a repository; without a digest,
 * by repository. A plain reference matches as given (with or without the scanned digest).
 */
function imageMatches(product: string, image: VexImage): boolean {
  if (product.toLowerCase().startsWith('pkg:oci/')) {
    const digest = purlVersion(product);
    const name = purlIdentity(product).split('/').pop()!.toLowerCase();
    const url = qualifier(product, 'repository_url');
    const repository = url ? normalizeRepository(url) : undefined;
    if (repository && image.repository && repository !== image.repository) return false;
    if (!repository && image.repository && image.repository.split('/').pop() !== name) return false;
    if (digest !== undefined) return digest === image.digest;
    return repository !== undefined && repository === image.repository;
  }
  const bare = (ref: string) => ref.replace(TRANSPORT, '');
  return bare(product) === bare(image.label) || bare(image.label).startsWith(`${bare(product)}@`);
}

/** An image product: `pkg:oci/…`, or an identifier that is no purl (an image reference). */
const isImageProduct = (id: string) => id.toLowerCase().startsWith('pkg:oci/') || !id.startsWith('pkg:');

function statementCovers(statement: VexStatement, purl: string | undefined, image: VexImage): boolean {
  return statement.products.some((product) => {
    const images = product.ids.filter(isImageProduct);
    if (images.length > 0) {
      if (!images.some((id) => imageMatches(id, image))) return false;
      return (
        product.subcomponents.length === 0 ||
        product.subcomponents.some((sub) => sub.some((id) => packageMatches(id, purl)))
      );
    }
    // A package product: the statement is about that package wherever it is installed.
    return product.ids.some((id) => packageMatches(id, purl));
  });
}

/**
 * The statement that applies to a finding: among those naming one of `vulnIds` and covering the package in
 * this image, the one with the latest timestamp; document order breaks ties and orders untimed statements.
 */
export function vexFor(
  statements: readonly VexStatement[],
  vulnIds: readonly string[],
  purl: string | undefined,
  image: string,
): VexStatement | undefined {
  const wanted = new Set(vulnIds.map((id) => id.toUpperCase()));
  const scanned = vexImage(image);
  let found: VexStatement | undefined;
  for (const statement of statements) {
    if (!statement.vulnerabilities.some((v) => wanted.has(v.toUpperCase()))) continue;
    if (!statementCovers(statement, purl, scanned)) continue;
    if (found && (statement.timestamp ?? -Infinity) < (found.timestamp ?? -Infinity)) continue;
    found = statement;
  }
  return found;
}

/** Statuses that hide a finding (see the header). */
export function vexSuppresses(statement: VexStatement): boolean {
  return statement.status === 'not_affected' || statement.status === 'fixed';
}
