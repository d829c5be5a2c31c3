// The estate and history in every report format: the deployed accounts' KPIs and drift in --format markdown and
// html, `history` as Markdown and as an HTML page with its chart, `diff --format html`, and the time to remediate
// per account from exports taken at different times (`history --exports`). Exact outputs on small inputs; every
// value from data escaped.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { historySection, type History } from '../../server/src/estate/history';
import { CSP, escapeHtml } from '../../server/src/report/html';
import { Repo } from '../support/git';
import { account, template } from '../support/lint';
import { CLI, tempTree } from '../support/paths';

function cli(args: string[], cwd: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  delete env.FORCE_COLOR;
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// The rules about what an export cannot show, or that these tests are not about, are off.
const CONFIG = JSON.stringify({ rules: { 'use-private-endpoint': 'off', 'enable-diagnostic-logs': 'off', 'no-unexplained-fqdns': 'off', 'allow-required-fqdns': 'off' } });
const SUB = '00000000-0000-0000-0000-000000000001';
const id = (name: string, group = 'rg-ai') => `/subscriptions/${SUB}/resourceGroups/${group}/providers/Microsoft.CognitiveServices/accounts/${name}`;

/** A Resource Graph row of an account, as `az graph query` prints it. */
function row(name: string, restricted: boolean, owner = `team-${name}`, group = 'rg-ai'): object {
  return {
    id: id(name, group), name, type: 'microsoft.cognitiveservices/accounts', kind: 'OpenAI', location: 'westeurope', resourceGroup: group, subscriptionId: SUB,
    tags: { owner }, properties: { restrictOutboundNetworkAccess: restricted, allowedFqdnList: [], publicNetworkAccess: 'Disabled' },
  };
}

/** `az graph query -o json`: `{ count, data, skip_token, total_records }`, plus what a script may add. */
function graphExport(rows: object[], extra: object = {}): string {
  return `${JSON.stringify({ count: rows.length, data: rows, skip_token: null, total_records: rows.length, ...extra }, null, 2)}\n`;
}

/**
 * Three exports: 'a' open then fixed (2d 6h), 'b' restricted then opened then fixed (4d 18h), 'c' open then gone
 * (deleted while open: not a remediation), 'd' new and open in the last. Their times come from --at, the
 * exportedAt field and the file's modification time.
 */
function exportsTree(): string {
  const dir = tempTree({
    '.ai-egress-guard.json': CONFIG,
    'jan.json': graphExport([row('a', false), row('b', true), row('c', false)]),
    'feb.json': graphExport([row('a', true), row('b', false), row('c', false)], { exportedAt: '2026-01-07T16:00:00Z' }),
    // `az cognitiveservices account list`: a plain array, ids in another case (the same accounts).
    'mar.json': `${JSON.stringify([row('a', true), row('b', true), row('d', false)], null, 2).replace(/resourceGroups\/rg-ai/g, 'resourcegroups/RG-AI')}\n`,
  });
  const time = Date.UTC(2026, 0, 12, 10) / 1000;
  fs.utimesSync(path.join(dir, 'mar.json'), time, time);
  return dir;
}

const EXPORTS_TEXT = `AI Egress Guard history: 3 exports of deployed accounts, 2026-01-05 10:00 to 2026-01-12 10:00 UTC
Exports: jan.json 2026-01-05 10:00 (--at), feb.json 2026-01-07 16:00 (exportedAt), mar.json 2026-01-12 10:00 (file modified).
Times are those of the exports: an account fixed between two exports counts as fixed at the later one.
AI services: 4 seen, 1 open at the end. Remediated 2 times: mean time to remediate 3d 12h, median 3d 12h.

Week of      Services  Restricted  Open  New open
2026-01-05         3     1 (33%)     2         2
2026-01-12         3     2 (67%)     1         1

Instances:
  'a'  ${id('a').replace('resourceGroups/rg-ai', 'resourcegroups/RG-AI')}  first seen 2026-01-05 10:00, open 2026-01-05 10:00, remediated 2026-01-07 16:00 (2d 6h)
  'b'  ${id('b').replace('resourceGroups/rg-ai', 'resourcegroups/RG-AI')}  first seen 2026-01-05 10:00, open 2026-01-07 16:00, remediated 2026-01-12 10:00 (4d 18h)
  'c'  ${id('c')}  first seen 2026-01-05 10:00, open 2026-01-05 10:00, removed 2026-01-12 10:00
  'd'  ${id('d').replace('resourceGroups/rg-ai', 'resourcegroups/RG-AI')}  first seen 2026-01-12 10:00, open 2026-01-12 10:00, still open
`;

test('history --exports: time to remediate per account from exports taken at different times; exact figures', () => {
  const dir = exportsTree();
  // Given in any order: they are read oldest first.
  const args = ['history', '--exports', 'mar.json', 'jan.json', 'feb.json', '--at', 'jan.json=2026-01-05T10:00'];
  const r = cli(args, dir);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  assert.equal(r.stdout, EXPORTS_TEXT);
  const json = JSON.parse(cli([...args, '-f', 'json'], dir).stdout) as { exports: object; mttrSeconds: object; weeks: object[]; instances: { name: string; openNow: boolean; episodes: { seconds: number | null; end: string | null }[] }[] };
  assert.deepEqual(json.exports, {
    count: 3, from: '2026-01-05T10:00:00.000Z', to: '2026-01-12T10:00:00.000Z',
    files: [{ file: 'jan.json', time: '2026-01-05T10:00:00.000Z', timeFrom: 'option' }, { file: 'feb.json', time: '2026-01-07T16:00:00.000Z', timeFrom: 'field' }, { file: 'mar.json', time: '2026-01-12T10:00:00.000Z', timeFrom: 'mtime' }],
  });
  // (2d 6h + 4d 18h) / 2 = (194400 + 410400) / 2 seconds; the median of two is their mean.
  assert.deepEqual(json.mttrSeconds, { mean: 302400, median: 302400, remediations: 2 });
  assert.deepEqual(json.instances.map((i) => [i.name, i.openNow, i.episodes.map((e) => [e.seconds, e.end])]), [
    ['a', false, [[194400, 'remediated']]], ['b', false, [[410400, 'remediated']]], ['c', false, [[604800, 'removed']]], ['d', true, [[null, null]]],
  ]);
  assert.deepEqual(json.weeks, [{ weekOf: '2026-01-05', services: 3, restricted: 1, open: 2, newOpen: 2 }, { weekOf: '2026-01-12', services: 3, restricted: 2, open: 1, newOpen: 1 }]);
  // --at wins over the field; an offset is honoured.
  const moved = JSON.parse(cli(['history', '--exports', 'jan.json', 'feb.json', '--at', 'jan.json=2026-01-05T10:00:00Z', '--at', 'feb.json=2026-01-05T12:00:00+01:00', '-f', 'json'], dir).stdout) as { mttrSeconds: object };
  assert.deepEqual(moved.mttrSeconds, { mean: 3600, median: 3600, remediations: 1 });
});

test('history --exports as Markdown: the KPIs, the weeks and each account, escaped', () => {
  const dir = tempTree({
    '.ai-egress-guard.json': CONFIG,
    'a.json': graphExport([row('x|y', false, '<b>*team*</b>')]),
    'b.json': graphExport([row('x|y', true, '<b>*team*</b>')]),
  });
  const r = cli(['history', '--exports', 'a.json', 'b.json', '--at', 'a.json=2026-03-02', '--at', 'b.json=2026-03-02T01:30:00Z', '-f', 'markdown'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `## AI Egress Guard history

2 exports of deployed accounts, 2026-03-02 00:00 to 2026-03-02 01:30 UTC  
Exports: a.json 2026-03-02 00:00 \\(--at\\), b.json 2026-03-02 01:30 \\(--at\\).  
Times are those of the exports: an account fixed between two exports counts as fixed at the later one.

**AI services: 1 seen, 0 open at the end. Remediated 1 time: mean time to remediate 1h 30m, median 1h 30m.**

### Week by week

| Week of | Services | Restricted | Open | New open |
| --- | --- | --- | --- | --- |
| 2026-03-02 | 1 | 1 (100%) | 0 | 1 |

### Instances

| AI service | Where | Timeline | Time to remediate | Now |
| --- | --- | --- | --- | --- |
| x\\|y | ${id('x|y').replace('|', '\\|')} | first seen 2026-03-02 00:00, open 2026-03-02 00:00, remediated 2026-03-02 01:30 \\(1h 30m\\) | 1h 30m | not open |
`);
});

test('history --exports: what is not an export, an incomplete one, equal times and git-only options are errors (exit 2)', () => {
  const dir = exportsTree();
  fs.writeFileSync(path.join(dir, 'template.json'), template(account('{}')));
  fs.writeFileSync(path.join(dir, 'cut.json'), graphExport([row('a', true)]).slice(0, 420));
  fs.writeFileSync(path.join(dir, 'paged.json'), graphExport([row('a', true)], { skip_token: 'abc' }));
  const copy = path.join(dir, 'copy.json');
  fs.copyFileSync(path.join(dir, 'mar.json'), copy);
  fs.utimesSync(copy, Date.UTC(2026, 0, 12, 10) / 1000, Date.UTC(2026, 0, 12, 10) / 1000);
  const error = (args: string[]) => {
    const r = cli(['history', ...args], dir);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}`);
    assert.equal(r.stdout, '');
    return r.stderr;
  };
  assert.equal(error(['--exports', 'template.json']), "ai-egress-guard: 'template.json' is not an export of deployed accounts (the JSON of az graph query or az cognitiveservices account list)\n");
  assert.equal(error(['--exports', 'none.json']), "ai-egress-guard: cannot read 'none.json': no such file\n");
  assert.match(error(['--exports', 'cut.json']), /^ai-egress-guard: cut\.json:\d+:\d+: not valid JSON: .*: the history needs complete exports\n$/);
  assert.match(error(['--exports', 'paged.json']), /^ai-egress-guard: paged\.json:1:1: the export is one page of a longer Resource Graph result .*: the history needs complete exports\n$/);
  assert.equal(error(['--exports', 'mar.json', 'copy.json']), "ai-egress-guard: 'mar.json' and 'copy.json' have the same time (modified at the same second): give each its time with --at FILE=TIME\n");
  assert.equal(error(['--exports', 'jan.json', '--at', 'jan.json=yesterday']), "ai-egress-guard: --at takes FILE=TIME with an ISO 8601 time (2026-01-05T10:00:00Z), not 'jan.json=yesterday'; see history --help\n");
  assert.equal(error(['--exports', 'jan.json', '--since', '2026-01-01']), 'ai-egress-guard: --since walks git history: it does not go with --exports; see history --help\n');
  assert.equal(error(['--exports']), 'ai-egress-guard: --exports needs the export files; see history --help\n');
  assert.equal(error(['--at', 'jan.json=2026-01-05']), 'ai-egress-guard: --at gives the time of an export: it goes with --exports; see history --help\n');
});

/** An export beside a template declaring one of its accounts; an owner tag that is markup. */
function estateTree(): string {
  return tempTree({
    '.ai-egress-guard.json': CONFIG,
    'exports/ai.json': graphExport([row('chat', true, 'team-chat'), row('vision', false, '<img src=x onerror=alert(1)>|*', 'rg-vision')]),
    'infra/vision.json': template(account('{ "restrictOutboundNetworkAccess": true, "allowedFqdnList": [], "publicNetworkAccess": "Disabled" }', { name: 'vision', tags: '"tags": { "owner": "team-v" },' })),
  });
}

test('--format markdown: the deployed accounts by subscription, resource group, kind and owner, and drift; every value escaped', () => {
  const dir = estateTree();
  const r = cli(['.', '-f', 'markdown'], dir);
  assert.equal(r.code, 1);
  const section = r.stdout.slice(r.stdout.indexOf('\n### Deployed AI accounts'));
  assert.equal(section, `
### Deployed AI accounts

**Deployed AI accounts: 2, 1 \\(50%\\) restricted, 1 open.** Open: outbound access not restricted, or a finding at warning or above.

| By subscription | Accounts | Restricted | Open |
| --- | --- | --- | --- |
| ${SUB} | 2 | 1 | 1 |

| By resource group | Accounts | Restricted | Open |
| --- | --- | --- | --- |
| ${SUB}/rg-ai | 1 | 1 | 0 |
| ${SUB}/rg-vision | 1 | 0 | 1 |

| By kind | Accounts | Restricted | Open |
| --- | --- | --- | --- |
| OpenAI | 2 | 1 | 1 |

| By owner | Accounts | Restricted | Open |
| --- | --- | --- | --- |
| &lt;img src=x onerror=alert\\(1\\)&gt;\\|\\* | 1 | 0 | 1 |
| team-chat | 1 | 1 | 0 |

### Drift from the templates (1)

- exports/ai.json:22: deployed AI service 'vision' differs from its template: restrictOutboundNetworkAccess is false in Azure, the template sets true; it was changed outside the template \\(e.g. in the portal\\). Template: infra/vision.json:6
`);
  // Without an export there is no such section.
  const none = cli(['infra', '-f', 'markdown'], dir);
  assert.ok(!none.stdout.includes('Deployed AI accounts'), none.stdout);
});

test('--format html: the same section, escaped by the one template, in the report page (no new script, nothing remote)', () => {
  const r = cli(['.', '-f', 'html'], estateTree());
  assert.equal(r.code, 1);
  const section = r.stdout.slice(r.stdout.indexOf('<section id="estate">'), r.stdout.indexOf('</section>') + '</section>'.length);
  assert.equal(section, `<section id="estate">
<h2>Deployed AI accounts</h2>
<p class="kpi">Deployed AI accounts: 2, 1 (50%) restricted, 1 open.</p>
<p class="muted">Open: outbound access not restricted, or a finding at warning or above.</p>
<table data-group="bySubscription">
<thead><tr><th>By subscription</th><th>Accounts</th><th>Restricted</th><th>Open</th></tr></thead>
<tbody>
<tr><td>${SUB}</td><td class="n">2</td><td class="n">1</td><td class="n">1</td></tr>
</tbody>
</table>
<table data-group="byResourceGroup">
<thead><tr><th>By resource group</th><th>Accounts</th><th>Restricted</th><th>Open</th></tr></thead>
<tbody>
<tr><td>${SUB}/rg-ai</td><td class="n">1</td><td class="n">1</td><td class="n">0</td></tr>
<tr><td>${SUB}/rg-vision</td><td class="n">1</td><td class="n">0</td><td class="n">1</td></tr>
</tbody>
</table>
<table data-group="byKind">
<thead><tr><th>By kind</th><th>Accounts</th><th>Restricted</th><th>Open</th></tr></thead>
<tbody>
<tr><td>OpenAI</td><td class="n">2</td><td class="n">1</td><td class="n">1</td></tr>
</tbody>
</table>
<table data-group="byOwner">
<thead><tr><th>By owner</th><th>Accounts</th><th>Restricted</th><th>Open</th></tr></thead>
<tbody>
<tr><td>&lt;img src=x onerror=alert(1)&gt;|*</td><td class="n">1</td><td class="n">0</td><td class="n">1</td></tr>
<tr><td>team-chat</td><td class="n">1</td><td class="n">1</td><td class="n">0</td></tr>
</tbody>
</table>
<h3>Drift from the templates (1)</h3>
<ul><li data-direction="weaker">exports/ai.json:22: deployed AI service &#39;vision&#39; differs from its template: restrictOutboundNetworkAccess is false in Azure, the template sets true; it was changed outside the template (e.g. in the portal). <span class="muted">Template: infra/vision.json:6</span></li></ul>
</section>`);
  assert.ok(r.stdout.includes(`content="${escapeHtml(CSP)}"`));
  assert.equal(r.stdout.match(/<script/g)?.length, 1, 'only the filter script');
  assert.ok(!r.stdout.includes('<img'), 'no markup from data');
});

test('history --format html: the section with its chart, every value escaped; the page of the HTML report', () => {
  const history: History = {
    points: 2, from: 1767607200, to: 1767700800, remediations: [93600], mttr: { mean: 93600, median: 93600 },
    instances: [{ key: 'k', name: '<ai & co>', where: 'infra/"x".json:6', firstSeen: 1767607200, episodes: [{ opened: 1767607200, closed: 1767700800, end: 'remediated' }], openNow: false }],
    weeks: [{ start: 1767571200, services: 1, restricted: 1, open: 0, newOpen: 1 }],
  };
  assert.equal(historySection(history, { walked: 3, analysed: 2, reused: 1 }).text, `<section id="history">
<h2>Trend and time to remediate</h2>
<p class="muted">2 commits that changed templates (of 3), 2026-01-05 10:00 to 2026-01-06 12:00 UTC</p>
<p class="muted">File analyses: 2 run, 1 reused (unchanged blobs).</p>
<p class="kpi">AI services: 1 seen, 0 open at the end. Remediated 1 time: mean time to remediate 1d 2h, median 1d 2h.</p>
<figure><figcaption>% restricted and open AI services at each week's end (UTC)</figcaption><svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Percent restricted and open AI services per week" width="640" height="220" viewBox="0 0 640 220">\
<rect x="36" y="36" width="568" height="148" fill="none" stroke="#ccc"/>\
<text x="4" y="36" font-size="10">100%</text><text x="4" y="184" font-size="10">0%</text>\
<text x="608" y="36" font-size="10">1</text><text x="608" y="184" font-size="10">0</text>\
<polyline fill="none" stroke="#2e7d32" stroke-width="2" points="320.0,36.0"><title>% restricted</title></polyline>\
<polyline fill="none" stroke="#c62828" stroke-width="2" stroke-dasharray="4 3" points="320.0,184.0"><title>open</title></polyline>\
<text x="320.0" y="212" text-anchor="middle" font-size="10">01-05</text><text x="36" y="14" font-size="11" fill="#2e7d32">— % restricted</text><text x="146" y="14" font-size="11" fill="#c62828">- - open</text></svg></figure>
<table>
<thead><tr><th>Week of</th><th>Services</th><th>Restricted</th><th>Open</th><th>New open</th></tr></thead>
<tbody>
<tr><td>2026-01-05</td><td class="n">1</td><td class="n">1 (100%)</td><td class="n">0</td><td class="n">1</td></tr>
</tbody>
</table>
<table>
<thead><tr><th>AI service</th><th>Where</th><th>Timeline</th><th>Time to remediate</th><th>Now</th></tr></thead>
<tbody>
<tr data-now="not open"><td>&lt;ai &amp; co&gt;</td><td>infra/&quot;x&quot;.json:6</td><td>first seen 2026-01-05 10:00, open 2026-01-05 10:00, remediated 2026-01-06 12:00 (1d 2h)</td><td>1d 2h</td><td class="">not open</td></tr>
</tbody>
</table>
</section>
`);
  const page = cli(['history', '--exports', 'jan.json', 'feb.json', 'mar.json', '--at', 'jan.json=2026-01-05T10:00', '-f', 'html'], exportsTree()).stdout;
  assert.ok(page.startsWith('<!DOCTYPE html>') && page.includes(`content="${escapeHtml(CSP)}"`));
  assert.match(page, /<h1>AI Egress Guard history<\/h1>\n<section id="history">\n<h2>Trend and time to remediate<\/h2>\n<p class="muted">3 exports of deployed accounts, /);
  assert.doesNotMatch(page, /<script/);
});

test('history --format markdown on a git history: exact', () => {
  const repo = new Repo();
  const ai = (restricted: boolean) => template(account(`{ "restrictOutboundNetworkAccess": ${restricted}, "allowedFqdnList": [], "publicNetworkAccess": "Disabled" }`, { name: 'ai', tags: '"tags": { "owner": "team" },' }));
  repo.commit('open', '2026-01-05T10:00:00Z', { '.ai-egress-guard.json': CONFIG, 'ai.json': ai(false) });
  repo.commit('fixed', '2026-01-05T12:15:00Z', { 'ai.json': ai(true) });
  const r = cli(['history', '-f', 'markdown'], repo.dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `## AI Egress Guard history

2 commits that changed templates \\(of 2\\), 2026-01-05 10:00 to 2026-01-05 12:15 UTC  
File analyses: 2 run, 0 reused \\(unchanged blobs\\).

**AI services: 1 seen, 0 open at the end. Remediated 1 time: mean time to remediate 2h 15m, median 2h 15m.**

### Week by week

| Week of | Services | Restricted | Open | New open |
| --- | --- | --- | --- | --- |
| 2026-01-05 | 1 | 1 (100%) | 0 | 1 |

### Instances

| AI service | Where | Timeline | Time to remediate | Now |
| --- | --- | --- | --- | --- |
| ai | ai.json:6 | first seen 2026-01-05 10:00, open 2026-01-05 10:00, remediated 2026-01-05 12:15 \\(2h 15m\\) | 2h 15m | not open |
`);
});

test('diff --format html: the review of the Markdown as one page, values escaped, places in the head as links', () => {
  const repo = new Repo();
  const ai = (hosts: string[], owner: string) => template(account(`{ "restrictOutboundNetworkAccess": true, "allowedFqdnList": ${JSON.stringify(hosts)}, "publicNetworkAccess": "Disabled" }`, { name: 'chat', tags: `"tags": { "owner": "${owner}" },` }));
  repo.commit('base', '2026-01-05T10:00:00Z', { '.ai-egress-guard.json': CONFIG, 'ai.json': ai([], 'team-a') });
  repo.write({ 'ai.json': ai(['<evil>.example.com'], 'team-b') });
  const r = cli(['diff', 'HEAD', '-f', 'html'], repo.dir);
  assert.equal(r.code, 1, 'the host is no host name: a new error');
  const body = r.stdout.slice(r.stdout.indexOf('<body>\n') + '<body>\n'.length, r.stdout.indexOf('</body>'));
  assert.equal(body, `<h1>AI Egress Guard review</h1>
<p class="muted">HEAD (${repo.git(['rev-parse', '--short=7', 'HEAD'])}) → working tree</p>
<p class="kpi">1 AI service changed (0 added, 0 removed, 1 changed); 1 allow-list host added, 0 removed; 1 new finding, 0 fixed.</p>
<table class="review">
<thead><tr><th>Change</th><th>AI service</th><th>Kind</th><th>Owner (approves)</th><th>Where</th><th>What changed</th></tr></thead>
<tbody>
<tr data-status="changed"><td>changed</td><td>chat</td><td>OpenAI</td><td>team-a → team-b</td><td><a href="#" class="place" data-file="ai.json" data-line="6" data-column="15">ai.json:6</a></td><td><ul><li>+ allow-list host &lt;evil&gt;.example.com</li><li>new error: valid-allowed-fqdns</li></ul></td></tr>
</tbody>
</table>
<h2>New findings</h2>
<ul class="findings"><li data-level="error"><b>error</b> valid-allowed-fqdns at <a href="#" class="place" data-file="ai.json" data-line="12" data-column="82">ai.json:12</a>: AI service &#39;chat&#39; has an allowed FQDN that is not a host name. &#39;&lt;evil&gt;.example.com&#39;: its label &#39;&lt;evil&gt;&#39; has characters a host name cannot contain.</li></ul>
<p><b>Approval needed from:</b> team-a, team-b</p>
`);
  assert.ok(r.stdout.includes(`content="${escapeHtml(CSP)}"`));
  assert.doesNotMatch(r.stdout, /<script/);
});
