import type { RawFinding } from '../../core/finding.js';
import type { FileMeta, ImageIndex } from '../../images/index.js';

/** setuid/setgid binaries the distributions ship on purpose (Debian, Alpine, RHEL family base images). */
export const USUAL_SETUID = new Set([
  'su',
  'sudo',
  'passwd',
  'chsh',
  'chfn',
  'gpasswd',
  'newgrp',
  'mount',
  'umount',
  'ping',
  'ping6',
  'unix_chkpwd',
  'pkexec',
  'chage',
  'expiry',
  'ssh-keysign',
  'wall',
  'write',
  'bsd-write',
  'crontab',
  'dbus-daemon-launch-helper',
  'fusermount',
  'fusermount3',
  'newuidmap',
  'newgidmap',
  'pam_timestamp_check',
  'userhelper',
  'sg',
  'ssh-agent',
  'utempter',
  'Xorg.wrap',
  'polkit-agent-helper-1',
  'staprun',
  'mount.nfs',
  'traceroute6.iputils',
]);

/** System paths where a world-writable file lets any process in the container replace what root runs. */
const SYSTEM_PATHS =
  /^(?:bin|sbin|lib|lib32|lib64|libx32|usr\/(?:bin|sbin|lib|lib64|libexec|local\/bin|local\/sbin|local\/lib)|etc|boot)(?:\/|$)/;

export const MAX_FINDINGS_PER_FILE_RULE = 50;

const basename = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const octal = (mode: number) => (mode & 0o7777).toString(8).padStart(4, '0');

export function fileFindings(index: ImageIndex, image: string): { findings: RawFinding[]; notes: string[] } {
  const setuid: FileMeta[] = [];
  const writable: FileMeta[] = [];
  for (const entry of index.entries()) {
    if (entry.type === 'file' && entry.mode & 0o6000 && !USUAL_SETUID.has(basename(entry.path))) setuid.push(entry);
    const worldWritable = (entry.mode & 0o002) !== 0;
    const stickyDir = entry.type === 'dir' && (entry.mode & 0o1000) !== 0;
    if (
      (entry.type === 'file' || entry.type === 'dir') &&
      worldWritable &&
      !stickyDir &&
      SYSTEM_PATHS.test(entry.path)
    ) {
      writable.push(entry);
    }
  }
  const findings: RawFinding[] = [];
  const notes: string[] = [];
  for (const file of setuid.slice(0, MAX_FINDINGS_PER_FILE_RULE)) {
    const bits = [file.mode & 0o4000 ? 'setuid' : '', file.mode & 0o2000 ? 'setgid' : ''].filter(Boolean).join('+');
    findings.push({
      ruleId: 'image/setuid-binary',
      severity: 'info',
      title: `${bits} binary /${file.path}`,
      message: `/${file.path} is ${bits} (mode ${octal(file.mode)}, owner ${file.uid}:${file.gid}) and is not one of the binaries distributions ship that way. A flaw in it runs with its owner's privileges.`,
      location: { image, layer: file.layerDigest, path: `/${file.path}` },
      key: bits,
      fix: `remove the bit in the Dockerfile: \`RUN chmod u-s,g-s /${file.path}\`, or run with \`allowPrivilegeEscalation: false\` / \`--security-opt no-new-privileges\``,
    });
  }
  for (const file of writable.slice(0, MAX_FINDINGS_PER_FILE_RULE)) {
    findings.push({
      ruleId: 'image/world-writable',
      severity: 'medium',
      title: `World-writable ${file.type === 'dir' ? 'directory' : 'file'} /${file.path}`,
      message: `/${file.path} is writable by every user (mode ${octal(file.mode)}) in a system path: any process in the container can change what root and other users run or read there.`,
      location: { image, layer: file.layerDigest, path: `/${file.path}` },
      key: file.type,
      fix: `\`RUN chmod o-w /${file.path}\` in the Dockerfile (or add the sticky bit to a shared directory: \`chmod +t\`)`,
    });
  }
  for (const [list, what] of [
    [setuid, 'setuid/setgid binaries'],
    [writable, 'world-writable system paths'],
  ] as const) {
    if (list.length > MAX_FINDINGS_PER_FILE_RULE) {
      notes.push(`${list.length} ${what} found; only the first ${MAX_FINDINGS_PER_FILE_RULE} are reported`);
    }
  }
  return { findings, notes };
}
