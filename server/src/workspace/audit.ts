// Auditing many files: shared by the CLI and the editor's "Audit Workspace" command.

import { pathToFileURL } from 'node:url';
import { analyze, type AnalysisResult, type FileHost, type Finding, type Problem } from '../engine/analyze';
import type { Rule } from '../../../rules';
import { positionAt } from '../engine/text';
import type { Settings } from '../engine/config';
import * as fs from 'node:fs';
import { checkedSource, readSourceFile, type FileProblem } from './files';
import { readsDisk, uriToPath } from './node-host';
import type { RunInventory } from '../engine/inventory';
import { buildInventory, oncePerCause } from './inventory';
import { BicepParseCache } from '../engine/bicep/parser';
import type { Inventory } from '../../../shared/inventory';

export interface AuditResult {
  /** Per file, each cause once (see `oncePerCause`): what reports list and --fix applies. */
  readonly results: AnalysisResult[];
  /** Files that could not be read or parsed, with why. */
  readonly problems: FileProblem[];
  /** The AI account instances the entry points deploy, and their counts. */
  readonly inventory: Inventory;
}

/**
 * Counts for the summary. Instances are counted from entry points (`workspace/inventory.ts`): an account in a
 * module called three times is three instances; a module is not counted on its own.
 */
export interface AuditSummary {
  /** Files checked: templates, and files that could not be checked. */
  readonly files: number;
  readonly templates: number;
  readonly entryPoints: number;
  /** AI account instances deployed. */
  readonly instances: number;
  readonly restricted: number;
  /** Percent restricted, rounded down; absent for zero instances. */
  readonly restrictedPercent?: number;
  /** Instances whose restriction cannot be told before deployment. */
  readonly unverified: number;
  readonly findings: number;
  readonly byRule: Record<string, number>;
  /** Findings by level. */
  readonly byLevel: { error: number; warning: number; info: number };
  /** Findings a suppression in the source covers, by rule. */
  readonly suppressed: { readonly total: number; readonly byRule: Readonly<Record<string, number>> };
  /** Problems of files that stopped them being (fully) checked: parse errors, limits, unreadable files. */
  readonly problems: { error: number; warning: number; files: number };
  /** Accounts of exports of what is deployed (Resource Graph, az), counted apart from the templates' resources. */
  readonly deployed?: { readonly exports: number; readonly accounts: number; readonly restricted: number };
}

export interface AuditOptions {
  readonly settingsFor: (filePath: string) => Settings;
  readonly host: FileHost;
  readonly moduleCacheUri?: string;
  /** Keep the fixes (for the CLI's --fix); an audit that only reports leaves them out. */
  readonly fixes?: boolean;
  /** The rules to run (default: the registry); tests pass their own. */
  readonly rules?: readonly Rule[];
  /** Folder listings already read (by the walk that found the files), by folder URI. */
  readonly listings?: ReadonlyMap<string, readonly string[]>;
  /** Files larger than this are reported and not read (default MAX_FILE_BYTES). */
  readonly maxFileBytes?: number;
  /** The folder the inventory's paths are relative to (default: the current folder). */
  readonly root?: string;
  /** Compute each AI account's egress map (`AnalysisResult.egress`), for JSON output and --explain. */
  readonly egress?: boolean;
  /** Called after each file; return false to stop (cancellation). */
  readonly onProgress?: (done: number, total: number, file: string) => boolean | void;
}

/**
 * Audits files one by one, yielding to the event loop now and then so a server stays responsive and can be cancelled.
 * A file's modules are audited right after it (their parses are still cached; see `auditOrder`); results and
 * problems are listed in the order of `paths` all the same.
 */
export async function auditFiles(paths: readonly string[], options: AuditOptions): Promise<AuditResult> {
  const results: (AnalysisResult | undefined)[] = new Array(paths.length);
  const problemsAt: FileProblem[][] = paths.map(() => []);
  await auditEach(paths, options, (index, result, problems) => {
    results[index] = result;
    problemsAt[index] = problems;
  }, results);
  return mergeAudit(results, problemsAt, options.root);
}

/** What the audit of one file gives: its result unless it could not be read, and its problems. */
export type FileAudited = (index: number, result: AnalysisResult | undefined, problems: FileProblem[]) => void;

/**
 * The loop of `auditFiles`, telling `done` of each file as it is audited (in audit order, not that of `paths`).
 * `keptResults`, when given, holds the results told so far: those of templates found called later lose their instances
 * there, so they are not kept to the end (see `CalledRuns`).
 */
export async function auditEach(paths: readonly string[], options: AuditOptions, done: FileAudited, keptResults?: (AnalysisResult | undefined)[]): Promise<void> {
  let count = 0;
  let lastYield = Date.now();
  // Templates of one folder share its listing (parameter files are looked up beside each template).
  const listings = new Map<string, readonly string[] | undefined>(options.listings);
  const order = auditOrder(paths);
  const reads = new ReadAhead(options.host, order.pending);
  const host: FileHost = {
    readFile: (uri) => reads.readFile(uri),
    listDir: (uri) => {
      if (!listings.has(uri)) listings.set(uri, options.host.listDir?.(uri));
      return listings.get(uri);
    },
  };
  // A module is parsed by its first caller and analysed right after it: a few parses in cache are enough.
  const parses = new BicepParseCache(64);
  const runs = new CalledRuns();
  for (const index of order) {
    const filePath = paths[index];
    if (Date.now() - lastYield > 20) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = Date.now();
    }
    const problems: FileProblem[] = [];
    let audited: AnalysisResult | undefined;
    const { file, problem } = reads.sourceFile(filePath, order.uriOf(index), options.maxFileBytes);
    if (problem || !file) {
      problems.push({ path: filePath, ...(problem ?? { code: 'unreadable-file', severity: 'error', message: 'cannot read' }) });
    } else {
      try {
        const result = analyze(file, { settings: options.settingsFor(filePath), host, moduleCacheUri: options.moduleCacheUri, fixes: options.fixes ?? false, rules: options.rules, inventory: runs, egress: options.egress, parses });
        audited = runs.add(index, options.fixes ? result : detached(result), keptResults);
        for (const p of result.problems) problems.push(placed(filePath, file.text, p));
        for (const run of result.inventory ?? []) order.next(run.calls);
      } catch (error) {
        // analyze() does not throw; the settings lookup might. Fail closed all the same.
        problems.push({ path: filePath, code: 'internal-error', severity: 'error', message: `internal error while analysing: ${(error as Error).message ?? error}; please report it` });
      }
    }
    if (keptResults) keptResults[index] = audited;
    done(index, audited, problems);
    count++;
    if (options.onProgress?.(count, paths.length, filePath) === false) break;
  }
}

/**
 * The audit of every file put together, in the order of the paths: each cause once, and the inventory (which counts
 * the instances of a template another file calls through its callers, whatever order the files were audited in).
 */
export function mergeAudit(results: readonly (AnalysisResult | undefined)[], problemsAt: readonly FileProblem[][], root: string | undefined): AuditResult {
  const once = oncePerCause(results.filter((r): r is AnalysisResult => !!r));
  return { results: once, problems: problemsAt.flat(), inventory: buildInventory(once, root ?? process.cwd()) };
}

/**
 * The order to audit files in: that of `paths`, except that the templates a file calls (its modules) that are to be
 * audited come right after it, so their parses (and their text) are used again before other files push them out.
 */
function auditOrder(paths: readonly string[]): Iterable<number> & { uriOf(index: number): string; next(uris: readonly string[]): void; pending(uri: string): boolean } {
  const uris = paths.map((p) => pathToFileURL(p).href);
  const pending = new Map(uris.map((uri, i) => [uri, i]));
  const soon: number[] = [];
  let sequential = 0;
  return {
    uriOf: (index) => uris[index],
    pending: (uri) => pending.has(uri),
    next(called) {
      // Reversed onto a stack: the modules come in the order the file calls them.
      for (let i = called.length - 1; i >= 0; i--) {
        const index = pending.get(called[i]);
        if (index !== undefined) soon.push(index);
      }
    },
    *[Symbol.iterator]() {
      for (;;) {
        let index = soon.pop();
        while (index === undefined && sequential < paths.length) {
          const candidate = sequential++;
          if (pending.has(uris[candidate])) index = candidate;
        }
        if (index === undefined) return;
        if (!pending.delete(uris[index])) continue;
        yield index;
      }
    },
  };
}

/** Files to audit that an analysis reads first (a caller its modules) are kept until audited: read once, not twice. */
const READ_AHEAD_LIMIT = 256;

/**
 * The file access of an audit. A file still to be audited that another file's analysis reads (a module, a parameter
 * file) is read from disk once: the caller gets its text as `FileHost.readFile` would return it, and its own audit
 * the same bytes, checked as `readSourceFile` checks them. Only for a host that reads the disk as it is (no overlay
 * of unsaved editor buffers, whose text the audit of the file itself does not use).
 */
class ReadAhead {
  private readonly kept = new Map<string, { buffer: Buffer; text: string }>();
  private readonly disk: boolean;

  constructor(private readonly host: FileHost, private readonly pending: (uri: string) => boolean) {
    this.disk = readsDisk(host);
  }

  readFile(uri: string): string | undefined {
    const kept = this.kept.get(uri);
    if (kept) return kept.text;
    const filePath = this.disk && this.pending(uri) ? uriToPath(uri) : undefined;
    if (filePath === undefined) return this.host.readFile(uri);
    let buffer: Buffer;
    try {
      buffer = fs.readFileSync(filePath);
    } catch {
      return undefined;
    }
    const text = buffer.toString('utf8');
    if (this.kept.size >= READ_AHEAD_LIMIT) this.kept.delete(this.kept.keys().next().value!);
    this.kept.set(uri, { buffer, text });
    return text;
  }

  sourceFile(filePath: string, uri: string, maxBytes: number | undefined): ReturnType<typeof readSourceFile> {
    const kept = this.kept.get(uri);
    if (!kept) return readSourceFile(filePath, maxBytes, uri);
    this.kept.delete(uri);
    return checkedSource(filePath, kept.buffer, maxBytes, uri, kept.text);
  }
}

/**
 * The runs of the audited files as the inventory needs them. A template another file calls is deployed through
 * its callers (`buildInventory`): its own runs without a parameter file are no entry points, so their instances
 * are dropped as soon as a call to it is seen, and an audit of many modules does not keep them all to the end.
 */
class CalledRuns {
  private readonly calledSet = new Set<string>();

  /** Whether an audited file calls this template (for `AnalyzeOptions.inventory`). */
  readonly called = (uri: string): boolean => this.calledSet.has(uri);
  /** Results (by index) with instances of runs of a template not yet seen called. */
  private readonly uncalled = new Map<string, number[]>();

  /** `results`, when kept: those of runs of templates found called now lose their instances (see the class comment). */
  add(index: number, result: AnalysisResult, results?: (AnalysisResult | undefined)[]): AnalysisResult {
    for (const run of result.inventory ?? []) {
      for (const uri of run.calls) {
        if (this.calledSet.has(uri)) continue;
        this.calledSet.add(uri);
        if (results) for (const i of this.uncalled.get(uri) ?? []) results[i] = this.withoutCalled(results[i]!);
        this.uncalled.delete(uri);
      }
    }
    const kept = this.withoutCalled(result);
    if (!results) return kept;
    for (const run of kept.inventory ?? []) {
      if (!run.instances.length || run.parameterFile) continue;
      const list = this.uncalled.get(run.template);
      if (list) list.push(index); else this.uncalled.set(run.template, [index]);
    }
    return kept;
  }

  private withoutCalled(result: AnalysisResult): AnalysisResult {
    const called = (run: RunInventory) => !run.parameterFile && run.instances.length > 0 && this.calledSet.has(run.template);
    if (!result.inventory?.some(called)) return result;
    return Object.assign({}, result, { inventory: result.inventory.map((run) => (called(run) ? Object.assign({}, run, { instances: [] }) : run)) });
  }
}

/**
 * The result without its findings' way back to the deployment (the lazy fixes hold the whole graph and syntax
 * tree): an audit that only reports keeps thousands of results. Whether a safe fix exists is settled now.
 */
function detached(result: AnalysisResult): AnalysisResult {
  const plain = (f: Finding): Finding => ({ ...f, fixes: f.fixes, fixable: f.fixable });
  // Object.assign, not `{ ...result, findings }`: V8 gives every object such a literal makes a hidden class of its own.
  return Object.assign({}, result, { findings: result.findings.map(plain), ...(result.suppressed ? { suppressed: result.suppressed.map(plain) } : {}) });
}

/** An engine problem with 1-based line and column, as the reporters show it. */
function placed(filePath: string, text: string, p: Problem): FileProblem {
  const start = positionAt(text, p.start);
  const end = positionAt(text, p.end);
  return {
    path: filePath, code: p.code, severity: p.severity, message: p.message,
    line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1,
  };
}

/**
 * Counts for the summary. `files` (files checked) defaults to the templates plus the files that
 * could not be checked: config files and JSON that is not a template are not counted.
 */
export function summarize(audit: Pick<AuditResult, 'results' | 'problems' | 'inventory'>, files?: number): AuditSummary {
  const s = audit.inventory.summary;
  const templates = audit.results.filter((r) => r.isTemplate && r.source !== 'deployed').length;
  const exports = audit.results.filter((r) => r.source === 'deployed');
  const deployed = exports.length ? {
    exports: exports.length,
    accounts: exports.reduce((n, r) => n + r.resources.length, 0),
    restricted: exports.reduce((n, r) => n + r.resources.filter((x) => x.restricted === true).length, 0),
  } : undefined;
  const problems = { error: 0, warning: 0, files: new Set(audit.problems.map((p) => p.path)).size };
  for (const p of audit.problems) problems[p.severity]++;
  const templatePaths = new Set(audit.results.filter((r) => r.isTemplate).map((r) => r.file.uri));
  const unchecked = new Set(audit.problems.filter((p) => !templatePaths.has(pathToFileURL(p.path).href)).map((p) => p.path));
  return {
    files: files ?? templates + (deployed?.exports ?? 0) + unchecked.size, templates, entryPoints: s.entryPoints,
    instances: s.instances, restricted: s.restricted, ...(s.restrictedPercent !== undefined ? { restrictedPercent: s.restrictedPercent } : {}), unverified: s.unknown,
    findings: s.findings.total, byRule: { ...s.findings.byRule }, byLevel: { ...s.findings.byLevel }, suppressed: s.suppressed, problems,
    ...(deployed ? { deployed } : {}),
  };
}

/** One paragraph a manager can read. */
export function summaryText(s: AuditSummary): string {
  const where = `deployed by ${plural(s.entryPoints, 'entry point')} (${plural(s.templates, 'template')}, ${plural(s.files, 'file')} checked)`;
  // A share of zero instances means nothing: say that none were found instead.
  const d = s.deployed;
  const instances = !s.templates && d ? '' : s.instances
    ? `${plural(s.instances, 'AI service instance')} ${where}; ${s.restricted} (${s.restrictedPercent}%) restrict outbound network access${s.unverified ? `, ${s.unverified} cannot be verified` : ''}.`
    : `No AI service instances found (${plural(s.templates, 'template')}, ${plural(s.files, 'file')} checked).`;
  // Deployed accounts (exports) are counted apart: they are what runs in Azure, not what the templates declare.
  const deployed = d ? ` ${plural(d.accounts, 'deployed AI account')} in ${plural(d.exports, 'export')}${d.accounts ? `; ${d.restricted} (${Math.floor((d.restricted / d.accounts) * 100)}%) restrict outbound network access` : ''}.` : '';
  const n = s.problems.files;
  return `${`${instances}${deployed}`.trimStart()} ${plural(s.findings, 'finding')}${counted(s.byRule)}.`
    + (s.suppressed.total ? ` ${s.suppressed.total} suppressed${counted(s.suppressed.byRule)}.` : '')
    + (n ? ` ${n === 1 ? '1 file' : `${n} files`} could not be checked completely.` : '');
}

/** ` (rule: n, rule: n)`, most first; '' for none. */
function counted(byRule: Readonly<Record<string, number>>): string {
  const list = Object.entries(byRule).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([id, n]) => `${id}: ${n}`).join(', ');
  return list ? ` (${list})` : '';
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
