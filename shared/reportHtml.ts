// The report of an inventory as HTML, written once for both pages that show it: the report view in VS Code
// (client/src/reportView.ts) and the `--format html` file (server/src/report/html.ts), which each wrap it with their
// own style, script and Content-Security-Policy. KPI line and tiles, charts drawn as inline SVG, what to change for
// each open service, the instances with filters, the findings by rule. One escaping template (`html`): every value
// from a template -- names, tags, hosts, messages, paths -- goes through one escape. Places are links
// (`data-file`/`data-line`/`data-column`) in the view, which opens them; text in a page opened from disk.
// Written by hand: a templating or charting library would add more to the .vsix than these few functions.
// No imports beyond the inventory's: the client bundles this file.

import { KIND_NOT_SET, NO_OWNER, type DeployedInstance, type InstanceFinding, type Inventory, type InventorySummary, type Place, type RestrictionCounts } from './inventory';
import { chainText, entryText, ESTATE_GROUPS, estateKpi, kpiLine, networkLines, OPEN_MEANS, openInstances, placeText, plural, ruleRows, statusLabel, UNVERIFIED_NOTE, type EstateReport } from './report';

/** HTML already escaped (made by `html`, or wrapped by hand around trusted text). */
export class Html {
  constructor(readonly text: string) {}
  toString(): string { return this.text; }
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export interface DocumentParts {
  /** The Content-Security-Policy (a string is escaped as an attribute value; `Html` is written as it is). */
  readonly csp: string | Html;
  readonly title: string;
  readonly style: string;
  readonly body: Html;
  readonly script?: string;
  /** The nonce the policy allows the style and script by, when it allows them so (else by hash). */
  readonly nonce?: string;
}

/** A page of ours: its policy, title, one style and at most one script (the report view's, and the CLI's pages). */
export function htmlDocument(p: DocumentParts): Html {
  const nonce = p.nonce === undefined ? '' : html` nonce="${p.nonce}"`;
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${p.csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${p.title}</title>
<style${nonce}>${new Html(p.style)}</style>
</head>
<body>
${p.body}${p.script === undefined ? '' : html`<script${nonce}>${new Html(p.script)}</script>
`}</body>
</html>
`;
}

/** A template whose interpolations are escaped unless they are `Html`; arrays are joined; null, undefined and false are nothing. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0];
  values.forEach((v, i) => { out += render(v) + strings[i + 1]; });
  return new Html(out);
}

function render(v: unknown): string {
  if (v instanceof Html) return v.text;
  if (Array.isArray(v)) return v.map(render).join('');
  if (v === undefined || v === null || v === false) return '';
  return escapeHtml(String(v));
}

export interface ReportOptions {
  /** The line under the title (what was audited, when); by default the number of entry points. */
  readonly subtitle?: string;
  /** A warning above the KPI tiles (files that could not be checked). */
  readonly warning?: string;
  /** Places as links (`a.place`) the page's script opens (the report view); else as text. */
  readonly links?: boolean;
}

/**
 * The script of the instances' filters (owner, kind, status): a row stays shown when it matches every select.
 * Each page runs it under its own Content-Security-Policy.
 */
export const FILTER_SCRIPT = `
const selects = Array.from(document.querySelectorAll('select[data-key]'));
function apply() {
  for (const row of document.querySelectorAll('tbody#instances tr')) {
    row.hidden = selects.some((s) => s.value !== '' && row.dataset[s.dataset.key] !== s.value);
  }
}
for (const s of selects) s.addEventListener('change', apply);
`;

/** How places are shown: a link the report view opens, or text. */
type At = (p: Place, text?: string) => Html;

/** A link to a place (the report view opens the file there). */
export function placeLink(p: Place, text: string | Html = placeText(p)): Html {
  return html`<a href="#" class="place" data-file="${p.file}" data-line="${p.line}" data-column="${p.column}">${text}</a>`;
}

function placeRenderer(links: boolean | undefined): At {
  return links ? placeLink : (p, text = placeText(p)) => html`${text}`;
}

/** The body of the report: title, KPI line and tiles, charts, what to change, the instances, the findings by rule. */
export function reportBody(inventory: Inventory, options: ReportOptions = {}): Html {
  const s = inventory.summary;
  const at = placeRenderer(options.links);
  const open = openInstances(inventory.instances);
  return html`<h1>AI Egress Guard report</h1>
<p class="muted">${options.subtitle ?? plural(s.entryPoints, 'entry point')}</p>
<p class="kpi">${kpiLine(s)}</p>
${options.warning ? html`<p class="warning">${options.warning}</p>` : ''}
${kpiTiles(s)}
<div class="charts">
<figure><figcaption>Restricted and open, by owner</figcaption>${stackedBars(Object.entries(s.byOwner))}</figure>
<figure><figcaption>Findings by rule</figcaption>${bars(ruleRows(s).map((r) => [r.ruleId, r.findings]))}</figure>
</div>
<h2>What to change</h2>
${open.length ? open.map((i) => change(i, at)) : html`<p>${inventory.instances.length ? 'Nothing: every AI service restricts outbound network access.' : 'No AI service instances found.'}</p>`}
<h2>AI service instances</h2>
${instancesTable(inventory, at)}
<h2>Findings by rule</h2>
${findingsSection(inventory, at)}
`;
}

/** The KPI tiles: instances, % restricted (a dash for none), open, unverified, suppressed findings. */
export function kpiTiles(s: InventorySummary): Html {
  const tile = (label: string, value: string, tone: string, key: string) =>
    html`<div class="tile ${tone}" data-kpi="${key}"><b>${value}</b>${label}</div>`;
  return html`<div class="tiles">
${tile('AI service instances', String(s.instances), '', 'instances')}
${tile('restrict outbound access', s.restrictedPercent === undefined ? '–' : `${s.restrictedPercent}%`, s.restrictedPercent === 100 ? 'good' : s.instances ? 'bad' : '', 'restricted')}
${tile('open', String(s.open), s.open ? 'bad' : '', 'open')}
${tile('unverified', String(s.unknown), s.unknown ? 'warn' : '', 'unverified')}
${tile('suppressed findings', String(s.suppressed.total), '', 'suppressed')}
</div>`;
}

/** What to change for a service that is not restricted: its findings (warnings and errors), where each cause is written. */
function change(i: DeployedInstance, at: At): Html {
  const findings = i.findings.filter((f) => !f.suppression && f.level !== 'info');
  const missing = i.egress?.missing ?? [];
  const chain = chainText(i);
  return html`<div class="change" data-instance="${i.id}"><h3>${at(i.declaration, i.name)} <span class="muted">(${i.kind ?? KIND_NOT_SET}, owner ${i.owner ?? NO_OWNER}, ${statusLabel(i.restricted)})</span></h3>
<p class="muted">${placeText(i.declaration)}${chain ? ` via ${chain} from ${entryText(i)}` : ''}</p>
<ul>${findings.map((f) => html`<li>${f.message} <span class="muted">(${f.ruleId}, ${at(f)})</span></li>`)}${i.restricted === 'unknown' && !findings.length ? html`<li>${UNVERIFIED_NOTE}</li>` : ''}</ul>
${missing.length ? html`<p>Hosts it depends on that the allow-list lacks: ${missing.join(', ')}</p>` : ''}</div>
`;
}

function filter(label: string, key: string, values: readonly string[]): Html {
  return html`<label>${label} <select data-key="${key}"><option value="">all</option>${values.map((v) => html`<option value="${v}">${v}</option>`)}</select></label>`;
}

/** The instances with filters: service (its declaration; the calls it is deployed through), kind, owner, status, network, entry point, findings. */
function instancesTable(inventory: Inventory, at: At): Html {
  const { instances, summary } = inventory;
  if (!instances.length) return html`<p class="muted">No AI service instances found.</p>`;
  return html`<div class="filters">
${filter('Owner', 'owner', Object.keys(summary.byOwner))}
${filter('Kind', 'kind', Object.keys(summary.byKind))}
${filter('Status', 'status', ['open', 'unverified', 'restricted'])}
</div>
<table class="instances">
<thead><tr><th>Service</th><th>Kind</th><th>Owner</th><th>Status</th><th>Network</th><th>Entry point</th><th>Declared at</th><th>Findings</th></tr></thead>
<tbody id="instances">
${instances.map((i) => instanceRow(i, at))}</tbody>
</table>`;
}

function instanceRow(i: DeployedInstance, at: At): Html {
  const status = statusLabel(i.restricted);
  const owner = i.owner ?? NO_OWNER;
  const kind = i.kind ?? KIND_NOT_SET;
  const findings = i.findings.filter((f) => !f.suppression).length;
  const suppressed = i.findings.length - findings;
  const chain = chainText(i);
  return html`<tr data-instance="${i.id}" data-owner="${owner}" data-kind="${kind}" data-status="${status}"><td>${at(i.declaration, i.name)}${chain ? html`<div class="muted">via ${chain}</div>` : ''}</td><td>${kind}</td><td>${owner}</td><td class="${status}">${status}</td><td class="network">${networkLines(i.network).map((line) => html`<div>${line}</div>`)}</td><td>${entryText(i)}</td><td>${at(i.declaration)}</td><td class="n">${findings}${suppressed ? ` (+${suppressed} suppressed)` : ''}</td></tr>
`;
}

/** A finding of the audit (once per cause) with the instances it applies to. */
export interface CauseRow { readonly finding: InstanceFinding; readonly instances: readonly DeployedInstance[] }

/**
 * The findings of an audit by rule, each cause once (as the summary counts them): a module's parameter default
 * shared by three calls is one finding, for three instances (the message, naming one of them, is the first one's).
 */
export function findingsByRule(inventory: Inventory): Map<string, CauseRow[]> {
  const byKey = new Map<string, { finding: InstanceFinding; instances: DeployedInstance[] }>();
  const byRule = new Map<string, CauseRow[]>();
  for (const instance of inventory.instances) {
    for (const f of instance.findings) {
      const key = JSON.stringify([f.ruleId, f.file, f.line, f.column]);
      const row = byKey.get(key);
      if (row) {
        if (!row.instances.includes(instance)) row.instances.push(instance);
        continue;
      }
      const created = { finding: f, instances: [instance] };
      byKey.set(key, created);
      const list = byRule.get(f.ruleId);
      if (list) list.push(created); else byRule.set(f.ruleId, [created]);
    }
  }
  return byRule;
}

/** Findings by rule: the counts, then each finding (once per cause) at its place; suppressed ones with their justification. */
function findingsSection(inventory: Inventory, at: At): Html {
  const rows = ruleRows(inventory.summary);
  if (!rows.length) return html`<p class="muted">No findings.</p>`;
  const byRule = findingsByRule(inventory);
  return html`<table class="rules">
<thead><tr><th>Rule</th><th>Findings</th><th>Suppressed</th></tr></thead>
<tbody>
${rows.map((r) => html`<tr><td>${r.ruleId}</td><td class="n">${r.findings}</td><td class="n">${r.suppressed}</td></tr>
`)}</tbody>
</table>
${rows.map((r) => html`<h3>${r.ruleId}</h3>
<ul class="findings">${(byRule.get(r.ruleId) ?? []).map(({ finding: f, instances }) => html`<li class="${f.level}">${at(f)} ${f.message}${instances.length > 1 ? html` <span class="muted">(${instances.length} instances)</span>` : ''}${f.suppression ? html` <span class="muted">(suppressed${f.suppression.justification ? `: ${f.suppression.justification}` : ''})</span>` : ''}</li>`)}</ul>
`)}`;
}

const COLORS = { restricted: '#1a7f37', open: '#cf222e', unknown: '#bf8700', finding: '#0969da' };
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

/** The estate section (deployed accounts of exports): the KPI line, a table per group, then drift; in the report view and the `--format html` page. */
export function estateSection({ summary: s, drift }: EstateReport): Html {
  return html`<section id="estate">
<h2>Deployed AI accounts</h2>
<p class="kpi">${estateKpi(s)}</p>
<p class="muted">${OPEN_MEANS}</p>
${ESTATE_GROUPS.map(([label, key]) => html`<table data-group="${key}">
<thead><tr><th>By ${label}</th><th>Accounts</th><th>Restricted</th><th>Open</th></tr></thead>
<tbody>
${Object.entries(s[key]).map(([k, t]) => html`<tr><td>${k}</td><td class="n">${t.total}</td><td class="n">${t.restricted}</td><td class="n">${t.open}</td></tr>
`)}</tbody>
</table>
`)}${drift.length ? html`<h3>Drift from the templates (${drift.length})</h3>
<ul>${drift.map((d) => html`<li data-direction="${d.direction}">${d.place}: ${d.text} <span class="muted">Template: ${d.template}</span></li>`)}</ul>
` : ''}</section>
`;
}
