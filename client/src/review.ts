// "AI Egress Guard: Review Changes Against…": picks a git ref of the workspace folder's repository (branches, tags
// and recent commits, as the server reads them with git, or any ref typed in), asks the server for the review of
// `ai-egress-guard diff <ref>` and shows it in the report view. The server reads and renders everything.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { LSPErrorCodes, ResponseError } from 'vscode-languageclient/node';
import { GitRefsRequest, ReviewRequest, type GitRef, type ReviewResponse } from '../../shared/protocol';
import type { ReportView } from './reportView';

export const REVIEW_COMMAND = 'aiEgressGuard.reviewChanges';

interface RefItem extends vscode.QuickPickItem { readonly ref?: string }

const KINDS: readonly [GitRef['kind'], string, string][] = [['branch', 'Branches', 'git-branch'], ['remote', 'Remote branches', 'cloud'], ['tag', 'Tags', 'tag'], ['commit', 'Recent commits', 'git-commit']];

/** Registers the command; `ref` (and `folder`) as arguments skip the pickers (tests, keybindings). Returns the HTML shown. */
export function registerReview(context: vscode.ExtensionContext, client: () => LanguageClient | undefined, report: ReportView): void {
  context.subscriptions.push(vscode.commands.registerCommand(REVIEW_COMMAND, async (ref?: string, folder?: vscode.Uri) => {
    const languageClient = client();
    if (!languageClient) return undefined;
    const target = folder ?? (await pickFolder());
    if (!target) return undefined;
    const base = ref ?? (await pickRef(languageClient, target));
    if (!base) return undefined;
    // Cancelling the notification cancels the request: the server stops between files and answers RequestCancelled.
    let answer: ReviewResponse;
    try {
      answer = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `AI Egress Guard: reviewing the changes against ${base}`, cancellable: true },
        (_progress, token) => languageClient.sendRequest(ReviewRequest, { folder: target.fsPath, base }, token),
      );
    } catch (error) {
      if (isCancellation(error)) return undefined;
      throw error;
    }
    if ('error' in answer) {
      void vscode.window.showErrorMessage(`AI Egress Guard: cannot review against '${base}': ${answer.error}`);
      return undefined;
    }
    if (vscode.workspace.textDocuments.some((d) => d.isDirty && d.uri.scheme === 'file' && d.uri.fsPath.startsWith(target.fsPath))) {
      void vscode.window.showWarningMessage('AI Egress Guard: the review reads the files as saved on disk; unsaved changes are not in it.');
    }
    return report.showReview(answer, target);
  }));
}

/** The request ended because it was cancelled (the client may turn RequestCancelled into VS Code's CancellationError). */
function isCancellation(error: unknown): boolean {
  return error instanceof vscode.CancellationError || (error instanceof ResponseError && error.code === LSPErrorCodes.RequestCancelled);
}

/** The workspace folder to review: the only one, the active editor's, or one picked. */
async function pickFolder(): Promise<vscode.Uri | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) {
    if (!folders.length) void vscode.window.showWarningMessage('AI Egress Guard: open a folder in a git repository to review its changes.');
    return folders[0]?.uri;
  }
  const active = vscode.window.activeTextEditor && vscode.workspace.getWorkspaceFolder(vscode.window.activeTextEditor.document.uri);
  return active?.uri ?? (await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Folder whose changes to review' }))?.uri;
}

/** A quick pick of the repository's refs; what is typed can be any ref (`HEAD~3`, a commit id). */
async function pickRef(client: LanguageClient, folder: vscode.Uri): Promise<string | undefined> {
  const pick = vscode.window.createQuickPick<RefItem>();
  pick.title = 'AI Egress Guard: Review Changes Against…';
  pick.placeholder = 'A branch, tag or commit, or type any ref (HEAD~3, a commit id)';
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  pick.busy = true;
  let known: RefItem[] = [];
  const typed = (): RefItem[] => {
    const value = pick.value.trim();
    return value && !known.some((i) => i.ref === value) ? [{ label: `$(edit) ${value}`, description: 'review against this ref', ref: value, alwaysShow: true }] : [];
  };
  const refresh = () => { pick.items = [...typed(), ...known]; };
  pick.onDidChangeValue(refresh);
  pick.show();
  void client.sendRequest(GitRefsRequest, { folder: folder.fsPath }).then((answer) => {
    pick.busy = false;
    if ('error' in answer) {
      pick.placeholder = `${answer.error}`;
      return;
    }
    known = KINDS.flatMap(([kind, title, icon]) => {
      const refs = answer.refs.filter((r) => r.kind === kind);
      return refs.length ? [{ label: title, kind: vscode.QuickPickItemKind.Separator }, ...refs.map((r) => ({
        label: `$(${icon}) ${r.name}`, description: kind === 'commit' ? r.subject : `${r.commit.slice(0, 7)} · ${r.subject}`, detail: new Date(r.time * 1000).toLocaleString(), ref: r.name,
      }))] : [];
    });
    refresh();
  }, (error: unknown) => {
    pick.busy = false;
    pick.placeholder = `Could not list the refs: ${(error as Error)?.message ?? String(error)}; type one`;
  });
  return new Promise((resolve) => {
    pick.onDidAccept(() => {
      const ref = pick.selectedItems[0]?.ref ?? (pick.value.trim() || undefined);
      resolve(ref);
      pick.hide();
    });
    pick.onDidHide(() => { resolve(undefined); pick.dispose(); });
  });
}
