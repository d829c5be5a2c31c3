// Printing ARM expression trees as Bicep (fix values that are expressions): exact text, and it parses and
// lowers back to the same tree.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Expr } from '../../server/src/engine/expressions/ast';
import { call, param, prop, variable } from '../../server/src/engine/expressions/build';
import { parseExpression } from '../../server/src/engine/expressions/parser';
import { printExpression } from '../../server/src/engine/expressions/print';
import { createSymbolResolver, lowerExpression } from '../../server/src/engine/bicep/lower';
import { parseBicep } from '../../server/src/engine/bicep/parser';
import { printBicepExpression } from '../../server/src/engine/bicep/print';

const PRELUDE = "param st string\nparam n int\nparam o object\nvar names = ['a']\n";

function arm(text: string): Expr {
  const { expr, errors } = parseExpression(text);
  assert.deepEqual(errors, [], text);
  return expr!;
}

/** The Bicep text of an ARM expression; asserts it parses as a Bicep expression. */
function bicep(text: string | Expr): string {
  const printed = printBicepExpression(typeof text === 'string' ? arm(text) : text);
  const { diagnostics } = parseBicep(`${PRELUDE}var t = ${printed}\n`);
  assert.deepEqual(diagnostics, [], printed);
  return printed;
}

/** The printed Bicep, lowered again, as ARM text. */
function lowered(text: string): string {
  const parsed = parseBicep(`${PRELUDE}var t = ${printBicepExpression(arm(text))}\n`);
  const d = parsed.program.declarations.find((x) => x.kind === 'var' && x.name.name === 't');
  assert.ok(d && d.kind === 'var');
  return printExpression(lowerExpression(d.value, createSymbolResolver(parsed.program)));
}

test('format with a literal pattern and concat become interpolated strings', () => {
  assert.equal(bicep("format('{0}.blob.{1}', parameters('st'), environment().suffixes.storage)"), "'${st}.blob.${environment().suffixes.storage}'");
  assert.equal(bicep("format('{1}-{0}-{1}', parameters('st'), 'x')"), "'x-${st}-x'");
  assert.equal(bicep("concat('https://', parameters('st'), '.vault.azure.net/')"), "'https://${st}.vault.azure.net/'");
  assert.equal(bicep("format('{{literal}} {0}', parameters('st'))"), "'{literal} ${st}'");
  // What an interpolation cannot say stays a call.
  assert.equal(bicep("format('{0:N2}', parameters('n'))"), "format('{0:N2}', n)");
  assert.equal(bicep("format('{1}', parameters('st'))"), "format('{1}', st)");
  assert.equal(bicep("format(parameters('st'), 1)"), 'format(st, 1)');
  assert.equal(bicep("concat(variables('names'), createArray('b'))"), "concat(names, ['b'])");
});

test('parameters and variables are identifiers; property access, indexes and calls keep their shape', () => {
  assert.equal(bicep("variables('names')[0]"), 'names[0]');
  assert.equal(bicep("parameters('o').a.?b[?'c'].d"), "o.a.?b[?'c'].d");
  assert.equal(bicep(prop(call('reference', param('st')), 'primaryEndpoints', 'blob')), 'reference(st).primaryEndpoints.blob');
  assert.equal(bicep(prop(param('o'), 'not-an-identifier')), "o['not-an-identifier']");
  assert.equal(bicep("toLower(uniqueString(resourceGroup().id, parameters('st')))"), 'toLower(uniqueString(resourceGroup().id, st))');
  assert.equal(bicep("createObject('a', 1, 'b-c', createArray(true(), null()))"), "{ a: 1, 'b-c': [true, null] }");
  assert.equal(bicep(call('createArray')), '[]');
});

test('operator functions become operators, with parentheses where they nest', () => {
  assert.equal(bicep("if(equals(parameters('st'), 'x'), add(parameters('n'), 1), mul(parameters('n'), sub(parameters('n'), 2)))"), "(st == 'x') ? (n + 1) : (n * (n - 2))");
  assert.equal(bicep("and(not(equals(parameters('st'), 'x')), not(true()), or(false(), true()))"), "(st != 'x') && (!true) && (false || true)");
  assert.equal(bicep("coalesce(parameters('o').?a, parameters('o').?b, 'c')"), "o.?a ?? o.?b ?? 'c'");
  assert.equal(bicep("length(if(true(), 'a', 'b'))"), "length(true ? 'a' : 'b')");
  assert.equal(bicep("map(variables('names'), lambda('x', toUpper(lambdaVariables('x'))))"), 'map(names, x => toUpper(x))');
});

test("string escaping: quotes, backslashes, '${' and control characters, also across interpolation pieces", () => {
  assert.equal(bicep("'it''s'"), "'it\\'s'");
  assert.equal(bicep("'a${b}\\c'"), "'a\\${b}\\\\c'");
  assert.equal(bicep(call('concat', 'tab\there', 'new\nline')), "'tab\\therenew\\nline'");
  // '$' and '{' from two literal pieces must not meet as an unescaped '${'.
  assert.equal(bicep("concat('a$', '{b}')"), "'a\\${b}'");
  assert.equal(bicep("concat('cost: $', parameters('st'))"), "'cost: $${st}'");
  assert.equal(bicep("format('{0}''s', parameters('st'))"), "'${st}\\'s'");
});

test('printed Bicep lowers back to the same expression', () => {
  for (const text of [
    "format('{0}.blob.{1}', parameters('st'), environment().suffixes.storage)",
    "format('{0}{1}', parameters('st'), parameters('n'))",
    "variables('names')[0]",
    "parameters('o').a.?b",
    "toLower(uniqueString(resourceGroup().id, parameters('st')))",
    "if(equals(parameters('st'), 'x'), add(parameters('n'), 1), 2)",
    "format('a$\\{0}', parameters('st'))",
  ]) {
    assert.equal(lowered(text), text);
  }
});

test('the builder makes the trees fixes use', () => {
  const host = call('format', '{0}.blob.{1}', param('st'), prop(call('environment'), 'suffixes', 'storage'));
  assert.equal(printExpression(host), "format('{0}.blob.{1}', parameters('st'), environment().suffixes.storage)");
  assert.equal(printBicepExpression(host), "'${st}.blob.${environment().suffixes.storage}'");
  assert.equal(printBicepExpression(variable('v')), 'v');
});
