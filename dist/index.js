import { createRequire as __containersecCreateRequire } from 'node:module';
const require = __containersecCreateRequire(import.meta.url);
import {
  COLOR,
  ConfigurationError,
  ContainersecError,
  GithubAdapter,
  errorMessage,
  runPipeline
} from "./chunks/chunk-I6EYOBWN.js";
import {
  debug,
  getInput,
  info,
  setFailed,
  setOutput,
  setSecret,
  warning
} from "./chunks/chunk-BMQ5DX4G.js";
import {
  GITHUB_LIMITS
} from "./chunks/chunk-MCPK7GM7.js";
import "./chunks/chunk-HYHX6NRO.js";
import "./chunks/chunk-DRPJOOMB.js";
import "./chunks/chunk-GG6ZZSUU.js";

// src/entry/action.ts
import os from "node:os";
import path from "node:path";
var log = { info, warn: warning, debug };
function lines(value) {
  return value.split(/[\n,]/).map((v) => v.trim()).filter(Boolean);
}
function choice(name, allowed) {
  const value = getInput(name).trim();
  if (value === "") return void 0;
  if (!allowed.includes(value))
    throw new ConfigurationError(
      "USAGE",
      `The \`${name}\` input is "${value}"; expected one of: ${allowed.join(", ")}.`
    );
  return value;
}
function setOutputs(result, files) {
  const { model } = result;
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
async function run() {
  const env = process.env;
  try {
    const token = getInput("github-token");
    if (token) setSecret(token);
    const failOnError = choice("fail-on-error", ["true", "false"]);
    const comment = choice("comment", ["update", "new", "off"]);
    const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
    const dir = path.resolve(workspace, getInput("working-directory") || ".");
    const outDir = path.join(env.RUNNER_TEMP ?? os.tmpdir(), "containersec");
    const files = {
      json: path.join(outDir, "containersec.json"),
      sarif: path.join(outDir, "containersec.sarif"),
      markdown: path.join(outDir, "containersec.md")
    };
    const policyInput = getInput("policy");
    const baseInput = getInput("base");
    const baseline = getInput("baseline-report");
    const publishTimeout = getInput("publish-timeout").trim();
    if (publishTimeout && !(Number(publishTimeout) > 0))
      throw new ConfigurationError(
        "USAGE",
        `The \`publish-timeout\` input is "${publishTimeout}"; expected a number of seconds greater than 0.`
      );
    const result = await runPipeline({
      platform: new GithubAdapter({
        env,
        log,
        token,
        commentKey: getInput("comment-key"),
        matrix: getInput("matrix")
      }),
      dir,
      policyFile: policyInput ? path.resolve(dir, policyInput) : void 0,
      only: lines(getInput("only")),
      images: lines(getInput("images")),
      vulnDb: getInput("vuln-db") || void 0,
      ...baseInput ? { base: baseInput } : {},
      ...baseline ? { baseline: path.resolve(workspace, baseline) } : {},
      ...failOnError === "false" ? { onError: "warn" } : {},
      ...comment ? { comment } : {},
      statusName: getInput("check-name"),
      ...publishTimeout ? { publishTimeoutSeconds: Number(publishTimeout) } : {},
      artifacts: [
        { format: "json", file: files.json },
        { format: "sarif", file: files.sarif },
        // The same size as the job summary: a character is at most 4 bytes of UTF-8.
        { format: "markdown", file: files.markdown, maxChars: GITHUB_LIMITS.stepSummaryBytes / 4 }
      ],
      env,
      log,
      onCheckStart: (id) => {
        debug(`check ${id} started`);
        if (env.CONTAINERSEC_EXIT_ON_FIRST_CHECK === "1") process.exit(0);
      }
    });
    info(result.render("text", { style: COLOR }));
    setOutputs(result, files);
    const verdict = result.outcome.result.verdict;
    if (verdict === "fail") setFailed(result.model.headline);
    else if (verdict === "error")
      setFailed(`${result.model.headline} Set \`on-error: warn\` in the policy to only warn.`);
  } catch (error) {
    const message = error instanceof ContainersecError && error.kind !== "internal" ? error.message : `containersec internal error: ${errorMessage(error)}`;
    setFailed(message);
    if (!(error instanceof ContainersecError) && error instanceof Error && error.stack) debug(error.stack);
  }
}

// src/entry/action-main.ts
await run();
