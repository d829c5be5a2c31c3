// The VS Code side: starts the language server, shows its state and runs the workspace audit.
// Everything that analyses templates lives in the server; this file only wires VS Code to it.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { AuditProgressNotification, AuditRequest, PolicyRequest, StatusNotification, type AuditParams, type AuditResponse, type PolicyParams, type PolicyResponse, type StatusParams } from '../../shared/protocol';
import { InventoryState } from './inventoryState';
import { ReportView } from './reportView';
import { ServicesTree } from './servicesTree';

const LANGUAGES = ['json', 'jsonc', 'arm-template', 'bicep', 'bicep-params'];
const SELECTOR = LANGUAGES.flatMap((language) => [{ scheme: 'file', language }, { scheme: 'untitled', language }]);
const SHOW_OUTPUT = 'aiEgressGuard.showOutputChannel';
let client: LanguageClient | undefined;
let inventory: InventoryState | undefined;

/** What activate() returns: the views, for the extension-host tests. */
export interface Api { readonly services: ServicesTree; readonly report: ReportView; readonly inventory: InventoryState }

export async function activate(context: vscode.ExtensionContext): Promise<Api> {
  const output = vscode.window.createOutputChannel('AI Egress Guard');
  const status = new StatusItem();
  // The views refresh with a quiet audit (no progress, no notification) when files change after an audit.
  inventory = new InventoryState(async (token) => {
    const params = auditParams();
    return client && params ? (await client.sendRequest(AuditRequest, params, token)).inventory : undefined;
  });
  const report = ReportView.register(context, inventory, () => auditWorkspace(context));
  const services = ServicesTree.register(context, inventory);
  context.subscriptions.push(
    status,
    inventory,
    vscode.commands.registerCommand(SHOW_OUTPUT, () => output.show(true)),
    vscode.commands.registerCommand('aiEgressGuard.auditWorkspace', () => auditWorkspace(context)),
  );
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: SELECTOR,
    synchronize: {
      configurationSection: 'aiEgressGuard',
      // Config files, and the templates, modules and parameter files that open templates may read.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{json,jsonc,bicep,bicepparam}'),
    },
    outputChannel: output,
    middleware: {
      // The server's edits are for the text the request was made on (its versioned documentChanges lose their
      // version in VS Code's WorkspaceEdit): drop them if the document changed while they were computed.
      provideCodeActions: async (document, range, context, token, next) => {
        const version = document.version;
        const actions = await next(document, range, context, token);
        return document.version === version ? actions : [];
      },
    },
  };
  client = new LanguageClient('aiEgressGuard', 'Azure AI Egress Guard', serverOptions, clientOptions);
  context.subscriptions.push(
    client.onDidChangeState((e) => status.setServer(e.newState)),
    client.onNotification(StatusNotification, (params) => status.setFile(params)),
    vscode.commands.registerCommand('aiEgressGuard.generatePolicy', (target?: vscode.Uri) => generatePolicy(target)),
  );
  try {
    await client.start();
  } catch (error) {
    status.setServer(State.Stopped);
    throw error;
  }
  return { services, report, inventory };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}

/** Runs the audit with a cancellable progress notification, then shows a summary. Returns the result (used by tests). */
/** The folders to audit and what to skip; undefined when no folder is open. */
function auditParams(): AuditParams | undefined {
  const folders = vscode.workspace.workspaceFolders?.map((f) => f.uri.fsPath) ?? [];
  if (!folders.length) return undefined;
  const filesExclude = vscode.workspace.getConfiguration('files').get<Record<string, boolean>>('exclude') ?? {};
  const exclude = [
    ...Object.entries(filesExclude).filter(([, on]) => on).map(([glob]) => glob),
    ...(vscode.workspace.getConfiguration('aiEgressGuard').get<string[]>('audit.exclude') ?? []),
  ];
  return { folders, exclude };
}

async function auditWorkspace(context: vscode.ExtensionContext): Promise<AuditResponse | undefined> {
  const params = auditParams();
  if (!client || !params) {
    void vscode.window.showWarningMessage('AI Egress Guard: open a folder to audit its templates.');
    return undefined;
  }
  const { folders } = params;
  const started = Date.now();
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'AI Egress Guard: auditing workspace', cancellable: true },
    async (progress, token) => {
      let reported = 0;
      const listener = client!.onNotification(AuditProgressNotification, ({ done, total }) => {
        const percent = total ? (done / total) * 100 : 100;
        progress.report({ message: `${done} of ${total} files`, increment: percent - reported });
        reported = percent;
      });
      try {
        return await client!.sendRequest(AuditRequest, params, token);
      } finally {
        listener.dispose();
      }
    },
  );
  client.outputChannel.appendLine(`Audit of ${folders.join(', ')} in ${Date.now() - started} ms: ${result.summary}`);
  inventory?.set(result.inventory);
  void vscode.window.showInformationMessage(`AI Egress Guard: ${result.summary}`, 'Open Report', 'Show Problems', 'Export SARIF').then(async (choice) => {
    if (choice === 'Open Report') await vscode.commands.executeCommand('aiEgressGuard.openReport');
    if (choice === 'Show Problems') await vscode.commands.executeCommand('workbench.actions.view.problems');
    if (choice === 'Export SARIF') await exportSarif(result, context);
  });
  return result;
}

async function exportSarif(result: AuditResponse, _context: vscode.ExtensionContext): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, 'ai-egress-guard.sarif') : undefined,
    filters: { SARIF: ['sarif', 'json'] },
  });
  if (!target) return;
  await vscode.workspace.fs.writeFile(target, Buffer.from(result.sarif, 'utf8'));
  void vscode.window.showInformationMessage(`AI Egress Guard: SARIF written to ${target.fsPath}`);
}

/**
 * The language status item of our languages (as vscode-eslint shows one): the server's state, or why the active
 * file could not be analysed. A click opens the output channel, where the server logs the details.
 */
class StatusItem implements vscode.Disposable {
  private readonly item = vscode.languages.createLanguageStatusItem('aiEgressGuard.status', SELECTOR);
  private server = State.Starting;
  /** Files whose last analysis failed, with why (from the server's status notifications). */
  private readonly failures = new Map<string, string>();
  private readonly onEditor = vscode.window.onDidChangeActiveTextEditor(() => this.update());

  constructor() {
    this.item.name = 'AI Egress Guard';
    this.item.command = { title: 'Show Output', command: SHOW_OUTPUT };
    this.update();
  }

  setServer(state: State): void {
    this.server = state;
    this.update();
  }

  setFile({ uri, state, message }: StatusParams): void {
    if (state === 'error') this.failures.set(uri, message ?? 'unknown error');
    else this.failures.delete(uri);
    this.update();
  }

  dispose(): void {
    this.onEditor.dispose();
    this.item.dispose();
  }

  private update(): void {
    const active = vscode.window.activeTextEditor?.document.uri.toString();
    const failure = active === undefined ? undefined : this.failures.get(active);
    this.item.busy = this.server === State.Starting;
    if (this.server === State.Stopped || failure !== undefined) {
      this.item.severity = vscode.LanguageStatusSeverity.Error;
      this.item.text = '$(error) AI Egress Guard';
      this.item.detail = failure !== undefined ? `could not analyse this file: ${failure}` : 'the server has stopped';
    } else {
      this.item.severity = vscode.LanguageStatusSeverity.Information;
      this.item.text = 'AI Egress Guard';
      this.item.detail = this.server === State.Starting ? 'starting' : 'checking templates';
    }
  }
}

/**
 * Asks the server for the Azure Policy files of the workspace's configuration, writes them into a folder the user
 * picks (or `target`, for tests) and opens them. Returns what the server sent.
 */
async function generatePolicy(target?: vscode.Uri): Promise<PolicyResponse | undefined> {
  if (!client) return undefined;
  const workspace = vscode.workspace.workspaceFolders?.[0]?.uri;
  const effect = target ? 'Audit' : (await vscode.window.showQuickPick(
    [{ label: 'Audit', description: 'report non-compliant AI services (start here)' }, { label: 'Deny', description: 'also block deployments of non-compliant ones' }],
    { title: 'AI Egress Guard: effect of the policy' },
  ))?.label;
  if (!effect) return undefined;
  const format = target ? 'json' : (await vscode.window.showQuickPick(
    [{ label: 'ARM JSON', value: 'json' as const }, { label: 'Bicep', value: 'bicep' as const }],
    { title: 'AI Egress Guard: format of the policy files' },
  ))?.value;
  if (!format) return undefined;
  const folder = target ?? (await vscode.window.showOpenDialog({
    canSelectFolders: true, canSelectFiles: false, canSelectMany: false, defaultUri: workspace, openLabel: 'Write Azure Policy here',
  }))?.[0];
  if (!folder) return undefined;
  const params: PolicyParams = { folder: workspace?.fsPath, effect: effect as PolicyParams['effect'], format };
  const result = await client.sendRequest(PolicyRequest, params);
  const written: vscode.Uri[] = [];
  for (const file of result.files) {
    const uri = vscode.Uri.joinPath(folder, ...file.path.split('/'));
    await vscode.workspace.fs.writeFile(uri, Buffer.from(file.content, 'utf8'));
    written.push(uri);
  }
  client.outputChannel.appendLine(`Azure Policy written to ${folder.fsPath}:\n${result.summary.map((l) => `  ${l}`).join('\n')}`);
  for (const [i, uri] of written.entries()) await vscode.window.showTextDocument(uri, { preview: false, preserveFocus: i > 0 });
  void vscode.window.showInformationMessage(`AI Egress Guard: wrote ${written.length} Azure Policy files to ${folder.fsPath}. Deploy policy.${format} first, then assignment.${format} with effect Audit.`);
  return result;
}
