// ESLint-like text output: one line a finding (path:line:col  level  message  rule-id), then a summary.

import * as path from 'node:path';
import type { AnalysisResult } from '../engine/analyze';
import { positionAt } from '../engine/text';
import type { AuditSummary } from '../workspace/audit';
import { summaryText } from '../workspace/audit';
import type { FileProblem } from '../workspace/files';
import { uriToPath } from '../workspace/node-host';
import { egressJson } from './explain';

export function toText(results: readonly AnalysisResult[], problems: readonly FileProblem[], summary: AuditSummary, cwd: string): string {
  const lines: string[] = [];
  const rel = (p: string) => path.relative(cwd, p) || p;
  for (const result of results) {
    for (const f of result.findings) {
      const pos = positionAt(f.loc.file.text, f.loc.start);
      const file = uriToPath(f.loc.file.uri) ?? f.loc.file.uri;
      lines.push(`${rel(file)}:${pos.line + 1}:${pos.character + 1}  ${f.level.padEnd(7)}  ${f.message}  ${f.ruleId}`);
    }
  }
  for (const p of problems) lines.push(`${rel(p.path)}  note     ${p.message}`);
  const { error, warning, info } = summary.byLevel;
  const total = error + warning + info;
  lines.push('');
  lines.push(`${total === 0 ? '✔' : '✖'} ${total} problem${total === 1 ? '' : 's'} (${error} error${error === 1 ? '' : 's'}, ${warning} warning${warning === 1 ? '' : 's'}, ${info} info)`);
  lines.push(summaryText(summary));
  return `${lines.join('\n')}\n`;
}

export function toJson(results: readonly AnalysisResult[], problems: readonly FileProblem[], summary: AuditSummary): string {
  const findings = results.flatMap((r) => r.findings.map((f) => {
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
    };
  }));
  // Each AI account's egress map (dependencies, allow-list entries with their status), when it was computed.
  const accounts = results.some((r) => r.egress) ? { accounts: egressJson(results) } : {};
  return `${JSON.stringify({ summary, findings, problems, ...accounts }, null, 2)}\n`;
}
