// Lambda functions in the form Bicep emits them, checked against the ARM documentation page
// "Lambda functions for ARM templates" (template-functions-lambda).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Lambda, Unknown } from '../../server/src/engine/expressions/value';
import { assertJson, assertUnknown, ev, outputs } from './support';

const dogs = [
  { name: 'Evie', age: 5, interests: ['Ball', 'Frisbee'] },
  { name: 'Casper', age: 3, interests: ['Other dogs'] },
  { name: 'Indy', age: 2, interests: ['Butter'] },
  { name: 'Kira', age: 8, interests: ['Rubs'] },
];

describe('Lambda functions for ARM templates (doc examples)', () => {
  test('filter', () => {
    assertJson(ev("[filter(variables('dogs'), lambda('dog', greaterOrEquals(lambdaVariables('dog').age, 5)))]", { variables: { dogs } }),
      [dogs[0], dogs[3]]);
    assertJson(ev("[filter(range(0, 10), lambda('i', equals(0, mod(lambdaVariables('i'), 2))))]"), [0, 2, 4, 6, 8]);
  });

  test('filter over a copy variable', () => {
    const out = outputs({
      variables: { copy: [{ name: 'itemForLoop', count: '[length(range(0, 10))]', input: "[range(0, 10)[copyIndex('itemForLoop')]]" }] },
      outputs: { filteredLoop: { value: "[filter(variables('itemForLoop'), lambda('i', greater(lambdaVariables('i'), 5)))]" } },
    });
    assertJson(out.filteredLoop, [6, 7, 8, 9]);
  });

  test('map', () => {
    const variables = { dogs };
    assertJson(ev("[map(variables('dogs'), lambda('dog', lambdaVariables('dog').name))]", { variables }), ['Evie', 'Casper', 'Indy', 'Kira']);
    assertJson(ev("[map(variables('dogs'), lambda('dog', format('Hello {0}!', lambdaVariables('dog').name)))]", { variables }),
      ['Hello Evie!', 'Hello Casper!', 'Hello Indy!', 'Hello Kira!']);
    assertJson(ev("[map(range(0, length(variables('dogs'))), lambda('i', createObject('i', lambdaVariables('i'), 'dog', variables('dogs')[lambdaVariables('i')].name, 'greeting', format('Ahoy, {0}!', variables('dogs')[lambdaVariables('i')].name))))]", { variables }), [
      { i: 0, dog: 'Evie', greeting: 'Ahoy, Evie!' },
      { i: 1, dog: 'Casper', greeting: 'Ahoy, Casper!' },
      { i: 2, dog: 'Indy', greeting: 'Ahoy, Indy!' },
      { i: 3, dog: 'Kira', greeting: 'Ahoy, Kira!' },
    ]);
  });

  test('map with the index lambda parameter (Bicep (x, i) => ...)', () => {
    assertJson(ev("[map(createArray('a', 'b'), lambda('x', 'i', format('{0}{1}', lambdaVariables('x'), lambdaVariables('i'))))]"), ['a0', 'b1']);
  });

  test('reduce', () => {
    const out = outputs({
      variables: { dogs, ages: "[map(variables('dogs'), lambda('dog', lambdaVariables('dog').age))]" },
      outputs: {
        totalAge: { value: "[reduce(variables('ages'), 0, lambda('cur', 'next', add(lambdaVariables('cur'), lambdaVariables('next'))))]" },
        totalAgeAdd1: { value: "[reduce(variables('ages'), 1, lambda('cur', 'next', add(lambdaVariables('cur'), lambdaVariables('next'))))]" },
      },
    });
    assert.equal(out.totalAge, 18);
    assert.equal(out.totalAgeAdd1, 19);
    assertJson(ev("[reduce(createArray(createObject('foo', 123), createObject('bar', 456), createObject('baz', 789)), createObject(), lambda('cur', 'next', union(lambdaVariables('cur'), lambdaVariables('next'))))]"),
      { foo: 123, bar: 456, baz: 789 });
  });

  test('sort', () => {
    assertJson(ev("[sort(variables('dogs'), lambda('a', 'b', less(lambdaVariables('a').age, lambdaVariables('b').age)))]", { variables: { dogs } }),
      [dogs[2], dogs[1], dogs[0], dogs[3]]);
  });

  test('toObject with key lambda, and with key and value lambdas', () => {
    const variables = { dogs };
    const expected = Object.fromEntries(dogs.map((d) => [d.name, d]));
    assertJson(ev("[toObject(variables('dogs'), lambda('entry', lambdaVariables('entry').name))]", { variables }), expected);
    assertJson(ev("[toObject(variables('dogs'), lambda('entry', lambdaVariables('entry').name), lambda('entry', lambdaVariables('entry')))]", { variables }), expected);
    const dogs2 = dogs.map((d) => ({ name: d.name, properties: { age: d.age, interests: d.interests } }));
    assertJson(ev("[toObject(variables('dogs'), lambda('entry', lambdaVariables('entry').name), lambda('entry', lambdaVariables('entry').properties))]", { variables: { dogs: dogs2 } }),
      Object.fromEntries(dogs2.map((d) => [d.name, d.properties])));
  });

  test('groupBy and mapValues (Bicep emits them as ARM functions)', () => {
    assertJson(ev("[groupBy(createArray(createObject('type', 'a', 'value', 123), createObject('type', 'b', 'value', 456), createObject('type', 'a', 'value', 789)), lambda('arg', lambdaVariables('arg').type))]"), {
      a: [{ type: 'a', value: 123 }, { type: 'a', value: 789 }],
      b: [{ type: 'b', value: 456 }],
    });
    assertJson(ev("[mapValues(createObject('a', 123, 'b', 456), lambda('val', mul(lambdaVariables('val'), 2)))]"), { a: 246, b: 912 });
  });

  test('nested lambdas see outer lambda variables', () => {
    assertJson(ev("[map(createArray(1, 2), lambda('x', map(createArray(10, 20), lambda('y', add(lambdaVariables('x'), lambdaVariables('y'))))))]"),
      [[11, 21], [12, 22]]);
  });

  test('a lambda is a Lambda value; unknown lambda variables are errors', () => {
    const l = ev("[lambda('x', lambdaVariables('x'))]");
    assert.ok(l instanceof Lambda);
    assert.deepEqual(l.params, ['x']);
    assert.equal(l.apply([42]), 42);
    const m = ev("[map(createArray(1), lambda('x', lambdaVariables('y')))]");
    assert.ok(Array.isArray(m));
    assertUnknown(m[0], /lambda variable 'y' is not defined/);
  });

  test('unknowns: an unknown array makes map unknown; unknown elements stay element-wise', () => {
    assertUnknown(ev("[map(parameters('missing'), lambda('x', lambdaVariables('x')))]"), /parameter 'missing'/);
    const r = ev("[map(createArray('a', parameters('p')), lambda('x', toUpper(lambdaVariables('x'))))]");
    assert.ok(Array.isArray(r));
    assert.equal(r[0], 'A');
    assert.ok(r[1] instanceof Unknown);
    assertUnknown(ev("[filter(createArray(1, 2), lambda('x', equals(lambdaVariables('x'), parameters('p'))))]"), /parameter 'p'/);
  });
});
