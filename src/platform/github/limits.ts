/** GitHub's limits, in the units GitHub counts them in. */
export const GITHUB_LIMITS = {
  /** Characters in an issue or pull-request comment body. */
  commentChars: 65_536,
  /** Characters in a check run's output.summary and output.text, each. */
  checkSummaryChars: 65_535,
  /** Characters in a check run's output.title. */
  checkTitleChars: 1_000,
  /** Annotations accepted per create/update request; more are sent in further updates. */
  annotationsPerRequest: 50,
  /** Characters in a commit status description. */
  statusDescriptionChars: 140,
  /** Bytes in the job summary ($GITHUB_STEP_SUMMARY). */
  stepSummaryBytes: 1024 * 1024,
} as const;

/** We stop adding annotations after this many: the check run summary and the SARIF list the rest. */
export const MAX_ANNOTATIONS = 500;

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
