// Golden tests for the ARM expression parser ("Template syntax and expressions" in the ARM docs:
// strings starting with '[' and ending with ']' are expressions; '[[' escapes; '' inside string literals).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Expr } from '../../server/src/engine/expressions/ast';
import { mapDecodedOffset, MAX_NESTING, parseExpression, parseTemplateString } from '../../server/src/engine/expressions/parser';

function parseOk(s: string): Expr {
  const r = parseTemplateString(s);
  assert.equal(r.kind, 'expression');
  if (r.kind !== 'expression') throw new Error('unreachable');
  assert.deepEqual(r.errors, []);
  assert.ok(r.expr);
  return r.expr!;
}

function parseErrors(s: string): { expr?: Expr; errors: { message: string; span: { start: number; end: number } }[] } {
  const r = parseTemplateString(s);
  assert.equal(r.kind, 'expression');
  if (r.kind !== 'expression') throw new Error('unreachable');
  return r;
}

describe('parseTemplateString: literals and escapes', () => {
  test('plain strings are literals', () => {
    assert.deepEqual(parseTemplateString('abc'), { kind: 'literal', value: 'abc' });
    assert.deepEqual(parseTemplateString(''), { kind: 'literal', value: '' });
    assert.deepEqual(parseTemplateString('['), { kind: 'literal', value: '[' });
    assert.deepEqual(parseTemplateString(']'), { kind: 'literal', value: ']' });
  });

  test("'[[' ... ']' is a literal with the leading bracket removed", () => {
    assert.deepEqual(parseTemplateString('[[two]'), { kind: 'literal', value: '[two]' });
    assert.deepEqual(parseTemplateString("[[concat('a')]"), { kind: 'literal', value: "[concat('a')]" });
    assert.deepEqual(parseTemplateString('[[1,2,3 ]'), { kind: 'literal', value: '[1,2,3 ]' });
  });

  test('strings that do not both start with [ and end with ] are literals as written', () => {
    assert.deepEqual(parseTemplateString('[two]andthree'), { kind: 'literal', value: '[two]andthree' });
    assert.deepEqual(parseTemplateString('x[two]'), { kind: 'literal', value: 'x[two]' });
    assert.deepEqual(parseTemplateString('[[two'), { kind: 'literal', value: '[[two' });
  });
});

describe('parseTemplateString: golden trees with spans', () => {
  test('nested calls', () => {
    //          0         1         2
    //          0123456789012345678901234567890
    const s = "[concat('a', parameters('b'))]";
    assert.deepEqual(parseOk(s), {
      kind: 'call', name: 'concat', namespace: undefined, span: { start: 1, end: 29 }, nameSpan: { start: 1, end: 7 },
      args: [
        { kind: 'string', value: 'a', span: { start: 8, end: 11 } },
        {
          kind: 'call', name: 'parameters', namespace: undefined, span: { start: 13, end: 28 }, nameSpan: { start: 13, end: 23 },
          args: [{ kind: 'string', value: 'b', span: { start: 24, end: 27 } }],
        },
      ],
    });
  });

  test('property access chain: spans and name spans', () => {
    //          0         1         2         3
    //          0123456789012345678901234567890123456
    const s = "[parameters('p').properties.name]";
    const e = parseOk(s);
    assert.equal(e.kind, 'property');
    if (e.kind !== 'property') return;
    assert.equal(e.name, 'name');
    assert.equal(e.safe, false);
    assert.deepEqual(e.span, { start: 1, end: 32 });
    assert.deepEqual(e.nameSpan, { start: 28, end: 32 });
    assert.equal(s.slice(e.nameSpan.start, e.nameSpan.end), 'name');
    const inner = e.target;
    assert.equal(inner.kind, 'property');
    if (inner.kind !== 'property') return;
    assert.equal(inner.name, 'properties');
    assert.deepEqual(inner.span, { start: 1, end: 27 });
    assert.deepEqual(inner.nameSpan, { start: 17, end: 27 });
    assert.equal(inner.target.kind, 'call');
    assert.deepEqual(inner.target.span, { start: 1, end: 16 });
  });

  test('index and safe access forms (.?name, [?expr], ?.name, ?[expr])', () => {
    const e = parseOk("[variables('v')[0].?x]");
    assert.equal(e.kind, 'property');
    if (e.kind !== 'property') return;
    assert.equal(e.safe, true);
    assert.deepEqual(e.nameSpan, { start: 20, end: 21 });
    assert.equal(e.target.kind, 'index');
    if (e.target.kind !== 'index') return;
    assert.equal(e.target.safe, false);
    assert.deepEqual(e.target.span, { start: 1, end: 18 });
    assert.deepEqual(e.target.index, { kind: 'number', value: 0, span: { start: 16, end: 17 } });

    const f = parseOk("[parameters('p')[?'k']]");
    assert.equal(f.kind, 'index');
    if (f.kind !== 'index') return;
    assert.equal(f.safe, true);
    assert.deepEqual(f.index, { kind: 'string', value: 'k', span: { start: 18, end: 21 } });
    assert.deepEqual(f.span, { start: 1, end: 22 });

    const g = parseOk("[parameters('p')?.a?['b']]");
    assert.equal(g.kind, 'index');
    if (g.kind !== 'index') return;
    assert.equal(g.safe, true);
    assert.equal(g.target.kind, 'property');
    if (g.target.kind !== 'property') return;
    assert.equal(g.target.safe, true);
    assert.equal(g.target.name, 'a');
  });

  test("string literals: '' escapes a quote", () => {
    const e = parseOk("[concat('it''s', '''', '')]");
    assert.equal(e.kind, 'call');
    if (e.kind !== 'call') return;
    assert.deepEqual(e.args.map((a) => (a.kind === 'string' ? a.value : null)), ["it's", "'", '']);
    assert.deepEqual(e.args[0].span, { start: 8, end: 15 });
    assert.deepEqual(e.args[1].span, { start: 17, end: 21 });
  });

  test('user-defined function calls: namespace.name(args), negative numbers', () => {
    const e = parseOk('[__bicep.myFunc(1, -2)]');
    assert.deepEqual(e, {
      kind: 'call', name: 'myFunc', namespace: '__bicep', span: { start: 1, end: 22 }, nameSpan: { start: 1, end: 15 },
      args: [
        { kind: 'number', value: 1, span: { start: 16, end: 17 } },
        { kind: 'number', value: -2, span: { start: 19, end: 21 } },
      ],
    });
  });

  test('true()/false()/null() are calls; bare true/false/null are tolerated as literals', () => {
    const e = parseOk('[if(true, null, false())]');
    assert.equal(e.kind, 'call');
    if (e.kind !== 'call') return;
    assert.deepEqual(e.args[0], { kind: 'boolean', value: true, span: { start: 4, end: 8 } });
    assert.deepEqual(e.args[1], { kind: 'null', span: { start: 10, end: 14 } });
    assert.equal(e.args[2].kind, 'call');
  });

  test('whitespace between tokens is ignored', () => {
    const e = parseOk("[ concat ( 'a' , 'b' ) ]");
    assert.equal(e.kind, 'call');
    if (e.kind !== 'call') return;
    assert.deepEqual(e.nameSpan, { start: 2, end: 8 });
    assert.deepEqual(e.span, { start: 2, end: 22 });
    assert.equal(e.args.length, 2);
  });

  test('parseExpression parses without brackets', () => {
    const r = parseExpression("toLower('A')");
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.expr, {
      kind: 'call', name: 'toLower', namespace: undefined, span: { start: 0, end: 12 }, nameSpan: { start: 0, end: 7 },
      args: [{ kind: 'string', value: 'A', span: { start: 8, end: 11 } }],
    });
  });
});

describe('parseTemplateString: errors with spans', () => {
  test('empty expression', () => {
    const r = parseErrors('[]');
    assert.equal(r.expr, undefined);
    assert.deepEqual(r.errors, [{ message: 'Expected an expression', span: { start: 1, end: 2 } }]);
  });

  test('missing closing parenthesis points at the closing bracket; the tree is kept', () => {
    const r = parseErrors("[concat('a']");
    assert.deepEqual(r.errors, [{ message: "Expected ')' to close the call to 'concat'", span: { start: 11, end: 12 } }]);
    assert.equal(r.expr?.kind, 'call');
  });

  test('unterminated string literal', () => {
    const r = parseErrors("[concat('a]");
    assert.deepEqual(r.errors[0], { message: 'Unterminated string literal', span: { start: 8, end: 10 } });
  });

  test('trailing tokens after the expression', () => {
    const r = parseErrors("[concat('a') foo]");
    assert.deepEqual(r.errors, [{ message: "Unexpected identifier 'foo' after the end of the expression", span: { start: 13, end: 16 } }]);
  });

  test('missing property name after a dot', () => {
    const r = parseErrors("[parameters('a').]");
    assert.deepEqual(r.errors, [{ message: 'Expected a property name', span: { start: 16, end: 17 } }]);
  });

  test('identifier without call', () => {
    const r = parseErrors('[foo]');
    assert.deepEqual(r.errors, [{ message: "Expected '(' after function name 'foo'", span: { start: 1, end: 4 } }]);
  });

  test('unexpected character', () => {
    const r = parseErrors("[concat('a' # 'b')]");
    assert.equal(r.errors[0].message, "Expected ',' or ')'");
    assert.deepEqual(r.errors[0].span, { start: 12, end: 13 });
  });

  test('missing argument between commas', () => {
    const r = parseErrors("[concat('a',,'b')]");
    assert.deepEqual(r.errors, [{ message: 'Expected an argument', span: { start: 12, end: 13 } }]);
  });
});

describe('parser robustness', () => {
  test('500 nested calls parse', () => {
    const s = '[' + 'not('.repeat(500) + 'true()' + ')'.repeat(500) + ']';
    const e = parseOk(s);
    let depth = 0;
    let cur: Expr = e;
    while (cur.kind === 'call' && cur.args.length === 1) { depth++; cur = cur.args[0]; }
    assert.equal(depth, 500);
  });

  test('nesting beyond the limit is an error, not a crash', () => {
    const n = MAX_NESTING * 20;
    const s = '[' + 'not('.repeat(n) + 'true()' + ')'.repeat(n) + ']';
    const r = parseErrors(s);
    assert.equal(r.expr, undefined);
    assert.match(r.errors[0].message, /nested too deeply/);
    const deepIndex = '[' + 'a()' + '[0'.repeat(n) + ']'.repeat(n) + ']';
    assert.match(parseErrors(deepIndex).errors[0].message, /nested too deeply/);
  });

  test('random inputs always terminate without throwing', () => {
    const alphabet = ["(", ")", "[", "]", ",", ".", "?", "'", "a", "f(", "1", "-", " ", "x.y(", "''", "#"];
    let seed = 12345;
    const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed; };
    const started = Date.now();
    for (let i = 0; i < 3000; i++) {
      let s = '[';
      const len = rnd() % 40;
      for (let j = 0; j < len; j++) s += alphabet[rnd() % alphabet.length];
      s += ']';
      const r = parseTemplateString(s);
      assert.ok(r.kind === 'literal' || Array.isArray(r.errors));
    }
    assert.ok(Date.now() - started < 5000);
  });
});

describe('mapDecodedOffset', () => {
  test('maps through \\" escapes', () => {
    // Source token: "[concat('a\"b')]"  → decoded: [concat('a"b')]
    const raw = String.raw`"[concat('a\"b')]"`;
    const decoded = JSON.parse(raw) as string;
    assert.equal(decoded, `[concat('a"b')]`);
    assert.equal(mapDecodedOffset(raw, 0), 1); // '['
    assert.equal(mapDecodedOffset(raw, 9), 10); // 'a'
    assert.equal(mapDecodedOffset(raw, 10), 11); // '"' starts at the backslash
    assert.equal(mapDecodedOffset(raw, 11), 13); // 'b'
    assert.equal(mapDecodedOffset(raw, decoded.length), raw.length - 1); // closing quote
    assert.equal(raw[mapDecodedOffset(raw, 11)], 'b');
  });

  test('maps through \\\\, \\n and \\uXXXX escapes', () => {
    const raw = String.raw`"a\\b\nc\u0041d"`;
    const decoded = JSON.parse(raw) as string;
    assert.equal(decoded, 'a\\b\ncAd');
    const expectedChars = ['a', '\\', 'b', '\\', 'c', '\\', 'd'];
    const offsets = [0, 1, 2, 3, 4, 5, 6].map((i) => mapDecodedOffset(raw, i));
    assert.deepEqual(offsets, [1, 2, 4, 5, 7, 8, 14]);
    assert.deepEqual(offsets.map((o) => raw[o]), expectedChars);
  });

  test('clamps out-of-range offsets', () => {
    const raw = '"abc"';
    assert.equal(mapDecodedOffset(raw, -5), 1);
    assert.equal(mapDecodedOffset(raw, 100), 4);
  });

  test('an expression span maps back into the raw token', () => {
    const raw = String.raw`"[concat('x\"y', parameters('p'))]"`;
    const decoded = JSON.parse(raw) as string;
    const r = parseTemplateString(decoded);
    assert.equal(r.kind, 'expression');
    if (r.kind !== 'expression' || r.expr?.kind !== 'call') return;
    const param = r.expr.args[1];
    assert.equal(param.kind, 'call');
    if (param.kind !== 'call') return;
    const start = mapDecodedOffset(raw, param.nameSpan.start);
    const end = mapDecodedOffset(raw, param.nameSpan.end);
    assert.equal(raw.slice(start, end), 'parameters');
  });
});
