// When open files are analysed (on open, as you type or on save, again when a file they read changes) and what
// is published for them: diagnostics keyed to the analysis, or a file-level error and a status when it throws.

import type { Connection, Diagnostic, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, fileKindOf, type AccountEgress, type AnalysisResult, type FileHost, type Finding } from '../engine/analyze';
import type { FileKind } from '../engine/model';
import { bicepModuleCacheUri, nodeFileHost, uriToPath } from '../workspace/node-host';
import { StatusNotification } from '../../../shared/protocol';
import type { SettingsStore } from './config';
import { analysisErrorDiagnostic, errorMessage, keyFindings, problemDiagnostics, toDiagnostic } from './diagnostics';

/** A file as an analysis read it. */
export interface FileRead {
  readonly text: string;
  /** The document's version then; null when it was read from disk (not open). */
  readonly version: number | null;
}

/** One analysis of one file: what code actions compute their edits from. */
export interface Analysis {
  readonly uri: string;
  readonly version: number | null;
  readonly findings: ReadonlyMap<string, Finding>;
  /** The file's problems (limits hit, internal errors) as diagnostics: published with the findings. */
  readonly problems: readonly Diagnostic[];
  /** Every file the analysis read, itself included: edits are computed against these texts. */
  readonly reads: ReadonlyMap<string, FileRead>;
  /** The egress map of each AI account, computed when first asked for (hover). */
  readonly egress?: () => readonly AccountEgress[];
}

export type Analyze = typeof analyze;

/** Typing bursts are debounced; the engine itself is fast. */
const DEBOUNCE_MS = 120;

export class Validator {
  /** Reads open documents' unsaved text, else the disk (the audit's view of the workspace). */
  readonly host: FileHost;
  readonly moduleCacheUri = bicepModuleCacheUri();
  /** The latest analysis of each file (the one published, or newer when diagnostics wait for a save). */
  private readonly analyses = new Map<string, Analysis>();
  private readonly pending = new Map<string, NodeJS.Timeout>();
  /** Files the workspace audit has published findings for: they keep them when closed. */
  private readonly audited = new Set<string>();
  /** Files whose last analysis threw, with why (the client shows an error status for them). */
  private readonly failed = new Map<string, string>();
  private readonly disk = nodeFileHost();

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly settings: SettingsStore,
    private readonly log: (message: string) => void,
    private readonly analyzeFile: Analyze = analyze,
  ) {
    this.host = nodeFileHost((uri) => documents.get(uri)?.getText());
  }

  listen(): void {
    this.documents.onDidOpen((e) => this.validate(e.document));
    this.documents.onDidChangeContent((e) => {
      if (!this.settings.runsOnType) return;
      this.schedule(e.document);
      this.scheduleDependents(e.document.uri);
    });
    this.documents.onDidSave((e) => {
      if (!this.settings.runsOnSave) return;
      this.validate(e.document);
      this.scheduleDependents(e.document.uri);
    });
    this.documents.onDidClose((e) => this.closed(e.document));
  }

  validateAll(): void {
    for (const doc of this.documents.all()) this.validate(doc);
  }

  /** Files on disk changed: any open file may read them. */
  scheduleAll(): void {
    for (const doc of this.documents.all()) this.schedule(doc);
  }

  validate(doc: TextDocument): void {
    clearTimeout(this.pending.get(doc.uri));
    this.pending.delete(doc.uri);
    this.run(doc.uri, doc.getText(), doc.version);
  }

  /**
   * The analysis of the document as the client has it now, or undefined. The last one is reused while nothing it
   * read has changed; otherwise the file is analysed again (and published, unless diagnostics wait for a save).
   */
  current(doc: TextDocument): Analysis | undefined {
    const last = this.analyses.get(doc.uri);
    if (last && last.version === doc.version && this.unchanged(last)) return last;
    const kind = fileKindOf(doc.uri);
    if (!kind || !this.settings.enabled) return undefined;
    if (this.settings.runsOnType) this.validate(doc);
    else this.analyseAndKeep(doc.uri, doc.getText(), doc.version, kind);
    const now = this.analyses.get(doc.uri);
    return now?.version === doc.version ? now : undefined;
  }

  /**
   * The version an edit of `uri` computed from `read` is for: the open document's version (null for a file on
   * disk), or undefined when the file is no longer as read — the edit would then be for an older text.
   */
  versionToEdit(uri: string, read: FileRead): number | null | undefined {
    const open = this.documents.get(uri);
    if (read.version !== null) return open?.version === read.version ? read.version : undefined;
    if (open) return open.getText() === read.text ? open.version : undefined;
    return this.disk.readFile(uri) === read.text ? null : undefined;
  }

  /** Findings the workspace audit computed for a file; open files keep their live diagnostics. */
  publishAudited(result: AnalysisResult): void {
    const uri = result.file.uri;
    this.audited.add(uri);
    if (this.documents.get(uri)) return;
    const diagnostics = [...keyFindings(result.findings)].map(([key, f]) => toDiagnostic(f, { key, version: null }));
    void this.connection.sendDiagnostics({ uri, diagnostics: [...diagnostics, ...problemDiagnostics(result)] });
  }

  private schedule(doc: TextDocument): void {
    clearTimeout(this.pending.get(doc.uri));
    this.pending.set(doc.uri, setTimeout(() => {
      this.pending.delete(doc.uri);
      const current = this.documents.get(doc.uri);
      if (current) this.validate(current);
    }, DEBOUNCE_MS));
  }

  /** Other open files may read this one (a module, a parameter file): check them again too. */
  private scheduleDependents(changed: string): void {
    for (const doc of this.documents.all()) if (doc.uri !== changed) this.schedule(doc);
  }

  private closed(doc: TextDocument): void {
    const uri = doc.uri;
    clearTimeout(this.pending.get(uri));
    this.pending.delete(uri);
    // A file the audit checked keeps its findings in the Problems panel, now as saved on disk.
    const text = this.audited.has(uri) ? this.disk.readFile(uri) : undefined;
    if (text !== undefined) {
      this.run(uri, text, null);
      return;
    }
    this.analyses.delete(uri);
    this.setFailed(uri, undefined);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  /** Analyses a file and publishes the outcome. */
  private run(uri: string, text: string, version: number | null): void {
    const kind = fileKindOf(uri);
    if (!kind) return;
    if (!this.settings.enabled) {
      this.analyses.delete(uri);
      this.setFailed(uri, undefined);
      void this.connection.sendDiagnostics({ uri, version: version ?? undefined, diagnostics: [] });
      return;
    }
    const { analysis, error } = this.analyseAndKeep(uri, text, version, kind);
    if (error !== undefined) {
      this.setFailed(uri, errorMessage(error));
      void this.connection.sendDiagnostics({ uri, version: version ?? undefined, diagnostics: [analysisErrorDiagnostic(text, error)] });
      return;
    }
    this.setFailed(uri, undefined);
    const diagnostics = [...analysis.findings].map(([key, f]) => toDiagnostic(f, { key, version }));
    void this.connection.sendDiagnostics({ uri, version: version ?? undefined, diagnostics: [...diagnostics, ...analysis.problems] });
  }

  /** Analyses a file and keeps the analysis for code actions; one that throws is kept with nothing to fix. */
  private analyseAndKeep(uri: string, text: string, version: number | null, kind: FileKind): { analysis: Analysis; error?: unknown } {
    let analysis: Analysis;
    let error: unknown;
    try {
      analysis = this.analyse(uri, text, version, kind);
    } catch (thrown) {
      this.log(`internal error while analysing ${uri}: ${(thrown as Error | undefined)?.stack ?? String(thrown)}`);
      // Kept, so code actions on this version do not run the failing analysis again.
      analysis = { uri, version, findings: new Map(), problems: [], reads: new Map([[uri, { text, version }]]) };
      error = thrown ?? new Error('unknown error');
    }
    this.analyses.set(uri, analysis);
    return { analysis, error };
  }

  /** Runs the engine on one text, recording every file it reads and the version it read. */
  private analyse(uri: string, text: string, version: number | null, kind: FileKind): Analysis {
    const reads = new Map<string, FileRead>([[uri, { text, version }]]);
    const host: FileHost = {
      readFile: (other) => {
        const open = this.documents.get(other);
        const content = open ? open.getText() : this.disk.readFile(other);
        if (content !== undefined && !reads.has(other)) reads.set(other, { text: content, version: open?.version ?? null });
        return content;
      },
      listDir: (dir) => this.disk.listDir?.(dir),
    };
    const result = this.analyzeFile({ uri, text, kind }, { settings: this.settings.settingsFor(uriToPath(uri)), host, moduleCacheUri: this.moduleCacheUri, egress: 'lazy' });
    return { uri, version, findings: keyFindings(result.findings), problems: problemDiagnostics(result), reads, egress: () => result.egress ?? [] };
  }

  /** Whether the files an analysis read (other than itself) are as it read them. */
  private unchanged(analysis: Analysis): boolean {
    for (const [uri, read] of analysis.reads) {
      if (uri === analysis.uri) continue;
      const open = this.documents.get(uri);
      // Files read from disk are compared only when an edit touches them (versionToEdit): this runs on every cursor move.
      if (read.version === null ? open !== undefined && open.getText() !== read.text : open?.version !== read.version) return false;
    }
    return true;
  }

  /** Tells the client when a file's analysis starts failing, fails differently, or works again. */
  private setFailed(uri: string, message: string | undefined): void {
    if (message !== undefined) {
      if (this.failed.get(uri) === message) return;
      this.failed.set(uri, message);
      void this.connection.sendNotification(StatusNotification, { uri, state: 'error', message });
    } else if (this.failed.delete(uri)) {
      void this.connection.sendNotification(StatusNotification, { uri, state: 'ok' });
    }
  }
}
