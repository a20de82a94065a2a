import { createRequire as __containersecCreateRequire } from 'node:module';
const require = __containersecCreateRequire(import.meta.url);

// src/platform/deadline.ts
var DEFAULT_PUBLISH_TIMEOUT_SECONDS = 45;
var DeadlineError = class extends Error {
  constructor(seconds) {
    super(`the publishing deadline of ${seconds} s was reached`);
    this.seconds = seconds;
  }
  seconds;
  // Named AbortError on purpose: @octokit/request rethrows an AbortError from fetch as is, so Octokit's
  // plugins do not retry it, while any other fetch error becomes a retried "500".
  name = "AbortError";
  deadlineExceeded = true;
};
function isDeadlineError(error) {
  return typeof error === "object" && error !== null && error.deadlineExceeded === true;
}
var Deadline = class _Deadline {
  constructor(at, seconds) {
    this.at = at;
    this.seconds = seconds;
    if (Number.isFinite(at)) {
      this.timer = setTimeout(() => this.controller.abort(new DeadlineError(seconds)), Math.max(0, at - Date.now()));
      this.timer.unref();
    }
  }
  at;
  seconds;
  controller = new AbortController();
  timer;
  static after(seconds) {
    return new _Deadline(Date.now() + seconds * 1e3, seconds);
  }
  static unlimited() {
    return new _Deadline(Infinity, Infinity);
  }
  /** The same deadline, `ms` earlier: a phase that must leave time for the next one. */
  earlier(ms) {
    return Number.isFinite(this.at) ? new _Deadline(Math.max(Date.now(), this.at - ms), this.seconds) : this;
  }
  get signal() {
    return this.controller.signal;
  }
  remainingMs() {
    return Math.max(0, this.at - Date.now());
  }
  get expired() {
    return this.remainingMs() === 0;
  }
  /** Throws a DeadlineError when no time is left. */
  check() {
    if (this.expired) throw new DeadlineError(this.seconds);
  }
  /** Waits `ms`, or throws a DeadlineError at once when the wait would end after the deadline. */
  async sleep(ms) {
    if (ms >= this.remainingMs()) throw new DeadlineError(this.seconds);
    await new Promise((resolve) => setTimeout(resolve, ms));
  }
  /** A signal for one request: aborted at the deadline or after `timeoutMs`, whichever is first. */
  requestSignal(timeoutMs, other) {
    const signals = [AbortSignal.timeout(Math.max(1, Math.min(timeoutMs, this.remainingMs()))), this.signal];
    if (other) signals.push(other);
    return AbortSignal.any(signals);
  }
};
var DeadlineHolder = class {
  current = Deadline.unlimited();
};

export {
  DEFAULT_PUBLISH_TIMEOUT_SECONDS,
  DeadlineError,
  isDeadlineError,
  Deadline,
  DeadlineHolder
};
