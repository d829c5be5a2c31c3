// The analysis fails closed (issue 15 §1): every limit is just out of reach of a real template, and
// past it the file gets an error problem at the place it stopped, never silently nothing. Each limit
// is tested just within and just past it.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze, type AnalysisResult } from '../../server/src/engine/analyze';
import { mergeSettings } from '../../server/src/engine/config';
import { DEPLOYMENT_RULES_OFF } from '../support/lint';
import { jsonDepthExceeded, MAX_JSON_DEPTH, MAX_MODULE_CHAIN, MAX_NESTED_DEPLOYMENTS, MAX_TEMPLATE_INSTANCES } from '../../server/src/engine/limits';
import { parseArm, readArmDeployment } from '../../server/src/engine/arm/reader';
import { positionAt } from '../../server/src/engine/text';
import { account, lintResult, template } from '../support/lint';

const DIR = 'file:///work/limits';

/** Problems as `line:col severity code message` (1-based). */
function problems(result: AnalysisResult): string[] {
  return result.problems.map((p) => {
    const pos = positionAt(result.file.text, p.start);
    return `${pos.line + 1}:${pos.character + 1} ${p.severity} ${p.code} ${p.message}`;
  });
}

function at(text: string, offset: number): string {
  const pos = positionAt(text, offset);
  return `${pos.line + 1}:${pos.character + 1}`;
}

const rules = (result: AnalysisResult) => result.findings.map((f) => f.ruleId);

// --- ARM: nested deployments and child resources ---------------------------------------------

function nestedDeployments(n: number): string {
  let inner = account('{ "publicNetworkAccess": "Disabled" }', { name: 'deep-ai' });
  for (let i = n; i >= 1; i--) {
    inner = `{ "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "d${i}", "properties": { "mode": "Incremental", "template": ${template(inner)} } }`;
  }
  return template(inner);
}

test(`nested deployments: ${MAX_NESTED_DEPLOYMENTS} deep are analysed, one more is an error at the deployment not followed`, () => {
  assert.equal(MAX_NESTED_DEPLOYMENTS, 32);
  const within = lintResult(nestedDeployments(32));
  assert.deepEqual(rules(within), ['restrict-outbound-network-access']);
  assert.deepEqual(within.problems, []);
  const text = nestedDeployments(33);
  const past = lintResult(text);
  assert.deepEqual(rules(past), []);
  assert.deepEqual(problems(past), [`${at(text, text.indexOf('"d33"'))} error depth-limit nested deployments deeper than 32: analysis stopped at 'd33'`]);
});

/**
 * Copy loops of nested deployments (inner scope) nested in each other, of the counts `counts` (outermost first), each
 * index passing on its own value of `p`: the sum of the products of the counts are distinct instances. The innermost
 * deploys an AI account named by `p`. `extra`: a further loop of that many at the top, named `more`.
 */
function copiedDeployments(counts: readonly number[], extra = 0): string {
  let resources = account('{ "publicNetworkAccess": "Disabled" }', { name: "[format('ai{0}', parameters('p'))]" });
  const loop = (name: string, count: number, inner: string) => `{ "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "[format('${name}{0}-{1}', parameters('p'), copyIndex())]", "copy": { "name": "${name}", "count": ${count} },
    "properties": { "mode": "Incremental", "expressionEvaluationOptions": { "scope": "inner" }, "parameters": { "p": { "value": "[format('{0}-{1}', parameters('p'), copyIndex())]" } },
      "template": ${template(inner, ' "parameters": { "p": { "type": "string" } },')} } }`;
  counts.forEach((count, i) => { resources = loop(`l${counts.length - i}`, counts[counts.length - 1 - i], resources); });
  if (extra) resources += `,\n${loop('more', extra, '')}`;
  return template(resources, ' "parameters": { "p": { "type": "string", "defaultValue": "x" } },');
}

test(`ARM nested deployments in copy loops: ${MAX_TEMPLATE_INSTANCES} instances are read, one more is an error at the deployment not read`, () => {
  assert.equal(MAX_TEMPLATE_INSTANCES, 5000);
  // 8 + 8 × 24 + 8 × 24 × 25 = 5,000 instances, 4,800 of them with an account.
  const hits: string[] = [];
  const within = copiedDeployments([8, 24, 25]);
  const graph = readArmDeployment(parseArm({ uri: `${DIR}/copies.json`, text: within, kind: 'arm' }), { onLimit: (hit) => hits.push(hit.message) });
  assert.deepEqual([graph.accounts.length, graph.deployments.length, hits], [4800, 5000, []]);
  assert.equal(graph.fullName(graph.accounts[4799]), 'aix-7-23-24');
  const text = copiedDeployments([8, 24, 25], 1);
  const past = readArmDeployment(parseArm({ uri: `${DIR}/copies.json`, text, kind: 'arm' }), { onLimit: (hit) => hits.push(`${at(text, hit.loc.start)} ${hit.code} ${hit.message}`) });
  assert.deepEqual([past.accounts.length, past.deployments.length], [4800, 5000]);
  assert.deepEqual(hits, [`${at(text, text.indexOf('"[format(\'more'))} size-limit more than 5000 template instances: analysis stopped at nested deployment 'morex-0'`]);
});

function childResources(n: number): string {
  let inner = `{ "type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2024-10-01", "name": "child-ai", "kind": "OpenAI", "tags": { "owner": "t" }, "properties": { "publicNetworkAccess": "Disabled" } }`;
  for (let i = n; i >= 1; i--) inner = `{ "type": "Microsoft.Example/parents", "apiVersion": "2024-01-01", "name": "p${i}", "resources": [ ${inner} ] }`;
  return template(inner);
}

test('child resources nested past the limit are an error too', () => {
  assert.deepEqual(rules(lintResult(childResources(32))), ['restrict-outbound-network-access']);
  const text = childResources(33);
  const past = lintResult(text);
  assert.deepEqual(rules(past), []);
  assert.deepEqual(problems(past), [`${at(text, text.indexOf('"p33"'))} error depth-limit child resources nested deeper than 32: analysis stopped at 'p33'`]);
});

// --- Bicep: module chains ------------------------------------------------------------------------

/** main → m1 → … → m<n>, passing `restrict: false` down to the AI account in m<n>. */
function moduleChain(n: number): Record<string, string> {
  const files: Record<string, string> = {
    [`${DIR}/main.bicep`]: "module m1 './m1.bicep' = {\n  name: 'm1'\n  params: { restrict: false }\n}\n",
  };
  for (let i = 1; i <= n; i++) {
    files[`${DIR}/m${i}.bicep`] = i < n
      ? `param restrict bool\nmodule m${i + 1} './m${i + 1}.bicep' = {\n  name: 'm${i + 1}'\n  params: { restrict: restrict }\n}\n`
      : "param restrict bool\nresource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {\n  name: 'deep-ai'\n  kind: 'OpenAI'\n  tags: { owner: 't' }\n"
        + "  properties: { restrictOutboundNetworkAccess: restrict, allowedFqdnList: [], publicNetworkAccess: 'Disabled' }\n}\n";
  }
  return files;
}

function lintMain(files: Record<string, string>): AnalysisResult {
  return lintResult(files[`${DIR}/main.bicep`], {}, `${DIR}/main.bicep`, 'bicep', files);
}

test(`Bicep module chains: ${MAX_MODULE_CHAIN} modules deep are followed, one more is an error at the module in the file analysed`, () => {
  assert.equal(MAX_MODULE_CHAIN, 16);
  const within = lintMain(moduleChain(16));
  // The unsafe value is the caller's: the finding is at `false` in main.bicep.
  assert.deepEqual(within.findings.map((f) => `${f.ruleId} ${at(f.loc.file.text, f.loc.start)}`), ['restrict-outbound-network-access 3:23']);
  assert.deepEqual(within.problems, []);
  const past = lintMain(moduleChain(17));
  assert.deepEqual(rules(past), []);
  assert.deepEqual(problems(past), ["1:8 error depth-limit Bicep modules nested deeper than 16: analysis stopped at 'm17' (in module 'm1')"]);
});

// --- JSON nesting: an iterative pre-scan before jsonc-parser's recursive parse -----------------

const HEAD = '{\n  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",\n  "contentVersion": "1.0.0.0",\n';

test(`JSON nested ${MAX_JSON_DEPTH} deep is read; deeper (6,000: 12 KB, valid) is an error where the limit is crossed`, () => {
  assert.equal(MAX_JSON_DEPTH, 512);
  // The root object is level 1, so 511 arrays inside it reach exactly 512.
  const within = `${HEAD}  "metadata": ${'['.repeat(511)}${']'.repeat(511)},\n  "resources": [\n${account('{}')}\n  ]\n}\n`;
  assert.equal(jsonDepthExceeded(within), undefined);
  assert.ok(rules(lintResult(within)).includes('restrict-outbound-network-access'));
  assert.deepEqual(lintResult(within).problems, []);
  const just = within.replace('['.repeat(511), '['.repeat(512)).replace(']'.repeat(511), ']'.repeat(512));
  assert.deepEqual(problems(lintResult(just)), [`4:${15 + 511} error depth-limit JSON nested deeper than 512 levels: the file was not analysed`]);
  const deep = `${HEAD}  "resources": [],\n  "x": ${'['.repeat(6000)}${']'.repeat(6000)}\n}\n`;
  assert.ok(deep.length > 12_000 && deep.length < 13_000);
  const result = lintResult(deep);
  assert.equal(result.isTemplate, true);
  assert.deepEqual(problems(result), [`5:${8 + 511} error depth-limit JSON nested deeper than 512 levels: the file was not analysed`]);
});

test('nesting 3,000 deep inside the AI resource is the same error, not a stack overflow', () => {
  const text = template(account(`{ "publicNetworkAccess": "Disabled", "x": ${'{"a":'.repeat(3000)}1${'}'.repeat(3000)} }`));
  const result = lintResult(text);
  assert.deepEqual(rules(result), []);
  assert.deepEqual(result.problems.map((p) => `${p.severity} ${p.code}`), ['error depth-limit']);
});

test('brackets in strings and comments do not count; other JSON nested too deeply is not a template', () => {
  const text = `${HEAD}  // ${'['.repeat(1000)}\n  /* ${'{'.repeat(1000)} */\n  "metadata": { "s": "${'['.repeat(1000)}\\"${'{'.repeat(1000)}" },\n  "resources": []\n}\n`;
  assert.equal(jsonDepthExceeded(text), undefined);
  assert.deepEqual(lintResult(text).problems, []);
  const other = lintResult(`{ "name": "x", "data": ${'['.repeat(1000)}${']'.repeat(1000)} }`, {}, 'file:///work/package.json');
  assert.equal(other.isTemplate, false);
  assert.deepEqual(other.problems, []);
});

test('a JSON module nested too deeply is an error at the module declaration', () => {
  const files = {
    [`${DIR}/main.bicep`]: "module deep './deep.json' = {\n  name: 'deep'\n}\n",
    [`${DIR}/deep.json`]: `${HEAD}  "resources": [],\n  "x": ${'['.repeat(600)}${']'.repeat(600)}\n}\n`,
  };
  assert.deepEqual(problems(lintMain(files)), ["1:8 error depth-limit JSON nested deeper than 512 levels: the file was not analysed (in module 'deep')"]);
});

// --- Bicep expression depth: counted in the parser, so the lowerer and evaluator cannot overflow ----

function bicepAccount(publicNetworkAccess: string): string {
  return `resource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {\n  name: 'x'\n  kind: 'OpenAI'\n  tags: { owner: 't' }\n`
    + `  properties: {\n    restrictOutboundNetworkAccess: true\n    allowedFqdnList: []\n    publicNetworkAccess: ${publicNetworkAccess}\n  }\n}\n`;
}

function lintBicep(text: string): AnalysisResult {
  return analyze({ uri: `${DIR}/main.bicep`, text, kind: 'bicep' }, { settings: mergeSettings({ rules: DEPLOYMENT_RULES_OFF }), host: { readFile: () => undefined } });
}

test('a Bicep resource body followed by 10,000 `!` is an error at that value, not a stack overflow in the lowerer', () => {
  const within = lintBicep(bicepAccount(`'Disabled'${'!'.repeat(200)}`));
  assert.deepEqual(within.problems, []);
  assert.deepEqual(rules(within), []);
  const past = lintBicep(bicepAccount(`'Disabled'${'!'.repeat(10_000)}`));
  assert.deepEqual(problems(past).map((p) => p.replace(/^(\d+):\d+/, '$1')), ['8 error depth-limit Bicep expression nested deeper than 256 levels: analysis stopped here']);
  // The rest of the resource is still checked.
  assert.equal(past.findings.length, 1);
  assert.equal(past.findings[0].ruleId, 'disable-public-network-access');
});

test('long operator and property chains are bounded the same way', () => {
  for (const chain of [`'Disabled'${" == 'a'".repeat(5_000)}`, `'Disabled'${'.x'.repeat(5_000)}`, `'Disabled'${'[0]'.repeat(5_000)}`]) {
    const result = lintBicep(bicepAccount(chain));
    assert.deepEqual(result.problems.map((p) => `${p.severity} ${p.code}`), ['error depth-limit'], chain.slice(0, 20));
  }
  // 100 links is an ordinary long expression.
  assert.deepEqual(lintBicep(bicepAccount(`${"'a' == 'b' && ".repeat(100)}'Disabled' == 'Disabled' ? 'Disabled' : 'Enabled'`)).problems, []);
});

// --- The last resort ------------------------------------------------------------------------------

test('anything that still throws is an internal-error problem of the file, never an exception or silence', () => {
  const text = "module m './m.bicep' = {\n  name: 'm'\n}\n";
  const host = { readFile: (): string => { throw new Error('disk on fire'); } };
  const result = analyze({ uri: `${DIR}/main.bicep`, text, kind: 'bicep' }, { settings: mergeSettings({}), host });
  assert.equal(result.isTemplate, true);
  assert.deepEqual(problems(result), ['1:1 error internal-error internal error while analysing: disk on fire; please report it']);
});

// --- Files the analysis must follow ---------------------------------------------------------------

test('a local module that cannot be read is an error at its path, not a module without resources', () => {
  const files = { [`${DIR}/main.bicep`]: "module net './network.bicep' = {\n  name: 'net'\n}\nmodule arm './nested.json' = {\n  name: 'arm'\n}\n" };
  assert.deepEqual(problems(lintMain(files)), [
    "1:12 error unreadable-file cannot read module './network.bicep': analysis stopped at 'net'",
    "4:12 error unreadable-file cannot read module './nested.json': analysis stopped at 'arm'",
  ]);
});

test('a parameter file the settings name that cannot be used is an error, not a run without it', () => {
  const prod = `${DIR}/env/prod.json`;
  const settings = { parameterFiles: { '**': [prod] } };
  const text = template(account('{}'));
  const arm = (files: Record<string, string>) => problems(lintResult(text, settings, `${DIR}/ai.json`, 'arm', files));
  const message = "1:1 error unreadable-file parameter file 'prod.json' is unreadable or not a parameter file: not evaluated with it";
  assert.deepEqual(arm({}), [message]);
  assert.deepEqual(arm({ [prod]: '{ "parameters": { "x": { "value": 1 ' }), [message]);
  assert.deepEqual(arm({ [prod]: '{ "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "contentVersion": "1.0.0.0", "parameters": {} }' }), []);
  const bicep = problems(lintResult("param p string = 'x'\n", settings, `${DIR}/main.bicep`, 'bicep', {}));
  assert.deepEqual(bicep, [message]);
  // A parameter file with a syntax error (no one else reports it: it is not a template) is not half used.
  const broken = '{\n  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",\n  "contentVersion": "1.0.0.0",\n  "parameters": { "x": { "value": 1 } ]\n}\n';
  const brokenMessage = "1:1 error parse-error parameter file 'prod.json' is not valid JSON (4:39: comma expected): not evaluated with it";
  assert.deepEqual(arm({ [prod]: broken }), [brokenMessage]);
  const beside = analyze({ uri: `${DIR}/ai.json`, text, kind: 'arm' }, {
    settings: mergeSettings({}),
    host: { readFile: (u) => (u === `${DIR}/ai.parameters.json` ? broken : undefined), listDir: () => ['ai.json', 'ai.parameters.json'] },
  });
  assert.deepEqual(problems(beside), [brokenMessage.replace('prod.json', 'ai.parameters.json')]);
  assert.deepEqual(problems(lintResult("param p string = 'x'\n", settings, `${DIR}/main.bicep`, 'bicep', { [prod]: broken })), [brokenMessage]);
});
