import { describe, expect, it } from 'vitest';
import { pipedDownload } from '../src/checks/hardening/github-actions/curl-pipe-shell.js';
import { isSplitSafe } from '../src/checks/hardening/gitlab-ci/scripts.js';
import { isValidPackagist } from '../src/vulns/versions/packagist.js';
import { file } from './support/layer-builder.js';
import { catalogLayers, summary } from './support/image.js';

/**
 * Names and versions from an image, and lines of a CI file, that fail a pattern only at their very end.
 * With a backtracking-prone pattern each of these takes longer than the age of the universe; they must be
 * judged at once (the test times out otherwise).
 */
describe('patterns that hostile input could make backtrack', () => {
  it('composer and NuGet names that fail at the end are skipped, the valid ones kept', async () => {
    const composer = {
      packages: [
        { name: `${'a'.repeat(60)}!/x`, version: '1.0.0' },
        { name: 'psr/log', version: '3.0.0' },
      ],
    };
    const deps = {
      runtimeTarget: { name: '.NETCoreApp,Version=v8.0' },
      targets: { '.NETCoreApp,Version=v8.0': {} },
      libraries: {
        [`${'a_'.repeat(60)}!/1.0.0`]: { type: 'package' },
        'Newtonsoft.Json/13.0.1': { type: 'package' },
      },
    };
    const { catalog } = await catalogLayers([
      [
        file('var/www/vendor/composer/installed.json', JSON.stringify(composer)),
        file('app/WebApi.deps.json', JSON.stringify(deps)),
      ],
    ]);
    expect(summary(catalog.packages)).toEqual(['NuGet Newtonsoft.Json@13.0.1', 'Packagist psr/log@3.0.0']);
  });

  it('a Packagist version with a long digit run that fails at the end is not valid', () => {
    expect(isValidPackagist(`1.0-beta${'1'.repeat(60)}!`)).toBe(false);
    expect(isValidPackagist('1.0-beta.1.2')).toBe(true);
  });

  it('a GitLab script line of many quoted assignments is judged at once', () => {
    expect(isSplitSafe(`${'A="x" '.repeat(60)}!`)).toBe(false);
    expect(isSplitSafe(`${'A="x y" '.repeat(60)}B=`)).toBe(true);
  });

  it('a megabyte-long run: line is judged word by word', () => {
    expect(pipedDownload(`curl x | env ${'a='.repeat(500_000)} !`)).toBeUndefined();
    expect(pipedDownload(`sh ${' /'.repeat(500_000)}x $(curl x)`)).toEqual({ index: 1_000_007, tool: 'curl' });
    expect(pipedDownload('eval "$(curl https://x)"')).toEqual({ index: 8, tool: 'curl' });
  });
});
