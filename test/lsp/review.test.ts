// "Review Changes Against…" over LSP: aiEgressGuard/gitRefs lists the branches, tags and recent commits of the
// folder's repository; aiEgressGuard/review answers with the review `diff <ref>` prints (the same Markdown, and its
// HTML), the places it links to, or why it could not run.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { CancellationTokenSource, LSPErrorCodes, type ResponseError } from 'vscode-languageserver-protocol';
import type { GitRefsResponse, ReviewResponse, ReviewResult } from '../../shared/protocol';
import { Repo } from '../support/git';
import { account, template } from '../support/lint';
import { serverForFile, TestClient } from '../support/lspClient';
import { CLI } from '../support/paths';

let client!: TestClient;
serverForFile((c) => (client = c));

const CONFIG = JSON.stringify({ rules: { 'use-private-endpoint': 'off', 'enable-diagnostic-logs': 'off', 'no-unexplained-fqdns': 'off' } });
const ai = (hosts: string[]) => template(account(`{ "restrictOutboundNetworkAccess": true, "allowedFqdnList": ${JSON.stringify(hosts)}, "publicNetworkAccess": "Disabled" }`, { name: 'chat', tags: '"tags": { "owner": "team-chat" },' }));

function repo(): Repo {
  const r = new Repo();
  r.commit('base', '2026-01-05T10:00:00Z', { '.ai-egress-guard.json': CONFIG, 'infra/ai.json': ai(['a.blob.core.windows.net']) });
  r.git(['tag', '-a', 'v1', '-m', 'release 1']);
  r.git(['branch', 'feature']);
  r.commit('second', '2026-01-06T10:00:00Z', { 'README.md': 'x' });
  r.write({ 'infra/ai.json': ai(['a.blob.core.windows.net', 'exfil.example.com']) });
  return r;
}

test('gitRefs: branches and tags (an annotated tag by its commit), then the latest commits; not a repository says so', async () => {
  const r = repo();
  const answer = await client.connection.sendRequest('aiEgressGuard/gitRefs', { folder: r.dir }) as GitRefsResponse;
  assert.ok('refs' in answer, JSON.stringify(answer));
  const base = r.git(['rev-parse', 'HEAD~1']);
  const head = r.git(['rev-parse', 'HEAD']);
  assert.deepEqual(answer.refs.map((x) => [x.kind, x.name, x.commit, x.subject]), [
    ['branch', 'main', head, 'second'],
    ['branch', 'feature', base, 'base'],
    ['tag', 'v1', base, 'release 1'],
    ['commit', head.slice(0, 7), head, 'second'],
    ['commit', base.slice(0, 7), base, 'base'],
  ]);
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'not-a-repo-'));
  assert.deepEqual(await client.connection.sendRequest('aiEgressGuard/gitRefs', { folder: outside }), { error: `${outside} is not in a git repository: the review reads the base from git` });
});

test('review: the Markdown of `diff <ref>`, its HTML with the added host, the places it links to; errors as answers', async () => {
  const r = repo();
  const answer = await client.connection.sendRequest('aiEgressGuard/review', { folder: r.dir, base: 'v1' }) as ReviewResponse;
  assert.ok(!('error' in answer), JSON.stringify(answer));
  const review = answer as ReviewResult;
  const cli = spawnSync(process.execPath, [CLI, 'diff', 'v1', '-f', 'markdown'], { cwd: r.dir, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null' } });
  assert.equal(review.markdown, cli.stdout);
  assert.deepEqual([review.base, review.head, review.changes, review.hostsAdded, review.newFindings], [`v1 (${r.git(['rev-parse', '--short=7', 'v1^{commit}'])})`, 'working tree', 1, 1, 0]);
  assert.match(review.html, /<li>\+ allow-list host exfil\.example\.com<\/li>/);
  assert.deepEqual(review.places, [{ file: 'infra/ai.json', line: 6, column: 15 }]);
  assert.ok(review.html.includes('data-file="infra/ai.json" data-line="6" data-column="15"'));
  assert.deepEqual(await client.connection.sendRequest('aiEgressGuard/review', { folder: r.dir, base: 'no-such-ref' }), { error: "'no-such-ref' names no commit of this repository" });
  // A folder below the repository's top: only its files, places relative to it.
  const sub = await client.connection.sendRequest('aiEgressGuard/review', { folder: path.join(r.dir, 'infra'), base: 'v1' }) as ReviewResult;
  assert.deepEqual(sub.places, [{ file: 'ai.json', line: 6, column: 15 }]);
});

test('review: cancelled by the client ($/cancelRequest), it stops and answers RequestCancelled (-32800); the next review runs', async () => {
  const r = repo();
  // Enough files that the review is still reading and auditing them when the cancellation arrives.
  r.commit('many', '2026-01-07T10:00:00Z', Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`infra/ai${i}.json`, ai([`h${i}.example.com`])])));
  r.write(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`infra/ai${i}.json`, ai([`h${i}.example.com`, 'exfil.example.com'])])));
  const source = new CancellationTokenSource();
  const pending = client.connection.sendRequest('aiEgressGuard/review', { folder: r.dir, base: 'v1' }, source.token);
  source.cancel();
  await assert.rejects(pending, (error: ResponseError<unknown>) => error.code === LSPErrorCodes.RequestCancelled);
  const answer = await client.connection.sendRequest('aiEgressGuard/review', { folder: r.dir, base: 'HEAD' }) as ReviewResult;
  assert.deepEqual([answer.changes, answer.hostsAdded], [40, 40]);
});
