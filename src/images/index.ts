/**
 * Image file view and package catalog. Typical use by the images check:
 *
 *   const catalog = await catalogImage(layers, {
 *     limits: { maxLayerBytes, maxImageBytes },           // optional, see DEFAULT_IMAGE_LIMITS
 *     extraRequests: [secretScanner],                       // read in the same pass 2 as the catalogers
 *   });
 *   catalog.packages   // ImagePackage[]: OSV ecosystem, name, version, purl, source, path, layer digest
 *   catalog.os         // OsIdentity (os-release), with its OSV ecosystem when OSV has one
 *   catalog.errors     // layers that could not be read (truncated, bomb, diff_id mismatch): fail closed
 *   catalog.notes      // what was skipped and why (bounded)
 *   catalog.index      // the merged file view: stat(), lookup(), entries(), files(), deleted
 */
export { catalogImage, DEFAULT_CATALOGERS, type CatalogOptions, type ImageCatalog } from './catalog.js';
export type { Cataloger, CatalogContext, ImagePackage, OsIdentity } from './catalogers/types.js';
export {
  ImageIndex,
  indexImage,
  readImageFiles,
  type DeletedFile,
  type FileContent,
  type FileMeta,
  type FileRequest,
} from './filesystem.js';
export { DEFAULT_IMAGE_LIMITS, LayerError, type ImageLimits, type LayerErrorCode, type LayerSource } from './layers.js';
