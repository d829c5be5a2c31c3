// `ai-egress-guard history`: walks the first-parent git history (with git, no checkout), audits each commit that
// changed a template, module, parameter or config file, reusing the analysis of every file whose blob did not
// change, and reports the trend and the mean time to remediate. Exit codes: 0 report written, 2 usage error, not
// a git repository, unknown ref, or git failing.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { warmUp } from '../engine/warmup';
import { deployedExportOf } from '../engine/deployed/reader';
import type { Settings } from '../engine/config';
import { deployedAccounts } from '../estate/estate';
import { historyHtml, historyJson, historyMarkdown, historyOf, historyText, type ExportTime, type History, type HistoryRun, type Point } from '../estate/history';
import { auditFiles } from '../workspace/audit';
import { bicepModuleCacheUri, ConfigCache, nodeFileHost } from '../workspace/node-host';
import type { Instance } from '../workspace/snapshot';
import { firstParentLog, GitError, listTree, readBlobs, repositoryRoot, resolveCommit } from '../workspace/git';
import { auditable, blobTree, SnapshotAuditor } from '../workspace/snapshot';
import { overridesOf } from './diff';

export const HISTORY_USAGE = `Usage: ai-egress-guard history [paths...] [options]
       ai-egress-guard history --exports <export.json>... [options]

Walks the first-parent history of the repository, audits each commit that changed a template, module, parameter
or config file (reusing the analysis of files that did not change), and reports per AI service instance when it
appeared, became open (outbound access not restricted, or a finding at warning or above) and was remediated;
the mean and median time to remediate; and services, % restricted and new open services at each week's end (UTC).

With --exports, the same from exports of what is deployed (az graph query, az cognitiveservices account list)
taken at different times, per account (by resource id). The time of an export is the one given with --at, else
its top-level "exportedAt" field (ISO 8601), else the file's modification time.

Options:
  -f, --format text|json|markdown|html
                               output format (default: text); html is a self-contained page with an SVG chart
  -o, --output FILE            write the report to FILE instead of standard output
      --ref REF                walk the history of REF (default: HEAD)
      --since DATE             only commits after DATE (as git log --since: 2026-01-01, "3 months ago")
      --until DATE             only commits before DATE
      --max-commits N          walk at most the N latest commits (default: 1000)
      --exports                the arguments are exports of deployed accounts, not paths of the repository
      --at FILE=TIME           the time FILE was exported (ISO 8601; UTC unless it has an offset); repeatable
      --rule ID=LEVEL          set a rule's level; repeatable
      --cloud NAME             AzureCloud (default), AzureUSGovernment or AzureChinaCloud
      --exclude GLOB           skip matching files (relative to the repository root); repeatable
  -h, --help                   show this help

Exit codes: 0 report written, 2 usage error, not a git repository, unknown ref, an export that cannot be read
completely.
`;

export async function historyMain(argv: string[], out: (s: string) => void, err: (s: string) => void, cwd: string): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv, allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f', default: 'text' }, output: { type: 'string', short: 'o' }, ref: { type: 'string', default: 'HEAD' },
        since: { type: 'string' }, until: { type: 'string' }, 'max-commits': { type: 'string' },
        exports: { type: 'boolean' }, at: { type: 'string', multiple: true, default: [] },
        rule: { type: 'string', multiple: true, default: [] }, cloud: { type: 'string' }, exclude: { type: 'string', multiple: true, default: [] },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return usage(err, (error as Error).message.split('. ')[0]);
  }
  const { values, positionals } = args;
  if (values.help) { out(HISTORY_USAGE); return 0; }
  if (!['text', 'json', 'markdown', 'html'].includes(values.format!)) return usage(err, `unknown format '${values.format}' (text, json, markdown or html)`);
  const format = values.format as 'text' | 'json' | 'markdown' | 'html';
  const write = (history: History, run: HistoryRun) => {
    const report = format === 'json' ? historyJson(history, run) : format === 'markdown' ? historyMarkdown(history, run) : format === 'html' ? historyHtml(history, run) : historyText(history, run);
    if (values.output) fs.writeFileSync(path.resolve(cwd, values.output), report);
    else out(report);
  };
  if (values.exports) {
    const gitOnly = (['ref', 'since', 'until', 'max-commits', 'exclude'] as const).find((o) => (o === 'exclude' ? values.exclude!.length : o === 'ref' ? values.ref !== 'HEAD' : values[o] !== undefined));
    if (gitOnly) return usage(err, `--${gitOnly} walks git history: it does not go with --exports`);
    if (!positionals.length) return usage(err, '--exports needs the export files');
  } else if (values.at!.length) {
    return usage(err, '--at gives the time of an export: it goes with --exports');
  }
  const maxCommits = Number(values['max-commits'] ?? '1000');
  if (!Number.isInteger(maxCommits) || maxCommits < 1) return usage(err, `--max-commits must be a positive whole number, not '${values['max-commits']}'`);
  const overrides = overridesOf(values.rule ?? [], values.cloud);
  if (typeof overrides === 'string') return usage(err, overrides);
  if (values.exports) {
    const times = exportTimesGiven(values.at!, cwd);
    if (typeof times === 'string') return usage(err, times);
    try {
      const read = await readExports(positionals, cwd, times, overrides);
      if (typeof read === 'string') return fatal(err, read);
      write(historyOf(read.points, cwd, (i) => read.ids.get(i.key) ?? i.key), { kind: 'exports', exports: read.exports });
      return 0;
    } catch (error) {
      err(`ai-egress-guard: internal error: ${(error as Error).stack ?? error}\n`);
      return 2;
    }
  }
  try {
    const root = repositoryRoot(cwd);
    if (!root) return fatal(err, 'not in a git repository: history reads the commits with git');
    const head = resolveCommit(root, values.ref!);
    if (!head) return fatal(err, `'${values.ref}' names no commit of this repository`);
    const paths = positionals.map((i) => path.relative(root, path.resolve(cwd, i)).split(path.sep).join('/'));
    if (paths.some((p) => p.startsWith('..'))) return usage(err, 'paths must be inside the repository');
    warmUp();
    const { points, walked, auditor } = walk(root, head, { since: values.since, until: values.until, maxCommits }, { root, overrides, paths, exclude: values.exclude, moduleCacheUri: bicepModuleCacheUri() });
    const history = historyOf(points, root);
    write(history, { walked, ...auditor.stats });
    return 0;
  } catch (error) {
    if (error instanceof GitError) return fatal(err, error.message);
    err(`ai-egress-guard: internal error: ${(error as Error).stack ?? error}\n`);
    return 2;
  }
}

/**
 * The audits of the commits that changed an auditable file, oldest first (the first commit of the range always):
 * three git processes in all (log, one tree, one batch of blobs), and each commit's tree made from the last one
 * and its changes.
 */
export function walk(root: string, head: string, log: Parameters<typeof firstParentLog>[2], options: ConstructorParameters<typeof SnapshotAuditor>[0]): { points: Point[]; walked: number; auditor: SnapshotAuditor } {
  const commits = firstParentLog(root, head, log);
  const auditor = new SnapshotAuditor(options);
  if (!commits.length) return { points: [], walked: 0, auditor };
  const ids = listTree(root, commits[0].id);
  const wanted = new Set<string>();
  for (const [p, id] of ids) if (auditable(p)) wanted.add(id);
  for (const c of commits.slice(1)) for (const [p, id] of c.changes) if (id && auditable(p)) wanted.add(id);
  const blobs = readBlobs(root, wanted);
  const readMissing = (id: string) => readBlobs(root, [id]).get(id);
  const points: Point[] = [];
  commits.forEach((commit, i) => {
    if (i > 0) {
      let relevant = false;
      for (const [p, id] of commit.changes) {
        if (id === null) ids.delete(p); else ids.set(p, id);
        if (auditable(p)) relevant = true;
      }
      if (!relevant) return;
    }
    points.push({ commit: commit.id, time: commit.time, snapshot: auditor.audit(blobTree(new Map(ids), blobs, readMissing)) });
  });
  return { points, walked: commits.length, auditor };
}

/** `--at FILE=TIME` as times by absolute path, or what is wrong with one. */
export function exportTimesGiven(specs: readonly string[], cwd: string): Map<string, number> | string {
  const out = new Map<string, number>();
  for (const spec of specs) {
    const eq = spec.lastIndexOf('=');
    const time = eq > 0 ? parseTime(spec.slice(eq + 1)) : undefined;
    if (time === undefined) return `--at takes FILE=TIME with an ISO 8601 time (2026-01-05T10:00:00Z), not '${spec}'`;
    out.set(path.resolve(cwd, spec.slice(0, eq)), time);
  }
  return out;
}

/** An ISO 8601 date or date-time as seconds since the epoch; a time without an offset is UTC. */
function parseTime(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.test(text.trim())) return undefined;
  const iso = text.trim().replace(' ', 'T');
  const ms = Date.parse(/T[^Z+-]*$/i.test(iso) ? `${iso}Z` : iso);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/**
 * The exports as points of a history, oldest first: each audited as the CLI audits it (config files, --rule),
 * its accounts keyed by resource id (any case). An export that is not one, cannot be read completely (not valid
 * JSON, one page of a longer result) or has the time of another is an error: its accounts would count as removed.
 */
async function readExports(files: readonly string[], cwd: string, given: ReadonlyMap<string, number>, overrides: Partial<Settings>):
  Promise<{ points: Point[]; exports: ExportTime[]; ids: Map<string, string> } | string> {
  const configs = new ConfigCache();
  const read: { point: Point; time: ExportTime; order: number }[] = [];
  for (const [order, file] of files.entries()) {
    const abs = path.resolve(cwd, file);
    const shown = path.relative(cwd, abs).split(path.sep).join('/') || file;
    let text: string;
    try {
      text = fs.readFileSync(abs, 'utf8');
    } catch (error) {
      return `cannot read '${file}': ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`;
    }
    const exported = deployedExportOf(text.replace(/^\uFEFF/, ''));
    if (!exported) return `'${file}' is not an export of deployed accounts (the JSON of az graph query or az cognitiveservices account list)`;
    const field = exported.exportedAt !== undefined ? parseTime(exported.exportedAt) : undefined;
    if (exported.exportedAt !== undefined && field === undefined) return `'${file}': exportedAt is not an ISO 8601 time: '${exported.exportedAt}'`;
    const time: ExportTime = given.has(abs) ? { file: shown, time: given.get(abs)!, from: 'option' }
      : field !== undefined ? { file: shown, time: field, from: 'field' }
      : { file: shown, time: Math.floor(fs.statSync(abs).mtimeMs / 1000), from: 'mtime' };
    const audit = await auditFiles([abs], { settingsFor: (f) => configs.settingsFor(f, overrides), host: nodeFileHost(), moduleCacheUri: bicepModuleCacheUri(), root: cwd });
    const issue = configs.issues()[0];
    if (issue) return `${path.relative(cwd, issue.path)}:${issue.line}:${issue.column}: ${issue.message}`;
    const problem = audit.problems[0];
    if (problem) return `${shown}${problem.line ? `:${problem.line}:${problem.column}` : ''}: ${problem.message}: the history needs complete exports`;
    const instances = new Map<string, Instance>();
    for (const a of deployedAccounts(audit.results)) {
      const key = a.deployed.resourceId.toLowerCase();
      instances.set(key, {
        key,
        record: { name: a.name, ...(a.kind ? { kind: a.kind } : {}), restricted: a.restricted, allowedFqdns: a.allowedFqdns, publicNetworkAccess: a.publicNetworkAccess, owner: a.owner, loc: a.loc, entry: a.entry, chain: [] },
        findings: a.findings,
      });
    }
    read.push({ point: { commit: shown, time: time.time, snapshot: { results: audit.results, problems: [], instances } }, time, order });
  }
  read.sort((a, b) => a.time.time - b.time.time || a.order - b.order);
  for (let i = 1; i < read.length; i++) {
    if (read[i].time.time === read[i - 1].time.time) return `'${read[i - 1].time.file}' and '${read[i].time.file}' have the same time (${read[i].time.from === 'mtime' ? 'modified' : 'exported'} at the same second): give each its time with --at FILE=TIME`;
  }
  // Each account named by its id as last exported.
  const ids = new Map<string, string>();
  for (const r of read) for (const a of deployedAccounts(r.point.snapshot.results)) ids.set(a.deployed.resourceId.toLowerCase(), a.deployed.resourceId);
  return { points: read.map((r) => r.point), exports: read.map((r) => r.time), ids };
}

function usage(err: (s: string) => void, message: string): number {
  err(`ai-egress-guard: ${message}; see history --help\n`);
  return 2;
}

function fatal(err: (s: string) => void, message: string): number {
  err(`ai-egress-guard: ${message}\n`);
  return 2;
}
