import type { CiContext, Platform, PublishOutcome } from '../platform.js';

/** A run outside CI, or with publishing off: the terminal and the report files are the whole output. */
export class LocalPlatform implements Platform {
  readonly name = 'local';
  readonly label = 'local';
  readonly commentLimit = Number.POSITIVE_INFINITY;

  context(): Promise<CiContext> {
    return Promise.resolve({ canPublish: false, hasReviewThread: false, commentKey: 'local' });
  }

  begin(): Promise<void> {
    return Promise.resolve();
  }

  postComment(): Promise<PublishOutcome> {
    return Promise.resolve({ ok: true, detail: 'not published (local run)' });
  }

  setStatus(): Promise<PublishOutcome> {
    return Promise.resolve({ ok: true, detail: 'not published (local run)' });
  }
}
