// Markdown, HTML and SARIF reports of an audit's inventory: golden output on a small input, and data from templates
// (a name `<img src=x onerror=alert(1)>`, a tag value with `|` and backticks) rendered as text that cannot break a table.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeSettings } from '../../server/src/engine/config';
import { auditFiles, summarize } from '../../server/src/workspace/audit';
import { collectFiles } from '../../server/src/workspace/files';
import { nodeFileHost } from '../../server/src/workspace/node-host';
import { escapeMarkdown, toMarkdown } from '../../server/src/report/markdown';
import { CSP, escapeHtml, html, toHtml } from '../../server/src/report/html';
import { toSarif } from '../../server/src/report/sarif';
import { toText } from '../../server/src/report/text';
import { DEPLOYMENT_RULES_OFF } from '../support/lint';
import { tempTree } from '../support/paths';

const EVIL = '<img src=x onerror=alert(1)>';
const PIPES = 'team|a `b` | c';

const AI = `param name string
param restrict bool = false
param owner string
resource acct 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: name
  kind: 'OpenAI'
  tags: { owner: owner }
  properties: { restrictOutboundNetworkAccess: restrict, publicNetworkAccess: 'Disabled' }
}
`;
const MAIN = `module a 'ai.bicep' = {
  name: 'a'
  params: { name: 'safe', restrict: true, owner: 'platform' }
}
module b 'ai.bicep' = {
  name: 'b'
  params: { name: '${EVIL}', owner: '${PIPES}' }
}
`;

async function audited(files: Record<string, string>) {
  const dir = tempTree(files);
  const collected = collectFiles(['.'], dir, []);
  const settings = mergeSettings({ rules: { ...DEPLOYMENT_RULES_OFF, 'disable-public-network-access': 'off' } });
  const audit = await auditFiles(collected.files, { settingsFor: () => settings, host: nodeFileHost(), listings: collected.listings, root: dir });
  return { dir, audit, summary: summarize(audit) };
}

test('escaping: Markdown cells and HTML text never carry markup or an unescaped cell separator', () => {
  assert.equal(escapeMarkdown(EVIL), '&lt;img src=x onerror=alert\\(1\\)&gt;');
  assert.equal(escapeMarkdown(PIPES), 'team\\|a \\`b\\` \\| c');
  assert.equal(escapeMarkdown('a\nb'), 'a b');
  assert.equal(escapeHtml(`"${EVIL}'`), '&quot;&lt;img src=x onerror=alert(1)&gt;&#39;');
  assert.equal(html`<td title="${'" onmouseover="x'}">${EVIL}</td>`.text, '<td title="&quot; onmouseover=&quot;x">&lt;img src=x onerror=alert(1)&gt;</td>');
});

test('markdown: the KPI line, the open services, per-owner and per-rule tables (golden)', async () => {
  const { audit, summary } = await audited({ 'ai.bicep': AI, 'main.bicep': MAIN });
  const md = toMarkdown(audit.inventory, summary);
  assert.equal(md, `## AI Egress Guard report

**1 of 2 AI service instances \\(50%\\) restrict outbound network access: 1 open, 0 unverified**

1 entry point, 2 templates (2 files checked); 1 finding, 0 suppressed.

### Services not restricted

| Service | Kind | Owner | Status | Declared at | What is wrong |
| --- | --- | --- | --- | --- | --- |
| &lt;img src=x onerror=alert\\(1\\)&gt; | OpenAI | team\\|a \\\`b\\\` \\| c | open | ai.bicep:4 | AI service '&lt;img src=x onerror=alert\\(1\\)&gt;' can reach any host: outbound access is not restricted. \\(restrict-outbound-network-access, ai.bicep:8\\) |

### By owner

| Owner | Instances | Restricted | Open | Unverified |
| --- | --- | --- | --- | --- |
| platform | 1 | 1 | 0 | 0 |
| team\\|a \\\`b\\\` \\| c | 1 | 0 | 1 | 0 |

### By rule

| Rule | Findings | Suppressed |
| --- | --- | --- |
| restrict-outbound-network-access | 1 | 0 |
`);
  // Every table row has as many cells as its header: no value split a cell.
  for (const block of md.split('\n\n').filter((b) => b.startsWith('| '))) {
    const rows = block.split('\n').filter((r) => r !== '');
    const cells = (r: string) => r.replace(/\\\|/g, '').split('|').length;
    for (const r of rows) assert.equal(cells(r), cells(rows[0]), r);
  }
  assert.doesNotMatch(md, /<img/);
});

test('markdown: no instances says so, never a percent of zero', async () => {
  const { audit, summary } = await audited({ 's.bicep': "resource s 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: 's'\n}\n" });
  const md = toMarkdown(audit.inventory, summary);
  assert.match(md, /^\*\*No AI service instances found\*\*$/m);
  assert.doesNotMatch(md, /%/);
});

test('html: self-contained, a strict CSP, escaped data, KPI tiles and inline SVG charts', async () => {
  const { audit, summary } = await audited({ 'ai.bicep': AI, 'main.bicep': MAIN });
  const page = toHtml(audit.inventory, summary, { generated: '2026-01-01T00:00:00Z', version: '0.0.0' });
  assert.ok(page.startsWith('<!DOCTYPE html>'));
  assert.ok(page.includes(`<meta http-equiv="Content-Security-Policy" content="${escapeHtml(CSP)}">`));
  assert.match(CSP, /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; script-src 'sha256-[A-Za-z0-9+/=]+'; img-src data:; base-uri 'none'; form-action 'none'$/);
  // Nothing to fetch: no source attribute, no URL but the SVG namespace.
  assert.deepEqual(page.match(/\s(?:src|href|action)="|https?:\/\/[^"]*/g), ['http://www.w3.org/2000/svg', 'http://www.w3.org/2000/svg']);
  assert.doesNotMatch(page, /<img/);
  assert.equal(page.split('&lt;img src=x onerror=alert(1)&gt;').length - 1, 3, 'the name: change heading, its message, the table row');
  assert.ok(page.includes('<tr data-owner="team|a `b` | c" data-kind="OpenAI" data-status="open"><td>&lt;img src=x onerror=alert(1)&gt;</td><td>OpenAI</td><td>team|a `b` | c</td><td class="open">open</td><td>main.bicep</td><td>ai.bicep:4</td><td class="n">1</td></tr>'));
  assert.equal((page.match(/<script>/g) ?? []).length, 1);
  assert.equal((page.match(/<svg /g) ?? []).length, 2);
  assert.match(page, /<div class="tile bad"><b>50%<\/b>restrict outbound access<\/div>/);
  const empty = await audited({ 's.bicep': "resource s 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: 's'\n}\n" });
  const none = toHtml(empty.audit.inventory, empty.summary);
  assert.match(none, /<div class="tile "><b>–<\/b>restrict outbound access<\/div>/);
  assert.doesNotMatch(none, /<b>100%/);
});

const SUPPRESSED = `resource acct 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'ai'
  kind: 'OpenAI'
  tags: { owner: 'x' }
  // sandbox without data, approved in ticket 7
  #disable-next-line restrict-outbound-network-access
  properties: { restrictOutboundNetworkAccess: false, publicNetworkAccess: 'Disabled' }
}
`;

test('SARIF: suppressed results carry suppressions (inSource, with the justification); run.properties has the inventory', async () => {
  const { dir, audit } = await audited({ 'a.bicep': SUPPRESSED });
  const log = toSarif(audit.results, { root: dir, version: '0.0.0', inventory: audit.inventory }) as { runs: { results: { ruleId: string; suppressions?: object[] }[]; properties: { inventory: unknown } }[] };
  const [run] = log.runs;
  assert.deepEqual(run.results.filter((r) => r.ruleId === 'restrict-outbound-network-access').map((r) => r.suppressions), [[{ kind: 'inSource', justification: 'sandbox without data, approved in ticket 7' }]]);
  assert.deepEqual(run.properties.inventory, JSON.parse(JSON.stringify(audit.inventory)));
});

test('text: the summary counts suppressed findings; --report-suppressed lists them with their reasons', async () => {
  const { dir, audit, summary } = await audited({ 'a.bicep': SUPPRESSED });
  const plain = toText(audit.results, audit.problems, summary, dir);
  assert.match(plain, /1 suppressed \(restrict-outbound-network-access: 1\)\.\n$/);
  assert.doesNotMatch(plain, /\[suppressed/);
  const listed = toText(audit.results, audit.problems, summary, dir, { suppressed: true });
  assert.match(listed, /\n {2}7:48 {2}suppressed {2}AI service 'ai' can reach any host: outbound access is not restricted\. \[suppressed: sandbox without data, approved in ticket 7\] {2}restrict-outbound-network-access\n/);
  assert.match(listed, /✔ 0 problems/);
});
