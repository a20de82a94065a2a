import { purlIdentity } from '../../vulns/match.js';

/**
 * OpenVEX documents (https://github.com/openvex/spec, v0.2.0; v0.0.1 spellings accepted): statements say,
 * for a vulnerability and a product (a purl or an image), whether it is `not_affected`, `affected`,
 * `fixed` or `under_investigation`. Only `not_affected` suppresses a finding, and only with a justification
 * or impact statement (the spec requires one of them); the others are shown next to the finding.
 */
export type VexStatus = 'not_affected' | 'affected' | 'fixed' | 'under_investigation';

export interface VexStatement {
  /** The vulnerability's name and aliases. */
  vulnerabilities: string[];
  /** Product and subcomponent identifiers (purls, image references). */
  products: string[];
  status: VexStatus;
  justification?: string;
  detail?: string;
  /** Where it was written, for messages. */
  source: string;
}

const STATUSES = new Set<string>(['not_affected', 'affected', 'fixed', 'under_investigation']);
const MAX_STATEMENTS = 100_000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

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

function products(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const out: string[] = [];
  for (const product of value.slice(0, 10_000)) {
    out.push(...ids(product));
    if (isObject(product) && Array.isArray(product.subcomponents)) {
      for (const sub of product.subcomponents.slice(0, 10_000)) out.push(...ids(sub));
    }
  }
  return out;
}

/** Reads one OpenVEX document; problems are returned, never thrown. */
export function parseOpenVex(text: string, source: string): { statements: VexStatement[]; problems: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { statements: [], problems: [`${source}: not valid JSON: ${(error as Error).message}`] };
  }
  if (!isObject(json) || !Array.isArray(json.statements)) {
    return { statements: [], problems: [`${source}: not an OpenVEX document (no "statements" array)`] };
  }
  const statements: VexStatement[] = [];
  const problems: string[] = [];
  json.statements.slice(0, MAX_STATEMENTS).forEach((raw, i) => {
    if (!isObject(raw)) return void problems.push(`${source}: statement ${i} is not an object`);
    const status = str(raw.status);
    if (!status || !STATUSES.has(status)) {
      return void problems.push(`${source}: statement ${i} has no valid status (${String(raw.status).slice(0, 40)})`);
    }
    const vulnerabilities = ids(raw.vulnerability);
    if (vulnerabilities.length === 0) return void problems.push(`${source}: statement ${i} names no vulnerability`);
    const justification = str(raw.justification);
    const detail = str(raw.impact_statement) ?? str(raw.action_statement) ?? str(raw.status_notes);
    if (status === 'not_affected' && !justification && !str(raw.impact_statement)) {
      return void problems.push(
        `${source}: statement ${i} (${vulnerabilities[0]}) is not_affected without a justification or impact_statement; ignored`,
      );
    }
    statements.push({
      vulnerabilities,
      products: products(raw.products),
      status: status as VexStatus,
      ...(justification ? { justification } : {}),
      ...(detail ? { detail: detail.slice(0, 500) } : {}),
      source,
    });
  });
  return { statements, problems };
}

/** Version of a purl, when it has one. */
function purlVersion(purl: string): string | undefined {
  const body = purl.split('#')[0]!.split('?')[0]!;
  const at = body.lastIndexOf('@');
  return at > body.indexOf('/') ? decodeURIComponent(body.slice(at + 1)) : undefined;
}

function productMatches(product: string, purl: string | undefined, image: string): boolean {
  if (product.startsWith('pkg:')) {
    if (!purl || purlIdentity(product) !== purlIdentity(purl)) return false;
    const wanted = purlVersion(product);
    return wanted === undefined || wanted === purlVersion(purl);
  }
  // An image reference: the statement covers every package of that image.
  const bare = (ref: string) => ref.replace(/^(oci|oci-archive|docker-archive|dir|sbom):/, '');
  return bare(product) === bare(image) || bare(image).startsWith(`${bare(product)}@`);
}

/**
 * The statement that applies to a finding: the last one in document order whose vulnerability is one of
 * `vulnIds` and whose products include the package purl or the image (as OpenVEX says, later statements
 * override earlier ones).
 */
export function vexFor(
  statements: readonly VexStatement[],
  vulnIds: readonly string[],
  purl: string | undefined,
  image: string,
): VexStatement | undefined {
  const wanted = new Set(vulnIds.map((id) => id.toUpperCase()));
  let found: VexStatement | undefined;
  for (const statement of statements) {
    if (!statement.vulnerabilities.some((v) => wanted.has(v.toUpperCase()))) continue;
    if (statement.products.length > 0 && !statement.products.some((p) => productMatches(p, purl, image))) continue;
    found = statement;
  }
  return found;
}
