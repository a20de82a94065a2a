// Subpath imports: the package root also loads its validators, which read schema files next to the
// package (__dirname) and do not survive bundling; we only need models, enums, spec and serializer.
import * as Enums from '@cyclonedx/cyclonedx-library/Enums';
import * as Models from '@cyclonedx/cyclonedx-library/Models';
import * as Serialize from '@cyclonedx/cyclonedx-library/Serialize';
import * as Spec from '@cyclonedx/cyclonedx-library/Spec';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { combinedExpression } from './licenses.js';
import type { SbomSubject } from './subject.js';

/** Declared licences: one SPDX expression when they all are SPDX, else each as a named licence. */
function addLicenses(into: Models.LicenseRepository, licenses: readonly string[]): void {
  if (licenses.length === 0) return;
  const expression = combinedExpression(licenses);
  if (expression === undefined) {
    for (const name of licenses) into.add(new Models.NamedLicense(name));
  } else if (/\s/.test(expression)) into.add(new Models.LicenseExpression(expression));
  else into.add(new Models.SpdxLicense(expression));
}

/**
 * CycloneDX 1.6 JSON with the CycloneDX library's models and serializer. The image is the metadata
 * component (type container), the OS an operating-system component, every package a library component
 * with its purl and containersec properties (ecosystem, source package, file, layer).
 */
export function toCycloneDx(subject: SbomSubject, timestamp: Date): string {
  const bom = new Models.Bom();
  bom.metadata.timestamp = timestamp;
  bom.metadata.tools.components.add(
    new Models.Component(Enums.ComponentType.Application, TOOL_NAME, { version: TOOL_VERSION }),
  );
  const image = new Models.Component(Enums.ComponentType.Container, subject.reference, {
    bomRef: 'image',
    ...(subject.digest ? { version: subject.digest } : {}),
  });
  bom.metadata.component = image;
  if (subject.os) {
    bom.components.add(
      new Models.Component(Enums.ComponentType.OperatingSystem, subject.os.id, {
        bomRef: 'os',
        ...(subject.os.versionId ? { version: subject.os.versionId } : {}),
        ...(subject.os.prettyName ? { description: subject.os.prettyName } : {}),
      }),
    );
  }
  const seen = new Set<string>();
  subject.packages.forEach((pkg, i) => {
    const properties = new Models.PropertyRepository();
    const add = (name: string, value: string | undefined) => {
      if (value) properties.add(new Models.Property(`containersec:${name}`, value));
    };
    add('ecosystem', pkg.ecosystem);
    add('cataloger', pkg.cataloger);
    add('path', `/${pkg.path}`);
    add('layer', pkg.layer);
    add('source-name', pkg.sourceName);
    add('source-version', pkg.sourceVersion);
    add('relationship', pkg.relationship);
    // bom-refs must be unique: the purl, numbered when one package appears in several places.
    const ref = seen.has(pkg.purl) ? `${pkg.purl}#${i}` : pkg.purl;
    seen.add(pkg.purl);
    // Scoped npm packages: CycloneDX keeps the scope as the group (`@babel` + `core`).
    const scoped = pkg.ecosystem === 'npm' ? /^(@[^/]+)\/(.+)$/.exec(pkg.name) : null;
    const component = new Models.Component(Enums.ComponentType.Library, scoped ? scoped[2]! : pkg.name, {
      bomRef: ref,
      version: pkg.version,
      purl: pkg.purl,
      properties,
      ...(scoped ? { group: scoped[1]! } : {}),
    });
    addLicenses(component.licenses, pkg.licenses ?? []);
    bom.components.add(component);
    // The image contains every package: its dependency edges (package-to-package edges are not read yet).
    image.dependencies.add(component.bomRef);
  });
  for (const c of bom.components) if (c.type === Enums.ComponentType.OperatingSystem) image.dependencies.add(c.bomRef);
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  return serializer.serialize(bom, { sortLists: true, space: 2 });
}
