import { ociError } from './errors.js';
import {
  CONFIG_MEDIA_TYPES,
  INDEX_MEDIA_TYPES,
  LAYER_MEDIA_TYPES,
  MANIFEST_MEDIA_TYPES,
  MEDIA_TYPE,
  SCHEMA1_MEDIA_TYPES,
} from './media-types.js';
import { isValidDigest } from './reference.js';

/** More layers than any real image has (overlayfs stops at 128); bounds the work per image. */
export const MAX_LAYERS = 1000;
/** Bounds the work per index. Real multi-platform indexes have a few dozen entries. */
export const MAX_INDEX_ENTRIES = 10_000;

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  'os.version'?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  platform?: Platform;
  artifactType?: string;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export type ParsedManifest = { kind: 'manifest'; manifest: ImageManifest } | { kind: 'index'; index: ImageIndex };

export interface HealthcheckConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

/** The container defaults of an image config; only fields with the documented types are kept. */
export interface ContainerConfig {
  User?: string;
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  WorkingDir?: string;
  StopSignal?: string;
  ExposedPorts?: Record<string, object>;
  Volumes?: Record<string, object>;
  Labels?: Record<string, string>;
  Healthcheck?: HealthcheckConfig;
  OnBuild?: string[];
  Shell?: string[];
  ArgsEscaped?: boolean;
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  'os.version'?: string;
  created?: string;
  author?: string;
  config: ContainerConfig;
  rootfs: { type: string; diff_ids: string[] };
  history: HistoryEntry[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function stringRecord(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) if (typeof item === 'string') out[key] = item;
  return out;
}

export function parseJson(
  bytes: Uint8Array,
  what: string,
  code: 'INVALID_MANIFEST' | 'INVALID_CONFIG' | 'INVALID_LAYOUT' | 'INVALID_ARCHIVE',
): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
  } catch (error) {
    throw ociError(code, `${what} is not valid JSON: ${(error as Error).message}`, error);
  }
}

export function parseDescriptor(value: unknown, what: string): Descriptor {
  if (!isObject(value)) throw ociError('INVALID_MANIFEST', `${what} is not a descriptor object`);
  const { mediaType, digest, size } = value;
  if (typeof mediaType !== 'string' || mediaType.length === 0) {
    throw ociError('INVALID_MANIFEST', `${what} has no mediaType`);
  }
  if (!isValidDigest(digest)) {
    throw ociError(
      'INVALID_MANIFEST',
      `${what} has an invalid digest ${JSON.stringify(digest)} (want sha256:<64 hex> or sha512:<128 hex>)`,
    );
  }
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw ociError('INVALID_MANIFEST', `${what} has an invalid size ${JSON.stringify(size)}`);
  }
  const descriptor: Descriptor = { mediaType, digest, size };
  if (isStringArray(value.urls)) descriptor.urls = value.urls;
  const annotations = stringRecord(value.annotations);
  if (annotations) descriptor.annotations = annotations;
  if (typeof value.artifactType === 'string') descriptor.artifactType = value.artifactType;
  const platform = value.platform;
  if (isObject(platform) && typeof platform.os === 'string' && typeof platform.architecture === 'string') {
    descriptor.platform = { os: platform.os, architecture: platform.architecture };
    if (typeof platform.variant === 'string') descriptor.platform.variant = platform.variant;
    if (typeof platform['os.version'] === 'string') descriptor.platform['os.version'] = platform['os.version'];
  }
  return descriptor;
}

function schema1Error(what: string): Error {
  return ociError(
    'UNSUPPORTED_MEDIA_TYPE',
    `${what} is a Docker image manifest v2 schema 1, which is deprecated and unsupported; re-push the image with a current Docker, buildah or skopeo to get a schema 2 / OCI manifest`,
  );
}

/**
 * Parses a manifest or index. The media type comes from the document's own `mediaType` when present,
 * else from the Content-Type it was served with; the two must agree when both are specific.
 */
export function parseManifest(bytes: Uint8Array, what: string, contentType?: string): ParsedManifest {
  const document = parseJson(bytes, what, 'INVALID_MANIFEST');
  if (!isObject(document)) throw ociError('INVALID_MANIFEST', `${what} is not a JSON object`);
  const served = contentType?.split(';')[0]?.trim().toLowerCase();
  if (document.schemaVersion === 1 || (served !== undefined && SCHEMA1_MEDIA_TYPES.includes(served))) {
    throw schema1Error(what);
  }
  if (document.schemaVersion !== 2) {
    throw ociError(
      'INVALID_MANIFEST',
      `${what} has schemaVersion ${JSON.stringify(document.schemaVersion)}, expected 2`,
    );
  }
  const declared = typeof document.mediaType === 'string' ? document.mediaType : undefined;
  const known = (type: string | undefined): boolean =>
    type !== undefined && (MANIFEST_MEDIA_TYPES.includes(type) || INDEX_MEDIA_TYPES.includes(type));
  if (declared !== undefined && known(served) && served !== declared) {
    throw ociError('INVALID_MANIFEST', `${what} declares mediaType ${declared} but was served as ${served}`);
  }
  const mediaType = declared ?? (known(served) ? served : undefined) ?? guessMediaType(document);
  if (mediaType === undefined || !known(mediaType)) {
    throw ociError(
      'UNSUPPORTED_MEDIA_TYPE',
      `${what} has media type ${JSON.stringify(declared ?? served ?? 'unknown')}; supported: ${[...MANIFEST_MEDIA_TYPES, ...INDEX_MEDIA_TYPES].join(', ')}`,
    );
  }
  const subject = document.subject === undefined ? undefined : parseDescriptor(document.subject, `${what} subject`);
  const annotations = stringRecord(document.annotations);
  if (INDEX_MEDIA_TYPES.includes(mediaType)) {
    if (!Array.isArray(document.manifests)) throw ociError('INVALID_MANIFEST', `${what} has no manifests array`);
    if (document.manifests.length > MAX_INDEX_ENTRIES) {
      throw ociError(
        'INVALID_MANIFEST',
        `${what} lists ${document.manifests.length} manifests, over the limit of ${MAX_INDEX_ENTRIES}`,
      );
    }
    const manifests = document.manifests.map((entry, i) => parseDescriptor(entry, `${what} manifests[${i}]`));
    return {
      kind: 'index',
      index: {
        schemaVersion: 2,
        mediaType,
        manifests,
        ...(subject ? { subject } : {}),
        ...(annotations ? { annotations } : {}),
      },
    };
  }
  const config = parseDescriptor(document.config, `${what} config`);
  if (!Array.isArray(document.layers)) throw ociError('INVALID_MANIFEST', `${what} has no layers array`);
  if (document.layers.length > MAX_LAYERS) {
    throw ociError('INVALID_MANIFEST', `${what} has ${document.layers.length} layers, over the limit of ${MAX_LAYERS}`);
  }
  const layers = document.layers.map((entry, i) => parseDescriptor(entry, `${what} layers[${i}]`));
  const manifest: ImageManifest = { schemaVersion: 2, mediaType, config, layers };
  if (typeof document.artifactType === 'string') manifest.artifactType = document.artifactType;
  if (subject) manifest.subject = subject;
  if (annotations) manifest.annotations = annotations;
  return { kind: 'manifest', manifest };
}

function guessMediaType(document: Json): string | undefined {
  if (Array.isArray(document.manifests)) return MEDIA_TYPE.ociIndex;
  if (isObject(document.config) && Array.isArray(document.layers)) return MEDIA_TYPE.ociManifest;
  return undefined;
}

/** Checks that a manifest describes a runnable container image (not e.g. a signature artifact). */
export function assertImageManifest(manifest: ImageManifest, what: string): void {
  if (!CONFIG_MEDIA_TYPES.includes(manifest.config.mediaType)) {
    throw ociError(
      'UNSUPPORTED_MEDIA_TYPE',
      `${what} is not a container image: its config has media type ${manifest.config.mediaType}${manifest.artifactType ? ` (artifactType ${manifest.artifactType})` : ''}`,
    );
  }
  manifest.layers.forEach((layer, i) => {
    if (!LAYER_MEDIA_TYPES.includes(layer.mediaType)) {
      throw ociError('UNSUPPORTED_MEDIA_TYPE', `${what} layers[${i}] has unsupported media type ${layer.mediaType}`);
    }
  });
}

function optionalString(target: Json, source: Json, key: string): void {
  if (typeof source[key] === 'string') target[key] = source[key];
}

function objectRecord(value: unknown): Record<string, object> | undefined {
  if (!isObject(value)) return undefined;
  const out: Record<string, object> = {};
  for (const key of Object.keys(value)) out[key] = {};
  return out;
}

function parseContainerConfig(value: unknown): ContainerConfig {
  if (!isObject(value)) return {};
  const out: Json = {};
  for (const key of ['User', 'WorkingDir', 'StopSignal']) optionalString(out, value, key);
  for (const key of ['Env', 'Entrypoint', 'Cmd', 'OnBuild', 'Shell'])
    if (isStringArray(value[key])) out[key] = value[key];
  for (const key of ['ExposedPorts', 'Volumes']) {
    const record = objectRecord(value[key]);
    if (record) out[key] = record;
  }
  const labels = stringRecord(value.Labels);
  if (labels) out.Labels = labels;
  if (typeof value.ArgsEscaped === 'boolean') out.ArgsEscaped = value.ArgsEscaped;
  const health = value.Healthcheck;
  if (isObject(health)) {
    const check: Json = {};
    if (isStringArray(health.Test)) check.Test = health.Test;
    for (const key of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries']) {
      if (typeof health[key] === 'number') check[key] = health[key];
    }
    out.Healthcheck = check;
  }
  return out;
}

/** Parses an image config blob, keeping only well-typed fields (the blob is attacker-controlled). */
export function parseImageConfig(bytes: Uint8Array, what: string): ImageConfig {
  const document = parseJson(bytes, what, 'INVALID_CONFIG');
  if (!isObject(document)) throw ociError('INVALID_CONFIG', `${what} is not a JSON object`);
  const out: Json = {};
  for (const key of ['architecture', 'os', 'variant', 'os.version', 'created', 'author'])
    optionalString(out, document, key);
  // Docker-archive configs and old builders use lower-case "config" too; "container_config" is build-time only.
  out.config = parseContainerConfig(document.config);
  const rootfs = isObject(document.rootfs) ? document.rootfs : {};
  const diffIds = Array.isArray(rootfs.diff_ids) ? rootfs.diff_ids : [];
  if (!diffIds.every((id) => isValidDigest(id))) {
    throw ociError('INVALID_CONFIG', `${what} has an invalid rootfs.diff_ids entry (want sha256:<64 hex>)`);
  }
  out.rootfs = { type: typeof rootfs.type === 'string' ? rootfs.type : 'layers', diff_ids: diffIds };
  const history = Array.isArray(document.history) ? document.history : [];
  out.history = history.filter(isObject).map((entry) => {
    const item: Json = {};
    for (const key of ['created', 'created_by', 'author', 'comment']) optionalString(item, entry, key);
    if (typeof entry.empty_layer === 'boolean') item.empty_layer = entry.empty_layer;
    return item;
  });
  return out as unknown as ImageConfig;
}
