// Extension-host tests of the views of an audit: the "AI Services" tree (items, icons, grouping by entry point or
// owner, a click reveals the declaration, refresh as files change), the report view ("Open Report": strict CSP,
// the KPI, a posted place opens the file, an unknown one does not) and "Export Report…". Runs after
// extension.suite.ts, in the same workspace (../support/templates.ts).

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { poll } from './poll';
import { AI_TYPE, EXTENSION_ID, armTemplate, writeWorkspace } from '../support/templates';

// What the extension's activate() returns, seen from outside (the tests do not import the extension's code).
interface Place { file: string; line: number; column: number }
interface Instance { id: string; name: string; entryPoint: string; owner?: string; restricted: boolean | 'unknown'; declaration: Place; findings: Place[] }
interface Inventory { root: string; instances: Instance[]; summary: { instances: number; restricted: number; restrictedPercent?: number } }
type Node = { type: 'group'; label: string; instances: Instance[] } | { type: 'instance'; instance: Instance };
interface Api {
  services: { grouping: string; getChildren(node?: Node): Node[]; getTreeItem(node: Node): vscode.TreeItem };
  report: { receive(message: unknown): Promise<vscode.TextEditor | undefined> };
  inventory: { inventory?: Inventory; delay: number };
}

const label = (item: vscode.TreeItem) => (typeof item.label === 'string' ? item.label : item.label?.label ?? '');

suite('The views of an audit', function () {
  this.timeout(90_000);
  let folder: vscode.Uri;
  let api: Api;
  const uri = (name: string) => vscode.Uri.joinPath(folder, name);
  /** Group label → the labels of its instances. */
  const tree = () => Object.fromEntries(api.services.getChildren().map((g) => [label(api.services.getTreeItem(g)), api.services.getChildren(g).map((i) => label(api.services.getTreeItem(i)))]));
  const instanceNode = (name: string) => api.services.getChildren().flatMap((g) => api.services.getChildren(g))
    .find((n) => n.type === 'instance' && n.instance.name === name);

  suiteSetup(async () => {
    folder = vscode.workspace.workspaceFolders![0].uri;
    writeWorkspace(folder.fsPath, false);
    const extension = vscode.extensions.getExtension<Api>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    api = await extension.activate();
    if (api.services.grouping !== 'entryPoint') await vscode.commands.executeCommand('aiEgressGuard.services.toggleGrouping');
    const result = await vscode.commands.executeCommand<{ inventory: Inventory }>('aiEgressGuard.auditWorkspace');
    assert.ok(result?.inventory, 'the audit returns its inventory');
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the AI Services tree lists the instances by entry point, with a status icon each', async () => {
    const groups = tree();
    assert.deepEqual(groups['hardened.json'], ['openai-hardened']);
    assert.deepEqual(groups['never-opened.json'], ['audit-only']);
    const hardened = api.services.getTreeItem(instanceNode('openai-hardened')!);
    assert.ok(hardened.iconPath instanceof vscode.ThemeIcon);
    assert.equal(hardened.iconPath.id, 'pass');
    // ThemeColor keeps its id (not in the typings).
    assert.equal((hardened.iconPath.color as unknown as { id: string } | undefined)?.id, 'testing.iconPassed');
    assert.equal(hardened.description, 'OpenAI · restricted');
    const open = api.services.getTreeItem(instanceNode('audit-only')!);
    assert.ok(open.iconPath instanceof vscode.ThemeIcon);
    assert.equal(open.iconPath.id, 'error');
    assert.equal(open.description, 'OpenAI · open');
    const tooltip = String(open.tooltip);
    assert.match(tooltip, /^audit-only \(open\)\nkind: OpenAI\nowner: \(no owner\)\n/);
    assert.match(tooltip, /\ndeclared at never-opened\.json:6\nentry point: never-opened\.json\n/);
    // Each finding's first sentence (the whole message is in Problems).
    assert.match(tooltip, /\nrestrict-outbound-network-access: AI service 'audit-only' can reach any host: outbound access is not restricted\. \([^)]*never-opened\.json:\d+\)/);
    const group = api.services.getTreeItem(api.services.getChildren().find((g) => g.type === 'group' && g.label === 'hardened.json')!);
    assert.equal(group.description, '1/1 restricted');
    // Every audited instance is in the tree, once.
    assert.equal(Object.values(groups).flat().length, api.inventory.inventory!.instances.length);
  });

  test('the toggle in the view title groups the instances by owner, and back', async () => {
    assert.equal(await vscode.commands.executeCommand('aiEgressGuard.services.toggleGrouping'), 'owner');
    try {
      const groups = tree();
      assert.deepEqual(groups['x'], ['openai-hardened']);
      assert.ok(groups['(no owner)']?.includes('audit-only'), JSON.stringify(groups));
      assert.ok(!('hardened.json' in groups), JSON.stringify(groups));
    } finally {
      assert.equal(await vscode.commands.executeCommand('aiEgressGuard.services.toggleGrouping'), 'entryPoint');
    }
    assert.deepEqual(tree()['never-opened.json'], ['audit-only']);
  });

  test('a click on an instance reveals its declaration', async () => {
    const item = api.services.getTreeItem(instanceNode('audit-only')!);
    assert.ok(item.command, 'the item has a command');
    await vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? []));
    const editor = await poll(() => (vscode.window.activeTextEditor?.document.uri.fsPath === uri('never-opened.json').fsPath ? vscode.window.activeTextEditor : undefined),
      'never-opened.json to be the active editor');
    const line = editor.document.lineAt(editor.selection.active.line).text;
    assert.ok(line.includes(`"${AI_TYPE}"`), `the cursor is on line ${editor.selection.active.line + 1}: ${line}`);
  });

  test('the tree follows the files: a template written after the audit appears, and goes when deleted', async () => {
    const added = uri('views-added.json');
    fs.writeFileSync(added.fsPath, armTemplate('views-added'));
    try {
      await poll(() => tree()['views-added.json']?.includes('views-added'), `views-added to appear in the tree; have ${JSON.stringify(tree())}`, 45_000);
    } finally {
      fs.rmSync(added.fsPath, { force: true });
    }
    await poll(() => !tree()['views-added.json'], `views-added.json to leave the tree; have ${JSON.stringify(tree())}`, 45_000);
  });

  test('"Open Report" shows the report under a strict Content-Security-Policy, with the KPI', async () => {
    const html = await vscode.commands.executeCommand<string>('aiEgressGuard.openReport');
    assert.ok(html, 'the report view shows HTML');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1] ?? '';
    assert.match(csp, /^default-src 'none'; style-src 'nonce-[^']+'; script-src 'nonce-[^']+';/);
    const nonce = /'nonce-([^']+)'/.exec(csp)![1];
    const scripts = html.match(/<script[^>]*>/g) ?? [];
    assert.deepEqual(scripts, [`<script nonce="${nonce}">`]);
    assert.ok(!/\b(src|href)="(https?:)?\/\//.test(html), 'no remote content');
    const { summary } = api.inventory.inventory!;
    assert.ok(html.includes(`data-kpi="instances"><b>${summary.instances}</b>`), html);
    assert.ok(html.includes(`${summary.restricted} of ${summary.instances} AI service instances (${summary.restrictedPercent}%) restrict outbound network access`), html);
    assert.ok(html.includes('data-file="never-opened.json"'), 'the instance of never-opened.json links to it');
  });

  test('a place posted by the report view opens the file there; a place the inventory does not name is ignored', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const instance = api.inventory.inventory!.instances.find((i) => i.name === 'openai-hardened')!;
    const editor = await api.report.receive({ type: 'open', ...instance.declaration });
    assert.ok(editor, 'an editor opened');
    assert.equal(editor.document.uri.fsPath, uri('hardened.json').fsPath);
    assert.deepEqual([editor.selection.active.line, editor.selection.active.character], [instance.declaration.line - 1, instance.declaration.column - 1]);
    assert.equal(await api.report.receive({ type: 'open', file: '../outside.json', line: 1, column: 1 }), undefined);
    assert.equal(await api.report.receive({ type: 'open', file: instance.declaration.file, line: '1', column: 1 }), undefined);
  });

  test('"Export Report…" writes the inventory', async () => {
    const target = vscode.Uri.file(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'egress-guard-report-')), 'report.json'));
    const written = await vscode.commands.executeCommand<vscode.Uri>('aiEgressGuard.exportReport', target);
    assert.equal(written?.fsPath, target.fsPath);
    const exported = JSON.parse(fs.readFileSync(target.fsPath, 'utf8')) as Inventory;
    assert.deepEqual(exported.instances.map((i) => i.id).sort(), api.inventory.inventory!.instances.map((i) => i.id).sort());
    assert.equal(exported.summary.instances, api.inventory.inventory!.summary.instances);
  });
});
