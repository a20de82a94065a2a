#!/usr/bin/env node
import { createRequire as __containersecCreateRequire } from 'node:module';
const require = __containersecCreateRequire(import.meta.url);
import {
  buildReportModel,
  didYouMeanSentence,
  family,
  git,
  resolveCommit,
  ruleRegistry,
  runGate,
  todayUtc
} from "./chunks/chunk-2OPRLLGH.js";
import {
  renderJson
} from "./chunks/chunk-IFH46DC3.js";
import {
  renderSarif
} from "./chunks/chunk-J2MBTBYG.js";
import {
  TOOL_NAME,
  TOOL_URI,
  TOOL_VERSION
} from "./chunks/chunk-5BJ2AJSQ.js";
import {
  GITHUB_COMMENT_MAX_CHARS,
  GITLAB_NOTE_MAX_CHARS,
  readCustomTemplate,
  renderMarkdown
} from "./chunks/chunk-WGEBG5VD.js";
import {
  ConfigurationError,
  ContainersecError,
  EXIT,
  PlatformError,
  errorMessage
} from "./chunks/chunk-P2ZAIUUO.js";
import {
  isFileLocation
} from "./chunks/chunk-WMGLMAQE.js";
import {
  PLAIN,
  chooseStyle,
  renderText
} from "./chunks/chunk-D77DQ6KG.js";
import "./chunks/chunk-GG6ZZSUU.js";

// src/cli/main.ts
import { access, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";

// src/docs/rule-doc.ts
function exceptionExample(rule) {
  const id = rule.id.endsWith("/*") ? `${family(rule.id)}/<id>` : rule.id;
  const fileBased = rule.check === "manifests" || rule.check === "hardening";
  const scope = fileBased ? '    paths: ["deploy/legacy/**"]\n' : rule.check === "images" ? '    images: ["ghcr.io/acme/web*"]\n' : "";
  const policy = `In \`.containersec.yml\` (a reason is mandatory; \`expires\` makes the finding block again after that date):

\`\`\`yaml
exceptions:
  - rule: ${id}
${scope}    reason: "why this is acceptable here"
    owner: "@team-platform"
    expires: 2027-01-31
\`\`\``;
  const inline = fileBased ? `

Or inline, on the line of the finding or the line above it:

\`\`\`yaml
# containersec:ignore ${id} why this is acceptable here
\`\`\`` : "";
  return policy + inline + (rule.exceptions ? `

${rule.exceptions}` : "");
}
function ruleMarkdown(rule) {
  const refs = rule.references?.length ? `
## References

${rule.references.map((r) => `- ${r}`).join("\n")}
` : "";
  return `# ${rule.id}: ${rule.title}

Check: \`${rule.check}\` \xB7 Default severity: **${rule.severity}**

## What it checks

${rule.description}

## Why it matters

${rule.rationale}

## How to fix

${rule.fix}

## How to except it

${exceptionExample(rule)}
${refs}`;
}

// src/platform/gitlab/env.ts
var TOKEN_VARIABLE_SETTING = "CONTAINERSEC_GITLAB_TOKEN_VARIABLE";
var DEFAULT_TOKEN_VARIABLE = "CONTAINERSEC_GITLAB_TOKEN";
var COMMENT_KEY_VARIABLE = "CONTAINERSEC_COMMENT_KEY";
var STATUS_NAME_VARIABLE = "CONTAINERSEC_STATUS_NAME";
var DEFAULT_STATUS_NAME = "containersec";
var SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
var ZERO_SHA = /^0+$/;
function value(env, name) {
  const v = env[name]?.trim();
  return v ? v : void 0;
}
function sha(env, name) {
  const v = value(env, name);
  return v && SHA.test(v) && !ZERO_SHA.test(v) ? v : void 0;
}
function isGitlabCi(env) {
  return env.GITLAB_CI === "true";
}
function readGitlabContext(env) {
  const named = value(env, TOKEN_VARIABLE_SETTING) ?? DEFAULT_TOKEN_VARIABLE;
  const valid = /^[A-Za-z_][A-Za-z0-9_]*$/.test(named);
  const tokenVariable = valid ? named : DEFAULT_TOKEN_VARIABLE;
  const iid = value(env, "CI_MERGE_REQUEST_IID");
  const pipelineId = value(env, "CI_PIPELINE_ID");
  const context = {
    apiUrl: value(env, "CI_API_V4_URL"),
    projectId: value(env, "CI_PROJECT_ID"),
    projectUrl: value(env, "CI_PROJECT_URL"),
    mergeRequestIid: iid && /^\d+$/.test(iid) ? iid : void 0,
    sha: sha(env, "CI_COMMIT_SHA"),
    diffBaseSha: sha(env, "CI_MERGE_REQUEST_DIFF_BASE_SHA"),
    beforeSha: sha(env, "CI_COMMIT_BEFORE_SHA"),
    pipelineId: pipelineId && /^\d+$/.test(pipelineId) ? pipelineId : void 0,
    jobUrl: value(env, "CI_JOB_URL"),
    jobName: value(env, "CI_JOB_NAME"),
    tokenVariable,
    token: value(env, tokenVariable)
  };
  if (!valid) {
    context.tokenVariableProblem = `${TOKEN_VARIABLE_SETTING} is "${named.slice(0, 80)}", which is not a variable name; using ${DEFAULT_TOKEN_VARIABLE}.`;
  }
  return context;
}
function gitlabCommentKey(env) {
  return value(env, COMMENT_KEY_VARIABLE) ?? value(env, "CI_JOB_NAME") ?? "gitlab";
}
function missingTokenAdvice(context) {
  const where = context.projectUrl ? ` (${context.projectUrl}/-/settings/access_tokens)` : "";
  const variables = context.projectUrl ? ` (${context.projectUrl}/-/settings/ci_cd, Variables)` : "";
  return [
    `No GitLab token in $${context.tokenVariable}, so the merge-request note and the commit status were not posted`,
    `(CI_JOB_TOKEN cannot write merge-request notes). The reports were still written as artifacts and the summary is in this job log.`,
    `To publish: create a project access token${where} (or a group access token) with the "api" scope and the Developer role`,
    `(Reporter is enough for the note alone; the commit status needs Developer), then add it as a CI/CD variable${variables}`,
    `named ${context.tokenVariable}, with "Mask variable" on. Leave "Protect variable" off if merge requests come from`,
    `unprotected branches: protected variables only reach pipelines of protected branches and tags.`
  ].join(" ");
}
function gitlabFileUrlBuilder(context) {
  const { projectUrl, sha: commit } = context;
  if (!projectUrl || !commit || !/^https?:\/\//.test(projectUrl)) return void 0;
  return (file, line) => `${projectUrl.replace(/\/+$/, "")}/-/blob/${commit}/${file.split("/").map(encodeURIComponent).join("/")}${line ? `#L${line}` : ""}`;
}

// src/platform/gitlab/client.ts
var GITLAB_MAX_PER_PAGE = 100;
var GITLAB_MAX_PAGES = 50;
var GITLAB_MAX_ATTEMPTS = 4;
var GITLAB_MAX_RETRY_AFTER_SECONDS = 60;
var GITLAB_REQUEST_TIMEOUT_MS = 3e4;
var GITLAB_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
var GitlabApiError = class extends PlatformError {
  constructor(code, message, status2, advice) {
    super(code, message);
    this.status = status2;
    this.advice = advice;
  }
  status;
  advice;
};
var defaultSleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
function retryAfterSeconds(value2, now = Date.now()) {
  if (!value2) return 1;
  const trimmed = value2.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? 1 : Math.max(0, Math.ceil((date - now) / 1e3));
}
function serverMessage(text) {
  let message = text;
  try {
    const parsed = JSON.parse(text);
    message = parsed.message ?? parsed.error_description ?? parsed.error ?? text;
  } catch {
  }
  const flat = (typeof message === "string" ? message : JSON.stringify(message)).replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  return flat.length > 300 ? `${flat.slice(0, 299)}\u2026` : flat;
}
var GitlabClient = class {
  constructor(options) {
    this.options = options;
    this.base = options.apiUrl.replace(/\/+$/, "");
    this.fetchImpl = options.fetch ?? ((url, init2) => fetch(url, init2));
    this.sleep = options.sleep ?? defaultSleep;
    this.maxAttempts = options.maxAttempts ?? GITLAB_MAX_ATTEMPTS;
  }
  options;
  base;
  fetchImpl;
  sleep;
  maxAttempts;
  /** Removes the token from any text before it is shown. */
  redact(text) {
    return this.options.token ? text.split(this.options.token).join("[token]") : text;
  }
  async request(method, path2, body, what = path2) {
    const url = `${this.base}${path2}`;
    for (let attempt = 1; ; attempt++) {
      let response;
      try {
        response = await this.fetchImpl(url, {
          method,
          headers: {
            "PRIVATE-TOKEN": this.options.token,
            Accept: "application/json",
            "User-Agent": `${TOOL_NAME}/${TOOL_VERSION}`,
            ...body === void 0 ? {} : { "Content-Type": "application/json" }
          },
          ...body === void 0 ? {} : { body: JSON.stringify(body) },
          redirect: "error",
          signal: AbortSignal.timeout(GITLAB_REQUEST_TIMEOUT_MS)
        });
      } catch (error) {
        if (attempt < this.maxAttempts) {
          await this.sleep(1e3 * 2 ** (attempt - 1));
          continue;
        }
        const reason = error instanceof Error ? error.cause instanceof Error ? error.cause.message : error.message : "";
        throw new GitlabApiError(
          "GITLAB_UNREACHABLE",
          this.redact(`Could not reach GitLab at ${this.base} for ${what} after ${attempt} attempts: ${reason}.`),
          void 0,
          "Check CI_API_V4_URL and that the runner can reach the GitLab API."
        );
      }
      const text = await this.readBody(response);
      if (response.ok) {
        return { status: response.status, headers: response.headers, data: text ? JSON.parse(text) : null };
      }
      if (response.status === 429 && attempt < this.maxAttempts) {
        const wait = retryAfterSeconds(response.headers.get("retry-after"));
        if (wait <= GITLAB_MAX_RETRY_AFTER_SECONDS) {
          await this.sleep(wait * 1e3);
          continue;
        }
      }
      if (response.status >= 500 && attempt < this.maxAttempts) {
        await this.sleep(1e3 * 2 ** (attempt - 1));
        continue;
      }
      throw this.failure(response, text, what, attempt);
    }
  }
  /** Every item of a list endpoint, following `x-next-page` (GitLab's offset pagination), bounded. */
  async list(path2, query, what = path2) {
    const items = [];
    let page = 1;
    for (let read = 0; read < GITLAB_MAX_PAGES; read++) {
      const params = new URLSearchParams({ ...query, per_page: String(GITLAB_MAX_PER_PAGE), page: String(page) });
      const response = await this.request("GET", `${path2}?${params.toString()}`, void 0, what);
      if (!Array.isArray(response.data)) {
        throw new GitlabApiError(
          "GITLAB_UNEXPECTED",
          `GitLab answered ${what} with something other than a list.`,
          response.status,
          "Check that CI_API_V4_URL points at the GitLab API (it ends in /api/v4)."
        );
      }
      items.push(...response.data);
      const next = Number(response.headers.get("x-next-page") ?? "");
      if (!Number.isInteger(next) || next <= page) return items;
      page = next;
    }
    return items;
  }
  async readBody(response) {
    const declared = Number(response.headers.get("content-length") ?? "0");
    if (declared > GITLAB_MAX_RESPONSE_BYTES) {
      await response.body?.cancel();
      throw new GitlabApiError(
        "GITLAB_RESPONSE_TOO_LARGE",
        `GitLab sent a ${declared}-byte response; the limit is ${GITLAB_MAX_RESPONSE_BYTES}.`,
        response.status,
        "Check that CI_API_V4_URL points at the GitLab API."
      );
    }
    return response.text();
  }
  failure(response, text, what, attempts) {
    const status2 = response.status;
    const variable = this.options.tokenVariable;
    const said = serverMessage(text);
    const detail = said ? ` GitLab said: ${said}` : "";
    const make = (code, message, advice) => new GitlabApiError(code, this.redact(`${message}${detail}`), status2, advice);
    switch (status2) {
      case 401:
        return make(
          "GITLAB_UNAUTHORIZED",
          `GitLab rejected the token in ${variable} for ${what} (401 Unauthorized): it is wrong, expired or revoked.`,
          `Create a new project or group access token with the api scope and put it in the masked CI/CD variable ${variable}.`
        );
      case 403:
        return make(
          "GITLAB_FORBIDDEN",
          `GitLab refused ${what} (403 Forbidden) for the token in ${variable}.`,
          `Give the token the api scope (read_api cannot write) and at least the Developer role (Reporter is enough for the merge-request note, the commit status needs Developer).`
        );
      case 404:
        return make(
          "GITLAB_NOT_FOUND",
          `GitLab answered 404 Not Found for ${what}.`,
          `The token in ${variable} cannot see this project or merge request (a token of another project or group?), or CI_API_V4_URL (${this.base}) is not this instance's API.`
        );
      case 429:
        return make(
          "GITLAB_RATE_LIMITED",
          `GitLab rate-limited ${what} (429 Too Many Requests) after ${attempts} attempt(s), asking to wait ${retryAfterSeconds(response.headers.get("retry-after"))} s.`,
          "Run fewer parallel containersec jobs against this instance, or ask its administrator about the API rate limits."
        );
      default:
        if (status2 >= 500) {
          return make(
            "GITLAB_SERVER_ERROR",
            `GitLab failed ${what} with ${status2} after ${attempts} attempts.`,
            "GitLab itself had a problem; retry the job. The reports were written as artifacts either way."
          );
        }
        return make(
          "GITLAB_REJECTED",
          `GitLab rejected ${what} with ${status2}.`,
          "This is likely a containersec bug or an unsupported GitLab version; please report it with this message."
        );
    }
  }
};

// src/platform/gitlab/platform.ts
var GITLAB_STATUS_DESCRIPTION_MAX_CHARS = 255;
var GITLAB_STATUS_NAME_MAX_CHARS = 255;
function gitlabState(verdict, audit) {
  if (audit) return "success";
  return verdict === "fail" || verdict === "error" ? "failed" : "success";
}
function cut(text, max) {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}\u2026` : flat;
}
function failure(error, what) {
  if (error instanceof GitlabApiError) return { ok: false, reason: error.message, advice: error.advice };
  return {
    ok: false,
    reason: `Could not ${what}: ${errorMessage(error)}`,
    advice: "This is likely a containersec bug; please report it with this message."
  };
}
var GitlabPlatform = class {
  constructor(client, target) {
    this.client = client;
    this.target = target;
    this.hasReviewThread = !!target.mergeRequestIid;
    this.project = `/projects/${encodeURIComponent(target.projectId)}`;
  }
  client;
  target;
  name = "gitlab";
  commentLimit = GITLAB_NOTE_MAX_CHARS;
  hasReviewThread;
  project;
  async postComment(request) {
    const iid = this.target.mergeRequestIid;
    if (!iid) {
      return { ok: false, reason: "This pipeline has no merge request to comment on.", advice: "Nothing to do." };
    }
    const notes = `${this.project}/merge_requests/${iid}/notes`;
    try {
      if (request.mode === "update") {
        const existing = await this.findOurNote(notes, request.marker, iid);
        if (existing) {
          try {
            await this.client.request(
              "PUT",
              `${notes}/${existing.id}`,
              { body: request.body },
              `updating note ${existing.id} on !${iid}`
            );
            return { ok: true, detail: `updated note ${existing.id} on merge request !${iid}` };
          } catch (error) {
            if (!(error instanceof GitlabApiError && error.status === 404)) throw error;
          }
        }
      }
      const created = await this.client.request(
        "POST",
        notes,
        { body: request.body },
        `adding a note to !${iid}`
      );
      return { ok: true, detail: `added note ${created.data?.id ?? "?"} to merge request !${iid}` };
    } catch (error) {
      return failure(error, `comment on merge request !${iid}`);
    }
  }
  async setStatus(request) {
    const sha2 = this.target.sha;
    if (!sha2) {
      return {
        ok: false,
        reason: "CI_COMMIT_SHA is not set, so there is no commit to set a status on.",
        advice: "Run in GitLab CI."
      };
    }
    const body = {
      state: gitlabState(request.verdict, request.audit),
      name: cut(request.name, GITLAB_STATUS_NAME_MAX_CHARS),
      description: cut(request.description, GITLAB_STATUS_DESCRIPTION_MAX_CHARS),
      ...request.targetUrl && /^https?:\/\//.test(request.targetUrl) ? { target_url: request.targetUrl } : {},
      ...this.target.pipelineId ? { pipeline_id: Number(this.target.pipelineId) } : {}
    };
    try {
      await this.client.request(
        "POST",
        `${this.project}/statuses/${sha2}`,
        body,
        `setting the ${body.name} status on ${sha2.slice(0, 12)}`
      );
      return { ok: true, detail: `commit status ${body.name}: ${body.state} on ${sha2.slice(0, 12)}` };
    } catch (error) {
      return failure(error, "set the commit status");
    }
  }
  /** Our note: not a system note, starting with our marker, written by the token's user when GitLab tells us who that is. */
  async findOurNote(path2, marker, iid) {
    const me = await this.currentUserId();
    const notes = await this.client.list(
      path2,
      { sort: "asc", order_by: "created_at" },
      `listing the notes of !${iid}`
    );
    return notes.find(
      (note) => !note.system && typeof note.body === "string" && note.body.startsWith(marker) && (me === void 0 || note.author?.id === me)
    );
  }
  async currentUserId() {
    try {
      const user = await this.client.request("GET", "/user", void 0, "reading the token user");
      return typeof user.data?.id === "number" ? user.data.id : void 0;
    } catch (error) {
      if (error instanceof GitlabApiError && error.status === 401) throw error;
      return void 0;
    }
  }
};

// src/platform/gitlab/publish.ts
function report(log, what, outcome) {
  if (outcome.ok) log.info(`GitLab: ${outcome.detail ?? what}.`);
  else log.warn(`GitLab: ${outcome.reason} ${outcome.advice}`);
}
async function publishToGitlab(options) {
  const { outcome, env, log } = options;
  try {
    const context = readGitlabContext(env);
    if (context.tokenVariableProblem) log.warn(context.tokenVariableProblem);
    if (!context.apiUrl || !context.projectId) {
      log.warn(
        "GitLab: CI_API_V4_URL or CI_PROJECT_ID is not set, so nothing was published. Publishing runs inside GitLab CI (or set both)."
      );
      return;
    }
    if (!context.token) {
      log.warn(`GitLab: ${missingTokenAdvice(context)}`);
      return;
    }
    const client = new GitlabClient({
      apiUrl: context.apiUrl,
      token: context.token,
      tokenVariable: context.tokenVariable,
      ...options.fetch ? { fetch: options.fetch } : {},
      ...options.sleep ? { sleep: options.sleep } : {}
    });
    const platform = new GitlabPlatform(client, {
      projectId: context.projectId,
      ...context.mergeRequestIid ? { mergeRequestIid: context.mergeRequestIid } : {},
      ...context.sha ? { sha: context.sha } : {},
      ...context.pipelineId ? { pipelineId: context.pipelineId } : {}
    });
    const model = buildReportModel(outcome, {
      today: todayUtc(),
      fileUrl: gitlabFileUrlBuilder(context),
      ...context.jobUrl ? { runUrl: context.jobUrl } : {},
      commentKey: gitlabCommentKey(env)
    });
    const mode = options.comment ?? outcome.policy.report.comment;
    if (mode === "off") log.info("GitLab: report.comment is off, so no merge-request note.");
    else if (!platform.hasReviewThread) log.info("GitLab: not a merge-request pipeline, so no merge-request note.");
    else {
      const template = outcome.policy.report.template ? readCustomTemplate(outcome.root, outcome.policy.report.template) : void 0;
      const body = renderMarkdown(model, { maxChars: platform.commentLimit, template });
      report(log, "note posted", await platform.postComment({ marker: model.marker, body, mode }));
    }
    const name = options.statusName ?? env[STATUS_NAME_VARIABLE]?.trim() ?? DEFAULT_STATUS_NAME;
    report(
      log,
      "status set",
      await platform.setStatus({
        name: name || DEFAULT_STATUS_NAME,
        verdict: outcome.result.verdict,
        audit: outcome.policy.mode === "audit",
        description: model.headline,
        ...context.jobUrl ? { targetUrl: context.jobUrl } : {}
      })
    );
  } catch (error) {
    log.warn(`GitLab: publishing failed: ${errorMessage(error)}. The verdict and the reports are unaffected.`);
  }
}
async function ensureGitlabBase(root, sha2, log) {
  if (await resolveCommit(root, sha2)) return true;
  const fetched = await git(root, ["fetch", "--no-tags", "--no-recurse-submodules", "--depth=1", "origin", sha2]);
  if (fetched.code !== 0) {
    const reason = (fetched.stderr.trim().split("\n")[0] ?? "").replace(/\/\/[^/@\s]+@/g, "//");
    log.info(`Could not fetch the merge-request base ${sha2}: ${reason}`);
    return false;
  }
  return true;
}

// src/policy/starter.ts
var SCHEMA_URL = "https://raw.githubusercontent.com/containersec/containersec/main/schema/containersec.schema.json";
var STARTER_POLICY = `# yaml-language-server: $schema=${SCHEMA_URL}
# containersec policy. Reference: docs/policy.md. Rule docs: \`containersec explain <rule-id>\`.
version: 1

# Start from a built-in preset: recommended | strict | audit (report only, never blocks).
extends: recommended

# A check that cannot finish fails the gate (fail closed). Use "warn" to only report it.
on-error: fail

gate:
  # Block only on findings this pull/merge request introduces; existing ones are listed, not blocking.
  new-only: true

checks:
  # CI definitions (.github/workflows, composite actions, .gitlab-ci.yml) and the runner itself.
  hardening:
    fail-on: high
    # Action owners that may be referenced by tag instead of a full commit SHA.
    allowed-unpinned: ["actions/*", "github/*"]

  # Kubernetes YAML, Dockerfiles and compose files.
  manifests:
    fail-on: high
    pod-security: { level: restricted, version: latest }
    # paths: ["deploy/**", "**/Dockerfile*", "**/*compose*.y*ml"]

  # Container images: vulnerabilities, end of life, secrets, configuration.
  images:
    # targets: ["ghcr.io/acme/web:\${GITHUB_SHA}"]
    vulnerabilities: { fail-on: critical, ignore-unfixed: true }
    eol: fail
    secrets: fail

  # Signatures and digest pinning.
  signatures:
    pinned-digests: warn
    # require:
    #   - images: "ghcr.io/acme/**"
    #     keyless:
    #       issuer: https://token.actions.githubusercontent.com
    #       subject-regexp: "^https://github.com/acme/.+/.github/workflows/release.yml@refs/heads/main$"

# Accepted findings. A reason is mandatory; after \`expires\` the finding blocks again.
exceptions: []
#  - rule: k8s/image-unpinned
#    paths: ["deploy/legacy/**"]
#    reason: "legacy chart, replaced in Q1"
#    owner: "@acme/platform"
#    expires: 2027-01-31

report:
  comment: update   # update | new | off
`;

// src/report/codequality.ts
var SEVERITY = {
  critical: "blocker",
  high: "critical",
  medium: "major",
  low: "minor",
  info: "info"
};
var DESCRIPTION_MAX_CHARS = 2e3;
function plain(text) {
  const flat = text.replace(/[\r\n\t]+/g, " ").replace(/[\u0000-\u001f\u007f]/g, "");
  return flat.length > DESCRIPTION_MAX_CHARS ? `${flat.slice(0, DESCRIPTION_MAX_CHARS - 1)}\u2026` : flat;
}
function issue(finding) {
  const where = [finding.location.object, finding.location.container && `container ${finding.location.container}`].filter(Boolean).join(", ");
  return {
    description: plain(`${finding.title}: ${finding.message}${where ? ` (${where})` : ""}`),
    check_name: finding.ruleId,
    fingerprint: finding.fingerprint,
    severity: SEVERITY[finding.severity],
    location: {
      path: finding.location.path,
      lines: { begin: finding.location.startLine && finding.location.startLine > 0 ? finding.location.startLine : 1 }
    }
  };
}
function reportable(finding) {
  const excepted = !!finding.exception && !finding.exception.expired;
  return isFileLocation(finding.location) && finding.location.path !== "" && !excepted;
}
function renderCodeQuality(outcome) {
  const issues = outcome.result.checks.flatMap((check2) => check2.findings.filter(reportable).map(issue));
  return `${JSON.stringify(issues, null, 2)}
`;
}

// src/report/gitlab-container-scanning.ts
var CONTAINER_SCANNING_SCHEMA_VERSION = "15.0.7";
var NAME_MAX_CHARS = 255;
var DESCRIPTION_MAX_CHARS2 = 1048576;
var SOLUTION_MAX_CHARS = 7e3;
var SEVERITY2 = {
  critical: "Critical",
  high: "High",
  medium: "Medium",
  low: "Low",
  info: "Info"
};
var OS_ECOSYSTEMS = /^(AlmaLinux|Alpine|Amazon Linux|Azure Linux|Bitnami|Chainguard|Debian|Mageia|Mariner|openEuler|openSUSE|Photon OS|Red Hat|Rocky Linux|SUSE|Ubuntu|Wolfi)(?::|$)/i;
function schemaTime(date) {
  return date.toISOString().slice(0, 19);
}
function plain2(text, max) {
  const flat = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "");
  return flat.length > max ? `${flat.slice(0, max - 1)}\u2026` : flat;
}
function uuidFrom(fingerprint) {
  const hex = fingerprint.replace(/[^0-9a-f]/gi, "").toLowerCase().padEnd(32, "0").slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
function operatingSystem(ecosystem) {
  return OS_ECOSYSTEMS.test(ecosystem) ? ecosystem.replace(":", " ") : "Unknown";
}
function identifier(id) {
  const clean = plain2(id, 200);
  const encoded = encodeURIComponent(clean);
  if (/^CVE-\d{4}-\d+$/i.test(clean))
    return { type: "cve", name: clean, value: clean, url: `https://nvd.nist.gov/vuln/detail/${encoded}` };
  if (/^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$/i.test(clean))
    return { type: "ghsa", name: clean, value: clean, url: `https://github.com/advisories/${encoded}` };
  const prefix = /^([A-Za-z]+)-/.exec(clean)?.[1]?.toLowerCase() ?? "osv";
  return { type: prefix, name: clean, value: clean, url: `https://osv.dev/vulnerability/${encoded}` };
}
function status(finding) {
  const parts = [finding.blocking ? "blocking" : "not blocking", finding.new ? "new in this change" : "existing"];
  if (finding.exception) {
    parts.push(
      finding.exception.expired ? `exception expired ${finding.exception.expires ?? ""}`.trim() : `excepted${finding.exception.expires ? ` until ${finding.exception.expires}` : ""}: ${finding.exception.reason}`
    );
  }
  return plain2(parts.join("; "), 2e3);
}
function vulnerability(finding) {
  const pkg = finding.package;
  const advisory = finding.vulnerability;
  const ids = [advisory?.id ?? finding.ruleId.replace(/^vuln\//, ""), ...advisory?.aliases ?? []].filter(
    (id, index, all) => id.trim() !== "" && all.indexOf(id) === index
  );
  const fixed = advisory?.fixed.filter(Boolean) ?? [];
  const solution = finding.fix ?? (fixed.length > 0 ? `Upgrade ${pkg.name} to ${fixed.join(" or ")}.` : void 0);
  return {
    id: uuidFrom(finding.fingerprint),
    name: plain2(finding.title, NAME_MAX_CHARS),
    description: plain2(finding.message, DESCRIPTION_MAX_CHARS2),
    severity: SEVERITY2[finding.severity],
    ...solution ? { solution: plain2(solution, SOLUTION_MAX_CHARS) } : {},
    identifiers: ids.map(identifier),
    location: {
      dependency: { package: { name: plain2(pkg.name, 1e3) }, version: plain2(pkg.version, 1e3) },
      operating_system: operatingSystem(pkg.ecosystem),
      image: plain2(finding.location.image, 1e3) || "unknown"
    },
    details: {
      containersec: { name: TOOL_NAME, type: "text", value: status(finding) }
    }
  };
}
function reportable2(finding) {
  return finding.ruleId.startsWith("vuln/") && !isFileLocation(finding.location) && !!finding.package;
}
function renderGitlabContainerScanning(outcome, window) {
  const images = outcome.result.checks.find((c) => c.id === "images");
  const failed = images?.status === "error";
  const messages = [
    ...(images?.errors ?? []).map((e) => ({ level: failed ? "fatal" : "warn", value: plain2(e, 2e3) || "error" })),
    ...!images || images.status === "skipped" ? [{ level: "info", value: "Image scanning did not run in this pipeline." }] : []
  ];
  const analyzer = {
    id: TOOL_NAME,
    name: TOOL_NAME,
    url: TOOL_URI,
    vendor: { name: TOOL_NAME },
    version: TOOL_VERSION
  };
  const report2 = {
    version: CONTAINER_SCANNING_SCHEMA_VERSION,
    scan: {
      analyzer,
      scanner: analyzer,
      type: "container_scanning",
      status: failed ? "failure" : "success",
      start_time: schemaTime(window.start),
      end_time: schemaTime(window.end),
      ...messages.length > 0 ? { messages } : {}
    },
    vulnerabilities: (images?.findings ?? []).filter(reportable2).map(vulnerability)
  };
  return `${JSON.stringify(report2, null, 2)}
`;
}

// src/cli/main.ts
var FORMATS = ["text", "json", "sarif", "markdown", "gitlab", "codequality"];
var AVAILABLE_FORMATS = [...FORMATS];
var PUBLISH_TARGETS = ["gitlab", "none"];
var COMMENT_MODES = ["update", "new", "off"];
var ON_ERROR = ["fail", "warn"];
var USAGE = `Usage:
  containersec check [DIR]          run the gate on a checkout (default: .)
      --policy FILE                 policy file (default DIR/.containersec.yml, else the built-in recommended policy)
      --only LIST                   comma list of: hardening,images,manifests,signatures
      --image REF                   image to scan (repeatable): oci:PATH[:TAG] docker-archive:PATH oci-archive:PATH
                                    dir:PATH sbom:PATH or REGISTRY/REPO[:TAG][@sha256:...]
      --vuln-db SRC                 osv-api | osv-api:URL | PATH
      --image-list LIST             images as a JSON array or a comma/newline list (for CI inputs)
      --base REF                    git revision to compare with, for "new in this change"
                                    (default in a GitLab merge-request pipeline: CI_MERGE_REQUEST_DIFF_BASE_SHA)
      --on-error fail|warn          override the policy's on-error for every check
      --format FORMAT               text | json | sarif | markdown | gitlab | codequality (default text)
      --output FILE | FORMAT=FILE   write the report to a file (repeatable as FORMAT=FILE)
      --publish gitlab|none         post the MR note and commit status (default: gitlab when GITLAB_CI=true)
      --comment update|new|off      override the policy's report.comment
      --status-name NAME            commit status name (default containersec, or CONTAINERSEC_STATUS_NAME)
      --debug                       print stack traces for internal errors
  containersec sbom REF --format cyclonedx|spdx|json
  containersec init [DIR] [--force] write a commented starter .containersec.yml
  containersec explain RULE_ID      what a rule checks, why, how to fix, how to except it
  containersec explain --list       every rule id

Exit codes: 0 passed (warnings allowed), 1 blocked, 2 usage or policy error, 3 internal error.`;
function exitFor(verdict) {
  return verdict === "fail" ? EXIT.blocked : verdict === "error" ? EXIT.internal : EXIT.pass;
}
function usageError(message) {
  return new ConfigurationError("USAGE", `${message}

${USAGE}`);
}
function parseFormat(value2, flag) {
  if (!FORMATS.includes(value2)) {
    throw usageError(
      `${flag}: unknown format "${value2}"; expected one of: ${AVAILABLE_FORMATS.join(", ")}.${didYouMeanSentence(value2, FORMATS)}`
    );
  }
  if (!AVAILABLE_FORMATS.includes(value2)) {
    throw new ConfigurationError(
      "USAGE",
      `${flag}: the ${value2} format is not available in this build of containersec; use one of: ${AVAILABLE_FORMATS.join(", ")}.`
    );
  }
  return value2;
}
function oneOf(value2, allowed, flag) {
  if (value2 === void 0) return void 0;
  if (!allowed.includes(value2)) {
    throw usageError(
      `${flag}: "${value2}" is not one of: ${allowed.join(", ")}.${didYouMeanSentence(value2, [...allowed])}`
    );
  }
  return value2;
}
function parseImageList(value2) {
  const trimmed = value2.trim();
  if (trimmed === "") return [];
  if (trimmed.startsWith("[")) {
    let parsed;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw usageError(`--image-list: "${trimmed.slice(0, 100)}" is not a JSON array of image references.`);
    }
    if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === "string"))
      throw usageError('--image-list: expected a JSON array of strings, e.g. ["registry.example.com/app:1.0"].');
    return parsed.map((item) => item.trim()).filter(Boolean);
  }
  return trimmed.split(/[\n,]/).map((item) => item.trim()).filter(Boolean);
}
function render(format, outcome, io, toTerminal, window) {
  const today = todayUtc();
  const model = () => buildReportModel(outcome, { today });
  switch (format) {
    case "json":
      return renderJson(outcome);
    case "sarif":
      return renderSarif(outcome);
    case "gitlab":
      return renderGitlabContainerScanning(outcome, window);
    case "codequality":
      return renderCodeQuality(outcome);
    case "markdown": {
      const template = outcome.policy.report.template ? readCustomTemplate(outcome.root, outcome.policy.report.template) : void 0;
      return renderMarkdown(model(), { maxChars: GITHUB_COMMENT_MAX_CHARS, template });
    }
    default:
      return renderText(model(), toTerminal ? chooseStyle(io.stdout, io.env) : PLAIN);
  }
}
function makeLogger(io, debug) {
  return {
    info: (m) => io.stderr.write(`${m}
`),
    warn: (m) => io.stderr.write(`warning: ${m}
`),
    debug: (m) => debug ? io.stderr.write(`debug: ${m}
`) : void 0
  };
}
async function check(args, io) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      policy: { type: "string" },
      only: { type: "string", multiple: true },
      image: { type: "string", multiple: true },
      "image-list": { type: "string" },
      "vuln-db": { type: "string" },
      base: { type: "string" },
      "on-error": { type: "string" },
      format: { type: "string", default: "text" },
      output: { type: "string", multiple: true },
      publish: { type: "string" },
      comment: { type: "string" },
      "status-name": { type: "string" },
      debug: { type: "boolean", default: false }
    }
  });
  if (positionals.length > 1) throw usageError(`check takes one directory, got: ${positionals.join(" ")}`);
  const format = parseFormat(values.format, "--format");
  const outputs = [];
  for (const output of values.output ?? []) {
    const match = /^([a-z]+)=(.+)$/.exec(output);
    if (match && FORMATS.includes(match[1]))
      outputs.push({ format: parseFormat(match[1], "--output"), file: match[2] });
    else outputs.push({ format, file: output });
  }
  const publish = oneOf(values.publish, PUBLISH_TARGETS, "--publish") ?? (isGitlabCi(io.env) ? "gitlab" : "none");
  const comment = oneOf(values.comment, COMMENT_MODES, "--comment");
  const onError = oneOf(values["on-error"], ON_ERROR, "--on-error");
  const images = [...values.image ?? [], ...parseImageList(values["image-list"] ?? "")];
  const dir = path.resolve(io.cwd, positionals[0] ?? ".");
  const log = makeLogger(io, values.debug);
  let base = values.base;
  const gitlab = isGitlabCi(io.env) ? readGitlabContext(io.env) : void 0;
  const diffBase = gitlab?.diffBaseSha ?? gitlab?.beforeSha;
  if (base === void 0 && diffBase) {
    base = diffBase;
    await ensureGitlabBase(dir, diffBase, log);
  }
  const window = { start: /* @__PURE__ */ new Date(), end: /* @__PURE__ */ new Date() };
  const outcome = await runGate({
    dir,
    dirLabel: positionals[0] ?? ".",
    policyFile: values.policy ? path.resolve(io.cwd, values.policy) : void 0,
    only: values.only,
    images,
    vulnDb: values["vuln-db"],
    base,
    onError,
    env: io.env,
    log
  });
  window.end = /* @__PURE__ */ new Date();
  for (const output of outputs) {
    const file = path.resolve(io.cwd, output.file);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, render(output.format, outcome, io, false, window));
  }
  if (!outputs.some((o) => o.format === format && values.output?.includes(o.file))) {
    io.stdout.write(render(format, outcome, io, true, window));
  } else {
    io.stderr.write(`${TOOL_NAME}: verdict ${outcome.result.verdict}
`);
  }
  if (publish === "gitlab") {
    await publishToGitlab({
      outcome,
      env: io.env,
      log,
      ...comment ? { comment } : {},
      ...values["status-name"] ? { statusName: values["status-name"] } : {},
      ...io.fetch ? { fetch: io.fetch } : {},
      ...io.sleep ? { sleep: io.sleep } : {}
    });
  }
  return exitFor(outcome.result.verdict);
}
async function init(args, io) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { force: { type: "boolean", default: false } }
  });
  const file = path.join(path.resolve(io.cwd, positionals[0] ?? "."), ".containersec.yml");
  const exists = await access(file).then(
    () => true,
    () => false
  );
  if (exists && !values.force)
    throw new ConfigurationError("USAGE", `${file} already exists; pass --force to overwrite it.`);
  await writeFile(file, STARTER_POLICY);
  io.stdout.write(`Wrote ${file}. Edit it, then run \`containersec check\`.
`);
  return EXIT.pass;
}
function explain(args, io) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { list: { type: "boolean", default: false } }
  });
  const rules = ruleRegistry();
  if (values.list) {
    for (const rule2 of rules.all()) io.stdout.write(`${rule2.id.padEnd(44)} ${rule2.severity.padEnd(9)} ${rule2.title}
`);
    return EXIT.pass;
  }
  const id = positionals[0];
  if (!id) throw usageError("explain needs a rule id, e.g. `containersec explain manifests/parse-error`, or --list.");
  const rule = rules.get(id);
  if (!rule) {
    throw new ConfigurationError(
      "UNKNOWN_RULE",
      `unknown rule id "${id}".${didYouMeanSentence(
        id,
        rules.all().map((r) => r.id)
      )} \`containersec explain --list\` prints every rule.`
    );
  }
  io.stdout.write(ruleMarkdown(rule));
  return EXIT.pass;
}
async function cli(argv, io) {
  const [command, ...rest] = argv;
  const debug = rest.includes("--debug");
  try {
    switch (command) {
      case "check":
        return await check(rest, io);
      case "init":
        return await init(rest, io);
      case "explain":
        return explain(rest, io);
      case "sbom":
        throw new ConfigurationError(
          "USAGE",
          "sbom: image cataloguing is not available in this build of containersec."
        );
      case "--version":
      case "-v":
        io.stdout.write(`${TOOL_VERSION}
`);
        return EXIT.pass;
      case void 0:
      case "--help":
      case "-h":
      case "help":
        io.stdout.write(`${USAGE}
`);
        return command === void 0 ? EXIT.usage : EXIT.pass;
      default:
        throw usageError(
          `unknown command "${command}".${didYouMeanSentence(command, ["check", "init", "explain", "sbom"])}`
        );
    }
  } catch (error) {
    return reportError(error, io, debug);
  }
}
function reportError(error, io, debug) {
  if (error instanceof ContainersecError && error.kind !== "internal") {
    io.stderr.write(`${TOOL_NAME}: ${error.message}
`);
    return error.kind === "configuration" ? EXIT.usage : EXIT.internal;
  }
  const code = error.code;
  if (code?.startsWith("ERR_PARSE_ARGS")) {
    io.stderr.write(`${TOOL_NAME}: ${errorMessage(error)}

${USAGE}
`);
    return EXIT.usage;
  }
  io.stderr.write(`${TOOL_NAME}: internal error: ${errorMessage(error)}
`);
  if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}
`);
  else io.stderr.write("Run again with --debug for details, and please report it.\n");
  return EXIT.internal;
}

// src/cli/index.ts
process.exitCode = await cli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd()
});
