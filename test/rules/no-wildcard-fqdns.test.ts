import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'jsonc-parser';
import { account, applyFix, fixTitled, lint, only, template, textAt, where } from '../support/lint';

const RULE = 'no-wildcard-fqdns';
const withList = (entries: string, extra = '') =>
  template(account(`{ "restrictOutboundNetworkAccess": true, "publicNetworkAccess": "Disabled", "allowedFqdnList": [${entries}] }`), extra);

test('flags each wildcard entry at the entry', () => {
  const text = withList('"*.blob.core.windows.net", "ok.search.windows.net", "api.*.contoso.com"');
  const found = only(lint(text), RULE);
  assert.deepEqual(found.map(textAt), ['"*.blob.core.windows.net"', '"api.*.contoso.com"']);
  assert.equal(where(found[0]), '12:117-12:142');
  assert.equal(found[0].level, 'warning');
  assert.match(found[0].message, /^AI service 'oai' allows outbound connections to '\*\.blob\.core\.windows\.net', a wildcard/);
});

test('leaves exact hosts alone, and wildcards on other resource types', () => {
  assert.deepEqual(only(lint(withList('"a.blob.core.windows.net"')), RULE), []);
  const other = template(`    { "type": "Microsoft.Web/sites", "apiVersion": "2023-01-01", "name": "w", "properties": { "allowedFqdnList": ["*"] } }`);
  assert.deepEqual(lint(other), []);
});

test('sees wildcards built by expressions, and not partly unknown hosts', () => {
  const wild = withList(`"[format('*.blob.{0}', environment().suffixes.storage)]"`);
  const [f] = only(lint(wild), RULE);
  assert.match(f.message, /'\*\.blob\.core\.windows\.net'/);
  const host = withList(`"[format('{0}.blob.{1}', parameters('sa'), environment().suffixes.storage)]"`, `
  "parameters": { "sa": { "type": "string" } },`);
  assert.deepEqual(lint(host).filter((x) => x.ruleId !== 'require-owner-tag'), []);
});

test('the fix removes just the entry and keeps valid JSON', () => {
  const text = withList('"*.blob.core.windows.net", "ok.search.windows.net"');
  const [f] = only(lint(text), RULE);
  const fixed = applyFix(fixTitled(f, "Remove '*.blob.core.windows.net' from the allowed FQDNs of 'oai'"), text);
  assert.deepEqual((parse(fixed) as { resources: { properties: { allowedFqdnList: string[] } }[] }).resources[0].properties.allowedFqdnList, ['ok.search.windows.net']);
  assert.deepEqual(only(lint(fixed), RULE), []);
});

test('a wildcard covering dependencies: the fix replaces it with exactly those hosts', () => {
  const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
  const role = (name: string, scope: string, guid: string) => ({
    type: 'Microsoft.Authorization/roleAssignments', apiVersion: '2022-04-01', name, scope,
    properties: { roleDefinitionId: `[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${guid}')]`,
      principalId: "[reference(resourceId('Microsoft.CognitiveServices/accounts', 'oai'), '2024-10-01', 'full').identity.principalId]" },
  });
  const text = `${JSON.stringify({
    $schema: SCHEMA, contentVersion: '1.0.0.0',
    resources: [
      { type: 'Microsoft.Storage/storageAccounts', apiVersion: '2023-01-01', name: 'docs1', location: 'eastus' },
      { type: 'Microsoft.Storage/storageAccounts', apiVersion: '2023-01-01', name: 'docs2', location: 'eastus' },
      { type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2024-10-01', name: 'oai', location: 'eastus', kind: 'OpenAI', tags: { owner: 'team' },
        identity: { type: 'SystemAssigned' },
        properties: { customSubDomainName: 'oai', publicNetworkAccess: 'Disabled', restrictOutboundNetworkAccess: true, allowedFqdnList: ['*.core.windows.net', 'docs1.blob.core.windows.net', 'partner.example'] } },
      role('r1', 'Microsoft.Storage/storageAccounts/docs1', '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'),
      role('r2', 'Microsoft.Storage/storageAccounts/docs2', '974c5e8b-45b9-4653-ba55-5f855dd0fb88'),
    ],
  }, null, 2)}\n`;
  const [f] = only(lint(text), RULE);
  const fix = fixTitled(f, "Replace '*.core.windows.net' with the 2 hosts this template uses under it");
  assert.equal(fix.safe, false);
  assert.equal(f.fixes[0], fix, 'preferred, first');
  const fixed = applyFix(fix, text);
  const list = (parse(fixed) as { resources: { properties: { allowedFqdnList?: string[] } }[] }).resources[2].properties.allowedFqdnList;
  assert.deepEqual(list, ['docs1.blob.core.windows.net', 'docs2.queue.core.windows.net', 'partner.example']);
  assert.deepEqual(only(lint(fixed), RULE), []);
  assert.deepEqual(only(lint(fixed), 'allow-required-fqdns'), []);
  // A wildcard that covers no dependency gets only the removal.
  const [g] = only(lint(withList('"*.contoso.com"')), RULE);
  assert.deepEqual(g.fixes.map((x) => x.title).filter((t) => t.startsWith('Replace')), []);
});
