/** Media types from the OCI image spec and Docker's image manifest v2 schema 2. */
export const MEDIA_TYPE = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
  dockerForeignLayerGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

export const MANIFEST_MEDIA_TYPES: readonly string[] = [MEDIA_TYPE.ociManifest, MEDIA_TYPE.dockerManifest];
export const INDEX_MEDIA_TYPES: readonly string[] = [MEDIA_TYPE.ociIndex, MEDIA_TYPE.dockerManifestList];
export const SCHEMA1_MEDIA_TYPES: readonly string[] = [MEDIA_TYPE.dockerSchema1, MEDIA_TYPE.dockerSchema1Signed];

/** The Accept header for manifest requests: every manifest and index type we can read, nothing else. */
export const MANIFEST_ACCEPT = [...MANIFEST_MEDIA_TYPES, ...INDEX_MEDIA_TYPES].join(', ');

export const LAYER_MEDIA_TYPES: readonly string[] = [
  MEDIA_TYPE.ociLayer,
  MEDIA_TYPE.ociLayerGzip,
  MEDIA_TYPE.ociLayerZstd,
  MEDIA_TYPE.dockerLayerGzip,
  MEDIA_TYPE.dockerLayer,
  MEDIA_TYPE.dockerForeignLayerGzip,
  'application/vnd.oci.image.layer.nondistributable.v1.tar',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
];

export const CONFIG_MEDIA_TYPES: readonly string[] = [MEDIA_TYPE.ociConfig, MEDIA_TYPE.dockerConfig];
