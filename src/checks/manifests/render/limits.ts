/** Limits of rendering Helm charts and kustomizations; the input is the pull request's, so attacker-controlled. */
export interface RenderLimits {
  /** Milliseconds one `helm template` / `kustomize build` may run before it is killed. */
  timeoutMs: number;
  /** Bytes of stdout (and, separately, stderr) kept from one run; more kills the tool. */
  maxOutputBytes: number;
  /** Files copied into the temporary tree of one chart or kustomization. */
  maxStagedFiles: number;
  /** Bytes copied into the temporary tree of one chart or kustomization. */
  maxStagedBytes: number;
}

export const RENDER_LIMITS: RenderLimits = {
  timeoutMs: 60_000,
  maxOutputBytes: 32 * 1024 * 1024,
  maxStagedFiles: 5_000,
  maxStagedBytes: 64 * 1024 * 1024,
};

/** Characters of a tool's error output quoted in a note or finding. */
export const MAX_QUOTED_STDERR_CHARS = 600;
