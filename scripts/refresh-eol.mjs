#!/usr/bin/env node
// Refreshes src/checks/images/eol-data.json from the endoflife.date API v1
// (https://endoflife.date/docs/api/v1/, GET /api/v1/products/{product}/). Plain Node 20+, no dependencies.
//
//   node scripts/refresh-eol.mjs             fetch every product in the table, rewrite it, print what changed
//   node scripts/refresh-eol.mjs --dry-run   print what would change, write nothing
//   node scripts/refresh-eol.mjs --from DIR  read DIR/<product>.json (saved API responses) instead of the network
//
// Per product, the table's `field` says which date is kept: `eol` (ProductCycle.eolFrom / isEol) or
// `extendedSupport` (extendedSupportUntil / isExtendedSupportOver, Debian LTS). A cycle with a date keeps the
// date; a cycle with only the boolean keeps `true` (ended, no date) or `false` (supported, no date yet); a
// cycle with neither is left out. Cycles the API no longer lists are kept as they are and reported, never
// dropped silently. The output is sorted (products by key, cycles by version) so a refresh diff shows only
// real changes.

import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const API = 'https://endoflife.date/api/v1/products';
const DATA_FILE = fileURLToPath(new URL('../src/checks/images/eol-data.json', import.meta.url));
const TIMEOUT_MS = 30_000;
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** endoflife.date cycle names to the table's keys where images spell versions differently (.NET 8 → 8.0). */
const CYCLE_KEYS = {
  dotnet: (name) => (/^\d+$/.test(name) && Number(name) >= 5 ? `${name}.0` : name),
};

/** The endoflife.date product name of a table entry: the last path segment of its `source` page. */
export function productSlug(product) {
  const match = /^https:\/\/endoflife\.date\/([a-z0-9.-]+)\/?$/.exec(product.source ?? '');
  if (!match) throw new Error(`source ${JSON.stringify(product.source)} is not an endoflife.date product page`);
  return match[1];
}

/** Version-aware order of cycle names: numeric parts as numbers (3.9 < 3.10), the rest as text. */
export function compareCycles(a, b) {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) {
      if (nx !== ny) return nx - ny;
    } else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function cycleValue(cycle, field) {
  const [date, flag] =
    field === 'extendedSupport'
      ? [cycle.extendedSupportUntil, cycle.isExtendedSupportOver]
      : [cycle.eolFrom, cycle.isEol];
  if (typeof date === 'string' && DATE.test(date)) return date;
  if (typeof flag === 'boolean') return flag;
  // Cycles older than the extended support programme (Debian before LTS) end with their regular support.
  if (field === 'extendedSupport') return cycleValue(cycle, 'eol');
  return undefined;
}

/**
 * Maps one API response (ProductResponse: `{ schema_version, last_modified, result: { name, cycles: [...] } }`)
 * onto a table entry. Pure: returns the new entry and what changed, touches nothing.
 */
export function mapProduct(key, product, response, fetchedOn) {
  const result = response?.result;
  if (!result || !Array.isArray(result.cycles)) {
    throw new Error(`${key}: the response has no result.cycles (not an endoflife.date API v1 product response)`);
  }
  const slug = productSlug(product);
  const field = product.field === 'extendedSupport' ? 'extendedSupport' : 'eol';
  const toKey = CYCLE_KEYS[slug] ?? ((name) => name);
  const fresh = {};
  const skipped = [];
  for (const cycle of result.cycles) {
    if (typeof cycle?.name !== 'string' || cycle.name === '') continue;
    const value = cycleValue(cycle, field);
    if (value === undefined) skipped.push(cycle.name);
    else fresh[toKey(cycle.name)] = value;
  }
  const changes = { added: [], changed: [], kept: [], skipped };
  const cycles = {};
  for (const [name, value] of Object.entries(fresh)) {
    const old = product.cycles?.[name];
    if (old === undefined) changes.added.push(`${name}: ${value}`);
    else if (old !== value) changes.changed.push(`${name}: ${old} -> ${value}`);
    cycles[name] = value;
  }
  for (const [name, value] of Object.entries(product.cycles ?? {})) {
    if (!(name in cycles)) {
      changes.kept.push(name);
      cycles[name] = value;
    }
  }
  const modified = typeof response.last_modified === 'string' ? `, last modified ${response.last_modified}` : '';
  const kept =
    changes.kept.length > 0 ? `; kept from the previous table (not in the API): ${changes.kept.join(', ')}` : '';
  return {
    product: {
      ...product,
      field,
      verified: `endoflife.date API v1 /products/${slug}/ fetched ${fetchedOn}${modified}${kept}`,
      cycles: sortCycles(cycles),
    },
    changes,
  };
}

function sortCycles(cycles) {
  return Object.fromEntries(
    Object.keys(cycles)
      .sort(compareCycles)
      .map((name) => [name, cycles[name]]),
  );
}

function sortProducts(group) {
  return Object.fromEntries(
    Object.keys(group)
      .sort()
      .map((key) => {
        const { name, source, field, verified, cycles } = group[key];
        return [key, { name, source, field, verified, cycles: sortCycles(cycles) }];
      }),
  );
}

/** The table as the data file holds it: fixed key order, 2-space JSON, final newline. */
export function serializeTable(table) {
  const ordered = {
    $comment: table.$comment,
    updated: table.updated,
    os: sortProducts(table.os),
    runtimes: sortProducts(table.runtimes),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/**
 * Applies one response per product (`responses[key]`, or an Error for a product that could not be fetched)
 * to the table. Products without a usable response keep their data and are reported.
 */
export function refreshTable(table, responses, fetchedOn) {
  const next = { ...table, updated: fetchedOn, os: { ...table.os }, runtimes: { ...table.runtimes } };
  const report = [];
  for (const group of ['os', 'runtimes']) {
    for (const [key, product] of Object.entries(table[group])) {
      const response = responses[key];
      if (response === undefined || response instanceof Error) {
        report.push({ key, error: response?.message ?? 'no response' });
        continue;
      }
      try {
        const mapped = mapProduct(key, product, response, fetchedOn);
        next[group][key] = mapped.product;
        report.push({ key, ...mapped.changes });
      } catch (error) {
        report.push({ key, error: error.message });
      }
    }
  }
  return { table: next, report };
}

export function formatReport(report) {
  const lines = [];
  for (const entry of report) {
    if (entry.error) {
      lines.push(`${entry.key}: NOT REFRESHED (${entry.error}); previous data kept`);
      continue;
    }
    const parts = [];
    if (entry.added.length) parts.push(`added ${entry.added.join(', ')}`);
    if (entry.changed.length) parts.push(`changed ${entry.changed.join(', ')}`);
    if (entry.kept.length) parts.push(`kept (not in the API) ${entry.kept.join(', ')}`);
    if (entry.skipped.length) parts.push(`no date or status in the API for ${entry.skipped.join(', ')}`);
    lines.push(`${entry.key}: ${parts.length ? parts.join('; ') : 'unchanged'}`);
  }
  return lines.join('\n');
}

async function fetchProduct(slug) {
  const response = await fetch(`${API}/${slug}/`, {
    headers: { accept: 'application/json', 'user-agent': 'containersec refresh-eol' },
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status} from ${API}/${slug}/`);
  const text = await response.text();
  if (text.length > MAX_RESPONSE_BYTES) throw new Error(`response over ${MAX_RESPONSE_BYTES} bytes`);
  return JSON.parse(text);
}

async function main(argv) {
  const dryRun = argv.includes('--dry-run');
  const fromIndex = argv.indexOf('--from');
  const from = fromIndex >= 0 ? argv[fromIndex + 1] : undefined;
  if (fromIndex >= 0 && !from) throw new Error('--from needs a directory');
  const table = JSON.parse(await readFile(DATA_FILE, 'utf8'));
  const responses = {};
  for (const group of ['os', 'runtimes']) {
    for (const [key, product] of Object.entries(table[group])) {
      try {
        const slug = productSlug(product);
        responses[key] = from
          ? JSON.parse(await readFile(join(from, `${slug}.json`), 'utf8'))
          : await fetchProduct(slug);
      } catch (error) {
        responses[key] = error instanceof Error ? error : new Error(String(error));
      }
    }
  }
  const today = new Date().toISOString().slice(0, 10);
  const { table: next, report } = refreshTable(table, responses, today);
  console.log(formatReport(report));
  if (!dryRun) {
    await writeFile(DATA_FILE, serializeTable(next));
    console.log(`wrote ${DATA_FILE}`);
  }
  return report.some((entry) => entry.error) ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(2);
    },
  );
}
