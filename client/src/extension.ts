// The VS Code side: starts the language server, shows its state and runs the workspace audit.
// Everything that analyses templates lives in the server; this file only wires VS Code to it.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import {
  ASK_FIX_COMMAND, AuditProgressNotification, AuditRequest, FixWithValueRequest, PolicyRequest, ReportRequest, SHOW_RULE_DOCS_COMMAND, StatusNotification,
  type AskFixArgs, type AuditParams, type AuditResponse, type InitializationOptions, type PolicyParams, type PolicyResponse, type StatusParams,
} from '../../shared/protocol';
import { InventoryState } from './inventoryState';
import { ReportView } from './reportView';
import { registerReview } from './review';
import { ServicesTree } from './servicesTree';

const LANGUAGES = ['json', 'jsonc', 'arm-template', 'bicep', 'bicep-params'];
const SELECTOR = LANGUAGES.flatMap((language) => [{ scheme: 'file', language }, { scheme: 'untitled', language }]);
const SHOW_OUTPUT = 'aiEgressGuard.showOutputChannel';
const SOURCE = 'ai-egress-guard';
let client: LanguageClient | undefined;
let inventory: InventoryState | undefined;

/** What activate() returns: the views, for the extension-host tests. */
export interface Api { readonly services: ServicesTree; readonly report: ReportView; readonly inventory: InventoryState }

export async function activate(context: vscode.ExtensionContext): Promise<Api> {
  // A log channel: the server's errors, warnings and info keep their level (see `leveled`).
  const log = vscode.window.createOutputChannel('AI Egress Guard', { log: true });
  const status = new StatusItem();
  // The views refresh with a quiet audit (no progress, no notification) when files change after an audit.
  inventory = new InventoryState(async (token) => {
    const params = auditParams();
    return client && params ? client.sendRequest(AuditRequest, params, token) : undefined;
  });
  const report = ReportView.register(context, inventory, () => auditWorkspace(context), (params) => {
    if (!client) throw new Error('the language server is not running');
    return client.sendRequest(ReportRequest, params);
  });
  const services = ServicesTree.register(context, inventory);
  registerReview(context, () => client, report);
  context.subscriptions.push(
    log,
    status,
    inventory,
    vscode.commands.registerCommand(SHOW_OUTPUT, () => log.show(true)),
    vscode.commands.registerCommand('aiEgressGuard.restartServer', () => restartServer(log)),
    vscode.commands.registerCommand('aiEgressGuard.auditWorkspace', () => auditWorkspace(context)),
    vscode.commands.registerCommand(SHOW_RULE_DOCS_COMMAND, (ruleId: string) => showRuleDocumentation(context, ruleId)),
    vscode.commands.registerCommand(ASK_FIX_COMMAND, (args: AskFixArgs) => applyFixWithValue(args, log)),
    vscode.commands.registerCommand('aiEgressGuard.generatePolicy', (target?: vscode.Uri) => generatePolicy(target)),
    vscode.commands.registerCommand('aiEgressGuard.openSample', () => openSample(context)),
  );
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const initializationOptions: InitializationOptions = { clientCommands: true };
  const clientOptions: LanguageClientOptions = {
    documentSelector: SELECTOR,
    initializationOptions,
    synchronize: {
      configurationSection: 'aiEgressGuard',
      // Config files, and the templates, modules and parameter files that open templates may read.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{json,jsonc,bicep,bicepparam}'),
    },
    outputChannel: leveled(log),
    middleware: {
      // The server's edits are for the text the request was made on (its versioned documentChanges lose their
      // version in VS Code's WorkspaceEdit): drop them if the document changed while they were computed.
      provideCodeActions: async (document, range, context, token, next) => {
        const version = document.version;
        const actions = await next(document, range, context, token);
        return document.version === version ? actions : [];
      },
      // The rule's page is bundled: its link opens it in the Markdown preview, offline (the server links the file).
      handleDiagnostics: (uri, diagnostics, next) => {
        for (const d of diagnostics) {
          if (d.source === SOURCE && typeof d.code === 'object' && typeof d.code.value === 'string') d.code = { value: d.code.value, target: docsCommandUri(d.code.value) };
        }
        next(uri, diagnostics);
      },
    },
  };
  client = new LanguageClient('aiEgressGuard', 'AI Egress Guard', serverOptions, clientOptions);
  context.subscriptions.push(
    client.onDidChangeState((e) => status.setServer(e.newState)),
    client.onNotification(StatusNotification, (params) => status.setFile(params)),
  );
  log.info(`AI Egress Guard ${context.extension.packageJSON.version as string} activating (VS Code ${vscode.version}); starting the language server`);
  try {
    await client.start();
  } catch (error) {
    status.setServer(State.Stopped);
    log.error(`the language server did not start: ${(error as Error)?.stack ?? String(error)}`);
    throw error;
  }
  return { services, report, inventory };
}

/**
 * vscode-languageclient writes the server's log as `[Error - 10:00:00] message` lines: on a LogOutputChannel they
 * become entries of that level (the channel adds its own time); other lines (LSP traces) are written as they are.
 */
function leveled(log: vscode.LogOutputChannel): vscode.OutputChannel {
  const levels: Record<string, (message: string) => void> = {
    Error: (m) => log.error(m), Warn: (m) => log.warn(m), Info: (m) => log.info(m), Debug: (m) => log.debug(m), Log: (m) => log.info(m),
  };
  return new Proxy(log, {
    get(target, property, receiver) {
      if (property !== 'appendLine') return Reflect.get(target, property, receiver) as unknown;
      return (line: string) => {
        const match = /^\[(Error|Warn|Info|Debug|Log)\s*- [^\]]*\] ([\s\S]*)$/.exec(line);
        if (match) levels[match[1]](match[2]);
        else target.appendLine(line);
      };
    },
  });
}

async function restartServer(log: vscode.LogOutputChannel): Promise<void> {
  if (!client) return;
  log.info('restarting the language server');
  await client.restart();
}

/** The walkthrough's sample (bundled): an untitled copy named like a template, so editing it changes no file. */
async function openSample(context: vscode.ExtensionContext): Promise<vscode.TextEditor> {
  const content = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(context.extensionUri, 'walkthrough', 'sample.json'));
  const document = await vscode.workspace.openTextDocument(vscode.Uri.parse('untitled:ai-egress-guard-sample.json'));
  const editor = await vscode.window.showTextDocument(document);
  if (!document.getText()) await editor.edit((e) => e.insert(new vscode.Position(0, 0), Buffer.from(content).toString('utf8')));
  return editor;
}

/** `command:` link of a rule's documentation, for diagnostics' code links (the Problems panel runs command links). */
function docsCommandUri(ruleId: string): vscode.Uri {
  return vscode.Uri.parse(`command:${SHOW_RULE_DOCS_COMMAND}?${encodeURIComponent(JSON.stringify([ruleId]))}`);
}

/** Opens the rule's page shipped in the extension (docs/rules/<id>.md) in VS Code's Markdown preview: no network. */
async function showRuleDocumentation(context: vscode.ExtensionContext, ruleId: string): Promise<void> {
  if (!/^[a-z]+(-[a-z]+)*$/.test(ruleId)) return;
  const page = vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules', `${ruleId}.md`);
  try {
    await vscode.workspace.fs.stat(page);
  } catch {
    void vscode.window.showWarningMessage(`AI Egress Guard: no documentation is bundled for '${ruleId}'.`);
    return;
  }
  await vscode.commands.executeCommand('markdown.showPreview', page);
}

/**
 * A fix that needs a value only the user knows (a suppression's reason, a resource's owner): asks for it in an
 * input box (an empty answer is refused), then applies the edit the server makes with it, if the file has not changed.
 */
async function applyFixWithValue(args: AskFixArgs, log: vscode.LogOutputChannel): Promise<boolean> {
  if (!client) return false;
  const value = await vscode.window.showInputBox({
    title: args.title,
    prompt: args.prompt,
    placeHolder: args.example,
    ignoreFocusOut: true,
    validateInput: (text) => (text.trim() ? undefined : 'Type a value: an empty one is not accepted.'),
  });
  if (value === undefined || !value.trim()) return false;
  const edit = await client.sendRequest(FixWithValueRequest, { uri: args.uri, version: args.version, key: args.key, title: args.title, value });
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === args.uri);
  if (!edit || document?.version !== args.version) {
    void vscode.window.showWarningMessage('AI Egress Guard: the file changed while the value was typed; nothing was changed. Try the quick fix again.');
    return false;
  }
  const applied = await vscode.workspace.applyEdit(await client.protocol2CodeConverter.asWorkspaceEdit(edit));
  if (!applied) log.warn(`could not apply '${args.title}' to ${args.uri}`);
  return applied;
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
  // The server logs each audit with its counts and time (output channel).
  inventory?.set(result);
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
 * The language status item of our languages (as the JSON and Bicep extensions show one): the server's state and
 * the findings of the active file, or why it could not be analysed. A click opens the output channel.
 */
class StatusItem implements vscode.Disposable {
  private readonly item = vscode.languages.createLanguageStatusItem('aiEgressGuard.status', SELECTOR);
  private server = State.Starting;
  /** Files whose last analysis failed, with why (from the server's status notifications). */
  private readonly failures = new Map<string, string>();
  private readonly listeners = [
    vscode.window.onDidChangeActiveTextEditor(() => this.update()),
    vscode.languages.onDidChangeDiagnostics((e) => {
      const active = vscode.window.activeTextEditor?.document.uri.toString();
      if (e.uris.some((u) => u.toString() === active)) this.update();
    }),
  ];

  constructor() {
    this.item.name = 'AI Egress Guard';
    this.item.command = { title: 'Show Output', command: SHOW_OUTPUT, tooltip: 'Show the AI Egress Guard output channel' };
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
    for (const l of this.listeners) l.dispose();
    this.item.dispose();
  }

  private update(): void {
    const editor = vscode.window.activeTextEditor;
    const active = editor?.document.uri.toString();
    const failure = active === undefined ? undefined : this.failures.get(active);
    this.item.busy = this.server === State.Starting;
    if (this.server === State.Stopped || failure !== undefined) {
      this.item.severity = vscode.LanguageStatusSeverity.Error;
      this.item.text = '$(error) AI Egress Guard';
      this.item.detail = failure !== undefined ? `could not analyse this file: ${failure}` : 'the server has stopped';
      return;
    }
    this.item.severity = vscode.LanguageStatusSeverity.Information;
    if (this.server === State.Starting || !editor) {
      this.item.text = 'AI Egress Guard';
      this.item.detail = this.server === State.Starting ? 'starting' : 'checking templates';
      return;
    }
    const ours = vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.source === SOURCE);
    const count = (severity: vscode.DiagnosticSeverity) => ours.filter((d) => d.severity === severity).length;
    const [errors, warnings, infos] = [count(vscode.DiagnosticSeverity.Error), count(vscode.DiagnosticSeverity.Warning), count(vscode.DiagnosticSeverity.Information)];
    this.item.text = ours.length ? `AI Egress Guard: ${plural(ours.length, 'problem')}` : 'AI Egress Guard: no problems';
    // The severity stays for the server's own state: the findings are in the Problems panel.
    this.item.detail = ours.length ? `${errors} errors, ${warnings} warnings, ${infos} info in this file` : 'this file passes';
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
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
