// Exports of what is deployed (Resource Graph, az): detected by content, checked by the same rules at each
// account's entry, never mistaken for templates or parameter files; estate KPIs and drift.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyze, type AnalysisResult } from '../../server/src/engine/analyze';
import { mergeSettings, type Settings } from '../../server/src/engine/config';
import { deployedExportOf } from '../../server/src/engine/deployed/reader';
import { driftOf, estateSummary } from '../../server/src/estate/estate';
import { toSarif } from '../../server/src/report/sarif';
import { CLI, ROOT, tempTree } from '../support/paths';
import { account, template, where } from '../support/lint';

const FIXTURES = path.join(ROOT, 'test', 'estate', 'fixtures');
const read = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

function check(name: string, text = read(name), settings: Partial<Settings> = {}): AnalysisResult {
  return analyze({ uri: `file:///exports/${name}`, text, kind: 'arm' }, { settings: mergeSettings(settings), fixes: true });
}

const rows = (r: AnalysisResult) => r.findings.map((f) => `${where(f)} ${f.ruleId} ${f.level}: ${f.message}`);
/** The place, rule and level of each finding. */
const heads = (r: AnalysisResult) => r.findings.map((f) => `${where(f)} ${f.ruleId} ${f.level}`);

test('every documented shape is detected by content; templates, parameter files and other JSON are not', () => {
  const shape = (text: string) => deployedExportOf(text)?.shape;
  assert.equal(shape(read('graph-data.json')), 'resource-graph');
  assert.equal(shape(read('account-list.json')), 'array');
  assert.equal(shape(read('resource-show.json')), 'single');
  assert.equal(shape(read('missing-properties.json')), 'array');
  assert.equal(shape('{ "count": 0, "data": [], "skip_token": null, "total_records": 0 }'), 'resource-graph');
  const row = '{ "id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.CognitiveServices/accounts/a", "type": "Microsoft.CognitiveServices/accounts" }';
  assert.equal(shape(`{ "data": [${row}] }`), 'resource-graph');
  for (const other of [
    template(account('{ "restrictOutboundNetworkAccess": true }')),
    '{ "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "contentVersion": "1.0.0.0", "parameters": {} }',
    '{ "name": "pkg", "version": "1.0.0", "dependencies": {} }',
    '[]', '{ "data": [] }', '["a", "b"]', '[{ "id": "1", "type": "x/y" }]', '{ "id": "/subscriptions/s", "type": "Microsoft.CognitiveServices/accounts" }',
    `{ "value": [${row}] }`,
  ]) {
    assert.equal(shape(other), undefined, other);
  }
  // A template keeps being read as one, and other JSON is no template.
  assert.equal(check('t.json', template(account('{}'))).source, undefined);
  assert.equal(check('package.json', '{ "name": "pkg", "data": [1] }').isTemplate, false);
});

test('a Resource Graph export: the same rules at each account entry, no fixes, the skipped rules noted once', () => {
  const r = check('graph-data.json');
  assert.equal(r.source, 'deployed');
  assert.deepEqual(rows(r), [
    "16:11-16:33 no-wildcard-fqdns warning: AI service 'chat-openai' allows wildcard '*.search.windows.net'. It admits every host under it (any storage account or tenant, including an attacker's): list the exact hosts instead, e.g. 'mystorage.blob.core.windows.net'.",
    "43:13-43:150 restrict-outbound-network-access warning: AI service 'vision-prod' can reach any host: outbound access is not restricted. restrictOutboundNetworkAccess is not set: set it to true and list the hosts the service needs in allowedFqdnList.",
    `53:32-53:41 disable-public-network-access info: AI service 'vision-prod' accepts traffic from public networks. publicNetworkAccess is "Enabled": set it to 'Disabled' and use private endpoints.`,
    "60:15-60:17 require-owner-tag info: AI service 'vision-prod' has no owner tag ('owner'). Add one naming the team that approves changes to its allowed FQDNs.",
    `77:32-77:41 disable-public-network-access info: AI service 'speech-eu' accepts traffic from public networks. publicNetworkAccess is "Enabled": set it to 'Disabled' and use private endpoints.`,
    "78:42-78:47 restrict-outbound-network-access warning: AI service 'speech-eu' can reach any host: outbound access is not restricted. restrictOutboundNetworkAccess is false: set it to true and list the hosts the service needs in allowedFqdnList.",
  ]);
  assert.deepEqual(r.notes, ["5 rules did not run on the deployed accounts of this file. use-egress-capable-api-version does not apply: an export shows an account's settings, not the API version it was deployed with. allow-required-fqdns, no-unexplained-fqdns, use-private-endpoint, enable-diagnostic-logs need the template that deploys the accounts (what they depend on, their private endpoints and diagnostic settings are other resources of the deployment): audit the templates for them."]);
  assert.deepEqual(r.problems, []);
  // A deployed account is changed in Azure, not in the export: nothing to fix or suppress in the file.
  assert.ok(r.findings.every((f) => f.fixes.length === 0 && !f.fixable));
  assert.deepEqual(r.findings.map((f) => f.resourceId?.split('/').pop()), ['chat-openai', 'vision-prod', 'vision-prod', 'vision-prod', 'speech-eu', 'speech-eu']);
  assert.deepEqual(r.accounts?.map((a) => [a.name, a.restricted, a.owner, a.deployed?.subscriptionId, a.deployed?.resourceGroup, a.deployed?.location]), [
    ['chat-openai', true, 'team-chat', '00000000-0000-0000-0000-000000000001', 'rg-chat', 'swedencentral'],
    ['vision-prod', false, undefined, '00000000-0000-0000-0000-000000000001', 'rg-vision', 'westeurope'],
    ['speech-eu', false, 'team-voice', '00000000-0000-0000-0000-000000000002', 'rg-speech', 'northeurope'],
  ]);
});

test('the note names only the enabled rules that cannot run, and is left out when none is enabled', () => {
  const off = { rules: { 'use-private-endpoint': 'off', 'enable-diagnostic-logs': 'off', 'allow-required-fqdns': 'off', 'no-unexplained-fqdns': 'off' } } as const;
  assert.deepEqual(check('resource-show.json', undefined, off).notes, ["1 rule did not run on the deployed accounts of this file. use-egress-capable-api-version does not apply: an export shows an account's settings, not the API version it was deployed with."]);
  assert.equal(check('resource-show.json', undefined, { rules: { ...off.rules, 'use-egress-capable-api-version': 'off' } }).notes, undefined);
  // Turned up to error, they still do not run on deployed accounts (nothing to find them on).
  const loud = check('graph-data.json', undefined, { rules: { 'use-private-endpoint': 'error', 'enable-diagnostic-logs': 'error', 'allow-required-fqdns': 'error', 'no-unexplained-fqdns': 'error' } });
  assert.deepEqual(loud.findings.filter((f) => f.level === 'error'), []);
});

test('az output prints unset settings as null: they read as not set; strings are data, never expressions', () => {
  const r = check('account-list.json');
  assert.deepEqual(heads(r), [
    '4:11-4:146 restrict-outbound-network-access warning',
    '4:11-4:146 require-owner-tag info',
    '16:30-16:39 disable-public-network-access info',
  ]);
  assert.match(r.findings[0].message, /restrictOutboundNetworkAccess is not set/);
  const text = read('resource-show.json').replace('"Owner": "team-docs"', `"Owner": "[concat('a', 'b')]"`);
  assert.equal(check('show.json', text).accounts?.[0].owner, "[concat('a', 'b')]");
});

test('accounts missing properties, entries that are not accounts, malformed and paged exports', () => {
  const bare = check('missing-properties.json');
  assert.deepEqual(heads(bare), [
    '3:11-3:143 restrict-outbound-network-access warning',
    '3:11-3:143 disable-public-network-access info',
    '3:11-3:143 require-owner-tag info',
    // No id and no name: at the entry's opening brace.
    '14:3-14:4 restrict-outbound-network-access warning',
    '14:3-14:4 disable-public-network-access info',
    '14:3-14:4 require-owner-tag info',
  ]);
  assert.deepEqual(bare.accounts?.map((a) => [a.name, a.deployed?.resourceId]), [
    ['bare-one', '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-bare/providers/Microsoft.CognitiveServices/accounts/bare-one'],
    ['(unnamed)', '(entry 3 has no id)'],
  ]);
  const broken = check('malformed.json');
  assert.equal(broken.source, 'deployed');
  assert.deepEqual(broken.problems.map((p) => [p.code, p.severity, p.message]), [['parse-error', 'error', 'not valid JSON: invalid symbol (and 5 more errors); the deployed accounts that could be read were checked']]);
  assert.deepEqual(broken.findings.map((f) => f.ruleId), ['restrict-outbound-network-access', 'require-owner-tag', 'disable-public-network-access']);
  const paged = check('paged.json');
  assert.deepEqual(paged.problems.map((p) => [p.code, p.severity]), [['size-limit', 'warning']]);
  assert.deepEqual(paged.findings, []);
});

test('SARIF: the resource id is the logical location, the note an invocation notification, the estate in run.properties', () => {
  const r = check('graph-data.json');
  const log = toSarif([r], { root: '/exports', version: '0' }) as { runs: [{ results: { locations: { logicalLocations?: unknown }[] }[]; invocations: [{ toolExecutionNotifications?: { level: string }[] }]; properties?: { estate?: { summary: { accounts: number } } } }] };
  const run = log.runs[0];
  assert.deepEqual(run.results[1].locations[0].logicalLocations, [{
    name: 'vision-prod', kind: 'resource',
    fullyQualifiedName: '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-vision/providers/Microsoft.CognitiveServices/accounts/vision-prod',
  }]);
  assert.deepEqual(run.invocations[0].toolExecutionNotifications?.map((n) => n.level), ['note']);
  assert.equal(run.properties?.estate?.summary.accounts, 3);
});

test('estate KPIs by subscription, resource group, kind and owner', () => {
  const s = estateSummary([check('graph-data.json'), check('resource-show.json'), check('t.json', template(account('{}')))]);
  assert.deepEqual(s, {
    exports: 2, accounts: 4, restricted: 2, unverified: 0, open: 4,
    bySubscription: {
      '00000000-0000-0000-0000-000000000001': { total: 2, restricted: 1, open: 2 },
      '00000000-0000-0000-0000-000000000002': { total: 1, restricted: 0, open: 1 },
      '00000000-0000-0000-0000-000000000003': { total: 1, restricted: 1, open: 1 },
    },
    byResourceGroup: {
      '00000000-0000-0000-0000-000000000001/rg-chat': { total: 1, restricted: 1, open: 1 },
      '00000000-0000-0000-0000-000000000001/rg-vision': { total: 1, restricted: 0, open: 1 },
      '00000000-0000-0000-0000-000000000002/rg-speech': { total: 1, restricted: 0, open: 1 },
      '00000000-0000-0000-0000-000000000003/rg-docs': { total: 1, restricted: 1, open: 1 },
    },
    byKind: {
      ComputerVision: { total: 1, restricted: 0, open: 1 }, FormRecognizer: { total: 1, restricted: 1, open: 1 },
      OpenAI: { total: 1, restricted: 1, open: 1 }, SpeechServices: { total: 1, restricted: 0, open: 1 },
    },
    byOwner: {
      '(no owner)': { total: 1, restricted: 0, open: 1 }, 'team-chat': { total: 1, restricted: 1, open: 1 },
      'team-docs': { total: 1, restricted: 1, open: 1 }, 'team-voice': { total: 1, restricted: 0, open: 1 },
    },
  });
  assert.equal(estateSummary([check('t.json', template(account('{}')))]), undefined);
});

test('drift: where deployed settings differ from the template that declares the same evaluated name', () => {
  const declared = template(`{
      "type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2024-10-01", "name": "[concat('speech', '-eu')]", "kind": "SpeechServices", "location": "northeurope",
      "properties": { "restrictOutboundNetworkAccess": true, "allowedFqdnList": ["voice.blob.core.windows.net"], "publicNetworkAccess": "Disabled" }
    }, {
      "type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2024-10-01", "name": "chat-openai", "kind": "OpenAI", "location": "swedencentral",
      "properties": { "restrictOutboundNetworkAccess": true, "allowedFqdnList": ["chatdocs.blob.core.windows.net", "*.search.windows.net"], "publicNetworkAccess": "Disabled", "networkAcls": { "defaultAction": "Deny" } }
    }, {
      "type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2024-10-01", "name": "vision-prod", "kind": "ComputerVision", "location": "westeurope",
      "properties": { "restrictOutboundNetworkAccess": false, "allowedFqdnList": [], "publicNetworkAccess": "[parameters('pna')]" }
    }`);
  const drift = driftOf([check('graph-data.json'), analyze({ uri: 'file:///repo/ai.json', text: declared, kind: 'arm' }, { settings: mergeSettings({}) })]);
  assert.deepEqual(drift.map(({ deployedAt, declaredAt, resourceId, ...d }) => ({ ...d, at: `${deployedAt.file.uri.split('/').pop()}:${deployedAt.start}`, template: declaredAt.file.uri })), [
    { name: 'speech-eu', setting: 'restrictOutboundNetworkAccess', deployed: 'false', declared: 'true', direction: 'weaker', at: 'graph-data.json:2110', template: 'file:///repo/ai.json' },
    { name: 'speech-eu', setting: 'allowedFqdnList', deployed: '(none)', declared: 'voice.blob.core.windows.net', direction: 'stronger', added: [], removed: ['voice.blob.core.windows.net'], at: 'graph-data.json:2110', template: 'file:///repo/ai.json' },
    { name: 'speech-eu', setting: 'publicNetworkAccess', deployed: 'Enabled', declared: 'Disabled', direction: 'weaker', at: 'graph-data.json:2110', template: 'file:///repo/ai.json' },
    // chat-openai matches its template; vision-prod's public access is a parameter without value: not compared.
  ]);
});

test('CLI: an export beside templates: findings at path:line, the note, KPI lines and drift; exit codes as for templates', () => {
  const dir = tempTree({
    'exports/ai.json': read('graph-data.json'),
    'infra/speech.json': template(account('{ "restrictOutboundNetworkAccess": true, "publicNetworkAccess": "Disabled" }', { name: 'speech-eu' })),
    '.ai-egress-guard.json': JSON.stringify({ rules: { 'use-private-endpoint': 'off', 'enable-diagnostic-logs': 'off', 'allow-required-fqdns': 'off', 'no-unexplained-fqdns': 'off', 'disable-public-network-access': 'off', 'require-owner-tag': 'off' } }),
  });
  const r = spawnSync(process.execPath, [CLI, '.'], { cwd: dir, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stdout, `
exports/ai.json
  note: 1 rule did not run on the deployed accounts of this file.
  16:11  warning  AI service 'chat-openai' allows wildcard '*.search.windows.net'.                 no-wildcard-fqdns
  43:13  warning  AI service 'vision-prod' can reach any host: outbound access is not restricted.  restrict-outbound-network-access
  78:42  warning  AI service 'speech-eu' can reach any host: outbound access is not restricted.    restrict-outbound-network-access

✖ 3 problems (0 errors, 3 warnings, 0 info)
1 AI service instance deployed by 1 entry point (1 template, 2 files checked); 1 (100%) restrict outbound network access. 3 deployed AI accounts in 1 export; 1 (33%) restrict outbound network access. 3 findings (restrict-outbound-network-access: 2, no-wildcard-fqdns: 1).

Deployed AI accounts: 3, 1 (33%) restricted, 3 open.
  by subscription: 00000000-0000-0000-0000-000000000001 2 (1 restricted, 2 open); 00000000-0000-0000-0000-000000000002 1 (0 restricted, 1 open)
  by resource group: 00000000-0000-0000-0000-000000000001/rg-chat 1 (1 restricted, 1 open); 00000000-0000-0000-0000-000000000001/rg-vision 1 (0 restricted, 1 open); 00000000-0000-0000-0000-000000000002/rg-speech 1 (0 restricted, 1 open)
  by kind: ComputerVision 1 (0 restricted, 1 open); OpenAI 1 (1 restricted, 1 open); SpeechServices 1 (0 restricted, 1 open)
  by owner: (no owner) 1 (0 restricted, 1 open); team-chat 1 (1 restricted, 1 open); team-voice 1 (0 restricted, 1 open)

Drift (2): deployed settings that differ from the templates
  exports/ai.json:67  deployed AI service 'speech-eu' differs from its template: restrictOutboundNetworkAccess is false in Azure, the template sets true; it was changed outside the template (e.g. in the portal). Template: infra/speech.json:6
  exports/ai.json:67  deployed AI service 'speech-eu' differs from its template: publicNetworkAccess is Enabled in Azure, the template sets Disabled; it was changed outside the template (e.g. in the portal). Template: infra/speech.json:6
`);
  const json = JSON.parse(spawnSync(process.execPath, [CLI, '.', '-f', 'json'], { cwd: dir, encoding: 'utf8' }).stdout) as { estate: { drift: unknown[]; accounts: { name: string; line: number }[] }; notes: unknown[] };
  assert.equal(json.estate.drift.length, 2);
  assert.deepEqual(json.estate.accounts.map((a) => `${a.name}:${a.line}`), ['chat-openai:6', 'vision-prod:43', 'speech-eu:67']);
  assert.equal(json.notes.length, 1);
});
