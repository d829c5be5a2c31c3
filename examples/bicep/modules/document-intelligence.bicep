// A reusable Document Intelligence account: restricted unless a caller says otherwise.

param location string
param restrictOutbound bool = true
param allowedHosts string[] = []

resource documentIntelligence 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'contoso-docintel'
  location: location
  kind: 'FormRecognizer'
  sku: {
    name: 'S0'
  }
  tags: {
    owner: 'documents-team'
  }
  properties: {
    restrictOutboundNetworkAccess: restrictOutbound
    allowedFqdnList: allowedHosts
    publicNetworkAccess: 'Disabled'
  }
}
