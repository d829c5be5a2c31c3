// Extension-host test of "AI Egress Guard: Review Changes Against…": the test workspace becomes a git repository
// with one commit, a host is added to an allow-list on disk, and the command (given the ref, so no quick pick)
// shows the review in the report view under a strict CSP: the added host, the owner who approves, and a link that
// opens the changed declaration. The repository is removed afterwards (the suites share the workspace).

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { AI_TYPE, EXTENSION_ID, armTemplate, writeWorkspace } from '../support/templates';

interface Api { report: { receiveInReview(message: unknown): Promise<vscode.TextEditor | undefined> } }

const FILE = 'review-ai.json';
const reviewed = (hosts: string[]) => armTemplate('review-ai', { restrictOutboundNetworkAccess: true, allowedFqdnList: hosts, publicNetworkAccess: 'Disabled' }, { tags: { owner: 'team-review' } });

suite('Review Changes Against…', function () {
  this.timeout(90_000);
  let folder: string;
  let api: Api;

  const git = (args: string[]) => {
    const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 't@example.com' };
    const r = spawnSync('git', args, { cwd: folder, env, encoding: 'utf8' });
    assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
  };

  suiteSetup(async () => {
    folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    writeWorkspace(folder, false);
    const extension = vscode.extensions.getExtension<Api>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    api = await extension.activate();
    fs.writeFileSync(path.join(folder, FILE), reviewed(['docs.blob.core.windows.net']));
    git(['init', '-q', '-b', 'main']);
    git(['add', '-A']);
    git(['commit', '-q', '-m', 'base']);
    fs.writeFileSync(path.join(folder, FILE), reviewed(['docs.blob.core.windows.net', 'exfil.example.com']));
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(path.join(folder, '.git'), { recursive: true, force: true });
    fs.rmSync(path.join(folder, FILE), { force: true });
  });

  test('the command given a ref shows the review in the report view: the added host, the approver, a strict CSP', async () => {
    const html = await vscode.commands.executeCommand<string>('aiEgressGuard.reviewChanges', 'main');
    assert.ok(html, 'the review view shows HTML');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1] ?? '';
    assert.match(csp, /^default-src 'none'; style-src 'nonce-[^']+'; script-src 'nonce-[^']+';/);
    assert.ok(!/\b(src|href)="(https?:)?\/\//.test(html), 'no remote content');
    assert.match(html, /<p class="muted">main \([0-9a-f]{7}\) → working tree<\/p>/);
    assert.match(html, /<p class="kpi">1 AI service changed \(0 added, 0 removed, 1 changed\); 1 allow-list host added, 0 removed;/);
    assert.ok(html.includes('<li>+ allow-list host exfil.example.com</li>'), html);
    assert.ok(html.includes('<td>review-ai</td>') && html.includes('<b>Approval needed from:</b> team-review'), html);
  });

  test('a place the review links to opens the file there; another one is ignored', async () => {
    const html = await vscode.commands.executeCommand<string>('aiEgressGuard.reviewChanges', 'main');
    const link = /data-file="(review-ai\.json)" data-line="(\d+)" data-column="(\d+)"/.exec(html);
    assert.ok(link, html);
    const editor = await api.report.receiveInReview({ type: 'open', file: link[1], line: Number(link[2]), column: Number(link[3]) });
    assert.ok(editor, 'an editor opened');
    assert.equal(editor.document.uri.fsPath, path.join(folder, FILE));
    assert.ok(editor.document.lineAt(editor.selection.active.line).text.includes(`"${AI_TYPE}"`));
    assert.equal(await api.report.receiveInReview({ type: 'open', file: 'unsafe.json', line: 1, column: 1 }), undefined);
  });

  test('a ref that names no commit is refused with a message, and nothing is shown', async () => {
    assert.equal(await vscode.commands.executeCommand('aiEgressGuard.reviewChanges', 'no-such-ref'), undefined);
  });
});
