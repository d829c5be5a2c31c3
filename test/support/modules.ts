// Multi-file Bicep fixtures of the allow-list fix tests (allow-required-fqdns, restrict-outbound-network-access):
// an account's module, a module between, a sibling project module, the entry templates calling them; a storage
// module whose outputs a module loop's symbol reads (graph, allow-required-fqdns).

export const ACCOUNT_URI = 'file:///work/account.bicep';
export const MID_URI = 'file:///work/mid.bicep';
export const PROJECT_URI = 'file:///work/project.bicep';
export const STORE_URI = 'file:///work/store.bicep';

/** The description of the parameter a fix makes a module take its allow-list by. */
export const LIST_DESCRIPTION = 'Hosts the AI service may reach (allowedFqdnList); callers pass the hosts of the dependencies they declare.';
/** That parameter, declared with the entry of MODULE_OWN_LIST as its default. */
export const LIST_PARAM = `\n@description('${LIST_DESCRIPTION}')\nparam allowedFqdnList array = [\n  'partner.example'\n]\n`;
/** The entry the module lists is approved: moved to the caller by a fix, it would otherwise be reported there as unexplained. */
export const APPROVED = { approvedFqdns: ['partner.example'] };

/** A sibling module: a project of the account (by name) whose connection targets the search service it is given. */
export const MODULE_PROJECT = `param accountName string
param searchName string
resource search 'Microsoft.Search/searchServices@2023-11-01' existing = { name: searchName }
resource ai 'Microsoft.CognitiveServices/accounts@2025-06-01' existing = {
  name: accountName
  resource project 'projects' = {
    name: 'proj'
    properties: {}
    resource conn 'connections' = {
      name: 'search'
      properties: { category: 'CognitiveSearch', target: search.properties.endpoint, metadata: { ResourceId: search.id } }
    }
  }
}
`;

/** The account's module writes its own list; a connection's target is passed by the caller (only the caller can say its host). */
export const MODULE_OWN_LIST = `param baseName string
param docsEndpoint string
resource ai 'Microsoft.CognitiveServices/accounts@2025-06-01' = {
  name: 'aif\${baseName}'
  kind: 'AIServices'
  identity: { type: 'SystemAssigned' }
  tags: { owner: 'team' }
  properties: {
    customSubDomainName: 'aif\${baseName}'
    publicNetworkAccess: 'Disabled'
    restrictOutboundNetworkAccess: true
    allowedFqdnList: [
      'partner.example'
    ]
  }
  resource docs 'connections' = {
    name: 'docs'
    properties: { category: 'AzureBlob', target: docsEndpoint }
  }
}
output name string = ai.name
`;

/** The entry template of the two modules, passing the account's module a storage account's endpoint. */
export const MAIN_PASSING_DOCS = `param baseName string
resource search 'Microsoft.Search/searchServices@2023-11-01' = { name: 'srch-\${baseName}' }
resource st 'Microsoft.Storage/storageAccounts@2023-01-01' = { name: 'st\${baseName}' }
module account 'account.bicep' = {
  name: 'account'
  params: { baseName: baseName, docsEndpoint: st.properties.primaryEndpoints.blob }
}
module project 'project.bicep' = {
  name: 'project'
  params: { accountName: account.outputs.name, searchName: search.name }
}
`;

/** A module between the entry template and the account's module: it passes what it is given. */
export const MID = `param baseName string
param docsEndpoint string
module account 'account.bicep' = {
  name: 'account'
  params: { baseName: baseName, docsEndpoint: docsEndpoint }
}
output name string = account.outputs.name
`;
/** The entry template: a storage account whose endpoint it passes down, and a sibling project module whose connection targets its search service. */
export const MAIN_THROUGH_MID = MAIN_PASSING_DOCS.replace("module account 'account.bicep' = {\n  name: 'account'", "module mid 'mid.bicep' = {\n  name: 'mid'").replace('account.outputs.name', 'mid.outputs.name');

/**
 * A storage account named by its caller, and outputs read from it (its blob endpoint, that endpoint's host) and
 * from the parameter alone (a partner host no resource has), as `mods[i].outputs.x` reads them.
 */
export const MODULE_STORE = `param name string
resource st 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: name
  location: 'eastus'
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
}
output blob string = st.properties.primaryEndpoints.blob
output host string = '\${st.name}.blob.\${environment().suffixes.storage}'
output partner string = 'api-\${name}.partner.example'
`;
