// The allow-list fixes write dependency hosts as the template computes them (ARM and Bicep): a name known only in
// part, a parameter default, a module. After each fix the files re-analyse with the fixed finding gone and every
// other finding as it was.

import { rule as allowRequired } from '../../rules/allow-required-fqdns';
import { rule as restrict } from '../../rules/restrict-outbound-network-access';
import { ruleTester } from '../support/ruleTester';

const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
const SEARCH_READER = '1407120a-92aa-4202-b7e9-c0e197c71c8f';
const SUPPRESS = "Suppress allow-required-fqdns for 'ai' (with a reason)";

/** An ARM template: a search service named from parameter 'prefix' (no default), the account, its identity's role on the search service. */
function arm(properties: string, parameters = '', resourcesBefore = ''): string {
  return `{
  "$schema": "${SCHEMA}",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "prefix": { "type": "string" }${parameters}
  },
  "resources": [${resourcesBefore}
    { "type": "Microsoft.Search/searchServices", "apiVersion": "2023-11-01", "name": "[format('{0}-search', parameters('prefix'))]", "location": "eastus" },
    {
      "type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2025-06-01", "name": "ai", "location": "eastus", "kind": "AIServices",
      "tags": { "owner": "team" }, "identity": { "type": "SystemAssigned" },
      "properties": {
        "customSubDomainName": "ai",
        "publicNetworkAccess": "Disabled",
${properties}
      }
    },
    {
      "type": "Microsoft.Authorization/roleAssignments", "apiVersion": "2022-04-01", "name": "ra",
      "scope": "[format('Microsoft.Search/searchServices/{0}-search', parameters('prefix'))]",
      "properties": {
        "roleDefinitionId": "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${SEARCH_READER}')]",
        "principalId": "[reference(resourceId('Microsoft.CognitiveServices/accounts', 'ai'), '2025-06-01', 'full').identity.principalId]"
      }
    }
  ]
}
`;
}

/** The same deployment in Bicep. */
function bicep(properties: string, before = ''): string {
  return `param prefix string
${before}resource search 'Microsoft.Search/searchServices@2023-11-01' = {
  name: '\${prefix}-search'
  location: 'eastus'
}
resource ai 'Microsoft.CognitiveServices/accounts@2025-06-01' = {
  name: 'ai'
  location: 'eastus'
  kind: 'AIServices'
  tags: { owner: 'team' }
  identity: { type: 'SystemAssigned' }
  properties: {
    customSubDomainName: 'ai'
    publicNetworkAccess: 'Disabled'
${properties}
  }
}
resource ra 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid('ra')
  scope: search
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${SEARCH_READER}')
    principalId: ai.identity.principalId
  }
}
`;
}

const ARM_LIST = `        "restrictOutboundNetworkAccess": true,
        "allowedFqdnList": [ "partner.example" ]`;
const BICEP_LIST = `    restrictOutboundNetworkAccess: true
    allowedFqdnList: [
      'partner.example'
    ]`;

/** A Bicep module declaring the account (its allow-list from the caller) and the search service named from a parameter. */
const MODULE = bicep(`    restrictOutboundNetworkAccess: true
    allowedFqdnList: allowedHosts`, 'param allowedHosts array\n');
const main = (hosts: string) => `param env string
module account 'account.bicep' = {
  name: 'account'
  params: {
    prefix: env
    allowedHosts: [
      'partner.example'${hosts}
    ]
  }
}
`;

/** The same as an ARM nested deployment (inner scope); the list in the nested template, or passed from the outer one. */
function armNested(properties: string, hosts?: string): string {
  const inner = JSON.parse(arm(properties, hosts === undefined ? '' : ',\n"allowedHosts": { "type": "array" }')) as Record<string, unknown>;
  return `${JSON.stringify({
    $schema: SCHEMA, contentVersion: '1.0.0.0',
    parameters: { env: { type: 'string' } },
    resources: [{
      type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name: 'account',
      properties: {
        mode: 'Incremental', expressionEvaluationOptions: { scope: 'inner' },
        parameters: { prefix: { value: "[parameters('env')]" }, ...(hosts === undefined ? {} : { allowedHosts: { value: ['partner.example'] } }) },
        template: inner,
      },
    }],
  }, null, 2)}\n`;
}
const ARM_FROM_CALLER = `        "restrictOutboundNetworkAccess": true,
        "allowedFqdnList": "[parameters('allowedHosts')]"`;

/**
 * The account declared in a module (a nested deployment in ARM) whose list the module writes, and a connection whose
 * target the caller passes: only the caller can say the host.
 */
const accountModule = (egress: string, params = '') => `${params}param searchEndpoint string
resource ai 'Microsoft.CognitiveServices/accounts@2025-06-01' = {
  name: 'ai'
  location: 'eastus'
  kind: 'AIServices'
  tags: { owner: 'team' }
  identity: { type: 'SystemAssigned' }
  properties: {
    customSubDomainName: 'ai'
    publicNetworkAccess: 'Disabled'
${egress}
  }
  resource search 'connections' = {
    name: 'search'
    properties: { category: 'CognitiveSearch', target: searchEndpoint }
  }
}
`;
const ACCOUNT_MODULE = accountModule(BICEP_LIST);
const callerMain = (more = '', before = '') => `param prefix string
resource search 'Microsoft.Search/searchServices@2023-11-01' = {
  name: '\${prefix}-search'
  location: 'eastus'
}
module account 'account.bicep' = {
  name: 'account'
  params: {
${before}    searchEndpoint: search.properties.endpoint${more}
  }
}
`;
/**
 * The same as an ARM nested deployment: `egress` the account's egress properties (JSON members), `passed` what the
 * outer template passes besides the endpoint, `declared` the nested template's parameters besides it.
 */
function armCaller(egress: string, passed = '', declared = ''): string {
  return `{
  "$schema": "${SCHEMA}",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "prefix": { "type": "string" }
  },
  "resources": [
    { "type": "Microsoft.Search/searchServices", "apiVersion": "2023-11-01", "name": "[format('{0}-search', parameters('prefix'))]", "location": "eastus" },
    {
      "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "account",
      "properties": {
        "mode": "Incremental",
        "expressionEvaluationOptions": { "scope": "inner" },
        "parameters": {
          "searchEndpoint": { "value": "[reference(resourceId('Microsoft.Search/searchServices', format('{0}-search', parameters('prefix'))), '2023-11-01').endpoint]" }${passed}
        },
        "template": {
          "$schema": "${SCHEMA}",
          "contentVersion": "1.0.0.0",
          "parameters": {
            "searchEndpoint": { "type": "string" }${declared}
          },
          "resources": [
            {
              "type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2025-06-01", "name": "ai", "location": "eastus", "kind": "AIServices",
              "tags": { "owner": "team" }, "identity": { "type": "SystemAssigned" },
              "properties": {
                "customSubDomainName": "ai",
                "publicNetworkAccess": "Disabled",
                ${egress}
              }
            },
            {
              "type": "Microsoft.CognitiveServices/accounts/connections", "apiVersion": "2025-06-01", "name": "ai/search",
              "dependsOn": [ "[resourceId('Microsoft.CognitiveServices/accounts', 'ai')]" ],
              "properties": { "category": "CognitiveSearch", "target": "[parameters('searchEndpoint')]" }
            }
          ]
        }
      }
    }
  ]
}
`;
}
const ARM_CALLED_LIST = `"restrictOutboundNetworkAccess": true,
                "allowedFqdnList": [ "partner.example" ]`;
const LIST_DESCRIPTION = 'Hosts the AI service may reach (allowedFqdnList); callers pass the hosts of the dependencies they declare.';

ruleTester(allowRequired, {
  valid: [],
  invalid: [
    {
      name: 'a host known only in part is added as the expression of its name',
      code: { arm: arm(ARM_LIST), bicep: bicep(BICEP_LIST) },
      errors: [{
        messageId: 'missing', data: { host: '{…}-search.search.windows.net' }, arm: '16:28-16:49', bicep: '16:22-18:6',
        fixTitles: ["Allow '{…}-search.search.windows.net' in the allowed FQDNs of 'ai'", SUPPRESS],
        fixes: [{
          title: 'Allow', safe: false, preferred: true, nothingElse: true,
          outputText: {
            arm: arm(`        "restrictOutboundNetworkAccess": true,
        "allowedFqdnList": ["partner.example", "[format('{0}-search.search.windows.net', parameters('prefix'))]"]`),
            bicep: bicep(`    restrictOutboundNetworkAccess: true
    allowedFqdnList: [
      'partner.example'
      '\${search.name}.search.windows.net'
    ]`),
          },
        }],
      }],
    },
    {
      name: 'through a parameter default: the default gets the host in terms of the other parameters',
      code: {
        arm: arm(`        "restrictOutboundNetworkAccess": true,
        "allowedFqdnList": "[parameters('hosts')]"`, `,
    "hosts": { "type": "array", "defaultValue": [ "partner.example" ] }`),
        bicep: bicep(`    restrictOutboundNetworkAccess: true
    allowedFqdnList: hosts`, "param hosts array = [\n  'partner.example'\n]\n"),
      },
      errors: [{
        messageId: 'missing', data: { host: '{…}-search.search.windows.net' }, arm: '17:28-17:51', bicep: '19:22-19:27',
        fixes: [{
          title: 'Allow', nothingElse: true,
          outputText: {
            arm: arm(`        "restrictOutboundNetworkAccess": true,
        "allowedFqdnList": "[parameters('hosts')]"`, `,
    "hosts": { "type": "array", "defaultValue": ["partner.example", "[format('{0}-search.search.windows.net', parameters('prefix'))]"] }`),
            // A parameter default may not refer to a resource: the parameter the name comes from.
            bicep: bicep(`    restrictOutboundNetworkAccess: true
    allowedFqdnList: hosts`, "param hosts array = [\n  'partner.example'\n  '${prefix}-search.search.windows.net'\n]\n"),
          },
        }],
      }],
    },
    {
      name: 'in a module whose caller passes the list: the host in the caller\'s terms (the module\'s parameters replaced by what it passes)',
      code: { arm: armNested(ARM_FROM_CALLER, ''), bicep: main('') },
      files: { 'account.bicep': MODULE },
      errors: [{
        messageId: 'missing', data: { host: '{…}-search.search.windows.net' }, arm: '24:22-26:14', bicep: '6:19-8:6',
        fixes: [{
          title: 'Allow', nothingElse: true,
          outputText: {
            arm: armNested(ARM_FROM_CALLER, '').replace(/"value": \[\n\s*"partner.example"\n\s*\]/, `"value": ["partner.example", "[format('{0}-search.search.windows.net', parameters('env'))]"]`),
            bicep: main("\n      '${env}-search.search.windows.net'"),
          },
        }],
      }],
    },
    {
      name: 'in a nested template that writes the list: the host in terms of the nested template\'s parameters',
      only: 'arm',
      code: { arm: armNested(ARM_LIST) },
      errors: [{
        messageId: 'missing', data: { host: '{…}-search.search.windows.net' }, arm: '55:36-57:18',
        fixes: [{
          title: 'Allow', nothingElse: true,
          outputText: {
            arm: armNested(ARM_LIST).replace(/"allowedFqdnList": \[\n\s*"partner.example"\n\s*\]/, `"allowedFqdnList": ["partner.example", "[format('{0}-search.search.windows.net', parameters('prefix'))]"]`),
          },
        }],
      }],
    },
    {
      name: 'in a module that writes the list, a host only the caller can say: the module takes the list as a parameter (its default the list as it is), the caller passes it',
      code: { arm: armCaller(ARM_CALLED_LIST), bicep: callerMain() },
      files: { 'account.bicep': ACCOUNT_MODULE },
      // The entry the list had is then written by the caller too: approved, so that nothing else changes.
      settings: { approvedFqdns: ['partner.example'] },
      errors: [{
        messageId: 'missingInModule', data: { host: '{…}-search.search.windows.net', module: 'account' }, arm: '10:86-10:95', bicep: '6:1-6:35',
        fixes: [{
          title: "Allow '{…}-search.search.windows.net' in the allowed FQDNs of 'ai' (changes ", safe: false, preferred: true, nothingElse: true,
          outputText: {
            arm: armCaller(ARM_CALLED_LIST.replace('[ "partner.example" ]', `"[parameters('allowedFqdnList')]"`), `,
          "allowedFqdnList": {
            "value": [
              "partner.example",
              "[format('{0}-search.search.windows.net', parameters('prefix'))]"
            ]
          }`, `,
            "allowedFqdnList": {
              "type": "array",
              "defaultValue": [
                "partner.example"
              ],
              "metadata": {
                "description": "${LIST_DESCRIPTION}"
              }
            }`),
            bicep: callerMain("\n    allowedFqdnList: [\n      'partner.example'\n      '${search.name}.search.windows.net'\n    ]"),
          },
          outputFiles: {
            bicep: {
              'account.bicep': ACCOUNT_MODULE
                .replace('param searchEndpoint string\n', `param searchEndpoint string\n\n@description('${LIST_DESCRIPTION}')\nparam allowedFqdnList array = [\n  'partner.example'\n]\n`)
                .replace("allowedFqdnList: [\n      'partner.example'\n    ]", 'allowedFqdnList: allowedFqdnList'),
            },
          },
        }],
      }],
    },
  ],
});

ruleTester(restrict, {
  valid: [],
  invalid: [
    {
      name: 'restricting writes each host as the template computes it, and nothing else changes',
      code: { arm: arm('        "restrictOutboundNetworkAccess": false'), bicep: bicep('    restrictOutboundNetworkAccess: false') },
      errors: [{
        messageId: 'notTrue', arm: '15:42-15:47', bicep: '15:36-15:41',
        fixes: [{
          title: "Restrict outbound network access for 'ai', allowing the 1 host it needs", nothingElse: true,
          outputText: {
            arm: arm(`        "restrictOutboundNetworkAccess": true,
        "allowedFqdnList": [
          "[format('{0}-search.search.windows.net', parameters('prefix'))]"
        ]`),
            bicep: bicep(`    restrictOutboundNetworkAccess: true
    allowedFqdnList: [
      '\${search.name}.search.windows.net'
    ]`),
          },
        }],
      }],
    },
    {
      name: 'the restriction passed by the caller of the module that declares the account: set where it is passed, with the hosts only the caller can say',
      code: {
        arm: armCaller(`"restrictOutboundNetworkAccess": "[parameters('restrict')]"`, `,
          "restrict": { "value": false }`, `,
            "restrict": { "type": "bool" }`),
        bicep: callerMain('', '    restrict: false\n'),
      },
      files: { 'account.bicep': accountModule("    restrictOutboundNetworkAccess: restrict", 'param restrict bool\n') },
      errors: [{
        messageId: 'notTrue', arm: '16:34-16:39', bicep: '9:15-9:20',
        fixes: [{
          title: "Set the value 'account' passes for parameter 'restrict' to true, allowing the 1 host it needs (changes ", safe: false, preferred: true, nothingElse: true,
          outputText: {
            arm: armCaller(`"restrictOutboundNetworkAccess": "[parameters('restrict')]",
                "allowedFqdnList": "[parameters('allowedFqdnList')]"`, `,
          "restrict": { "value": true },
          "allowedFqdnList": {
            "value": [
              "[format('{0}-search.search.windows.net', parameters('prefix'))]"
            ]
          }`, `,
            "restrict": { "type": "bool" },
            "allowedFqdnList": {
              "type": "array",
              "defaultValue": [],
              "metadata": {
                "description": "${LIST_DESCRIPTION}"
              }
            }`),
            bicep: callerMain("\n    allowedFqdnList: [\n      '${search.name}.search.windows.net'\n    ]", '    restrict: true\n'),
          },
          outputFiles: {
            bicep: {
              'account.bicep': accountModule('    restrictOutboundNetworkAccess: restrict\n    allowedFqdnList: allowedFqdnList', 'param restrict bool\n')
                .replace('param searchEndpoint string\n', `param searchEndpoint string\n\n@description('${LIST_DESCRIPTION}')\nparam allowedFqdnList array = []\n`),
            },
          },
        }],
      }],
    },
  ],
});
