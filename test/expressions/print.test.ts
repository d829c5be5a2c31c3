import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call, param, prop, variable } from '../../server/src/engine/expressions/build';
import { parseExpression, parseTemplateString } from '../../server/src/engine/expressions/parser';
import { armLiteral, printExpression, printTemplateExpression } from '../../server/src/engine/expressions/print';
import type { Expr } from '../../server/src/engine/expressions/ast';

/** The tree without spans, to compare a parse of the printed text with the original. */
function shape(e: Expr): unknown {
  return JSON.parse(JSON.stringify(e, (k, v) => (k === 'span' || k === 'nameSpan' ? undefined : v)));
}

test('printed expressions parse back to the same tree', () => {
  for (const text of [
    "concat('it''s', parameters('a'), 1, -2)",
    "format('{0}.blob.{1}', toLower(variables('x')), environment().suffixes.storage)",
    "tryGet(parameters('o'), 'k').?inner[?0]",
    "if(true(), null(), createArray(1, 2)[1])",
    "ns.fn(lambda('x', lambdaVariables('x')))",
  ]) {
    const { expr, errors } = parseExpression(text);
    assert.deepEqual(errors, []);
    assert.equal(printExpression(expr!), text);
    assert.deepEqual(shape(parseExpression(printExpression(expr!)).expr!), shape(expr!));
  }
});

test('trees built in code print as ARM expressions; names that are not identifiers are indexed', () => {
  const host = call('format', '{0}.blob.{1}', param('st'), prop(call('environment'), 'suffixes', 'storage'));
  assert.equal(printTemplateExpression(host), "[format('{0}.blob.{1}', parameters('st'), environment().suffixes.storage)]");
  assert.equal(printExpression(call('concat', "it's", variable('v'), 1, true)), "concat('it''s', variables('v'), 1, true())");
  const indexed = printExpression(prop(param('o'), 'a-b', 'c'));
  assert.equal(indexed, "parameters('o')['a-b'].c");
  assert.deepEqual(parseExpression(indexed).errors, []);
});

test('literal strings that would read as expressions are escaped', () => {
  assert.equal(armLiteral('[not an expression]'), '[[not an expression]');
  assert.equal(armLiteral('[x'), '[x');
  assert.equal(armLiteral('plain'), 'plain');
  assert.deepEqual(parseTemplateString(armLiteral('[x]')), { kind: 'literal', value: '[x]' });
});
