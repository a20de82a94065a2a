import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../../src/core/yaml.js';
import { collectionKey, mayHaveCollectionKey } from '../../../src/checks/manifests/template-leftovers.js';

/** Every collection key the AST walk finds must pass the cheap text pre-filter first. */
const WITH_KEYS = [
  'image: {{ .Values.image }}\n',
  'a: { [x, y]: 1 }\n',
  '? [a, b]\n: x\n',
  '[a, b]: x\n',
  '{a: 1}: x\n',
  'm:\n  ? {a: 1}\n  : x\n',
];
const WITHOUT_KEYS = [
  '{"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "a", "args": ["[x]", "{y}"]}]}}\n',
  'apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {a: b}}\nspec:\n  containers: [{name: a}]\n',
  'description: "what? yes"\nlist: [[1, 2], [3]]\n',
];

describe('collection keys (unrendered templates)', () => {
  it('finds collection keys, and the text pre-filter lets every such file through', () => {
    for (const text of WITH_KEYS) {
      const doc = parseYaml(text).documents[0]!;
      expect(collectionKey(doc), text).toBeDefined();
      expect(mayHaveCollectionKey(text), text).toBe(true);
    }
  });

  it('finds none in JSON and ordinary manifests, and the pre-filter skips them', () => {
    for (const text of WITHOUT_KEYS) {
      const doc = parseYaml(text).documents[0]!;
      expect(collectionKey(doc), text).toBeUndefined();
      expect(mayHaveCollectionKey(text), text).toBe(false);
    }
  });
});
