/** GitLab's limits, in the units GitLab counts them in. */

/** Characters in a merge-request note. */
export const GITLAB_NOTE_MAX_CHARS = 1_000_000;
/** Characters in a commit status description (POST /projects/:id/statuses/:sha). */
export const GITLAB_STATUS_DESCRIPTION_MAX_CHARS = 255;
/** Characters in a commit status name. */
export const GITLAB_STATUS_NAME_MAX_CHARS = 255;
