// `ai-egress-guard history`: walks the first-parent git history (with git, no checkout), audits each commit that
// changed a template, module, parameter or config file, reusing the analysis of every file whose blob did not
// change, and reports the trend and the mean time to remediate. Exit codes: 0 report written, 2 usage error, not
// a git repository, unknown ref, or git failing.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { warmUp } from '../engine/warmup';
import { historyHtml, historyJson, historyOf, historyText, type Point } from '../estate/history';
import { firstParentLog, GitError, listTree, readBlobs, repositoryRoot, resolveCommit } from '../workspace/git';
import { bicepModuleCacheUri } from '../workspace/node-host';
import { auditable, blobTree, SnapshotAuditor } from '../workspace/snapshot';
import { overridesOf } from './diff';

export const HISTORY_USAGE = `Usage: ai-egress-guard history [paths...] [options]

Walks the first-parent history of the repository, audits each commit that changed a template, module, parameter
or config file (reusing the analysis of files that did not change), and reports per AI service instance when it
appeared, became open (outbound access not restricted, or a finding at warning or above) and was remediated;
the mean and median time to remediate; and services, % restricted and new open services at each week's end (UTC).

Options:
  -f, --format text|json|html  output format (default: text); html is a self-contained page with an SVG chart
  -o, --output FILE            write the report to FILE instead of standard output
      --ref REF                walk the history of REF (default: HEAD)
      --since DATE             only commits after DATE (as git log --since: 2026-01-01, "3 months ago")
      --until DATE             only commits before DATE
      --max-commits N          walk at most the N latest commits (default: 1000)
      --rule ID=LEVEL          set a rule's level; repeatable
      --cloud NAME             AzureCloud (default), AzureUSGovernment or AzureChinaCloud
      --exclude GLOB           skip matching files (relative to the repository root); repeatable
  -h, --help                   show this help

Exit codes: 0 report written, 2 usage error, not a git repository, unknown ref.
`;

export async function historyMain(argv: string[], out: (s: string) => void, err: (s: string) => void, cwd: string): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv, allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f', default: 'text' }, output: { type: 'string', short: 'o' }, ref: { type: 'string', default: 'HEAD' },
        since: { type: 'string' }, until: { type: 'string' }, 'max-commits': { type: 'string', default: '1000' },
        rule: { type: 'string', multiple: true, default: [] }, cloud: { type: 'string' }, exclude: { type: 'string', multiple: true, default: [] },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return usage(err, (error as Error).message.split('. ')[0]);
  }
  const { values, positionals } = args;
  if (values.help) { out(HISTORY_USAGE); return 0; }
  if (!['text', 'json', 'html'].includes(values.format!)) return usage(err, `unknown format '${values.format}' (text, json or html)`);
  const maxCommits = Number(values['max-commits']);
  if (!Number.isInteger(maxCommits) || maxCommits < 1) return usage(err, `--max-commits must be a positive whole number, not '${values['max-commits']}'`);
  const overrides = overridesOf(values.rule ?? [], values.cloud);
  if (typeof overrides === 'string') return usage(err, overrides);
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
    const run = { walked, ...auditor.stats };
    const report = values.format === 'json' ? historyJson(history, run) : values.format === 'html' ? historyHtml(history) : historyText(history, run);
    if (values.output) fs.writeFileSync(path.resolve(cwd, values.output), report);
    else out(report);
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

function usage(err: (s: string) => void, message: string): number {
  err(`ai-egress-guard: ${message}; see history --help\n`);
  return 2;
}

function fatal(err: (s: string) => void, message: string): number {
  err(`ai-egress-guard: ${message}\n`);
  return 2;
}
