import { lstat, mkdir } from 'node:fs/promises';

/**
 * The cache directory, created private (0700) if missing, and used only when it is a real directory
 * owned by us that nobody else can write. The default lives under the shared temp directory, where another
 * user could plant entries that hide vulnerabilities; such a directory is not used (the data is read fresh).
 */
export async function usableCacheDir(dir: string): Promise<boolean> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const info = await lstat(dir);
    if (!info.isDirectory()) return false;
    const uid = process.getuid?.();
    if (uid !== undefined && info.uid !== uid) return false;
    return (info.mode & 0o022) === 0;
  } catch {
    return false;
  }
}
