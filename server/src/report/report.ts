// What the Markdown and HTML reports share: the KPI sentence, which services are open, the per-rule rows.

import type { DeployedInstance, InventorySummary, Restriction } from '../../../shared/inventory';
import type { AuditSummary } from '../workspace/audit';

/** "1 of 3 AI service instances (33%) restrict outbound network access"; never a percent of zero. */
export function kpiLine(s: InventorySummary): string {
  if (!s.instances) return 'No AI service instances found';
  const of = `${s.restricted} of ${s.instances} AI service instance${s.instances === 1 ? '' : 's'} (${s.restrictedPercent}%) restrict${s.instances === 1 ? 's' : ''} outbound network access`;
  return `${of}: ${s.open} open, ${s.unknown} unverified`;
}

/** Instances that are not known to be restricted: open first, then unverified; by owner, then name. */
export function openInstances(instances: readonly DeployedInstance[]): DeployedInstance[] {
  const rank = (r: Restriction) => (r === false ? 0 : 1);
  return instances.filter((i) => i.restricted !== true)
    .sort((a, b) => rank(a.restricted) - rank(b.restricted) || (a.owner ?? '').localeCompare(b.owner ?? '') || a.id.localeCompare(b.id));
}

export function statusLabel(r: Restriction): string {
  return r === true ? 'restricted' : r === false ? 'open' : 'unverified';
}

export interface RuleRow { readonly ruleId: string; readonly findings: number; readonly suppressed: number }

/** Findings and suppressed findings per rule, most first. */
export function ruleRows(s: InventorySummary): RuleRow[] {
  const ids = new Set([...Object.keys(s.findings.byRule), ...Object.keys(s.suppressed.byRule)]);
  return [...ids].map((ruleId) => ({ ruleId, findings: s.findings.byRule[ruleId] ?? 0, suppressed: s.suppressed.byRule[ruleId] ?? 0 }))
    .sort((a, b) => b.findings + b.suppressed - a.findings - a.suppressed || a.ruleId.localeCompare(b.ruleId));
}

/** Files that could not be checked: a report must say its count may be short. */
export function problemsOf(summary: AuditSummary): string | undefined {
  const n = summary.problems.files;
  return n ? `${n} file${n === 1 ? '' : 's'} could not be checked completely: the counts may be incomplete.` : undefined;
}
