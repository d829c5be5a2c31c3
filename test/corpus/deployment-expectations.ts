// What the deployment-level rules (use-private-endpoint, enable-diagnostic-logs, restrict-managed-network-outbound,
// no-broad-outbound-rules) should find in two real templates of the shared corpus, determined by reading the
// templates (not by running the engine). deployment-rules.test.ts checks the engine against this table.

export const DEPLOYMENT_RULES = ['use-private-endpoint', 'enable-diagnostic-logs', 'restrict-managed-network-outbound', 'no-broad-outbound-rules'] as const;

export interface ExpectedFinding {
  readonly ruleId: (typeof DEPLOYMENT_RULES)[number];
  readonly messageId: string;
  readonly level: 'error' | 'warning' | 'info';
  /** 1-based line of the finding in the template. */
  readonly line: number;
  readonly data: Readonly<Record<string, string>>;
}

// -------------------------------------------------------------------------------------------------------------
// bicep/microsoft-foundry-baseline/infra-as-code/bicep (Azure-Samples/microsoft-foundry-baseline)
//
// ai-foundry.bicep declares the only Cognitive Services account of the deployment, `foundry` (kind AIServices,
// name 'aif${baseName}', baseName has no default): publicNetworkAccess 'Disabled', networkAcls defaultAction
// 'Deny', networkInjections [{ scenario: 'agent', subnetArmId: agentSubnetResourceId,
// useMicrosoftManagedNetwork: false }] (egress of the agents through the workload's own subnet and Azure
// Firewall), no restrictOutboundNetworkAccess, no managedNetworks child. In the same file:
//   - foundryPrivateEndpoint 'pe-foundry': privateLinkServiceConnections[0].properties.privateLinkServiceId =
//     foundry.id, groupIds ['account'], with a DNS zone group for the services.ai, openai and cognitiveservices
//     zones → use-private-endpoint is satisfied;
//   - azureDiagnostics 'default': scope foundry, workspaceId = the existing Log Analytics workspace's id, logs Audit,
//     RequestResponse, AzureOpenAIRequestUsage and Trace, all enabled → enable-diagnostic-logs is satisfied.
// ai-foundry-project.bicep and web-app.bicep refer to the account as `existing` (not checked). No file declares a
// Microsoft.MachineLearningServices workspace or a managed network: nothing for the managed network rules, and the
// network injection is reported by none of the four rules.
// The other private endpoints of the deployment (agent storage, AI Search, Cosmos DB, key vault, web app storage,
// App Service: 7 in all with the account's) and diagnostic settings (11 in all, on storage, search, Cosmos DB,
// firewall, bastion, data collection rule, key vault, app gateway, web app) target other resources.
// So: no finding of the four rules in any file, whether a file is checked on its own or main.bicep with all its
// modules.

export const FOUNDRY_BASELINE_DIR = 'bicep/microsoft-foundry-baseline/infra-as-code/bicep';

/** Per file (relative to FOUNDRY_BASELINE_DIR), checked on its own: none has a finding of the four rules. */
export const FOUNDRY_BASELINE_FILES: Readonly<Record<string, readonly ExpectedFinding[]>> = {
  'main.bicep': [],
  'ai-foundry.bicep': [],
  'ai-foundry-project.bicep': [],
  'ai-agent-service-dependencies.bicep': [],
  'ai-agent-blob-storage.bicep': [],
  'ai-search.bicep': [],
  'cosmos-db.bicep': [],
  'key-vault.bicep': [],
  'web-app.bicep': [],
  'web-app-storage.bicep': [],
  'network.bicep': [],
  'azure-firewall.bicep': [],
  'jump-box.bicep': [],
  'application-gateway.bicep': [],
  'application-insights.bicep': [],
  'azure-policies.bicep': [],
  'bing-grounding.bicep': [],
  'customerUsageAttribution/cuaIdResourceGroup.bicep': [],
  'modules/aiSearchRoleAssignment.bicep': [],
  'modules/cosmosdbRoleAssignment.bicep': [],
  'modules/cosmosdbSqlRoleAssignment.bicep': [],
  'modules/keyvaultRoleAssignment.bicep': [],
  'modules/storageAccountRoleAssignment.bicep': [],
};

/** What the whole deployment (main.bicep and its modules) holds around the account. */
export const FOUNDRY_BASELINE_DEPLOYMENT = {
  /** Declared (not existing) accounts: symbolic name, file. */
  accounts: [{ symbolicName: 'foundry', file: 'ai-foundry.bicep' }],
  /** Private endpoints whose connection names the account, by name. */
  accountEndpoints: ['pe-foundry'],
  privateEndpoints: 7,
  /** Diagnostic settings scoped to the account, by name. */
  accountDiagnosticSettings: ['default'],
  diagnosticSettings: 11,
  networkInjections: [{ scenario: 'agent', useMicrosoftManagedNetwork: false }],
  findings: [] as readonly ExpectedFinding[],
};

// -------------------------------------------------------------------------------------------------------------
// arm/bicep-registry-modules/avm/res/machine-learning-services/workspace/main.json (Azure Verified Module, compiled)
//
// One workspace, `workspace` (line 2259), whose whole `properties` is one expression (line 2270):
// shallowMerge(createArray(createObject(..., 'hubResourceId', parameters('hubResourceId'), 'managedNetwork',
// parameters('managedNetworkSettings'), 'provisionNetworkNow', ...), ...)), and `kind` = parameters('kind')
// (line 2271, default 'Default'; allowed Default, Project, Hub, FeatureStore). managedNetworkSettings is nullable
// with no default: { isolationMode, outboundRules (a map of FQDN / PrivateEndpoint / ServiceTag rules), firewallSku }.
// No outboundRules or managedNetworks resources, no Cognitive Services account; diagnostic settings and private
// endpoints are copy loops over nullable parameters (empty at defaults) and target the workspace, which the two
// account rules do not check.
//
// Because every managed network setting is inside the `properties` expression, findings about them are at that
// expression (line 2270), and no fix can edit them there.

export const ML_WORKSPACE = 'arm/bicep-registry-modules/avm/res/machine-learning-services/workspace/main.json';

export interface Scenario {
  /** Parameter values passed (a parameter file); none: the template's defaults. */
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly findings: readonly ExpectedFinding[];
}

const SUBSCRIPTION = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ai/providers';

export const ML_WORKSPACE_SCENARIOS: Readonly<Record<string, Scenario>> = {
  // kind 'Default', managedNetworkSettings not given: a default workspace without a managed network is not reported.
  'defaults': { findings: [] },
  // A hub whose managed network allows internet outbound, with two broad FQDN rules beside a package mirror and a
  // private endpoint rule.
  'hub, internet outbound, broad rules': {
    parameters: {
      name: 'hub1', sku: 'Basic', kind: 'Hub',
      managedNetworkSettings: {
        isolationMode: 'AllowInternetOutbound',
        firewallSku: 'Standard',
        outboundRules: {
          pytorch: { type: 'FQDN', destination: '*.pytorch.org', category: 'UserDefined' },
          'any-blob': { type: 'FQDN', destination: '*.blob.core.windows.net', category: 'UserDefined' },
          everything: { type: 'FQDN', destination: '*', category: 'UserDefined' },
          search: { type: 'PrivateEndpoint', destination: { serviceResourceId: `${SUBSCRIPTION}/Microsoft.Search/searchServices/srch`, subresourceTarget: 'searchService' }, category: 'UserDefined' },
        },
      },
    },
    findings: [
      { ruleId: 'restrict-managed-network-outbound', messageId: 'internetOutbound', level: 'warning', line: 2270, data: { owner: "workspace 'hub1'", origin: '' } },
      { ruleId: 'no-broad-outbound-rules', messageId: 'multiTenant', level: 'warning', line: 2270, data: { rule: 'any-blob', owner: "workspace 'hub1'", destination: '*.blob.core.windows.net', domain: 'blob.core.windows.net' } },
      { ruleId: 'no-broad-outbound-rules', messageId: 'anyHost', level: 'warning', line: 2270, data: { rule: 'everything', owner: "workspace 'hub1'", destination: '*' } },
    ],
  },
  // A hub in approved-only mode: storage as an FQDN rule, and a port FQDN rules do not support.
  'hub, approved only, storage and port rules': {
    parameters: {
      name: 'hub3', sku: 'Basic', kind: 'Hub',
      managedNetworkSettings: {
        isolationMode: 'AllowOnlyApprovedOutbound',
        outboundRules: {
          data: { type: 'FQDN', destination: 'contosodata.blob.core.windows.net', category: 'UserDefined' },
          git: { type: 'FQDN', destination: 'git.contoso.com:22', category: 'UserDefined' },
          pytorch: { type: 'FQDN', destination: '*.pytorch.org', category: 'UserDefined' },
          conda: { type: 'FQDN', destination: '*.anaconda.com', category: 'UserDefined' },
        },
      },
    },
    findings: [
      { ruleId: 'no-broad-outbound-rules', messageId: 'storageFqdn', level: 'warning', line: 2270, data: { rule: 'data', owner: "workspace 'hub3'", destination: 'contosodata.blob.core.windows.net' } },
      { ruleId: 'no-broad-outbound-rules', messageId: 'unsupportedPort', level: 'warning', line: 2270, data: { rule: 'git', owner: "workspace 'hub3'", destination: 'git.contoso.com:22', port: 'port 22', ports: '80 and 443' } },
    ],
  },
  // A hub given no managed network (null, as ARM has a nullable parameter that is not passed): info at its kind.
  'hub without a managed network': {
    parameters: { name: 'hub2', sku: 'Basic', kind: 'Hub', managedNetworkSettings: null },
    findings: [
      { ruleId: 'restrict-managed-network-outbound', messageId: 'hubWithoutManagedNetwork', level: 'info', line: 2271, data: { owner: "workspace 'hub2'", detail: 'It declares no managedNetwork' } },
    ],
  },
  // A project uses its hub's network: nothing to report about the project itself.
  'project of a hub': {
    parameters: { name: 'proj1', sku: 'Basic', kind: 'Project', hubResourceId: `${SUBSCRIPTION}/Microsoft.MachineLearningServices/workspaces/hub1` },
    findings: [],
  },
};

// -------------------------------------------------------------------------------------------------------------
// arm/bicep-registry-modules/avm/ptn/azd/ml-ai-environment/main.json (Azure Verified Module pattern, compiled)
//
// Three top-level deployments: hubDependencies, hub, project (all parameters at their defaults).
// - hubDependencies > cognitiveServices > `cognitiveService` (line 9114), the only Cognitive Services account:
//   kind cognitiveServicesKind (default 'AIServices'), name cognitiveServicesName (required, no default: the symbolic
//   name is shown). publicNetworkAccess (line 9127) = the module's publicNetworkAccess when not null, which
//   hubDependencies passes as cognitiveServicesPublicNetworkAccess, default 'Disabled' → 'Disabled'. The module's
//   privateEndpoints and diagnosticSettings are not passed: their types (definitions privateEndpointType,
//   diagnosticSettingType) are nullable, so both are null and the loops cognitiveService_privateEndpoints (a
//   nested deployment, count length(coalesce(privateEndpoints, []))) and cognitiveService_diagnosticSettings (count
//   likewise) deploy nothing. The other private endpoint modules (key vault, storage, workspaces) are loops over
//   their own empty privateEndpoints and would not target the account anyway.
//   → use-private-endpoint noEndpoint at line 9127; enable-diagnostic-logs noSettings at the type (line 9114).
// - hub > hub-workspace > `workspace` (line 20969): kind passed as 'Hub' (line 19113), managedNetworkSettings
//   passed as { isolationMode: 'Disabled' } (line 19128); name = hubName (required) → shown by symbolic name.
//   → restrict-managed-network-outbound hubWithoutManagedNetwork (info) at the kind where the caller writes it.
// - project > project > `workspace` (line 25020): kind projectKind, default 'Project' → not reported.
// No outbound rules anywhere (no-broad-outbound-rules: nothing); the `existing` workspaces under the computes and
// connections loops are not checked. Every account setting is inside a nested deployment: only the suppression
// can be offered.

export const ML_AI_ENVIRONMENT = 'arm/bicep-registry-modules/avm/ptn/azd/ml-ai-environment/main.json';

export const ML_AI_ENVIRONMENT_FINDINGS: readonly ExpectedFinding[] = [
  { ruleId: 'enable-diagnostic-logs', messageId: 'noSettings', level: 'info', line: 9114, data: { resource: "'cognitiveService'" } },
  { ruleId: 'use-private-endpoint', messageId: 'noEndpoint', level: 'info', line: 9127, data: { resource: "'cognitiveService'" } },
  { ruleId: 'restrict-managed-network-outbound', messageId: 'hubWithoutManagedNetwork', level: 'info', line: 19113, data: { owner: "workspace 'workspace'", detail: "Its isolationMode is 'Disabled'" } },
];
