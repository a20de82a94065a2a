import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../src/entry/cli.js';
import { CLEAN_WORKFLOW } from '../support/fixtures.js';
import { captureIo } from '../support/io.js';
import { commitAll, runGit, tempRepo } from '../support/tmp.js';

describe('containersec CLI', () => {
  it('check: exit 0 and a readable report on a clean repository, no colour when piped', async () => {
    const dir = tempRepo(CLEAN_WORKFLOW);
    const io = captureIo(dir, { NO_COLOR: undefined });
    expect(await cli(['check'], io)).toBe(0);
    expect(io.out()).toContain(
      'PASS  Passed: no findings; not checked: images (not configured), manifests (nothing to check), signatures (not configured).',
    );
    expect(io.out()).not.toContain('\u001b[');
    expect(io.out()).toContain('using the built-in "recommended" policy');
  });

  it('check: a repository with nothing to check is a warning that says so, never a green pass', async () => {
    const io = captureIo(tempRepo({ 'README.md': 'hi' }));
    expect(await cli(['check'], io)).toBe(0);
    expect(io.out()).not.toContain('PASS');
    expect(io.out()).toContain('WARN  Nothing was checked');
    // Each check says why it did nothing, and how to turn it on.
    expect(io.out()).toMatch(
      /Images +SKIPPED +not configured: no image targets\.\n +to turn it on: set checks\.images\.targets/,
    );
    expect(io.out()).toMatch(/Signatures +SKIPPED +not configured: no signatures\.require rule/);
  });

  it('check: exit 2 with a one-paragraph message for a missing directory, a bad --only and a bad format', async () => {
    const dir = tempRepo({});
    const missing = captureIo(dir);
    expect(await cli(['check', 'does-not-exist'], missing)).toBe(2);
    expect(missing.err()).toBe(
      'containersec: does-not-exist: no such directory. Give the path of a checkout: `containersec check path/to/repo`.\n',
    );
    const only = captureIo(dir);
    expect(await cli(['check', '--only', 'manifest'], only)).toBe(2);
    expect(only.err()).toContain(
      '--only: unknown check "manifest"; expected a comma list of: hardening, images, manifests, signatures. Did you mean "manifests"?',
    );
    const format = captureIo(dir);
    expect(await cli(['check', '--format', 'jsn'], format)).toBe(2);
    expect(format.err()).toContain('Did you mean "json"?');
    const flag = captureIo(dir);
    expect(await cli(['check', '--polcy', 'x'], flag)).toBe(2);
    expect(flag.err()).toBe(
      'containersec: unknown option --polcy for `containersec check`. Did you mean --policy? Run `containersec check --help` for its options.\n',
    );
  });

  it('every command: --help and -h print its usage and exit 0; bad flags are our own exit-2 messages', async () => {
    for (const command of ['check', 'init', 'explain', 'sbom']) {
      for (const flag of ['--help', '-h']) {
        const io = captureIo('/');
        expect(await cli([command, flag], io)).toBe(0);
        expect(io.out()).toMatch(new RegExp(`^Usage: containersec ${command}\\b`));
        expect(io.err()).toBe('');
      }
    }
    const help = captureIo('/');
    expect(await cli(['help', 'sbom'], help)).toBe(0);
    expect(help.out()).toMatch(/^Usage: containersec sbom REF/);

    const cases: [string[], string][] = [
      [
        ['sbom', 'oci:x', '--fromat', 'spdx'],
        'unknown option --fromat for `containersec sbom`. Did you mean --format?',
      ],
      [['init', '--forse'], 'unknown option --forse for `containersec init`. Did you mean --force?'],
      [['explain', '-x'], 'unknown option -x for `containersec explain`.'],
      [['check', '--policy'], '--policy needs a value.'],
      [['check', '--policy', '--debug'], '--policy needs a value, but "--debug" looks like an option'],
      [['check', '--debug=yes'], '--debug takes no value (got "yes").'],
    ];
    for (const [args, message] of cases) {
      const io = captureIo(tempRepo({}));
      expect(await cli(args, io)).toBe(2);
      expect(io.err()).toContain(message);
      // Never Node's own parseArgs wording.
      expect(io.err()).not.toMatch(/Unknown option '|To specify a positional|argument missing|ambiguous/);
    }
  });

  it('check --base: a revision that does not exist is exit 2; one a shallow clone lacks is a notice', async () => {
    const repo = tempRepo(CLEAN_WORKFLOW);
    const first = commitAll(repo, 'first');
    const missing = captureIo(repo);
    expect(await cli(['check', '--base', 'no-such-branch'], missing)).toBe(2);
    expect(missing.err()).toContain('--base no-such-branch: no such revision in this repository');
    expect(missing.err()).not.toContain('Fetch');
    expect(await cli(['check', '--base', 'main'], captureIo(tempRepo(CLEAN_WORKFLOW)))).toBe(2);

    commitAll(repo, 'second');
    const shallow = tempRepo({});
    runGit(shallow, 'clone', '-q', '--depth', '1', `file://${repo}`, 'clone');
    const io = captureIo(path.join(shallow, 'clone'));
    expect(await cli(['check', '--base', first], io)).toBe(0);
    expect(io.out()).toContain(`Base revision ${first} is not in this shallow clone`);
    expect(io.out()).toContain('fetch-depth: 0');
  });

  it('check --output FILE still prints the one-line verdict with counts; a JSON report on stdout stays clean', async () => {
    const dir = tempRepo(CLEAN_WORKFLOW);
    const sarif = captureIo(dir);
    expect(await cli(['check', '--format', 'sarif', '--output', 'f.sarif'], sarif)).toBe(0);
    expect(sarif.out()).toMatch(
      /^containersec: PASS {2}Passed: no findings; not checked: .*\. 0 finding\(s\): 0 blocking, 0 new, 0 excepted\. Report written to f\.sarif\.\n$/,
    );
    const json = captureIo(dir);
    expect(await cli(['check', '--format', 'json'], json)).toBe(0);
    expect(JSON.parse(json.out())).toMatchObject({ verdict: 'pass' });
    expect(json.err()).toMatch(/^containersec: PASS {2}Passed: no findings/);
  });

  it('check: exit 2 and no stack trace for a policy error', async () => {
    const dir = tempRepo({ '.containersec.yml': 'version: 1\nmode: strict\n' });
    const io = captureIo(dir);
    expect(await cli(['check'], io)).toBe(2);
    expect(io.err()).toContain('.containersec.yml:2:7: mode is "strict"; expected one of: enforce, audit.');
    expect(io.err()).not.toMatch(/\n\s+at /);
  });

  it('check: writes json, sarif and markdown with --output FORMAT=FILE, and --format json to stdout', async () => {
    const dir = tempRepo(CLEAN_WORKFLOW);
    const io = captureIo(dir);
    expect(
      await cli(['check', '--format', 'json', '--output', 'sarif=out/r.sarif', '--output', 'markdown=out/r.md'], io),
    ).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({ schemaVersion: 1, verdict: 'pass' });
    expect(JSON.parse(readFileSync(path.join(dir, 'out/r.sarif'), 'utf8'))).toMatchObject({ version: '2.1.0' });
    expect(readFileSync(path.join(dir, 'out/r.md'), 'utf8')).toContain('containersec: Passed');
    const file = captureIo(dir);
    expect(await cli(['check', '--format', 'json', '--output', 'report.json'], file)).toBe(0);
    expect(file.out()).toMatch(/^containersec: PASS .* Report written to report\.json\.\n$/);
    expect(JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8'))).toMatchObject({ verdict: 'pass' });
  });

  it('check: exit 3 (fail closed) when images are asked for but cannot be scanned', async () => {
    const dir = tempRepo({});
    const io = captureIo(dir);
    expect(await cli(['check', '--image', 'oci:./img'], io)).toBe(3);
    expect(io.out()).toContain('ERROR');
  });

  it('init writes a valid starter policy and refuses to overwrite it', async () => {
    const dir = tempRepo({});
    expect(await cli(['init'], captureIo(dir))).toBe(0);
    const written = readFileSync(path.join(dir, '.containersec.yml'), 'utf8');
    expect(written.split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=https:\/\/.+containersec\.schema\.json$/);
    const again = captureIo(dir);
    expect(await cli(['init'], again)).toBe(2);
    expect(again.err()).toContain('already exists; pass --force');
    expect(await cli(['check'], captureIo(dir))).toBe(0);
  });

  it('explain prints the rule page, --list prints every rule, an unknown id is exit 2 with a hint', async () => {
    const dir = tempRepo({});
    const io = captureIo(dir);
    expect(await cli(['explain', 'manifests/parse-error'], io)).toBe(0);
    expect(io.out()).toContain('# manifests/parse-error: File could not be checked');
    expect(io.out()).toContain('## How to except it');
    const list = captureIo(dir);
    expect(await cli(['explain', '--list'], list)).toBe(0);
    expect(list.out()).toContain('hardening/ignore-without-reason');
    const unknown = captureIo(dir);
    expect(await cli(['explain', 'manifests/parse-eror'], unknown)).toBe(2);
    expect(unknown.err()).toContain('Did you mean "manifests/parse-error"?');
  });

  it('prints usage and the version', async () => {
    const io = captureIo('/');
    expect(await cli(['--help'], io)).toBe(0);
    expect(io.out()).toContain('Exit codes: 0 passed');
    expect(await cli([], captureIo('/'))).toBe(2);
    expect(await cli(['chekc'], captureIo('/'))).toBe(2);
  });
});
