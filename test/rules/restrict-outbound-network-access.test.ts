import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'jsonc-parser';
import { account, applyFix, fixTitled, lint, lintResult, only, template, textAt, where } from '../support/lint';

const RULE = 'restrict-outbound-network-access';
const check = (text: string) => only(lint(text), RULE);

test('flags a missing restrictOutboundNetworkAccess at the type value', () => {
  const text = template(account('{ "publicNetworkAccess": "Disabled" }'));
  const [f, ...rest] = check(text);
  assert.equal(rest.length, 0);
  assert.equal(where(f), '6:15-6:53');
  assert.equal(textAt(f), '"Microsoft.CognitiveServices/accounts"');
  assert.equal(f.level, 'warning');
  assert.match(f.message, /^AI service 'oai' can open connections to any host on the internet: restrictOutboundNetworkAccess is not set\./);
});

test('flags false at the value and a string "true"', () => {
  const [f] = check(template(account('{ "restrictOutboundNetworkAccess": false }')));
  assert.equal(textAt(f), 'false');
  const [g] = check(template(account('{ "restrictOutboundNetworkAccess": "true" }')));
  assert.equal(textAt(g), '"true"');
  assert.match(g.message, /the string 'true'/);
});

test('leaves true alone, and other resource types with the same property', () => {
  assert.deepEqual(check(template(account('{ "restrictOutboundNetworkAccess": true }'))), []);
  const sql = `    { "type": "Microsoft.Sql/servers", "apiVersion": "2021-11-01", "name": "sql", "properties": { "restrictOutboundNetworkAccess": "Disabled" } },
    { "type": "Microsoft.Kusto/clusters", "apiVersion": "2023-08-15", "name": "k", "properties": {} },
    { "type": "Microsoft.Devices/IotHubs", "apiVersion": "2023-06-30", "name": "hub", "properties": { "restrictOutboundNetworkAccess": false } }`;
  assert.deepEqual(lint(template(sql)), []);
});

test('compares the type case-insensitively and skips existing resources', () => {
  const lower = template(account('{}').replace('Microsoft.CognitiveServices/accounts', 'microsoft.cognitiveservices/ACCOUNTS'));
  assert.equal(check(lower).length, 1);
  const existing = template(account('{}').replace('"location"', '"existing": true, "location"'));
  assert.deepEqual(lint(existing), []);
});

test('resolves a parameter default, and offers to change the default', () => {
  const params = `
  "parameters": { "restrict": { "type": "bool", "defaultValue": false } },`;
  const text = template(account(`{ "restrictOutboundNetworkAccess": "[parameters('restrict')]" }`), params);
  const [f] = check(text);
  assert.equal(textAt(f), `"[parameters('restrict')]"`);
  assert.match(f.message, /set by the default of parameter 'restrict'/);
  const fixed = applyFix(fixTitled(f, "Set the default of parameter 'restrict' to true"), text);
  assert.ok(fixed.includes('"defaultValue": true'));
  assert.deepEqual(check(fixed), []);
  const ok = template(account(`{ "restrictOutboundNetworkAccess": "[variables('r')]" }`), `
  "variables": { "r": true },`);
  assert.deepEqual(check(ok), []);
});

test('a parameter with no default cannot be verified: info, naming the parameter', () => {
  const text = template(account(`{ "restrictOutboundNetworkAccess": "[parameters('restrict')]" }`), `
  "parameters": { "restrict": { "type": "bool" } },`);
  const [f] = check(text);
  assert.equal(f.level, 'info');
  assert.match(f.message, /cannot be verified: it depends on parameter 'restrict'/);
});

test('a kind outside the documented list is reported at info, saying why', () => {
  const [f] = check(template(account('{}', { kind: 'TextTranslation' })));
  assert.equal(f.level, 'info');
  assert.equal(textAt(f), '"TextTranslation"');
  assert.match(f.message, /does not list among the kinds that support restrictOutboundNetworkAccess/);
});

test('finds accounts in languageVersion 2.0 objects, child resources and nested deployments', () => {
  const symbolic = `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "languageVersion": "2.0",
  "contentVersion": "1.0.0.0",
  "resources": {
    "ai": { "type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2024-10-01", "name": "[format('{0}-ai', 'x')]", "kind": "OpenAI", "properties": {} }
  }
}`;
  assert.deepEqual(check(symbolic).map((f) => f.resource), ['x-ai']);
  const child = template(`    { "type": "Microsoft.CognitiveServices", "apiVersion": "2024-10-01", "name": "p", "resources": [
      { "type": "accounts", "apiVersion": "2024-10-01", "name": "child-ai", "kind": "OpenAI", "properties": {} } ] }`);
  assert.deepEqual(check(child).map((f) => f.resource), ['child-ai']);
  const nested = template(`    { "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "d1", "properties": { "template": {
      "resources": [ { "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "d2", "properties": { "template": {
        "resources": [ { "type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2024-10-01", "name": "deep-ai", "kind": "OpenAI", "properties": {} } ] } } } ] } } }`);
  assert.deepEqual(check(nested).map((f) => f.resource), ['deep-ai']);
});

test('the fix inserts restriction and an empty allow-list, keeping indentation, and leaves valid JSON', () => {
  const text = template(account('{\n        "customSubDomainName": "oai"\n      }'));
  const [f] = check(text);
  const fixed = applyFix(fixTitled(f, "Restrict outbound network access for 'oai'"), text);
  assert.deepEqual(check(fixed), []);
  const props = (parse(fixed) as { resources: { properties: object }[] }).resources[0].properties;
  assert.deepEqual(props, { customSubDomainName: 'oai', restrictOutboundNetworkAccess: true, allowedFqdnList: [] });
  assert.ok(fixed.includes('\n        "restrictOutboundNetworkAccess": true,\n        "allowedFqdnList": []\n      }'), fixed);
  assert.equal(fixed.slice(0, text.indexOf('"properties"')), text.slice(0, text.indexOf('"properties"')));
});

test('the fix keeps an existing allow-list, CRLF line endings and comments', () => {
  const text = template(account('{\n        // hosts we need\n        "allowedFqdnList": ["a.blob.core.windows.net"],\n        "restrictOutboundNetworkAccess": false\n      }')).replace(/\n/g, '\r\n');
  const [f] = check(text);
  const fixed = applyFix(fixTitled(f, 'Restrict outbound'), text);
  assert.deepEqual(check(fixed), []);
  assert.ok(fixed.includes('// hosts we need'));
  assert.ok(fixed.includes('"allowedFqdnList": ["a.blob.core.windows.net"]'));
  assert.ok(!/[^\r]\n/.test(fixed), 'only CRLF line endings');
});

test('the hardened block adds public access Disabled and networkAcls Deny', () => {
  const text = template(account('{}'));
  const [f] = check(text);
  const fixed = applyFix(fixTitled(f, "Apply hardened networking block to 'oai'"), text);
  const props = (parse(fixed) as { resources: { properties: object }[] }).resources[0].properties;
  assert.deepEqual(props, { restrictOutboundNetworkAccess: true, allowedFqdnList: [], publicNetworkAccess: 'Disabled', networkAcls: { defaultAction: 'Deny' } });
  assert.deepEqual(lint(fixed), []);
});

test('a resource without properties gets them; a suppression with a reason silences the rule', () => {
  const text = template(account('{}').replace(/,\n\s*"properties": \{\}/, ''));
  const [f] = check(text);
  const fixed = applyFix(fixTitled(f, 'Restrict outbound'), text);
  assert.deepEqual(check(fixed), []);
  const suppressed = applyFix(fixTitled(f, `Suppress ${RULE} for 'oai'`), text);
  assert.deepEqual(check(suppressed), []);
  const meta = (parse(suppressed) as { resources: { metadata: unknown }[] }).resources[0].metadata;
  assert.deepEqual(meta, { aiEgressGuard: { suppress: { [RULE]: 'TODO: say why this is acceptable' } } });
});

// ---- the fix allows what the service depends on -------------------------------------------------

const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
const withDeps = (properties: Record<string, unknown>, parameters: Record<string, unknown> = {}, searchName = "[parameters('search')]") => `${JSON.stringify({
  $schema: SCHEMA, contentVersion: '1.0.0.0', parameters: { search: { type: 'string', defaultValue: 'srch' }, ...parameters },
  resources: [
    { type: 'Microsoft.Search/searchServices', apiVersion: '2023-11-01', name: searchName, location: 'eastus' },
    { type: 'Microsoft.Storage/storageAccounts', apiVersion: '2023-01-01', name: 'contosodocs', location: 'eastus' },
    {
      type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2024-10-01', name: 'oai', location: 'eastus', kind: 'OpenAI', tags: { owner: 'team' },
      identity: { type: 'SystemAssigned' }, properties: { customSubDomainName: 'oai', publicNetworkAccess: 'Disabled', ...properties },
    },
    { type: 'Microsoft.Authorization/roleAssignments', apiVersion: '2022-04-01', name: 'ra1', scope: `[format('Microsoft.Search/searchServices/{0}', ${searchName.slice(1, -1)})]`,
      properties: { roleDefinitionId: "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '1407120a-92aa-4202-b7e9-c0e197c71c8f')]",
        principalId: "[reference(resourceId('Microsoft.CognitiveServices/accounts', 'oai'), '2024-10-01', 'full').identity.principalId]" } },
    { type: 'Microsoft.Authorization/roleAssignments', apiVersion: '2022-04-01', name: 'ra2', scope: 'Microsoft.Storage/storageAccounts/contosodocs',
      properties: { roleDefinitionId: "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1')]",
        principalId: "[reference(resourceId('Microsoft.CognitiveServices/accounts', 'oai'), '2024-10-01', 'full').identity.principalId]" } },
  ],
}, null, 2)}\n`;
const listOf = (text: string) => (parse(text) as { resources: { properties: { allowedFqdnList?: unknown } }[] }).resources[2].properties.allowedFqdnList;
const messages = (text: string) => lint(text).map((x) => `${x.ruleId}|${x.message}`);

test('the fix writes every host the service depends on; the title says how many; then nothing is missing', () => {
  const text = withDeps({});
  const [f] = check(text);
  const fix = fixTitled(f, "Restrict outbound network access for 'oai', allowing the 2 hosts it needs");
  assert.equal(fix.safe, false);
  assert.equal(fix.preferred, true);
  const fixed = applyFix(fix, text);
  assert.deepEqual(listOf(fixed), ['srch.search.windows.net', 'contosodocs.blob.core.windows.net']);
  assert.deepEqual(lint(fixed), [], 'no allow-required-fqdns finding, and nothing else');
  assert.deepEqual(only(lint(fixed), 'allow-required-fqdns'), []);
});

test('the fix merges the hosts into the entries already there; with no dependency the title says it will reach nothing', () => {
  const text = withDeps({ restrictOutboundNetworkAccess: false, allowedFqdnList: ['srch.search.windows.net', 'partner.example'] });
  const [f] = check(text);
  const fixed = applyFix(fixTitled(f, "Restrict outbound network access for 'oai', allowing the 2 hosts it needs"), text);
  assert.deepEqual(listOf(fixed), ['srch.search.windows.net', 'partner.example', 'contosodocs.blob.core.windows.net']);
  const before = messages(text).filter((m) => !m.startsWith(RULE));
  assert.deepEqual(messages(fixed), before, 'only the restriction finding goes away');
  const [bare] = check(template(account('{}')));
  assert.deepEqual(bare.fixes.map((x) => x.title).slice(0, 1), ["Restrict outbound network access for 'oai' (it will reach nothing: the template shows no dependency)"]);
});

test('Bicep: the fix writes the hosts, per cloud; through a parameter default the default is set to true', () => {
  const text = `resource st 'Microsoft.Storage/storageAccounts@2023-01-01' = { name: 'contosodocs' }
resource speech 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'speech'
  kind: 'SpeechServices'
  tags: { owner: 'team' }
  properties: {
    publicNetworkAccess: 'Disabled'
    userOwnedStorage: [
      { resourceId: st.id }
    ]
  }
}
`;
  const bicep = (t: string, cloud: 'AzureCloud' | 'AzureUSGovernment' = 'AzureCloud') => [...lintResult(t, { cloud }, 'file:///work/s.bicep', 'bicep').findings];
  for (const [cloud, suffix] of [['AzureCloud', 'core.windows.net'], ['AzureUSGovernment', 'core.usgovcloudapi.net']] as const) {
    const [f] = only(bicep(text, cloud), RULE);
    const fixed = applyFix(fixTitled(f, "Restrict outbound network access for 'speech', allowing the 1 host it needs"), text);
    assert.ok(fixed.includes(`    restrictOutboundNetworkAccess: true\n    allowedFqdnList: [\n      'contosodocs.blob.${suffix}'\n    ]\n`), fixed);
    assert.deepEqual(bicep(fixed, cloud), []);
  }
  const param = `param restrict bool = false\n${text.replace("    publicNetworkAccess: 'Disabled'\n", "    publicNetworkAccess: 'Disabled'\n    restrictOutboundNetworkAccess: restrict\n    allowedFqdnList: [\n      'contosodocs.blob.core.windows.net'\n    ]\n")}`;
  const [g] = only(bicep(param), RULE);
  const fixed = applyFix(fixTitled(g, "Set the default of parameter 'restrict' to true"), param);
  assert.deepEqual(bicep(fixed), []);
});

test('no restrict fix while a dependency host is known only in part (it cannot be written yet)', () => {
  const text = withDeps({}, { search: { type: 'string' } }, "[format('srch-{0}', parameters('search'))]");
  assert.deepEqual(only(lint(text.replace('"publicNetworkAccess": "Disabled"', '"publicNetworkAccess": "Disabled", "restrictOutboundNetworkAccess": true')), 'allow-required-fqdns').map((x) => x.data.host),
    ['srch-{…}.search.windows.net', 'contosodocs.blob.core.windows.net'], 'both dependencies are seen');
  const [f] = check(text);
  assert.deepEqual(f.fixes.map((x) => x.title), [`Suppress ${RULE} for 'oai' (with a reason)`]);
});
