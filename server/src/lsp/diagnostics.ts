// Findings as LSP diagnostics (each carrying its finding's key and document version), and the diagnostic shown
// when an analysis throws.

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import { docsUrl } from '../../../rules';
import { fullMessage, type AnalysisResult, type Finding } from '../engine/analyze';
import { rangeOf } from '../engine/text';
import { RULE_DOCS_DIR } from '../report/ruleDocs';
import type { DiagnosticData } from '../../../shared/protocol';

export const SOURCE = 'ai-egress-guard';

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

/**
 * A key for each finding, unique within one analysis: rule and offsets, plus a counter for findings of the same
 * rule at the same place. Within one text it names the same finding in every analysis of that text.
 */
export function keyFindings(findings: readonly Finding[]): Map<string, Finding> {
  const byKey = new Map<string, Finding>();
  for (const finding of findings) {
    const base = `${finding.ruleId}@${finding.loc.start}-${finding.loc.end}`;
    let key = base;
    for (let n = 1; byKey.has(key); n++) key = `${base}#${n}`;
    byKey.set(key, finding);
  }
  return byKey;
}

/** A rule's page as a local file (works offline; our client opens it in the Markdown preview), else its web page. */
export function ruleDocsHref(ruleId: string): string {
  return RULE_DOCS_DIR ? pathToFileURL(path.join(RULE_DOCS_DIR, `${ruleId}.md`)).href : docsUrl(ruleId);
}

export function toDiagnostic(finding: Finding, data: DiagnosticData): Diagnostic {
  const text = finding.loc.file.text;
  return {
    range: rangeOf(text, finding.loc.start, finding.loc.end),
    severity: SEVERITY[finding.level],
    code: finding.ruleId,
    codeDescription: { href: ruleDocsHref(finding.ruleId) },
    source: SOURCE,
    message: fullMessage(finding),
    relatedInformation: finding.related
      .filter((r) => r.loc.file.text || r.loc.start === 0)
      .map((r) => ({ location: { uri: r.loc.file.uri, range: r.loc.file.text ? rangeOf(r.loc.file.text, r.loc.start, r.loc.end) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }, message: r.message })),
    data,
  };
}

/** Limits hit and internal errors as diagnostics; syntax errors are left to the JSON and Bicep language services. */
export function problemDiagnostics(result: AnalysisResult): Diagnostic[] {
  return result.problems.filter((p) => p.code !== 'parse-error').map((p) => ({
    range: rangeOf(result.file.text, p.start, p.end),
    severity: p.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: p.code,
    source: SOURCE,
    message: p.message,
  }));
}

/** A file-level error on the first line: a crash must not look like a clean file. */
export function analysisErrorDiagnostic(text: string, error: unknown): Diagnostic {
  const firstLine = /^[^\r\n]*/.exec(text)?.[0].length ?? 0;
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: firstLine } },
    severity: DiagnosticSeverity.Error,
    source: SOURCE,
    message: `AI Egress Guard could not analyse this file: ${errorMessage(error).replace(/\.$/, '')}. See the output channel.`,
  };
}

export function errorMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)) || 'unknown error';
}
