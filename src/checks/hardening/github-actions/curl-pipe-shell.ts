import type { RawFinding } from '../../../core/finding.js';
import type { RuleDefinition } from '../../../core/rules.js';
import type { Audit } from './audit.js';
import { KeyCounter, SCORECARD_CHECKS, makeFinding, spanInScalar, stepKey } from './audit.js';
import type { WorkflowModel } from './model.js';
import { DownloadTracker, fetchesPinnedContent, unverifiedRun } from '../remote-download.js';
import { logicalLines, scriptOffset } from './script.js';

export const rule: RuleDefinition = {
  id: 'gha/curl-pipe-shell',
  check: 'hardening',
  title: 'Remote script piped into a shell',
  severity: 'medium',
  description:
    'Reports `run:` scripts that download a script and execute it without saving and verifying it: ' +
    '`curl … | sh` (also `bash`, `zsh`, `sudo sh`, `python`, `node`, `perl`, `ruby`, `pwsh`, `iex`), ' +
    '`wget -O- … | bash`, `bash <(curl …)`, `sh -c "$(curl …)"`, `source <(curl …)`, `eval "$(curl …)"`, ' +
    'and PowerShell `iex (iwr …)` / `Invoke-Expression (…DownloadString(…))`; also a download made ' +
    'executable on the same command line without a checksum or signature check (`curl -o tool … && chmod +x ' +
    'tool`) and `deno run -A https://…`. Downloads from a GitHub raw URL at a full commit SHA are immutable and ' +
    'not reported. Comments are ignored; backslash-continued lines are read as one command.' +
    ' A file downloaded on one line (`curl -o f`, `curl -O`, `wget URL`, `wget -O f`, `curl … > f`) and executed on a later line of the same job (`sh f`, `bash f`, `./f`, `source f`, `python f`) is reported where it runs, unless a checksum or signature tool (`sha256sum`, `gpg`, `cosign`…) is run in between.',
  rationale:
    "Whatever the server returns at that moment runs with the job's token and secrets. A compromised " +
    'download host, a hijacked domain, a CDN incident or a malicious maintainer changes every build at once, ' +
    'and nothing in the repository shows it (the Codecov bash uploader compromise of 2021 exfiltrated CI ' +
    'secrets this way for two months). OpenSSF Scorecard counts these as unpinned dependencies.',
  fix:
    'Download a fixed version, verify its checksum (or signature), then run it:\n\n' +
    '```yaml\n- run: |\n    curl -fsSLo install.sh https://example.com/install-1.2.3.sh\n' +
    '    echo "<sha256>  install.sh" | sha256sum --check --strict\n    bash install.sh\n```\n\n' +
    'Better still, use a pinned action or a package from a package manager with a lock file.',
  references: [`${SCORECARD_CHECKS}#pinned-dependencies`, 'https://about.codecov.io/security-update/'],
};

const DOWNLOADER = /\b(curl|wget|iwr|irm|Invoke-WebRequest|Invoke-RestMethod)\b/i;
const INTERPRETER =
  /^\s*(?:sudo\s+(?:-\S+\s+)*)?(?:env\s+(?:[^\s=]+=\S*\s+)*)?(?:\/\S*\/)?(?:ba|z|k|da|fi|c|tc)?sh\b|^\s*(?:sudo\s+(?:-\S+\s+)*)?(?:python[0-9.]*|node|perl|ruby|php|pwsh|powershell|iex|Invoke-Expression)\b/i;
/** `<(curl …)` / `$(curl …)`: executed when the command around it is a shell, `source`, `.` or `eval`. */
const SUBSTITUTED_DOWNLOAD = /(?:<\(|\$\()\s*(curl|wget)\b/gi;
/** One word of a command that runs what it is given: a shell (by name or path), `source`, `eval` or `.`. */
const SUBSTITUTION_RUNNER = /^(?:(?:\/\S*\/)?(?:ba|z|k|da)?sh|source|eval|\.)$/i;
const POWERSHELL_EVAL = /\b(?:iex|Invoke-Expression)\b/i;
const POWERSHELL_DOWNLOAD = /\b(iwr|irm|Invoke-WebRequest|Invoke-RestMethod|DownloadString)\b/i;

/** Index in `text` of the downloader whose output is executed, or -1. */
export function pipedDownload(text: string): { index: number; tool: string } | undefined {
  const found = executedDownload(text);
  if (found && fetchesPinnedContent(text, found.index)) return undefined;
  return found ?? unverifiedRun(text);
}

/**
 * Whether a word of the command before `<(…)` / `$(…)`, followed by a space, is a runner. Judged word by word:
 * one pattern over the whole command backtracked quadratically on long commands.
 */
function runsSubstitution(command: string): boolean {
  const words = command.split(/[\s;&|(]+/);
  if (!/\s$/.test(command)) words.pop();
  return words.some((word) => SUBSTITUTION_RUNNER.test(word));
}

function executedDownload(text: string): { index: number; tool: string } | undefined {
  // Each search below is a single linear regex pass; the command prefix is checked separately.
  for (const m of text.matchAll(SUBSTITUTED_DOWNLOAD)) {
    const prefix = text.slice(0, m.index);
    const command = prefix.slice(
      Math.max(prefix.lastIndexOf(';'), prefix.lastIndexOf('&&'), prefix.lastIndexOf('||')) + 1,
    );
    if (runsSubstitution(command)) return { index: m.index + m[0].length - m[1]!.length, tool: m[1]! };
  }
  const evaluation = POWERSHELL_EVAL.exec(text);
  if (evaluation) {
    const rest = text.slice(evaluation.index);
    const download = POWERSHELL_DOWNLOAD.exec(rest);
    if (download) return { index: evaluation.index + download.index, tool: download[1]! };
  }
  // Pipelines are separated by ;, && and ||; within one, a downloader feeding a later interpreter stage.
  let offset = 0;
  for (const command of text.split(/(;|&&|\|\|)/)) {
    if (!/^(;|&&|\|\|)$/.test(command)) {
      const stages = command.split('|');
      let stageOffset = offset;
      let download: { index: number; tool: string } | undefined;
      for (const stage of stages) {
        const d = download ? undefined : DOWNLOADER.exec(stage);
        if (d) download = { index: stageOffset + d.index, tool: d[1]! };
        else if (download && INTERPRETER.test(stage)) return download;
        stageOffset += stage.length + 1;
      }
    }
    offset += command.length;
  }
  return undefined;
}

export function run(workflow: WorkflowModel): RawFinding[] {
  const findings: RawFinding[] = [];
  const keys = new KeyCounter();
  for (const job of workflow.jobs) {
    const tracker = new DownloadTracker();
    for (const step of job.steps) {
      if (!step.run) continue;
      for (const line of logicalLines(step.run.value)) {
        const hit = pipedDownload(line.text);
        const deferred = tracker.line(line.text, hit !== undefined);
        if (deferred) {
          findings.push(
            makeFinding(workflow, rule, {
              message: `Step ${step.label} of ${job.composite ? 'the composite action' : `job ${job.id}`} executes \`${deferred.file}\`, downloaded earlier in the job with ${deferred.tool} and never verified.`,
              span: spanInScalar(
                workflow,
                step.run.node,
                step.run.value,
                scriptOffset(line, deferred.index),
                deferred.file.length,
              ),
              job,
              key: keys.next(`${stepKey(job, step)}:run:${deferred.file}`),
              fix: 'Check the file against a pinned sha256 (`echo "<sha256>  file" | sha256sum -c`) before running it.',
            }),
          );
        }
        if (!hit) continue;
        findings.push(
          makeFinding(workflow, rule, {
            message: `Step ${step.label} of ${job.composite ? 'the composite action' : `job ${job.id}`} executes a script downloaded with ${hit.tool} without verifying it.`,
            span: spanInScalar(workflow, step.run.node, step.run.value, scriptOffset(line, hit.index), hit.tool.length),
            job,
            key: keys.next(`${stepKey(job, step)}:${hit.tool}`),
            fix: 'Download to a file, check its sha256 against a pinned value, then run it.',
          }),
        );
      }
    }
  }
  return findings;
}

export const curlPipeShell: Audit = { rule, run };
