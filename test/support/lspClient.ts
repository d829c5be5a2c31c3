// A minimal LSP client for integration tests, speaking JSON-RPC to the bundled server over stdio, or to a server
// started in this process (to give it a different engine).

import { spawn, type ChildProcess } from 'node:child_process';
import { after, before } from 'node:test';
import { PassThrough } from 'node:stream';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { createConnection, type Connection } from 'vscode-languageserver/node';
import { SERVER } from './paths';

export class TestClient {
  readonly connection: MessageConnection;
  private readonly child?: ChildProcess;
  readonly diagnostics = new Map<string, Diagnostic[]>();
  private waiters: (() => void)[] = [];
  stderr = '';
  /** aiEgressGuard/status notifications received, in order. */
  readonly statuses: { uri: string; state: string; message?: string }[] = [];
  /** Every publishDiagnostics received, in order. */
  readonly published: PublishDiagnosticsParams[] = [];
  readonly traces: string[] = [];
  /** The spawned server's exit code (null when killed by a signal). */
  readonly exit?: Promise<number | null>;
  /** Editor settings; the account-wide info rules are off unless a test turns them on (their own tests cover them). */
  settings: Record<string, unknown> = { rules: { 'use-private-endpoint': 'off', 'enable-diagnostic-logs': 'off' } };

  /** The server's log (window/logMessage): type 1 error, 2 warning, 3 info, 4 log. */
  readonly logs: { type: number; message: string }[] = [];

  /** Without `serve`, spawns dist/server.js; with it, calls `serve` with the server end of an in-memory connection. */
  constructor(serve?: (connection: Connection) => void) {
    if (serve) {
      const toServer = new PassThrough();
      const toClient = new PassThrough();
      // Reader and writer rather than streams: given streams, the server ends the process when they close.
      serve(createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient)));
      this.connection = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
    } else {
      this.child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
      this.child.stderr!.on('data', (d) => { this.stderr += String(d); });
      const child = this.child;
      this.exit = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
      this.connection = createMessageConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    }
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, p.diagnostics);
      this.published.push(p);
      this.changed();
    });
    this.connection.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) => p.items.map(() => this.settings));
    this.connection.onNotification('window/logMessage', (p: { type: number; message: string }) => { this.logs.push(p); this.changed(); });
    this.connection.onNotification('$/logTrace', (p: { message: string }) => { this.traces.push(p.message); this.changed(); });
    this.connection.onNotification('aiEgressGuard/auditProgress', () => undefined);
    this.connection.onNotification('aiEgressGuard/status', (p: { uri: string; state: string; message?: string }) => { this.statuses.push(p); });
    this.connection.listen();
  }

  /** The spawned server's process id. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get exited(): boolean {
    return !!this.child && this.child.exitCode !== null;
  }

  /** `textDocument`: client capabilities of that group (codeAction resolve support, as VS Code's). */
  async initialize(initializationOptions?: unknown, textDocument?: object): Promise<unknown> {
    // A server told a process id polls it, with a timer that would keep this process alive.
    const capabilities = { workspace: { configuration: true, workspaceEdit: { documentChanges: true } }, ...(textDocument ? { textDocument } : {}) };
    const result = await this.connection.sendRequest('initialize', { processId: this.child ? process.pid : null, rootUri: null, capabilities, initializationOptions });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  private changed(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Waits until `predicate` holds on the published diagnostics of `uri` (polls on each publish, with a time limit). */
  async waitForDiagnostics(uri: string, predicate: (d: Diagnostic[]) => boolean, timeoutMs = 10_000): Promise<Diagnostic[]> {
    return this.waitUntil(() => {
      const current = this.diagnostics.get(uri);
      return current && predicate(current) ? current : undefined;
    }, () => `diagnostics for ${uri} did not reach the expected state: ${JSON.stringify(this.diagnostics.get(uri))}`, timeoutMs);
  }

  /** Waits until `check` returns a value, checking on each message from the server (with a time limit). */
  async waitUntil<T>(check: () => T | undefined, failure: () => string, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value !== undefined) return value;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(failure());
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  /** Asks the server to trace (the client's `aiEgressGuard.trace.server`): it then traces each analysis. */
  trace(value: 'off' | 'messages' | 'verbose'): Promise<void> {
    return this.connection.sendNotification('$/setTrace', { value });
  }

  /** Writes bytes to the spawned server's stdin as they are, past the JSON-RPC framing. */
  writeRaw(data: string): void {
    this.child!.stdin!.write(data);
  }

  open(uri: string, text: string, languageId = 'json', version = 1): Promise<void> {
    this.diagnostics.delete(uri);
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  change(uri: string, text: string, version: number): Promise<void> {
    return this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  async stop(): Promise<void> {
    if (this.exited) {
      this.connection.dispose();
      return;
    }
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      // A server in this process would end the process on `exit`.
      if (this.child) await this.connection.sendNotification('exit');
    } catch { /* already gone */ }
    this.connection.dispose();
    if (this.child && !this.exited) this.child.kill();
  }
}

/** One server for the tests of a file: started (and initialized) before them, stopped after; `use` receives it. */
export function serverForFile(use: (client: TestClient) => void, initializationOptions?: unknown): void {
  let client: TestClient | undefined;
  before(async () => {
    client = new TestClient();
    await client.initialize(initializationOptions);
    use(client);
  });
  after(async () => {
    await client?.stop();
  });
}
