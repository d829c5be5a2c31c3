// Logical, comparison and numeric functions, checked against the ARM documentation pages
// "Logical functions for ARM templates", "Comparison functions for ARM templates" and
// "Numeric functions for ARM templates".

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertUnknown, ev } from './support';

describe('Logical functions for ARM templates (doc examples)', () => {
  test('and / or / not', () => {
    assert.equal(ev("[and(bool('true'), bool('false'))]"), false);
    assert.equal(ev("[or(bool('true'), bool('false'))]"), true);
    assert.equal(ev("[not(bool('true'))]"), false);
    assert.equal(ev('[and(true(), true(), true())]'), true);
    assert.equal(ev('[or(false(), false())]'), false);
  });

  test('bool', () => {
    assert.equal(ev("[bool('true')]"), true);
    assert.equal(ev("[bool('false')]"), false);
    assert.equal(ev('[bool(1)]'), true);
    assert.equal(ev('[bool(0)]'), false);
    assert.equal(ev("[bool('TRUE')]"), true);
    assertUnknown(ev("[bool('yes')]"), /cannot convert/);
  });

  test('true / false', () => {
    assert.equal(ev('[true()]'), true);
    assert.equal(ev('[false()]'), false);
  });

  test('if', () => {
    assert.equal(ev("[if(equals('a', 'a'), 'yes', 'no')]"), 'yes');
    assert.equal(ev("[if(equals('a', 'b'), 'yes', 'no')]"), 'no');
    // Only the chosen branch is evaluated: the other may reference runtime values.
    assert.equal(ev("[if(true(), 'x', reference('r').foo)]"), 'x');
    assertUnknown(ev("[if('a', 1, 2)]"), /expects its first argument to be a Boolean/);
  });

  test('not(equals())', () => {
    assert.equal(ev('[not(equals(1, 2))]'), true);
  });
});

describe('Comparison functions for ARM templates (doc examples)', () => {
  test('equals: ints, strings (case-sensitive), arrays, objects', () => {
    assert.equal(ev('[equals(1, 1)]'), true);
    assert.equal(ev("[equals('a', 'a')]"), true);
    assert.equal(ev("[equals('demo', 'Demo')]"), false);
    assert.equal(ev("[equals(createArray('a', 'b'), createArray('a', 'b'))]"), true);
    assert.equal(ev("[equals(createObject('a', 'b'), createObject('a', 'b'))]"), true);
    assert.equal(ev("[equals(createObject('a', 'b', 'c', 1), createObject('c', 1, 'a', 'b'))]"), true);
    assert.equal(ev("[equals(createArray('a', 'b'), createArray('b', 'a'))]"), false);
    assert.equal(ev("[equals(1, '1')]"), false);
  });

  test('greater / greaterOrEquals / less / lessOrEquals', () => {
    assert.equal(ev('[greater(1, 2)]'), false);
    assert.equal(ev("[greater('A', 'a')]"), true);
    assert.equal(ev('[greaterOrEquals(1, 2)]'), false);
    assert.equal(ev("[greaterOrEquals('A', 'a')]"), true);
    assert.equal(ev('[less(1, 2)]'), true);
    assert.equal(ev("[less('A', 'a')]"), false);
    assert.equal(ev('[lessOrEquals(1, 2)]'), true);
    assert.equal(ev("[lessOrEquals('A', 'a')]"), false);
    assert.equal(ev('[lessOrEquals(2, 2)]'), true);
    assert.equal(ev("[less('apple', 'banana')]"), true);
    assertUnknown(ev("[less(1, 'a')]"), /two Integers or two Strings/);
  });
});

describe('Numeric functions for ARM templates (doc examples)', () => {
  test('add / sub / mul / div / mod', () => {
    assert.equal(ev('[add(5, 3)]'), 8);
    assert.equal(ev('[sub(7, 3)]'), 4);
    assert.equal(ev('[mul(mul(5, 3), 3)]'), 45);
    assert.equal(ev('[div(8, 3)]'), 2);
    assert.equal(ev('[mod(7, 3)]'), 1);
  });

  test('div truncates toward zero; mod keeps the sign of the dividend', () => {
    assert.equal(ev('[div(-7, 2)]'), -3);
    assert.equal(ev('[mod(-7, 3)]'), -1);
    assertUnknown(ev('[div(1, 0)]'), /divide by zero/);
    assertUnknown(ev('[mod(1, 0)]'), /divide by zero/);
  });

  test('int / float', () => {
    assert.equal(ev("[int('4')]"), 4);
    assert.equal(ev("[int('-12')]"), -12);
    assert.equal(ev("[float('3.0')]"), 3);
    assert.equal(ev('[float(3)]'), 3);
    assert.equal(ev("[float('2.5')]"), 2.5);
    assertUnknown(ev("[int('four')]"), /cannot convert/);
  });

  test('copyIndex outside a loop is unknown', () => {
    assertUnknown(ev('[copyIndex()]'), /loops are analysed once per declaration/);
    assertUnknown(ev("[copyIndex('loop', 1)]"), /copyIndex\('loop'\)/);
  });
});
