/** Capability numbers from linux/capability.h (`CAP_CHOWN` = 0 … `CAP_CHECKPOINT_RESTORE` = 40). */
export const CAPABILITY_NAMES = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_MKNOD',
  'CAP_LEASE',
  'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
  'CAP_PERFMON',
  'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
] as const;

/** `CAP_AUDIT_READ` (37) is the last capability every kernel since 3.16 has. */
export const MIN_LAST_CAP = 37;

/**
 * Capabilities that break container isolation on their own (mounts and namespaces, kernel modules, raw
 * I/O, tracing host processes, reading any file by handle, loading BPF, changing the MAC policy).
 */
export const ESCAPE_CAPABILITIES = new Set([
  'CAP_SYS_ADMIN',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_PTRACE',
  'CAP_DAC_READ_SEARCH',
  'CAP_BPF',
  'CAP_MAC_ADMIN',
  'CAP_MAC_OVERRIDE',
  'CAP_SYS_BOOT',
]);

/** Parses a `CapEff:`-style hex mask (up to 64 bits), or undefined when it is not one. */
export function parseCapabilityMask(hex: string | undefined): bigint | undefined {
  if (hex === undefined || !/^[0-9a-fA-F]{1,16}$/.test(hex.trim())) return undefined;
  return BigInt(`0x${hex.trim()}`);
}

/** Names of the capabilities set in a mask; unknown bits are named `CAP_<number>`. */
export function capabilityNames(mask: bigint): string[] {
  const names: string[] = [];
  for (let bit = 0; bit < 64; bit++) {
    if ((mask >> BigInt(bit)) & 1n) names.push(CAPABILITY_NAMES[bit] ?? `CAP_${bit}`);
  }
  return names;
}

/** True when every capability 0..lastCap is in the mask. */
export function hasAllCapabilities(mask: bigint, lastCap: number): boolean {
  const all = (1n << BigInt(lastCap + 1)) - 1n;
  return (mask & all) === all;
}
