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

/** The segment that holds `line` of a rendered unit. */
export function segmentAt(unit: RenderedUnit, line: number): RenderedSegment | undefined {
  let found: RenderedSegment | undefined;
  for (const segment of unit.segments) {
    if (segment.startLine > line) break;
    found = segment;
  }
  return found ?? unit.segments[0];
}
