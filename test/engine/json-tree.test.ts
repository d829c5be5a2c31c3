// The strict JSON tree (engine/json-tree.ts) is jsonc-parser's tree, node for node, or nothing: on every
// input it accepts, jsonc-parser reports no error and builds the same nodes; what it refuses goes to jsonc-parser.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTree, type Node as JsonNode } from 'jsonc-parser';
import { memberOf, parseStrictJsonTree } from '../../server/src/engine/json-tree';
import { parseJsonTree, MAX_JSON_DEPTH } from '../../server/src/engine/limits';

/** The nodes as plain data (parents as the path to them), every child read, so lazy parts are built. */
function shape(node: JsonNode, parentPath = ''): unknown {
  return {
    type: node.type, offset: node.offset, length: node.length, value: node.value, colonOffset: node.colonOffset,
    hasParent: 'parent' in node, parent: node.parent ? parentPath : undefined,
    children: node.children?.map((c, i) => shape(c, `${parentPath}/${i}`)),
  };
}

/** Whether the strict tree accepts `text`; when it does, it must be jsonc-parser's error-free tree. */
function agrees(text: string): boolean {
  const strict = parseStrictJsonTree(text, MAX_JSON_DEPTH);
  if (!strict) return false;
  const errors: unknown[] = [];
  const reference = parseTree(text, errors as never, { allowTrailingComma: true, disallowComments: false });
  assert.deepEqual(errors, [], `jsonc-parser reports errors for accepted text ${JSON.stringify(text)}`);
  assert.deepEqual(shape(strict), shape(reference!), `different trees for ${JSON.stringify(text)}`);
  return true;
}

test('strict JSON gets jsonc-parser\'s tree; comments, trailing commas and errors are left to jsonc-parser', () => {
  const accepted = ['1', '-0', '2.5e+3', '1E-5', 'true', 'null', '"a\\u00e9\\n\\/\\b\\f\\r\\t\\"\\\\"', '"\\ud800"', '[]', '{}',
    ' { "a" : [ 1 , 2.5 , true , false , null , "x" ] }\r\n', '{"a":{"b":[[],{}]},"a":2}', '{"__proto__": {"x": 1}}', '["[concat(\'a\', \'b\')]"]'];
  for (const text of accepted) assert.equal(agrees(text), true, JSON.stringify(text));
  const refused = ['', '  ', '{"a":1,}', '[1,]', '{"a":1}//c', '/* c */ 1', '\ufeff{}', '01', '1.', '-', '.5', '[1 2]', '{"a" 1}', '{a:1}',
    '"\t"', '"a\nb"', '"\\x"', '"\\u12"', '{"a":1}x', 'tru', 'true1', 'nul', '[', '{"a":', '"abc', '[1]]', '{"a":1}}', "'a'"];
  for (const text of refused) assert.equal(agrees(text), false, JSON.stringify(text));
});

test('mutated templates: whatever the strict tree accepts, jsonc-parser parses alike without errors', () => {
  const template = JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0',
    parameters: { p: { type: 'string', defaultValue: 'x\\y "q" \u00e9' } },
    resources: [{ type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2024-10-01', name: "[parameters('p')]", tags: {},
      properties: { restrictOutboundNetworkAccess: true, allowedFqdnList: ['a.b.com', '*.c.com'], n: [-1.5e-3, 0, 10, null, false] } }],
  }, null, 2);
  const pieces = ['{', '}', '[', ']', ',', ':', '"', '\\', ' ', '\n', '0', '-', '.', 'e', '+', 't', 'n', 'u', '/', '*', '\u2028', '\t', '\u0001', 'x'];
  let seed = 7;
  const random = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  let accepted = 0;
  for (let i = 0; i < 3000; i++) {
    let text = template;
    for (let k = 0; k <= random(3); k++) {
      const at = random(text.length);
      const op = random(3);
      const piece = pieces[random(pieces.length)];
      text = op === 0 ? text.slice(0, at) + text.slice(at + 1) : op === 1 ? text.slice(0, at) + piece + text.slice(at) : text.slice(0, at) + piece + text.slice(at + 1);
    }
    if (agrees(text)) accepted++;
  }
  // Both sides are exercised: many mutations stay valid JSON (in strings, in spaces), many do not.
  assert.ok(accepted > 300 && accepted < 2700, `accepted ${accepted}`);
});

test('nesting: within the limit the strict tree, past it jsonc-parser is not even called (depth-limit)', () => {
  const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
  assert.equal(agrees(nested(MAX_JSON_DEPTH)), true);
  assert.equal(parseStrictJsonTree(nested(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH), undefined);
  assert.deepEqual(parseJsonTree(nested(MAX_JSON_DEPTH + 1)), { root: undefined, tooDeepAt: MAX_JSON_DEPTH });
});

test('a container\'s children are built once, when first read', () => {
  const root = parseStrictJsonTree('{"a": {"b": [1, 2]}}', MAX_JSON_DEPTH)!;
  const inner = root.children![0].children![1];
  assert.equal(inner.children, inner.children);
  assert.equal(inner.children![0].children![1].children![1].value, 2);
  assert.equal(inner.children![0].parent, inner);
});

test('memberOf: the exact key first, else the first equal ignoring case, escapes decoded; the node is the one children holds', () => {
  const text = '{"Name": 1, "name": 2, "na\\u006de": 3, "\\u0074ype": "t", "TYPE": "u", "k\\"": 4, "other": {"x": [1]}}';
  const strict = parseStrictJsonTree(text, MAX_JSON_DEPTH)!;
  const reference = parseTree(text)!;
  for (const root of [parseStrictJsonTree(text, MAX_JSON_DEPTH)!, reference]) {
    assert.equal(memberOf(root, 'name')?.value, 2);
    assert.equal(memberOf(root, 'NAME')?.value, 1);
    assert.equal(memberOf(root, 'type')?.value, 't');
    assert.equal(memberOf(root, 'Type')?.value, 't');
    assert.equal(memberOf(root, 'k"')?.value, 4);
    assert.equal(memberOf(root, 'missing'), undefined);
    assert.equal(memberOf(root, 'nam'), undefined);
  }
  // Looked up before and after the children are built: the same nodes.
  const other = memberOf(strict, 'other')!;
  assert.equal(strict.children![6].children![1], other);
  assert.equal(memberOf(other, 'x'), other.children![0].children![1]);
  assert.deepEqual(shape(strict), shape(reference));
});
