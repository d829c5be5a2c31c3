import assert from 'node:assert/strict';
import { test } from 'node:test';
import { account, applyFix, fixTitled, lintRule, syntaxErrors, template, textAt, where } from '../support/lint';

const RULE = 'enable-diagnostic-logs';
const arm = (text: string) => lintRule(RULE, text, 'arm');
const bicep = (text: string, files: Record<string, string> = {}) => lintRule(RULE, text, 'bicep', files);
const ids = (text: string, kind: 'arm' | 'bicep' = 'arm') => lintRule(RULE, text, kind).map((f) => f.messageId);

const acct = account('{ "restrictOutboundNetworkAccess": true }');

/** Diagnostic settings (ARM) with the given logs, scoped by `scope`. */
const settings = (logs: string, { scope = 'Microsoft.CognitiveServices/accounts/oai', destination = '"workspaceId": "[parameters(\'workspaceId\')]",', extra = '' } = {}) => `    {
      "type": "Microsoft.Insights/diagnosticSettings",
      "apiVersion": "2021-05-01-preview",
      "name": "oai-logs",
      "scope": "${scope}",${extra}
      "properties": {
        ${destination}
        "logs": ${logs}
      }
    }`;
const WORKSPACE = `
  "parameters": { "workspaceId": { "type": "string", "defaultValue": "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/logs" } },`;
const both = '[ { "category": "Audit", "enabled": true }, { "category": "RequestResponse", "enabled": true } ]';
const withSettings = (logs: string, options?: Parameters<typeof settings>[1]) => template(`${acct},\n${settings(logs, options)}`, WORKSPACE);

test('ARM: no diagnostic settings is reported at the type, at info', () => {
  const [f, ...rest] = arm(template(acct));
  assert.equal(rest.length, 0);
  assert.equal(f.messageId, 'noSettings');
  assert.equal(f.level, 'info');
  assert.equal(where(f), '6:15-6:53');
  assert.match(f.message, /^AI service 'oai' sends no logs anywhere\. No diagnostic settings are scoped to it, so a denied outbound call \(HTTP 400/);
});

test('ARM: settings scoped to the account that send Audit and RequestResponse to a workspace pass', () => {
  assert.deepEqual(arm(withSettings(both)), []);
  // The scope as an expression, as Bicep compiles `scope: account`; the category group allLogs; extra categories.
  assert.deepEqual(arm(withSettings(both, { scope: "[format('Microsoft.CognitiveServices/accounts/{0}', 'oai')]" })), []);
  assert.deepEqual(arm(withSettings('[ { "categoryGroup": "allLogs", "enabled": true } ]')), []);
  assert.deepEqual(arm(withSettings('[ { "category": "audit", "enabled": true }, { "category": "requestresponse", "enabled": true }, { "category": "Trace", "enabled": true } ]')), []);
  // A storage account or event hub is a destination too.
  assert.deepEqual(arm(withSettings(both, { destination: '"storageAccountId": "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/logs",' })), []);
});

test('ARM: missing or disabled categories are reported at the logs, naming them', () => {
  const text = withSettings('[ { "category": "Audit", "enabled": true } ]');
  const [f] = arm(text);
  assert.equal(f.messageId, 'missingCategories');
  assert.equal(textAt(f), '[ { "category": "Audit", "enabled": true } ]');
  assert.equal(where(f), '22:17-22:61');
  assert.match(f.message, /^Diagnostic settings of AI service 'oai' do not send its RequestResponse logs\./);
  assert.deepEqual(ids(withSettings('[ { "category": "Audit", "enabled": true }, { "category": "RequestResponse", "enabled": false } ]')), ['missingCategories']);
  // The audit category group holds the audit logs only.
  const [g] = arm(withSettings('[ { "categoryGroup": "audit", "enabled": true } ]'));
  assert.match(g.message, /do not send its RequestResponse logs/);
  const [h] = arm(withSettings('[ { "category": "Trace", "enabled": true } ]'));
  assert.match(h.message, /do not send its Audit and RequestResponse logs\. .*enable the Audit and RequestResponse categories, or the category group 'allLogs'/);
});

test('ARM: settings without a destination are reported', () => {
  const [f] = arm(withSettings(both, { destination: '' }));
  assert.equal(f.messageId, 'noDestination');
  assert.match(f.message, /^Diagnostic settings 'oai-logs' of AI service 'oai' send logs nowhere\./);
});

test('ARM: settings of another account, in an empty copy loop or left out by a condition do not count', () => {
  assert.deepEqual(ids(withSettings(both, { scope: 'Microsoft.CognitiveServices/accounts/other' })), ['noSettings']);
  assert.deepEqual(ids(withSettings(both, { extra: '\n      "copy": { "name": "logs", "count": 0 },' })), ['noSettings']);
  assert.deepEqual(ids(withSettings(both, { extra: '\n      "condition": false,' })), ['noSettings']);
});

test('ARM: the older accounts/providers/diagnosticSettings form counts, top-level or nested under the account', () => {
  const topLevel = template(`${acct},
    {
      "type": "Microsoft.CognitiveServices/accounts/providers/diagnosticSettings",
      "apiVersion": "2021-05-01-preview",
      "name": "oai/Microsoft.Insights/logs",
      "properties": { "workspaceId": "[parameters('workspaceId')]", "logs": ${both} }
    }`, WORKSPACE);
  assert.deepEqual(arm(topLevel), []);
  const nested = template(account(`{ "restrictOutboundNetworkAccess": true },
      "resources": [
        {
          "type": "providers/diagnosticSettings",
          "apiVersion": "2021-05-01-preview",
          "name": "Microsoft.Insights/logs",
          "properties": { "workspaceId": "[parameters('workspaceId')]", "logs": [ { "category": "Audit", "enabled": true } ] }
        }
      ]`), WORKSPACE);
  assert.deepEqual(ids(nested), ['missingCategories']);
});

test('ARM: categories only known at deployment cannot be verified (info)', () => {
  const text = template(`${acct},\n${settings(`"[parameters('logs')]"`)}`, `
  "parameters": { "workspaceId": { "type": "string" }, "logs": { "type": "array" } },`);
  const [f] = arm(text);
  assert.equal(f.messageId, 'unverifiable');
  assert.equal(f.level, 'info');
});

test('ARM: logs made by a property copy loop (compiled Azure Verified Modules) cannot be verified (info)', () => {
  const copied = `{ "copy": [ { "name": "logs", "count": 1, "input": { "categoryGroup": "[parameters('group')]", "enabled": true } } ], "workspaceId": "[parameters('workspaceId')]" }`;
  const text = template(`${acct},
    { "type": "Microsoft.Insights/diagnosticSettings", "apiVersion": "2021-05-01-preview", "name": "logs", "scope": "Microsoft.CognitiveServices/accounts/oai", "properties": ${copied} }`, `
  "parameters": { "workspaceId": { "type": "string" }, "group": { "type": "string", "defaultValue": "allLogs" } },`);
  const [f, ...rest] = arm(text);
  assert.equal(rest.length, 0);
  assert.equal(f.messageId, 'unverifiable');
  assert.equal(f.level, 'info');
});

test('ARM: the fix adds a workspace parameter and settings scoped to the account; the file re-parses and passes', () => {
  const text = template(acct);
  const [f] = arm(text);
  const fix = fixTitled(f, "Send Audit and RequestResponse logs of 'oai' to a Log Analytics workspace (parameter logAnalyticsWorkspaceId)");
  assert.equal(fix.safe, false);
  const fixed = applyFix(fix, text);
  assert.deepEqual(syntaxErrors(fixed, 'arm'), []);
  assert.equal(fixed, `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "logAnalyticsWorkspaceId": {
      "type": "string",
      "metadata": {
        "description": "Resource id of the Log Analytics workspace that receives the logs of the AI services."
      }
    }
  },
  "resources": [
    {
      "type": "Microsoft.CognitiveServices/accounts",
      "apiVersion": "2024-10-01",
      "name": "oai",
      "location": "eastus",
      "kind": "OpenAI",
      "tags": { "owner": "team" },
      "properties": { "restrictOutboundNetworkAccess": true }
    },
    {
      "type": "Microsoft.Insights/diagnosticSettings",
      "apiVersion": "2021-05-01-preview",
      "scope": "Microsoft.CognitiveServices/accounts/oai",
      "name": "oai-logs",
      "properties": {
        "workspaceId": "[parameters('logAnalyticsWorkspaceId')]",
        "logs": [
          {
            "category": "Audit",
            "enabled": true
          },
          {
            "category": "RequestResponse",
            "enabled": true
          }
        ]
      },
      "dependsOn": [
        "[resourceId('Microsoft.CognitiveServices/accounts', 'oai')]"
      ]
    }
  ]
}
`);
  assert.deepEqual(arm(fixed), []);
});

test('ARM: the fix reuses a workspace parameter the template declares, and keeps the account condition', () => {
  const text = template(account('{}').replace('"type"', `"condition": "[parameters('deploy')]",\n      "type"`), `
  "parameters": { "deploy": { "type": "bool", "defaultValue": true }, "logAnalyticsWorkspaceId": { "type": "string" } },`);
  const [f] = arm(text);
  const fixed = applyFix(fixTitled(f, 'Send Audit and RequestResponse logs'), text);
  assert.deepEqual(syntaxErrors(fixed, 'arm'), []);
  assert.equal(fixed.match(/"logAnalyticsWorkspaceId"/g)?.length, 1, 'the parameter is not declared twice');
  assert.ok(fixed.includes(`{
      "condition": "[parameters('deploy')]",
      "type": "Microsoft.Insights/diagnosticSettings",`), fixed);
  assert.deepEqual(arm(fixed), []);
});

const BICEP_ACCOUNT = `resource oai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai'
  location: 'eastus'
  kind: 'OpenAI'
  properties: {}
}
`;

test('Bicep: reported at the type string; settings with scope: account pass', () => {
  const [f] = bicep(BICEP_ACCOUNT);
  assert.equal(f.messageId, 'noSettings');
  assert.equal(where(f), '1:14-1:63');
  assert.equal(textAt(f), "'Microsoft.CognitiveServices/accounts@2024-10-01'");
  const withLogs = (logs: string) => `param workspaceId string
${BICEP_ACCOUNT}
resource logs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'logs'
  scope: oai
  properties: {
    workspaceId: workspaceId
    logs: ${logs}
  }
}
`;
  assert.deepEqual(bicep(withLogs("[\n      { category: 'Audit', enabled: true }\n      { category: 'RequestResponse', enabled: true }\n    ]")), []);
  assert.deepEqual(bicep(withLogs("[\n      { categoryGroup: 'allLogs', enabled: true }\n    ]")), []);
  const [g] = bicep(withLogs("[\n      { category: 'Audit', enabled: true }\n    ]"));
  assert.equal(g.messageId, 'missingCategories');
  assert.equal(textAt(g), "[\n      { category: 'Audit', enabled: true }\n    ]");
});

test('Bicep: the fix adds a parameter before the first declaration and settings after the account; it re-parses', () => {
  const [f] = bicep(BICEP_ACCOUNT);
  const fixed = applyFix(fixTitled(f, "Send Audit and RequestResponse logs of 'oai'"), BICEP_ACCOUNT);
  assert.deepEqual(syntaxErrors(fixed, 'bicep'), []);
  assert.equal(fixed, `@description('Resource id of the Log Analytics workspace that receives the logs of the AI services.')
param logAnalyticsWorkspaceId string

resource oai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai'
  location: 'eastus'
  kind: 'OpenAI'
  properties: {}
}

resource oaiDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: '\${oai.name}-logs'
  scope: oai
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        category: 'Audit'
        enabled: true
      }
      {
        category: 'RequestResponse'
        enabled: true
      }
    ]
  }
}
`);
  assert.deepEqual(bicep(fixed), []);
});

test('Bicep: a conditional account gets conditional settings; a symbol already taken gets a number', () => {
  const text = `param deploy bool = true
resource oai 'Microsoft.CognitiveServices/accounts@2024-10-01' = if (deploy) {
  name: 'oai'
  properties: {}
}
var oaiDiagnostics = 'taken'
`;
  const [f] = bicep(text);
  const fixed = applyFix(fixTitled(f, 'Send Audit'), text);
  assert.deepEqual(syntaxErrors(fixed, 'bicep'), []);
  assert.ok(fixed.includes("resource oaiDiagnostics2 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = if (deploy) {"), fixed);
  assert.ok(fixed.includes('param deploy bool = true\n\n@description('), fixed);
  assert.deepEqual(bicep(fixed), []);
});

test('Bicep: the Azure Verified Module sends all logs when given a workspace', () => {
  const call = (params: string) => `module ai 'br/public:avm/res/cognitive-services/account:0.10.0' = {
  name: 'ai'
  params: {
    name: 'contoso-ai'
    kind: 'OpenAI'${params}
  }
}
`;
  assert.deepEqual(ids(call(''), 'bicep'), ['noSettings']);
  assert.deepEqual(bicep(call('\n    diagnosticSettings: [\n      { workspaceResourceId: workspaceId }\n    ]')), []);
  assert.deepEqual(ids(call("\n    diagnosticSettings: [\n      {\n        workspaceResourceId: workspaceId\n        logCategoriesAndGroups: [ { category: 'Audit' } ]\n      }\n    ]"), 'bicep'), ['missingCategories']);
});
