import assert from 'node:assert/strict';
import { test } from 'node:test';
import { account, applyFix, fixTitled, lintRule, syntaxErrors, template, textAt, where } from '../support/lint';

const RULE = 'use-private-endpoint';
const arm = (text: string) => lintRule(RULE, text, 'arm');
const bicep = (text: string, files: Record<string, string> = {}) => lintRule(RULE, text, 'bicep', files);

const closed = account('{ "publicNetworkAccess": "Disabled" }');

/** A private endpoint resource (ARM) whose connection targets `id`; `list` picks the automatic or manual connections. */
const endpoint = (id: string, list = 'privateLinkServiceConnections', extra = '') => `    {
      "type": "Microsoft.Network/privateEndpoints",
      "apiVersion": "2024-05-01",
      "name": "oai-pe",
      "location": "eastus",${extra}
      "properties": {
        "subnet": { "id": "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/pe" },
        "${list}": [
          { "name": "oai", "properties": { "privateLinkServiceId": "${id}", "groupIds": [ "account" ] } }
        ]
      }
    }`;

test('ARM: public access disabled and no private endpoint is reported at the value, at info', () => {
  const [f, ...rest] = arm(template(closed));
  assert.equal(rest.length, 0);
  assert.equal(f.messageId, 'noEndpoint');
  assert.equal(f.level, 'info');
  assert.equal(where(f), '12:46-12:56');
  assert.equal(textAt(f), '"Disabled"');
  assert.match(f.message, /^AI service 'oai' has public network access disabled and no private endpoint\. No client can reach it unless a private endpoint is created elsewhere/);
});

test('ARM: an endpoint whose connection (automatic or manual) names the account silences it', () => {
  assert.deepEqual(arm(template(`${closed},\n${endpoint("[resourceId('Microsoft.CognitiveServices/accounts', 'oai')]")}`)), []);
  assert.deepEqual(arm(template(`${closed},\n${endpoint("[resourceId('Microsoft.CognitiveServices/accounts', 'oai')]", 'manualPrivateLinkServiceConnections')}`)), []);
  // A full id written out, case-insensitively.
  assert.deepEqual(arm(template(`${closed},\n${endpoint('/subscriptions/0000/resourceGroups/rg/providers/microsoft.cognitiveservices/ACCOUNTS/oai')}`)), []);
});

test('ARM: an endpoint for another resource, or one left out by its condition, does not count', () => {
  const other = template(`${closed},\n${endpoint("[resourceId('Microsoft.CognitiveServices/accounts', 'other-ai')]")}`);
  assert.deepEqual(arm(other).map((f) => f.messageId), ['noEndpoint']);
  const off = template(`${closed},\n${endpoint("[resourceId('Microsoft.CognitiveServices/accounts', 'oai')]", 'privateLinkServiceConnections', '\n      "condition": false,')}`);
  assert.deepEqual(arm(off).map((f) => f.messageId), ['noEndpoint']);
});

test('ARM: an endpoint whose target is only known at deployment may be the one: nothing reported', () => {
  const text = template(`${closed},\n${endpoint("[parameters('targetId')]")}`, `
  "parameters": { "targetId": { "type": "string" } },`);
  assert.deepEqual(arm(text), []);
});

test('ARM: an account open to public networks is left to disable-public-network-access', () => {
  assert.deepEqual(arm(template(account('{ "publicNetworkAccess": "Enabled" }'))), []);
  assert.deepEqual(arm(template(account('{}'))), []);
  assert.deepEqual(arm(template(account(`{ "publicNetworkAccess": "[parameters('access')]" }`), `
  "parameters": { "access": { "type": "string" } },`)), []);
});

test('ARM: the fix adds parameters, the endpoint and its DNS zone group; the file re-parses and the rule is satisfied', () => {
  const text = template(closed);
  const [f] = arm(text);
  const fix = fixTitled(f, "Add a private endpoint for 'oai' (subnet and DNS zone from parameters privateEndpointSubnetId, openAiPrivateDnsZoneId)");
  assert.equal(fix.safe, false);
  const fixed = applyFix(fix, text);
  assert.deepEqual(syntaxErrors(fixed, 'arm'), []);
  assert.equal(fixed, `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
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
      "tags": { "owner": "team" },
      "properties": { "publicNetworkAccess": "Disabled" }
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
`);
  assert.deepEqual(arm(fixed), []);
});

test('ARM: the fix uses the zone of the kind and the cloud, and is not offered inside a nested deployment', () => {
  const foundry = template(account('{ "publicNetworkAccess": "Disabled" }', { kind: 'AIServices' }));
  const [f] = lintRule(RULE, foundry, 'arm', {}, { cloud: 'AzureUSGovernment' });
  const fix = fixTitled(f, "Add a private endpoint for 'oai' (subnet and DNS zone from parameters privateEndpointSubnetId, cognitiveServicesPrivateDnsZoneId)");
  assert.ok(applyFix(fix, foundry).includes('"description": "Resource id of the private DNS zone privatelink.cognitiveservices.azure.us."'));
  const nested = template(`    { "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "inner", "properties": { "mode": "Incremental", "template": {
      "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0",
      "resources": [ { "type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2024-10-01", "name": "deep", "kind": "OpenAI", "properties": { "publicNetworkAccess": "Disabled" } } ] } } }`);
  const [g] = arm(nested);
  assert.deepEqual(g.fixes.map((x) => x.title), ["Suppress use-private-endpoint for 'deep' (with a reason)"]);
});

const BICEP_ACCOUNT = `param location string = resourceGroup().location

resource oai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai'
  location: location
  kind: 'OpenAI'
  properties: {
    publicNetworkAccess: 'Disabled'
  }
}
`;

test('Bicep: reported at the value; an endpoint naming the account by symbol or by resourceId() silences it', () => {
  const [f] = bicep(BICEP_ACCOUNT);
  assert.equal(f.messageId, 'noEndpoint');
  assert.equal(where(f), '8:26-8:36');
  assert.equal(textAt(f), "'Disabled'");
  const pe = (id: string) => `${BICEP_ACCOUNT}
resource pe 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: 'oai-pe'
  location: location
  properties: {
    subnet: { id: subnetId }
    privateLinkServiceConnections: [
      {
        name: 'oai'
        properties: {
          privateLinkServiceId: ${id}
          groupIds: [ 'account' ]
        }
      }
    ]
  }
}
param subnetId string
`;
  assert.deepEqual(bicep(pe('oai.id')), []);
  assert.deepEqual(bicep(pe("resourceId('Microsoft.CognitiveServices/accounts', 'oai')")), []);
  assert.deepEqual(bicep(pe("resourceId('Microsoft.CognitiveServices/accounts', 'elsewhere')")).map((x) => x.messageId), ['noEndpoint']);
});

test('Bicep: an endpoint declared in a module, given the account id, counts', () => {
  const files = {
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
  };
  const text = `${BICEP_ACCOUNT}
module endpoint 'pe.bicep' = {
  name: 'endpoint'
  params: { targetId: oai.id }
}
`;
  assert.deepEqual(bicep(text, files), []);
});

test('Bicep: the fix adds the parameters after the last one and the resources after the account; it re-parses', () => {
  const [f] = bicep(BICEP_ACCOUNT);
  const fixed = applyFix(fixTitled(f, "Add a private endpoint for 'oai'"), BICEP_ACCOUNT);
  assert.deepEqual(syntaxErrors(fixed, 'bicep'), []);
  assert.equal(fixed, `param location string = resourceGroup().location

@description('Resource id of the subnet the private endpoints of the AI services are placed in.')
param privateEndpointSubnetId string

@description('Resource id of the private DNS zone privatelink.openai.azure.com.')
param openAiPrivateDnsZoneId string

resource oai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai'
  location: location
  kind: 'OpenAI'
  properties: {
    publicNetworkAccess: 'Disabled'
  }
}

resource oaiPrivateEndpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: '\${oai.name}-pe'
  location: oai.location
  properties: {
    subnet: {
      id: privateEndpointSubnetId
    }
    privateLinkServiceConnections: [
      {
        name: '\${oai.name}-pe'
        properties: {
          privateLinkServiceId: oai.id
          groupIds: [
            'account'
          ]
        }
      }
    ]
  }
}

resource oaiPrivateEndpointDnsZoneGroup 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = {
  parent: oaiPrivateEndpoint
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
`);
  assert.deepEqual(bicep(fixed), []);
});

test('Bicep: the Azure Verified Module creates the endpoints it is given; without them it is closed', () => {
  const call = (params: string) => `module ai 'br/public:avm/res/cognitive-services/account:0.10.0' = {
  name: 'ai'
  params: {
    name: 'contoso-ai'
    kind: 'OpenAI'${params}
  }
}
`;
  // Without networkAcls the module disables public access; with no endpoint, nothing reaches it. No add fix: the module makes its own.
  const [f] = bicep(call(''));
  assert.equal(f.messageId, 'noEndpoint');
  assert.deepEqual(f.fixes.map((x) => x.title), ["Suppress use-private-endpoint for 'ai' (with a reason)"]);
  assert.deepEqual(bicep(call("\n    privateEndpoints: [\n      { subnetResourceId: subnetId }\n    ]")), []);
});

test('Bicep: #disable-next-line silences it', () => {
  const text = BICEP_ACCOUNT.replace("    publicNetworkAccess: 'Disabled'", "    #disable-next-line use-private-endpoint\n    publicNetworkAccess: 'Disabled'");
  assert.deepEqual(bicep(text), []);
});
