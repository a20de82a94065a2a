/**
 * A read-only view of a repository's files: the working tree for the head revision, or a git revision
 * read with `git cat-file` for the base. Paths are repository-relative and use `/`.
 * Implementations never follow symlinks and never read outside the repository.
 */
export interface FileTree {
  /** A label for messages: the directory, or `git:<rev>`. */
  readonly label: string;
  /** Every regular file, sorted. */
  list(): Promise<string[]>;
  /** The file's bytes, or undefined when it is missing, not a regular file, or larger than `maxBytes`. */
  read(path: string, maxBytes?: number): Promise<Buffer | undefined>;
  size(path: string): Promise<number | undefined>;
}

/** Files larger than this are not read by checks; they report a finding instead. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
