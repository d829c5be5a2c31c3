// Bounded work: values that double stop at a size limit (and say so), union() hashes, and module fan-outs
// are read once per distinct instance. Each case would take minutes or gigabytes without its bound.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../../server/src/engine/analyze';
import { parseBicep } from '../../server/src/engine/bicep/parser';
import { readBicepDeployment } from '../../server/src/engine/bicep/reader';
import { mergeSettings } from '../../server/src/engine/config';
import { fitsPattern, HOLE, patternOf } from '../../server/src/engine/graph/ids';
import { ev } from '../expressions/support';
import { DEPLOYMENT_RULES_OFF } from '../support/lint';

function doublingArm(levels: number): string {
  const variables: Record<string, string> = { v0: 'ab' };
  for (let i = 1; i <= levels; i++) variables[`v${i}`] = `[concat(variables('v${i - 1}'), variables('v${i - 1}'))]`;
  return JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    variables,
    resources: [{
      type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2024-10-01', name: 'oai', kind: 'OpenAI', tags: { owner: 'team' },
      properties: { restrictOutboundNetworkAccess: true, publicNetworkAccess: 'Disabled', allowedFqdnList: [`[variables('v${levels}')]`] },
    }],
  }, null, 2);
}

function doublingBicep(levels: number): string {
  const lines = ["var v0 = 'ab'"];
  for (let i = 1; i <= levels; i++) lines.push(`var v${i} = '\${v${i - 1}}\${v${i - 1}}'`);
  lines.push(
    "resource oai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {",
    "  name: 'oai'",
    "  kind: 'OpenAI'",
    "  tags: { owner: 'team' }",
    '  properties: {',
    '    restrictOutboundNetworkAccess: true',
    "    publicNetworkAccess: 'Disabled'",
    `    allowedFqdnList: [ v${levels} ]`,
    '  }',
    '}',
  );
  return `${lines.join('\n')}\n`;
}

for (const [kind, uri, build] of [['arm', 'file:///b/t.json', doublingArm], ['bicep', 'file:///b/t.bicep', doublingBicep]] as const) {
  test(`${kind}: a value doubled 40 times stops at the size limit; the entry cannot be verified and the file reports the limit`, () => {
    const text = build(40);
    const result = analyze({ uri, text, kind }, { settings: mergeSettings({ rules: DEPLOYMENT_RULES_OFF }) });
    assert.deepEqual(result.findings.map((f) => [f.ruleId, f.messageId, f.level]), [['valid-allowed-fqdns', 'unverifiable', 'info']]);
    assert.match(result.findings[0].message, /^An allowed FQDN of AI service 'oai' cannot be verified\. Its value cannot be evaluated: .*builds a string of more than 1,048,576 characters/);
    assert.deepEqual(result.problems.map((p) => [p.severity, /size or step limit/.test(p.message)]), [['error', true]]);
  });

  test(`${kind}: 18 doublings (512 Ki characters) are still evaluated: no limit, the real finding`, () => {
    const result = analyze({ uri, text: build(18), kind }, { settings: mergeSettings({ rules: DEPLOYMENT_RULES_OFF }) });
    assert.deepEqual(result.findings.map((f) => [f.ruleId, f.messageId]), [['valid-allowed-fqdns', 'notHost']]);
    assert.deepEqual(result.problems, []);
  });
}

test('union() of large arrays is linear: 20,000 + 20,000 elements, duplicates removed', () => {
  // range() stops at 10,000 items, as ARM's does: the arrays are built from two ranges each.
  assert.equal(ev('[length(union(concat(range(0, 10000), range(10000, 10000)), concat(range(10000, 10000), range(20000, 10000))))]'), 30000);
  assert.deepEqual(ev("[union(createArray('a', 'b'), createArray('b', createObject('k', 1)), createArray(createObject('k', 1)))]"), ['a', 'b', { k: 1 }]);
  // Values that only may be equal are kept: equality of unknowns is not assumed.
  assert.equal(ev("[length(union(createArray(parameters('p')), createArray(parameters('p'))))]"), 2);
});

test('a Bicep module fan-out (each module calls the next twice, 15 deep: 32,767 calls) reads each distinct instance once', () => {
  const files: Record<string, string> = {};
  const DEPTH = 15;
  for (let i = 0; i < DEPTH; i++) {
    files[`file:///f/m${i}.bicep`] = `param restrict bool\nmodule a './m${i + 1}.bicep' = {\n  name: 'a${i}'\n  params: { restrict: restrict }\n}\nmodule b './m${i + 1}.bicep' = {\n  name: 'b${i}'\n  params: { restrict: restrict }\n}\n`;
  }
  files[`file:///f/m${DEPTH}.bicep`] = "param restrict bool\nresource oai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {\n  name: 'oai'\n  kind: 'OpenAI'\n  properties: { restrictOutboundNetworkAccess: restrict }\n}\n";
  const text = "module root './m0.bicep' = {\n  name: 'root'\n  params: { restrict: false }\n}\n";
  const graph = readBicepDeployment({ uri: 'file:///f/main.bicep', text, kind: 'bicep' }, parseBicep(text).program, { readFile: (u) => files[u] });
  assert.equal(graph.accounts.length, 1);
  assert.equal(graph.accounts[0].properties?.member('restrictOutboundNetworkAccess')?.value, false);
  // Two calls per level: the first is read, the second is the same instance.
  const account = graph.accounts[0];
  assert.equal(account.deploymentPath.length, DEPTH + 1);
  const result = analyze({ uri: 'file:///f/main.bicep', text, kind: 'bicep' }, { settings: mergeSettings({ rules: DEPLOYMENT_RULES_OFF }), host: { readFile: (u) => files[u] } });
  // The unsafe value is the caller's literal: reported once, at main.bicep's `restrict: false`.
  const restrict = result.findings.filter((f) => f.ruleId === 'restrict-outbound-network-access');
  assert.deepEqual(restrict.map((f) => text.slice(f.loc.start, f.loc.end)), ['false']);
});

test('module calls with different values are different instances', () => {
  const files: Record<string, string> = {
    'file:///f/acct.bicep': "param restrict bool\nparam name string\nresource oai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {\n  name: name\n  kind: 'OpenAI'\n  properties: { restrictOutboundNetworkAccess: restrict }\n}\n",
  };
  const text = [
    "module a './acct.bicep' = {\n  name: 'a'\n  params: { restrict: true, name: 'one' }\n}",
    "module b './acct.bicep' = {\n  name: 'b'\n  params: { restrict: false, name: 'two' }\n}",
    "module c './acct.bicep' = {\n  name: 'c'\n  params: { restrict: true, name: 'one' }\n}",
  ].join('\n');
  const graph = readBicepDeployment({ uri: 'file:///f/main.bicep', text, kind: 'bicep' }, parseBicep(text).program, { readFile: (u) => files[u] });
  // `c` passes what `a` passes, but from other places: findings could differ, so it is read too.
  assert.deepEqual(graph.accounts.map((a) => [a.name, a.properties?.member('restrictOutboundNetworkAccess')?.value]), [['one', true], ['two', false], ['one', true]]);
});

test('fixes of a Bicep account with 40 nested objects are computed (the writer visits shared syntax nodes once)', { timeout: 30_000 }, () => {
  // Each object keeps its properties twice (`members`, `properties`): a walk that follows both doubles per level.
  const nested = `${'tags: {\n'.repeat(40)}owner: 'x'\n${'}\n'.repeat(40)}`;
  const text = `resource oai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {\n  name: 'oai'\n  kind: 'OpenAI'\n  properties: {\n    restrictOutboundNetworkAccess: false\n    ${nested}  }\n}\n`;
  const result = analyze({ uri: 'file:///b/nested.bicep', text, kind: 'bicep' }, { settings: mergeSettings({ rules: DEPLOYMENT_RULES_OFF }) });
  const restrict = result.findings.find((f) => f.ruleId === 'restrict-outbound-network-access')!;
  assert.ok(restrict.fixes.some((f) => f.title.startsWith("Set restrictOutboundNetworkAccess") || f.title.startsWith('Restrict outbound network access')), restrict.fixes.map((f) => f.title).join(' | '));
});

/** An account named by `n` unknown parameters joined by '-', and a role assignment reading the principal of a known name of `n + 10` segments. */
function manyHoles(n: number): string {
  const parts = Array.from({ length: n }, (_, i) => i);
  return JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0',
    parameters: Object.fromEntries(parts.map((i) => [`p${i}`, { type: 'string' }])),
    resources: [
      { type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2024-10-01', name: `[format('${parts.map((i) => `{${i}}`).join('-')}!', ${parts.map((i) => `parameters('p${i}')`).join(', ')})]`, kind: 'OpenAI', location: 'eastus', properties: { restrictOutboundNetworkAccess: false } },
      { type: 'Microsoft.Authorization/roleAssignments', apiVersion: '2022-04-01', name: 'ra', properties: { roleDefinitionId: 'x', principalId: `[reference(resourceId('Microsoft.CognitiveServices/accounts', '${[...parts, ...parts.slice(0, 10)].map((i) => `s${i}`).join('-')}'), '2024-10-01', 'full').identity.principalId]` } },
    ],
  }, null, 2);
}

test('names known in part are compared without backtracking: 24 unknown pieces against a name they cannot fit (18 took 6 s as a regular expression, each one more about twice that)', () => {
  const result = analyze({ uri: 'file:///work/holes/main.json', text: manyHoles(24), kind: 'arm' }, { settings: mergeSettings({}) });
  const restrict = result.findings.find((f) => f.ruleId === 'restrict-outbound-network-access')!;
  assert.ok(restrict.fixes.some((f) => f.title.startsWith('Restrict outbound network access')), restrict.fixes.map((f) => f.title).join(' | '));
  // What the comparison gives: pieces in order, the first a prefix and the last a suffix, any case.
  const pattern = (...pieces: (string | null)[]) => pieces.map((p) => p ?? HOLE).join('');
  assert.equal(fitsPattern(pattern('st', null, '-', null, '!'), 'ST1-2-3!'), true);
  assert.equal(fitsPattern(pattern('st', null, '-', null, '!'), 'st12!'), false);
  assert.equal(fitsPattern(pattern('ab', null, 'ba'), 'aba'), false);
  assert.equal(fitsPattern(pattern(null, 'x', null), 'x'), true);
});

test('a NUL written in a known name (fuzzed: 130 of them) is a character, not an unknown piece', () => {
  assert.equal(patternOf('contoso-\u0000\u0000openai'), 'contoso-\ufffd\ufffdopenai');
  assert.equal(fitsPattern(patternOf('contoso-\u0000openai')!, 'contoso-openai'), false);
});

test('fixes of 20,000 URL entries are computed in linear time: whether a host is already listed is a lookup, not a scan (fuzzed: 2,953 such entries took 2.3 s)', { timeout: 30_000 }, () => {
  const entries = [
    ...Array.from({ length: 20_000 }, (_, i) => `https://h${i}.example/p`),
    ...Array.from({ length: 10 }, (_, i) => `H${i}.example.`),
  ];
  const text = JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0',
    resources: [{
      type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2024-10-01', name: 'oai', kind: 'OpenAI', tags: { owner: 'team' },
      properties: { restrictOutboundNetworkAccess: true, publicNetworkAccess: 'Disabled', allowedFqdnList: entries },
    }],
  }, null, 2);
  const result = analyze({ uri: 'file:///b/urls.json', text, kind: 'arm' }, { settings: mergeSettings({ rules: DEPLOYMENT_RULES_OFF }) });
  const titles = result.findings.filter((f) => f.messageId === 'notHost').map((f) => f.fixes[0]?.title);
  assert.equal(titles.length, 20_000);
  // The first ten hosts are listed already (in another case, with a trailing dot): their URLs go; the others become hosts.
  assert.deepEqual(titles.slice(9, 11), ["Remove 'https://h9.example/p': its host 'h9.example' is already listed", "Replace 'https://h10.example/p' with its host 'h10.example'"]);
  assert.equal(titles.filter((t) => t?.startsWith('Remove')).length, 10);
});
