// The report of an inventory as HTML: the KPI line and tiles, the table of instances and the findings by rule.
// Written for the report view in VS Code (client/src/reportView.ts) and meant to be shared by the `--format html`
// reporter (one escaping template, so every value from a template -- names, tags, hosts, messages, paths -- goes
// through one escape). Places are `data-file`/`data-line`/`data-column` attributes on links: the view makes them
// open the file; in a page opened from disk they do nothing. No imports beyond the inventory's types: the client
// bundles this file.

import { KIND_NOT_SET, NO_OWNER, type DeployedInstance, type InstanceFinding, type Inventory, type InventorySummary, type Place, type Restriction } from './inventory';

/** HTML already escaped (made by `html` or `raw`). */
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

/** "1 of 3 AI service instances (33%) restrict outbound network access: 1 open, 1 unverified"; never a percent of zero. */
export function kpiLine(s: InventorySummary): string {
  if (!s.instances) return 'No AI service instances found';
  const of = `${s.restricted} of ${s.instances} AI service instance${s.instances === 1 ? '' : 's'} (${s.restrictedPercent}%) restrict${s.instances === 1 ? 's' : ''} outbound network access`;
  return `${of}: ${s.open} open, ${s.unknown} unverified`;
}

export function statusLabel(r: Restriction): 'restricted' | 'open' | 'unverified' {
  return r === true ? 'restricted' : r === false ? 'open' : 'unverified';
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

/** A link to a place (the report view opens the file there). */
export function placeLink(p: Place, text: string | Html = placeText(p)): Html {
  return html`<a href="#" class="place" data-file="${p.file}" data-line="${p.line}" data-column="${p.column}">${text}</a>`;
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
      byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), created]);
    }
  }
  return byRule;
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

/** What is wrong with an instance: its findings not suppressed, each linked to where its cause is written. */
function whatIsWrong(i: DeployedInstance): Html {
  const findings = i.findings.filter((f) => !f.suppression);
  if (!findings.length) {
    return i.restricted === 'unknown' ? html`restrictOutboundNetworkAccess is only known at deployment: check the value passed for it.` : html`<span class="muted">nothing</span>`;
  }
  return html`<ul>${findings.map((f) => html`<li>${placeLink(f, f.message)} <span class="muted">(${f.ruleId})</span></li>`)}</ul>`;
}

/** The table of instances: name, kind, owner, declaration, status, what is wrong. A row's name opens its declaration. */
export function instancesTable(instances: readonly DeployedInstance[]): Html {
  if (!instances.length) return html`<p class="muted">No AI service instances found.</p>`;
  return html`<table class="instances">
<thead><tr><th>Service</th><th>Kind</th><th>Owner</th><th>Declared at</th><th>Status</th><th>What is wrong</th></tr></thead>
<tbody>
${instances.map((i) => {
    const status = statusLabel(i.restricted);
    const via = i.chain.length ? `${i.parameterFile ? `${i.entryPoint} with ${i.parameterFile}` : i.entryPoint} › ${i.chain.map((c) => c.name).join(' › ')}` : i.parameterFile ? `${i.entryPoint} with ${i.parameterFile}` : '';
    return html`<tr data-instance="${i.id}" data-status="${status}"><td>${placeLink(i.declaration, i.name)}${via ? html`<div class="muted">via ${via}</div>` : ''}</td><td>${i.kind ?? KIND_NOT_SET}</td><td>${i.owner ?? NO_OWNER}</td><td>${placeLink(i.declaration)}</td><td class="${status}">${status}</td><td>${whatIsWrong(i)}</td></tr>
`;
  })}</tbody>
</table>`;
}

/** Findings by rule: the counts, then each finding (once per cause) linked to its place; suppressed ones with their justification. */
export function findingsSection(inventory: Inventory): Html {
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
<ul class="findings">${(byRule.get(r.ruleId) ?? []).map(({ finding: f, instances }) => html`<li class="${f.level}">${placeLink(f)} ${f.message}${instances.length > 1 ? html` <span class="muted">(${instances.length} instances)</span>` : ''}${f.suppression ? html` <span class="muted">(suppressed${f.suppression.justification ? `: ${f.suppression.justification}` : ''})</span>` : ''}</li>`)}</ul>
`)}`;
}

/** The body of the report: KPI line and tiles, the instances, the findings by rule. */
export function reportBody(inventory: Inventory): Html {
  const s = inventory.summary;
  return html`<h1>AI Egress Guard report</h1>
<p class="muted">${s.entryPoints} entry point${s.entryPoints === 1 ? '' : 's'}</p>
<p class="kpi">${kpiLine(s)}</p>
${kpiTiles(s)}
<h2>AI service instances</h2>
${instancesTable(inventory.instances)}
<h2>Findings by rule</h2>
${findingsSection(inventory)}
`;
}
