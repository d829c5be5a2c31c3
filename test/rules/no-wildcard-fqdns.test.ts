// no-wildcard-fqdns: each case runs as ARM JSON and as Bicep (see test/support/ruleTester.ts).

import { rule } from '../../rules/no-wildcard-fqdns';
import { expr, marked, param, ruleTester, type Val } from '../support/ruleTester';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'jsonc-parser';
import { account, applyFix, fixTitled, lint, only, template } from '../support/lint';

const RULE = 'no-wildcard-fqdns';
const withList = (entries: string, extra = '') =>
  template(account(`{ "restrictOutboundNetworkAccess": true, "publicNetworkAccess": "Disabled", "allowedFqdnList": [${entries}] }`), extra);

const list = (...entries: Val[]) => ({ restrictOutboundNetworkAccess: true, publicNetworkAccess: 'Disabled', allowedFqdnList: entries });

ruleTester(rule, {
  valid: [
    { name: 'exact hosts', properties: list('a.blob.core.windows.net') },
    {
      name: 'wildcards on other resource types: no rule reports them',
      account: false,
      resources: [{ type: 'Microsoft.Web/sites', apiVersion: '2023-01-01', name: 'w', properties: { allowedFqdnList: ['*'] } }],
      allRules: true,
    },
    {
      name: 'a partly unknown host built by an expression is no wildcard, for any rule',
      params: { sa: { type: 'string' } },
      properties: list(expr({ arm: "format('{0}.blob.{1}', parameters('sa'), environment().suffixes.storage)", bicep: "'${sa}.blob.${environment().suffixes.storage}'" })),
      allRules: true,
    },
    {
      name: 'ARM metadata suppression covers the whole resource',
      only: 'arm',
      suppress: { 'no-wildcard-fqdns': 'reviewed: the storage accounts are ours' },
      properties: list('*.blob.core.windows.net'),
    },
    {
      name: "Bicep's #disable-next-line silences the line below it",
      code: {
        bicep: `resource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai'
  properties: {
    restrictOutboundNetworkAccess: true
    allowedFqdnList: [
      #disable-next-line no-wildcard-fqdns
      '*.blob.core.windows.net'
    ]
  }
}
`,
      },
    },
  ],
  invalid: [
    {
      name: 'each wildcard entry, at the entry, at warning',
      properties: list(marked('blob', '*.blob.core.windows.net'), 'ok.search.windows.net', marked('api', 'api.*.contoso.com')),
      errors: [
        {
          messageId: 'wildcard', at: 'blob', arm: '18:11-18:36', bicep: '12:7-12:32', level: 'warning',
          data: { resource: "'oai'", entry: '*.blob.core.windows.net' },
          message: /^AI service 'oai' allows wildcard '\*\.blob\.core\.windows\.net'\. It admits every host under it/,
          fixTitles: ["Remove '*.blob.core.windows.net' from the allowed FQDNs of 'oai'", "Suppress no-wildcard-fqdns for 'oai' (with a reason)"],
          fixes: [{ title: "Remove '*.blob.core.windows.net' from the allowed FQDNs of 'oai'", safe: false, output: { properties: list('ok.search.windows.net', 'api.*.contoso.com') } }],
        },
        {
          messageId: 'wildcard', at: 'api', data: { entry: 'api.*.contoso.com' },
          fixes: [{ title: "Remove 'api.*.contoso.com'", output: { properties: list('*.blob.core.windows.net', 'ok.search.windows.net') } }],
        },
      ],
    },
    {
      name: 'a wildcard built by an expression, evaluated; ARM points at the literal inside the expression',
      properties: list(expr({ arm: "format('*.blob.{0}', environment().suffixes.storage)", bicep: "'*.blob.${environment().suffixes.storage}'" })),
      errors: [{
        messageId: 'wildcard', arm: '18:20-18:32', bicep: '12:7-12:49', data: { entry: '*.blob.core.windows.net' },
        // The entry is not a literal: it cannot be removed by a fix.
        fixTitles: ["Suppress no-wildcard-fqdns for 'oai' (with a reason)"],
      }],
    },
    {
      name: 'a wildcard in a parameter default: the fix removes it from the default',
      params: { hosts: { type: 'array', default: ['*.vault.azure.net', 'kv.vault.azure.net'] } },
      properties: { restrictOutboundNetworkAccess: true, publicNetworkAccess: 'Disabled', allowedFqdnList: param('hosts') },
      errors: [{
        // Items of a list that flowed in are located where they are written.
        messageId: 'wildcard', at: ['parameters', 'hosts', 0], data: { entry: '*.vault.azure.net' },
        fixes: [{ title: "Remove '*.vault.azure.net'", output: { params: { hosts: { type: 'array', default: ['kv.vault.azure.net'] } } } }],
      }],
    },
  ],
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
  // The hosts as the template computes them (the storage suffix of the cloud deployed to); the entry already there for docs1 is the same host.
  assert.deepEqual(list, ["[format('docs1.blob.{0}', environment().suffixes.storage)]", "[format('docs2.queue.{0}', environment().suffixes.storage)]", 'partner.example']);
  assert.deepEqual(only(lint(fixed), RULE), []);
  assert.deepEqual(only(lint(fixed), 'allow-required-fqdns'), []);
  // A wildcard that covers no dependency gets only the removal.
  const [g] = only(lint(withList('"*.contoso.com"')), RULE);
  assert.deepEqual(g.fixes.map((x) => x.title).filter((t) => t.startsWith('Replace')), []);
});
