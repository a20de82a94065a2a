import tar from 'tar-stream';
import type { Header } from 'tar-stream';
import {
  ByteBudget,
  DEFAULT_IMAGE_LIMITS,
  LayerError,
  layerError,
  openLayerTar,
  type ImageLimits,
  type LayerSource,
} from './layers.js';
import { displayPath, joinPath, normalizeEntryPath, segments, symlinkEscapesRoot } from './paths.js';

/**
 * The merged file view of an image, built without extracting anything to disk.
 *
 * Pass 1 (`indexImage`) streams every layer once and keeps only metadata: a tree of nodes with the OCI
 * whiteouts applied in layer order, plus the files that a later layer deleted or overwrote.
 * Pass 2 (`readImageFiles`) hands each wanted file's bytes (capped) to whoever asked for it. Given the
 * readers up front (`prefetch`), pass 1 keeps the files they may want as they stream past (bounded), and
 * pass 2 streams again only the layers holding wanted files that were not kept.
 */

export type NodeType = 'file' | 'dir' | 'symlink' | 'char' | 'block' | 'fifo' | 'other';

/** Where a file's bytes live: entry number `ordinal` of layer number `layer` (both 0-based). */
export interface ContentRef {
  layer: number;
  ordinal: number;
}

export interface FileMeta {
  path: string;
  type: NodeType;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  linkname?: string;
  /** Index of the layer that last wrote this path. */
  layer: number;
  /** Digest of that layer. */
  layerDigest: string;
  /** For regular files (incl. hardlinks): where the bytes are. */
  content?: ContentRef;
}

interface Node {
  type: NodeType;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  linkname?: string;
  layer: number;
  /** Last layer that wrote this node or anything below it: an opaque whiteout must keep such directories. */
  touched?: number;
  content?: ContentRef;
  children?: Map<string, Node>;
}

const lastTouched = (node: Node) => Math.max(node.layer, node.touched ?? -1);

/** A regular file that a later layer removed (whiteout) or replaced. Its bytes are still in the image. */
export interface DeletedFile {
  path: string;
  size: number;
  layer: number;
  layerDigest: string;
  deletedBy: number;
  deletedByDigest: string;
  content: ContentRef;
}

/** Notes are bounded: the first ones verbatim, then a count. */
export class Notes {
  readonly items: string[] = [];
  private dropped = 0;
  constructor(private readonly max = 200) {}
  /** Control characters from hostile names are escaped and each note is bounded; markdown is the renderer's job. */
  add(note: string): void {
    if (this.items.length < this.max) this.items.push(displayPath(note, 1000));
    else this.dropped++;
  }
  list(): string[] {
    return this.dropped > 0 ? [...this.items, `${this.dropped} more notes not shown`] : [...this.items];
  }
}

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_WHITEOUT = '.wh..wh..opq';
const AUFS_META_PREFIX = '.wh..wh.';

export interface IndexOptions {
  limits?: Partial<ImageLimits>;
  /** Stops the walk between tar entries; the abort reason is thrown, not recorded as a layer error. */
  signal?: AbortSignal;
  /**
   * The readers pass 2 will serve. Pass 1 keeps the bytes of files they may want (up to `maxPrefetchBytes`)
   * so that pass 2 reads again only the layers holding wanted files it did not keep.
   */
  prefetch?: readonly FileRequest[];
}

function newDir(layer: number): Node {
  return { type: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0, layer, children: new Map() };
}

/** The part of a tar-stream entry stream we use (it is a streamx Readable, not a Node one). */
export interface EntryStream {
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  resume(): unknown;
}

function nodeType(header: Header): NodeType {
  switch (header.type as string | null | undefined) {
    case 'file':
    case 'contiguous-file':
    case null:
    case undefined:
      return 'file';
    case 'directory':
      return 'dir';
    case 'symlink':
      return 'symlink';
    case 'character-device':
      return 'char';
    case 'block-device':
      return 'block';
    case 'fifo':
      return 'fifo';
    default:
      return 'other';
  }
}

type Lookup =
  { node: Node; path: string } | { node?: undefined; path?: undefined; reason: 'missing' | 'loop' | 'notdir' };

/** The merged tree plus what was deleted along the way. */
export class ImageIndex {
  readonly root: Node = newDir(-1);
  readonly deleted: DeletedFile[] = [];
  readonly notes = new Notes();
  /** Layers that failed; the index holds what came before the failure. */
  readonly errors: LayerError[] = [];
  nodeCount = 0;
  /** File bytes pass 1 kept for pass 2, by content key (`layer:ordinal`). Emptied as pass 2 hands them over. */
  readonly prefetched = new Map<string, Captured>();
  private deletedDropped = 0;
  private absoluteNames = 0;

  constructor(
    readonly layers: readonly LayerSource[],
    readonly limits: ImageLimits,
  ) {}

  digest(layer: number): string {
    return this.layers[layer]?.digest ?? '';
  }

  /**
   * Resolves a path inside the root. Symlinks are followed (absolute targets from the image root, `..` never
   * above it), at most `maxSymlinkHops` of them. With `followLast` false the final component is not followed.
   */
  lookup(path: string, followLast = true): Lookup {
    const stack: { node: Node; name: string }[] = [];
    let current = this.root;
    const queue = segments(path).reverse();
    let hops = 0;
    while (queue.length > 0) {
      const name = queue.pop() as string;
      if (name === '' || name === '.') continue;
      if (name === '..') {
        stack.pop();
        current = stack[stack.length - 1]?.node ?? this.root;
        continue;
      }
      if (current.type !== 'dir') return { reason: 'notdir' };
      const child = current.children?.get(name);
      if (!child) return { reason: 'missing' };
      if (child.type === 'symlink' && (queue.length > 0 || followLast)) {
        if (++hops > this.limits.maxSymlinkHops) return { reason: 'loop' };
        const target = child.linkname ?? '';
        if (target.startsWith('/')) {
          stack.length = 0;
          current = this.root;
        }
        for (const part of segments(target.replace(/^\/+/, '')).reverse()) queue.push(part);
        continue;
      }
      stack.push({ node: child, name });
      current = child;
    }
    return { node: current, path: stack.map((s) => s.name).join('/') };
  }

  /** Metadata of the final-visible path (symlinks followed unless `followLast` is false). */
  stat(path: string, followLast = true): FileMeta | undefined {
    const found = this.lookup(path, followLast);
    return found.node ? this.meta(found.path, found.node) : undefined;
  }

  meta(path: string, node: Node): FileMeta {
    return {
      path,
      type: node.type,
      size: node.size,
      mode: node.mode,
      uid: node.uid,
      gid: node.gid,
      ...(node.linkname !== undefined ? { linkname: node.linkname } : {}),
      layer: node.layer,
      layerDigest: this.digest(node.layer),
      ...(node.content ? { content: node.content } : {}),
    };
  }

  /** Every final-visible path, depth first, in name order. */
  *entries(): Generator<FileMeta> {
    const stack: [string, Node][] = [['', this.root]];
    while (stack.length > 0) {
      const [path, node] = stack.pop() as [string, Node];
      if (path !== '') yield this.meta(path, node);
      if (node.children) {
        const names = [...node.children.keys()].sort().reverse();
        for (const name of names) stack.push([joinPath(path, name), node.children.get(name) as Node]);
      }
    }
  }

  /** Final-visible regular files. */
  *files(): Generator<FileMeta> {
    for (const entry of this.entries()) if (entry.type === 'file') yield entry;
  }

  // ---- building (pass 1) ----

  /** Called after each layer: one note for all its absolute entry names rather than one per entry. */
  endLayer(layer: number): void {
    if (this.absoluteNames > 0) {
      this.notes.add(
        `layer ${this.digest(layer)}: ${this.absoluteNames} entries have absolute names; read relative to the image root`,
      );
    }
    this.absoluteNames = 0;
  }

  /** Resolves the directory an entry goes into, creating missing directories as an extractor would. */
  private parentDir(parts: string[], layer: number): { node: Node; path: string } | undefined {
    let node = this.root;
    let path = '';
    for (const name of parts) {
      let child = node.children?.get(name);
      if (child?.type === 'symlink') {
        const target = this.lookup(joinPath(path, name));
        if (target.node?.type === 'dir') {
          node = target.node;
          path = target.path ?? '';
          this.touchPath(path, layer);
          continue;
        }
        this.removeChild(node, path, name, layer);
        child = undefined;
      } else if (child && child.type !== 'dir') {
        this.removeChild(node, path, name, layer);
        child = undefined;
      }
      if (!child) {
        child = newDir(layer);
        this.addNode(node, name, child);
      }
      child.touched = layer;
      node = child;
      path = joinPath(path, name);
    }
    return { node, path };
  }

  /** Marks a directory and its ancestors as written by `layer` (entries reached through a symlink). */
  private touchPath(path: string, layer: number): void {
    let node: Node | undefined = this.root;
    for (const name of segments(path)) {
      node = node?.children?.get(name);
      if (node) node.touched = layer;
    }
  }

  private addNode(parent: Node, name: string, node: Node): void {
    const existing = parent.children?.get(name);
    if (!existing) {
      this.nodeCount++;
      if (this.nodeCount > this.limits.maxEntries) {
        throw new LayerError(
          'TOO_MANY_ENTRIES',
          this.digest(node.layer),
          `image has more than ${this.limits.maxEntries} files (limit), reached in layer ${this.digest(node.layer)}`,
        );
      }
    }
    parent.children?.set(name, node);
  }

  private recordDeleted(path: string, node: Node, by: number): void {
    if (node.type !== 'file' || !node.content) return;
    if (this.deleted.length >= this.limits.maxDeletedFiles) {
      if (this.deletedDropped++ === 0) {
        this.notes.add(`more than ${this.limits.maxDeletedFiles} deleted files; the rest are not remembered`);
      }
      return;
    }
    this.deleted.push({
      path,
      size: node.size,
      layer: node.layer,
      layerDigest: this.digest(node.layer),
      deletedBy: by,
      deletedByDigest: this.digest(by),
      content: node.content,
    });
  }

  /** Removes a child and its subtree, remembering the regular files it held. */
  private removeChild(parent: Node, parentPath: string, name: string, by: number): void {
    const child = parent.children?.get(name);
    if (!child) return;
    parent.children?.delete(name);
    const stack: [string, Node][] = [[joinPath(parentPath, name), child]];
    while (stack.length > 0) {
      const [path, node] = stack.pop() as [string, Node];
      this.nodeCount--;
      this.recordDeleted(path, node, by);
      for (const [childName, grandchild] of node.children ?? []) stack.push([joinPath(path, childName), grandchild]);
    }
  }

  /**
   * Hides what lower layers put under `node`: children from lower layers go entirely, directories this layer
   * re-declared stay but lose their lower-layer content (OCI image spec, "Opaque Whiteout").
   */
  private hideLower(node: Node, path: string, layer: number): void {
    const stack: [Node, string][] = [[node, path]];
    while (stack.length > 0) {
      const [dir, dirPath] = stack.pop() as [Node, string];
      for (const [name, child] of [...(dir.children ?? [])]) {
        if (lastTouched(child) < layer) this.removeChild(dir, dirPath, name, layer);
        else if (child.type === 'dir') stack.push([child, joinPath(dirPath, name)]);
      }
    }
  }

  /** Applies one tar entry of layer `layer`. Returns the regular file whose bytes this entry holds, if it is one. */
  apply(header: Header, layer: number, ordinal: number): { path: string; node: Node } | undefined {
    const digest = this.digest(layer);
    const normalized = normalizeEntryPath(header.name);
    if (!normalized.ok) {
      this.notes.add(`layer ${digest}: entry ${displayPath(header.name)} skipped: ${normalized.reason}`);
      return;
    }
    if (normalized.note?.includes('..')) {
      this.notes.add(`layer ${digest}: entry ${displayPath(header.name)}: ${normalized.note}`);
    } else if (normalized.note) {
      this.absoluteNames++;
    }
    const path = normalized.path;
    if (path === '') return; // the root directory entry itself
    const parts = segments(path);
    // AUFS metadata (`.wh..wh.plnk/…`, `.wh..wh.aufs`) is not content; containerd skips it too.
    if (
      parts.some(
        (part, i) => part.startsWith(AUFS_META_PREFIX) && !(i === parts.length - 1 && part === OPAQUE_WHITEOUT),
      )
    ) {
      return;
    }
    const name = parts.pop() as string;
    const parent = this.parentDir(parts, layer);
    if (!parent) return;

    if (name === OPAQUE_WHITEOUT) {
      this.hideLower(parent.node, parent.path, layer);
      return;
    }
    if (name.startsWith(WHITEOUT_PREFIX)) {
      const hidden = name.slice(WHITEOUT_PREFIX.length);
      const target = parent.node.children?.get(hidden);
      if (!target) return;
      if (lastTouched(target) < layer) this.removeChild(parent.node, parent.path, hidden, layer);
      else if (target.type === 'dir') this.hideLower(target, joinPath(parent.path, hidden), layer);
      return;
    }

    const type = nodeType(header);
    const existing = parent.node.children?.get(name);
    const meta = {
      size: type === 'file' ? Math.max(0, header.size ?? 0) : 0,
      mode: header.mode ?? 0,
      uid: header.uid ?? 0,
      gid: header.gid ?? 0,
      layer,
    };
    if (type === 'dir') {
      if (existing?.type === 'dir') {
        Object.assign(existing, meta, { size: 0 });
        return;
      }
      this.removeChild(parent.node, parent.path, name, layer);
      this.addNode(parent.node, name, { ...meta, type, children: new Map() });
      return;
    }

    let node: Node;
    if ((header.type as string) === 'link') {
      node = this.hardlink(header.linkname ?? '', meta, joinPath(parent.path, name), digest);
    } else if (type === 'symlink') {
      const linkname = header.linkname ?? '';
      if (symlinkEscapesRoot(joinPath(parent.path, name), linkname)) {
        this.notes.add(
          `layer ${digest}: symlink ${displayPath(joinPath(parent.path, name))} -> ${displayPath(linkname)} points outside the image root; it is resolved inside the root`,
        );
      }
      node = { ...meta, type, linkname };
    } else {
      node = { ...meta, type, ...(type === 'file' ? { content: { layer, ordinal } } : {}) };
      const pax = header.pax as Record<string, string> | null | undefined;
      const realSize = pax?.['GNU.sparse.realsize'] ?? pax?.['GNU.sparse.size'];
      if (realSize !== undefined) {
        this.notes.add(
          `layer ${digest}: ${displayPath(joinPath(parent.path, name))} is a sparse file (${realSize} bytes); only its stored data is read`,
        );
      }
    }
    if (existing) this.removeChild(parent.node, parent.path, name, layer);
    this.addNode(parent.node, name, node);
    return node.content?.layer === layer && node.content.ordinal === ordinal
      ? { path: joinPath(parent.path, name), node }
      : undefined;
  }

  /** A hardlink shares the bytes of the file it names (looked up now, in the merged view so far). */
  private hardlink(linkname: string, meta: Omit<Node, 'type'>, path: string, digest: string): Node {
    const normalized = normalizeEntryPath(linkname);
    const target = normalized.ok ? this.lookup(normalized.path, false) : undefined;
    if (target?.node?.type === 'file' && target.node.content) {
      return { ...meta, type: 'file', size: target.node.size, linkname, content: target.node.content };
    }
    this.notes.add(
      `layer ${digest}: hardlink ${displayPath(path)} -> ${displayPath(linkname)} has no regular file to point to; kept without content`,
    );
    return { ...meta, type: 'other', linkname };
  }
}

/** Walks the tar entries of one layer. `visit` returns true to stop early. */
export async function walkLayer(
  layer: LayerSource,
  limits: ImageLimits,
  budget: ByteBudget,
  visit: (header: Header, entry: EntryStream, ordinal: number) => Promise<boolean> | boolean,
  verifyDiffId = false,
): Promise<{ note?: string }> {
  const opened = await openLayerTar(layer, limits, budget, verifyDiffId).catch((error: unknown) => {
    throw layerError(layer.digest, error);
  });
  const extract = tar.extract({ allowUnknownFormat: true } as Parameters<typeof tar.extract>[0]);
  opened.tar.on('error', (error) => extract.destroy(error));
  opened.tar.pipe(extract);
  let ordinal = 0;
  try {
    for await (const entry of extract) {
      const stop = await visit(entry.header, entry as unknown as EntryStream, ordinal++);
      entry.resume();
      if (stop) break;
    }
  } catch (error) {
    throw layerError(layer.digest, error);
  } finally {
    opened.tar.unpipe(extract);
    opened.close();
    extract.destroy();
  }
  return opened.note ? { note: opened.note } : {};
}

export function resolveLimits(limits?: Partial<ImageLimits>): ImageLimits {
  return { ...DEFAULT_IMAGE_LIMITS, ...limits };
}

/**
 * Pass 1. A layer that fails (truncated, corrupt, too large) is recorded in `errors` and stops the walk:
 * later layers would be applied on top of an incomplete base, so the view would be wrong anyway.
 */
export async function indexImage(layers: readonly LayerSource[], options: IndexOptions = {}): Promise<ImageIndex> {
  const limits = resolveLimits(options.limits);
  const index = new ImageIndex(layers, limits);
  const budget = new ByteBudget(limits.maxImageBytes);
  const prefetch = options.prefetch?.length ? new Prefetcher(index, options.prefetch) : undefined;
  for (const [position, layer] of layers.entries()) {
    try {
      const { note } = await walkLayer(
        layer,
        limits,
        budget,
        async (header, entry, ordinal) => {
          options.signal?.throwIfAborted();
          const added = index.apply(header, position, ordinal);
          if (added && prefetch) await prefetch.offer(added.path, added.node, entry, ordinal);
          return false;
        },
        true,
      );
      if (note) index.notes.add(`layer ${layer.digest}: ${note}`);
      index.endLayer(position);
    } catch (error) {
      options.signal?.throwIfAborted();
      index.errors.push(layerError(layer.digest, error));
      break;
    }
  }
  return index;
}

// ---- pass 2 ----

export interface FileContent {
  /** The path the consumer asked for or matched (for a deleted file: where it was). */
  path: string;
  /** The final-visible path after symlinks, when different from `path`. */
  resolvedPath?: string;
  layer: number;
  layerDigest: string;
  /** Size in the layer; `data` holds at most `maxFileBytes` of it. */
  size: number;
  data: Buffer;
  truncated: boolean;
  /** Set for files a later layer deleted or replaced. */
  deletedBy?: { layer: number; layerDigest: string };
}

/** What one consumer (a cataloger, the secret scanner) wants from pass 2. */
export interface FileRequest {
  name: string;
  /** Exact paths, symlinks followed (e.g. `etc/os-release`). */
  paths?: string[];
  /** Final-visible regular files to read. */
  wants?: (file: FileMeta) => boolean;
  /** Deleted or overwritten files to read. */
  wantsDeleted?: (file: DeletedFile) => boolean;
  /** Per-file cap; longer files are handed over truncated. */
  maxFileBytes: number;
  /** Cap on the sum of wanted file sizes; files beyond it are skipped with a note. */
  maxTotalBytes?: number;
  onFile: (file: FileContent) => void | Promise<void>;
}

interface Delivery {
  request: FileRequest;
  path: string;
  resolvedPath?: string;
  size: number;
  deletedBy?: number;
}

function contentKey(ref: ContentRef): string {
  return `${ref.layer}:${ref.ordinal}`;
}

/** Decides, per layer and entry number, who gets which file. */
function planDeliveries(index: ImageIndex, requests: readonly FileRequest[]): Map<number, Map<number, Delivery[]>> {
  const plan = new Map<number, Map<number, Delivery[]>>();
  const totals = new Map<FileRequest, number>();
  const add = (ref: ContentRef, delivery: Delivery) => {
    const { request } = delivery;
    const total = (totals.get(request) ?? 0) + Math.min(delivery.size, request.maxFileBytes);
    if (request.maxTotalBytes !== undefined && total > request.maxTotalBytes) {
      index.notes.add(
        `${request.name}: ${displayPath(delivery.path)} not read: over the ${request.maxTotalBytes}-byte total for this reader`,
      );
      return;
    }
    totals.set(request, total);
    let layer = plan.get(ref.layer);
    if (!layer) plan.set(ref.layer, (layer = new Map<number, Delivery[]>()));
    const list = layer.get(ref.ordinal) ?? [];
    list.push(delivery);
    layer.set(ref.ordinal, list);
  };
  const seen = new Map<FileRequest, Set<string>>();
  const once = (request: FileRequest, key: string) => {
    let keys = seen.get(request);
    if (!keys) seen.set(request, (keys = new Set()));
    if (keys.has(key)) return false;
    keys.add(key);
    return true;
  };

  for (const request of requests) {
    for (const path of request.paths ?? []) {
      const found = index.lookup(path);
      if (found.node?.type !== 'file' || !found.node.content) continue;
      if (!once(request, `${contentKey(found.node.content)}|${path}`)) continue;
      add(found.node.content, {
        request,
        path,
        ...(found.path !== path ? { resolvedPath: found.path } : {}),
        size: found.node.size,
      });
    }
  }
  const matchers = requests.filter((request) => request.wants !== undefined);
  if (matchers.length > 0) {
    for (const file of index.files()) {
      if (!file.content) continue;
      for (const request of matchers) {
        if (request.wants?.(file) && once(request, `${contentKey(file.content)}|${file.path}`)) {
          add(file.content, { request, path: file.path, size: file.size });
        }
      }
    }
  }
  for (const request of requests) {
    if (!request.wantsDeleted) continue;
    for (const file of index.deleted) {
      if (request.wantsDeleted(file)) {
        add(file.content, { request, path: file.path, size: file.size, deletedBy: file.deletedBy });
      }
    }
  }
  return plan;
}

/** Reads up to `max` bytes of an entry and drains the rest without keeping it. */
function readCapped(entry: EntryStream, max: number): Promise<{ data: Buffer; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let kept = 0;
    let truncated = false;
    entry.on('data', (chunk: Buffer) => {
      if (kept >= max) {
        truncated = true;
        return;
      }
      const room = max - kept;
      if (chunk.length > room) truncated = true;
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      parts.push(part);
      kept += part.length;
    });
    entry.on('end', () => resolve({ data: Buffer.concat(parts, kept), truncated }));
    entry.on('error', reject);
  });
}

const KEPT_FILE_OVERHEAD_BYTES = 512;

/** The first bytes of one tar entry, as pass 2 would read them. */
interface Captured {
  data: Buffer;
  truncated: boolean;
  size: number;
}

/**
 * Pass 1's guess at what pass 2 will want: files a reader's `wants` accepts, or that one of its `paths`
 * resolves to at this point of the walk, up to `maxPrefetchBytes` in all. A guess is all it needs to be:
 * pass 2 uses a kept file only for the exact entry it plans to read (layer and entry number) and reads
 * anything else from the layer, so a wrong guess costs memory until pass 2, never a wrong result.
 */
class Prefetcher {
  #used = 0;
  readonly #paths = new Map<FileRequest, Set<string>>();
  /** Last segments of all requested paths: only such entries are worth resolving requested paths for. */
  readonly #names = new Set<string>();

  constructor(
    private readonly index: ImageIndex,
    private readonly requests: readonly FileRequest[],
  ) {
    for (const request of requests) {
      const paths = new Set<string>();
      for (const path of request.paths ?? []) {
        const normalized = normalizeEntryPath(path);
        if (!normalized.ok || normalized.path === '') continue;
        paths.add(normalized.path);
        this.#names.add(segments(normalized.path).at(-1) ?? '');
      }
      if (paths.size > 0) this.#paths.set(request, paths);
    }
  }

  #requestedPath(request: FileRequest, path: string, node: Node): boolean {
    const paths = this.#paths.get(request);
    if (!paths) return false;
    if (paths.has(path)) return true;
    if (!this.#names.has(path.slice(path.lastIndexOf('/') + 1))) return false;
    for (const wanted of paths) if (this.index.lookup(wanted).node === node) return true;
    return false;
  }

  /** How many bytes of this file the readers that may want it read: 0 when none may. */
  #cap(path: string, node: Node): number {
    let cap = 0;
    let meta: FileMeta | undefined;
    for (const request of this.requests) {
      if (request.maxFileBytes <= cap) continue;
      if (this.#requestedPath(request, path, node)) {
        cap = request.maxFileBytes;
      } else if (request.wants) {
        meta ??= this.index.meta(path, node);
        if (request.wants(meta)) cap = request.maxFileBytes;
      }
    }
    return cap;
  }

  /** Called for each regular file entry of pass 1, before its bytes stream past. */
  async offer(path: string, node: Node, entry: EntryStream, ordinal: number): Promise<void> {
    const cap = this.#cap(path, node);
    if (cap === 0 || !node.content) return;
    // Each kept file also costs a map entry, a key and a buffer header: a million empty package.json files
    // must not get past the cap for free.
    const keep = Math.min(cap, node.size) + KEPT_FILE_OVERHEAD_BYTES;
    if (this.#used + keep > this.index.limits.maxPrefetchBytes) return;
    this.#used += keep;
    const { data, truncated } = await readCapped(entry, cap);
    this.#used += data.length + KEPT_FILE_OVERHEAD_BYTES - keep;
    this.index.prefetched.set(contentKey({ layer: node.content.layer, ordinal }), { data, truncated, size: node.size });
  }
}

/**
 * Pass 2. Hands over the wanted files pass 1 kept, streams again only the layers that hold other wanted
 * bytes, stops each layer after its last such entry, and calls `onFile` for every delivery, in layer and
 * entry order. A layer that fails here is recorded in `index.errors`.
 */
export async function readImageFiles(
  index: ImageIndex,
  requests: readonly FileRequest[],
  signal?: AbortSignal,
): Promise<void> {
  const plan = planDeliveries(index, requests);
  const budget = new ByteBudget(index.limits.maxImageBytes);
  try {
    for (const [layerNumber, wanted] of [...plan.entries()].sort((a, b) => a[0] - b[0])) {
      const layer = index.layers[layerNumber];
      if (layer) await readLayerFiles(index, layerNumber, layer, wanted, budget, signal);
    }
  } finally {
    index.prefetched.clear();
  }
}

/** Hands over the planned files of one layer in entry order: kept ones from pass 1, the rest read again. */
async function readLayerFiles(
  index: ImageIndex,
  layerNumber: number,
  layer: LayerSource,
  wanted: Map<number, Delivery[]>,
  budget: ByteBudget,
  signal?: AbortSignal,
): Promise<void> {
  const ordinals = [...wanted.keys()].sort((a, b) => a - b);
  const kept = (ordinal: number): Captured | undefined => {
    const captured = index.prefetched.get(contentKey({ layer: layerNumber, ordinal }));
    const max = Math.max(...(wanted.get(ordinal) ?? []).map((d) => d.request.maxFileBytes));
    return captured && (!captured.truncated || captured.data.length >= max) ? captured : undefined;
  };
  const deliver = async (ordinal: number, captured: Captured) => {
    index.prefetched.delete(contentKey({ layer: layerNumber, ordinal }));
    for (const delivery of wanted.get(ordinal) ?? []) {
      const cap = delivery.request.maxFileBytes;
      const { data } = captured;
      await delivery.request.onFile({
        path: delivery.path,
        ...(delivery.resolvedPath ? { resolvedPath: delivery.resolvedPath } : {}),
        layer: layerNumber,
        layerDigest: layer.digest,
        size: captured.size,
        data: data.length > cap ? data.subarray(0, cap) : data,
        truncated: captured.truncated || data.length > cap,
        ...(delivery.deletedBy !== undefined
          ? { deletedBy: { layer: delivery.deletedBy, layerDigest: index.digest(delivery.deletedBy) } }
          : {}),
      });
    }
  };
  /** Planned entries handed over so far (a prefix of `ordinals`). */
  let next = 0;
  let remaining = ordinals.filter((ordinal) => !kept(ordinal)).length;
  if (remaining > 0) {
    try {
      await walkLayer(layer, index.limits, budget, async (header, entry, ordinal) => {
        signal?.throwIfAborted();
        if (!wanted.has(ordinal)) return false;
        next++; // the walk meets every planned entry in order, kept or not
        const captured = kept(ordinal);
        if (captured) {
          await deliver(ordinal, captured);
          return false;
        }
        const max = Math.max(...(wanted.get(ordinal) ?? []).map((d) => d.request.maxFileBytes));
        const { data, truncated } = await readCapped(entry, max);
        await deliver(ordinal, { data, truncated, size: Math.max(0, header.size ?? data.length) });
        return --remaining === 0;
      });
    } catch (error) {
      signal?.throwIfAborted();
      const failure = layerError(layer.digest, error);
      if (!index.errors.some((e) => e.layer === failure.layer)) index.errors.push(failure);
    }
  }
  // After the last entry that had to be read (or a failure): the kept ones that are left.
  for (const ordinal of ordinals.slice(next)) {
    const captured = kept(ordinal);
    if (captured) await deliver(ordinal, captured);
  }
}
