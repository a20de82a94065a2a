import type { WorkflowModel } from './model.js';
import { asSeq, get, stringList } from './yaml-nodes.js';

/** Triggers that run with the base repository's secrets and a write token while reacting to outsiders. */
export const PRIVILEGED_TRIGGERS = ['pull_request_target', 'workflow_run'] as const;

/**
 * Triggers that anyone who can open a pull request, issue, comment or discussion on a public repository can
 * fire. `pull_request` from a fork runs the fork's code.
 */
export const PUBLIC_TRIGGERS = [
  'pull_request',
  'pull_request_target',
  'pull_request_review',
  'pull_request_review_comment',
  'issue_comment',
  'issues',
  'discussion',
  'discussion_comment',
  'fork',
  'watch',
] as const;

export function privilegedTriggers(workflow: WorkflowModel): string[] {
  return workflow.triggers
    .filter((t) => (PRIVILEGED_TRIGGERS as readonly string[]).includes(t.name))
    .map((t) => t.name);
}

type ReleaseTrigger = { kind: 'release' | 'tags' | 'branch'; text: string };

/** Every release-like trigger of the workflow: `release`, pushed tags, pushes to release branches. */
function releaseTriggers(workflow: WorkflowModel): ReleaseTrigger[] {
  const out: ReleaseTrigger[] = [];
  for (const t of workflow.triggers) {
    if (t.name === 'release') out.push({ kind: 'release', text: 'release' });
    if (t.name === 'push' && t.config) {
      const tags = get(t.config, 'tags', workflow.doc);
      if (tags && (asSeq(tags.value, workflow.doc) || tags.value)) out.push({ kind: 'tags', text: 'push of tags' });
      const branches = stringList(get(t.config, 'branches', workflow.doc)?.value, workflow.doc);
      const release = branches.find((b) => /(^|[^a-z])releases?([^a-z]|$)/i.test(b.text) && !b.text.startsWith('!'));
      if (release) out.push({ kind: 'branch', text: `push to release branch \`${release.text}\`` });
    }
  }
  return out;
}

/**
 * Runs on `release`, on pushed tags, or on pushes to release branches (`release/*`, `release-v2`): the
 * workflow most likely builds something that ships.
 */
export function releaseTrigger(workflow: WorkflowModel): string | undefined {
  return releaseTriggers(workflow)[0]?.text;
}

/** Every release-like trigger is tied to a tag (`release`, `push: tags`), none to a release branch. */
export function releaseTriggersAreTags(workflow: WorkflowModel): boolean {
  return releaseTriggers(workflow).every((t) => t.kind !== 'branch');
}
