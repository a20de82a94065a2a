import { describe, expect, it } from 'vitest';
import { installedPackages, normalizeComposerVersion } from '../../../src/images/catalogers/composer.js';
import { file } from '../../support/layer-builder.js';
import { catalogLayers, summary } from '../../support/image.js';

/** Shaped as Composer writes them (trimmed: real entries also carry dist, autoload, description, ...). */
const monolog = {
  name: 'monolog/monolog',
  version: '3.5.0',
  version_normalized: '3.5.0.0',
  source: {
    type: 'git',
    url: 'https://github.com/Seldaek/monolog.git',
    reference: 'c915e2634718dbc8a4a15c61b0e62e7a44e14448',
  },
  require: { php: '>=8.1', 'psr/log': '^2.0 || ^3.0' },
  type: 'library',
  'install-path': '../monolog/monolog',
};
const psrLog = { name: 'psr/log', version: '3.0.0', version_normalized: '3.0.0.0', type: 'library' };
const symfony = { name: 'symfony/console', version: 'v6.4.1', version_normalized: '6.4.1.0', type: 'library' };

describe('composer', () => {
  it('normalizes versions and finds the package list in both formats', () => {
    expect(normalizeComposerVersion('v6.4.1')).toBe('6.4.1');
    expect(normalizeComposerVersion('V2.0')).toBe('2.0');
    expect(normalizeComposerVersion('dev-main')).toBe('dev-main');
    expect(normalizeComposerVersion('vendor')).toBe('vendor');
    expect(installedPackages([1])).toEqual([1]);
    expect(installedPackages({ packages: [2], dev: true })).toEqual([2]);
    expect(installedPackages({ packages: 'x' })).toBeUndefined();
    expect(installedPackages(null)).toBeUndefined();
  });

  it('catalogs Composer 2 and Composer 1 installed.json files with Packagist purls', async () => {
    const composer2 = JSON.stringify(
      { packages: [monolog, psrLog, symfony], dev: true, 'dev-package-names': [] },
      null,
      4,
    );
    const composer1 = JSON.stringify([{ name: 'guzzlehttp/guzzle', version: '6.5.5', type: 'library' }]);
    const { catalog } = await catalogLayers([
      [
        file('var/www/html/vendor/composer/installed.json', composer2),
        file('opt/legacy/vendor/composer/installed.json', composer1),
        file('var/www/html/composer.json', '{"name":"acme/app","version":"1.0.0"}'),
      ],
    ]);
    expect(summary(catalog.packages)).toEqual([
      'Packagist guzzlehttp/guzzle@6.5.5',
      'Packagist monolog/monolog@3.5.0',
      'Packagist psr/log@3.0.0',
      'Packagist symfony/console@6.4.1',
    ]);
    const console = catalog.packages.find((p) => p.name === 'symfony/console');
    expect(console?.purl).toBe('pkg:composer/symfony/console@6.4.1');
    expect(console?.path).toBe('var/www/html/vendor/composer/installed.json');
    expect(console?.cataloger).toBe('composer');
  });

  it('notes bad files and bad entries and keeps the good ones', async () => {
    const mixed = JSON.stringify({
      packages: [
        psrLog,
        { name: 'no-vendor', version: '1.0.0' },
        { name: 'Evil/[x](http://e)', version: '1.0.0' },
        { name: 'acme/noversion' },
        { name: 'acme/blank', version: '\u0000 ' },
        'string',
        null,
      ],
    });
    const { catalog } = await catalogLayers([
      [
        file('app/vendor/composer/installed.json', mixed),
        file('broken/vendor/composer/installed.json', '{"packages": ['),
        file('odd/vendor/composer/installed.json', '{"name": "x"}'),
      ],
    ]);
    expect(summary(catalog.packages)).toEqual(['Packagist psr/log@3.0.0']);
    const notes = catalog.notes.join('\n');
    expect(notes).toMatch(/composer: \/app\/vendor\/composer\/installed.json: 6 entries without a valid name/);
    expect(notes).toMatch(/composer: \/broken\/vendor\/composer\/installed.json is not valid JSON/);
    expect(notes).toMatch(/composer: \/odd\/vendor\/composer\/installed.json is neither a package list/);
  });
});
