import type { RuleDefinition } from '../../../core/rules.js';
import type { AuditFamily, Hit } from './audit.js';
import type { CiJob } from './config.js';
import { positionInScalar } from './located.js';
import { DownloadTracker } from '../remote-download.js';
import { jobScripts, remoteExecutions } from './scripts.js';

const CURL_PIPE = 'gitlab-ci/curl-pipe-shell';

const rules: RuleDefinition[] = [
  {
    id: CURL_PIPE,
    check: 'hardening',
    title: 'Script downloaded and executed unverified',
    severity: 'medium',
    description:
      'A `script`, `before_script`, `after_script` or `hooks:pre_get_sources_script` line pipes `curl` or `wget` ' +
      'output into a shell or interpreter (`curl … | sh`, `wget -qO- … | sudo bash`, `… | python3`), or runs ' +
      'it through `sh -c "$(curl …)"`, `eval "$(curl …)"` or `source <(curl …)`; also a download made ' +
      'executable on the same line without a checksum or signature check (`curl -o tool … && chmod +x tool`) and ' +
      '`deno run -A https://…`. Downloads from a GitHub raw URL at a full commit SHA are immutable and not reported.' +
      ' A file downloaded on one line (`curl -o f`, `curl -O`, `wget URL`, `wget -O f`, `curl … > f`) and executed on a later line of the same job (`sh f`, `bash f`, `./f`, `source f`, `python f`) is reported where it runs, unless a checksum or signature tool (`sha256sum`, `gpg`, `cosign`…) is run in between.',
    rationale:
      "The job runs whatever the server returns at that moment, with the job's CI/CD variables and token in " +
      'its environment. A compromised download host, a hijacked domain or a changed script (the Codecov ' +
      'uploader breach in 2021 worked exactly this way) turns every pipeline into a credential leak. Nothing in ' +
      'the repository changes, so review never sees it.',
    fix:
      'Download to a file, verify a checksum or signature you pinned in the repository, then run it; better, ' +
      'install from a package manager or bake the tool into a digest-pinned image:\n\n```yaml\nscript:\n' +
      '  - curl -fsSLo install.sh https://example.com/install-1.4.2.sh\n' +
      '  - echo "3b0c7e…  install.sh" | sha256sum -c -\n  - sh install.sh\n```',
    references: ['https://about.codecov.io/security-update/', 'https://docs.gitlab.com/ci/yaml/script/'],
  },
];

function auditJob(job: CiJob): Hit[] {
  const hits: Hit[] = [];
  const tracker = new DownloadTracker();
  for (const line of jobScripts(job.config)) {
    const same = remoteExecutions(line.text);
    const deferred = tracker.line(
      line.text.replace(/\\\r?\n/g, (m) => ' '.repeat(m.length)),
      same.length > 0,
    );
    if (deferred) {
      hits.push({
        ruleId: CURL_PIPE,
        message: `\`${deferred.file}\` was downloaded earlier in the job with ${deferred.tool} and is executed here without being verified.`,
        position: positionInScalar(line.scalar, line.text, deferred.index, deferred.file),
        owner: line.scalar.owner,
        job: job.name,
        key: `${line.key}:run:${deferred.file}`,
        fix: 'Check the file against a pinned SHA-256 (`sha256sum -c`) before executing it.',
      });
    }
    for (const found of same) {
      hits.push({
        ruleId: CURL_PIPE,
        message: `\`${found.snippet}\` runs a downloaded script without verifying it.`,
        position: positionInScalar(line.scalar, line.text, found.index, found.tool),
        owner: line.scalar.owner,
        job: job.name,
        key: `${line.key}:${found.snippet.replace(/\s+/g, ' ')}`,
        fix: 'Download to a file, check a pinned SHA-256 (`sha256sum -c`), then execute it.',
      });
    }
  }
  return hits;
}

export const remoteScripts: AuditFamily = {
  rules,
  audit: (model) => model.jobs.flatMap(auditJob),
};
