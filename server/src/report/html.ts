// `--format html`: the audit as one self-contained page (no network, no external script, font or style; opens from
// disk and prints to PDF). The report itself is shared/reportHtml.ts (the VS Code report view shows the same);
// this file gives it a page: its style, the filters' script, and a Content-Security-Policy that allows only those
// two (by hash): nothing from data can run.

import { createHash } from 'node:crypto';
import type { Inventory } from '../../../shared/inventory';
import { FILTER_SCRIPT, Html, html, htmlDocument, reportBody } from '../../../shared/reportHtml';
import { auditedText, problemsOf, type Audited } from './report';

// One escaping template for every HTML report (the VS Code report view uses the same one).
export { escapeHtml, html, Html } from '../../../shared/reportHtml';

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1b1f24;background:#fff}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:2rem 0 .5rem}
.muted{color:#59636e}.kpi{font-size:1.1rem;font-weight:600}
.tiles{display:flex;flex-wrap:wrap;gap:.75rem;margin:1rem 0}
.tile{border:1px solid #d1d9e0;border-radius:6px;padding:.6rem 1rem;min-width:8rem}
.tile b{display:block;font-size:1.6rem}.tile.bad b{color:#cf222e}.tile.warn b{color:#9a6700}.tile.good b{color:#1a7f37}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d1d9e0;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.n{text-align:right}
.open{color:#cf222e;font-weight:600}.unverified{color:#9a6700;font-weight:600}.restricted{color:#1a7f37}
.filters{display:flex;gap:1rem;margin:.5rem 0}.charts{display:flex;flex-wrap:wrap;gap:2rem}
.change{border-left:4px solid #cf222e;padding:.25rem .75rem;margin:.75rem 0}.change h3{font-size:1rem;margin:.25rem 0}
.warning{border:1px solid #9a6700;padding:.5rem;background:#fff8c5}td.network{font-size:.9em}ul{margin:0;padding-left:1.2rem}
@media print{.filters{display:none}tr[hidden]{display:table-row}}
`;

const SCRIPT = FILTER_SCRIPT;

const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** Only the page's own style and script run; no request can leave it (no sources allowed), forms and base URIs are off. */
export const CSP = `default-src 'none'; style-src ${hash(STYLE)}; script-src ${hash(SCRIPT)}; img-src data:; base-uri 'none'; form-action 'none'`;

export interface HtmlOptions {
  /** When the audit ran, as shown (tests pass a fixed one). */
  readonly generated?: string;
  readonly version?: string;
  /** More of the report after the audit's (the deployed accounts of an export: estate/estate.ts). */
  readonly sections?: readonly Html[];
}

export function toHtml(inventory: Inventory, summary: Audited, options: HtmlOptions = {}): string {
  const subtitle = `${auditedText(inventory.summary, summary)}${options.generated ? `, ${options.generated}` : ''}${options.version ? `, ai-egress-guard ${options.version}` : ''}`;
  return htmlPage('AI Egress Guard report', html`${reportBody(inventory, { subtitle, warning: problemsOf(summary) })}${options.sections ?? []}`, true);
}

/** A page of the report's style and policy around a body: no request can leave it; only the filter script may run. */
export function htmlPage(title: string, body: Html, script = false): string {
  return htmlDocument({ csp: CSP, title, style: STYLE, body, ...(script ? { script: SCRIPT } : {}) }).text;
}
