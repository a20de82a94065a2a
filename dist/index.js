import { createRequire as __containersecCreateRequire } from 'node:module';
const require = __containersecCreateRequire(import.meta.url);
import {
  buildReportModel,
  git,
  resolveCommit,
  runGate,
  todayUtc
} from "./chunks/chunk-NMLVVNEF.js";
import {
  debug,
  getInput,
  info,
  setFailed,
  setOutput,
  setSecret,
  summary,
  warning
} from "./chunks/chunk-NVT2POJK.js";
import "./chunks/chunk-F67UCOIR.js";
import "./chunks/chunk-HYHX6NRO.js";
import "./chunks/chunk-PEGOOEL7.js";
import {
  ContainersecError,
  errorMessage
} from "./chunks/chunk-L3SYSQEH.js";
import {
  GITHUB_LIMITS,
  truncate
} from "./chunks/chunk-ZPB35DKQ.js";
import "./chunks/chunk-WMGLMAQE.js";
import "./chunks/chunk-GG6ZZSUU.js";

// src/main.ts
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

// src/platform/github/github-platform.ts
function httpStatus(error) {
  return typeof error === "object" && error !== null && "status" in error ? Number(error.status) : void 0;
}
function describe(error) {
  const status = httpStatus(error);
  const message = error instanceof Error ? error.message.split("\n", 1)[0] : String(error);
  return status ? `HTTP ${status}: ${message}` : message ?? "unknown error";
}
function permissionAdvice(scope) {
  return `Give the job \`permissions: { ${scope}: write }\` (next to \`contents: read\`). On pull requests from forks the token is read-only whatever the workflow says: use the two-workflow \`workflow_run\` pattern described in the README ("Fork pull requests").`;
}
function failure(error, scope) {
  const status = httpStatus(error);
  const advice = status === 403 || status === 404 ? permissionAdvice(scope) : status === 429 ? "GitHub kept rate-limiting the request; re-run the job later." : "GitHub did not accept the request; the report is still in the job summary and the SARIF/JSON files.";
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
var GithubPlatform = class {
  constructor(client, target, log2) {
    this.client = client;
    this.target = target;
    this.log = log2;
  }
  client;
  target;
  log;
  name = "github";
  commentLimit = GITHUB_LIMITS.commentChars;
  checkRunId;
  checksRefused = false;
  get hasReviewThread() {
    return this.target.pullNumber !== void 0;
  }
  async findComment(marker) {
    const { owner, repo, pullNumber } = this.target;
    const iterator = this.client.paginate.iterator(this.client.rest.issues.listComments, {
      owner,
      repo,
      issue_number: pullNumber,
      per_page: 100
    });
    let found;
    for await (const page of iterator) {
      for (const comment of page.data) {
        if (comment.body?.startsWith(marker)) found = comment.id;
      }
    }
    return found;
  }
  async postComment(request) {
    const { owner, repo, pullNumber } = this.target;
    if (pullNumber === void 0) return { ok: true, detail: "no pull request: no comment" };
    try {
      const existing = request.mode === "update" ? await this.findComment(request.marker) : void 0;
      if (existing !== void 0) {
        try {
          const { data: data2 } = await this.client.rest.issues.updateComment({
            owner,
            repo,
            comment_id: existing,
            body: request.body
          });
          return { ok: true, url: data2.html_url, detail: "updated" };
        } catch (error) {
          if (httpStatus(error) !== 403 && httpStatus(error) !== 404) throw error;
          this.log.debug(`could not update comment ${existing} (${describe(error)}); creating a new one`);
        }
      }
      const { data } = await this.client.rest.issues.createComment({
        owner,
        repo,
        issue_number: pullNumber,
        body: request.body
      });
      return { ok: true, url: data.html_url, detail: "created" };
    } catch (error) {
      return failure(error, "pull-requests");
    }
  }
  /** Creates the check run `in_progress` when the gate starts, so the PR shows it is running. */
  async startCheck(name, detailsUrl) {
    const { owner, repo, headSha } = this.target;
    try {
      const { data } = await this.client.rest.checks.create({
        owner,
        repo,
        name,
        head_sha: headSha,
        status: "in_progress",
        started_at: (/* @__PURE__ */ new Date()).toISOString(),
        ...detailsUrl ? { details_url: detailsUrl } : {}
      });
      this.checkRunId = data.id;
      return { ok: true, url: data.html_url ?? void 0 };
    } catch (error) {
      this.checksRefused = true;
      return failure(error, "checks");
    }
  }
  async setStatus(request, annotations = []) {
    if (!this.checksRefused) {
      const outcome = await this.completeCheck(request, annotations);
      if (outcome.ok) return outcome;
      this.log.warn(
        `Could not write the check run (${outcome.reason}); falling back to a commit status. ${outcome.advice}`
      );
    }
    return this.commitStatus(request);
  }
  async completeCheck(request, annotations) {
    const { owner, repo, headSha } = this.target;
    const conclusion = request.audit ? "neutral" : CONCLUSION[request.verdict];
    const output = (batch) => ({
      title: truncate(request.description, GITHUB_LIMITS.checkTitleChars),
      summary: truncate(request.summary ?? request.description, GITHUB_LIMITS.checkSummaryChars),
      ...batch.length > 0 ? { annotations: batch } : {}
    });
    const batches = [];
    for (let i = 0; i < annotations.length; i += GITHUB_LIMITS.annotationsPerRequest)
      batches.push(annotations.slice(i, i + GITHUB_LIMITS.annotationsPerRequest));
    try {
      let id = this.checkRunId;
      const first = batches.shift() ?? [];
      if (id === void 0) {
        const { data } = await this.client.rest.checks.create({
          owner,
          repo,
          name: request.name,
          head_sha: headSha,
          status: "completed",
          conclusion,
          completed_at: (/* @__PURE__ */ new Date()).toISOString(),
          ...request.targetUrl ? { details_url: request.targetUrl } : {},
          output: output(first)
        });
        id = data.id;
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

// src/platform/github/context.ts
function isForkPullRequest(event) {
  const head = event.pull_request?.head?.repo?.full_name;
  const base = event.pull_request?.base?.repo?.full_name;
  return head !== void 0 && base !== void 0 && head !== base;
}
async function githubRunContext(env, event, client, log2) {
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? "").split("/");
  if (!owner || !repo) return void 0;
  const eventName = env.GITHUB_EVENT_NAME ?? "";
  const headSha = event.pull_request?.head?.sha ?? event.workflow_run?.head_sha ?? event.merge_group?.head_sha ?? env.GITHUB_SHA;
  let pullNumber = event.pull_request?.number;
  if (pullNumber === void 0 && eventName === "workflow_run" && headSha && client) {
    pullNumber = event.workflow_run?.pull_requests?.[0]?.number ?? await findPullRequestByHead(client, owner, repo, headSha).catch(() => void 0);
    log2.debug(`workflow_run: pull request ${pullNumber ?? "not found"} for ${headSha}`);
  }
  return {
    owner,
    repo,
    eventName,
    headSha,
    pullNumber,
    fork: eventName === "pull_request" && isForkPullRequest(event)
  };
}
var FORK_ADVICE = [
  "This pull request comes from a fork, so the token is read-only: containersec wrote the job summary and the",
  "report files but cannot comment or set a check. To comment on fork pull requests, run the gate in a",
  "`pull_request` workflow that uploads the report as an artifact, and publish it from a second workflow",
  "triggered by `workflow_run` (which has a write token and never checks out the fork). The README section",
  '"Fork pull requests" has both workflows, complete.'
].join(" ");

// src/platform/github/event.ts
import { readFileSync } from "node:fs";
function readEvent(env) {
  const file = env.GITHUB_EVENT_PATH;
  if (!file) return {};
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return {};
  }
}
var ZERO_SHA = /^0+$/;
function baseRevision(event, eventName) {
  const sha = event.pull_request?.base?.sha ?? event.merge_group?.base_sha ?? (eventName === "push" ? event.before : void 0);
  return sha && !ZERO_SHA.test(sha) ? sha : void 0;
}

// src/platform/github/links.ts
function fileUrlBuilder(env, sha) {
  const server = env.GITHUB_SERVER_URL ?? "https://github.com";
  const repo = env.GITHUB_REPOSITORY;
  if (!repo || !sha || !/^[0-9a-f]{40,64}$/.test(sha)) return void 0;
  return (file, line) => `${server}/${repo}/blob/${sha}/${file.split("/").map(encodeURIComponent).join("/")}${line ? `#L${line}` : ""}`;
}

// src/main.ts
var log = { info, warn: warning, debug };
function lines(value) {
  return value.split(/[\n,]/).map((v) => v.trim()).filter(Boolean);
}
async function ensureBase(root, sha) {
  if (!sha || await resolveCommit(root, sha)) return;
  const fetched = await git(root, ["fetch", "--no-tags", "--no-recurse-submodules", "--depth=1", "origin", sha]);
  if (fetched.code !== 0) info(`Could not fetch base commit ${sha}: ${fetched.stderr.trim()}`);
}
async function writeReports(outcome, summaryMarkdown, env) {
  const [{ renderJson }, { renderSarif }] = await Promise.all([
    import("./chunks/json-YGXSQNUY.js"),
    import("./chunks/sarif-LLJLDNQB.js")
  ]);
  const outDir = path.join(env.RUNNER_TEMP ?? os.tmpdir(), "containersec");
  await mkdir(outDir, { recursive: true });
  const files = {
    json: path.join(outDir, "containersec.json"),
    sarif: path.join(outDir, "containersec.sarif"),
    markdown: path.join(outDir, "containersec.md")
  };
  await writeFile(files.json, renderJson(outcome));
  await writeFile(files.sarif, renderSarif(outcome));
  await writeFile(files.markdown, summaryMarkdown);
  return files;
}
function setOutputs(model, files) {
  setOutput("verdict", model.verdict);
  setOutput("report-json", files.json);
  setOutput("sarif-file", files.sarif);
  setOutput("markdown-file", files.markdown);
  setOutput("findings", model.counts.total);
  setOutput("blocking", model.counts.blocking);
  setOutput("new", model.counts.new);
  for (const severity of ["critical", "high", "medium", "low"])
    setOutput(severity, model.counts.bySeverity[severity]);
}
async function publish(platform, outcome, model, template, checkName, runUrl) {
  const [{ renderMarkdown }, { annotationsFor }] = await Promise.all([
    import("./chunks/markdown-KOQY2KMM.js"),
    import("./chunks/annotations-F324SNGV.js")
  ]);
  const mode = outcome.policy.report.comment;
  if (mode !== "off" && platform.hasReviewThread) {
    const body = renderMarkdown(model, { maxChars: platform.commentLimit, template });
    const result = await platform.postComment({ marker: model.marker, body, mode });
    if (result.ok) info(`Pull request comment ${result.detail ?? "posted"}${result.url ? `: ${result.url}` : ""}`);
    else warning(`Could not comment on the pull request (${result.reason}). ${result.advice}`);
  }
  const summary2 = renderMarkdown(model, { maxChars: GITHUB_LIMITS.checkSummaryChars, template });
  const status = await platform.setStatus(
    {
      name: checkName,
      verdict: model.verdict,
      audit: outcome.policy.mode === "audit",
      description: model.headline,
      summary: summary2,
      ...runUrl ? { targetUrl: runUrl } : {}
    },
    annotationsFor(outcome.result.checks)
  );
  if (status.ok) info(`Status ${checkName}: ${status.detail ?? model.verdict}`);
  else warning(`Could not set the ${checkName} status (${status.reason}). ${status.advice}`);
}
async function run() {
  const env = process.env;
  const checkName = getInput("check-name") || "containersec";
  let platform;
  try {
    const token = getInput("github-token");
    if (token) setSecret(token);
    const event = readEvent(env);
    const client = token ? (await import("./chunks/client-7S6J2DJ2.js")).githubClient(token, env, log) : void 0;
    const context = await githubRunContext(env, event, client, log);
    const runUrl = env.GITHUB_RUN_ID ? `${env.GITHUB_SERVER_URL ?? "https://github.com"}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` : void 0;
    if (context?.fork) warning(FORK_ADVICE);
    else if (client && context?.headSha) {
      platform = new GithubPlatform(
        client,
        { owner: context.owner, repo: context.repo, pullNumber: context.pullNumber, headSha: context.headSha },
        log
      );
      const started = await platform.startCheck(checkName, runUrl);
      if (!started.ok)
        info(
          `Could not create the ${checkName} check run (${started.reason}); a commit status will be used. ${started.advice}`
        );
    }
    const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
    const dir = path.resolve(workspace, getInput("working-directory") || ".");
    const base = getInput("base") || baseRevision(event, env.GITHUB_EVENT_NAME);
    await ensureBase(dir, base);
    const policyInput = getInput("policy");
    const outcome = await runGate({
      dir,
      policyFile: policyInput ? path.resolve(dir, policyInput) : void 0,
      only: lines(getInput("only")),
      images: lines(getInput("images")),
      vulnDb: getInput("vuln-db") || void 0,
      base,
      ...getInput("baseline-report") ? { baseline: path.resolve(workspace, getInput("baseline-report")) } : {},
      env,
      log,
      onCheckStart: (id) => {
        debug(`check ${id} started`);
        if (env.CONTAINERSEC_EXIT_ON_FIRST_CHECK === "1") process.exit(0);
      }
    });
    const model = buildReportModel(outcome, {
      today: todayUtc(),
      fileUrl: fileUrlBuilder(env, context?.headSha),
      runUrl,
      commentKey: getInput("comment-key") || `${env.GITHUB_WORKFLOW ?? ""}/${env.GITHUB_JOB ?? ""}`
    });
    const [{ readCustomTemplate, renderMarkdown }, { COLOR, renderText }] = await Promise.all([
      import("./chunks/markdown-KOQY2KMM.js"),
      import("./chunks/text-TSYEWBSF.js")
    ]);
    const template = outcome.policy.report.template ? readCustomTemplate(outcome.root, outcome.policy.report.template) : void 0;
    const summaryMarkdown = renderMarkdown(model, { maxChars: GITHUB_LIMITS.stepSummaryBytes / 4, template });
    const files = await writeReports(outcome, summaryMarkdown, env);
    if (env.GITHUB_STEP_SUMMARY) await summary.addRaw(summaryMarkdown, true).write();
    info(renderText(model, COLOR));
    setOutputs(model, files);
    if (platform) await publish(platform, outcome, model, template, checkName, runUrl);
    if (outcome.result.verdict === "fail") setFailed(model.headline);
    else if (outcome.result.verdict === "error")
      setFailed(`${model.headline} Set \`on-error: warn\` in the policy to only warn.`);
  } catch (error) {
    const message = error instanceof ContainersecError && error.kind !== "internal" ? error.message : `containersec internal error: ${errorMessage(error)}`;
    if (platform)
      await platform.setStatus({
        name: checkName,
        verdict: "error",
        audit: false,
        description: message.split("\n", 1)[0] ?? message,
        summary: message
      });
    setFailed(message);
    if (!(error instanceof ContainersecError) && error instanceof Error && error.stack) debug(error.stack);
  }
}

// src/index.ts
await run();
