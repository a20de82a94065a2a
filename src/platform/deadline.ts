/** Default time publishing (comment, status, check run) may take once the gate has decided, in seconds. */
export const DEFAULT_PUBLISH_TIMEOUT_SECONDS = 45;

/** Raised when a request would start, or a wait would end, after the publishing deadline. */
export class DeadlineError extends Error {
  // Named AbortError on purpose: @octokit/request rethrows an AbortError from fetch as is, so Octokit's
  // plugins do not retry it, while any other fetch error becomes a retried "500".
  override readonly name = 'AbortError';
  readonly deadlineExceeded = true;
  constructor(readonly seconds: number) {
    super(`the publishing deadline of ${seconds} s was reached`);
  }
}

export function isDeadlineError(error: unknown): error is DeadlineError {
  return (
    typeof error === 'object' && error !== null && (error as { deadlineExceeded?: unknown }).deadlineExceeded === true
  );
}

/**
 * One overall time limit for a phase of API calls: every request, retry and wait of publishing ends by it.
 * `unlimited()` is the deadline outside that phase (each request still has its own timeout).
 */
export class Deadline {
  private readonly controller = new AbortController();
  private readonly timer?: NodeJS.Timeout;

  constructor(
    /** Epoch milliseconds; Infinity for none. */
    readonly at: number,
    /** The configured length, for messages. */
    readonly seconds: number,
  ) {
    if (Number.isFinite(at)) {
      this.timer = setTimeout(() => this.controller.abort(new DeadlineError(seconds)), Math.max(0, at - Date.now()));
      this.timer.unref();
    }
  }

  static after(seconds: number): Deadline {
    return new Deadline(Date.now() + seconds * 1000, seconds);
  }

  static unlimited(): Deadline {
    return new Deadline(Infinity, Infinity);
  }

  /** The same deadline, `ms` earlier: a phase that must leave time for the next one. */
  earlier(ms: number): Deadline {
    return Number.isFinite(this.at) ? new Deadline(Math.max(Date.now(), this.at - ms), this.seconds) : this;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  remainingMs(): number {
    return Math.max(0, this.at - Date.now());
  }

  get expired(): boolean {
    return this.remainingMs() === 0;
  }

  /** Throws a DeadlineError when no time is left. */
  check(): void {
    if (this.expired) throw new DeadlineError(this.seconds);
  }

  /** Waits `ms`, or throws a DeadlineError at once when the wait would end after the deadline. */
  async sleep(ms: number): Promise<void> {
    if (ms >= this.remainingMs()) throw new DeadlineError(this.seconds);
    await new Promise<void>((resolve) => setTimeout(resolve, ms));
  }

  /** A signal for one request: aborted at the deadline or after `timeoutMs`, whichever is first. */
  requestSignal(timeoutMs: number, other?: AbortSignal | null): AbortSignal {
    const signals = [AbortSignal.timeout(Math.max(1, Math.min(timeoutMs, this.remainingMs()))), this.signal];
    if (other) signals.push(other);
    return AbortSignal.any(signals);
  }
}

/** The deadline the API clients of a platform currently work under; the pipeline sets it when publishing starts. */
export class DeadlineHolder {
  current: Deadline = Deadline.unlimited();
}
