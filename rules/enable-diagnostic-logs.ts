// enable-diagnostic-logs: an AI account must send its Audit and RequestResponse logs somewhere: a denied
// outbound call is only seen as an HTTP 400 in the request logs.

import { isUnknown, Unknown, type Value } from '../server/src/engine/expressions/value';
import { derived } from '../server/src/engine/nodes';
import type { DeploymentGraph, GraphResource } from '../server/src/engine/graph/graph';
import type { AiResource, ValueNode } from '../server/src/engine/model';
import { createRule, type Report } from './rule';
import { ACCOUNT_DIAGNOSTIC_SETTINGS_TYPE, addDiagnosticSettingsFix, DIAGNOSTIC_SETTINGS_TYPE, diagnosticSettingsOf } from './support/deployment';
import { quoted, unknownReason } from './support/values';

type MessageId = 'noSettings' | 'missingCategories' | 'noDestination' | 'unverifiable';

/** The categories the rule asks for, and the category groups that include each. */
const WANTED: readonly { category: string; groups: readonly string[] }[] = [
  { category: 'Audit', groups: ['allLogs', 'audit'] },
  { category: 'RequestResponse', groups: ['allLogs'] },
];

/** Where a diagnostic setting can send logs. */
const DESTINATIONS = ['workspaceId', 'storageAccountId', 'eventHubAuthorizationRuleId', 'marketplacePartnerId'];
/** The same, as the Azure Verified Module's `diagnosticSettings` parameter names them. */
const AVM_DESTINATIONS = ['workspaceResourceId', 'storageAccountResourceId', 'eventHubAuthorizationRuleResourceId', 'marketplacePartnerResourceId'];

interface Setting {
  readonly name: string;
  /** Where a finding about it goes. */
  readonly at: ValueNode | GraphResource['typeLoc'];
  /** `logs` entries: category / categoryGroup, enabled. */
  readonly logs: ValueNode | undefined;
  readonly destination: boolean | 'unknown';
  /** The Azure Verified Module sends every log (category group allLogs) when no categories are given. */
  readonly allLogsByDefault?: boolean;
}

/** A destination is set unless absent, null or empty; one only known at deployment (a parameter) counts as set. */
function present(v: Value | undefined): boolean {
  if (v === undefined || v === null) return false;
  return typeof v !== 'string' || v.length > 0;
}

function destinationOf(node: ValueNode | undefined, keys: readonly string[]): boolean | 'unknown' {
  if (node && isUnknown(node.value)) return 'unknown';
  return keys.some((key) => present(node?.member(key)?.value));
}

function settingsOf(account: AiResource, graph: DeploymentGraph): Setting[] | 'unknown' {
  if (account.settingPath) {
    // A module call (the Azure Verified Module): its `diagnosticSettings` parameter.
    const param = account.properties?.member('diagnosticSettings');
    if (param && isUnknown(param.value)) return 'unknown';
    return (param?.items() ?? []).map((item, i) => ({
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
    return {
      name,
      at: r.file.uri === account.file.uri ? logs ?? r.typeLoc : account.typeLoc,
      logs,
      destination: r.declaration ? destinationOf(properties, DESTINATIONS) : 'unknown',
    };
  });
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
function categoriesOf(setting: Setting): Set<string> | 'unknown' {
  const out = new Set<string>();
  if (setting.logs === undefined || setting.logs.value === null) {
    if (setting.allLogsByDefault) for (const w of WANTED) out.add(w.category);
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
    for (const w of WANTED) {
      if (typeof category === 'string' && category.toLowerCase() === w.category.toLowerCase()) out.add(w.category);
      if (typeof group === 'string' && w.groups.some((g) => g.toLowerCase() === group.toLowerCase())) out.add(w.category);
    }
  }
  return unknown && out.size < WANTED.length ? 'unknown' : out;
}

export const rule = createRule({
  id: 'enable-diagnostic-logs',
  defaultLevel: 'info',
  description: 'AI services must send their Audit and RequestResponse logs to a destination through diagnostic settings.',
  needs: ['related-resources'],
  messages: {
    noSettings: 'AI service {{resource}} sends no logs anywhere. No diagnostic settings are scoped to it, so a denied outbound call (HTTP 400, "not in the allowed FQDN list") or an attack goes unseen: add diagnostic settings that send the Audit and RequestResponse logs to a Log Analytics workspace.',
    missingCategories: "AI service {{resource}} does not send its {{missing}} logs. Its diagnostic settings leave them out, and denied outbound calls show up in the request logs (HTTP 400): enable the {{missing}} categor{{plural}}, or the category group 'allLogs'.",
    noDestination: "AI service {{resource}} has diagnostic settings that send logs nowhere. Diagnostic settings '{{setting}}' name no destination: set workspaceId (a Log Analytics workspace), a storage account or an event hub.",
    unverifiable: 'Diagnostic logs of AI service {{resource}} cannot be verified. Its diagnostic settings cannot be evaluated: {{reason}}. Make sure Audit and RequestResponse logs are sent to a destination.',
  },
  resourceTypes: [DIAGNOSTIC_SETTINGS_TYPE, ACCOUNT_DIAGNOSTIC_SETTINGS_TYPE],
  check(resource, { graph }) {
    const settings = settingsOf(resource, graph);
    const data = { resource: quoted(resource) };
    if (settings === 'unknown') {
      const param = resource.properties?.member('diagnosticSettings');
      return [{ at: param ?? resource.typeLoc, advisory: true, messageId: 'unverifiable', data: { ...data, reason: param && isUnknown(param.value) ? unknownReason(param.value) : 'they are only known at deployment' } }];
    }
    if (!settings.length) {
      return [{
        at: resource.typeLoc,
        messageId: 'noSettings',
        data,
        fixes: () => {
          const fix = addDiagnosticSettingsFix(resource);
          return fix ? [fix] : [];
        },
      }];
    }
    const reports: Report<MessageId>[] = [];
    const sent = new Set<string>();
    let unknown = false;
    for (const setting of settings) {
      if (setting.destination === false) {
        reports.push({ at: setting.at, messageId: 'noDestination', data: { ...data, setting: setting.name } });
        continue;
      }
      const categories = categoriesOf(setting);
      if (categories === 'unknown' || setting.destination === 'unknown') unknown = true;
      if (categories !== 'unknown') for (const c of categories) sent.add(c);
    }
    const missing = WANTED.map((w) => w.category).filter((c) => !sent.has(c));
    const withDestination = settings.filter((s) => s.destination !== false);
    if (missing.length && withDestination.length) {
      if (unknown) {
        reports.push({ at: withDestination[0].at, advisory: true, messageId: 'unverifiable', data: { ...data, reason: 'their categories or destination are only known at deployment' } });
      } else {
        reports.push({ at: withDestination[0].at, messageId: 'missingCategories', data: { ...data, missing: missing.join(' and '), plural: missing.length > 1 ? 'ies' : 'y' } });
      }
    }
    return reports;
  },
});
