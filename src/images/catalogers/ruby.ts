import type { FileMeta } from '../filesystem.js';
import {
  MAX_CATALOGER_TOTAL_BYTES,
  MAX_METADATA_FILE_BYTES,
  cleanValue,
  purl,
  type Cataloger,
  type ImagePackage,
} from './types.js';

/**
 * Installed gem specifications: `<gem home>/specifications/<name>-<version>.gemspec`, and Ruby's default
 * gems (`specifications/default/`), which ship with the interpreter and get security releases too.
 */
export function isGemspec(path: string): boolean {
  return /(?:^|\/)specifications\/(?:default\/)?[^/]+\.gemspec$/.test(path);
}

const STRING = String.raw`(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')`;
const NAME = new RegExp(String.raw`^\s*\w+\.name\s*=\s*${STRING}`, 'm');
const VERSION = new RegExp(String.raw`^\s*\w+\.version\s*=\s*(?:Gem::Version\.new\(\s*)?${STRING}`, 'm');
const STUB = /^# stub: (\S+) (\S+)/m;

/**
 * Reads name and version from a gemspec as RubyGems writes it at install time (`Specification#to_ruby`:
 * `s.name = "rake".freeze`, `s.version = "13.0.6"`), statically: the file is Ruby code and is never run.
 * The `# stub:` line RubyGems puts at the top is the fallback.
 */
export function parseGemspec(text: string): { name?: string; version?: string } {
  if (!/Gem::Specification\.new/.test(text) && !STUB.test(text)) return {};
  const name = NAME.exec(text);
  const version = VERSION.exec(text);
  const stub = STUB.exec(text);
  return {
    ...((name?.[1] ?? name?.[2] ?? stub?.[1]) ? { name: name?.[1] ?? name?.[2] ?? stub?.[1] } : {}),
    ...((version?.[1] ?? version?.[2] ?? stub?.[2]) ? { version: version?.[1] ?? version?.[2] ?? stub?.[2] } : {}),
  };
}

export const rubyCataloger: Cataloger = {
  name: 'ruby',
  stage: 'language',
  wants: (file: FileMeta) => isGemspec(file.path),
  maxFileBytes: MAX_METADATA_FILE_BYTES,
  maxTotalBytes: MAX_CATALOGER_TOTAL_BYTES,
  catalog(files, context) {
    const packages: ImagePackage[] = [];
    for (const file of files) {
      if (context.ownedByOsPackage(file.path)) continue;
      const { name, version } = parseGemspec(file.data.toString('utf8'));
      if (!name || !version || !/^[A-Za-z0-9._-]+$/.test(name)) {
        context.note(`ruby: /${file.path} has no static name and version; skipped`);
        continue;
      }
      const cleanVersion = cleanValue(version);
      packages.push({
        ecosystem: 'RubyGems',
        name,
        version: cleanVersion,
        purl: purl('gem', undefined, name, cleanVersion),
        path: file.path,
        layer: file.layerDigest,
        cataloger: 'ruby',
      });
    }
    return { packages };
  },
};
