// `ai-egress-guard diff <base-ref>`: reviews what a change does to the AI services: the audit at a git ref
// (read with git, no checkout) against the working tree or `--head <ref>`. Exit codes: 0 nothing to review at
// or above --fail-on, 1 a new finding at or above it, an added allow-list host with --fail-on-new-hosts, or a file
// that could not be checked; 2 usage error, not a git repository, unknown ref, or git failing.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Level } from '../../../rules';
import { validateSettings, type Settings } from '../engine/config';
import { warmUp } from '../engine/warmup';
import { reviewExitCode, reviewHtml, reviewJson, reviewMarkdown, reviewText } from '../estate/diff';
import { ReviewError, runReview } from '../estate/review';
import { htmlPage } from '../report/html';
import { GitError } from '../workspace/git';
import { bicepModuleCacheUri } from '../workspace/node-host';

export const DIFF_USAGE = `Usage: ai-egress-guard diff <base-ref> [paths...] [options]

Reviews a change to the AI services: audits the files at <base-ref> (a branch, tag or commit, read with git; nothing
is checked out) and the working tree (or --head <ref>), and reports for each AI service instance whether it was
added, removed or changed: allow-list hosts added and removed, outbound restriction and public network access
before and after, new and fixed findings, and the owner (tag) who must approve.

Options:
  -f, --format text|json|markdown|html
                                   output format (default: text); markdown is ready for a pull request comment,
                                   html is one self-contained page
  -o, --output FILE                write the review to FILE instead of standard output
      --head REF                   compare with this ref instead of the working tree
      --fail-on error|warning|info|none
                                   exit 1 when the change adds a finding of this level or higher (default: warning)
      --fail-on-new-hosts          exit 1 when the change adds an allow-list host
      --rule ID=LEVEL              set a rule's level; repeatable
      --cloud NAME                 AzureCloud (default), AzureUSGovernment or AzureChinaCloud
      --exclude GLOB               skip matching files (relative to the repository root); repeatable
  -h, --help                       show this help

Exit codes: 0 nothing at or above --fail-on, 1 a new finding at or above it, an added host with
--fail-on-new-hosts, or a file that could not be checked; 2 usage error, not a git repository, unknown ref.
`;

export async function diffMain(argv: string[], out: (s: string) => void, err: (s: string) => void, cwd: string): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv, allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f', default: 'text' }, output: { type: 'string', short: 'o' }, head: { type: 'string' },
        'fail-on': { type: 'string', default: 'warning' }, 'fail-on-new-hosts': { type: 'boolean' },
        rule: { type: 'string', multiple: true, default: [] }, cloud: { type: 'string' }, exclude: { type: 'string', multiple: true, default: [] },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return usage(err, (error as Error).message.split('. ')[0]);
  }
  const { values, positionals } = args;
  if (values.help) { out(DIFF_USAGE); return 0; }
  if (!['text', 'json', 'markdown', 'html'].includes(values.format!)) return usage(err, `unknown format '${values.format}' (text, json, markdown or html)`);
  const failOn = values['fail-on']!;
  if (!['error', 'warning', 'info', 'none'].includes(failOn)) return usage(err, `--fail-on must be error, warning, info or none, not '${failOn}'`);
  const [baseRef, ...inputs] = positionals;
  if (!baseRef) return usage(err, 'missing <base-ref>');
  const overrides = overridesOf(values.rule ?? [], values.cloud);
  if (typeof overrides === 'string') return usage(err, overrides);

  try {
    warmUp();
    const run = runReview(cwd, { base: baseRef, head: values.head, paths: inputs, exclude: values.exclude, overrides, moduleCacheUri: bicepModuleCacheUri() });
    const sides = { base: run.base, head: run.head, cwd };
    const report = values.format === 'json' ? reviewJson(run.review, sides) : values.format === 'markdown' ? reviewMarkdown(run.review, sides)
      : values.format === 'html' ? htmlPage('AI Egress Guard review', reviewHtml(run.review, sides)) : reviewText(run.review, sides);
    if (values.output) fs.writeFileSync(path.resolve(cwd, values.output), report);
    else out(report);
    return reviewExitCode(run.review, failOn as Level | 'none', !!values['fail-on-new-hosts']);
  } catch (error) {
    if (error instanceof ReviewError) return error.usage ? usage(err, error.message) : fatal(err, error.message);
    if (error instanceof GitError) return fatal(err, error.message);
    err(`ai-egress-guard: internal error: ${(error as Error).stack ?? error}\n`);
    return 2;
  }
}

/** `--rule` and `--cloud` as settings, or what is wrong with them. */
export function overridesOf(ruleSpecs: readonly string[], cloud: string | undefined): Partial<Settings> | string {
  const rules: Record<string, string> = {};
  for (const spec of ruleSpecs) {
    const [id, level] = spec.split('=');
    rules[id] = level;
  }
  const { settings, problems } = validateSettings({ ...(ruleSpecs.length ? { rules } : {}), ...(cloud ? { cloud } : {}) }, 'command line');
  return problems.length ? problems.join('; ') : settings;
}

function usage(err: (s: string) => void, message: string): number {
  err(`ai-egress-guard: ${message}; see diff --help\n`);
  return 2;
}

function fatal(err: (s: string) => void, message: string): number {
  err(`ai-egress-guard: ${message}\n`);
  return 2;
}
