// Lowering of Bicep expressions to the shared ARM expression tree.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Expr } from '../../server/src/engine/expressions/ast';
import type { Expression, ParseResult } from '../../server/src/engine/bicep/ast';
import {
  buildSymbolTable, createSymbolResolver, lowerExpression, type SymbolKind, type SymbolResolver,
} from '../../server/src/engine/bicep/lower';
import { parseBicep } from '../../server/src/engine/bicep/parser';
import { at, printExpr, rangeOf } from './helpers';

const PRELUDE = [
  'param p string',
  'param n int',
  "var v = 'x'",
  "resource r 'Microsoft.Storage/storageAccounts@2023-01-01' = {",
  "  name: 'sa'",
  "  resource c 'blobServices' = {",
  "    name: 'default'",
  '  }',
  '}',
  "module m './m.bicep' = {",
  "  name: 'm'",
  '}',
  'func double(x int) int => x * 2',
  "import * as shared from 'shared.bicep'",
  '',
].join('\n');

/** Parses PRELUDE + `var t = <expr>` and returns the lowered value of `t`. */
function lowerOf(expr: string, resolver?: SymbolResolver): { text: string; lowered: Expr; node: Expression; parsed: ParseResult } {
  const text = PRELUDE + `var t = ${expr}\n`;
  const parsed = parseBicep(text);
  assert.deepEqual(parsed.diagnostics, [], expr);
  const d = parsed.program.declarations.find(x => x.kind === 'var' && x.name.name === 't');
  assert.ok(d && d.kind === 'var');
  return { text, lowered: lowerExpression(d.value, resolver ?? createSymbolResolver(parsed.program)), node: d.value, parsed };
}

function arm(expr: string): string {
  return printExpr(lowerOf(expr).lowered);
}

describe('lowering: literals and strings', () => {
  test('literals', () => {
    assert.equal(arm("'a'"), "'a'");
    assert.equal(arm('42'), '42');
    assert.equal(arm('-42'), '-42');
    assert.equal(arm('true'), 'true');
    assert.equal(arm('null'), 'null');
  });

  test('literal spans are Bicep source ranges', () => {
    const { text, lowered } = lowerOf("'it\\'s'");
    assert.deepEqual(lowered, { kind: 'string', value: "it's", span: rangeOf(text, "'it\\'s'") });
  });

  test('interpolation becomes format() with escaped braces', () => {
    assert.equal(arm("'a${p}b{c}${n}'"), "format('a{0}b{{c}}{1}', parameters('p'), parameters('n'))");
    assert.equal(arm("'${p}'"), "format('{0}', parameters('p'))");
    assert.equal(arm("$'''\nx ${v}'''"), "format('x {0}', variables('v'))");
  });

  test('interpolation: exact tree with spans', () => {
    const { text, lowered } = lowerOf("'pre-${p}'");
    const whole = rangeOf(text, "'pre-${p}'");
    const pAt = at(text, 'p}');
    assert.deepEqual(lowered, {
      kind: 'call', name: 'format', span: whole, nameSpan: whole,
      args: [
        { kind: 'string', value: 'pre-{0}', span: whole },
        {
          kind: 'call', name: 'parameters', span: { start: pAt, end: pAt + 1 }, nameSpan: { start: pAt, end: pAt + 1 },
          args: [{ kind: 'string', value: 'p', span: { start: pAt, end: pAt + 1 } }],
        },
      ],
    });
  });
});

describe('lowering: symbols', () => {
  test('params, vars, resources, modules, unknown names', () => {
    assert.equal(arm('p'), "parameters('p')");
    assert.equal(arm('v'), "variables('v')");
    assert.equal(arm('r.properties.primaryEndpoints.blob'), "resourceSymbol('r').properties.primaryEndpoints.blob");
    assert.equal(arm('r::c.name'), "resourceSymbol('r::c').name");
    assert.equal(arm('m.outputs.x'), "moduleSymbol('m').outputs.x");
    assert.equal(arm('nope'), "unknownSymbol('nope')");
    assert.equal(arm('nope::x'), "unknownSymbol('nope::x')");
  });

  test('the resolver callback decides', () => {
    const kinds: Record<string, SymbolKind> = { p: 'var', v: 'param' };
    const { lowered } = lowerOf('[p, v, z]', name => kinds[name] ?? 'other');
    assert.equal(printExpr(lowered), "createArray(variables('p'), parameters('v'), unknownSymbol('z'))");
  });

  test('buildSymbolTable', () => {
    const { parsed } = lowerOf('1');
    const table = buildSymbolTable(parsed.program);
    assert.deepEqual([...table.entries()].sort(), [
      ['c', 'resource'], ['double', 'func'], ['m', 'module'], ['n', 'param'], ['p', 'param'], ['r', 'resource'],
      ['shared', 'namespace'], ['t', 'var'], ['v', 'var'],
    ]);
  });

  test('function calls: built-in, namespaced (sys/az dropped), user-defined, imported, instance', () => {
    assert.equal(arm('concat(p, v)'), "concat(parameters('p'), variables('v'))");
    assert.equal(arm('sys.concat(p)'), "concat(parameters('p'))");
    assert.equal(arm('az.resourceGroup().location'), 'resourceGroup().location');
    assert.equal(arm('double(n)'), "__bicep.double(parameters('n'))");
    assert.equal(arm('shared.helper(1)'), 'shared.helper(1)');
    assert.equal(arm('r.listKeys().keys[0].value'), "listKeys(resourceSymbol('r')).keys[0].value");
  });

  test('call spans: name span is the function name', () => {
    const { text, lowered } = lowerOf('toLower(p)');
    assert.equal(lowered.kind, 'call');
    if (lowered.kind !== 'call') return;
    assert.deepEqual(lowered.span, rangeOf(text, 'toLower(p)'));
    assert.deepEqual(lowered.nameSpan, rangeOf(text, 'toLower'));
  });
});

describe('lowering: operators', () => {
  test('logical, comparison, arithmetic', () => {
    assert.equal(arm('p == v && n > 1 || !(n <= 2)'),
      "or(and(equals(parameters('p'), variables('v')), greater(parameters('n'), 1)), not(lessOrEquals(parameters('n'), 2)))");
    assert.equal(arm('p != v'), "not(equals(parameters('p'), variables('v')))");
    assert.equal(arm("p =~ 'A'"), "equals(toLower(parameters('p')), toLower('A'))");
    assert.equal(arm("p !~ 'A'"), "not(equals(toLower(parameters('p')), toLower('A')))");
    assert.equal(arm('[n < 1, n >= 1]'), "createArray(less(parameters('n'), 1), greaterOrEquals(parameters('n'), 1))");
    assert.equal(arm('n + 1 - 2 * 3 / 4 % 5'), "sub(add(parameters('n'), 1), mod(div(mul(2, 3), 4), 5))");
    assert.equal(arm('-n'), "sub(0, parameters('n'))");
  });

  test('ternary, coalesce, non-null, safe access, index from end', () => {
    assert.equal(arm("n > 0 ? 'Enabled' : 'Disabled'"), "if(greater(parameters('n'), 0), 'Enabled', 'Disabled')");
    assert.equal(arm("p ?? 'd'"), "coalesce(parameters('p'), 'd')");
    assert.equal(arm('r.properties!.x'), "resourceSymbol('r').properties.x");
    assert.equal(arm('r.?properties[?0]'), "resourceSymbol('r').?properties[?0]");
    assert.equal(arm('v[^1]'), "variables('v')[sub(length(variables('v')), 1)]");
    assert.equal(arm('(p)'), "parameters('p')");
  });

  test('operator spans: whole operation, operator as name span', () => {
    const { text, lowered } = lowerOf('n == 1');
    assert.ok(lowered.kind === 'call');
    assert.deepEqual(lowered.span, rangeOf(text, 'n == 1'));
    assert.deepEqual(lowered.nameSpan, rangeOf(text, '=='));
    const t = lowerOf("n > 0 ? 'a' : 'b'");
    assert.ok(t.lowered.kind === 'call');
    assert.deepEqual(t.lowered.nameSpan, rangeOf(t.text, '?'));
  });
});

describe('lowering: arrays, objects, loops, lambdas', () => {
  test('arrays and objects', () => {
    assert.equal(arm("[1, 'a', p]"), "createArray(1, 'a', parameters('p'))");
    assert.equal(arm("{ a: 1, 'b-c': p, '${v}': 2 }"), "createObject('a', 1, 'b-c', parameters('p'), format('{0}', variables('v')), 2)");
    assert.equal(arm('{}'), 'createObject()');
    assert.equal(arm('[]'), 'createArray()');
  });

  test('object key spans', () => {
    const { text, lowered } = lowerOf('{\n  defaultAction: 1\n}');
    assert.ok(lowered.kind === 'call');
    assert.deepEqual(lowered.args[0], { kind: 'string', value: 'defaultAction', span: rangeOf(text, 'defaultAction') });
  });

  test('spread', () => {
    assert.equal(arm('[1, ...v, 2, 3]'), "flatten(createArray(createArray(1), variables('v'), createArray(2, 3)))");
    assert.equal(arm('{ a: 1, ...v }'), "shallowMerge(createArray(createObject('a', 1), variables('v')))");
  });

  test('lambdas bind lambda variables, shadowing outer names', () => {
    assert.equal(arm('map(v, p => p.name)'), "map(variables('v'), lambda('p', lambdaVariables('p').name))");
    assert.equal(arm('reduce(v, 0, (cur, next) => cur + next + n)'),
      "reduce(variables('v'), 0, lambda('cur', 'next', add(add(lambdaVariables('cur'), lambdaVariables('next')), parameters('n'))))");
    assert.equal(arm('map(v, x => map(x, y => x + y))'),
      "map(variables('v'), lambda('x', map(lambdaVariables('x'), lambda('y', add(lambdaVariables('x'), lambdaVariables('y'))))))");
  });

  test('for-expressions become map/filter with lambdas', () => {
    assert.equal(arm('[for x in v: x.id]'), "map(variables('v'), lambda('x', lambdaVariables('x').id))");
    assert.equal(arm('[for (x, i) in range(0, n): i]'), "map(range(0, parameters('n')), lambda('x', 'i', lambdaVariables('i')))");
  });

  test('resource bodies: loops with filters, conditions, locals', () => {
    const text = "resource s 'A/b@1' = [for (x, i) in items: if (x.enabled) {\n  name: x.name\n}]\nresource t 'A/b@1' = [for x in items: if (x.on) {\n  name: x.name\n}]\nresource u 'A/b@1' = if (on) {\n  name: 'u'\n}\n";
    const parsed = parseBicep(text);
    assert.deepEqual(parsed.diagnostics, []);
    const resolve = createSymbolResolver(parsed.program);
    const [s, t, u] = parsed.program.declarations;
    assert.ok(s.kind === 'resource' && t.kind === 'resource' && u.kind === 'resource');
    assert.equal(printExpr(lowerExpression(s.value, resolve)),
      "map(unknownSymbol('items'), lambda('x', 'i', if(lambdaVariables('x').enabled, createObject('name', lambdaVariables('x').name), null)))");
    assert.equal(printExpr(lowerExpression(t.value, resolve)),
      "map(filter(unknownSymbol('items'), lambda('x', lambdaVariables('x').on)), lambda('x', createObject('name', lambdaVariables('x').name)))");
    assert.equal(printExpr(lowerExpression(u.value, resolve)), "if(unknownSymbol('on'), createObject('name', 'u'), null)");
    // a property of a loop body, lowered with the loop variable in scope
    const nameValue = s.body!.properties[0].value;
    assert.equal(printExpr(lowerExpression(nameValue, resolve, { locals: ['x', 'i'] })), "lambdaVariables('x').name");
    assert.equal(printExpr(lowerExpression(nameValue, resolve)), "unknownSymbol('x').name");
  });

  test('errors lower to unknownSymbol(<error>) and never throw', () => {
    const parsed = parseBicep('var a = f(,)\nvar b = [1, )]\nvar c = x.\n');
    const resolve = createSymbolResolver(parsed.program);
    const out = parsed.program.declarations.map(d => d.kind === 'var' ? printExpr(lowerExpression(d.value, resolve)) : '');
    assert.deepEqual(out, ["f(unknownSymbol('<error>'), unknownSymbol('<error>'))", "createArray(1, unknownSymbol('<error>'))", "unknownSymbol('<error>')"]);
    const throwing: SymbolResolver = () => { throw new Error('boom'); };
    assert.equal(printExpr(lowerExpression(parsed.program.declarations[0].kind === 'var' ? parsed.program.declarations[0].value : { kind: 'null', start: 0, end: 0 }, throwing)),
      "f(unknownSymbol('<error>'), unknownSymbol('<error>'))");
  });
});
