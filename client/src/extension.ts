// The VS Code side: starts the language server and runs the workspace audit.
// Everything that analyses templates lives in the server; this file only wires VS Code to it.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { AUDIT_PROGRESS, AUDIT_REQUEST, type AuditParams, type AuditProgressParams, type AuditResponse } from '../../shared/protocol';

const LANGUAGES = ['json', 'jsonc', 'arm-template', 'bicep', 'bicep-params'];
let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('AI Egress Guard');
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.flatMap((language) => [{ scheme: 'file', language }, { scheme: 'untitled', language }]),
    synchronize: {
      configurationSection: 'aiEgressGuard',
      // Config files, and the templates, modules and parameter files that open templates may read.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{json,jsonc,bicep,bicepparam}'),
    },
    outputChannel: output,
  };
  client = new LanguageClient('aiEgressGuard', 'Azure AI Egress Guard', serverOptions, clientOptions);
  await client.start();

  context.subscriptions.push(
    vscode.commands.registerCommand('aiEgressGuard.auditWorkspace', () => auditWorkspace(context)),
  );
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}

/** Runs the audit with a cancellable progress notification, then shows a summary. Returns the result (used by tests). */
async function auditWorkspace(context: vscode.ExtensionContext): Promise<AuditResponse | undefined> {
  const folders = vscode.workspace.workspaceFolders?.map((f) => f.uri.fsPath) ?? [];
  if (!client || !folders.length) {
    void vscode.window.showWarningMessage('AI Egress Guard: open a folder to audit its templates.');
    return undefined;
  }
  const filesExclude = vscode.workspace.getConfiguration('files').get<Record<string, boolean>>('exclude') ?? {};
  const exclude = [
    ...Object.entries(filesExclude).filter(([, on]) => on).map(([glob]) => glob),
    ...(vscode.workspace.getConfiguration('aiEgressGuard').get<string[]>('audit.exclude') ?? []),
  ];
  const started = Date.now();
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'AI Egress Guard: auditing workspace', cancellable: true },
    async (progress, token) => {
      let reported = 0;
      const listener = client!.onNotification(AUDIT_PROGRESS, ({ done, total }: AuditProgressParams) => {
        const percent = total ? (done / total) * 100 : 100;
        progress.report({ message: `${done} of ${total} files`, increment: percent - reported });
        reported = percent;
      });
      try {
        return await client!.sendRequest<AuditResponse>(AUDIT_REQUEST, { folders, exclude } satisfies AuditParams, token);
      } finally {
        listener.dispose();
      }
    },
  );
  client.outputChannel.appendLine(`Audit of ${folders.join(', ')} in ${Date.now() - started} ms: ${result.summary}`);
  void vscode.window.showInformationMessage(`AI Egress Guard: ${result.summary}`, 'Show Problems', 'Export SARIF').then(async (choice) => {
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
