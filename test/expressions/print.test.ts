import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExpression } from '../../server/src/engine/expressions/parser';
import { printExpression } from '../../server/src/engine/expressions/print';
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
