// The deployed estate over LSP: "Audit Workspace" of a folder with an export answers with its estate section
// (KPIs by subscription, resource group, kind and owner, and drift), which the report view shows; "Export Report…"
// (aiEgressGuard/report) writes the same section as the CLI's --format html and markdown.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { AuditResponse } from '../../shared/protocol';
import { estateSection } from '../../shared/reportHtml';
import { account, template } from '../support/lint';
import { serverForFile, TestClient } from '../support/lspClient';
import { CLI, ROOT, tempTree } from '../support/paths';

let client!: TestClient;
serverForFile((c) => (client = c));

const CONFIG = JSON.stringify({ rules: { 'use-private-endpoint': 'off', 'enable-diagnostic-logs': 'off', 'no-unexplained-fqdns': 'off', 'allow-required-fqdns': 'off' } });

/** An export of three accounts beside a template that declares one of them restricted (vision-prod: drift). */
function tree(): string {
  return tempTree({
    '.ai-egress-guard.json': CONFIG,
    'exports/ai.json': fs.readFileSync(path.join(ROOT, 'test', 'estate', 'fixtures', 'graph-data.json'), 'utf8'),
    'infra/vision.json': template(account('{ "restrictOutboundNetworkAccess": true, "allowedFqdnList": [], "publicNetworkAccess": "Disabled" }', { name: 'vision-prod' })),
  });
}

function cli(args: string[], cwd: string): string {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' }).stdout;
}

const between = (text: string, start: string, end: string) => text.slice(text.indexOf(start), text.indexOf(end, text.indexOf(start)) + end.length);

test('the audit answers with the estate section; the report view and the exported report show what the CLI writes', async () => {
  const dir = tree();
  const audit = await client.connection.sendRequest('aiEgressGuard/audit', { folders: [dir], exclude: [] }) as AuditResponse;
  assert.ok(audit.estate);
  const { summary, drift } = audit.estate;
  assert.deepEqual([summary.exports, summary.accounts, summary.restricted, summary.open], [1, 3, 1, 3]);
  assert.deepEqual(Object.keys(summary.bySubscription), ['00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-000000000002']);
  assert.deepEqual(summary.byOwner['team-chat'], { total: 1, restricted: 1, open: 1 });
  assert.deepEqual(drift.map((d) => [d.place, d.template, d.direction, d.text.split(':')[1].split(';')[0].trim()]), [
    ['exports/ai.json:43', 'infra/vision.json:6', 'weaker', 'restrictOutboundNetworkAccess is false in Azure, the template sets true'],
    ['exports/ai.json:43', 'infra/vision.json:6', 'weaker', 'publicNetworkAccess is Enabled in Azure, the template sets Disabled'],
  ]);
  // What the report view renders (shared/reportHtml.ts) is the CLI's section, character for character.
  const html = cli(['.', '-f', 'html'], dir);
  assert.equal(estateSection(audit.estate).text, between(html, '<section id="estate">', '</section>\n'));
  const params = { inventory: audit.inventory, audited: audit.audited, estate: audit.estate };
  const exported = await client.connection.sendRequest('aiEgressGuard/report', { format: 'html', ...params }) as string;
  assert.equal(between(exported, '<section id="estate">', '</section>\n'), estateSection(audit.estate).text);
  const markdown = await client.connection.sendRequest('aiEgressGuard/report', { format: 'markdown', ...params }) as string;
  const estateOf = (md: string) => md.slice(md.indexOf('\n### Deployed AI accounts'));
  assert.match(estateOf(markdown), /^\n### Deployed AI accounts\n\n\*\*Deployed AI accounts: 3, 1 \\\(33%\\\) restricted, 3 open\.\*\*/);
  assert.equal(estateOf(markdown), estateOf(cli(['.', '-f', 'markdown'], dir)));
  // Without an export, no estate.
  const none = await client.connection.sendRequest('aiEgressGuard/audit', { folders: [path.join(dir, 'infra')], exclude: [] }) as AuditResponse;
  assert.equal(none.estate, undefined);
});
