// no-unexplained-fqdns in ARM and Bicep: entries explained by a dependency, by a resource of the
// deployment, by approvedFqdns (top level or rule option), and the ones nothing explains.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeSettings, validateSettings } from '../../server/src/engine/config';
import { applyFix, fixTitled, lintResult, only, textAt } from '../support/lint';

const RULE = 'no-unexplained-fqdns';
const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';

function arm(resources: unknown[]): string {
  return `${JSON.stringify({ $schema: SCHEMA, contentVersion: '1.0.0.0', resources }, null, 2)}\n`;
}
const account = (list: unknown[], extra: Record<string, unknown> = {}, tags: Record<string, string> = { owner: 'ai-platform@contoso.com' }) => ({
  type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2024-10-01', name: 'oai', location: 'eastus', kind: 'OpenAI', tags,
  identity: { type: 'SystemAssigned' },
  properties: { customSubDomainName: 'oai', publicNetworkAccess: 'Disabled', restrictOutboundNetworkAccess: true, allowedFqdnList: list, ...extra },
});
const STORAGE = { type: 'Microsoft.Storage/storageAccounts', apiVersion: '2023-01-01', name: 'contosodocs', location: 'eastus' };
const SEARCH = { type: 'Microsoft.Search/searchServices', apiVersion: '2023-11-01', name: 'srch', location: 'eastus' };

const unexplained = (text: string, settings = {}, kind: 'arm' | 'bicep' = 'arm') =>
  only(lintResult(text, settings, kind === 'arm' ? 'file:///work/t.json' : 'file:///work/t.bicep', kind).findings, RULE);

test('ARM: an entry nothing explains is reported at the entry (info), naming the owner to ask', () => {
  const text = arm([account(['api.unknown-partner.example'])]);
  const [f, ...rest] = unexplained(text);
  assert.equal(rest.length, 0);
  assert.equal(f.level, 'info');
  assert.equal(textAt(f), '"api.unknown-partner.example"');
  assert.equal(f.message, "AI service 'oai' allows a host nothing in the template uses. 'api.unknown-partner.example' is no dependency of the service, no host of a resource of this deployment, and matches no approvedFqdns pattern. Ask 'ai-platform@contoso.com' (the owner tag) whether the service still needs it; then remove it, or add it to approvedFqdns in the config.");
  const noOwner = unexplained(arm([account(['api.unknown-partner.example'], {}, { env: 'prod' })]));
  assert.match(noOwner[0].message, /Ask the service's owner whether/);
  const costOwner = unexplained(arm([account(['api.unknown-partner.example'], {}, { costCenterOwner: 'finops' })]));
  assert.match(costOwner[0].message, /Ask 'finops' \(the owner tag\)/);
});

test('explained: a dependency, a resource of the deployment (its own storage account), an existing resource', () => {
  const ra = {
    type: 'Microsoft.Authorization/roleAssignments', apiVersion: '2022-04-01', name: 'ra', scope: 'Microsoft.Search/searchServices/srch',
    properties: { roleDefinitionId: "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '1407120a-92aa-4202-b7e9-c0e197c71c8f')]",
      principalId: "[reference(resourceId('Microsoft.CognitiveServices/accounts', 'oai'), '2024-10-01', 'full').identity.principalId]" },
  };
  const kv = { type: 'Microsoft.KeyVault/vaults', apiVersion: '2023-07-01', name: 'shared-kv', existing: true };
  const text = arm([STORAGE, SEARCH, kv, account(['srch.search.windows.net', "[format('contosodocs.queue.{0}', environment().suffixes.storage)]", 'shared-kv.vault.azure.net']), ra]);
  assert.deepEqual(unexplained(text), []);
});

test('approvedFqdns: top-level patterns and the rule option; *.domain covers hosts under it, not the domain itself', () => {
  const text = arm([account(['api.partner.example', 'x.contoso.com', 'deep.x.contoso.com', 'contoso.com', 'other.example'])]);
  const left = (settings: object) => unexplained(text, settings).map((f) => f.data.entry);
  assert.deepEqual(left({}), ['api.partner.example', 'x.contoso.com', 'deep.x.contoso.com', 'contoso.com', 'other.example']);
  assert.deepEqual(left({ approvedFqdns: ['*.contoso.com', 'API.partner.example'] }), ['contoso.com', 'other.example']);
  const option = validateSettings({ rules: { [RULE]: { level: 'warning', approvedFqdns: ['other.example'] } } }, 'test').settings;
  const findings = unexplained(text, option);
  assert.deepEqual(findings.map((f) => f.data.entry), ['api.partner.example', 'x.contoso.com', 'deep.x.contoso.com', 'contoso.com']);
  assert.equal(findings[0].level, 'warning');
});

test('approvedFqdns is validated: host names and *.domain patterns only', () => {
  assert.deepEqual(validateSettings({ approvedFqdns: ['*.contoso.com', 'api.partner.example'] }, 'cfg'), { settings: { approvedFqdns: ['*.contoso.com', 'api.partner.example'] }, problems: [] });
  assert.match(validateSettings({ approvedFqdns: ['https://x.example/'] }, 'cfg').problems[0], /"approvedFqdns" has 'https:\/\/x\.example\/': it has a URL scheme/);
  assert.match(validateSettings({ approvedFqdns: ['a.*.example'] }, 'cfg').problems[0], /wildcard is allowed only as the first label/);
  assert.match(validateSettings({ approvedFqdns: 'x.example' }, 'cfg').problems[0], /must be an array/);
  assert.match(validateSettings({ rules: { [RULE]: { approvedFqdns: ['a b'] } } }, 'cfg').problems[0], /option 'approvedFqdns' of 'no-unexplained-fqdns' has 'a b'/);
  // Later layers replace the list, as for ownerTagNames.
  const merged = mergeSettings({ approvedFqdns: ['a.example'] }, { approvedFqdns: ['b.example'] });
  assert.deepEqual(merged.ruleOptions[RULE], { approvedFqdns: ['b.example'] });
});

test('not judged here: wildcards, entries that are no host name, entries known only in part', () => {
  const text = JSON.stringify({
    $schema: SCHEMA, contentVersion: '1.0.0.0', parameters: { sa: { type: 'string' } },
    resources: [account(['*.blob.core.windows.net', 'https://x.search.windows.net/', "[format('{0}.blob.core.windows.net', parameters('sa'))]"])],
  }, null, 2);
  assert.deepEqual(unexplained(text), []);
});

test('Bicep: reported at the entry; a storage account of the deployment explains its host; the fix removes the entry', () => {
  const text = `resource st 'Microsoft.Storage/storageAccounts@2023-01-01' = { name: 'contosodocs' }
resource oai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai'
  kind: 'OpenAI'
  tags: { owner: 'team' }
  properties: {
    publicNetworkAccess: 'Disabled'
    restrictOutboundNetworkAccess: true
    allowedFqdnList: [
      '\${st.name}.blob.\${environment().suffixes.storage}'
      'api.unknown-partner.example'
    ]
  }
}
`;
  const [f, ...rest] = unexplained(text, {}, 'bicep');
  assert.equal(rest.length, 0);
  assert.equal(textAt(f), "'api.unknown-partner.example'");
  const fixed = applyFix(fixTitled(f, "Remove 'api.unknown-partner.example' from the allowed FQDNs of 'oai'"), text);
  assert.ok(!fixed.includes('unknown-partner'));
  assert.deepEqual(unexplained(fixed, {}, 'bicep'), []);
});
