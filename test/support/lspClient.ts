// A minimal LSP client for integration tests, speaking JSON-RPC to the bundled server over stdio, or to a server
// started in this process (to give it a different engine).

import { spawn, type ChildProcess } from 'node:child_process';
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
      this.connection = createMessageConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    }
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, p.diagnostics);
      for (const w of this.waiters.splice(0)) w();
    });
    this.connection.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) => p.items.map(() => this.settings));
    this.connection.onNotification('window/logMessage', (p: { type: number; message: string }) => { this.logs.push(p); });
    this.connection.onNotification('aiEgressGuard/auditProgress', () => undefined);
    this.connection.onNotification('aiEgressGuard/status', (p: { uri: string; state: string; message?: string }) => { this.statuses.push(p); });
    this.connection.listen();
  }

  get exited(): boolean {
    return !!this.child && this.child.exitCode !== null;
  }

  async initialize(initializationOptions?: unknown): Promise<unknown> {
    // A server told a process id polls it, with a timer that would keep this process alive.
    const result = await this.connection.sendRequest('initialize', { processId: this.child ? process.pid : null, rootUri: null, capabilities: { workspace: { configuration: true, workspaceEdit: { documentChanges: true } } }, initializationOptions });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  /** Waits until `predicate` holds on the published diagnostics of `uri` (polls on each publish, with a time limit). */
  async waitForDiagnostics(uri: string, predicate: (d: Diagnostic[]) => boolean, timeoutMs = 10_000): Promise<Diagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = this.diagnostics.get(uri);
      if (current && predicate(current)) return current;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`diagnostics for ${uri} did not reach the expected state: ${JSON.stringify(current)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  open(uri: string, text: string, languageId = 'json', version = 1): Promise<void> {
    this.diagnostics.delete(uri);
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  change(uri: string, text: string, version: number): Promise<void> {
    return this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      // A server in this process would end the process on `exit`.
      if (this.child) await this.connection.sendNotification('exit');
    } catch { /* already gone */ }
    this.connection.dispose();
    if (this.child && !this.exited) this.child.kill();
  }
}
