/** The fields of `/proc/self/status` the probe reads (see proc(5)). */
export interface ProcStatus {
  /** Effective UID (second field of `Uid:`). */
  uid?: number;
  groups: number[];
  capEff?: string;
  capBnd?: string;
  capPrm?: string;
  /** 0 disabled, 1 strict, 2 filter. */
  seccomp?: number;
  noNewPrivs?: number;
}

export function parseProcStatus(text: string): ProcStatus {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  const int = (value: string | undefined): number | undefined =>
    value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
  const uidField = fields.get('Uid')?.split(/\s+/);
  const status: ProcStatus = {
    groups: (fields.get('Groups') ?? '')
      .split(/\s+/)
      .filter((g) => /^\d+$/.test(g))
      .map(Number),
  };
  const uid = int(uidField?.[1]);
  if (uid !== undefined) status.uid = uid;
  const capEff = fields.get('CapEff');
  if (capEff) status.capEff = capEff;
  const capBnd = fields.get('CapBnd');
  if (capBnd) status.capBnd = capBnd;
  const capPrm = fields.get('CapPrm');
  if (capPrm) status.capPrm = capPrm;
  const seccomp = int(fields.get('Seccomp'));
  if (seccomp !== undefined) status.seccomp = seccomp;
  const noNewPrivs = int(fields.get('NoNewPrivs'));
  if (noNewPrivs !== undefined) status.noNewPrivs = noNewPrivs;
  return status;
}

/** `name:x:uid:gid:...` (/etc/passwd) or `name:x:gid:members` (/etc/group): id → name. */
export function parseIdFile(text: string | undefined): Map<number, string> {
  const ids = new Map<number, string>();
  for (const line of (text ?? '').split('\n')) {
    const [name, , id] = line.split(':');
    if (name && id && /^\d+$/.test(id) && !ids.has(Number(id))) ids.set(Number(id), name);
  }
  return ids;
}
