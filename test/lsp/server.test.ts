import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Diagnostic, TextDocumentEdit, TextEdit } from 'vscode-languageserver-protocol';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { analyze } from '../../server/src/engine/analyze';
import { startServer } from '../../server/src/lsp/server';
import { account, moduleAndCaller, template } from '../support/lint';
import { serverForFile, TestClient } from '../support/lspClient';
import { tempTree } from '../support/paths';

let client!: TestClient;
serverForFile((c) => (client = c));

const unsafe = template(account('{\n        "publicNetworkAccess": "Disabled"\n      }', { name: 'lsp-ai' }));
const ours = (d: Diagnostic[]) => d.filter((x) => x.source === 'ai-egress-guard');

function applyEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x', 'json', 1, text), edits);
}

const RESTRICT = 'restrict-outbound-network-access';
const versionOf = (d: Diagnostic) => (d.data as { version?: number | null } | undefined)?.version;

function quickFixes(uri: string, diagnostic: Diagnostic, on = client): Promise<CodeAction[]> {
  return on.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic], only: ['quickfix'] },
  }) as Promise<CodeAction[]>;
}

function fixAll(uri: string, on = client): Promise<CodeAction[]> {
  return on.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: ['source.fixAll'] },
  }) as Promise<CodeAction[]>;
}

/** The edit of an action, which must be versioned edits of documents (documentChanges), not plain `changes`. */
function documentChanges(action: CodeAction): TextDocumentEdit[] {
  assert.equal(action.edit?.changes, undefined);
  return action.edit!.documentChanges as TextDocumentEdit[];
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

test('code actions offer the fixes as edits of the analysed version; applying one clears the finding', async () => {
  const uri = 'file:///lsp/fix.json';
  await client.open(uri, unsafe);
  const diags = await client.waitForDiagnostics(uri, (d) => d.length > 0);
  const restrict = diags.find((d) => d.code === RESTRICT)!;
  assert.deepEqual(restrict.data, { key: `${RESTRICT}@${unsafe.indexOf('"Microsoft.CognitiveServices/accounts"')}-${unsafe.indexOf('"Microsoft.CognitiveServices/accounts"') + 38}`, version: 1 });
  const actions = await quickFixes(uri, restrict);
  assert.deepEqual(actions.map((a) => a.title), [
    "Restrict outbound network access for 'lsp-ai' (it will reach nothing: the template shows no dependency)",
    "Restrict outbound access, disable public network access and set networkAcls.defaultAction to 'Deny' for 'lsp-ai'",
    "Add a private endpoint for 'lsp-ai' (subnet and DNS zone from parameters privateEndpointSubnetId, openAiPrivateDnsZoneId)",
  ]);
  assert.equal(actions[0].isPreferred, true);
  const [change, ...others] = documentChanges(actions[0]);
  assert.deepEqual(others, []);
  assert.deepEqual(change.textDocument, { uri, version: 1 });
  assert.equal(change.edits.length, 1);
  // A private endpoint adds parameters at the top and resources at the end: two insertions, not one edit that
  // carries the text between (5.6 MB of it on a 5 MB template).
  const endpoint = documentChanges(actions[2])[0].edits;
  assert.deepEqual(endpoint.map((e) => e.range.start.line === e.range.end.line && e.range.start.character === e.range.end.character), [true, true]);
  assert.deepEqual(JSON.parse(applyEdits(unsafe, endpoint)).resources.map((r: { type: string }) => r.type),
    ['Microsoft.CognitiveServices/accounts', 'Microsoft.Network/privateEndpoints', 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups']);
  const fixed = applyEdits(unsafe, change.edits);
  assert.equal(JSON.parse(fixed).resources[0].properties.restrictOutboundNetworkAccess, true);
  await client.change(uri, fixed, 2);
  const after = await client.waitForDiagnostics(uri, (d) => !d.some((x) => x.code === RESTRICT));
  assert.deepEqual(after, []);
});

test('a diagnostic from before an edit gets no edit for the old text; the new one gets an edit of the new version', async () => {
  const uri = 'file:///lsp/stale.json';
  await client.open(uri, unsafe);
  const old = (await client.waitForDiagnostics(uri, (d) => d.length > 0)).find((d) => d.code === RESTRICT)!;
  const shifted = `\n\n\n${unsafe}`;
  await client.change(uri, shifted, 2);
  // Asked before the new diagnostics arrive, as a client still showing the old ones does.
  assert.deepEqual(await quickFixes(uri, old), []);
  const fresh = (await client.waitForDiagnostics(uri, (d) => d.some((x) => versionOf(x) === 2))).find((d) => d.code === RESTRICT)!;
  assert.deepEqual(fresh.range, { start: { line: old.range.start.line + 3, character: old.range.start.character }, end: { line: old.range.end.line + 3, character: old.range.end.character } });
  // The old diagnostic stays stale once the new ones are published.
  assert.deepEqual(await quickFixes(uri, old), []);
  const [first] = await quickFixes(uri, fresh);
  const [change] = documentChanges(first);
  assert.deepEqual(change.textDocument, { uri, version: 2 });
  const fixed = applyEdits(shifted, change.edits);
  assert.ok(fixed.startsWith('\n\n\n{'), fixed);
  assert.equal(JSON.parse(fixed).resources[0].properties.restrictOutboundNetworkAccess, true);
});

test('code actions find their finding by the diagnostic data, not by range alone', async () => {
  const uri = 'file:///lsp/data.json';
  await client.open(uri, unsafe);
  const restrict = (await client.waitForDiagnostics(uri, (d) => d.length > 0)).find((d) => d.code === RESTRICT)!;
  const { data: _data, ...withoutData } = restrict;
  assert.deepEqual(await quickFixes(uri, withoutData), []);
  assert.deepEqual(await quickFixes(uri, { ...restrict, data: { key: 'no-such-finding', version: 1 } }), []);
  assert.equal((await quickFixes(uri, restrict)).length, 3, 'restrict, hardened, add a private endpoint (suppress needs a client that asks for the reason)');
});

const duplicates = template(account('{ "restrictOutboundNetworkAccess": true, "publicNetworkAccess": "Disabled", "allowedFqdnList": ["a.vault.azure.net", "A.vault.azure.net", "https://b.vault.azure.net/", "*.blob.core.windows.net"] }'));
/** Its 3 mistakes, and the two vault hosts no dependency explains (no-unexplained-fqdns): 5 diagnostics. */
const DUPLICATES_DIAGNOSTICS = 5;
const deduplicated = duplicates.replace('["a.vault.azure.net", "A.vault.azure.net", "https://b.vault.azure.net/", "*.blob.core.windows.net"]', '["a.vault.azure.net", "b.vault.azure.net", "*.blob.core.windows.net"]');

test('source.fixAll applies only safe fixes', async () => {
  const uri = 'file:///lsp/fixall.json';
  await client.open(uri, duplicates);
  await client.waitForDiagnostics(uri, (d) => d.length === DUPLICATES_DIAGNOSTICS);
  const actions = await fixAll(uri);
  assert.equal(actions.length, 1);
  assert.equal(actions[0].kind, 'source.fixAll.ai-egress-guard');
  const [change] = documentChanges(actions[0]);
  assert.deepEqual(change.textDocument, { uri, version: 1 });
  assert.equal(applyEdits(duplicates, change.edits), deduplicated);
});

test('source.fixAll asked right after an edit (as on save) fixes the new text, at its version', async () => {
  const uri = 'file:///lsp/fixall-edited.json';
  await client.open(uri, duplicates);
  await client.waitForDiagnostics(uri, (d) => d.length === DUPLICATES_DIAGNOSTICS);
  await client.change(uri, `\n\n${duplicates}`, 2);
  const [action] = await fixAll(uri);
  const [change] = documentChanges(action);
  assert.deepEqual(change.textDocument, { uri, version: 2 });
  assert.equal(applyEdits(`\n\n${duplicates}`, change.edits), `\n\n${deduplicated}`);
});

test('with diagnostics on save, source.fixAll after an unsaved edit fixes the new text, at its version', async () => {
  const probe = new TestClient();
  probe.settings = { ...probe.settings, run: 'onSave' };
  await probe.initialize({ settings: probe.settings });
  try {
    const uri = 'file:///lsp/fixall-onsave.json';
    await probe.open(uri, duplicates);
    await probe.waitForDiagnostics(uri, (d) => d.length === DUPLICATES_DIAGNOSTICS);
    await probe.change(uri, `\n\n${duplicates}`, 2);
    const [action] = await fixAll(uri, probe);
    const [change] = documentChanges(action);
    assert.deepEqual(change.textDocument, { uri, version: 2 });
    assert.equal(applyEdits(`\n\n${duplicates}`, change.edits), `\n\n${deduplicated}`);
  } finally {
    await probe.stop();
  }
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
  assert.match(result.summary, /^2 AI service instances deployed by 2 entry points \(2 templates, 2 files checked\); 1 \(50%\) restrict outbound network access\./);
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
  const restricts = (ds: Diagnostic[]) => ds.filter((x) => x.code === 'restrict-outbound-network-access');
  assert.deepEqual(restricts(await client.waitForDiagnostics(main, () => true)), []);
  await client.open(paramsUri, params(true));
  await client.change(paramsUri, params(false), 2);
  const [d] = restricts(await client.waitForDiagnostics(main, (ds) => restricts(ds).length > 0));
  assert.equal(d.code, 'restrict-outbound-network-access');
  assert.match(d.message, /\[with parameter file main\.parameters\.json\]$/);
});

test('a fix in another file is an edit of that file as the analysis read it, and is dropped once it has changed', async () => {
  const templateText = template(account(`{ "restrictOutboundNetworkAccess": "[parameters('restrict')]", "allowedFqdnList": [], "publicNetworkAccess": "Disabled" }`), `
  "parameters": { "restrict": { "type": "bool" } },`);
  const params = (value: boolean, pad = '') => `{ "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "contentVersion": "1.0.0.0",${pad} "parameters": { "restrict": { "value": ${value} } } }`;
  const dir = tempTree({ 'main.json': templateText, 'main.parameters.json': params(false) });
  const main = pathToFileURL(path.join(dir, 'main.json')).href;
  const paramsUri = pathToFileURL(path.join(dir, 'main.parameters.json')).href;
  const setParameter = "Set parameter 'restrict' in main.parameters.json to true";
  const parameterEdit = async () => {
    const [d] = await client.waitForDiagnostics(main, (ds) => ds.length > 0);
    const action = (await quickFixes(main, d)).find((a) => a.title === setParameter);
    return action && documentChanges(action);
  };
  await client.open(main, templateText);
  // Read from disk: the edit is of the file on disk (version null).
  const [onDisk] = (await parameterEdit())!;
  assert.deepEqual(onDisk.textDocument, { uri: paramsUri, version: null });
  assert.equal(applyEdits(params(false), onDisk.edits), params(true));
  // Changed on disk behind the server's back: no edit for the text the analysis read.
  fs.writeFileSync(path.join(dir, 'main.parameters.json'), params(false, ' '));
  assert.equal(await parameterEdit(), undefined);
  // Open and edited: the template is analysed again with the open text, and the edit is of its version.
  await client.open(paramsUri, params(false, ' '), 'json', 7);
  await client.change(paramsUri, params(false, '  '), 8);
  const [open] = (await parameterEdit())!;
  assert.deepEqual(open.textDocument, { uri: paramsUri, version: 8 });
  assert.equal(applyEdits(params(false, '  '), open.edits), params(true, '  '));
});

/** The account's module and its caller, or (`through`) the caller, a module between that passes the endpoint on, and the account's module. */
function moduleChain(through: boolean): Record<string, string> {
  const files = moduleAndCaller('lsp-module-ai', 'stlspdocs');
  if (!through) return files;
  return {
    'account.bicep': files['account.bicep'],
    'mid.bicep': `param docsEndpoint string\n${files['main.bicep'].slice(files['main.bicep'].indexOf('module'))}`.replace('st.properties.primaryEndpoints.blob', 'docsEndpoint'),
    'main.bicep': files['main.bicep'].replace("module account 'account.bicep' = {\n  name: 'account'", "module mid 'mid.bicep' = {\n  name: 'mid'"),
  };
}

for (const through of [false, true]) {
  test(`a fix through the account's module${through ? ', a module between' : ''} and the caller is one code action editing every document`, async () => {
    const files = moduleChain(through);
    const dir = tempTree(files);
    const uriOf = (name: string) => pathToFileURL(path.join(dir, name)).href;
    const main = uriOf('main.bicep');
    await client.open(main, files['main.bicep'], 'bicep');
    const diagnostic = (await client.waitForDiagnostics(main, (ds) => ds.some((d) => d.code === 'allow-required-fqdns'))).find((d) => d.code === 'allow-required-fqdns')!;
    assert.deepEqual(diagnostic.range, { start: { line: 1, character: 0 }, end: { line: 1, character: through ? 26 : 34 } });
    const action = (await quickFixes(main, diagnostic)).find((a) => a.title.startsWith("Allow 'stlspdocs.blob.core.windows.net'"))!;
    assert.equal(action.title, `Allow 'stlspdocs.blob.core.windows.net' in the allowed FQDNs of 'lsp-module-ai' (changes module 'account.bicep' to take parameter 'allowedFqdnList', ${through ? "module 'mid.bicep' to take it and pass it on, and the call" : 'and its call'} in main.bicep to pass it)`);
    assert.equal(action.isPreferred, true);
    const changes = documentChanges(action);
    const names = Object.keys(files).sort();
    assert.deepEqual(changes.map((c) => c.textDocument).sort((a, b) => a.uri.localeCompare(b.uri)), names.map((n) => ({ uri: uriOf(n), version: n === 'main.bicep' ? 1 : null })));
    const fixed = Object.fromEntries(names.map((n) => [n, applyEdits(files[n], changes.find((c) => c.textDocument.uri === uriOf(n))!.edits)]));
    assert.match(fixed['main.bicep'], /allowedFqdnList: \['\$\{st\.name\}\.blob\.\$\{environment\(\)\.suffixes\.storage\}'\]/);
    assert.match(fixed['account.bicep'], /param allowedFqdnList array = \[\]\n/);
    if (through) assert.match(fixed['mid.bicep'], /param allowedFqdnList array = \[\]\n[\s\S]*params: \{ docsEndpoint: docsEndpoint, allowedFqdnList: allowedFqdnList \}/);
    // Applied as the editor applies it: the caller re-analyses without the finding.
    for (const n of names) if (n !== 'main.bicep') fs.writeFileSync(path.join(dir, n), fixed[n]);
    await client.change(main, fixed['main.bicep'], 2);
    const after = await client.waitForDiagnostics(main, (ds) => ds.every((d) => versionOf(d) === 2));
    assert.deepEqual(after.filter((d) => d.code === 'allow-required-fqdns'), []);
  });
}

test('a mistake in the config file is shown to the user, and the rest of it applies', async () => {
  const dir = tempTree({ 'ai.json': unsafe, '.ai-egress-guard.json': '{ "rules": { "no-such-rule": "off", "require-owner-tag": "off" } }' });
  const shown: string[] = [];
  const listener = client.connection.onNotification('window/showMessage', (m: { message: string }) => { shown.push(m.message); });
  try {
    const uri = pathToFileURL(path.join(dir, 'ai.json')).href;
    await client.open(uri, unsafe.replace('"tags": { "owner": "team" },', ''));
    const diags = await client.waitForDiagnostics(uri, (d) => d.length > 0);
    assert.ok(!diags.some((d) => d.code === 'require-owner-tag'));
    assert.ok(shown.some((m) => /^AI Egress Guard: .*\.ai-egress-guard\.json:1:14: unknown rule 'no-such-rule'/.test(m)), shown.join('\n'));
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

test('aiEgressGuard.rules takes a rule as an object of level and options', async () => {
  const probe = new TestClient();
  probe.settings = { rules: { 'use-private-endpoint': 'off', 'enable-diagnostic-logs': 'off', 'require-owner-tag': { level: 'error', ownerTagNames: ['team'] } } };
  try {
    await probe.initialize();
    const owned = 'file:///lsp/owner-option-team.json';
    const other = 'file:///lsp/owner-option-owner.json';
    await probe.open(owned, unsafe.replace('"owner": "team"', '"team": "ai"'));
    await probe.open(other, unsafe);
    // Files opened before the settings arrive are checked again with them.
    const codes = (d: Diagnostic[]) => d.map((x) => x.code).join(',');
    await probe.waitForDiagnostics(owned, (d) => codes(d) === 'restrict-outbound-network-access');
    const diags = await probe.waitForDiagnostics(other, (d) => d.some((x) => x.code === 'require-owner-tag' && x.severity === 1));
    const flagged = diags.find((d) => d.code === 'require-owner-tag')!;
    assert.match(flagged.message, /has no owner tag \('team'\)/);
  } finally {
    await probe.stop();
  }
});

test('an analysis that throws is shown: an error on the first line and an error status, until analysis works again', async () => {
  let fail = true;
  const probe = new TestClient((connection) => startServer(connection, {
    analyze: (file, options) => {
      if (fail) throw new Error('boom');
      return analyze(file, options);
    },
  }));
  await probe.initialize();
  try {
    const uri = 'file:///lsp/crash.json';
    await probe.open(uri, unsafe);
    const diags = await probe.waitForDiagnostics(uri, (d) => d.length > 0);
    assert.deepEqual(diags, [{
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
      severity: 1,
      source: 'ai-egress-guard',
      message: 'AI Egress Guard could not analyse this file: boom. See the output channel.',
    }]);
    assert.deepEqual(probe.statuses, [{ uri, state: 'error', message: 'boom' }]);
    assert.deepEqual(await quickFixes(uri, diags[0], probe), []);
    fail = false;
    await probe.change(uri, unsafe, 2);
    const after = await probe.waitForDiagnostics(uri, (d) => d.some((x) => x.code === RESTRICT));
    assert.deepEqual(after.filter((d) => d.code === undefined), []);
    assert.deepEqual(probe.statuses, [{ uri, state: 'error', message: 'boom' }, { uri, state: 'ok' }]);
  } finally {
    await probe.stop();
  }
});

test('an analysis that stops at a limit is an error diagnostic in the editor, not a clean file', async () => {
  const uri = 'file:///lsp/deep.json';
  const text = `{ "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0",\n  "resources": [],\n  "x": ${'['.repeat(6000)}${']'.repeat(6000)}\n}\n`;
  await client.open(uri, text);
  const diags = await client.waitForDiagnostics(uri, (d) => d.length > 0);
  assert.deepEqual(diags.map((d) => ({ code: d.code, severity: d.severity, source: d.source, message: d.message, range: d.range })), [{
    code: 'depth-limit', severity: 1, source: 'ai-egress-guard', message: 'JSON nested deeper than 512 levels: the file was not analysed',
    range: { start: { line: 2, character: 7 + 511 }, end: { line: 2, character: 8 + 511 } },
  }]);
  // The JSON language service reports syntax errors: ours are not repeated in the editor.
  const broken = 'file:///lsp/broken.json';
  await client.open(broken, unsafe.replace('"location": "eastus",', '"location": "eastus"'));
  const brokenDiags = await client.waitForDiagnostics(broken, (d) => d.length > 0);
  assert.ok(!brokenDiags.some((d) => d.code === 'parse-error'));
});
