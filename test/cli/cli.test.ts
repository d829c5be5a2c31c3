import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { sarifSchemaValid } from '../support/sarif';
import { CLI, EXAMPLES, ROOT, tempTree as tempFiles } from '../support/paths';
import { DEPLOYMENT_RULES_OFF } from '../support/lint';

/** A temporary tree with a config that turns off the account-wide info rules (their own tests cover them). */
function tempTree(files: Record<string, string | Buffer>): string {
  return tempFiles({ '.ai-egress-guard.json': JSON.stringify({ rules: DEPLOYMENT_RULES_OFF }), ...files });
}
import { account, template } from '../support/lint';
import { formatMessage, rules } from '../../rules';
import { sarifMessageString } from '../../server/src/report/sarif';
import { useColor } from '../../server/src/report/text';

/** Runs the CLI with colour settings cleared (the test runner may set FORCE_COLOR), plus `env`. */
function run(args: string[], cwd = ROOT, env: Record<string, string> = {}) {
  const clean = { ...process.env };
  delete clean.FORCE_COLOR;
  delete clean.NO_COLOR;
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...clean, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}


function assertValidSarif(text: string): void {
  assert.ok(sarifSchemaValid(JSON.parse(text)));
}

const unsafe = template(account('{ "publicNetworkAccess": "Disabled" }', { name: 'cli-ai' }));
const hardened = template(account('{ "restrictOutboundNetworkAccess": true, "allowedFqdnList": ["a.blob.core.windows.net"], "publicNetworkAccess": "Disabled" }'));
const badHost = template(account('{ "restrictOutboundNetworkAccess": true, "allowedFqdnList": ["https://a.b.com/x"], "publicNetworkAccess": "Disabled" }'));

// The text output shows a finding's first sentence; --verbose, JSON, SARIF and the editor the rest too.
const OUTBOUND = "AI service 'cli-ai' can reach any host: outbound access is not restricted.";
const OUTBOUND_DETAIL = 'restrictOutboundNetworkAccess is not set: set it to true and list the hosts the service needs in allowedFqdnList.';

test('text output as ESLint stylish: the path once, aligned rows, totals and a summary; exit 1 on warnings', () => {
  const dir = tempTree({ 'infra/ai.json': unsafe });
  const r = run(['infra'], dir);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, `
infra/ai.json
  6:15  warning  ${OUTBOUND}  restrict-outbound-network-access

✖ 1 problem (0 errors, 1 warning, 0 info)
1 AI service instance deployed by 1 entry point (1 template, 1 file checked); 0 (0%) restrict outbound network access. 1 finding (restrict-outbound-network-access: 1).
`);
  assert.equal(r.stderr, '');
});

test('--verbose: under each finding\'s first sentence, the rest of its message; JSON has both', () => {
  const dir = tempTree({ 'infra/ai.json': unsafe });
  const r = run(['infra', '--verbose'], dir);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, `
infra/ai.json
  6:15  warning  ${OUTBOUND}  restrict-outbound-network-access
                 ${OUTBOUND_DETAIL}

✖ 1 problem (0 errors, 1 warning, 0 info)
1 AI service instance deployed by 1 entry point (1 template, 1 file checked); 0 (0%) restrict outbound network access. 1 finding (restrict-outbound-network-access: 1).
`);
  const [finding] = JSON.parse(run(['infra', '--format', 'json'], dir).stdout).findings;
  assert.equal(finding.message, `${OUTBOUND} ${OUTBOUND_DETAIL}`);
  assert.equal(finding.summary, OUTBOUND);
  assert.match(run(['--help']).stdout, /\n {6}--verbose {18}in the text output, the whole message of each finding/);
});

test('a suppression without a reason is reported (info, at the entry); one with a reason silences its finding', () => {
  const suppressed = (reason: string) => unsafe.replace('"location"', `"metadata": { "aiEgressGuard": { "suppress": { "restrict-outbound-network-access": ${JSON.stringify(reason)} } } },\n      "location"`);
  const dir = tempTree({ 'todo.json': suppressed('TODO: say why this is acceptable'), 'empty.json': suppressed(''), 'reason.json': suppressed('Sandbox (SEC-1)') });
  const r = run(['.'], dir);
  assert.equal(r.code, 0, r.stderr);
  const entry = (reason: string) => `"restrict-outbound-network-access": ${JSON.stringify(reason)}`;
  const col = suppressed('').split('\n')[8].indexOf(entry('')) + 1;
  assert.equal(r.stdout, `
empty.json
  9:${col}  info  The suppression of restrict-outbound-network-access gives no reason.  require-suppression-reason

todo.json
  9:${col}  info  The suppression of restrict-outbound-network-access still has the placeholder reason.  require-suppression-reason

✖ 2 problems (0 errors, 0 warnings, 2 info)
3 AI service instances deployed by 3 entry points (3 templates, 3 files checked); 0 (0%) restrict outbound network access. 2 findings (require-suppression-reason: 2). 3 suppressed (restrict-outbound-network-access: 3).
`);
  assert.equal(run(['.', '--rule', 'require-suppression-reason=warning'], dir).code, 1);
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

test('a reader that goes away (`| head`) is no crash: no EPIPE trace, and the exit code is still the audit\'s', async () => {
  // The read end is closed before the CLI writes, so every write it makes fails with EPIPE.
  const exitOf = (args: string[]) => new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (code) => resolve({ code, stderr }));
  });
  const failing = await exitOf(['--format', 'sarif', EXAMPLES]);
  assert.equal(failing.stderr, '');
  assert.equal(failing.code, 1);
  const clean = await exitOf(['--format', 'json', tempTree({ 'main.json': hardened })]);
  assert.equal(clean.stderr, '');
  assert.equal(clean.code, 0);
});

test('usage errors exit 2 with one line', () => {
  for (const args of [['--format', 'xml'], ['--fail-on', 'sometimes'], ['--bogus'], ['--rule', 'no-such-rule=error'], ['--rule', 'require-owner-tag=loud']]) {
    const r = run(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}`);
    assert.match(r.stderr, /^ai-egress-guard: [^\n]*; see --help\n$/);
    assert.equal(r.stdout, '');
  }
  assert.equal(run(['--help']).code, 0);
});

test('an unknown option is one line naming it, not the whole help', () => {
  assert.deepEqual(run(['--bogus']), { code: 2, stdout: '', stderr: "ai-egress-guard: unknown option '--bogus'; see --help\n" });
  assert.deepEqual(run(['.', '-x']), { code: 2, stdout: '', stderr: "ai-egress-guard: unknown option '-x'; see --help\n" });
  assert.deepEqual(run(['--format']), { code: 2, stdout: '', stderr: "ai-egress-guard: option '--format' needs a value; see --help\n" });
  assert.deepEqual(run(['--concurrency', 'many']), { code: 2, stdout: '', stderr: "ai-egress-guard: --concurrency must be a number of threads (1 to 64), auto or off, not 'many'; see --help\n" });
});

test('--concurrency: the bundled CLI in worker threads prints what one thread prints, with the same exit code', () => {
  for (const format of ['text', 'json', 'markdown']) {
    const one = run(['examples', '--format', format, '--concurrency', 'off']);
    const many = run(['examples', '--format', format, '--concurrency', '3']);
    assert.equal(one.code, 1, format);
    assert.deepEqual(many, one, format);
  }
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
  // package.json and the parameter file are not templates: not counted as checked.
  assert.equal(all.summary.files, 2);
  const glob = JSON.parse(run(['**/*.jsonc', '--format', 'json'], dir).stdout);
  assert.deepEqual(glob.findings.map((f: { file: string }) => path.relative(dir, f.file)).filter((f: string, i: number, a: string[]) => a.indexOf(f) === i), ['b/two.jsonc']);
});

// ---------------------------------------------------------------------------------------------
// Failing closed: nothing that stops a file being checked passes silently (issue 14 §1, issue 15 §1).

const noMatch = (pattern: string) => ({ code: 2, stdout: '', stderr: `ai-egress-guard: No files matching the pattern "${pattern}" were found.\n` });

test('a path that does not exist, a glob matching nothing, an empty folder: exit 2, one line', () => {
  const dir = tempTree({ 'good.json': hardened, 'empty/.keep': '' });
  assert.deepEqual(run(['missing.json'], dir), noMatch('missing.json'));
  assert.deepEqual(run(['good.json', 'missing'], dir), noMatch('missing'));
  const glob = run(['nope/**/*.json'], dir);
  assert.deepEqual(glob, noMatch('nope/**/*.json'));
  assert.doesNotMatch(glob.stderr, /ENOENT|scandir/);
  assert.deepEqual(run(['**/*.bicep'], dir), noMatch('**/*.bicep'));
  assert.deepEqual(run(['empty'], dir), noMatch('empty'));
});

test('a folder without templates (other JSON, parameter and config files) is the same error', () => {
  const dir = tempTree({
    'infra/package.json': '{ "name": "x" }',
    'infra/main.parameters.json': '{ "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "contentVersion": "1.0.0.0", "parameters": {} }',
    'infra/.ai-egress-guard.json': '{}',
    'infra/bicepconfig.json': '{}',
    'infra/README.md': 'x',
  });
  assert.deepEqual(run(['infra'], dir), noMatch('infra'));
  assert.deepEqual(run(['infra/package.json'], dir), noMatch('infra/package.json'));
  assert.deepEqual(run(['infra/README.md'], dir), noMatch('infra/README.md'));
});

test('--no-error-on-unmatched-pattern keeps going with a note', () => {
  const dir = tempTree({ 'good.json': hardened, 'empty/.keep': '' });
  const alone = run(['missing.json', '--no-error-on-unmatched-pattern'], dir);
  assert.equal(alone.code, 0, alone.stderr);
  assert.equal(alone.stdout, `
note: No files matching the pattern "missing.json" were found.

✔ 0 problems (0 errors, 0 warnings, 0 info)
No AI service instances found (0 templates, 0 files checked). 0 findings.
`);
  const json = run(['good.json', 'empty', '--no-error-on-unmatched-pattern', '--format', 'json'], dir);
  assert.equal(json.code, 0);
  assert.equal(JSON.parse(json.stdout).summary.instances, 1);
  assert.equal(json.stderr, 'ai-egress-guard: No files matching the pattern "empty" were found.\n');
});

test('zero AI resources: no percentage of nothing', () => {
  const dir = tempTree({ 'storage.json': template(`    { "type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01", "name": "st", "location": "eastus" }`) });
  const r = run(['.'], dir);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, '\n✔ 0 problems (0 errors, 0 warnings, 0 info)\nNo AI service instances found (1 template, 1 file checked). 0 findings.\n');
});

test('a malformed JSON template is an error at its line and column, counted for the exit code', () => {
  const broken = unsafe.replace('"location": "eastus",', '"location": "eastus"');
  const dir = tempTree({ 'broken.json': broken });
  const r = run(['broken.json'], dir);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^\nbroken\.json\n {2}6:15 {2}warning {2}.* {2}restrict-outbound-network-access\n {2}10:7 {2}error {4}not valid JSON: comma expected; analysed what could be read {2}\s*parse-error\n\n✖ 2 problems \(1 error, 1 warning, 0 info\)\n/);
  assert.equal(run(['broken.json', '--fail-on', 'error'], dir).code, 1);
  assert.equal(run(['broken.json', '--fail-on', 'none'], dir).code, 0);
  // Broken before its root could be read (a merge conflict marker): still a template, still an error.
  fs.writeFileSync(path.join(dir, 'broken.json'), `<<<<<<< HEAD\n${unsafe}`);
  const conflict = JSON.parse(run(['broken.json', '--format', 'json'], dir).stdout);
  assert.deepEqual(conflict.problems.map((p: { line: number; column: number; level: string; ruleId: string }) => `${p.line}:${p.column} ${p.level} ${p.ruleId}`), ['1:1 error parse-error']);
});

test('malformed Bicep is an error at its line and column', () => {
  const dir = tempTree({ 'main.bicep': "resource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {\n  name: 'x'\n  properties: {\n    publicNetworkAccess: 'Disabled\n  }\n}\n" });
  const r = run(['main.bicep', '--fail-on', 'error'], dir);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /\n {2}4:26 {2}error {4}not valid Bicep: The string at this location is not terminated due to an unexpected new line character; analysed what could be read {2}\s*parse-error\n/);
});

test('binary and oversized files are warnings with the reason', () => {
  const dir = tempTree({ 'bin.json': Buffer.from([0x7b, 0, 1, 2, 0xff]) });
  // A sparse file: 33 MB by its size, without writing 33 MB.
  const big = path.join(dir, 'big.json');
  fs.closeSync(fs.openSync(big, 'w'));
  fs.truncateSync(big, 33 * 1024 * 1024);
  const r = run(['.'], dir);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, `
big.json
  0:0  warning  file too large: 33.0 MB is over the 32 MB limit; not analysed  file-too-large

bin.json
  0:0  warning  binary file (it contains NUL bytes); not analysed  binary-file

✖ 2 problems (0 errors, 2 warnings, 0 info)
No AI service instances found (0 templates, 2 files checked). 0 findings. 2 files could not be checked completely.
`);
  assert.equal(run(['.', '--fail-on', 'error'], dir).code, 0);
});

test('a broken config file is exit 2 with its line and column', () => {
  const dir = tempTree({ 'ai.json': unsafe, '.ai-egress-guard.json': '{ x: 1 }' });
  assert.deepEqual(run(['.'], dir), { code: 2, stdout: '', stderr: 'ai-egress-guard: .ai-egress-guard.json:1:3: not valid JSON: invalid symbol\n' });
  fs.writeFileSync(path.join(dir, '.ai-egress-guard.json'), '{\n  "rules": { "nope": "off" },\n  "cloud": "Mars"\n}\n');
  assert.deepEqual(run(['ai.json'], dir), {
    code: 2,
    stdout: '',
    stderr: "ai-egress-guard: .ai-egress-guard.json:2:14: unknown rule 'nope' (known: restrict-outbound-network-access, allow-required-fqdns, no-wildcard-fqdns, valid-allowed-fqdns, no-duplicate-fqdns, no-unexplained-fqdns, use-egress-capable-api-version, disable-public-network-access, use-private-endpoint, enable-diagnostic-logs, require-owner-tag, restrict-managed-network-outbound, no-broad-outbound-rules, require-suppression-reason)\n"
      + 'ai-egress-guard: .ai-egress-guard.json:3:3: "cloud" must be one of AzureCloud, AzureUSGovernment, AzureChinaCloud\n',
  });
  // The aiEgressGuard key of a bicepconfig.json in a sub-folder, positioned in that file.
  const nested = tempTree({ 'infra/ai.json': unsafe, 'infra/bicepconfig.json': '{ "analyzers": {},\n  "aiEgressGuard": { "ownerTagNames": [] } }' });
  assert.deepEqual(run(['infra'], nested), { code: 2, stdout: '', stderr: 'ai-egress-guard: infra/bicepconfig.json:2:22: "ownerTagNames" must be a non-empty array of tag names\n' });
});

/** Inline nested deployments `n` deep, the innermost deploying an unsafe AI account. */
function nestedDeployments(n: number): string {
  let inner = account('{ "publicNetworkAccess": "Disabled" }', { name: 'deep-ai' });
  for (let i = n; i >= 1; i--) {
    inner = `{ "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "d${i}", "properties": { "mode": "Incremental", "template": ${template(inner)} } }`;
  }
  return template(inner);
}

test('an analysis limit is an error in text, JSON and SARIF (notification and result), failing the run', () => {
  const dir = tempTree({ 'deep.json': nestedDeployments(33) });
  const text = run(['deep.json', '--fail-on', 'error'], dir);
  assert.equal(text.code, 1);
  assert.match(text.stdout, /^\ndeep\.json\n {2}\d+:\d+ {2}error {2}nested deployments deeper than 32: analysis stopped at 'd33' {2}depth-limit\n\n✖ 1 problem \(1 error, 0 warnings, 0 info\)\n/);
  const json = JSON.parse(run(['deep.json', '--format', 'json'], dir).stdout);
  assert.deepEqual(json.summary.problems, { error: 1, warning: 0, files: 1 });
  assert.deepEqual(json.problems.map((p: { level: string; ruleId: string; message: string }) => `${p.level} ${p.ruleId} ${p.message}`), ["error depth-limit nested deployments deeper than 32: analysis stopped at 'd33'"]);
  const out = path.join(dir, 'report.sarif');
  const sarif = run(['deep.json', '--format', 'sarif', '--output', out], dir);
  assert.equal(sarif.code, 1);
  assert.match(sarif.stderr, /^deep\.json:\d+:\d+: error: nested deployments deeper than 32: analysis stopped at 'd33' \(depth-limit\)$/m);
  const log = JSON.parse(fs.readFileSync(out, 'utf8'));
  assert.ok(sarifSchemaValid(log));
  const [invocation] = log.runs[0].invocations;
  assert.equal(invocation.executionSuccessful, false);
  assert.deepEqual(invocation.toolExecutionNotifications.map((n: { level: string; descriptor: { id: string }; message: { text: string } }) => `${n.level} ${n.descriptor.id} ${n.message.text}`),
    ["error depth-limit nested deployments deeper than 32: analysis stopped at 'd33'"]);
  const [result] = log.runs[0].results;
  assert.equal(result.ruleId, 'depth-limit');
  assert.equal(result.level, 'error');
  assert.equal(log.runs[0].tool.driver.rules[result.ruleIndex].id, 'depth-limit');
  assert.equal(result.locations[0].physicalLocation.artifactLocation.uri, 'deep.json');
  // 32 deep is within the limit: the finding, and a clean invocation.
  const ok = tempTree({ 'deep.json': nestedDeployments(32) });
  const within = JSON.parse(run(['deep.json', '--format', 'sarif'], ok).stdout);
  assert.deepEqual(within.runs[0].results.map((x: { ruleId: string }) => x.ruleId), ['restrict-outbound-network-access']);
  assert.deepEqual(within.runs[0].invocations, [{ executionSuccessful: true }]);
});

test('the config file sets rule levels for the CLI, and is not a file checked', () => {
  const dir = tempTree({ 'ai.json': unsafe, '.ai-egress-guard.json': '{ "rules": { "restrict-outbound-network-access": "error", "require-owner-tag": "off" } }', 'bicepconfig.json': '{}' });
  const json = JSON.parse(run(['.', '--format', 'json'], dir).stdout);
  // The config file replaces the default one of these tests: the account-wide info rules are on.
  assert.deepEqual(json.findings.map((f: { ruleId: string; level: string }) => `${f.ruleId}:${f.level}`), ['restrict-outbound-network-access:error', 'enable-diagnostic-logs:info', 'use-private-endpoint:info']);
  assert.equal(json.summary.files, 1);
});

test('SARIF 2.1.0 validates against the schema, with rules, 1-based positions and relative URIs', () => {
  const dir = tempTree({ 'infra/ai.json': unsafe });
  const out = path.join(dir, 'report.sarif');
  const r = run(['infra', '--format', 'sarif', '--output', out], dir);
  assert.equal(r.code, 1);
  const text = fs.readFileSync(out, 'utf8');
  assert.ok(sarifSchemaValid(JSON.parse(text)));
  const run0 = JSON.parse(text).runs[0];
  assert.equal(run0.tool.driver.rules.length, rules.length, "a descriptor per rule of the registry");
  const rule = run0.tool.driver.rules.find((x: { id: string }) => x.id === 'restrict-outbound-network-access');
  // Links go to the repository package.json names; the help is the shipped page's, so code scanning needs no link.
  const repository = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { repository: { url: string } }).repository.url;
  assert.equal(run0.tool.driver.informationUri, repository);
  assert.equal(rule.helpUri, `${repository}/blob/main/docs/rules/restrict-outbound-network-access.md`);
  const page = fs.readFileSync(path.join(ROOT, 'docs', 'rules', 'restrict-outbound-network-access.md'), 'utf8');
  assert.ok(rule.help.markdown.startsWith(`${page.split('\n')[2]}\n\n1. Set \`restrictOutboundNetworkAccess: true\`.\n`), rule.help.markdown);
  assert.ok(rule.help.markdown.endsWith(`\n\n[Documentation](${rule.helpUri})`), rule.help.markdown);
  assert.ok(rule.help.text.startsWith('Azure AI services must deny outbound network access except to the hosts in allowedFqdnList.\n\n1. Set restrictOutboundNetworkAccess: true.\n'), rule.help.text);
  assert.doesNotMatch(rule.help.markdown, /Quick fix/);
  assert.equal(rule.defaultConfiguration.level, 'warning');
  const [result] = run0.results;
  assert.equal(result.ruleId, 'restrict-outbound-network-access');
  assert.deepEqual(result.locations[0].physicalLocation.artifactLocation, { uri: 'infra/ai.json', uriBaseId: '%SRCROOT%' });
  assert.deepEqual(result.locations[0].physicalLocation.region, { startLine: 6, startColumn: 15, endLine: 6, endColumn: 53 });
  assert.equal(result.message.id, 'notSet');
  assert.deepEqual(result.message.arguments, ["'cli-ai'"]);
  assert.equal(rule.messageStrings.notSet.text, `AI service {0} can reach any host: outbound access is not restricted. ${OUTBOUND_DETAIL}`);
  assert.equal(rule.shortDescription.text, rules.find((r) => r.id === rule.id)!.description);
});

/** Fills a SARIF message string as a viewer does (§3.11.5): `{n}` is argument n, `{{` and `}}` are braces. */
function fillSarif(text: string, args: readonly string[]): string {
  return text.replace(/\{\{|\}\}|\{(\d+)\}/g, (whole, n?: string) => (n === undefined ? whole[0] : args[Number(n)]));
}

test('SARIF message strings: placeholders in order of first use, literal braces doubled', () => {
  assert.deepEqual(sarifMessageString('{{b}} {x} and {{ a }}, {{b}} again}'), { text: '{0} {{x}} and {1}, {0} again}}', names: ['b', 'a'] });
  assert.equal(fillSarif('{0} {{x}} and {1}, {0} again}}', ['B', 'A']), 'B {x} and A, B again}');
});

test('SARIF and JSON of the examples: every result names its message, whose string filled with its arguments is the message', () => {
  const sarifText = run([EXAMPLES, '--format', 'sarif']).stdout;
  assertValidSarif(sarifText);
  const sarif = JSON.parse(sarifText);
  const driverRules = sarif.runs[0].tool.driver.rules as { id: string; messageStrings: Record<string, { text: string }> }[];
  assert.deepEqual(driverRules.map((r) => Object.keys(r.messageStrings)), rules.map((r) => Object.keys(r.messages)));
  const json = JSON.parse(run([EXAMPLES, '--format', 'json']).stdout);
  const results = sarif.runs[0].results as { ruleIndex: number; message: { text: string; id: string; arguments: string[] }; properties?: { parameterFiles: string[] } }[];
  assert.equal(results.length, json.findings.length);
  assert.ok(results.length > 10);
  results.forEach((result, i) => {
    const finding = json.findings[i];
    const filled = fillSarif(driverRules[result.ruleIndex].messageStrings[result.message.id].text, result.message.arguments);
    assert.ok(result.message.text.startsWith(filled), `${result.message.text}\n  is not\n${filled}`);
    assert.equal(finding.messageId, result.message.id);
    assert.equal(filled, formatMessage(rules.find((r) => r.id === finding.ruleId)!.messages[finding.messageId], finding.data));
    assert.deepEqual(result.properties?.parameterFiles, finding.parameterFiles);
  });
  assert.ok(json.findings.some((f: { parameterFiles?: string[] }) => f.parameterFiles?.length), 'an example evaluated with a parameter file');
});

test('the shipped examples: every rule fires somewhere, hardened.json is clean', () => {
  const json = JSON.parse(run([EXAMPLES, '--format', 'json']).stdout);
  const rules = new Set(json.findings.map((f: { ruleId: string }) => f.ruleId));
  for (const id of ['restrict-outbound-network-access', 'allow-required-fqdns', 'no-wildcard-fqdns', 'valid-allowed-fqdns', 'no-duplicate-fqdns', 'no-unexplained-fqdns', 'use-egress-capable-api-version', 'disable-public-network-access', 'require-owner-tag',
    'use-private-endpoint', 'enable-diagnostic-logs', 'restrict-managed-network-outbound', 'no-broad-outbound-rules']) {
    assert.ok(rules.has(id), `no example triggers ${id}`);
  }
  assert.deepEqual(json.findings.filter((f: { file: string }) => f.file.endsWith('hardened.json')), []);
});

test('the shipped .json examples are plain JSON (VS Code flags comments in .json: they go in .jsonc files)', () => {
  const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.json') ? [path.join(dir, e.name)] : []));
  const json = files(EXAMPLES);
  assert.ok(json.length >= 5);
  const broken = json.filter((file) => {
    try { JSON.parse(fs.readFileSync(file, 'utf8')); return false; } catch { return true; }
  });
  assert.deepEqual(broken.map((f) => path.relative(ROOT, f)), []);
});

test('--parameters and the config file name parameter files beyond the naming convention', () => {
  const parameterised = template(account(`{ "restrictOutboundNetworkAccess": "[parameters('restrict')]", "allowedFqdnList": [], "publicNetworkAccess": "Disabled" }`), `
  "parameters": { "restrict": { "type": "bool" } },`);
  const params = (value: boolean) => `{ "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "contentVersion": "1.0.0.0", "parameters": { "restrict": { "value": ${value} } } }`;
  const dir = tempTree({ 'infra/ai.json': parameterised, 'env/prod.json': params(false), 'env/dev.json': params(true) });
  const levels = (args: string[]) => JSON.parse(run([...args, '--format', 'json'], dir).stdout).findings
    .filter((f: { ruleId: string }) => f.ruleId === 'restrict-outbound-network-access')
    .map((f: { level: string; message: string }) => `${f.level} ${/\[with [^\]]*\]/.exec(f.message)?.[0] ?? ''}`);
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

test('stylish grouping: one block a file, the Bicep-generated note once per file, the fixable count', () => {
  const compiled = (properties: string, name: string) => template(account(properties, { name }), `
  "metadata": { "_generator": { "name": "bicep", "version": "0.30.23.60470" } },`);
  const dir = tempTree({
    // Its made-up hosts are no dependency: no-unexplained-fqdns has its own tests.
    '.ai-egress-guard.json': JSON.stringify({ rules: { ...DEPLOYMENT_RULES_OFF, 'no-unexplained-fqdns': 'off' } }),
    'main.json': compiled('{ "publicNetworkAccess": "Disabled" }', 'gen-ai'),
    'list.json': template(account('{ "restrictOutboundNetworkAccess": true, "publicNetworkAccess": "Disabled", "allowedFqdnList": ["a.b.com", "A.b.com", "https://c.d.com/x"] }', { name: 'list-ai' })),
  });
  const r = run(['.'], dir);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, `
list.json
  12:128  info   AI service 'list-ai' lists 'A.b.com' again.                        no-duplicate-fqdns
  12:139  error  AI service 'list-ai' has an allowed FQDN that is not a host name.  valid-allowed-fqdns

main.json
  This file is generated by Bicep: make the change in the Bicep source.
  7:15  warning  AI service 'gen-ai' can reach any host: outbound access is not restricted.  restrict-outbound-network-access

✖ 3 problems (1 error, 1 warning, 1 info)
  2 potentially fixable with the \`--fix\` option.
2 AI service instances deployed by 2 entry points (2 templates, 2 files checked); 1 (50%) restrict outbound network access. 3 findings (no-duplicate-fqdns: 1, restrict-outbound-network-access: 1, valid-allowed-fqdns: 1).
`);
  // SARIF and JSON, which show findings one by one, keep the note with each.
  const sarif = JSON.parse(run(['main.json', '--format', 'sarif'], dir).stdout);
  assert.match(sarif.runs[0].results[0].message.text, /allowedFqdnList\. This file is generated by Bicep: make the change in the Bicep source\.$/);
  const json = JSON.parse(run(['main.json', '--format', 'json'], dir).stdout);
  assert.deepEqual(json.findings[0].generatedFrom, { tool: 'bicep', note: 'This file is generated by Bicep: make the change in the Bicep source.' });
});

/* eslint-disable no-control-regex -- the escape sequences of colour output are what these assertions look for */
test('colour only on a terminal, NO_COLOR and FORCE_COLOR respected', () => {
  const dir = tempTree({ 'ai.json': unsafe });
  assert.doesNotMatch(run(['.'], dir).stdout, /\x1b\[/);
  const forced = run(['.'], dir, { FORCE_COLOR: '1' }).stdout;
  assert.match(forced, /\x1b\[4mai\.json\x1b\[24m\n {2}\x1b\[2m6:15\x1b\[22m {2}\x1b\[33mwarning\x1b\[39m {2}/);
  assert.doesNotMatch(run(['.'], dir, { FORCE_COLOR: '0' }).stdout, /\x1b\[/);
  // A report written to a file never has colour.
  run(['.', '--output', 'report.txt'], dir, { FORCE_COLOR: '1' });
  assert.doesNotMatch(fs.readFileSync(path.join(dir, 'report.txt'), 'utf8'), /\x1b\[/);
  assert.equal(useColor({ isTTY: true }, {}), true);
  assert.equal(useColor({ isTTY: true }, { NO_COLOR: '1' }), false);
  assert.equal(useColor({ isTTY: true }, { TERM: 'dumb' }), false);
  assert.equal(useColor({ isTTY: false }, {}), false);
  assert.equal(useColor({ isTTY: false }, { FORCE_COLOR: '1', NO_COLOR: '1' }), true);
  assert.equal(useColor({ isTTY: true }, { FORCE_COLOR: '0' }), false);
});
/* eslint-enable no-control-regex */

test('--format json carries the inventory: the instances the entry points deploy, beside findings and summary', () => {
  const ai = "param restrict bool = false\nresource acct 'Microsoft.CognitiveServices/accounts@2024-10-01' = {\n  name: 'x${uniqueString(resourceGroup().id)}'\n  kind: 'OpenAI'\n  properties: { restrictOutboundNetworkAccess: restrict }\n}\n";
  const main = ['a', 'b', 'c'].map((m, i) => `module ${m} 'ai.bicep' = {\n  name: '${m}'\n  params: { ${['restrict: true', '', 'restrict: false'][i]} }\n}\n`).join('');
  const dir = tempTree({ 'ai.bicep': ai, 'main.bicep': main });
  const r = run(['--format', 'json'], dir);
  const json = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(json), ['summary', 'findings', 'suppressed', 'problems', 'inventory']);
  assert.deepEqual(json.inventory.instances.map((i: { id: string; restricted: boolean }) => `${i.id} ${i.restricted}`), ['main.bicep#a/acct true', 'main.bicep#b/acct false', 'main.bicep#c/acct false']);
  assert.equal(json.inventory.root, `${pathToFileURL(dir).href}/`);
  assert.deepEqual([json.summary.instances, json.summary.restricted, json.summary.restrictedPercent], [3, 1, 33]);
});

test('--format markdown and --format html: the report on standard output or in the file, the summary on standard error', () => {
  const dir = tempTree({ 'ai.json': unsafe });
  const md = run(['--format', 'markdown', '--fail-on', 'none'], dir);
  assert.equal(md.code, 0, md.stderr);
  assert.match(md.stdout, /^## AI Egress Guard report\n\n\*\*0 of 1 AI service instance \\\(0%\\\) restricts outbound network access: 1 open, 0 unverified\*\*\n/);
  const page = run(['--format', 'html', '--output', 'report.html'], dir);
  assert.equal(page.code, 1);
  assert.equal(page.stdout, '');
  assert.match(fs.readFileSync(path.join(dir, 'report.html'), 'utf8'), /^<!DOCTYPE html>[\s\S]*<td>cli-ai<\/td>/);
  assert.match(page.stderr, /1 AI service instance deployed by 1 entry point/);
});

test('suppressed findings stay visible: counted in the summary, listed in JSON with the justification, and by --report-suppressed', () => {
  const suppressedTemplate = JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0',
    resources: [{
      type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2024-10-01', name: 'quiet', kind: 'OpenAI', tags: { owner: 'x' },
      metadata: { aiEgressGuard: { suppress: { 'restrict-outbound-network-access': 'lab account, no data' } } },
      properties: { publicNetworkAccess: 'Disabled' },
    }],
  }, null, 2);
  const dir = tempTree({ 'q.json': suppressedTemplate });
  const text = run([], dir);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /✔ 0 problems \(0 errors, 0 warnings, 0 info\)\n1 AI service instance [^\n]* 0 findings\. 1 suppressed \(restrict-outbound-network-access: 1\)\.\n$/);
  const listed = run(['--report-suppressed'], dir);
  assert.match(listed.stdout, /\n {2}\d+:\d+ {2}suppressed {2}AI service 'quiet' can reach any host: outbound access is not restricted\. \[suppressed: lab account, no data\] {2}restrict-outbound-network-access\n/);
  const json = JSON.parse(run(['--format', 'json'], dir).stdout);
  assert.deepEqual(json.suppressed.map((f: { ruleId: string; suppression: object }) => [f.ruleId, f.suppression]), [['restrict-outbound-network-access', { kind: 'inSource', justification: 'lab account, no data' }]]);
  assert.deepEqual(json.summary.suppressed, { total: 1, byRule: { 'restrict-outbound-network-access': 1 } });
  const sarif = JSON.parse(run(['--format', 'sarif'], dir).stdout);
  assertValidSarif(JSON.stringify(sarif));
  assert.deepEqual(sarif.runs[0].results.map((r: { ruleId: string; suppressions?: object[] }) => [r.ruleId, r.suppressions]), [['restrict-outbound-network-access', [{ kind: 'inSource', justification: 'lab account, no data' }]]]);
});
