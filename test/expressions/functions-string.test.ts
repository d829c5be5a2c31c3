// String functions, checked against the examples and outputs of the ARM documentation page
// "String functions for ARM templates" (template-functions-string).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertJson, assertParts, assertUnknown, ev, outputs } from './support';

describe('String functions for ARM templates (doc examples)', () => {
  test('base64 / base64ToString / base64ToJson', () => {
    const out = outputs({
      parameters: {
        stringData: { type: 'string', defaultValue: 'one, two, three' },
        jsonFormattedData: { type: 'string', defaultValue: "{'one': 'a', 'two': 'b'}" },
      },
      variables: {
        base64String: "[base64(parameters('stringData'))]",
        base64Object: "[base64(parameters('jsonFormattedData'))]",
      },
      outputs: {
        base64Output: { value: "[variables('base64String')]" },
        toStringOutput: { value: "[base64ToString(variables('base64String'))]" },
        toJsonOutput: { value: "[base64ToJson(variables('base64Object'))]" },
      },
    });
    assert.equal(out.base64Output, 'b25lLCB0d28sIHRocmVl');
    assert.equal(out.toStringOutput, 'one, two, three');
    assertJson(out.toJsonOutput, { one: 'a', two: 'b' });
  });

  test('concat: strings (with uniqueString, only known at deployment) and arrays', () => {
    const s = ev("[concat(parameters('prefix'), '-', uniqueString(resourceGroup().id))]", { parameters: { prefix: 'prefix' } });
    const u = assertParts(s, ['prefix', '-', null]);
    assert.match(u.reason, /uniqueString is computed at deployment/);
    assertJson(ev("[concat(parameters('a'), parameters('b'))]", {
      parameters: { a: ['1-1', '1-2', '1-3'], b: ['2-1', '2-2', '2-3'] },
    }), ['1-1', '1-2', '1-3', '2-1', '2-2', '2-3']);
    assertUnknown(ev("[concat('a', createArray(1))]"), /cannot combine arrays and strings/);
    assert.equal(ev("[concat('a', 1, 'b')]"), 'a1b');
  });

  test('contains: string (case-sensitive), object key (case-insensitive), array', () => {
    const params = { stringToTest: 'OneTwoThree', objectToTest: { one: 'a', two: 'b', three: 'c' }, arrayToTest: ['one', 'two', 'three'] };
    assert.equal(ev("[contains(parameters('stringToTest'), 'e')]", { parameters: params }), true);
    assert.equal(ev("[contains(parameters('stringToTest'), 'z')]", { parameters: params }), false);
    assert.equal(ev("[contains(parameters('objectToTest'), 'one')]", { parameters: params }), true);
    assert.equal(ev("[contains(parameters('objectToTest'), 'a')]", { parameters: params }), false);
    assert.equal(ev("[contains(parameters('arrayToTest'), 'three')]", { parameters: params }), true);
    assert.equal(ev("[contains(parameters('arrayToTest'), 'four')]", { parameters: params }), false);
    assert.equal(ev("[contains(parameters('stringToTest'), 'one')]", { parameters: params }), false);
    assert.equal(ev("[contains(parameters('objectToTest'), 'ONE')]", { parameters: params }), true);
  });

  test('dataUri / dataUriToString', () => {
    assert.equal(ev("[dataUri('Hello')]"), 'data:text/plain;charset=utf8;base64,SGVsbG8=');
    assert.equal(ev("[dataUriToString('data:;base64,SGVsbG8sIFdvcmxkIQ==')]"), 'Hello, World!');
  });

  test('empty', () => {
    assert.equal(ev("[empty(parameters('a'))]", { parameters: { a: [] } }), true);
    assert.equal(ev("[empty(parameters('a'))]", { parameters: { a: {} } }), true);
    assert.equal(ev("[empty(parameters('a'))]", { parameters: { a: '' } }), true);
    assert.equal(ev("[empty('x')]"), false);
    assert.equal(ev('[empty(null())]'), true);
  });

  test('startsWith / endsWith are case-insensitive', () => {
    assert.equal(ev("[startsWith('abcdef', 'ab')]"), true);
    assert.equal(ev("[startsWith('abcdef', 'A')]"), true);
    assert.equal(ev("[startsWith('abcdef', 'e')]"), false);
    assert.equal(ev("[endsWith('abcdef', 'ef')]"), true);
    assert.equal(ev("[endsWith('abcdef', 'F')]"), true);
    assert.equal(ev("[endsWith('abcdef', 'e')]"), false);
  });

  test('first / last on arrays and strings', () => {
    const parameters = { arrayToTest: ['one', 'two', 'three'] };
    assert.equal(ev("[first(parameters('arrayToTest'))]", { parameters }), 'one');
    assert.equal(ev("[first('One Two Three')]"), 'O');
    assert.equal(ev("[last(parameters('arrayToTest'))]", { parameters }), 'three');
    assert.equal(ev("[last('One Two Three')]"), 'e');
    assert.equal(ev('[first(createArray())]'), null);
  });

  test('format: composite format with a numeric format specifier', () => {
    assert.equal(
      ev("[format('{0}, {1}. Formatted number: {2:N0}', parameters('greeting'), parameters('name'), parameters('numberToFormat'))]",
        { parameters: { greeting: 'Hello', name: 'User', numberToFormat: 8175133 } }),
      'Hello, User. Formatted number: 8,175,133');
  });

  test('format: escapes, alignment, repeated and other specifiers', () => {
    assert.equal(ev("[format('{{{0}}}', 'x')]"), '{x}');
    assert.equal(ev("[format('{0}-{0}-{1}', 'a', 'b')]"), 'a-a-b');
    assert.equal(ev("[format('[{0,5}|{1,-4}]', 'ab', 'cd')]"), '[   ab|cd  ]');
    assert.equal(ev("[format('{0:D4} {1:X} {2:N2} {3}', 42, 255, 1234.5, true())]"), '0042 FF 1,234.50 True');
    assert.equal(ev("[format('{0:yyyy}', 'text')]"), 'text');
    assertUnknown(ev("[format('{1}', 'a')]"), /Index \(zero based\)/);
    assertUnknown(ev("[format('{0', 'a')]"), /not in a correct format/);
    assertUnknown(ev("[format('a}b')]"), /not in a correct format/);
  });

  test('guid / uniqueString / newGuid are only known at deployment', () => {
    assertParts(ev('[guid(subscription().subscriptionId)]'), [null]);
    assertUnknown(ev("[guid('a', 'b')]"), /guid is computed at deployment/);
    assertUnknown(ev('[uniqueString(resourceGroup().id)]'), /uniqueString is computed at deployment/);
    assertUnknown(ev('[newGuid()]'), /new value at each deployment/);
  });

  test('indexOf / lastIndexOf are case-insensitive on strings', () => {
    assert.equal(ev("[indexOf('test', 't')]"), 0);
    assert.equal(ev("[lastIndexOf('test', 't')]"), 3);
    assert.equal(ev("[indexOf('abcdef', 'CD')]"), 2);
    assert.equal(ev("[lastIndexOf('abcdef', 'AB')]"), 0);
    assert.equal(ev("[indexOf('abcdef', 'z')]"), -1);
  });

  test('join', () => {
    const variables = { arrayString: ['one', 'two', 'three'] };
    assert.equal(ev("[join(variables('arrayString'), ',')]", { variables }), 'one,two,three');
    assert.equal(ev("[join(variables('arrayString'), ';')]", { variables }), 'one;two;three');
  });

  test('length of array, string and object', () => {
    const parameters = {
      arrayToTest: ['one', 'two', 'three'],
      stringToTest: 'One Two Three',
      objectToTest: { propA: 'one', propB: 'two', propC: 'three', propD: { 'propD-1': 'sub', 'propD-2': 'sub' } },
    };
    assert.equal(ev("[length(parameters('arrayToTest'))]", { parameters }), 3);
    assert.equal(ev("[length(parameters('stringToTest'))]", { parameters }), 13);
    assert.equal(ev("[length(parameters('objectToTest'))]", { parameters }), 4);
  });

  test('padLeft', () => {
    assert.equal(ev("[padLeft(parameters('testString'),10,'0')]", { parameters: { testString: '123' } }), '0000000123');
    assert.equal(ev('[padLeft(7, 3)]'), '  7');
    assert.equal(ev("[padLeft('abcdef', 3, 'x')]"), 'abcdef');
  });

  test('replace', () => {
    const parameters = { testString: '123-123-1234' };
    assert.equal(ev("[replace(parameters('testString'),'-', '')]", { parameters }), '1231231234');
    assert.equal(ev("[replace(parameters('testString'),'1234', 'xxxx')]", { parameters }), '123-123-xxxx');
  });

  test('skip / take on arrays and strings', () => {
    const parameters = { testArray: ['one', 'two', 'three'], testString: 'one two three' };
    assertJson(ev("[skip(parameters('testArray'), 2)]", { parameters }), ['three']);
    assert.equal(ev("[skip(parameters('testString'), 4)]", { parameters }), 'two three');
    assertJson(ev("[take(parameters('testArray'), 2)]", { parameters }), ['one', 'two']);
    assert.equal(ev("[take(parameters('testString'), 2)]", { parameters }), 'on');
    assertJson(ev("[take(parameters('testArray'), -1)]", { parameters }), []);
    assertJson(ev("[skip(parameters('testArray'), 10)]", { parameters }), []);
  });

  test('split with one delimiter and with an array of delimiters', () => {
    assertJson(ev("[split('one,two,three', ',')]"), ['one', 'two', 'three']);
    assertJson(ev("[split('one;two,three', createArray(',', ';'))]"), ['one', 'two', 'three']);
    assertJson(ev("[split('a,,b', ',')]"), ['a', '', 'b']);
  });

  test('string converts objects and arrays to compact JSON', () => {
    const parameters = { testObject: { valueA: 10, valueB: 'Example Text' }, testArray: ['a', 'b', 'c'], testInt: 5 };
    assert.equal(ev("[string(parameters('testObject'))]", { parameters }), '{"valueA":10,"valueB":"Example Text"}');
    assert.equal(ev("[string(parameters('testArray'))]", { parameters }), '["a","b","c"]');
    assert.equal(ev("[string(parameters('testInt'))]", { parameters }), '5');
    // ARM writes booleans as .NET does.
    assert.equal(ev('[string(true())]'), 'True');
    assert.equal(ev('[string(false())]'), 'False');
  });

  test('substring, and its out-of-range error', () => {
    assert.equal(ev("[substring(parameters('testString'), 4, 3)]", { parameters: { testString: 'one two three' } }), 'two');
    assert.equal(ev("[substring('abcdef', 2)]"), 'cdef');
    assertUnknown(
      ev("[substring(parameters('inputString'), 0, 11)]", { parameters: { inputString: '1234567890' } }),
      /The index and length parameters must refer to a location within the string\. The index parameter: '0', the length parameter: '11', the length of the string parameter: '10'\./);
  });

  test('toLower / toUpper / trim', () => {
    assert.equal(ev("[toLower('One Two Three')]"), 'one two three');
    assert.equal(ev("[toUpper('One Two Three')]"), 'ONE TWO THREE');
    assert.equal(ev("[trim('    one two three   ')]"), 'one two three');
  });

  test('uri: trailing-slash rules from the docs', () => {
    assert.equal(ev("[uri('http://contoso.org/firstpath', 'myscript.sh')]"), 'http://contoso.org/myscript.sh');
    assert.equal(ev("[uri('http://contoso.org/firstpath/', 'myscript.sh')]"), 'http://contoso.org/firstpath/myscript.sh');
    assert.equal(ev("[uri('http://contoso.org/firstpath/azuredeploy.json', 'myscript.sh')]"), 'http://contoso.org/firstpath/myscript.sh');
    assert.equal(ev("[uri('http://contoso.org/firstpath/azuredeploy.json/', 'myscript.sh')]"), 'http://contoso.org/firstpath/azuredeploy.json/myscript.sh');
  });

  test('uri / uriComponent / uriComponentToString', () => {
    const out = outputs({
      variables: {
        uriFormat: "[uri('http://contoso.com/resources/', 'nested/azuredeploy.json')]",
        uriEncoded: "[uriComponent(variables('uriFormat'))]",
      },
      outputs: {
        uriOutput: { value: "[variables('uriFormat')]" },
        componentOutput: { value: "[variables('uriEncoded')]" },
        toStringOutput: { value: "[uriComponentToString(variables('uriEncoded'))]" },
      },
    });
    assert.equal(out.uriOutput, 'http://contoso.com/resources/nested/azuredeploy.json');
    assert.equal(out.componentOutput, 'http%3A%2F%2Fcontoso.com%2Fresources%2Fnested%2Fazuredeploy.json');
    assert.equal(out.toStringOutput, 'http://contoso.com/resources/nested/azuredeploy.json');
  });

  test('function names are case-insensitive', () => {
    assert.equal(ev("[CONCAT('a', ToUpper('b'))]"), 'aB');
    assert.equal(ev("[Format('{0}', 'x')]"), 'x');
  });
});
