// The report view ("AI Egress Guard: Open Report"): a webview showing the inventory's report (shared/reportHtml.ts,
// the same as the CLI's `--format html`, every value from a template escaped) under a strict Content-Security-Policy:
// nothing but its own style and script (by nonce), no remote content, no local resources. A click on an instance or
// finding posts its place; the extension opens the file there, if the place is one of the inventory's.
// Also "Export Report…": the HTML or Markdown report the CLI writes (made by the language server), or the inventory
// as JSON; and the change review of "Review Changes Against…" (review.ts) in a panel of the same page.

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { Place } from '../../shared/inventory';
import type { ReportParams, ReviewResult } from '../../shared/protocol';
import { estateSection, FILTER_SCRIPT, Html, html, htmlDocument, reportBody } from '../../shared/reportHtml';
import type { InventoryState } from './inventoryState';

/** Asks the language server for the report of an audit (ReportRequest). */
export type RenderReport = (params: ReportParams) => Promise<string>;

/** The formats "Export Report…" offers, by the file's extension (the save dialog's filters); HTML when it has none of them. */
const EXPORT_FILTERS = { 'HTML report': ['html'], 'Markdown report': ['md'], 'JSON inventory': ['json'] };

export function exportFormat(file: vscode.Uri): 'html' | 'markdown' | 'json' {
  const ext = /\.([^./]+)$/.exec(file.path)?.[1]?.toLowerCase();
  return ext === 'md' || ext === 'markdown' ? 'markdown' : ext === 'json' ? 'json' : 'html';
}

const STYLE = `
body{font-family:var(--vscode-font-family);font-size:var(--vscode-font-size);color:var(--vscode-foreground);padding:0 1.5rem 2rem}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.75rem}h3{font-size:1rem}
.muted{color:var(--vscode-descriptionForeground)}.kpi{font-size:1.1rem;font-weight:600}
.tiles{display:flex;flex-wrap:wrap;gap:.75rem;margin:1rem 0}
.tile{border:1px solid var(--vscode-panel-border,#8884);border-radius:6px;padding:.5rem 1rem;min-width:8rem}
.tile b{display:block;font-size:1.5rem}.tile.bad b,.open{color:var(--vscode-errorForeground)}
.tile.warn b,.unverified{color:var(--vscode-editorWarning-foreground)}.tile.good b,.restricted{color:var(--vscode-testing-iconPassed)}
table{border-collapse:collapse;width:100%}th,td{border:1px solid var(--vscode-panel-border,#8884);padding:.25rem .5rem;text-align:left;vertical-align:top}
td.n{text-align:right}ul{margin:0;padding-left:1.2rem}a.place{color:var(--vscode-textLink-foreground);cursor:pointer}
.filters{display:flex;gap:1rem;margin:.5rem 0}.charts{display:flex;flex-wrap:wrap;gap:2rem}.charts svg text{fill:var(--vscode-foreground)}
.change{border-left:4px solid var(--vscode-errorForeground);padding:.25rem .75rem;margin:.75rem 0}.change h3{margin:.25rem 0}
.warning{border:1px solid var(--vscode-editorWarning-foreground);padding:.5rem}td.network{font-size:.9em}
select{background:var(--vscode-dropdown-background);color:var(--vscode-dropdown-foreground);border:1px solid var(--vscode-dropdown-border)}
`;

/** Runs in the webview: a click (or Enter) on a place asks the extension to open it. */
const SCRIPT = `
const vscode = acquireVsCodeApi();
document.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('a.place') : null;
  if (!link) return;
  event.preventDefault();
  vscode.postMessage({ type: 'open', file: link.dataset.file, line: Number(link.dataset.line), column: Number(link.dataset.column) });
});
${FILTER_SCRIPT}`;

/** What the webview may post: a place to open. */
interface OpenMessage { readonly type: 'open'; readonly file: string; readonly line: number; readonly column: number }

/** A page around a body: only its own style and script run (by nonce), nothing remote, no local resources. */
function page(title: string, body: Html): string {
  const nonce = randomBytes(16).toString('base64');
  const csp = `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; img-src data:; base-uri 'none'; form-action 'none'`;
  return htmlDocument({ csp: new Html(csp), title, style: STYLE, body: html`${body}\n`, script: SCRIPT, nonce }).text;
}

function isOpenMessage(m: unknown): m is OpenMessage {
  const o = m as Partial<OpenMessage> | null;
  return !!o && o.type === 'open' && typeof o.file === 'string' && Number.isInteger(o.line) && Number.isInteger(o.column);
}

export class ReportView implements vscode.Disposable {
  static readonly viewType = 'aiEgressGuard.report';
  static readonly reviewViewType = 'aiEgressGuard.review';
  private panel: vscode.WebviewPanel | undefined;
  private review: { readonly panel: vscode.WebviewPanel; readonly result: ReviewResult; readonly folder: vscode.Uri } | undefined;
  private readonly listener: vscode.Disposable;

  constructor(private readonly state: InventoryState, private readonly report: RenderReport) {
    this.listener = state.onDidChange(() => this.render());
  }

  /** Registers "Open Report" and "Export Report…". */
  static register(context: vscode.ExtensionContext, state: InventoryState, audit: () => Promise<unknown>, report: RenderReport): ReportView {
    const view = new ReportView(state, report);
    const ensureInventory = async () => state.inventory ?? (await audit(), state.inventory);
    context.subscriptions.push(
      view,
      vscode.commands.registerCommand('aiEgressGuard.openReport', async () => {
        if (await ensureInventory()) view.show();
        return view.html;
      }),
      vscode.commands.registerCommand('aiEgressGuard.exportReport', async (target?: vscode.Uri) => {
        if (await ensureInventory()) return view.export(target);
        return undefined;
      }),
    );
    return view;
  }

  /** The HTML the panel shows (undefined when it is closed). */
  get html(): string | undefined {
    return this.panel?.webview.html;
  }

  show(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    this.panel = vscode.window.createWebviewPanel(ReportView.viewType, 'AI Egress Guard Report', vscode.ViewColumn.Active, {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [],
    });
    this.panel.onDidDispose(() => { this.panel = undefined; });
    this.panel.webview.onDidReceiveMessage((m) => this.receive(m));
    this.render();
  }

  /** A message from the webview: opens the place if it is the inventory's (never a path the page made up). Returns the editor. */
  async receive(message: unknown): Promise<vscode.TextEditor | undefined> {
    if (!isOpenMessage(message)) return undefined;
    const place: Place = { file: message.file, line: message.line, column: message.column };
    if (!this.state.knows(place)) return undefined;
    return this.state.open(place, vscode.ViewColumn.Beside);
  }

  private render(): void {
    const inventory = this.state.inventory;
    if (!this.panel || !inventory) return;
    // The deployed accounts of exports audited beside the templates: the same section as the CLI's HTML report.
    const estate = this.state.audit?.estate;
    this.panel.webview.html = page('AI Egress Guard Report', html`${reportBody(inventory, { links: true })}${estate ? estateSection(estate) : ''}`);
  }

  /**
   * Shows a change review ("Review Changes Against…") in its own panel of the same page; a click opens a place
   * of the review (in the folder's working tree), and no other. Returns the HTML shown.
   */
  showReview(review: ReviewResult, folder: vscode.Uri): string {
    const title = `AI Egress Guard Review: ${review.base} → ${review.head}`;
    if (!this.review) {
      const panel = vscode.window.createWebviewPanel(ReportView.reviewViewType, title, vscode.ViewColumn.Active, { enableScripts: true, enableCommandUris: false, localResourceRoots: [] });
      this.review = { panel, result: review, folder };
      panel.onDidDispose(() => { this.review = undefined; });
      panel.webview.onDidReceiveMessage((m) => this.receiveInReview(m));
    } else {
      this.review = { ...this.review, result: review, folder };
      this.review.panel.title = title;
      this.review.panel.reveal();
    }
    // The review's HTML is the server's (estate/diff.ts reviewHtml): every value in it is escaped there.
    this.review.panel.webview.html = page(title, new Html(review.html));
    return this.review.panel.webview.html;
  }

  /** A message from the review panel: opens the place if the review links to it. */
  async receiveInReview(message: unknown): Promise<vscode.TextEditor | undefined> {
    if (!isOpenMessage(message) || !this.review) return undefined;
    const { result, folder } = this.review;
    if (!result.places.some((p) => p.file === message.file && p.line === message.line && p.column === message.column)) return undefined;
    const position = new vscode.Position(message.line - 1, message.column - 1);
    return vscode.window.showTextDocument(vscode.Uri.joinPath(folder, ...message.file.split('/')), { selection: new vscode.Range(position, position), viewColumn: vscode.ViewColumn.Beside, preview: true });
  }

  /**
   * Writes the report to a file the user picks (or `target`): the HTML page or the Markdown the CLI writes
   * (`--format html`, `--format markdown`), or the inventory as JSON (what `--format json` writes under `inventory`),
   * by the file's extension.
   */
  async export(target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const audit = this.state.audit;
    if (!audit) return undefined;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const file = target ?? (await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, 'ai-egress-guard-report.html') : undefined,
      filters: EXPORT_FILTERS,
      title: 'AI Egress Guard: export the report',
    }));
    if (!file) return undefined;
    const format = exportFormat(file);
    const text = format === 'json' ? `${JSON.stringify(audit.inventory, null, 2)}\n` : await this.report({ format, inventory: audit.inventory, audited: audit.audited, ...(audit.estate ? { estate: audit.estate } : {}) });
    await vscode.workspace.fs.writeFile(file, Buffer.from(text, 'utf8'));
    if (!target) void vscode.window.showInformationMessage(`AI Egress Guard: report written to ${file.fsPath}`);
    return file;
  }

  dispose(): void {
    this.listener.dispose();
    this.panel?.dispose();
    this.review?.panel.dispose();
  }
}
