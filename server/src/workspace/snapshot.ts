// Auditing a tree of files as it is at one commit (or in the working tree), and the AI service instances it
// deploys. Results are cached by the file's blob id, its settings, and the blob ids of every file its analysis
// read (modules, parameter files, the Bicep source beside a compiled template) and the folder listings it
// looked at: a commit that changes two files re-analyses those two and the files that read them, nothing else.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import picomatch from 'picomatch';
import type { Rule } from '../../../rules';
import { analyze, fileKindOf, type AnalysisResult, type FileHost, type Finding } from '../engine/analyze';
import { findConfig, mergeSettings, type ConfigFile, type Settings } from '../engine/config';
import { offsetAt, positionAt } from '../engine/text';
import type { Loc, SourceFile } from '../engine/model';
import { buildInventory, oncePerCause } from './inventory';
import { CONFIG_FILE_NAMES, SKIPPED_DIRS, sourceFromBuffer, tooLarge, type FileProblem } from './files';
import { nodeFileHost, uriToPath } from './node-host';

/** The files of a commit (or of the working tree), by path relative to the repository root, `/`-separated. */
export interface Tree {
  readonly paths: readonly string[];
  /** A content id (git blob id) for caching; undefined when the content has none (a file on disk). */
  idOf(rel: string): string | undefined;
  read(rel: string): Buffer | undefined;
}

/**
 * A deployed AI service instance of the inventory (shared/inventory.ts: entry point + call chain + symbolic name),
 * with what a review compares and the findings about it as the audit's findings.
 */
export interface Instance {
  /** The inventory id: stable across commits. */
  readonly key: string;
  readonly record: {
    readonly name: string;
    readonly kind?: string;
    readonly restricted: boolean | 'unknown';
    readonly allowedFqdns?: readonly string[] | 'unknown';
    readonly publicNetworkAccess?: string;
    readonly owner?: string;
    /** The declaration. */
    readonly loc: Loc;
    readonly entry: string;
    readonly chain: readonly string[];
  };
  /** Findings about it, not suppressed. */
  readonly findings: readonly Finding[];
}

export interface Snapshot {
  readonly results: readonly AnalysisResult[];
  readonly problems: readonly FileProblem[];
  readonly instances: ReadonlyMap<string, Instance>;
}

export interface SnapshotOptions {
  /** The repository's top folder: file URIs are made from it, so results of different commits compare. */
  readonly root: string;
  /** Settings over the config files' (CLI flags). */
  readonly overrides?: Partial<Settings>;
  /** Paths (relative to the root) to audit; everything when empty. */
  readonly paths?: readonly string[];
  /** Globs (relative to the root) of files to skip, beside the config files' `exclude`. */
  readonly exclude?: readonly string[];
  readonly rules?: readonly Rule[];
  readonly moduleCacheUri?: string;
  /** Asked before each file: true stops the audit with AuditCancelled (the editor's review, cancelled). */
  readonly cancelled?: () => boolean;
}

/** Thrown by an audit whose `cancelled` said so. */
export class AuditCancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

interface CacheEntry {
  /** What the analysis read: `path → blob id` (null: absent), and `dir/ → listing`. */
  readonly deps: readonly (readonly [string, string | null])[];
  readonly result: AnalysisResult;
}

/** Audits trees one after another, reusing the analysis of every file whose inputs did not change. */
export class SnapshotAuditor {
  /** File analyses run, and reused from the cache. */
  readonly stats = { analysed: 0, reused: 0 };
  private readonly cache = new Map<string, CacheEntry[]>();
  private readonly exclude: (rel: string) => boolean;

  constructor(private readonly options: SnapshotOptions) {
    const globs = options.exclude ?? [];
    const matcher = globs.length ? picomatch(globs as string[], { dot: true }) : undefined;
    this.exclude = (rel) => matcher?.(rel) ?? false;
  }

  private abs(rel: string): string {
    return path.join(this.options.root, ...rel.split('/'));
  }

  private relOf(uri: string): string | undefined {
    const file = uriToPath(uri);
    if (!file) return undefined;
    const rel = path.relative(this.options.root, file);
    return rel.startsWith('..') || path.isAbsolute(rel) ? undefined : rel.split(path.sep).join('/');
  }

  /** The files a tree has to audit: template file types, not config files, not under node_modules or .git, within the paths. */
  private selected(tree: Tree, excludeOf: (rel: string) => readonly string[]): string[] {
    const prefixes = (this.options.paths ?? []).map((p) => p.replace(/\/+$/, '')).filter((p) => p !== '' && p !== '.');
    return tree.paths.filter((rel) => {
      const parts = rel.split('/');
      if (parts.some((p) => SKIPPED_DIRS.has(p)) || CONFIG_FILE_NAMES.has(parts[parts.length - 1]) || !fileKindOf(rel)) return false;
      if (prefixes.length && !prefixes.some((p) => rel === p || rel.startsWith(`${p}/`))) return false;
      if (this.exclude(rel)) return false;
      const configExclude = excludeOf(rel);
      return !configExclude.length || !picomatch(configExclude as string[], { dot: true })(rel);
    }).sort();
  }

  /** Config files of the last tree audited (their paths and blob ids), and what was found for each folder. */
  private configState: { fingerprint: string; configs: Map<string, ConfigFile | undefined>; problems: Map<string, FileProblem>; settings: Map<string, Settings> } | undefined;
  private readonly settingsKeys = new WeakMap<Settings, string>();

  audit(tree: Tree): Snapshot {
    const listings = listingsOf(tree.paths);
    const text = (rel: string) => tree.read(rel)?.toString('utf8');
    // The same config files as the last tree (most commits): the same settings for every folder.
    const fingerprint = tree.paths.filter((p) => CONFIG_FILE_NAMES.has(p.slice(p.lastIndexOf('/') + 1))).map((p) => `${p}\0${tree.idOf(p) ?? '?'}`).join('\0');
    if (this.configState?.fingerprint !== fingerprint || fingerprint.includes('?')) this.configState = { fingerprint, configs: new Map(), problems: new Map(), settings: new Map() };
    const { configs, problems: configProblems, settings: settingsCache } = this.configState;
    const configFor = (rel: string): ConfigFile | undefined => {
      const dir = path.dirname(this.abs(rel));
      if (!configs.has(dir)) {
        const config = findConfig(dir, (p) => { const r = this.relOf(pathToFileURL(p).href); return r === undefined ? undefined : text(r); }, path.join, path.dirname);
        configs.set(dir, config);
        for (const issue of config?.issues ?? []) {
          configProblems.set(`${config!.path}:${issue.line}:${issue.column}`, { path: config!.path, code: 'parse-error', severity: 'error', message: `config file: ${issue.message}`, line: issue.line, column: issue.column });
        }
      }
      return configs.get(dir);
    };
    const settingsFor = (rel: string): Settings => {
      const dir = rel.slice(0, Math.max(0, rel.lastIndexOf('/')));
      let settings = settingsCache.get(dir);
      if (!settings) settingsCache.set(dir, (settings = mergeSettings(configFor(rel)?.settings ?? {}, this.options.overrides ?? {})));
      return settings;
    };
    const settingsKey = (settings: Settings) => {
      let key = this.settingsKeys.get(settings);
      if (key === undefined) this.settingsKeys.set(settings, (key = JSON.stringify(settings)));
      return key;
    };
    const results: AnalysisResult[] = [];
    const problems: FileProblem[] = [];
    const disk = nodeFileHost();
    for (const rel of this.selected(tree, (rel) => settingsFor(rel).exclude)) {
      if (this.options.cancelled?.()) throw new AuditCancelled();
      const settings = settingsFor(rel);
      const id = tree.idOf(rel);
      const key = id === undefined ? undefined : `${rel}\0${id}\0${settingsKey(settings)}`;
      const depOk = ([dep, value]: readonly [string, string | null]) => (dep.endsWith('/') ? listings.get(dep.slice(0, -1))?.join('/') ?? null : tree.idOf(dep) ?? null) === value;
      const cached = key === undefined ? undefined : this.cache.get(key)?.find((e) => e.deps.every(depOk));
      let result: AnalysisResult | undefined;
      if (cached) {
        this.stats.reused++;
        result = cached.result;
      } else {
        const buffer = tree.read(rel);
        const abs = this.abs(rel);
        const large = buffer && tooLarge(buffer.length, () => buffer.subarray(0, 4096).toString('utf8'));
        const { file, problem } = !buffer ? { file: undefined, problem: { code: 'unreadable-file' as const, severity: 'error' as const, message: 'cannot read' } }
          : large ? { file: undefined, problem: large } : sourceFromBuffer(abs, buffer);
        if (problem || !file) {
          problems.push({ path: abs, ...problem! });
          continue;
        }
        this.stats.analysed++;
        const deps: [string, string | null][] = [];
        const host: FileHost = {
          readFile: (uri) => {
            const r = this.relOf(uri);
            // Outside the repository (Bicep's module cache): read from disk, as the audit of the working tree does.
            if (r === undefined) return disk.readFile(uri);
            deps.push([r, tree.idOf(r) ?? null]);
            return text(r);
          },
          listDir: (uri) => {
            const r = this.relOf(uri);
            if (r === undefined) return disk.listDir?.(uri);
            const names = listings.get(r);
            deps.push([`${r}/`, names?.join('/') ?? null]);
            return names;
          },
        };
        result = analyze(file, { settings, host, fixes: false, inventory: true, rules: this.options.rules, moduleCacheUri: this.options.moduleCacheUri });
        if (key !== undefined) {
          const list = this.cache.get(key);
          const entry = { deps, result };
          if (list) list.push(entry); else this.cache.set(key, [entry]);
        }
      }
      results.push(result);
      for (const p of result.problems) {
        const start = positionAt(result.file.text, p.start);
        const end = positionAt(result.file.text, p.end);
        problems.push({ path: this.abs(rel), code: p.code, severity: p.severity, message: p.message, line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 });
      }
    }
    problems.push(...configProblems.values());
    // Each cause once, as the audit lists it (a .bicepparam value is not reported in its template too).
    const once = oncePerCause(results);
    return { results: once, problems, instances: instancesOf(once, this.options.root) };
  }
}

/** Names in each folder of a tree (`''` is the root), sorted. */
function listingsOf(paths: readonly string[]): Map<string, string[]> {
  const sets = new Map<string, Set<string>>();
  for (const rel of paths) {
    const parts = rel.split('/');
    for (let i = 0; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      let set = sets.get(dir);
      if (!set) sets.set(dir, (set = new Set()));
      set.add(parts[i]);
    }
  }
  return new Map([...sets].map(([dir, names]) => [dir, [...names].sort()]));
}

/** Per result: its findings by place and rule, and its instances for a given set of entry runs (a history reuses them). */
const perResult = new WeakMap<AnalysisResult, { byPlace?: Map<string, Finding>; instances?: { entries: string; list: Instance[] } }>();

/**
 * The instances the audited files deploy, as the audit's inventory counts them (modules through their callers):
 * which runs are entry points is decided over all results; each result's instances are then built once for that
 * decision (`buildInventory` on the result alone), so a commit that changes one file converts that file only.
 */
export function instancesOf(results: readonly AnalysisResult[], root: string): Map<string, Instance> {
  const audited = new Set(results.filter((r) => r.isTemplate).map((r) => r.file.uri));
  const called = new Set(results.flatMap((r) => (r.inventory ?? []).flatMap((run) => run.calls)));
  const files = new Map(results.map((r) => [r.file.uri, r.file]));
  const out = new Map<string, Instance>();
  for (const result of results) {
    if (!result.inventory?.length) continue;
    const entries = result.inventory.map((run) => (run.generatedFrom && audited.has(run.generatedFrom)) || (!run.parameterFile && called.has(run.template)) ? '0' : '1').join('');
    const cache = perResult.get(result) ?? {};
    perResult.set(result, cache);
    if (cache.instances?.entries !== entries) {
      const entryRuns = result.inventory.filter((_, i) => entries[i] === '1');
      cache.instances = { entries, list: entryRuns.length ? convert({ ...result, inventory: entryRuns }, root, cache, files) : [] };
    }
    for (const i of cache.instances.list) if (!out.has(i.key)) out.set(i.key, i);
  }
  return out;
}

function convert(result: AnalysisResult, root: string, cache: { byPlace?: Map<string, Finding> }, files: ReadonlyMap<string, SourceFile>): Instance[] {
  const byPlace = cache.byPlace ??= new Map(result.findings.map((f) => {
    const p = positionAt(f.loc.file.text, f.loc.start);
    return [`${f.loc.file.uri}\0${p.line + 1}\0${p.character + 1}\0${f.ruleId}`, f] as const;
  }));
  const uriOf = (rel: string) => pathToFileURL(path.join(root, ...rel.split('/'))).href;
  return buildInventory([result], root).instances.map((i) => {
    const uri = uriOf(i.declaration.file);
    const file = files.get(uri) ?? { uri, text: '', kind: 'arm' as const };
    const start = file.text ? offsetAt(file.text, { line: i.declaration.line - 1, character: i.declaration.column - 1 }) : 0;
    const findings = i.findings.filter((f) => !f.suppression).map((f) => byPlace.get(`${uriOf(f.file)}\0${f.line}\0${f.column}\0${f.ruleId}`)).filter((f): f is Finding => !!f);
    return {
      key: i.id,
      record: {
        name: i.name, ...(i.kind ? { kind: i.kind } : {}), restricted: i.restricted, allowedFqdns: i.allowedFqdns, publicNetworkAccess: i.publicNetworkAccess, owner: i.owner,
        loc: { file, start, end: start }, entry: i.entryPoint, chain: i.chain.map((c) => c.name),
      },
      findings,
    };
  });
}

/** The working tree as a Tree: files found on disk, no content ids (nothing to cache by). */
export function workingTree(paths: readonly string[], root: string): Tree {
  return {
    paths,
    idOf: () => undefined,
    read: (rel) => {
      try {
        return fs.readFileSync(path.join(root, ...rel.split('/')));
      } catch {
        return undefined;
      }
    },
  };
}

/** Whether the audit may read a file of this path: templates, parameter files, modules and config files. */
export function auditable(rel: string): boolean {
  return !!fileKindOf(rel) || CONFIG_FILE_NAMES.has(rel.slice(rel.lastIndexOf('/') + 1));
}

/** A commit's tree over blob ids and their contents (read beforehand, in one batch); other blobs are read on demand. */
export function blobTree(ids: ReadonlyMap<string, string>, blobs: ReadonlyMap<string, Buffer>, readMissing: (id: string) => Buffer | undefined): Tree {
  return {
    paths: [...ids.keys()],
    idOf: (rel) => ids.get(rel),
    read: (rel) => {
      const id = ids.get(rel);
      return id === undefined ? undefined : blobs.get(id) ?? readMissing(id);
    },
  };
}
