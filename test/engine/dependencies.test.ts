// Dependency inference: what an AI service must reach, with the evidence, in ARM and Bicep alike:
// connections (account and project), capability hosts, userOwnedStorage, role assignments of the
// account's or a project's identity; `existing` references in sibling modules; hosts per cloud.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArm, readArmDeployment } from '../../server/src/engine/arm/reader';
import { parseBicep } from '../../server/src/engine/bicep/parser';
import { readBicepDeployment } from '../../server/src/engine/bicep/reader';
import { DEPENDENCY_READ_TYPES, dependenciesOf, display, type Dependency } from '../../server/src/engine/egress/dependencies';
import { dataRoleOf } from '../../server/src/engine/egress/roles';
import type { CloudName } from '../../server/src/engine/expressions/environment';
import type { DeploymentGraph } from '../../server/src/engine/graph/graph';

const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';

function armGraph(resources: unknown[], parameters: Record<string, unknown> = {}, cloud: CloudName = 'AzureCloud'): DeploymentGraph {
  const text = JSON.stringify({ $schema: SCHEMA, contentVersion: '1.0.0.0', parameters, resources }, null, 2);
  return readArmDeployment(parseArm({ uri: 'file:///d/main.json', text, kind: 'arm' }), { cloud });
}

function bicepGraph(text: string, files: Record<string, string> = {}, cloud: CloudName = 'AzureCloud'): DeploymentGraph {
  // Modules are read as analysis reads them: bodies of the types dependency inference reads.
  const readTypes = new Set(DEPENDENCY_READ_TYPES.map((t) => t.toLowerCase()));
  return readBicepDeployment({ uri: 'file:///d/main.bicep', text, kind: 'bicep' }, parseBicep(text).program, { cloud, readFile: (u) => files[u], readTypes });
}

/** host | evidence kinds, per dependency of the (only) account. */
function summary(graph: DeploymentGraph, index = 0): string[] {
  const account = graph.accounts[index];
  return dependenciesOf(account, graph).map((d: Dependency) => `${display(d.host)} | ${[d.evidence, ...d.also].map((e) => e.kind).join(',')}`);
}

function details(graph: DeploymentGraph): string[] {
  return dependenciesOf(graph.accounts[0], graph).flatMap((d) => [d.evidence, ...d.also].map((e) => e.detail));
}

const AI = 'Microsoft.CognitiveServices/accounts';
const acct = (extra: Record<string, unknown> = {}) => ({
  type: AI, apiVersion: '2025-06-01', name: "[parameters('ai')]", location: 'eastus', kind: 'AIServices',
  identity: { type: 'SystemAssigned' }, properties: { customSubDomainName: "[parameters('ai')]", restrictOutboundNetworkAccess: true, allowedFqdnList: [] }, ...extra,
});
const params = { ai: { type: 'string', defaultValue: 'contoso-ai' }, search: { type: 'string', defaultValue: 'srch' }, st: { type: 'string', defaultValue: 'contosodocs' } };

// ---- connections --------------------------------------------------------------------------------

test('ARM: an account connection (target URL from the search endpoint, metadata.ResourceId) is a dependency', () => {
  const graph = armGraph([
    { type: 'Microsoft.Search/searchServices', apiVersion: '2023-11-01', name: "[parameters('search')]", location: 'eastus' },
    acct(),
    { type: `${AI}/connections`, apiVersion: '2025-06-01', name: "[format('{0}/search', parameters('ai'))]",
      properties: { category: 'CognitiveSearch', target: "[reference(resourceId('Microsoft.Search/searchServices', parameters('search')), '2023-11-01').endpoint]",
        metadata: { ResourceId: "[resourceId('Microsoft.Search/searchServices', parameters('search'))]" } } },
  ], params);
  assert.deepEqual(summary(graph), ['srch.search.windows.net | connection']);
  const [dep] = dependenciesOf(graph.accounts[0], graph);
  assert.equal(dep.resource?.type, 'Microsoft.Search/searchServices');
  assert.equal(dep.service, 'search');
  assert.deepEqual(details(graph), ["connection 'search' (CognitiveSearch) of the service"]);
});

test('Bicep: account and project connections (nested, parent:), a capability host naming them', () => {
  const graph = bicepGraph(`
param ai string = 'contoso-ai'
resource search 'Microsoft.Search/searchServices@2023-11-01' = { name: 'srch' }
resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = { name: 'cdb' }
resource st 'Microsoft.Storage/storageAccounts@2023-01-01' = { name: 'contosodocs' }
resource account 'Microsoft.CognitiveServices/accounts@2025-06-01' = {
  name: ai
  kind: 'AIServices'
  properties: { customSubDomainName: ai }
  resource direct 'connections' = {
    name: 'oai'
    properties: { category: 'AzureOpenAI', target: 'https://partner-oai.openai.azure.com/' }
  }
  resource project 'projects' = {
    name: 'proj'
    resource searchConn 'connections' = {
      name: 'search'
      properties: { category: 'CognitiveSearch', target: search.properties.endpoint, metadata: { ResourceId: search.id } }
    }
    resource threads 'connections' = {
      name: 'threads'
      properties: { category: 'CosmosDb', target: cosmos.properties.documentEndpoint, metadata: { ResourceId: cosmos.id } }
    }
    resource caps 'capabilityHosts' = {
      name: 'agents'
      properties: { vectorStoreConnections: [searchConn.name], threadStorageConnections: ['threads'] }
    }
  }
}
resource files 'Microsoft.CognitiveServices/accounts/projects/connections@2025-06-01' = {
  parent: account::project
  name: 'files'
  properties: { category: 'AzureStorageAccount', target: st.properties.primaryEndpoints.blob, metadata: { ResourceId: st.id } }
}
`);
  assert.deepEqual(summary(graph), [
    'partner-oai.openai.azure.com | connection',
    'srch.search.windows.net | connection,capabilityHost',
    'cdb.documents.azure.com | connection,capabilityHost',
    'contosodocs.blob.core.windows.net | connection',
  ]);
  assert.deepEqual(details(graph).slice(0, 3), [
    "connection 'oai' (AzureOpenAI) of the service",
    "connection 'search' (CognitiveSearch) of project 'proj'",
    "capability host 'agents' uses connection 'search' as its vector store",
  ]);
});

test('ARM: project connections named acct/proj/conn and a project capability host', () => {
  const graph = armGraph([
    { type: 'Microsoft.Storage/storageAccounts', apiVersion: '2023-01-01', name: "[parameters('st')]", location: 'eastus' },
    acct(),
    { type: `${AI}/projects`, apiVersion: '2025-06-01', name: "[format('{0}/proj', parameters('ai'))]", properties: {} },
    { type: `${AI}/projects/connections`, apiVersion: '2025-06-01', name: "[format('{0}/proj/files', parameters('ai'))]",
      properties: { category: 'AzureBlob', target: "[reference(resourceId('Microsoft.Storage/storageAccounts', parameters('st')), '2023-01-01').primaryEndpoints.blob]" } },
    { type: `${AI}/projects/capabilityHosts`, apiVersion: '2025-06-01', name: "[format('{0}/proj/agents', parameters('ai'))]",
      properties: { storageConnections: ['files'] } },
  ], params);
  assert.deepEqual(summary(graph), ['contosodocs.blob.core.windows.net | connection,capabilityHost']);
});

test('a capability host naming a connection the deployment does not declare gives a dependency whose host is unknown', () => {
  const graph = bicepGraph(`
resource account 'Microsoft.CognitiveServices/accounts@2025-06-01' = {
  name: 'ai'
  properties: {}
  resource caps 'capabilityHosts' = {
    name: 'agents'
    properties: { vectorStoreConnections: ['elsewhere'] }
  }
}
`);
  const [dep] = dependenciesOf(graph.accounts[0], graph);
  assert.equal(display(dep.host), '(unknown)');
  assert.equal(dep.evidence.kind, 'capabilityHost');
});

// ---- userOwnedStorage ----------------------------------------------------------------------------

for (const [cloud, suffix] of [['AzureCloud', 'core.windows.net'], ['AzureUSGovernment', 'core.usgovcloudapi.net'], ['AzureChinaCloud', 'core.chinacloudapi.cn']] as const) {
  test(`userOwnedStorage: the storage account's blob host (ARM and Bicep, ${cloud})`, () => {
    const arm = armGraph([
      { type: 'Microsoft.Storage/storageAccounts', apiVersion: '2023-01-01', name: "[parameters('st')]", location: 'eastus' },
      { ...acct({ kind: 'FormRecognizer' }), properties: { userOwnedStorage: [{ resourceId: "[resourceId('Microsoft.Storage/storageAccounts', parameters('st'))]" }] } },
    ], params, cloud);
    assert.deepEqual(summary(arm), [`contosodocs.blob.${suffix} | userOwnedStorage`]);
    const bicep = bicepGraph(`
resource st 'Microsoft.Storage/storageAccounts@2023-01-01' = { name: 'contosodocs' }
resource speech 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'speech'
  kind: 'SpeechServices'
  properties: { userOwnedStorage: [{ resourceId: st.id }] }
}
`, {}, cloud);
    assert.deepEqual(summary(bicep), [`contosodocs.blob.${suffix} | userOwnedStorage`]);
  });
}

test('userOwnedStorage naming a storage account outside the deployment: host from the id', () => {
  const graph = bicepGraph(`
param stId string = '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/shared01'
resource speech 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'speech'
  kind: 'SpeechServices'
  properties: { userOwnedStorage: [{ resourceId: stId }] }
}
`);
  assert.deepEqual(summary(graph), ['shared01.blob.core.windows.net | userOwnedStorage']);
  assert.equal(dependenciesOf(graph.accounts[0], graph)[0].resource, undefined);
});

// ---- role assignments ----------------------------------------------------------------------------

const ROLE = (guid: string) => `[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${guid}')]`;
const PRINCIPAL = "[reference(resourceId('Microsoft.CognitiveServices/accounts', parameters('ai')), '2025-06-01', 'full').identity.principalId]";

test('ARM: data-plane roles of the account identity on search, storage and key vault are dependencies; others are not', () => {
  const graph = armGraph([
    { type: 'Microsoft.Search/searchServices', apiVersion: '2023-11-01', name: "[parameters('search')]", location: 'eastus' },
    { type: 'Microsoft.Storage/storageAccounts', apiVersion: '2023-01-01', name: "[parameters('st')]", location: 'eastus' },
    { type: 'Microsoft.KeyVault/vaults', apiVersion: '2023-07-01', name: 'kv1', location: 'eastus', properties: {} },
    acct(),
    { type: 'Microsoft.Authorization/roleAssignments', apiVersion: '2022-04-01', name: 'ra1', scope: "[format('Microsoft.Search/searchServices/{0}', parameters('search'))]",
      properties: { roleDefinitionId: ROLE('1407120a-92aa-4202-b7e9-c0e197c71c8f'), principalId: PRINCIPAL, principalType: 'ServicePrincipal' } },
    { type: 'Microsoft.Authorization/roleAssignments', apiVersion: '2022-04-01', name: 'ra2', scope: "[format('Microsoft.Storage/storageAccounts/{0}', parameters('st'))]",
      properties: { roleDefinitionId: ROLE('2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'), principalId: PRINCIPAL } },
    { type: 'Microsoft.Authorization/roleAssignments', apiVersion: '2022-04-01', name: 'ra3', scope: 'Microsoft.KeyVault/vaults/kv1',
      properties: { roleDefinitionId: ROLE('4633458b-17de-408a-b874-0445c86b69e6'), principalId: PRINCIPAL } },
    // Control plane (Contributor): not a dependency.
    { type: 'Microsoft.Authorization/roleAssignments', apiVersion: '2022-04-01', name: 'ra4', scope: "[format('Microsoft.Storage/storageAccounts/{0}', parameters('st'))]",
      properties: { roleDefinitionId: ROLE('b24988ac-6180-42a0-ab88-20f7382dd24c'), principalId: PRINCIPAL } },
    // Another principal: not this service's dependency.
    { type: 'Microsoft.Authorization/roleAssignments', apiVersion: '2022-04-01', name: 'ra5', scope: "[format('Microsoft.Storage/storageAccounts/{0}', parameters('st'))]",
      properties: { roleDefinitionId: ROLE('ba92f5b4-2d11-453d-a403-e96b0029c9fe'), principalId: "[parameters('userId')]" } },
  ], { ...params, userId: { type: 'string', defaultValue: '11111111-1111-1111-1111-111111111111' } });
  assert.deepEqual(summary(graph), [
    'srch.search.windows.net | roleAssignment',
    'contosodocs.blob.core.windows.net | roleAssignment',
    'kv1.vault.azure.net | roleAssignment',
  ]);
  assert.deepEqual(details(graph), [
    "the managed identity of the service has Search Index Data Reader on search service 'srch'",
    "the managed identity of the service has Storage Blob Data Reader on storage account 'contosodocs'",
    "the managed identity of the service has Key Vault Secrets User on key vault 'kv1'",
  ]);
});

test('Bicep: roles of the account identity, of a project identity (user-assigned), a Cosmos DB SQL role, a container scope', () => {
  const graph = bicepGraph(`
resource search 'Microsoft.Search/searchServices@2023-11-01' = { name: 'srch' }
resource st 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: 'contosodocs'
  resource blob 'blobServices' = {
    name: 'default'
    resource docs 'containers' = { name: 'docs' }
  }
}
resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'cdb'
  resource contributor 'sqlRoleDefinitions' existing = { name: '00000000-0000-0000-0000-000000000002' }
}
resource uai 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = { name: 'mi-agent' }
resource reader 'Microsoft.Authorization/roleDefinitions@2022-04-01' existing = {
  name: '1407120a-92aa-4202-b7e9-c0e197c71c8f'
  scope: subscription()
}
resource account 'Microsoft.CognitiveServices/accounts@2025-06-01' = {
  name: 'contoso-ai'
  kind: 'OpenAI'
  identity: { type: 'SystemAssigned' }
  properties: { customSubDomainName: 'contoso-ai' }
  resource project 'projects' = {
    name: 'proj'
    identity: { type: 'UserAssigned', userAssignedIdentities: { '\${uai.id}': {} } }
    properties: {}
  }
}
resource ra1 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid('1')
  scope: search
  properties: { roleDefinitionId: reader.id, principalId: account.identity.principalId }
}
resource ra2 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid('2')
  scope: st::blob::docs
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
    principalId: uai.properties.principalId
  }
}
resource sql 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = {
  parent: cosmos
  name: guid('3')
  properties: { roleDefinitionId: cosmos::contributor.id, principalId: uai.properties.principalId, scope: cosmos.id }
}
resource other 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid('4')
  scope: search
  properties: { roleDefinitionId: reader.id, principalId: '22222222-2222-2222-2222-222222222222' }
}
`);
  assert.deepEqual(summary(graph), [
    'srch.search.windows.net | roleAssignment',
    'contosodocs.blob.core.windows.net | roleAssignment',
    'cdb.documents.azure.com | roleAssignment',
  ]);
  assert.deepEqual(details(graph).slice(1), [
    "the identity 'mi-agent' of project 'proj' has Storage Blob Data Contributor on storage account 'contosodocs'",
    "the identity 'mi-agent' of project 'proj' has Cosmos DB Built-in Data Contributor on Cosmos DB account 'cdb'",
  ]);
});

// ---- across modules --------------------------------------------------------------------------------

test('Bicep: existing references in sibling modules, matched by the evaluated name passed from the entry (module outputs followed)', () => {
  const files: Record<string, string> = {
    'file:///d/account.bicep': `param baseName string
resource account 'Microsoft.CognitiveServices/accounts@2025-06-01' = {
  name: 'aif\${baseName}'
  kind: 'AIServices'
  properties: { customSubDomainName: 'aif\${baseName}', restrictOutboundNetworkAccess: true, allowedFqdnList: [] }
}
output name string = account.name
`,
    'file:///d/search.bicep': `param baseName string
resource search 'Microsoft.Search/searchServices@2023-11-01' = { name: 'srch-\${baseName}' }
output name string = search.name
`,
    'file:///d/project.bicep': `param accountName string
param searchName string
resource search 'Microsoft.Search/searchServices@2023-11-01' existing = { name: searchName }
resource account 'Microsoft.CognitiveServices/accounts@2025-06-01' existing = {
  name: accountName
  resource project 'projects' = {
    name: 'proj'
    identity: { type: 'SystemAssigned' }
    properties: {}
    resource conn 'connections' = {
      name: 'search'
      properties: { category: 'CognitiveSearch', target: search.properties.endpoint, metadata: { ResourceId: search.id } }
    }
  }
}
module role 'role.bicep' = {
  name: 'role'
  params: { principalId: account::project.identity.principalId, searchName: search.name }
}
`,
    'file:///d/role.bicep': `param principalId string
param searchName string
resource search 'Microsoft.Search/searchServices@2023-11-01' existing = { name: searchName }
resource ra 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(principalId)
  scope: search
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '8ebe5a00-799e-43f5-93ac-243d3dce84a7')
    principalId: principalId
  }
}
`,
    // Another account's connection to the same search service: not this account's dependency.
    'file:///d/other.bicep': `resource other 'Microsoft.CognitiveServices/accounts@2025-06-01' = {
  name: 'other-ai'
  properties: {}
  resource conn 'connections' = {
    name: 'x'
    properties: { category: 'CognitiveSearch', target: 'https://unrelated.search.windows.net' }
  }
}
`,
  };
  const graph = bicepGraph(`param baseName string
module acct 'account.bicep' = { name: 'acct', params: { baseName: baseName } }
module srch 'search.bicep' = { name: 'srch', params: { baseName: baseName } }
module proj 'project.bicep' = { name: 'proj', params: { accountName: acct.outputs.name, searchName: srch.outputs.name } }
module other 'other.bicep' = { name: 'other' }
`, files);
  assert.deepEqual(graph.accounts.map((a) => a.name), ['account', 'other-ai']);
  assert.deepEqual(summary(graph), ['srch-{…}.search.windows.net | connection,roleAssignment']);
  const [dep] = dependenciesOf(graph.accounts[0], graph);
  assert.equal(dep.resource?.file.uri, 'file:///d/search.bicep', 'the declared search service, not the existing reference');
  assert.equal(dep.resource?.existing, false);
  assert.equal(dep.also[0].loc.file.uri, 'file:///d/project.bicep', 'the role evidence is where the identity is passed');
  assert.deepEqual(summary(graph, 1), ['unrelated.search.windows.net | connection']);
});

/** An inline nested deployment (inner scope) passing `values` to a template with `parameters`, `resources` and `outputs`. */
function nested(name: string, values: Record<string, string>, parameters: string[], resources: unknown[], outputs: Record<string, string> = {}) {
  return {
    type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name,
    properties: {
      mode: 'Incremental', expressionEvaluationOptions: { scope: 'inner' },
      parameters: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v }])),
      template: {
        $schema: SCHEMA, contentVersion: '1.0.0.0',
        parameters: Object.fromEntries(parameters.map((p) => [p, { type: 'string' }])),
        resources,
        outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { type: 'string', value: v }])),
      },
    },
  };
}

test('ARM: nested deployments\' outputs are followed (reference(name) and reference(resourceId(...)).outputs.x.value): the account\'s name and identity reach sibling deployments', () => {
  const account = nested('acct', { baseName: "[parameters('baseName')]" }, ['baseName'], [
    { type: AI, apiVersion: '2025-06-01', name: "[format('aif{0}', parameters('baseName'))]", location: 'eastus', kind: 'AIServices', identity: { type: 'SystemAssigned' },
      properties: { customSubDomainName: "[format('aif{0}', parameters('baseName'))]", restrictOutboundNetworkAccess: true, allowedFqdnList: [] } },
  ], {
    name: "[format('aif{0}', parameters('baseName'))]",
    principalId: "[reference(resourceId('Microsoft.CognitiveServices/accounts', format('aif{0}', parameters('baseName'))), '2025-06-01', 'full').identity.principalId]",
  });
  const search = nested('srch', { baseName: "[parameters('baseName')]" }, ['baseName'], [
    { type: 'Microsoft.Search/searchServices', apiVersion: '2023-11-01', name: "[format('srch-{0}', parameters('baseName'))]", location: 'eastus' },
  ], { name: "[format('srch-{0}', parameters('baseName'))]" });
  // The project and its connection, in a deployment that knows the account and the search service only by what it is passed.
  const project = nested('proj', {
    accountName: "[reference('acct').outputs.name.value]",
    searchName: "[reference(resourceId('Microsoft.Resources/deployments', 'srch'), '2022-09-01').outputs.name.value]",
  }, ['accountName', 'searchName'], [
    { type: `${AI}/projects`, apiVersion: '2025-06-01', name: "[format('{0}/proj', parameters('accountName'))]", location: 'eastus', properties: {} },
    { type: `${AI}/projects/connections`, apiVersion: '2025-06-01', name: "[format('{0}/proj/search', parameters('accountName'))]",
      properties: { category: 'CognitiveSearch', target: "[format('https://{0}.search.windows.net', parameters('searchName'))]" } },
  ]);
  // A role of the account's identity, in the entry template, on the search service the sibling declares.
  const role = {
    type: 'Microsoft.Authorization/roleAssignments', apiVersion: '2022-04-01', name: 'reader',
    scope: "[format('Microsoft.Search/searchServices/{0}', reference('srch').outputs.name.value)]",
    properties: { roleDefinitionId: ROLE('1407120a-92aa-4202-b7e9-c0e197c71c8f'), principalId: "[reference('acct').outputs.principalId.value]" },
  };
  const graph = armGraph([account, search, project, role], { baseName: { type: 'string' } });
  assert.deepEqual(graph.accounts.map((a) => display(graph.fullName(a))), ['aif{…}']);
  assert.deepEqual(summary(graph), ['srch-{…}.search.windows.net | connection,roleAssignment']);
  const [dep] = dependenciesOf(graph.accounts[0], graph);
  assert.equal(dep.resource?.type, 'Microsoft.Search/searchServices', 'the role\'s scope, named by the output, is the declared search service');
  assert.deepEqual(details(graph), ["connection 'search' (CognitiveSearch) of project 'proj'", "the managed identity of the service has Search Index Data Reader on search service 'srch-{…}'"]);
});

test('ARM languageVersion 2.0: an existing account named by a nested deployment\'s output (by symbolic name) is the declared account', () => {
  const text = JSON.stringify({
    $schema: SCHEMA, languageVersion: '2.0', contentVersion: '1.0.0.0',
    parameters: { baseName: { type: 'string', defaultValue: 'x' } },
    resources: {
      accountDeployment: nested('acct', { baseName: "[parameters('baseName')]" }, ['baseName'], [
        { type: AI, apiVersion: '2025-06-01', name: "[format('aif{0}', parameters('baseName'))]", location: 'eastus', kind: 'AIServices',
          properties: { customSubDomainName: "[format('aif{0}', parameters('baseName'))]", restrictOutboundNetworkAccess: true, allowedFqdnList: [] } },
      ], { name: "[format('aif{0}', parameters('baseName'))]" }),
      account: { type: AI, apiVersion: '2025-06-01', existing: true, name: "[reference('accountDeployment').outputs.name.value]" },
      docs: { type: `${AI}/connections`, apiVersion: '2025-06-01', name: "[format('{0}/docs', reference('accountDeployment').outputs.name.value)]",
        dependsOn: ['account'], properties: { category: 'AzureBlob', target: 'https://partnerdocs.blob.core.windows.net/' } },
    },
  }, null, 2);
  const graph = readArmDeployment(parseArm({ uri: 'file:///d/main.json', text, kind: 'arm' }), {});
  assert.deepEqual(graph.accounts.map((a) => a.name), ['aifx']);
  const existing = graph.resources.find((r) => r.symbolicName === 'account')!;
  assert.equal(graph.fullName(existing), 'aifx');
  assert.deepEqual(summary(graph), ['partnerdocs.blob.core.windows.net | connection']);
});

test('an existing account with another name, or in another resource group, is not the declared account', () => {
  const files: Record<string, string> = {
    'file:///d/conn.bicep': `param accountName string
resource account 'Microsoft.CognitiveServices/accounts@2025-06-01' existing = {
  name: accountName
  resource conn 'connections' = {
    name: 'c'
    properties: { category: 'AzureOpenAI', target: 'https://x.openai.azure.com' }
  }
}
`,
  };
  const graph = bicepGraph(`resource account 'Microsoft.CognitiveServices/accounts@2025-06-01' = {
  name: 'ai-main'
  properties: {}
}
module a 'conn.bicep' = { name: 'a', params: { accountName: 'ai-other' } }
module b 'conn.bicep' = { name: 'b', scope: resourceGroup('rg-elsewhere'), params: { accountName: 'ai-main' } }
`, files);
  assert.deepEqual(summary(graph), []);
});

test('Azure ML workspace connections that target the account are not its dependencies', () => {
  const graph = bicepGraph(`
resource account 'Microsoft.CognitiveServices/accounts@2025-06-01' = {
  name: 'ai'
  properties: { customSubDomainName: 'ai' }
}
resource hub 'Microsoft.MachineLearningServices/workspaces@2024-10-01' = {
  name: 'hub'
  resource conn 'connections' = {
    name: 'aoai'
    properties: { category: 'AzureOpenAI', target: account.properties.endpoint, metadata: { ResourceId: account.id } }
  }
}
`);
  assert.deepEqual(summary(graph), []);
});

test('role table: ids match case-insensitively, in full ids or bare; unknown ids are no role', () => {
  assert.equal(dataRoleOf('/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/BA92F5B4-2D11-453D-A403-E96B0029C9FE')?.name, 'Storage Blob Data Contributor');
  assert.equal(dataRoleOf('8ebe5a00-799e-43f5-93ac-243d3dce84a7')?.name, 'Search Index Data Contributor');
  assert.equal(dataRoleOf('b24988ac-6180-42a0-ab88-20f7382dd24c'), undefined);
  assert.equal(dataRoleOf('x/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002', 'cosmos')?.name, 'Cosmos DB Built-in Data Contributor');
  assert.equal(dataRoleOf('00000000-0000-0000-0000-000000000002'), undefined, 'Cosmos SQL roles are not Azure RBAC roles');
});

// ---- role assignments in copy loops (AVM) -------------------------------------------------------

/** AVM's search module in miniature: role assignments made in a copy loop over `formattedRoleAssignments`. */
function avmSearchModule(roleAssignments: unknown, count = "[length(coalesce(variables('formattedRoleAssignments'), createArray()))]") {
  const item = (member: string) => `[coalesce(variables('formattedRoleAssignments'), createArray())[copyIndex()].${member}]`;
  return {
    type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name: 'srch',
    properties: {
      mode: 'Incremental', expressionEvaluationOptions: { scope: 'inner' },
      parameters: { name: { value: "[format('srch-{0}', parameters('baseName'))]" }, roleAssignments: { value: roleAssignments } },
      template: {
        $schema: SCHEMA, contentVersion: '1.0.0.0',
        parameters: { name: { type: 'string' }, roleAssignments: { type: 'array', nullable: true } },
        variables: {
          copy: [{
            name: 'formattedRoleAssignments', count: "[length(coalesce(parameters('roleAssignments'), createArray()))]",
            input: "[union(coalesce(parameters('roleAssignments'), createArray())[copyIndex('formattedRoleAssignments')], createObject('roleDefinitionId', coalesce(tryGet(variables('builtInRoleNames'), coalesce(parameters('roleAssignments'), createArray())[copyIndex('formattedRoleAssignments')].roleDefinitionIdOrName), subscriptionResourceId('Microsoft.Authorization/roleDefinitions', coalesce(parameters('roleAssignments'), createArray())[copyIndex('formattedRoleAssignments')].roleDefinitionIdOrName))))]",
          }],
          builtInRoleNames: {
            'Search Index Data Reader': ROLE('1407120a-92aa-4202-b7e9-c0e197c71c8f'),
            'Storage Blob Data Reader': ROLE('2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'),
          },
        },
        resources: [
          { type: 'Microsoft.Search/searchServices', apiVersion: '2025-05-01', name: "[parameters('name')]", location: 'eastus', identity: { type: 'SystemAssigned' } },
          {
            copy: { name: 'searchService_roleAssignments', count },
            type: 'Microsoft.Authorization/roleAssignments', apiVersion: '2022-04-01',
            scope: "[format('Microsoft.Search/searchServices/{0}', parameters('name'))]",
            name: `[guid(resourceId('Microsoft.Search/searchServices', parameters('name')), ${item('principalId').slice(1, -1)}, ${item('roleDefinitionId').slice(1, -1)})]`,
            properties: { roleDefinitionId: item('roleDefinitionId'), principalId: item('principalId'), principalType: `[tryGet(coalesce(variables('formattedRoleAssignments'), createArray())[copyIndex()], 'principalType')]` },
            dependsOn: ["[resourceId('Microsoft.Search/searchServices', parameters('name'))]"],
          },
        ],
        outputs: { name: { type: 'string', value: "[parameters('name')]" } },
      },
    },
  };
}

/** AVM's account module in miniature: the identity's principal id as an output read with tryGet. */
const avmAccount = nested('acct', { baseName: "[parameters('baseName')]" }, ['baseName'], [
  { type: AI, apiVersion: '2025-06-01', name: "[format('aif{0}', parameters('baseName'))]", location: 'eastus', kind: 'AIServices', identity: { type: 'SystemAssigned' },
    properties: { customSubDomainName: "[format('aif{0}', parameters('baseName'))]", restrictOutboundNetworkAccess: true, allowedFqdnList: [] } },
], {
  systemAssignedMIPrincipalId: "[tryGet(tryGet(reference(resourceId('Microsoft.CognitiveServices/accounts', format('aif{0}', parameters('baseName'))), '2025-06-01', 'full'), 'identity'), 'principalId')]",
});

test('ARM (AVM): each iteration of a role-assignment copy loop is a role assignment; the AI identity\'s data role is a dependency, another principal\'s is not', () => {
  const search = avmSearchModule([
    { principalId: "[reference('acct').outputs.systemAssignedMIPrincipalId.value]", roleDefinitionIdOrName: 'Search Index Data Reader', principalType: 'ServicePrincipal' },
    { principalId: "[parameters('userId')]", roleDefinitionIdOrName: 'Search Index Data Reader', principalType: 'User' },
  ]);
  const graph = armGraph([avmAccount, search], { baseName: { type: 'string' }, userId: { type: 'string', defaultValue: '11111111-1111-1111-1111-111111111111' } });
  const loop = graph.ofType('Microsoft.Authorization/roleAssignments')[0];
  assert.equal(loop.iterations?.()?.length, 2);
  assert.deepEqual(summary(graph), ['srch-{…}.search.windows.net | roleAssignment']);
  assert.deepEqual(details(graph), ["the managed identity of the service has Search Index Data Reader on search service 'srch-{…}'"]);
  const [dep] = dependenciesOf(graph.accounts[0], graph);
  assert.equal(dep.resource?.type, 'Microsoft.Search/searchServices');
  assert.equal(dep.evidence.source, loop);
});

test('ARM (AVM): a role-assignment loop whose iterations are another principal\'s, a control-plane role, or of unknown or too large a count says nothing', () => {
  const params = { baseName: { type: 'string' }, userId: { type: 'string', defaultValue: '11111111-1111-1111-1111-111111111111' }, roles: { type: 'array' } };
  const mine = { principalId: "[reference('acct').outputs.systemAssignedMIPrincipalId.value]", roleDefinitionIdOrName: 'Search Index Data Reader' };
  const cases: [string, unknown, string?][] = [
    ['another principal only', [{ principalId: "[parameters('userId')]", roleDefinitionIdOrName: 'Search Index Data Reader' }]],
    ['a control-plane role (Contributor)', [{ ...mine, roleDefinitionIdOrName: 'b24988ac-6180-42a0-ab88-20f7382dd24c' }]],
    ['a list only known at deployment', "[parameters('roles')]"],
    ['a count only known at deployment', [mine], "[length(parameters('name'))]"],
    ['more iterations than are read one by one', [mine], '[65]'],
  ];
  for (const [what, roles, count] of cases) {
    const graph = armGraph([avmAccount, avmSearchModule(roles, count)], params);
    assert.deepEqual(summary(graph), [], what);
  }
  // The bound: 64 iterations are read one by one.
  const graph = armGraph([avmAccount, avmSearchModule([mine], '[64]')], params);
  assert.equal(graph.ofType('Microsoft.Authorization/roleAssignments')[0].iterations?.()?.length, 64);
  assert.deepEqual(summary(graph), ['srch-{…}.search.windows.net | roleAssignment']);
});
