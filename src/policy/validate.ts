import type { ErrorObject } from 'ajv';
import schema from '../../schema/containersec.schema.json' with { type: 'json' };
import { didYouMeanSentence } from '../core/did-you-mean.js';
import type { PolicyPath } from './positions.js';
import { formatPath } from './positions.js';
// Precompiled from the schema by scripts/generate-validator.ts: compiling it at every start would cost the
// action most of its cold-start budget.
import { validate as generatedValidate } from './validate-schema.generated.js';

/** One problem in a policy file, before it is given a file:line:column. */
export interface PolicyIssue {
  path: PolicyPath;
  /** Point at the key itself (unknown keys) rather than its value. */
  atKey: boolean;
  message: string;
}

const validator = () => generatedValidate;

type SchemaNode = { properties?: Record<string, unknown>; $ref?: string; enum?: unknown[]; description?: string };

/** Follows `$ref` and `properties` through the schema to the node describing `path`. */
function schemaAt(path: PolicyPath): SchemaNode | undefined {
  let node = schema as unknown as SchemaNode;
  const resolve = (n: SchemaNode): SchemaNode => {
    if (n.$ref?.startsWith('#/definitions/')) {
      const name = n.$ref.slice('#/definitions/'.length);
      return (schema.definitions as Record<string, SchemaNode>)[name] ?? n;
    }
    return n;
  };
  node = resolve(node);
  for (const segment of path) {
    if (typeof segment === 'number') {
      const items = (node as { items?: SchemaNode }).items;
      if (!items) return undefined;
      node = resolve(items);
    } else {
      const next = node.properties?.[segment] as SchemaNode | undefined;
      if (!next) return undefined;
      node = resolve(next);
    }
  }
  return node;
}

function parsePointer(pointer: string): PolicyPath {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value.length > 60 ? value.slice(0, 57) + '...' : value}"`;
  return `${typeof value} ${JSON.stringify(value) ?? 'undefined'}`;
}

function valueAt(data: unknown, path: PolicyPath): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

const TYPE_WORDS: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  boolean: 'true or false',
  integer: 'a whole number',
  number: 'a number',
};

function issueFor(error: ErrorObject, data: unknown): PolicyIssue {
  const path = parsePointer(error.instancePath);
  const where = formatPath(path);
  const actual = describe(valueAt(data, path));
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys(schemaAt(path)?.properties ?? {}).filter((k) => k !== '$schema');
      return {
        path: [...path, key],
        atKey: true,
        message: `unknown key "${key}" in ${where}. Expected one of: ${allowed.join(', ')}.${didYouMeanSentence(key, allowed)}`,
      };
    }
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      return { path, atKey: false, message: `${where} is missing the required key "${missing}".` };
    }
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const value = valueAt(data, path);
      const hint = typeof value === 'string' ? didYouMeanSentence(value, allowed) : '';
      return { path, atKey: false, message: `${where} is ${actual}; expected one of: ${allowed.join(', ')}.${hint}` };
    }
    case 'const':
      return {
        path,
        atKey: false,
        message: `${where} is ${actual}; expected ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}.`,
      };
    case 'type': {
      const expected = String((error.params as { type: string }).type)
        .split(',')
        .map((t) => TYPE_WORDS[t] ?? t)
        .join(' or ');
      return { path, atKey: false, message: `${where} is ${actual}; expected ${expected}.` };
    }
    case 'pattern': {
      const description = schemaAt(path)?.description;
      return {
        path,
        atKey: false,
        message: `${where} is ${actual}; expected ${description ?? `text matching ${(error.params as { pattern: string }).pattern}`}`,
      };
    }
    case 'minLength':
      return { path, atKey: false, message: `${where} must not be empty.` };
    case 'minimum':
      return {
        path,
        atKey: false,
        message: `${where} is ${actual}; expected at least ${(error.params as { limit: number }).limit}.`,
      };
    default:
      return { path, atKey: false, message: `${where} is ${actual}: ${error.message ?? 'invalid'}.` };
  }
}

/**
 * Validates parsed YAML against schema/containersec.schema.json. At most one issue per location:
 * `oneOf` alternatives are folded into a single "expected X or Y" message.
 */
export function validatePolicyData(data: unknown): PolicyIssue[] {
  const validate = validator();
  if (validate(data)) return [];
  const errors = validate.errors ?? [];
  const byPath = new Map<string, ErrorObject[]>();
  for (const error of errors) {
    const key =
      error.keyword === 'additionalProperties'
        ? `${error.instancePath}#${String((error.params as { additionalProperty: string }).additionalProperty)}`
        : error.instancePath;
    byPath.set(key, [...(byPath.get(key) ?? []), error]);
  }
  const issues: PolicyIssue[] = [];
  for (const group of byPath.values()) {
    const types = group.filter((e) => e.keyword === 'type');
    if (group.some((e) => e.keyword === 'oneOf') && types.length > 1) {
      const merged = types.map((e) => (e.params as { type: string }).type).join(',');
      issues.push(issueFor({ ...types[0]!, params: { type: merged } }, data));
      continue;
    }
    const meaningful =
      group.find((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && e.keyword !== 'if') ?? group[0]!;
    issues.push(issueFor(meaningful, data));
  }
  return issues;
}
