// Conformance of the deployment-level rules on real templates: the Microsoft Foundry baseline (Bicep) and the
// Azure Verified Module for Azure Machine Learning workspaces (compiled ARM), against deployment-expectations.ts,
// which was written by reading the templates. Skipped when the shared corpus is absent.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ruleById, subjectTypes, type Rule } from '../../rules';
import { analyze, check, type Finding } from '../../server/src/engine/analyze';
import { parseArm, readArmDeployment } from '../../server/src/engine/arm/reader';
import { readParameterFile } from '../../server/src/engine/arm/parameters';
import { parseBicep } from '../../server/src/engine/bicep/parser';
import { readBicepDeployment } from '../../server/src/engine/bicep/reader';
import { mergeSettings } from '../../server/src/engine/config';
import { positionAt } from '../../server/src/engine/text';
import { diagnosticSettingsOf, DIAGNOSTIC_SETTINGS_TYPE, PRIVATE_ENDPOINT_TYPE, privateEndpointsOf } from '../../rules/support/deployment';
import { ROOT } from '../support/paths';
import {
  DEPLOYMENT_RULES, FOUNDRY_BASELINE_DEPLOYMENT, FOUNDRY_BASELINE_DIR, FOUNDRY_BASELINE_FILES, ML_AI_ENVIRONMENT, ML_AI_ENVIRONMENT_FINDINGS,
  ML_WORKSPACE, ML_WORKSPACE_SCENARIOS, type ExpectedFinding,
} from './deployment-expectations';

const CORPUS_ROOT = path.resolve(ROOT, '..', 'shared', 'corpus');
const RULES: Rule[] = DEPLOYMENT_RULES.map((id) => ruleById.get(id)!);
const SETTINGS = mergeSettings({});
/** The types the four rules read: module bodies of other types are skipped, as the engine does. */
const READ_TYPES = new Set(RULES.flatMap((r) => [...subjectTypes(r), ...(r.resourceTypes ?? [])]).map((t) => t.toLowerCase()));

const baselineDir = path.join(CORPUS_ROOT, ...FOUNDRY_BASELINE_DIR.split('/'));
const baselineSkip = fs.existsSync(baselineDir) ? false : `corpus folder ${baselineDir} is absent`;
const mlFile = path.join(CORPUS_ROOT, ...ML_WORKSPACE.split('/'));
const mlSkip = fs.existsSync(mlFile) ? false : `corpus file ${mlFile} is absent`;
const envFile = path.join(CORPUS_ROOT, ...ML_AI_ENVIRONMENT.split('/'));
const envSkip = fs.existsSync(envFile) ? false : `corpus file ${envFile} is absent`;

const readFile = (uri: string): string | undefined => {
  try {
    return fs.readFileSync(new URL(uri), 'utf8');
  } catch {
    return undefined;
  }
};

function shown(findings: readonly Finding[]): ExpectedFinding[] {
  return findings.filter((f) => (DEPLOYMENT_RULES as readonly string[]).includes(f.ruleId)).map((f) => ({
    ruleId: f.ruleId as ExpectedFinding['ruleId'],
    messageId: f.messageId,
    level: f.level,
    line: positionAt(f.loc.file.text, f.loc.start).line + 1,
    data: Object.fromEntries(Object.entries(f.data).map(([k, v]) => [k, String(v)])),
  }));
}

function bicepFiles(dir: string): string[] {
  const out: string[] = [];
  const visit = (abs: string) => {
    for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
      const child = path.join(abs, entry.name);
      if (entry.isDirectory()) visit(child);
      else if (entry.name.endsWith('.bicep')) out.push(path.relative(dir, child).split(path.sep).join('/'));
    }
  };
  visit(dir);
  return out.sort();
}

test('Foundry baseline: the expectations table lists every Bicep file of the folder', { skip: baselineSkip }, () => {
  assert.deepEqual(bicepFiles(baselineDir), Object.keys(FOUNDRY_BASELINE_FILES).sort());
});

for (const [rel, expected] of Object.entries(FOUNDRY_BASELINE_FILES)) {
  test(`Foundry baseline: ${rel} checked on its own`, { skip: baselineSkip }, () => {
    const file = path.join(baselineDir, ...rel.split('/'));
    const text = fs.readFileSync(file, 'utf8');
    const result = analyze({ uri: pathToFileURL(file).href, text, kind: 'bicep' }, { settings: SETTINGS, host: { readFile }, rules: RULES });
    assert.deepEqual(shown(result.findings), expected);
  });
}

test('Foundry baseline: the whole deployment from main.bicep — the account, its endpoint and logs, nothing reported', { skip: baselineSkip }, () => {
  const file = path.join(baselineDir, 'main.bicep');
  const text = fs.readFileSync(file, 'utf8');
  const uri = pathToFileURL(file).href;
  const graph = readBicepDeployment({ uri, text, kind: 'bicep' }, parseBicep(text, { skipIrrelevantResources: true, readTypes: READ_TYPES }).program, { readFile, readTypes: READ_TYPES });
  const expected = FOUNDRY_BASELINE_DEPLOYMENT;
  assert.deepEqual(graph.accounts.map((a) => ({ symbolicName: a.symbolicName, file: path.relative(baselineDir, new URL(a.file.uri).pathname) })), expected.accounts);
  const [account] = graph.accounts;
  const name = (r: { declaration?: { member(n: string): { value: unknown } | undefined } }) => r.declaration?.member('name')?.value;
  const endpoints = privateEndpointsOf(account, graph);
  assert.deepEqual(endpoints.found.map(name), expected.accountEndpoints);
  assert.equal(endpoints.unknown, false);
  assert.equal(graph.ofType(PRIVATE_ENDPOINT_TYPE).filter((r) => !r.existing).length, expected.privateEndpoints);
  assert.deepEqual(diagnosticSettingsOf(account, graph).map(name), expected.accountDiagnosticSettings);
  assert.equal(graph.ofType(DIAGNOSTIC_SETTINGS_TYPE).length, expected.diagnosticSettings);
  const injections = account.properties?.member('networkInjections')?.items() ?? [];
  assert.deepEqual(injections.map((i) => ({ scenario: i.member('scenario')?.value, useMicrosoftManagedNetwork: i.member('useMicrosoftManagedNetwork')?.value })), expected.networkInjections);
  assert.deepEqual(shown(check(graph, SETTINGS, false, RULES)), expected.findings);
});

for (const [name, scenario] of Object.entries(ML_WORKSPACE_SCENARIOS)) {
  test(`ML workspace module: ${name}`, { skip: mlSkip }, () => {
    const text = fs.readFileSync(mlFile, 'utf8');
    const uri = pathToFileURL(mlFile).href;
    const parameterFile = scenario.parameters && readParameterFile({
      uri: uri.replace(/main\.json$/, 'scenario.parameters.json'),
      text: JSON.stringify({
        $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#',
        contentVersion: '1.0.0.0',
        parameters: Object.fromEntries(Object.entries(scenario.parameters).map(([k, value]) => [k, { value }])),
      }),
      kind: 'arm',
    });
    const graph = readArmDeployment(parseArm({ uri, text, kind: 'arm' }), { parameterFile });
    const findings = check(graph, SETTINGS, true, RULES).sort((a, b) => a.loc.start - b.loc.start);
    assert.deepEqual(shown(findings), scenario.findings);
    // The settings are inside one expression: only the suppression can be offered.
    for (const f of findings) assert.deepEqual(f.fixes.map((x) => x.title), [`Suppress ${f.ruleId} for '${f.resource}' (with a reason)`]);
  });
}

/** The ML environment pattern at its defaults, read as one deployment. */
function environmentGraph() {
  const text = fs.readFileSync(envFile, 'utf8');
  return readArmDeployment(parseArm({ uri: pathToFileURL(envFile).href, text, kind: 'arm' }), {});
}

test('ML environment pattern (hub, project, AI account): the expected findings', { skip: envSkip }, () => {
  const findings = check(environmentGraph(), SETTINGS, true, RULES).sort((a, b) => a.loc.start - b.loc.start);
  assert.deepEqual(shown(findings), ML_AI_ENVIRONMENT_FINDINGS);
  // Everything is inside nested deployments: only the suppression can be offered.
  for (const f of findings) assert.deepEqual(f.fixes.map((x) => x.title), [`Suppress ${f.ruleId} for '${f.resource}' (with a reason)`]);
});

test('ML environment pattern: no private endpoint is deployed (privateEndpoints, of a nullable definition, is null: every endpoint loop is empty)', { skip: envSkip }, () => {
  const graph = environmentGraph();
  // A copy loop of nested deployments is read per index: a count of 0 reads none (an unknown count would read one).
  assert.deepEqual(graph.ofType(PRIVATE_ENDPOINT_TYPE).map((e) => e.deploymentPath.join(' > ')), []);
  assert.deepEqual(graph.deployments.filter((d) => /privateEndpoints/.test(d.path.join(' > '))).map((d) => d.path.join(' > ')), []);
  assert.deepEqual(graph.accounts.map((a) => [a.name, privateEndpointsOf(a, graph)]), [['cognitiveService', { found: [], unknown: false }]]);
});
