import type { Verdict } from '../../core/finding.js';
import { errorMessage } from '../../core/errors.js';
import type { CommentRequest, PublishOutcome, StatusRequest } from '../platform.js';
import { isDeadlineError } from '../deadline.js';
import { GitlabApiError } from './client.js';
import { GITLAB_STATUS_DESCRIPTION_MAX_CHARS, GITLAB_STATUS_NAME_MAX_CHARS } from './limits.js';
import type { GitlabClient } from './client.js';

/** Commit status states GitLab accepts: pending, running, success, failed, canceled, skipped. */
export type GitlabStatusState = 'pending' | 'running' | 'success' | 'failed' | 'canceled' | 'skipped';

/** The gate's verdict as a commit status: warnings pass, a blocked or unfinished gate fails; audit never blocks. */
export function gitlabState(verdict: Verdict, audit: boolean): GitlabStatusState {
  if (audit) return 'success';
  return verdict === 'fail' || verdict === 'error' ? 'failed' : 'success';
}

export function cut(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export interface GitlabTarget {
  projectId: string;
  mergeRequestIid?: string;
  sha?: string;
  pipelineId?: string;
}

interface Note {
  id: number;
  body: string;
  system?: boolean;
  author?: { id?: number };
}

function failure(error: unknown, what: string): PublishOutcome {
  if (isDeadlineError(error))
    return {
      ok: false,
      reason: `Could not ${what}: ${error.message}.`,
      advice:
        'Raise --publish-timeout (CONTAINERSEC_PUBLISH_TIMEOUT) if the GitLab API is slow here; the reports were written as artifacts.',
    };
  if (error instanceof GitlabApiError) return { ok: false, reason: error.message, advice: error.advice };
  return {
    ok: false,
    reason: `Could not ${what}: ${errorMessage(error)}`,
    advice: 'This is likely a containersec bug; please report it with this message.',
  };
}

/**
 * The GitLab API calls of publishing: one merge-request note found by its hidden marker and edited in place, and a commit
 * status in the running pipeline. Nothing here throws: a refusal comes back as a PublishOutcome.
 */
export class GitlabPublisher {
  readonly hasReviewThread: boolean;
  private readonly project: string;

  constructor(
    private readonly client: GitlabClient,
    private readonly target: GitlabTarget,
  ) {
    this.hasReviewThread = !!target.mergeRequestIid;
    this.project = `/projects/${encodeURIComponent(target.projectId)}`;
  }

  async postComment(request: CommentRequest): Promise<PublishOutcome> {
    const iid = this.target.mergeRequestIid;
    if (!iid) {
      return { ok: false, reason: 'This pipeline has no merge request to comment on.', advice: 'Nothing to do.' };
    }
    const notes = `${this.project}/merge_requests/${iid}/notes`;
    try {
      let unknownUser = false;
      if (request.mode === 'update') {
        const me = await this.currentUserId();
        unknownUser = me === undefined;
        const existing = me === undefined ? undefined : await this.findOurNote(notes, request.marker, iid, me);
        if (existing) {
          try {
            await this.client.request(
              'PUT',
              `${notes}/${existing.id}`,
              { body: request.body },
              `updating note ${existing.id} on !${iid}`,
            );
            return { ok: true, detail: `updated note ${existing.id} on merge request !${iid}` };
          } catch (error) {
            // Deleted between listing and editing (someone removed it by hand): add a new one instead.
            if (!(error instanceof GitlabApiError && error.status === 404)) throw error;
          }
        }
      }
      const created = await this.client.request<Note>(
        'POST',
        notes,
        { body: request.body },
        `adding a note to !${iid}`,
      );
      const why = unknownUser ? ' (GitLab did not say who the token is, so no existing note was edited)' : '';
      return { ok: true, detail: `added note ${created.data?.id ?? '?'} to merge request !${iid}${why}` };
    } catch (error) {
      return failure(error, `comment on merge request !${iid}`);
    }
  }

  async setStatus(request: StatusRequest): Promise<PublishOutcome> {
    const sha = this.target.sha;
    if (!sha) {
      return {
        ok: false,
        reason: 'CI_COMMIT_SHA is not set, so there is no commit to set a status on.',
        advice: 'Run in GitLab CI.',
      };
    }
    const body = {
      state: gitlabState(request.verdict, request.audit),
      name: cut(request.name, GITLAB_STATUS_NAME_MAX_CHARS),
      description: cut(request.description, GITLAB_STATUS_DESCRIPTION_MAX_CHARS),
      ...(request.targetUrl && /^https?:\/\//.test(request.targetUrl) ? { target_url: request.targetUrl } : {}),
      ...(this.target.pipelineId ? { pipeline_id: Number(this.target.pipelineId) } : {}),
    };
    try {
      await this.client.request(
        'POST',
        `${this.project}/statuses/${sha}`,
        body,
        `setting the ${body.name} status on ${sha.slice(0, 12)}`,
      );
      return { ok: true, detail: `commit status ${body.name}: ${body.state} on ${sha.slice(0, 12)}` };
    } catch (error) {
      return failure(error, 'set the commit status');
    }
  }

  /**
   * Our note: not a system note, starting with our marker, written by the token's user. Strict: when GitLab
   * does not say who the token is, no note is edited (a new one is added), because anyone can write the marker.
   */
  private async findOurNote(path: string, marker: string, iid: string, me: number): Promise<Note | undefined> {
    const notes = await this.client.list<Note>(
      path,
      { sort: 'asc', order_by: 'created_at' },
      `listing the notes of !${iid}`,
    );
    return notes.find(
      (note) => !note.system && typeof note.body === 'string' && note.body.startsWith(marker) && note.author?.id === me,
    );
  }

  private async currentUserId(): Promise<number | undefined> {
    try {
      const user = await this.client.request<{ id?: unknown }>('GET', '/user', undefined, 'reading the token user');
      return typeof user.data?.id === 'number' ? user.data.id : undefined;
    } catch (error) {
      // A bad token fails every call the same way: say so once, with the real reason.
      if (error instanceof GitlabApiError && error.status === 401) throw error;
      return undefined;
    }
  }
}
