// The inventory of an audit: AI account instances counted from entry points (once per call and known loop
// iteration), each cause listed once, suppressed findings kept with their justification.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { mergeSettings } from '../../server/src/engine/config';
import { auditFiles, summarize, summaryText } from '../../server/src/workspace/audit';
import { collectFiles } from '../../server/src/workspace/files';
import { nodeFileHost } from '../../server/src/workspace/node-host';
import type { DeployedInstance } from '../../shared/inventory';
import { DEPLOYMENT_RULES_OFF } from '../support/lint';
import { NETWORK_ARM, networkBicep, placeOf } from '../support/network';
import { CORPUS, tempTree } from '../support/paths';

async function audit(files: Record<string, string>, inputs: string[] = ['.'], root?: string, rules: Record<string, 'off'> = DEPLOYMENT_RULES_OFF) {
  const dir = root ?? tempTree(files);
  const collected = collectFiles(inputs, dir, []);
  const settings = mergeSettings({ rules });
  const result = await auditFiles(collected.files, { settingsFor: () => settings, host: nodeFileHost(), listings: collected.listings, root: dir });
  return { dir, ...result, summary: summarize(result) };
}

/** id → restricted, the shortest view of who is deployed and how. */
function restrictions(instances: readonly DeployedInstance[]): Record<string, DeployedInstance['restricted']> {
  return Object.fromEntries(instances.map((i) => [i.id, i.restricted]));
}

/** An account in Bicep whose name and restriction are parameters. */
const AI_BICEP = `param name string
param restrict bool = false
resource acct 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: name
  location: 'eastus'
  kind: 'OpenAI'
  tags: { owner: 'team-a' }
  properties: {
    restrictOutboundNetworkAccess: restrict
    publicNetworkAccess: 'Disabled'
  }
}
`;

const THREE_CALLS = `module a 'ai.bicep' = {
  name: 'ai-a'
  params: { name: 'acct-a', restrict: true }
}
module b 'ai.bicep' = {
  name: 'ai-b'
  params: { name: 'acct-b' }
}
module c 'ai.bicep' = {
  name: 'ai-c'
  params: { name: 'acct-c', restrict: false }
}
`;

test('the three-call example: a module called three times is three instances, one restricted (33%)', async () => {
  const { inventory, summary } = await audit({ 'ai.bicep': AI_BICEP, 'main.bicep': THREE_CALLS });
  assert.deepEqual(inventory.entryPoints, [{ template: 'main.bicep', instances: 3 }]);
  assert.deepEqual(restrictions(inventory.instances), { 'main.bicep#ai-a/acct': true, 'main.bicep#ai-b/acct': false, 'main.bicep#ai-c/acct': false });
  const b = inventory.instances[1];
  assert.deepEqual({ ...b, findings: b.findings.map((f) => `${f.ruleId} ${f.file}:${f.line}:${f.column}`) }, {
    id: 'main.bicep#ai-b/acct',
    entryPoint: 'main.bicep',
    name: 'acct-b',
    symbolicName: 'acct',
    kind: 'OpenAI',
    restricted: false,
    publicNetworkAccess: 'Disabled',
    owner: 'team-a',
    declaration: { file: 'ai.bicep', line: 3, column: 15 },
    chain: [{ name: 'ai-b', file: 'main.bicep', line: 5, column: 1 }],
    network: { privateEndpoints: [], logs: { required: 'none', settings: [] } },
    // The default of the module's parameter is the cause; `c`'s value is written in main.bicep.
    findings: ['restrict-outbound-network-access ai.bicep:9:36'],
  });
  assert.deepEqual(inventory.instances[2].findings.map((f) => `${f.ruleId} ${f.file}:${f.line}:${f.column}`), ['restrict-outbound-network-access main.bicep:11:39']);
  assert.deepEqual({ ...inventory.summary, byKind: undefined, byOwner: undefined }, {
    entryPoints: 1, instances: 3, restricted: 1, open: 2, unknown: 0, restrictedPercent: 33, byKind: undefined, byOwner: undefined,
    findings: { total: 2, byRule: { 'restrict-outbound-network-access': 2 }, byLevel: { error: 0, warning: 2, info: 0 } },
    suppressed: { total: 0, byRule: {} },
  });
  assert.deepEqual(inventory.summary.byOwner, { 'team-a': { instances: 3, restricted: 1, open: 2, unknown: 0 } });
  assert.deepEqual(inventory.summary.byKind, { OpenAI: { instances: 3, restricted: 1, open: 2, unknown: 0 } });
  assert.equal(summaryText(summary), '3 AI service instances deployed by 1 entry point (2 templates, 2 files checked); 1 (33%) restrict outbound network access. 2 findings (restrict-outbound-network-access: 2).');
});

test('calls with the same values are counted each (the reader reads the module once)', async () => {
  const main = `module a 'ai.bicep' = {
  name: 'one'
  params: { name: 'same' }
}
module b 'ai.bicep' = {
  name: 'two'
  params: { name: 'same' }
}
`;
  const { inventory } = await audit({ 'ai.bicep': AI_BICEP, 'main.bicep': main });
  assert.deepEqual(inventory.instances.map((i) => [i.id, i.chain.map((s) => `${s.name}@${s.line}`).join(' ')]), [['main.bicep#one/acct', 'one@1'], ['main.bicep#two/acct', 'two@5']]);
});

test('loops: one instance per iteration when the count is known, one marked instance when it is not', async () => {
  const main = `param regions array
module known 'ai.bicep' = [for i in range(0, 3): {
  name: 'known-\${i}'
  params: { name: 'k\${i}', restrict: true }
}]
module unknown 'ai.bicep' = [for r in regions: {
  name: 'unknown-\${r}'
  params: { name: 'u-\${r}' }
}]
module filtered 'ai.bicep' = [for i in range(0, 2): if (i > 0) {
  name: 'filtered-\${i}'
  params: { name: 'f\${i}' }
}]
module empty 'ai.bicep' = [for i in []: {
  name: 'empty'
  params: { name: 'e' }
}]
`;
  const { inventory } = await audit({ 'ai.bicep': AI_BICEP, 'main.bicep': main });
  assert.deepEqual(inventory.instances.map((i) => [i.id, i.name, i.loopCountUnknown ?? false]), [
    // Each iteration of a loop over a known array is read with its own values, its filter known for each.
    ['main.bicep#known[0]/acct', 'k0', false],
    ['main.bicep#known[1]/acct', 'k1', false],
    ['main.bicep#known[2]/acct', 'k2', false],
    ['main.bicep#unknown[?]/acct', 'u-{…}', true],
    ['main.bicep#filtered[1]/acct', 'f1', false],
  ]);
  // An account's own copy loop in ARM.
  const arm = JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0',
    resources: [{ type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2024-10-01', name: "[concat('ai', copyIndex())]", kind: 'OpenAI', copy: { name: 'accts', count: 2 }, properties: { restrictOutboundNetworkAccess: true } }],
  }, null, 2);
  const copies = await audit({ 'copies.json': arm });
  assert.deepEqual(copies.inventory.instances.map((i) => `${i.id} ${i.name}`), ['copies.json#0[0] ai{…}', 'copies.json#0[1] ai{…}']);
  assert.equal(copies.inventory.summary.restrictedPercent, 100);
});

test('a module used by two entry points is counted through each; the module alone is no entry point', async () => {
  const caller = (name: string) => `module m '../shared/ai.bicep' = {\n  name: 'm'\n  params: { name: '${name}', restrict: true }\n}\n`;
  const { inventory, summary } = await audit({ 'shared/ai.bicep': AI_BICEP, 'app1/main.bicep': caller('one'), 'app2/main.bicep': caller('two') });
  assert.deepEqual(inventory.entryPoints.map((e) => `${e.template} ${e.instances}`), ['app1/main.bicep 1', 'app2/main.bicep 1']);
  assert.deepEqual(inventory.instances.map((i) => `${i.id} ${i.name} ${i.declaration.file}`), ['app1/main.bicep#m/acct one shared/ai.bicep', 'app2/main.bicep#m/acct two shared/ai.bicep']);
  assert.equal(summary.instances, 2);
  assert.equal(summary.restrictedPercent, 100);
  // Audited on its own, the module is an entry point (with its defaults).
  const alone = await audit({}, ['shared/ai.bicep'], inventory.root && new URL(inventory.root).pathname);
  assert.deepEqual(alone.inventory.instances.map((i) => `${i.id} ${i.restricted}`), ['shared/ai.bicep#acct false']);
});

test('a file with no callers is an entry point: its accounts are counted once', async () => {
  const { inventory, summary } = await audit({ 'ai.bicep': AI_BICEP.replace('param name string', "param name string = 'solo'") });
  assert.deepEqual(inventory.entryPoints, [{ template: 'ai.bicep', instances: 1 }]);
  assert.deepEqual(inventory.instances.map((i) => `${i.id} ${i.name} ${i.restricted}`), ['ai.bicep#acct solo false']);
  assert.equal(summary.restrictedPercent, 0);
});

const NESTED_ARM = JSON.stringify({
  $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0',
  parameters: { restrict: { type: 'bool', defaultValue: false } },
  resources: [
    { type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2024-10-01', name: 'top', kind: 'OpenAI', tags: { Owner: 'platform' }, properties: { restrictOutboundNetworkAccess: "[parameters('restrict')]" } },
    {
      type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name: 'outer', copy: { name: 'outers', count: 2 },
      properties: {
        mode: 'Incremental', expressionEvaluationOptions: { scope: 'inner' }, parameters: { r: { value: true } },
        template: {
          $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0',
          parameters: { r: { type: 'bool' } },
          resources: [{
            type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name: 'inner',
            properties: {
              mode: 'Incremental', expressionEvaluationOptions: { scope: 'inner' }, parameters: { r: { value: "[parameters('r')]" } },
              template: {
                $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0',
                parameters: { r: { type: 'bool' } },
                resources: [{ type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2024-10-01', name: 'deep', kind: 'AIServices', properties: { restrictOutboundNetworkAccess: "[parameters('r')]" } }],
              },
            },
          }],
        },
      },
    },
  ],
}, null, 2);

test('nested ARM deployments: accounts inside are instances of the entry template, per copy of the deployment', async () => {
  const { inventory } = await audit({ 'azuredeploy.json': NESTED_ARM });
  assert.deepEqual(inventory.instances.map((i) => [i.id, i.restricted, i.kind, i.owner ?? null, i.chain.map((s) => s.name).join(' > ')]), [
    ['azuredeploy.json#top', false, 'OpenAI', 'platform', ''],
    // Each copy is a deployment of its own, named as it evaluates (the same literal name for both), its id with its index.
    ['azuredeploy.json#outer[0]/inner/deep', true, 'AIServices', null, 'outer > inner'],
    ['azuredeploy.json#outer[1]/inner/deep', true, 'AIServices', null, 'outer > inner'],
  ]);
  assert.deepEqual(inventory.summary.byOwner, {
    '(no owner)': { instances: 2, restricted: 2, open: 0, unknown: 0 },
    platform: { instances: 1, restricted: 0, open: 1, unknown: 0 },
  });
});

test('ARM parameter files: each is a run of its own, the defaults are not a deployment', async () => {
  const params = (restrict: boolean) => JSON.stringify({ $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#', contentVersion: '1.0.0.0', parameters: { restrict: { value: restrict } } });
  const { inventory, summary } = await audit({ 'azuredeploy.json': NESTED_ARM, 'azuredeploy.parameters.json': params(true), 'azuredeploy.parameters.prod.json': params(false) });
  assert.deepEqual(inventory.entryPoints.map((e) => `${e.template} ${e.parameterFile} ${e.instances}`), [
    'azuredeploy.json azuredeploy.parameters.json 3',
    'azuredeploy.json azuredeploy.parameters.prod.json 3',
  ]);
  assert.deepEqual(inventory.instances.filter((i) => i.name === 'top').map((i) => `${i.id} ${i.restricted}`), [
    'azuredeploy.json+azuredeploy.parameters.json#top true',
    'azuredeploy.json+azuredeploy.parameters.prod.json#top false',
  ]);
  assert.equal(summary.instances, 6);
  assert.equal(summary.restricted, 5);
});

test('.bicepparam files: each is an entry point (its run of the template), and its value is reported once, where it is written', async () => {
  const main = `param restrict bool = true
resource acct 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'ai'
  kind: 'OpenAI'
  properties: { restrictOutboundNetworkAccess: restrict }
}
`;
  const { inventory, results, summary } = await audit({
    'main.bicep': main,
    'dev.bicepparam': "using 'main.bicep'\nparam restrict = false\n",
    'prod.bicepparam': "using 'main.bicep'\nparam restrict = true\n",
  });
  assert.deepEqual(inventory.entryPoints.map((e) => `${e.template}+${e.parameterFile} ${e.instances}`), ['main.bicep+dev.bicepparam 1', 'main.bicep+prod.bicepparam 1']);
  assert.deepEqual(restrictions(inventory.instances), { 'main.bicep+dev.bicepparam#acct': false, 'main.bicep+prod.bicepparam#acct': true });
  const restrict = (f: { ruleId: string }) => f.ruleId === 'restrict-outbound-network-access';
  assert.deepEqual(inventory.instances[0].findings.filter(restrict).map((f) => `${f.file}:${f.line}:${f.column}`), ['dev.bicepparam:2:18']);
  // Once per cause: the template's copy of the dev.bicepparam finding is not listed again.
  const listed = results.flatMap((r) => r.findings.filter(restrict).map((f) => path.basename(f.loc.file.uri)));
  assert.deepEqual(listed, ['dev.bicepparam']);
  assert.equal(summary.byRule['restrict-outbound-network-access'], 1);
});

test('a template compiled from an audited Bicep file is the same deployment, not a second one', async () => {
  const compiled = JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0',
    metadata: { _generator: { name: 'bicep', version: '0.30.0' } },
    resources: [{ type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2024-10-01', name: 'ai', kind: 'OpenAI', properties: { restrictOutboundNetworkAccess: true } }],
  }, null, 2);
  const bicep = "resource acct 'Microsoft.CognitiveServices/accounts@2024-10-01' = {\n  name: 'ai'\n  kind: 'OpenAI'\n  properties: { restrictOutboundNetworkAccess: true }\n}\n";
  const both = await audit({ 'main.bicep': bicep, 'main.json': compiled });
  assert.deepEqual(both.inventory.instances.map((i) => i.id), ['main.bicep#acct']);
  const jsonOnly = await audit({ 'main.json': compiled });
  assert.deepEqual(jsonOnly.inventory.instances.map((i) => i.id), ['main.json#ai']);
});

test('no instances: the summary says none were found, never "100%" of zero', async () => {
  const { summary, inventory } = await audit({ 'storage.bicep': "resource s 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: 's'\n}\n" });
  assert.equal(inventory.summary.restrictedPercent, undefined);
  assert.equal(summaryText(summary), 'No AI service instances found (1 template, 1 file checked). 0 findings.');
  assert.doesNotMatch(summaryText(summary), /%/);
});

test('suppressed findings are kept apart with their justification, counted by rule, and marked on the instance', async () => {
  const bicep = `resource acct 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'ai'
  kind: 'OpenAI'
  // approved by the platform team, ticket 42
  #disable-next-line require-owner-tag
  tags: {}
  properties: { restrictOutboundNetworkAccess: true }
}
`;
  const arm = JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0',
    resources: [{
      type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2024-10-01', name: 'arm-ai', kind: 'OpenAI',
      metadata: { aiEgressGuard: { suppress: { 'restrict-outbound-network-access': 'sandbox, no data', 'require-owner-tag': '' } } },
      properties: {},
    }],
  }, null, 2);
  const { results, summary, inventory } = await audit({ 'a.bicep': bicep, 'b.json': arm });
  const suppressed = results.flatMap((r) => (r.suppressed ?? []).map((f) => `${path.basename(f.loc.file.uri)} ${f.ruleId} ${JSON.stringify(f.suppression)}`));
  assert.deepEqual(suppressed, [
    'a.bicep require-owner-tag {"kind":"inSource","justification":"approved by the platform team, ticket 42"}',
    'b.json restrict-outbound-network-access {"kind":"inSource","justification":"sandbox, no data"}',
    'b.json require-owner-tag {"kind":"inSource","justification":""}',
  ]);
  // The empty justification is itself reported (require-suppression-reason, at the entry).
  assert.deepEqual(results.flatMap((r) => r.findings.map((f) => f.ruleId)), ['disable-public-network-access', 'disable-public-network-access', 'require-suppression-reason']);
  assert.deepEqual(summary.suppressed, { total: 3, byRule: { 'require-owner-tag': 2, 'restrict-outbound-network-access': 1 } });
  assert.match(summaryText(summary), / 3 suppressed \(require-owner-tag: 2, restrict-outbound-network-access: 1\)\.$/);
  const arm0 = inventory.instances.find((i) => i.name === 'arm-ai')!;
  assert.deepEqual(arm0.findings.map((f) => `${f.ruleId} ${f.suppression?.justification ?? 'not suppressed'}`), ['restrict-outbound-network-access sandbox, no data', 'disable-public-network-access not suppressed', 'require-owner-tag ']);
  assert.equal(arm0.restricted, false);
});

test('a suppression written in a module holds for the instances its callers deploy', async () => {
  const module = AI_BICEP.replace("  tags: { owner: 'team-a' }\n", '').replace('resource acct', '// owned by the caller\n#disable-next-line require-owner-tag\nresource acct');
  const { inventory } = await audit({ 'ai.bicep': module, 'main.bicep': "module a 'ai.bicep' = {\n  name: 'a'\n  params: { name: 'x', restrict: true }\n}\n" });
  assert.deepEqual(inventory.instances[0].findings.map((f) => `${f.ruleId} ${f.suppression?.justification ?? 'not suppressed'}`), ['require-owner-tag owned by the caller']);
});

// -------------------------------------------------------------------------------------------------------------
// The shared corpus. Counts written by reading the templates (nested deployments of the AVM account module, their
// conditions and the values passed), not by running the engine.

const AVM = path.join(CORPUS, 'bicep-registry-modules', 'avm', 'ptn', 'sa');
const FOUNDRY = path.resolve(CORPUS, '..', 'bicep', 'microsoft-foundry-baseline', 'infra-as-code', 'bicep');

test('corpus: AVM pattern modules, instances per entry point', { skip: !fs.existsSync(AVM) && 'corpus absent' }, async () => {
  const { inventory } = await audit({}, ['chat-with-your-data/main.json', 'document-knowledge-mining/main.json', 'content-generation/main.json'], AVM);
  assert.deepEqual(inventory.entryPoints.map((e) => `${e.template} ${e.instances}`), [
    // openai, speechService, formrecognizer, contentsafety call the account module; computerVision's condition
    // (useAdvancedImageProcessing) defaults to false.
    'chat-with-your-data/main.json 4',
    // aiFoundryAiServices, which passes restrictOutboundNetworkAccess: false.
    'content-generation/main.json 1',
    // avmOpenAi and documentIntelligence.
    'document-knowledge-mining/main.json 2',
  ]);
  assert.deepEqual(inventory.instances.map((i) => `${i.id} ${i.kind} ${i.restricted}`), [
    'chat-with-your-data/main.json#openai/cognitiveServices/cognitiveService OpenAI true',
    'chat-with-your-data/main.json#speechService/cognitiveServices/cognitiveService SpeechServices true',
    'chat-with-your-data/main.json#formrecognizer/cognitiveServices/cognitiveService FormRecognizer true',
    'chat-with-your-data/main.json#contentsafety/cognitiveServices/cognitiveService ContentSafety true',
    'content-generation/main.json#aiFoundryAiServices/cognitiveService AIServices false',
    'document-knowledge-mining/main.json#avmOpenAi/cognitiveService OpenAI true',
    'document-knowledge-mining/main.json#documentIntelligence/cognitiveService FormRecognizer true',
  ]);
});

test('corpus: the Foundry baseline is one entry point (main.bicep calls every other file) deploying one account', { skip: !fs.existsSync(FOUNDRY) && 'corpus absent' }, async () => {
  const { inventory, summary } = await audit({}, ['.'], FOUNDRY);
  assert.equal(summary.templates, 23);
  assert.deepEqual(inventory.entryPoints, [{ template: 'main.bicep', instances: 1 }]);
  const [foundry] = inventory.instances;
  assert.deepEqual({ id: foundry.id, name: foundry.name, kind: foundry.kind, restricted: foundry.restricted, publicNetworkAccess: foundry.publicNetworkAccess, declaration: foundry.declaration, chain: foundry.chain },
    {
      id: 'main.bicep#foundryDeploy/foundry', name: 'aif{…}', kind: 'AIServices', restricted: false, publicNetworkAccess: 'Disabled',
      declaration: { file: 'ai-foundry.bicep', line: 62, column: 18 }, // The call's declaration starts at its @description decorator, the line above `module deployFoundry`.
      chain: [{ name: 'foundryDeploy', file: 'main.bicep', line: 113, column: 1 }],
    });
});

// The network of an account (issue 13): what the rules restrict-managed-network-outbound, use-private-endpoint and
// enable-diagnostic-logs look up, shown per instance whether those rules run or not.
const NETWORK_RULES_OFF = { ...DEPLOYMENT_RULES_OFF, 'restrict-managed-network-outbound': 'off' } as const;

test('ARM: each instance shows its managed network mode, the private endpoints that target it, its logs and its agent subnet', async () => {
  const { inventory } = await audit({ 'main.json': NETWORK_ARM }, ['.'], undefined, NETWORK_RULES_OFF);
  assert.deepEqual(inventory.instances.map((i) => [i.id, i.network]), [['main.json#contoso-ai', {
    managedNetwork: { file: 'main.json', ...placeOf(NETWORK_ARM, '"Microsoft.CognitiveServices/accounts/managedNetworks"'), isolationMode: 'AllowInternetOutbound' },
    privateEndpoints: [{ name: 'pe-contoso-ai', location: 'westeurope', file: 'main.json', ...placeOf(NETWORK_ARM, '"Microsoft.Network/privateEndpoints"') }],
    logs: { required: 'sent', settings: [{ name: 'to-law', categories: ['Audit', 'RequestResponse'], destination: true, file: 'main.json', ...placeOf(NETWORK_ARM, '"Microsoft.Insights/diagnosticSettings"') }] },
    networkInjections: [{ scenario: 'agent', subnet: "(parameter 'agentSubnetId')", useMicrosoftManagedNetwork: false }],
  }]]);
});

test('ARM: targets and logs only known at deployment say so; an account with none of them says none', async () => {
  const arm = (resources: object[]) => JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: { target: { type: 'string' }, logs: { type: 'array' } },
    resources: [
      { type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2024-10-01', name: 'ai', kind: 'OpenAI', properties: { restrictOutboundNetworkAccess: true, allowedFqdnList: [] } },
      ...resources,
    ],
  }, null, 2);
  const template = arm([
    {
      type: 'Microsoft.Network/privateEndpoints', apiVersion: '2024-05-01', name: 'pe', location: 'eastus',
      properties: { privateLinkServiceConnections: [{ name: 'c', properties: { privateLinkServiceId: "[parameters('target')]", groupIds: ['account'] } }] },
    },
    { type: 'Microsoft.Insights/diagnosticSettings', apiVersion: '2021-05-01-preview', name: 'd', scope: 'Microsoft.CognitiveServices/accounts/ai', properties: { workspaceId: 'w', logs: "[parameters('logs')]" } },
  ]);
  const { inventory } = await audit({ 'main.json': template }, ['.'], undefined, NETWORK_RULES_OFF);
  assert.deepEqual(inventory.instances[0].network, {
    privateEndpoints: [],
    privateEndpointsUnknown: true,
    logs: { required: 'unknown', settings: [{ name: 'd', categories: 'unknown', destination: true, file: 'main.json', ...placeOf(template, '"Microsoft.Insights/diagnosticSettings"') }] },
  });
  const { inventory: bare } = await audit({ 'main.json': arm([]) }, ['.'], undefined, NETWORK_RULES_OFF);
  assert.deepEqual(bare.instances[0].network, { privateEndpoints: [], logs: { required: 'none', settings: [] } });
});

const NETWORK_MODULE = networkBicep({ params: 'param name string\nparam subnetId string\nparam mode string', name: 'name', subnet: 'subnetId', mode: 'mode', endpoint: "'pe-${name}'" });

const NETWORK_MAIN = `param vnetId string
param mode string
module a 'ai.bicep' = {
  name: 'ai-a'
  params: { name: 'acct-a', subnetId: vnetId, mode: 'AllowOnlyApprovedOutbound' }
}
module b 'ai.bicep' = {
  name: 'ai-b'
  params: { name: 'acct-b', subnetId: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v', mode: mode }
}
`;

test('Bicep: the network of each instance follows its call: mode, endpoint name and subnet as each caller passes them', async () => {
  const { inventory } = await audit({ 'ai.bicep': NETWORK_MODULE, 'main.bicep': NETWORK_MAIN }, ['.'], undefined, NETWORK_RULES_OFF);
  const logs = { required: 'missing', missing: ['RequestResponse'], settings: [{ name: 'to-law', categories: ['Audit'], destination: true, file: 'ai.bicep', ...placeOf(NETWORK_MODULE, "'Microsoft.Insights/diagnosticSettings") }] };
  const managedNetwork = { file: 'ai.bicep', ...placeOf(NETWORK_MODULE, "'managedNetworks'") };
  const endpoint = { location: 'eastus', file: 'ai.bicep', ...placeOf(NETWORK_MODULE, "'Microsoft.Network/privateEndpoints") };
  assert.deepEqual(inventory.instances.map((i) => [i.id, i.network]), [
    ['main.bicep#ai-a/acct', {
      managedNetwork: { ...managedNetwork, isolationMode: 'AllowOnlyApprovedOutbound' },
      privateEndpoints: [{ name: 'pe-acct-a', ...endpoint }],
      logs,
      networkInjections: [{ scenario: 'agent', subnet: '{…}/subnets/agents', useMicrosoftManagedNetwork: false }],
    }],
    ['main.bicep#ai-b/acct', {
      managedNetwork: { ...managedNetwork, isolationMode: 'unknown' },
      privateEndpoints: [{ name: 'pe-acct-b', ...endpoint }],
      logs,
      networkInjections: [{ scenario: 'agent', subnet: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/agents', useMicrosoftManagedNetwork: false }],
    }],
  ]);
});

test('Bicep: two calls with the same deployment name (in two resource groups) are two instances, each with its own chain, findings and network', async () => {
  const main = `targetScope = 'subscription'
param mode string
module a 'ai.bicep' = {
  name: 'deploy'
  scope: resourceGroup('rg1')
  params: { name: 'acct-a', subnetId: '/v1', mode: 'AllowOnlyApprovedOutbound' }
}
module b 'ai.bicep' = {
  name: 'deploy'
  scope: resourceGroup('rg2')
  params: { name: 'acct-b', subnetId: '/v2', mode: mode }
}
`;
  const { inventory } = await audit({ 'ai.bicep': NETWORK_MODULE, 'main.bicep': main }, ['.'], undefined, NETWORK_RULES_OFF);
  assert.deepEqual(inventory.instances.map((i) => ({
    id: i.id, name: i.name, chain: i.chain.map((c) => `${c.name}@${c.line}`), mode: i.network.managedNetwork?.isolationMode,
    endpoints: i.network.privateEndpoints.map((e) => e.name), subnet: i.network.networkInjections?.[0].subnet,
  })), [
    // The first call keeps the name as its id; the second is told apart by its symbolic name.
    { id: 'main.bicep#deploy/acct', name: 'acct-a', chain: ['deploy@3'], mode: 'AllowOnlyApprovedOutbound', endpoints: ['pe-acct-a'], subnet: '/v1/subnets/agents' },
    { id: 'main.bicep#deploy (b)/acct', name: 'acct-b', chain: ['deploy@8'], mode: 'unknown', endpoints: ['pe-acct-b'], subnet: '/v2/subnets/agents' },
  ]);
  assert.deepEqual(inventory.entryPoints, [{ template: 'main.bicep', instances: 2 }]);
});

test('ARM: two nested deployments with the same name are two instances, each with its own account', async () => {
  const nested = (rg: string, account: string, restrict: boolean) => ({
    type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name: 'deploy', resourceGroup: rg,
    properties: {
      mode: 'Incremental',
      template: {
        $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0',
        resources: [{ type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2024-10-01', name: account, kind: 'OpenAI', properties: { restrictOutboundNetworkAccess: restrict } }],
      },
    },
  });
  const template = JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/subscriptionDeploymentTemplate.json#', contentVersion: '1.0.0.0',
    resources: [nested('rg1', 'ai-one', true), nested('rg2', 'ai-two', false)],
  }, null, 2);
  const { inventory } = await audit({ 'main.json': template });
  const restrict = (i: DeployedInstance) => i.findings.filter((f) => f.ruleId === 'restrict-outbound-network-access').map((f) => f.line);
  const line = (nth: number) => placeOf(template, '{\n      "type": "Microsoft.Resources/deployments"', nth).line;
  assert.deepEqual(inventory.instances.map((i) => [i.id, i.name, i.restricted, i.chain.map((c) => `${c.name}@${c.line}`).join(' '), restrict(i)]), [
    ['main.json#deploy/ai-one', 'ai-one', true, `deploy@${line(1)}`, []],
    // Told apart by its place in the resources (classic templates have no symbolic names).
    ['main.json#deploy (resources[1])/ai-two', 'ai-two', false, `deploy@${line(2)}`, [placeOf(template, '"restrictOutboundNetworkAccess": false').line]],
  ]);
});
