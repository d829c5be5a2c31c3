import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-protocol';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { account, template } from '../support/lint';
import { TestClient } from '../support/lspClient';
import { tempTree } from '../support/paths';

let client: TestClient;
before(async () => {
  client = new TestClient();
  await client.initialize();
});
after(async () => {
  await client.stop();
});

const unsafe = template(account('{\n        "publicNetworkAccess": "Disabled"\n      }', { name: 'lsp-ai' }));
const ours = (d: Diagnostic[]) => d.filter((x) => x.source === 'ai-egress-guard');

function applyEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x', 'json', 1, text), edits);
}

test('initialize announces quick fixes and source.fixAll.ai-egress-guard', async () => {
  const probe = new TestClient();
  const result = await probe.initialize() as { capabilities: { codeActionProvider: { codeActionKinds: string[] } } };
  await probe.stop();
  assert.deepEqual(result.capabilities.codeActionProvider.codeActionKinds, ['quickfix', 'source.fixAll.ai-egress-guard']);
});

test('didOpen publishes diagnostics with code, docs link, source and exact range', async () => {
  const uri = 'file:///lsp/open.json';
  await client.open(uri, unsafe);
  const diags = await client.waitForDiagnostics(uri, (d) => d.length > 0);
  const restrict = diags.find((d) => d.code === 'restrict-outbound-network-access')!;
  assert.deepEqual(restrict.range, { start: { line: 5, character: 14 }, end: { line: 5, character: 52 } });
  assert.equal(restrict.severity, 2);
  assert.equal(restrict.source, 'ai-egress-guard');
  assert.match(restrict.codeDescription!.href, /docs\/rules\/restrict-outbound-network-access\.md$/);
  assert.match(restrict.message, /'lsp-ai'/);
});

test('files that are not templates get nothing', async () => {
  const uri = 'file:///lsp/package.json';
  await client.open(uri, '{ "name": "x", "contentVersion": "1", "scripts": {} }');
  assert.deepEqual(await client.waitForDiagnostics(uri, () => true), []);
});

test('code actions offer the fixes; applying one clears the finding and keeps valid JSON', async () => {
  const uri = 'file:///lsp/fix.json';
  await client.open(uri, unsafe);
  const diags = await client.waitForDiagnostics(uri, (d) => d.length > 0);
  const restrict = diags.find((d) => d.code === 'restrict-outbound-network-access')!;
  const actions = await client.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri }, range: restrict.range, context: { diagnostics: [restrict], only: ['quickfix'] },
  }) as CodeAction[];
  assert.deepEqual(actions.map((a) => a.title), [
    "Restrict outbound network access for 'lsp-ai' (it will reach nothing: the template shows no dependency)",
    "Apply hardened networking block to 'lsp-ai'",
    "Suppress restrict-outbound-network-access for 'lsp-ai' (with a reason)",
  ]);
  assert.equal(actions[0].isPreferred, true);
  const edits = actions[0].edit!.changes![uri];
  assert.equal(edits.length, 1);
  const fixed = applyEdits(unsafe, edits);
  assert.doesNotThrow(() => JSON.parse(fixed));
  await client.change(uri, fixed, 2);
  const after = await client.waitForDiagnostics(uri, (d) => !d.some((x) => x.code === 'restrict-outbound-network-access'));
  assert.deepEqual(after, []);
});

test('source.fixAll applies only safe fixes', async () => {
  const uri = 'file:///lsp/fixall.json';
  const text = template(account('{ "restrictOutboundNetworkAccess": true, "publicNetworkAccess": "Disabled", "allowedFqdnList": ["a.vault.azure.net", "A.vault.azure.net", "https://b.vault.azure.net/", "*.blob.core.windows.net"] }'));
  await client.open(uri, text);
  // 3 mistakes, and the two vault hosts no dependency explains (no-unexplained-fqdns).
  await client.waitForDiagnostics(uri, (d) => d.length === 5);
  const actions = await client.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: ['source.fixAll'] },
  }) as CodeAction[];
  assert.equal(actions.length, 1);
  assert.equal(actions[0].kind, 'source.fixAll.ai-egress-guard');
  const fixed = applyEdits(text, actions[0].edit!.changes![uri]);
  assert.ok(fixed.includes('"allowedFqdnList": ["a.vault.azure.net", "b.vault.azure.net", "*.blob.core.windows.net"]'), fixed);
});

test('the audit publishes findings for files never opened and returns a summary', async () => {
  const dir = tempTree({ 'a/one.json': unsafe, 'b/skip/two.json': unsafe, 'ok.json': template(account('{ "restrictOutboundNetworkAccess": true, "allowedFqdnList": [], "publicNetworkAccess": "Disabled" }')) });
  const result = await client.connection.sendRequest('aiEgressGuard/audit', { folders: [dir], exclude: ['b/skip/**'] }) as {
    files: number; resources: number; restricted: number; findings: number; byRule: Record<string, number>; summary: string; sarif: string;
  };
  assert.equal(result.files, 2);
  assert.equal(result.resources, 2);
  assert.equal(result.restricted, 1);
  assert.deepEqual(result.byRule, { 'restrict-outbound-network-access': 1 });
  assert.match(result.summary, /^2 AI service resources in 2 templates \(2 files checked\); 1 \(50%\) restrict outbound network access\./);
  const one = pathToFileURL(path.join(dir, 'a/one.json')).href;
  const diags = await client.waitForDiagnostics(one, (d) => d.length > 0);
  assert.deepEqual(ours(diags).map((d) => d.code), ['restrict-outbound-network-access']);
  assert.equal(JSON.parse(result.sarif).version, '2.1.0');
  // Opening and closing an audited file keeps its findings in the Problems panel.
  await client.open(one, unsafe.replace('"publicNetworkAccess": "Disabled"', '"publicNetworkAccess": "Enabled"'), 'json', 1);
  await client.waitForDiagnostics(one, (d) => d.some((x) => x.code === 'disable-public-network-access'));
  await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: one } });
  const afterClose = await client.waitForDiagnostics(one, (d) => !d.some((x) => x.code === 'disable-public-network-access'));
  assert.deepEqual(afterClose.map((d) => d.code), ['restrict-outbound-network-access']);
});

test('editing a parameter file re-checks the open template that uses it', async () => {
  const templateText = template(account(`{ "restrictOutboundNetworkAccess": "[parameters('restrict')]", "allowedFqdnList": [], "publicNetworkAccess": "Disabled" }`), `
  "parameters": { "restrict": { "type": "bool" } },`);
  const params = (value: boolean) => `{ "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "contentVersion": "1.0.0.0", "parameters": { "restrict": { "value": ${value} } } }`;
  const dir = tempTree({ 'main.json': templateText, 'main.parameters.json': params(true) });
  const main = pathToFileURL(path.join(dir, 'main.json')).href;
  const paramsUri = pathToFileURL(path.join(dir, 'main.parameters.json')).href;
  await client.open(main, templateText);
  assert.deepEqual(await client.waitForDiagnostics(main, () => true), []);
  await client.open(paramsUri, params(true));
  await client.change(paramsUri, params(false), 2);
  const [d] = await client.waitForDiagnostics(main, (ds) => ds.length > 0);
  assert.equal(d.code, 'restrict-outbound-network-access');
  assert.match(d.message, /\[with parameter file main\.parameters\.json\]$/);
});

test('a mistake in the config file is shown to the user, and the rest of it applies', async () => {
  const dir = tempTree({ 'ai.json': unsafe, '.ai-egress-guard.json': '{ "rules": { "no-such-rule": "off", "require-owner-tag": "off" } }' });
  const shown: string[] = [];
  const listener = client.connection.onNotification('window/showMessage', (m: { message: string }) => { shown.push(m.message); });
  try {
    const uri = pathToFileURL(path.join(dir, 'ai.json')).href;
    await client.open(uri, unsafe.replace('"tags": { "owner": "team" },', ''));
    const diags = await client.waitForDiagnostics(uri, (d) => d.length > 0);
    assert.ok(!diags.some((d) => d.code === 'require-owner-tag'));
    assert.ok(shown.some((m) => /^AI Egress Guard: .*\.ai-egress-guard\.json: unknown rule 'no-such-rule'/.test(m)), shown.join('\n'));
  } finally {
    listener.dispose();
  }
});

test('the audit can be cancelled while it runs, and reports progress', async () => {
  const big = template(Array.from({ length: 400 }, (_, i) => account('{}', { name: `ai-${i}` })).join(',\n'));
  const files: Record<string, string> = {};
  for (let i = 0; i < 60; i++) files[`t${i}.json`] = big;
  const dir = tempTree(files);
  const source = new CancellationTokenSource();
  const progress: number[] = [];
  const listener = client.connection.onNotification('aiEgressGuard/auditProgress', ({ done }: { done: number }) => {
    progress.push(done);
    if (done === 2) source.cancel();
  });
  try {
    const result = await client.connection.sendRequest('aiEgressGuard/audit', { folders: [dir], exclude: [] }, source.token) as { cancelled: boolean; resources: number };
    assert.equal(result.cancelled, true);
    assert.ok(result.resources < 60 * 400, `audited ${result.resources} resources`);
  } catch (error) {
    // The server may also answer the cancellation with the LSP RequestCancelled error.
    assert.equal((error as { code?: number }).code, -32800);
  } finally {
    listener.dispose();
  }
  assert.ok(progress[0] === 1 && progress.length < 60, `progress ${progress.join(',')}`);
});

test('garbage, deep nesting and huge input never crash the server', async () => {
  const deep = `{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#","resources":[${'['.repeat(20000)}${']'.repeat(20000)}]}`;
  const inputs = ['\u0000\u0001\u0002{{{', deep, '{"resources": [ { "type": "Microsoft.CognitiveServices/accounts", ', unsafe.repeat(3)];
  for (const [i, text] of inputs.entries()) {
    const uri = `file:///lsp/garbage${i}.json`;
    await client.open(uri, text);
    await client.waitForDiagnostics(uri, () => true);
  }
  assert.equal(client.exited, false);
  const uri = 'file:///lsp/after-garbage.json';
  await client.open(uri, unsafe);
  await client.waitForDiagnostics(uri, (d) => d.length > 0);
});
