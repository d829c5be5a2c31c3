// Command line: `ai-egress-guard [paths or globs...] [--format text|json|sarif|markdown|html] [--output FILE] [--fail-on LEVEL]`.
// Exit codes follow ESLint: 0 nothing at or above --fail-on, 1 findings or file problems at or above it,
// 2 usage error, broken config file, a path or glob matching no template, or internal error. It fails closed:
// a file that could not be checked is an error (or a warning), never a silent pass.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { isMainThread } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import type { Settings } from '../engine/config';
import { validateSettings } from '../engine/config';
import { auditFiles, summarize } from '../workspace/audit';
import { collectFiles } from '../workspace/files';
import { auditInThreads, PARALLEL_MIN_FILES, threadsFor } from '../workspace/parallel';
import { bicepModuleCacheUri, ConfigCache, nodeFileHost, uriToPath } from '../workspace/node-host';
import { safeFixesOf, type AnalysisResult } from '../engine/analyze';
import { applyFileEdits } from '../engine/edits';
import { fixAllEdits } from '../engine/fixAll';
import { warmUp } from '../engine/warmup';
import { toSarif } from '../report/sarif';
import { toJson, toText, useColor } from '../report/text';
import { toMarkdown } from '../report/markdown';
import { toHtml } from '../report/html';
import { runExplain } from '../report/explain';
import { version } from '../../../package.json';
import { policyMain } from './policy';
import { diffMain } from './diff';
import { historyMain } from './history';
import { estateMarkdown, estateReport, locText } from '../estate/estate';
import { estateSection } from '../../../shared/reportHtml';

const USAGE = `Usage: ai-egress-guard [paths or globs...] [options]

Checks Azure AI services (Microsoft.CognitiveServices/accounts) in ARM templates and Bicep files for unrestricted
outbound access. Paths default to the current folder; folders are searched for .json, .jsonc, .bicep and .bicepparam
files (node_modules and .git skipped).

Options:
  -f, --format FORMAT            text (default), json, sarif, markdown (a pull request comment or
                                 $GITHUB_STEP_SUMMARY) or html (one self-contained page)
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
      --concurrency N|auto|off   audit in N worker threads; auto (default): one per two cores from
                                 ${PARALLEL_MIN_FILES} files on; off: one thread. --fix, --format sarif and --explain
                                 audit in one thread
      --no-error-on-unmatched-pattern
                                 a path or glob matching no template is a note, not an error
      --report-suppressed        list the findings suppressions cover in the text output, with their reasons
      --verbose                  in the text output, the whole message of each finding: under its first
                                 sentence, why it matters and what to do
      --explain FILE             print the egress map of each AI service FILE (and the paths) deploy: restricted or not, its
                                 dependencies with their evidence, each allowed host and why it is there, the
                                 missing hosts (with --format json: as JSON); repeatable
  -h, --help                     show this help
  -v, --version                  show the version

A template that cannot be parsed, or whose analysis stops at a limit, is an error; a binary or oversized file
is a warning (docs/limits.md).
Exit codes: 0 no finding or file problem at or above --fail-on, 1 some, 2 usage error, broken config file,
a path or glob matching no template, or internal error.
Generate Azure Policy that enforces the same rules: ai-egress-guard policy --help
Review a change against a git ref: ai-egress-guard diff --help; trend and time to remediate: ai-egress-guard history --help
Settings are also read from the nearest ${'.ai-egress-guard.json'} (or the "aiEgressGuard" key of bicepconfig.json).
`;

const FAIL_RANK = { info: 1, warning: 2, error: 3 } as const;


export interface CliStreams {
  /** Colour the text report written to standard output / the notes written to standard error. */
  readonly color?: { readonly out: boolean; readonly err: boolean };
}

export async function main(argv: string[], out: (s: string) => void, err: (s: string) => void, cwd = process.cwd(), streams: CliStreams = {}): Promise<number> {
  if (argv[0] === 'policy') return policyMain(argv.slice(1), out, err, cwd);
  if (argv[0] === 'diff') return diffMain(argv.slice(1), out, err, cwd);
  if (argv[0] === 'history') return historyMain(argv.slice(1), out, err, cwd);
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f', default: 'text' },
        'report-suppressed': { type: 'boolean' },
        verbose: { type: 'boolean' },
        output: { type: 'string', short: 'o' },
        'fail-on': { type: 'string', default: 'warning' },
        rule: { type: 'string', multiple: true, default: [] },
        cloud: { type: 'string' },
        parameters: { type: 'string', multiple: true, default: [] },
        exclude: { type: 'string', multiple: true, default: [] },
        fix: { type: 'boolean' },
        concurrency: { type: 'string', default: 'auto' },
        'no-error-on-unmatched-pattern': { type: 'boolean' },
        explain: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    return usage(err, argumentError(error as Error & { code?: string }));
  }
  const { values, positionals } = args;
  if (values.help) { out(USAGE); return 0; }
  if (values.version) { out(`${version}\n`); return 0; }
  if (!['text', 'json', 'sarif', 'markdown', 'html'].includes(values.format!)) return usage(err, `unknown format '${values.format}' (text, json, sarif, markdown or html)`);
  if (threadsFor(values.concurrency!, 0) === undefined) return usage(err, `--concurrency must be a number of threads (1 to 64), auto or off, not '${values.concurrency}'`);
  const failOn = values['fail-on']!;
  if (!['error', 'warning', 'info', 'none'].includes(failOn)) return usage(err, `--fail-on must be error, warning, info or none, not '${failOn}'`);

  const rules: Record<string, string> = {};
  for (const spec of values.rule ?? []) {
    const [id, level] = spec.split('=');
    rules[id] = level;
  }
  const { settings: overrides, problems: settingProblems } = validateSettings(
    { ...(values.rule?.length ? { rules } : {}), ...(values.cloud ? { cloud: values.cloud } : {}) }, 'command line');
  if (settingProblems.length) return usage(err, settingProblems.join('; '));
  const parameterUris: string[] = [];
  for (const file of values.parameters ?? []) {
    const abs = path.resolve(cwd, file);
    if (!fs.existsSync(abs)) return fatal(err, `parameter file '${file}' does not exist.`);
    parameterUris.push(pathToFileURL(abs).href);
  }
  if (parameterUris.length) Object.assign(overrides, { parameterFiles: { '**': parameterUris } });
  const color = streams.color ?? { out: useColor(process.stdout), err: useColor(process.stderr) };
  const rel = (p: string) => path.relative(cwd, p) || p;

  try {
    warmUp();
    const configs = new ConfigCache();
    const rootConfig = configs.configForDir(cwd);
    const explain = values.explain ?? [];
    const inputs = positionals.length || explain.length ? [...explain, ...positionals] : ['.'];
    const exclude = [...(rootConfig?.settings.exclude ?? []), ...(values.exclude ?? [])];
    const collected = collectFiles(inputs, cwd, exclude);
    // A broken config file is fatal, as in ESLint: checking with settings nobody meant would mislead.
    for (const file of collected.files) configs.configFor(file);
    const configIssues = configs.issues();
    if (configIssues.length) {
      for (const i of configIssues) err(`ai-egress-guard: ${rel(i.path)}:${i.line}:${i.column}: ${i.message}\n`);
      return 2;
    }
    // A path or glob that matches nothing is a typo until shown otherwise: fatal unless asked to be lenient.
    const lenient = !!values['no-error-on-unmatched-pattern'];
    const notes: string[] = [];
    const unmatched = (list: readonly string[]): number | undefined => {
      const messages = list.map((input) => `No files matching the pattern "${input}" were found.`);
      if (!lenient && messages.length) {
        for (const m of messages) err(`ai-egress-guard: ${m}\n`);
        return 2;
      }
      notes.push(...messages);
      return undefined;
    };
    const empty = unmatched(collected.inputs.filter((i) => !i.files.length).map((i) => i.input));
    if (empty !== undefined) return empty;
    if (explain.length) {
      return await runExplain({
        paths: inputs, format: values.format!, cwd, settingsFor: (file) => configs.settingsFor(file, overrides), host: nodeFileHost(),
        moduleCacheUri: bicepModuleCacheUri(), exclude, out, err,
      });
    }

    const settingsFor = (file: string): Settings => configs.settingsFor(file, overrides);
    // SARIF carries each result's preferred fix; JSON, HTML and SARIF each instance's egress map.
    const sarif = values.format === 'sarif';
    const auditOptions = { settingsFor, host: nodeFileHost(), moduleCacheUri: bicepModuleCacheUri(), listings: collected.listings, root: cwd, egress: values.format === 'json' || values.format === 'html' || sarif, fixes: sarif };
    // Fixes hold the syntax trees they edit, which stay in their thread: --fix and SARIF audit in this one.
    const threads = values.fix || sarif ? 1 : threadsFor(values.concurrency!, collected.files.length)!;
    let audit = threads > 1
      ? await auditInThreads(collected.files, { overrides, moduleCacheUri: auditOptions.moduleCacheUri, listings: collected.listings, root: cwd, egress: auditOptions.egress }, threads, undefined, configs)
      : await auditFiles(collected.files, { ...auditOptions, fixes: values.fix || sarif });
    if (values.fix && applySafeFixes(audit.results, err) > 0) audit = await auditFiles(collected.files, auditOptions);
    // Matched files that are all other JSON (package.json, parameter files): no template there either.
    const checked = new Set([...audit.results.filter((r) => r.isTemplate).map((r) => uriToPath(r.file.uri)), ...audit.problems.map((p) => p.path)]);
    const noTemplates = unmatched(collected.inputs.filter((i) => i.files.length && !i.files.some((f) => checked.has(f))).map((i) => i.input));
    if (noTemplates !== undefined) return noTemplates;

    const problems = [...collected.problems, ...audit.problems];
    const summary = summarize({ results: audit.results, problems, inventory: audit.inventory });
    const estate = values.format === 'markdown' || values.format === 'html' ? estateReport(audit.results, (loc) => locText(loc, cwd)) : undefined;
    const report = values.format === 'sarif' ? `${JSON.stringify(toSarif(audit.results, { root: cwd, version, problems, fixes: true, inventory: audit.inventory }), null, 2)}\n`
      : values.format === 'json' ? toJson(audit.results, problems, summary, audit.inventory)
      : values.format === 'markdown' ? toMarkdown(audit.inventory, summary, estateMarkdown(estate))
      : values.format === 'html' ? toHtml(audit.inventory, summary, { generated: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), version, sections: estate ? [estateSection(estate)] : [] })
      : toText(audit.results, problems, summary, cwd, { notes, color: !values.output && color.out, suppressed: !!values['report-suppressed'], verbose: !!values.verbose });
    if (values.output) {
      fs.writeFileSync(path.resolve(cwd, values.output), report);
      if (values.format !== 'text') err(toText([], [], summary, cwd, { color: color.err }).trimStart());
    } else {
      out(report);
    }
    if (values.format !== 'text' || values.output) {
      // Machine-readable output stays clean; what went wrong is in the log as well.
      for (const p of problems) err(`${rel(p.path)}${p.line ? `:${p.line}:${p.column}` : ''}: ${p.severity}: ${p.message} (${p.code})\n`);
      for (const n of notes) err(`ai-egress-guard: ${n}\n`);
    }
    if (failOn === 'none') return 0;
    // Problems count as findings of their severity: a file that could not be checked must not pass.
    const threshold = FAIL_RANK[failOn as keyof typeof FAIL_RANK];
    const failing = audit.results.some((r) => r.findings.some((f) => FAIL_RANK[f.level] >= threshold))
      || problems.some((p) => FAIL_RANK[p.severity] >= threshold);
    return failing ? 1 : 0;
  } catch (error) {
    err(`ai-egress-guard: internal error: ${(error as Error).stack ?? error}\n`);
    return 2;
  }
}

/** parseArgs' errors in one line (Node's own mention `--` and quote unevenly). */
function argumentError(error: Error & { code?: string }): string {
  const option = /'(-[^']*)'/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option '${option}'`;
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    const name = option.split(', ').pop()!.replace(/ <value>$/, '');
    return /argument missing/.test(error.message) ? `option '${name}' needs a value` : `option '${name}' does not take a value`;
  }
  if (error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return 'unexpected argument';
  return error.message.split('. ')[0];
}

/** Writes the safe fixes of every file (as source.fixAll would); returns how many files changed. */
function applySafeFixes(results: readonly AnalysisResult[], err: (s: string) => void): number {
  let changed = 0;
  for (const result of results) {
    if (!result.findings.some((f) => safeFixesOf(f).length)) continue;
    const edits = fixAllEdits(result.findings);
    for (const uri of new Set(edits.map((e) => e.uri))) {
      const file = uriToPath(uri);
      if (!file) continue;
      // Offsets are into the text as analysed, without a byte order mark; the mark is kept.
      const text = fs.readFileSync(file, 'utf8');
      const bom = text.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
      fs.writeFileSync(file, bom + applyFileEdits(bom ? text.slice(1) : text, edits.filter((e) => e.uri === uri)));
      changed++;
    }
  }
  if (changed) err(`ai-egress-guard: fixed ${changed} file${changed === 1 ? '' : 's'}\n`);
  return changed;
}

/** A mistake on the command line: one line, exit 2. */
function usage(err: (s: string) => void, message: string): number {
  err(`ai-egress-guard: ${message}; see --help\n`);
  return 2;
}

/** A fatal error that is not about the options: one line, exit 2. */
function fatal(err: (s: string) => void, message: string): number {
  err(`ai-egress-guard: ${message}\n`);
  return 2;
}

// Not in a worker thread of the audit, which runs this same file (the bundle) for `auditInThreads`.
if (require.main === module && isMainThread) {
  // A reader that goes away (`| head`) is not a failure of the audit: stop writing, keep the audit's exit code.
  let stdoutGone = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    stdoutGone = true;
  });
  void main(process.argv.slice(2), (s) => { if (!stdoutGone) process.stdout.write(s); }, (s) => process.stderr.write(s)).then((code) => {
    process.exitCode = code;
  });
}
