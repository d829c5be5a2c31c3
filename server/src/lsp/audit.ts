// The workspace audit ("AI Egress Guard: Audit Workspace"): every template in the folders, with progress and
// cancellation; findings of files not open become diagnostics; the answer is a summary, the inventory and a SARIF
// log. Also the report of an audit ("Export Report…"), as the CLI writes it.

import type { CancellationToken, Connection } from 'vscode-languageserver/node';
import { toHtml } from '../report/html';
import { toMarkdown } from '../report/markdown';
import { toSarif } from '../report/sarif';
import { auditFiles, summarize, summaryText } from '../workspace/audit';
import { collectFiles } from '../workspace/files';
import { AuditProgressNotification, type AuditParams, type AuditResponse, type ReportParams } from '../../../shared/protocol';
import type { SettingsStore } from './config';
import type { Validator } from './documents';
import type { Log } from './log';
import { estateMarkdown, estateReport, locText } from '../estate/estate';
import { estateSection } from '../../../shared/reportHtml';
import { version } from '../../../package.json';

export async function runAudit(
  params: AuditParams, token: CancellationToken, connection: Connection, settings: SettingsStore, validator: Validator, log: Log,
): Promise<AuditResponse> {
  const started = Date.now();
  const at = new Date(started).toISOString().replace(/\.\d+Z$/, 'Z');
  const files: string[] = [];
  const listings = new Map<string, string[]>();
  for (const folder of params.folders) {
    // The repository's config file excludes apply as well as the editor's.
    const collected = collectFiles([folder], folder, [...params.exclude, ...settings.excludeFor(folder)]);
    files.push(...collected.files);
    for (const [dir, names] of collected.listings) listings.set(dir, names);
  }
  let cancelled = false;
  const audit = await auditFiles(files, {
    settingsFor: (file) => settings.settingsFor(file),
    host: validator.host,
    moduleCacheUri: validator.moduleCacheUri,
    listings,
    root: params.folders[0],
    onProgress: (done, total) => {
      void connection.sendNotification(AuditProgressNotification, { done, total });
      if (token.isCancellationRequested) cancelled = true;
      return !cancelled;
    },
  });
  for (const result of audit.results) validator.publishAudited(result);
  const summary = summarize(audit, files.length);
  const estate = estateReport(audit.results, (loc) => locText(loc, params.folders[0] ?? process.cwd()));
  const rules = Object.entries(summary.byRule).map(([id, n]) => `${id}: ${n}`).join(', ');
  log.info(`audit of ${params.folders.join(', ')}${cancelled ? ' (cancelled)' : ''}: ${summary.files} files, ${summary.instances} AI service instances (${summary.restricted} restricted), ${summary.suppressed.total} suppressed, ${summary.findings} findings${rules ? ` (${rules})` : ''}, ${audit.problems.length} file problems, in ${Date.now() - started} ms`);
  return {
    files: summary.files,
    resources: summary.instances,
    restricted: summary.restricted,
    unverified: summary.unverified,
    findings: summary.findings,
    byRule: summary.byRule,
    summary: summaryText(summary) + (cancelled ? ' (cancelled before the end)' : ''),
    cancelled,
    inventory: audit.inventory,
    audited: { files: summary.files, templates: summary.templates, problemFiles: summary.problems.files, at },
    ...(estate ? { estate } : {}),
    sarif: JSON.stringify(toSarif(audit.results, { root: params.folders[0] ?? process.cwd(), version, problems: audit.problems, inventory: audit.inventory }), null, 2),
  };
}

/** The report of an audit the client shows (its inventory, what it checked, its estate), in the CLI's `--format html` or `markdown`. */
export function auditReport(params: ReportParams): string {
  const { inventory, audited, format, estate } = params;
  const summary = { files: audited.files, templates: audited.templates, problems: { files: audited.problemFiles } };
  return format === 'markdown' ? toMarkdown(inventory, summary, estateMarkdown(estate))
    : toHtml(inventory, summary, { generated: audited.at, version, sections: estate ? [estateSection(estate)] : [] });
}
