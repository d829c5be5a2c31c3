// --explain: the egress map of each AI service as text; JSON output carries it per account.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { CLI, EXAMPLES, ROOT, tempTree } from '../support/paths';
import { sarifSchemaValid } from '../support/sarif';
import { moduleAndCaller } from '../support/lint';

function run(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const onYourData = path.join(EXAMPLES, 'arm', 'on-your-data.json');

test('--explain prints each account: restriction, dependencies with evidence, entries with their status, missing hosts', () => {
  const r = run(['--explain', path.relative(ROOT, onYourData)]);
  assert.equal(r.code, 0, r.stderr);
  const text = r.stdout;
  assert.match(text, /^examples\/arm\/on-your-data\.json: 1 AI service\n {2}AI service 'contoso-rag-openai' \(examples\/arm\/on-your-data\.json:28:15\)\n {4}outbound access: restricted to allowedFqdnList\n {4}dependencies: 2\n/);
  assert.match(text, /\n {6}contoso-rag-search\.search\.windows\.net {2}Microsoft\.Search\/searchServices 'contoso-rag-search' {2}MISSING from allowedFqdnList\n {8}roleAssignment: the managed identity of the service has Search Index Data Reader on search service 'contoso-rag-search' {2}examples\/arm\/on-your-data\.json:53:24\n/);
  assert.match(text, /\n {6}contosoragdocs\.blob\.core\.windows\.net {2}dependency: admits 'contosoragdocs\.blob\.core\.windows\.net' \(.*\) {2}examples\/arm\/on-your-data\.json:41:11\n/);
  assert.match(text, /\n {6}api\.old-partner\.example {2}unexplained: nothing in the template uses it {2}examples\/arm\/on-your-data\.json:42:11\n/);
  assert.match(text, /\n {4}missing: contoso-rag-search\.search\.windows\.net\n/);
  assert.match(text, /cannot be seen in a template: review the list with the service's owner\./);
});

test('--explain shows approved and own-resource entries, with the config file read', () => {
  const tpl = JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0',
    resources: [
      { type: 'Microsoft.Storage/storageAccounts', apiVersion: '2023-01-01', name: 'ownstore', location: 'eastus' },
      { type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2024-10-01', name: 'ai', location: 'eastus', kind: 'OpenAI',
        properties: { restrictOutboundNetworkAccess: false, allowedFqdnList: ['ownstore.table.core.windows.net', 'api.contoso.com'] } },
    ],
  }, null, 2);
  const dir = tempTree({ 'ai.json': tpl, '.ai-egress-guard.json': '{ "approvedFqdns": ["*.contoso.com"] }' });
  const r = run(['--explain', 'ai.json'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /outbound access: NOT restricted \(any host on the internet\)/);
  assert.match(r.stdout, /dependencies: none seen in the template/);
  assert.match(r.stdout, /ownstore\.table\.core\.windows\.net {2}own resource: the host of Microsoft\.Storage\/storageAccounts 'ownstore' of this deployment/);
  assert.match(r.stdout, /api\.contoso\.com {2}approved: approvedFqdns pattern '\*\.contoso\.com'/);
  const json = JSON.parse(run(['--explain', 'ai.json', '--format', 'json'], dir).stdout);
  assert.deepEqual(json.accounts[0].allowList.map((e: { entry: string; status: string }) => `${e.entry} ${e.status}`), ['ownstore.table.core.windows.net ownResource', 'api.contoso.com approved']);
});

test('--format json carries, per deployed instance (inventory), the dependencies and each allow-list entry with its status', () => {
  const json = JSON.parse(run([path.relative(ROOT, onYourData), '--format', 'json']).stdout);
  assert.ok(Array.isArray(json.findings) && json.findings.length > 0);
  // One list of accounts: the inventory's instances, counted from entry points, each with its egress map.
  assert.equal(json.accounts, undefined);
  const [instance] = json.inventory.instances;
  const account = instance.egress;
  const file = path.relative(ROOT, onYourData);
  assert.equal(instance.name, 'contoso-rag-openai');
  assert.equal(instance.declaration.file, file);
  assert.equal(instance.restricted, true);
  assert.deepEqual(account.dependencies.map((d: { host: string; allowed: boolean; evidence: { kind: string }[] }) => [d.host, d.allowed, d.evidence.map((e) => e.kind)]), [
    ['contoso-rag-search.search.windows.net', false, ['roleAssignment']],
    ['contosoragdocs.blob.core.windows.net', true, ['roleAssignment']],
  ]);
  assert.deepEqual(account.dependencies[0].resource, { type: 'Microsoft.Search/searchServices', name: 'contoso-rag-search', existing: false, file, line: 13, column: 15 });
  assert.deepEqual(account.allowList.map((e: { entry: string; status: string; line: number }) => [e.entry, e.status, e.line]), [
    ['contosoragdocs.blob.core.windows.net', 'dependency', 41],
    ['api.old-partner.example', 'unexplained', 42],
  ]);
  assert.deepEqual(account.missing, ['contoso-rag-search.search.windows.net']);
});

test('--explain of a file that does not exist: a message and exit 2', () => {
  const dir = tempTree({ 'x.txt': 'nothing' });
  const r = run(['--explain', 'missing.json'], dir);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, 'ai-egress-guard: No files matching the pattern "missing.json" were found.\n');
  assert.equal(r.stdout, '');
});

test('SARIF: results carry the preferred fix as artifactChanges, and the run the inventory as JSON output does; valid against the schema', () => {
  const rel = path.relative(ROOT, onYourData);
  const log = JSON.parse(run([rel, '--format', 'sarif']).stdout);
  assert.ok(sarifSchemaValid(log));
  const [sarifRun] = log.runs;
  const result = sarifRun.results.find((r: { ruleId: string }) => r.ruleId === 'allow-required-fqdns');
  const [fix] = result.fixes;
  assert.equal(fix.description.text, "Allow 'contoso-rag-search.search.windows.net' in the allowed FQDNs of 'contoso-rag-openai'");
  const [change] = fix.artifactChanges;
  assert.deepEqual(change.artifactLocation, { uri: 'examples/arm/on-your-data.json', uriBaseId: '%SRCROOT%' });
  assert.deepEqual(change.replacements, [{
    deletedRegion: { startLine: 40, startColumn: 29, endLine: 43, endColumn: 9 },
    insertedContent: { text: `"[format('{0}.blob.{1}', parameters('storageName'), environment().suffixes.storage)]", "api.old-partner.example", "[format('{0}.search.windows.net', parameters('searchName'))]"` },
  }]);
  // Another tool applying the replacement (1-based lines and columns) gets a template without the finding.
  const text = fs.readFileSync(onYourData, 'utf8');
  const offset = (line: number, column: number) => text.split('\n').slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + column - 1;
  const { deletedRegion: d, insertedContent } = change.replacements[0];
  const fixed = text.slice(0, offset(d.startLine, d.startColumn)) + insertedContent.text + text.slice(offset(d.endLine, d.endColumn));
  const dir = tempTree({ 'on-your-data.json': fixed });
  const after = JSON.parse(run(['on-your-data.json', '--format', 'sarif'], dir).stdout);
  assert.deepEqual(after.runs[0].results.map((r: { ruleId: string }) => r.ruleId).filter((id: string) => id === 'allow-required-fqdns'), []);
  // Results without a preferred fix carry none.
  assert.equal(sarifRun.results.find((r: { ruleId: string }) => r.ruleId === 'no-unexplained-fqdns').fixes, undefined);
  // The instances with their egress maps, as JSON output has them (the inventory's paths are relative to the root).
  const json = JSON.parse(run([rel, '--format', 'json']).stdout);
  assert.ok(json.inventory.instances.some((i: { egress?: unknown }) => i.egress), 'instances carry their egress map');
  assert.deepEqual(sarifRun.properties.inventory, json.inventory);
});

test('SARIF: a fix through a module and its caller carries one artifact change per file', () => {
  const dir = tempTree(moduleAndCaller('ai', 'stdocs'));
  const log = JSON.parse(run(['main.bicep', '--format', 'sarif'], dir).stdout);
  assert.ok(sarifSchemaValid(log));
  const result = log.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'allow-required-fqdns');
  assert.equal(result.locations[0].physicalLocation.artifactLocation.uri, 'main.bicep');
  const [fix] = result.fixes;
  assert.equal(fix.description.text, "Allow 'stdocs.blob.core.windows.net' in the allowed FQDNs of 'ai' (changes module 'account.bicep' to take parameter 'allowedFqdnList', and its call in main.bicep to pass it)");
  assert.deepEqual(fix.artifactChanges.map((c: { artifactLocation: { uri: string } }) => c.artifactLocation.uri).sort(), ['account.bicep', 'main.bicep']);
  const inserted = fix.artifactChanges.map((c: { replacements: { insertedContent: { text: string } }[] }) => c.replacements[0].insertedContent.text).join('\n');
  assert.match(inserted, /param allowedFqdnList array = \[\]/);
  assert.match(inserted, /allowedFqdnList: \['\$\{st\.name\}\.blob\.\$\{environment\(\)\.suffixes\.storage\}'\]/);
});
