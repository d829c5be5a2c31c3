// The Azure Policy aliases the generated definitions use, and the resource paths they stand for.
// Only aliases documented to exist (docs/enforcing-in-azure.md says where) belong here: a
// definition with an alias Azure does not know is rejected when it is created.

export const AI_ACCOUNT_TYPE = 'Microsoft.CognitiveServices/accounts';

export const ALIAS = {
  restrictOutbound: 'Microsoft.CognitiveServices/accounts/restrictOutboundNetworkAccess',
  allowedFqdnList: 'Microsoft.CognitiveServices/accounts/allowedFqdnList',
  allowedFqdnEntries: 'Microsoft.CognitiveServices/accounts/allowedFqdnList[*]',
} as const;

/** Alias → path in the resource as ARM sends it to policy; `*` stands for every element of an array. */
export const ALIAS_PATHS: ReadonlyMap<string, readonly string[]> = new Map([
  [ALIAS.restrictOutbound, ['properties', 'restrictOutboundNetworkAccess']],
  [ALIAS.allowedFqdnList, ['properties', 'allowedFqdnList']],
  [ALIAS.allowedFqdnEntries, ['properties', 'allowedFqdnList', '*']],
].map(([alias, path]) => [(alias as string).toLowerCase(), path as string[]]));
