import { MAX_VERSION_LENGTH, compareDigits, compareStrings, isDigit, sign, type VersionScheme } from './scheme.js';

/**
 * Maven versions, ordered exactly as maven-artifact's `ComparableVersion` (3.8.x, the generation the OSV
 * ecosystem fixtures were produced with): the lower-cased version is split on `.`, `-` and digit/letter
 * transitions into int, string and list items (`-` and transitions open a sub-list); trailing "null"
 * items (0, "", ga, final) are dropped per list; qualifiers order alpha < beta < milestone < rc = cr <
 * snapshot < "" = ga = final < sp < unknown qualifiers (lexical); `a1`/`b1`/`m1` mean alpha/beta/milestone.
 * Every string is a valid Maven version.
 */
type Item = { kind: 'int'; value: string } | { kind: 'string'; value: string } | { kind: 'list'; items: Item[] };

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Record<string, string> = { ga: '', final: '', release: '', cr: 'rc' };
const RELEASE_VERSION_INDEX = String(QUALIFIERS.indexOf(''));

function stringItem(raw: string, followedByDigit: boolean): Item {
  let value = raw;
  if (followedByDigit && value.length === 1) {
    if (value === 'a') value = 'alpha';
    else if (value === 'b') value = 'beta';
    else if (value === 'm') value = 'milestone';
  }
  return { kind: 'string', value: ALIASES[value] ?? value };
}

function parseItem(digit: boolean, buf: string): Item {
  return digit ? { kind: 'int', value: buf } : stringItem(buf, false);
}

function comparableQualifier(q: string): string {
  const i = QUALIFIERS.indexOf(q);
  return i === -1 ? `${QUALIFIERS.length}-${q}` : String(i);
}

function isNull(item: Item): boolean {
  if (item.kind === 'int') return compareDigits(item.value, '0') === 0;
  if (item.kind === 'string') return comparableQualifier(item.value) === RELEASE_VERSION_INDEX;
  return item.items.length === 0;
}

function normalize(list: Item[]): void {
  for (let i = list.length - 1; i >= 0; i--) {
    const last = list[i] as Item;
    if (isNull(last)) list.splice(i, 1);
    else if (last.kind !== 'list') break;
  }
}

export function parseMaven(version: string): Item {
  const root: Item[] = [];
  let list = root;
  const stack: Item[][] = [root];
  const v = version.slice(0, MAX_VERSION_LENGTH).toLowerCase();
  let digit = false;
  let start = 0;
  const openList = (): void => {
    const child: Item[] = [];
    list.push({ kind: 'list', items: child });
    list = child;
    stack.push(child);
  };
  for (let i = 0; i < v.length; i++) {
    const c = v[i] as string;
    if (c === '.' || c === '-') {
      list.push(i === start ? { kind: 'int', value: '0' } : parseItem(digit, v.slice(start, i)));
      start = i + 1;
      if (c === '-') openList();
    } else if (isDigit(c)) {
      if (!digit && i > start) {
        list.push(stringItem(v.slice(start, i), true));
        start = i;
        openList();
      }
      digit = true;
    } else {
      if (digit && i > start) {
        list.push(parseItem(true, v.slice(start, i)));
        start = i;
        openList();
      }
      digit = false;
    }
  }
  if (v.length > start) list.push(parseItem(digit, v.slice(start)));
  while (stack.length > 0) normalize(stack.pop() as Item[]);
  return { kind: 'list', items: root };
}

function compareItem(a: Item, b: Item | undefined): number {
  if (a.kind === 'int') {
    if (b === undefined) return isNull(a) ? 0 : 1;
    return b.kind === 'int' ? compareDigits(a.value, b.value) : 1;
  }
  if (a.kind === 'string') {
    if (b === undefined) return sign(compareStrings(comparableQualifier(a.value), RELEASE_VERSION_INDEX));
    if (b.kind === 'string') return compareStrings(comparableQualifier(a.value), comparableQualifier(b.value));
    return -1;
  }
  if (b === undefined) return a.items.length === 0 ? 0 : compareItem(a.items[0] as Item, undefined);
  if (b.kind === 'int') return -1;
  if (b.kind === 'string') return 1;
  const n = Math.max(a.items.length, b.items.length);
  for (let i = 0; i < n; i++) {
    const l = a.items[i];
    const r = b.items[i];
    const result = l === undefined ? (r === undefined ? 0 : -compareItem(r, undefined)) : compareItem(l, r);
    if (result !== 0) return result;
  }
  return 0;
}

export function compareMaven(a: string, b: string): number {
  return sign(compareItem(parseMaven(a), parseMaven(b)));
}

export function isValidMaven(version: string): boolean {
  return version.length > 0 && version.length <= MAX_VERSION_LENGTH;
}

export const maven: VersionScheme = { id: 'maven', compare: compareMaven, isValid: isValidMaven };
