import { gemspecLicenses, withLicenses } from '../licenses.js';
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

/**
 * A Ruby string literal as RubyGems writes one: `"..."` (RubyGems >= 2, `String#dump`), `'...'` (hand-written)
 * or `%q{...}` (RubyGems 1.x `ruby_code`, still found in old images' specifications/).
 */
const STRING = String.raw`(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|%[qQ]\{([^{}]*)\})`;
const NAME = new RegExp(String.raw`^\s*\w+\.name\s*=\s*${STRING}`, 'm');
const VERSION = new RegExp(String.raw`^\s*\w+\.version\s*=\s*(?:Gem::Version\.new\(\s*)?${STRING}`, 'm');
const PLATFORM = new RegExp(String.raw`^\s*\w+\.platform\s*=\s*${STRING}`, 'm');
/** `# stub: name version platform require_paths` (RubyGems StubSpecification). */
const STUB = /^# stub: (\S+) (\S+)(?: (\S+))?/m;

function literal(match: RegExpExecArray | null): string | undefined {
  return match?.[1] ?? match?.[2] ?? match?.[3];
}

export interface Gemspec {
  name?: string;
  version?: string;
  /** Set for platform gems (`nokogiri-1.15.0-x86_64-linux`); `ruby`, the default, is left out. */
  platform?: string;
}

/**
 * Reads name, version and platform from a gemspec as RubyGems writes it at install time
 * (`Specification#to_ruby`: `s.name = "rake".freeze`, `s.version = "13.0.6"`), statically: the file is Ruby
 * code and is never run. The `# stub:` line RubyGems puts at the top is the fallback.
 */
export function parseGemspec(text: string): Gemspec {
  if (!/Gem::Specification\.new/.test(text) && !STUB.test(text)) return {};
  const stub = STUB.exec(text);
  const name = literal(NAME.exec(text)) ?? stub?.[1];
  const version = literal(VERSION.exec(text)) ?? stub?.[2];
  const platform = literal(PLATFORM.exec(text)) ?? stub?.[3];
  return {
    ...(name ? { name } : {}),
    ...(version ? { version } : {}),
    ...(platform && platform !== 'ruby' && /^[A-Za-z0-9._-]+$/.test(platform) ? { platform } : {}),
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
      const { name, version, platform } = parseGemspec(file.data.toString('utf8'));
      if (!name || !version || !/^[A-Za-z0-9._-]+$/.test(name)) {
        context.note(`ruby: /${file.path} has no static name and version; skipped`);
        continue;
      }
      const cleanVersion = cleanValue(version);
      packages.push({
        ecosystem: 'RubyGems',
        name,
        version: cleanVersion,
        purl: purl('gem', undefined, name, cleanVersion, { platform }),
        path: file.path,
        layer: file.layerDigest,
        cataloger: 'ruby',
        ...withLicenses(gemspecLicenses(file.data.toString('utf8'))),
      });
    }
    return { packages };
  },
};
