// What each AI account of a real template depends on, written down BY HAND from reading the templates (not by
// running the engine): the resource, the host it calls (unknown pieces as {…}) and the evidence.
//
// Key: entry template relative to the corpus's bicep folder (../shared/corpus/bicep). Value: per account (its
// symbolic name), where it is declared, whether it is restricted, and its dependencies in any order.
// Evidence: kind, the file (relative to the entry's folder) where it is written, and for role assignments the
// built-in role's name.

export type EvidenceKind = 'connection' | 'capabilityHost' | 'userOwnedStorage' | 'roleAssignment';

export interface ExpectedEvidence {
  readonly kind: EvidenceKind;
  readonly file: string;
  /** Role assignments: the built-in role; connections: the category. */
  readonly what?: string;
}

export interface ExpectedDependency {
  /** The resource called, when the deployment declares it: its type and file. */
  readonly resource?: { readonly type: string; readonly file: string };
  /** The host, `{…}` for unknown pieces; null when the template cannot tell it. */
  readonly host: string | null;
  readonly evidence: readonly ExpectedEvidence[];
  readonly note?: string;
}

export interface ExpectedAccount {
  readonly file: string;
  readonly restricted: boolean;
  readonly dependencies: readonly ExpectedDependency[];
}

export const DEPENDENCIES: Readonly<Record<string, Readonly<Record<string, ExpectedAccount>>>> = {
  // Azure-Samples/microsoft-foundry-baseline. main.bicep deploys the Foundry account `foundry` (name 'aif${baseName}',
  // baseName has no default: unknown) from ai-foundry.bicep, which sets neither egress property (its agents egress
  // through the delegated subnet and Azure Firewall). ai-foundry-project.bicep references it as `existing` by
  // `deployFoundry.outputs.foundryName` and declares the project `projchat` with a user-assigned identity
  // (`mi-agent-${baseName}`, declared in ai-agent-service-dependencies.bicep), four connections, a capability host
  // and a fifth connection (Bing) after it. The dependency modules grant that identity data roles in their own
  // role-assignment modules (modules/*.bicep), passing `agentUserManagedIdentity.properties.principalId`.
  //
  // Not dependencies: the debug user's role assignments (debugUserPrincipalId, a person), Cosmos DB Operator and
  // Cosmos DB Account Reader (control plane), the web app's and application gateway's identities (other principals),
  // the Cognitive Services User role given to the portal user on the account (the reverse direction), the private
  // endpoints and DNS zones (inbound).
  'microsoft-foundry-baseline/infra-as-code/bicep/main.bicep': {
    foundry: {
      file: 'ai-foundry.bicep',
      restricted: false,
      dependencies: [
        {
          resource: { type: 'Microsoft.DocumentDB/databaseAccounts', file: 'cosmos-db.bicep' },
          host: 'cdb-ai-agent-threads-{…}.documents.azure.com',
          evidence: [
            // threadStorageConnection: target cosmosDbAccount.properties.documentEndpoint
            { kind: 'connection', file: 'ai-foundry-project.bicep', what: 'CosmosDb' },
            // aiAgentService: threadStorageConnections: ['${threadStorageConnection.name}']
            { kind: 'capabilityHost', file: 'ai-foundry-project.bicep' },
            // containersWriterSqlAssignment → modules/cosmosdbSqlRoleAssignment.bicep (sqlRoleAssignments, ...0002)
            { kind: 'roleAssignment', file: 'ai-foundry-project.bicep', what: 'Cosmos DB Built-in Data Contributor' },
          ],
        },
        {
          resource: { type: 'Microsoft.Storage/storageAccounts', file: 'ai-agent-blob-storage.bicep' },
          host: 'stagent{…}.blob.core.windows.net',
          evidence: [
            // storageConnection: target agentStorageAccount.properties.primaryEndpoints.blob
            { kind: 'connection', file: 'ai-foundry-project.bicep', what: 'AzureStorageAccount' },
            // aiAgentService: storageConnections
            { kind: 'capabilityHost', file: 'ai-foundry-project.bicep' },
            // projectBlobDataContributorAssignment (ai-agent-blob-storage.bicep) → modules/storageAccountRoleAssignment.bicep
            { kind: 'roleAssignment', file: 'ai-agent-blob-storage.bicep', what: 'Storage Blob Data Contributor' },
            // projectBlobDataOwnerConditionalAssignment (ai-foundry-project.bicep), with an ABAC condition
            { kind: 'roleAssignment', file: 'ai-foundry-project.bicep', what: 'Storage Blob Data Owner' },
          ],
        },
        {
          resource: { type: 'Microsoft.Search/searchServices', file: 'ai-search.bicep' },
          host: 'ais-ai-agent-vector-store-{…}.search.windows.net',
          evidence: [
            // aiSearchConnection: target azureAISearchService.properties.endpoint
            { kind: 'connection', file: 'ai-foundry-project.bicep', what: 'CognitiveSearch' },
            // aiAgentService: vectorStoreConnections
            { kind: 'capabilityHost', file: 'ai-foundry-project.bicep' },
            // projectAISearchContributorAssignment and projectAISearchIndexDataContributorAssignment → modules/aiSearchRoleAssignment.bicep
            { kind: 'roleAssignment', file: 'ai-search.bicep', what: 'Search Service Contributor' },
            { kind: 'roleAssignment', file: 'ai-search.bicep', what: 'Search Index Data Contributor' },
          ],
        },
        {
          host: null,
          evidence: [{ kind: 'connection', file: 'ai-foundry-project.bicep', what: 'AppInsights' }],
          note: 'target is applicationInsights.id, a resource id; the ingestion host is only in the connection string (runtime)',
        },
        {
          host: null,
          evidence: [{ kind: 'connection', file: 'ai-foundry-project.bicep', what: 'GroundingWithBingSearch' }],
          note: 'target is bingAccount.properties.endpoint, a runtime property of Microsoft.Bing/accounts',
        },
      ],
    },
  },
};

/**
 * Bicep-compiled AVM patterns (../shared/corpus/arm) where what the analysis must see comes through nested
 * deployments' outputs (`reference('<deployment>').outputs.<x>.value`), read by hand. Not a full list of the
 * accounts' dependencies. The patterns' role assignments are made in copy loops over a `roleAssignments` parameter
 * (`formattedRoleAssignments[copyIndex()].principalId`): each iteration is read (the list is known), and the
 * evidence is the loop's `principalId` line in the AVM search module.
 */
export interface NestedOutputCase {
  /** The account (symbolic name inside the AVM account module). */
  readonly account: string;
  /** A dependency the account must have: its host and its evidence, `<kind>@<1-based line in main.json>`, strongest first. */
  readonly dependency?: { readonly host: string; readonly evidence: readonly string[] };
  /** The account has a private endpoint of the deployment (use-private-endpoint is silent). */
  readonly privateEndpoint?: boolean;
  readonly note: string;
}

export const NESTED_OUTPUTS: Readonly<Record<string, NestedOutputCase>> = {
  // aiSearchFoundryConnection (line 51152) passes aiFoundryProjectName = reference('aiFoundryAiServicesProject')
  // .outputs.name.value (line 51165) and aiFoundryName = 'aif-${solutionSuffix}' to a template declaring the project
  // connection '{aiFoundryName}/{aiFoundryProjectName}/aifp-srch-connection-{…}' (line 51233), category
  // CognitiveSearch, target format('https://{0}.search.windows.net', searchServiceName) with searchServiceName
  // 'srch-${solutionSuffix}' (line 51238). solutionSuffix derives from uniqueString: {…}.
  // searchServiceUpdate (line 49041) passes name = variables('searchServiceName') = 'srch-${solutionSuffix}' (line 416)
  // and roleAssignments (line 49085) granting reference('aiFoundryAiServicesProject').outputs.principalId.value, the
  // project's system identity (output line 27552), Search Index Data Reader and Search Service Contributor (lines
  // 49099, 49104); the module's loop searchService_roleAssignments (line 50110) is scoped to the search service, its
  // principalId at line 50121.
  'bicep-registry-modules/avm/ptn/sa/multi-agent-custom-automation-engine/main.json': {
    account: 'cognitiveService',
    dependency: { host: 'srch-{…}.search.windows.net', evidence: ['connection@51238', 'roleAssignment@50121'] },
    note: 'the project named by a nested deployment output owns the search connection',
  },
  // aiServicesPrivateEndpoint (condition enablePrivateNetworking, default true; line 13380) deploys the AVM private
  // endpoint module with privateLinkServiceId = reference('aiFoundryAiServices').outputs.resourceId.value (line 13410),
  // the output resourceId('Microsoft.CognitiveServices/accounts', parameters('name')) of the account module, and
  // groupIds ['account']. The project module refers to the same account as `existing`: the endpoint is the declared
  // account's.
  'bicep-registry-modules/avm/ptn/sa/content-generation/main.json': {
    account: 'cognitiveService',
    privateEndpoint: true,
    note: 'the private endpoint names the account by the account deployment\'s output',
  },
};

/**
 * Bicep-compiled AVM patterns whose account (avm/res/cognitive-services/account, called directly from main.json)
 * is restricted by default (`restrictOutboundNetworkAccess` defaults to true; the call does not pass it) with
 * `allowedFqdnList` a nullable parameter (`"nullable": true`, no default) that the call does not pass: it deploys
 * as null, which the service takes as no list, so the account reaches nothing and each dependency is missing.
 * allow-required-fqdns reports it at the name of the call (`take(format('avm.res.cognitive-services.account.{0}',
 * ...))`, at the 1-based line `call`) and its fix passes the list from main.json. Read by hand.
 */
export interface NullListCase {
  readonly account: string;
  /** The hosts missing (the project's CognitiveSearch connection, target format('https://{0}.search.windows.net', 'srch-${solutionSuffix}')). */
  readonly missing: readonly string[];
  readonly call: number;
  /**
   * The evidence of the (only) missing host, `<kind>@<line>`: the connection, and the role-assignment loop of the AVM
   * search module (its principalId line) whose list grants the project's system identity Search Index Data Reader
   * and Search Service Contributor on the search service.
   */
  readonly evidence: readonly string[];
}

export const NULL_ALLOW_LISTS: Readonly<Record<string, NullListCase>> = {
  // projectAISearchConnection (line 410), target line 416, aiSearchName 'srch-{solutionSuffix}' (line 391).
  // searchService (line 56896, name aiSearchName) grants reference('aiFoundryAiServices').outputs.aiProjectInfo.value
  // .aiprojectSystemAssignedMIPrincipalId (the project's identity, line 29568) roles 1407120a-… and 7ca78c08-… (lines
  // 56951, 56956); its loop's principalId at line 58147.
  'bicep-registry-modules/avm/ptn/sa/build-your-own-copilot/main.json': {
    account: 'cognitiveServiceNew', missing: ['srch-{…}.search.windows.net'], call: 26276, evidence: ['connection@416', 'roleAssignment@58147'],
  },
  // projectAISearchConnection (line 461), target line 467, aiSearchName 'srch-{solutionSuffix}' (line 361).
  // searchServiceUpdate (line 29773, name aiSearchName) grants the same project identity output the same two roles
  // (lines 29836, 29841); its loop's principalId at line 30873.
  'bicep-registry-modules/avm/ptn/sa/conversation-knowledge-mining/main.json': {
    account: 'cognitiveServiceNew', missing: ['srch-{…}.search.windows.net'], call: 24680, evidence: ['connection@467', 'roleAssignment@30873'],
  },
  // A nested deployment's project connection (line 29159), target line 29163 from searchServiceName, passed down
  // from variables('searchServiceName') = 'srch-{solutionSuffix}' (line 303). searchServiceUpdate (line 26821, name
  // searchServiceName) grants reference('aiFoundryAiServicesProject').outputs.principalId.value Search Index Data Reader
  // and Search Service Contributor (lines 26884, 26889); its loop's principalId at line 27907.
  'bicep-registry-modules/avm/ptn/sa/customer-chatbot/main.json': {
    account: 'cognitiveService', missing: ['srch-{…}.search.windows.net'], call: 23575, evidence: ['connection@29163', 'roleAssignment@27907'],
  },
  // The connection and role assignments of NESTED_OUTPUTS above.
  'bicep-registry-modules/avm/ptn/sa/multi-agent-custom-automation-engine/main.json': {
    account: 'cognitiveService', missing: ['srch-{…}.search.windows.net'], call: 24177, evidence: ['connection@51238', 'roleAssignment@50121'],
  },
};
