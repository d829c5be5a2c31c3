// Auditing many files: shared by the CLI and the editor's "Audit Workspace" command.

import { pathToFileURL } from 'node:url';
import { analyze, type AnalysisResult, type FileHost, type Problem } from '../engine/analyze';
import type { Rule } from '../../../rules';
import { positionAt } from '../engine/text';
import type { Settings } from '../engine/config';
import { readSourceFile, type FileProblem } from './files';

export interface AuditResult {
  readonly results: AnalysisResult[];
  /** Files that could not be read or parsed, with why. */
  readonly problems: FileProblem[];
}

export interface AuditSummary {
  readonly files: number;
  readonly templates: number;
  readonly resources: number;
  readonly restricted: number;
  readonly unverified: number;
  readonly findings: number;
  readonly byRule: Record<string, number>;
  /** Findings by level. */
  readonly byLevel: { error: number; warning: number; info: number };
  /** Problems of files that stopped them being (fully) checked: parse errors, limits, unreadable files. */
  readonly problems: { error: number; warning: number; files: number };
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
  /** Compute each AI account's egress map (`AnalysisResult.egress`), for JSON output and --explain. */
  readonly egress?: boolean;
  /** Called after each file; return false to stop (cancellation). */
  readonly onProgress?: (done: number, total: number, file: string) => boolean | void;
}

/** Audits files one by one, yielding to the event loop now and then so a server stays responsive and can be cancelled. */
export async function auditFiles(paths: readonly string[], options: AuditOptions): Promise<AuditResult> {
  const results: AnalysisResult[] = [];
  const problems: FileProblem[] = [];
  let done = 0;
  let lastYield = Date.now();
  // Templates of one folder share its listing (parameter files are looked up beside each template).
  const listings = new Map<string, readonly string[] | undefined>(options.listings);
  const host: FileHost = {
    readFile: (uri) => options.host.readFile(uri),
    listDir: (uri) => {
      if (!listings.has(uri)) listings.set(uri, options.host.listDir?.(uri));
      return listings.get(uri);
    },
  };
  for (const filePath of paths) {
    if (Date.now() - lastYield > 20) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = Date.now();
    }
    const { file, problem } = readSourceFile(filePath, options.maxFileBytes);
    if (problem || !file) {
      problems.push({ path: filePath, ...(problem ?? { code: 'unreadable-file', severity: 'error', message: 'cannot read' }) });
    } else {
      try {
        const result = analyze(file, { settings: options.settingsFor(filePath), host, moduleCacheUri: options.moduleCacheUri, fixes: options.fixes ?? false, rules: options.rules, egress: options.egress });
        results.push(result);
        for (const p of result.problems) problems.push(placed(filePath, file.text, p));
      } catch (error) {
        // analyze() does not throw; the settings lookup might. Fail closed all the same.
        problems.push({ path: filePath, code: 'internal-error', severity: 'error', message: `internal error while analysing: ${(error as Error).message ?? error}; please report it` });
      }
    }
    done++;
    if (options.onProgress?.(done, paths.length, filePath) === false) break;
  }
  return { results, problems };
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
export function summarize(audit: AuditResult, files?: number): AuditSummary {
  const byRule: Record<string, number> = {};
  const byLevel = { error: 0, warning: 0, info: 0 };
  let resources = 0;
  let restricted = 0;
  let unverified = 0;
  let findings = 0;
  let templates = 0;
  for (const result of audit.results) {
    if (result.isTemplate) templates++;
    for (const r of result.resources) {
      resources++;
      if (r.restricted === true) restricted++;
      else if (r.restricted === 'unknown') unverified++;
    }
    for (const f of result.findings) {
      findings++;
      byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
      byLevel[f.level]++;
    }
  }
  const problems = { error: 0, warning: 0, files: new Set(audit.problems.map((p) => p.path)).size };
  for (const p of audit.problems) problems[p.severity]++;
  const templatePaths = new Set(audit.results.filter((r) => r.isTemplate).map((r) => r.file.uri));
  const unchecked = new Set(audit.problems.filter((p) => !templatePaths.has(pathToFileURL(p.path).href)).map((p) => p.path));
  return { files: files ?? templates + unchecked.size, templates, resources, restricted, unverified, findings, byRule, byLevel, problems };
}

/** One paragraph a manager can read. */
export function summaryText(s: AuditSummary): string {
  const rules = Object.entries(s.byRule).sort((a, b) => b[1] - a[1]).map(([id, n]) => `${id}: ${n}`).join(', ');
  const where = `in ${plural(s.templates, 'template')} (${plural(s.files, 'file')} checked)`;
  // A share of zero resources means nothing: say that none were found instead.
  const resources = s.resources
    ? `${plural(s.resources, 'AI service resource')} ${where}; ${s.restricted} (${Math.round((s.restricted / s.resources) * 100)}%) restrict outbound network access${s.unverified ? `, ${s.unverified} cannot be verified` : ''}.`
    : `No AI service resources found ${where}.`;
  const n = s.problems.files;
  return `${resources} ${plural(s.findings, 'finding')}${rules ? ` (${rules})` : ''}.`
    + (n ? ` ${n === 1 ? '1 file' : `${n} files`} could not be checked completely.` : '');
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
