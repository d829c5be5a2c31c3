import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'jsonc-parser';
import { account, applyFix, fixTitled, lint, only, template, textAt, where } from '../support/lint';

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

test('the hardened block says what it changes: restriction, public access Disabled, networkAcls Deny', () => {
  const text = template(account('{}'));
  const [f] = check(text);
  const fixed = applyFix(fixTitled(f, "Restrict outbound access, disable public network access and set networkAcls.defaultAction to 'Deny' for 'oai'"), text);
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
