// The analysis side of the language server: the open documents as the client has them, their analyses, code
// actions and the workspace audit. It runs in a worker thread (server.ts) because the engine is synchronous and a
// large template takes seconds to analyse: the connection, on the main thread, keeps answering meanwhile. A worker
// rather than slices: the engine cannot stop halfway through a file, and code actions need the analysis (syntax
// trees, fix intents) on the thread that computed it, so everything that reads an analysis lives here.

import { CancellationTokenSource, TextDocuments, type CodeAction, type CodeActionParams, type Connection, type DidChangeTextDocumentParams, type DidCloseTextDocumentParams, type DidOpenTextDocumentParams, type DidSaveTextDocumentParams, type Disposable, type HoverParams, type PublishDiagnosticsParams } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { warmUp } from '../engine/warmup';
import type { AuditParams, EditorSettings, FixWithValueParams, GitRefsParams, ReviewParams } from '../../../shared/protocol';
import { runAudit } from './audit';
import { CodeActions } from './codeActions';
import { provideHover } from './hover';
import { gitRefs, reviewChanges } from './review';
import { AuditCancelled } from '../workspace/snapshot';
import type { Log } from './log';
import { SettingsStore } from './config';
import { applyBurst } from './burst';
import { Validator, type Analyze } from './documents';
import { IdleCollector, type Collected } from './idleCollect';

/** What the connection side sends: document sync as the client sent it, settings, requests. */
export type ToAnalysis =
  | { readonly t: 'open'; readonly params: DidOpenTextDocumentParams }
  | { readonly t: 'change'; readonly params: DidChangeTextDocumentParams }
  | { readonly t: 'close'; readonly params: DidCloseTextDocumentParams }
  | { readonly t: 'save'; readonly params: DidSaveTextDocumentParams }
  /** The editor's settings; `configFiles` when config files on disk may have changed too. */
  | { readonly t: 'settings'; readonly editor: EditorSettings; readonly configFiles: boolean }
  | { readonly t: 'diskChanged' }
  | { readonly t: 'codeAction'; readonly id: number; readonly params: CodeActionParams; readonly versionedEdits: boolean; readonly clientCommands: boolean; readonly resolveEdits: boolean }
  | { readonly t: 'codeActionResolve'; readonly id: number; readonly action: CodeAction; readonly versionedEdits: boolean }
  | { readonly t: 'fixWithValue'; readonly id: number; readonly params: FixWithValueParams; readonly versionedEdits: boolean; readonly clientCommands: boolean }
  | { readonly t: 'audit'; readonly id: number; readonly params: AuditParams }
  | { readonly t: 'gitRefs'; readonly id: number; readonly params: GitRefsParams }
  /** `cancel[0]` becomes 1 when the client cancels: the review is synchronous, so it reads that between files rather than waiting for a message. */
  | { readonly t: 'review'; readonly id: number; readonly params: ReviewParams; readonly cancel: Int32Array }
  | { readonly t: 'hover'; readonly id: number; readonly params: HoverParams }
  | { readonly t: 'cancel'; readonly id: number };

/** What this side sends back: what the connection side passes on to the client, and the answers to requests. */
export type FromAnalysis =
  | { readonly t: 'diagnostics'; readonly params: PublishDiagnosticsParams }
  | { readonly t: 'notification'; readonly method: string; readonly params: unknown }
  | { readonly t: 'log'; readonly level: keyof Log; readonly message: string }
  | { readonly t: 'analysed'; readonly uri: string; readonly version: number | null; readonly ms: number }
  | ({ readonly t: 'collected' } & Collected)
  /** `cancelled`: the work stopped because the client cancelled it (answered with LSP's RequestCancelled). */
  | { readonly t: 'reply'; readonly id: number; readonly result?: unknown; readonly error?: string; readonly cancelled?: true };

/** A worker's parentPort, or one end of a MessageChannel. */
export interface Port {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: ToAnalysis) => void): unknown;
}

type Handler<P> = (params: P) => void;

/** Serves analyses on `port` until the thread ends. `analyze` replaces the engine (tests, on the main thread). */
export function serveAnalyses(port: Port, analyze?: Analyze): void {
  const send = (message: FromAnalysis) => port.postMessage(message);
  const log: Log = {
    info: (message) => send({ t: 'log', level: 'info', message }),
    warn: (message) => send({ t: 'log', level: 'warn', message }),
    error: (message) => send({ t: 'log', level: 'error', message }),
  };
  // The part of a Connection that TextDocuments, the validator, the settings and the audit use, over the port.
  const sync: { open?: Handler<DidOpenTextDocumentParams>; change?: Handler<DidChangeTextDocumentParams>; close?: Handler<DidCloseTextDocumentParams>; save?: Handler<DidSaveTextDocumentParams> } = {};
  const none: Disposable = { dispose: () => undefined };
  const connection = {
    onDidOpenTextDocument: (h: Handler<DidOpenTextDocumentParams>) => { sync.open = h; return none; },
    onDidChangeTextDocument: (h: Handler<DidChangeTextDocumentParams>) => { sync.change = h; return none; },
    onDidCloseTextDocument: (h: Handler<DidCloseTextDocumentParams>) => { sync.close = h; return none; },
    onDidSaveTextDocument: (h: Handler<DidSaveTextDocumentParams>) => { sync.save = h; return none; },
    onWillSaveTextDocument: () => none,
    onWillSaveTextDocumentWaitUntil: () => none,
    sendDiagnostics: (params: PublishDiagnosticsParams) => { send({ t: 'diagnostics', params }); return Promise.resolve(); },
    sendNotification: (type: string | { method: string }, params: unknown) => {
      send({ t: 'notification', method: typeof type === 'string' ? type : type.method, params });
      return Promise.resolve();
    },
  } as unknown as Connection;

  const documents = new TextDocuments(TextDocument);
  // Never asks the client: the connection side pulls the editor settings and sends them here.
  const settings = new SettingsStore(connection, log);
  const validator = new Validator(connection, documents, settings, log, {
    analyze,
    flush: () => flush(),
    onAnalysed: (uri, version, ms) => {
      send({ t: 'analysed', uri, version, ms });
      collector.worked(ms);
    },
  });
  const codeActions = new CodeActions(documents, validator);
  // Changes wait until something reads the document (an analysis once the typing pauses, a code action, any other
  // message), then apply at once (burst.ts): applied one by one, 1,000 keystrokes in a 5 MB file took 15 s.
  const queued = new Map<string, DidChangeTextDocumentParams[]>();
  const collector = new IdleCollector(() => queued.size === 0, (what) => send({ t: 'collected', ...what }));
  function flush(): void {
    for (const [uri, list] of queued) {
      queued.delete(uri);
      const doc = documents.get(uri);
      if (!doc) continue;
      try {
        const text = applyBurst(doc, list.flatMap((p) => p.contentChanges));
        sync.change?.({ textDocument: { uri, version: list[list.length - 1].textDocument.version }, contentChanges: [{ text }] });
      } catch (error) {
        log.error(`changes of ${uri} could not be applied: ${(error as Error | undefined)?.stack ?? String(error)}`);
      }
    }
  }
  const cancellations = new Map<number, CancellationTokenSource>();
  try {
    warmUp();
  } catch (error) {
    log.error(`warm-up failed: ${(error as Error | undefined)?.stack ?? String(error)}`);
  }
  validator.listen();
  documents.listen(connection);

  const reply = (id: number, work: () => unknown) => {
    const start = performance.now();
    Promise.resolve().then(work).then(
      (result) => send({ t: 'reply', id, result }),
      (error: unknown) => send(error instanceof AuditCancelled ? { t: 'reply', id, cancelled: true } : { t: 'reply', id, error: (error as Error | undefined)?.stack ?? String(error) }),
    ).finally(() => collector.worked(performance.now() - start));
  };
  port.on('message', (message) => {
    collector.busy();
    try {
      if (message.t === 'change') {
        const uri = message.params.textDocument.uri;
        if (!documents.get(uri)) return;
        const list = queued.get(uri);
        if (list) list.push(message.params);
        else queued.set(uri, [message.params]);
        return validator.changed(uri);
      }
      // Anything else sees the documents as the client has them.
      flush();
      switch (message.t) {
        case 'open': return sync.open?.(message.params);
        case 'close': return sync.close?.(message.params);
        case 'save': return sync.save?.(message.params);
        case 'settings': {
          // The same settings again (read at start-up after the initial ones): nothing to analyse again.
          const same = JSON.stringify(message.editor) === JSON.stringify(settings.editorSettings);
          if (same && !message.configFiles) return;
          settings.pushed({ aiEgressGuard: message.editor });
          void settings.refresh().then(() => validator.validateAll());
          return;
        }
        case 'diskChanged': return validator.scheduleAll();
        case 'hover': return reply(message.id, () => provideHover(message.params, documents, validator));
        case 'codeAction':
          codeActions.versionedEdits = message.versionedEdits;
          codeActions.clientCommands = message.clientCommands;
          codeActions.resolveEdits = message.resolveEdits;
          return reply(message.id, () => codeActions.provide(message.params));
        case 'codeActionResolve':
          codeActions.versionedEdits = message.versionedEdits;
          return reply(message.id, () => codeActions.resolve(message.action));
        case 'fixWithValue':
          codeActions.versionedEdits = message.versionedEdits;
          codeActions.clientCommands = message.clientCommands;
          return reply(message.id, () => codeActions.withValue(message.params));
        case 'audit': {
          const source = new CancellationTokenSource();
          cancellations.set(message.id, source);
          return reply(message.id, () => runAudit(message.params, source.token, connection, settings, validator, log).finally(() => cancellations.delete(message.id)));
        }
        case 'gitRefs': return reply(message.id, () => gitRefs(message.params));
        case 'review': {
          const { cancel } = message;
          return reply(message.id, () => reviewChanges(message.params, settings.editorOverrides(), validator.moduleCacheUri, () => Atomics.load(cancel, 0) === 1));
        }
        case 'cancel': return cancellations.get(message.id)?.cancel();
      }
    } catch (error) {
      // A malformed message (a change of a range outside the text) must not stop the thread.
      log.error(`${message.t} failed: ${(error as Error | undefined)?.stack ?? String(error)}`);
    }
  });
}
