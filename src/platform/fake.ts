import type { CiContext, CommentRequest, Platform, PublishOutcome, StatusRequest } from './platform.js';

/** An in-memory platform for pipeline tests: records what would have been published. */
export class FakePlatform implements Platform {
  readonly name = 'fake';
  readonly label = 'fake';
  readonly comments: { id: number; body: string }[] = [];
  readonly statuses: (Omit<StatusRequest, 'summary'> & { summary?: string })[] = [];
  readonly begun: string[] = [];
  summary?: string;
  private nextId = 1;

  constructor(
    private readonly ci: CiContext = { canPublish: true, hasReviewThread: true, commentKey: 'fake' },
    readonly commentLimit = 65_536,
  ) {}

  context(): Promise<CiContext> {
    return Promise.resolve(this.ci);
  }

  begin(statusName: string): Promise<void> {
    this.begun.push(statusName);
    return Promise.resolve();
  }

  postComment(request: CommentRequest): Promise<PublishOutcome> {
    const existing =
      request.mode === 'update' ? this.comments.find((c) => c.body.startsWith(request.marker)) : undefined;
    if (existing) existing.body = request.body;
    else this.comments.push({ id: this.nextId++, body: request.body });
    return Promise.resolve({ ok: true, detail: existing ? 'updated' : 'created' });
  }

  setStatus(request: StatusRequest): Promise<PublishOutcome> {
    const { summary, ...rest } = request;
    this.statuses.push({ ...rest, ...(summary ? { summary: summary(this.commentLimit) } : {}) });
    return Promise.resolve({ ok: true });
  }

  writeSummary(render: (maxChars: number) => string): Promise<void> {
    this.summary = render(this.commentLimit);
    return Promise.resolve();
  }
}
