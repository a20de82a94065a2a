import { describe, expect, it } from 'vitest';
import { LineCounter } from 'yaml';
import { decodeSourceText } from '../../src/core/text.js';
import { parseAllYamlDocuments, parseYaml, parseYamlText } from '../../src/core/yaml.js';
import { get, parseCiFile, positionOf, stringValue } from '../../src/checks/hardening/gitlab-ci/located.js';
import { loadWorkflow } from '../../src/checks/hardening/github-actions/model.js';

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

describe('quoted scalars continued at the key indentation (accepted by Go yaml and PyYAML)', () => {
  const text =
    "metadata:\n  annotations:\n    one: 'first\n    second'\n    two: \"a \\\" b\n  c\"\n  name: x\nz: 'top\nleft'\n";

  it('reads them as libyaml does: continuation lines folded, whatever their indentation', () => {
    const parsed = parseYaml(text);
    expect(parsed.documents[0]!.errors).toEqual([]);
    expect(parsed.documents[0]!.toJS()).toEqual({
      metadata: { annotations: { one: 'first second', two: 'a " b c' }, name: 'x' },
      z: 'top left',
    });
  });

  it('keeps every line number and the columns of the input', () => {
    const parsed = parseYaml(text);
    const doc = parsed.documents[0]!;
    const metadata = doc.get('metadata', true) as { get(key: string, keep: true): unknown };
    expect(parsed.nodePosition(metadata.get('name', true))).toEqual({ line: 7, column: 9 });
    // An offset on a re-indented line maps back to where the text is in the file.
    const second = parsed.text.indexOf('second');
    expect(parsed.position(second)).toEqual({ line: 4, column: 5 });
    expect(parsed.text.split('\n')).toHaveLength(text.split('\n').length);
  });

  it("gives the caller's line counter the input's columns too", () => {
    const lineCounter = new LineCounter();
    const parsed = parseYamlText(text, { lineCounter, prettyErrors: false });
    expect(lineCounter.linePos(parsed.text.indexOf('left'))).toEqual({ line: 9, col: 1 });
  });

  it('leaves what libyaml rejects as it was: plain scalars, document markers, unclosed quotes', () => {
    for (const bad of ['a:\n  b: x\n  y\n', "a:\n  b: 'x\n---\n  y'\n", "a:\n  b: 'x\n  y\n"]) {
      const lineCounter = new LineCounter();
      const parsed = parseYamlText(bad, { lineCounter, prettyErrors: false });
      expect(parsed.text).toBe(bad);
      expect(parsed.documents.some((d) => d.errors.length > 0)).toBe(true);
      expect(lineCounter.linePos(bad.length - 1).line).toBe(bad.split('\n').length - 1);
    }
  });

  it('GitLab CI and GitHub workflow files benefit too', () => {
    const ci = "build:\n  script:\n    - 'echo one\n    two'\n  stage: test\n";
    const parsed = parseCiFile('.gitlab-ci.yml', ci);
    expect(parsed.error).toBeUndefined();
    const stage = get(get(parsed.root, 'build'), 'stage');
    expect(stringValue(stage)).toBe('test');
    expect(positionOf(stage!)).toMatchObject({ line: 5, column: 10 });
    const workflow =
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: 'echo one\n      two'\n";
    expect(loadWorkflow('.github/workflows/x.yml', workflow).kind).toBe('model');
  });
});

describe('decodeSourceText', () => {
  it('reads UTF-8 with or without a byte-order mark, and UTF-16 with one in either byte order', () => {
    const text = 'kind: Pod # é ✓\n';
    const le = Buffer.from(`\ufeff${text}`, 'utf16le');
    expect(decodeSourceText(Buffer.from(text))).toBe(text);
    expect(decodeSourceText(Buffer.from(`\ufeff${text}`))).toBe(text);
    expect(decodeSourceText(le)).toBe(text);
    expect(decodeSourceText(Buffer.from(le).swap16())).toBe(text);
  });
});
