// The inventory the report view and the "AI Services" tree show: the last audit's, kept fresh as template files
// change (a quiet audit, debounced, only once the user has audited: never one per keystroke, never unasked).
// Also opens a place of the inventory in an editor, for both views.

import * as vscode from 'vscode';
import type { InstanceNetwork, Inventory, Place } from '../../shared/inventory';
import type { AuditResponse } from '../../shared/protocol';

/** What the views keep of an audit: its inventory, what it checked (for the exported report) and its estate section. */
export type Audit = Pick<AuditResponse, 'inventory' | 'audited' | 'estate'>;

/** Runs the audit without UI and returns it (undefined when it could not run). */
export type QuietAudit = (token: vscode.CancellationToken) => Promise<Audit | undefined>;

const AUDITED = 'aiEgressGuard.audited';

export class InventoryState implements vscode.Disposable {
  private current: Audit | undefined;
  private readonly changed = new vscode.EventEmitter<Inventory>();
  readonly onDidChange = this.changed.event;
  private timer: NodeJS.Timeout | undefined;
  private running: vscode.CancellationTokenSource | undefined;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  /** `delay`: ms without a file change before the quiet audit runs. */
  constructor(private readonly quietAudit: QuietAudit, readonly delay = 1_000) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.{json,jsonc,bicep,bicepparam}');
    const schedule = () => this.schedule();
    this.disposables.push(watcher, watcher.onDidChange(schedule), watcher.onDidCreate(schedule), watcher.onDidDelete(schedule));
  }

  get inventory(): Inventory | undefined {
    return this.current?.inventory;
  }

  /** The last audit: its inventory, what it checked, its estate. */
  get audit(): Audit | undefined {
    return this.current;
  }

  /** A new audit (from "Audit Workspace" or a quiet audit). */
  set(audit: Audit): void {
    this.current = { inventory: audit.inventory, audited: audit.audited, ...(audit.estate ? { estate: audit.estate } : {}) };
    void vscode.commands.executeCommand('setContext', AUDITED, true);
    this.changed.fire(audit.inventory);
  }

  /** A file changed on disk (saved, created, deleted): audit again once changes stop for `delay` ms. */
  schedule(): void {
    if (!this.current) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), this.delay);
  }

  private async refresh(): Promise<void> {
    this.running?.cancel();
    const source = (this.running = new vscode.CancellationTokenSource());
    try {
      const audit = await this.quietAudit(source.token);
      if (audit && !source.token.isCancellationRequested) this.set(audit);
    } catch {
      // Cancelled by a newer change, or the server is down: the views keep the last inventory.
    } finally {
      if (this.running === source) this.running = undefined;
      source.dispose();
    }
  }

  /** The URI of a file of the inventory (relative to its root, or a URI for files not on disk). */
  uriOf(file: string): vscode.Uri | undefined {
    if (!this.current) return undefined;
    if (/^[a-z][a-z0-9+.-]+:/i.test(file)) return vscode.Uri.parse(file);
    return vscode.Uri.joinPath(vscode.Uri.parse(this.current.inventory.root), ...file.split('/'));
  }

  /** Whether `place` is one the inventory names (what the report view's messages are checked against). */
  knows(place: Place): boolean {
    const same = (p: Place) => p.file === place.file && p.line === place.line && p.column === place.column;
    const inNetwork = (n: InstanceNetwork) => (!!n.managedNetwork && same(n.managedNetwork)) || n.privateEndpoints.some(same) || n.logs.settings.some(same);
    return !!this.inventory?.instances.some((i) => same(i.declaration) || i.findings.some(same) || i.chain.some(same) || inNetwork(i.network));
  }

  /** Opens the file of `place` with the cursor there. */
  async open(place: Place, viewColumn?: vscode.ViewColumn): Promise<vscode.TextEditor | undefined> {
    const uri = this.uriOf(place.file);
    if (!uri) return undefined;
    const position = new vscode.Position(Math.max(0, place.line - 1), Math.max(0, place.column - 1));
    return vscode.window.showTextDocument(uri, { selection: new vscode.Range(position, position), viewColumn, preview: true });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.running?.cancel();
    for (const d of this.disposables) d.dispose();
  }
}
