// Trend and mean time to remediate over a series of audits (the commits of a git history): per instance, when it
// first appeared, when it became open (not restricted, or a finding at warning or above) and when it was
// remediated; MTTR mean and median; open instances and % restricted at each week's end; new open instances per
// week. Rendered as text, JSON and an HTML section with the trend as an inline SVG line chart.

import * as path from 'node:path';
import type { Instance, Snapshot } from '../workspace/snapshot';
import { uriToPath } from '../workspace/node-host';
import { positionAt } from '../engine/text';

export interface Point {
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
  readonly commits: number;
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

export function historyOf(points: readonly Point[], root: string): History {
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
    key, name: s.name, where: whereOf(s.last, root), firstSeen: s.firstSeen, ...(s.removed !== undefined ? { removed: s.removed } : {}), episodes: s.episodes, openNow: s.present && s.open,
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
    commits: points.length,
    ...(points.length ? { from: points[0].time, to: points[points.length - 1].time } : {}),
    instances, remediations, ...(mttr ? { mttr } : {}), weeks,
  };
}

function closeLast(episodes: Episode[], time: number, end: 'remediated' | 'removed'): void {
  const last = episodes[episodes.length - 1];
  if (last && last.closed === undefined) episodes[episodes.length - 1] = { ...last, closed: time, end };
}

function whereOf(i: Instance, root: string): string {
  const file = uriToPath(i.record.loc.file.uri);
  const rel = file ? path.relative(root, file).split(path.sep).join('/') : i.record.loc.file.uri;
  return `${rel}:${positionAt(i.record.loc.file.text, i.record.loc.start).line + 1}`;
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

export interface HistoryRun { readonly walked: number; readonly analysed: number; readonly reused: number }

export function historyText(h: History, run: HistoryRun): string {
  const out = [
    h.from !== undefined
      ? `AI Egress Guard history: ${h.commits} commit${h.commits === 1 ? '' : 's'} that changed templates (of ${run.walked}), ${dateTime(h.from)} to ${dateTime(h.to!)} UTC`
      : `AI Egress Guard history: no commit of the ${run.walked} walked changed a template`,
    `File analyses: ${run.analysed} run, ${run.reused} reused (unchanged blobs).`,
  ];
  const open = h.instances.filter((i) => i.openNow).length;
  out.push(`AI services: ${h.instances.length} seen, ${open} open at the end. `
    + (h.mttr ? `Remediated ${h.remediations.length} time${h.remediations.length === 1 ? '' : 's'}: mean time to remediate ${duration(h.mttr.mean)}, median ${duration(h.mttr.median)}.` : 'Nothing was remediated in the period.'));
  if (h.weeks.length) {
    out.push('', 'Week of      Services  Restricted  Open  New open');
    for (const w of h.weeks) {
      out.push(`${date(w.start)}  ${String(w.services).padStart(8)}  ${`${w.restricted} (${percent(w.restricted, w.services)})`.padStart(10)}  ${String(w.open).padStart(4)}  ${String(w.newOpen).padStart(8)}`);
    }
  }
  if (h.instances.length) {
    out.push('', 'Instances:');
    for (const i of h.instances) {
      const events = [`first seen ${dateTime(i.firstSeen)}`];
      for (const e of i.episodes) {
        events.push(`open ${dateTime(e.opened)}`);
        if (e.end === 'remediated') events.push(`remediated ${dateTime(e.closed!)} (${duration(e.closed! - e.opened)})`);
      }
      if (i.removed !== undefined) events.push(`removed ${dateTime(i.removed)}`);
      else if (i.openNow) events.push('still open');
      out.push(`  '${i.name}'  ${i.where}  ${events.join(', ')}`);
    }
  }
  return `${out.join('\n')}\n`;
}

export function historyJson(h: History, run: HistoryRun): string {
  const iso = (t: number | undefined) => (t === undefined ? null : new Date(t * 1000).toISOString());
  return `${JSON.stringify({
    commits: { walked: run.walked, analysed: h.commits, from: iso(h.from), to: iso(h.to) },
    fileAnalyses: { run: run.analysed, reused: run.reused },
    mttrSeconds: h.mttr ? { mean: h.mttr.mean, median: h.mttr.median, remediations: h.remediations.length } : null,
    weeks: h.weeks.map((w) => ({ weekOf: date(w.start), services: w.services, restricted: w.restricted, open: w.open, newOpen: w.newOpen })),
    instances: h.instances.map((i) => ({
      name: i.name, where: i.where, firstSeen: iso(i.firstSeen), removed: iso(i.removed), openNow: i.openNow,
      episodes: i.episodes.map((e) => ({ opened: iso(e.opened), closed: iso(e.closed), end: e.end ?? null, seconds: e.closed === undefined ? null : e.closed - e.opened })),
    })),
  }, null, 2)}\n`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The trend as an inline SVG line chart: % restricted (left axis) and open instances (right axis) at each week's end. */
export function trendSvg(weeks: readonly Week[], width = 640, height = 220): string {
  const pad = 36;
  const w = width - 2 * pad;
  const h = height - 2 * pad;
  const maxOpen = Math.max(1, ...weeks.map((x) => x.open));
  const x = (i: number) => pad + (weeks.length > 1 ? (i * w) / (weeks.length - 1) : w / 2);
  const yPct = (v: number) => pad + h - (v / 100) * h;
  const yOpen = (v: number) => pad + h - (v / maxOpen) * h;
  const line = (ys: number[]) => ys.map((y, i) => `${x(i).toFixed(1)},${y.toFixed(1)}`).join(' ');
  const pct = weeks.map((k) => (k.services ? (k.restricted / k.services) * 100 : 0));
  const labels = weeks.map((k, i) => (i === 0 || i === weeks.length - 1 || weeks.length <= 8 ? `<text x="${x(i).toFixed(1)}" y="${height - 8}" text-anchor="middle" font-size="10">${date(k.start).slice(5)}</text>` : '')).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Percent restricted and open AI services per week" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`
    + `<rect x="${pad}" y="${pad}" width="${w}" height="${h}" fill="none" stroke="#ccc"/>`
    + `<text x="4" y="${pad}" font-size="10">100%</text><text x="4" y="${pad + h}" font-size="10">0%</text>`
    + `<text x="${width - pad + 4}" y="${pad}" font-size="10">${maxOpen}</text><text x="${width - pad + 4}" y="${pad + h}" font-size="10">0</text>`
    + `<polyline fill="none" stroke="#2e7d32" stroke-width="2" points="${line(pct.map(yPct))}"><title>% restricted</title></polyline>`
    + `<polyline fill="none" stroke="#c62828" stroke-width="2" stroke-dasharray="4 3" points="${line(weeks.map((k) => yOpen(k.open)))}"><title>open</title></polyline>`
    + `${labels}<text x="${pad}" y="14" font-size="11" fill="#2e7d32">— % restricted</text><text x="${pad + 110}" y="14" font-size="11" fill="#c62828">- - open</text></svg>`;
}

/** The history section of the HTML report: KPIs, the trend chart and the weekly table. */
export function historySection(h: History): string {
  const rows = h.weeks.map((w) => `<tr><td>${date(w.start)}</td><td>${w.services}</td><td>${w.restricted} (${percent(w.restricted, w.services)})</td><td>${w.open}</td><td>${w.newOpen}</td></tr>`).join('');
  const instances = h.instances.map((i) => `<tr><td>${escapeHtml(i.name)}</td><td>${escapeHtml(i.where)}</td><td>${dateTime(i.firstSeen)}</td><td>${i.episodes.filter((e) => e.end === 'remediated').map((e) => duration(e.closed! - e.opened)).join(', ') || '—'}</td><td>${i.openNow ? 'open' : i.removed !== undefined ? 'removed' : 'closed'}</td></tr>`).join('');
  return `<section id="history"><h2>Trend and time to remediate</h2>`
    + `<p>${h.mttr ? `Mean time to remediate <strong>${duration(h.mttr.mean)}</strong> (median ${duration(h.mttr.median)}) over ${h.remediations.length} remediation${h.remediations.length === 1 ? '' : 's'}.` : 'Nothing was remediated in the period.'}</p>`
    + trendSvg(h.weeks)
    + `<table><thead><tr><th>Week of</th><th>Services</th><th>Restricted</th><th>Open</th><th>New open</th></tr></thead><tbody>${rows}</tbody></table>`
    + `<table><thead><tr><th>AI service</th><th>Where</th><th>First seen</th><th>Time to remediate</th><th>Now</th></tr></thead><tbody>${instances}</tbody></table></section>`;
}

/** A self-contained page around the section (no script, no remote content), until the HTML report takes the section. */
export function historyHtml(h: History): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">`
    + `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`
    + `<title>AI Egress Guard history</title><style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left}</style>`
    + `</head><body><h1>AI Egress Guard history</h1>${historySection(h)}</body></html>\n`;
}
