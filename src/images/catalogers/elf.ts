/** Bounds-checked reading of ELF section headers, shared by the catalogers that read executables (Go, Rust). */

export const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
/** Section type of a section that occupies no bytes in the file (`.bss`). */
const SHT_NOBITS = 8;

export function isElf(data: Buffer): boolean {
  return data.length >= 64 && data.subarray(0, 4).equals(ELF_MAGIC);
}

/**
 * Where a named section is. `table-unreadable`: no section header table, or a malformed one.
 * `table-beyond-data`: the ELF header places the table beyond the bytes read (a truncated file or read, or a
 * lying header). `out-of-bounds`: the table names the section but its bytes lie beyond the bytes read.
 */
export type ElfSectionLookup =
  | { status: 'found'; offset: number; size: number }
  | { status: 'absent' }
  | { status: 'table-unreadable' }
  | { status: 'table-beyond-data' }
  | { status: 'out-of-bounds'; offset: number; size: number };

/** Field readers in the image's class (32/64-bit) and byte order. */
function fieldReader(data: Buffer) {
  const is64 = data[4] === 2;
  const little = data[5] !== 2;
  const u16 = (at: number) => (little ? data.readUInt16LE(at) : data.readUInt16BE(at));
  const u32 = (at: number) => (little ? data.readUInt32LE(at) : data.readUInt32BE(at));
  const word = (at: number) => (is64 ? Number(little ? data.readBigUInt64LE(at) : data.readBigUInt64BE(at)) : u32(at));
  return { is64, u16, u32, word };
}

export function findElfSection(data: Buffer, name: string): ElfSectionLookup {
  if (!isElf(data)) return { status: 'table-unreadable' };
  const { is64, u16, u32, word } = fieldReader(data);
  const shoff = word(is64 ? 0x28 : 0x20);
  const shentsize = u16(is64 ? 0x3a : 0x2e);
  const shnum = u16(is64 ? 0x3c : 0x30);
  const shstrndx = u16(is64 ? 0x3e : 0x32);
  if (shoff === 0 || shnum === 0 || shentsize < (is64 ? 64 : 40)) return { status: 'table-unreadable' };
  if (shoff + shnum * shentsize > data.length) return { status: 'table-beyond-data' };
  const header = (index: number) => {
    const at = shoff + index * shentsize;
    return {
      name: u32(at),
      type: u32(at + 4),
      offset: word(at + (is64 ? 0x18 : 0x10)),
      size: word(at + (is64 ? 0x20 : 0x14)),
    };
  };
  if (shstrndx >= shnum) return { status: 'table-unreadable' };
  const strings = header(shstrndx);
  if (strings.offset + strings.size > data.length) return { status: 'table-unreadable' };
  const wanted = Buffer.from(`${name}\0`);
  for (let i = 0; i < shnum; i++) {
    const section = header(i);
    const at = strings.offset + section.name;
    if (at + wanted.length > strings.offset + strings.size) continue;
    if (!data.subarray(at, at + wanted.length).equals(wanted)) continue;
    if (section.type === SHT_NOBITS) return { status: 'absent' };
    return section.offset + section.size <= data.length
      ? { status: 'found', offset: section.offset, size: section.size }
      : { status: 'out-of-bounds', offset: section.offset, size: section.size };
  }
  return { status: 'absent' };
}

/** The file offset and size of an ELF section by name, when it lies wholly within `data`. */
export function elfSection(data: Buffer, name: string): { offset: number; size: number } | undefined {
  const found = findElfSection(data, name);
  return found.status === 'found' ? { offset: found.offset, size: found.size } : undefined;
}

interface ElfSegment {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
}

const PT_LOAD = 1;
const PF_X = 1;
const PF_W = 2;
const MAX_SEGMENTS = 4096;

/** The program headers (segments) of an ELF image, when the table lies within `data`. */
export function elfSegments(data: Buffer): ElfSegment[] {
  if (!isElf(data)) return [];
  const { is64, u16, u32, word } = fieldReader(data);
  const phoff = word(is64 ? 0x20 : 0x1c);
  const phentsize = u16(is64 ? 0x36 : 0x2a);
  const phnum = Math.min(u16(is64 ? 0x38 : 0x2c), MAX_SEGMENTS);
  if (phoff === 0 || phentsize < (is64 ? 56 : 32) || phoff + phnum * phentsize > data.length) return [];
  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    segments.push({
      type: u32(at),
      flags: u32(at + (is64 ? 4 : 24)),
      offset: word(at + (is64 ? 8 : 4)),
      vaddr: word(at + (is64 ? 16 : 8)),
      filesz: word(at + (is64 ? 32 : 16)),
    });
  }
  return segments;
}

/** Go's DataStart for ELF: the file offset of the first writable, non-executable loaded segment. */
export function elfDataSegmentOffset(segments: readonly ElfSegment[]): number | undefined {
  return segments.find((s) => s.type === PT_LOAD && (s.flags & (PF_X | PF_W)) === PF_W)?.offset;
}

/**
 * The bytes at a virtual address, as Go's debug/buildinfo reads them (elfExe.ReadData): the first segment
 * whose file image covers the address, at most `size` bytes and never past that segment or `data`.
 */
export function elfReadAddress(
  data: Buffer,
  segments: readonly ElfSegment[],
  addr: number,
  size: number,
): Buffer | undefined {
  for (const s of segments) {
    if (s.filesz === 0 || addr < s.vaddr || addr > s.vaddr + s.filesz - 1) continue;
    const start = s.offset + (addr - s.vaddr);
    const end = Math.min(start + Math.min(size, s.vaddr + s.filesz - addr), data.length);
    return start < data.length ? data.subarray(start, end) : undefined;
  }
  return undefined;
}
