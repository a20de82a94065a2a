import type { ToolResult } from './sandbox.js';

/**
 * Render results by content: the base revision's run of a pull request renders the same unchanged charts
 * and kustomizations as the head's, so identical inputs (tool, arguments, every staged file) are rendered
 * once per process. Bounded by the bytes of output kept; the oldest entries go first.
 */
export const MAX_CACHED_OUTPUT_BYTES = 128 * 1024 * 1024;

const entries = new Map<string, { result: Promise<ToolResult>; bytes: number }>();
let cachedBytes = 0;

export async function cachedRender(key: string, render: () => Promise<ToolResult>): Promise<ToolResult> {
  const hit = entries.get(key);
  if (hit) return hit.result;
  const result = render();
  const entry = { result, bytes: 0 };
  entries.set(key, entry);
  const settled = await result;
  if (!settled.ok && settled.reason === 'aborted') {
    entries.delete(key);
    return settled;
  }
  entry.bytes = settled.ok ? settled.stdout.length : settled.message.length;
  cachedBytes += entry.bytes;
  for (const [oldKey, old] of entries) {
    if (cachedBytes <= MAX_CACHED_OUTPUT_BYTES) break;
    entries.delete(oldKey);
    cachedBytes -= old.bytes;
  }
  return settled;
}
