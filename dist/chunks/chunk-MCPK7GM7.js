import { createRequire as __containersecCreateRequire } from 'node:module';
const require = __containersecCreateRequire(import.meta.url);
import {
  isDeadlineError
} from "./chunk-DRPJOOMB.js";

// src/platform/github/publisher.ts
import { randomUUID } from "node:crypto";

// src/core/finding.ts
var CHECK_IDS = ["hardening", "images", "manifests", "signatures"];
function isFileLocation(location) {
  return !("image" in location);
}

// src/platform/github/limits.ts
var GITHUB_LIMITS = {
  /** Characters in an issue or pull-request comment body. */
  commentChars: 65536,
  /** Characters in a check run's output.summary and output.text, each. */
  checkSummaryChars: 65535,
  /** Characters in a check run's output.title. */
  checkTitleChars: 1e3,
  /** Annotations accepted per create/update request; more are sent in further updates. */
  annotationsPerRequest: 50,
  /** Characters in a commit status description. */
  statusDescriptionChars: 140,
  /** Bytes in the job summary ($GITHUB_STEP_SUMMARY). */
  stepSummaryBytes: 1024 * 1024
};
var MAX_ANNOTATIONS = 500;
function truncate(text, max) {
  return text.length <= max ? text : `${text.slice(0, max - 1)}\u2026`;
}

// src/platform/github/annotations.ts
function level(finding) {
  if (finding.blocking) return "failure";
  return finding.severity === "low" || finding.severity === "info" ? "notice" : "warning";
}
function annotationsFor(checks) {
  const findings = checks.flatMap((check) => check.findings).filter(
    (f) => isFileLocation(f.location) && f.location.startLine !== void 0 && (!f.exception || f.exception.expired)
  ).sort((a, b) => Number(b.blocking) - Number(a.blocking));
  return findings.slice(0, MAX_ANNOTATIONS).map((finding) => {
    const location = finding.location;
    const endLine = location.endLine ?? location.startLine;
    const columns = endLine === location.startLine && location.startColumn !== void 0 ? { start_column: location.startColumn, end_column: location.endColumn ?? location.startColumn } : {};
    return {
      path: location.path,
      start_line: location.startLine,
      end_line: endLine,
      ...columns,
      annotation_level: level(finding),
      title: truncate(`${finding.ruleId}: ${finding.title}`, 255),
      message: truncate(finding.fix ? `${finding.message}
Fix: ${finding.fix}` : finding.message, 64 * 1024)
    };
  });
}

// src/platform/github/publisher.ts
function httpStatus(error) {
  return typeof error === "object" && error !== null && "status" in error ? Number(error.status) : void 0;
}
function describe(error) {
  if (isDeadlineError(error)) return `Stopped: ${error.message}`;
  const status = httpStatus(error);
  const message = error instanceof Error ? error.message.split("\n", 1)[0] : String(error);
  return status ? `HTTP ${status}: ${message}` : message ?? "unknown error";
}
function permissionAdvice(scope) {
  return `Give the job \`permissions: { ${scope}: write }\` (next to \`contents: read\`). On pull requests from forks the token is read-only whatever the workflow says: use the two-workflow \`workflow_run\` pattern described in the README ("Fork pull requests").`;
}
var UnreadableAnswerError = class extends Error {
  constructor(status, contentType, what) {
    super(`GitHub answered ${what} with HTTP ${status} (${contentType || "no content type"}) but no readable id`);
    this.status = status;
    this.contentType = contentType;
  }
  status;
  contentType;
};
function idOf(answer, what) {
  const id = typeof answer.data === "object" && answer.data !== null ? answer.data.id : void 0;
  if (typeof id === "number" && Number.isSafeInteger(id)) return id;
  throw new UnreadableAnswerError(answer.status, String(answer.headers["content-type"] ?? ""), what);
}
function describeAuthor(author) {
  return `${author?.login ?? "unknown"}${author?.type ? ` (${author.type})` : ""}`;
}
function failure(error, scope) {
  const status = httpStatus(error);
  const advice = isDeadlineError(error) ? "Raise the `publish-timeout` input if the GitHub API is slow here; the report is in the job summary and the report files." : status === 403 || status === 404 ? permissionAdvice(scope) : status === 429 ? "GitHub kept rate-limiting the request; re-run the job later." : "GitHub did not accept the request; the report is still in the job summary and the SARIF/JSON files.";
  return { ok: false, reason: describe(error), advice };
}
var CONCLUSION = {
  pass: "success",
  warn: "success",
  fail: "failure",
  error: "failure"
};
var STATUS_STATE = {
  pass: "success",
  warn: "success",
  fail: "failure",
  error: "error"
};
var GithubPublisher = class {
  constructor(client, target, log) {
    this.client = client;
    this.target = target;
    this.log = log;
  }
  client;
  target;
  log;
  commentLimit = GITHUB_LIMITS.commentChars;
  checkRunId;
  /** A create whose answer we could not read: the check run may exist, found again by this external_id. */
  checkRunUnconfirmed = false;
  externalId = randomUUID();
  /** The conclusion last sent, for completing a check run left open by a failed update. */
  lastCompletion;
  checkRunOpen = false;
  checksRefused = false;
  identity;
  /** The login of a comment this run created: the token's own identity, whatever kind of token it is. */
  ownLogin;
  get hasReviewThread() {
    return this.target.pullNumber !== void 0;
  }
  tokenIdentity() {
    this.identity ??= this.client.rest.users.getAuthenticated().then(
      ({ data }) => typeof data.login === "string" ? { kind: "user", login: data.login } : { kind: "unknown" },
      (error) => {
        const status = httpStatus(error);
        if (status === 403 || status === 404) return { kind: "bot" };
        this.log.debug(`could not tell who the token is (${describe(error)}): only new comments are posted`);
        this.identity = void 0;
        return { kind: "unknown" };
      }
    );
    return this.identity;
  }
  isOurs(author, identity) {
    if (!author?.login) return false;
    if (this.ownLogin) return author.login === this.ownLogin;
    if (identity.kind === "user") return author.login === identity.login;
    return identity.kind === "bot" && author.type === "Bot";
  }
  /** Our newest comment with the marker (and `body`, when given); marker comments by others are logged and left alone. */
  async findComment(marker, body) {
    const { owner, repo, pullNumber } = this.target;
    const identity = await this.tokenIdentity();
    const iterator = this.client.paginate.iterator(this.client.rest.issues.listComments, {
      owner,
      repo,
      issue_number: pullNumber,
      per_page: 100
    });
    let found;
    const foreign = [];
    for await (const page of iterator) {
      for (const comment of page.data) {
        if (!comment.body?.startsWith(marker) || body !== void 0 && comment.body !== body) continue;
        if (this.isOurs(comment.user, identity)) found = comment.id;
        else foreign.push(`${comment.id} by ${describeAuthor(comment.user)}`);
      }
    }
    if (foreign.length > 0 && body === void 0)
      this.log.info(
        `Ignored ${foreign.length} comment(s) that carry containersec's marker but were not written by this token: ${foreign.slice(0, 5).join(", ")}.`
      );
    return found;
  }
  /**
   * Creates the comment without automatic retries: a 5xx or a stall may arrive after GitHub stored it, and
   * a blind retry would post it twice. So after a failure we look for it first and only post again when it
   * is not there.
   */
  async createComment(request) {
    const { owner, repo, pullNumber } = this.target;
    for (let attempt = 1; ; attempt++) {
      try {
        const { data } = await this.client.rest.issues.createComment({
          owner,
          repo,
          issue_number: pullNumber,
          body: request.body,
          request: { retries: 0 }
        });
        if (data.user?.login) this.ownLogin = data.user.login;
        return { ok: true, url: data.html_url, detail: "comment created" };
      } catch (error) {
        const status = httpStatus(error);
        const unsure = !isDeadlineError(error) && (status === void 0 || status >= 500);
        if (!unsure || attempt >= 3) throw error;
        this.log.debug(`creating the comment failed (${describe(error)}); checking whether it was stored`);
        const stored = await this.findComment(request.marker, request.body);
        if (stored !== void 0) return { ok: true, detail: `comment created (${stored}, answer lost)` };
      }
    }
  }
  async postComment(request) {
    const { owner, repo, pullNumber } = this.target;
    if (pullNumber === void 0) return { ok: true, detail: "no pull request: no comment" };
    try {
      const existing = request.mode === "update" ? await this.findComment(request.marker) : void 0;
      if (existing !== void 0) {
        try {
          const { data } = await this.client.rest.issues.updateComment({
            owner,
            repo,
            comment_id: existing,
            body: request.body
          });
          return { ok: true, url: data.html_url, detail: "comment updated" };
        } catch (error) {
          if (httpStatus(error) !== 403 && httpStatus(error) !== 404) throw error;
          this.log.debug(`could not update comment ${existing} (${describe(error)}); creating a new one`);
        }
      }
      return await this.createComment(request);
    } catch (error) {
      return failure(error, "pull-requests");
    }
  }
  /** Creates the check run `in_progress` when the gate starts, so the PR shows it is running. */
  async startCheck(name, detailsUrl) {
    const { owner, repo, headSha } = this.target;
    try {
      this.checkRunUnconfirmed = true;
      const answer = await this.client.rest.checks.create({
        owner,
        repo,
        name,
        head_sha: headSha,
        external_id: this.externalId,
        status: "in_progress",
        started_at: (/* @__PURE__ */ new Date()).toISOString(),
        ...detailsUrl ? { details_url: detailsUrl } : {}
      });
      this.checkRunId = idOf(answer, "the check-run create");
      this.checkRunUnconfirmed = false;
      this.checkRunOpen = true;
      return { ok: true, url: answer.data.html_url ?? void 0 };
    } catch (error) {
      const status = httpStatus(error);
      if (status !== void 0 && status >= 400 && status < 500) {
        this.checkRunUnconfirmed = false;
        this.checksRefused = true;
      }
      return failure(error, "checks");
    }
  }
  /** After an unreadable create: the check run it may have made, found by our external_id. */
  async recoverCheckRun(name) {
    if (this.checkRunId !== void 0 || !this.checkRunUnconfirmed) return;
    const { owner, repo, headSha } = this.target;
    const { data } = await this.client.rest.checks.listForRef({
      owner,
      repo,
      ref: headSha,
      check_name: name,
      filter: "all",
      per_page: 100
    });
    const ours = data.check_runs.find((run) => run.external_id === this.externalId);
    this.checkRunUnconfirmed = false;
    if (ours) {
      this.checkRunId = ours.id;
      this.checkRunOpen = ours.status !== "completed";
      this.log.info(`Found check run ${ours.id} that the unreadable answer had created; completing it.`);
    }
  }
  async setStatus(request) {
    if (!this.checksRefused) {
      const outcome = await this.completeCheck(request, annotationsFor(request.checks ?? []));
      if (outcome.ok) return outcome;
      this.log.warn(
        `Could not write the check run (${outcome.reason}); falling back to a commit status. ${outcome.advice}`
      );
    }
    return this.commitStatus(request);
  }
  /**
   * The last word on a check run this job opened and could not complete (an update failed, publishing ran
   * out of time, the run crashed in between): one small request, so no check run stays `in_progress`.
   */
  async closeOpenCheck() {
    if (!this.checkRunOpen || this.checkRunId === void 0) return void 0;
    const { owner, repo } = this.target;
    const last = this.lastCompletion ?? {
      conclusion: "failure",
      title: "containersec did not finish: see the job log"
    };
    try {
      await this.client.rest.checks.update({
        owner,
        repo,
        check_run_id: this.checkRunId,
        status: "completed",
        conclusion: last.conclusion,
        completed_at: (/* @__PURE__ */ new Date()).toISOString(),
        output: { title: last.title, summary: `${last.title}

The full report is in the job summary.` },
        request: { retries: 0 }
      });
      this.checkRunOpen = false;
      return { ok: true, detail: `check run ${this.checkRunId} completed: ${last.conclusion}` };
    } catch (error) {
      return failure(error, "checks");
    }
  }
  async completeCheck(request, annotations) {
    const { owner, repo, headSha } = this.target;
    const conclusion = request.audit ? "neutral" : CONCLUSION[request.verdict];
    const title = truncate(request.description, GITHUB_LIMITS.checkTitleChars);
    this.lastCompletion = { name: request.name, conclusion, title };
    const output = (batch) => ({
      title,
      summary: truncate(
        request.summary?.(GITHUB_LIMITS.checkSummaryChars) ?? request.description,
        GITHUB_LIMITS.checkSummaryChars
      ),
      ...batch.length > 0 ? { annotations: batch } : {}
    });
    const batches = [];
    for (let i = 0; i < annotations.length; i += GITHUB_LIMITS.annotationsPerRequest)
      batches.push(annotations.slice(i, i + GITHUB_LIMITS.annotationsPerRequest));
    try {
      await this.recoverCheckRun(request.name);
      let id = this.checkRunId;
      const first = batches.shift() ?? [];
      if (id === void 0) {
        const answer = await this.client.rest.checks.create({
          owner,
          repo,
          name: request.name,
          head_sha: headSha,
          external_id: this.externalId,
          status: "completed",
          conclusion,
          completed_at: (/* @__PURE__ */ new Date()).toISOString(),
          ...request.targetUrl ? { details_url: request.targetUrl } : {},
          output: output(first)
        });
        id = idOf(answer, "the check-run create");
        this.checkRunId = id;
      } else {
        await this.client.rest.checks.update({
          owner,
          repo,
          check_run_id: id,
          status: "completed",
          conclusion,
          completed_at: (/* @__PURE__ */ new Date()).toISOString(),
          output: output(first)
        });
        this.checkRunOpen = false;
      }
      for (const batch of batches)
        await this.client.rest.checks.update({ owner, repo, check_run_id: id, output: output(batch) });
      return { ok: true, detail: `check run ${id}: ${conclusion}` };
    } catch (error) {
      return failure(error, "checks");
    }
  }
  async commitStatus(request) {
    const { owner, repo, headSha } = this.target;
    try {
      await this.client.rest.repos.createCommitStatus({
        owner,
        repo,
        sha: headSha,
        context: request.name,
        state: request.audit ? "success" : STATUS_STATE[request.verdict],
        description: truncate(request.description, GITHUB_LIMITS.statusDescriptionChars),
        ...request.targetUrl ? { target_url: request.targetUrl } : {}
      });
      return { ok: true, detail: "commit status" };
    } catch (error) {
      return failure(error, "statuses");
    }
  }
};
async function findPullRequestByHead(client, owner, repo, sha) {
  try {
    const { data } = await client.rest.repos.listPullRequestsAssociatedWithCommit({
      owner,
      repo,
      commit_sha: sha,
      per_page: 100
    });
    const open = data.find((pr) => pr.state === "open" && pr.head.sha === sha);
    if (open) return open.number;
  } catch {
  }
  for await (const page of client.paginate.iterator(client.rest.pulls.list, {
    owner,
    repo,
    state: "open",
    per_page: 100
  })) {
    const match = page.data.find((pr) => pr.head.sha === sha);
    if (match) return match.number;
  }
  return void 0;
}

export {
  CHECK_IDS,
  isFileLocation,
  GITHUB_LIMITS,
  permissionAdvice,
  UnreadableAnswerError,
  GithubPublisher,
  findPullRequestByHead
};
