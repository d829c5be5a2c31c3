// The language server's wiring: capabilities, and which handler answers which message. The handlers: config.ts
// (settings), documents.ts (when files are analysed, what is published), codeActions.ts, hover.ts, audit.ts, policy.ts.

import { createConnection, CodeActionKind, ProposedFeatures, TextDocuments, TextDocumentSyncKind, type Connection } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { warmUp } from '../engine/warmup';
import { AuditRequest, InventoryRequest } from '../../../shared/protocol';
import type { Inventory } from '../../../shared/inventory';
import { runAudit } from './audit';
import { CodeActions, FIX_ALL_KIND } from './codeActions';
import { provideHover } from './hover';
import { SettingsStore } from './config';
import { Validator, type Analyze } from './documents';
import { registerPolicyRequest } from './policy';
import { version } from '../../../package.json';

export interface ServerOptions {
  /** The engine's analyze(); tests replace it (to make an analysis throw). */
  readonly analyze?: Analyze;
}

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const log = (message: string) => connection.console.log(`[ai-egress-guard] ${message}`);
  const documents = new TextDocuments(TextDocument);
  const settings = new SettingsStore(connection, log);
  const validator = new Validator(connection, documents, settings, log, options.analyze);
  const codeActions = new CodeActions(documents, validator);

  connection.onInitialize((params) => {
    settings.initialize(params);
    codeActions.versionedEdits = !!params.capabilities.workspace?.workspaceEdit?.documentChanges;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        hoverProvider: true,
      },
      serverInfo: { name: 'ai-egress-guard', version },
    };
  });

  const failed = (what: string) => (error: unknown) => log(`${what} failed: ${(error as Error | undefined)?.stack ?? String(error)}`);
  /** Settings may have changed: read them again and check every open file. */
  const refresh = () => settings.refresh().then(() => validator.validateAll()).catch(failed('refreshing the settings'));
  connection.onInitialized(() => {
    try {
      warmUp();
    } catch (error) {
      failed('warm-up')(error);
    }
    void refresh();
  });
  connection.onDidChangeConfiguration((change) => {
    settings.pushed(change.settings);
    void refresh();
  });
  connection.onDidChangeWatchedFiles((params) => {
    // A config file changes the settings; a template, module or parameter file on disk changes what open files read.
    if (params.changes.some((c) => /(\/\.ai-egress-guard\.json|\/bicepconfig\.json)$/i.test(c.uri))) void refresh();
    else validator.scheduleAll();
  });

  validator.listen();
  connection.onCodeAction((params) => codeActions.provide(params));
  connection.onHover((params) => provideHover(params, documents, validator));
  let lastInventory: Inventory | null = null;
  connection.onRequest(AuditRequest, async (params, token) => {
    const response = await runAudit(params, token, connection, settings, validator);
    lastInventory = response.inventory;
    return response;
  });
  connection.onRequest(InventoryRequest, () => lastInventory);
  registerPolicyRequest(connection, (file) => settings.settingsFor(file));

  documents.listen(connection);
  connection.listen();
}

if (require.main === module) {
  startServer(createConnection(ProposedFeatures.all));
}
