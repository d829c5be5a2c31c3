// The Azure Policy aliases the generated definitions use, and the resource paths they stand for.
// Only aliases documented to exist belong here: a definition with an alias Azure does not know is rejected
// when it is created. Sources: the AI account aliases are named in Azure/azure-policy#1430 (and the facts
// file); the managed network and outbound rule aliases are listed by maciejporebski/azure-policy-aliases
// (generated from Get-AzPolicyAlias: aliases/Microsoft.CognitiveServices/accounts-managedNetworks.md,
// accounts-managedNetworks-outboundRules.md, aliases/Microsoft.MachineLearningServices/workspaces-outboundRules.md);
// the workspace isolation mode alias is the one built-in 6ddb1705-c8cf-450e-aa4b-19ad6703c440 reads.

export const AI_ACCOUNT_TYPE = 'Microsoft.CognitiveServices/accounts';
export const FOUNDRY_MANAGED_NETWORK_TYPE = 'Microsoft.CognitiveServices/accounts/managedNetworks';
export const FOUNDRY_OUTBOUND_RULE_TYPE = 'Microsoft.CognitiveServices/accounts/managedNetworks/outboundRules';
export const WORKSPACE_TYPE = 'Microsoft.MachineLearningServices/workspaces';
export const WORKSPACE_OUTBOUND_RULE_TYPE = 'Microsoft.MachineLearningServices/workspaces/outboundRules';

export const ALIAS = {
  restrictOutbound: 'Microsoft.CognitiveServices/accounts/restrictOutboundNetworkAccess',
  allowedFqdnList: 'Microsoft.CognitiveServices/accounts/allowedFqdnList',
  allowedFqdnEntries: 'Microsoft.CognitiveServices/accounts/allowedFqdnList[*]',
  foundryIsolationMode: `${FOUNDRY_MANAGED_NETWORK_TYPE}/managedNetwork.isolationMode`,
  foundryRuleType: `${FOUNDRY_OUTBOUND_RULE_TYPE}/type`,
  foundryRuleFqdn: `${FOUNDRY_OUTBOUND_RULE_TYPE}/FQDN.destination`,
  workspaceIsolationMode: `${WORKSPACE_TYPE}/managedNetwork.isolationMode`,
  workspaceRuleType: `${WORKSPACE_OUTBOUND_RULE_TYPE}/type`,
  workspaceRuleFqdn: `${WORKSPACE_OUTBOUND_RULE_TYPE}/FQDN.destination`,
} as const;

/** Alias → path in the resource as ARM sends it to policy; `*` stands for every element of an array. */
export const ALIAS_PATHS: ReadonlyMap<string, readonly string[]> = new Map([
  [ALIAS.restrictOutbound, ['properties', 'restrictOutboundNetworkAccess']],
  [ALIAS.allowedFqdnList, ['properties', 'allowedFqdnList']],
  [ALIAS.allowedFqdnEntries, ['properties', 'allowedFqdnList', '*']],
  [ALIAS.foundryIsolationMode, ['properties', 'managedNetwork', 'isolationMode']],
  [ALIAS.foundryRuleType, ['properties', 'type']],
  [ALIAS.foundryRuleFqdn, ['properties', 'destination']],
  [ALIAS.workspaceIsolationMode, ['properties', 'managedNetwork', 'isolationMode']],
  [ALIAS.workspaceRuleType, ['properties', 'type']],
  [ALIAS.workspaceRuleFqdn, ['properties', 'destination']],
].map(([alias, path]) => [(alias as string).toLowerCase(), path as string[]]));
