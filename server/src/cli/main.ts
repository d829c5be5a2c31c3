// Command line: `ai-egress-guard [paths or globs...] [--format text|json|sarif] [--output FILE] [--fail-on LEVEL]`.
// Exit codes follow ESLint: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage or internal error.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { Settings } from '../engine/config';
import { validateSettings } from '../engine/config';
import { auditFiles, summarize } from '../workspace/audit';
import { collectFiles } from '../workspace/files';
import { bicepModuleCacheUri, ConfigCache, nodeFileHost, uriToPath } from '../workspace/node-host';
import type { AnalysisResult } from '../engine/analyze';
import { applyFileEdits, editsFor } from '../engine/edits';
import { toSarif } from '../report/sarif';
import { toJson, toText } from '../report/text';
import { runExplain } from '../report/explain';
import { version } from '../../../package.json';

const USAGE = `Usage: ai-egress-guard [paths or globs...] [options]

Checks Azure AI services (Microsoft.CognitiveServices/accounts) in ARM templates and Bicep files for unrestricted
outbound access. Paths default to the current folder; folders are searched for .json, .jsonc, .bicep and .bicepparam
files (node_modules and .git skipped).

Options:
  -f, --format text|json|sarif   output format (default: text)
  -o, --output FILE              write the report to FILE instead of standard output
      --fail-on error|warning|info|none
                                 exit 1 when a finding has this level or higher (default: warning)
      --rule ID=LEVEL            set a rule's level (off|info|warning|error); repeatable
      --cloud NAME               AzureCloud (default), AzureUSGovernment or AzureChinaCloud
      --parameters FILE          evaluate the templates with this parameter file (.json or .bicepparam);
                                 repeatable: each file is evaluated on its own
      --exclude GLOB             skip matching files; repeatable
      --fix                      apply the safe fixes (those source.fixAll applies) to the files, then report
                                 what is left
      --explain FILE             print the egress map of each AI service FILE (and the paths) deploy: restricted or not, its
                                 dependencies with their evidence, each allowed host and why it is there, the
                                 missing hosts (with --format json: as JSON); repeatable
  -h, --help                     show this help
  -v, --version                  show the version

Exit codes: 0 no finding at or above --fail-on, 1 some, 2 usage or internal error.
Settings are also read from the nearest ${'.ai-egress-guard.json'} (or the "aiEgressGuard" key of bicepconfig.json).
`;

const FAIL_RANK = { info: 1, warning: 2, error: 3 } as const;

export async function main(argv: string[], out: (s: string) => void, err: (s: string) => void, cwd = process.cwd()): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f', default: 'text' },
        output: { type: 'string', short: 'o' },
        'fail-on': { type: 'string', default: 'warning' },
        rule: { type: 'string', multiple: true, default: [] },
        cloud: { type: 'string' },
        parameters: { type: 'string', multiple: true, default: [] },
        exclude: { type: 'string', multiple: true, default: [] },
        fix: { type: 'boolean' },
        explain: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    err(`ai-egress-guard: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = args;
  if (values.help) { out(USAGE); return 0; }
  if (values.version) { out(`${version}\n`); return 0; }
  if (!['text', 'json', 'sarif'].includes(values.format!)) return usage(err, `unknown format '${values.format}' (text, json or sarif)`);
  const failOn = values['fail-on']!;
  if (!['error', 'warning', 'info', 'none'].includes(failOn)) return usage(err, `--fail-on must be error, warning, info or none, not '${failOn}'`);

  const rules: Record<string, string> = {};
  for (const spec of values.rule ?? []) {
    const [id, level] = spec.split('=');
    rules[id] = level;
  }
  const { settings: overrides, problems: settingProblems } = validateSettings(
    { ...(values.rule?.length ? { rules } : {}), ...(values.cloud ? { cloud: values.cloud } : {}) }, 'command line');
  if (settingProblems.length) return usage(err, settingProblems.join('\n'));
  const parameterUris: string[] = [];
  for (const file of values.parameters ?? []) {
    const abs = path.resolve(cwd, file);
    if (!fs.existsSync(abs)) return usage(err, `parameter file '${file}' does not exist`);
    parameterUris.push(pathToFileURL(abs).href);
  }
  if (parameterUris.length) Object.assign(overrides, { parameterFiles: { '**': parameterUris } });

  try {
    const configs = new ConfigCache();
    const rootConfig = configs.configForDir(cwd);
    if (values.explain?.length) {
      return await runExplain({
        paths: [...values.explain, ...positionals], format: values.format!, cwd, settingsFor: (file) => configs.settingsFor(file, overrides), host: nodeFileHost(),
        moduleCacheUri: bicepModuleCacheUri(), exclude: [...(rootConfig?.settings.exclude ?? []), ...(values.exclude ?? [])], out, err,
      });
    }
    const collected = collectFiles(positionals.length ? positionals : ['.'], cwd, [...(rootConfig?.settings.exclude ?? []), ...(values.exclude ?? [])]);
    const settingsFor = (file: string): Settings => configs.settingsFor(file, overrides);
    const auditOptions = { settingsFor, host: nodeFileHost(), moduleCacheUri: bicepModuleCacheUri(), listings: collected.listings, egress: values.format === 'json' };
    let audit = await auditFiles(collected.files, { ...auditOptions, fixes: values.fix });
    if (values.fix && applySafeFixes(audit.results, err) > 0) audit = await auditFiles(collected.files, auditOptions);
    for (const problem of configs.problems()) err(`ai-egress-guard: ${problem}\n`);
    const problems = [...collected.problems, ...audit.problems];
    const summary = summarize(audit, collected.files.length);
    const report = values.format === 'sarif' ? `${JSON.stringify(toSarif(audit.results, { root: cwd, version }), null, 2)}\n`
      : values.format === 'json' ? toJson(audit.results, problems, summary)
      : toText(audit.results, problems, summary, cwd);
    if (values.output) {
      fs.writeFileSync(path.resolve(cwd, values.output), report);
      if (values.format !== 'text') err(toText([], [], summary, cwd).trimStart());
    } else {
      out(report);
    }
    if (values.format !== 'text') for (const p of problems) err(`${path.relative(cwd, p.path) || p.path}: ${p.message}\n`);
    if (failOn === 'none') return 0;
    const threshold = FAIL_RANK[failOn as keyof typeof FAIL_RANK];
    return audit.results.some((r) => r.findings.some((f) => FAIL_RANK[f.level] >= threshold)) ? 1 : 0;
  } catch (error) {
    err(`ai-egress-guard: internal error: ${(error as Error).stack ?? error}\n`);
    return 2;
  }
}

/** Writes the safe fixes of every file (as source.fixAll would); returns how many files changed. */
function applySafeFixes(results: readonly AnalysisResult[], err: (s: string) => void): number {
  let changed = 0;
  for (const result of results) {
    const safe = result.findings.flatMap((f) => f.fixes.filter((x) => x.safe));
    if (!safe.length) continue;
    for (const edit of editsFor(safe)) {
      const file = uriToPath(edit.uri);
      if (!file) continue;
      // Offsets are into the text as analysed, without a byte order mark; the mark is kept.
      const text = fs.readFileSync(file, 'utf8');
      const bom = text.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
      fs.writeFileSync(file, bom + applyFileEdits(bom ? text.slice(1) : text, [edit]));
      changed++;
    }
  }
  if (changed) err(`ai-egress-guard: fixed ${changed} file${changed === 1 ? '' : 's'}\n`);
  return changed;
}

function usage(err: (s: string) => void, message: string): number {
  err(`ai-egress-guard: ${message}\nRun 'ai-egress-guard --help' for usage.\n`);
  return 2;
}

if (require.main === module) {
  void main(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s)).then((code) => {
    process.exitCode = code;
  });
}
