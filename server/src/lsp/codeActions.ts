// Quick fixes for our diagnostics and source.fixAll.ai-egress-guard. Edits come from the analysis of the very text
// the client has and are sent as versioned TextDocumentEdits, so a client never applies them to newer text.
// Per rule of the diagnostics under the cursor, as vscode-eslint does: "Fix all <rule-id> problems in this file"
// (its safe fixes) and "Show documentation for <rule-id>". Fixes that ask for a value run a client command.

import { CodeActionKind, TextDocumentEdit, type CodeAction, type CodeActionParams, type Diagnostic, type TextDocuments, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { editsFor, type FileEdit } from '../engine/edits';
import { fixAllEdits } from '../engine/fixAll';
import type { Fix } from '../engine/fixes';
import { rangeOf } from '../engine/text';
import { ASK_FIX_COMMAND, SHOW_RULE_DOCS_COMMAND, type AskFixArgs, type DiagnosticData, type FixWithValueParams } from '../../../shared/protocol';
import { SOURCE } from './diagnostics';
import type { Analysis, Validator } from './documents';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.ai-egress-guard`;

export class CodeActions {
  /** Whether the client takes `documentChanges` (versioned edits); else plain `changes`, checked here only. */
  versionedEdits = false;
  /** Whether the client runs our commands (ASK_FIX_COMMAND, SHOW_RULE_DOCS_COMMAND): see InitializationOptions. */
  clientCommands = false;

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
    const findings = [...analysis.findings.values()];
    if (fixAll) {
      const safe = findings.some((f) => f.fixes.some((x) => x.safe));
      // Safe fixes to a fixed point (fixes that make new duplicates are followed by their removal), ESLint-style.
      const edit = safe ? this.workspaceEdit(analysis, fixAllEdits(findings, (uri) => analysis.reads.get(uri)?.text)) : undefined;
      if (edit) actions.push({ title: 'Fix all safe AI Egress Guard problems', kind: FIX_ALL_KIND, edit });
      return actions;
    }
    const byRule = new Map<string, Diagnostic[]>();
    for (const diagnostic of diagnostics) {
      const key = (diagnostic.data as Partial<DiagnosticData>).key;
      const finding = typeof key === 'string' ? analysis.findings.get(key) : undefined;
      if (!finding) continue;
      byRule.set(finding.ruleId, [...byRule.get(finding.ruleId) ?? [], diagnostic]);
      for (const fix of finding.fixes) {
        // A client that cannot ask is not offered the fix: its placeholder would pass for a value (an owner).
        if (fix.ask && !this.clientCommands) continue;
        const action = fix.ask ? this.askAction(fix, doc, key!, diagnostic) : this.editAction(fix, analysis, diagnostic);
        if (action) actions.push(action);
      }
    }
    for (const [ruleId, ruleDiagnostics] of byRule) {
      const ofRule = findings.filter((f) => f.ruleId === ruleId);
      if (ofRule.some((f) => f.fixes.some((x) => x.safe))) {
        const edit = this.workspaceEdit(analysis, fixAllEdits(ofRule, (uri) => analysis.reads.get(uri)?.text));
        if (edit) actions.push({ title: `Fix all ${ruleId} problems in this file`, kind: CodeActionKind.QuickFix, diagnostics: ruleDiagnostics, edit });
      }
    }
    if (this.clientCommands) {
      for (const ruleId of byRule.keys()) {
        const title = `Show documentation for ${ruleId}`;
        actions.push({ title, kind: CodeActionKind.QuickFix, command: { title, command: SHOW_RULE_DOCS_COMMAND, arguments: [ruleId] } });
      }
    }
    return actions;
  }

  /** The edit of a fix that asked for a value, with the value typed; null when the document is no longer as analysed. */
  withValue(params: FixWithValueParams): WorkspaceEdit | null {
    const doc = this.documents.get(params.uri);
    const value = params.value.trim();
    if (!doc || doc.version !== params.version || !value) return null;
    const analysis = this.validator.current(doc);
    const fix = analysis?.findings.get(params.key)?.fixes.find((f) => f.title === params.title);
    if (!analysis || !fix?.ask) return null;
    return this.workspaceEdit(analysis, editsFor([{ ...fix, changes: fix.ask.answer(value) }], (uri) => analysis.reads.get(uri)?.text)) ?? null;
  }

  private editAction(fix: Fix, analysis: Analysis, diagnostic: Diagnostic): CodeAction | undefined {
    const edit = this.workspaceEdit(analysis, editsFor([fix], (uri) => analysis.reads.get(uri)?.text));
    return edit && { title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: fix.preferred, edit };
  }

  /** A fix that needs a value only the user knows: the client asks for it (input box), then requests the edit. */
  private askAction(fix: Fix, doc: TextDocument, key: string, diagnostic: Diagnostic): CodeAction {
    const args: AskFixArgs = { uri: doc.uri, version: doc.version, key, title: fix.title, prompt: fix.ask!.prompt, ...(fix.ask!.example ? { example: fix.ask!.example } : {}) };
    return { title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: fix.preferred, command: { title: fix.title, command: ASK_FIX_COMMAND, arguments: [args] } };
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
