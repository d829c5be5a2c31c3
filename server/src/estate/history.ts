// Trend and mean time to remediate over a series of audits (the commits of a git history, or exports of what is
// deployed taken at different times): per instance, when it first appeared, when it became open (not restricted,
// or a finding at warning or above) and when it was remediated; MTTR mean and median; open instances and %
// restricted at each week's end; new open instances per week. Rendered as text, JSON, Markdown and an HTML section
// with the trend as an inline SVG line chart.

import type { Instance, Snapshot } from '../workspace/snapshot';
import { html, type Html } from '../../../shared/reportHtml';
import { htmlPage } from '../report/html';
import { escapeMarkdown, markdownTable } from '../report/markdown';
import { locText } from './estate';

export interface Point {
  /** The commit, or the export file. */
  readonly commit: string;
  /** Seconds since the epoch. */
  readonly time: number;
  readonly snapshot: Snapshot;
}

export interface Episode {
  readonly opened: number;
  readonly closed?: number;
  /** How it ended: fixed in place, or the instance was removed while open (not a remediation). */
  readonly end?: 'remediated' | 'removed';
}

export interface InstanceHistory {
  readonly key: string;
  readonly name: string;
  /** `file:line` of the declaration, relative to the repository root, when last seen. */
  readonly where: string;
  readonly firstSeen: number;
  readonly removed?: number;
  readonly episodes: readonly Episode[];
  readonly openNow: boolean;
}

export interface Week {
  /** Monday 00:00 UTC, seconds since the epoch. */
  readonly start: number;
  readonly services: number;
  readonly restricted: number;
  readonly open: number;
  /** Instances that first appeared this week and were open when they did. */
  readonly newOpen: number;
}

export interface History {
  /** How many audits (commits or exports) the history is made of. */
  readonly points: number;
  readonly from?: number;
  readonly to?: number;
  readonly instances: readonly InstanceHistory[];
  /** Durations (seconds) of the episodes remediated in the period. */
  readonly remediations: readonly number[];
  readonly mttr?: { readonly mean: number; readonly median: number };
  readonly weeks: readonly Week[];
}

/** Open: may reach any host (restriction not on) or has a finding at warning or above. */
export function isOpen(i: Instance): boolean {
  return i.record.restricted !== true || i.findings.some((f) => f.level !== 'info');
}

const WEEK = 7 * 24 * 3600;

/** The Monday 00:00 UTC of the week of `time`. */
export function weekStart(time: number): number {
  const day = Math.floor(time / 86400);
  // 1970-01-01 was a Thursday: Monday is day 4 of that week (0 = Monday).
  const weekday = (day + 3) % 7;
  return (day - weekday) * 86400;
}

/** `where`: how an instance is named in the report; by default its declaration, relative to `root`. */
export function historyOf(points: readonly Point[], root: string, where: (i: Instance) => string = (i) => locText(i.record.loc, root)): History {
  interface State { name: string; last: Instance; firstSeen: number; removed?: number; episodes: Episode[]; present: boolean; open: boolean; order: number }
  const states = new Map<string, State>();
  const firstOpen = new Map<string, boolean>();
  let order = 0;
  for (const point of points) {
    const seen = new Set<string>();
    for (const [key, instance] of point.snapshot.instances) {
      seen.add(key);
      const open = isOpen(instance);
      let state = states.get(key);
      if (!state) {
        state = { name: instance.record.name, last: instance, firstSeen: point.time, episodes: [], present: false, open: false, order: order++ };
        states.set(key, state);
        firstOpen.set(key, open);
      }
      state.name = instance.record.name;
      state.last = instance;
      if (open && (!state.present || !state.open)) state.episodes.push({ opened: point.time });
      else if (!open && state.present && state.open) closeLast(state.episodes, point.time, 'remediated');
      state.present = true;
      state.removed = undefined;
      state.open = open;
    }
    for (const [key, state] of states) {
      if (seen.has(key) || !state.present) continue;
      if (state.open) closeLast(state.episodes, point.time, 'removed');
      state.present = false;
      state.open = false;
      state.removed = point.time;
    }
  }
  const instances: InstanceHistory[] = [...states].sort((a, b) => a[1].order - b[1].order).map(([key, s]) => ({
    key, name: s.name, where: where(s.last), firstSeen: s.firstSeen, ...(s.removed !== undefined ? { removed: s.removed } : {}), episodes: s.episodes, openNow: s.present && s.open,
  }));
  const remediations = instances.flatMap((i) => i.episodes.filter((e) => e.end === 'remediated').map((e) => e.closed! - e.opened));
  const sorted = [...remediations].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const mttr = sorted.length ? { mean: sorted.reduce((a, b) => a + b, 0) / sorted.length, median: sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2 } : undefined;
  const weeks: Week[] = [];
  if (points.length) {
    let p = 0;
    for (let start = weekStart(points[0].time); start <= points[points.length - 1].time; start += WEEK) {
      while (p + 1 < points.length && points[p + 1].time < start + WEEK) p++;
      const state = [...points[p].snapshot.instances.values()];
      const newOpen = [...states].filter(([key, s]) => s.firstSeen >= start && s.firstSeen < start + WEEK && firstOpen.get(key)).length;
      weeks.push({ start, services: state.length, restricted: state.filter((i) => i.record.restricted === true).length, open: state.filter(isOpen).length, newOpen });
    }
  }
  return {
    points: points.length,
    ...(points.length ? { from: points[0].time, to: points[points.length - 1].time } : {}),
    instances, remediations, ...(mttr ? { mttr } : {}), weeks,
  };
}

function closeLast(episodes: Episode[], time: number, end: 'remediated' | 'removed'): void {
  const last = episodes[episodes.length - 1];
  if (last && last.closed === undefined) episodes[episodes.length - 1] = { ...last, closed: time, end };
}

/** `2026-01-05 10:00` (UTC). */
export function dateTime(time: number): string {
  return new Date(time * 1000).toISOString().slice(0, 16).replace('T', ' ');
}

function date(time: number): string {
  return new Date(time * 1000).toISOString().slice(0, 10);
}

/** `2d 4h 30m`, `45m`, `0m`. */
export function duration(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  return [d ? `${d}d` : '', h ? `${h}h` : '', m || (!d && !h) ? `${m}m` : ''].filter(Boolean).join(' ');
}

function percent(n: number, of: number): string {
  return of ? `${Math.round((n / of) * 100)}%` : '—';
}

/** What a history was made from: the commits walked (and the file analyses they took), or exports of what is deployed. */
export type HistoryRun =
  | { readonly kind?: 'git'; readonly walked: number; readonly analysed: number; readonly reused: number }
  | { readonly kind: 'exports'; readonly exports: readonly ExportTime[] };

/** An export and its time: from `--at`, from its `exportedAt` field, or the file's modification time. */
export interface ExportTime { readonly file: string; readonly time: number; readonly from: 'option' | 'field' | 'mtime' }

const TIME_FROM: Record<ExportTime['from'], string> = { option: '--at', field: 'exportedAt', mtime: 'file modified' };

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The first lines: what the history is made of and its period (the first without the report's name). */
function heading(h: History, run: HistoryRun): string[] {
  const period = h.from !== undefined ? `, ${dateTime(h.from)} to ${dateTime(h.to!)} UTC` : '';
  if (run.kind === 'exports') {
    return [
      `${plural(h.points, 'export')} of deployed accounts${period}`,
      `Exports: ${run.exports.map((e) => `${e.file} ${dateTime(e.time)} (${TIME_FROM[e.from]})`).join(', ')}.`,
      'Times are those of the exports: an account fixed between two exports counts as fixed at the later one.',
    ];
  }
  return [
    h.from !== undefined ? `${plural(h.points, 'commit')} that changed templates (of ${run.walked})${period}` : `no commit of the ${run.walked} walked changed a template`,
    `File analyses: ${run.analysed} run, ${run.reused} reused (unchanged blobs).`,
  ];
}

/** "AI services: 3 seen, 1 open at the end. Remediated 2 times: mean time to remediate 2d 3h, median 2d 3h." */
function kpi(h: History): string {
  const open = h.instances.filter((i) => i.openNow).length;
  return `AI services: ${h.instances.length} seen, ${open} open at the end. `
    + (h.mttr ? `Remediated ${h.remediations.length} time${h.remediations.length === 1 ? '' : 's'}: mean time to remediate ${duration(h.mttr.mean)}, median ${duration(h.mttr.median)}.` : 'Nothing was remediated in the period.');
}

/** An instance's timeline in words: first seen, each time it was opened and remediated, removed or still open. */
function events(i: InstanceHistory): string[] {
  const out = [`first seen ${dateTime(i.firstSeen)}`];
  for (const e of i.episodes) {
    out.push(`open ${dateTime(e.opened)}`);
    if (e.end === 'remediated') out.push(`remediated ${dateTime(e.closed!)} (${duration(e.closed! - e.opened)})`);
  }
  if (i.removed !== undefined) out.push(`removed ${dateTime(i.removed)}`);
  else if (i.openNow) out.push('still open');
  return out;
}

function remediationTimes(i: InstanceHistory): string {
  return i.episodes.filter((e) => e.end === 'remediated').map((e) => duration(e.closed! - e.opened)).join(', ') || '—';
}

function now(i: InstanceHistory): string {
  return i.openNow ? 'open' : i.removed !== undefined ? 'removed' : 'not open';
}

export function historyText(h: History, run: HistoryRun): string {
  const [first, ...rest] = heading(h, run);
  const out = [`AI Egress Guard history: ${first}`, ...rest, kpi(h)];
  if (h.weeks.length) {
    out.push('', 'Week of      Services  Restricted  Open  New open');
    for (const w of h.weeks) {
      out.push(`${date(w.start)}  ${String(w.services).padStart(8)}  ${`${w.restricted} (${percent(w.restricted, w.services)})`.padStart(10)}  ${String(w.open).padStart(4)}  ${String(w.newOpen).padStart(8)}`);
    }
  }
  if (h.instances.length) {
    out.push('', 'Instances:');
    for (const i of h.instances) out.push(`  '${i.name}'  ${i.where}  ${events(i).join(', ')}`);
  }
  return `${out.join('\n')}\n`;
}

export function historyJson(h: History, run: HistoryRun): string {
  const iso = (t: number | undefined) => (t === undefined ? null : new Date(t * 1000).toISOString());
  const source = run.kind === 'exports'
    ? { exports: { count: h.points, from: iso(h.from), to: iso(h.to), files: run.exports.map((e) => ({ file: e.file, time: iso(e.time), timeFrom: e.from })) } }
    : { commits: { walked: run.walked, analysed: h.points, from: iso(h.from), to: iso(h.to) }, fileAnalyses: { run: run.analysed, reused: run.reused } };
  return `${JSON.stringify({
    ...source,
    mttrSeconds: h.mttr ? { mean: h.mttr.mean, median: h.mttr.median, remediations: h.remediations.length } : null,
    weeks: h.weeks.map((w) => ({ weekOf: date(w.start), services: w.services, restricted: w.restricted, open: w.open, newOpen: w.newOpen })),
    instances: h.instances.map((i) => ({
      name: i.name, where: i.where, firstSeen: iso(i.firstSeen), removed: iso(i.removed), openNow: i.openNow,
      episodes: i.episodes.map((e) => ({ opened: iso(e.opened), closed: iso(e.closed), end: e.end ?? null, seconds: e.closed === undefined ? null : e.closed - e.opened })),
    })),
  }, null, 2)}\n`;
}

/** The history as Markdown (a pull request comment, a job summary): the KPIs, the weekly trend and each instance's timeline, escaped. */
export function historyMarkdown(h: History, run: HistoryRun): string {
  const out = ['## AI Egress Guard history', '', ...heading(h, run).map(escapeMarkdown).join('  \n').split('\n'), '', `**${escapeMarkdown(kpi(h))}**`];
  if (h.weeks.length) {
    out.push('', '### Week by week', '', ...markdownTable(['Week of', 'Services', 'Restricted', 'Open', 'New open'],
      h.weeks.map((w) => [date(w.start), w.services, `${w.restricted} (${percent(w.restricted, w.services)})`, w.open, w.newOpen])));
  }
  if (h.instances.length) {
    out.push('', '### Instances', '', ...markdownTable(['AI service', 'Where', 'Timeline', 'Time to remediate', 'Now'],
      h.instances.map((i) => [escapeMarkdown(i.name), escapeMarkdown(i.where), escapeMarkdown(events(i).join(', ')), remediationTimes(i), now(i)])));
  }
  return `${out.join('\n')}\n`;
}

/** The trend as an inline SVG line chart: % restricted (left axis) and open instances (right axis) at each week's end. */
export function trendSvg(weeks: readonly Week[], width = 640, height = 220): Html {
  const pad = 36;
  const w = width - 2 * pad;
  const h = height - 2 * pad;
  const maxOpen = Math.max(1, ...weeks.map((x) => x.open));
  const x = (i: number) => pad + (weeks.length > 1 ? (i * w) / (weeks.length - 1) : w / 2);
  const yPct = (v: number) => pad + h - (v / 100) * h;
  const yOpen = (v: number) => pad + h - (v / maxOpen) * h;
  const line = (ys: number[]) => ys.map((y, i) => `${x(i).toFixed(1)},${y.toFixed(1)}`).join(' ');
  const pct = weeks.map((k) => (k.services ? (k.restricted / k.services) * 100 : 0));
  const labels = weeks.map((k, i) => (i === 0 || i === weeks.length - 1 || weeks.length <= 8 ? html`<text x="${x(i).toFixed(1)}" y="${height - 8}" text-anchor="middle" font-size="10">${date(k.start).slice(5)}</text>` : ''));
  return html`<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Percent restricted and open AI services per week" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">\
<rect x="${pad}" y="${pad}" width="${w}" height="${h}" fill="none" stroke="#ccc"/>\
<text x="4" y="${pad}" font-size="10">100%</text><text x="4" y="${pad + h}" font-size="10">0%</text>\
<text x="${width - pad + 4}" y="${pad}" font-size="10">${maxOpen}</text><text x="${width - pad + 4}" y="${pad + h}" font-size="10">0</text>\
<polyline fill="none" stroke="#2e7d32" stroke-width="2" points="${line(pct.map(yPct))}"><title>% restricted</title></polyline>\
<polyline fill="none" stroke="#c62828" stroke-width="2" stroke-dasharray="4 3" points="${line(weeks.map((k) => yOpen(k.open)))}"><title>open</title></polyline>\
${labels}<text x="${pad}" y="14" font-size="11" fill="#2e7d32">— % restricted</text><text x="${pad + 110}" y="14" font-size="11" fill="#c62828">- - open</text></svg>`;
}

/** The history section of the HTML report: the KPIs, the trend chart, the weekly table and each instance's timeline; every value escaped. */
export function historySection(h: History, run: HistoryRun): Html {
  return html`<section id="history">
<h2>Trend and time to remediate</h2>
${heading(h, run).map((line) => html`<p class="muted">${line}</p>
`)}<p class="kpi">${kpi(h)}</p>
${h.weeks.length ? html`<figure><figcaption>% restricted and open AI services at each week's end (UTC)</figcaption>${trendSvg(h.weeks)}</figure>
<table>
<thead><tr><th>Week of</th><th>Services</th><th>Restricted</th><th>Open</th><th>New open</th></tr></thead>
<tbody>
${h.weeks.map((w) => html`<tr><td>${date(w.start)}</td><td class="n">${w.services}</td><td class="n">${w.restricted} (${percent(w.restricted, w.services)})</td><td class="n">${w.open}</td><td class="n">${w.newOpen}</td></tr>
`)}</tbody>
</table>
` : ''}${h.instances.length ? html`<table>
<thead><tr><th>AI service</th><th>Where</th><th>Timeline</th><th>Time to remediate</th><th>Now</th></tr></thead>
<tbody>
${h.instances.map((i) => html`<tr data-now="${now(i)}"><td>${i.name}</td><td>${i.where}</td><td>${events(i).join(', ')}</td><td>${remediationTimes(i)}</td><td class="${i.openNow ? 'open' : ''}">${now(i)}</td></tr>
`)}</tbody>
</table>
` : ''}</section>
`;
}

/** `history --format html`: the section as one page, of the HTML report's style and policy (no script, nothing remote). */
export function historyHtml(h: History, run: HistoryRun): string {
  return htmlPage('AI Egress Guard history', html`<h1>AI Egress Guard history</h1>
${historySection(h, run)}`);
}
