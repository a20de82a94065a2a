import { describe, expect, it } from 'vitest';
import { atSev, lint, only, yaml } from './helpers.js';

const RULE = 'gha/unpinned-images';
const DIGEST = `sha256:${'b'.repeat(64)}`;

describe('gha/unpinned-images', () => {
  it('reports container and service images without a digest', () => {
    const findings = lint(
      yaml(
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    container: node:22',
        '    services:',
        '      db:',
        '        image: postgres',
        '      cache:',
        '        image: redis:latest',
        '      ok:',
        `        image: redis:7@${DIGEST}`,
        '    steps: []',
        '  b:',
        '    runs-on: ubuntu-latest',
        '    container:',
        '      image: ghcr.io/acme/build:1.2',
        '    steps: []',
        '  c:',
        '    runs-on: ubuntu-latest',
        '    container:',
        `      image: ghcr.io/acme/build@${DIGEST}`,
        '    steps: []',
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['5:16 medium', '8:16 high', '10:16 high', '17:14 medium']);
  });

  it('expands matrix images to their literal values (bounded, not the full product) and literal expression leaves', () => {
    const findings = lint(
      yaml(
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    strategy:',
        '      matrix:',
        `        image: ["node:20", "node:22@${DIGEST}"]`,
        '        os: [a, b, c, d, e, f, g, h, i, j]',
        '        v: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]',
        '        include:',
        '          - image: debian',
        '    container: ${{ matrix.image }}',
        '    steps: []',
        '  b:',
        '    runs-on: ubuntu-latest',
        '    strategy:',
        '      matrix: ${{ fromJSON(inputs.matrix) }}',
        '    container: ${{ matrix.image }}',
        '    steps: []',
        '  c:',
        '    runs-on: ubuntu-latest',
        "    container: ${{ github.event_name == 'push' && 'alpine:3' || '' }}",
        '    steps: []',
        '  d:',
        '    runs-on: ubuntu-latest',
        "    container: ''",
        '    steps: []',
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['7:17 medium', '11:20 high', '22:16 medium']);
    expect(only(findings, RULE)[0]!.message).toContain('matrix.image');
  });
});
