// The language server keeps up (issue 15 §4), over the real server on stdio: what an edit re-analyses, one
// analysis per document version, superseded diagnostics not published, a server that answers while a large file
// is analysed, oversized files, framing errors and malformed didOpen. Analyses are counted from the server's trace
// ($/logTrace, what `aiEgressGuard.trace.server` shows): one line per analysis.

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { largeTemplate } from '../../bench/run';
import { account, template } from '../support/lint';
import { TestClient } from '../support/lspClient';
import { tempTree } from '../support/paths';

let client: TestClient;
before(async () => {
  client = new TestClient();
  await client.initialize();
  await client.trace('verbose');
  // Settled once the settings the server asked for apply (they turn use-private-endpoint off): a later settings
  // change would analyse every open file again.
  const probe = 'file:///keeps-up/settled.json';
  await client.open(probe, unsafe);
  await client.waitForDiagnostics(probe, (d) => d.some((x) => x.code === RESTRICT) && !d.some((x) => x.code === 'use-private-endpoint'));
});
after(async () => {
  await client.stop();
});

const RESTRICT = 'restrict-outbound-network-access';
const unsafe = template(account('{ "publicNetworkAccess": "Disabled" }', { name: 'keeps-up' }));
const versionOf = (d: Diagnostic) => (d.data as { version?: number } | undefined)?.version;

/** The versions of `uri` analysed so far, in order, from the trace. */
function analysed(uri: string, on = client): (number | 'on disk')[] {
  const prefix = `analysed ${uri} (version `;
  return on.traces.filter((t) => t.startsWith(prefix)).map((t) => {
    const v = t.slice(prefix.length, t.indexOf(')', prefix.length));
    return v === 'on disk' ? v : Number(v);
  });
}

const waitForAnalysis = (uri: string, version: number) =>
  client.waitUntil(() => (analysed(uri).includes(version) ? true : undefined), () => `no analysis of ${uri} at version ${version}: ${JSON.stringify(client.traces)}`, 30_000);

test('an edit re-analyses the changed file and the open files that read it, not the others', async () => {
  const templateText = template(account(`{ "restrictOutboundNetworkAccess": "[parameters('restrict')]", "allowedFqdnList": [], "publicNetworkAccess": "Disabled" }`), `
  "parameters": { "restrict": { "type": "bool" } },`);
  const params = (value: boolean) => `{ "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "contentVersion": "1.0.0.0", "parameters": { "restrict": { "value": ${value} } } }`;
  const dir = tempTree({ 'main.json': templateText, 'main.parameters.json': params(true), 'other.json': unsafe });
  const [main, paramsUri, other] = ['main.json', 'main.parameters.json', 'other.json'].map((f) => pathToFileURL(path.join(dir, f)).href);
  await client.open(main, templateText);
  await client.open(paramsUri, params(true));
  await client.open(other, unsafe);
  await client.waitForDiagnostics(other, (d) => d.length > 0);
  await waitForAnalysis(paramsUri, 1);
  await waitForAnalysis(main, 1);
  assert.deepEqual([analysed(main), analysed(paramsUri), analysed(other)], [[1], [1], [1]]);

  // other.json is read by no one: only it is analysed again.
  await client.change(other, `\n${unsafe}`, 2);
  await waitForAnalysis(other, 2);
  // The parameter file is read by main.json: both are analysed again.
  await client.change(paramsUri, params(false), 2);
  const restricts = (ds: Diagnostic[]) => ds.filter((x) => x.code === RESTRICT);
  await client.waitForDiagnostics(main, (ds) => restricts(ds).length > 0);
  await waitForAnalysis(paramsUri, 2);
  // Analyses run one after another, in order: a re-analysis of main.json caused by other.json would be listed.
  assert.deepEqual([analysed(main), analysed(paramsUri), analysed(other)], [[1, 1], [1, 2], [1, 2]]);
});

test('a burst of edits is analysed once, at its last version; code actions then reuse that analysis', async () => {
  const uri = 'file:///keeps-up/burst.json';
  await client.open(uri, unsafe);
  await client.waitForDiagnostics(uri, (d) => d.length > 0);
  let text = unsafe;
  for (let version = 2; version <= 41; version++) {
    text = `${text.slice(0, 1)} ${text.slice(1)}`;
    await client.change(uri, text, version);
  }
  const diagnostics = await client.waitForDiagnostics(uri, (d) => d.some((x) => versionOf(x) === 41));
  const versions = analysed(uri);
  assert.equal(new Set(versions).size, versions.length, `a version analysed twice: ${versions.join(',')}`);
  assert.equal(versions.at(-1), 41);
  // Edits sent back to back are coalesced (the debounce), not analysed one by one.
  assert.ok(versions.length <= 3, `analysed versions ${versions.join(',')}`);
  const restrict = diagnostics.find((d) => d.code === RESTRICT)!;
  const fixes = await client.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri }, range: restrict.range, context: { diagnostics: [restrict], only: ['quickfix'] },
  }) as CodeAction[];
  assert.ok(fixes.length > 0);
  await client.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri }, range: restrict.range, context: { diagnostics: [], only: ['source.fixAll'] },
  });
  // The code actions' analysis would be traced before their answer: there was none.
  assert.deepEqual(analysed(uri), versions);
});

test('an analysis superseded by an edit while it runs is not published; the new version is', async () => {
  const uri = 'file:///keeps-up/superseded.json';
  const big = largeTemplate(2000);
  await client.open(uri, big);
  // Sent while version 1 is being analysed (it takes hundreds of milliseconds).
  await client.change(uri, `\n${big}`, 2);
  await client.waitForDiagnostics(uri, (d) => d.some((x) => versionOf(x) === 2), 60_000);
  assert.deepEqual(analysed(uri), [1, 2]);
  assert.deepEqual(client.published.filter((p) => p.uri === uri).map((p) => p.version), [2]);
});

test('the server answers while a large file is analysed', async () => {
  const uri = 'file:///keeps-up/large.json';
  const small = 'file:///keeps-up/small.json';
  await client.open(uri, largeTemplate(6000));
  // What VS Code asks on every cursor move, in another file: answered before the large file's analysis ends.
  const answer = await client.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri: small }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] },
  });
  assert.deepEqual(answer, []);
  assert.equal(client.diagnostics.has(uri), false, 'the large file was analysed before the answer came');
  await client.waitForDiagnostics(uri, (d) => d.length > 0, 60_000);
});

test('a file over the size limit gets the file-too-large problem, and is not analysed', async () => {
  const uri = 'file:///keeps-up/too-large.json';
  const text = `${unsafe.slice(0, -2)}, "padding": "${'x'.repeat(33 * 1024 * 1024)}" }\n`;
  await client.open(uri, text);
  const diagnostics = await client.waitForDiagnostics(uri, () => true, 60_000);
  assert.deepEqual(diagnostics, [{
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: 2, code: 'file-too-large', source: 'ai-egress-guard',
    message: `file too large: ${(Buffer.byteLength(text) / 1024 / 1024).toFixed(1)} MB is over the 32 MB limit; not analysed`,
  }]);
  await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
});

test('a didOpen whose text is not a string is rejected once; its later changes are not analysed', async () => {
  const bad = 'file:///keeps-up/not-a-string.json';
  const good = 'file:///keeps-up/good.json';
  await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: bad, languageId: 'json', version: 1, text: 42 } });
  await client.open(good, unsafe);
  for (let version = 2; version <= 4; version++) {
    await client.change(bad, unsafe, version);
    await client.change(good, `${' '.repeat(version)}${unsafe}`, version);
    await client.waitForDiagnostics(good, (d) => d.some((x) => versionOf(x) === version));
  }
  assert.deepEqual(client.logs.filter((l) => l.message.includes(bad)).map((l) => l.message), [`didOpen of ${bad} rejected: its text is number, not a string`]);
  assert.deepEqual(analysed(bad), []);
  assert.equal(client.diagnostics.has(bad), false);
  assert.equal(client.exited, false);
});

test('a framing error on stdio (no Content-Length) ends the server with a log line, so the client restarts it', async () => {
  const probe = new TestClient();
  await probe.initialize();
  probe.writeRaw('Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{"jsonrpc":"2.0","method":"initialized","params":{}}');
  assert.equal(await probe.exit, 1);
  assert.match(probe.stderr, /^\[ai-egress-guard\] fatal: malformed message header from the client \(Header must provide a Content-Length property\.\); exiting so that the client restarts the server$/m);
  await probe.stop();
});
