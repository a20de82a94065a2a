import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { RENDER_LIMITS } from '../../../../src/checks/manifests/render/limits.js';
import { findTool, runTool } from '../../../../src/checks/manifests/render/sandbox.js';
import { tempRepo } from '../../../support/tmp.js';

const limits = { ...RENDER_LIMITS, timeoutMs: 5_000 };

describe('running a render tool', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('gets an allow-listed environment: no runner credentials, an empty temporary HOME, proxies closed', async () => {
    process.env.GITHUB_TOKEN = 'ghs_secret';
    process.env.CI_JOB_TOKEN = 'glcbt-secret';
    process.env.ACTIONS_RUNTIME_TOKEN = 'secret';
    const cwd = tempRepo({ 'a.txt': 'x' });
    const result = await runTool('/usr/bin/env', [], { cwd, limits });
    expect(result.ok).toBe(true);
    const env = Object.fromEntries(
      (result.ok ? result.stdout : '')
        .trim()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(Object.keys(env).filter((key) => /TOKEN|ACTIONS_|GITHUB|CI_/.test(key))).toEqual([]);
    expect(env.HOME).toMatch(/containersec-render-home-/);
    expect(env.HELM_CACHE_HOME?.startsWith(env.HOME!)).toBe(true);
    expect(env.HTTPS_PROXY).toBe('http://127.0.0.1:9');
    // The temporary HOME is gone afterwards.
    expect(existsSync(env.HOME!)).toBe(false);
  });

  it('stops a tool at the output cap and at the time limit', async () => {
    const cwd = tempRepo();
    const capped = await runTool('/usr/bin/yes', [], { cwd, limits: { ...limits, maxOutputBytes: 10_000 } });
    expect(capped).toMatchObject({ ok: false, reason: 'output-cap' });
    const slow = await runTool('/bin/sleep', ['10'], { cwd, limits: { ...limits, timeoutMs: 200 } });
    expect(slow).toMatchObject({ ok: false, reason: 'timeout', message: 'it ran longer than 0.2 s and was stopped' });
    const failed = await runTool('/bin/sh', ['-c', 'echo "  bad\n  thing" >&2; exit 3'], { cwd, limits });
    expect(failed).toEqual({ ok: false, reason: 'failed', message: 'bad thing' });
  });

  it('finds binaries only outside the repository', async () => {
    const root = tempRepo();
    expect(await findTool(['sh'], undefined, '/nonexistent:/bin', root)).toEqual({ binary: '/bin/sh' });
    expect(await findTool(['sh'], undefined, `${root}:relative/dir`, root)).toEqual({});
    expect((await findTool([], './bin/helm', '/bin', root)).problem).toMatch(/absolute path or a command name/);
    expect((await findTool([], `${root}/helm`, '/bin', root)).problem).toMatch(/inside the repository/);
    expect((await findTool([], '/nonexistent/helm', '/bin', root)).problem).toMatch(/does not exist/);
    expect((await findTool([], '/bin', '/bin', root)).problem).toMatch(/does not exist or is not executable/);
  });
});
