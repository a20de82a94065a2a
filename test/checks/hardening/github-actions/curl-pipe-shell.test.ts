import { describe, expect, it } from 'vitest';
import { pipedDownload } from '../../../../src/checks/hardening/github-actions/curl-pipe-shell.js';
import { atSev, lint, only, yaml } from './helpers.js';

const RULE = 'gha/curl-pipe-shell';

describe('pipedDownload', () => {
  it.each([
    ['curl -fsSL https://x.sh | sh', 'curl'],
    ['curl -fsSL https://x.sh | sudo -E bash -s -- --yes', 'curl'],
    ['wget -qO- https://x.sh | bash', 'wget'],
    ['curl https://x.py | python3 -', 'curl'],
    ['curl -s https://x | tee /tmp/log | sh', 'curl'],
    ['bash <(curl -s https://x.sh)', 'curl'],
    ['sh -c "$(curl -fsSL https://x.sh)"', 'curl'],
    ['eval "$(wget -qO- https://x.sh)"', 'wget'],
    ['source <(curl -s https://x.sh)', 'curl'],
    ['iex (iwr https://x.ps1 -UseBasicParsing)', 'iwr'],
    ["iex ((New-Object System.Net.WebClient).DownloadString('https://x.ps1'))", 'DownloadString'],
    ['irm https://x.ps1 | iex', 'irm'],
  ])('%s', (line, tool) => {
    expect(pipedDownload(line)?.tool).toBe(tool);
  });

  it.each([
    'curl -fsSLo install.sh https://x.sh',
    'curl -s https://api | jq .name',
    'curl -s https://x.sh > x.sh && sha256sum -c sums && sh x.sh',
    'echo hi | sh',
    'curl -s https://x || sh fallback.sh',
  ])('does not flag %s', (line) => {
    expect(pipedDownload(line)).toBeUndefined();
  });
});

describe('gha/curl-pipe-shell', () => {
  it('reports at the downloader, on its real line, across continuations and not in comments', () => {
    const findings = lint(
      yaml(
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - run: |',
        '          # curl https://x | sh  (a comment)',
        '          curl -fsSL https://get.example.com/install.sh \\',
        '            | bash',
        '      - run: wget -qO- https://x.sh | sh',
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['8:11 medium', '10:14 medium']);
  });

  it('checks composite actions', () => {
    const findings = lint(
      yaml('runs:', '  using: composite', '  steps:', '    - run: curl -s https://x | bash', '      shell: bash'),
      'action.yml',
    );
    expect(only(findings, RULE)).toHaveLength(1);
  });

  it('stays linear on adversarial script lines', () => {
    for (const line of ['sh '.repeat(5000), 'iex '.repeat(5000), '$( '.repeat(5000), 'curl | '.repeat(3000)]) {
      expect(() => pipedDownload(line)).not.toThrow();
    }
    expect(pipedDownload('curl | '.repeat(3000))).toBeUndefined();
  });
});

// Issue #14: a script downloaded to a file on one line and executed on a later one.
describe('gha/curl-pipe-shell: download now, run later', () => {
  it('reports the later execution of an unverified download, across steps of one job', () => {
    const findings = lint(
      yaml(
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: x',
        '    steps:',
        '      - run: |',
        '          wget https://example.com/install.sh',
        '          curl -fsSL -o tool https://example.com/tool',
        '          sh install.sh --yes',
        '      - run: sudo ./tool setup',
        '  b:',
        '    runs-on: x',
        '    steps:',
        '      - run: |',
        '          curl -sSLO https://example.com/get.sh',
        '          echo "0123abcd  get.sh" | sha256sum -c -',
        '          bash get.sh',
        '      - run: ./tool',
      ),
    );
    // Job b verifies its script; `./tool` there was never downloaded in that job.
    expect(atSev(findings, RULE)).toEqual(['9:14 medium', '10:19 medium']);
    expect(only(findings, RULE)[0]!.message).toContain('`install.sh`, downloaded earlier in the job with wget');
  });

  it('does not report a same-line pipe twice, or running something never downloaded', () => {
    const findings = lint(
      yaml(
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: x',
        '    steps:',
        '      - run: |',
        '          curl -o x.sh https://e.com/x.sh && chmod +x x.sh',
        '          ./x.sh',
        '          ./configure && make',
        '          python setup.py install',
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['7:11 medium']);
  });
});
