// `--format markdown`: the audit as a report for a pull request comment or a CI job summary ($GITHUB_STEP_SUMMARY):
// the KPI line, the services that are not restricted (with owner, place and what is wrong), per-owner and per-rule
// tables. Everything taken from a template is escaped: it renders as text and cannot break a table.

import type { DeployedInstance, Inventory, RestrictionCounts } from '../../../shared/inventory';
import { KIND_NOT_SET, NO_OWNER } from '../workspace/inventory';
import { kpiLine, networkLines, openInstances, placeText, plural, ruleRows, statusLabel, UNVERIFIED_NOTE } from '../../../shared/report';
import { auditedText, problemsOf, type Audited } from './report';

/**
 * Escapes text for Markdown (GitHub Flavored), in one pass: the characters that start emphasis, code, links,
 * headings or end a table cell are backslash-escaped (so `|` cannot end a cell nor a backtick start code), `<`, `>`
 * and `&` become entities (no HTML from data), line breaks become spaces.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\r\n]+|[&<>]|[\\`*_[\]()#|~!]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : /[\r\n]/.test(c) ? ' ' : `\\${c}`));
}

function row(cells: readonly (string | number)[]): string {
  return `| ${cells.map((c) => (typeof c === 'number' ? String(c) : c)).join(' | ')} |`;
}

function table(head: readonly string[], rows: readonly (readonly (string | number)[])[]): string[] {
  return [row(head), row(head.map(() => '---')), ...rows.map(row)];
}

/** A table of cells already escaped (the estate and history sections use it too). */
export { table as markdownTable };

function countsRow(label: string, c: RestrictionCounts): (string | number)[] {
  return [escapeMarkdown(label), c.instances, c.restricted, c.open, c.unknown];
}

/** `sections`: more of the report, Markdown lines already escaped (the deployed accounts, estate/estate.ts). */
export function toMarkdown(inventory: Inventory, summary: Audited, sections: readonly string[] = []): string {
  const out: string[] = ['## AI Egress Guard report', '', `**${escapeMarkdown(kpiLine(inventory.summary))}**`, ''];
  const s = inventory.summary;
  out.push(`${auditedText(s, summary)}; ${plural(s.findings.total, 'finding')}, ${s.suppressed.total} suppressed.`);
  const problems = problemsOf(summary);
  if (problems) out.push('', `> **${escapeMarkdown(problems)}**`);
  const open = openInstances(inventory.instances);
  out.push('', '### Services not restricted', '');
  if (open.length) {
    out.push(...table(['Service', 'Kind', 'Owner', 'Status', 'Declared at', 'What is wrong', 'Network'], open.map((i) => [
      escapeMarkdown(i.name), escapeMarkdown(i.kind ?? KIND_NOT_SET), escapeMarkdown(i.owner ?? NO_OWNER), statusLabel(i.restricted),
      escapeMarkdown(placeText(i.declaration)), wrong(i), networkLines(i.network).map(escapeMarkdown).join('<br>'),
    ])));
  } else {
    out.push(inventory.instances.length ? 'None: every AI service restricts outbound network access.' : 'No AI service instances found.');
  }
  out.push('', '### By owner', '', ...table(['Owner', 'Instances', 'Restricted', 'Open', 'Unverified'], Object.entries(s.byOwner).map(([k, c]) => countsRow(k, c))));
  out.push('', '### By rule', '');
  const rules = ruleRows(s);
  out.push(...(rules.length ? table(['Rule', 'Findings', 'Suppressed'], rules.map((r) => [escapeMarkdown(r.ruleId), r.findings, r.suppressed])) : ['No findings.']));
  out.push(...sections);
  return `${out.join('\n')}\n`;
}

/** The findings of an instance that are not suppressed, one per line of the cell, with where each is. */
function wrong(i: DeployedInstance): string {
  const shown = i.findings.filter((f) => !f.suppression && f.level !== 'info');
  if (!shown.length) return i.restricted === 'unknown' ? escapeMarkdown(UNVERIFIED_NOTE) : '';
  return shown.map((f) => `${escapeMarkdown(f.summary)} \\(${escapeMarkdown(f.ruleId)}, ${escapeMarkdown(placeText(f))}\\)`).join('<br>');
}
