// `diff <base-ref>` and `history` on scripted git repositories made here: exact output, exit codes, MTTR figures,
// and that history re-analyses only what changed. The working tree is never touched.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { walk } from '../../server/src/cli/history';
import { historyOf, trendSvg, weekStart } from '../../server/src/estate/history';
import { CSP, escapeHtml } from '../../server/src/report/html';
import { CLI } from '../support/paths';
import { Repo } from '../support/git';
import { account, template } from '../support/lint';

// The deployment-wide info rules have their own tests.
const CONFIG = JSON.stringify({ rules: { 'use-private-endpoint': 'off', 'enable-diagnostic-logs': 'off', 'no-unexplained-fqdns': 'off' } });

function acct(name: string, properties: string, owner = 'team'): string {
  return account(properties, { name, tags: `"tags": { "owner": "${owner}" },` });
}
const locked = (hosts: string[] = []) => `{ "restrictOutboundNetworkAccess": true, "allowedFqdnList": ${JSON.stringify(hosts)}, "publicNetworkAccess": "Disabled" }`;
const open = (hosts: string[] = []) => `{ "restrictOutboundNetworkAccess": false, "allowedFqdnList": ${JSON.stringify(hosts)}, "publicNetworkAccess": "Disabled" }`;

function cli(args: string[], cwd: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  delete env.FORCE_COLOR;
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A repository whose base commit has two accounts, and a working tree that adds a host, removes a restriction, adds an account and changes an owner. */
function reviewRepo(): Repo {
  const repo = new Repo();
  repo.commit('base', '2026-01-05T10:00:00Z', {
    '.ai-egress-guard.json': CONFIG,
    'infra/main.json': template(`${acct('chat', locked(['a.blob.core.windows.net']), 'team-a')},\n${acct('vision', locked(), 'team-v')}`),
    'infra/old.json': template(acct('old', locked(['old.example.com']), 'team-o')),
  });
  repo.write({
    'infra/main.json': template(`${acct('chat', locked(['a.blob.core.windows.net', 'evil.example.com']), 'team-b')},\n${acct('vision', open(), 'team-v')}`),
    'infra/new.json': template(acct('new-ai', locked(['x.vault.azure.net']), 'team-n')),
    'infra/old.json': null,
  });
  return repo;
}

const REVIEW = (base: string) => `AI Egress Guard review: main (${base}) → working tree
4 AI services changed (1 added, 1 removed, 2 changed); 2 allow-list hosts added, 1 removed; 1 new finding, 0 fixed.

added    'new-ai' (OpenAI)  infra/new.json:6  owner: team-n
  + allow-list host x.vault.azure.net

changed  'chat' (OpenAI)  infra/main.json:6  owner: team-a → team-b
  + allow-list host evil.example.com

changed  'vision' (OpenAI)  infra/main.json:15  owner: team-v
  restrictOutboundNetworkAccess: true → false
  new warning: AI service 'vision' can reach any host: outbound access is not restricted. (restrict-outbound-network-access)

removed  'old' (OpenAI)  infra/old.json:6  owner: team-o
  - allow-list host old.example.com

Approval needed from: team-a, team-b, team-n, team-o, team-v
`;

test('diff: added host, removed restriction, added and removed accounts, changed owner; exact text and exit codes', () => {
  const repo = reviewRepo();
  const base = repo.git(['rev-parse', '--short=7', 'main']);
  const before = repo.git(['status', '--porcelain']);
  const r = cli(['diff', 'main'], repo.dir);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, REVIEW(base));
  assert.equal(r.code, 1, 'a new warning fails at the default --fail-on warning');
  assert.equal(cli(['diff', 'main', '--fail-on', 'error'], repo.dir).code, 0);
  assert.equal(cli(['diff', 'main', '--fail-on', 'error', '--fail-on-new-hosts'], repo.dir).code, 1);
  assert.equal(cli(['diff', 'main', '--fail-on', 'none'], repo.dir).code, 0);
  // Nothing was checked out, staged or written.
  assert.equal(repo.git(['status', '--porcelain']), before);
  assert.equal(repo.git(['rev-parse', 'HEAD']), repo.git(['rev-parse', 'main']));
});

test('diff: Markdown for a pull request comment, JSON, --head and paths', () => {
  const repo = reviewRepo();
  const head = repo.commit('change', '2026-01-06T10:00:00Z');
  const base = repo.git(['rev-parse', '--short=7', 'main~1']);
  const md = cli(['diff', 'main~1', '--head', 'main', '-f', 'markdown'], repo.dir);
  assert.equal(md.code, 1);
  assert.equal(md.stdout, `## AI Egress Guard review

main\\~1 \\(${base}\\) → main \\(${head.slice(0, 7)}\\): 4 AI services changed (1 added, 1 removed, 2 changed); 2 allow-list hosts added, 1 removed; 1 new finding, 0 fixed.

| Change | AI service | Kind | Owner (approves) | Where | What changed |
| --- | --- | --- | --- | --- | --- |
| added | new-ai | OpenAI | team-n | infra/new.json:6 | + allow-list host x.vault.azure.net |
| changed | chat | OpenAI | team-a → team-b | infra/main.json:6 | + allow-list host evil.example.com |
| changed | vision | OpenAI | team-v | infra/main.json:15 | restrictOutboundNetworkAccess: true → false<br>new warning: restrict-outbound-network-access |
| removed | old | OpenAI | team-o | infra/old.json:6 | - allow-list host old.example.com |

### New findings

- **warning** restrict-outbound-network-access at infra/main.json:21: AI service 'vision' can reach any host: outbound access is not restricted. restrictOutboundNetworkAccess is false: set it to true and list the hosts the service needs in allowedFqdnList.

**Approval needed from:** team-a, team-b, team-n, team-o, team-v
`);
  const json = JSON.parse(cli(['diff', 'main~1', '--head', 'main', '-f', 'json'], repo.dir).stdout) as { summary: object; changes: { name: string; owner: object; hostsAdded: string[] }[]; approvers: string[] };
  assert.deepEqual(json.summary, { added: 1, removed: 1, changed: 2, hostsAdded: 2, hostsRemoved: 1, newFindings: 1, fixedFindings: 0 });
  assert.deepEqual(json.changes.map((c) => [c.name, c.owner, c.hostsAdded]), [
    ['new-ai', { before: null, after: 'team-n' }, ['x.vault.azure.net']],
    ['chat', { before: 'team-a', after: 'team-b' }, ['evil.example.com']],
    ['vision', { before: 'team-v', after: 'team-v' }, []],
    ['old', { before: 'team-o', after: null }, []],
  ]);
  // Only the files under a path: the removed and added files are outside it.
  const main = JSON.parse(cli(['diff', 'main~1', '--head', 'main', '-f', 'json', 'infra/main.json'], repo.dir).stdout) as { summary: object };
  assert.deepEqual(main.summary, { added: 0, removed: 0, changed: 2, hostsAdded: 1, hostsRemoved: 0, newFindings: 1, fixedFindings: 0 });
});

test('diff: a fix is a fixed finding and passes; no change is an empty review; table cells from templates are escaped', () => {
  const repo = new Repo();
  repo.commit('base', '2026-01-05T10:00:00Z', { '.ai-egress-guard.json': CONFIG, 'ai.json': template(acct('a|b`<img src=x>', open())) });
  assert.equal(cli(['diff', 'HEAD'], repo.dir).stdout, `AI Egress Guard review: HEAD (${repo.git(['rev-parse', '--short=7', 'HEAD'])}) → working tree
0 AI services changed (0 added, 0 removed, 0 changed); 0 allow-list hosts added, 0 removed; 0 new findings, 0 fixed.
`);
  repo.write({ 'ai.json': template(acct('a|b`<img src=x>', locked())) });
  const r = cli(['diff', 'HEAD', '-f', 'markdown'], repo.dir);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^\| changed \| a\\\|b\\`&lt;img src=x&gt; \| OpenAI \| team \| ai\.json:6 \| restrictOutboundNetworkAccess: false → true<br>fixed: restrict-outbound-network-access \|$/m);
});

test('diff: a file that cannot be checked fails closed; usage and repository errors exit 2', () => {
  const repo = new Repo();
  repo.commit('base', '2026-01-05T10:00:00Z', { '.ai-egress-guard.json': CONFIG, 'ai.json': template(acct('a', locked())) });
  repo.write({ 'ai.json': '{ "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": [' });
  const broken = cli(['diff', 'HEAD'], repo.dir);
  assert.equal(broken.code, 1);
  assert.match(broken.stdout, /Could not be checked completely:\n {2}ai\.json:1 {2}error: not valid JSON: [^\n]*\(parse-error\)\n/);
  assert.deepEqual(cli(['diff', 'no-such-ref'], repo.dir), { code: 2, stdout: '', stderr: "ai-egress-guard: 'no-such-ref' names no commit of this repository\n" });
  assert.deepEqual(cli(['diff'], repo.dir), { code: 2, stdout: '', stderr: 'ai-egress-guard: missing <base-ref>; see diff --help\n' });
  assert.equal(cli(['diff', 'HEAD', '-f', 'xml'], repo.dir).code, 2);
  const outside = fs.mkdtempSync(path.join(path.dirname(repo.dir), 'not-a-repo-'));
  assert.deepEqual(cli(['diff', 'main'], outside), { code: 2, stdout: '', stderr: 'ai-egress-guard: not in a git repository: diff reads the base from git\n' });
});

/** Commits at known dates: 'a' open 01-06 10:00, fixed 01-09 16:00; 'b' fine, open 01-13 10:00, fixed 01-14 10:30; 'c' open 01-20. */
function historyRepo(): Repo {
  const repo = new Repo();
  const t = (name: string, props: string) => template(acct(name, props));
  repo.commit('config', '2026-01-05T10:00:00Z', { '.ai-egress-guard.json': CONFIG, 'README.md': 'x' });
  repo.commit('a, open', '2026-01-06T10:00:00Z', { 'infra/a.json': t('a', open()) });
  repo.commit('readme', '2026-01-07T10:00:00Z', { 'README.md': 'y' });
  repo.commit('b', '2026-01-08T10:00:00Z', { 'infra/b.json': t('b', locked()) });
  repo.commit('fix a', '2026-01-09T16:00:00Z', { 'infra/a.json': t('a', locked()) });
  repo.commit('b, open', '2026-01-13T10:00:00Z', { 'infra/b.json': t('b', open()) });
  repo.commit('fix b', '2026-01-14T10:30:00Z', { 'infra/b.json': t('b', locked()) });
  repo.commit('c, open', '2026-01-20T10:00:00Z', { 'infra/c.json': t('c', open()) });
  return repo;
}

test('history: exact MTTR, weekly trend and instance timeline', () => {
  const repo = historyRepo();
  const r = cli(['history'], repo.dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `AI Egress Guard history: 7 commits that changed templates (of 8), 2026-01-05 10:00 to 2026-01-20 10:00 UTC
File analyses: 8 run, 4 reused (unchanged blobs).
AI services: 3 seen, 1 open at the end. Remediated 2 times: mean time to remediate 2d 3h 15m, median 2d 3h 15m.

Week of      Services  Restricted  Open  New open
2026-01-05         2    2 (100%)     0         1
2026-01-12         2    2 (100%)     0         0
2026-01-19         3     2 (67%)     1         1

Instances:
  'a'  infra/a.json:6  first seen 2026-01-06 10:00, open 2026-01-06 10:00, remediated 2026-01-09 16:00 (3d 6h)
  'b'  infra/b.json:6  first seen 2026-01-08 10:00, open 2026-01-13 10:00, remediated 2026-01-14 10:30 (1d 30m)
  'c'  infra/c.json:6  first seen 2026-01-20 10:00, open 2026-01-20 10:00, still open
`);
  const json = JSON.parse(cli(['history', '-f', 'json'], repo.dir).stdout) as { mttrSeconds: object; instances: { episodes: { seconds: number | null }[] }[] };
  // (3d 6h + 1d 30m) / 2 = (280800 + 88200) / 2 seconds.
  assert.deepEqual(json.mttrSeconds, { mean: 184500, median: 184500, remediations: 2 });
  assert.deepEqual(json.instances.map((i) => i.episodes.map((e) => e.seconds)), [[280800], [88200], [null]]);
  // --since and --max-commits narrow the walk: 'b' is then first seen open at its first commit in range.
  const late = JSON.parse(cli(['history', '-f', 'json', '--since', '2026-01-12T00:00:00Z'], repo.dir).stdout) as { mttrSeconds: object; commits: object };
  assert.deepEqual(late.commits, { walked: 3, analysed: 3, from: '2026-01-13T10:00:00.000Z', to: '2026-01-20T10:00:00.000Z' });
  assert.deepEqual(late.mttrSeconds, { mean: 88200, median: 88200, remediations: 1 });
  assert.deepEqual((JSON.parse(cli(['history', '-f', 'json', '--max-commits', '2'], repo.dir).stdout) as { commits: { walked: number } }).commits.walked, 2);
  assert.equal(cli(['history', '--max-commits', '0'], repo.dir).code, 2);
});

test('history: removal while open is no remediation; median of an even count; the HTML section has its chart and no script', () => {
  const repo = new Repo();
  const t = (name: string, props: string) => template(acct(name, props));
  repo.commit('open x, y', '2026-02-02T00:00:00Z', { '.ai-egress-guard.json': CONFIG, 'x.json': t('x', open()), 'y.json': t('y', open()), 'z.json': t('z', open()) });
  repo.commit('fix x', '2026-02-02T01:00:00Z', { 'x.json': t('x', locked()) });
  repo.commit('fix y', '2026-02-02T04:00:00Z', { 'y.json': t('y', locked()) });
  repo.commit('remove z', '2026-02-03T00:00:00Z', { 'z.json': null });
  const json = JSON.parse(cli(['history', '-f', 'json'], repo.dir).stdout) as { mttrSeconds: object; instances: { name: string; removed: string | null; episodes: { end: string | null }[] }[] };
  assert.deepEqual(json.mttrSeconds, { mean: 9000, median: 9000, remediations: 2 });
  assert.deepEqual(json.instances.map((i) => [i.name, i.removed, i.episodes.map((e) => e.end)]), [
    ['x', null, ['remediated']], ['y', null, ['remediated']], ['z', '2026-02-03T00:00:00.000Z', ['removed']],
  ]);
  const html = cli(['history', '-f', 'html'], repo.dir).stdout;
  // The HTML report's page: its style by hash, no script in it, nothing remote.
  assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="${escapeHtml(CSP)}">`));
  assert.match(html, /<svg [^>]*role="img"[^>]*>.*<polyline /);
  assert.doesNotMatch(html, /<script/i);
  assert.match(trendSvg([{ start: weekStart(Date.UTC(2026, 1, 4) / 1000), services: 2, restricted: 1, open: 1, newOpen: 1 }]).text, /points="320\.0,110\.0"/);
});

test('history reuses the analysis of unchanged files: cost grows with the changed files, not commits × files', () => {
  const repo = new Repo();
  const files: Record<string, string> = { '.ai-egress-guard.json': CONFIG };
  for (let i = 0; i < 20; i++) files[`t${i}/azuredeploy.json`] = template(acct(`a${i}`, locked()));
  repo.commit('twenty templates', '2026-01-05T10:00:00Z', files);
  for (let c = 0; c < 10; c++) repo.commit(`change ${c}`, `2026-01-${String(6 + c).padStart(2, '0')}T10:00:00Z`, { [`t${c}/azuredeploy.json`]: template(acct(`a${c}`, c % 2 ? locked([`h${c}.example.com`]) : open())) });
  const { points, auditor } = walk(repo.dir, 'HEAD', {}, { root: repo.dir });
  assert.equal(points.length, 11);
  // 20 analyses for the first commit, then one per changed file; every other file's result is reused.
  assert.deepEqual(auditor.stats, { analysed: 30, reused: 190 });
  const h = historyOf(points, repo.dir);
  assert.deepEqual(h.instances.filter((i) => i.openNow).map((i) => i.name), ['a0', 'a2', 'a4', 'a6', 'a8']);
});

test('history: a module is counted through its callers, and a change to the module re-analyses them', () => {
  const repo = new Repo();
  const moduleText = (restrict: boolean) => `param name string\nresource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {\n  name: name\n  location: 'eastus'\n  kind: 'OpenAI'\n  tags: { owner: 'team' }\n  properties: {\n    restrictOutboundNetworkAccess: ${restrict}\n    publicNetworkAccess: 'Disabled'\n  }\n}\n`;
  const main = "module a 'ai.bicep' = {\n  name: 'a'\n  params: { name: 'ai-a' }\n}\nmodule b 'ai.bicep' = {\n  name: 'b'\n  params: { name: 'ai-b' }\n}\n";
  repo.commit('open', '2026-01-05T10:00:00Z', { '.ai-egress-guard.json': CONFIG, 'main.bicep': main, 'ai.bicep': moduleText(false) });
  repo.commit('fix module', '2026-01-06T12:00:00Z', { 'ai.bicep': moduleText(true) });
  const { points, auditor } = walk(repo.dir, 'HEAD', {}, { root: repo.dir });
  // main.bicep reads ai.bicep: both analysed again at the second commit.
  assert.deepEqual(auditor.stats, { analysed: 4, reused: 0 });
  const h = historyOf(points, repo.dir);
  assert.deepEqual(h.instances.map((i) => [i.name, i.where, i.episodes.map((e) => (e.closed ?? 0) - e.opened)]), [['ai-a', 'ai.bicep:2', [93600]], ['ai-b', 'ai.bicep:2', [93600]]]);
});

test('diff: a finding whose message names the owner is the same finding after the owner changes', () => {
  const repo = new Repo();
  const config = JSON.stringify({ rules: { 'use-private-endpoint': 'off', 'enable-diagnostic-logs': 'off' } });
  repo.commit('base', '2026-01-05T10:00:00Z', { '.ai-egress-guard.json': config, 'ai.json': template(acct('a', locked(['unused.example.com']), 'team-a')) });
  repo.write({ 'ai.json': template(acct('a', locked(['unused.example.com']), 'team-b')) });
  const json = JSON.parse(cli(['diff', 'HEAD', '-f', 'json'], repo.dir).stdout) as { summary: { newFindings: number; fixedFindings: number }; approvers: string[] };
  assert.deepEqual([json.summary.newFindings, json.summary.fixedFindings, json.approvers], [0, 0, ['team-a', 'team-b']]);
});

test('diff: the working tree as git sees it: ignored files are not added, deleted ones are removed', () => {
  const repo = new Repo();
  repo.commit('base', '2026-01-05T10:00:00Z', { '.ai-egress-guard.json': CONFIG, '.gitignore': 'out/\n', 'a.json': template(acct('a', locked())), 'b.json': template(acct('b', locked())) });
  repo.write({ 'out/compiled.json': template(acct('build-output', open())), 'b.json': null, 'c.json': template(acct('c', locked())) });
  const json = JSON.parse(cli(['diff', 'HEAD', '-f', 'json'], repo.dir).stdout) as { changes: { status: string; name: string }[] };
  assert.deepEqual(json.changes.map((c) => `${c.status} ${c.name}`), ['added c', 'removed b']);
});
