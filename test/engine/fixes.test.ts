// Fixes that are always right: every fix offered can be written and leaves a file that parses, the finding it
// targets gone; targets written as expressions are fixed where their value is written, or not offered.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { parseTree, type ParseError } from 'jsonc-parser';
import { analyze, type AnalysisResult, type Finding } from '../../server/src/engine/analyze';
import { parseBicep, parseBicepParam } from '../../server/src/engine/bicep/parser';
import { mergeSettings } from '../../server/src/engine/config';
import { applyFileEdits, editsFor } from '../../server/src/engine/edits';
import { fixAll, fixAllEdits, MAX_FIX_PASSES } from '../../server/src/engine/fixAll';
import type { Fix } from '../../server/src/engine/fixes';
import type { FileKind, ValueNode } from '../../server/src/engine/model';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, TextEdit } from 'vscode-languageserver-protocol';
import { TestClient } from '../support/lspClient';
import { CLI, CORPUS, EXAMPLES, tempTree } from '../support/paths';

const settings = mergeSettings({});
const DIR = 'file:///work/fixes';

/** Analyses `name` among `files` (relative names or URIs). */
function run(files: Record<string, string>, name: string): AnalysisResult {
  const all = Object.fromEntries(Object.entries(files).map(([k, v]) => [k.startsWith('file:') ? k : `${DIR}/${k}`, v]));
  const host = {
    readFile: (u: string) => all[u],
    listDir: (d: string) => Object.keys(all).filter((u) => u.slice(0, u.lastIndexOf('/')) === d).map((u) => u.slice(u.lastIndexOf('/') + 1)),
  };
  const uri = name.startsWith('file:') ? name : `${DIR}/${name}`;
  return analyze({ uri, text: all[uri], kind: kindOf(uri) }, { settings, host });
}

function kindOf(uri: string): FileKind {
  return uri.endsWith('.bicepparam') ? 'bicepparam' : uri.endsWith('.bicep') ? 'bicep' : 'arm';
}

function syntaxErrors(text: string, kind: FileKind): number {
  if (kind === 'arm') {
    const errors: ParseError[] = [];
    parseTree(text, errors, { allowTrailingComma: true });
    return errors.length;
  }
  return (kind === 'bicep' ? parseBicep(text) : parseBicepParam(text)).diagnostics.filter((d) => d.severity === 'error').length;
}

/** Applies one fix to the files it touches (URI → text), returning the new files. */
function applyToFiles(fix: Fix, files: Record<string, string>): Record<string, string> {
  const out = { ...files };
  const edits = editsFor([fix], (u) => out[u]);
  for (const uri of new Set(edits.map((e) => e.uri))) out[uri] = applyFileEdits(out[uri], edits.filter((e) => e.uri === uri));
  return out;
}

function uris(files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([k, v]) => [k.startsWith('file:') ? k : `${DIR}/${k}`, v]));
}

const same = (a: Finding, b: Finding) => a.ruleId === b.ruleId && a.messageText === b.messageText;

/** Every fix of every finding of `name`, applied alone: no throw, files that parse as well as before, the finding gone. */
function checkEveryFix(files: Record<string, string>, name: string): { fixes: number; titles: string[] } {
  const all = uris(files);
  const result = run(all, name);
  const titles: string[] = [];
  for (const finding of result.findings) {
    for (const fix of finding.fixes) {
      titles.push(fix.title);
      // Offered beside the hardened block, it adds what a private network needs; it does not restrict egress.
      const addsEndpoint = fix.title.startsWith('Add a private endpoint');
      const after = applyToFiles(fix, all);
      for (const [uri, text] of Object.entries(after)) {
        if (text === all[uri]) continue;
        assert.ok(syntaxErrors(text, kindOf(uri)) <= syntaxErrors(all[uri], kindOf(uri)), `${fix.title}: ${uri} no longer parses:\n${text}`);
      }
      assert.ok(Object.keys(after).some((u) => after[u] !== all[u]), `${fix.title} offered but changes nothing`);
      const again = run(after, name).findings;
      // Counted, not just looked for: a repeated entry has a finding of the same text per copy.
      const count = (findings: readonly Finding[]) => findings.filter((f) => same(f, finding)).length;
      if (!addsEndpoint) assert.ok(count(again) < count(result.findings), `${fix.title} leaves its finding: ${finding.message}`);
    }
  }
  return { fixes: titles.length, titles };
}

const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
const ACCOUNT = { type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2024-10-01', name: 'oai', kind: 'OpenAI', tags: { owner: 't' } };
const arm = (resource: object, extra: object = {}) => `${JSON.stringify({ $schema: SCHEMA, contentVersion: '1.0.0.0', ...extra, resources: [resource] }, null, 2)}\n`;

test('ARM: properties written as a variable are fixed in the variable', () => {
  const text = arm({ ...ACCOUNT, properties: "[variables('aiProps')]" }, {
    variables: { aiProps: { restrictOutboundNetworkAccess: false, allowedFqdnList: ['a.x', 'a.x', 'https://b.x/'] } },
  });
  const { titles } = checkEveryFix({ 'main.json': text }, 'main.json');
  assert.ok(titles.includes("Restrict outbound network access for 'oai' (it will reach nothing: the template shows no dependency)"), titles.join(' | '));
  assert.ok(titles.includes("Disable public network access for 'oai'"), titles.join(' | '));
  const [restrict] = run({ 'main.json': text }, 'main.json').findings.filter((f) => f.ruleId === 'restrict-outbound-network-access');
  const fixed = applyToFiles(restrict.fixes.find((f) => f.title.startsWith('Restrict outbound access, disable public network access'))!, uris({ 'main.json': text }))[`${DIR}/main.json`];
  const parsed = JSON.parse(fixed) as { variables: { aiProps: object }; resources: { properties: string }[] };
  assert.equal(parsed.resources[0].properties, "[variables('aiProps')]");
  assert.deepEqual(parsed.variables.aiProps, {
    restrictOutboundNetworkAccess: true, allowedFqdnList: ['a.x', 'a.x', 'https://b.x/'], publicNetworkAccess: 'Disabled', networkAcls: { defaultAction: 'Deny' },
  });
});

test('ARM: properties from a parameter default are fixed in the default', () => {
  const text = arm({ ...ACCOUNT, properties: "[parameters('p')]" }, { parameters: { p: { type: 'object', defaultValue: { publicNetworkAccess: 'Enabled' } } } });
  checkEveryFix({ 'main.json': text }, 'main.json');
});

test('ARM: a target computed by an expression, or of another type, gets no structural fix, and nothing throws', () => {
  const cases: [string, object, object?][] = [
    ['union()', { ...ACCOUNT, properties: "[union(variables('a'), createObject('x', 1))]" }, { variables: { a: { restrictOutboundNetworkAccess: false } } }],
    ['array', { ...ACCOUNT, properties: [1] }],
    ['string', { ...ACCOUNT, properties: 'x' }],
    ['null', { ...ACCOUNT, properties: null }],
    ['number list, boolean acls', { ...ACCOUNT, properties: { restrictOutboundNetworkAccess: false, allowedFqdnList: 3, networkAcls: true } }],
    ['acls from a variable', { ...ACCOUNT, properties: { restrictOutboundNetworkAccess: false, networkAcls: "[variables('acls')]" } }, { variables: { acls: { bypass: 'None' } } }],
    ['metadata a string', { ...ACCOUNT, metadata: 'x', properties: {} }],
    ['metadata.aiEgressGuard an array', { ...ACCOUNT, metadata: { aiEgressGuard: [] }, properties: {} }],
  ];
  for (const [name, resource, extra] of cases) {
    const text = arm(resource, extra);
    const { titles } = checkEveryFix({ 'main.json': text }, 'main.json');
    if (name === 'union()' || name === 'array' || name === 'string' || name === 'null') {
      // New resources beside the account (private endpoint, diagnostic settings) do not edit its properties.
      assert.deepEqual(titles.filter((t) => !t.startsWith('Suppress') && !t.startsWith('Add a private endpoint') && !t.startsWith('Send Audit')), [], name);
    }
    if (name.startsWith('metadata')) assert.deepEqual(titles.filter((t) => t.startsWith('Suppress')), [], name);
    if (name === 'number list, boolean acls') assert.ok(!titles.some((t) => t.startsWith('Restrict outbound access, disable public network access')), name);
  }
});

const CONTENT_GENERATION = path.join(CORPUS, 'bicep-registry-modules/avm/ptn/sa/content-generation/main.json');

test('ARM: every fix of the AVM content-generation pattern applies, leaving valid JSON', { skip: !fs.existsSync(CONTENT_GENERATION) && 'corpus absent' }, () => {
  const text = fs.readFileSync(CONTENT_GENERATION, 'utf8').replace(/^\uFEFF/, '');
  const uri = pathToFileURL(CONTENT_GENERATION).href;
  const result = analyze({ uri, text, kind: 'arm' }, { settings, host: { readFile: () => undefined } });
  let count = 0;
  for (const finding of result.findings) {
    for (const fix of finding.fixes) {
      const fixed = applyFileEdits(text, editsFor([fix], () => text));
      assert.doesNotThrow(() => JSON.parse(fixed), fix.title);
      count++;
    }
  }
  assert.ok(count >= 3, `${count} fixes`);
});

test('ARM: a fix inside an inline child resource touches only that resource', () => {
  const text = `{
  "$schema": "${SCHEMA}",
  "contentVersion": "1.0.0.0",
  "resources": [
    { "type": "Microsoft.Resources/resourceGroups", "apiVersion": "2022-09-01", "name": "rg", "resources": [
      { "type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2024-10-01", "name": "child-ai", "kind": "OpenAI", "tags": { "owner": "t" }, "properties": { "publicNetworkAccess": "Disabled" } } ] }
  ]
}
`;
  const [f] = run({ 'main.json': text }, 'main.json').findings;
  const fixed = applyFileEdits(text, editsFor([f.fixes[0]], () => text));
  assert.equal(fixed, text.replace('"publicNetworkAccess": "Disabled" }', '"publicNetworkAccess": "Disabled", "restrictOutboundNetworkAccess": true, "allowedFqdnList": [] }'));
  const suppressed = applyFileEdits(text, editsFor([f.fixes.find((x) => x.title.startsWith('Suppress'))!], () => text));
  assert.equal(suppressed, text.replace('"Disabled" } }', '"Disabled" }, "metadata": { "aiEgressGuard": { "suppress": { "restrict-outbound-network-access": "TODO: say why this is acceptable" } } } }'));
  checkEveryFix({ 'main.json': text }, 'main.json');
});

const allowList = (entries: string[]) => arm({ ...ACCOUNT, properties: { restrictOutboundNetworkAccess: true, publicNetworkAccess: 'Disabled', allowedFqdnList: entries } });
const armFixAll = (text: string) => fixAll(text, (t) => run({ 'main.json': t }, 'main.json'));

test('fixAll: neighbouring duplicates are all removed, in one pass', () => {
  const text = allowList(['a.x', 'b.x', 'A.x', 'a.x']);
  const { text: fixed, passes } = armFixAll(text);
  assert.equal(fixed, allowList(['a.x', 'b.x']));
  assert.equal(passes, 1);
  const bicep = `resource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai'
  kind: 'OpenAI'
  tags: { owner: 't' }
  properties: {
    restrictOutboundNetworkAccess: true
    publicNetworkAccess: 'Disabled'
    allowedFqdnList: [ 'a.x', 'b.x', 'A.x', 'a.x' ]
  }
}
`;
  const result = fixAll(bicep, (t) => run({ 'main.bicep': t }, 'main.bicep'));
  assert.equal(result.text, bicep.replace("[ 'a.x', 'b.x', 'A.x', 'a.x' ]", "[ 'a.x', 'b.x' ]"));
});

test('a URL whose host is already listed is removed rather than rewritten into a duplicate', () => {
  const text = allowList(['a.x', 'https://a.x/path', 'https://A.x:443/', 'b.x']);
  const titles = run({ 'main.json': text }, 'main.json').findings.flatMap((f) => f.fixes.filter((x) => x.safe).map((x) => x.title));
  assert.deepEqual(titles, ["Remove 'https://a.x/path': its host 'a.x' is already listed", "Remove 'https://A.x:443/': its host 'A.x' is already listed"]);
  const { text: fixed, passes } = armFixAll(text);
  assert.equal(fixed, allowList(['a.x', 'b.x']));
  assert.equal(passes, 1);
});

test('fixAll: URLs rewritten to the same host are followed by the removal of the duplicate', () => {
  const text = allowList(['https://a.x/1', 'https://A.x/2', 'b.x']);
  const { text: fixed, passes } = armFixAll(text);
  assert.equal(fixed, allowList(['a.x', 'b.x']));
  assert.equal(passes, 2);
  assert.deepEqual(run({ 'main.json': fixed }, 'main.json').findings.filter((f) => f.fixes.some((x) => x.safe)), []);
});

test('fixAll: stops after 10 passes, and fixAllEdits re-analyses with the options of the analysis', () => {
  let calls = 0;
  // An analysis that always offers a safe fix (a count rewritten each time): the loop ends anyway.
  const endless = fixAll('{ "n": 0 }', (t) => {
    calls++;
    const file = { uri: `${DIR}/x.json`, text: t, kind: 'arm' as const };
    const target = { loc: { file, start: 0, end: t.length } } as ValueNode;
    const fix: Fix = { title: 'count', safe: true, changes: [{ kind: 'replace', target, value: { n: calls } }] };
    return { file, isTemplate: true, resources: [], problems: [], findings: [{ fixes: [fix] } as unknown as Finding] };
  });
  assert.equal(endless.passes, MAX_FIX_PASSES);
  assert.equal(calls, MAX_FIX_PASSES);
  assert.equal(endless.text, `{ "n": ${MAX_FIX_PASSES} }`);
  const text = allowList(['a.x', 'https://a.x/', 'a.x']);
  const result = run({ 'main.json': text }, 'main.json');
  const edits = fixAllEdits(result.findings);
  assert.equal(applyFileEdits(text, edits), allowList(['a.x']));
});

const BICEP_ACCOUNT = (props: string) => `param restrict bool = true
param hosts string[] = []

resource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'module-ai'
  kind: 'OpenAI'
  tags: {
    owner: 'team'
  }
  properties: ${props}
}
`;

test('Bicep: Suppress for a finding at a caller\'s value goes above that value, in the caller', () => {
  const module = BICEP_ACCOUNT(`{
    restrictOutboundNetworkAccess: restrict
    allowedFqdnList: hosts
    publicNetworkAccess: 'Disabled'
  }`);
  const main = `module ai './modules/ai.bicep' = {
  name: 'ai-module'
  params: {
    restrict: false
    hosts: [
      '*.blob.core.windows.net'
    ]
  }
}
`;
  const files = uris({ 'main.bicep': main, 'modules/ai.bicep': module });
  const findings = run(files, 'main.bicep').findings;
  assert.deepEqual(findings.map((f) => f.ruleId).sort(), ['no-wildcard-fqdns', 'restrict-outbound-network-access']);
  for (const finding of findings) {
    const suppress = finding.fixes.find((x) => x.title.startsWith('Suppress'))!;
    const after = applyToFiles(suppress, files);
    assert.equal(after[`${DIR}/modules/ai.bicep`], module, 'the module file is not touched');
    assert.equal(syntaxErrors(after[`${DIR}/main.bicep`], 'bicep'), 0);
    assert.deepEqual(run(after, 'main.bicep').findings.filter((f) => f.ruleId === finding.ruleId), []);
  }
  const restrict = findings.find((f) => f.ruleId === 'restrict-outbound-network-access')!;
  assert.equal(applyToFiles(restrict.fixes.find((x) => x.title.startsWith('Suppress'))!, files)[`${DIR}/main.bicep`],
    main.replace('    restrict: false\n', '    // TODO: say why this is acceptable\n    #disable-next-line restrict-outbound-network-access\n    restrict: false\n'));
  checkEveryFix(files, 'main.bicep');
});

test('Bicep: Suppress in a .bicepparam file goes above its value, and the engine honours it there', () => {
  const template = BICEP_ACCOUNT(`{
    restrictOutboundNetworkAccess: restrict
    allowedFqdnList: []
    publicNetworkAccess: 'Disabled'
  }`);
  const params = `using './main.bicep'\n\nparam restrict = false\n`;
  const files = uris({ 'main.bicep': template, 'main.bicepparam': params });
  const [finding] = run(files, 'main.bicepparam').findings;
  assert.equal(finding.ruleId, 'restrict-outbound-network-access');
  const after = applyToFiles(finding.fixes.find((x) => x.title.startsWith('Suppress'))!, files);
  assert.equal(after[`${DIR}/main.bicep`], template);
  assert.equal(after[`${DIR}/main.bicepparam`], params.replace('param restrict', '// TODO: say why this is acceptable\n#disable-next-line restrict-outbound-network-access\nparam restrict'));
  assert.deepEqual(run(after, 'main.bicepparam').findings, []);
  checkEveryFix(files, 'main.bicepparam');
});

test('Bicep: the examples\' findings at callers and in the parameter file are suppressed where reported', () => {
  const files: Record<string, string> = {};
  const dir = path.join(EXAMPLES, 'bicep');
  for (const rel of ['main.bicep', 'main.bicepparam', 'modules/document-intelligence.bicep']) {
    files[pathToFileURL(path.join(dir, rel)).href] = fs.readFileSync(path.join(dir, rel), 'utf8');
  }
  let suppressions = 0;
  for (const name of ['main.bicep', 'main.bicepparam']) {
    const uri = pathToFileURL(path.join(dir, name)).href;
    for (const finding of run(files, uri).findings) {
      const suppress = finding.fixes.find((x) => x.title.startsWith('Suppress'))!;
      const edits = editsFor([suppress], (u) => files[u]);
      assert.deepEqual(edits.map((e) => e.uri), [finding.loc.file.uri], suppress.title);
      suppressions++;
    }
    checkEveryFix(files, uri);
  }
  assert.ok(suppressions >= 4, `${suppressions}`);
});

test('Bicep: a suppression on the first line goes after a byte order mark', () => {
  const text = "\ufeffresource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {\n  name: 'oai'\n  kind: 'OpenAI'\n  tags: { owner: 't' }\n  properties: {}\n}\n";
  const [f] = run({ 'main.bicep': text }, 'main.bicep').findings;
  const fixed = applyFileEdits(text, editsFor([f.fixes.find((x) => x.title.startsWith('Suppress'))!], () => text));
  assert.ok(fixed.startsWith('\ufeff// TODO: say why this is acceptable\n#disable-next-line '), JSON.stringify(fixed.slice(0, 80)));
  assert.equal(syntaxErrors(fixed, 'bicep'), 0);
  checkEveryFix({ 'main.bicep': text }, 'main.bicep');
});

test('many duplicates are removed in one pass, in ARM and Bicep', () => {
  const entries = Array.from({ length: 500 }, (_, i) => `h${i % 50}.x`);
  const unique = Array.from({ length: 50 }, (_, i) => `h${i}.x`);
  const { text, passes } = armFixAll(allowList(entries));
  assert.equal(text, allowList(unique));
  assert.equal(passes, 1);
  const bicep = (list: string[]) => BICEP_ACCOUNT(`{
    restrictOutboundNetworkAccess: true
    publicNetworkAccess: 'Disabled'
    allowedFqdnList: [
${list.map((e) => `      '${e}'`).join('\n')}
    ]
  }`);
  const result = fixAll(bicep(entries), (t) => run({ 'main.bicep': t }, 'main.bicep'));
  assert.equal(result.text, bicep(unique));
  assert.equal(result.passes, 1);
});

test('no structural fix on a file whose syntax around the target is broken', () => {
  const account = JSON.stringify({ ...ACCOUNT, properties: { allowedFqdnList: ['a.x', 'a.x'] } });
  const broken = `{ "$schema": "${SCHEMA}", "contentVersion": "1.0.0.0", "resources": [ ${account}, ${'{ "x": '.repeat(200)}`;
  const result = run({ 'main.json': broken }, 'main.json');
  assert.ok(result.findings.length > 0);
  for (const finding of result.findings) {
    for (const fix of finding.fixes) {
      const fixed = applyFileEdits(broken, editsFor([fix], () => broken));
      assert.ok(syntaxErrors(fixed, 'arm') <= syntaxErrors(broken, 'arm'), fix.title);
    }
  }
  // The account itself is whole: the writer may still fix inside it, touching only it.
  const inside = `{ "$schema": "${SCHEMA}", "contentVersion": "1.0.0.0", "resources": [ { "type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2024-10-01", "name": "oai", "kind": "OpenAI", "properties": { "allowedFqdnList": ["a.x", "a.x", ${'{'.repeat(200)}`;
  for (const finding of run({ 'main.json': inside }, 'main.json').findings) {
    assert.deepEqual(finding.fixes.filter((x) => x.changes.some((c) => c.kind !== 'suppress')).map((x) => x.title), [], finding.message);
  }
  const bicep = BICEP_ACCOUNT(`{
    allowedFqdnList: [
      'a.x'
      'a.x'
      {{{{
  }`);
  for (const finding of run({ 'main.bicep': bicep }, 'main.bicep').findings) {
    assert.deepEqual(finding.fixes.filter((x) => x.changes.some((c) => c.kind !== 'suppress')).map((x) => x.title), [], finding.message);
  }
});

test('--fix and source.fixAll reach the fixed point', async () => {
  const text = allowList(['https://a.x/1', 'https://A.x/2', 'b.x']);
  const dir = tempTree({ 'ai.json': `\ufeff${text}` });
  const cli = spawnSync(process.execPath, [CLI, '.', '--fix', '--format', 'json'], { cwd: dir, encoding: 'utf8' });
  assert.match(cli.stderr, /fixed 1 file/);
  assert.equal(fs.readFileSync(path.join(dir, 'ai.json'), 'utf8'), `\ufeff${allowList(['a.x', 'b.x'])}`);
  const client = new TestClient();
  try {
    await client.initialize();
    const uri = 'file:///lsp/fixpoint.json';
    await client.open(uri, text);
    await client.waitForDiagnostics(uri, (d) => d.length > 0);
    const [action] = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: ['source.fixAll'] },
    }) as CodeAction[];
    // The client accepts versioned edits: the server sends documentChanges.
    const [change] = action.edit!.documentChanges as { edits: TextEdit[] }[];
    const edits = change.edits;
    assert.equal(TextDocument.applyEdits(TextDocument.create(uri, 'json', 1, text), edits), allowList(['a.x', 'b.x']));
  } finally {
    await client.stop();
  }
});
