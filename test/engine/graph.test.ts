// The deployment graph: resources, relations and runtime values, read from ARM and Bicep alike, and a
// rule that reads a related resource through it.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRule } from '../../rules';
import { analyze } from '../../server/src/engine/analyze';
import { parseArm, readArmDeployment } from '../../server/src/engine/arm/reader';
import { parseBicep } from '../../server/src/engine/bicep/parser';
import { readBicepDeployment } from '../../server/src/engine/bicep/reader';
import { mergeSettings } from '../../server/src/engine/config';
import type { CloudName } from '../../server/src/engine/expressions/environment';
import { isUnknown, type Value } from '../../server/src/engine/expressions/value';
import type { DeploymentGraph, GraphResource, Relation } from '../../server/src/engine/graph/graph';
import { MODULE_STORE } from '../support/modules';

const STORAGE = 'Microsoft.Storage/storageAccounts';

function armGraph(text: string, cloud: CloudName = 'AzureCloud'): DeploymentGraph {
  return readArmDeployment(parseArm({ uri: 'file:///g/main.json', text, kind: 'arm' }), { cloud });
}

/** `readTypes`: the types whose bodies modules keep (as the rules that read them ask). */
function bicepGraph(text: string, cloud: CloudName = 'AzureCloud', files: Record<string, string> = {}, readTypes?: ReadonlySet<string>): DeploymentGraph {
  const file = { uri: 'file:///g/main.bicep', text, kind: 'bicep' as const };
  return readBicepDeployment(file, parseBicep(text).program, { cloud, readFile: (u) => files[u], readTypes });
}

function one(graph: DeploymentGraph, type: string): GraphResource {
  const found = graph.ofType(type);
  assert.equal(found.length, 1, `one ${type}: ${found.map((r) => r.id).join(', ')}`);
  return found[0];
}

function names(resources: readonly GraphResource[]): string[] {
  return resources.map((r) => r.symbolicName ?? r.id);
}

/** Partially known strings shown with `{?}` for the unknown pieces. */
function shown(v: Value): string {
  if (typeof v === 'string') return v;
  if (isUnknown(v) && v.parts) return v.parts.map((p) => p ?? '{?}').join('');
  return isUnknown(v) ? `Unknown(${v.reason})` : JSON.stringify(v);
}

const ARM = JSON.stringify({
  $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
  contentVersion: '1.0.0.0',
  parameters: { st: { type: 'string', defaultValue: 'contosodocs' }, ai: { type: 'string', defaultValue: 'contoso-ai' } },
  resources: [
    { type: STORAGE, apiVersion: '2023-01-01', name: "[parameters('st')]", location: 'eastus', kind: 'StorageV2',
      resources: [{ type: 'blobServices', apiVersion: '2023-01-01', name: 'default' }] },
    { type: 'Microsoft.Storage/storageAccounts/blobServices/containers', apiVersion: '2023-01-01', name: "[format('{0}/default/docs', parameters('st'))]" },
    { type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2024-10-01', name: "[parameters('ai')]", kind: 'FormRecognizer', location: 'eastus',
      dependsOn: ["[resourceId('Microsoft.Storage/storageAccounts', parameters('st'))]"],
      properties: {
        customSubDomainName: "[parameters('ai')]",
        restrictOutboundNetworkAccess: true,
        allowedFqdnList: ["[replace(replace(reference(resourceId('Microsoft.Storage/storageAccounts', parameters('st')), '2023-01-01').primaryEndpoints.blob, 'https://', ''), '/', '')]"],
        userOwnedStorage: [{ resourceId: "[resourceId('Microsoft.Storage/storageAccounts', parameters('st'))]" }],
      } },
    { type: 'Microsoft.Insights/diagnosticSettings', apiVersion: '2021-05-01-preview', name: 'logs',
      scope: "[format('Microsoft.CognitiveServices/accounts/{0}', parameters('ai'))]", properties: {} },
    { type: 'Microsoft.Authorization/roleAssignments', apiVersion: '2022-04-01', name: 'ra', existing: true },
  ],
}, null, 2);

const BICEP = `param st string = 'contosodocs'
param ai string = 'contoso-ai'

resource storage 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: st
  location: 'eastus'
  kind: 'StorageV2'
  resource blob 'blobServices' = {
    name: 'default'
  }
}

resource docs 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-01-01' = {
  parent: storage::blob
  name: 'docs'
}

resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: ai
  location: 'eastus'
  kind: 'FormRecognizer'
  dependsOn: [storage]
  properties: {
    customSubDomainName: ai
    restrictOutboundNetworkAccess: true
    allowedFqdnList: [
      replace(replace(storage.properties.primaryEndpoints.blob, 'https://', ''), '/', '')
    ]
    userOwnedStorage: [
      { resourceId: storage.id }
    ]
  }
}

resource logs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'logs'
  scope: account
  properties: {}
}

resource ra 'Microsoft.Authorization/roleAssignments@2022-04-01' existing = {
  name: 'ra'
}
`;

for (const [format, build] of [['ARM', armGraph], ['Bicep', bicepGraph]] as const) {
  test(`${format}: every resource is in the graph, existing ones marked, types composed, api versions kept`, () => {
    const graph = build(format === 'ARM' ? ARM : BICEP);
    assert.deepEqual(graph.resources.map((r) => r.type), [
      STORAGE, `${STORAGE}/blobServices`, `${STORAGE}/blobServices/containers`, 'Microsoft.CognitiveServices/accounts',
      'Microsoft.Insights/diagnosticSettings', 'Microsoft.Authorization/roleAssignments',
    ]);
    assert.deepEqual(graph.resources.map((r) => r.existing), [false, false, false, false, false, true]);
    assert.equal(one(graph, STORAGE).apiVersion?.value, '2023-01-01');
    assert.equal(graph.accounts.length, 1);
    assert.equal(graph.ofType('microsoft.storage/STORAGEACCOUNTS').length, 1, 'types compare case-insensitively');
  });

  test(`${format}: names are evaluated, children's full names composed`, () => {
    const graph = build(format === 'ARM' ? ARM : BICEP);
    assert.deepEqual(graph.resources.slice(0, 3).map((r) => graph.fullName(r)), ['contosodocs', 'contosodocs/default', 'contosodocs/default/docs']);
  });

  test(`${format}: relations — parent/child (nesting, parent:, acct/child names), scope, dependsOn, references`, () => {
    const graph = build(format === 'ARM' ? ARM : BICEP);
    const storage = one(graph, STORAGE);
    const blob = one(graph, `${STORAGE}/blobServices`);
    const container = one(graph, `${STORAGE}/blobServices/containers`);
    const account = graph.accounts[0];
    const logs = one(graph, 'Microsoft.Insights/diagnosticSettings');
    const rel = (r: GraphResource, relation: Relation, type?: string) => graph.related(r, relation, type);
    assert.deepEqual(rel(blob, 'parent'), [storage]);
    assert.deepEqual(rel(container, 'parent'), [blob]);
    assert.deepEqual(rel(storage, 'child'), [blob]);
    assert.deepEqual(rel(blob, 'child'), [container]);
    assert.deepEqual(rel(logs, 'scope'), [account]);
    assert.deepEqual(rel(account, 'scopedTo', 'microsoft.insights/diagnosticsettings'), [logs]);
    assert.deepEqual(rel(account, 'scopedTo', STORAGE), []);
    assert.deepEqual(rel(account, 'dependsOn'), [storage]);
    assert.deepEqual(rel(storage, 'dependedOnBy'), [account]);
    assert.deepEqual(rel(account, 'references', STORAGE), [storage]);
    assert.deepEqual(rel(storage, 'referencedBy'), [account]);
    assert.deepEqual(names(rel(storage, 'references')), []);
  });

  for (const [cloud, suffix] of [['AzureCloud', 'core.windows.net'], ['AzureUSGovernment', 'core.usgovcloudapi.net']] as const) {
    test(`${format}: runtime properties in ${cloud} — storage endpoints, AI endpoint, and the value an expression reads`, () => {
      const graph = build(format === 'ARM' ? ARM : BICEP, cloud);
      const storage = one(graph, STORAGE);
      assert.equal(shown(graph.runtime(storage, ['properties', 'primaryEndpoints', 'blob'])), `https://contosodocs.blob.${suffix}/`);
      assert.equal(shown(graph.runtime(storage, ['properties', 'primaryEndpoints', 'dfs'])), `https://contosodocs.dfs.${suffix}/`);
      assert.equal(shown(graph.runtime(storage, ['properties', 'primaryEndpoints', 'web'])), `https://contosodocs.z{?}.web.${suffix}/`);
      assert.equal(shown(graph.runtime(storage, ['properties', 'kind'])).startsWith('Unknown('), true, 'runtime state not modelled stays unknown');
      assert.equal(shown(graph.runtime(storage, ['id'])), '/subscriptions/{?}/resourceGroups/{?}/providers/Microsoft.Storage/storageAccounts/contosodocs');
      const account = graph.accounts[0];
      const cognitive = cloud === 'AzureCloud' ? 'cognitiveservices.azure.com' : 'cognitiveservices.azure.us';
      assert.equal(shown(graph.runtime(account, ['properties', 'endpoint'])), `https://contoso-ai.${cognitive}/`);
      // The account's allow-list is computed from the storage account's blob endpoint.
      assert.deepEqual(account.properties?.member('allowedFqdnList')?.value, [`contosodocs.blob.${suffix}`]);
    });
  }
}

test('partially known names give partially known hosts, and still resolve relations', () => {
  const text = BICEP.replace("param st string = 'contosodocs'", "param st string = 'docs${uniqueString(resourceGroup().id)}'");
  const graph = bicepGraph(text);
  const storage = one(graph, STORAGE);
  assert.equal(shown(graph.runtime(storage, ['properties', 'primaryEndpoints', 'blob'])), 'https://docs{?}.blob.core.windows.net/');
  assert.deepEqual(graph.related(graph.accounts[0], 'references', STORAGE), [storage]);
  // replace() does not guess inside unknown pieces: the entry is unknown, with the reason.
  assert.equal(shown(graph.accounts[0].properties!.member('allowedFqdnList')!.items()![0].value), "Unknown(the name of 'storage' is only known at deployment)");
});

test('other runtime hosts: search, Cosmos DB, key vault, App Service, OpenAI and Foundry accounts, per cloud', () => {
  const text = `
resource search 'Microsoft.Search/searchServices@2023-11-01' = { name: 'srch' }
resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = { name: 'cdb' }
resource kv 'Microsoft.KeyVault/vaults@2023-07-01' = { name: 'kv1' }
resource site 'Microsoft.Web/sites@2023-12-01' = { name: 'app1' }
resource oai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai'
  kind: 'OpenAI'
  properties: { customSubDomainName: 'oai-sub' }
}
resource foundry 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'f'
  kind: 'AIServices'
  properties: { customSubDomainName: 'f-sub' }
}
resource regional 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'r'
  kind: 'TextAnalytics'
  properties: {}
}
`;
  const expected: Record<CloudName, string[]> = {
    AzureCloud: ['https://srch.search.windows.net', 'https://cdb.documents.azure.com:443/', 'https://kv1.vault.azure.net/', 'app1.azurewebsites.net',
      'https://oai-sub.openai.azure.com/', 'https://f-sub.cognitiveservices.azure.com/', 'https://f-sub.services.ai.azure.com/'],
    AzureUSGovernment: ['https://srch.search.azure.us', 'https://cdb.documents.azure.us:443/', 'https://kv1.vault.usgovcloudapi.net/', 'app1.azurewebsites.us',
      'https://oai-sub.openai.azure.us/', 'https://f-sub.cognitiveservices.azure.us/', 'https://f-sub.services.ai.azure.us/'],
    AzureChinaCloud: ['https://srch.search.azure.cn', 'https://cdb.documents.azure.cn:443/', 'https://kv1.vault.azure.cn/', 'app1.chinacloudsites.cn',
      'https://oai-sub.openai.azure.cn/', 'https://f-sub.cognitiveservices.azure.cn/', 'https://f-sub.services.ai.azure.cn/'],
  };
  for (const cloud of ['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud'] as const) {
    const graph = bicepGraph(text, cloud);
    const [oai, foundry, regional] = graph.accounts;
    assert.deepEqual([
      graph.runtime(one(graph, 'Microsoft.Search/searchServices'), ['properties', 'endpoint']),
      graph.runtime(one(graph, 'Microsoft.DocumentDB/databaseAccounts'), ['properties', 'documentEndpoint']),
      graph.runtime(one(graph, 'Microsoft.KeyVault/vaults'), ['properties', 'vaultUri']),
      graph.runtime(one(graph, 'Microsoft.Web/sites'), ['properties', 'defaultHostName']),
      graph.runtime(oai, ['properties', 'endpoint']),
      graph.runtime(foundry, ['properties', 'endpoint']),
      graph.runtime(foundry, ['properties', 'endpoints', 'AI Foundry API']),
    ].map(shown), expected[cloud], cloud);
    assert.match(shown(graph.runtime(regional, ['properties', 'endpoint'])), /no customSubDomainName/);
  }
});

test('module calls are deployment steps: path, call site and target scope', () => {
  const files = {
    'file:///g/mod.bicep': "resource st 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: 'inmod'\n}\n",
  };
  const text = "module m './mod.bicep' = {\n  name: 'storage-deploy'\n  scope: resourceGroup('rg-data')\n}\n";
  const graph = bicepGraph(text, 'AzureCloud', files);
  const storage = one(graph, STORAGE);
  assert.deepEqual(storage.deploymentPath, ['storage-deploy']);
  assert.equal(storage.file.uri, 'file:///g/mod.bicep');
  const [step] = graph.deploymentChain(storage);
  assert.deepEqual(step.path, ['storage-deploy']);
  assert.equal(text.slice(step.loc.start, step.loc.end).startsWith("module m './mod.bicep'"), true);
  assert.equal(text.slice(step.scope!.loc.start, step.scope!.loc.end), "resourceGroup('rg-data')");
});

test('ARM nested deployments: resources inside are in the graph with their chain and resource group', () => {
  const text = JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    resources: [{
      type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name: 'inner', resourceGroup: 'rg-data',
      properties: { mode: 'Incremental', expressionEvaluationOptions: { scope: 'inner' }, template: {
        $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0',
        resources: [{ type: STORAGE, apiVersion: '2023-01-01', name: 'nested' }],
      } },
    }],
  });
  const graph = armGraph(text);
  const storage = one(graph, STORAGE);
  assert.deepEqual(storage.deploymentPath, ['inner']);
  assert.equal(graph.deploymentChain(storage)[0].resourceGroup?.value, 'rg-data');
  assert.equal(graph.fullName(storage), 'nested');
});

test('ARM nested deployments: a deployment resolves by its name or id, and an id naming a declared resource and `existing` references to it resolves to the declared one', () => {
  const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
  const storage = { type: STORAGE, apiVersion: '2023-01-01', name: "[format('st{0}', parameters('suffix'))]" };
  /** A nested deployment (inner scope, languageVersion 2.0) passing `suffix` on. */
  const nested = (name: string, resources: Record<string, unknown>) => ({
    type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name,
    properties: { mode: 'Incremental', expressionEvaluationOptions: { scope: 'inner' },
      parameters: { suffix: { value: "[parameters('suffix')]" } },
      template: { $schema: SCHEMA, languageVersion: '2.0', contentVersion: '1.0.0.0', parameters: { suffix: { type: 'string' } }, resources } },
  });
  const graph = armGraph(JSON.stringify({
    $schema: SCHEMA, contentVersion: '1.0.0.0', parameters: { suffix: { type: 'string' } },
    resources: [nested('data', { st: storage }), nested('uses', { st: { ...storage, existing: true } })],
  }));
  const declared = graph.ofType(STORAGE).find((r) => !r.existing)!;
  const existing = graph.ofType(STORAGE).find((r) => r.existing)!;
  const id = `/subscriptions/x/resourceGroups/rg/providers/${STORAGE}/stabc`;
  assert.equal(graph.resolve(id, []), declared, 'from the entry template');
  assert.equal(graph.resolve(id, ['uses']), existing, 'from the deployment that declares the reference: its own');
  const deployment = graph.ofType('Microsoft.Resources/deployments').find((r) => graph.fullName(r) === 'data');
  assert.ok(deployment);
  assert.equal(graph.resolve('data', []), deployment);
  assert.equal(graph.resolve('/subscriptions/x/resourceGroups/rg/providers/Microsoft.Resources/deployments/data', []), deployment);
});

// A rule that reads a related resource through the graph, the way the dependency rules will.
const storageHosts = createRule({
  id: 'test-storage-hosts',
  defaultLevel: 'info',
  description: 'Reports the blob host of each storage account an AI account refers to.',
  messages: { host: "AI service {{resource}} reads storage account '{{storage}}' at {{host}}" },
  resourceTypes: [STORAGE],
  check(resource, { graph }) {
    return graph.related(resource, 'references', STORAGE).map((storage) => ({
      at: resource.typeLoc,
      messageId: 'host' as const,
      data: { resource: `'${resource.name}'`, storage: shown(graph.fullName(storage)), host: shown(graph.runtime(storage, ['properties', 'primaryEndpoints', 'blob'])) },
    }));
  },
});

for (const [cloud, suffix] of [['AzureCloud', 'core.windows.net'], ['AzureUSGovernment', 'core.usgovcloudapi.net']] as const) {
  for (const [kind, uri, text] of [['arm', 'file:///g/main.json', ARM], ['bicep', 'file:///g/main.bicep', BICEP]] as const) {
    test(`a rule reads a related storage account's blob endpoint through the graph (${kind}, ${cloud})`, () => {
      const result = analyze({ uri, text, kind }, { settings: mergeSettings({ cloud }), rules: [storageHosts] });
      assert.deepEqual(result.findings.map((f) => [f.ruleId, f.messageId, f.message]), [
        ['test-storage-hosts', 'host', `AI service 'contoso-ai' reads storage account 'contosodocs' at https://contosodocs.blob.${suffix}/`],
      ]);
      assert.deepEqual(result.findings[0].data, { resource: "'contoso-ai'", storage: 'contosodocs', host: `https://contosodocs.blob.${suffix}/` });
    });
  }
}

test("Bicep bodies of types no rule reads are skipped; a rule's resourceTypes keeps them", () => {
  const text = "resource storage 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: 'kept'\n}\nresource kv 'Microsoft.KeyVault/vaults@2023-07-01' = {\n  name: 'skipped'\n}\n";
  const skipped = parseBicep(text, { skipIrrelevantResources: true, readTypes: new Set(['microsoft.storage/storageaccounts']) });
  const bodies = skipped.program.declarations.map((d) => (d.kind === 'resource' ? !!d.body?.skipped : undefined));
  assert.deepEqual(bodies, [false, true]);
  const graph = readBicepDeployment({ uri: 'file:///g/s.bicep', text, kind: 'bicep' }, skipped.program, { readFile: () => undefined });
  assert.deepEqual(graph.resources.map((r) => [r.type, !!r.declaration, shown(graph.fullName(r)).startsWith('Unknown') ? 'unknown' : graph.fullName(r)]), [
    [STORAGE, true, 'kept'], ['Microsoft.KeyVault/vaults', false, 'unknown'],
  ]);
});

test('a rule can check resources of other types (subjects): declared ones, not existing or excluded by a false condition', () => {
  const workspaceRule = createRule({
    id: 'test-workspace-mode',
    defaultLevel: 'warning',
    description: 'Reports the isolation mode of each ML workspace.',
    messages: { mode: 'workspace {{name}}: {{mode}}' },
    subjects: ['Microsoft.MachineLearningServices/workspaces'],
    check(resource) {
      const mode = resource.properties?.member('managedNetwork')?.member('isolationMode');
      return [{ at: mode ?? resource.typeLoc, messageId: 'mode' as const, data: { name: resource.name, mode: shown(mode?.value ?? 'none') } }];
    },
  });
  const bicep = `param deployHub bool = false
resource hub 'Microsoft.MachineLearningServices/workspaces@2024-10-01' = {
  name: 'hub1'
  properties: { managedNetwork: { isolationMode: 'AllowInternetOutbound' } }
}
resource off 'Microsoft.MachineLearningServices/workspaces@2024-10-01' = if (deployHub) {
  name: 'hub2'
}
resource old 'Microsoft.MachineLearningServices/workspaces@2024-10-01' existing = {
  name: 'hub3'
}
`;
  const arm = JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0',
    parameters: { deployHub: { type: 'bool', defaultValue: false } },
    resources: [
      { type: 'Microsoft.MachineLearningServices/workspaces', apiVersion: '2024-10-01', name: 'hub1', properties: { managedNetwork: { isolationMode: 'AllowInternetOutbound' } } },
      { type: 'Microsoft.MachineLearningServices/workspaces', apiVersion: '2024-10-01', name: 'hub2', condition: "[parameters('deployHub')]" },
      { type: 'Microsoft.MachineLearningServices/workspaces', apiVersion: '2024-10-01', name: 'hub3', existing: true },
    ],
  }, null, 2);
  for (const [kind, uri, text] of [['bicep', 'file:///g/ml.bicep', bicep], ['arm', 'file:///g/ml.json', arm]] as const) {
    const result = analyze({ uri, text, kind }, { settings: mergeSettings({}), rules: [workspaceRule] });
    assert.deepEqual(result.findings.map((f) => [f.message, text.slice(f.loc.start, f.loc.end)]), [
      ['workspace hub1: AllowInternetOutbound', kind === 'bicep' ? "'AllowInternetOutbound'" : '"AllowInternetOutbound"'],
    ], kind);
  }
});

test('extension resources in the accounts/providers/diagnosticSettings form are scoped to the account (ARM, top level and nested)', () => {
  const text = JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0',
    parameters: { ai: { type: 'string', defaultValue: 'contoso-ai' } },
    resources: [
      { type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2024-10-01', name: "[parameters('ai')]", kind: 'OpenAI', properties: {},
        resources: [{ type: 'providers/diagnosticSettings', apiVersion: '2021-05-01-preview', name: 'Microsoft.Insights/nested', properties: {} }] },
      { type: 'Microsoft.CognitiveServices/accounts/providers/diagnosticSettings', apiVersion: '2021-05-01-preview', name: "[format('{0}/Microsoft.Insights/top', parameters('ai'))]", properties: {} },
      { type: 'Microsoft.CognitiveServices/accounts/providers/diagnosticSettings', apiVersion: '2021-05-01-preview', name: 'other-ai/Microsoft.Insights/elsewhere', properties: {} },
    ],
  }, null, 2);
  const graph = armGraph(text);
  const account = graph.accounts[0];
  const type = 'Microsoft.CognitiveServices/accounts/providers/diagnosticSettings';
  const settings = graph.ofType(type);
  assert.deepEqual(settings.map((r) => graph.fullName(r)), ['contoso-ai/Microsoft.Insights/nested', 'contoso-ai/Microsoft.Insights/top', 'other-ai/Microsoft.Insights/elsewhere']);
  assert.deepEqual(graph.related(account, 'scopedTo', type), settings.slice(0, 2));
  // The nested one is also the account's child: nested resources point at the account the graph holds.
  assert.deepEqual(graph.related(account, 'child', type), [settings[0]]);
  assert.deepEqual(graph.related(settings[1], 'scope'), [account]);
});

test('Bicep: children nested in an account are its children; relations of a rule subject are those of its resource', () => {
  const text = `resource foundry 'Microsoft.CognitiveServices/accounts@2025-10-01-preview' = {
  name: 'contoso-ai'
  kind: 'AIServices'
  properties: {}
  resource network 'managedNetworks@2025-10-01-preview' = {
    name: 'default'
    properties: { managedNetwork: { isolationMode: 'AllowOnlyApprovedOutbound' } }
  }
}
`;
  const graph = bicepGraph(text);
  const network = one(graph, 'Microsoft.CognitiveServices/accounts/managedNetworks');
  assert.deepEqual(graph.related(network, 'parent'), [graph.accounts[0]]);
  const [subject] = graph.subjects(['Microsoft.CognitiveServices/accounts/managedNetworks']);
  assert.notEqual(subject, network);
  assert.deepEqual(graph.related(subject, 'parent'), [graph.accounts[0]]);
  assert.equal(graph.fullName(subject), 'contoso-ai/default');
});

test('Bicep: a loop symbol is the array of its iterations: sts[i] names that iteration (its own name and host), dependsOn: [sts] the loop', () => {
  const text = `var names = ['stdocs', 'stlogs']
resource sts '${STORAGE}@2023-01-01' = [for n in names: { name: n }]
resource lock 'Microsoft.Authorization/locks@2020-05-01' = {
  name: 'keep'
  scope: sts[1]
  dependsOn: [sts]
  properties: { level: 'CanNotDelete' }
}
resource locks 'Microsoft.Authorization/locks@2020-05-01' = [for (n, i) in names: {
  name: 'keep-\${n}'
  scope: sts[i]
  properties: { level: 'CanNotDelete' }
}]
`;
  const graph = bicepGraph(text);
  const loop = one(graph, STORAGE);
  const [lock, locks] = graph.ofType('Microsoft.Authorization/locks');
  const [scope] = graph.related(lock, 'scope');
  assert.equal(Object.getPrototypeOf(scope), loop, 'the iteration has the loop as its prototype');
  assert.deepEqual([scope.id, scope.loopIndex, graph.fullName(scope), graph.runtime(scope, ['properties', 'primaryEndpoints', 'blob'])],
    ['#sts[1]', 1, 'stlogs', 'https://stlogs.blob.core.windows.net/']);
  assert.deepEqual(graph.related(lock, 'dependsOn'), [loop]);
  assert.deepEqual(graph.related(loop, 'scopedTo'), [lock], 'the graph relates an iteration as its loop');
  // Each iteration of a loop over sts[i] names its own storage account; read once (index unknown), none.
  assert.deepEqual(locks.iterations!()!.map((it) => graph.fullName(graph.resolve(it.member('scope')!.value)!)), ['stdocs', 'stlogs']);
  assert.deepEqual(graph.related(locks, 'scope'), []);
});

const DEPLOYMENT_SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
/**
 * An ARM template with a copy loop of `count` nested deployments (scope `scope`) of a template declaring AI account
 * `name`; inner scope passes it `nameParam` ('[parameters(...)...]', with copyIndex()).
 */
function copiedAccounts(scope: 'inner' | 'outer', count: unknown, name: string, nameParam?: string): string {
  return JSON.stringify({
    $schema: DEPLOYMENT_SCHEMA, contentVersion: '1.0.0.0', parameters: { names: { type: 'array', defaultValue: ['one', 'two', 'one'] }, n: { type: 'int' } },
    resources: [{
      type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name: "[format('acct-{0}', copyIndex())]", copy: { name: 'accts', count },
      properties: {
        mode: 'Incremental', expressionEvaluationOptions: { scope }, ...(nameParam ? { parameters: { name: { value: nameParam } } } : {}),
        template: { $schema: DEPLOYMENT_SCHEMA, contentVersion: '1.0.0.0', parameters: nameParam ? { name: { type: 'string' } } : {},
          resources: [{ type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2025-06-01', name, location: 'eastus', kind: 'OpenAI', properties: {} }] },
      },
    }],
  }, null, 2);
}
const accountsOf = (graph: DeploymentGraph) => graph.accounts.map((a) => `${a.deploymentPath.join('/')}: ${shown(graph.fullName(a))}`);
const stepsOf = (graph: DeploymentGraph) => graph.deployments.map((d) => `${d.path.join('/')} ${d.name}${d.iteration ? ` [${d.iteration.index}]` : ''}${d.loop ? ' loop' : ''}${d.sameAs ? ` = ${d.sameAs.join('/')}` : ''}`);

test('ARM nested deployments in a copy loop: read once per distinct instance (inner scope: the values passed; outer: whether copyIndex() is used)', () => {
  // Inner scope, a loop of 3 passing names[copyIndex()]: the third passes what the first does, from the same place.
  const inner = armGraph(copiedAccounts('inner', "[length(parameters('names'))]", "[parameters('name')]", "[parameters('names')[copyIndex()]]"));
  assert.deepEqual(accountsOf(inner), ['acct-0[0]: one', 'acct-1[1]: two']);
  assert.deepEqual(stepsOf(inner), ['acct-0[0] acct-0 [0]', 'acct-1[1] acct-1 [1]', 'acct-2[2] acct-2 [2] = acct-0[0]']);
  // Three different names: three accounts.
  const three = armGraph(copiedAccounts('inner', 3, "[parameters('name')]", "[format('ai-{0}', copyIndex(1))]"));
  assert.deepEqual(accountsOf(three), ['acct-0[0]: ai-1', 'acct-1[1]: ai-2', 'acct-2[2]: ai-3']);
  // Outer scope: the nested template sees the deployment's copyIndex(); each index is its own instance.
  const outer = armGraph(copiedAccounts('outer', 3, "[parameters('names')[copyIndex()]]"));
  assert.deepEqual(accountsOf(outer), ['acct-0[0]: one', 'acct-1[1]: two', 'acct-2[2]: one']);
  // Outer scope without copyIndex(): every index deploys the same, read once.
  const same = armGraph(copiedAccounts('outer', 3, 'fixed'));
  assert.deepEqual(accountsOf(same), ['acct-0[0]: fixed']);
  assert.deepEqual(stepsOf(same).slice(1), ['acct-1[1] acct-1 [1] = acct-0[0]', 'acct-2[2] acct-2 [2] = acct-0[0]']);
});

test('ARM nested deployments in a copy loop: a count of 0 reads none; an unknown count, or more than 64, reads the template once with the index unknown', () => {
  assert.deepEqual(accountsOf(armGraph(copiedAccounts('outer', 0, 'fixed'))), []);
  for (const count of ["[parameters('n')]", 65]) {
    const graph = armGraph(copiedAccounts('inner', count, "[parameters('name')]", "[parameters('names')[copyIndex()]]"));
    assert.deepEqual(accountsOf(graph), ['(name known only at deployment): Unknown(copyIndex() depends on the loop iteration (loops are analysed once per declaration))'], String(count));
    assert.deepEqual(stepsOf(graph), ['(name known only at deployment) (name known only at deployment) loop'], String(count));
  }
});

test('Bicep: a module loop symbol is the array of its iterations: mods[i].outputs, mods[^1] and for m in mods read that call; left out or not known, Unknown', () => {
  const text = `param unknownNames array
var names = [
  'stdocs'
  'stlogs'
  'stdocs'
]
resource probe 'Contoso.Test/probes@2020-01-01' = {
  name: 'probe'
  properties: {
    known: [stores[1].outputs.blob, stores[^1].outputs.host, stores[0].name, stores[1].outputs.partner]
    hosts: [for s in stores: s.outputs.host]
    some: [some[1].name, some[1].outputs.blob, some[2].outputs.partner]
    unknown: [some[0], some[0].outputs.blob, later[0].outputs.blob, later]
    twice: [twice.name, twice.outputs.blob]
  }
}
resource probes 'Contoso.Test/probes@2020-01-01' = [for (n, i) in names: { name: 'probe-\${i}', properties: { blob: stores[i].outputs.blob } }]
module stores 'store.bicep' = [for n in names: { name: 'store-\${n}', params: { name: n } }]
module some 'store.bicep' = [for (n, i) in names: if (i != 0) { name: 'some-\${i}', params: { name: n } }]
module later 'store.bicep' = [for n in unknownNames: { name: 'later-\${n}', params: { name: n } }]
var only = 'stonly'
module once 'store.bicep' = { name: 'once', params: { name: only } }
module twice 'store.bicep' = { name: 'twice', params: { name: only } }
`;
  const graph = bicepGraph(text, 'AzureCloud', { 'file:///g/store.bicep': MODULE_STORE }, new Set([STORAGE.toLowerCase()]));
  const probe = graph.resources.find((r) => r.symbolicName === 'probe')!;
  const values = (key: string) => probe.declaration!.member('properties')!.member(key)!.value;
  assert.deepEqual(values('known'), ['https://stlogs.blob.core.windows.net/', 'stdocs.blob.core.windows.net', 'store-stdocs', 'api-stlogs.partner.example']);
  assert.deepEqual(values('hosts'), ['stdocs.blob.core.windows.net', 'stlogs.blob.core.windows.net', 'stdocs.blob.core.windows.net']);
  // Inside another loop, stores[i] is that iteration's call.
  const probes = graph.resources.find((r) => r.symbolicName === 'probes')!;
  assert.deepEqual(probes.iterations!()!.map((it) => it.member('properties')!.member('blob')!.value),
    ['https://stdocs.blob.core.windows.net/', 'https://stlogs.blob.core.windows.net/', 'https://stdocs.blob.core.windows.net/']);
  // some[1] and some[2] pass what stores[1] and stores[2] pass, from the same places: not read again, their outputs those of the call read (as for a call out of a loop).
  assert.deepEqual(values('some'), ['some-1', 'https://stlogs.blob.core.windows.net/', 'api-stdocs.partner.example']);
  assert.deepEqual(values('twice'), ['twice', 'https://stonly.blob.core.windows.net/']);
  assert.deepEqual(stepsOf(graph), ['stores[0] store-stdocs [0]', 'stores[1] store-stlogs [1]', 'stores[2] store-stdocs [2]',
    'some[1] some-1 [1] = stores[1]', 'some[2] some-2 [2] = stores[2]', 'later later loop', 'once once', 'twice twice = once']);
  // Each call's template is read once: the one its symbol reads.
  assert.deepEqual(graph.ofType(STORAGE).map((r) => `${r.deploymentPath.join('/')}: ${isUnknown(graph.fullName(r)) ? '?' : shown(graph.fullName(r))}`),
    ['stores[0]: stdocs', 'stores[1]: stlogs', 'stores[2]: stdocs', 'later: ?', 'once: stonly']);
  // The iteration the filter leaves out, and a loop over what is only known at deployment.
  assert.deepEqual((values('unknown') as Value[]).map(shown), [
    "Unknown(iteration 0 of 'some' is left out by its condition)", "Unknown(iteration 0 of 'some' is left out by its condition)",
    "Unknown(the outputs of module 'later' are only known at deployment)", "Unknown(the outputs of module 'later' are only known at deployment)",
  ]);
});
