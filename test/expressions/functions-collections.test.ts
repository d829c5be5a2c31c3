// Array and object functions, checked against the ARM documentation pages
// "Array functions for ARM templates" (template-functions-array) and
// "Object functions for ARM templates" (template-functions-object).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertJson, assertUnknown, ev, outputs } from './support';
import { TemplateScope } from '../../server/src/engine/expressions/scope';
import { OPEN_OBJECT, Unknown, type Value, type ValueObject } from '../../server/src/engine/expressions/value';

describe('Array functions for ARM templates (doc examples)', () => {
  test('array', () => {
    assertJson(ev('[array(1)]'), [1]);
    assertJson(ev("[array('efgh')]"), ['efgh']);
    assertJson(ev("[array(parameters('o'))]", { parameters: { o: { a: 'b', c: 'd' } } }), [{ a: 'b', c: 'd' }]);
    assertJson(ev('[array(createArray(1, 2))]'), [1, 2]);
  });

  test('createArray', () => {
    const parameters = { objectToTest: { one: 'a', two: 'b', three: 'c' }, arrayToTest: ['one', 'two', 'three'] };
    assertJson(ev("[createArray('a', 'b', 'c')]"), ['a', 'b', 'c']);
    assertJson(ev('[createArray(1, 2, 3)]'), [1, 2, 3]);
    assertJson(ev("[createArray(parameters('objectToTest'))]", { parameters }), [{ one: 'a', two: 'b', three: 'c' }]);
    assertJson(ev("[createArray(parameters('arrayToTest'))]", { parameters }), [['one', 'two', 'three']]);
    assertJson(ev('[createArray()]'), []);
  });

  test('intersection of objects and arrays', () => {
    const parameters = {
      firstObject: { one: 'a', two: 'b', three: 'c' },
      secondObject: { one: 'a', two: 'z', three: 'c' },
      firstArray: ['one', 'two', 'three'],
      secondArray: ['two', 'three'],
    };
    assertJson(ev("[intersection(parameters('firstObject'), parameters('secondObject'))]", { parameters }), { one: 'a', three: 'c' });
    assertJson(ev("[intersection(parameters('firstArray'), parameters('secondArray'))]", { parameters }), ['two', 'three']);
  });

  test('union of objects and arrays', () => {
    const parameters = {
      firstObject: { one: 'a', two: 'b', three: 'c1' },
      secondObject: { three: 'c2', four: 'd', five: 'e' },
      firstArray: ['one', 'two', 'three'],
      secondArray: ['three', 'four'],
    };
    assertJson(ev("[union(parameters('firstObject'), parameters('secondObject'))]", { parameters }),
      { one: 'a', two: 'b', three: 'c2', four: 'd', five: 'e' });
    assertJson(ev("[union(parameters('firstArray'), parameters('secondArray'))]", { parameters }), ['one', 'two', 'three', 'four']);
  });

  test('union merges nested objects deeply but replaces nested arrays', () => {
    const variables = {
      firstObject: { property: { one: 'a', two: 'b', three: 'c1' }, nestedArray: [1, 2] },
      secondObject: { property: { three: 'c2', four: 'd', five: 'e' }, nestedArray: [3, 4] },
      firstArray: [['one', 'two'], ['three']],
      secondArray: [['three'], ['four', 'two']],
    };
    assertJson(ev("[union(variables('firstObject'), variables('secondObject'))]", { variables }),
      { property: { one: 'a', two: 'b', three: 'c2', four: 'd', five: 'e' }, nestedArray: [3, 4] });
    assertJson(ev("[union(variables('firstArray'), variables('secondArray'))]", { variables }),
      [['one', 'two'], ['three'], ['four', 'two']]);
  });

  test('min / max of an array and of arguments', () => {
    const parameters = { arrayToTest: [0, 3, 2, 5, 4] };
    assert.equal(ev("[min(parameters('arrayToTest'))]", { parameters }), 0);
    assert.equal(ev('[min(0,3,2,5,4)]'), 0);
    assert.equal(ev("[max(parameters('arrayToTest'))]", { parameters }), 5);
    assert.equal(ev('[max(0,3,2,5,4)]'), 5);
  });

  test('range', () => {
    assertJson(ev('[range(5, 3)]'), [5, 6, 7]);
    assertJson(ev('[range(0, 0)]'), []);
    assertUnknown(ev('[range(0, 10001)]'), /can't exceed 10000/);
  });

  test('indexOf / lastIndexOf on arrays', () => {
    const variables = { names: ['one', 'two', 'three'], numbers: [4, 5, 6], collection: ['1', '2', '3'], duplicates: [1, 2, 3, 1] };
    assert.equal(ev("[indexOf(variables('names'), 'two')]", { variables }), 1);
    assert.equal(ev("[indexOf(variables('names'), 'Two')]", { variables }), -1);
    assert.equal(ev("[indexOf(variables('numbers'), 4)]", { variables }), 0);
    assert.equal(ev("[indexOf(variables('collection'), '4')]", { variables }), -1);
    assert.equal(ev("[lastIndexOf(variables('duplicates'), 1)]", { variables }), 3);
  });

  test('flatten, tryGet, indexFromEnd', () => {
    assertJson(ev("[flatten(createArray(createArray('one', 'two'), createArray('three'), createArray('four', 'five')))]"),
      ['one', 'two', 'three', 'four', 'five']);
    const variables = { users: { name: 'John', address: { city: 'Seattle' } }, arr: ['a', 'b', 'c'] };
    assert.equal(ev("[tryGet(variables('users'), 'name')]", { variables }), 'John');
    assert.equal(ev("[tryGet(variables('users'), 'age')]", { variables }), null);
    assert.equal(ev("[tryGet(variables('users'), 'address', 'city')]", { variables }), 'Seattle');
    assert.equal(ev("[tryGet(variables('users'), 'ADDRESS', 'missing', 'deeper')]", { variables }), null);
    assert.equal(ev("[tryGet(variables('arr'), 1)]", { variables }), 'b');
    assert.equal(ev("[tryGet(variables('arr'), 7)]", { variables }), null);
    assert.equal(ev("[indexFromEnd(variables('arr'), 1)]", { variables }), 'c');
    assert.equal(ev("[tryIndexFromEnd(variables('arr'), 4)]", { variables }), null);
  });
});

describe('Object functions for ARM templates (doc examples)', () => {
  test('createObject', () => {
    assertJson(ev("[createObject('intProp', 1, 'stringProp', 'abc', 'boolProp', true(), 'arrayProp', createArray('a', 'b', 'c'), 'objectProp', createObject('key1', 'value1'))]"),
      { intProp: 1, stringProp: 'abc', boolProp: true, arrayProp: ['a', 'b', 'c'], objectProp: { key1: 'value1' } });
    assertUnknown(ev("[createObject('a')]"), /even number/);
  });

  test('items: sorted by key, with key/value objects', () => {
    const variables = {
      entities: {
        item002: { enabled: false, displayName: 'Example item 2', number: 200 },
        item001: { enabled: true, displayName: 'Example item 1', number: 300 },
      },
    };
    assertJson(ev("[items(variables('entities'))]", { variables }), [
      { key: 'item001', value: { enabled: true, displayName: 'Example item 1', number: 300 } },
      { key: 'item002', value: { enabled: false, displayName: 'Example item 2', number: 200 } },
    ]);
  });

  test('items in a variable copy loop (doc example)', () => {
    const out = outputs({
      variables: {
        copy: [{
          name: 'modifiedListOfEntities',
          count: "[length(items(variables('entities')))]",
          input: {
            key: "[items(variables('entities'))[copyIndex('modifiedListOfEntities')].key]",
            fullName: "[items(variables('entities'))[copyIndex('modifiedListOfEntities')].value.displayName]",
            itemEnabled: "[items(variables('entities'))[copyIndex('modifiedListOfEntities')].value.enabled]",
          },
        }],
        entities: {
          item002: { enabled: false, displayName: 'Example item 2', number: 200 },
          item001: { enabled: true, displayName: 'Example item 1', number: 300 },
        },
      },
      outputs: { modifiedResult: { value: "[variables('modifiedListOfEntities')]" } },
    });
    assertJson(out.modifiedResult, [
      { key: 'item001', fullName: 'Example item 1', itemEnabled: true },
      { key: 'item002', fullName: 'Example item 2', itemEnabled: false },
    ]);
  });

  test('json', () => {
    const parameters = {
      jsonEmptyObject: 'null',
      jsonObject: '{"a": "b"}',
      jsonString: '"test"',
      jsonBoolean: 'true',
      jsonInt: '3',
      jsonArray: '[[1,2,3 ]',
      concatValue: 'demo value',
    };
    // The docs declare these as parameter defaults, so '[[1,2,3 ]' is the escaped literal '[1,2,3 ]'.
    const template = {
      parameters: Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, { type: 'string', defaultValue: v }])),
      outputs: {
        emptyObjectOutput: { value: "[empty(json(parameters('jsonEmptyObject')))]" },
        objectOutput: { value: "[json(parameters('jsonObject'))]" },
        stringOutput: { value: "[json(parameters('jsonString'))]" },
        booleanOutput: { value: "[json(parameters('jsonBoolean'))]" },
        intOutput: { value: "[json(parameters('jsonInt'))]" },
        arrayOutput: { value: "[json(parameters('jsonArray'))]" },
        concatObjectOutput: { value: "[json(concat('{\"a\": \"', parameters('concatValue'), '\"}'))]" },
      },
    };
    const out = outputs(template);
    assert.equal(out.emptyObjectOutput, true);
    assertJson(out.objectOutput, { a: 'b' });
    assert.equal(out.stringOutput, 'test');
    assert.equal(out.booleanOutput, true);
    assert.equal(out.intOutput, 3);
    assertJson(out.arrayOutput, [1, 2, 3]);
    assertJson(out.concatObjectOutput, { a: 'demo value' });
    assertUnknown(ev("[json('{bad')]"), /Invalid JSON/);
  });

  test('if with json() objects (Logical functions doc example)', () => {
    assertJson(ev(`[if(equals('a', 'a'), json('{"test": "value1"}'), json('null'))]`), { test: 'value1' });
  });

  test('null', () => {
    assert.equal(ev('[empty(null())]'), true);
    assert.equal(ev('[null()]'), null);
  });

  test('objectKeys and shallowMerge', () => {
    assertJson(ev("[objectKeys(createObject('a', 123, 'b', 456))]"), ['a', 'b']);
    const variables = {
      firstArray: [{ one: 'a' }, { two: 'b' }, { two: 'c' }],
      secondArray: [{ one: 'a', nested: { a: 1, nested: { c: 3 } } }, { two: 'b', nested: { b: 2 } }],
    };
    assertJson(ev("[shallowMerge(variables('firstArray'))]", { variables }), { one: 'a', two: 'c' });
    assertJson(ev("[shallowMerge(variables('secondArray'))]", { variables }), { one: 'a', nested: { b: 2 }, two: 'b' });
  });

  test('property and index access', () => {
    const parameters = { o: { Name: 'x', list: [10, 20] } };
    assert.equal(ev("[parameters('o').name]", { parameters }), 'x');
    assert.equal(ev("[parameters('o')['NAME']]", { parameters }), 'x');
    assert.equal(ev("[parameters('o').list[1]]", { parameters }), 20);
    assert.equal(ev("[parameters('o').?missing]", { parameters }), null);
    assert.equal(ev("[parameters('o').list[?5]]", { parameters }), null);
    assert.equal(ev("[parameters('o').?missing.?deeper]", { parameters }), null);
    assertUnknown(ev("[parameters('o').missing]", { parameters }), /property 'missing' doesn't exist/);
    assertUnknown(ev("[parameters('o').list[5]]", { parameters }), /out of bounds/);
    assertUnknown(ev("[parameters('o').list['a']]", { parameters }), /indexed by an Integer/);
  });

  test('coalesce (Comparison functions doc example)', () => {
    const parameters = { objectToTest: { null1: null, null2: null, string: 'default', int: 1, object: { first: 'default' }, array: [1] } };
    const p = "parameters('objectToTest')";
    assert.equal(ev(`[coalesce(${p}.null1, ${p}.null2, ${p}.string)]`, { parameters }), 'default');
    assert.equal(ev(`[coalesce(${p}.null1, ${p}.null2, ${p}.int)]`, { parameters }), 1);
    assertJson(ev(`[coalesce(${p}.null1, ${p}.null2, ${p}.object)]`, { parameters }), { first: 'default' });
    assertJson(ev(`[coalesce(${p}.null1, ${p}.null2, ${p}.array)]`, { parameters }), [1]);
    assert.equal(ev(`[empty(coalesce(${p}.null1, ${p}.null2))]`, { parameters }), true);
  });
});

test('tryGet reads a resource\'s runtime state through its lookup (AVM outputs: tryGet(tryGet(reference(x, v, \'full\'), \'identity\'), \'principalId\'))', () => {
  // reference() returns an open object: declared members are set, the rest its lookup says (Unknown until deployment).
  const principal = new Unknown('the principal id is only known at deployment');
  const open = (obj: ValueObject, lookup: (key: string) => Value): ValueObject => Object.defineProperty(obj, OPEN_OBJECT, { value: lookup, enumerable: false });
  const identity = open({ type: 'SystemAssigned' }, (key) => (key === 'principalId' ? principal : new Unknown('runtime')));
  const resource = open({ name: 'acct' }, (key) => (key === 'identity' ? identity : new Unknown('runtime')));
  const scope = new TemplateScope({}, { resource: () => resource });
  assert.equal(scope.evaluateString("[tryGet(tryGet(reference('acct', '2025-06-01', 'full'), 'identity'), 'principalId')]"), principal);
  assert.equal(scope.evaluateString("[tryGet(reference('acct', '2025-06-01', 'full'), 'name')]"), 'acct');
  assert.equal(scope.evaluateString("[tryGet(tryGet(reference('acct', '2025-06-01', 'full'), 'identity'), 'type')]"), 'SystemAssigned');
});
