// The language server: diagnostics as you type, quick fixes, source.fixAll and the workspace audit.
// A thin layer over the engine: it converts findings and edits to LSP and back.

import * as path from 'node:path';
import {
  CodeAction, CodeActionKind, createConnection, Diagnostic, DiagnosticSeverity, MessageType, ProposedFeatures, ShowMessageNotification,
  TextDocuments, TextDocumentSyncKind, type Connection, type TextEdit, type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { docsUrl } from '../../../rules';
import { analyze, fileKindOf, type Finding } from '../engine/analyze';
import { validateSettings, type Settings } from '../engine/config';
import { editsFor, type FileEdit } from '../engine/edits';
import { fixAllEdits } from '../engine/fixAll';
import { rangeOf } from '../engine/text';
import { toSarif } from '../report/sarif';
import { auditFiles, summarize, summaryText, type AuditResult } from '../workspace/audit';
import { collectFiles } from '../workspace/files';
import { bicepModuleCacheUri, ConfigCache, nodeFileHost, uriToPath } from '../workspace/node-host';
import { AUDIT_PROGRESS, AUDIT_REQUEST, type AuditParams, type AuditResponse, type EditorSettings } from './protocol';
import { version } from '../../../package.json';

export const SOURCE = 'ai-egress-guard';
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.ai-egress-guard`;

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const configs = new ConfigCache();
  const host = nodeFileHost((uri) => documents.get(uri)?.getText());
  const moduleCacheUri = bicepModuleCacheUri();
  /** Findings last published, by URI, so code actions reuse them. */
  const findingsByUri = new Map<string, readonly Finding[]>();
  const pending = new Map<string, NodeJS.Timeout>();
  /** Files the workspace audit has published findings for. */
  const audited = new Set<string>();
  let editor: EditorSettings = {};
  let canPullConfiguration = false;

  const log = (message: string) => connection.console.log(`[ai-egress-guard] ${message}`);

  connection.onInitialize((params) => {
    canPullConfiguration = !!params.capabilities.workspace?.configuration;
    const initial = (params.initializationOptions as { settings?: EditorSettings } | undefined)?.settings;
    if (initial) editor = initial;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
      },
      serverInfo: { name: 'ai-egress-guard', version },
    };
  });

  connection.onInitialized(async () => {
    await refreshSettings();
  });

  async function refreshSettings(): Promise<void> {
    if (canPullConfiguration) {
      try {
        editor = ((await connection.workspace.getConfiguration('aiEgressGuard')) ?? {}) as EditorSettings;
      } catch (error) {
        log(`could not read settings: ${(error as Error).message}`);
      }
    }
    configs.clear();
    for (const doc of documents.all()) validate(doc);
  }

  function editorOverrides(): Partial<Settings> {
    const raw: Record<string, unknown> = {};
    if (editor.rules && Object.keys(editor.rules).length) raw.rules = editor.rules;
    if (editor.ownerTagNames?.length) raw.ownerTagNames = editor.ownerTagNames;
    if (editor.cloud) raw.cloud = editor.cloud;
    const { settings, problems } = validateSettings(raw, 'settings (aiEgressGuard)');
    for (const problem of problems) log(problem);
    return settings;
  }

  const reportedConfigProblems = new Set<string>();

  function settingsFor(filePath: string | undefined): Settings {
    const settings = configs.settingsFor(filePath ?? path.join(process.cwd(), 'untitled'), editorOverrides());
    // A mistake in .ai-egress-guard.json is shown once in the output channel, as the CLI prints it.
    for (const problem of configs.problems()) {
      if (!reportedConfigProblems.has(problem)) {
        reportedConfigProblems.add(problem);
        void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `AI Egress Guard: ${problem}` });
        log(problem);
      }
    }
    return settings;
  }

  function validate(doc: TextDocument): void {
    const kind = fileKindOf(doc.uri);
    if (!kind) return;
    if (editor.enable === false) {
      publish(doc.uri, []);
      return;
    }
    try {
      const result = analyze({ uri: doc.uri, text: doc.getText(), kind }, { settings: settingsFor(uriToPath(doc.uri)), host, moduleCacheUri });
      publish(doc.uri, result.findings);
    } catch (error) {
      log(`internal error while analysing ${doc.uri}: ${(error as Error).stack ?? error}`);
      publish(doc.uri, []);
    }
  }

  function publish(uri: string, findings: readonly Finding[]): void {
    findingsByUri.set(uri, findings);
    void connection.sendDiagnostics({ uri, diagnostics: findings.map(toDiagnostic) });
  }

  function schedule(doc: TextDocument): void {
    clearTimeout(pending.get(doc.uri));
    // Debounce typing bursts; the engine itself is fast.
    pending.set(doc.uri, setTimeout(() => {
      pending.delete(doc.uri);
      const current = documents.get(doc.uri);
      if (current) validate(current);
    }, 120));
  }

  documents.onDidOpen((e) => validate(e.document));
  /** Other open files may read this one (a module, a parameter file): check them again too. */
  function scheduleDependents(changed: string): void {
    for (const doc of documents.all()) if (doc.uri !== changed) schedule(doc);
  }

  documents.onDidChangeContent((e) => {
    if ((editor.run ?? 'onType') !== 'onType') return;
    schedule(e.document);
    scheduleDependents(e.document.uri);
  });
  documents.onDidSave((e) => {
    if (editor.run !== 'onSave') return;
    validate(e.document);
    scheduleDependents(e.document.uri);
  });
  documents.onDidClose((e) => {
    const uri = e.document.uri;
    clearTimeout(pending.get(uri));
    // A file the audit checked keeps its findings in the Problems panel, now as saved on disk.
    const text = audited.has(uri) ? host.readFile(uri) : undefined;
    const kind = fileKindOf(uri);
    if (text !== undefined && kind) {
      validate(TextDocument.create(uri, e.document.languageId, 0, text));
    } else {
      findingsByUri.delete(uri);
      void connection.sendDiagnostics({ uri, diagnostics: [] });
    }
  });

  connection.onDidChangeConfiguration(async (change) => {
    const pushed = (change.settings as { aiEgressGuard?: EditorSettings } | undefined)?.aiEgressGuard;
    if (pushed && !canPullConfiguration) editor = pushed;
    await refreshSettings();
  });
  connection.onDidChangeWatchedFiles(async (params) => {
    // A config file changes the settings; a template, module or parameter file on disk changes what open files read.
    if (params.changes.some((c) => /(\/\.ai-egress-guard\.json|\/bicepconfig\.json)$/i.test(c.uri))) await refreshSettings();
    else for (const doc of documents.all()) schedule(doc);
  });

  const textOf = (uri: string) => documents.get(uri)?.getText() ?? host.readFile(uri);

  connection.onCodeAction((params) => {
    const doc = documents.get(params.textDocument.uri);
    const findings = findingsByUri.get(params.textDocument.uri) ?? [];
    if (!doc || !findings.length) return [];
    const only = params.context.only;
    const actions: CodeAction[] = [];
    if (only?.some((k) => FIX_ALL_KIND.startsWith(k) || k === CodeActionKind.Source)) {
      const safe = findings.flatMap((f) => f.fixes.filter((x) => x.safe));
      const edit = safe.length ? workspaceEdit(fixAllEdits(findings, textOf)) : undefined;
      if (edit) actions.push({ title: 'Fix all safe AI Egress Guard problems', kind: FIX_ALL_KIND, edit });
      return actions;
    }
    for (const diagnostic of params.context.diagnostics) {
      if (diagnostic.source !== SOURCE) continue;
      const finding = findings.find((f) => sameFinding(f, diagnostic));
      if (!finding) continue;
      for (const fix of finding.fixes) {
        const edit = workspaceEdit(editsFor([fix], textOf));
        if (edit) actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: fix.preferred, edit });
      }
    }
    return actions;
  });

  function workspaceEdit(edits: readonly FileEdit[]): WorkspaceEdit | undefined {
    if (!edits.length) return undefined;
    const changes: Record<string, TextEdit[]> = {};
    for (const edit of edits) {
      const text = textOf(edit.uri) ?? '';
      (changes[edit.uri] ??= []).push({ range: rangeOf(text, edit.start, edit.end), newText: edit.newText });
    }
    return { changes };
  }

  connection.onRequest(AUDIT_REQUEST, async (params: AuditParams, token): Promise<AuditResponse> => {
    const files: string[] = [];
    const listings = new Map<string, string[]>();
    for (const folder of params.folders) {
      // The repository's config file excludes apply as well as the editor's.
      const configExclude = configs.configForDir(folder)?.settings.exclude ?? [];
      const collected = collectFiles([folder], folder, [...params.exclude, ...configExclude]);
      files.push(...collected.files);
      for (const [dir, names] of collected.listings) listings.set(dir, names);
    }
    let cancelled = false;
    const audit: AuditResult = await auditFiles(files, {
      settingsFor: (file) => settingsFor(file),
      host,
      moduleCacheUri,
      listings,
      onProgress: (done, total) => {
        void connection.sendNotification(AUDIT_PROGRESS, { done, total });
        if (token.isCancellationRequested) cancelled = true;
        return !cancelled;
      },
    });
    for (const result of audit.results) {
      // Open documents keep their live diagnostics; the audit fills in the rest.
      audited.add(result.file.uri);
      if (!documents.get(result.file.uri)) publish(result.file.uri, result.findings);
    }
    const summary = summarize(audit, files.length);
    return {
      files: summary.files,
      resources: summary.resources,
      restricted: summary.restricted,
      unverified: summary.unverified,
      findings: summary.findings,
      byRule: summary.byRule,
      summary: summaryText(summary) + (cancelled ? ' (cancelled before the end)' : ''),
      cancelled,
      sarif: JSON.stringify(toSarif(audit.results, { root: params.folders[0] ?? process.cwd(), version }), null, 2),
    };
  });

  documents.listen(connection);
  connection.listen();
}

function toDiagnostic(finding: Finding): Diagnostic {
  const text = finding.loc.file.text;
  return {
    range: rangeOf(text, finding.loc.start, finding.loc.end),
    severity: SEVERITY[finding.level],
    code: finding.ruleId,
    codeDescription: { href: docsUrl(finding.ruleId) },
    source: SOURCE,
    message: finding.message,
    relatedInformation: finding.related
      .filter((r) => r.loc.file.text || r.loc.start === 0)
      .map((r) => ({ location: { uri: r.loc.file.uri, range: r.loc.file.text ? rangeOf(r.loc.file.text, r.loc.start, r.loc.end) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }, message: r.message })),
  };
}

function sameFinding(finding: Finding, diagnostic: Diagnostic): boolean {
  if (finding.ruleId !== diagnostic.code) return false;
  const range = rangeOf(finding.loc.file.text, finding.loc.start, finding.loc.end);
  return range.start.line === diagnostic.range.start.line && range.start.character === diagnostic.range.start.character
    && range.end.line === diagnostic.range.end.line && range.end.character === diagnostic.range.end.character;
}

if (require.main === module) {
  startServer(createConnection(ProposedFeatures.all));
}
