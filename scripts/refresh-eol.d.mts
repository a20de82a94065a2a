/** Types of scripts/refresh-eol.mjs (plain Node, no build step), for the tests. */
export type CycleValue = string | boolean;

export interface TableProduct {
  name: string;
  source: string;
  field: 'eol' | 'extendedSupport';
  verified: string;
  cycles: Record<string, CycleValue>;
}

export interface Table {
  $comment: string;
  updated: string;
  os: Record<string, TableProduct>;
  runtimes: Record<string, TableProduct>;
}

export interface Changes {
  added: string[];
  changed: string[];
  kept: string[];
  skipped: string[];
}

export type ReportEntry = ({ key: string } & Changes) | { key: string; error: string };

export function productSlug(product: Pick<TableProduct, 'source'>): string;
export function compareCycles(a: string, b: string): number;
export function mapProduct(
  key: string,
  product: TableProduct,
  response: unknown,
  fetchedOn: string,
): { product: TableProduct; changes: Changes };
export function serializeTable(table: Table): string;
export function refreshTable(
  table: Table,
  responses: Record<string, unknown>,
  fetchedOn: string,
): { table: Table; report: ReportEntry[] };
export function formatReport(report: ReportEntry[]): string;
