// `ai-egress-guard policy` (the bundled CLI) and the language server's "Generate Azure Policy" request: both read
// the repository's config, write the same files, and say what enforces each rule.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { CLI, tempTree } from '../support/paths';
import { serverForFile, TestClient } from '../support/lspClient';
import { PolicyRequest, type PolicyParams } from '../../shared/protocol';

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (abs: string) => {
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      const child = path.join(abs, e.name);
      if (e.isDirectory()) visit(child); else out[path.relative(dir, child).split(path.sep).join('/')] = fs.readFileSync(child, 'utf8');
    }
  };
  visit(dir);
  return out;
}

const CONFIG = JSON.stringify({ rules: { 'no-wildcard-fqdns': 'off' }, ownerTagNames: ['costCenterOwner'] });

test('policy writes definitions, initiative, assignment and exemption from the config, and says what maps where', () => {
  const dir = tempTree({ '.ai-egress-guard.json': CONFIG });
  const r = run(['policy'], dir);
  assert.equal(r.code, 0, r.stderr);
  const files = tree(path.join(dir, 'azure-policy'));
  assert.deepEqual(Object.keys(files).sort(), [
    'assignment.json', 'definitions/ai-egress-guard-no-broad-outbound-rules.json', 'definitions/ai-egress-guard-require-owner-tag.json',
    'definitions/ai-egress-guard-restrict-managed-network-outbound.json', 'definitions/ai-egress-guard-restrict-outbound-network-access.json', 'exemption.json', 'policy.json',
  ]);
  assert.match(files['definitions/ai-egress-guard-require-owner-tag.json'], /"costCenterOwner"/);
  assert.match(r.stdout, /^Wrote 7 files to azure-policy:/);
  assert.match(r.stdout, /restrict-outbound-network-access → ai-egress-guard-restrict-outbound-network-access \(custom definition, effect Audit\)/);
  assert.match(r.stdout, /no-wildcard-fqdns: left out \(turned off in the configuration\)/);
  assert.match(r.stdout, /az deployment mg create --management-group-id <mg> --location <region> --template-file azure-policy\/policy\.json/);
  // Same input, byte-identical output; a definition whose rule is now off is removed.
  const again = tempTree({ '.ai-egress-guard.json': CONFIG });
  assert.equal(run(['policy'], again).code, 0);
  assert.deepEqual(tree(path.join(again, 'azure-policy')), files);
  assert.equal(run(['policy', '--rule', 'require-owner-tag=off'], dir).code, 0);
  assert.ok(!fs.existsSync(path.join(dir, 'azure-policy', 'definitions', 'ai-egress-guard-require-owner-tag.json')));
});

test('policy --format bicep --effect Deny --output DIR --scope subscription', () => {
  const dir = tempTree({});
  const r = run(['policy', '--format', 'bicep', '--effect', 'Deny', '--output', 'out/pol', '--scope', 'subscription'], dir);
  assert.equal(r.code, 0, r.stderr);
  const files = tree(path.join(dir, 'out', 'pol'));
  assert.deepEqual(Object.keys(files).sort(), ['assignment.bicep', 'exemption.bicep', 'policy.bicep']);
  assert.match(files['assignment.bicep'], /param effect string = 'Deny'/);
  assert.match(files['policy.bicep'], /^targetScope = 'subscription'$/m);
  assert.match(r.stdout, /az deployment sub create --location <region> --template-file out\/pol\/policy\.bicep/);
});

test('policy usage errors exit 2; --help exits 0; the main help names the command', () => {
  const dir = tempTree({});
  for (const args of [['--effect', 'Maybe'], ['--format', 'xml'], ['--scope', 'tenant'], ['--rule', 'no-such-rule=off'], ['--bogus'], ['stray']]) {
    const r = run(['policy', ...args], dir);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}`);
    assert.match(r.stderr, /^ai-egress-guard policy: /);
  }
  const help = run(['policy', '--help'], dir);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: ai-egress-guard policy \[options\]/);
  assert.match(run(['--help'], dir).stdout, /ai-egress-guard policy --help/);
  assert.ok(!fs.existsSync(path.join(dir, 'azure-policy')));
});

let client!: TestClient;
serverForFile((c) => (client = c));

test('the language server returns the same files for a workspace folder, with its config', async () => {
  const dir = tempTree({ '.ai-egress-guard.json': CONFIG });
  const params: PolicyParams = { folder: dir, effect: 'Audit', format: 'json' };
  const result = await client.connection.sendRequest(PolicyRequest, params);
  assert.equal(run(['policy', '--output', 'cli'], dir).code, 0);
  const cli = tree(path.join(dir, 'cli'));
  assert.deepEqual(Object.fromEntries(result.files.map((f) => [f.path, f.content])), cli);
  assert.ok(result.summary.includes('no-wildcard-fqdns: left out (turned off in the configuration)'));
  const bicep = await client.connection.sendRequest(PolicyRequest, { ...params, format: 'bicep' });
  assert.deepEqual(bicep.files.map((f) => f.path), ['policy.bicep', 'assignment.bicep', 'exemption.bicep']);
});
