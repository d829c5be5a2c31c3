import assert from 'node:assert/strict';
import { test } from 'node:test';
import { account, applyFix, fixTitled, lintRule, syntaxErrors, template, textAt, where } from '../support/lint';

const RULE = 'restrict-managed-network-outbound';
const arm = (text: string) => lintRule(RULE, text, 'arm');
const bicep = (text: string) => lintRule(RULE, text, 'bicep');
const ids = (text: string, kind: 'arm' | 'bicep' = 'arm') => lintRule(RULE, text, kind).map((f) => `${f.messageId}:${f.level}`);

/** A Foundry account's managed network (ARM, top level), with the given isolation mode (JSON text). */
const foundryNetwork = (mode: string) => `${account('{}', { kind: 'AIServices' })},
    {
      "type": "Microsoft.CognitiveServices/accounts/managedNetworks",
      "apiVersion": "2025-10-01-preview",
      "name": "oai/default",
      "dependsOn": [ "[resourceId('Microsoft.CognitiveServices/accounts', 'oai')]" ],
      "properties": {
        "managedNetwork": { "isolationMode": ${mode}, "firewallSku": "Standard", "managedNetworkKind": "V2" }
      }
    }`;

/** An Azure Machine Learning / Foundry hub workspace (ARM) with the given kind and properties. */
const workspace = (kind: string, properties: string, name = 'hub1') => `    {
      "type": "Microsoft.MachineLearningServices/workspaces",
      "apiVersion": "2024-10-01",
      "name": "${name}",
      "location": "eastus",
      "kind": "${kind}",
      "properties": ${properties}
    }`;

test('ARM: a Foundry managed network allowing internet outbound is a warning at the mode', () => {
  const text = template(foundryNetwork('"AllowInternetOutbound"'));
  const [f, ...rest] = arm(text);
  assert.equal(rest.length, 0);
  assert.equal(f.messageId, 'internetOutbound');
  assert.equal(f.level, 'warning');
  assert.equal(where(f), '20:46-20:69');
  assert.equal(textAt(f), '"AllowInternetOutbound"');
  assert.equal(f.resource, 'oai/default');
  assert.match(f.message, /^The managed network of Foundry account 'oai' lets compute and agents reach any host\. Its isolationMode is 'AllowInternetOutbound': set it to 'AllowOnlyApprovedOutbound'.*the mode cannot be switched back\.$/);
});

test('ARM: approved-only and disabled modes pass, in any case', () => {
  assert.deepEqual(arm(template(foundryNetwork('"AllowOnlyApprovedOutbound"'))), []);
  assert.deepEqual(arm(template(foundryNetwork('"allowonlyapprovedoutbound"'))), []);
  assert.deepEqual(arm(template(foundryNetwork('"Disabled"'))), []);
});

test('ARM: the fix sets AllowOnlyApprovedOutbound where the mode is written (not safe)', () => {
  const text = template(foundryNetwork('"AllowInternetOutbound"'));
  const [f] = arm(text);
  const fix = fixTitled(f, "Set the isolation mode of Foundry account 'oai' to 'AllowOnlyApprovedOutbound'");
  assert.equal(fix.safe, false);
  const fixed = applyFix(fix, text);
  assert.equal(fixed, text.replace('"isolationMode": "AllowInternetOutbound"', '"isolationMode": "AllowOnlyApprovedOutbound"'));
  assert.deepEqual(arm(fixed), []);
  // Given by a parameter default: reported at the use, fixed at the default.
  const param = template(foundryNetwork(`"[parameters('mode')]"`), `
  "parameters": { "mode": { "type": "string", "defaultValue": "AllowInternetOutbound" } },`);
  const [g] = arm(param);
  assert.match(g.message, /isolationMode is 'AllowInternetOutbound' \(set by the default of parameter 'mode'\)/);
  assert.ok(applyFix(g.fixes[0], param).includes('"defaultValue": "AllowOnlyApprovedOutbound"'));
  // No value before deployment: cannot be verified (info).
  const unknown = template(foundryNetwork(`"[parameters('mode')]"`), `
  "parameters": { "mode": { "type": "string" } },`);
  assert.deepEqual(ids(unknown), ['unverifiable:info']);
});

test('ARM: an ML workspace managed network allowing internet outbound is a warning, whatever its kind', () => {
  const mode = (m: string) => `{ "managedNetwork": { "isolationMode": "${m}" } }`;
  assert.deepEqual(ids(template(workspace('Hub', mode('AllowInternetOutbound')))), ['internetOutbound:warning']);
  assert.deepEqual(ids(template(workspace('Default', mode('AllowInternetOutbound')))), ['internetOutbound:warning']);
  assert.deepEqual(ids(template(workspace('Hub', mode('AllowOnlyApprovedOutbound')))), []);
  const [f] = arm(template(workspace('Hub', mode('AllowInternetOutbound'))));
  assert.match(f.message, /^The managed network of workspace 'hub1' lets compute and agents reach any host\./);
});

test('ARM: a hub with no managed network, or a disabled one, is reported at info at its kind', () => {
  const text = template(workspace('Hub', '{ "friendlyName": "hub" }'));
  const [f] = arm(text);
  assert.equal(f.messageId, 'hubWithoutManagedNetwork');
  assert.equal(f.level, 'info');
  assert.equal(textAt(f), '"Hub"');
  assert.equal(where(f), '10:15-10:20');
  assert.match(f.message, /^Hub workspace 'hub1' has no managed network \(it declares no managedNetwork\)\. .*egress is governed by that network, not by the hub\./);
  assert.deepEqual(ids(template(workspace('Hub', '{ "managedNetwork": { "isolationMode": "Disabled" } }'))), ['hubWithoutManagedNetwork:info']);
  assert.deepEqual(ids(template(workspace('hub', '{ "managedNetwork": { "firewallSku": "Basic" } }'))), ['hubWithoutManagedNetwork:info']);
  // Not for default workspaces or projects (a project uses its hub's network).
  assert.deepEqual(arm(template(workspace('Default', '{}'))), []);
  assert.deepEqual(arm(template(workspace('Project', '{ "hubResourceId": "x" }'))), []);
});

test('ARM: the hub fix adds the managed network in approved-only mode', () => {
  const text = template(workspace('Hub', '{\n        "friendlyName": "hub"\n      }'));
  const [f] = arm(text);
  const fixed = applyFix(fixTitled(f, "Set the isolation mode of workspace 'hub1' to 'AllowOnlyApprovedOutbound'"), text);
  assert.deepEqual(syntaxErrors(fixed, 'arm'), []);
  assert.ok(fixed.includes(`"properties": {
        "friendlyName": "hub",
        "managedNetwork": {
          "isolationMode": "AllowOnlyApprovedOutbound"
        }
      }`), fixed);
  assert.deepEqual(arm(fixed), []);
});

test('ARM: a hub whose network is a workspaces/managedNetworks child is checked at the child', () => {
  const child = (mode: string) => template(`${workspace('Hub', '{}')},
    {
      "type": "Microsoft.MachineLearningServices/workspaces/managedNetworks",
      "apiVersion": "2024-10-01",
      "name": "hub1/default",
      "properties": { "managedNetwork": { "isolationMode": "${mode}" } }
    }`);
  assert.deepEqual(arm(child('AllowOnlyApprovedOutbound')), []);
  const [f] = arm(child('AllowInternetOutbound'));
  assert.equal(f.messageId, 'internetOutbound');
  assert.equal(f.resource, 'hub1/default');
  assert.match(f.message, /^The managed network of workspace 'hub1'/);
});

test('ARM: the suppression in the managed network resource\'s metadata silences it', () => {
  const text = template(foundryNetwork('"AllowInternetOutbound"').replace('"dependsOn"', '"metadata": { "aiEgressGuard": { "suppress": { "restrict-managed-network-outbound": "sandbox" } } },\n      "dependsOn"'));
  assert.deepEqual(arm(text), []);
});

const BICEP = `resource foundry 'Microsoft.CognitiveServices/accounts@2025-10-01-preview' = {
  name: 'contoso-ai'
  location: 'eastus'
  kind: 'AIServices'
  properties: {}

  #disable-next-line BCP081
  resource network 'managedNetworks@2025-10-01-preview' = {
    name: 'default'
    properties: {
      managedNetwork: {
        isolationMode: 'AllowInternetOutbound'
      }
    }
  }
}
`;

test('Bicep: a nested managedNetworks child allowing internet outbound is reported at the mode and fixed there', () => {
  const [f] = bicep(BICEP);
  assert.equal(f.messageId, 'internetOutbound');
  assert.equal(where(f), '12:24-12:47');
  assert.equal(textAt(f), "'AllowInternetOutbound'");
  assert.match(f.message, /^The managed network of Foundry account 'contoso-ai' lets compute and agents reach any host\./);
  const fixed = applyFix(fixTitled(f, "Set the isolation mode of Foundry account 'contoso-ai' to 'AllowOnlyApprovedOutbound'"), BICEP);
  assert.equal(fixed, BICEP.replace("isolationMode: 'AllowInternetOutbound'", "isolationMode: 'AllowOnlyApprovedOutbound'"));
  assert.deepEqual(bicep(fixed), []);
});

test('Bicep: a child declared with parent: and a hub workspace without a network', () => {
  const text = `resource foundry 'Microsoft.CognitiveServices/accounts@2025-10-01-preview' existing = {
  name: 'contoso-ai'
}

resource network 'Microsoft.CognitiveServices/accounts/managedNetworks@2025-10-01-preview' = {
  parent: foundry
  name: 'default'
  properties: {
    managedNetwork: {
      isolationMode: 'AllowInternetOutbound'
    }
  }
}

resource hub 'Microsoft.MachineLearningServices/workspaces@2024-10-01' = {
  name: 'hub1'
  location: 'eastus'
  kind: 'Hub'
  properties: {}
}
`;
  const found = bicep(text);
  assert.deepEqual(found.map((f) => `${f.messageId} ${textAt(f)} ${f.level}`), [
    "internetOutbound 'AllowInternetOutbound' warning",
    "hubWithoutManagedNetwork 'Hub' info",
  ]);
  assert.match(found[0].message, /^The managed network of Foundry account 'contoso-ai'/);
  const fixed = applyFix(fixTitled(found[1], "Set the isolation mode of workspace 'hub1'"), text);
  assert.deepEqual(syntaxErrors(fixed, 'bicep'), []);
  assert.ok(fixed.endsWith("  kind: 'Hub'\n  properties: {\n    managedNetwork: {\n      isolationMode: 'AllowOnlyApprovedOutbound'\n    }\n  }\n}\n"), fixed);
  assert.deepEqual(bicep(fixed).map((f) => f.messageId), ['internetOutbound']);
});

test('Bicep: #disable-next-line above the mode silences it; network injection alone reports nothing', () => {
  assert.deepEqual(bicep(BICEP.replace("        isolationMode: 'AllowInternetOutbound'", "        #disable-next-line restrict-managed-network-outbound\n        isolationMode: 'AllowInternetOutbound'")), []);
  const injected = `resource foundry 'Microsoft.CognitiveServices/accounts@2025-04-01-preview' = {
  name: 'contoso-ai'
  kind: 'AIServices'
  properties: {
    networkInjections: [
      {
        scenario: 'agent'
        subnetArmId: agentSubnetId
        useMicrosoftManagedNetwork: false
      }
    ]
  }
}
param agentSubnetId string
`;
  assert.deepEqual(bicep(injected), []);
});
