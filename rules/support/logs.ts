// The diagnostic settings of an AI account and the logs they send: what enable-diagnostic-logs checks, and what
// the inventory shows per instance (engine/network.ts). A denied outbound call is only seen as an HTTP 400 in the
// request logs.

import { isUnknown, Unknown, type Value } from '../../server/src/engine/expressions/value';
import { derived } from '../../server/src/engine/nodes';
import type { DeploymentGraph, GraphResource } from '../../server/src/engine/graph/graph';
import type { AiResource, ValueNode } from '../../server/src/engine/model';
import { diagnosticSettingsOf } from './deployment';

/** The categories the rule asks for, and the category groups that include each. */
export const WANTED_LOGS: readonly { category: string; groups: readonly string[] }[] = [
  { category: 'Audit', groups: ['allLogs', 'audit'] },
  { category: 'RequestResponse', groups: ['allLogs'] },
];

/** Where a diagnostic setting can send logs. */
const DESTINATIONS = ['workspaceId', 'storageAccountId', 'eventHubAuthorizationRuleId', 'marketplacePartnerId'];
/** The same, as the Azure Verified Module's `diagnosticSettings` parameter names them. */
const AVM_DESTINATIONS = ['workspaceResourceId', 'storageAccountResourceId', 'eventHubAuthorizationRuleResourceId', 'marketplacePartnerResourceId'];

export interface DiagnosticSetting {
  readonly name: string;
  /** Where a finding about it goes. */
  readonly at: ValueNode | GraphResource['typeLoc'];
  /** The settings resource (absent for an entry of a module's `diagnosticSettings` parameter). */
  readonly resource?: GraphResource;
  /** `logs` entries: category / categoryGroup, enabled. */
  readonly logs: ValueNode | undefined;
  readonly destination: boolean | 'unknown';
  /** The Azure Verified Module sends every log (category group allLogs) when no categories are given. */
  readonly allLogsByDefault?: boolean;
  /** The wanted categories its logs enable; 'unknown' when its logs cannot be read before deployment. */
  readonly categories: ReadonlySet<string> | 'unknown';
}

/** The diagnostic settings of an account, and the wanted categories that none with a destination sends. */
export type DiagnosticLogsOf =
  | { readonly settings: 'unknown' }
  | {
    readonly settings: readonly DiagnosticSetting[];
    /** Wanted categories no setting with a destination sends (in WANTED_LOGS order). */
    readonly missing: readonly string[];
    /** Some setting with a destination has categories or a destination only known at deployment. */
    readonly unknown: boolean;
  };

/** A destination is set unless absent, null or empty; one only known at deployment (a parameter) counts as set. */
function present(v: Value | undefined): boolean {
  if (v === undefined || v === null) return false;
  return typeof v !== 'string' || v.length > 0;
}

function destinationOf(node: ValueNode | undefined, keys: readonly string[]): boolean | 'unknown' {
  if (node && isUnknown(node.value)) return 'unknown';
  return keys.some((key) => present(node?.member(key)?.value));
}

export function diagnosticLogsOf(account: AiResource, graph: DeploymentGraph): DiagnosticLogsOf {
  const settings = settingsOf(account, graph);
  if (settings === 'unknown') return { settings };
  const sent = new Set<string>();
  let unknown = false;
  for (const setting of settings) {
    if (setting.destination === false) continue;
    if (setting.categories === 'unknown' || setting.destination === 'unknown') unknown = true;
    if (setting.categories !== 'unknown') for (const c of setting.categories) sent.add(c);
  }
  return { settings, missing: WANTED_LOGS.map((w) => w.category).filter((c) => !sent.has(c)), unknown };
}

function settingsOf(account: AiResource, graph: DeploymentGraph): DiagnosticSetting[] | 'unknown' {
  if (account.settingPath) {
    // A module call (the Azure Verified Module): its `diagnosticSettings` parameter.
    const param = account.properties?.member('diagnosticSettings');
    if (param && isUnknown(param.value)) return 'unknown';
    return (param?.items() ?? []).map((item, i) => withCategories({
      name: typeof item.member('name')?.value === 'string' ? String(item.member('name')!.value) : `diagnosticSettings[${i}]`,
      at: item,
      logs: item.member('logCategoriesAndGroups'),
      destination: destinationOf(item, AVM_DESTINATIONS),
      allLogsByDefault: true,
    }));
  }
  return diagnosticSettingsOf(account, graph).map((r) => {
    const properties = r.declaration?.member('properties');
    const full = graph.fullName(r);
    const name = typeof full === 'string' ? full.slice(full.lastIndexOf('/') + 1) : r.symbolicName ?? 'diagnostic settings';
    const logs = properties?.member('logs') ?? copiedProperty(properties, 'logs');
    return withCategories({
      name,
      at: r.file.uri === account.file.uri ? logs ?? r.typeLoc : account.typeLoc,
      resource: r,
      logs,
      destination: r.declaration ? destinationOf(properties, DESTINATIONS) : 'unknown',
    });
  });
}

function withCategories(setting: Omit<DiagnosticSetting, 'categories'>): DiagnosticSetting {
  return { ...setting, categories: categoriesOf(setting) };
}

/**
 * A property an ARM property copy loop makes (`"copy": [{ "name": "logs", "count": ..., "input": ... }]`, as the
 * compiled Azure Verified Modules write their logs): only known at deployment here.
 */
function copiedProperty(properties: ValueNode | undefined, name: string): ValueNode | undefined {
  const loop = properties?.member('copy')?.items()?.find((item) => {
    const n = item.member('name')?.value;
    return typeof n === 'string' && n.toLowerCase() === name.toLowerCase();
  });
  return loop && derived(new Unknown(`the '${name}' of its diagnostic settings are made by a copy loop`), loop.loc);
}

function enabled(entry: ValueNode): boolean | 'unknown' {
  const value = entry.member('enabled')?.value;
  if (isUnknown(value)) return 'unknown';
  return value === true;
}

/** The wanted categories a setting's logs enable; 'unknown' when its logs cannot be read before deployment. */
function categoriesOf(setting: Omit<DiagnosticSetting, 'categories'>): Set<string> | 'unknown' {
  const out = new Set<string>();
  if (setting.logs === undefined || setting.logs.value === null) {
    if (setting.allLogsByDefault) for (const w of WANTED_LOGS) out.add(w.category);
    return out;
  }
  if (isUnknown(setting.logs.value)) return 'unknown';
  let unknown = false;
  for (const entry of setting.logs.items() ?? []) {
    const on = setting.allLogsByDefault && entry.member('enabled') === undefined ? true : enabled(entry);
    if (on === false) continue;
    const category = entry.member('category')?.value;
    const group = entry.member('categoryGroup')?.value;
    if (isUnknown(category) || isUnknown(group) || on === 'unknown') unknown = true;
    for (const w of WANTED_LOGS) {
      if (typeof category === 'string' && category.toLowerCase() === w.category.toLowerCase()) out.add(w.category);
      if (typeof group === 'string' && w.groups.some((g) => g.toLowerCase() === group.toLowerCase())) out.add(w.category);
    }
  }
  return unknown && out.size < WANTED_LOGS.length ? 'unknown' : out;
}
