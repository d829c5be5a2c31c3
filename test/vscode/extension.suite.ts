// Extension-host tests: run inside VS Code (desktop or code-server) with the real `vscode` API, against the
// extension under development, in a workspace of the templates in ../support/templates.ts. See ./index.ts.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { poll, pollStable } from './poll';
import { AI_TYPE, EXTENSION_ID, RULE, SOURCE, armTemplate, restrictTitle, writeWorkspace } from '../support/templates';

const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? d.code.value : d.code);
const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
const outbound = (uri: vscode.Uri, resource: string) =>
  ours(uri).filter((d) => codeOf(d) === RULE && d.message.includes(`'${resource}'`));
const describeDiagnostics = (uri: vscode.Uri) => JSON.stringify(vscode.languages.getDiagnostics(uri).map((d) => `${d.source}/${codeOf(d)}: ${d.message}`));

suite('Azure AI Egress Guard in VS Code', function () {
  this.timeout(90_000);
  let folder: vscode.Uri;
  const uri = (name: string) => vscode.Uri.joinPath(folder, name);

  suiteSetup(() => {
    const first = vscode.workspace.workspaceFolders?.[0];
    assert.ok(first, 'the tests need a workspace folder (the runners open a temporary one)');
    folder = first.uri;
    // The runners write the templates; write any that are missing so the suite also works in any empty folder.
    writeWorkspace(folder.fsPath, false);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('activates on opening an ARM template', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed: ${vscode.extensions.all.map((e) => e.id).filter((id) => !id.startsWith('vscode.')).join(', ')}`);
    const doc = await vscode.workspace.openTextDocument(uri('unsafe.json'));
    await vscode.window.showTextDocument(doc);
    await poll(() => extension.isActive, `${EXTENSION_ID} to activate on ${doc.languageId}`);
  });

  test('registers Show Output (the action of its language status item), Restart Server and its own commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['aiEgressGuard.showOutputChannel', 'aiEgressGuard.restartServer', 'aiEgressGuard.openSample', 'aiEgressGuard.showRuleDocumentation', 'aiEgressGuard.applyFixWithValue']) {
      assert.ok(commands.includes(id), `${id} is registered`);
    }
    await vscode.commands.executeCommand('aiEgressGuard.showOutputChannel');
  });

  test('Restart Server: the restarted server publishes diagnostics again', async () => {
    const target = uri('owner.json');
    await vscode.commands.executeCommand('aiEgressGuard.restartServer');
    // A file opened after the restart is analysed by the new server.
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(target));
    await poll(() => outbound(target, 'openai-owner').length > 0, `the ${RULE} diagnostic for owner.json after the restart`);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('reports the unrestricted AI service on the type value, with a documented rule code', async () => {
    const target = uri('unsafe.json');
    const doc = await vscode.workspace.openTextDocument(target);
    const [diagnostic] = await poll(() => {
      const found = outbound(target, 'openai-unsafe');
      return found.length ? found : undefined;
    }, `a ${RULE} diagnostic for 'openai-unsafe'; have ${describeDiagnostics(target)}`);
    assert.equal(diagnostic.source, SOURCE);
    assert.equal(codeOf(diagnostic), RULE);
    if (typeof diagnostic.code === 'object') {
      // The rule's page bundled in the extension, opened in the Markdown preview by a command link (offline).
      assert.equal(diagnostic.code.target.scheme, 'command', `code target ${diagnostic.code.target.toString()}`);
      assert.equal(diagnostic.code.target.path, 'aiEgressGuard.showRuleDocumentation');
      assert.deepEqual(JSON.parse(diagnostic.code.target.query), [RULE]);
    }
    assert.match(diagnostic.message, /'openai-unsafe'/);
    const start = doc.getText().indexOf(`"${AI_TYPE}"`);
    const expected = new vscode.Range(doc.positionAt(start), doc.positionAt(start + AI_TYPE.length + 2));
    assert.ok(diagnostic.range.isEqual(expected),
      `range ${JSON.stringify(diagnostic.range)} should be the type value ${JSON.stringify(expected)} ("${doc.getText(diagnostic.range)}")`);
  });

  test('a hardened template has none of our diagnostics', async () => {
    const hardened = uri('hardened.json');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(hardened));
    await poll(() => outbound(uri('unsafe.json'), 'openai-unsafe').length > 0, 'the server to be up (unsafe.json diagnosed)');
    await pollStable(() => ours(hardened).length === 0, `hardened.json to stay free of ${SOURCE} diagnostics; have ${describeDiagnostics(hardened)}`);
  });

  test('aiEgressGuard.rules can turn the rule off', async () => {
    const target = uri('rules-off.json');
    fs.writeFileSync(target.fsPath, armTemplate('openai-rules-off'));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(target));
    await poll(() => outbound(target, 'openai-rules-off').length > 0, `the ${RULE} diagnostic for 'openai-rules-off'`);
    const config = vscode.workspace.getConfiguration('aiEgressGuard');
    await config.update('rules', { [RULE]: 'off' }, vscode.ConfigurationTarget.Workspace);
    try {
      await poll(() => outbound(target, 'openai-rules-off').length === 0, `the ${RULE} diagnostic to go with the rule off; have ${describeDiagnostics(target)}`);
    } finally {
      await config.update('rules', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await poll(() => outbound(target, 'openai-rules-off').length > 0, 'the diagnostic to return once the setting is removed');
  });

  test(`offers "${restrictTitle('openai-unsafe')}", whose edit removes the diagnostic`, async () => {
    const target = uri('unsafe.json');
    const doc = await vscode.workspace.openTextDocument(target);
    await vscode.window.showTextDocument(doc);
    const [diagnostic] = await poll(() => {
      const found = outbound(target, 'openai-unsafe');
      return found.length ? found : undefined;
    }, `the ${RULE} diagnostic`);
    const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
      'vscode.executeCodeActionProvider', target, diagnostic.range);
    const titles = actions.map((a) => a.title);
    const action = actions.find((a): a is vscode.CodeAction => a.title.startsWith(restrictTitle('openai-unsafe')));
    assert.ok(action, `code actions: ${JSON.stringify(titles)}`);
    assert.ok(action.edit, 'the quick fix carries a workspace edit');
    assert.ok(await vscode.workspace.applyEdit(action.edit), 'applyEdit succeeded');
    await poll(() => outbound(target, 'openai-unsafe').length === 0, `the diagnostic to disappear after the fix; have ${describeDiagnostics(target)}`);
    const text = doc.getText();
    const parsed = JSON.parse(text) as { resources: { properties: Record<string, unknown> }[] };
    assert.equal(parsed.resources[0].properties.restrictOutboundNetworkAccess, true, text);
    assert.ok(await doc.save(), 'saved');
  });

  test('a Bicep template gets the same finding and quick fix', async function () {
    // The `bicep` language comes from the Bicep extension (or, in run-code-server.ts, a stand-in registering it).
    if (!(await vscode.languages.getLanguages()).includes('bicep')) this.skip();
    const target = uri('main.bicep');
    const doc = await vscode.workspace.openTextDocument(target);
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, 'bicep');
    const [diagnostic] = await poll(() => {
      const found = outbound(target, 'bicep-unsafe');
      return found.length ? found : undefined;
    }, `a ${RULE} diagnostic for 'bicep-unsafe'; have ${describeDiagnostics(target)}`);
    const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
      'vscode.executeCodeActionProvider', target, diagnostic.range);
    const action = actions.find((a): a is vscode.CodeAction => a.title.startsWith(restrictTitle('bicep-unsafe')));
    assert.ok(action?.edit, `code actions: ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.ok(await vscode.workspace.applyEdit(action.edit), 'applyEdit succeeded');
    await poll(() => outbound(target, 'bicep-unsafe').length === 0, `the diagnostic to disappear after the fix; have ${describeDiagnostics(target)}`);
    assert.match(doc.getText(), /restrictOutboundNetworkAccess:\s*true/);
    assert.ok(doc.getText().includes("name: 'bicep-unsafe'"), doc.getText());
    assert.ok(await doc.save(), 'saved');
  });

  test('aiEgressGuard.auditWorkspace returns a summary and diagnoses never-opened templates', async () => {
    const neverOpened = uri('never-opened.json');
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === neverOpened.toString()), 'never-opened.json is not open');
    assert.equal(ours(neverOpened).length, 0, 'no diagnostics for never-opened.json before the audit');
    const result = await vscode.commands.executeCommand<{
      files: number; resources: number; restricted: number; findings: number; byRule: Record<string, number>;
    }>('aiEgressGuard.auditWorkspace');
    assert.ok(result, 'the command returns a result');
    for (const key of ['files', 'resources', 'restricted', 'findings'] as const) {
      assert.equal(typeof result[key], 'number', `${key}: ${JSON.stringify(result[key])}`);
    }
    assert.equal(typeof result.byRule, 'object');
    const arm = fs.readdirSync(folder.fsPath).filter((f) => f.endsWith('.json')).length;
    assert.ok(result.files >= arm, `files ${result.files} >= ${arm}`);
    assert.ok(result.resources >= arm, `resources ${result.resources} >= ${arm} (one per ARM template)`);
    assert.ok(result.restricted >= 2, `restricted ${result.restricted}: hardened.json and the fixed unsafe.json`);
    assert.ok(result.findings >= 1 && (result.byRule[RULE] ?? 0) >= 1, `findings ${result.findings}, byRule ${JSON.stringify(result.byRule)}`);
    await poll(() => outbound(neverOpened, 'audit-only').length > 0, `the ${RULE} diagnostic for never-opened.json; have ${describeDiagnostics(neverOpened)}`);
  });

  test('aiEgressGuard.generatePolicy writes the Azure Policy files into the chosen folder and opens them', async () => {
    // Outside the workspace, so the audit above and other tests see the same files.
    const target = vscode.Uri.file(fs.mkdtempSync(path.join(os.tmpdir(), 'egress-guard-policy-')));
    const result = await vscode.commands.executeCommand<{ files: { path: string }[]; summary: string[] }>('aiEgressGuard.generatePolicy', target);
    assert.ok(result, 'the command returns what it wrote');
    assert.deepEqual(result.files.map((f) => f.path).filter((p) => !p.startsWith('definitions/')), ['policy.json', 'assignment.json', 'exemption.json']);
    for (const f of result.files) assert.ok(fs.existsSync(path.join(target.fsPath, ...f.path.split('/'))), `${f.path} written`);
    const policy = path.join(target.fsPath, 'policy.json');
    await poll(() => vscode.workspace.textDocuments.some((d) => d.uri.fsPath === policy), 'policy.json to be opened');
    assert.ok(result.summary.some((l) => l.startsWith('restrict-outbound-network-access → ')), result.summary.join('\n'));
  });
});
