import type { CheckResult, Verdict } from '../core/finding.js';
import type { Deadline } from './deadline.js';

/** The result of talking to a platform. Publishing never throws: a failure says what to change. */
export type PublishOutcome =
  { ok: true; url?: string; detail?: string } | { ok: false; reason: string; advice: string };

export interface CommentRequest {
  /** Hidden marker (an HTML comment) that identifies our comment for this job; the body starts with it. */
  marker: string;
  body: string;
  /** update: edit our previous comment in place; new: always add one. */
  mode: 'update' | 'new';
}

export interface StatusRequest {
  /** The check / commit-status name branch protection can require. */
  name: string;
  verdict: Verdict;
  /** Audit mode: report, never block (a neutral check run). */
  audit: boolean;
  /** One line: the headline, cut to the platform's limit by the adapter. */
  description: string;
  /** Longer markdown for platforms that show it (a GitHub check run's summary), rendered for a size limit. */
  summary?: (maxChars: number) => string;
  /** The checks' findings, for platforms that annotate lines (GitHub check runs). */
  checks?: CheckResult[];
  targetUrl?: string;
}

/** Links to a file line at the commit under review. */
export type FileUrlBuilder = (file: string, line?: number) => string;

/** What the pipeline needs to know about this CI run, read once from the platform. */
export interface CiContext {
  /** The revision "new in this change" compares with: the PR/MR base, the merge-group base, the push's parent. */
  base?: string;
  /** The commit under review, when the platform names one. */
  headSha?: string;
  /** False when the adapter cannot write anything (no token, a fork's read-only token); it has said why. */
  canPublish: boolean;
  /** True when there is a pull/merge request to comment on. */
  hasReviewThread: boolean;
  /** The status name configured for this platform (e.g. a CI variable), when not given as an input. */
  statusName?: string;
  /** Default comment key: distinguishes the comments of parallel jobs and matrix legs. */
  commentKey: string;
  fileUrl?: FileUrlBuilder;
  /** The job's page, linked from the status and the comment. */
  runUrl?: string;
}

/**
 * GitHub, GitLab, the local terminal or a test fake, behind one interface (danger-js's model). The pipeline
 * reads the context once, calls `begin` before the checks run, and after them posts one comment and one
 * status. Adapters are the only code that talks to a CI API or reads CI variables.
 */
export interface Platform {
  readonly name: 'github' | 'gitlab' | 'local' | 'fake';
  /** How the log names it: GitHub, GitLab. */
  readonly label: string;
  /** Largest comment body the platform accepts, in characters. */
  readonly commentLimit: number;
  context(): Promise<CiContext>;
  /** Before the checks run: e.g. GitHub's `in_progress` check run, so the PR shows the gate is running. */
  begin(statusName: string): Promise<void>;
  postComment(request: CommentRequest): Promise<PublishOutcome>;
  setStatus(request: StatusRequest): Promise<PublishOutcome>;
  /** From now on every API call, retry and wait of this platform ends by `deadline` (set when publishing starts). */
  publishWithin?(deadline: Deadline): void;
  /** Last of all, whatever happened: completes what `begin` opened and is still open (a check run in progress). */
  finish?(): Promise<PublishOutcome | undefined>;
  /** The job's own report page where the platform has one (GitHub's job summary). */
  writeSummary?(render: (maxChars: number) => string): Promise<void>;
}
