// The language server's wiring: capabilities, and which handler answers which message. This thread only keeps the
// connection: documents, analyses, code actions, hover and the audit live on the analysis thread (analysisThread.ts),
// so a large template being analysed never keeps the server from answering. Handlers: config.ts (settings), policy.ts.

import { MessageChannel, Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { format } from 'node:util';
import {
  createConnection, CodeActionKind, LSPErrorCodes, ProposedFeatures, ResponseError, StreamMessageReader, StreamMessageWriter, TextDocumentSyncKind,
  type CancellationToken, type Connection,
} from 'vscode-languageserver/node';
import { AuditRequest, FixWithValueRequest, GitRefsRequest, InventoryRequest, ReportRequest, ReviewRequest, type AuditResponse, type GitRefsResponse, type InitializationOptions, type ReviewResponse } from '../../../shared/protocol';
import type { Inventory } from '../../../shared/inventory';
import { serveAnalyses, type FromAnalysis, type Port, type ToAnalysis } from './analysisThread';
import { auditReport } from './audit';
import { FIX_ALL_KIND } from './codeActions';
import { SettingsStore } from './config';
import { SOURCE } from './diagnostics';
import type { Analyze } from './documents';
import type { Log } from './log';
import { registerPolicyRequest } from './policy';
import { version } from '../../../package.json';

export interface ServerOptions {
  /** The engine's analyze(); tests replace it (to make an analysis throw). The analyses then run on this thread. */
  readonly analyze?: Analyze;
}

/** workerData of the analysis thread, which runs this same file. */
const ANALYSIS_THREAD = 'ai-egress-guard/analysis';

const PREFIX = '[ai-egress-guard]';

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  // Levels as a LogOutputChannel shows them: errors (analysis failures), warnings (config mistakes), info.
  const log: Log = {
    info: (message) => connection.console.info(message),
    warn: (message) => connection.console.warn(message),
    error: (message) => connection.console.error(message),
  };
  const settings = new SettingsStore(connection, log);
  let versionedEdits = false;
  let clientCommands = false;
  /** Whether the client resolves a code action's edit when it is chosen (codeAction/resolve). */
  let resolveEdits = false;
  /** The newest version of each open document: diagnostics of an older one are superseded, not published. */
  const latest = new Map<string, number>();
  /** Documents whose didOpen was malformed: not synced, so their later changes are dropped, not analysed. */
  const rejected = new Set<string>();
  const waiting = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;

  const received = (message: FromAnalysis) => {
    switch (message.t) {
      case 'diagnostics': {
        const { uri, version: published } = message.params;
        const newest = latest.get(uri);
        if (published !== undefined && newest !== undefined && newest > published && settings.runsOnType) return;
        void connection.sendDiagnostics(message.params);
        return;
      }
      case 'notification': return void connection.sendNotification(message.method, message.params);
      case 'log': return log[message.level](message.message);
      // Shown in the client's trace (aiEgressGuard.trace.server): how often and how long files are analysed.
      case 'analysed': return connection.tracer.log(`analysed ${message.uri} (version ${message.version ?? 'on disk'}) in ${message.ms} ms`);
      case 'collected': return connection.tracer.log(`collected garbage while idle: heap ${message.heapBeforeMb} MB to ${message.heapAfterMb} MB in ${message.ms} ms`);
      case 'reply': {
        const entry = waiting.get(message.id);
        waiting.delete(message.id);
        if (message.cancelled) entry?.reject(new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled'));
        else if (message.error === undefined) entry?.resolve(message.result);
        else entry?.reject(new Error(message.error));
      }
    }
  };
  const analysis = options.analyze ? inlineAnalysis(options.analyze, received) : analysisThread(received, log);
  const request = <R>(make: (id: number) => ToAnalysis, token?: CancellationToken) => new Promise<R>((resolve, reject) => {
    const id = nextId++;
    waiting.set(id, { resolve: resolve as (result: unknown) => void, reject });
    analysis.post(make(id));
    token?.onCancellationRequested(() => analysis.post({ t: 'cancel', id }));
  });

  connection.onInitialize((params) => {
    settings.initialize(params);
    versionedEdits = !!params.capabilities.workspace?.workspaceEdit?.documentChanges;
    const codeAction = params.capabilities.textDocument?.codeAction;
    resolveEdits = !!codeAction?.dataSupport && !!codeAction.resolveSupport?.properties.includes('edit');
    analysis.post({ t: 'settings', editor: settings.editorSettings, configFiles: false });
    clientCommands = !!(params.initializationOptions as InitializationOptions | undefined)?.clientCommands;
    log.info(`AI Egress Guard language server ${version} started (Node ${process.version}, ${params.clientInfo?.name ?? 'unknown client'} ${params.clientInfo?.version ?? ''})`.trimEnd() + '.');
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: true },
        hoverProvider: true,
      },
      serverInfo: { name: 'ai-egress-guard', version },
    };
  });

  /** Settings may have changed: read them again; the analysis thread checks every open file with them. */
  const refresh = (configFiles = false) => settings.refresh()
    .then(() => analysis.post({ t: 'settings', editor: settings.editorSettings, configFiles }))
    .catch((error: unknown) => log.error(`refreshing the settings failed: ${(error as Error | undefined)?.stack ?? String(error)}`));
  connection.onInitialized(() => void refresh());
  connection.onDidChangeConfiguration((change) => {
    settings.pushed(change.settings);
    void refresh();
  });
  connection.onDidChangeWatchedFiles((params) => {
    // A config file changes the settings; a template, module or parameter file on disk changes what open files read.
    if (params.changes.some((c) => /(\/\.ai-egress-guard\.json|\/bicepconfig\.json)$/i.test(c.uri))) void refresh(true);
    else analysis.post({ t: 'diskChanged' });
  });

  connection.onDidOpenTextDocument((params) => {
    const doc = params.textDocument as Partial<typeof params.textDocument> | undefined;
    if (typeof doc?.uri !== 'string') return log.warn('didOpen without a document URI: ignored');
    if (typeof doc.text !== 'string' || typeof doc.version !== 'number') {
      // Rejected once: the document is not synced, so nothing analyses it again when other files change.
      if (!rejected.has(doc.uri)) log.warn(`didOpen of ${doc.uri} rejected: its ${typeof doc.text !== 'string' ? `text is ${doc.text === null ? 'null' : typeof doc.text}, not a string` : 'version is not a number'}`);
      rejected.add(doc.uri);
      return;
    }
    rejected.delete(doc.uri);
    latest.set(doc.uri, doc.version);
    analysis.post({ t: 'open', params });
  });
  connection.onDidChangeTextDocument((params) => {
    const uri = params.textDocument.uri;
    if (rejected.has(uri) || !latest.has(uri)) return;
    latest.set(uri, params.textDocument.version);
    analysis.post({ t: 'change', params });
  });
  connection.onDidCloseTextDocument((params) => {
    rejected.delete(params.textDocument.uri);
    latest.delete(params.textDocument.uri);
    analysis.post({ t: 'close', params });
  });
  connection.onDidSaveTextDocument((params) => {
    if (latest.has(params.textDocument.uri)) analysis.post({ t: 'save', params });
  });

  connection.onCodeAction((params) => {
    // Asked on every cursor move: with none of our diagnostics and no kind asked for there is nothing to offer,
    // and the answer does not wait for an analysis under way.
    if (!params.context.only?.length && !params.context.diagnostics.some((d) => d.source === SOURCE)) return [];
    return request((id) => ({ t: 'codeAction', id, params, versionedEdits, clientCommands, resolveEdits }));
  });
  connection.onCodeActionResolve((action) => request((id) => ({ t: 'codeActionResolve', id, action, versionedEdits })));
  connection.onRequest(FixWithValueRequest, (params) => request((id) => ({ t: 'fixWithValue', id, params, versionedEdits, clientCommands })));
  connection.onHover((params) => request((id) => ({ t: 'hover', id, params })));
  let lastInventory: Inventory | null = null;
  connection.onRequest(AuditRequest, async (params, token) => {
    const response = await request<AuditResponse>((id) => ({ t: 'audit', id, params }), token);
    lastInventory = response.inventory;
    return response;
  });
  connection.onRequest(InventoryRequest, () => lastInventory);
  // Pure (the client sends the audit it shows): no need to wait behind the analyses.
  connection.onRequest(ReportRequest, (params) => auditReport(params));
  connection.onRequest(GitRefsRequest, (params) => request<GitRefsResponse>((id) => ({ t: 'gitRefs', id, params })));
  connection.onRequest(ReviewRequest, (params, token) => {
    // Shared with the analysis thread, which reads it between files: the review does not yield to messages.
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    const stop = () => Atomics.store(cancel, 0, 1);
    // Cancelled before it was dispatched: the token's event would fire only on a later tick.
    if (token.isCancellationRequested) stop();
    token.onCancellationRequested(stop);
    return request<ReviewResponse>((id) => ({ t: 'review', id, params, cancel }));
  });
  registerPolicyRequest(connection, (file) => settings.settingsFor(file));

  connection.listen();
}

/** The analysis thread: this file again, in a worker. If it dies the server exits, and the client restarts it. */
function analysisThread(received: (message: FromAnalysis) => void, log: Log): { post(message: ToAnalysis): void } {
  // Its stdout is not the process's: a stray console.log there must not corrupt the LSP stream.
  const worker = new Worker(__filename, { workerData: { role: ANALYSIS_THREAD }, stdout: true });
  worker.stdout.on('data', (data) => log.info(String(data).trimEnd()));
  worker.on('message', received);
  const fatal = (why: string) => {
    process.stderr.write(`${PREFIX} the analysis thread ${why}: exiting so that the client restarts the server\n`);
    process.exit(1);
  };
  worker.on('error', (error) => fatal(`failed: ${error.stack ?? String(error)}`));
  worker.on('exit', (code) => fatal(`exited (code ${code})`));
  return { post: (message) => worker.postMessage(message) };
}

/** The analyses on this thread, over a MessageChannel (tests that give the server their own engine). */
function inlineAnalysis(analyze: Analyze, received: (message: FromAnalysis) => void): { post(message: ToAnalysis): void } {
  const { port1, port2 } = new MessageChannel();
  serveAnalyses(port2 as Port, analyze);
  port1.on('message', received);
  // Like the connection they serve, the ports must not keep a finished test process alive.
  port1.unref();
  port2.unref();
  return { post: (message) => port1.postMessage(message) };
}

/**
 * The connection over stdin/stdout. A framing error (a header without a valid Content-Length) leaves the stream
 * unreadable for good, so the server exits with a log line and the client restarts it instead of talking to a
 * deaf server.
 */
function stdioConnection(): Connection {
  const reader = new StreamMessageReader(process.stdin);
  const connection = createConnection(ProposedFeatures.all, reader, new StreamMessageWriter(process.stdout));
  reader.onError((error) => {
    const message = error.message.split('\n')[0];
    if (!/content-length|header/i.test(message)) return log(`could not read a message: ${message}`);
    process.stderr.write(`${PREFIX} fatal: malformed message header from the client (${message}); exiting so that the client restarts the server\n`);
    process.exit(1);
  });
  // stdout carries the protocol: console output goes to the client's log instead.
  const log = (...args: unknown[]) => connection.console.log(format(...args));
  console.log = console.info = console.debug = log;
  console.warn = console.error = (...args: unknown[]) => connection.console.error(format(...args));
  process.stdin.on('end', () => process.exit(1));
  return connection;
}

if (!isMainThread && (workerData as { role?: string } | undefined)?.role === ANALYSIS_THREAD) {
  serveAnalyses(parentPort as Port);
} else if (require.main === module) {
  startServer(process.argv.includes('--stdio') ? stdioConnection() : createConnection(ProposedFeatures.all));
}
