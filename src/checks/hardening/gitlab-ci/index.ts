import type { RawFinding } from '../../../core/finding.js';
import type { RuleDefinition } from '../../../core/rules.js';
import type { FileLinter, LintContext, SourceFile } from '../../linter.js';
import { hardeningCommonRules } from '../common-rules.js';
import type { AuditFamily, Hit } from './audit.js';
import type { Problem } from './config.js';
import { UNRESOLVED_RULE, buildModel } from './config.js';
import { positionOf } from './located.js';
import { MAX_FILE_BYTES } from '../../../core/tree.js';
import { debugLogging } from './debug-logging.js';
import { dockerInDocker } from './docker-in-docker.js';
import { imagePinning } from './image-pinning.js';
import { includePinning } from './includes.js';
import { mergeRequestPipelines } from './merge-request-pipelines.js';
import { plaintextSecrets } from './plaintext-secrets.js';
import { remoteScripts } from './remote-script.js';
import { scriptInjection } from './script-injection.js';
import { decodeSourceText } from '../../../core/text.js';

export const GITLAB_CI_PATH = '.gitlab-ci.yml';

const unresolvableConfigRule: RuleDefinition = {
  id: UNRESOLVED_RULE,
  check: 'hardening',
  title: 'GitLab CI configuration could not be fully resolved',
  severity: 'medium',
  description:
    'Part of the pipeline could not be assembled the way GitLab assembles it: a local include is missing, ' +
    'points outside the repository, uses a variable, or forms a cycle; there are more than 150 includes; an ' +
    '`extends` names an unknown job, loops, or nests deeper than 11 levels; or a `!reference` tag points at ' +
    'nothing, loops, or nests deeper than 10 levels. The jobs that depend on the missing part were checked ' +
    'without it.',
  rationale:
    'GitLab rejects most of these configurations, but a scanner that silently skips what it cannot resolve ' +
    'would report a clean pipeline it never saw. Jobs inherited from an unresolved template may hold exactly ' +
    'the settings the other rules look for.',
  fix:
    'Fix the reference at the reported location. Validate the merged configuration in GitLab with **Build > ' +
    'Pipeline editor > Full configuration**, or through the API:\n\n```sh\ncurl --header "PRIVATE-TOKEN: $TOKEN" ' +
    '"$CI_API_V4_URL/projects/$CI_PROJECT_ID/ci/lint?dry_run=true"\n```',
  references: ['https://docs.gitlab.com/ci/yaml/includes/', 'https://docs.gitlab.com/ci/yaml/yaml_optimization/'],
};

const FAMILIES: AuditFamily[] = [
  dockerInDocker,
  imagePinning,
  includePinning,
  debugLogging,
  plaintextSecrets,
  remoteScripts,
  mergeRequestPipelines,
  scriptInjection,
];

export const gitlabCiRules: RuleDefinition[] = [unresolvableConfigRule, ...FAMILIES.flatMap((family) => family.rules)];

function problemFinding(problem: Problem, titles: Map<string, RuleDefinition>): RawFinding {
  const rule = titles.get(problem.ruleId);
  return {
    ruleId: problem.ruleId,
    severity: problem.severity ?? rule?.severity ?? 'medium',
    title: rule?.title ?? problem.ruleId,
    message: problem.message,
    location: {
      path: problem.position.path,
      startLine: problem.position.line,
      startColumn: problem.position.column,
      ...(problem.object ? { object: problem.object } : {}),
    },
    key: problem.key,
  };
}

/** Where an inherited value comes from, for the message. */
function origin(owner: string, path: string): string {
  if (owner === 'default') return `\`default:\` in ${path}`;
  if (owner === 'variables') return `the global \`variables:\` in ${path}`;
  return `\`${owner}\` in ${path}`;
}

/**
 * One finding per job and written value: `object` is the job, the location is where the value is written
 * (a template, `default:`, an included file), and the message says where the job inherits it from (without
 * the job's name, so the gate can report the jobs that share one written value as one finding). A new job
 * that inherits a risky template is therefore a new finding. Hits without a job (includes) keep their
 * section as `object`.
 */
function hitFindings(hits: Hit[], rules: Map<string, RuleDefinition>): RawFinding[] {
  const seen = new Set<string>();
  const findings: RawFinding[] = [];
  for (const hit of hits) {
    const object = hit.job ?? hit.owner;
    const id = [hit.ruleId, object, hit.position.path, hit.position.line, hit.position.column, hit.key].join('\u0000');
    if (seen.has(id)) continue;
    seen.add(id);
    const rule = rules.get(hit.ruleId);
    const inherited = hit.job !== undefined && hit.owner !== '' && hit.owner !== hit.job;
    findings.push({
      ruleId: hit.ruleId,
      severity: hit.severity ?? rule?.severity ?? 'medium',
      title: rule?.title ?? hit.ruleId,
      message: inherited ? `${hit.message} (Inherited from ${origin(hit.owner, hit.position.path)}.)` : hit.message,
      location: {
        path: hit.position.path,
        startLine: hit.position.line,
        startColumn: hit.position.column,
        ...(object ? { object } : {}),
      },
      key: hit.key,
      ...(hit.fix ? { fix: hit.fix } : {}),
    });
  }
  return findings;
}

/** Child pipelines followed from one root configuration, against trigger chains. */
export const MAX_CHILD_PIPELINES = 20;

function problemKey(problem: Problem): string {
  const { ruleId, position, key } = problem;
  return [ruleId, position.path, position.line, position.column, key].join('\u0000');
}

async function lintFile(
  file: SourceFile,
  context: LintContext,
  rules: Map<string, RuleDefinition>,
): Promise<RawFinding[]> {
  const problems = new Map<string, Problem>();
  const hits: Hit[] = [];
  const visited = new Set<string>([file.path]);
  const queue: { path: string; text: string }[] = [{ path: file.path, text: file.text }];
  while (queue.length > 0) {
    const pipeline = queue.shift() as { path: string; text: string };
    const model = await buildModel(pipeline.path, pipeline.text, context.tree);
    hits.push(...FAMILIES.flatMap((family) => family.audit(model)));
    for (const problem of model.problems) problems.set(problemKey(problem), problem);
    for (const child of model.childPipelines) {
      if (visited.has(child.path)) continue;
      visited.add(child.path);
      const at = positionOf(child.location);
      const bytes =
        visited.size > MAX_CHILD_PIPELINES + 1 ? undefined : await context.tree.read(child.path, MAX_FILE_BYTES);
      if (!bytes) {
        const message =
          visited.size > MAX_CHILD_PIPELINES + 1
            ? `More than ${MAX_CHILD_PIPELINES} child pipelines; ${child.path} was not checked.`
            : `Child pipeline configuration ${child.path} does not exist or is not a readable regular file.`;
        const missing: Problem = {
          ruleId: UNRESOLVED_RULE,
          message,
          position: at,
          key: `child:${child.path}`,
          object: child.job,
        };
        problems.set(problemKey(missing), missing);
        continue;
      }
      queue.push({ path: child.path, text: decodeSourceText(bytes) });
    }
  }
  return [...[...problems.values()].map((problem) => problemFinding(problem, rules)), ...hitFindings(hits, rules)];
}

/**
 * GitLab CI/CD: `.gitlab-ci.yml` at the repository root, with its local includes (read through the tree),
 * `extends`, `!reference` tags and `default:` resolved as GitLab does, and the local configuration files
 * of child pipelines (`trigger: include:`) linted as pipelines of their own. Remote, project, template and
 * component includes are listed, not fetched.
 */
export const gitlabCiLinter: FileLinter = {
  id: 'gitlab-ci',
  // `hardening/parse-error` and `hardening/ignore-without-reason` are the check's common rules, not ours.
  rules: gitlabCiRules,
  matches: (path) => path === GITLAB_CI_PATH,
  async lint(files, context) {
    const rules = new Map([...hardeningCommonRules, ...gitlabCiRules].map((rule) => [rule.id, rule]));
    const findings: RawFinding[] = [];
    for (const file of files) {
      if (!gitlabCiLinter.matches(file.path)) continue;
      findings.push(...(await lintFile(file, context, rules)));
    }
    return findings;
  },
};
