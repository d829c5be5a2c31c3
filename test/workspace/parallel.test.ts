// The audit in worker threads (--concurrency): the same report as one thread, modules and their callers in other
// chunks included, and a worker that fails leaves every file it had as an error, never a pass.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { auditFiles, summarize } from '../../server/src/workspace/audit';
import { collectFiles } from '../../server/src/workspace/files';
import { auditInThreads, auditOptionsOf, threadsFor, type AuditSpec } from '../../server/src/workspace/parallel';
import { toJson } from '../../server/src/report/text';
import { CORPUS, CORPUS_BICEP, EXAMPLES, tempTree } from '../support/paths';

/** The JSON report of an audit of `dirs`, in one thread and in `threads`. */
async function reports(dirs: readonly string[], threads: number, egress = true): Promise<{ one: string; many: string; files: number }> {
  const root = dirs[0];
  const collected = collectFiles([...dirs], root, []);
  const spec: AuditSpec = { overrides: {}, listings: collected.listings, root, egress };
  const json = (a: Awaited<ReturnType<typeof auditFiles>>) => toJson(a.results, a.problems, summarize(a), a.inventory);
  const one = json(await auditFiles(collected.files, auditOptionsOf(spec)));
  const many = json(await auditInThreads(collected.files, spec, threads));
  return { one, many, files: collected.files.length };
}

/** Entry points calling modules that sort far from them (other chunks), a module called twice, a suppression in a module, a broken file. */
function workspace(): string {
  const files: Record<string, string> = {};
  for (let i = 0; i < 24; i++) {
    files[`a${String(i).padStart(2, '0')}/main.bicep`] = `module ai '../z/ai${i % 6}.bicep' = {\n  name: 'ai-${i}'\n  params: {\n    name: 'acct-${i}'\n    restrict: ${i % 2 === 0}\n  }\n}\n`;
  }
  for (let m = 0; m < 6; m++) {
    files[`z/ai${m}.bicep`] = `param name string\nparam restrict bool = false\n\n${m === 0 ? '#disable-next-line require-owner-tag Owned by the platform team\n' : ''}resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {\n  name: name\n  location: 'eastus'\n  kind: 'OpenAI'\n  properties: {\n    restrictOutboundNetworkAccess: restrict\n    allowedFqdnList: ['\${name}.blob.\${environment().suffixes.storage}']\n    publicNetworkAccess: 'Disabled'\n  }\n}\n`;
  }
  files['a05/main.bicepparam'] = "using 'main.bicep'\n";
  files['broken/azuredeploy.json'] = '{ "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": [ {';
  return tempTree(files);
}

test('threads give the report one thread gives: modules in other chunks, a module called twice, suppressions, a broken file', async () => {
  const dir = workspace();
  const { one, many, files } = await reports([dir], 3);
  assert.equal(files, 32);
  assert.equal(many, one);
  const report = JSON.parse(one) as { summary: { instances: number; problems: { error: number } }; inventory: { instances: unknown[] } };
  // Each entry point deploys its module's account once; the modules on their own deploy nothing.
  assert.equal(report.inventory.instances.length, 24);
  assert.equal(report.summary.problems.error, 1);
});

test('threads give the report one thread gives: the shipped examples', async () => {
  const { one, many } = await reports([EXAMPLES], 2);
  assert.equal(many, one);
});

test('threads give the report one thread gives: the corpus', { skip: !fs.existsSync(CORPUS) && 'corpus absent' }, async () => {
  const { one, many, files } = await reports([CORPUS, CORPUS_BICEP].filter((d) => fs.existsSync(d)), 2);
  assert.ok(files > 20);
  assert.equal(many, one);
});

/** A worker script that fails as `body` says. */
function failingWorker(body: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'egress-worker-')), 'worker.js');
  fs.writeFileSync(file, `const { parentPort } = require('node:worker_threads');\n${body}\n`);
  return file;
}

for (const [name, body, why] of [
  ['exits', 'process.exit(3);', 'exit code 3'],
  ['throws on its first chunk', "parentPort.on('message', () => { throw new Error('boom'); });", 'boom'],
  ['stops without an answer', "parentPort.once('message', () => parentPort.close());", 'it ended before auditing every file'],
] as const) {
  test(`a worker that ${name} leaves each of its files an error: the audit fails closed`, async () => {
    const dir = workspace();
    const collected = collectFiles([dir], dir, []);
    const audit = await auditInThreads(collected.files, { overrides: {}, root: dir }, 2, failingWorker(body));
    assert.deepEqual(audit.results, []);
    assert.equal(audit.problems.length, collected.files.length);
    for (const [i, p] of audit.problems.entries()) {
      assert.deepEqual(p, { path: collected.files[i], code: 'internal-error', severity: 'error', message: `internal error: the audit thread stopped (${why}); please report it` });
    }
    assert.equal(summarize(audit).problems.error, collected.files.length);
  });
}

test('--concurrency: a number of threads, auto (one per two cores from 200 files) or off', () => {
  assert.equal(threadsFor('off', 10000), 1);
  assert.equal(threadsFor('auto', 199, 16), 1);
  assert.equal(threadsFor('auto', 200, 16), 1); // one chunk of 250
  assert.equal(threadsFor('auto', 10000, 2), 1);
  assert.equal(threadsFor('auto', 10000, 4), 2);
  assert.equal(threadsFor('auto', 10000, 64), 8);
  assert.equal(threadsFor('auto', 501, 16), 3);
  assert.equal(threadsFor('3', 10), 3);
  for (const bad of ['0', '65', '1.5', 'x', '']) assert.equal(threadsFor(bad, 10), undefined, bad);
});
