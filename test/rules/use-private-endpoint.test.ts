// use-private-endpoint: each case runs as ARM JSON and as Bicep (see test/support/ruleTester.ts).

import { rule } from '../../rules/use-private-endpoint';
import { expr, marked, param, ruleTester, type Val } from '../support/ruleTester';

const ADD = "Add a private endpoint for 'oai' (subnet and DNS zone from parameters privateEndpointSubnetId, openAiPrivateDnsZoneId)";
const SUPPRESS = "Suppress use-private-endpoint for 'oai' (with a reason)";
const closed = { publicNetworkAccess: marked('off', 'Disabled') };
/** The account's id: `resourceId()` in ARM, the symbol in Bicep. */
const ACCOUNT_ID = expr({ arm: "resourceId('Microsoft.CognitiveServices/accounts', 'oai')", bicep: 'ai.id' });
const byResourceId = (name: string) => expr({ arm: `resourceId('Microsoft.CognitiveServices/accounts', '${name}')`, bicep: `resourceId('Microsoft.CognitiveServices/accounts', '${name}')` });

/** A private endpoint whose connection targets `id`; `list` picks the automatic or the manual connections. */
const endpoint = (id: Val, list = 'privateLinkServiceConnections') => ({
  type: 'Microsoft.Network/privateEndpoints', apiVersion: '2024-05-01', name: 'oai-pe',
  properties: {
    subnet: { id: '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/pe' },
    [list]: [{ name: 'oai', properties: { privateLinkServiceId: id, groupIds: ['account'] } }],
  },
});

const location = { location: { type: 'string' as const, default: expr({ arm: 'resourceGroup().location', bicep: 'resourceGroup().location' }) } };

/** What the add fix makes of the account of `closed` with the `location` parameter: parameters after the last one, the endpoint and its DNS zone group after the account. */
const FIXED_ARM = `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "location": {
      "type": "string",
      "defaultValue": "[resourceGroup().location]"
    },
    "privateEndpointSubnetId": {
      "type": "string",
      "metadata": {
        "description": "Resource id of the subnet the private endpoints of the AI services are placed in."
      }
    },
    "openAiPrivateDnsZoneId": {
      "type": "string",
      "metadata": {
        "description": "Resource id of the private DNS zone privatelink.openai.azure.com."
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
        "publicNetworkAccess": "Disabled"
      }
    },
    {
      "type": "Microsoft.Network/privateEndpoints",
      "apiVersion": "2024-05-01",
      "name": "oai-pe",
      "location": "eastus",
      "properties": {
        "subnet": {
          "id": "[parameters('privateEndpointSubnetId')]"
        },
        "privateLinkServiceConnections": [
          {
            "name": "oai-pe",
            "properties": {
              "privateLinkServiceId": "[resourceId('Microsoft.CognitiveServices/accounts', 'oai')]",
              "groupIds": [
                "account"
              ]
            }
          }
        ]
      },
      "dependsOn": [
        "[resourceId('Microsoft.CognitiveServices/accounts', 'oai')]"
      ]
    },
    {
      "type": "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
      "apiVersion": "2024-05-01",
      "name": "oai-pe/default",
      "properties": {
        "privateDnsZoneConfigs": [
          {
            "name": "privatelink-openai-azure-com",
            "properties": {
              "privateDnsZoneId": "[parameters('openAiPrivateDnsZoneId')]"
            }
          }
        ]
      },
      "dependsOn": [
        "[resourceId('Microsoft.CognitiveServices/accounts', 'oai')]",
        "[resourceId('Microsoft.Network/privateEndpoints', 'oai-pe')]"
      ]
    }
  ]
}
`;

const FIXED_BICEP = `param location string = resourceGroup().location

@description('Resource id of the subnet the private endpoints of the AI services are placed in.')
param privateEndpointSubnetId string

@description('Resource id of the private DNS zone privatelink.openai.azure.com.')
param openAiPrivateDnsZoneId string

resource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai'
  location: 'eastus'
  kind: 'OpenAI'
  tags: {
    owner: 'team'
  }
  properties: {
    publicNetworkAccess: 'Disabled'
  }
}

resource aiPrivateEndpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: '\${ai.name}-pe'
  location: ai.location
  properties: {
    subnet: {
      id: privateEndpointSubnetId
    }
    privateLinkServiceConnections: [
      {
        name: '\${ai.name}-pe'
        properties: {
          privateLinkServiceId: ai.id
          groupIds: [
            'account'
          ]
        }
      }
    ]
  }
}

resource aiPrivateEndpointDnsZoneGroup 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = {
  parent: aiPrivateEndpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: 'privatelink-openai-azure-com'
        properties: {
          privateDnsZoneId: openAiPrivateDnsZoneId
        }
      }
    ]
  }
}
`;

/** The same fix for a Foundry account (kind AIServices) in Azure Government: the zone of the kind and the cloud. */
const inGovernment = (text: string) => text.replace(/("kind": |kind: )(["'])OpenAI/, '$1$2AIServices')
  .replace(/openAiPrivateDnsZoneId/g, 'cognitiveServicesPrivateDnsZoneId')
  .replace('privatelink.openai.azure.com', 'privatelink.cognitiveservices.azure.us')
  .replace('privatelink-openai-azure-com', 'privatelink-cognitiveservices-azure-us');

const BICEP_CLOSED = `resource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai'
  properties: {
    publicNetworkAccess: 'Disabled'
  }
}
`;

/** The Azure Verified Module for accounts, called with the given extra parameters. */
const avm = (params: string) => `module ai 'br/public:avm/res/cognitive-services/account:0.10.0' = {
  name: 'ai'
  params: {
    name: 'contoso-ai'
    kind: 'OpenAI'${params}
  }
}
`;

const SCHEMA = '"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0"';

/** ARM: public network access from a parameter typed by the definition `accessType` (`nullable` as given), 'Disabled' when null. */
const armAccessFromDefinition = (nullable: boolean) => `{
  ${SCHEMA},
  "definitions": {
    "accessType": { "type": "string", "allowedValues": [ "Enabled", "Disabled" ]${nullable ? ', "nullable": true' : ''} },
    "alias": { "$ref": "#/definitions/accessType" }
  },
  "parameters": { "access": { "$ref": "#/definitions/alias" } },
  "resources": [
    { "type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2024-10-01", "name": "oai", "kind": "OpenAI", "properties": { "publicNetworkAccess": "[coalesce(parameters('access'), 'Disabled')]" } }
  ]
}
`;

/** Bicep: the same, with the type declared here (`type` given) or imported from types.bicep. */
const bicepAccessFromType = (type: string | undefined) => `${type === undefined ? "import { accessType } from 'types.bicep'" : `type accessType = ${type}`}

param access accessType

resource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai'
  properties: {
    publicNetworkAccess: access ?? 'Disabled'
  }
}
`;

/**
 * ARM: a closed account, and a private endpoint in a nested deployment looped `count` times (the Azure Verified
 * Modules' form) whose connection target comes from the loop's item, so is not known outside it. `count` as JSON.
 */
const armLoopedEndpoint = (count: string, endpoints = '[]') => `{
  ${SCHEMA},
  "parameters": { "endpoints": { "type": "array", "defaultValue": ${endpoints} }, "count": { "type": "int" } },
  "resources": [
    { "type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2024-10-01", "name": "oai", "kind": "OpenAI", "properties": { "publicNetworkAccess": "Disabled" } },
    { "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "[format('pe-{0}', copyIndex())]",
      "copy": { "name": "endpoints", "count": ${count} },
      "properties": {
        "expressionEvaluationOptions": { "scope": "inner" }, "mode": "Incremental",
        "parameters": { "targetId": { "value": "[parameters('endpoints')[copyIndex()].target]" } },
        "template": { ${SCHEMA},
          "parameters": { "targetId": { "type": "string" } },
          "resources": [ ${JSON.stringify(endpoint("[parameters('targetId')]"))} ] } } }
  ]
}
`;

/** Bicep: the same with a module loop over `iterable`. */
const bicepLoopedEndpoint = (iterable: string) => `param endpoints array = []
param count int

${BICEP_CLOSED}
module pe 'pe.bicep' = [for (e, i) in ${iterable}: {
  name: 'pe-\${i}'
  params: { targetId: e.target }
}]
`;

const PE_BICEP = `param targetId string
resource pe 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: 'pe'
  properties: {
    privateLinkServiceConnections: [
      { name: 'x', properties: { privateLinkServiceId: targetId, groupIds: [ 'account' ] } }
    ]
  }
}
`;

ruleTester(rule, {
  valid: [
    { name: 'an endpoint whose automatic connection names the account (resourceId() in ARM, the symbol in Bicep)', properties: closed, resources: [endpoint(ACCOUNT_ID)] },
    { name: 'an endpoint whose manual connection names the account', properties: closed, resources: [endpoint(ACCOUNT_ID, 'manualPrivateLinkServiceConnections')] },
    { name: 'an endpoint naming the account by resourceId() in both formats', properties: closed, resources: [endpoint(byResourceId('oai'))] },
    { name: 'an endpoint naming the account by a full id written out, case-insensitively', properties: closed, resources: [endpoint('/subscriptions/0000/resourceGroups/rg/providers/microsoft.cognitiveservices/ACCOUNTS/oai')] },
    {
      name: 'an endpoint whose target is only known at deployment may be the one',
      params: { targetId: { type: 'string' } },
      properties: closed,
      resources: [endpoint(param('targetId'))],
    },
    {
      name: 'an endpoint in another deployment (an ARM nested deployment given the account id)',
      only: 'arm',
      properties: closed,
      resources: [{
        type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name: 'endpoint',
        properties: {
          expressionEvaluationOptions: { scope: 'inner' },
          mode: 'Incremental',
          parameters: { targetId: { value: ACCOUNT_ID } },
          template: {
            $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
            contentVersion: '1.0.0.0',
            parameters: { targetId: { type: 'string' } },
            resources: [endpoint(param('targetId'))],
          },
        },
      }],
    },
    {
      name: 'an endpoint declared in a Bicep module, given the account id',
      code: {
        bicep: `${BICEP_CLOSED}
module endpoint 'pe.bicep' = {
  name: 'endpoint'
  params: { targetId: ai.id }
}
`,
      },
      files: {
        'pe.bicep': `param targetId string
resource pe 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: 'pe'
  properties: {
    privateLinkServiceConnections: [
      { name: 'x', properties: { privateLinkServiceId: targetId, groupIds: [ 'account' ] } }
    ]
  }
}
`,
      },
    },
    // An account open to public networks is disable-public-network-access's business.
    { name: 'public network access enabled, no endpoint', properties: { publicNetworkAccess: 'Enabled' } },
    { name: 'public network access not set, no endpoint', properties: {} },
    { name: 'public network access from a parameter without a value', params: { access: { type: 'string' } }, properties: { publicNetworkAccess: param('access') } },
    { name: 'an existing account is not checked', existing: true },
    {
      name: 'the Azure Verified Module creates the endpoints it is given',
      code: { bicep: avm('\n    privateEndpoints: [\n      { subnetResourceId: subnetId }\n    ]') },
    },
    {
      name: "Bicep's #disable-next-line above the value silences it",
      code: { bicep: BICEP_CLOSED.replace("    publicNetworkAccess: 'Disabled'", "    #disable-next-line use-private-endpoint\n    publicNetworkAccess: 'Disabled'") },
    },
    { name: 'ARM metadata suppression on the account', only: 'arm', properties: closed, suppress: { 'use-private-endpoint': 'the endpoint is made by the network team' } },
    {
      name: 'public access from a parameter left out whose type is not nullable: not known, nothing said',
      code: { arm: armAccessFromDefinition(false), bicep: bicepAccessFromType("'Enabled' | 'Disabled'") },
    },
    {
      name: 'a type that names itself is not nullable (bounded)',
      code: { bicep: bicepAccessFromType('accessType') },
    },
    {
      name: 'a loop around the endpoint whose count is not known: the endpoint may be the one',
      code: { arm: armLoopedEndpoint(`"[parameters('count')]"`), bicep: bicepLoopedEndpoint('range(0, count)') },
      files: { 'pe.bicep': PE_BICEP },
    },
    {
      name: 'a loop around the endpoint that deploys it once, naming the account',
      code: {
        arm: armLoopedEndpoint(`"[length(parameters('endpoints'))]"`, `[ { "target": "[resourceId('Microsoft.CognitiveServices/accounts', 'oai')]" } ]`),
        bicep: bicepLoopedEndpoint('[ { target: ai.id } ]'),
      },
      files: { 'pe.bicep': PE_BICEP },
    },
  ],
  invalid: [
    {
      name: 'public access disabled and no endpoint at all: info at the value; the fix adds parameters, the endpoint and its DNS zone group',
      params: location,
      properties: closed,
      errors: [{
        messageId: 'noEndpoint', at: 'off', arm: '21:32-21:42', bicep: '11:26-11:36', level: 'info', resource: 'oai', data: { resource: "'oai'" },
        message: /^AI service 'oai' has no private endpoint and no public access\. Public network access is disabled, so no client can reach it unless a private endpoint is created elsewhere: add one \(group id 'account'\)/,
        fixTitles: [ADD, SUPPRESS],
        // The fixed file parses and the rule is satisfied (the tester checks both).
        fixes: [{ title: ADD, safe: false, outputText: { arm: FIXED_ARM, bicep: FIXED_BICEP } }],
      }],
    },
    {
      name: 'the fix uses the private DNS zone of the kind and the cloud',
      params: location,
      kind: 'AIServices',
      properties: closed,
      settings: { cloud: 'AzureUSGovernment' },
      errors: [{
        messageId: 'noEndpoint', at: 'off',
        fixTitles: ["Add a private endpoint for 'oai' (subnet and DNS zone from parameters privateEndpointSubnetId, cognitiveServicesPrivateDnsZoneId)", SUPPRESS],
        fixes: [{ index: 0, outputText: { arm: inGovernment(FIXED_ARM), bicep: inGovernment(FIXED_BICEP) } }],
      }],
    },
    { name: 'an endpoint for another account does not count', properties: closed, resources: [endpoint(byResourceId('other-ai'))], errors: [{ messageId: 'noEndpoint', at: 'off' }] },
    {
      name: 'an endpoint left out by its condition does not count',
      properties: closed,
      resources: [{ ...endpoint(ACCOUNT_ID), condition: false }],
      errors: [{ messageId: 'noEndpoint', at: 'off' }],
    },
    {
      name: 'inside an ARM nested deployment: no add fix, only the suppression',
      code: {
        arm: `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    { "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "inner", "properties": { "mode": "Incremental", "template": {
      "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0",
      "resources": [ { "type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2024-10-01", "name": "deep", "kind": "OpenAI", "properties": { "publicNetworkAccess": "Disabled" } } ] } } }
  ]
}
`,
      },
      errors: [{ messageId: 'noEndpoint', arm: '7:173-7:183', data: { resource: "'deep'" }, fixTitles: ["Suppress use-private-endpoint for 'deep' (with a reason)"] }],
    },
    {
      name: 'the Azure Verified Module without endpoints disables public access: no add fix, the module makes its own',
      code: { bicep: avm('') },
      errors: [{ messageId: 'noEndpoint', bicep: '1:11-1:64', data: { resource: "'ai'" }, fixTitles: ["Suppress use-private-endpoint for 'ai' (with a reason)"] }],
    },
    {
      name: 'public access from a parameter left out whose type is a nullable definition ($ref, chained) or type alias: null, so Disabled',
      code: { arm: armAccessFromDefinition(true), bicep: bicepAccessFromType("('Enabled' | 'Disabled')?") },
      errors: [{ messageId: 'noEndpoint', arm: '9:155-9:201', bicep: '8:26-8:46', data: { resource: "'oai'" } }],
    },
    {
      name: 'the same with the nullable type imported from another Bicep file',
      code: { bicep: bicepAccessFromType(undefined) },
      files: { 'types.bicep': "@export()\ntype accessType = ('Enabled' | 'Disabled')?\n" },
      errors: [{ messageId: 'noEndpoint', bicep: '8:26-8:46', data: { resource: "'oai'" } }],
    },
    {
      name: 'the only endpoint is in a nested deployment / module loop that deploys nothing (count 0, empty array): it does not count',
      code: { arm: armLoopedEndpoint(`"[length(parameters('endpoints'))]"`), bicep: bicepLoopedEndpoint('endpoints') },
      files: { 'pe.bicep': PE_BICEP },
      errors: [{ messageId: 'noEndpoint', arm: '5:155-5:165', bicep: '7:26-7:36', data: { resource: "'oai'" } }],
    },
    {
      name: 'the same with a count of 0 written out (ARM) and range(0, 0) (Bicep)',
      code: { arm: armLoopedEndpoint('0'), bicep: bicepLoopedEndpoint('range(0, 0)') },
      files: { 'pe.bicep': PE_BICEP },
      errors: [{ messageId: 'noEndpoint', arm: '5:155-5:165', bicep: '7:26-7:36', data: { resource: "'oai'" } }],
    },
    {
      name: 'an endpoint naming the account in a nested deployment / module left out by its condition does not count',
      code: {
        arm: armLoopedEndpoint('1', `[ { "target": "[resourceId('Microsoft.CognitiveServices/accounts', 'oai')]" } ]`).replace('"copy":', '"condition": false, "copy":'),
        bicep: `${BICEP_CLOSED}
module pe 'pe.bicep' = if (false) {
  name: 'pe'
  params: { targetId: ai.id }
}
`,
      },
      files: { 'pe.bicep': PE_BICEP },
      errors: [{ messageId: 'noEndpoint', arm: '5:155-5:165', bicep: '4:26-4:36', data: { resource: "'oai'" } }],
    },
  ],
});
