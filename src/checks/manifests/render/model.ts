import type { RawFinding } from '../../../core/finding.js';

/** Lines of the rendered output that came from one source object. */
export interface RenderedSegment {
  /** First line of the segment in the rendered output (1-based). */
  startLine: number;
  /** Repository-relative file the object came from. */
  path: string;
  /** Line in that file that findings are reported at. */
  line: number;
  /** True: `line` is where the object starts in the source; false: only the file is known (line 1). */
  objectStart: boolean;
  /** The source lines of the object's document, from `line` on, when the object start is known. */
  objectLines?: string[];
}

/** The output of one `helm template` or `kustomize build`, linted as one file under a virtual path. */
export interface RenderedUnit {
  virtualPath: string;
  text: string;
  /** Sorted by startLine. */
  segments: RenderedSegment[];
  /** "the Helm chart deploy/web", "the kustomization deploy/prod": said in every finding's message. */
  label: string;
}

export interface RenderOutcome {
  units: RenderedUnit[];
  /** Selected files that are not linted on their own: chart files, kustomize patches and rendered resources. */
  skip: Set<string>;
  notes: string[];
  /** `manifests/render-failed`, one per chart or kustomization that did not render. */
  findings: RawFinding[];
}

/** Lines of the YAML document of `text` that starts at `line` (1-based), up to the next `---`. */
export function documentLinesFrom(text: string, line: number): string[] {
  const lines = text.split('\n').slice(line - 1);
  const end = lines.findIndex((l, i) => i > 0 && /^---(\s|$)/.test(l));
  return end < 0 ? lines : lines.slice(0, end);
}

const KEY_LINE = /^(\s*(?:-\s+)?)([A-Za-z0-9_./-]+):(?:\s|$)/;

/**
 * Where the key of a rendered line is written in the object's source, when it is written there exactly
 * once: `privileged:` in the template of the object. Undefined when absent or ambiguous.
 */
export function keyLine(
  renderedLine: string,
  segment: RenderedSegment,
): { line: number; column: number; key: string } | undefined {
  const key = KEY_LINE.exec(renderedLine)?.[2];
  if (!key || !segment.objectLines) return undefined;
  const hits: { line: number; column: number }[] = [];
  segment.objectLines.forEach((text, index) => {
    const match = KEY_LINE.exec(text);
    if (match?.[2] === key) hits.push({ line: segment.line + index, column: (match[1]?.length ?? 0) + 1 });
  });
  return hits.length === 1 ? { ...hits[0]!, key } : undefined;
}

/** The segment that holds `line` of a rendered unit. */
export function segmentAt(unit: RenderedUnit, line: number): RenderedSegment | undefined {
  let found: RenderedSegment | undefined;
  for (const segment of unit.segments) {
    if (segment.startLine > line) break;
    found = segment;
  }
  return found ?? unit.segments[0];
}
