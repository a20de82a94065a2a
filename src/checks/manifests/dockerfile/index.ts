import type { RawFinding } from '../../../core/finding.js';
import { errorMessage } from '../../../core/errors.js';
import type { FileLinter, SourceFile } from '../../linter.js';
import { addInsteadOfCopy, addRemoteUrl } from './add.js';
import { aptUpgrade } from './apt-upgrade.js';
import { baseImageLatest, baseImageNoDigest } from './base-image.js';
import { chpasswd } from './chpasswd.js';
import { exposeSsh } from './expose-ssh.js';
import { missingHealthcheck } from './healthcheck.js';
import { unpinnedPackage } from './package-pins.js';
import { DockerfileParseError, parseDockerfile } from './parse.js';
import { curlPipeShell } from './pipe-to-shell.js';
import type { DockerfileRule } from './report.js';
import { rootUser } from './root-user.js';
import { secretInBuild } from './secrets.js';
import { sudo } from './sudo.js';
import { tlsVerificationDisabled } from './tls-verification.js';
import { worldWritable } from './world-writable.js';

export const DOCKERFILE_RULES: readonly DockerfileRule[] = [
  rootUser,
  baseImageLatest,
  baseImageNoDigest,
  addRemoteUrl,
  addInsteadOfCopy,
  curlPipeShell,
  secretInBuild,
  sudo,
  chpasswd,
  tlsVerificationDisabled,
  unpinnedPackage,
  aptUpgrade,
  worldWritable,
  exposeSsh,
  missingHealthcheck,
];

/**
 * `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`, `*.dockerfile`, `Containerfile*`, in any directory.
 * `Dockerfile.dockerignore` (BuildKit's per-Dockerfile ignore file) and docs are not Dockerfiles.
 */
export function isDockerfilePath(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (/\.(?:dockerignore|md|txt)$/i.test(name)) return false;
  return /^Dockerfile(?:\..+)?$/.test(name) || /.\.[Dd]ockerfile$/.test(name) || /^Containerfile/.test(name);
}

function parseErrorFinding(path: string, message: string, line: number, column: number): RawFinding {
  return {
    ruleId: 'manifests/parse-error',
    severity: 'high',
    title: 'Dockerfile could not be parsed',
    message: `This Dockerfile could not be checked: ${message}.`,
    location: { path, startLine: line, startColumn: column },
    key: 'dockerfile-parse',
    fix: 'Fix the Dockerfile so that `docker build --check` accepts it.',
  };
}

export function lintDockerfile(file: SourceFile): RawFinding[] {
  let model;
  try {
    model = parseDockerfile(file.path, file.text);
  } catch (error) {
    if (error instanceof DockerfileParseError)
      return [parseErrorFinding(file.path, error.message, error.line, error.column)];
    return [parseErrorFinding(file.path, `the parser failed (${errorMessage(error).slice(0, 200)})`, 1, 1)];
  }
  const findings: RawFinding[] = [];
  for (const { rule, check } of DOCKERFILE_RULES) {
    try {
      findings.push(...check(model));
    } catch (error) {
      // A rule bug must not hide the other rules' findings, nor pass silently.
      findings.push({
        ...parseErrorFinding(file.path, `rule ${rule.id} failed (${errorMessage(error).slice(0, 200)})`, 1, 1),
        key: `dockerfile-rule-error:${rule.id}`,
      });
    }
  }
  return findings;
}

export const dockerfileLinter: FileLinter = {
  id: 'dockerfile',
  rules: DOCKERFILE_RULES.map(({ rule }) => rule),
  matches: isDockerfilePath,
  lint(files) {
    return files.flatMap((file) => lintDockerfile(file));
  },
};
