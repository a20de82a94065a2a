import { describe, expect, it } from 'vitest';
import type { LineCounter } from 'yaml';
import { parseAllYamlDocuments, parseYaml } from '../../src/core/yaml.js';

describe('parseYaml', () => {
  it('parses every document with 1-based positions', () => {
    const parsed = parseYaml('a: 1\n---\nb:\n  c: 2\n');
    expect(parsed.documents).toHaveLength(2);
    const second = parsed.documents[1]!.contents;
    expect(parsed.nodePosition(second)).toEqual({ line: 3, column: 1 });
  });

  it('gives the real process.env back after parsing, even when the parse throws', () => {
    const real = process.env;
    parseYaml('x: [1, 2\n');
    expect(process.env).toBe(real);
    const failingCounter = {
      addNewLine: () => {
        throw new Error('line counter failed');
      },
    } as unknown as LineCounter;
    expect(() => parseAllYamlDocuments('a: 1\nb: 2\n', { lineCounter: failingCounter })).toThrow('line counter failed');
    expect(process.env).toBe(real);
  });

  it('lets code running inside the parse read and see the real environment', () => {
    process.env.CONTAINERSEC_YAML_TEST = 'seen';
    let inside: string | undefined;
    parseAllYamlDocuments('a: !probe 1\n', {
      customTags: [
        {
          tag: '!probe',
          resolve: (value: string) => {
            inside = process.env.CONTAINERSEC_YAML_TEST;
            return value;
          },
        },
      ],
    });
    delete process.env.CONTAINERSEC_YAML_TEST;
    expect(inside).toBe('seen');
  });
});
