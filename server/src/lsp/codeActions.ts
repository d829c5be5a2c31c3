// Quick fixes for our diagnostics and source.fixAll.ai-egress-guard. Edits come from the analysis of the very text
// the client has and are sent as versioned TextDocumentEdits, so a client never applies them to newer text.

import { CodeActionKind, TextDocumentEdit, type CodeAction, type CodeActionParams, type TextDocuments, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { editsFor, type FileEdit } from '../engine/edits';
import { fixAllEdits } from '../engine/fixAll';
import { rangeOf } from '../engine/text';
import type { DiagnosticData } from '../../../shared/protocol';
import { SOURCE } from './diagnostics';
import type { Analysis, Validator } from './documents';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.ai-egress-guard`;

export class CodeActions {
  /** Whether the client takes `documentChanges` (versioned edits); else plain `changes`, checked here only. */
  versionedEdits = false;

  constructor(private readonly documents: TextDocuments<TextDocument>, private readonly validator: Validator) {}

  provide(params: CodeActionParams): CodeAction[] {
    const doc = this.documents.get(params.textDocument.uri);
    if (!doc) return [];
    const fixAll = params.context.only?.some((k) => FIX_ALL_KIND.startsWith(k) || k === CodeActionKind.Source) ?? false;
    // A diagnostic of another version names a finding in another text: no edit for it (new ones are on the way).
    const diagnostics = params.context.diagnostics
      .filter((d) => d.source === SOURCE && (d.data as Partial<DiagnosticData> | undefined)?.version === doc.version);
    // Asked on every cursor move: nothing to do unless one of our current diagnostics is under it.
    if (!fixAll && !diagnostics.length) return [];
    const analysis = this.validator.current(doc);
    if (!analysis?.findings.size) return [];
    const actions: CodeAction[] = [];
    if (fixAll) {
      const findings = [...analysis.findings.values()];
      const safe = findings.some((f) => f.fixes.some((x) => x.safe));
      // Safe fixes to a fixed point (fixes that make new duplicates are followed by their removal), ESLint-style.
      const edit = safe ? this.workspaceEdit(analysis, fixAllEdits(findings, (uri) => analysis.reads.get(uri)?.text)) : undefined;
      if (edit) actions.push({ title: 'Fix all safe AI Egress Guard problems', kind: FIX_ALL_KIND, edit });
      return actions;
    }
    for (const diagnostic of diagnostics) {
      const key = (diagnostic.data as Partial<DiagnosticData>).key;
      const finding = typeof key === 'string' ? analysis.findings.get(key) : undefined;
      for (const fix of finding?.fixes ?? []) {
        const edit = this.workspaceEdit(analysis, editsFor([fix], (uri) => analysis.reads.get(uri)?.text));
        if (edit) actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: fix.preferred, edit });
      }
    }
    return actions;
  }

  /** Edits against the texts the analysis read, versioned; undefined if one of those files has changed since. */
  private workspaceEdit(analysis: Analysis, edits: readonly FileEdit[]): WorkspaceEdit | undefined {
    if (!edits.length) return undefined;
    const byUri = new Map<string, { version: number | null; edits: TextEdit[] }>();
    for (const edit of edits) {
      const read = analysis.reads.get(edit.uri);
      const version = read && this.validator.versionToEdit(edit.uri, read);
      if (!read || version === undefined) return undefined;
      let entry = byUri.get(edit.uri);
      if (!entry) byUri.set(edit.uri, (entry = { version, edits: [] }));
      entry.edits.push({ range: rangeOf(read.text, edit.start, edit.end), newText: edit.newText });
    }
    if (!this.versionedEdits) return { changes: Object.fromEntries([...byUri].map(([uri, e]) => [uri, e.edits])) };
    return { documentChanges: [...byUri].map(([uri, e]) => TextDocumentEdit.create({ uri, version: e.version }, e.edits)) };
  }
}
