/** Helpers shared by the in-process benchmarks: a seeded generator, medians, and alternating timed runs. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** mulberry32: a small seeded PRNG, so every run lints the same generated corpus. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Picker {
  next(): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  int(min: number, max: number): number;
}

export function picker(seed: number): Picker {
  const next = seededRandom(seed);
  return {
    next,
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)]!,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
  };
}

/**
 * A full garbage collection before each timed run, so one subject does not pay for the garbage the
 * previous one left. `npm run bench` has no `--expose-gc`; the flag is set at run time instead.
 */
const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  return typeof gc === 'function' ? (gc as () => void) : () => undefined;
})();

export interface Subject {
  label: string;
  run(): unknown;
}

/**
 * Runs every subject once untimed (warm-up: JIT, lazy module state), then `repetitions` rounds in which
 * each subject runs once, in an order rotated each round so none always runs first. Returns the
 * milliseconds of every run, per subject.
 */
export async function alternate(subjects: Subject[], repetitions: number): Promise<Map<string, number[]>> {
  const times = new Map<string, number[]>(subjects.map((s) => [s.label, []]));
  for (const subject of subjects) await subject.run();
  for (let round = 0; round < repetitions; round++) {
    for (let i = 0; i < subjects.length; i++) {
      const subject = subjects[(round + i) % subjects.length]!;
      collectGarbage();
      const started = process.hrtime.bigint();
      await subject.run();
      times.get(subject.label)!.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
  return times;
}

export function ms(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}

export function perSecond(count: number, milliseconds: number): string {
  return Math.round((count * 1000) / milliseconds).toLocaleString('en-US');
}

/** The lowest and highest ratio of two subjects' times within the same round, e.g. `1.21–1.43×`. */
export function roundRange(numerator: number[], denominator: number[]): string {
  const ratios = numerator.map((n, i) => n / denominator[i]!);
  return `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}×`;
}
