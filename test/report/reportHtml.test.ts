// The report's HTML (shared/reportHtml.ts: the report view in VS Code and the CLI's `--format html` page): KPI line
// and tiles, the instances with their places as links (the view) or text (a page from disk), findings by rule once
// per cause; everything from a template escaped.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeSettings } from '../../server/src/engine/config';
import { auditFiles } from '../../server/src/workspace/audit';
import { collectFiles } from '../../server/src/workspace/files';
import { nodeFileHost } from '../../server/src/workspace/node-host';
import { kpiLine } from '../../shared/report';
import { escapeHtml, findingsByRule, html, kpiTiles, reportBody } from '../../shared/reportHtml';
import { tempTree } from '../support/paths';

async function inventoryOf(files: Record<string, string>) {
  const dir = tempTree(files);
  const collected = collectFiles(['.'], dir, []);
  const settings = mergeSettings({ rules: { 'restrict-outbound-network-access': 'warning', 'require-owner-tag': 'off' } });
  const result = await auditFiles(collected.files, { settingsFor: () => settings, host: nodeFileHost(), listings: collected.listings, root: dir });
  return result.inventory;
}

const EVIL = `<img src=x onerror=alert(1)>`;
const AI = (name: string, restrict: string, owner = 'team | `a`') => `param restrict bool = ${restrict}
resource acct 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: '${name}'
  location: 'eastus'
  kind: 'OpenAI'
  tags: { owner: '${owner}' }
  properties: {
    restrictOutboundNetworkAccess: restrict
  }
}
`;

test('html escapes every interpolation but Html; arrays are joined, null/undefined/false are nothing', () => {
  assert.equal(html`<p title="${'"x"'}">${EVIL}${[html`<b>${'&'}</b>`, 'y']}${null}${undefined}${false}${0}</p>`.text,
    '<p title="&quot;x&quot;">&lt;img src=x onerror=alert(1)&gt;<b>&amp;</b>y0</p>');
  assert.equal(escapeHtml(`'<>&"`), '&#39;&lt;&gt;&amp;&quot;');
});

test('an instance named like markup renders as text; its owner with | and backticks stays in its cell; links carry the place', async () => {
  const inventory = await inventoryOf({ 'main.bicep': AI(EVIL, 'false') });
  assert.equal(inventory.instances.length, 1);
  const body = reportBody(inventory, { links: true }).text;
  assert.ok(!body.includes('<img'), body);
  assert.ok(body.includes('&lt;img src=x onerror=alert(1)&gt;'), body);
  assert.ok(body.includes('<td>team | `a`</td>'), body);
  const { line, column } = inventory.instances[0].declaration;
  assert.equal(line, 2);
  const link = `<a href="#" class="place" data-file="main.bicep" data-line="2" data-column="${column}">`;
  assert.ok(body.includes(`<td>${link}&lt;img src=x onerror=alert(1)&gt;</a></td>`), body);
  assert.ok(body.includes(`<td>${link}main.bicep:2</a></td>`), body);
  assert.ok(body.includes('<td class="open">open</td>'), body);
  // What to change: the finding's message, and a link to where its cause is written.
  const [finding] = inventory.instances[0].findings.filter((f) => f.ruleId === 'restrict-outbound-network-access');
  assert.ok(finding, JSON.stringify(inventory.instances[0].findings));
  assert.ok(body.includes(`<li>${escapeHtml(finding.message)} <span class="muted">(restrict-outbound-network-access, <a href="#" class="place" data-file="${finding.file}" data-line="${finding.line}" data-column="${finding.column}">${finding.file}:${finding.line}</a>)</span></li>`), body);
  // Without links (a page opened from disk), the same places as text.
  const page = reportBody(inventory).text;
  assert.doesNotMatch(page, /<a[\s>]/);
  assert.ok(page.includes(`<li>${escapeHtml(finding.message)} <span class="muted">(restrict-outbound-network-access, ${finding.file}:${finding.line})</span></li>`), page);
  assert.ok(page.includes('<td>main.bicep:2</td>'), page);
});

test('the KPI counts instances: one of two restricted is 50%; no instances is a dash, never 100% of zero', async () => {
  const inventory = await inventoryOf({ 'a.bicep': AI('acct-a', 'true'), 'b.bicep': AI('acct-b', 'false') });
  assert.equal(kpiLine(inventory.summary), '1 of 2 AI service instances (50%) restrict outbound network access: 1 open, 0 unverified');
  const tiles = kpiTiles(inventory.summary).text;
  assert.ok(tiles.includes('<div class="tile bad" data-kpi="restricted"><b>50%</b>restrict outbound access</div>'), tiles);
  assert.ok(tiles.includes('<div class="tile bad" data-kpi="open"><b>1</b>open</div>'), tiles);

  const empty = await inventoryOf({ 'storage.bicep': "resource s 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: 's'\n  location: 'eastus'\n  kind: 'StorageV2'\n  sku: { name: 'Standard_LRS' }\n}\n" });
  assert.equal(kpiLine(empty.summary), 'No AI service instances found');
  const body = reportBody(empty).text;
  assert.ok(body.includes('<div class="tile " data-kpi="restricted"><b>–</b>restrict outbound access</div>'), body);
  assert.ok(!body.includes('100%'), body);
  assert.ok(body.includes('No AI service instances found.'), body);
});

test('findings by rule list each cause once, even when three module calls share it', async () => {
  const module = AI('acct', 'false').replace("name: 'acct'", 'name: name').replace('param restrict', 'param name string\nparam restrict');
  const main = ['a', 'b', 'c'].map((x) => `module ${x} 'ai.bicep' = {\n  name: 'ai-${x}'\n  params: { name: 'acct-${x}' }\n}\n`).join('');
  const inventory = await inventoryOf({ 'ai.bicep': module, 'main.bicep': main });
  assert.equal(inventory.instances.length, 3);
  const byRule = findingsByRule(inventory).get('restrict-outbound-network-access') ?? [];
  // The cause is the parameter's default in ai.bicep: one finding, not three.
  assert.deepEqual(byRule.map((r) => `${r.finding.file}:${r.finding.line}`), ['ai.bicep:9']);
  assert.deepEqual(byRule[0].instances.map((i) => i.name), ['acct-a', 'acct-b', 'acct-c']);
  assert.equal(byRule.length, inventory.summary.findings.byRule['restrict-outbound-network-access']);
  const body = reportBody(inventory).text;
  assert.ok(body.includes('<td>restrict-outbound-network-access</td><td class="n">1</td><td class="n">0</td>'), body);
  assert.ok(body.includes('<div class="muted">via ai-a</div></td>'), body);
  assert.ok(body.includes('<span class="muted">(3 instances)</span>'), body);
});
