// Templates of an AI account with all that governs its network beside its own flags: a managed network, a private
// endpoint, diagnostic settings and an agent subnet (networkInjections). Shared by the inventory, hover and report
// tests, in ARM and Bicep.

/** ARM: 'contoso-ai' with an `AllowInternetOutbound` managed network, endpoint 'pe-contoso-ai', all logs to a workspace, agent subnet a parameter. */
export const NETWORK_ARM = JSON.stringify({
  $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
  contentVersion: '1.0.0.0',
  parameters: { agentSubnetId: { type: 'string' }, workspaceId: { type: 'string' } },
  resources: [
    {
      type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2025-10-01-preview', name: 'contoso-ai', location: 'eastus', kind: 'AIServices',
      properties: {
        restrictOutboundNetworkAccess: true, allowedFqdnList: [], publicNetworkAccess: 'Disabled',
        networkInjections: [{ scenario: 'agent', subnetArmId: "[parameters('agentSubnetId')]", useMicrosoftManagedNetwork: false }],
      },
    },
    {
      type: 'Microsoft.CognitiveServices/accounts/managedNetworks', apiVersion: '2025-10-01-preview', name: 'contoso-ai/default',
      dependsOn: ["[resourceId('Microsoft.CognitiveServices/accounts', 'contoso-ai')]"],
      properties: { managedNetwork: { isolationMode: 'AllowInternetOutbound' } },
    },
    {
      type: 'Microsoft.Network/privateEndpoints', apiVersion: '2024-05-01', name: 'pe-contoso-ai', location: 'westeurope',
      properties: {
        subnet: { id: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/pe' },
        privateLinkServiceConnections: [{ name: 'c', properties: { privateLinkServiceId: "[resourceId('Microsoft.CognitiveServices/accounts', 'contoso-ai')]", groupIds: ['account'] } }],
      },
    },
    {
      type: 'Microsoft.Insights/diagnosticSettings', apiVersion: '2021-05-01-preview', name: 'to-law',
      scope: "[format('Microsoft.CognitiveServices/accounts/{0}', 'contoso-ai')]",
      properties: { workspaceId: "[parameters('workspaceId')]", logs: [{ categoryGroup: 'allLogs', enabled: true }] },
    },
  ],
}, null, 2);

/** What the Bicep template writes for each piece: Bicep expressions (`name`, `subnet`: a subnet id's prefix). */
export interface NetworkBicep {
  /** Parameter declarations, one a line. */
  readonly params: string;
  readonly name: string;
  readonly subnet: string;
  readonly mode: string;
  readonly endpoint: string;
  /** restrictOutboundNetworkAccess: true with an empty allow-list (default), or not set. */
  readonly restricted?: boolean;
}

/**
 * Bicep: an account with a nested managed network, a private endpoint in `${subnet}/subnets/pe`, diagnostic
 * settings that send Audit only, and agents in `${subnet}/subnets/agents`.
 */
export function networkBicep(b: NetworkBicep): string {
  return `${b.params}
resource acct 'Microsoft.CognitiveServices/accounts@2025-10-01-preview' = {
  name: ${b.name}
  location: 'eastus'
  kind: 'AIServices'
  properties: {
${b.restricted === false ? '' : '    restrictOutboundNetworkAccess: true\n    allowedFqdnList: []\n'}    publicNetworkAccess: 'Disabled'
    networkInjections: [
      { scenario: 'agent', subnetArmId: '\${${b.subnet}}/subnets/agents', useMicrosoftManagedNetwork: false }
    ]
  }
  resource network 'managedNetworks' = {
    name: 'default'
    properties: { managedNetwork: { isolationMode: ${b.mode} } }
  }
}
resource pe 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: ${b.endpoint}
  location: 'eastus'
  properties: {
    subnet: { id: '\${${b.subnet}}/subnets/pe' }
    privateLinkServiceConnections: [
      { name: 'c', properties: { privateLinkServiceId: acct.id, groupIds: ['account'] } }
    ]
  }
}
resource logs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-law'
  scope: acct
  properties: {
    workspaceId: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law'
    logs: [ { category: 'Audit', enabled: true } ]
  }
}
`;
}

/** The 1-based line and column where `needle` occurs in `text` (the `nth` time, from 1). */
export function placeOf(text: string, needle: string, nth = 1): { line: number; column: number } {
  let index = -1;
  for (let n = 0; n < nth; n++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`'${needle}' is not ${nth} times in the template`);
  }
  const before = text.slice(0, index).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}
