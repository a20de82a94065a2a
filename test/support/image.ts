import { catalogImage, type CatalogOptions } from '../../src/images/catalog.js';
import type { ImagePackage } from '../../src/images/catalogers/types.js';
import { tarLayer, type LayerEntry } from './layer-builder.js';

/** Builds gzip layers from entry lists and catalogs the image. */
export async function catalogLayers(layers: readonly (readonly LayerEntry[])[], options: CatalogOptions = {}) {
  const sources = await Promise.all(layers.map((entries) => tarLayer(entries)));
  return { sources, catalog: await catalogImage(sources, options) };
}

/** `ecosystem name@version` lines, sorted: compact exact assertions. */
export function summary(packages: readonly ImagePackage[]): string[] {
  return packages.map((p) => `${p.ecosystem} ${p.name}@${p.version}`).sort();
}
