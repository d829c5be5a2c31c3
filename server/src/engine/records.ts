// One record per AI account an analysis saw: its evaluated egress settings and where it comes from, keyed
// as deployed instances are (entry point + call chain + symbolic name). Reports, `diff`, `history`, drift
// and the estate KPIs read these instead of the graph, so results can be cached and compared across commits.

import { entryDisplay } from '../../../rules/support/fqdn';
import { isObject, isUnknown, type Value } from './expressions/value';
import type { AccountSettings, AiResource, DeployedIdentity } from './model';
import { restrictionOf } from './inventory';

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

/** The stable key of an instance: entry point, call chain and symbolic name (and the parameter file's run). */
export function instanceKey(r: Pick<AccountRecord, 'entry' | 'chain' | 'symbol' | 'parameterFile'>): string {
  return [r.entry, ...r.chain, r.symbol, r.parameterFile ?? ''].join('\u0000');
}

function text(v: Value | undefined): string | 'unknown' | undefined {
  if (v === undefined || v === null) return undefined;
  if (isUnknown(v)) return 'unknown';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** The settings of an account as evaluated; `ownerTagNames` as require-owner-tag's option. */
export function settingsOf(resource: AiResource, ownerTagNames: readonly string[]): AccountSettings {
  const properties = resource.properties;
  const list = properties?.member('allowedFqdnList');
  const items = list?.items();
  const allowedFqdns = !list || list.value === null ? undefined
    : items ? items.map((item) => entryDisplay(item.value) ?? '(unknown entry)') : 'unknown';
  const tags = resource.tags?.value;
  const names = ownerTagNames.map((n) => n.toLowerCase());
  const ownerKey = isObject(tags) ? Object.keys(tags).find((k) => names.includes(k.toLowerCase())) : undefined;
  const owner = isUnknown(tags) ? 'unknown' : ownerKey !== undefined && isObject(tags) ? text(tags[ownerKey]) : undefined;
  const kind = resource.kind?.value;
  const name = resource.nameNode?.value;
  return {
    name: resource.name,
    nameKnown: typeof name === 'string',
    ...(typeof kind === 'string' ? { kind } : {}),
    restricted: restrictionOf(resource),
    allowedFqdns,
    publicNetworkAccess: text(properties?.member('publicNetworkAccess')?.value),
    defaultAction: text(properties?.member('networkAcls')?.member('defaultAction')?.value),
    owner: owner === '' ? undefined : owner,
    loc: resource.typeLoc,
    ...(resource.context.parameterFile ? { parameterFile: resource.context.parameterFile } : {}),
  };
}

export function recordOf(resource: AiResource, entry: string, ownerTagNames: readonly string[]): AccountRecord {
  return {
    ...settingsOf(resource, ownerTagNames),
    entry,
    chain: resource.deploymentPath,
    symbol: resource.symbolicName ?? resource.id,
    declaredIn: resource.file.uri,
    ...(resource.deployed ? { deployed: resource.deployed } : {}),
  };
}
