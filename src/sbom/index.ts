import { toCycloneDx } from './cyclonedx.js';
import { toSpdx } from './spdx.js';
import type { SbomSubject } from './subject.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';

export { catalogSubject, type SbomSubject, type SubjectOptions } from './subject.js';
export { toCycloneDx, toSpdx };

export const SBOM_FORMATS = ['cyclonedx', 'spdx', 'json'] as const;
export type SbomFormat = (typeof SBOM_FORMATS)[number];

/** containersec's own JSON: the catalog as the images check sees it. */
export function toJson(subject: SbomSubject): string {
  return JSON.stringify(
    {
      schemaVersion: 1,
      tool: { name: TOOL_NAME, version: TOOL_VERSION },
      image: subject.reference,
      ...(subject.digest ? { digest: subject.digest } : {}),
      ...(subject.platform ? { platform: subject.platform } : {}),
      ...(subject.os ? { os: subject.os } : {}),
      packages: subject.packages,
      notes: subject.notes,
      errors: subject.errors,
    },
    null,
    2,
  );
}

export function renderSbom(subject: SbomSubject, format: SbomFormat, now: Date): string {
  switch (format) {
    case 'cyclonedx':
      return toCycloneDx(subject, now);
    case 'spdx':
      return toSpdx(subject, now);
    case 'json':
      return toJson(subject);
  }
}
