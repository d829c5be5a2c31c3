// Change review: the audit at a base commit against the audit of the working tree (or a head commit), per AI
// service instance: added, removed or changed; allow-list hosts added and removed; outbound restriction and public
// network access before and after; the owner who must approve (before and after); new and fixed findings.
// Rendered as text, JSON and Markdown for a pull request comment.

import * as path from 'node:path';
import type { Level } from '../../../rules';
import { shortMessage, type Finding } from '../engine/analyze';
import type { Loc } from '../engine/model';
import { positionAt } from '../engine/text';
import type { FileProblem } from '../workspace/files';
import type { Instance, Snapshot } from '../workspace/snapshot';
import type { Place } from '../../../shared/inventory';
import { html, placeLink, type Html } from '../../../shared/reportHtml';
import { escapeMarkdown, markdownTable } from '../report/markdown';
import { uriToPath } from '../workspace/node-host';
import { hostDiff, locText, NO_OWNER } from './estate';

export interface Change<T> { readonly before: T; readonly after: T }

export interface InstanceChange {
  readonly status: 'added' | 'removed' | 'changed';
  readonly name: string;
  readonly kind?: string;
  /** The declaration after the change (before it, for a removed instance). */
  readonly loc: Loc;
  readonly entry: string;
  readonly chain: readonly string[];
  readonly hostsAdded: readonly string[];
  readonly hostsRemoved: readonly string[];
  readonly restricted?: Change<boolean | 'unknown'>;
  readonly publicNetworkAccess?: Change<string | undefined>;
  readonly name_?: Change<string>;
  readonly owner: { readonly before?: string; readonly after?: string };
  readonly newFindings: readonly Finding[];
  readonly fixedFindings: readonly Finding[];
}

export interface Review {
  readonly changes: readonly InstanceChange[];
  /** Every new and fixed finding, those of instances and the others. */
  readonly newFindings: readonly Finding[];
  readonly fixedFindings: readonly Finding[];
  /** Problems of the head: files that could not be (fully) checked. */
  readonly problems: readonly FileProblem[];
  /** Owners who must approve: of every added or changed instance (before and after) and every removed one. */
  readonly approvers: readonly string[];
  readonly hostsAdded: number;
  readonly hostsRemoved: number;
}

/**
 * How a finding is the same finding in two commits: its file, rule, message, resource and the text it points at,
 * not its line (lines move) nor the values in its message (an owner named in it may change).
 */
function findingKey(f: Finding): string {
  return `${f.loc.file.uri}\0${f.ruleId}\0${f.messageId}\0${f.resource}\0${f.loc.file.text.slice(f.loc.start, Math.min(f.loc.end, f.loc.start + 200))}`;
}

/** The findings of `a` that `b` does not have, counting repeats. */
function minus(a: readonly Finding[], b: readonly Finding[]): Finding[] {
  const counts = new Map<string, number>();
  for (const f of b) counts.set(findingKey(f), (counts.get(findingKey(f)) ?? 0) + 1);
  return a.filter((f) => {
    const n = counts.get(findingKey(f)) ?? 0;
    if (n > 0) { counts.set(findingKey(f), n - 1); return false; }
    return true;
  });
}

function hosts(i: Instance | undefined): readonly string[] {
  const list = i?.record.allowedFqdns;
  return Array.isArray(list) ? list : [];
}

function ownerOf(i: Instance | undefined): string | undefined {
  const owner = i?.record.owner;
  return owner === undefined ? undefined : owner === 'unknown' ? '(owner known only at deployment)' : owner;
}

export function review(base: Snapshot, head: Snapshot): Review {
  const changes: InstanceChange[] = [];
  const keys = [...new Set([...head.instances.keys(), ...base.instances.keys()])];
  for (const key of keys) {
    const before = base.instances.get(key);
    const after = head.instances.get(key);
    const now = (after ?? before)!;
    const { added, removed } = hostDiff(hosts(after), hosts(before));
    const newFindings = minus(after?.findings ?? [], before?.findings ?? []);
    const fixedFindings = minus(before?.findings ?? [], after?.findings ?? []);
    const restrictedChange = before && after && before.record.restricted !== after.record.restricted
      ? { before: before.record.restricted, after: after.record.restricted } : undefined;
    const pna = (i: Instance) => i.record.publicNetworkAccess;
    const pnaChange = before && after && (pna(before) ?? '').toLowerCase() !== (pna(after) ?? '').toLowerCase() ? { before: pna(before), after: pna(after) } : undefined;
    const nameChange = before && after && before.record.name !== after.record.name ? { before: before.record.name, after: after.record.name } : undefined;
    const owner = { before: ownerOf(before), after: ownerOf(after) };
    const status = !before ? 'added' : !after ? 'removed' : 'changed';
    if (status === 'changed' && !added.length && !removed.length && !restrictedChange && !pnaChange && !nameChange && owner.before === owner.after
      && !newFindings.length && !fixedFindings.length && before!.record.kind === after!.record.kind) continue;
    changes.push({
      status, name: now.record.name, ...(now.record.kind ? { kind: now.record.kind } : {}), loc: now.record.loc, entry: now.record.entry, chain: now.record.chain,
      hostsAdded: added, hostsRemoved: removed,
      ...(restrictedChange ? { restricted: restrictedChange } : {}), ...(pnaChange ? { publicNetworkAccess: pnaChange } : {}), ...(nameChange ? { name_: nameChange } : {}),
      owner, newFindings, fixedFindings,
    });
  }
  changes.sort((a, b) => order(a.status) - order(b.status) || a.loc.file.uri.localeCompare(b.loc.file.uri) || a.loc.start - b.loc.start);
  const all = (s: Snapshot) => s.results.flatMap((r) => r.findings);
  const approvers = new Set<string>();
  for (const c of changes) {
    if (c.status !== 'removed') approvers.add(c.owner.after ?? NO_OWNER);
    if (c.status !== 'added' && (c.status === 'removed' || c.owner.before !== c.owner.after)) approvers.add(c.owner.before ?? NO_OWNER);
  }
  return {
    changes,
    newFindings: minus(all(head), all(base)),
    fixedFindings: minus(all(base), all(head)),
    problems: head.problems,
    approvers: [...approvers].sort((a, b) => (a === NO_OWNER ? 1 : b === NO_OWNER ? -1 : a.localeCompare(b))),
    hostsAdded: changes.reduce((n, c) => n + c.hostsAdded.length, 0),
    hostsRemoved: changes.reduce((n, c) => n + c.hostsRemoved.length, 0),
  };
}

function order(status: InstanceChange['status']): number {
  return status === 'added' ? 0 : status === 'changed' ? 1 : 2;
}

const RANK: Record<Level, number> = { info: 1, warning: 2, error: 3 };

/** Exit 1 when the change adds a finding at or above `failOn`, adds allow-list hosts (when asked), or a file cannot be checked. */
export function reviewExitCode(r: Review, failOn: Level | 'none', failOnNewHosts: boolean): 0 | 1 {
  if (failOnNewHosts && r.hostsAdded > 0) return 1;
  if (failOn === 'none') return 0;
  const threshold = RANK[failOn];
  return r.newFindings.some((f) => RANK[f.level] >= threshold) || r.problems.some((p) => RANK[p.severity] >= threshold) ? 1 : 0;
}

export interface Sides {
  /** How the base and the head are named, e.g. `main (1a2b3c4)` and `working tree`. */
  readonly base: string;
  readonly head: string;
  /** Paths are shown relative to this folder. */
  readonly cwd: string;
}

const where = locText;

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function headline(r: Review): string {
  const count = (s: InstanceChange['status']) => r.changes.filter((c) => c.status === s).length;
  return `${plural(r.changes.length, 'AI service')} changed (${count('added')} added, ${count('removed')} removed, ${count('changed')} changed); `
    + `${plural(r.hostsAdded, 'allow-list host')} added, ${r.hostsRemoved} removed; ${plural(r.newFindings.length, 'new finding')}, ${r.fixedFindings.length} fixed.`;
}

function ownerText(c: InstanceChange): string {
  const before = c.owner.before ?? NO_OWNER;
  const after = c.owner.after ?? NO_OWNER;
  return c.status === 'added' ? after : c.status === 'removed' ? before : before === after ? after : `${before} → ${after}`;
}

/** What changed for an instance, one item per line. */
function details(c: InstanceChange): string[] {
  const out: string[] = [];
  if (c.name_) out.push(`name: ${c.name_.before} → ${c.name_.after}`);
  for (const h of c.hostsAdded) out.push(`+ allow-list host ${h}`);
  for (const h of c.hostsRemoved) out.push(`- allow-list host ${h}`);
  if (c.restricted) out.push(`restrictOutboundNetworkAccess: ${c.restricted.before} → ${c.restricted.after}`);
  if (c.publicNetworkAccess) out.push(`publicNetworkAccess: ${c.publicNetworkAccess.before ?? '(not set)'} → ${c.publicNetworkAccess.after ?? '(not set)'}`);
  return out;
}

export function reviewText(r: Review, sides: Sides): string {
  const out = [`AI Egress Guard review: ${sides.base} → ${sides.head}`, headline(r)];
  for (const c of r.changes) {
    out.push('', `${c.status.padEnd(8)} '${c.name}'${c.kind ? ` (${c.kind})` : ''}  ${where(c.loc, sides.cwd)}  owner: ${ownerText(c)}`);
    for (const d of details(c)) out.push(`  ${d}`);
    // Each finding's first sentence, as the text report shows it; the Markdown and JSON carry the whole message.
    for (const f of c.newFindings) out.push(`  new ${f.level}: ${shortMessage(f)} (${f.ruleId})`);
    for (const f of c.fixedFindings) out.push(`  fixed ${f.level}: ${shortMessage(f)} (${f.ruleId})`);
  }
  const attributed = new Set(r.changes.flatMap((c) => [...c.newFindings, ...c.fixedFindings]));
  const others = [...r.newFindings.filter((f) => !attributed.has(f)).map((f) => ['new', f] as const), ...r.fixedFindings.filter((f) => !attributed.has(f)).map((f) => ['fixed', f] as const)];
  if (others.length) {
    out.push('', 'Other findings:');
    for (const [kind, f] of others) out.push(`  ${where(f.loc, sides.cwd)}  ${kind} ${f.level}: ${shortMessage(f)} (${f.ruleId})`);
  }
  if (r.problems.length) {
    out.push('', 'Could not be checked completely:');
    for (const p of r.problems) out.push(`  ${path.relative(sides.cwd, p.path)}${p.line ? `:${p.line}` : ''}  ${p.severity}: ${p.message} (${p.code})`);
  }
  if (r.approvers.length) out.push('', `Approval needed from: ${r.approvers.join(', ')}`);
  return `${out.join('\n')}\n`;
}

/** A place of the review and how it is shown; `place` (relative to `cwd`) when it is in the head, so an editor can open it. */
interface At { readonly text: string; readonly place?: Place }

interface ReviewItem { readonly level: string; readonly ruleId: string; readonly at: At; readonly message: string }

/** What the Markdown and HTML reviews show, as text not yet escaped. */
interface ReviewModel {
  /** `main (1a2b3c4) → working tree`, from the ref names (escaped), then the headline (our words and counts). */
  readonly sides: string;
  readonly headline: string;
  readonly rows: readonly { readonly status: string; readonly name: string; readonly kind: string; readonly owner: string; readonly at: At; readonly what: readonly string[] }[];
  readonly lists: readonly (readonly [string, readonly ReviewItem[]])[];
  readonly approvers: readonly string[];
}

function reviewModel(r: Review, sides: Sides): ReviewModel {
  const at = (loc: Loc, inHead: boolean): At => {
    if (!inHead || !uriToPath(loc.file.uri)) return { text: where(loc, sides.cwd) };
    const p = positionAt(loc.file.text, loc.start);
    const text = where(loc, sides.cwd);
    return { text, place: { file: text.slice(0, text.lastIndexOf(':')), line: p.line + 1, column: p.character + 1 } };
  };
  const item = (f: Finding, inHead: boolean): ReviewItem => ({ level: f.level, ruleId: f.ruleId, at: at(f.loc, inHead), message: f.message });
  return {
    sides: `${sides.base} → ${sides.head}`,
    headline: headline(r),
    rows: r.changes.map((c) => ({
      status: c.status, name: c.name, kind: c.kind ?? '', owner: ownerText(c), at: at(c.loc, c.status !== 'removed'),
      what: [...details(c), ...c.newFindings.map((f) => `new ${f.level}: ${f.ruleId}`), ...c.fixedFindings.map((f) => `fixed: ${f.ruleId}`)],
    })),
    lists: [
      ['New findings', r.newFindings.map((f) => item(f, true))],
      ['Fixed findings', r.fixedFindings.map((f) => item(f, false))],
      ['Could not be checked completely', r.problems.map((p) => ({ level: p.severity, ruleId: p.code, at: { text: `${path.relative(sides.cwd, p.path).split(path.sep).join('/')}${p.line ? `:${p.line}` : ''}` }, message: p.message }))],
    ],
    approvers: r.approvers,
  };
}

const COLUMNS = ['Change', 'AI service', 'Kind', 'Owner (approves)', 'Where', 'What changed'];

export function reviewMarkdown(r: Review, sides: Sides): string {
  const m = reviewModel(r, sides);
  const out = ['## AI Egress Guard review', '', `${escapeMarkdown(m.sides)}: ${m.headline}`];
  if (m.rows.length) {
    out.push('', ...markdownTable(COLUMNS, m.rows.map((row) => [row.status, escapeMarkdown(row.name), escapeMarkdown(row.kind), escapeMarkdown(row.owner), escapeMarkdown(row.at.text), row.what.map(escapeMarkdown).join('<br>') || '—'])));
  }
  for (const [title, items] of m.lists) {
    if (!items.length) continue;
    out.push('', `### ${title}`, '');
    for (const i of items) out.push(`- **${i.level}** ${escapeMarkdown(i.ruleId)} at ${escapeMarkdown(i.at.text)}: ${escapeMarkdown(i.message)}`);
  }
  if (m.approvers.length) out.push('', `**Approval needed from:** ${m.approvers.map(escapeMarkdown).join(', ')}`);
  return `${out.join('\n')}\n`;
}

/**
 * The review as HTML (the body of `diff --format html` and of the editor's review view): the same content as the
 * Markdown, every value escaped by the one HTML template; places in the head are links the editor opens.
 */
export function reviewHtml(r: Review, sides: Sides): Html {
  const m = reviewModel(r, sides);
  const at = (a: At) => (a.place ? placeLink(a.place, a.text) : a.text);
  return html`<h1>AI Egress Guard review</h1>
<p class="muted">${m.sides}</p>
<p class="kpi">${m.headline}</p>
${m.rows.length ? html`<table class="review">
<thead><tr>${COLUMNS.map((c) => html`<th>${c}</th>`)}</tr></thead>
<tbody>
${m.rows.map((row) => html`<tr data-status="${row.status}"><td>${row.status}</td><td>${row.name}</td><td>${row.kind}</td><td>${row.owner}</td><td>${at(row.at)}</td><td>${row.what.length ? html`<ul>${row.what.map((w) => html`<li>${w}</li>`)}</ul>` : '—'}</td></tr>
`)}</tbody>
</table>
` : ''}${m.lists.filter(([, items]) => items.length).map(([title, items]) => html`<h2>${title}</h2>
<ul class="findings">${items.map((i) => html`<li data-level="${i.level}"><b>${i.level}</b> ${i.ruleId} at ${at(i.at)}: ${i.message}</li>`)}</ul>
`)}${m.approvers.length ? html`<p><b>Approval needed from:</b> ${m.approvers.join(', ')}</p>
` : ''}`;
}

/** The places of the review an editor may open (those in the head). */
export function reviewPlaces(r: Review, sides: Sides): Place[] {
  const m = reviewModel(r, sides);
  return [...m.rows.map((row) => row.at), ...m.lists.flatMap(([, items]) => items.map((i) => i.at))].flatMap((a) => (a.place ? [a.place] : []));
}

export function reviewJson(r: Review, sides: Sides): string {
  const finding = (f: Finding) => ({ file: where(f.loc, sides.cwd).replace(/:\d+$/, ''), line: positionAt(f.loc.file.text, f.loc.start).line + 1, level: f.level, ruleId: f.ruleId, resource: f.resource, message: f.message });
  return `${JSON.stringify({
    base: sides.base,
    head: sides.head,
    summary: {
      added: r.changes.filter((c) => c.status === 'added').length, removed: r.changes.filter((c) => c.status === 'removed').length,
      changed: r.changes.filter((c) => c.status === 'changed').length, hostsAdded: r.hostsAdded, hostsRemoved: r.hostsRemoved,
      newFindings: r.newFindings.length, fixedFindings: r.fixedFindings.length,
    },
    changes: r.changes.map((c) => ({
      status: c.status, name: c.name, kind: c.kind ?? null, file: where(c.loc, sides.cwd).replace(/:\d+$/, ''), line: positionAt(c.loc.file.text, c.loc.start).line + 1,
      chain: c.chain, owner: { before: c.owner.before ?? null, after: c.owner.after ?? null }, hostsAdded: c.hostsAdded, hostsRemoved: c.hostsRemoved,
      ...(c.restricted ? { restrictOutboundNetworkAccess: c.restricted } : {}),
      ...(c.publicNetworkAccess ? { publicNetworkAccess: { before: c.publicNetworkAccess.before ?? null, after: c.publicNetworkAccess.after ?? null } } : {}),
      ...(c.name_ ? { renamed: c.name_ } : {}),
      newFindings: c.newFindings.map(finding), fixedFindings: c.fixedFindings.map(finding),
    })),
    newFindings: r.newFindings.map(finding),
    fixedFindings: r.fixedFindings.map(finding),
    problems: r.problems.map((p) => ({ file: path.relative(sides.cwd, p.path), line: p.line ?? null, level: p.severity, ruleId: p.code, message: p.message })),
    approvers: r.approvers,
  }, null, 2)}\n`;
}
