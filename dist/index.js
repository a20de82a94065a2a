import { createRequire as __containersecCreateRequire } from 'node:module';
const require = __containersecCreateRequire(import.meta.url);
import {
  buildReportModel,
  git,
  resolveCommit,
  runGate,
  todayUtc
} from "./chunks/chunk-O4STU7AB.js";
import "./chunks/chunk-A5WKR7H5.js";
import {
  ContainersecError,
  errorMessage
} from "./chunks/chunk-L3SYSQEH.js";
import {
  GITHUB_LIMITS,
  truncate
} from "./chunks/chunk-ZPB35DKQ.js";
import "./chunks/chunk-WMGLMAQE.js";
import {
  require_tunnel,
  require_undici
} from "./chunks/chunk-765NKEJR.js";
import {
  __toESM
} from "./chunks/chunk-GG6ZZSUU.js";

// src/main.ts
import { mkdir as mkdir2, writeFile as writeFile2 } from "node:fs/promises";
import os5 from "node:os";
import path from "node:path";

// node_modules/@actions/core/lib/command.js
import * as os from "os";

// node_modules/@actions/core/lib/utils.js
function toCommandValue(input) {
  if (input === null || input === void 0) {
    return "";
  } else if (typeof input === "string" || input instanceof String) {
    return input;
  }
  return JSON.stringify(input);
}
function toCommandProperties(annotationProperties) {
  if (!Object.keys(annotationProperties).length) {
    return {};
  }
  return {
    title: annotationProperties.title,
    file: annotationProperties.file,
    line: annotationProperties.startLine,
    endLine: annotationProperties.endLine,
    col: annotationProperties.startColumn,
    endColumn: annotationProperties.endColumn
  };
}

// node_modules/@actions/core/lib/command.js
function issueCommand(command, properties, message) {
  const cmd = new Command(command, properties, message);
  process.stdout.write(cmd.toString() + os.EOL);
}
var CMD_STRING = "::";
var Command = class {
  constructor(command, properties, message) {
    if (!command) {
      command = "missing.command";
    }
    this.command = command;
    this.properties = properties;
    this.message = message;
  }
  toString() {
    let cmdStr = CMD_STRING + this.command;
    if (this.properties && Object.keys(this.properties).length > 0) {
      cmdStr += " ";
      let first = true;
      for (const key in this.properties) {
        if (this.properties.hasOwnProperty(key)) {
          const val = this.properties[key];
          if (val) {
            if (first) {
              first = false;
            } else {
              cmdStr += ",";
            }
            cmdStr += `${key}=${escapeProperty(val)}`;
          }
        }
      }
    }
    cmdStr += `${CMD_STRING}${escapeData(this.message)}`;
    return cmdStr;
  }
};
function escapeData(s) {
  return toCommandValue(s).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
function escapeProperty(s) {
  return toCommandValue(s).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A").replace(/:/g, "%3A").replace(/,/g, "%2C");
}

// node_modules/@actions/core/lib/file-command.js
import * as crypto from "crypto";
import * as fs from "fs";
import * as os2 from "os";
function issueFileCommand(command, message) {
  const filePath = process.env[`GITHUB_${command}`];
  if (!filePath) {
    throw new Error(`Unable to find environment variable for file command ${command}`);
  }
  if (!fs.existsSync(filePath)) {
    throw new Error(`Missing file at path: ${filePath}`);
  }
  fs.appendFileSync(filePath, `${toCommandValue(message)}${os2.EOL}`, {
    encoding: "utf8"
  });
}
function prepareKeyValueMessage(key, value) {
  const delimiter = `ghadelimiter_${crypto.randomUUID()}`;
  const convertedValue = toCommandValue(value);
  if (key.includes(delimiter)) {
    throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`);
  }
  if (convertedValue.includes(delimiter)) {
    throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`);
  }
  return `${key}<<${delimiter}${os2.EOL}${convertedValue}${os2.EOL}${delimiter}`;
}

// node_modules/@actions/core/lib/core.js
import * as os4 from "os";

// node_modules/@actions/http-client/lib/index.js
var tunnel = __toESM(require_tunnel(), 1);
var import_undici = __toESM(require_undici(), 1);
var HttpCodes;
(function(HttpCodes2) {
  HttpCodes2[HttpCodes2["OK"] = 200] = "OK";
  HttpCodes2[HttpCodes2["MultipleChoices"] = 300] = "MultipleChoices";
  HttpCodes2[HttpCodes2["MovedPermanently"] = 301] = "MovedPermanently";
  HttpCodes2[HttpCodes2["ResourceMoved"] = 302] = "ResourceMoved";
  HttpCodes2[HttpCodes2["SeeOther"] = 303] = "SeeOther";
  HttpCodes2[HttpCodes2["NotModified"] = 304] = "NotModified";
  HttpCodes2[HttpCodes2["UseProxy"] = 305] = "UseProxy";
  HttpCodes2[HttpCodes2["SwitchProxy"] = 306] = "SwitchProxy";
  HttpCodes2[HttpCodes2["TemporaryRedirect"] = 307] = "TemporaryRedirect";
  HttpCodes2[HttpCodes2["PermanentRedirect"] = 308] = "PermanentRedirect";
  HttpCodes2[HttpCodes2["BadRequest"] = 400] = "BadRequest";
  HttpCodes2[HttpCodes2["Unauthorized"] = 401] = "Unauthorized";
  HttpCodes2[HttpCodes2["PaymentRequired"] = 402] = "PaymentRequired";
  HttpCodes2[HttpCodes2["Forbidden"] = 403] = "Forbidden";
  HttpCodes2[HttpCodes2["NotFound"] = 404] = "NotFound";
  HttpCodes2[HttpCodes2["MethodNotAllowed"] = 405] = "MethodNotAllowed";
  HttpCodes2[HttpCodes2["NotAcceptable"] = 406] = "NotAcceptable";
  HttpCodes2[HttpCodes2["ProxyAuthenticationRequired"] = 407] = "ProxyAuthenticationRequired";
  HttpCodes2[HttpCodes2["RequestTimeout"] = 408] = "RequestTimeout";
  HttpCodes2[HttpCodes2["Conflict"] = 409] = "Conflict";
  HttpCodes2[HttpCodes2["Gone"] = 410] = "Gone";
  HttpCodes2[HttpCodes2["TooManyRequests"] = 429] = "TooManyRequests";
  HttpCodes2[HttpCodes2["InternalServerError"] = 500] = "InternalServerError";
  HttpCodes2[HttpCodes2["NotImplemented"] = 501] = "NotImplemented";
  HttpCodes2[HttpCodes2["BadGateway"] = 502] = "BadGateway";
  HttpCodes2[HttpCodes2["ServiceUnavailable"] = 503] = "ServiceUnavailable";
  HttpCodes2[HttpCodes2["GatewayTimeout"] = 504] = "GatewayTimeout";
})(HttpCodes || (HttpCodes = {}));
var Headers;
(function(Headers2) {
  Headers2["Accept"] = "accept";
  Headers2["ContentType"] = "content-type";
})(Headers || (Headers = {}));
var MediaTypes;
(function(MediaTypes2) {
  MediaTypes2["ApplicationJson"] = "application/json";
})(MediaTypes || (MediaTypes = {}));
var HttpRedirectCodes = [
  HttpCodes.MovedPermanently,
  HttpCodes.ResourceMoved,
  HttpCodes.SeeOther,
  HttpCodes.TemporaryRedirect,
  HttpCodes.PermanentRedirect
];
var HttpResponseRetryCodes = [
  HttpCodes.BadGateway,
  HttpCodes.ServiceUnavailable,
  HttpCodes.GatewayTimeout
];

// node_modules/@actions/core/lib/summary.js
import { EOL as EOL3 } from "os";
import { constants, promises } from "fs";
var __awaiter = function(thisArg, _arguments, P, generator) {
  function adopt(value) {
    return value instanceof P ? value : new P(function(resolve) {
      resolve(value);
    });
  }
  return new (P || (P = Promise))(function(resolve, reject) {
    function fulfilled(value) {
      try {
        step(generator.next(value));
      } catch (e) {
        reject(e);
      }
    }
    function rejected(value) {
      try {
        step(generator["throw"](value));
      } catch (e) {
        reject(e);
      }
    }
    function step(result) {
      result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected);
    }
    step((generator = generator.apply(thisArg, _arguments || [])).next());
  });
};
var { access, appendFile, writeFile } = promises;
var SUMMARY_ENV_VAR = "GITHUB_STEP_SUMMARY";
var Summary = class {
  constructor() {
    this._buffer = "";
  }
  /**
   * Finds the summary file path from the environment, rejects if env var is not found or file does not exist
   * Also checks r/w permissions.
   *
   * @returns step summary file path
   */
  filePath() {
    return __awaiter(this, void 0, void 0, function* () {
      if (this._filePath) {
        return this._filePath;
      }
      const pathFromEnv = process.env[SUMMARY_ENV_VAR];
      if (!pathFromEnv) {
        throw new Error(`Unable to find environment variable for $${SUMMARY_ENV_VAR}. Check if your runtime environment supports job summaries.`);
      }
      try {
        yield access(pathFromEnv, constants.R_OK | constants.W_OK);
      } catch (_a) {
        throw new Error(`Unable to access summary file: '${pathFromEnv}'. Check if the file has correct read/write permissions.`);
      }
      this._filePath = pathFromEnv;
      return this._filePath;
    });
  }
  /**
   * Wraps content in an HTML tag, adding any HTML attributes
   *
   * @param {string} tag HTML tag to wrap
   * @param {string | null} content content within the tag
   * @param {[attribute: string]: string} attrs key-value list of HTML attributes to add
   *
   * @returns {string} content wrapped in HTML element
   */
  wrap(tag, content, attrs = {}) {
    const htmlAttrs = Object.entries(attrs).map(([key, value]) => ` ${key}="${value}"`).join("");
    if (!content) {
      return `<${tag}${htmlAttrs}>`;
    }
    return `<${tag}${htmlAttrs}>${content}</${tag}>`;
  }
  /**
   * Writes text in the buffer to the summary buffer file and empties buffer. Will append by default.
   *
   * @param {SummaryWriteOptions} [options] (optional) options for write operation
   *
   * @returns {Promise<Summary>} summary instance
   */
  write(options) {
    return __awaiter(this, void 0, void 0, function* () {
      const overwrite = !!(options === null || options === void 0 ? void 0 : options.overwrite);
      const filePath = yield this.filePath();
      const writeFunc = overwrite ? writeFile : appendFile;
      yield writeFunc(filePath, this._buffer, { encoding: "utf8" });
      return this.emptyBuffer();
    });
  }
  /**
   * Clears the summary buffer and wipes the summary file
   *
   * @returns {Summary} summary instance
   */
  clear() {
    return __awaiter(this, void 0, void 0, function* () {
      return this.emptyBuffer().write({ overwrite: true });
    });
  }
  /**
   * Returns the current summary buffer as a string
   *
   * @returns {string} string of summary buffer
   */
  stringify() {
    return this._buffer;
  }
  /**
   * If the summary buffer is empty
   *
   * @returns {boolen} true if the buffer is empty
   */
  isEmptyBuffer() {
    return this._buffer.length === 0;
  }
  /**
   * Resets the summary buffer without writing to summary file
   *
   * @returns {Summary} summary instance
   */
  emptyBuffer() {
    this._buffer = "";
    return this;
  }
  /**
   * Adds raw text to the summary buffer
   *
   * @param {string} text content to add
   * @param {boolean} [addEOL=false] (optional) append an EOL to the raw text (default: false)
   *
   * @returns {Summary} summary instance
   */
  addRaw(text, addEOL = false) {
    this._buffer += text;
    return addEOL ? this.addEOL() : this;
  }
  /**
   * Adds the operating system-specific end-of-line marker to the buffer
   *
   * @returns {Summary} summary instance
   */
  addEOL() {
    return this.addRaw(EOL3);
  }
  /**
   * Adds an HTML codeblock to the summary buffer
   *
   * @param {string} code content to render within fenced code block
   * @param {string} lang (optional) language to syntax highlight code
   *
   * @returns {Summary} summary instance
   */
  addCodeBlock(code, lang) {
    const attrs = Object.assign({}, lang && { lang });
    const element = this.wrap("pre", this.wrap("code", code), attrs);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML list to the summary buffer
   *
   * @param {string[]} items list of items to render
   * @param {boolean} [ordered=false] (optional) if the rendered list should be ordered or not (default: false)
   *
   * @returns {Summary} summary instance
   */
  addList(items, ordered = false) {
    const tag = ordered ? "ol" : "ul";
    const listItems = items.map((item) => this.wrap("li", item)).join("");
    const element = this.wrap(tag, listItems);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML table to the summary buffer
   *
   * @param {SummaryTableCell[]} rows table rows
   *
   * @returns {Summary} summary instance
   */
  addTable(rows) {
    const tableBody = rows.map((row) => {
      const cells = row.map((cell) => {
        if (typeof cell === "string") {
          return this.wrap("td", cell);
        }
        const { header, data, colspan, rowspan } = cell;
        const tag = header ? "th" : "td";
        const attrs = Object.assign(Object.assign({}, colspan && { colspan }), rowspan && { rowspan });
        return this.wrap(tag, data, attrs);
      }).join("");
      return this.wrap("tr", cells);
    }).join("");
    const element = this.wrap("table", tableBody);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds a collapsable HTML details element to the summary buffer
   *
   * @param {string} label text for the closed state
   * @param {string} content collapsable content
   *
   * @returns {Summary} summary instance
   */
  addDetails(label, content) {
    const element = this.wrap("details", this.wrap("summary", label) + content);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML image tag to the summary buffer
   *
   * @param {string} src path to the image you to embed
   * @param {string} alt text description of the image
   * @param {SummaryImageOptions} options (optional) addition image attributes
   *
   * @returns {Summary} summary instance
   */
  addImage(src, alt, options) {
    const { width, height } = options || {};
    const attrs = Object.assign(Object.assign({}, width && { width }), height && { height });
    const element = this.wrap("img", null, Object.assign({ src, alt }, attrs));
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML section heading element
   *
   * @param {string} text heading text
   * @param {number | string} [level=1] (optional) the heading level, default: 1
   *
   * @returns {Summary} summary instance
   */
  addHeading(text, level) {
    const tag = `h${level}`;
    const allowedTag = ["h1", "h2", "h3", "h4", "h5", "h6"].includes(tag) ? tag : "h1";
    const element = this.wrap(allowedTag, text);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML thematic break (<hr>) to the summary buffer
   *
   * @returns {Summary} summary instance
   */
  addSeparator() {
    const element = this.wrap("hr", null);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML line break (<br>) to the summary buffer
   *
   * @returns {Summary} summary instance
   */
  addBreak() {
    const element = this.wrap("br", null);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML blockquote to the summary buffer
   *
   * @param {string} text quote text
   * @param {string} cite (optional) citation url
   *
   * @returns {Summary} summary instance
   */
  addQuote(text, cite) {
    const attrs = Object.assign({}, cite && { cite });
    const element = this.wrap("blockquote", text, attrs);
    return this.addRaw(element).addEOL();
  }
  /**
   * Adds an HTML anchor tag to the summary buffer
   *
   * @param {string} text link text/content
   * @param {string} href hyperlink
   *
   * @returns {Summary} summary instance
   */
  addLink(text, href) {
    const element = this.wrap("a", text, { href });
    return this.addRaw(element).addEOL();
  }
};
var _summary = new Summary();
var summary = _summary;

// node_modules/@actions/core/lib/platform.js
import os3 from "os";

// node_modules/@actions/io/lib/io-util.js
import * as fs2 from "fs";
var { chmod, copyFile, lstat, mkdir, open, readdir, rename, rm, rmdir, stat, symlink, unlink } = fs2.promises;
var IS_WINDOWS = process.platform === "win32";
var READONLY = fs2.constants.O_RDONLY;

// node_modules/@actions/exec/lib/toolrunner.js
var IS_WINDOWS2 = process.platform === "win32";

// node_modules/@actions/core/lib/platform.js
var platform = os3.platform();
var arch = os3.arch();

// node_modules/@actions/core/lib/core.js
var ExitCode;
(function(ExitCode2) {
  ExitCode2[ExitCode2["Success"] = 0] = "Success";
  ExitCode2[ExitCode2["Failure"] = 1] = "Failure";
})(ExitCode || (ExitCode = {}));
function setSecret(secret) {
  issueCommand("add-mask", {}, secret);
}
function getInput(name, options) {
  const val = process.env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] || "";
  if (options && options.required && !val) {
    throw new Error(`Input required and not supplied: ${name}`);
  }
  if (options && options.trimWhitespace === false) {
    return val;
  }
  return val.trim();
}
function setOutput(name, value) {
  const filePath = process.env["GITHUB_OUTPUT"] || "";
  if (filePath) {
    return issueFileCommand("OUTPUT", prepareKeyValueMessage(name, value));
  }
  process.stdout.write(os4.EOL);
  issueCommand("set-output", { name }, toCommandValue(value));
}
function setFailed(message) {
  process.exitCode = ExitCode.Failure;
  error(message);
}
function debug(message) {
  issueCommand("debug", {}, message);
}
function error(message, properties = {}) {
  issueCommand("error", toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
function warning(message, properties = {}) {
  issueCommand("warning", toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
function info(message) {
  process.stdout.write(message + os4.EOL);
}

// src/platform/github/github-platform.ts
function httpStatus(error2) {
  return typeof error2 === "object" && error2 !== null && "status" in error2 ? Number(error2.status) : void 0;
}
function describe(error2) {
  const status = httpStatus(error2);
  const message = error2 instanceof Error ? error2.message.split("\n", 1)[0] : String(error2);
  return status ? `HTTP ${status}: ${message}` : message ?? "unknown error";
}
function permissionAdvice(scope) {
  return `Give the job \`permissions: { ${scope}: write }\` (next to \`contents: read\`). On pull requests from forks the token is read-only whatever the workflow says: use the two-workflow \`workflow_run\` pattern described in the README ("Fork pull requests").`;
}
function failure(error2, scope) {
  const status = httpStatus(error2);
  const advice = status === 403 || status === 404 ? permissionAdvice(scope) : status === 429 ? "GitHub kept rate-limiting the request; re-run the job later." : "GitHub did not accept the request; the report is still in the job summary and the SARIF/JSON files.";
  return { ok: false, reason: describe(error2), advice };
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
        } catch (error2) {
          if (httpStatus(error2) !== 403 && httpStatus(error2) !== 404) throw error2;
          this.log.debug(`could not update comment ${existing} (${describe(error2)}); creating a new one`);
        }
      }
      const { data } = await this.client.rest.issues.createComment({
        owner,
        repo,
        issue_number: pullNumber,
        body: request.body
      });
      return { ok: true, url: data.html_url, detail: "created" };
    } catch (error2) {
      return failure(error2, "pull-requests");
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
    } catch (error2) {
      this.checksRefused = true;
      return failure(error2, "checks");
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
    } catch (error2) {
      return failure(error2, "checks");
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
    } catch (error2) {
      return failure(error2, "statuses");
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
    const open2 = data.find((pr) => pr.state === "open" && pr.head.sha === sha);
    if (open2) return open2.number;
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
    import("./chunks/json-J3BVQU7G.js"),
    import("./chunks/sarif-PFNMLL5I.js")
  ]);
  const outDir = path.join(env.RUNNER_TEMP ?? os5.tmpdir(), "containersec");
  await mkdir2(outDir, { recursive: true });
  const files = {
    json: path.join(outDir, "containersec.json"),
    sarif: path.join(outDir, "containersec.sarif"),
    markdown: path.join(outDir, "containersec.md")
  };
  await writeFile2(files.json, renderJson(outcome));
  await writeFile2(files.sarif, renderSarif(outcome));
  await writeFile2(files.markdown, summaryMarkdown);
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
async function publish(platform2, outcome, model, template, checkName, runUrl) {
  const [{ renderMarkdown }, { annotationsFor }] = await Promise.all([
    import("./chunks/markdown-KOQY2KMM.js"),
    import("./chunks/annotations-F324SNGV.js")
  ]);
  const mode = outcome.policy.report.comment;
  if (mode !== "off" && platform2.hasReviewThread) {
    const body = renderMarkdown(model, { maxChars: platform2.commentLimit, template });
    const result = await platform2.postComment({ marker: model.marker, body, mode });
    if (result.ok) info(`Pull request comment ${result.detail ?? "posted"}${result.url ? `: ${result.url}` : ""}`);
    else warning(`Could not comment on the pull request (${result.reason}). ${result.advice}`);
  }
  const summary2 = renderMarkdown(model, { maxChars: GITHUB_LIMITS.checkSummaryChars, template });
  const status = await platform2.setStatus(
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
  let platform2;
  try {
    const token = getInput("github-token");
    if (token) setSecret(token);
    const event = readEvent(env);
    const client = token ? (await import("./chunks/client-NK35BPVD.js")).githubClient(token, env, log) : void 0;
    const context = await githubRunContext(env, event, client, log);
    const runUrl = env.GITHUB_RUN_ID ? `${env.GITHUB_SERVER_URL ?? "https://github.com"}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` : void 0;
    if (context?.fork) warning(FORK_ADVICE);
    else if (client && context?.headSha) {
      platform2 = new GithubPlatform(
        client,
        { owner: context.owner, repo: context.repo, pullNumber: context.pullNumber, headSha: context.headSha },
        log
      );
      const started = await platform2.startCheck(checkName, runUrl);
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
    if (platform2) await publish(platform2, outcome, model, template, checkName, runUrl);
    if (outcome.result.verdict === "fail") setFailed(model.headline);
    else if (outcome.result.verdict === "error")
      setFailed(`${model.headline} Set \`on-error: warn\` in the policy to only warn.`);
  } catch (error2) {
    const message = error2 instanceof ContainersecError && error2.kind !== "internal" ? error2.message : `containersec internal error: ${errorMessage(error2)}`;
    if (platform2)
      await platform2.setStatus({
        name: checkName,
        verdict: "error",
        audit: false,
        description: message.split("\n", 1)[0] ?? message,
        summary: message
      });
    setFailed(message);
    if (!(error2 instanceof ContainersecError) && error2 instanceof Error && error2.stack) debug(error2.stack);
  }
}

// src/index.ts
await run();
