// A minimal LSP client over stdio for integration tests: starts the bundled server and speaks JSON-RPC.

import { spawn, type ChildProcess } from 'node:child_process';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { SERVER } from './paths';

export class TestClient {
  readonly connection: MessageConnection;
  private readonly child: ChildProcess;
  readonly diagnostics = new Map<string, Diagnostic[]>();
  private waiters: (() => void)[] = [];
  stderr = '';
  settings: Record<string, unknown> = {};

  constructor() {
    this.child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (d) => { this.stderr += String(d); });
    this.connection = createMessageConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, p.diagnostics);
      for (const w of this.waiters.splice(0)) w();
    });
    this.connection.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) => p.items.map(() => this.settings));
    this.connection.onNotification('window/logMessage', () => undefined);
    this.connection.onNotification('aiEgressGuard/auditProgress', () => undefined);
    this.connection.listen();
  }

  get exited(): boolean {
    return this.child.exitCode !== null;
  }

  async initialize(): Promise<unknown> {
    const result = await this.connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } } });
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
      await this.connection.sendNotification('exit');
    } catch { /* already gone */ }
    this.connection.dispose();
    if (!this.exited) this.child.kill();
  }
}
