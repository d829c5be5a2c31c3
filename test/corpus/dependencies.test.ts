// Conformance of dependency inference on real Bicep templates: the analysis finds exactly the dependencies written
// down by hand in dependencies.expectations.ts. Skips when the corpus is absent.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { analyze, type AccountEgress } from '../../server/src/engine/analyze';
import { parseArm, readArmDeployment } from '../../server/src/engine/arm/reader';
import { privateEndpointsOf } from '../../rules/support/deployment';
import { mergeSettings } from '../../server/src/engine/config';
import { CORPUS, CORPUS_BICEP } from '../support/paths';
import { DEPENDENCIES, NESTED_OUTPUTS, NULL_ALLOW_LISTS, type ExpectedDependency } from './dependencies.expectations';

const present = fs.existsSync(CORPUS_BICEP) && fs.statSync(CORPUS_BICEP).isDirectory();
const skip = present ? false : `corpus folder ${CORPUS_BICEP} is absent`;

function readFile(uri: string): string | undefined {
  try {
    return fs.readFileSync(fileURLToPath(uri), 'utf8');
  } catch {
    return undefined;
  }
}

function egressOf(rel: string): { accounts: readonly AccountEgress[]; dir: string } {
  const file = path.join(CORPUS_BICEP, ...rel.split('/'));
  const result = analyze({ uri: pathToFileURL(file).href, text: fs.readFileSync(file, 'utf8'), kind: 'bicep' },
    { settings: mergeSettings({}), host: { readFile }, egress: true, fixes: false });
  assert.deepEqual(result.problems, []);
  return { accounts: result.egress ?? [], dir: path.dirname(file) };
}

/** One line per dependency, comparable with the hand-written expectations. */
function shownFound(d: AccountEgress['dependencies'][number], dir: string): string {
  const rel = (loc: { file: { uri: string } }) => path.relative(dir, fileURLToPath(loc.file.uri));
  const evidence = d.evidence.map((e) => {
    const role = e.kind === 'roleAssignment' ? / has (.+) on /.exec(e.detail)?.[1] : e.kind === 'connection' ? /\(([^)]+)\) of /.exec(e.detail)?.[1] : undefined;
    return `${e.kind}@${rel(e.loc)}${role ? `:${role}` : ''}`;
  }).sort();
  const resource = d.resource ? `${d.resource.type}@${rel(d.resource.loc)}` : '-';
  return `${d.hostKnown === 'unknown' ? null : d.host} | ${resource} | ${evidence.join(', ')}`;
}

function shownExpected(d: ExpectedDependency): string {
  const evidence = d.evidence.map((e) => `${e.kind}@${e.file}${e.what ? `:${e.what}` : ''}`).sort();
  const resource = d.resource ? `${d.resource.type}@${d.resource.file}` : '-';
  return `${d.host} | ${resource} | ${evidence.join(', ')}`;
}

if (!present) test('dependency conformance', { skip }, () => {});

for (const [rel, accounts] of Object.entries(DEPENDENCIES)) {
  test(`dependencies on the corpus: ${rel}`, { skip }, (t) => {
    const { accounts: found, dir } = egressOf(rel);
    assert.deepEqual(found.map((a) => a.name).sort(), Object.keys(accounts).sort(), 'the accounts');
    for (const [name, expected] of Object.entries(accounts)) {
      const account = found.find((a) => a.name === name)!;
      assert.equal(path.relative(dir, fileURLToPath(account.loc.file.uri)), expected.file);
      assert.equal(account.restricted, expected.restricted);
      const want = expected.dependencies.map(shownExpected).sort();
      const got = account.dependencies.map((d) => shownFound(d, dir)).sort();
      const evidenceWanted = expected.dependencies.reduce((n, d) => n + d.evidence.length, 0);
      const evidenceFound = account.dependencies.reduce((n, d) => n + d.evidence.length, 0);
      t.diagnostic(`${name}: dependencies expected ${want.length}, found ${got.length} (${got.filter((g) => want.includes(g)).length} agree); evidence expected ${evidenceWanted}, found ${evidenceFound}`);
      assert.deepEqual(got, want);
    }
  });
}

test('every Bicep file of the Foundry baseline analyses without problems, and none of its modules alone shows a dependency it cannot see', { skip }, () => {
  const dir = path.join(CORPUS_BICEP, 'microsoft-foundry-baseline', 'infra-as-code', 'bicep');
  const files = fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.bicep'));
  assert.ok(files.length >= 20);
  for (const rel of files) {
    const { accounts } = egressOf(path.posix.join('microsoft-foundry-baseline/infra-as-code/bicep', rel.split(path.sep).join('/')));
    // ai-foundry.bicep alone deploys the account; its project and connections are in a sibling module.
    if (rel === 'ai-foundry.bicep') assert.deepEqual(accounts.map((a) => [a.name, a.dependencies.length]), [['foundry', 0]]);
    else if (rel !== 'main.bicep') assert.deepEqual(accounts, [], rel);
  }
});

const armPresent = fs.existsSync(CORPUS) && fs.statSync(CORPUS).isDirectory();

for (const [rel, expected] of Object.entries(NESTED_OUTPUTS)) {
  test(`nested deployment outputs on the corpus: ${rel} (${expected.note})`, { skip: armPresent ? false : `corpus folder ${CORPUS} is absent` }, () => {
    const file = path.join(CORPUS, ...rel.split('/'));
    const text = fs.readFileSync(file, 'utf8');
    const result = analyze({ uri: pathToFileURL(file).href, text, kind: 'arm' }, { settings: mergeSettings({}), host: { readFile }, egress: true, fixes: false });
    assert.deepEqual(result.problems, []);
    const account = (result.egress ?? []).find((a) => a.name === expected.account);
    assert.ok(account, `account ${expected.account}`);
    const line = (offset: number) => text.slice(0, offset).split('\n').length;
    if (expected.dependency) {
      const { host, evidence } = expected.dependency;
      const found = account.dependencies.find((d) => d.host === host);
      assert.ok(found, `${host} among ${account.dependencies.map((d) => d.host).join(', ') || 'no dependencies'}`);
      assert.deepEqual(found.evidence.map((e) => `${e.kind}@${line(e.loc.start)}`), evidence);
    }
    if (expected.privateEndpoint) {
      // Found, not merely unknown: the endpoint names the account.
      const graph = readArmDeployment(parseArm({ uri: pathToFileURL(file).href, text, kind: 'arm' }), {});
      const endpoints = privateEndpointsOf(graph.accounts.find((a) => a.name === expected.account)!, graph);
      assert.deepEqual([endpoints.found.length, endpoints.unknown], [1, false]);
      assert.deepEqual(result.findings.filter((f) => f.ruleId === 'use-private-endpoint' && f.resource === expected.account).map((f) => f.message), []);
    }
  });
}

for (const [rel, expected] of Object.entries(NULL_ALLOW_LISTS)) {
  test(`a null allowedFqdnList on the corpus is no list: ${rel}`, { skip: armPresent ? false : `corpus folder ${CORPUS} is absent` }, () => {
    const file = path.join(CORPUS, ...rel.split('/'));
    const text = fs.readFileSync(file, 'utf8');
    const result = analyze({ uri: pathToFileURL(file).href, text, kind: 'arm' }, { settings: mergeSettings({}), host: { readFile }, egress: true, fixes: true });
    const account = (result.egress ?? []).find((a) => a.name === expected.account);
    assert.ok(account, `account ${expected.account}`);
    assert.deepEqual([account.restricted, account.allowList, account.allowListUnknown, account.missing], [true, undefined, undefined, expected.missing]);
    const line = (offset: number) => text.slice(0, offset).split('\n').length;
    const missing = account.dependencies.filter((d) => expected.missing.includes(d.host));
    assert.deepEqual(missing.map((d) => d.evidence.map((e) => `${e.kind}@${line(e.loc.start)}`)), [expected.evidence]);
    const found = result.findings.filter((f) => f.ruleId === 'allow-required-fqdns' && f.resource === expected.account);
    assert.deepEqual(found.map((f) => [f.messageId, f.data.host, line(f.loc.start)]), expected.missing.map((h) => ['missingInModule', h, expected.call]));
    // The fix passes the list to the account's module from main.json.
    assert.ok(found.every((f) => f.fixes.some((x) => x.title.startsWith(`Allow '${f.data.host}'`) && x.changes.every((c) => c.kind === 'set' && c.path.join('.') === 'properties.parameters.allowedFqdnList.value'))));
  });
}
