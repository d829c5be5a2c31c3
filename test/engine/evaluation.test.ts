// The analysis sees what ARM would deploy: parameter files, nested deployments, conditions, loops.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { account, applyFix, fixTitled, lintResult, only, template, textAt } from '../support/lint';
import { positionAt } from '../../server/src/engine/text';
import { fullMessage } from '../../server/src/engine/analyze';

const RULE = 'restrict-outbound-network-access';
const DIR = 'file:///work/infra';
const restrictedBy = (expr: string, name = 'oai') => account(`{ "restrictOutboundNetworkAccess": ${expr}, "allowedFqdnList": [], "publicNetworkAccess": "Disabled" }`, { name });

function params(values: Record<string, unknown>, extra = ''): string {
  const entries = Object.entries(values).map(([k, v]) => `"${k}": { "value": ${JSON.stringify(v)} }`).join(', ');
  return `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "contentVersion": "1.0.0.0",${extra}
  "parameters": { ${entries} }
}`;
}

const parameterised = template(restrictedBy(`"[parameters('restrict')]"`), `
  "parameters": { "restrict": { "type": "bool" } },`);

function withFiles(files: Record<string, string>) {
  const map = Object.fromEntries(Object.entries(files).map(([k, v]) => [`${DIR}/${k}`, v]));
  return {
    run: (name: string) => {
      const host = { readFile: (u: string) => map[u], listDir: (d: string) => (d === DIR ? Object.keys(files) : []) };
      const { analyze } = require('../../server/src/engine/analyze') as typeof import('../../server/src/engine/analyze');
      const { mergeSettings } = require('../../server/src/engine/config') as typeof import('../../server/src/engine/config');
      return analyze({ uri: `${DIR}/${name}`, text: files[name], kind: 'arm' }, { settings: mergeSettings({}), host });
    },
  };
}

test('without a parameter file, a parameter with no default cannot be verified', () => {
  const [f] = only(lintResult(parameterised).findings, RULE);
  assert.equal(f.level, 'info');
  assert.match(f.message, /parameter 'restrict'/);
});

test('<name>.parameters.json and <name>.parameters.<env>.json are evaluated one by one and named', () => {
  const ws = withFiles({
    'main.json': parameterised,
    'main.parameters.json': params({ restrict: true }),
    'main.parameters.dev.json': params({ restrict: false }),
    'main.parameters.test.json': params({ restrict: false }),
    'other.parameters.json': params({ restrict: false }),
  });
  const result = ws.run('main.json');
  const [f, ...rest] = only(result.findings, RULE);
  assert.equal(rest.length, 0);
  assert.equal(f.level, 'warning');
  assert.match(f.message, /restrictOutboundNetworkAccess is false \(set by parameter 'restrict' in the parameter file\)/);
  assert.match(f.message, /\[with parameter files main\.parameters\.dev\.json, main\.parameters\.test\.json\]$/);
  assert.equal(f.related[0].message, 'the value is set here');
  assert.equal(f.related[0].loc.file.uri, `${DIR}/main.parameters.dev.json`);
  assert.deepEqual(result.resources.map((r) => r.restricted), [false]);
});

test('a parameter file whose metadata names the template is used; the fix changes the value there', () => {
  const prod = params({ restrict: false }, `
  "metadata": { "template": "./main.json" },`);
  const ws = withFiles({ 'main.json': parameterised, 'prod.params.json': prod, 'unrelated.params.json': params({ restrict: false }), 'other.json': prod });
  const [f] = only(ws.run('main.json').findings, RULE);
  assert.match(f.message, /\[with parameter file prod\.params\.json\]$/);
  const fix = fixTitled(f, "Set parameter 'restrict' in prod.params.json to true");
  assert.equal(fix.changes[0].kind, 'replace');
  const fixed = applyFix(fix, prod);
  assert.ok(fixed.includes('"restrict": { "value": true }'));
});

test('a caller passing false is reported at the caller, with related information at the resource', () => {
  const inner = template(restrictedBy(`"[parameters('restrict')]"`, 'inner-ai'), `
  "parameters": { "restrict": { "type": "bool", "defaultValue": true } },`);
  const text = template(`    {
      "type": "Microsoft.Resources/deployments",
      "apiVersion": "2022-09-01",
      "name": "ai-module",
      "properties": {
        "expressionEvaluationOptions": { "scope": "inner" },
        "mode": "Incremental",
        "parameters": { "restrict": { "value": false } },
        "template": ${inner.trim().replace(/\n/g, '\n        ')}
      }
    }`);
  const [f] = only(lintResult(text).findings, RULE);
  assert.equal(textAt(f), 'false');
  assert.equal(positionAt(text, f.loc.start).line, 11);
  assert.match(f.message, /set by the value 'ai-module' passes for parameter 'restrict'/);
  assert.equal(f.related[0].message, "received here by AI service 'inner-ai'");
  assert.equal(text.slice(f.related[0].loc.start, f.related[0].loc.end), `"[parameters('restrict')]"`);
  const fixed = applyFix(fixTitled(f, "Set the value 'ai-module' passes for parameter 'restrict' to true"), text);
  assert.ok(fixed.includes('"parameters": { "restrict": { "value": true } }'));
  assert.deepEqual(only(lintResult(fixed).findings, RULE), []);
  // The same module called with the default is safe.
  assert.deepEqual(only(lintResult(text.replace('"parameters": { "restrict": { "value": false } },', '')).findings, RULE), []);
});

test("whole-parameter expressions Bicep emits pass values to nested deployments", () => {
  const inner = template(restrictedBy(`"[parameters('restrict')]"`, 'inner-ai'), `
  "parameters": { "restrict": { "type": "bool", "defaultValue": true } },`);
  const deployment = (value: string) => template(`    {
      "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "m",
      "properties": {
        "expressionEvaluationOptions": { "scope": "inner" },
        "parameters": { "restrict": "${value}" },
        "template": ${inner}
      }
    }`, `
  "parameters": { "strict": { "type": "bool", "defaultValue": false } },`);
  const unsafe = deployment("[if(parameters('strict'), createObject('value', true()), createObject('value', false()))]");
  const [f] = only(lintResult(unsafe).findings, RULE);
  assert.match(textAt(f), /^"\[if\(parameters\('strict'\)/);
  const safe = deployment("[if(parameters('strict'), createObject('value', true()), createObject('value', true()))]");
  assert.deepEqual(only(lintResult(safe).findings, RULE), []);
});

test("outer scope: the nested template sees the parent's parameters", () => {
  const text = template(`    {
      "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "outer",
      "properties": { "template": { "resources": [ ${restrictedBy(`"[parameters('restrict')]"`)} ] } }
    }`, `
  "parameters": { "restrict": { "type": "bool", "defaultValue": false } },`);
  const [f] = only(lintResult(text).findings, RULE);
  assert.match(f.message, /set by the default of parameter 'restrict'/);
});

/**
 * A nested deployment 'settings' whose template outputs the restriction (from its own parameter in inner scope, the
 * parent's in outer scope), and the account in the parent reading it back through `reference(...)`.
 */
function fromOutput(scope: 'inner' | 'outer', reference: string, output = 'restrict'): string {
  const inner = scope === 'inner';
  return template(`    {
      "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "settings",
      "properties": {
        "mode": "Incremental",
        "expressionEvaluationOptions": { "scope": "${scope}" },${inner ? `
        "parameters": { "strict": { "value": "[parameters('strict')]" } },` : ''}
        "template": {
          "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
          "contentVersion": "1.0.0.0",${inner ? `
          "parameters": { "strict": { "type": "bool" } },` : ''}
          "resources": [],
          "outputs": {
            "restrict": { "type": "bool", "value": "[parameters('strict')]" },
            "loop": { "type": "bool", "value": "[reference('settings').outputs.loop.value]" }
          }
        }
      }
    },
${restrictedBy(`"[${reference}.outputs.${output}.value]"`)}`, `
  "parameters": { "strict": { "type": "bool", "defaultValue": false } },`);
}

for (const scope of ['inner', 'outer'] as const) {
  test(`a nested deployment's output (${scope} scope) read by reference(name) or reference(resourceId(...)) is the value its template computes`, () => {
    for (const reference of ["reference('settings')", "reference(resourceId('Microsoft.Resources/deployments', 'settings'), '2022-09-01')"]) {
      const [f, ...rest] = only(lintResult(fromOutput(scope, reference)).findings, RULE);
      assert.equal(rest.length, 0);
      assert.equal(f.messageId, 'notTrue', `${reference}: false, from the parent's default through the output`);
      assert.equal(f.level, 'warning');
      const trueByDefault = fromOutput(scope, reference).replace('"defaultValue": false', '"defaultValue": true');
      assert.deepEqual(only(lintResult(trueByDefault).findings, RULE), [], reference);
    }
    // An output the template does not declare, or one that refers to itself, is not known: reported as such, nothing crashes.
    for (const output of ['missing', 'loop']) {
      const [f] = only(lintResult(fromOutput(scope, "reference('settings')", output)).findings, RULE);
      assert.equal(f.messageId, 'unverifiable', output);
    }
  });
}

test('a resource whose condition is false gets nothing; an unknown condition is analysed', () => {
  const conditioned = (cond: string) => template(account('{}').replace('"location"', `"condition": ${cond}, "location"`), `
  "parameters": { "deployAi": { "type": "bool", "defaultValue": false }, "maybe": { "type": "bool" } },`);
  assert.deepEqual(lintResult(conditioned(`"[parameters('deployAi')]"`)).findings, []);
  assert.deepEqual(lintResult(conditioned('false')).resources, []);
  assert.equal(only(lintResult(conditioned(`"[parameters('maybe')]"`)).findings, RULE).length, 1);
  assert.equal(only(lintResult(conditioned(`"[not(parameters('deployAi'))]"`)).findings, RULE).length, 1);
});

test('a copy loop gives one finding per declaration', () => {
  const looped = template(account('{}').replace('"location"', '"copy": { "name": "ais", "count": 3 }, "location"').replace('"name": "oai"', `"name": "[format('oai-{0}', copyIndex())]"`));
  const found = only(lintResult(looped).findings, RULE);
  assert.equal(found.length, 1);
});

test('allow-list entries are evaluated: a computed wildcard is flagged, a partly unknown host is not', () => {
  const text = template(account(`{ "restrictOutboundNetworkAccess": true, "publicNetworkAccess": "Disabled", "allowedFqdnList": [
        "[format('*.blob.{0}', environment().suffixes.storage)]",
        "[format('{0}.blob.{1}', parameters('sa'), environment().suffixes.storage)]",
        "[format('https://{0}.search.windows.net/', parameters('search'))]"
      ] }`), `
  "parameters": { "sa": { "type": "string" }, "search": { "type": "string" } },`);
  const findings = lintResult(text).findings;
  assert.deepEqual(findings.map((f) => `${f.ruleId}: ${/'([^']*)'/.exec(f.message.replace(/^AI service 'oai' /, ''))?.[1]}`), [
    'no-wildcard-fqdns: *.blob.core.windows.net',
    'valid-allowed-fqdns: https://{…}.search.windows.net/',
  ]);
  // The wildcard finding points inside the expression, at the literal that holds it.
  assert.equal(textAt(findings[0]), "'*.blob.{0}'");
});

test('a range inside an expression maps through JSON escapes', () => {
  const text = template(account(`{ "restrictOutboundNetworkAccess": true, "publicNetworkAccess": "Disabled", "allowedFqdnList": [
        "[concat('\\u0061', '*.contoso.com')]"
      ] }`));
  const [f] = lintResult(text).findings;
  assert.equal(textAt(f), "'*.contoso.com'");
});

test('environment() follows the configured cloud', () => {
  const text = template(account(`{ "restrictOutboundNetworkAccess": true, "publicNetworkAccess": "Disabled", "allowedFqdnList": ["[format('*.blob.{0}', environment().suffixes.storage)]"] }`));
  const [f] = lintResult(text, { cloud: 'AzureChinaCloud' }).findings;
  assert.match(f.message, /'\*\.blob\.core\.chinacloudapi\.cn'/);
});

test('a Bicep-compiled template says the fix belongs in the Bicep source, naming it when it is beside it', () => {
  const compiled = template(account('{}'), `
  "metadata": { "_generator": { "name": "bicep", "version": "0.30.23.60470" } },`);
  const [alone] = only(lintResult(compiled).findings, RULE);
  assert.equal(alone.generatedFrom?.note, 'This file is generated by Bicep: make the change in the Bicep source.');
  const ws = withFiles({ 'main.json': compiled, 'main.bicep': "resource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {}" });
  const [beside] = only(ws.run('main.json').findings, RULE);
  assert.equal(beside.generatedFrom?.note, 'This file is generated by Bicep: make the change in main.bicep next to it.');
  assert.equal(fullMessage(beside), `${beside.message} ${beside.generatedFrom?.note}`);
});

test('a name not known before deployment is described, never shown as the raw expression', () => {
  const named = (name: string) => {
    const text = template(account('{ "publicNetworkAccess": "Disabled" }', { name }), `
  "parameters": { "aiServicesName": { "type": "string" }, "prefix": { "type": "string" } },`);
    const [f] = only(lintResult(text).findings, RULE);
    return { message: f.message.slice(0, f.message.indexOf(' can reach')), resource: f.resource, title: f.fixes[0].title };
  };
  assert.deepEqual(named("[parameters('aiServicesName')]"), {
    message: "AI service (named by parameter 'aiServicesName')",
    resource: "(named by parameter 'aiServicesName')",
    title: "Restrict outbound network access for (named by parameter 'aiServicesName') (it will reach nothing: the template shows no dependency)",
  });
  assert.equal(named("[format('{0}-ai', parameters('prefix'))]").message, "AI service (named by parameter 'prefix')");
  assert.equal(named('[uniqueString(resourceGroup().id)]').message, 'AI service (name known only at deployment)');
});
