// allow-required-fqdns in ARM and Bicep: each kind of evidence, the silent cases, modules, and the fix.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding } from '../../server/src/engine/analyze';
import { applyFix, applyToFiles, fixTitled, lintResult, only, textAt, where } from '../support/lint';
import { ACCOUNT_URI, APPROVED, LIST_PARAM, MAIN_PASSING_DOCS, MAIN_THROUGH_MID, MID, MID_URI, MODULE_OWN_LIST, MODULE_PROJECT, MODULE_STORE, STORE_URI } from '../support/modules';
import type { Fix } from '../../server/src/engine/fixes';
import { applyFileEdits, editsFor } from '../../server/src/engine/edits';

const RULE = 'allow-required-fqdns';
const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
const ARM_URI = 'file:///work/deps.json';
const BICEP_URI = 'file:///work/main.bicep';

function arm(resources: unknown[], parameters: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ $schema: SCHEMA, contentVersion: '1.0.0.0', parameters, resources }, null, 2)}\n`;
}
const armFindings = (text: string) => [...lintResult(text, {}, ARM_URI).findings];
const bicepFindings = (text: string, files: Record<string, string> = {}) => [...lintResult(text, {}, BICEP_URI, 'bicep', files).findings];
const ofRule = (fs: readonly Finding[]) => only(fs, RULE);
const related = (f: Finding) => f.related.map((r) => `${r.message} @${r.loc.file.text.slice(r.loc.start, r.loc.end).split('\n')[0]}`);

const AI = 'Microsoft.CognitiveServices/accounts';
const SEARCH = { type: 'Microsoft.Search/searchServices', apiVersion: '2023-11-01', name: "[parameters('search')]", location: 'eastus' };
const STORAGE = { type: 'Microsoft.Storage/storageAccounts', apiVersion: '2023-01-01', name: "[parameters('st')]", location: 'eastus' };
const PARAMS = { search: { type: 'string', defaultValue: 'srch' }, st: { type: 'string', defaultValue: 'contosodocs' } };
const account = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: AI, apiVersion: '2025-06-01', name: 'ai', location: 'eastus', kind: 'AIServices', tags: { owner: 'team' },
  identity: { type: 'SystemAssigned' },
  properties: { customSubDomainName: 'ai', publicNetworkAccess: 'Disabled', restrictOutboundNetworkAccess: true, ...properties }, ...extra,
});
const ROLE = (guid: string) => `[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${guid}')]`;
const roleAssignment = (scope: string, guid: string, principalId = "[reference(resourceId('Microsoft.CognitiveServices/accounts', 'ai'), '2025-06-01', 'full').identity.principalId]") => ({
  type: 'Microsoft.Authorization/roleAssignments', apiVersion: '2022-04-01', name: `[guid('${scope}', '${guid}')]`, scope,
  properties: { roleDefinitionId: ROLE(guid), principalId, principalType: 'ServicePrincipal' },
});
const SEARCH_READER = '1407120a-92aa-4202-b7e9-c0e197c71c8f';

// ---- ARM: each kind of evidence -------------------------------------------------------------------

test('ARM role assignment: the missing search host is reported at allowedFqdnList, with the evidence', () => {
  const text = arm([SEARCH, account({ allowedFqdnList: ['other.contoso.com'] }), roleAssignment("[format('Microsoft.Search/searchServices/{0}', parameters('search'))]", SEARCH_READER)], PARAMS);
  const [f, ...rest] = ofRule(armFindings(text));
  assert.equal(rest.length, 0);
  assert.equal(f.level, 'warning');
  assert.equal(textAt(f), '[\n          "other.contoso.com"\n        ]');
  assert.equal(f.message, "AI service 'ai' cannot reach 'srch.search.windows.net'. allowedFqdnList does not admit it, and it is the search service 'srch', a dependency because the managed identity of the service has Search Index Data Reader on search service 'srch'. Without it, its queries of the search index (On Your Data, agent file search and vector stores) fail with HTTP 400 \"Outbound network access is restricted\": add 'srch.search.windows.net' to allowedFqdnList.");
  assert.deepEqual(f.data.host, 'srch.search.windows.net');
  assert.deepEqual(related(f), ["the managed identity of the service has Search Index Data Reader on search service 'srch' @\"[reference(resourceId('Microsoft.CognitiveServices/accounts', 'ai'), '2025-06-01', 'full').identity.principalId]\""]);
});

test('ARM connection and capability host: one finding per missing host', () => {
  const text = arm([
    SEARCH, STORAGE, account({ allowedFqdnList: [] }),
    { type: `${AI}/projects`, apiVersion: '2025-06-01', name: 'ai/proj', location: 'eastus', properties: {} },
    { type: `${AI}/projects/connections`, apiVersion: '2025-06-01', name: 'ai/proj/search',
      properties: { category: 'CognitiveSearch', target: "[reference(resourceId('Microsoft.Search/searchServices', parameters('search')), '2023-11-01').endpoint]" } },
    { type: `${AI}/projects/connections`, apiVersion: '2025-06-01', name: 'ai/proj/files',
      properties: { category: 'AzureStorageAccount', target: "[reference(resourceId('Microsoft.Storage/storageAccounts', parameters('st')), '2023-01-01').primaryEndpoints.blob]" } },
    { type: `${AI}/projects/capabilityHosts`, apiVersion: '2025-06-01', name: 'ai/proj/agents', properties: { vectorStoreConnections: ['search'], storageConnections: ['files'] } },
  ], PARAMS);
  const found = ofRule(armFindings(text));
  assert.deepEqual(found.map((f) => f.data.host), ['srch.search.windows.net', 'contosodocs.blob.core.windows.net']);
  assert.deepEqual(found.map((f) => f.data.why), ["connection 'search' (CognitiveSearch) of project 'proj'", "connection 'files' (AzureStorageAccount) of project 'proj'"]);
  assert.deepEqual(found[0].related.map((r) => r.message), ["connection 'search' (CognitiveSearch) of project 'proj'", "capability host 'agents' uses connection 'search' as its vector store"]);
});

test('ARM userOwnedStorage; the list absent: reported at restrictOutboundNetworkAccess', () => {
  const text = arm([STORAGE, account({ userOwnedStorage: [{ resourceId: "[resourceId('Microsoft.Storage/storageAccounts', parameters('st'))]" }] }, { kind: 'FormRecognizer' })], PARAMS);
  const [f] = ofRule(armFindings(text));
  assert.equal(textAt(f), 'true');
  assert.match(f.message, /^AI service 'ai' cannot reach 'contosodocs\.blob\.core\.windows\.net'\. allowedFqdnList does not admit it, and it is the storage account 'contosodocs', a dependency because storage account 'contosodocs' is the service's userOwnedStorage\. Without it, its reads and writes of blobs/);
});

// ---- silent cases -----------------------------------------------------------------------------------

test('silent: covered by an exact entry (as the template computes it) or by a wildcard; not restricted; another principal', () => {
  const ra = roleAssignment("[format('Microsoft.Search/searchServices/{0}', parameters('search'))]", SEARCH_READER);
  const exact = arm([SEARCH, account({ allowedFqdnList: ["[format('{0}.search.windows.net', parameters('search'))]"] }), ra], PARAMS);
  assert.deepEqual(ofRule(armFindings(exact)), []);
  const upper = arm([SEARCH, account({ allowedFqdnList: ['SRCH.search.windows.net.'] }), ra], PARAMS);
  assert.deepEqual(ofRule(armFindings(upper)), []);
  const wildcard = arm([SEARCH, account({ allowedFqdnList: ['*.search.windows.net'] }), ra], PARAMS);
  assert.deepEqual(ofRule(armFindings(wildcard)), [], 'the wildcard is no-wildcard-fqdns\'s business');
  assert.equal(only(armFindings(wildcard), 'no-wildcard-fqdns').length, 1);
  const open = arm([SEARCH, account({ restrictOutboundNetworkAccess: false, allowedFqdnList: [] }), ra], PARAMS);
  assert.deepEqual(ofRule(armFindings(open)), [], 'restrict-outbound-network-access reports it');
  const unknown = arm([SEARCH, account({ restrictOutboundNetworkAccess: "[parameters('restrict')]", allowedFqdnList: [] }), ra], { ...PARAMS, restrict: { type: 'bool' } });
  assert.deepEqual(ofRule(armFindings(unknown)), []);
  const someoneElse = arm([SEARCH, account({ allowedFqdnList: [] }),
    roleAssignment("[format('Microsoft.Search/searchServices/{0}', parameters('search'))]", SEARCH_READER, "[parameters('userId')]")],
  { ...PARAMS, userId: { type: 'string', defaultValue: '11111111-1111-1111-1111-111111111111' } });
  assert.deepEqual(ofRule(armFindings(someoneElse)), []);
});

test('silent: a list not known before deployment, or holding an entry that is not', () => {
  const ra = roleAssignment("[format('Microsoft.Search/searchServices/{0}', parameters('search'))]", SEARCH_READER);
  const wholeList = arm([SEARCH, account({ allowedFqdnList: "[parameters('hosts')]" }), ra], { ...PARAMS, hosts: { type: 'array' } });
  assert.deepEqual(ofRule(armFindings(wholeList)), []);
  const oneEntry = arm([SEARCH, account({ allowedFqdnList: ["[parameters('host')]"] }), ra], { ...PARAMS, host: { type: 'string' } });
  assert.deepEqual(ofRule(armFindings(oneEntry)), []);
});

test('Bicep silent: a connection of another account; an existing account; an ML workspace connection to the account', () => {
  const text = `resource search 'Microsoft.Search/searchServices@2023-11-01' = { name: 'srch' }
resource ai 'Microsoft.CognitiveServices/accounts@2025-06-01' = {
  name: 'ai'
  tags: { owner: 'team' }
  properties: { customSubDomainName: 'ai', publicNetworkAccess: 'Disabled', restrictOutboundNetworkAccess: true, allowedFqdnList: [] }
}
resource other 'Microsoft.CognitiveServices/accounts@2025-06-01' = {
  name: 'other'
  tags: { owner: 'team' }
  properties: { publicNetworkAccess: 'Disabled', restrictOutboundNetworkAccess: false }
  resource conn 'connections' = {
    name: 'search'
    properties: { category: 'CognitiveSearch', target: search.properties.endpoint }
  }
}
resource elsewhere 'Microsoft.CognitiveServices/accounts@2025-06-01' existing = {
  name: 'elsewhere'
  resource conn 'connections' = {
    name: 'search'
    properties: { category: 'CognitiveSearch', target: search.properties.endpoint }
  }
}
resource hub 'Microsoft.MachineLearningServices/workspaces@2024-10-01' = {
  name: 'hub'
  resource conn 'connections' = {
    name: 'aoai'
    properties: { category: 'AzureOpenAI', target: ai.properties.endpoint, metadata: { ResourceId: ai.id } }
  }
}
`;
  assert.deepEqual(ofRule(bicepFindings(text)), []);
});

// ---- Bicep: each kind of evidence ----------------------------------------------------------------

const BICEP_DEPS = `param searchName string = 'srch'
resource search 'Microsoft.Search/searchServices@2023-11-01' = { name: searchName }
resource st 'Microsoft.Storage/storageAccounts@2023-01-01' = { name: 'contosodocs' }
resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = { name: 'cdb' }
resource kv 'Microsoft.KeyVault/vaults@2023-07-01' = { name: 'kv1' }
resource ai 'Microsoft.CognitiveServices/accounts@2025-06-01' = {
  name: 'ai'
  kind: 'AIServices'
  identity: { type: 'SystemAssigned' }
  tags: { owner: 'team' }
  properties: {
    customSubDomainName: 'ai'
    publicNetworkAccess: 'Disabled'
    restrictOutboundNetworkAccess: true
    allowedFqdnList: [
      '\${searchName}.search.windows.net'
    ]
    userOwnedStorage: [
      { resourceId: st.id }
    ]
  }
  resource project 'projects' = {
    name: 'proj'
    properties: {}
    resource threads 'connections' = {
      name: 'threads'
      properties: { category: 'CosmosDb', target: cosmos.properties.documentEndpoint, metadata: { ResourceId: cosmos.id } }
    }
    resource caps 'capabilityHosts' = {
      name: 'agents'
      properties: { threadStorageConnections: [threads.name] }
    }
  }
}
resource secrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid('kv')
  scope: kv
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')
    principalId: ai.identity.principalId
  }
}
resource searchReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid('search')
  scope: search
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${SEARCH_READER}')
    principalId: ai.identity.principalId
  }
}
`;

test('Bicep: connection + capability host, userOwnedStorage, role assignment: each missing host once, at the list', () => {
  const found = ofRule(bicepFindings(BICEP_DEPS));
  assert.deepEqual(found.map((f) => [f.data.host, where(f)]), [
    ['cdb.documents.azure.com', '15:22-17:6'],
    ['contosodocs.blob.core.windows.net', '15:22-17:6'],
    ['kv1.vault.azure.net', '15:22-17:6'],
  ], 'the search host is listed, computed as the template computes it');
  assert.deepEqual(found.map((f) => f.related.map((r) => r.message)), [
    ["connection 'threads' (CosmosDb) of project 'proj'", "capability host 'agents' uses connection 'threads' as its thread storage"],
    ["storage account 'contosodocs' is the service's userOwnedStorage"],
    ["the managed identity of the service has Key Vault Secrets User on key vault 'kv1'"],
  ]);
  assert.match(found[2].message, /Without it, its reads of secrets and keys fail with HTTP 400/);
});

for (const [cloud, suffix] of [['AzureUSGovernment', 'core.usgovcloudapi.net'], ['AzureChinaCloud', 'core.chinacloudapi.cn']] as const) {
  test(`hosts follow the configured cloud (${cloud})`, () => {
    const found = ofRule([...lintResult(BICEP_DEPS, { cloud }, BICEP_URI, 'bicep').findings]);
    assert.ok(found.some((f) => f.data.host === `contosodocs.blob.${suffix}`), JSON.stringify(found.map((f) => f.data.host)));
  });
}

// ---- modules ----------------------------------------------------------------------------------------

const MODULE_ACCOUNT = `param baseName string
param allowedHosts array = []
resource ai 'Microsoft.CognitiveServices/accounts@2025-06-01' = {
  name: 'aif\${baseName}'
  kind: 'AIServices'
  tags: { owner: 'team' }
  properties: {
    customSubDomainName: 'aif\${baseName}'
    publicNetworkAccess: 'Disabled'
    restrictOutboundNetworkAccess: true
    allowedFqdnList: allowedHosts
  }
}
output name string = ai.name
`;

/** The entry template of the two modules: the account's, and the project's whose connection targets the search service. */
const MAIN_TWO_MODULES = `param baseName string
resource search 'Microsoft.Search/searchServices@2023-11-01' = { name: 'srch-\${baseName}' }
module account 'account.bicep' = {
  name: 'account'
  params: { baseName: baseName }
}
module project 'project.bicep' = {
  name: 'project'
  params: { accountName: account.outputs.name, searchName: search.name }
}
`;

test('Bicep modules: the connection lives in a sibling module; the finding is at the module call that deploys the account', () => {
  const files = { 'file:///work/account.bicep': MODULE_ACCOUNT, 'file:///work/project.bicep': MODULE_PROJECT };
  const main = MAIN_TWO_MODULES;
  const [f, ...rest] = ofRule(bicepFindings(main, files));
  assert.equal(rest.length, 0);
  assert.equal(f.messageId, 'missingInModule');
  assert.equal(textAt(f), "module account 'account.bicep' = {");
  assert.equal(f.message, "AI service 'ai' cannot reach 'srch-{…}.search.windows.net'. The allowedFqdnList that module 'account' sets does not admit it, and it is the search service 'srch-{…}', a dependency because connection 'search' (CognitiveSearch) of project 'proj'. Without it, its queries of the search index (On Your Data, agent file search and vector stores) fail with HTTP 400 \"Outbound network access is restricted\": pass 'srch-{…}.search.windows.net' to the module's allow-list from here.");
  assert.deepEqual(f.related.map((r) => r.loc.file.uri), ['file:///work/account.bicep', 'file:///work/project.bicep']);
  // Passing the host the way the template names the search service silences it.
  const passed = main.replace("params: { baseName: baseName }", "params: { baseName: baseName, allowedHosts: ['srch-${baseName}.search.windows.net'] }");
  assert.deepEqual(ofRule(bicepFindings(passed, files)), []);
  // The fix: the caller passes the module's allow-list parameter, with the host as the caller names the search service.
  const fixed = applyFix(fixTitled(f, "Allow 'srch-{…}.search.windows.net' in the allowed FQDNs of 'ai'"), main);
  assert.ok(fixed.includes("params: { baseName: baseName, allowedHosts: ['${search.name}.search.windows.net'] }"), fixed);
  assert.deepEqual(bicepFindings(fixed, files).map((x) => x.ruleId), []);
});

test('Bicep modules: a module that writes its own allow-list is made to take it as a parameter, which the caller passes', () => {
  const account = MODULE_ACCOUNT.replace('allowedFqdnList: allowedHosts', "allowedFqdnList: [\n      'partner.example'\n    ]");
  const files: Record<string, string> = { 'file:///work/account.bicep': account, 'file:///work/project.bicep': MODULE_PROJECT };
  const main = MAIN_TWO_MODULES;
  const [f] = ofRule(bicepFindings(main, files));
  assert.equal(f.messageId, 'missingInModule');
  const fix = fixTitled(f, "Allow 'srch-{…}.search.windows.net' in the allowed FQDNs of 'ai'");
  assert.equal(fix.safe, false);
  const edits = editsFor([fix], (uri) => (uri === BICEP_URI ? main : files[uri]));
  const after = (uri: string, text: string) => applyFileEdits(text, edits.filter((e) => e.uri === uri));
  const fixedMain = after(BICEP_URI, main);
  const fixedAccount = after('file:///work/account.bicep', account);
  assert.equal(fixedAccount, account
    .replace('param allowedHosts array = []\n', "param allowedHosts array = []\n\n@description('Hosts the AI service may reach (allowedFqdnList); callers pass the hosts of the dependencies they declare.')\nparam allowedFqdnList array = [\n  'partner.example'\n]\n")
    .replace("allowedFqdnList: [\n      'partner.example'\n    ]", 'allowedFqdnList: allowedFqdnList'));
  assert.ok(fixedMain.includes("params: { baseName: baseName, allowedFqdnList: ['partner.example', '${search.name}.search.windows.net'] }"), fixedMain);
  // Nothing is missing now; the entry nothing explains is reported where it is now written, the caller.
  assert.deepEqual(bicepFindings(fixedMain, { ...files, 'file:///work/account.bicep': fixedAccount }).map((x) => `${x.ruleId} ${x.data.entry}`), ['no-unexplained-fqdns partner.example']);
});

const MODULE_NOTE = " (changes module 'account.bicep' to take parameter 'allowedFqdnList', and its call in main.bicep to pass it)";
const findingsOf = (uri: string, files: Record<string, string>) =>
  [...lintResult(files[uri], APPROVED, uri, 'bicep', files).findings].map((f) => `${f.ruleId}|${f.message}`);
const applyAll = (fix: Fix, files: Record<string, string>) => applyToFiles([fix], files);


test('Bicep modules: hosts only the caller can say (a target it passes, a sibling\'s connection) are reported at the module call; one fix passes them all', () => {
  const main = MAIN_PASSING_DOCS;
  const files: Record<string, string> = { [BICEP_URI]: main, [ACCOUNT_URI]: MODULE_OWN_LIST, 'file:///work/project.bicep': MODULE_PROJECT };
  const found = ofRule([...lintResult(main, APPROVED, BICEP_URI, 'bicep', files).findings]);
  assert.deepEqual(found.map((f) => [f.messageId, f.data.host, textAt(f)]), [
    ['missingInModule', 'st{…}.blob.core.windows.net', "module account 'account.bicep' = {"],
    ['missingInModule', 'srch-{…}.search.windows.net', "module account 'account.bicep' = {"],
  ]);
  // The module alone cannot see either host: nothing to report there.
  assert.deepEqual(ofRule([...lintResult(MODULE_OWN_LIST, APPROVED, ACCOUNT_URI, 'bicep', files).findings]), []);
  const title = `Allow the 2 missing hosts in the allowed FQDNs of 'ai'${MODULE_NOTE}`;
  assert.deepEqual(found.map((f) => f.fixes.map((x) => x.title)), [[title, "Suppress allow-required-fqdns for 'ai' (with a reason)"], [title, "Suppress allow-required-fqdns for 'ai' (with a reason)"]]);
  const fix = fixTitled(found[0], title);
  assert.equal(fix.safe, false);
  const fixed = applyAll(fix, files);
  assert.equal(fixed[ACCOUNT_URI], MODULE_OWN_LIST.replace('param docsEndpoint string\n', `param docsEndpoint string\n${LIST_PARAM}`)
    .replace("allowedFqdnList: [\n      'partner.example'\n    ]", 'allowedFqdnList: allowedFqdnList'));
  assert.equal(fixed[BICEP_URI], main.replace('docsEndpoint: st.properties.primaryEndpoints.blob }',
    "docsEndpoint: st.properties.primaryEndpoints.blob, allowedFqdnList: ['partner.example', '${st.name}.blob.${environment().suffixes.storage}', '${search.name}.search.windows.net'] }"));
  assert.equal(fixed['file:///work/project.bicep'], MODULE_PROJECT);
  // Both files re-analyse with no allow-required-fqdns finding, and nothing else changed.
  assert.deepEqual(findingsOf(BICEP_URI, fixed), findingsOf(BICEP_URI, files).filter((m) => !m.startsWith(RULE)));
  assert.deepEqual(findingsOf(ACCOUNT_URI, fixed), findingsOf(ACCOUNT_URI, files));
});

test('Bicep modules with several callers: the fix changes the call it is reported at; the module\'s default keeps the list, so other calls are unchanged', () => {
  const main = `resource st 'Microsoft.Storage/storageAccounts@2023-01-01' = { name: 'stdocs' }
resource other 'Microsoft.Storage/storageAccounts@2023-01-01' = { name: 'stother' }
module a 'account.bicep' = {
  name: 'a'
  params: { baseName: 'a', docsEndpoint: st.properties.primaryEndpoints.blob }
}
module b 'account.bicep' = {
  name: 'b'
  params: { baseName: 'b', docsEndpoint: other.properties.primaryEndpoints.blob }
}
module c 'account.bicep' = {
  name: 'c'
  params: { baseName: 'c', docsEndpoint: 'https://partner.example/docs' }
}
`;
  const files: Record<string, string> = { [BICEP_URI]: main, [ACCOUNT_URI]: MODULE_OWN_LIST };
  const found = ofRule([...lintResult(main, APPROVED, BICEP_URI, 'bicep', files).findings]);
  assert.deepEqual(found.map((f) => [f.resource, f.data.host, textAt(f)]), [
    ['aifa', 'stdocs.blob.core.windows.net', "module a 'account.bicep' = {"],
    ['aifb', 'stother.blob.core.windows.net', "module b 'account.bicep' = {"],
  ], "c's host is in the module's list");
  const fixed = applyAll(fixTitled(found[0], `Allow 'stdocs.blob.core.windows.net' in the allowed FQDNs of 'aifa'${MODULE_NOTE}`), files);
  assert.equal(fixed[BICEP_URI], main.replace("docsEndpoint: st.properties.primaryEndpoints.blob }",
    "docsEndpoint: st.properties.primaryEndpoints.blob, allowedFqdnList: ['partner.example', '${st.name}.blob.${environment().suffixes.storage}'] }"));
  // b still misses its host; c keeps the list it had (the parameter's default).
  const after = ofRule([...lintResult(fixed[BICEP_URI], APPROVED, BICEP_URI, 'bicep', fixed).findings]);
  assert.deepEqual(after.map((f) => [f.resource, f.data.host, textAt(f)]), [['aifb', 'stother.blob.core.windows.net', "module b 'account.bicep' = {"]]);
  assert.deepEqual(findingsOf(BICEP_URI, fixed), findingsOf(BICEP_URI, files).filter((m) => !m.includes("'aifa'")));
  // b's fix now only passes the module's parameter: one file.
  const next = applyAll(fixTitled(after[0], "Allow 'stother.blob.core.windows.net' in the allowed FQDNs of 'aifb'"), fixed);
  assert.equal(after[0].fixes[0].title, "Allow 'stother.blob.core.windows.net' in the allowed FQDNs of 'aifb'");
  assert.equal(next[ACCOUNT_URI], fixed[ACCOUNT_URI]);
  assert.ok(next[BICEP_URI].includes("docsEndpoint: other.properties.primaryEndpoints.blob, allowedFqdnList: ['partner.example', '${other.name}.blob.${environment().suffixes.storage}'] }"), next[BICEP_URI]);
  assert.deepEqual(findingsOf(BICEP_URI, next).filter((m) => m.startsWith(RULE)), []);
});

test('Bicep modules: a resource the module names by what its caller passes: reported at the call (the module alone cannot see the host), the module\'s list gets it in the module\'s terms', () => {
  const module = `param searchName string
resource search 'Microsoft.Search/searchServices@2023-11-01' existing = { name: searchName }
${MODULE_OWN_LIST.replace('param baseName string\nparam docsEndpoint string\n', "param baseName string\n").replace(/ {2}resource docs[\s\S]*?\n {2}}\n/, '')}resource reader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid('search')
  scope: search
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${SEARCH_READER}')
    principalId: ai.identity.principalId
  }
}
`;
  const main = `resource search 'Microsoft.Search/searchServices@2023-11-01' = { name: 'srch' }
module account 'account.bicep' = {
  name: 'account'
  params: { baseName: 'x', searchName: search.name }
}
`;
  const files: Record<string, string> = { [BICEP_URI]: main, [ACCOUNT_URI]: module };
  assert.deepEqual(ofRule([...lintResult(module, APPROVED, ACCOUNT_URI, 'bicep', files).findings]), [], 'the search service\'s name is unknown to the module alone');
  const [f, ...rest] = ofRule([...lintResult(main, APPROVED, BICEP_URI, 'bicep', files).findings]);
  assert.equal(rest.length, 0);
  assert.equal(f.messageId, 'missingInModuleList');
  assert.equal(textAt(f), "module account 'account.bicep' = {");
  assert.equal(f.message, "AI service 'aifx' cannot reach 'srch.search.windows.net'. The allowedFqdnList that module 'account' sets does not admit it, and it is the search service 'srch', a dependency because the managed identity of the service has Search Index Data Reader on search service 'srch'; the module names it by what this call passes. Without it, its queries of the search index (On Your Data, agent file search and vector stores) fail with HTTP 400 \"Outbound network access is restricted\": add the host to the module's allowedFqdnList, in the module's terms.");
  const fixed = applyAll(fixTitled(f, "Allow 'srch.search.windows.net' in the allowed FQDNs of 'aifx' (changes module 'account.bicep')"), files);
  // Right for every caller: the module's own name for the search service.
  assert.equal(fixed[ACCOUNT_URI], module.replace("allowedFqdnList: [\n      'partner.example'\n    ]", "allowedFqdnList: [\n      'partner.example'\n      '${search.name}.search.windows.net'\n    ]"));
  assert.equal(fixed[BICEP_URI], main);
  assert.deepEqual(findingsOf(BICEP_URI, fixed), findingsOf(BICEP_URI, files).filter((m) => !m.startsWith(RULE)));
  assert.deepEqual(findingsOf(ACCOUNT_URI, fixed), findingsOf(ACCOUNT_URI, files));
});

// ---- modules two or more deep: the list is threaded through the modules between ----------------------

const ruleFindings = (uri: string, files: Record<string, string>) => ofRule([...lintResult(files[uri], APPROVED, uri, 'bicep', files).findings]);

test('Bicep modules two deep: hosts only the entry template can say are reported at its call; one fix threads the list through the module between', () => {
  const files: Record<string, string> = { [BICEP_URI]: MAIN_THROUGH_MID, [MID_URI]: MID, [ACCOUNT_URI]: MODULE_OWN_LIST, 'file:///work/project.bicep': MODULE_PROJECT };
  const found = ruleFindings(BICEP_URI, files);
  assert.deepEqual(found.map((f) => [f.messageId, f.data.host, where(f)]), [
    ['missingInModule', 'st{…}.blob.core.windows.net', '4:1-4:27'],
    ['missingInModule', 'srch-{…}.search.windows.net', '4:1-4:27'],
  ]);
  assert.equal(textAt(found[0]), "module mid 'mid.bicep' = {");
  // Neither module alone can see a host.
  assert.deepEqual(ruleFindings(MID_URI, files), []);
  assert.deepEqual(ruleFindings(ACCOUNT_URI, files), []);
  const title = "Allow the 2 missing hosts in the allowed FQDNs of 'ai' (changes module 'account.bicep' to take parameter 'allowedFqdnList', module 'mid.bicep' to take it and pass it on, and the call in main.bicep to pass it)";
  assert.deepEqual(found.map((f) => f.fixes[0].title), [title, title]);
  const fixed = applyAll(fixTitled(found[1], title), files);
  assert.equal(fixed[ACCOUNT_URI], MODULE_OWN_LIST.replace('param docsEndpoint string\n', `param docsEndpoint string\n${LIST_PARAM}`)
    .replace("allowedFqdnList: [\n      'partner.example'\n    ]", 'allowedFqdnList: allowedFqdnList'));
  assert.equal(fixed[MID_URI], MID.replace('param docsEndpoint string\n', `param docsEndpoint string\n${LIST_PARAM}`)
    .replace('docsEndpoint: docsEndpoint }', 'docsEndpoint: docsEndpoint, allowedFqdnList: allowedFqdnList }'));
  // The hosts in the entry template's terms.
  assert.equal(fixed[BICEP_URI], MAIN_THROUGH_MID.replace('docsEndpoint: st.properties.primaryEndpoints.blob }',
    "docsEndpoint: st.properties.primaryEndpoints.blob, allowedFqdnList: ['partner.example', '${st.name}.blob.${environment().suffixes.storage}', '${search.name}.search.windows.net'] }"));
  assert.equal(fixed['file:///work/project.bicep'], MODULE_PROJECT);
  // Every file re-analyses with no allow-required-fqdns finding, and nothing else changed.
  for (const uri of [BICEP_URI, MID_URI, ACCOUNT_URI]) assert.deepEqual(findingsOf(uri, fixed), findingsOf(uri, files).filter((m) => !m.startsWith(RULE)), uri);
});

test('Bicep modules two deep: a list the module between passes gets a parameter there (the account\'s module is unchanged); entries are said in the caller\'s terms', () => {
  const account = MODULE_ACCOUNT.replace('param allowedHosts array = []', "param allowedHosts array = []\nparam docsEndpoint string")
    .replace("    allowedFqdnList: allowedHosts\n  }\n", "    allowedFqdnList: allowedHosts\n  }\n  resource docs 'connections' = {\n    name: 'docs'\n    properties: { category: 'AzureBlob', target: docsEndpoint }\n  }\n");
  const mid = MID.replace('params: { baseName: baseName, docsEndpoint: docsEndpoint }', "params: {\n    baseName: baseName\n    docsEndpoint: docsEndpoint\n    allowedHosts: [\n      'partner.example'\n      '${baseName}.contoso.com'\n    ]\n  }");
  const main = MAIN_THROUGH_MID.replace(/module project[\s\S]*$/, '');
  const files: Record<string, string> = { [BICEP_URI]: main, [MID_URI]: mid, [ACCOUNT_URI]: account };
  const settings = { approvedFqdns: ['partner.example', '*.contoso.com'] };
  const [f, ...rest] = ofRule([...lintResult(main, settings, BICEP_URI, 'bicep', files).findings]);
  assert.equal(rest.length, 0);
  assert.deepEqual([f.messageId, f.data.host, textAt(f)], ['missingInModule', 'st{…}.blob.core.windows.net', "module mid 'mid.bicep' = {"]);
  const fixed = applyAll(fixTitled(f, "Allow 'st{…}.blob.core.windows.net' in the allowed FQDNs of 'ai' (changes module 'mid.bicep' to take parameter 'allowedFqdnList', and its call in main.bicep to pass it)"), files);
  assert.equal(fixed[ACCOUNT_URI], account);
  assert.equal(fixed[MID_URI], mid.replace('param docsEndpoint string\n', `param docsEndpoint string\n${LIST_PARAM.replace("  'partner.example'\n", "  'partner.example'\n  '${baseName}.contoso.com'\n")}`)
    .replace("allowedHosts: [\n      'partner.example'\n      '${baseName}.contoso.com'\n    ]", 'allowedHosts: allowedFqdnList'));
  assert.equal(fixed[BICEP_URI], main.replace('docsEndpoint: st.properties.primaryEndpoints.blob }',
    "docsEndpoint: st.properties.primaryEndpoints.blob, allowedFqdnList: ['partner.example', '${baseName}.contoso.com', '${st.name}.blob.${environment().suffixes.storage}'] }"));
  for (const uri of [BICEP_URI, MID_URI, ACCOUNT_URI]) {
    const after = [...lintResult(fixed[uri], settings, uri, 'bicep', fixed).findings].map((x) => `${x.ruleId}|${x.message}`);
    const before = [...lintResult(files[uri], settings, uri, 'bicep', files).findings].map((x) => `${x.ruleId}|${x.message}`);
    assert.deepEqual(after, before.filter((m) => !m.startsWith(RULE)), uri);
  }
});

test('Bicep modules three deep: each module between takes the parameter the account\'s module defaults (kept as it is); left alone when one of them has a parameter of that name', () => {
  const account = MODULE_OWN_LIST.replace('param docsEndpoint string\n', "param docsEndpoint string\nparam hosts array = [\n  'partner.example'\n]\n")
    .replace("allowedFqdnList: [\n      'partner.example'\n    ]", 'allowedFqdnList: hosts');
  const outer = `param docsEndpoint string
module mid 'mid.bicep' = {
  name: 'mid'
  params: { baseName: 'x', docsEndpoint: docsEndpoint }
}
`;
  const main = `resource st 'Microsoft.Storage/storageAccounts@2023-01-01' = { name: 'stdocs' }
module outer 'outer.bicep' = {
  name: 'outer'
  params: { docsEndpoint: st.properties.primaryEndpoints.blob }
}
`;
  const OUTER_URI = 'file:///work/outer.bicep';
  const files: Record<string, string> = { [BICEP_URI]: main, [OUTER_URI]: outer, [MID_URI]: MID, [ACCOUNT_URI]: account };
  const [f, ...rest] = ruleFindings(BICEP_URI, files);
  assert.equal(rest.length, 0);
  assert.deepEqual([f.messageId, f.data.host, where(f)], ['missingInModule', 'stdocs.blob.core.windows.net', '2:1-2:31']);
  assert.deepEqual(f.related.map((r) => `${r.message} @${r.loc.file.uri.slice(r.loc.file.uri.lastIndexOf('/') + 1)} ${textAt({ loc: r.loc } as Finding)}`), [
    "the allow-list of AI service 'aifx' @account.bicep hosts",
    "connection 'docs' (AzureBlob) of the service @account.bicep docsEndpoint",
  ]);
  const fixed = applyAll(fixTitled(f, "Allow 'stdocs.blob.core.windows.net' in the allowed FQDNs of 'aifx' (changes module 'mid.bicep' and module 'outer.bicep' to take parameter 'allowedFqdnList' and pass it on, and the call in main.bicep to pass it)"), files);
  assert.equal(fixed[ACCOUNT_URI], account);
  assert.equal(fixed[MID_URI], MID.replace('param docsEndpoint string\n', `param docsEndpoint string\n${LIST_PARAM}`).replace('docsEndpoint: docsEndpoint }', 'docsEndpoint: docsEndpoint, hosts: allowedFqdnList }'));
  assert.equal(fixed[OUTER_URI], outer.replace('param docsEndpoint string\n', `param docsEndpoint string\n${LIST_PARAM}`).replace('docsEndpoint: docsEndpoint }', 'docsEndpoint: docsEndpoint, allowedFqdnList: allowedFqdnList }'));
  assert.equal(fixed[BICEP_URI], main.replace('docsEndpoint: st.properties.primaryEndpoints.blob }',
    "docsEndpoint: st.properties.primaryEndpoints.blob, allowedFqdnList: ['partner.example', '${st.name}.blob.${environment().suffixes.storage}'] }"));
  for (const uri of Object.keys(files)) assert.deepEqual(findingsOf(uri, fixed), findingsOf(uri, files).filter((m) => !m.startsWith(RULE)), uri);
  // A module between that has a parameter of that name already: no fix writes over it.
  const taken = { ...files, [MID_URI]: MID.replace('param docsEndpoint string\n', 'param docsEndpoint string\nparam allowedFqdnList array = []\n') };
  const [g] = ruleFindings(BICEP_URI, taken);
  assert.equal(g.data.host, 'stdocs.blob.core.windows.net');
  assert.deepEqual(g.fixes.map((x) => x.title), ["Suppress allow-required-fqdns for 'aifx' (with a reason)"]);
});

type Deployment = { properties: { parameters: Record<string, { value: unknown }>; template: { parameters: Record<string, { defaultValue?: unknown }>; resources: Deployment[] } } };

/**
 * An ARM template: the storage account, and nested deployment 'mid' passing its blob endpoint to nested deployment
 * 'account', whose template (`inner`) declares the account (its allow-list `list`) and a connection to that endpoint.
 */
function throughNestedMid(list: unknown, innerParameters: Record<string, unknown> = {}) {
  const inner = {
    $schema: SCHEMA, contentVersion: '1.0.0.0', parameters: { docs: { type: 'string' }, ...innerParameters },
    resources: [account({ allowedFqdnList: list }),
      { type: `${AI}/connections`, apiVersion: '2025-06-01', name: 'ai/docs', dependsOn: ['ai'], properties: { category: 'AzureBlob', target: "[parameters('docs')]" } }],
  };
  const nested = (name: string, docs: string, template: unknown) => ({
    type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name,
    properties: { mode: 'Incremental', expressionEvaluationOptions: { scope: 'inner' }, parameters: { docs: { value: docs } }, template },
  });
  const mid = { $schema: SCHEMA, contentVersion: '1.0.0.0', parameters: { docs: { type: 'string' } }, resources: [nested('account', "[parameters('docs')]", inner)] };
  const text = arm([STORAGE, nested('mid', "[reference(resourceId('Microsoft.Storage/storageAccounts', parameters('st')), '2023-01-01').primaryEndpoints.blob]", mid)], PARAMS);
  return { text, inner };
}

/** The call of 'mid' in a text from `throughNestedMid`, and the call of 'account' in its template. */
function nestedCalls(text: string): { outerCall: Deployment; innerCall: Deployment } {
  const outerCall = (JSON.parse(text) as { resources: Deployment[] }).resources[1];
  return { outerCall, innerCall: outerCall.properties.template.resources[0] };
}

test('ARM nested deployments two deep: the list is threaded through the nested template between', () => {
  const { text } = throughNestedMid(['partner.example']);
  const [f, ...rest] = ofRule([...lintResult(text, APPROVED, ARM_URI).findings]);
  assert.equal(rest.length, 0);
  assert.deepEqual([f.messageId, f.data.host, textAt(f)], ['missingInModule', 'contosodocs.blob.core.windows.net', '"mid"']);
  const fixed = applyFix(fixTitled(f, "Allow 'contosodocs.blob.core.windows.net' in the allowed FQDNs of 'ai' (changes nested deployment 'account' to take parameter 'allowedFqdnList', nested deployment 'mid' to take it and pass it on, and the call in deps.json to pass it)"), text);
  const { outerCall, innerCall } = nestedCalls(fixed);
  assert.deepEqual(outerCall.properties.parameters.allowedFqdnList, { value: ['partner.example', "[format('{0}.blob.{1}', parameters('st'), environment().suffixes.storage)]"] });
  assert.deepEqual(outerCall.properties.template.parameters.allowedFqdnList.defaultValue, ['partner.example']);
  assert.deepEqual(innerCall.properties.parameters.allowedFqdnList, { value: "[parameters('allowedFqdnList')]" });
  assert.deepEqual(innerCall.properties.template.parameters.allowedFqdnList.defaultValue, ['partner.example']);
  assert.equal((innerCall.properties.template.resources[0] as unknown as { properties: { allowedFqdnList: unknown } }).properties.allowedFqdnList, "[parameters('allowedFqdnList')]");
  assert.deepEqual(ofRule([...lintResult(fixed, APPROVED, ARM_URI).findings]), []);
});

// ---- Bicep for loops: read per iteration --------------------------------------------------------------

/** An account with a system identity that may reach nothing (restricted, an empty allow-list). */
const UNREACHING_ACCOUNT = `resource ai 'Microsoft.CognitiveServices/accounts@2025-06-01' = {
  name: 'ai'
  kind: 'AIServices'
  identity: { type: 'SystemAssigned' }
  tags: { owner: 'team' }
  properties: { customSubDomainName: 'ai', publicNetworkAccess: 'Disabled', restrictOutboundNetworkAccess: true, allowedFqdnList: [] }
}
`;
const SEARCH_CONTRIBUTOR = '8ebe5a00-799e-43f5-93ac-243d3dce84a7';
const BLOB_READER = '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1';
/** An account that reaches nothing, and role assignments of its identity on a search service in a loop (`iterable`: what follows `for`, to the body's brace), of role `role`. */
const ROLE_LOOP = (iterable: string, role = 'role', principal = 'ai.identity.principalId') => `resource search 'Microsoft.Search/searchServices@2023-11-01' = { name: 'srch' }
${UNREACHING_ACCOUNT}param otherPrincipal string = '11111111-1111-1111-1111-111111111111'
param unknownRoles array
var searchRoles = [
  '${SEARCH_READER}'
  '${SEARCH_CONTRIBUTOR}'
]
resource grants 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for ${iterable} {
  name: guid(search.id, string(${role}))
  scope: search
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', ${role})
    principalId: ${principal}
  }
}]
`;
const entryAt = (r: Finding['related'][number]) => `${r.loc.file.uri.slice(r.loc.file.uri.lastIndexOf('/') + 1)}:${where({ loc: r.loc } as Finding)} ${textAt({ loc: r.loc } as Finding)}`;

test('Bicep role assignments in a for loop: each iteration is read, its evidence at its array entry', () => {
  const text = ROLE_LOOP('role in searchRoles:');
  const [f, ...rest] = ofRule(bicepFindings(text));
  assert.equal(rest.length, 0);
  assert.deepEqual([f.messageId, f.data.host, where(f), textAt(f)], ['missing', 'srch.search.windows.net', '7:131-7:133', '[]']);
  assert.deepEqual(f.related.map((r) => `${r.message} @${entryAt(r)}`), [
    `the managed identity of the service has Search Index Data Reader on search service 'srch' @main.bicep:12:3-12:41 '${SEARCH_READER}'`,
    `the managed identity of the service has Search Index Data Contributor on search service 'srch' @main.bicep:13:3-13:41 '${SEARCH_CONTRIBUTOR}'`,
  ]);
  const fixed = applyFix(fixTitled(f, "Allow 'srch.search.windows.net' in the allowed FQDNs of 'ai'"), text);
  assert.equal(fixed, text.replace('allowedFqdnList: [] }', "allowedFqdnList: [\n    '${search.name}.search.windows.net'\n  ] }"));
  assert.deepEqual(ofRule(bicepFindings(fixed)), []);
});

const ROLE_LOOP_TABLE: readonly { readonly name: string; readonly iterable: string; readonly role?: string; readonly principal?: string; readonly hosts: readonly string[] }[] = [
  { name: 'an index loop over a range', iterable: 'i in range(0, 2):', role: 'searchRoles[i]', hosts: ['srch.search.windows.net'] },
  { name: 'exactly 64 iterations', iterable: 'i in range(0, 64):', role: 'searchRoles[i % 2]', hosts: ['srch.search.windows.net'] },
  { name: 'item and index', iterable: '(role, i) in searchRoles:', hosts: ['srch.search.windows.net'] },
  { name: 'a filter keeping a data role', iterable: `role in searchRoles: if (role == '${SEARCH_CONTRIBUTOR}')`, hosts: ['srch.search.windows.net'] },
  // Left alone: what cannot be read per iteration is read once, its roles unknown; no data role; another principal.
  { name: 'an array not known before deployment', iterable: 'role in unknownRoles:', hosts: [] },
  { name: 'more than 64 iterations', iterable: 'i in range(0, 65):', role: 'searchRoles[i % 2]', hosts: [] },
  { name: 'a filter not known before deployment', iterable: 'role in searchRoles: if (contains(unknownRoles, role))', hosts: [] },
  { name: 'a filter leaving out every data role', iterable: "role in searchRoles: if (role == 'none')", hosts: [] },
  { name: 'no data role', iterable: "role in ['acdd72a7-3385-48ef-bd42-f606fba81ae7']:", hosts: [] },
  { name: 'another principal', iterable: 'role in searchRoles:', principal: 'otherPrincipal', hosts: [] },
];
for (const c of ROLE_LOOP_TABLE) {
  test(`Bicep role assignments in a for loop: ${c.name}`, () => {
    const result = lintResult(ROLE_LOOP(c.iterable, c.role, c.principal), {}, BICEP_URI, 'bicep');
    assert.deepEqual(result.problems, []);
    const found = ofRule([...result.findings]);
    assert.deepEqual(found.map((f) => [f.data.host, where(f)]), c.hosts.map((h) => [h, '7:131-7:133']));
  });
}

test('Bicep connections in a for loop: one per iteration, named as it names them; a capability host uses the one it names', () => {
  const text = `var stores = [
  { name: 'stdocs' }
  { name: 'stlogs' }
]
resource ai 'Microsoft.CognitiveServices/accounts@2025-06-01' = {
  name: 'ai'
  kind: 'AIServices'
  tags: { owner: 'team' }
  properties: { customSubDomainName: 'ai', publicNetworkAccess: 'Disabled', restrictOutboundNetworkAccess: true, allowedFqdnList: [] }
}
resource conns 'Microsoft.CognitiveServices/accounts/connections@2025-06-01' = [for st in stores: {
  parent: ai
  name: st.name
  properties: { category: 'AzureBlob', target: 'https://\${st.name}.blob.\${environment().suffixes.storage}/' }
}]
resource agents 'Microsoft.CognitiveServices/accounts/capabilityHosts@2025-06-01' = {
  parent: ai
  name: 'agents'
  properties: { storageConnections: ['stdocs'] }
}
`;
  const found = ofRule(bicepFindings(text));
  assert.deepEqual(found.map((f) => [f.data.host, where(f), f.related.map((r) => `${r.message} @${entryAt(r)}`)]), [
    ['stdocs.blob.core.windows.net', '9:131-9:133', [
      "connection 'stdocs' (AzureBlob) of the service @main.bicep:2:3-2:21 { name: 'stdocs' }",
      "capability host 'agents' uses connection 'stdocs' as its file storage @main.bicep:19:38-19:46 'stdocs'",
    ]],
    ['stlogs.blob.core.windows.net', '9:131-9:133', ["connection 'stlogs' (AzureBlob) of the service @main.bicep:3:3-3:21 { name: 'stlogs' }"]],
  ]);
  // Read once (the array not known here): one connection whose host is known only in part, which no fix can write.
  const once = ofRule(bicepFindings(text.replace(/var stores = \[[\s\S]*?\n\]/, 'param stores array')));
  assert.deepEqual(once.map((f) => [f.data.host, f.data.why, f.fixes.map((x) => x.title)]), [
    ['{…}.blob.core.windows.net', "connection 'conns' (AzureBlob) of the service", ["Suppress allow-required-fqdns for 'ai' (with a reason)"]],
  ]);
});

const ACCESS_URI = 'file:///work/access.bicep';
/** A module granting a principal Storage Blob Data Reader on a storage account it names. */
const ACCESS = `param storageName string
param principalId string
resource st 'Microsoft.Storage/storageAccounts@2023-01-01' existing = { name: storageName }
resource reader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(st.id, principalId)
  scope: st
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${BLOB_READER}')
    principalId: principalId
  }
}
`;
/** The account's module: it calls the access module once per storage account its caller names. */
const LOOPED_ACCESS = `param storageAccounts array
${UNREACHING_ACCOUNT}module access 'access.bicep' = [for sa in storageAccounts: {
  name: 'access-\${sa.name}'
  params: { storageName: sa.name, principalId: ai.identity.principalId }
}]
`;
const MAIN_STORAGE_LIST = `module account 'account.bicep' = {
  name: 'account'
  params: {
    storageAccounts: [
      { name: 'stdocs' }
      { name: 'stlogs' }
    ]
  }
}
`;

test('Bicep module called in a for loop: each iteration is a call with its own host, its evidence at the caller\'s entry; one fix passes them all', () => {
  const files: Record<string, string> = { [BICEP_URI]: MAIN_STORAGE_LIST, [ACCOUNT_URI]: LOOPED_ACCESS, [ACCESS_URI]: ACCESS };
  const found = ruleFindings(BICEP_URI, files);
  assert.deepEqual(found.map((f) => [f.messageId, f.data.host, where(f), f.related.map(entryAt)]), [
    ['missingInModule', 'stdocs.blob.core.windows.net', '1:1-1:35', ['account.bicep:7:131-7:133 []', "main.bicep:5:7-5:25 { name: 'stdocs' }"]],
    ['missingInModule', 'stlogs.blob.core.windows.net', '1:1-1:35', ['account.bicep:7:131-7:133 []', "main.bicep:6:7-6:25 { name: 'stlogs' }"]],
  ]);
  assert.equal(found[1].related[1].message, "the managed identity of the service has Storage Blob Data Reader on storage account 'stlogs'");
  // The account's module alone cannot name the storage accounts.
  assert.deepEqual(ruleFindings(ACCOUNT_URI, files), []);
  const fixed = applyAll(fixTitled(found[0], `Allow the 2 missing hosts in the allowed FQDNs of 'ai'${MODULE_NOTE}`), files);
  assert.equal(fixed[ACCOUNT_URI], LOOPED_ACCESS.replace('param storageAccounts array\n', `param storageAccounts array\n${LIST_PARAM.replace("[\n  'partner.example'\n]", '[]')}`)
    .replace('allowedFqdnList: [] }', 'allowedFqdnList: allowedFqdnList }'));
  assert.equal(fixed[BICEP_URI], MAIN_STORAGE_LIST.replace("      { name: 'stlogs' }\n    ]\n", "      { name: 'stlogs' }\n    ]\n    allowedFqdnList: [\n      'stdocs.blob.${environment().suffixes.storage}'\n      'stlogs.blob.${environment().suffixes.storage}'\n    ]\n"));
  for (const uri of Object.keys(files)) assert.deepEqual(findingsOf(uri, fixed), findingsOf(uri, files).filter((m) => !m.startsWith(RULE)), uri);
  // Left alone: more entries than are read one by one (the loop read once, its storage account unknown).
  const many = MAIN_STORAGE_LIST.replace(/\[\n[\s\S]*?\n {4}\]/, `[\n${Array.from({ length: 65 }, (_, i) => `      { name: 'st${i}' }`).join('\n')}\n    ]`);
  assert.deepEqual(ruleFindings(BICEP_URI, { ...files, [BICEP_URI]: many }), []);
});

/**
 * Storage accounts declared in a loop (`storage`: the declaration after the symbol, e.g. `= [for n in names: {...}]`),
 * and a role assignment of role `BLOB_READER` whose scope and principal are `scope` and `principal` (`assignment`: what
 * follows its type, to the body's first brace).
 */
const STORAGE_LOOP = (storage: string, assignment: string, scope: string, principal = 'ai.identity.principalId', close = '}]') => `param names array = [
  'stdocs'
  'stlogs'
]
param unknownNames array
param otherPrincipal string
resource sts 'Microsoft.Storage/storageAccounts@2023-01-01' ${storage}
${UNREACHING_ACCOUNT}resource grants 'Microsoft.Authorization/roleAssignments@2022-04-01' = ${assignment}
  name: guid('grant', '${BLOB_READER}')
  scope: ${scope}
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${BLOB_READER}')
    principalId: ${principal}
  }
${close}
`;
const DECLARED_LOOP = "= [for n in names: { name: n, location: 'eastus', kind: 'StorageV2', sku: { name: 'Standard_LRS' } }]";
const STORAGE_SCOPE_TABLE: readonly { readonly name: string; readonly storage?: string; readonly assignment: string; readonly scope: string; readonly principal?: string; readonly close?: string; readonly hosts: readonly string[] }[] = [
  { name: 'scope sts[i] of a declared loop', assignment: '[for (name, i) in names: {', scope: 'sts[i]', hosts: ['stdocs', 'stlogs'] },
  { name: 'scope sts[i] of an existing loop', storage: 'existing = [for n in names: { name: n }]', assignment: '[for (name, i) in names: {', scope: 'sts[i]', hosts: ['stdocs', 'stlogs'] },
  { name: 'scope sts[i], i of a range', assignment: '[for i in range(0, length(names)): {', scope: 'sts[i]', hosts: ['stdocs', 'stlogs'] },
  { name: 'scope sa, for sa in sts', assignment: '[for sa in sts: {', scope: 'sa', hosts: ['stdocs', 'stlogs'] },
  { name: 'scope sts[1] of one assignment', assignment: '{', scope: 'sts[1]', close: '}', hosts: ['stlogs'] },
  { name: 'scope sts[^1] of one assignment', assignment: '{', scope: 'sts[^1]', close: '}', hosts: ['stlogs'] },
  { name: 'a storage loop with a filter: indexes are those of the array', storage: "= [for n in names: if (n != 'stdocs') { name: n }]", assignment: '[for (name, i) in names: {', scope: 'sts[i]', hosts: ['stlogs'] },
  // Left alone: an iteration whose storage has a role for another principal; a loop not known before deployment.
  { name: 'another principal for the first iteration', assignment: '[for (name, i) in names: {', scope: 'sts[i]', principal: 'i == 0 ? otherPrincipal : ai.identity.principalId', hosts: ['stlogs'] },
  { name: 'another principal for every iteration', assignment: '[for (name, i) in names: {', scope: 'sts[i]', principal: 'otherPrincipal', hosts: [] },
  { name: 'a storage loop over an array not known before deployment', storage: '= [for n in unknownNames: { name: n }]', assignment: '[for (name, i) in names: {', scope: 'sts[i]', hosts: [] },
];
for (const c of STORAGE_SCOPE_TABLE) {
  test(`Bicep role assignment scoped to one iteration of a storage loop: ${c.name}`, () => {
    const text = STORAGE_LOOP(c.storage ?? DECLARED_LOOP, c.assignment, c.scope, c.principal, c.close);
    const result = lintResult(text, {}, BICEP_URI, 'bicep');
    assert.deepEqual(result.problems, []);
    const found = ofRule([...result.findings]);
    assert.deepEqual(found.map((f) => [f.data.host, where(f), f.data.why]), c.hosts.map((h) => [`${h}.blob.core.windows.net`, '13:131-13:133',
      `the managed identity of the service has Storage Blob Data Reader on storage account '${h}'`]));
  });
}

test('Bicep role assignments scoped to sts[i]: each storage account of the loop is a dependency, its evidence at its entry; the fix allows each', () => {
  const text = STORAGE_LOOP(DECLARED_LOOP, '[for (name, i) in names: {', 'sts[i]');
  const found = ofRule(bicepFindings(text));
  assert.deepEqual(found.map((f) => [f.data.host, f.related.map(entryAt)]), [
    ['stdocs.blob.core.windows.net', ["main.bicep:2:3-2:11 'stdocs'"]],
    ['stlogs.blob.core.windows.net', ["main.bicep:3:3-3:11 'stlogs'"]],
  ]);
  const fixed = applyFix(fixTitled(found[1], "Allow 'stlogs.blob.core.windows.net' in the allowed FQDNs of 'ai'"), text);
  assert.equal(fixed, text.replace('allowedFqdnList: [] }', "allowedFqdnList: [\n    'stlogs.blob.${environment().suffixes.storage}'\n  ] }"));
  assert.deepEqual(ofRule(bicepFindings(fixed)).map((f) => f.data.host), ['stdocs.blob.core.windows.net']);
});

/**
 * An account whose connection targets `target` and whose allow-list is `list`, beside loops of MODULE_STORE: over a
 * known array (`stores`), the same filtered (`some`: its first iteration left out), over what is only known at deployment (`later`).
 */
const STORE_LOOPS = (list: string, target: string) => `param unknownNames array
var names = [
  'stdocs'
  'stlogs'
]
module stores 'store.bicep' = [for n in names: { name: 'store-\${n}', params: { name: n } }]
module some 'store.bicep' = [for n in names: if (n != 'stdocs') { name: 'some-\${n}', params: { name: n } }]
module later 'store.bicep' = [for n in unknownNames: { name: 'later-\${n}', params: { name: n } }]
resource ai 'Microsoft.CognitiveServices/accounts@2025-06-01' = {
  name: 'ai'
  location: 'eastus'
  kind: 'AIServices'
  identity: { type: 'SystemAssigned' }
  tags: { owner: 'team' }
  properties: {
    customSubDomainName: 'ai'
    publicNetworkAccess: 'Disabled'
    restrictOutboundNetworkAccess: true
    allowedFqdnList: ${list}
  }
  resource docs 'connections' = {
    name: 'docs'
    properties: { category: 'AzureBlob', target: ${target} }
  }
}
`;
const LIST_RULES = [RULE, 'no-unexplained-fqdns', 'valid-allowed-fqdns'];
const MODULE_LOOP_TABLE: readonly { readonly name: string; readonly list: string; readonly target: string; readonly found: readonly string[] }[] = [
  { name: 'stores[1].outputs.host admits the host of stores[1].outputs.blob', list: '[ stores[1].outputs.host ]', target: 'stores[1].outputs.blob', found: [] },
  { name: 'for s in stores: s.outputs.host admits the host of stores[^1]', list: '[for s in stores: s.outputs.host]', target: 'stores[^1].outputs.blob', found: [] },
  { name: "another iteration's host: stores[1]'s is missing", list: '[ stores[0].outputs.host ]', target: 'stores[1].outputs.blob',
    found: ['allow-required-fqdns missing 19:22-19:48 stlogs.blob.core.windows.net'] },
  { name: "an empty list: stores[^1]'s host is missing", list: '[]', target: 'stores[^1].outputs.blob', found: ['allow-required-fqdns missing 19:22-19:24 stlogs.blob.core.windows.net'] },
  { name: "an iteration passing what another call passes has that call's outputs", list: '[ some[1].outputs.host ]', target: 'stores[0].outputs.blob',
    found: ['allow-required-fqdns missing 19:22-19:46 stdocs.blob.core.windows.net'] },
  { name: 'an entry no resource of the deployment has is unexplained', list: '[ stores[0].outputs.host, stores[1].outputs.partner ]', target: 'stores[0].outputs.blob',
    found: ['no-unexplained-fqdns unexplained 19:48-19:73 api-stlogs.partner.example'] },
  // Left alone: what an iteration the filter leaves out, or a loop over what is only known at deployment, gives (an unknown entry may admit the host).
  { name: 'an entry of an iteration the filter leaves out', list: '[ some[0].outputs.host ]', target: 'stores[1].outputs.blob', found: [] },
  { name: 'a target of an iteration the filter leaves out', list: '[]', target: 'some[0].outputs.blob', found: [] },
  { name: 'an entry of a loop not known before deployment', list: '[ later[0].outputs.host ]', target: 'stores[1].outputs.blob', found: [] },
  { name: 'a target of a loop not known before deployment', list: '[]', target: 'later[0].outputs.blob', found: [] },
];
for (const c of MODULE_LOOP_TABLE) {
  test(`Bicep allow-list and connection from a module loop's outputs: ${c.name}`, () => {
    const result = lintResult(STORE_LOOPS(c.list, c.target), {}, BICEP_URI, 'bicep', { [STORE_URI]: MODULE_STORE });
    assert.deepEqual(result.problems, []);
    const found = result.findings.filter((f) => LIST_RULES.includes(f.ruleId));
    assert.deepEqual(found.map((f) => `${f.ruleId} ${f.messageId} ${where(f)} ${f.data.host ?? f.data.entry}`), c.found);
  });
}

/** A nested template (inner scope) deploying storage account `st<st>` and AI account `ai-<st>`, whose identity (or `principal`, when set) has Storage Blob Data Reader on it. */
const STORE_AND_ACCOUNT = {
  $schema: SCHEMA, contentVersion: '1.0.0.0',
  parameters: { st: { type: 'string' }, principal: { type: 'string', defaultValue: '' } },
  resources: [
    { type: 'Microsoft.Storage/storageAccounts', apiVersion: '2023-01-01', name: "[format('st{0}', parameters('st'))]", location: 'eastus' },
    account({ customSubDomainName: "[format('ai-{0}', parameters('st'))]", allowedFqdnList: [] }, { name: "[format('ai-{0}', parameters('st'))]" }),
    roleAssignment("[format('Microsoft.Storage/storageAccounts/st{0}', parameters('st'))]", BLOB_READER,
      "[if(empty(parameters('principal')), reference(resourceId('Microsoft.CognitiveServices/accounts', format('ai-{0}', parameters('st'))), '2025-06-01', 'full').identity.principalId, parameters('principal'))]"),
  ],
};
/** A copy loop of `STORE_AND_ACCOUNT` deployments, one per name; the second passes another principal. */
const COPIED_STORES = arm([{
  type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name: "[format('egress-{0}', copyIndex())]", copy: { name: 'stores', count: "[length(parameters('names'))]" },
  properties: {
    mode: 'Incremental', expressionEvaluationOptions: { scope: 'inner' }, template: STORE_AND_ACCOUNT,
    parameters: { st: { value: "[parameters('names')[copyIndex()]]" }, principal: { value: "[if(equals(copyIndex(), 1), '11111111-1111-1111-1111-111111111111', '')]" } },
  },
}], { names: { type: 'array', defaultValue: ['docs', 'logs', 'data'] } });

test('ARM nested deployments in a copy loop: each index is read with its own values, its account reported with its own host; the fix serves every index', () => {
  const found = ofRule(armFindings(COPIED_STORES));
  // The second index grants another principal: nothing for 'ai-logs'.
  assert.deepEqual(found.map((f) => [f.resource, f.data.host, where(f), textAt(f)]), [
    ['ai-docs', 'stdocs.blob.core.windows.net', '63:36-63:38', '[]'],
    ['ai-data', 'stdata.blob.core.windows.net', '63:36-63:38', '[]'],
  ]);
  const fixed = applyFix(fixTitled(found[0], "Allow 'stdocs.blob.core.windows.net' in the allowed FQDNs of 'ai-docs'"), COPIED_STORES);
  type Nested = { resources: { properties: { template: { resources: { properties: { allowedFqdnList?: unknown } }[] } } }[] };
  // Written in the template's own terms, so it is right for each index.
  assert.deepEqual((JSON.parse(fixed) as Nested).resources[0].properties.template.resources[1].properties.allowedFqdnList,
    ["[format('st{0}.blob.{1}', parameters('st'), environment().suffixes.storage)]"]);
  assert.deepEqual(ofRule(armFindings(fixed)), []);
});

// ---- the fix ---------------------------------------------------------------------------------------

/** Findings as comparable strings, without the one the fix is for. */
const shown = (fs: readonly Finding[]) => fs.map((f) => `${f.ruleId}|${f.message}`);

test('ARM fix: adds the host (merged with the entries), then nothing else changes', () => {
  const text = arm([SEARCH, account({ allowedFqdnList: ['other.contoso.com', "[format('x.{0}', 'contoso.com')]"] }), roleAssignment("[format('Microsoft.Search/searchServices/{0}', parameters('search'))]", SEARCH_READER)], PARAMS);
  const before = armFindings(text);
  const [f] = ofRule(before);
  const fix = fixTitled(f, "Allow 'srch.search.windows.net' in the allowed FQDNs of 'ai'");
  assert.equal(fix.safe, false);
  const fixed = applyFix(fix, text);
  const list = (JSON.parse(fixed) as { resources: { properties?: { allowedFqdnList?: unknown } }[] }).resources[1].properties!.allowedFqdnList;
  // The host follows the template: the search service's name as the template computes it.
  assert.deepEqual(list, ['other.contoso.com', "[format('x.{0}', 'contoso.com')]", "[format('{0}.search.windows.net', parameters('search'))]"]);
  assert.deepEqual(shown(armFindings(fixed)), shown(before.filter((x) => x !== f)));
});

test('ARM fix through a parameter default: the default gets the host', () => {
  const text = arm([SEARCH, account({ allowedFqdnList: "[parameters('hosts')]" }), roleAssignment("[format('Microsoft.Search/searchServices/{0}', parameters('search'))]", SEARCH_READER)],
    { ...PARAMS, hosts: { type: 'array', defaultValue: ['other.contoso.com'] } });
  const before = armFindings(text);
  const [f] = ofRule(before);
  assert.equal(textAt(f), `"[parameters('hosts')]"`);
  const fixed = applyFix(fixTitled(f, "Allow 'srch.search.windows.net'"), text);
  assert.deepEqual((JSON.parse(fixed) as { parameters: { hosts: { defaultValue: string[] } } }).parameters.hosts.defaultValue, ['other.contoso.com', "[format('{0}.search.windows.net', parameters('search'))]"], 'a default may use other parameters');
  assert.deepEqual(shown(armFindings(fixed)), shown(before.filter((x) => x !== f)));
});

test('Bicep fix: adds the host, keeping an entry written as a literal; then nothing else changes', () => {
  const text = BICEP_DEPS.replace("'${searchName}.search.windows.net'", "'srch.search.windows.net'");
  const before = bicepFindings(text);
  const [f] = ofRule(before);
  const fixed = applyFix(fixTitled(f, "Allow 'cdb.documents.azure.com' in the allowed FQDNs of 'ai'"), text);
  assert.ok(fixed.includes("allowedFqdnList: [\n      'srch.search.windows.net'\n      '${cosmos.name}.documents.azure.com'\n    ]"), fixed);
  assert.deepEqual(shown(bicepFindings(fixed)), shown(before.filter((x) => x !== f)));
});

test('Bicep fix in a module: the list the caller passes gets the host', () => {
  const files = { 'file:///work/account.bicep': MODULE_ACCOUNT.replace("name: 'aif${baseName}'", "name: 'aif-main'").replace("customSubDomainName: 'aif${baseName}'", "customSubDomainName: 'aif-main'").replace('ai.name', "'aif-main'")
    .replace("    allowedFqdnList: allowedHosts\n", "    allowedFqdnList: allowedHosts\n    userOwnedStorage: [\n      { resourceId: storageId }\n    ]\n").replace('param allowedHosts array = []', "param allowedHosts array = []\nparam storageId string") };
  const main = `module account 'account.bicep' = {
  name: 'account'
  params: {
    baseName: 'x'
    storageId: '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/shareddocs'
    allowedHosts: [
      'other.contoso.com'
    ]
  }
}
`;
  const before = bicepFindings(main, files);
  const [f] = ofRule(before);
  assert.equal(f.loc.file.uri, BICEP_URI, 'reported where the caller writes the list');
  const fixed = applyFix(fixTitled(f, "Allow 'shareddocs.blob.core.windows.net'"), main);
  assert.ok(fixed.includes("allowedHosts: [\n      'other.contoso.com'\n      'shareddocs.blob.core.windows.net'\n    ]"), fixed);
  assert.deepEqual(shown(bicepFindings(fixed, files)), shown(before.filter((x) => x !== f)));
});

test('Bicep fix for a host known only in part: the name as the template computes it; entries written as expressions are kept', () => {
  const text = BICEP_DEPS.replace("resource st 'Microsoft.Storage/storageAccounts@2023-01-01' = { name: 'contosodocs' }", "param stName string\nresource st 'Microsoft.Storage/storageAccounts@2023-01-01' = { name: 'docs${stName}' }");
  const before = bicepFindings(text);
  const f = ofRule(before).find((x) => String(x.data.host).startsWith('docs'))!;
  assert.equal(f.data.host, 'docs{…}.blob.core.windows.net');
  const fixed = applyFix(fixTitled(f, "Allow 'docs{…}.blob.core.windows.net' in the allowed FQDNs of 'ai'"), text);
  assert.ok(fixed.includes("allowedFqdnList: [\n      '${searchName}.search.windows.net'\n      '${st.name}.blob.${environment().suffixes.storage}'\n    ]"), fixed);
  assert.deepEqual(shown(bicepFindings(fixed)), shown(before.filter((x) => x !== f)));
});

// ---- a null allowedFqdnList deploys as no list -------------------------------------------------------

test('ARM null list: a nullable parameter nobody passes and a null literal are no list (every dependency missing); a passed list stays as it is', () => {
  const ra = roleAssignment("[format('Microsoft.Search/searchServices/{0}', parameters('search'))]", SEARCH_READER);
  const nullable = arm([SEARCH, account({ allowedFqdnList: "[parameters('hosts')]" }), ra], { ...PARAMS, hosts: { type: 'array', nullable: true } });
  const [f, ...rest] = ofRule(armFindings(nullable));
  assert.equal(rest.length, 0);
  assert.equal(f.data.host, 'srch.search.windows.net');
  assert.equal(textAt(f), `"[parameters('hosts')]"`);
  assert.deepEqual(f.fixes.filter((x) => x.title.startsWith('Allow')), [], 'only a caller can give the parameter: the template alone has nowhere to write the hosts');
  const literal = arm([SEARCH, account({ allowedFqdnList: null }), ra], PARAMS);
  const [g] = ofRule(armFindings(literal));
  assert.equal(textAt(g), 'null');
  const fixed = applyFix(fixTitled(g, "Allow 'srch.search.windows.net' in the allowed FQDNs of 'ai'"), literal);
  assert.deepEqual((JSON.parse(fixed) as { resources: { properties?: { allowedFqdnList?: unknown } }[] }).resources[1].properties!.allowedFqdnList, ["[format('{0}.search.windows.net', parameters('search'))]"]);
  assert.deepEqual(ofRule(armFindings(fixed)), []);
  // A nullable parameter given a list (here by its default): that list, which admits the host.
  const passed = arm([SEARCH, account({ allowedFqdnList: "[parameters('hosts')]" }), ra], { ...PARAMS, hosts: { type: 'array', nullable: true, defaultValue: ['srch.search.windows.net'] } });
  assert.deepEqual(ofRule(armFindings(passed)), []);
});

test('ARM nested deployment: a nullable list parameter the caller does not pass; the fix passes it the hosts', () => {
  const inner = {
    $schema: SCHEMA, contentVersion: '1.0.0.0',
    parameters: { hosts: { type: 'array', nullable: true } },
    resources: [account({ allowedFqdnList: "[parameters('hosts')]" })],
  };
  const nested = (parameters: Record<string, unknown>) => ({
    type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name: 'account',
    properties: { mode: 'Incremental', expressionEvaluationOptions: { scope: 'inner' }, parameters, template: inner },
  });
  const ra = roleAssignment("[format('Microsoft.Search/searchServices/{0}', parameters('search'))]", SEARCH_READER);
  const text = arm([SEARCH, nested({}), ra], PARAMS);
  const [f, ...rest] = ofRule(armFindings(text));
  assert.equal(rest.length, 0);
  assert.equal(f.messageId, 'missingInModule');
  assert.equal(textAt(f), '"account"');
  const fixed = applyFix(fixTitled(f, "Allow 'srch.search.windows.net' in the allowed FQDNs of 'ai'"), text);
  const call = (JSON.parse(fixed) as { resources: { properties: { parameters?: Record<string, { value: unknown }> } }[] }).resources[1];
  assert.deepEqual(call.properties.parameters, { hosts: { value: ["[format('{0}.search.windows.net', parameters('search'))]"] } });
  assert.deepEqual(ofRule(armFindings(fixed)), []);
  // Passing a list that admits the host: silent.
  assert.deepEqual(ofRule(armFindings(arm([SEARCH, nested({ hosts: { value: ['srch.search.windows.net'] } }), ra], PARAMS))), []);
});

test('Bicep modules two deep, the account\'s list a nullable parameter nobody passes: the module between takes a nullable list and passes it on', () => {
  const account = MODULE_OWN_LIST.replace('param docsEndpoint string\n', 'param docsEndpoint string\nparam allowedHosts array?\n')
    .replace("allowedFqdnList: [\n      'partner.example'\n    ]", 'allowedFqdnList: allowedHosts');
  const files: Record<string, string> = { [BICEP_URI]: MAIN_THROUGH_MID, [MID_URI]: MID, [ACCOUNT_URI]: account, 'file:///work/project.bicep': MODULE_PROJECT };
  const found = ruleFindings(BICEP_URI, files);
  assert.deepEqual(found.map((f) => [f.messageId, f.data.host, where(f)]), [
    ['missingInModule', 'st{…}.blob.core.windows.net', '4:1-4:27'],
    ['missingInModule', 'srch-{…}.search.windows.net', '4:1-4:27'],
  ]);
  const title = "Allow the 2 missing hosts in the allowed FQDNs of 'ai' (changes module 'mid.bicep' to take parameter 'allowedFqdnList' and pass it on, and the call in main.bicep to pass it)";
  assert.deepEqual(found.map((f) => f.fixes[0].title), [title, title]);
  const fixed = applyAll(fixTitled(found[0], title), files);
  assert.equal(fixed[ACCOUNT_URI], account);
  // No default to keep: other callers of the module between still pass nothing.
  assert.equal(fixed[MID_URI], MID.replace('param docsEndpoint string\n', `param docsEndpoint string\n${LIST_PARAM.replace(/ = \[[\s\S]*\]\n$/, '?\n')}`)
    .replace('docsEndpoint: docsEndpoint }', 'docsEndpoint: docsEndpoint, allowedHosts: allowedFqdnList }'));
  assert.equal(fixed[BICEP_URI], MAIN_THROUGH_MID.replace('docsEndpoint: st.properties.primaryEndpoints.blob }',
    "docsEndpoint: st.properties.primaryEndpoints.blob, allowedFqdnList: ['${st.name}.blob.${environment().suffixes.storage}', '${search.name}.search.windows.net'] }"));
  for (const uri of [BICEP_URI, MID_URI, ACCOUNT_URI]) assert.deepEqual(findingsOf(uri, fixed), findingsOf(uri, files).filter((m) => !m.startsWith(RULE)), uri);
});

test('ARM nested deployments two deep, a nullable list parameter nobody passes: the nested template between takes a nullable list and passes it on', () => {
  const { text, inner } = throughNestedMid("[parameters('hosts')]", { hosts: { type: 'array', nullable: true } });
  const [f, ...rest] = ofRule(armFindings(text));
  assert.equal(rest.length, 0);
  assert.deepEqual([f.messageId, f.data.host, textAt(f)], ['missingInModule', 'contosodocs.blob.core.windows.net', '"mid"']);
  const fixed = applyFix(fixTitled(f, "Allow 'contosodocs.blob.core.windows.net' in the allowed FQDNs of 'ai' (changes nested deployment 'mid' to take parameter 'allowedFqdnList' and pass it on, and the call in deps.json to pass it)"), text);
  const { outerCall, innerCall } = nestedCalls(fixed);
  assert.deepEqual(outerCall.properties.parameters.allowedFqdnList, { value: ["[format('{0}.blob.{1}', parameters('st'), environment().suffixes.storage)]"] });
  assert.deepEqual(outerCall.properties.template.parameters.allowedFqdnList, { type: 'array', nullable: true, metadata: { description: 'Hosts the AI service may reach (allowedFqdnList); callers pass the hosts of the dependencies they declare.' } });
  assert.deepEqual(innerCall.properties.parameters.hosts, { value: "[parameters('allowedFqdnList')]" });
  assert.deepEqual(innerCall.properties.template, inner, 'the account\'s template is unchanged');
  assert.deepEqual(ofRule(armFindings(fixed)), []);
  assert.deepEqual(shown(armFindings(fixed)), shown(armFindings(text)).filter((m) => !m.startsWith(RULE)));
});

test('Bicep null list: `array?` nobody passes and a null literal are no list; a list passed to the module stays as it is', () => {
  const module = MODULE_ACCOUNT.replace('param allowedHosts array = []', 'param allowedHosts array?');
  const files = { 'file:///work/account.bicep': module, 'file:///work/project.bicep': MODULE_PROJECT };
  const main = MAIN_TWO_MODULES;
  const [f, ...rest] = ofRule(bicepFindings(main, files));
  assert.equal(rest.length, 0);
  assert.equal(f.messageId, 'missingInModule');
  assert.equal(textAt(f), "module account 'account.bicep' = {");
  const fixed = applyFix(fixTitled(f, "Allow 'srch-{…}.search.windows.net' in the allowed FQDNs of 'ai'"), main);
  assert.ok(fixed.includes("params: { baseName: baseName, allowedHosts: ['${search.name}.search.windows.net'] }"), fixed);
  assert.deepEqual(ofRule(bicepFindings(fixed, files)), []);
  const passed = main.replace('params: { baseName: baseName }', "params: { baseName: baseName, allowedHosts: ['other.contoso.com'] }");
  assert.deepEqual(ofRule(bicepFindings(passed, files)).map((x) => x.data.host), ['srch-{…}.search.windows.net'], 'the passed list is read as it is');
  // The module alone: its own dependency, and a null literal.
  const own = `param hosts array?
resource search 'Microsoft.Search/searchServices@2023-11-01' = { name: 'srch' }
resource ai 'Microsoft.CognitiveServices/accounts@2025-06-01' = {
  name: 'ai'
  tags: { owner: 'team' }
  properties: { customSubDomainName: 'ai', publicNetworkAccess: 'Disabled', restrictOutboundNetworkAccess: true, allowedFqdnList: hosts }
  resource conn 'connections' = {
    name: 'search'
    properties: { category: 'CognitiveSearch', target: search.properties.endpoint }
  }
}
`;
  assert.deepEqual(ofRule(bicepFindings(own)).map((x) => [x.data.host, textAt(x)]), [['srch.search.windows.net', 'hosts']]);
  const literal = own.replace('allowedFqdnList: hosts', 'allowedFqdnList: null');
  const [g] = ofRule(bicepFindings(literal));
  assert.equal(textAt(g), 'null');
  const fixedLiteral = applyFix(fixTitled(g, "Allow 'srch.search.windows.net'"), literal);
  assert.equal(fixedLiteral, literal.replace('allowedFqdnList: null }', "allowedFqdnList: [\n    '${search.name}.search.windows.net'\n  ] }"));
  assert.deepEqual(ofRule(bicepFindings(fixedLiteral)), []);
});
