import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv-draft-04';
import { CLI, EXAMPLES, ROOT, tempTree } from '../support/paths';
import { account, template } from '../support/lint';

function run(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const unsafe = template(account('{ "publicNetworkAccess": "Disabled" }', { name: 'cli-ai' }));
const hardened = template(account('{ "restrictOutboundNetworkAccess": true, "allowedFqdnList": ["a.blob.core.windows.net"], "publicNetworkAccess": "Disabled" }'));
const badHost = template(account('{ "restrictOutboundNetworkAccess": true, "allowedFqdnList": ["https://a.b.com/x"], "publicNetworkAccess": "Disabled" }'));

test('text output: path:line:col, level, message, rule id, and a summary; exit 1 on warnings', () => {
  const dir = tempTree({ 'infra/ai.json': unsafe });
  const r = run(['infra'], dir);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0], /^infra\/ai\.json:6:15 {2}warning {2}AI service 'cli-ai' can open connections to any host on the internet: .* {2}restrict-outbound-network-access$/);
  assert.equal(lines.at(-2), '✖ 1 problem (0 errors, 1 warning, 0 info)');
  assert.match(lines.at(-1)!, /^1 AI service resource in 1 template \(1 file checked\); 0 \(0%\) restrict outbound network access\. 1 finding \(restrict-outbound-network-access: 1\)\.$/);
});

test('exit codes follow --fail-on', () => {
  const dir = tempTree({ 'warn.json': unsafe, 'ok.json': hardened, 'err.json': badHost });
  assert.equal(run(['ok.json'], dir).code, 0);
  assert.equal(run(['warn.json', '--fail-on', 'error'], dir).code, 0);
  assert.equal(run(['err.json', '--fail-on', 'error'], dir).code, 1);
  assert.equal(run(['warn.json', '--fail-on', 'none'], dir).code, 0);
  assert.equal(run(['ok.json', '--rule', 'require-owner-tag=error', '--fail-on', 'error'], dir).code, 0);
  assert.equal(run(['warn.json', '--rule', 'restrict-outbound-network-access=off'], dir).code, 0);
});

test('usage errors exit 2 with a message', () => {
  for (const args of [['--format', 'xml'], ['--fail-on', 'sometimes'], ['--bogus'], ['--rule', 'no-such-rule=error'], ['--rule', 'require-owner-tag=loud']]) {
    const r = run(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}`);
    assert.match(r.stderr, /^ai-egress-guard: /);
  }
  assert.equal(run(['--help']).code, 0);
});

test('globs, directories (skipping node_modules and .git) and files that are not templates', () => {
  const dir = tempTree({
    'a/one.json': unsafe,
    'a/node_modules/dep/t.json': unsafe,
    '.git/t.json': unsafe,
    'b/two.jsonc': unsafe,
    'package.json': '{ "name": "x", "resources": [], "description": "Microsoft.CognitiveServices/accounts" }',
    'main.parameters.json': '{ "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "contentVersion": "1.0.0.0", "parameters": {} }',
  });
  const all = JSON.parse(run(['.', '--format', 'json'], dir).stdout);
  assert.deepEqual(all.findings.map((f: { file: string }) => path.relative(dir, f.file)).filter((f: string, i: number, a: string[]) => a.indexOf(f) === i), ['a/one.json', 'b/two.jsonc']);
  assert.equal(all.summary.files, 4);
  const glob = JSON.parse(run(['**/*.jsonc', '--format', 'json'], dir).stdout);
  assert.deepEqual(glob.findings.map((f: { file: string }) => path.relative(dir, f.file)).filter((f: string, i: number, a: string[]) => a.indexOf(f) === i), ['b/two.jsonc']);
});

test('binary, malformed and missing files get a clear message and the run goes on', () => {
  const dir = tempTree({ 'bin.json': Buffer.from([0x7b, 0, 1, 2, 0xff]), 'broken.json': unsafe.slice(0, unsafe.length - 40), 'good.json': unsafe });
  const r = run(['.', 'missing.json'], dir);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /bin\.json {2}note {5}skipped: binary file/);
  assert.match(r.stdout, /broken\.json {2}note {5}not valid JSON: UnexpectedEndOfString at line 12 \(and 5 more errors\); analysed what could be read\n/);
  assert.match(r.stdout, /missing\.json {2}note {5}cannot read: no such file or directory/);
  assert.match(r.stdout, /good\.json:6:15/);
});

test('the config file sets rule levels for the CLI', () => {
  const dir = tempTree({ 'ai.json': unsafe, '.ai-egress-guard.json': '{ "rules": { "restrict-outbound-network-access": "error", "require-owner-tag": "off" } }' });
  const json = JSON.parse(run(['.', '--format', 'json'], dir).stdout);
  assert.deepEqual(json.findings.map((f: { ruleId: string; level: string }) => `${f.ruleId}:${f.level}`), ['restrict-outbound-network-access:error']);
  const bad = tempTree({ 'ai.json': unsafe, '.ai-egress-guard.json': '{ "rules": { "nope": "off" } }' });
  assert.match(run(['.'], bad).stderr, /unknown rule 'nope'/);
});

test('SARIF 2.1.0 validates against the schema, with rules, 1-based positions and relative URIs', () => {
  const dir = tempTree({ 'infra/ai.json': unsafe });
  const out = path.join(dir, 'report.sarif');
  const r = run(['infra', '--format', 'sarif', '--output', out], dir);
  assert.equal(r.code, 1);
  const text = fs.readFileSync(out, 'utf8');
  const schema = JSON.parse(fs.readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false });
  assert.ok(ajv.validate(schema, JSON.parse(text)), JSON.stringify(ajv.errors, null, 2));
  const run0 = JSON.parse(text).runs[0];
  assert.equal(run0.tool.driver.rules.length, 9);
  const rule = run0.tool.driver.rules.find((x: { id: string }) => x.id === 'restrict-outbound-network-access');
  assert.match(rule.helpUri, /docs\/rules\/restrict-outbound-network-access\.md$/);
  assert.equal(rule.defaultConfiguration.level, 'warning');
  const [result] = run0.results;
  assert.equal(result.ruleId, 'restrict-outbound-network-access');
  assert.deepEqual(result.locations[0].physicalLocation.artifactLocation, { uri: 'infra/ai.json', uriBaseId: '%SRCROOT%' });
  assert.deepEqual(result.locations[0].physicalLocation.region, { startLine: 6, startColumn: 15, endLine: 6, endColumn: 53 });
});

test('the shipped examples: every rule fires somewhere, hardened.json is clean', () => {
  const json = JSON.parse(run([EXAMPLES, '--format', 'json']).stdout);
  const rules = new Set(json.findings.map((f: { ruleId: string }) => f.ruleId));
  for (const id of ['restrict-outbound-network-access', 'allow-required-fqdns', 'no-wildcard-fqdns', 'valid-allowed-fqdns', 'no-duplicate-fqdns', 'no-unexplained-fqdns', 'use-egress-capable-api-version', 'disable-public-network-access', 'require-owner-tag']) {
    assert.ok(rules.has(id), `no example triggers ${id}`);
  }
  assert.deepEqual(json.findings.filter((f: { file: string }) => f.file.endsWith('hardened.json')), []);
});

test('--parameters and the config file name parameter files beyond the naming convention', () => {
  const parameterised = template(account(`{ "restrictOutboundNetworkAccess": "[parameters('restrict')]", "allowedFqdnList": [], "publicNetworkAccess": "Disabled" }`), `
  "parameters": { "restrict": { "type": "bool" } },`);
  const params = (value: boolean) => `{ "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "contentVersion": "1.0.0.0", "parameters": { "restrict": { "value": ${value} } } }`;
  const dir = tempTree({ 'infra/ai.json': parameterised, 'env/prod.json': params(false), 'env/dev.json': params(true) });
  const levels = (args: string[]) => JSON.parse(run([...args, '--format', 'json'], dir).stdout).findings.map((f: { level: string; message: string }) => `${f.level} ${/\[with [^\]]*\]/.exec(f.message)?.[0] ?? ''}`);
  assert.deepEqual(levels(['infra']), ['info ']);
  assert.deepEqual(levels(['infra', '--parameters', 'env/prod.json']), ['warning [with parameter file prod.json]']);
  assert.deepEqual(levels(['infra', '--parameters', 'env/dev.json']), []);
  assert.equal(run(['infra', '--parameters', 'env/none.json'], dir).code, 2);
  fs.writeFileSync(path.join(dir, '.ai-egress-guard.json'), JSON.stringify({ parameterFiles: { 'infra/*.json': ['env/prod.json', 'env/dev.json'] } }));
  assert.deepEqual(levels(['infra']), ['warning [with parameter file prod.json]']);
});

test('--fix applies only the safe fixes, keeps a byte order mark, and reports what is left', () => {
  const text = template(account('{ "restrictOutboundNetworkAccess": true, "publicNetworkAccess": "Disabled", "allowedFqdnList": ["a.vault.azure.net", "A.vault.azure.net", "https://b.vault.azure.net/x", "*.blob.core.windows.net"] }'));
  const dir = tempTree({ 'ai.json': `\ufeff${text}` });
  const r = run(['.', '--fix', '--format', 'json'], dir);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /fixed 1 file/);
  const fixed = fs.readFileSync(path.join(dir, 'ai.json'), 'utf8');
  assert.equal(fixed, `\ufeff${text.replace('"a.vault.azure.net", "A.vault.azure.net", "https://b.vault.azure.net/x"', '"a.vault.azure.net", "b.vault.azure.net"')}`);
  // The vault hosts are no dependency of the template: reported for review (info).
  assert.deepEqual(JSON.parse(r.stdout).findings.map((f: { ruleId: string }) => f.ruleId), ['no-unexplained-fqdns', 'no-unexplained-fqdns', 'no-wildcard-fqdns']);
});
