import type { GateOutcome } from '../core/outcome.js';
import { GITHUB_LIMITS } from '../platform/github/limits.js';
import { renderCodeQuality } from '../report/codequality.js';
import { renderGitlabContainerScanning } from '../report/gitlab-container-scanning.js';
import type { ScanWindow } from '../report/gitlab-container-scanning.js';
import { renderJson } from '../report/json.js';
import { renderMarkdown } from '../report/markdown.js';
import type { ReportModel } from '../report/model.js';
import { renderSarif } from '../report/sarif.js';
import { PLAIN, renderText } from '../report/text.js';
import type { Style } from '../report/text.js';

export const FORMATS = ['text', 'json', 'sarif', 'markdown', 'gitlab', 'codequality'] as const;
export type Format = (typeof FORMATS)[number];

/** One finished run, ready to be rendered in any format: the model is built once, for every output. */
export interface RenderInput {
  outcome: GateOutcome;
  model: ReportModel;
  /** The policy's custom comment template, read once. */
  template?: string;
  window: ScanWindow;
}

export interface RenderOptions {
  /** Terminal style for `text`. */
  style?: Style;
  /** Size limit for `markdown`; a GitHub comment's by default. */
  maxChars?: number;
}

export function renderFormat(format: Format, input: RenderInput, options: RenderOptions = {}): string {
  switch (format) {
    case 'json':
      return renderJson(input.outcome);
    case 'sarif':
      return renderSarif(input.outcome);
    case 'gitlab':
      return renderGitlabContainerScanning(input.outcome, input.window);
    case 'codequality':
      return renderCodeQuality(input.outcome);
    case 'markdown':
      return renderMarkdown(input.model, {
        maxChars: options.maxChars ?? GITHUB_LIMITS.commentChars,
        ...(input.template !== undefined ? { template: input.template } : {}),
      });
    case 'text':
      return renderText(input.model, options.style ?? PLAIN);
  }
}
