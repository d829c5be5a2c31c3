// TemplateScope: parameters, variables (with copy loops), user-defined functions, nested scopes,
// laziness. Examples from the ARM docs "Deployment functions for ARM templates" (parameters, variables),
// "Variable iteration in ARM templates" and "User-defined functions in ARM templates".

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TemplateScope } from '../../server/src/engine/expressions/scope';
import { Unknown, type Value, type ValueObject } from '../../server/src/engine/expressions/value';
import { assertJson, assertParts, assertUnknown, outputs } from './support';

describe('parameters', () => {
  test('doc example: default values, including one that is an expression', () => {
    const out = outputs({
      parameters: {
        stringParameter: { type: 'string', defaultValue: 'option 1' },
        intParameter: { type: 'int', defaultValue: 1 },
        objectParameter: { type: 'object', defaultValue: { one: 'a', two: 'b' } },
        arrayParameter: { type: 'array', defaultValue: [1, 2, 3] },
        crossParameter: { type: 'string', defaultValue: "[parameters('stringParameter')]" },
      },
      outputs: {
        stringOutput: { value: "[parameters('stringParameter')]" },
        intOutput: { value: "[parameters('intParameter')]" },
        objectOutput: { value: "[parameters('objectParameter')]" },
        arrayOutput: { value: "[parameters('arrayParameter')]" },
        crossOutput: { value: "[parameters('crossParameter')]" },
      },
    });
    assert.equal(out.stringOutput, 'option 1');
    assert.equal(out.intOutput, 1);
    assertJson(out.objectOutput, { one: 'a', two: 'b' });
    assertJson(out.arrayOutput, [1, 2, 3]);
    assert.equal(out.crossOutput, 'option 1');
  });

  test('supplied values win over defaults; keys are case-insensitive; thunks run once and only when used', () => {
    let calls = 0;
    let unused = 0;
    const scope = new TemplateScope({
      parameters: { Name: { type: 'string', defaultValue: 'default' }, other: { type: 'string' } },
    } as ValueObject, {
      parameterValues: new Map<string, () => Value>([
        ['name', () => { calls++; return 'supplied'; }],
        ['OTHER', () => { unused++; return 'x'; }],
      ]),
    });
    assert.equal(calls, 0);
    assert.equal(scope.evaluateString("[parameters('NAME')]"), 'supplied');
    assert.equal(scope.evaluateString("[parameters('name')]"), 'supplied');
    assert.equal(calls, 1);
    assert.equal(unused, 0);
  });

  test('no value: Unknown naming the parameter', () => {
    const scope = new TemplateScope({ parameters: { sa: { type: 'string' } } } as ValueObject);
    const u = assertUnknown(scope.evaluateString("[parameters('sa')]"));
    assert.equal(u.reason, "parameter 'sa' has no value (no default and no parameter file)");
    assert.equal(u.parameter, 'sa');
    const undeclared = assertUnknown(scope.evaluateString("[parameters('nope')]"), /not declared/);
    assert.equal(undeclared.parameter, 'nope');
  });

  test('left out, a parameter typed by a nullable definition ($ref, chained, JSON pointer) is null; a cycle or a missing definition is not nullable', () => {
    const scope = new TemplateScope({
      definitions: {
        privateEndpointType: { type: 'array', items: { type: 'object' }, nullable: true },
        alias: { $ref: '#/definitions/privateEndpointType' },
        'a/b': { type: 'object', properties: { inner: { type: 'string', nullable: true } } },
        required: { type: 'array' },
        loopA: { $ref: '#/definitions/loopB' },
        loopB: { $ref: '#/definitions/loopA' },
      },
      parameters: {
        direct: { $ref: '#/definitions/privateEndpointType' },
        chained: { $ref: '#/definitions/alias' },
        pointer: { $ref: '#/definitions/a~1b/properties/inner' },
        notNullable: { $ref: '#/definitions/required' },
        cycle: { $ref: '#/definitions/loopA' },
        missing: { $ref: '#/definitions/nowhere' },
        outside: { $ref: '#/parameters/direct' },
        withDefault: { $ref: '#/definitions/privateEndpointType', defaultValue: ['x'] },
      },
    } as unknown as ValueObject, { parameterValues: new Map([['supplied', () => 'given']]) });
    const of = (name: string) => scope.evaluateString(`[parameters('${name}')]`);
    assert.equal(of('direct'), null);
    assert.equal(of('chained'), null);
    assert.equal(of('pointer'), null);
    assert.equal(scope.evaluateString("[length(coalesce(parameters('direct'), createArray()))]"), 0);
    for (const name of ['notNullable', 'cycle', 'missing', 'outside']) {
      assert.equal(assertUnknown(of(name), /has no value/).parameter, name);
    }
    assertJson(of('withDefault'), ['x']);
  });

  test("a default value that is an escaped literal ('[[')", () => {
    const scope = new TemplateScope({ parameters: { p: { type: 'string', defaultValue: '[[not an expression]' } } } as ValueObject);
    assert.equal(scope.evaluateString("[parameters('p')]"), '[not an expression]');
  });

  test('a default value referring to itself is Unknown, not a hang', () => {
    const scope = new TemplateScope({ parameters: { p: { type: 'string', defaultValue: "[parameters('p')]" } } } as ValueObject);
    assertUnknown(scope.evaluateString("[parameters('p')]"), /refers to itself/);
  });

  test('a throwing thunk becomes Unknown', () => {
    const scope = new TemplateScope({ parameters: { p: { type: 'string' } } } as ValueObject, {
      parameterValues: new Map([['p', () => { throw new Error('boom'); }]]),
    });
    assertUnknown(scope.evaluateString("[parameters('p')]"), /boom/);
  });
});

describe('variables', () => {
  test('doc example: literal, array, expression (with spaces inside the brackets), object', () => {
    const out = outputs({
      variables: {
        var1: 'myVariable',
        var2: [1, 2, 3, 4],
        var3: "[ variables('var1') ]",
        var4: { property1: 'value1', property2: 'value2' },
      },
      outputs: {
        exampleOutput1: { value: "[variables('var1')]" },
        exampleOutput2: { value: "[variables('var2')]" },
        exampleOutput3: { value: "[variables('var3')]" },
        exampleOutput4: { value: "[variables('var4')]" },
      },
    });
    assert.equal(out.exampleOutput1, 'myVariable');
    assertJson(out.exampleOutput2, [1, 2, 3, 4]);
    assert.equal(out.exampleOutput3, 'myVariable');
    assertJson(out.exampleOutput4, { property1: 'value1', property2: 'value2' });
  });

  test('names are case-insensitive; values are memoized', () => {
    let calls = 0;
    const scope = new TemplateScope({
      parameters: { p: { type: 'string' } },
      variables: { Host: "[concat(parameters('p'), '.example.com')]" },
    } as ValueObject, { parameterValues: new Map([['p', () => { calls++; return 'www'; }]]) });
    assert.equal(scope.variable('host'), 'www.example.com');
    assert.equal(scope.evaluateString("[variables('HOST')]"), 'www.example.com');
    assert.equal(calls, 1);
    assertUnknown(scope.variable('missing'), /variable 'missing' is not defined/);
  });

  test('cycles are Unknown', () => {
    const scope = new TemplateScope({
      variables: { a: "[variables('b')]", b: "[concat('x', variables('a'))]", self: "[variables('self')]" },
    } as ValueObject);
    const u = assertUnknown(scope.variable('a'), /cycle/);
    assert.match(u.reason, /a -> b -> a/);
    assertUnknown(scope.variable('self'), /cycle \(self -> self\)/);
  });

  test('copy loops: top-level copy array and copy inside a variable object (Variable iteration doc example)', () => {
    const out = outputs({
      variables: {
        'disk-array-on-object': {
          copy: [{ name: 'disks', count: 5, input: { name: "[concat('myDataDisk', copyIndex('disks', 1))]", diskSizeGB: '1', diskIndex: "[copyIndex('disks')]" } }],
        },
        copy: [{
          name: 'disks-top-level-array',
          count: 5,
          input: { name: "[concat('myDataDisk', copyIndex('disks-top-level-array', 1))]", diskSizeGB: '1', diskIndex: "[copyIndex('disks-top-level-array')]" },
        }],
      },
      outputs: {
        exampleObject: { value: "[variables('disk-array-on-object')]" },
        exampleArrayOnObject: { value: "[variables('disk-array-on-object').disks]" },
        exampleArray: { value: "[variables('disks-top-level-array')]" },
      },
    });
    const disks = [1, 2, 3, 4, 5].map((i) => ({ name: `myDataDisk${i}`, diskSizeGB: '1', diskIndex: i - 1 }));
    assertJson(out.exampleObject, { disks });
    assertJson(out.exampleArrayOnObject, disks);
    assertJson(out.exampleArray, disks);
  });

  test('copy loop of strings with a parameter count; other properties next to copy are kept', () => {
    const scope = new TemplateScope({
      parameters: { itemCount: { type: 'int', defaultValue: 5 } },
      variables: {
        copy: [{ name: 'stringArray', count: "[parameters('itemCount')]", input: "[concat('item', copyIndex('stringArray', 1))]" }],
        mixed: { label: "[toUpper('x')]", copy: [{ name: 'nums', count: 3, input: '[copyIndex()]' }] },
      },
    } as ValueObject);
    assertJson(scope.variable('stringArray'), ['item1', 'item2', 'item3', 'item4', 'item5']);
    assertJson(scope.variable('mixed'), { label: 'X', nums: [0, 1, 2] });
  });

  test('copy loops with an unknown or excessive count are Unknown', () => {
    const scope = new TemplateScope({
      parameters: { n: { type: 'int' } },
      variables: {
        copy: [
          { name: 'unknownCount', count: "[parameters('n')]", input: '[copyIndex()]' },
          { name: 'tooMany', count: 801, input: '[copyIndex()]' },
        ],
      },
    } as ValueObject);
    const u = assertUnknown(scope.variable('unknownCount'), /count of copy loop 'unknownCount' is not known/);
    assert.equal(u.parameter, 'n');
    assertUnknown(scope.variable('tooMany'), /exceeds 800/);
  });
});

describe('user-defined functions', () => {
  const template = {
    parameters: { a: { type: 'string', defaultValue: 'outer' } },
    variables: { v: 'var' },
    functions: [
      {
        namespace: 'contoso',
        members: {
          uniqueName: {
            parameters: [{ name: 'namePrefix', type: 'string' }],
            output: { type: 'string', value: "[concat(toLower(parameters('namePrefix')), uniqueString(resourceGroup().id))]" },
          },
          endpoint: {
            parameters: [{ name: 'a', type: 'string' }, { name: 'suffix', type: 'string' }],
            output: { type: 'string', value: "[format('https://{0}.{1}/', parameters('a'), parameters('suffix'))]" },
          },
          config: {
            parameters: [{ name: 'name', type: 'string' }],
            output: { type: 'object', value: { host: "[parameters('name')]", fixed: 1 } },
          },
          usesVariable: { parameters: [], output: { type: 'string', value: "[variables('v')]" } },
        },
      },
      {
        namespace: '__bicep',
        members: {
          storageHost: {
            parameters: [{ name: 'account', type: 'string' }],
            output: { type: 'string', value: "[contoso.endpoint(parameters('account'), format('blob.{0}', environment().suffixes.storage))]" },
          },
        },
      },
    ],
  } as ValueObject;

  test('doc example: only the runtime part is unknown', () => {
    const scope = new TemplateScope(template);
    assertParts(scope.evaluateString("[contoso.uniqueName('Storage')]"), ['storage', null]);
  });

  test("inside a body only the function's parameters are visible (they shadow template parameters)", () => {
    const scope = new TemplateScope(template);
    assert.equal(scope.evaluateString("[contoso.endpoint('acct', 'example.com')]"), 'https://acct.example.com/');
    assert.equal(scope.evaluateString("[contoso.endpoint(parameters('a'), 'x')]"), 'https://outer.x/');
    assertJson(scope.evaluateString("[contoso.config('h')]"), { host: 'h', fixed: 1 });
    assertUnknown(scope.evaluateString('[contoso.usesVariable()]'), /cannot be used inside user-defined function/);
  });

  test('functions may call other user functions; names are case-insensitive', () => {
    const scope = new TemplateScope(template);
    assert.equal(scope.evaluateString("[__bicep.storageHost('acct')]"), 'https://acct.blob.core.windows.net/');
    assert.equal(scope.evaluateString("[CONTOSO.ENDPOINT('a', 'b')]"), 'https://a.b/');
    assertParts(scope.evaluateString("[contoso.endpoint(parameters('nope'), 'b')]"), ['https://', null, '.', 'b', '/']);
  });

  test('wrong calls are Unknown', () => {
    const scope = new TemplateScope(template);
    assertUnknown(scope.evaluateString("[contoso.missing('x')]"), /is not defined/);
    assertUnknown(scope.evaluateString("[contoso.endpoint('x')]"), /expects 2 argument/);
  });

  test('recursive user functions end with Unknown', () => {
    const scope = new TemplateScope({
      functions: [{ namespace: 'r', members: { f: { parameters: [{ name: 'x' }], output: { value: "[r.f(parameters('x'))]" } } } }],
    } as ValueObject);
    assertUnknown(scope.evaluateString("[r.f('a')]"), /nested too deeply/);
  });
});

describe('nested scopes and JSON evaluation', () => {
  test("expressionEvaluationOptions scope 'outer' uses the parent's parameters and variables", () => {
    const parent = new TemplateScope({ parameters: { p: { type: 'string', defaultValue: 'parent' } }, variables: { v: 'pv' } } as ValueObject);
    const inner = new TemplateScope({ parameters: { p: { type: 'string', defaultValue: 'inner' } } } as ValueObject, { outer: parent });
    assert.equal(inner.evaluateString("[parameters('p')]"), 'parent');
    assert.equal(inner.evaluateString("[variables('v')]"), 'pv');
    assert.equal(inner.cloud, 'AzureCloud');
    const gov = new TemplateScope({} as ValueObject, { cloud: 'AzureUSGovernment' });
    const nested = new TemplateScope({} as ValueObject, { outer: gov });
    assert.equal(nested.evaluateString('[environment().name]'), 'AzureUSGovernment');
  });

  test('evaluateJson evaluates nested expressions and expression property names, without mutating the input', () => {
    const scope = new TemplateScope({ parameters: { n: { type: 'string', defaultValue: 'k' } } } as ValueObject);
    const raw = { a: ["[concat('x', 'y')]", 1, true, null, { b: "[[literal]" }], "[parameters('n')]": 'v' };
    const copy = JSON.parse(JSON.stringify(raw));
    assertJson(scope.evaluateJson(raw), { a: ['xy', 1, true, null, { b: '[literal]' }], k: 'v' });
    assert.deepEqual(raw, copy);
  });

  test('invalid expressions evaluate to Unknown', () => {
    const scope = new TemplateScope({} as ValueObject);
    assertUnknown(scope.evaluateString("[concat('a']"), /invalid expression/);
    assert.equal(scope.evaluateString("[concat('a'"), "[concat('a'", 'not an expression: no closing bracket');
  });
});

describe('laziness and scale', () => {
  test('a 5 MB template with hundreds of variables evaluates only what is read', () => {
    let thunkCalls = 0;
    const variables: Record<string, unknown> = {};
    const big = Array.from({ length: 200 }, (_, i) => ({ name: `item${i}`, value: "[concat('v', parameters('p'))]", padding: 'x'.repeat(20) }));
    // var0 -> var1 -> ... -> var299 -> var600 (a chain 300 deep), var300..var599 stand alone.
    for (let i = 0; i < 600; i++) variables[`var${i}`] = { items: big, ref: i < 299 ? `[variables('var${i + 1}')]` : i === 299 ? "[variables('var600')]" : 'static' };
    variables.var600 = "[parameters('p')]";
    variables.broken = "[concat('a',";
    const template = { parameters: { p: { type: 'string' } }, variables } as ValueObject;
    const size = JSON.stringify(template).length;
    assert.ok(size > 5_000_000, `template is ${size} bytes`);
    const started = process.hrtime.bigint();
    const scope = new TemplateScope(template, { parameterValues: new Map([['p', () => { thunkCalls++; return 'P'; }]]) });
    const constructedMs = Number(process.hrtime.bigint() - started) / 1e6;
    assert.equal(thunkCalls, 0);
    assert.ok(constructedMs < 200, `construction took ${constructedMs} ms`);
    assert.equal(scope.evaluateString("[variables('var600')]"), 'P');
    assert.equal(scope.evaluateString("[variables('var299').ref]"), 'P');
    assert.equal(thunkCalls, 1);
    const t2 = process.hrtime.bigint();
    let v = scope.variable('var0') as ValueObject;
    const ms = Number(process.hrtime.bigint() - t2) / 1e6;
    assert.ok(ms < 5000, `evaluating the chain took ${ms} ms`);
    assert.equal((v.items as ValueObject[])[199].value, 'vP');
    let hops = 0;
    while (typeof v.ref === 'object' && hops < 1000) { v = v.ref as ValueObject; hops++; }
    assert.equal(hops, 299);
    assert.equal(v.ref, 'P');
    assert.equal(thunkCalls, 1);
  });

  test('a long chain of variables does not overflow the stack', () => {
    const variables: Record<string, unknown> = {};
    const n = 5000;
    for (let i = 0; i < n; i++) variables[`v${i}`] = `[variables('v${i + 1}')]`;
    variables[`v${n}`] = 'end';
    const scope = new TemplateScope({ variables } as ValueObject);
    const r = scope.variable('v0');
    assert.ok(r === 'end' || r instanceof Unknown);
    if (r instanceof Unknown) assert.match(r.reason, /nested too deeply/);
    // Evaluating from the far end first works and is memoized for the rest of the chain.
    assert.equal(scope.variable(`v${n - 100}`), 'end');
  });
});
