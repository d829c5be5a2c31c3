// Auditing many files: shared by the CLI and the editor's "Audit Workspace" command.

import { analyze, type AnalysisResult, type FileHost } from '../engine/analyze';
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
  readonly byLevel: { error: number; warning: number; info: number };
}

export interface AuditOptions {
  readonly settingsFor: (filePath: string) => Settings;
  readonly host: FileHost;
  readonly moduleCacheUri?: string;
  /** Keep the fixes (for the CLI's --fix); an audit that only reports leaves them out. */
  readonly fixes?: boolean;
  /** Folder listings already read (by the walk that found the files), by folder URI. */
  readonly listings?: ReadonlyMap<string, readonly string[]>;
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
    const { file, problem } = readSourceFile(filePath);
    if (problem || !file) {
      problems.push({ path: filePath, message: problem ?? 'cannot read' });
    } else {
      try {
        const result = analyze(file, { settings: options.settingsFor(filePath), host, moduleCacheUri: options.moduleCacheUri, fixes: options.fixes ?? false, egress: options.egress });
        results.push(result);
        for (const p of result.problems) problems.push({ path: filePath, message: p.message });
      } catch (error) {
        problems.push({ path: filePath, message: `internal error while analysing: ${(error as Error).stack ?? error}` });
      }
    }
    done++;
    if (options.onProgress?.(done, paths.length, filePath) === false) break;
  }
  return { results, problems };
}

export function summarize(audit: AuditResult, files: number): AuditSummary {
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
  return { files, templates, resources, restricted, unverified, findings, byRule, byLevel };
}

/** One paragraph a manager can read. */
export function summaryText(s: AuditSummary): string {
  const percent = s.resources ? Math.round((s.restricted / s.resources) * 100) : 100;
  const rules = Object.entries(s.byRule).sort((a, b) => b[1] - a[1]).map(([id, n]) => `${id}: ${n}`).join(', ');
  return `${s.resources} AI service resource${s.resources === 1 ? '' : 's'} in ${s.templates} template${s.templates === 1 ? '' : 's'} (${s.files} file${s.files === 1 ? '' : 's'} checked); `
    + `${s.restricted} (${percent}%) restrict outbound network access${s.unverified ? `, ${s.unverified} cannot be verified` : ''}. `
    + `${s.findings} finding${s.findings === 1 ? '' : 's'}${rules ? ` (${rules})` : ''}.`;
}
