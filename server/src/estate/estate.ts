// What is deployed, across the exports of an audit: KPIs of the deployed accounts by subscription, resource
// group, kind and owner, and drift, where a deployed account's settings differ from the template in the audited
// set that declares an account of the same (evaluated) name. Drift is a report section, not a rule: it compares
// two files, and the deployed account's own findings already gate CI.

import * as path from 'node:path';
import { hostKey } from '../../../rules/support/fqdn';
import type { AnalysisResult, Finding } from '../engine/analyze';
import type { AccountRecord } from '../engine/records';
import type { Loc } from '../engine/model';
import { positionAt } from '../engine/text';
import { uriToPath } from '../workspace/node-host';
import { NO_OWNER } from '../../../shared/inventory';
import { ESTATE_GROUPS, estateKpi, OPEN_MEANS, type EstateReport, type EstateSummary, type Tally } from '../../../shared/report';
import { escapeMarkdown, markdownTable } from '../report/markdown';

export interface DeployedAccount extends AccountRecord {
  readonly deployed: NonNullable<AccountRecord['deployed']>;
  /** Not restricted, or a finding at warning or above. */
  readonly open: boolean;
  readonly findings: readonly Finding[];
}

export { NO_OWNER, type EstateReport, type EstateSummary, type Tally };

const computed = new WeakMap<readonly AnalysisResult[], DeployedAccount[]>();

/** The deployed accounts of the exports among the results, each with the findings about it (computed once per results). */
export function deployedAccounts(results: readonly AnalysisResult[]): DeployedAccount[] {
  let out = computed.get(results);
  if (!out) computed.set(results, (out = collectDeployed(results)));
  return out;
}

function collectDeployed(results: readonly AnalysisResult[]): DeployedAccount[] {
  const out: DeployedAccount[] = [];
  for (const result of results) {
    if (result.source !== 'deployed') continue;
    const byId = new Map<string, Finding[]>();
    for (const f of result.findings) {
      if (!f.resourceId) continue;
      const list = byId.get(f.resourceId);
      if (list) list.push(f); else byId.set(f.resourceId, [f]);
    }
    for (const r of result.accounts ?? []) {
      if (!r.deployed) continue;
      const findings = byId.get(r.deployed.resourceId) ?? [];
      // A copy, not the record as prototype: tens of thousands of prototypes each get their own hidden class, and
      // every later read of them (the KPIs) is slow.
      out.push({ ...r, deployed: r.deployed, findings, open: r.restricted !== true || findings.some((f) => f.level !== 'info') });
    }
  }
  return out;
}

export function estateSummary(results: readonly AnalysisResult[]): EstateSummary | undefined {
  const exportCount = results.filter((r) => r.source === 'deployed').length;
  if (!exportCount) return undefined;
  const accounts = deployedAccounts(results);
  const by = (key: (a: DeployedAccount) => string | undefined, none: string): Record<string, Tally> => {
    const out: Record<string, Tally> = {};
    for (const a of accounts) {
      const k = key(a) ?? none;
      const t = (out[k] ??= { total: 0, restricted: 0, open: 0 });
      t.total++;
      if (a.restricted === true) t.restricted++;
      if (a.open) t.open++;
    }
    return sorted(out);
  };
  return {
    exports: exportCount,
    accounts: accounts.length,
    restricted: accounts.filter((a) => a.restricted === true).length,
    unverified: accounts.filter((a) => a.restricted === 'unknown').length,
    open: accounts.filter((a) => a.open).length,
    bySubscription: by((a) => a.deployed.subscriptionId, '(unknown)'),
    byResourceGroup: by((a) => a.deployed.resourceGroup && `${a.deployed.subscriptionId ?? '?'}/${a.deployed.resourceGroup}`, '(unknown)'),
    byKind: by((a) => a.kind, '(no kind)'),
    byOwner: by((a) => (a.owner === 'unknown' ? undefined : a.owner), NO_OWNER),
  };
}

function sorted(tallies: Record<string, Tally>): Record<string, Tally> {
  return Object.fromEntries(Object.entries(tallies).sort((a, b) => b[1].total - a[1].total || a[0].localeCompare(b[0])));
}

export type DriftSetting = 'restrictOutboundNetworkAccess' | 'allowedFqdnList' | 'publicNetworkAccess' | 'networkAcls.defaultAction';

export interface Drift {
  readonly name: string;
  readonly resourceId: string;
  readonly setting: DriftSetting;
  /** As deployed, and as the template declares it. */
  readonly deployed: string;
  readonly declared: string;
  /** 'weaker': the deployed account is more open than its template (changed outside it); 'stronger': the next deployment undoes a hardening. */
  readonly direction: 'weaker' | 'stronger' | 'different';
  readonly deployedAt: Loc;
  readonly declaredAt: Loc;
  /** Hosts deployed but not declared, and declared but not deployed (allowedFqdnList only). */
  readonly added?: readonly string[];
  readonly removed?: readonly string[];
}

/**
 * Where deployed accounts differ from the templates that declare their names. A setting the template leaves
 * unknown (a parameter without value) is not compared; several declarations of one name (parameter files)
 * count as drift only when the deployed value matches none of them.
 */
export function driftOf(results: readonly AnalysisResult[]): Drift[] {
  const declared = new Map<string, AccountRecord[]>();
  const seen = new Set<string>();
  for (const result of results) {
    if (result.source === 'deployed') continue;
    for (const r of result.accounts ?? []) {
      if (!r.nameKnown) continue;
      const key = `${r.declaredIn}|${r.loc.start}|${r.name}|${r.restricted}|${JSON.stringify(r.allowedFqdns)}|${r.publicNetworkAccess}|${r.defaultAction}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const list = declared.get(r.name.toLowerCase());
      if (list) list.push(r); else declared.set(r.name.toLowerCase(), [r]);
    }
  }
  const out: Drift[] = [];
  for (const account of deployedAccounts(results)) {
    const templates = declared.get(account.name.toLowerCase());
    if (!templates) continue;
    const base = { name: account.name, resourceId: account.deployed.resourceId, deployedAt: account.loc };
    const restrict = templates.filter((t) => t.restricted !== 'unknown');
    if (restrict.length && account.restricted !== 'unknown' && restrict.every((t) => t.restricted !== account.restricted)) {
      out.push({ ...base, setting: 'restrictOutboundNetworkAccess', deployed: String(account.restricted), declared: String(restrict[0].restricted),
        direction: account.restricted ? 'stronger' : 'weaker', declaredAt: restrict[0].loc });
    }
    const lists = templates.filter((t) => Array.isArray(t.allowedFqdns));
    const deployedHosts = Array.isArray(account.allowedFqdns) ? account.allowedFqdns : [];
    if (lists.length && account.allowedFqdns !== 'unknown') {
      const diffs = lists.map((t) => hostDiff(deployedHosts, t.allowedFqdns as readonly string[]));
      if (diffs.every((d) => d.added.length || d.removed.length)) {
        const d = diffs[0];
        out.push({ ...base, setting: 'allowedFqdnList', deployed: deployedHosts.join(', ') || '(none)', declared: (lists[0].allowedFqdns as string[]).join(', ') || '(none)',
          direction: d.added.length ? 'weaker' : 'stronger', declaredAt: lists[0].loc, added: d.added, removed: d.removed });
      }
    }
    for (const [setting, field, safe] of [['publicNetworkAccess', 'publicNetworkAccess', 'disabled'], ['networkAcls.defaultAction', 'defaultAction', 'deny']] as const) {
      const known = templates.filter((t) => t[field] !== undefined && t[field] !== 'unknown');
      const value = account[field];
      if (!known.length || value === 'unknown' || known.some((t) => same(t[field], value))) continue;
      const declaredValue = known[0][field]!;
      out.push({ ...base, setting, deployed: value ?? '(not set)', declared: declaredValue,
        direction: declaredValue.toLowerCase() === safe ? 'weaker' : value?.toLowerCase() === safe ? 'stronger' : 'different', declaredAt: known[0].loc });
    }
  }
  return out;
}

function same(a: string | undefined, b: string | undefined): boolean {
  return (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
}

/** Hosts in `now` and not in `before` (added), and the reverse; hosts compare as no-duplicate-fqdns compares them. */
export function hostDiff(now: readonly string[], before: readonly string[]): { added: string[]; removed: string[] } {
  const a = new Set(now.map(hostKey));
  const b = new Set(before.map(hostKey));
  return { added: now.filter((h) => !b.has(hostKey(h))), removed: before.filter((h) => !a.has(hostKey(h))) };
}

/** Drift in words, for the text and Markdown reports. */
export function driftText(d: Drift): string {
  const what = d.setting === 'allowedFqdnList'
    ? [d.added?.length ? `hosts ${d.added.join(', ')} allowed in Azure but not in the template` : '', d.removed?.length ? `hosts ${d.removed.join(', ')} in the template but not in Azure` : ''].filter(Boolean).join('; ')
    : `${d.setting} is ${d.deployed} in Azure, the template sets ${d.declared}`;
  const why = d.direction === 'weaker' ? 'it was changed outside the template (e.g. in the portal)'
    : d.direction === 'stronger' ? 'the next deployment of the template will undo it: put the setting in the template'
    : 'the deployed account and its template disagree';
  return `deployed AI service '${d.name}' differs from its template: ${what}; ${why}.`;
}

/** `path:line` of a place, the path relative to `cwd` with forward slashes (as the Markdown and HTML reports show places). */
export function locText(loc: Loc, cwd: string): string {
  const file = uriToPath(loc.file.uri);
  return `${file ? path.relative(cwd, file).split(path.sep).join('/') : loc.file.uri}:${positionAt(loc.file.text, loc.start).line + 1}`;
}

/** The estate lines of the text report: KPIs by subscription, resource group, kind and owner, then drift. */
export function estateLines(results: readonly AnalysisResult[], where: (loc: Loc) => string): string[] {
  const s = estateSummary(results);
  if (!s || !s.accounts) return [];
  const out = ['', estateKpi(s), ...ESTATE_GROUPS.map(([label, key]) =>
    `  by ${label}: ${Object.entries(s[key]).map(([k, t]) => `${k} ${t.total} (${t.restricted} restricted, ${t.open} open)`).join('; ')}`)];
  const drift = driftOf(results);
  if (drift.length) {
    out.push('', `Drift (${drift.length}): deployed settings that differ from the templates`);
    for (const d of drift) out.push(`  ${where(d.deployedAt)}  ${driftText(d)} Template: ${where(d.declaredAt)}`);
  }
  return out;
}

/** The estate part of a report (what the report view is sent): KPIs, and drift in words with its places by `where`. */
export function estateReport(results: readonly AnalysisResult[], where: (loc: Loc) => string): EstateReport | undefined {
  const summary = estateSummary(results);
  if (!summary || !summary.accounts) return undefined;
  return { summary, drift: driftOf(results).map((d) => ({ place: where(d.deployedAt), text: driftText(d), template: where(d.declaredAt), direction: d.direction })) };
}

/** The estate section of the Markdown report: the KPI line, a table per group, then drift; every value escaped. */
export function estateMarkdown(estate: EstateReport | undefined): string[] {
  if (!estate) return [];
  const { summary: s, drift } = estate;
  const out = ['', '### Deployed AI accounts', '', `**${escapeMarkdown(estateKpi(s))}** ${OPEN_MEANS}`];
  for (const [label, key] of ESTATE_GROUPS) {
    out.push('', ...markdownTable([`By ${label}`, 'Accounts', 'Restricted', 'Open'], Object.entries(s[key]).map(([k, t]) => [escapeMarkdown(k), t.total, t.restricted, t.open])));
  }
  if (drift.length) {
    out.push('', `### Drift from the templates (${drift.length})`, '');
    for (const d of drift) out.push(`- ${escapeMarkdown(d.place)}: ${escapeMarkdown(d.text)} Template: ${escapeMarkdown(d.template)}`);
  }
  return out;
}

/** Estate and drift for the JSON and SARIF reports (locations as file and 1-based line). */
export function estateJson(results: readonly AnalysisResult[], where: (loc: Loc) => { file: string; line: number }): object | undefined {
  const summary = estateSummary(results);
  if (!summary) return undefined;
  const accounts = deployedAccounts(results).map((a) => ({
    name: a.name, resourceId: a.deployed.resourceId, subscriptionId: a.deployed.subscriptionId, resourceGroup: a.deployed.resourceGroup,
    location: a.deployed.location, kind: a.kind, owner: a.owner ?? null, restricted: a.restricted, allowedFqdns: a.allowedFqdns ?? null,
    publicNetworkAccess: a.publicNetworkAccess ?? null, open: a.open, ...where(a.loc),
  }));
  const drift = driftOf(results).map(({ deployedAt, declaredAt, ...d }) => ({ ...d, deployedAt: where(deployedAt), declaredAt: where(declaredAt) }));
  return { summary, accounts, drift };
}
