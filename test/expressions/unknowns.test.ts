// Unknown propagation and partially known strings.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  deepEquals, evaluate, isFullyKnown, isPartialString, knownPrefix, knownSuffix, simpleContext, stringParts,
} from '../../server/src/engine/expressions/evaluator';
import { parseExpression } from '../../server/src/engine/expressions/parser';
import { Unknown } from '../../server/src/engine/expressions/value';
import { assertJson, assertParts, assertUnknown, ev } from './support';

describe('partially known strings', () => {
  test('format keeps known pieces: a host name differs from a wildcard', () => {
    const host = ev("[format('{0}.blob.{1}', parameters('sa'), environment().suffixes.storage)]");
    const u = assertParts(host, [null, '.blob.', 'core.windows.net']);
    assert.equal(u.parameter, 'sa');
    assert.match(u.reason, /parameter 'sa' has no value/);
    assert.equal(ev("[format('*.blob.{0}', environment().suffixes.storage)]"), '*.blob.core.windows.net');
    assertParts(ev("[format('*.blob.{0}', parameters('suffix'))]"), ['*.blob.', null]);
  });

  test('concat builds parts; consecutive holes collapse; empty pieces vanish', () => {
    assertParts(ev("[concat('https://', parameters('a'), parameters('b'), '', '.vault.azure.net')]"), ['https://', null, '.vault.azure.net']);
    assertParts(ev("[concat(parameters('a'), '.', parameters('b'))]"), [null, '.', null]);
  });

  test('parts splice through nested string functions', () => {
    const inner = "format('{0}.openai.azure.com', parameters('name'))";
    assertParts(ev(`[concat('https://', ${inner}, '/')]`), ['https://', null, '.openai.azure.com', '/']);
    assertParts(ev(`[toUpper(${inner})]`), [null, '.OPENAI.AZURE.COM']);
    assertParts(ev(`[toLower(concat('A', parameters('x'), 'B'))]`), ['a', null, 'b']);
    assertParts(ev(`[string(${inner})]`), [null, '.openai.azure.com']);
    assertParts(ev(`[format('{0}', ${inner})]`), [null, '.openai.azure.com']);
    // An alignment or a format specifier turns a partial argument into a single hole.
    assertParts(ev(`[format('x{0,30}', ${inner})]`), ['x', null]);
  });

  test('join and interpolation-like formats of unknown elements', () => {
    assertParts(ev("[join(createArray('a', parameters('p'), 'c'), ',')]"), ['a', ',', null, ',', 'c']);
  });

  test('string() of an unknown is a string hole', () => {
    assertParts(ev("[string(parameters('p'))]"), [null]);
  });

  test('resourceId with known arguments keeps the provider path', () => {
    assertParts(ev("[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'default')]"),
      ['/subscriptions/', null, '/resourceGroups/', null, '/providers/Microsoft.Network/virtualNetworks/vnet/subnets/default']);
    assert.equal(ev("[resourceId('sub1', 'rg1', 'Microsoft.Storage/storageAccounts', 'sa')]"),
      '/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/sa');
    assertParts(ev("[resourceId('rg1', 'Microsoft.Storage/storageAccounts', parameters('n'))]"),
      ['/subscriptions/', null, '/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/', null]);
    assert.equal(ev("[tenantResourceId('Microsoft.Authorization/policyDefinitions', 'p1')]"), '/providers/Microsoft.Authorization/policyDefinitions/p1');
    assert.equal(ev("[subscriptionResourceId('s1', 'Microsoft.Resources/resourceGroups', 'rg')]"), '/subscriptions/s1/providers/Microsoft.Resources/resourceGroups/rg');
    assert.equal(ev("[extensionResourceId('/subscriptions/s/resourceGroups/r', 'Microsoft.Authorization/locks', 'l')]"),
      '/subscriptions/s/resourceGroups/r/providers/Microsoft.Authorization/locks/l');
  });

  test('helpers: stringParts, isPartialString, knownPrefix, knownSuffix', () => {
    const v = ev("[format('{0}.blob.{1}', parameters('sa'), environment().suffixes.storage)]");
    assert.ok(isPartialString(v));
    assert.deepEqual(stringParts(v), [null, '.blob.', 'core.windows.net']);
    assert.deepEqual(stringParts('abc'), ['abc']);
    assert.equal(stringParts(new Unknown('x')), undefined);
    assert.equal(knownPrefix(v), '');
    assert.equal(knownSuffix(v), '.blob.core.windows.net');
    assert.equal(knownPrefix(ev("[concat('https://', parameters('x'))]")), 'https://');
    assert.equal(isPartialString('abc'), false);
    assert.equal(isPartialString(new Unknown('x')), false);
  });

  test('functions reading known pieces of a partial string', () => {
    assert.equal(ev("[empty(concat('a', parameters('x')))]"), false);
    assert.equal(ev("[first(concat('abc', parameters('x')))]"), 'a');
    assert.equal(ev("[last(concat(parameters('x'), '.net'))]"), 't');
    assert.equal(ev("[contains(concat('abc', parameters('x')), 'bc')]"), true);
    assertUnknown(ev("[contains(concat('abc', parameters('x')), 'zz')]"));
    assertUnknown(ev("[length(concat('abc', parameters('x')))]"));
  });

  test('equals of a partial string and an incompatible known string is false', () => {
    assert.equal(ev("[equals(concat('https://', parameters('x')), 'ftp://host')]"), false);
    assert.equal(ev("[equals(concat(parameters('x'), '.net'), 'host.com')]"), false);
    assertUnknown(ev("[equals(concat('https://', parameters('x')), 'https://host')]"));
  });
});

describe('unknown propagation', () => {
  test('most functions with an unknown argument are unknown, keeping the cause', () => {
    for (const s of [
      "[add(parameters('n'), 1)]",
      "[length(parameters('n'))]",
      "[split(parameters('n'), ',')]",
      "[parameters('n').property]",
      "[parameters('n')[0]]",
      "[createArray(1)[parameters('n')]]",
      "[union(parameters('n'), createObject())]",
      "[replace(parameters('n'), 'a', 'b')]",
      "[json(parameters('n'))]",
      "[not(parameters('n'))]",
    ]) {
      const u = assertUnknown(ev(s), /parameter 'n' has no value/);
      assert.equal(u.parameter, 'n', s);
      assert.equal(u.parts, undefined, s);
    }
  });

  test('containers keep unknown elements', () => {
    const arr = ev("[createArray('a', parameters('p'))]");
    assert.ok(Array.isArray(arr));
    assert.equal(arr.length, 2);
    assert.ok(arr[1] instanceof Unknown);
    assert.equal(ev("[length(createArray('a', parameters('p')))]"), 2);
    const obj = ev("[createObject('k', parameters('p'))]");
    assert.ok(obj && typeof obj === 'object' && !Array.isArray(obj));
    assert.ok((obj as Record<string, unknown>).k instanceof Unknown);
    assert.equal(isFullyKnown(obj), false);
    assertUnknown(ev("[createObject('k', parameters('p')).k]"), /parameter 'p'/);
  });

  test('contains / indexOf with unknown elements', () => {
    assert.equal(ev("[contains(createArray(parameters('p'), 'x'), 'x')]"), true);
    assertUnknown(ev("[contains(createArray(parameters('p'), 'x'), 'y')]"), /parameter 'p'/);
    assertUnknown(ev("[indexOf(createArray(parameters('p'), 'x'), 'x')]"), /parameter 'p'/);
    assert.equal(ev("[indexOf(createArray('x', parameters('p')), 'x')]"), 0);
  });

  test('union keeps unknown array elements', () => {
    const r = ev("[union(createArray('a', 'b'), createArray('b', parameters('p')))]");
    assert.ok(Array.isArray(r));
    assert.deepEqual(r.slice(0, 2), ['a', 'b']);
    assert.equal(r.length, 3);
    assert.ok(r[2] instanceof Unknown);
  });

  test('if with an unknown condition: known only when both branches are deep-equal', () => {
    assert.equal(ev("[if(parameters('c'), 'same', 'same')]"), 'same');
    assertJson(ev("[if(parameters('c'), createObject('a', 1), createObject('a', 1))]"), { a: 1 });
    const u = assertUnknown(ev("[if(parameters('c'), 'a', 'b')]"), /parameter 'c'/);
    assert.equal(u.parameter, 'c');
  });

  test('coalesce: first non-null known value; unknown if an unknown comes first', () => {
    assert.equal(ev("[coalesce(null(), 'a', parameters('p'))]"), 'a');
    assertUnknown(ev("[coalesce(null(), parameters('p'), 'a')]"), /parameter 'p'/);
    assert.equal(ev('[coalesce(null(), null())]'), null);
    assert.equal(ev("[coalesce('', 'b')]"), '');
    assertParts(ev("[coalesce(null(), concat('x.', parameters('p')), 'y')]"), ['x.', null]);
  });

  test('and / or decide despite unknowns when a known argument settles them', () => {
    assert.equal(ev("[and(parameters('p'), false())]"), false);
    assert.equal(ev("[or(true(), parameters('p'))]"), true);
    assertUnknown(ev("[and(parameters('p'), true())]"));
    assertUnknown(ev("[or(parameters('p'), false())]"));
  });

  test('equals is unknown when undecidable, false when decidable despite unknowns', () => {
    assertUnknown(ev("[equals(parameters('p'), 'x')]"), /parameter 'p'/);
    assert.equal(ev("[equals(createArray(parameters('p'), 1), createArray(parameters('p'), 2))]"), false);
    assert.equal(ev("[equals(createArray(1), createArray(1, parameters('p')))]"), false);
    assert.equal(deepEquals([1, new Unknown('u')], [1, new Unknown('v')]), undefined);
  });

  test('deployment-time functions are unknown with a reason', () => {
    assertUnknown(ev('[resourceGroup().location]'), /resourceGroup\(\) is the target resource group/);
    assertUnknown(ev('[subscription().subscriptionId]'), /subscription\(\)/);
    assertUnknown(ev("[reference('x').properties]"), /reference\(\)/);
    assertUnknown(ev("[listKeys('x', '2020-01-01').keys[0].value]"), /list\*\(\) functions/);
    assertUnknown(ev("[listSecrets('x', '2020-01-01')]"), /list\*\(\) functions/);
    assertUnknown(ev('[deployment().name]'), /deployment\(\)/);
    assertUnknown(ev('[tenant().tenantId]'), /tenant\(\)/);
    assertUnknown(ev('[managementGroup().id]'), /managementGroup\(\)/);
    assertUnknown(ev('[deployer().objectId]'), /deployer\(\)/);
    assertUnknown(ev("[providers('Microsoft.Web')]"), /providers\(\)/);
    assertUnknown(ev("[pickZones('Microsoft.Compute', 'virtualMachines', 'westus2')]"), /pickZones\(\)/);
    assertParts(ev('[utcNow()]'), [null]);
    assertUnknown(ev("[notAFunction('x')]"), /unknown function 'notAFunction'/);
  });

  test('runtime errors become Unknown, never exceptions', () => {
    assertUnknown(ev("[add('a', 1)]"), /expects Integer arguments/);
    assertUnknown(ev('[length(1)]'), /expects an Array, Object or String/);
    assertUnknown(ev("[concat(createObject('a', 1))]"), /does not accept objects/);
    assertUnknown(ev('[parameters()]'), /at least 1 argument/);
    assertUnknown(ev("[true('x')]"), /at most 0 argument/);
    assertUnknown(ev("[concat('a',]"), /invalid expression/);
  });

  test('evaluate() on a bare expression tree', () => {
    const { expr } = parseExpression("concat('a', parameters('p'))");
    assert.equal(evaluate(expr!, simpleContext({ parameters: { p: 'b' } })), 'ab');
  });
});
