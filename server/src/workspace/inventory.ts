// The inventory of an audit: the runs of the audited files that are entry points, their AI account instances
// (counted once per call and known loop iteration), and the counts of the summary. Also: each cause listed once.
//
// Entry points: a template no audited file calls (as a module or linked template) is deployed with its defaults;
// each parameter file of a template (a `.bicepparam` file, an ARM parameter file) is a run of its own, called or not;
// a template compiled from a Bicep file that is audited too is that file's deployment, not a second one.

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnalysisResult, Finding } from '../engine/analyze';
import type { RunInventory } from '../engine/inventory';
import { positionAt } from '../engine/text';
import type { DeployedInstance, EntryPoint, Inventory, InventorySummary, Place, RestrictionCounts } from '../../../shared/inventory';
import { uriToPath } from './node-host';

import { KIND_NOT_SET, NO_OWNER } from '../../../shared/inventory';

export { KIND_NOT_SET, NO_OWNER };

/** Builds the inventory from the analyses of an audit (made with `inventory: true`); `root` is the folder paths are relative to. */
export function buildInventory(results: readonly AnalysisResult[], root: string): Inventory {
  const relative = relativeTo(root);
  const runs = results.flatMap((r) => r.inventory ?? []);
  const audited = new Set(results.filter((r) => r.isTemplate).map((r) => r.file.uri));
  const called = new Set(runs.flatMap((r) => r.calls));
  const suppressedAt = new Map<string, Finding>();
  for (const r of results) for (const f of r.suppressed ?? []) suppressedAt.set(findingKey(f.ruleId, placeOf(f), f.loc.file.uri), f);
  const seen = new Set<string>();
  const entryPoints: EntryPoint[] = [];
  const instances: DeployedInstance[] = [];
  for (const run of runs) {
    if (!isEntry(run, called, audited)) continue;
    const runKey = `${run.template}\u0000${run.parameterFile?.uri ?? run.parameterFile?.name ?? ''}`;
    if (seen.has(runKey)) continue;
    seen.add(runKey);
    const template = relative(run.template);
    const parameterFile = run.parameterFile && (run.parameterFile.uri ? relative(run.parameterFile.uri) : run.parameterFile.name);
    const entry = parameterFile ? `${template}+${parameterFile}` : template;
    for (const instance of run.instances) {
      const { id, entryPoint: _entry, parameterFile: _parameterFile, findings, ...described } = instance;
      instances.push(relativePlaces({
        id: `${entry}${id}`,
        entryPoint: run.template,
        ...(run.parameterFile?.uri ? { parameterFile: run.parameterFile.uri } : {}),
        ...described,
        findings: findings.map((f) => {
          // A suppression another file's analysis saw (a module's own #disable-next-line) holds here too.
          const suppressed = f.suppression ? undefined : suppressedAt.get(findingKey(f.ruleId, f, f.file));
          return suppressed?.suppression ? { ...f, suppression: suppressed.suppression } : f;
        }),
      }, relative));
    }
    entryPoints.push({ template, ...(parameterFile ? { parameterFile } : {}), instances: run.instances.length, ...(run.truncated ? { truncated: true } : {}) });
  }
  return { root: dirUri(root), entryPoints, instances, summary: summarizeInventory(entryPoints, instances, results) };
}

function isEntry(run: RunInventory, called: ReadonlySet<string>, audited: ReadonlySet<string>): boolean {
  if (run.generatedFrom && audited.has(run.generatedFrom)) return false;
  return !!run.parameterFile || !called.has(run.template);
}

function summarizeInventory(entryPoints: readonly EntryPoint[], instances: readonly DeployedInstance[], results: readonly AnalysisResult[]): InventorySummary {
  const total = counts(instances);
  const group = (by: (i: DeployedInstance) => string) => {
    const groups = new Map<string, DeployedInstance[]>();
    for (const i of instances) {
      const k = by(i);
      const list = groups.get(k);
      if (list) list.push(i); else groups.set(k, [i]);
    }
    return Object.fromEntries([...groups].sort(([a], [b]) => a.localeCompare(b)).map(([k, list]) => [k, counts(list)]));
  };
  const byRule: Record<string, number> = {};
  const byLevel = { error: 0, warning: 0, info: 0 };
  const suppressedByRule: Record<string, number> = {};
  let findings = 0;
  let suppressed = 0;
  for (const r of results) {
    for (const f of r.findings) {
      findings++;
      byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
      byLevel[f.level]++;
    }
    for (const f of r.suppressed ?? []) {
      suppressed++;
      suppressedByRule[f.ruleId] = (suppressedByRule[f.ruleId] ?? 0) + 1;
    }
  }
  return {
    entryPoints: entryPoints.length,
    ...total,
    ...(total.instances ? { restrictedPercent: Math.floor((total.restricted / total.instances) * 100) } : {}),
    byKind: group((i) => i.kind ?? KIND_NOT_SET),
    byOwner: group((i) => i.owner ?? NO_OWNER),
    findings: { total: findings, byRule: sortedCounts(byRule), byLevel },
    suppressed: { total: suppressed, byRule: sortedCounts(suppressedByRule) },
  };
}

function counts(instances: readonly DeployedInstance[]): RestrictionCounts {
  let restricted = 0;
  let unknown = 0;
  for (const i of instances) {
    if (i.restricted === true) restricted++;
    else if (i.restricted === 'unknown') unknown++;
  }
  return { instances: instances.length, restricted, open: instances.length - restricted - unknown, unknown };
}

/** Most first, then by id: the order the summary sentence and the reports list them in. */
export function sortedCounts(byRule: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(byRule).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

/**
 * Each cause once: a finding reported in a template for a value written in another audited file (a `.bicepparam`
 * value) is dropped when that file's analysis reports the same finding where the value is written.
 * The editor keeps both (each open file shows what concerns it); an audit lists the cause once.
 */
export function oncePerCause(results: readonly AnalysisResult[]): AnalysisResult[] {
  const atCause = new Set<string>();
  for (const r of results) {
    for (const f of [...r.findings, ...r.suppressed ?? []]) if (f.site && sameLoc(f.site, f.loc)) atCause.add(causeKey(f));
  }
  if (!atCause.size) return [...results];
  const elsewhere = (f: Finding) => !!f.site && f.site.file.uri !== f.loc.file.uri && atCause.has(causeKey(f));
  return results.map((r) => {
    if (!r.findings.some(elsewhere) && !r.suppressed?.some(elsewhere)) return r;
    const suppressed = r.suppressed?.filter((f) => !elsewhere(f));
    return { ...r, findings: r.findings.filter((f) => !elsewhere(f)), ...(suppressed ? { suppressed } : {}) };
  });
}

function causeKey(f: Finding): string {
  return `${f.ruleId}\u0000${f.messageId}\u0000${JSON.stringify(f.data)}\u0000${f.site!.file.uri}\u0000${f.site!.start}\u0000${f.site!.end}`;
}

function sameLoc(a: Finding['loc'], b: Finding['loc']): boolean {
  return a.file.uri === b.file.uri && a.start === b.start && a.end === b.end;
}

function placeOf(f: Finding): { line: number; column: number } {
  const p = positionAt(f.loc.file.text, f.loc.start);
  return { line: p.line + 1, column: p.character + 1 };
}

function findingKey(ruleId: string, at: { line: number; column: number }, uri: string): string {
  return `${ruleId}\u0000${uri}\u0000${at.line}\u0000${at.column}`;
}

/** A copy with every place's file (an object with `file` and `line`), and the entry point's, relative. */
function relativePlaces<T>(value: T, relative: (uri: string) => string): T {
  if (Array.isArray(value)) return value.map((v) => relativePlaces(v, relative)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  const isPlace = typeof (value as Partial<Place>).file === 'string' && typeof (value as Partial<Place>).line === 'number';
  for (const [k, v] of Object.entries(value)) {
    out[k] = (k === 'file' && isPlace) || k === 'entryPoint' || k === 'parameterFile' ? relative(v as string) : relativePlaces(v, relative);
  }
  return out as T;
}

/** A file URI as a path relative to `root` with forward slashes; other URIs unchanged. */
export function relativeTo(root: string): (uri: string) => string {
  // Every place of an inventory names one of few files: each is made relative once.
  const known = new Map<string, string>();
  return (uri) => {
    let relative = known.get(uri);
    if (relative === undefined) {
      const file = uriToPath(uri);
      relative = file ? path.relative(root, file).split(path.sep).join('/') || path.basename(file) : uri;
      known.set(uri, relative);
    }
    return relative;
  };
}

function dirUri(dir: string): string {
  const href = pathToFileURL(path.resolve(dir)).href;
  return href.endsWith('/') ? href : `${href}/`;
}
