// The evaluator never throws, never hangs, and survives deep nesting.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluate, evaluateTemplateString, evaluateTemplateValue, simpleContext, type EvalContext } from '../../server/src/engine/expressions/evaluator';
import { builtinFunctionNames } from '../../server/src/engine/expressions/functions';
import { parseTemplateString } from '../../server/src/engine/expressions/parser';
import { Unknown, type Value } from '../../server/src/engine/expressions/value';
import { assertUnknown, ev } from './support';

describe('deep nesting', () => {
  test('500 nested calls evaluate', () => {
    assert.equal(ev('[' + 'not('.repeat(500) + 'true()' + ')'.repeat(500) + ']'), true);
    assert.equal(ev('[' + 'concat('.repeat(500) + "'x'" + ')'.repeat(500) + ']'), 'x');
    const nestedArrays = '[' + 'createArray('.repeat(500) + '1' + ')'.repeat(500) + ']';
    let v = ev(nestedArrays);
    let d = 0;
    while (Array.isArray(v)) { v = v[0]; d++; }
    assert.equal(d, 500);
    assert.equal(v, 1);
  });

  test('nesting past the parser limit is an invalid expression', () => {
    const n = 50_000;
    assertUnknown(ev('[' + 'not('.repeat(n) + 'true()' + ')'.repeat(n) + ']'), /nested too deeply/);
  });

  test('deeply nested JSON values do not overflow the stack', () => {
    let raw: unknown = 'leaf';
    for (let i = 0; i < 20_000; i++) raw = [raw];
    const r = evaluateTemplateValue(raw, simpleContext());
    let cur: Value = r;
    let d = 0;
    while (Array.isArray(cur)) { cur = cur[0]; d++; }
    assert.ok(cur instanceof Unknown || cur === 'leaf');
    assert.ok(d > 100);
  });

  test('deep lambda recursion through variables ends with Unknown', () => {
    // A variable that maps over itself: a cycle found through lambdas.
    const ctx: EvalContext = {
      cloud: 'AzureCloud',
      parameter: (n) => new Unknown(`parameter '${n}' has no value`, n),
      variable: () => evaluateTemplateString("[map(createArray(1), lambda('x', variables('v')))]", ctx),
      userFunction: () => undefined,
    };
    const r = ev("[variables('v')]", {});
    assertUnknown(r);
    const deep = evaluateTemplateString("[variables('v')]", ctx);
    let cur: Value = deep;
    let guard = 0;
    while (Array.isArray(cur) && guard++ < 10_000) cur = cur[0];
    assertUnknown(cur, /nested too deeply/);
  });
});

describe('never throws', () => {
  test('a context that throws does not make evaluate throw', () => {
    const ctx: EvalContext = {
      cloud: 'AzureCloud',
      parameter: () => { throw new Error('boom'); },
      variable: () => { throw new Error('bang'); },
      userFunction: () => { throw new Error('nope'); },
    };
    assertUnknown(evaluateTemplateString("[parameters('x')]", ctx), /boom/);
    assertUnknown(evaluateTemplateString("[concat('a', variables('x'))]", ctx), /bang/);
    assertUnknown(evaluateTemplateString('[ns.f()]', ctx), /nope/);
  });

  test('random expressions built from every built-in function evaluate without throwing', () => {
    const names = builtinFunctionNames();
    const atoms = ["'a'", "'{0}'", '1', '-2', '0', 'true()', 'null()', "createArray(1, 'b')", "createObject('k', 'v')",
      "parameters('p')", "parameters('o')", "lambda('x', lambdaVariables('x'))", "variables('v')", "json('{}')"];
    let seed = 42;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    const gen = (depth: number): string => {
      if (depth > 3 || rnd(3) === 0) return atoms[rnd(atoms.length)];
      const f = names[rnd(names.length)];
      const argc = rnd(4);
      const args = Array.from({ length: argc }, () => gen(depth + 1));
      let e = `${f}(${args.join(', ')})`;
      if (rnd(5) === 0) e += rnd(2) ? '.k' : '[0]';
      return e;
    };
    const ctx = simpleContext({ parameters: { o: { k: ['x'] } }, variables: { v: [1, 2, 3] } });
    const started = Date.now();
    for (let i = 0; i < 3000; i++) {
      const s = `[${gen(0)}]`;
      const parsed = parseTemplateString(s);
      assert.equal(parsed.kind, 'expression', s);
      if (parsed.kind !== 'expression' || !parsed.expr) continue;
      let v: Value;
      assert.doesNotThrow(() => { v = evaluate(parsed.expr!, ctx); }, s);
      void v!;
    }
    assert.ok(Date.now() - started < 20_000);
  });
});
