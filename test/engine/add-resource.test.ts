// The add-parameter and add-resource fix intents in both writers: where new declarations go, how references
// are spelled, names kept unique, conditions kept, the file's indentation and line endings; the output re-parses.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArm, readArmDeployment } from '../../server/src/engine/arm/reader';
import { parseBicep } from '../../server/src/engine/bicep/parser';
import { readBicepDeployment } from '../../server/src/engine/bicep/reader';
import { applyFileEdits, editsFor } from '../../server/src/engine/edits';
import { ref, type Fix, type FixIntent } from '../../server/src/engine/fixes';
import type { DeploymentGraph } from '../../server/src/engine/graph/graph';
import type { AiResource } from '../../server/src/engine/model';
import { addDiagnosticSettingsFix, addPrivateEndpointFix } from '../../rules/support/deployment';
import { syntaxErrors } from '../support/lint';

function armAccount(text: string): { graph: DeploymentGraph; account: AiResource } {
  const graph = readArmDeployment(parseArm({ uri: 'file:///w/main.json', text, kind: 'arm' }));
  return { graph, account: graph.accounts[0] };
}

function bicepAccount(text: string): { graph: DeploymentGraph; account: AiResource } {
  const graph = readBicepDeployment({ uri: 'file:///w/main.bicep', text, kind: 'bicep' }, parseBicep(text).program, { readFile: () => undefined });
  return { graph, account: graph.accounts[0] };
}

function apply(text: string, ...fixes: Fix[]): string {
  return applyFileEdits(text, editsFor(fixes, () => text));
}

test('ARM languageVersion 2.0: symbolic names stay unique, dependsOn names the symbol, tabs and CRLF are kept', () => {
  const text = [
    '{',
    '\t"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",',
    '\t"languageVersion": "2.0",',
    '\t"contentVersion": "1.0.0.0",',
    '\t"parameters": {',
    '\t\t"logAnalyticsWorkspaceId": { "type": "string" }',
    '\t},',
    '\t"resources": {',
    '\t\t"ai": { "type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2024-10-01", "name": "[format(\'{0}-ai\', \'x\')]", "kind": "OpenAI", "properties": {} },',
    '\t\t"aiDiagnostics": { "type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01", "name": "taken" }',
    '\t}',
    '}',
    '',
  ].join('\r\n');
  const { account } = armAccount(text);
  const fixed = apply(text, addDiagnosticSettingsFix(account)!);
  assert.deepEqual(syntaxErrors(fixed, 'arm'), []);
  assert.ok(!/[^\r]\n/.test(fixed), 'only CRLF line endings');
  assert.equal(fixed.match(/"logAnalyticsWorkspaceId"/g)?.length, 1, 'the declared parameter is reused');
  assert.ok(fixed.includes([
    '\t\t"aiDiagnostics2": {',
    '\t\t\t"type": "Microsoft.Insights/diagnosticSettings",',
    '\t\t\t"apiVersion": "2021-05-01-preview",',
    '\t\t\t"scope": "[format(\'Microsoft.CognitiveServices/accounts/{0}\', format(\'{0}-ai\', \'x\'))]",',
    '\t\t\t"name": "[format(\'{0}-logs\', format(\'{0}-ai\', \'x\'))]",',
  ].join('\r\n')), fixed);
  assert.ok(fixed.includes('\t\t\t"dependsOn": [\r\n\t\t\t\t"ai"\r\n\t\t\t]'), fixed);
  // The new settings are what the graph finds scoped to the account.
  const after = armAccount(fixed);
  assert.equal(after.graph.related(after.account, 'scopedTo', 'Microsoft.Insights/diagnosticSettings').length, 1);
});

test('ARM: both fixes together, a literal name with a bracket is escaped, the parameters section is created before resources', () => {
  const text = JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    variables: { v: 1 },
    resources: [{ type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2024-10-01', name: '[[odd', kind: 'TextAnalytics', properties: {} }],
  }, null, 2);
  const { graph, account } = armAccount(text);
  const fixed = apply(text, addPrivateEndpointFix(account, graph)!, addDiagnosticSettingsFix(account)!);
  assert.deepEqual(syntaxErrors(fixed, 'arm'), []);
  const parsed = JSON.parse(fixed) as { parameters: object; resources: { name: string; type: string }[] };
  assert.deepEqual(Object.keys(JSON.parse(fixed)), ['$schema', 'contentVersion', 'parameters', 'variables', 'resources']);
  assert.deepEqual(Object.keys(parsed.parameters), ['privateEndpointSubnetId', 'cognitiveServicesPrivateDnsZoneId', 'logAnalyticsWorkspaceId']);
  assert.deepEqual(parsed.resources.map((r) => `${r.type} ${r.name}`), [
    'Microsoft.CognitiveServices/accounts [[odd',
    'Microsoft.Network/privateEndpoints [[odd-pe',
    'Microsoft.Network/privateEndpoints/privateDnsZoneGroups [[odd-pe/default',
    'Microsoft.Insights/diagnosticSettings [[odd-logs',
  ]);
  assert.ok(fixed.includes(`"privateLinkServiceId": "[resourceId('Microsoft.CognitiveServices/accounts', '[odd')]"`), fixed);
});

test('ARM: no resource is added beside a declaration whose type and name are declared twice (resourceId would be ambiguous); in one fix set, new symbolic names stay unique', () => {
  const ai = (name: string) => ({ type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2024-10-01', name, kind: 'OpenAI', properties: {} });
  const text = JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', languageVersion: '2.0', contentVersion: '1.0.0.0',
    resources: { a: ai('twice'), b: ai('TWICE'), c: ai('once'), cDiagnostics: { type: 'Microsoft.Storage/storageAccounts', apiVersion: '2023-01-01', name: 'st' } },
  }, null, 2);
  const graph = readArmDeployment(parseArm({ uri: 'file:///w/main.json', text, kind: 'arm' }));
  const [a, b, c] = ['twice', 'TWICE', 'once'].map((n) => graph.accounts.find((x) => x.name === n)!);
  assert.deepEqual(editsFor([addDiagnosticSettingsFix(a)!], () => text), []);
  assert.deepEqual(editsFor([addDiagnosticSettingsFix(b)!], () => text), []);
  // Two fixes for `c` in one set: each new resource takes a name of its own, past the one declared.
  const fixed = apply(text, addDiagnosticSettingsFix(c)!, { ...addDiagnosticSettingsFix(c)!, title: 'again' });
  assert.deepEqual(syntaxErrors(fixed, 'arm'), []);
  assert.deepEqual(Object.keys((JSON.parse(fixed) as { resources: object }).resources), ['a', 'b', 'c', 'cDiagnostics', 'cDiagnostics2', 'cDiagnostics3']);
});

test('Bicep: a new parameter goes after targetScope and imports, before the first declaration; tabs and CRLF kept', () => {
  const text = "targetScope = 'resourceGroup'\r\n\r\nvar prefix = 'contoso'\r\n\r\nresource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {\r\n\tname: '${prefix}-ai'\r\n\tkind: 'OpenAI'\r\n\tproperties: {}\r\n}\r\n";
  const { account } = bicepAccount(text);
  const fixed = apply(text, addDiagnosticSettingsFix(account)!);
  assert.deepEqual(syntaxErrors(fixed, 'bicep'), []);
  assert.equal(fixed, "targetScope = 'resourceGroup'\r\n\r\n@description('Resource id of the Log Analytics workspace that receives the logs of the AI services.')\r\nparam logAnalyticsWorkspaceId string\r\n\r\nvar prefix = 'contoso'\r\n\r\nresource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {\r\n\tname: '${prefix}-ai'\r\n\tkind: 'OpenAI'\r\n\tproperties: {}\r\n}\r\n\r\nresource aiDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {\r\n\tname: '${ai.name}-logs'\r\n\tscope: ai\r\n\tproperties: {\r\n\t\tworkspaceId: logAnalyticsWorkspaceId\r\n\t\tlogs: [\r\n\t\t\t{\r\n\t\t\t\tcategory: 'Audit'\r\n\t\t\t\tenabled: true\r\n\t\t\t}\r\n\t\t\t{\r\n\t\t\t\tcategory: 'RequestResponse'\r\n\t\t\t\tenabled: true\r\n\t\t\t}\r\n\t\t]\r\n\t}\r\n}\r\n");
});

test('Bicep: an account without location gives resourceGroup().location; a parameter declared already is reused', () => {
  const text = "param privateEndpointSubnetId string\n\nresource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {\n  name: 'ai'\n  kind: 'OpenAI'\n  properties: {}\n}\n";
  const { graph, account } = bicepAccount(text);
  const fixed = apply(text, addPrivateEndpointFix(account, graph)!);
  assert.deepEqual(syntaxErrors(fixed, 'bicep'), []);
  assert.equal(fixed.match(/param privateEndpointSubnetId string/g)?.length, 1);
  assert.ok(fixed.includes('  location: resourceGroup().location\n'), fixed);
  assert.ok(fixed.startsWith("param privateEndpointSubnetId string\n\n@description('Resource id of the private DNS zone privatelink.openai.azure.com.')\nparam openAiPrivateDnsZoneId string\n"), fixed);
});

test('intents combine with a set on the same resource in one fix, in either writer', () => {
  const bicepText = "resource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {\n  name: 'ai'\n  kind: 'OpenAI'\n  properties: {}\n}\n";
  const armText = JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0',
    resources: [{ type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2024-10-01', name: 'ai', kind: 'OpenAI', properties: {} }],
  }, null, 2);
  for (const [kind, text, read] of [['bicep', bicepText, bicepAccount], ['arm', armText, armAccount]] as const) {
    const { account } = read(text);
    const changes: FixIntent[] = [
      { kind: 'set', target: account.declaration, path: ['properties', 'publicNetworkAccess'], value: 'Disabled' },
      { kind: 'add-parameter', target: account.declaration, name: 'tagValue', type: 'string' },
      {
        kind: 'add-resource', target: account.declaration, resource: account,
        declaration: { symbolicName: 'lock', type: 'Microsoft.Authorization/locks', apiVersion: '2020-05-01', name: ref.name('target', '-lock'), scopedToTarget: true, properties: { level: 'CanNotDelete', notes: ref.parameter('tagValue') } },
      },
    ];
    const fixed = apply(text, { title: 'test', safe: false, changes });
    assert.deepEqual(syntaxErrors(fixed, kind), [], fixed);
    assert.ok(fixed.includes(kind === 'bicep' ? "publicNetworkAccess: 'Disabled'" : '"publicNetworkAccess": "Disabled"'), fixed);
    assert.ok(fixed.includes(kind === 'bicep' ? 'notes: tagValue' : `"notes": "[parameters('tagValue')]"`), fixed);
    assert.ok(fixed.includes(kind === 'bicep' ? "name: '${ai.name}-lock'" : '"name": "ai-lock"'), fixed);
  }
});
