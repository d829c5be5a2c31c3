// enable-diagnostic-logs: each case runs as ARM JSON and as Bicep (see test/support/ruleTester.ts).

import { rule } from '../../rules/enable-diagnostic-logs';
import { render, URIS } from '../support/render';
import { expr, marked, param, ruleTester, type TemplateSpec, type Val } from '../support/ruleTester';

const SEND = "Send Audit and RequestResponse logs of 'oai' to a Log Analytics workspace (parameter logAnalyticsWorkspaceId)";
const SUPPRESS = "Suppress enable-diagnostic-logs for 'oai' (with a reason)";
const restricted = { restrictOutboundNetworkAccess: true };
/** Scoped to the account: ARM as Bicep compiles `scope: account`, Bicep `scope: ai`. */
const SCOPE = expr({ arm: "format('Microsoft.CognitiveServices/accounts/{0}', 'oai')", bicep: 'ai' });
const WORKSPACE = { workspaceId: { type: 'string' as const, default: '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/logs' } };
const both = [{ category: 'Audit', enabled: true }, { category: 'RequestResponse', enabled: true }];

interface SettingsOptions { scope?: Val; destination?: Record<string, Val>; condition?: Val }
/** Diagnostic settings 'oai-logs' with the given logs, scoped to the account unless told. */
const settings = (logs: Val, { scope = SCOPE, destination = { workspaceId: param('workspaceId') }, condition }: SettingsOptions = {}) => ({
  type: 'Microsoft.Insights/diagnosticSettings', apiVersion: '2021-05-01-preview', name: 'oai-logs', scope, condition,
  properties: { ...destination, logs },
});
/** The account, the workspace parameter and the settings. */
const withSettings = (logs: Val, options?: SettingsOptions): TemplateSpec => ({ params: WORKSPACE, properties: restricted, resources: [settings(logs, options)] });

/** What the add fix makes of the account with `restricted` properties and no parameter. */
const FIXED_ARM = `{
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
      "tags": {
        "owner": "team"
      },
      "properties": {
        "restrictOutboundNetworkAccess": true
      }
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
`;

const FIXED_BICEP = `@description('Resource id of the Log Analytics workspace that receives the logs of the AI services.')
param logAnalyticsWorkspaceId string

resource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai'
  location: 'eastus'
  kind: 'OpenAI'
  tags: {
    owner: 'team'
  }
  properties: {
    restrictOutboundNetworkAccess: true
  }
}

resource aiDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: '\${ai.name}-logs'
  scope: ai
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
`;

/** The settings the fix adds to the conditional account, reusing its workspace parameter. */
const CONDITIONAL_SETTINGS_ARM = `,
    {
      "condition": "[parameters('deploy')]",
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
`;
const CONDITIONAL_SETTINGS_BICEP = `
resource aiDiagnostics2 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = if (deploy) {
  name: '\${ai.name}-logs'
  scope: ai
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
`;
const conditional: TemplateSpec = {
  condition: param('deploy'),
  params: { deploy: { type: 'bool', default: true }, logAnalyticsWorkspaceId: { type: 'string' } },
  // Bicep: the symbol the fix would use is taken.
  vars: { aiDiagnostics: 'taken' },
};
const conditionalFixed = {
  arm: render(conditional, 'arm').files[URIS.arm.template].replace(/\n {2}\]\n\}\n$/, CONDITIONAL_SETTINGS_ARM),
  bicep: render(conditional, 'bicep').files[URIS.bicep.template] + CONDITIONAL_SETTINGS_BICEP,
};

/** The Azure Verified Module for accounts, called with the given extra parameters. */
const avm = (params: string) => `module ai 'br/public:avm/res/cognitive-services/account:0.10.0' = {
  name: 'ai'
  params: {
    name: 'contoso-ai'
    kind: 'OpenAI'${params}
  }
}
`;

/** The rendered ARM text of a case with a resource member the renderer does not write (a resource copy loop). */
const armWith = (spec: TemplateSpec, after: string, insert: string) => {
  const text = render(spec, 'arm').files[URIS.arm.template];
  if (!text.includes(after)) throw new Error(`no '${after}' in the rendered template`);
  return text.replace(after, `${after}\n      ${insert}`);
};

/** ARM: the account, and the settings (by a literal scope) in a nested deployment looped `count` times. */
const inLoopedDeployment = (count: number) => armWith({
  params: WORKSPACE, properties: restricted,
  resources: [{
    type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name: 'logs',
    properties: {
      mode: 'Incremental',
      template: {
        $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0',
        resources: [{ type: 'Microsoft.Insights/diagnosticSettings', apiVersion: '2021-05-01-preview', name: 'oai-logs', scope: 'Microsoft.CognitiveServices/accounts/oai', properties: { workspaceId: param('workspaceId'), logs: both } }],
      },
    },
  }],
}, '"name": "logs",', `"copy": { "name": "logs", "count": ${count} },`);

ruleTester(rule, {
  valid: [
    { name: 'settings scoped to the account that send Audit and RequestResponse to a workspace', ...withSettings(both) },
    { name: 'the ARM scope written as a literal resource id', only: 'arm', ...withSettings(both, { scope: 'Microsoft.CognitiveServices/accounts/oai' }) },
    { name: "the category group 'allLogs'", ...withSettings([{ categoryGroup: 'allLogs', enabled: true }]) },
    {
      name: 'categories compared case-insensitively, other categories beside them',
      ...withSettings([{ category: 'audit', enabled: true }, { category: 'requestresponse', enabled: true }, { category: 'Trace', enabled: true }]),
    },
    { name: 'a storage account is a destination too', ...withSettings(both, { destination: { storageAccountId: '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/logs' } }) },
    {
      name: 'the older accounts/providers/diagnosticSettings form, at the top level',
      params: WORKSPACE,
      properties: restricted,
      resources: [{ type: 'Microsoft.CognitiveServices/accounts/providers/diagnosticSettings', apiVersion: '2021-05-01-preview', name: 'oai/Microsoft.Insights/logs', properties: { workspaceId: param('workspaceId'), logs: both } }],
    },
    { name: 'an existing account is not checked', existing: true },
    { name: 'the Azure Verified Module sends all logs when given a workspace', code: { bicep: avm('\n    diagnosticSettings: [\n      { workspaceResourceId: workspaceId }\n    ]') } },
    { name: 'settings in a nested deployment looped once count', code: { arm: inLoopedDeployment(1) } },
    { name: 'suppressed on the account (ARM metadata, Bicep #disable-next-line)', suppress: { 'enable-diagnostic-logs': 'logs are collected by policy' } },
  ],
  invalid: [
    {
      name: 'no diagnostic settings: info at the type; the fix adds a workspace parameter and settings scoped to the account',
      properties: restricted,
      errors: [{
        messageId: 'noSettings', at: ['type'], arm: '6:15-6:53', bicep: '1:13-1:62', level: 'info', data: { resource: "'oai'" },
        message: /^AI service 'oai' sends no logs anywhere\. No diagnostic settings are scoped to it, so a denied outbound call \(HTTP 400/,
        fixTitles: [SEND, SUPPRESS],
        // The fixed file parses and the rule is then satisfied (the tester checks both).
        fixes: [{ title: SEND, safe: false, outputText: { arm: FIXED_ARM, bicep: FIXED_BICEP } }],
      }],
    },
    {
      name: 'the new parameter goes after the last one',
      params: { deploy: { type: 'bool', default: true } },
      properties: restricted,
      errors: [{
        messageId: 'noSettings', at: ['type'],
        fixes: [{
          title: SEND,
          outputText: {
            arm: FIXED_ARM.replace('  "parameters": {\n', '  "parameters": {\n    "deploy": {\n      "type": "bool",\n      "defaultValue": true\n    },\n'),
            bicep: `param deploy bool = true\n\n${FIXED_BICEP}`,
          },
        }],
      }],
    },
    {
      name: 'a conditional account gets conditional settings, reusing the workspace parameter; a symbol already taken gets a number',
      ...conditional,
      errors: [{ messageId: 'noSettings', at: ['type'], fixes: [{ title: 'Send Audit and RequestResponse logs', outputText: conditionalFixed }] }],
    },
    {
      name: 'a category missing: reported at the logs, naming it',
      ...withSettings(marked('logs', [{ category: 'Audit', enabled: true }])),
      errors: [{
        messageId: 'missingCategories', at: 'logs', level: 'info', data: { missing: 'RequestResponse', plural: 'y' },
        message: /^AI service 'oai' does not send its RequestResponse logs\. .*enable the RequestResponse category, or the category group 'allLogs'/,
        fixTitles: [SUPPRESS],
      }],
    },
    {
      name: 'a disabled category does not count',
      ...withSettings(marked('logs', [{ category: 'Audit', enabled: true }, { category: 'RequestResponse', enabled: false }])),
      errors: [{ messageId: 'missingCategories', at: 'logs', data: { missing: 'RequestResponse' } }],
    },
    {
      name: "the category group 'audit' holds the audit logs only",
      ...withSettings(marked('logs', [{ categoryGroup: 'audit', enabled: true }])),
      errors: [{ messageId: 'missingCategories', at: 'logs', data: { missing: 'RequestResponse' }, message: /does not send its RequestResponse logs/ }],
    },
    {
      name: 'neither category',
      ...withSettings(marked('logs', [{ category: 'Trace', enabled: true }])),
      errors: [{
        messageId: 'missingCategories', at: 'logs', data: { missing: 'Audit and RequestResponse', plural: 'ies' },
        message: /does not send its Audit and RequestResponse logs\. .*enable the Audit and RequestResponse categories, or the category group 'allLogs'/,
      }],
    },
    {
      name: 'settings without a destination',
      ...withSettings(marked('logs', both), { destination: {} }),
      errors: [{ messageId: 'noDestination', at: 'logs', data: { setting: 'oai-logs' }, message: /^AI service 'oai' has diagnostic settings that send logs nowhere\. Diagnostic settings 'oai-logs' name no destination: / }],
    },
    { name: 'settings of another account do not count', ...withSettings(both, { scope: expr({ arm: "format('Microsoft.CognitiveServices/accounts/{0}', 'other')", bicep: "resourceId('Microsoft.CognitiveServices/accounts', 'other')" }) }), errors: [{ messageId: 'noSettings', at: ['type'] }] },
    { name: 'settings of another account, by a literal ARM scope', only: 'arm', ...withSettings(both, { scope: 'Microsoft.CognitiveServices/accounts/other' }), errors: [{ messageId: 'noSettings', at: ['type'] }] },
    { name: 'settings left out by their condition do not count', ...withSettings(both, { condition: false }), errors: [{ messageId: 'noSettings', at: ['type'] }] },
    {
      name: 'settings in an empty ARM copy loop do not count',
      code: { arm: armWith(withSettings(both), '"name": "oai-logs",', '"copy": { "name": "logs", "count": 0 },') },
      errors: [{ messageId: 'noSettings', arm: '12:15-12:53' }],
    },
    { name: 'settings in a nested deployment whose copy count is 0 do not count', code: { arm: inLoopedDeployment(0) }, errors: [{ messageId: 'noSettings', arm: '12:15-12:53' }] },
    {
      name: 'the older form nested under the account (ARM) counts, and is checked',
      only: 'arm',
      params: WORKSPACE,
      properties: restricted,
      children: [{ type: 'providers/diagnosticSettings', apiVersion: '2021-05-01-preview', name: 'Microsoft.Insights/logs', properties: { workspaceId: param('workspaceId'), logs: marked('logs', [{ category: 'Audit', enabled: true }]) } }],
      errors: [{ messageId: 'missingCategories', at: 'logs' }],
    },
    {
      name: 'categories only known at deployment cannot be verified (info)',
      params: { workspaceId: { type: 'string' }, logs: { type: 'array' } },
      properties: restricted,
      resources: [settings(marked('logs', param('logs')))],
      errors: [{ messageId: 'unverifiable', at: 'logs', level: 'info', message: /^Diagnostic logs of AI service 'oai' cannot be verified\. Its diagnostic settings cannot be evaluated: their categories or destination are only known at deployment\./ }],
    },
    {
      name: 'logs made by a property copy loop (compiled Azure Verified Modules) cannot be verified (info), and nothing else is reported',
      only: 'arm',
      params: { workspaceId: { type: 'string' }, group: { type: 'string', default: 'allLogs' } },
      properties: restricted,
      resources: [{
        type: 'Microsoft.Insights/diagnosticSettings', apiVersion: '2021-05-01-preview', name: 'logs', scope: 'Microsoft.CognitiveServices/accounts/oai',
        properties: { copy: [marked('loop', { name: 'logs', count: 1, input: { categoryGroup: param('group'), enabled: true } })], workspaceId: param('workspaceId') },
      }],
      errors: [{ messageId: 'unverifiable', at: 'loop', level: 'info' }],
    },
    { name: 'the Azure Verified Module without diagnostic settings', code: { bicep: avm('') }, errors: [{ messageId: 'noSettings', bicep: '1:11-1:64', data: { resource: "'ai'" } }] },
    {
      name: 'the Azure Verified Module given categories without RequestResponse',
      code: { bicep: avm("\n    diagnosticSettings: [\n      {\n        workspaceResourceId: workspaceId\n        logCategoriesAndGroups: [ { category: 'Audit' } ]\n      }\n    ]") },
      errors: [{ messageId: 'missingCategories', bicep: '7:7-10:8', data: { missing: 'RequestResponse' } }],
    },
  ],
});
