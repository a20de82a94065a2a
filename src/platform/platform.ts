import type { Verdict } from '../core/finding.js';

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
  /** Longer markdown for platforms that show it (a GitHub check run's summary). */
  summary?: string;
  targetUrl?: string;
}

/**
 * What the gate needs from GitHub, GitLab or the terminal: one comment updated in place, and a status that
 * can block the merge. Adapters implement it; the core never talks to a platform directly.
 */
export interface Platform {
  readonly name: string;
  /** Largest comment body the platform accepts, in characters. */
  readonly commentLimit: number;
  /** False when there is no pull/merge request to comment on (a push, a local run). */
  readonly hasReviewThread: boolean;
  postComment(request: CommentRequest): Promise<PublishOutcome>;
  setStatus(request: StatusRequest): Promise<PublishOutcome>;
}

/** An in-memory platform for tests: records what would have been published. */
export class FakePlatform implements Platform {
  readonly name = 'fake';
  readonly comments: { id: number; body: string }[] = [];
  readonly statuses: StatusRequest[] = [];
  private nextId = 1;

  constructor(
    readonly commentLimit = 65_536,
    readonly hasReviewThread = true,
  ) {}

  postComment(request: CommentRequest): Promise<PublishOutcome> {
    const existing =
      request.mode === 'update' ? this.comments.find((c) => c.body.startsWith(request.marker)) : undefined;
    if (existing) existing.body = request.body;
    else this.comments.push({ id: this.nextId++, body: request.body });
    return Promise.resolve({ ok: true });
  }

  setStatus(request: StatusRequest): Promise<PublishOutcome> {
    this.statuses.push(request);
    return Promise.resolve({ ok: true });
  }
}
