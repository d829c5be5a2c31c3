// Quick fixes for our diagnostics and source.fixAll.ai-egress-guard. Edits come from the analysis of the very text
// the client has and are sent as versioned TextDocumentEdits, so a client never applies them to newer text.
// Per rule of the diagnostics under the cursor, as vscode-eslint does: "Fix all <rule-id> problems in this file"
// (its safe fixes, offered when the problem under the cursor has one) and "Show documentation for <rule-id>". Fixes
// that ask for a value run a client command. A request computes the fixes of the findings under the cursor only: a
// rule's fix-all edit (which analyses the file again) is computed when chosen (codeAction/resolve), where the client
// resolves edits.

import { CodeActionKind, TextDocumentEdit, type CodeAction, type CodeActionParams, type Diagnostic, type TextDocuments, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { safeFixesOf, type Finding } from '../engine/analyze';
import { editsFor, type FileEdit } from '../engine/edits';
import { fixAllEdits } from '../engine/fixAll';
import type { Fix } from '../engine/fixes';
import { rangeOf } from '../engine/text';
import { ASK_FIX_COMMAND, SHOW_RULE_DOCS_COMMAND, type AskFixArgs, type DiagnosticData, type FixWithValueParams } from '../../../shared/protocol';
import { SOURCE } from './diagnostics';
import type { Analysis, Validator } from './documents';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.ai-egress-guard`;

/** What a rule's fix-all action carries until it is resolved. */
interface FixAllOfRule { readonly uri: string; readonly version: number; readonly ruleId: string }

export class CodeActions {
  /** Whether the client takes `documentChanges` (versioned edits); else plain `changes`, checked here only. */
  versionedEdits = false;
  /** Whether the client runs our commands (ASK_FIX_COMMAND, SHOW_RULE_DOCS_COMMAND): see InitializationOptions. */
  clientCommands = false;
  /** Whether the client asks for a code action's edit when it is chosen (codeAction/resolve). */
  resolveEdits = false;

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
      // Safe fixes to a fixed point (fixes that make new duplicates are followed by their removal), ESLint-style.
      const edit = findings.some((f) => safeFixesOf(f).length) ? this.fixAllEdit(analysis, findings) : undefined;
      if (edit) actions.push({ title: 'Fix all safe AI Egress Guard problems', kind: FIX_ALL_KIND, edit });
      return actions;
    }
    const byRule = new Map<string, { diagnostics: Diagnostic[]; safe: boolean }>();
    for (const diagnostic of diagnostics) {
      const key = (diagnostic.data as Partial<DiagnosticData>).key;
      const finding = typeof key === 'string' ? analysis.findings.get(key) : undefined;
      if (!finding) continue;
      const ofRule = byRule.get(finding.ruleId) ?? byRule.set(finding.ruleId, { diagnostics: [], safe: false }).get(finding.ruleId)!;
      ofRule.diagnostics.push(diagnostic);
      ofRule.safe ||= safeFixesOf(finding).length > 0;
      for (const fix of finding.fixes) {
        // A client that cannot ask is not offered the fix: its placeholder would pass for a value (an owner).
        if (fix.ask && !this.clientCommands) continue;
        const action = fix.ask ? this.askAction(fix, doc, key!, diagnostic) : this.editAction(fix, analysis, diagnostic);
        if (action) actions.push(action);
      }
    }
    for (const [ruleId, { diagnostics: ruleDiagnostics, safe }] of byRule) {
      if (!safe) continue;
      const action: CodeAction = { title: `Fix all ${ruleId} problems in this file`, kind: CodeActionKind.QuickFix, diagnostics: ruleDiagnostics };
      if (this.resolveEdits) {
        actions.push({ ...action, data: { uri: doc.uri, version: doc.version, ruleId } satisfies FixAllOfRule });
        continue;
      }
      const edit = this.fixAllEdit(analysis, ofRule(analysis, ruleId));
      if (edit) actions.push({ ...action, edit });
    }
    if (this.clientCommands) {
      for (const ruleId of byRule.keys()) {
        const title = `Show documentation for ${ruleId}`;
        actions.push({ title, kind: CodeActionKind.QuickFix, command: { title, command: SHOW_RULE_DOCS_COMMAND, arguments: [ruleId] } });
      }
    }
    return actions;
  }

  /**
   * The edit of a rule's fix-all, chosen: computed against the analysis of the version it was offered for; none
   * when the document has changed since (the client then asks for code actions of the new version).
   */
  resolve(action: CodeAction): CodeAction {
    const data = action.data as Partial<FixAllOfRule> | undefined;
    const doc = typeof data?.uri === 'string' ? this.documents.get(data.uri) : undefined;
    if (!doc || doc.version !== data!.version || typeof data!.ruleId !== 'string') return action;
    const analysis = this.validator.current(doc);
    const edit = analysis && this.fixAllEdit(analysis, ofRule(analysis, data!.ruleId));
    return edit ? { ...action, edit } : action;
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

  /** The safe fixes of `findings` to a fixed point, as a workspace edit. */
  private fixAllEdit(analysis: Analysis, findings: readonly Finding[]): WorkspaceEdit | undefined {
    return this.workspaceEdit(analysis, fixAllEdits(findings, (uri) => analysis.reads.get(uri)?.text));
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

function ofRule(analysis: Analysis, ruleId: string): Finding[] {
  return [...analysis.findings.values()].filter((f) => f.ruleId === ruleId);
}
