import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectFiles, skippedNote } from '../../src/checks/file-check.js';
import { hardeningCheck } from '../../src/checks/hardening/index.js';
import { manifestsCheck } from '../../src/checks/manifests/index.js';
import type { Check, CheckContext } from '../../src/core/check.js';
import { isFileLocation } from '../../src/core/finding.js';
import { FsTree } from '../../src/repo/fs-tree.js';
import { defaultPolicy } from '../../src/policy/presets.js';
import type { Policy } from '../../src/policy/types.js';
import { tempRepo } from '../support/tmp.js';

const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };

function context(dir: string, policy: Policy = defaultPolicy()): CheckContext {
  return {
    tree: new FsTree(dir),
    root: dir,
    isBase: false,
    policy,
    images: [],
    env: {},
    signal: new AbortController().signal,
    log: quiet,
  };
}

async function run(check: Check, dir: string, policy?: Policy): Promise<{ where: string[]; notes: string[] }> {
  const output = await check.run(context(dir, policy));
  return {
    where: output.findings
      .map((f) => `${f.ruleId} ${isFileLocation(f.location) ? f.location.path : ''}`)
      .sort((a, b) => a.localeCompare(b)),
    notes: output.notes ?? [],
  };
}

const PRIVILEGED_POD =
  'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n      image: x:1\n      securityContext:\n        privileged: true\n';

function privileged(where: string[]): string[] {
  return where.filter((w) => w.startsWith('pss/privileged '));
}

describe('default file selection', () => {
  const defaults = defaultPolicy().checks.manifests.paths;

  it('skips test, fixture, vendored and archived directories, counting them by directory', () => {
    const all = [
      'deploy/app.yaml',
      'pkg/testdata/bad.yaml',
      'test/e2e/pod.yaml',
      'tests/x.json',
      'web/__fixtures__/a.yml',
      'lib/fixtures/b.yml',
      'old/_archived/c.yaml',
      'vendor/github.com/x/d.yaml',
      'examples/demo.yaml',
      'testdata.yaml',
    ];
    const selection = selectFiles(all, defaults, defaults);
    expect(selection.files).toEqual([
      { path: 'deploy/app.yaml', explicit: false },
      { path: 'examples/demo.yaml', explicit: false },
      { path: 'testdata.yaml', explicit: false },
    ]);
    expect(Object.fromEntries(selection.skipped)).toEqual({
      testdata: 1,
      test: 1,
      tests: 1,
      __fixtures__: 1,
      fixtures: 1,
      _archived: 1,
      vendor: 1,
    });
    expect(skippedNote('manifests', selection.skipped)).toBe(
      '7 files in test, fixture, vendored or archived directories skipped by default (__fixtures__/ 1, _archived/ 1, fixtures/ 1, test/ 1, testdata/ 1, tests/ 1, vendor/ 1); to check them, add a glob naming the directory to checks.manifests.paths, e.g. "**/__fixtures__/**".',
    );
  });

  it('a glob that names a skipped directory brings its files back, and marks them explicit', () => {
    const globs = [...defaults, 'deploy/e2e/**'];
    const selection = selectFiles(['deploy/e2e/pod.yaml', 'other/e2e/pod.yaml', 'deploy/app.yaml'], globs, defaults);
    expect(selection.files).toEqual([
      { path: 'deploy/e2e/pod.yaml', explicit: true },
      { path: 'deploy/app.yaml', explicit: false },
    ]);
    expect(selection.skipped.get('e2e')).toBe(1);
  });

  it('a catch-all glob of the policy does not bring skipped directories back, but its files are explicit', () => {
    const selection = selectFiles(['test/pod.yaml', 'deploy/app.yaml'], ['**/*.yaml'], defaults);
    expect(selection.files).toEqual([{ path: 'deploy/app.yaml', explicit: true }]);
  });

  it('the manifests check skips fixtures and says how to include them', async () => {
    const dir = tempRepo({
      'deploy/pod.yaml': PRIVILEGED_POD,
      'internal/testdata/pod.yaml': PRIVILEGED_POD,
      'test/e2e/pod.yaml': PRIVILEGED_POD,
    });
    const { where, notes } = await run(manifestsCheck, dir);
    expect(privileged(where)).toEqual(['pss/privileged deploy/pod.yaml']);
    expect(notes).toContain(
      '2 files in test, fixture, vendored or archived directories skipped by default (test/ 1, testdata/ 1); to check them, add a glob naming the directory to checks.manifests.paths, e.g. "**/test/**".',
    );
    const policy = defaultPolicy();
    policy.checks.manifests.paths = [...policy.checks.manifests.paths, '**/testdata/**'];
    expect(privileged((await run(manifestsCheck, dir, policy)).where)).toEqual([
      'pss/privileged deploy/pod.yaml',
      'pss/privileged internal/testdata/pod.yaml',
    ]);
  });

  it('the hardening check skips action fixtures too', async () => {
    const dir = tempRepo({
      'tests/fixtures/action.yml': 'name: x\nruns:\n  using: composite\n  steps:\n    - uses: evil/action@main\n',
    });
    const { where, notes } = await run(hardeningCheck, dir);
    expect(where).toEqual([]);
    expect(notes.join('\n')).toMatch(/1 file in test, fixture.*checks\.hardening\.paths/);
  });

  it('unparseable YAML that is no manifest is left out unless the policy names it', async () => {
    const dir = tempRepo({
      'docs/mkdocs.yml': 'nav: [a, b\nplugins: 1\n',
      'deploy/pod.yaml': PRIVILEGED_POD,
    });
    const plain = await run(manifestsCheck, dir);
    expect(plain.where.filter((w) => w.startsWith('manifests/'))).toEqual([]);
    expect(plain.notes.join('\n')).toMatch(/kubernetes: 1 YAML\/JSON file left out/);
    const policy = defaultPolicy();
    policy.checks.manifests.paths = [...policy.checks.manifests.paths, 'docs/*.yml'];
    expect((await run(manifestsCheck, dir, policy)).where).toContain('manifests/parse-error docs/mkdocs.yml');
  });

  it('a binary *.json is no manifest; a binary Dockerfile is still reported', async () => {
    const dir = tempRepo({});
    writeFileSync(path.join(dir, 'data.json'), Buffer.from([0x7b, 0x00, 0x01, 0x02]));
    writeFileSync(path.join(dir, 'Dockerfile'), Buffer.from([0x46, 0x52, 0x00, 0x4d]));
    expect((await run(manifestsCheck, dir)).where).toEqual(['manifests/parse-error Dockerfile']);
  });
});

describe('file encodings', () => {
  it('UTF-16 files with a byte-order mark are read, in both byte orders', async () => {
    const dir = tempRepo({});
    const bom = (order: 'le' | 'be'): Buffer => {
      const le = Buffer.from(`\ufeff${PRIVILEGED_POD}`, 'utf16le');
      return order === 'le' ? le : Buffer.from(le).swap16();
    };
    writeFileSync(path.join(dir, 'le.yaml'), bom('le'));
    writeFileSync(path.join(dir, 'be.yaml'), bom('be'));
    writeFileSync(
      path.join(dir, 'utf8.yaml'),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(PRIVILEGED_POD)]),
    );
    const output = await manifestsCheck.run(context(dir));
    const found = output.findings.filter((f) => f.ruleId === 'pss/privileged');
    expect(
      found.map((f) =>
        isFileLocation(f.location) ? `${f.location.path}:${f.location.startLine}:${f.location.startColumn}` : '',
      ),
    ).toEqual(['be.yaml:10:9', 'le.yaml:10:9', 'utf8.yaml:10:9']);
    expect(output.findings.filter((f) => f.ruleId === 'manifests/parse-error')).toEqual([]);
  });
});
