import type { Node } from 'yaml';
import type { RawFinding } from '../../../core/finding.js';
import type { RuleDefinition } from '../../../core/rules.js';
import type { Severity } from '../../../core/severity.js';
import type { Audit } from './audit.js';
import { KeyCounter, SCORECARD_CHECKS, ZIZMOR_AUDITS, makeFinding, nodeSpan } from './audit.js';
import { findExpressions, parseExpression, valueLeaves } from './expressions.js';
import { matrixValues } from './matrix.js';
import type { JobModel, WorkflowModel } from './model.js';
import { asMap, asScalar, entries, get, scalarText } from './yaml-nodes.js';

export const rule: RuleDefinition = {
  id: 'gha/unpinned-images',
  check: 'hardening',
  title: 'Job container or service image not pinned by digest',
  severity: 'medium',
  description:
    'Reports job `container:` images, `services.<id>.image` and the `runs.image: docker://…` of Docker ' +
    'container actions (`action.yml`) without an `@sha256:` digest: high for an ' +
    'image with no tag or `:latest`, medium for a tag. An image given as `${{ matrix.<key> }}` is checked ' +
    "for every literal value of that matrix key, and `${{ cond && 'image:a' || 'image:b' }}` for each literal; " +
    'other expressions cannot be resolved and are not reported.',
  rationale:
    "The job runs its steps inside the container image, with the job's token and secrets. A tag can be " +
    're-pushed by whoever controls the image repository (or its registry credentials), silently changing ' +
    'the environment every build runs in. A digest names exactly one image.',
  fix:
    'Pin the digest, keeping the tag for readability:\n\n' +
    '```yaml\njobs:\n  test:\n    runs-on: ubuntu-latest\n    container:\n' +
    '      image: node:22-bookworm@sha256:<digest>\n    services:\n      db:\n' +
    '        image: postgres:16@sha256:<digest>\n```\n\n' +
    'Resolve a digest with `docker buildx imagetools inspect node:22-bookworm` or `crane digest`.',
  references: [`${ZIZMOR_AUDITS}#unpinned-images`, `${SCORECARD_CHECKS}#pinned-dependencies`],
};

export function judgeImage(image: string): { severity: Severity; message: string } | undefined {
  const value = image.trim();
  if (value === '' || /@sha256:[0-9a-f]{64}$/i.test(value)) return undefined;
  const tag = /:([^/:@]+)$/.exec(value)?.[1];
  if (tag === undefined || tag === 'latest')
    return {
      severity: 'high',
      message: `\`${value}\` is ${tag ? 'the mutable `latest` tag' : 'unpinned (implicitly :latest)'}`,
    };
  return { severity: 'medium', message: `\`${value}\` is pinned by tag, not by digest` };
}

interface Candidate {
  image: string;
  node: Node;
  via?: string;
}

/** The literal image(s) a value stands for: itself, or each matrix value for `${{ matrix.key }}`. */
function candidates(node: Node | undefined, job: JobModel, workflow: WorkflowModel): Candidate[] {
  const text = scalarText(node, workflow.doc);
  if (text === undefined || !node) return [];
  if (!text.includes('${{')) return [{ image: text, node }];
  const fenced = findExpressions(text);
  const only = fenced[0];
  if (fenced.length !== 1 || !only || text.trim() !== text.slice(only.start, only.end)) return [];
  const parsed = parseExpression(only.body);
  const leaves = parsed.ok ? valueLeaves(parsed.expr) : undefined;
  return (leaves ?? []).flatMap((leaf): Candidate[] => {
    if (leaf.kind === 'literal')
      return typeof leaf.value === 'string' ? [{ image: leaf.value, node, via: 'expression' }] : [];
    if (leaf.kind !== 'context' || leaf.parts[0] !== 'matrix' || leaf.parts.length !== 2) return [];
    const key = leaf.parts[1]!;
    return (matrixValues(job, key, workflow.doc) ?? []).map((v) => ({
      image: v.value,
      node: v.node,
      via: `matrix.${key}`,
    }));
  });
}

export function run(workflow: WorkflowModel): RawFinding[] {
  const findings: RawFinding[] = [];
  const keys = new KeyCounter();
  const doc = workflow.doc;
  const actionImage = workflow.actionImage;
  if (actionImage && /^docker:\/\//i.test(actionImage.value.trim())) {
    const image = actionImage.value.trim().slice('docker://'.length);
    const verdict = judgeImage(image);
    if (verdict)
      findings.push(
        makeFinding(workflow, rule, {
          severity: verdict.severity,
          message: `The Docker action's \`runs.image\`: ${verdict.message}.`,
          span: nodeSpan(workflow, actionImage.node),
          key: `runs.image:${image}`,
          fix: `Pin the digest: docker://${image.replace(/:[^/:@]+$/, '')}:<tag>@sha256:<digest>`,
        }),
      );
  }
  for (const job of workflow.jobs) {
    const images: { where: string; node: Node | undefined }[] = [];
    if (job.container?.value) {
      const node = asScalar(job.container.value, doc)
        ? job.container.value
        : get(asMap(job.container.value, doc), 'image', doc)?.value;
      images.push({ where: 'container', node });
    }
    for (const service of entries(job.services, doc)) {
      images.push({ where: `service ${service.key}`, node: get(asMap(service.value, doc), 'image', doc)?.value });
    }
    for (const { where, node } of images) {
      for (const candidate of candidates(node, job, workflow)) {
        const verdict = judgeImage(candidate.image);
        if (!verdict) continue;
        findings.push(
          makeFinding(workflow, rule, {
            severity: verdict.severity,
            message: `The ${where} image of job ${job.id}${candidate.via ? ` (from ${candidate.via})` : ''}: ${verdict.message}.`,
            span: nodeSpan(workflow, candidate.node),
            job,
            key: keys.next(`${job.id}:${where}:${candidate.image.trim()}`),
            fix: `Pin the digest: ${candidate.image.trim().replace(/:[^/:@]+$/, '')}:<tag>@sha256:<digest>`,
          }),
        );
      }
    }
  }
  return findings;
}

export const unpinnedImages: Audit = { rule, run };
