// What every report of an inventory says alike (the Markdown and HTML reports, the report view, the AI Services
// tree, the hover): the KPI sentence, an instance's status, which services are open, the per-rule rows, the way
// from the entry point and the account's network; and the KPIs of the deployed estate (exports of what runs in
// Azure, server/src/estate/estate.ts), as the audit hands them to the report view. Plain text: each format escapes
// it. No imports beyond the inventory's types: the client bundles this file.

import type { DeployedInstance, InstanceNetwork, InventorySummary, Place, Restriction } from './inventory';

export type Status = 'restricted' | 'open' | 'unverified';

/** "1 of 3 AI service instances (33%) restrict outbound network access: 1 open, 1 unverified"; never a percent of zero. */
export function kpiLine(s: InventorySummary): string {
  if (!s.instances) return 'No AI service instances found';
  const of = `${s.restricted} of ${s.instances} AI service instance${s.instances === 1 ? '' : 's'} (${s.restrictedPercent}%) restrict${s.instances === 1 ? 's' : ''} outbound network access`;
  return `${of}: ${s.open} open, ${s.unknown} unverified`;
}

export function statusLabel(r: Restriction): Status {
  return r === true ? 'restricted' : r === false ? 'open' : 'unverified';
}

/** What an unverified instance's owner must check. */
export const UNVERIFIED_NOTE = 'restrictOutboundNetworkAccess is only known at deployment: check the value passed for it.';

/** Instances that are not known to be restricted: open first, then unverified; by owner, then id. */
export function openInstances(instances: readonly DeployedInstance[]): DeployedInstance[] {
  const rank = (r: Restriction) => (r === false ? 0 : 1);
  return instances.filter((i) => i.restricted !== true)
    .sort((a, b) => rank(a.restricted) - rank(b.restricted) || (a.owner ?? '').localeCompare(b.owner ?? '') || a.id.localeCompare(b.id));
}

export interface RuleRow { readonly ruleId: string; readonly findings: number; readonly suppressed: number }

/** Findings and suppressed findings per rule, most first. */
export function ruleRows(s: InventorySummary): RuleRow[] {
  const ids = new Set([...Object.keys(s.findings.byRule), ...Object.keys(s.suppressed.byRule)]);
  return [...ids].map((ruleId) => ({ ruleId, findings: s.findings.byRule[ruleId] ?? 0, suppressed: s.suppressed.byRule[ruleId] ?? 0 }))
    .sort((a, b) => b.findings + b.suppressed - a.findings - a.suppressed || a.ruleId.localeCompare(b.ruleId));
}

/** `file:line` of a place. */
export function placeText(p: Place): string {
  return `${p.file}:${p.line}`;
}

/** The entry point's run: `main.bicep`, `main.bicep with prod.bicepparam`. */
export function entryText(i: DeployedInstance): string {
  return i.parameterFile ? `${i.entryPoint} with ${i.parameterFile}` : i.entryPoint;
}

/** The calls from the entry point to the declaration, `ai-a › account[0]`; '' for a declaration in the entry point. */
export function chainText(i: DeployedInstance): string {
  return i.chain.map((c) => c.name).join(' › ');
}

/** `n thing` / `n things`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The account's network, one line per aspect: managed network, private endpoints, diagnostic logs, and for each
 * network injection the subnet its agents' traffic goes through. `code` marks a value taken from the template
 * (the hover writes it as code).
 */
export function networkLines(n: InstanceNetwork, code: (value: string) => string = (v) => v): string[] {
  const lines: string[] = [];
  const mode = n.managedNetwork?.isolationMode;
  lines.push(`managed network: ${!n.managedNetwork ? 'none' : mode === undefined ? 'isolation mode not set' : mode === 'unknown' ? 'isolation mode only known at deployment' : code(mode)}`);
  const endpoints = n.privateEndpoints.map((e) => `${code(e.name)}${e.location ? ` (${code(e.location)})` : ''}`).join(', ');
  const maybe = 'a target is only known at deployment';
  lines.push(`private endpoints: ${endpoints ? `${endpoints}${n.privateEndpointsUnknown ? `, maybe more (${maybe})` : ''}` : n.privateEndpointsUnknown ? `none found (${maybe})` : 'none'}`);
  const settings = n.logs.settings.length ? ` (settings ${n.logs.settings.map((s) => code(s.name)).join(', ')})` : '';
  const logs = n.logs.required === 'sent' ? `Audit and RequestResponse sent${settings}`
    : n.logs.required === 'missing' ? `${(n.logs.missing ?? []).join(' and ')} not sent${settings}`
      : n.logs.required === 'none' ? 'no diagnostic settings' : `only known at deployment${settings}`;
  lines.push(`diagnostic logs: ${logs}`);
  for (const injection of n.networkInjections ?? []) {
    const managed = injection.useMicrosoftManagedNetwork ? ' (Microsoft-managed network)' : '';
    lines.push(injection.scenario.toLowerCase() === 'agent'
      ? `agent subnet: agent traffic goes through subnet ${code(injection.subnet)}${managed}`
      : `network injection (${injection.scenario}): subnet ${code(injection.subnet)}${managed}`);
  }
  return lines;
}

/** Deployed accounts of one group: how many, restricted, open. */
export interface Tally { total: number; restricted: number; open: number }

/** The KPIs of the deployed accounts of an audit's exports (Resource Graph, az), by subscription, resource group, kind and owner. */
export interface EstateSummary {
  readonly exports: number;
  readonly accounts: number;
  readonly restricted: number;
  readonly unverified: number;
  readonly open: number;
  readonly bySubscription: Record<string, Tally>;
  readonly byResourceGroup: Record<string, Tally>;
  readonly byKind: Record<string, Tally>;
  readonly byOwner: Record<string, Tally>;
}

/** The estate part of a report: its KPIs, and each drift from a template in words, with both places as `path:line`. */
export interface EstateReport {
  readonly summary: EstateSummary;
  readonly drift: readonly { readonly place: string; readonly text: string; readonly template: string; readonly direction: 'weaker' | 'stronger' | 'different' }[];
}

export const OPEN_MEANS = 'Open: outbound access not restricted, or a finding at warning or above.';

/** The groups the estate KPIs are counted by, as the reports name them. */
export const ESTATE_GROUPS = [['subscription', 'bySubscription'], ['resource group', 'byResourceGroup'], ['kind', 'byKind'], ['owner', 'byOwner']] as const;

/** "Deployed AI accounts: 3, 1 (33%) restricted, 3 open." */
export function estateKpi(s: EstateSummary): string {
  return `Deployed AI accounts: ${s.accounts}, ${s.restricted} (${Math.round((s.restricted / s.accounts) * 100)}%) restricted, ${s.open} open${s.unverified ? `, ${s.unverified} cannot be verified` : ''}.`;
}
