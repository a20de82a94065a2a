import { createHash } from 'node:crypto';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { combinedExpression } from './licenses.js';
import type { SbomSubject } from './subject.js';

/**
 * SPDX 2.3 JSON (https://spdx.github.io/spdx-spec/v2.3/): one package for the image (purpose CONTAINER),
 * one for the OS, one per catalogued package with its purl as a PACKAGE-MANAGER external reference, and
 * DESCRIBES / CONTAINS relationships. Only fields of the 2.3 schema are written.
 */
interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  downloadLocation: string;
  filesAnalyzed: boolean;
  primaryPackagePurpose?: string;
  sourceInfo?: string;
  licenseConcluded?: string;
  licenseDeclared?: string;
  licenseComments?: string;
  comment?: string;
  externalRefs?: { referenceCategory: string; referenceType: string; referenceLocator: string }[];
}

/** `SPDXRef-` ids allow letters, digits, `.` and `-` only. */
function spdxId(prefix: string, value: string): string {
  return `SPDXRef-${prefix}-${value.replace(/[^A-Za-z0-9.-]+/g, '-').slice(0, 120)}`;
}

/** ISO 8601 UTC without fractions, as SPDX writes `created`. */
function spdxDate(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/**
 * `licenseDeclared` as the metadata states it when that is an SPDX expression; free text is NOASSERTION with
 * the text in `licenseComments` (a LicenseRef would need the licence text, which we do not have).
 */
function licenseFields(licenses: readonly string[]): Pick<SpdxPackage, 'licenseDeclared' | 'licenseComments'> {
  if (licenses.length === 0) return {};
  const expression = combinedExpression(licenses);
  if (expression !== undefined) return { licenseDeclared: expression };
  return {
    licenseDeclared: 'NOASSERTION',
    licenseComments: `declared in the package metadata as: ${licenses.join('; ')}`,
  };
}

export function toSpdx(subject: SbomSubject, created: Date): string {
  const imageId = 'SPDXRef-Image';
  const packages: SpdxPackage[] = [
    {
      SPDXID: imageId,
      name: subject.reference,
      ...(subject.digest ? { versionInfo: subject.digest } : {}),
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      primaryPackagePurpose: 'CONTAINER',
    },
  ];
  const relationships = [
    { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: imageId },
  ];
  if (subject.os) {
    packages.push({
      SPDXID: 'SPDXRef-OperatingSystem',
      name: subject.os.id,
      ...(subject.os.versionId ? { versionInfo: subject.os.versionId } : {}),
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      primaryPackagePurpose: 'OPERATING_SYSTEM',
    });
    relationships.push({
      spdxElementId: imageId,
      relationshipType: 'CONTAINS',
      relatedSpdxElement: 'SPDXRef-OperatingSystem',
    });
  }
  subject.packages.forEach((pkg, i) => {
    const id = spdxId(`Package-${i}`, `${pkg.name}-${pkg.version}`);
    packages.push({
      SPDXID: id,
      name: pkg.name,
      versionInfo: pkg.version,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      primaryPackagePurpose: 'LIBRARY',
      ...(pkg.sourceName
        ? { sourceInfo: `built from source package ${pkg.sourceName} ${pkg.sourceVersion ?? ''}`.trim() }
        : {}),
      ...licenseFields(pkg.licenses ?? []),
      comment: `found by the ${pkg.cataloger} cataloger in /${pkg.path} (layer ${pkg.layer})`,
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: pkg.purl }],
    });
    relationships.push({ spdxElementId: imageId, relationshipType: 'CONTAINS', relatedSpdxElement: id });
  });
  const namespaceKey = createHash('sha256')
    .update(`${subject.reference}\u0000${spdxDate(created)}`)
    .digest('hex')
    .slice(0, 32);
  const document = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: subject.reference,
    documentNamespace: `https://containersec.invalid/spdx/${namespaceKey}`,
    creationInfo: { created: spdxDate(created), creators: [`Tool: ${TOOL_NAME}-${TOOL_VERSION}`] },
    documentDescribes: [imageId],
    packages,
    relationships,
  };
  return JSON.stringify(document, null, 2);
}
