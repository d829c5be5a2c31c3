// Fixes are computed only when asked for (a lightbulb, source.fixAll, --fix): analysing, merging findings of
// several parameter files, moving them to parameter-file sites, auditing and every report format leave them alone.

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createRule } from '../../rules/rule';
import { analyze, copyFinding, safeFixesOf, type AnalysisResult } from '../../server/src/engine/analyze';
import { mergeSettings } from '../../server/src/engine/config';
import { toSarif } from '../../server/src/report/sarif';
import { toJson, toText } from '../../server/src/report/text';
import { auditFiles, summarize } from '../../server/src/workspace/audit';
import { nodeFileHost } from '../../server/src/workspace/node-host';
import { tempTree } from '../support/paths';
import { account, template } from '../support/lint';

let computed = 0;

/** Reports the outbound setting of every account; counts how often its fixes are computed. */
const counting = createRule({
  id: 'test-counting',
  defaultLevel: 'warning',
  fixable: true,
  description: 'Test rule.',
  messages: { seen: 'restrictOutboundNetworkAccess of {{resource}}' },
  check: (resource) => [{
    at: resource.properties?.member('restrictOutboundNetworkAccess') ?? resource.typeLoc,
    messageId: 'seen',
    data: { resource: resource.name },
    fixes: () => {
      computed++;
      return [];
    },
  }],
});

const ARM = template(account(`{ "restrictOutboundNetworkAccess": "[parameters('restrict')]" }`), `
  "parameters": { "restrict": { "type": "bool" } },`);
const armParams = (value: boolean) => `{ "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "contentVersion": "1.0.0.0", "parameters": { "restrict": { "value": ${value} } } }`;
const BICEP = `param restrict bool
resource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'bicep-ai'
  kind: 'OpenAI'
  properties: {
    restrictOutboundNetworkAccess: restrict
  }
}
`;

const dir = tempTree({
  'main.json': ARM,
  'main.parameters.dev.json': armParams(true),
  'main.parameters.prod.json': armParams(true),
  'ai.bicep': BICEP,
  'ai.bicepparam': "using 'ai.bicep'\nparam restrict = false\n",
});
const files = ['main.json', 'ai.bicep', 'ai.bicepparam'].map((f) => path.join(dir, f));

function analyzeAll(rule = counting): AnalysisResult[] {
  const host = nodeFileHost();
  return files.map((file) => {
    const kind = file.endsWith('.json') ? 'arm' as const : file.endsWith('.bicep') ? 'bicep' as const : 'bicepparam' as const;
    const uri = pathToFileURL(file).href;
    return analyze({ uri, text: host.readFile(uri)!, kind }, { settings: mergeSettings({}), host, rules: [rule] });
  });
}

test('analyze() computes no fixes, also for findings merged across parameter files and moved to a parameter file', () => {
  computed = 0;
  const [arm, , param] = analyzeAll();
  const [merged] = arm.findings;
  assert.deepEqual(merged.parameterFiles, ['main.parameters.dev.json', 'main.parameters.prod.json']);
  const [atSite] = param.findings;
  assert.ok(atSite.loc.file.uri.endsWith('ai.bicepparam'));
  assert.equal(computed, 0);
  // Copies stay lazy, and share the original's fixes once computed.
  const copy = copyFinding(copyFinding(merged, { message: 'x' }), { level: 'info' });
  assert.equal(computed, 0);
  assert.equal(copy.fixes, merged.fixes);
  assert.equal(computed, 1, 'computed once, for the original and its copies');
  void atSite.fixes;
  assert.equal(computed, 2);
});

test('the audit and the JSON and SARIF reports compute no fixes, even when the audit keeps them (--fix)', async () => {
  computed = 0;
  const audit = await auditFiles(files, { settingsFor: () => mergeSettings({}), host: nodeFileHost(), rules: [counting], fixes: true });
  // ai.bicep's finding for the value ai.bicepparam sets is listed once, in ai.bicepparam (once per cause).
  assert.equal(audit.results.flatMap((r) => r.findings).length, 2);
  const summary = summarize(audit, files.length);
  toJson(audit.results, audit.problems, summary);
  toSarif(audit.results, { root: dir, version: '0.0.0' });
  assert.equal(computed, 0);
  for (const f of audit.results.flatMap((r) => r.findings)) void f.fixes;
  assert.equal(computed, 2);
});

test("the text report counts what --fix would fix (as ESLint's does): that asks each finding once", async () => {
  computed = 0;
  const audit = await auditFiles(files, { settingsFor: () => mergeSettings({}), host: nodeFileHost(), rules: [counting] });
  // An audit that only reports settles each finding's `fixable` as it goes (so its results do not hold the deployment
  // graphs): once per finding analysed, the template's copy of the .bicepparam finding included.
  assert.equal(computed, 3);
  const text = toText(audit.results, audit.problems, summarize(audit, files.length), dir);
  assert.equal(computed, 3);
  toText(audit.results, audit.problems, summarize(audit, files.length), dir);
  assert.equal(computed, 3, 'fixable is remembered');
  assert.ok(text.length > 0);
});

test('a rule that declares no safe fixes (no meta fixable): its findings are not fixable without computing fixes; a safe fix from it is an error', async () => {
  computed = 0;
  const unfixable = createRule({ ...counting, id: 'test-unfixable', fixable: undefined });
  const audit = await auditFiles(files, { settingsFor: () => mergeSettings({}), host: nodeFileHost(), rules: [unfixable], fixes: true });
  const findings = audit.results.flatMap((r) => r.findings);
  assert.equal(findings.length, 2);
  assert.ok(findings.every((f) => !f.fixable && safeFixesOf(f).length === 0));
  assert.equal(computed, 0);
  const unsafe = createRule({ ...unfixable, check: (resource, context) => unfixable.check(resource, context).map((r) => ({ ...r, fixes: () => [{ title: 't', safe: true, changes: [] }] })) });
  const [finding] = analyzeAll(unsafe)[0].findings;
  assert.throws(() => finding.fixes, /rule 'test-unfixable' offers a safe fix but does not declare meta 'fixable'/);
});
