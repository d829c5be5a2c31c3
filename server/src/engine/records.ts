// One record per AI account an analysis saw: its evaluated egress settings (as the inventory describes them,
// inventory.ts) and where it comes from. Drift and the estate KPIs of deployed accounts read these instead of the
// graph, so results can be cached and compared.

import type { AccountSettings, AiResource, DeployedIdentity } from './model';
import { accountSettings } from './inventory';

export interface AccountRecord extends AccountSettings {
  /** The file whose analysis saw the account (its entry point): for a module's account, the caller. */
  readonly entry: string;
  /** The nested deployments / module calls that lead to it, outermost first. */
  readonly chain: readonly string[];
  /** Symbolic name, else the graph's own id of the declaration. */
  readonly symbol: string;
  /** The file that declares it (the module, for an account in a module). */
  readonly declaredIn: string;
  readonly deployed?: DeployedIdentity;
}

/** The settings of an account as evaluated (those the inventory shows, and `networkAcls.defaultAction`); `ownerTagNames` as require-owner-tag's option. */
export function settingsOf(resource: AiResource, ownerTagNames: readonly string[]): AccountSettings {
  const shown = accountSettings(resource, ownerTagNames);
  const defaultAction = resource.properties?.member('networkAcls')?.member('defaultAction')?.value;
  return {
    name: resource.name,
    nameKnown: typeof resource.nameNode?.value === 'string',
    ...(shown.kind !== undefined ? { kind: shown.kind } : {}),
    restricted: shown.restricted,
    allowedFqdns: shown.allowedFqdns,
    publicNetworkAccess: shown.publicNetworkAccess,
    defaultAction: defaultAction === undefined || defaultAction === null ? undefined : typeof defaultAction === 'string' ? defaultAction : 'unknown',
    owner: shown.owner,
    loc: resource.typeLoc,
    ...(resource.context.parameterFile ? { parameterFile: resource.context.parameterFile } : {}),
  };
}

export function recordOf(resource: AiResource, entry: string, ownerTagNames: readonly string[]): AccountRecord {
  // Added to the fresh settings, not `{ ...settings, entry }`: V8 gives every object such a literal a hidden class of its own.
  return Object.assign(settingsOf(resource, ownerTagNames), {
    entry,
    chain: resource.deploymentPath,
    symbol: resource.symbolicName ?? resource.id,
    declaredIn: resource.file.uri,
    ...(resource.deployed ? { deployed: resource.deployed } : {}),
  });
}
