// What the Markdown and HTML reports of an audit add to the inventory's report (shared/report.ts): what was
// audited, and whether files could not be checked.

import type { InventorySummary } from '../../../shared/inventory';
import { plural } from '../../../shared/report';
import type { AuditSummary } from '../workspace/audit';

/** What the reports say of an audit beside its inventory (an AuditSummary is one). */
export type Audited = Pick<AuditSummary, 'files' | 'templates'> & { readonly problems: Pick<AuditSummary['problems'], 'files'> };

/** "1 entry point, 2 templates (3 files checked)". */
export function auditedText(s: InventorySummary, summary: Audited): string {
  return `${plural(s.entryPoints, 'entry point')}, ${plural(summary.templates, 'template')} (${plural(summary.files, 'file')} checked)`;
}

/** Files that could not be checked: a report must say its count may be short. */
export function problemsOf(summary: Audited): string | undefined {
  const n = summary.problems.files;
  return n ? `${plural(n, 'file')} could not be checked completely: the counts may be incomplete.` : undefined;
}
