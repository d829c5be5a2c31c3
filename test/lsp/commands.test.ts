// The language server with our VS Code client's commands (initializationOptions.clientCommands): fixes that ask for
// a value run a client command and get their edit through aiEgressGuard/fixWithValue; "Fix all <rule-id> problems
// in this file" and "Show documentation for <rule-id>" per rule; the log at levels; docs links to bundled pages.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Diagnostic, TextDocumentEdit } from 'vscode-languageserver-protocol';
import { ASK_FIX_COMMAND, SHOW_RULE_DOCS_COMMAND, type AskFixArgs } from '../../shared/protocol';
import { account, template } from '../support/lint';
import { serverForFile, TestClient } from '../support/lspClient';
import { tempTree } from '../support/paths';
import { version } from '../../package.json';

let client!: TestClient;
serverForFile((c) => (client = c), { clientCommands: true });

const ROOT = path.resolve(__dirname, '../../..');

function quickFixes(uri: string, diagnostic: Diagnostic): Promise<CodeAction[]> {
  return client.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic], only: ['quickfix'] },
  }) as Promise<CodeAction[]>;
}

const apply = (text: string, edit: { documentChanges?: unknown }) =>
  TextDocument.applyEdits(TextDocument.create('file:///x', 'json', 1, text), (edit.documentChanges as TextDocumentEdit[])[0].edits);

const noOwner = template(account('{ "restrictOutboundNetworkAccess": true, "allowedFqdnList": ["https://a.contoso.com/x", "https://b.contoso.com/y"], "publicNetworkAccess": "Disabled" }', { name: 'cmd-ai', tags: '' }));

test('the server logs its start with its version, at info', () => {
  assert.ok(client.logs.some((l) => l.type === 3 && l.message.startsWith(`AI Egress Guard language server ${version} started (Node ${process.version}`)), JSON.stringify(client.logs));
});

test('fixes that ask run the client command; the typed value comes back as a versioned edit', async () => {
  const uri = 'file:///lsp/ask.json';
  await client.open(uri, noOwner);
  const owner = (await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'require-owner-tag'))).find((d) => d.code === 'require-owner-tag')!;
  const actions = await quickFixes(uri, owner);
  assert.deepEqual(actions.map((a) => [a.title, a.command?.command ?? 'edit']), [
    ["Add tag 'owner' to 'cmd-ai' with the owner you type", ASK_FIX_COMMAND],
    ["Suppress require-owner-tag for 'cmd-ai' (with a reason)", ASK_FIX_COMMAND],
    ['Show documentation for require-owner-tag', SHOW_RULE_DOCS_COMMAND],
  ]);
  assert.equal(actions[0].edit, undefined);
  const args = actions[1].command!.arguments![0] as AskFixArgs;
  assert.deepEqual({ ...args, prompt: undefined }, {
    uri, version: 1, key: (owner.data as { key: string }).key, title: "Suppress require-owner-tag for 'cmd-ai' (with a reason)", prompt: undefined,
    example: 'Sandbox subscription without customer data; approved by ai-platform (SEC-1234).',
  });
  assert.match(args.prompt, /^Why is this exception to require-owner-tag acceptable for 'cmd-ai'\?/);
  const edit = await client.connection.sendRequest('aiEgressGuard/fixWithValue', { ...args, value: ' Owner set by Azure Policy (SEC-7) ' }) as { documentChanges: TextDocumentEdit[] };
  assert.deepEqual(edit.documentChanges.map((c) => c.textDocument), [{ uri, version: 1 }]);
  const fixed = JSON.parse(apply(noOwner, edit));
  assert.deepEqual(fixed.resources[0].metadata, { aiEgressGuard: { suppress: { 'require-owner-tag': 'Owner set by Azure Policy (SEC-7)' } } });
  const tagArgs = actions[0].command!.arguments![0] as AskFixArgs;
  const tagged = JSON.parse(apply(noOwner, await client.connection.sendRequest('aiEgressGuard/fixWithValue', { ...tagArgs, value: 'ai-platform@contoso.com' }) as { documentChanges: unknown }));
  assert.deepEqual(tagged.resources[0].tags, { owner: 'ai-platform@contoso.com' });
  // An empty value, or a version that is gone, gets no edit.
  assert.equal(await client.connection.sendRequest('aiEgressGuard/fixWithValue', { ...args, value: '  ' }), null);
  await client.change(uri, `\n${noOwner}`, 2);
  assert.equal(await client.connection.sendRequest('aiEgressGuard/fixWithValue', { ...args, value: 'x' }), null);
});

test('"Fix all <rule-id> problems in this file" applies that rule\'s safe fixes only', async () => {
  const uri = 'file:///lsp/fixall-rule.json';
  await client.open(uri, noOwner);
  const diags = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'valid-allowed-fqdns'));
  const first = diags.find((d) => d.code === 'valid-allowed-fqdns')!;
  const actions = await quickFixes(uri, first);
  const all = actions.find((a) => a.title === 'Fix all valid-allowed-fqdns problems in this file')!;
  assert.ok(all, actions.map((a) => a.title).join(' | '));
  assert.equal(all.kind, 'quickfix');
  const fixed = JSON.parse(apply(noOwner, all.edit!));
  assert.deepEqual(fixed.resources[0].properties.allowedFqdnList, ['a.contoso.com', 'b.contoso.com']);
  // The owner tag (another rule, and no safe fix) is left as it was.
  assert.equal(fixed.resources[0].tags, undefined);
  assert.equal(actions.at(-1)!.title, 'Show documentation for valid-allowed-fqdns');
  // A rule without safe fixes gets no "Fix all".
  const owner = diags.find((d) => d.code === 'require-owner-tag')!;
  assert.ok(!(await quickFixes(uri, owner)).some((a) => a.title.startsWith('Fix all')));
});

test('"Fix all <rule-id> problems" for a client that resolves edits: offered without its edit, computed by codeAction/resolve for the version offered', async () => {
  const resolving = new TestClient();
  try {
    await resolving.initialize({ clientCommands: true }, { codeAction: { dataSupport: true, resolveSupport: { properties: ['edit'] } } });
    const uri = 'file:///lsp/fixall-resolve.json';
    await resolving.open(uri, noOwner);
    const first = (await resolving.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'valid-allowed-fqdns'))).find((d) => d.code === 'valid-allowed-fqdns')!;
    const actions = await resolving.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri }, range: first.range, context: { diagnostics: [first], only: ['quickfix'] },
    }) as CodeAction[];
    const all = actions.find((a) => a.title === 'Fix all valid-allowed-fqdns problems in this file')!;
    assert.ok(all && !all.edit, actions.map((a) => a.title).join(' | '));
    // The quick fix of the problem itself comes with its edit.
    assert.ok(actions.find((a) => a.title.startsWith('Replace '))?.edit);
    const resolved = await resolving.connection.sendRequest('codeAction/resolve', all) as CodeAction;
    assert.deepEqual(JSON.parse(apply(noOwner, resolved.edit!)).resources[0].properties.allowedFqdnList, ['a.contoso.com', 'b.contoso.com']);
    assert.deepEqual((resolved.edit!.documentChanges as TextDocumentEdit[]).map((c) => c.textDocument), [{ uri, version: 1 }]);
    // Once the document has changed, the action offered for version 1 resolves to no edit.
    await resolving.change(uri, `${noOwner}\n`, 2);
    assert.equal((await resolving.connection.sendRequest('codeAction/resolve', all) as CodeAction).edit, undefined);
  } finally {
    await resolving.stop();
  }
});

test('diagnostics link to the rule page shipped with the server, which exists (no network)', async () => {
  const uri = 'file:///lsp/docs-link.json';
  await client.open(uri, noOwner);
  const diags = await client.waitForDiagnostics(uri, (d) => d.length > 0);
  for (const d of diags) {
    assert.equal(d.codeDescription!.href, pathToFileURL(path.join(ROOT, 'docs', 'rules', `${String(d.code)}.md`)).href);
    assert.ok(fs.existsSync(fileURLToPath(d.codeDescription!.href)));
  }
});

test('a config file is logged with what it sets; a mistake in it at warning level', async () => {
  const dir = tempTree({
    '.ai-egress-guard.json': '{ "rules": { "require-owner-tag": "off", "no-duplicate-fqdns": "warning" }, "cloud": "AzureChinaCloud" }',
    'bad/.ai-egress-guard.json': '{ "rules": { "no-such-rule": "off" } }',
  });
  for (const file of ['ai.json', 'bad/ai.json']) {
    const uri = pathToFileURL(path.join(dir, file)).href;
    await client.open(uri, noOwner);
    await client.waitForDiagnostics(uri, () => true);
  }
  const configLine = client.logs.find((l) => l.message.startsWith(`config file ${path.join(dir, '.ai-egress-guard.json')}`));
  assert.deepEqual(configLine, { type: 3, message: `config file ${path.join(dir, '.ai-egress-guard.json')} (for ${dir}) sets rules: require-owner-tag=off, no-duplicate-fqdns=warning; cloud: AzureChinaCloud` });
  assert.ok(client.logs.some((l) => l.type === 2 && l.message.includes('no-such-rule')), JSON.stringify(client.logs));
});

test('without our client (no clientCommands), fixes that ask are not offered (a placeholder would pass for an owner)', async () => {
  const plain = new TestClient();
  await plain.initialize();
  try {
    const uri = 'file:///lsp/plain.json';
    await plain.open(uri, noOwner);
    const owner = (await plain.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'require-owner-tag'))).find((d) => d.code === 'require-owner-tag')!;
    const actions = await plain.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: owner.range, context: { diagnostics: [owner], only: ['quickfix'] } }) as CodeAction[];
    assert.deepEqual(actions, []);
  } finally {
    await plain.stop();
  }
});
