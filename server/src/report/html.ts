// `--format html`: the audit as one self-contained page (no network, no external script, font or style; opens from
// disk and prints to PDF): KPI tiles, charts drawn as inline SVG, the instances with filters, and what to change for
// each open service. Written by hand with a small escaping template (`html`): a templating or charting library
// would add more to the .vsix than these few functions, and every value from a template goes through one escape.
// The page's Content-Security-Policy allows only its own style and script (by hash): nothing from data can run.

import { createHash } from 'node:crypto';
import type { DeployedInstance, Inventory, RestrictionCounts } from '../../../shared/inventory';
import type { AuditSummary } from '../workspace/audit';
import { KIND_NOT_SET, NO_OWNER } from '../workspace/inventory';
import { html, Html, htmlDocument } from '../../../shared/reportHtml';
import { kpiLine, openInstances, problemsOf, ruleRows, statusLabel } from './report';

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
.warning{border:1px solid #9a6700;padding:.5rem;background:#fff8c5}
@media print{.filters{display:none}tr[hidden]{display:table-row}}
`;

const SCRIPT = `
const selects = Array.from(document.querySelectorAll('select[data-key]'));
function apply() {
  for (const row of document.querySelectorAll('tbody#instances tr')) {
    row.hidden = selects.some((s) => s.value !== '' && row.dataset[s.dataset.key] !== s.value);
  }
}
for (const s of selects) s.addEventListener('change', apply);
`;

const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** Only the page's own style and script run; no request can leave it (no sources allowed), forms and base URIs are off. */
export const CSP = `default-src 'none'; style-src ${hash(STYLE)}; script-src ${hash(SCRIPT)}; img-src data:; base-uri 'none'; form-action 'none'`;

const COLORS = { restricted: '#1a7f37', open: '#cf222e', unknown: '#bf8700', finding: '#0969da' };

export interface HtmlOptions {
  /** When the audit ran, as shown (tests pass a fixed one). */
  readonly generated?: string;
  readonly version?: string;
  /** More of the report, after the findings by rule (the deployed accounts, estate/estate.ts). */
  readonly sections?: readonly Html[];
}

export function toHtml(inventory: Inventory, summary: AuditSummary, options: HtmlOptions = {}): string {
  const s = inventory.summary;
  const open = openInstances(inventory.instances);
  const problems = problemsOf(summary);
  const owners = Object.keys(s.byOwner);
  const kinds = Object.keys(s.byKind);
  return htmlPage('AI Egress Guard report', html`<h1>AI Egress Guard report</h1>
<p class="muted">${s.entryPoints} entry point${s.entryPoints === 1 ? '' : 's'}, ${summary.templates} template${summary.templates === 1 ? '' : 's'} (${summary.files} file${summary.files === 1 ? '' : 's'} checked)${options.generated ? `, ${options.generated}` : ''}${options.version ? `, ai-egress-guard ${options.version}` : ''}</p>
<p class="kpi">${kpiLine(s)}</p>
${problems ? html`<p class="warning">${problems}</p>` : ''}
<div class="tiles">
${tile('AI service instances', String(s.instances), '')}
${tile('restrict outbound access', s.restrictedPercent === undefined ? '–' : `${s.restrictedPercent}%`, s.restrictedPercent === 100 ? 'good' : s.instances ? 'bad' : '')}
${tile('open', String(s.open), s.open ? 'bad' : '')}
${tile('unverified', String(s.unknown), s.unknown ? 'warn' : '')}
${tile('suppressed findings', String(s.suppressed.total), '')}
</div>
<div class="charts">
<figure><figcaption>Restricted and open, by owner</figcaption>${stackedBars(Object.entries(s.byOwner))}</figure>
<figure><figcaption>Findings by rule</figcaption>${bars(ruleRows(s).map((r) => [r.ruleId, r.findings]))}</figure>
</div>
<h2>What to change</h2>
${open.length ? open.map(change) : html`<p>${inventory.instances.length ? 'Nothing: every AI service restricts outbound network access.' : 'No AI service instances found.'}</p>`}
<h2>AI service instances</h2>
<div class="filters">
${filter('Owner', 'owner', owners)}
${filter('Kind', 'kind', kinds)}
${filter('Status', 'status', ['open', 'unverified', 'restricted'])}
</div>
<table>
<thead><tr><th>Service</th><th>Kind</th><th>Owner</th><th>Status</th><th>Entry point</th><th>Declared at</th><th>Findings</th></tr></thead>
<tbody id="instances">
${inventory.instances.map(instanceRow)}
</tbody>
</table>
<h2>Findings by rule</h2>
<table>
<thead><tr><th>Rule</th><th>Findings</th><th>Suppressed</th></tr></thead>
<tbody>
${ruleRows(s).map((r) => html`<tr><td>${r.ruleId}</td><td class="n">${r.findings}</td><td class="n">${r.suppressed}</td></tr>`)}
</tbody>
</table>
${options.sections ?? []}`, true);
}

/** A page of the report's style and policy around a body: no request can leave it; only the filter script may run. */
export function htmlPage(title: string, body: Html, script = false): string {
  return htmlDocument({ csp: CSP, title, style: STYLE, body, ...(script ? { script: SCRIPT } : {}) }).text;
}

function tile(label: string, value: string, tone: string): Html {
  return html`<div class="tile ${tone}"><b>${value}</b>${label}</div>`;
}

function filter(label: string, key: string, values: readonly string[]): Html {
  return html`<label>${label} <select data-key="${key}"><option value="">all</option>${values.map((v) => html`<option value="${v}">${v}</option>`)}</select></label>`;
}

function instanceRow(i: DeployedInstance): Html {
  const status = statusLabel(i.restricted);
  const owner = i.owner ?? NO_OWNER;
  const kind = i.kind ?? KIND_NOT_SET;
  const findings = i.findings.filter((f) => !f.suppression).length;
  const suppressed = i.findings.length - findings;
  return html`<tr data-owner="${owner}" data-kind="${kind}" data-status="${status}"><td>${i.name}</td><td>${kind}</td><td>${owner}</td><td class="${status}">${status}</td><td>${i.parameterFile ? `${i.entryPoint} with ${i.parameterFile}` : i.entryPoint}</td><td>${i.declaration.file}:${i.declaration.line}</td><td class="n">${findings}${suppressed ? ` (+${suppressed} suppressed)` : ''}</td></tr>
`;
}

function change(i: DeployedInstance): Html {
  const findings = i.findings.filter((f) => !f.suppression && f.level !== 'info');
  const missing = i.egress?.missing ?? [];
  return html`<div class="change"><h3>${i.name} <span class="muted">(${i.kind ?? KIND_NOT_SET}, owner ${i.owner ?? NO_OWNER}, ${statusLabel(i.restricted)})</span></h3>
<p class="muted">${i.declaration.file}:${i.declaration.line}${i.chain.length ? ` via ${i.chain.map((c) => c.name).join(' › ')} from ${i.entryPoint}` : ''}</p>
<ul>${findings.map((f) => html`<li>${f.message} <span class="muted">(${f.ruleId}, ${f.file}:${f.line})</span></li>`)}${i.restricted === 'unknown' && !findings.length ? html`<li>restrictOutboundNetworkAccess is only known at deployment: check the value passed for it.</li>` : ''}</ul>
${missing.length ? html`<p>Hosts it depends on that the allow-list lacks: ${missing.join(', ')}</p>` : ''}</div>
`;
}

const BAR_W = 320;
const ROW_H = 22;
const LABEL_W = 180;

/** Horizontal stacked bars: restricted, open, unverified per group. */
function stackedBars(groups: readonly [string, RestrictionCounts][]): Html {
  if (!groups.length) return html`<p class="muted">No instances.</p>`;
  const max = Math.max(...groups.map(([, c]) => c.instances), 1);
  const height = groups.length * ROW_H + 24;
  return html`<svg xmlns="http://www.w3.org/2000/svg" width="${LABEL_W + BAR_W + 60}" height="${height}" role="img" aria-label="Restricted and open instances by owner">
${groups.map(([label, c], i) => {
    const y = i * ROW_H;
    const w = (n: number) => (n / max) * BAR_W;
    const segments: [number, string, string][] = [[c.restricted, COLORS.restricted, 'restricted'], [c.open, COLORS.open, 'open'], [c.unknown, COLORS.unknown, 'unverified']];
    let x = LABEL_W;
    return html`<text x="${LABEL_W - 6}" y="${y + 15}" text-anchor="end" font-size="12">${truncate(label)}</text>${segments.map(([n, color, what]) => {
      const rect = n ? html`<rect x="${x}" y="${y + 3}" width="${w(n)}" height="${ROW_H - 6}" fill="${color}"><title>${label}: ${n} ${what}</title></rect>` : '';
      x += w(n);
      return rect;
    })}<text x="${x + 4}" y="${y + 15}" font-size="12">${c.restricted}/${c.instances}</text>
`;
  })}<g font-size="11"><rect x="${LABEL_W}" y="${height - 16}" width="10" height="10" fill="${COLORS.restricted}"/><text x="${LABEL_W + 14}" y="${height - 7}">restricted</text><rect x="${LABEL_W + 85}" y="${height - 16}" width="10" height="10" fill="${COLORS.open}"/><text x="${LABEL_W + 99}" y="${height - 7}">open</text><rect x="${LABEL_W + 140}" y="${height - 16}" width="10" height="10" fill="${COLORS.unknown}"/><text x="${LABEL_W + 154}" y="${height - 7}">unverified</text></g>
</svg>`;
}

/** Horizontal bars, one per label. */
function bars(rows: readonly [string, number][]): Html {
  const shown = rows.filter(([, n]) => n > 0);
  if (!shown.length) return html`<p class="muted">No findings.</p>`;
  const max = Math.max(...shown.map(([, n]) => n), 1);
  return html`<svg xmlns="http://www.w3.org/2000/svg" width="${LABEL_W + BAR_W + 60}" height="${shown.length * ROW_H}" role="img" aria-label="Findings by rule">
${shown.map(([label, n], i) => html`<text x="${LABEL_W - 6}" y="${i * ROW_H + 15}" text-anchor="end" font-size="12">${truncate(label)}</text><rect x="${LABEL_W}" y="${i * ROW_H + 3}" width="${(n / max) * BAR_W}" height="${ROW_H - 6}" fill="${COLORS.finding}"><title>${label}: ${n}</title></rect><text x="${LABEL_W + (n / max) * BAR_W + 4}" y="${i * ROW_H + 15}" font-size="12">${n}</text>
`)}</svg>`;
}

function truncate(label: string): string {
  return label.length > 24 ? `${label.slice(0, 23)}…` : label;
}
