// An AI Foundry account whose egress is restricted only by its module's default,
// and an Azure OpenAI account with default networking.

param location string = resourceGroup().location
param storageAccountName string = 'contosodocs'

@description('Whether the document-analysis module may reach the internet (it must not).')
param restrictDocumentEgress bool = false

resource openai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'contoso-openai-bicep'
  location: location
  kind: 'OpenAI'
  sku: {
    name: 'S0'
  }
  tags: {
    owner: 'ai-platform@contoso.com'
  }
  properties: {
    customSubDomainName: 'contoso-openai-bicep'
    publicNetworkAccess: 'Disabled'
  }
}

module documents './modules/document-intelligence.bicep' = {
  name: 'document-intelligence'
  params: {
    location: location
    restrictOutbound: restrictDocumentEgress
    allowedHosts: [
      '${storageAccountName}.blob.${environment().suffixes.storage}'
      '*.search.windows.net'
    ]
  }
}
