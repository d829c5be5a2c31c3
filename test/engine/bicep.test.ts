// Bicep source: the same rules, ids and levels as ARM, with ranges in the .bicep file.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze, check, type Finding } from '../../server/src/engine/analyze';
import { mergeSettings } from '../../server/src/engine/config';
import { parseBicep, parseBicepParam } from '../../server/src/engine/bicep/parser';
import { readBicepDeployment } from '../../server/src/engine/bicep/reader';
import { applyFileEdits, editsFor } from '../../server/src/engine/edits';
import type { Fix } from '../../server/src/engine/fixes';
import { positionAt } from '../../server/src/engine/text';
import { withEvaluationBudget } from '../../server/src/engine/expressions/evaluator';
import { Unknown } from '../../server/src/engine/expressions/value';
import { DEPLOYMENT_RULES_OFF } from '../support/lint';

const DIR = 'file:///work/bicep';

function run(files: Record<string, string>, name = 'main.bicep', moduleCacheUri?: string) {
  const all = Object.fromEntries(Object.entries(files).map(([k, v]) => [k.startsWith('file:') ? k : `${DIR}/${k}`, v]));
  const host = {
    readFile: (u: string) => all[u],
    listDir: (d: string) => Object.keys(all).filter((u) => u.slice(0, u.lastIndexOf('/')) === d).map((u) => u.slice(u.lastIndexOf('/') + 1)),
  };
  const uri = `${DIR}/${name}`;
  const kind = name.endsWith('.bicepparam') ? 'bicepparam' as const : 'bicep' as const;
  return analyze({ uri, text: all[uri], kind }, { settings: mergeSettings({ rules: { ...DEPLOYMENT_RULES_OFF, ...QUIET.rules } }), host, moduleCacheUri });
}
/**
 * These tests' allow-lists name made-up hosts no dependency explains, by design: no-unexplained-fqdns (info)
 * would report each. It has its own tests (test/rules/no-unexplained-fqdns.test.ts).
 */
const QUIET = { rules: { 'no-unexplained-fqdns': 'off' as const } };
const lint = (text: string) => run({ 'main.bicep': text }).findings;
const codes = (fs: readonly Finding[]) => fs.map((f) => f.ruleId);
const at = (f: Finding) => {
  const s = positionAt(f.loc.file.text, f.loc.start);
  return `${s.line + 1}:${s.character + 1} ${f.loc.file.text.slice(f.loc.start, f.loc.end)}`;
};
function fix(f: Finding, prefix: string, text: string): string {
  const found: Fix | undefined = f.fixes.find((x) => x.title.startsWith(prefix));
  assert.ok(found, `no fix '${prefix}' among ${f.fixes.map((x) => x.title).join(' | ')}`);
  return applyFileEdits(text, editsFor([found], () => text));
}
function assertParses(text: string, kind: 'bicep' | 'bicepparam' = 'bicep') {
  const { diagnostics } = kind === 'bicep' ? parseBicep(text) : parseBicepParam(text);
  assert.deepEqual(diagnostics.filter((d) => d.severity === 'error'), [], text);
}

const account = (props: string, extra = '') => `resource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'bicep-ai'
  location: 'eastus'
  kind: 'OpenAI'
  sku: {
    name: 'S0'
  }
  tags: {
    owner: 'team'
  }${extra}
  properties: ${props}
}
`;
const hardenedProps = `{
    restrictOutboundNetworkAccess: true
    allowedFqdnList: [
      'mystorage.blob.core.windows.net'
    ]
    publicNetworkAccess: 'Disabled'
  }`;

test('flags a missing restriction at the type string, with the same rule ids and levels as ARM', () => {
  const [f, ...rest] = lint(account(`{
    publicNetworkAccess: 'Disabled'
  }`));
  assert.deepEqual(rest, []);
  assert.equal(f.ruleId, 'restrict-outbound-network-access');
  assert.equal(f.level, 'warning');
  assert.equal(at(f), `1:13 'Microsoft.CognitiveServices/accounts@2024-10-01'`);
  assert.equal(f.summary, "AI service 'bicep-ai' can reach any host: outbound access is not restricted.");
});

test('leaves a hardened account, other types, existing references and undeployed conditions alone', () => {
  assert.deepEqual(lint(account(hardenedProps)), []);
  assert.deepEqual(lint(`resource sql 'Microsoft.Sql/servers@2023-08-01-preview' = {
  name: 'sql'
  properties: {
    restrictOutboundNetworkAccess: 'Disabled'
  }
}
resource existingAi 'Microsoft.CognitiveServices/accounts@2024-10-01' existing = {
  name: 'elsewhere'
}
param deployAi bool = false
resource maybe 'Microsoft.CognitiveServices/accounts@2024-10-01' = if (deployAi) {
  name: 'maybe'
  properties: {}
}
`), []);
});

test('every rule reports in Bicep at the offending value', () => {
  const text = account(`{
    restrictOutboundNetworkAccess: true
    allowedFqdnList: [
      '*.blob.core.windows.net'
      'https://x.search.windows.net/'
      'a.vault.azure.net'
      'A.vault.azure.net'
    ]
    publicNetworkAccess: 'Enabled'
  }`).replace('@2024-10-01', '@2017-04-18').replace("owner: 'team'", "env: 'prod'");
  assert.deepEqual(lint(text).map((f) => `${f.ruleId} ${at(f)}`), [
    'use-egress-capable-api-version 1:51 2017-04-18',
    "require-owner-tag 8:9 {\n    env: 'prod'\n  }",
    "no-wildcard-fqdns 14:7 '*.blob.core.windows.net'",
    "valid-allowed-fqdns 15:7 'https://x.search.windows.net/'",
    "no-duplicate-fqdns 17:7 'A.vault.azure.net'",
    "disable-public-network-access 19:26 'Enabled'",
  ]);
});

test('a parameter default that makes it unsafe: reported at the use, fixed at the default', () => {
  const text = `param restrict bool = false\n${account(`{
    restrictOutboundNetworkAccess: restrict
    allowedFqdnList: []
    publicNetworkAccess: 'Disabled'
  }`)}`;
  const [f] = lint(text);
  assert.equal(at(f), '13:36 restrict');
  assert.match(f.message, /set by the default of parameter 'restrict'/);
  const fixed = fix(f, "Set the default of parameter 'restrict' to true", text);
  assert.equal(fixed, text.replace('param restrict bool = false', 'param restrict bool = true'));
  assert.deepEqual(lint(fixed), []);
});

test('interpolation and environment() are evaluated like ARM', () => {
  const text = `param sa string\n${account(`{
    restrictOutboundNetworkAccess: true
    allowedFqdnList: [
      '\${sa}.blob.\${environment().suffixes.storage}'
      '*.blob.\${environment().suffixes.storage}'
    ]
    publicNetworkAccess: 'Disabled'
  }`)}`;
  const found = lint(text);
  assert.deepEqual(found.map((f) => f.ruleId), ['no-wildcard-fqdns']);
  assert.match(found[0].message, /'\*\.blob\.core\.windows\.net'/);
});

test('the restrict fix writes idiomatic Bicep in the file\'s indentation and re-parses clean', () => {
  const text = account(`{
    customSubDomainName: 'bicep-ai'
    publicNetworkAccess: 'Disabled'
  }`);
  const [f] = lint(text);
  const fixed = fix(f, "Restrict outbound network access for 'bicep-ai'", text);
  assert.equal(fixed, text.replace("    publicNetworkAccess: 'Disabled'\n", "    publicNetworkAccess: 'Disabled'\n    restrictOutboundNetworkAccess: true\n    allowedFqdnList: []\n"));
  assertParses(fixed);
  assert.deepEqual(lint(fixed), []);
});

test('the hardened block fills an empty single-line properties object, CRLF kept', () => {
  const text = account('{}').replace(/\n/g, '\r\n');
  const [f] = lint(text).filter((x) => x.ruleId === 'restrict-outbound-network-access');
  const fixed = fix(f, "Restrict outbound access, disable public network access and set networkAcls.defaultAction to 'Deny' for 'bicep-ai'", text);
  assert.ok(fixed.includes([
    '  properties: {',
    '    restrictOutboundNetworkAccess: true',
    '    allowedFqdnList: []',
    "    publicNetworkAccess: 'Disabled'",
    '    networkAcls: {',
    "      defaultAction: 'Deny'",
    '    }',
    '  }',
  ].join('\r\n')), fixed);
  assert.ok(!/[^\r]\n/.test(fixed));
  assertParses(fixed);
  assert.deepEqual(lint(fixed), []);
});

test('removing a wildcard entry removes its line; fixAll applies only safe fixes', () => {
  const text = account(`{
    restrictOutboundNetworkAccess: true
    allowedFqdnList: [
      '*.blob.core.windows.net'
      'https://docs.contoso.com/x'
      'a.vault.azure.net'
      'a.vault.azure.net'
    ]
    publicNetworkAccess: 'Disabled'
  }`);
  const found = lint(text);
  const wildcard = found.find((f) => f.ruleId === 'no-wildcard-fqdns')!;
  const removed = fix(wildcard, "Remove '*.blob.core.windows.net'", text);
  assert.equal(removed, text.replace("      '*.blob.core.windows.net'\n", ''));
  assertParses(removed);
  const safe = found.flatMap((f) => f.fixes.filter((x) => x.safe));
  const fixedAll = applyFileEdits(text, editsFor(safe, () => text));
  assert.equal(fixedAll, text.replace("'https://docs.contoso.com/x'", "'docs.contoso.com'").replace("      'a.vault.azure.net'\n      'a.vault.azure.net'\n", "      'a.vault.azure.net'\n"));
  assertParses(fixedAll);
});

test('#disable-next-line suppresses our rule ids; the suppress fix writes one with a reason', () => {
  const text = account(`{
    publicNetworkAccess: 'Disabled'
  }`);
  const [f] = lint(text);
  const suppressed = fix(f, 'Suppress restrict-outbound-network-access', text);
  assert.ok(suppressed.startsWith('// TODO: say why this is acceptable\n#disable-next-line restrict-outbound-network-access\nresource ai'), suppressed);
  assertParses(suppressed);
  // The placeholder is no reason: the suppression itself is reported, until the reason typed in the editor is written.
  assert.deepEqual(lint(suppressed).map((x) => `${x.ruleId} ${at(x)}`), ['require-suppression-reason 2:20 restrict-outbound-network-access']);
  const found = f.fixes.find((x) => x.title.startsWith('Suppress restrict-outbound-network-access'))!;
  const answered = applyFileEdits(text, editsFor([{ ...found, changes: found.ask!.answer('Sandbox (SEC-1)') }], () => text));
  assert.ok(answered.startsWith('// Sandbox (SEC-1)\n#disable-next-line restrict-outbound-network-access\nresource ai'), answered);
  assert.deepEqual(lint(answered), []);
  assert.equal(lint(`#disable-next-line no-unused-params\n${text}`).length, 1);
});

test('local modules: a caller passing false is reported at the call, with related information', () => {
  const module = `param restrict bool = true\n${account(`{
    restrictOutboundNetworkAccess: restrict
    allowedFqdnList: []
    publicNetworkAccess: 'Disabled'
  }`)}`;
  const main = `module ai './modules/ai.bicep' = {
  name: 'ai-module'
  params: {
    restrict: false
  }
}
`;
  const result = run({ 'main.bicep': main, 'modules/ai.bicep': module });
  const [f, ...rest] = result.findings;
  assert.deepEqual(rest, []);
  assert.equal(at(f), '4:15 false');
  assert.match(f.message, /set by the value 'ai-module' passes for parameter 'restrict'/);
  assert.equal(f.related[0].loc.file.uri, `${DIR}/modules/ai.bicep`);
  const fixed = fix(f, "Set the value 'ai-module' passes for parameter 'restrict' to true", main);
  assert.equal(fixed, main.replace('restrict: false', 'restrict: true'));
  // The module alone, with its default, is fine.
  assert.deepEqual(run({ 'modules/ai.bicep': module }, 'modules/ai.bicep').findings, []);
  assert.deepEqual(run({ 'main.bicep': main.replace('restrict: false', 'restrict: true'), 'modules/ai.bicep': module }).findings, []);
});

test('.bicepparam: values are applied, and the parameter file shows what its own values cause', () => {
  const main = `param restrict bool\n${account(`{
    restrictOutboundNetworkAccess: restrict
    allowedFqdnList: []
    publicNetworkAccess: 'Disabled'
  }`)}`;
  const params = `using './main.bicep'\n\nparam restrict = false\n`;
  const template = run({ 'main.bicep': main, 'main.bicepparam': params });
  assert.deepEqual(template.findings.map((f) => [f.ruleId, f.level, /\[with parameter file main\.bicepparam\]$/.test(f.message)]), [['restrict-outbound-network-access', 'warning', true]]);
  const own = run({ 'main.bicep': main, 'main.bicepparam': params }, 'main.bicepparam');
  const [f] = own.findings;
  assert.equal(at(f), '3:18 false');
  const fixed = fix(f, "Set parameter 'restrict' in main.bicepparam to true", params);
  assert.equal(fixed, params.replace('= false', '= true'));
  assertParses(fixed, 'bicepparam');
  // Without a parameter file the value cannot be verified.
  const [unverified] = run({ 'main.bicep': main }).findings;
  assert.equal(unverified.level, 'info');
});

test('the Azure Verified Module for AI accounts is known without the module cache', () => {
  const call = (params: string) => `module ai 'br/public:avm/res/cognitive-services/account:0.10.0' = {
  name: 'avm-ai'
  params: {
    name: 'contoso-ai'
    kind: 'AIServices'
    tags: {
      owner: 'team'
    }
${params}
  }
}
`;
  assert.deepEqual(codes(lint(call(''))), []);
  const unsafe = lint(call(`    restrictOutboundNetworkAccess: false
    allowedFqdnList: [
      '*.openai.azure.com'
    ]`));
  assert.deepEqual(unsafe.map((f) => `${f.ruleId} ${at(f)}`), [
    'restrict-outbound-network-access 9:36 false',
    "no-wildcard-fqdns 11:7 '*.openai.azure.com'",
  ]);
  assert.deepEqual(codes(lint(call("    networkAcls: {\n      defaultAction: 'Allow'\n    }"))), ['disable-public-network-access']);
  const text = call('    restrictOutboundNetworkAccess: false');
  const fixed = fix(lint(text)[0], "Restrict outbound network access for 'avm-ai'", text);
  assert.ok(fixed.includes('    restrictOutboundNetworkAccess: true\n    allowedFqdnList: []\n'), fixed);
  assertParses(fixed);
});

test("registry modules in Bicep's local cache are analysed with the values passed", () => {
  const cache = 'file:///home/me/.bicep';
  const compiled = JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: { restrict: { type: 'bool', defaultValue: true } },
    resources: [{ type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2024-10-01', name: 'cached-ai', kind: 'OpenAI', tags: { owner: 'x' },
      properties: { restrictOutboundNetworkAccess: "[parameters('restrict')]", allowedFqdnList: [], publicNetworkAccess: 'Disabled' } }],
  }, null, 2);
  const main = `module ai 'br:contoso.azurecr.io/bicep/modules/ai:1.2.0' = {
  name: 'cached'
  params: {
    restrict: false
  }
}
`;
  const files = { 'main.bicep': main, [`${cache}/br/contoso.azurecr.io/bicep$modules$ai/1.2.0$/main.json`]: compiled };
  const [f] = run(files, 'main.bicep', cache).findings;
  assert.equal(at(f), '4:15 false');
  assert.deepEqual(run(files, 'main.bicep', undefined).findings, []);
});

test('a compiled main.json links its findings to the Bicep declaration of the same symbolic name', () => {
  const bicep = account('{}');
  const json = JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    languageVersion: '2.0', contentVersion: '1.0.0.0',
    metadata: { _generator: { name: 'bicep', version: '0.30.3.12046' } },
    resources: { ai: { type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2024-10-01', name: 'bicep-ai', kind: 'OpenAI', tags: { owner: 'x' }, properties: {} } },
  }, null, 2);
  const all = { [`${DIR}/main.bicep`]: bicep, [`${DIR}/main.json`]: json };
  const result = analyze({ uri: `${DIR}/main.json`, text: json, kind: 'arm' }, { settings: mergeSettings({ rules: DEPLOYMENT_RULES_OFF }), host: { readFile: (u: string) => (all as Record<string, string>)[u] } });
  const f = result.findings.find((x) => x.ruleId === 'restrict-outbound-network-access')!;
  assert.equal(f.generatedFrom?.note, 'This file is generated by Bicep: make the change in main.bicep next to it.');
  assert.doesNotMatch(f.message, /generated by Bicep/);
  const link = f.related.find((r) => r.loc.file.uri === `${DIR}/main.bicep`)!;
  assert.equal(bicep.slice(link.loc.start, link.loc.end), 'ai');
});

test('broken Bicep is analysed as far as it can be read, with one clear problem', () => {
  const result = run({ 'main.bicep': `${account('{}')}\nresource broken 'x@1' = {\n  name: \n` });
  assert.equal(result.problems.length, 1);
  const [problem] = result.problems;
  assert.deepEqual([problem.code, problem.severity], ['parse-error', 'error']);
  assert.match(problem.message, /^not valid Bicep: .*; analysed what could be read$/);
  assert.ok(result.findings.some((f) => f.ruleId === 'restrict-outbound-network-access'));
});

test('findings are the same whether or not the parse skips the bodies of other resources', () => {
  const text = `param prefix string = 'contoso'
param restrict bool = false
var hosts = [
  '\${prefix}.blob.\${environment().suffixes.storage}'
  '*.vault.azure.net'
]

resource st 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: 'st\${prefix}'
  location: 'eastus'
  properties: {
    minimumTlsVersion: 'TLS1_2' // }
  }
  resource blob 'blobServices' = {
    name: 'default'
  }
}

#disable-next-line require-owner-tag // owner set by Azure Policy
resource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: '\${prefix}-ai'
  location: 'eastus'
  kind: 'OpenAI'
  properties: {
    restrictOutboundNetworkAccess: restrict
    allowedFqdnList: hosts
  }
  resource deployment 'deployments@2024-10-01' = {
    name: 'gpt-4o'
  }
}

resource web 'Microsoft.Web/sites@2023-01-01' = {
  name: 'web-\${prefix}'
  properties: {
    siteConfig: {
      appSettings: [
        { name: 'AI', value: ai.properties.endpoint }
      ]
    }
  }
}

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg'
  resource nested 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
    name: 'nested'
    kind: 'OpenAI'
    properties: {
      allowedFqdnList: [
        '*'
      ]
    }
  }
}

resource many 'Microsoft.CognitiveServices/accounts@2024-10-01' = [for i in range(0, 2): {
  name: 'many\${i}'
  properties: {
    restrictOutboundNetworkAccess: true
    allowedFqdnList: [
      'https://example.com/\${i}'
    ]
  }
}]

module docs './docs.bicep' = {
  name: 'docs'
  params: {
    restrictOutbound: false
  }
}
`;
  const docs = `param restrictOutbound bool = true
resource kv 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: 'kv'
}
resource doc 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'docs'
  kind: 'FormRecognizer'
  properties: {
    restrictOutboundNetworkAccess: restrictOutbound
  }
}
`;
  const files: Record<string, string> = { [`${DIR}/main.bicep`]: text, [`${DIR}/docs.bicep`]: docs };
  const file = { uri: `${DIR}/main.bicep`, text, kind: 'bicep' as const };
  const settings = mergeSettings({ rules: { ...DEPLOYMENT_RULES_OFF, ...QUIET.rules } });
  const shown = (findings: readonly Finding[]) => findings.map((f) => ({
    rule: f.ruleId, level: f.level, message: f.message, at: [f.loc.file.uri, f.loc.start, f.loc.end], resource: f.resource,
    related: f.related.map((r) => [r.message, r.loc.file.uri, r.loc.start, r.loc.end]), site: f.site && [f.site.file.uri, f.site.start, f.site.end],
    fixes: f.fixes.map((x) => x.title),
  }));
  const findingsOf = (skipIrrelevantResources: boolean) => {
    const { program } = parseBicep(text, { skipIrrelevantResources });
    return shown(check(readBicepDeployment(file, program, { readFile: (u) => files[u] }), settings));
  };
  const full = findingsOf(false);
  assert.ok(full.length >= 5, JSON.stringify(full));
  assert.deepEqual(findingsOf(true), full);
  // The nested account and the module's account are found (the skipped bodies hide neither).
  assert.ok(full.some((f) => text.slice(f.at[1] as number, f.at[2] as number) === "'*'"));
  assert.ok(full.some((f) => f.at[0] === `${DIR}/docs.bicep` || f.related.some((r) => r[1] === `${DIR}/docs.bicep`)));
  // analyze() (which skips) reports the same for the file itself, minus what its directives suppress.
  const analysed = shown(run({ 'main.bicep': text, 'docs.bicep': docs }).findings);
  const inReadingOrder = full.filter((f) => f.at[0] === `${DIR}/main.bicep` && !(f.rule === 'require-owner-tag' && f.resource === 'contoso-ai'))
    .sort((a, b) => (a.at[1] as number) - (b.at[1] as number));
  assert.deepEqual(analysed, inReadingOrder);
});

test('user-defined functions (func) are evaluated like ARM user functions', () => {
  const text = `func blobHost(account string) string => '\${account}.blob.\${environment().suffixes.storage}'
func wild(suffix string) string => '*.\${suffix}'
func hosts(account string) string[] => [blobHost(account), wild('vault.azure.net')]
${account(`{
    restrictOutboundNetworkAccess: true
    publicNetworkAccess: 'Disabled'
    allowedFqdnList: hosts('docs')
  }`)}`;
  const [f, ...rest] = lint(text);
  assert.deepEqual(rest, []);
  assert.equal(f.ruleId, 'no-wildcard-fqdns');
  assert.match(f.message, /'\*\.vault\.azure\.net'/);
});

test('imported variables and functions (import { x } from) are evaluated from their file', () => {
  const shared = `@export()
var vaultHosts = [
  '*.vault.azure.net'
]

@export()
func blobHost(account string) string => '\${account}.blob.\${environment().suffixes.storage}'
`;
  const main = `import { vaultHosts, blobHost as blob } from './shared.bicep'
${account(`{
    restrictOutboundNetworkAccess: true
    publicNetworkAccess: 'Disabled'
    allowedFqdnList: concat([blob('docs')], vaultHosts)
  }`)}`;
  const findings = run({ 'main.bicep': main, 'shared.bicep': shared }).findings;
  assert.deepEqual(findings.map((f) => f.ruleId), ['no-wildcard-fqdns']);
  assert.match(findings[0].message, /'\*\.vault\.azure\.net'/);
  // Without the file, nothing is guessed.
  assert.deepEqual(run({ 'main.bicep': main }).findings, []);
});

test('parameters and variables, alone or interpolated, have the value and take the evaluation steps of what they lower to', () => {
  const names = (ref: (name: string) => string, steps?: number) => {
    const text = "param p string = 'co'\nparam n int = 7\nparam u string\nvar v = 'x{y}'\nvar o = {\n  a: v\n}\n"
      + [`'a-\${${ref('p')}}-{\${${ref('v')}}}'`, `'b\${${ref('p')}}'`, `'c\${${ref('n')}}'`, `'d\${${ref('u')}}-e'`, ref('n'), ref('u'), ref('o'), ref('o')]
        .map((name, i) => `resource s${i} 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: ${name}\n}\n`).join('');
    return withEvaluationBudget(() => {
      const graph = readBicepDeployment({ uri: `${DIR}/main.bicep`, text, kind: 'bicep' }, parseBicep(text).program, { readFile: () => undefined });
      return graph.resources.map((r) => { const v = r.nameNode?.value; return v instanceof Unknown ? { parts: v.parts, limit: !!v.limit } : v; });
    }, steps);
  };
  // `(p)` is lowered and evaluated in full; `p` of a parameter already evaluated is read directly.
  const direct = (s: string) => s, lowered = (s: string) => `(${s})`;
  const expected = ['a-co-{x{y}}', 'bco', 'c7', { parts: ['d', null, '-e'], limit: false }, 7, { parts: undefined, limit: false }, { a: 'x{y}' }, { a: 'x{y}' }];
  assert.deepEqual(names(direct), expected);
  assert.deepEqual(names(lowered), expected);
  // The fewest steps with which `'b${p}'` (and `n`) is known are the same either way, and of the object `o` read again.
  const fewest = (ref: (name: string) => string, at: number) => {
    let steps = 1;
    while (JSON.stringify(names(ref, steps)[at]) !== JSON.stringify(expected[at])) steps++;
    return steps;
  };
  assert.equal(fewest(direct, 1), fewest(lowered, 1));
  assert.equal(fewest(direct, 4), fewest(lowered, 4));
  assert.equal(fewest(direct, 7), fewest(lowered, 7));
});

test("a name with no value says why: a loop variable (a loop's body is read once), a name not declared, a syntax error", () => {
  const account = (restrict: string, loop = '') => `param names array
resource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = ${loop ? `[${loop}: ` : ''}{
  name: 'oai'
  kind: 'OpenAI'
  properties: {
    restrictOutboundNetworkAccess: ${restrict}
  }
}${loop ? ']' : ''}
`;
  const reasonOf = (text: string) => {
    const f = lint(text).find((x) => x.ruleId === 'restrict-outbound-network-access');
    assert.ok(f, 'a restrict finding');
    assert.equal(f.messageId, 'unverifiable');
    return f.messageText;
  };
  assert.match(reasonOf(account("n == 'x'", 'for n in names')), /\('n' is a loop variable, and the loop's body is read once for all its iterations\)/);
  assert.match(reasonOf(account('i == 0', 'for (n, i) in names')), /\('i' is a loop variable,/);
  // A resource loop's body is read once even over known items (its iterations are counted, not read one by one).
  assert.match(reasonOf(account("n == 'x'", "for n in ['x']")), /\('n' is a loop variable,/);
  assert.match(reasonOf(account('nope')), /\('nope' is not declared\)/);
  assert.match(reasonOf(account('(')), /\(the expression has a syntax error\)/);
  // Known values leave nothing to say.
  assert.deepEqual(lint(account('true')).filter((x) => x.ruleId === 'restrict-outbound-network-access'), []);
  for (const text of [account("n == 'x'", 'for n in names'), account('nope')]) assert.doesNotMatch(reasonOf(text), /unknownSymbol/);
});
