// Text output in the layout of ESLint's "stylish" formatter: each file's path once, then aligned
// `line:col  level  message  rule-id` rows, then the notes of the run and the totals. And JSON output.

import * as path from 'node:path';
import * as util from 'node:util';
import { messageParts } from '../../../rules';
import { shortMessage, type AnalysisResult, type Finding } from '../engine/analyze';
import { positionAt } from '../engine/text';
import type { AuditSummary } from '../workspace/audit';
import { summaryText } from '../workspace/audit';
import type { FileProblem } from '../workspace/files';
import { uriToPath } from '../workspace/node-host';
import { estateJson, estateLines } from '../estate/estate';
import type { Inventory } from '../../../shared/inventory';

export interface TextOptions {
  /** ANSI colours (see `useColor`). */
  readonly color?: boolean;
  /** Notes of the run (not of a file), printed after the files. */
  readonly notes?: readonly string[];
  /** List the suppressed findings too (`--report-suppressed`), marked with their reasons; they are not counted as problems. */
  readonly suppressed?: boolean;
  /** Under each finding's first sentence, the rest of its message: why, and what to do (`--verbose`). */
  readonly verbose?: boolean;
}

type Style = Parameters<typeof util.styleText>[0];

/** Colour on a terminal unless NO_COLOR is set; FORCE_COLOR (not 0) forces it, as Node and most tools do. */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env.NO_COLOR) return false;
  return !!stream.isTTY && env.TERM !== 'dumb';
}

interface Row {
  readonly line: number; readonly column: number; readonly level: 'error' | 'warning' | 'info'; readonly message: string; readonly id: string;
  readonly suppressed?: boolean;
  /** The rest of a finding's message, shown with --verbose. */
  readonly detail?: string;
}

export function toText(results: readonly AnalysisResult[], problems: readonly FileProblem[], summary: AuditSummary, cwd: string, options: TextOptions = {}): string {
  const paint = (style: Style, s: string) => (options.color && typeof util.styleText === 'function' ? styleText(style, s) : s);
  const rel = (p: string) => path.relative(cwd, p) || p;
  const files = new Map<string, { rows: Row[]; note?: string; notes: string[] }>();
  const group = (file: string) => {
    let g = files.get(file);
    if (!g) files.set(file, (g = { rows: [], notes: [] }));
    return g;
  };
  let fixable = 0;
  for (const result of results) {
    // Notes of a file (rules that could not run on it) are shown once, under its path: their first sentence.
    if (result.notes?.length) group(uriToPath(result.file.uri) ?? result.file.uri).notes.push(...result.notes.map((n) => (options.verbose ? n : messageParts(n).summary)));
    for (const f of result.findings) {
      const pos = positionAt(f.loc.file.text, f.loc.start);
      const g = group(uriToPath(f.loc.file.uri) ?? f.loc.file.uri);
      g.note ??= f.generatedFrom?.note;
      g.rows.push({ line: pos.line + 1, column: pos.character + 1, level: f.level, message: shortMessage(f), id: f.ruleId, detail: f.detail });
      if (f.fixable) fixable++;
    }
  }
  if (options.suppressed) {
    for (const result of results) {
      for (const f of result.suppressed ?? []) {
        const pos = positionAt(f.loc.file.text, f.loc.start);
        const why = f.suppression?.justification ? `: ${f.suppression.justification}` : ' (no reason given)';
        group(uriToPath(f.loc.file.uri) ?? f.loc.file.uri).rows.push({ line: pos.line + 1, column: pos.character + 1, level: f.level, message: `${shortMessage(f)} [suppressed${why}]`, id: f.ruleId, suppressed: true, detail: f.detail });
      }
    }
  }
  // A problem without a place in the file is at 0:0, as ESLint shows file-level messages.
  for (const p of problems) group(p.path).rows.push({ line: p.line ?? 0, column: p.column ?? 0, level: p.severity, message: p.message, id: p.code });

  const out: string[] = [];
  const LEVEL_STYLE: Record<Row['level'], Style> = { error: 'red', warning: 'yellow', info: 'cyan' };
  for (const file of [...files.keys()].sort()) {
    const { rows, note, notes } = files.get(file)!;
    rows.sort((a, b) => a.line - b.line || a.column - b.column);
    const cells = rows.map((r) => [`${r.line}:${r.column}`, r.suppressed ? 'suppressed' : r.level, r.message]);
    const widths = [0, 1, 2].map((i) => Math.max(0, ...cells.map((c) => c[i].length)));
    out.push('', paint('underline', rel(file)));
    if (note) out.push(`  ${note}`);
    for (const n of notes) out.push(`  note: ${n}`);
    rows.forEach((r, i) => {
      const [pos, level, message] = cells[i];
      out.push(`  ${paint('dim', pos.padEnd(widths[0]))}  ${paint(r.suppressed ? 'dim' : LEVEL_STYLE[r.level], level.padEnd(widths[1]))}  ${message.padEnd(widths[2])}  ${paint('dim', r.id)}`);
      // The explanation on the next line, under the message column.
      if (options.verbose && r.detail) out.push(`${' '.repeat(widths[0] + widths[1] + 6)}${r.detail}`);
    });
  }
  if (options.notes?.length) out.push('', ...options.notes.map((n) => `note: ${n}`));

  const error = summary.byLevel.error + summary.problems.error;
  const warning = summary.byLevel.warning + summary.problems.warning;
  const info = summary.byLevel.info;
  const total = error + warning + info;
  const counts = `${total} problem${total === 1 ? '' : 's'} (${error} error${error === 1 ? '' : 's'}, ${warning} warning${warning === 1 ? '' : 's'}, ${info} info)`;
  out.push('');
  out.push(total === 0 ? paint('green', `✔ ${counts}`) : paint([error ? 'red' : warning ? 'yellow' : 'cyan', 'bold'], `✖ ${counts}`));
  if (fixable) out.push(`  ${fixable} potentially fixable with the \`--fix\` option.`);
  out.push(summaryText(summary));
  out.push(...estateLines(results, (loc) => `${rel(uriToPath(loc.file.uri) ?? loc.file.uri)}:${positionAt(loc.file.text, loc.start).line + 1}`));
  return `${out.join('\n')}\n`;
}

function styleText(style: Style, s: string): string {
  // validateStream: false (Node 22+): whether to colour is decided above, for the stream written to.
  return (util.styleText as (f: Style, t: string, o?: object) => string)(style, s, { validateStream: false });
}

export function toJson(results: readonly AnalysisResult[], problems: readonly FileProblem[], summary: AuditSummary, inventory?: Inventory): string {
  const shape = (f: Finding) => {
    const start = positionAt(f.loc.file.text, f.loc.start);
    const end = positionAt(f.loc.file.text, f.loc.end);
    return {
      file: uriToPath(f.loc.file.uri) ?? f.loc.file.uri,
      line: start.line + 1,
      column: start.character + 1,
      endLine: end.line + 1,
      endColumn: end.character + 1,
      level: f.level,
      ruleId: f.ruleId,
      resource: f.resource,
      message: f.message,
      // The first sentence alone, as the text output shows it.
      summary: shortMessage(f),
      messageId: f.messageId,
      data: f.data,
      ...(f.parameterFiles ? { parameterFiles: f.parameterFiles } : {}),
      ...(f.generatedFrom ? { generatedFrom: f.generatedFrom } : {}),
      ...(f.suppression ? { suppression: f.suppression } : {}),
      ...(f.resourceId ? { resourceId: f.resourceId } : {}),
    };
  };
  const findings = results.flatMap((r) => r.findings.map(shape));
  // Findings a suppression in the source covers: listed apart, with the justification (`suppression`).
  const suppressed = results.flatMap((r) => (r.suppressed ?? []).map(shape));
  // Problems have the shape of findings: `ruleId` is the problem code, `level` its severity.
  const fileProblems = problems.map((p) => ({
    file: p.path,
    ...(p.line !== undefined ? { line: p.line, column: p.column, endLine: p.endLine, endColumn: p.endColumn } : {}),
    level: p.severity,
    ruleId: p.code,
    message: p.message,
  }));
  const estate = estateJson(results, (loc) => ({ file: uriToPath(loc.file.uri) ?? loc.file.uri, line: positionAt(loc.file.text, loc.start).line + 1 }));
  // The deployed instances (shared/inventory.ts) and their counts, beside the findings of the files; and what is
  // deployed in Azure (exports), with its drift from the templates.
  return `${JSON.stringify({ summary, findings, suppressed, problems: fileProblems, ...(inventory ? { inventory } : {}), ...(notesOf(results)), ...(estate ? { estate } : {}) }, null, 2)}\n`;
}

/** Notes of files (rules that could not run on them), by file. */
function notesOf(results: readonly AnalysisResult[]): { notes?: { file: string; message: string }[] } {
  const notes = results.flatMap((r) => (r.notes ?? []).map((message) => ({ file: uriToPath(r.file.uri) ?? r.file.uri, message })));
  return notes.length ? { notes } : {};
}
