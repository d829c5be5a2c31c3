// The rule tester itself: it must fail when a case is wrong (a tester that passes everything would
// let every rule test pass), and the renderer must record the ranges it wrote.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRule } from '../../rules';
import { rule as noDuplicate } from '../../rules/no-duplicate-fqdns';
import { rule as noWildcard } from '../../rules/no-wildcard-fqdns';
import { rule as restrict } from '../../rules/restrict-outbound-network-access';
import { rule as usePrivateEndpoint } from '../../rules/use-private-endpoint';
import { assertWellFormed, expr, marked, runInvalid, runValid, type Format, type InvalidCase, type TemplateSpec, type ValidCase } from '../support/ruleTester';
import { markKey, pathKey, render } from '../support/render';

const FORMATS: Format[] = ['arm', 'bicep'];

const wildcard: InvalidCase = {
  name: 'two wildcards',
  properties: { restrictOutboundNetworkAccess: true, allowedFqdnList: [marked('blob', '*.blob.core.windows.net'), 'ok.contoso.com', marked('api', 'api.*.contoso.com')] },
  errors: [
    {
      messageId: 'wildcard', at: 'blob', arm: '17:11-17:36', bicep: '11:7-11:32', data: { entry: '*.blob.core.windows.net' }, level: 'warning',
      fixes: [{ title: "Remove '*.blob.core.windows.net'", output: { properties: { restrictOutboundNetworkAccess: true, allowedFqdnList: ['ok.contoso.com', 'api.*.contoso.com'] } } }],
    },
    { messageId: 'wildcard', at: 'api', data: { entry: 'api.*.contoso.com' } },
  ],
};

/** The case with its first expected error changed. */
const withFirst = (change: object): InvalidCase => ({ ...wildcard, errors: [{ ...wildcard.errors[0], ...change }, wildcard.errors[1]] });

for (const format of FORMATS) {
  test(`[${format}] the correct case passes, so the failures below come from what was changed`, () => {
    runInvalid(noWildcard, wildcard, format);
  });

  test(`[${format}] fails on a wrong range, a wrong literal range, a wrong message id, data or level`, () => {
    assert.throws(() => runInvalid(noWildcard, withFirst({ at: 'api' }), format), /range of "api"/);
    assert.throws(() => runInvalid(noWildcard, withFirst({ at: ['properties', 'allowedFqdnList', 1] }), format), /range of \["properties","allowedFqdnList",1\]/);
    assert.throws(() => runInvalid(noWildcard, withFirst({ [format]: format === 'arm' ? '17:11-17:35' : '11:8-11:32' }), format), /literal range/);
    assert.throws(() => runInvalid(noWildcard, withFirst({ messageId: 'notHost' }), format), /message id/);
    assert.throws(() => runInvalid(noWildcard, withFirst({ data: { entry: '*.blob.core.windows.com' } }), format), /data\.entry/);
    assert.throws(() => runInvalid(noWildcard, withFirst({ data: { host: 'x' } }), format), /data has no 'host'/);
    assert.throws(() => runInvalid(noWildcard, withFirst({ level: 'error' }), format), /\(wildcard\): level$/m);
    assert.throws(() => runInvalid(noWildcard, withFirst({ message: /not the message/ }), format), /\(wildcard\): message$/);
    assert.throws(() => runInvalid(noWildcard, withFirst({ fixTitles: ['Suppress no-wildcard-fqdns'] }), format), /fix titles/);
  });

  test(`[${format}] fails on a wrong resource name, given for every format or for this one`, () => {
    runInvalid(noWildcard, withFirst({ resource: 'oai' }), format);
    assert.throws(() => runInvalid(noWildcard, withFirst({ resource: 'other' }), format), /\(wildcard\): resource$/m);
    assert.throws(() => runInvalid(noWildcard, withFirst({ resource: { [format]: 'other' } }), format), /\(wildcard\): resource$/m);
    runInvalid(noWildcard, withFirst({ resource: { [format === 'arm' ? 'bicep' : 'arm']: 'other' } }), format);
  });

  test(`[${format}] fails on a missing or extra finding, and on findings in a valid case`, () => {
    assert.throws(() => runInvalid(noWildcard, { ...wildcard, errors: [wildcard.errors[0]] }, format), /expected 1 finding\(s\) of no-wildcard-fqdns, got 2/);
    assert.throws(() => runInvalid(noWildcard, { ...wildcard, errors: [...wildcard.errors, wildcard.errors[1]] }, format), /expected 3 finding/);
    assert.throws(() => runValid(noWildcard, { name: 'not valid', properties: wildcard.properties }, format), /a valid case must have no findings/);
    assert.throws(() => runValid(noWildcard, { name: 'owner', tags: {}, allRules: true, properties: { restrictOutboundNetworkAccess: true, publicNetworkAccess: 'Disabled' } }, format), /of any rule/);
  });

  test(`[${format}] fails on a wrong fixed output, literal or rendered, and on an unknown fix`, () => {
    const fix = wildcard.errors[0].fixes![0];
    assert.throws(() => runInvalid(noWildcard, withFirst({ fixes: [{ ...fix, output: { properties: { restrictOutboundNetworkAccess: true, allowedFqdnList: ['api.*.contoso.com'] } } }] }), format), /fixed (template\.json|main\.bicep)/);
    assert.throws(() => runInvalid(noWildcard, withFirst({ fixes: [{ title: fix.title, outputText: { [format]: 'not the output' } }] }), format), /fixed text/);
    assert.throws(() => runInvalid(noWildcard, withFirst({ fixes: [{ ...fix, safe: true }] }), format), /' safe$/m);
    assert.throws(() => runInvalid(noWildcard, withFirst({ fixes: [{ title: 'Replace', output: {} }] }), format), /0 fixes start with 'Replace'/);
    assert.throws(() => runInvalid(noWildcard, withFirst({ fixes: [{ title: fix.title }] }), format), /state the fixed/);
  });

  test(`[${format}] fails when safe fixes change the files and the case states no output`, () => {
    const duplicate: InvalidCase = { name: 'duplicate', properties: { restrictOutboundNetworkAccess: true, allowedFqdnList: ['a.contoso.com', 'A.contoso.com', 'b.contoso.com'] }, errors: [{ messageId: 'duplicate', at: ['properties', 'allowedFqdnList', 1] }] };
    assert.throws(() => runInvalid(noDuplicate, duplicate, format), /state the case's output/);
    runInvalid(noDuplicate, { ...duplicate, output: { properties: { restrictOutboundNetworkAccess: true, allowedFqdnList: ['a.contoso.com', 'b.contoso.com'] } } }, format);
  });

  test(`[${format}] fails when a fix leaves its finding, or a clean fix leaves another rule's`, () => {
    // A broken rule: its fix sets an unrelated property, so the finding stays.
    const broken = createRule({
      id: 'broken-fix', defaultLevel: 'warning', description: 'Test rule.', messages: { m: 'message' },
      check: (resource) => (resource.properties?.member('fixed') ? [] : [{
        at: resource.typeLoc, messageId: 'm',
        fixes: () => [{ title: 'Set other', safe: false, changes: [{ kind: 'set', target: resource.declaration, path: ['properties', 'other'], value: 1 }] }],
      }]),
    });
    assert.throws(() => runInvalid(broken, { name: 'broken', errors: [{ messageId: 'm', at: ['type'], fixes: [{ title: 'Set other', output: { properties: { other: 1 } } }] }] }, format), /still there after the fix/);
    const cleanCase: InvalidCase = { name: 'clean', errors: [{ messageId: 'notSet', at: ['type'], fixes: [{ title: 'Restrict outbound network access', clean: true, output: { properties: { restrictOutboundNetworkAccess: true, allowedFqdnList: [] } } }] }] };
    // Restricting leaves disable-public-network-access's finding: not clean.
    assert.throws(() => runInvalid(restrict, cleanCase, format), /no findings of any rule/);
  });

  test(`[${format}] fails on a message placeholder the report leaves unfilled`, () => {
    const unfilled = createRule({
      id: 'unfilled', defaultLevel: 'info', description: 'Test rule.', messages: { m: 'AI service {{resource}} is {{state}}.' },
      check: (resource) => [{ at: resource.typeLoc, messageId: 'm', data: { resource: resource.name } }],
    });
    assert.throws(() => runInvalid(unfilled, { name: 'unfilled', errors: [{ messageId: 'm', at: ['type'] }] }, format), /placeholder/);
  });

  test(`[${format}] refuses a case that does not say where, points at nothing, or does not parse`, () => {
    assert.throws(() => runInvalid(noWildcard, withFirst({ at: undefined, arm: undefined, bicep: undefined }), format), /say where the finding is/);
    assert.throws(() => runInvalid(noWildcard, withFirst({ at: 'nowhere' }), format), /nothing recorded at mark 'nowhere'/);
    assert.throws(() => runValid(noWildcard, { name: 'broken', code: { [format]: format === 'arm' ? '{ "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": [ }' : "resource ai 'x@1' = {\n  name: \n" } }, format), /has problems/);
    assert.throws(() => runValid(restrict, { name: 'bad option', options: { nope: true } }, format), /has no option 'nope'/);
  });
}

test('a fixed file must be well-formed: JSON for ARM (comments allowed), zero parse errors for Bicep', () => {
  assertWellFormed('file:///x/t.json', '{ // ok\n "a": 1 }', 'ok');
  assert.throws(() => assertWellFormed('file:///x/t.json', '{ "a": 1, }', 'json'), /not valid JSON/);
  assertWellFormed('file:///x/main.bicep', "var a = 1\n", 'ok');
  assert.throws(() => assertWellFormed('file:///x/main.bicep', "var a = \n", 'bicep'), /does not parse as Bicep/);
});

test('the renderer records the range it wrote, in both formats', () => {
  const spec = { params: { p: { type: 'string' as const, default: 'x' } }, properties: { a: [1, marked('two', 'b')], c: { d: true } } };
  const arm = render(spec, 'arm');
  const bicep = render(spec, 'bicep');
  const at = (r: typeof arm, key: string) => { const range = r.ranges.get(key)!; return r.files[range.uri].slice(range.start, range.end); };
  assert.equal(at(arm, pathKey(['type'])), '"Microsoft.CognitiveServices/accounts"');
  assert.equal(at(bicep, pathKey(['type'])), "'Microsoft.CognitiveServices/accounts@2024-10-01'");
  assert.equal(at(arm, pathKey(['apiVersion'])), '"2024-10-01"');
  assert.equal(at(bicep, pathKey(['apiVersion'])), '2024-10-01');
  assert.equal(at(arm, markKey('two')), '"b"');
  assert.equal(at(bicep, markKey('two')), "'b'");
  assert.equal(at(arm, pathKey(['properties', 'c'])), '{\n          "d": true\n        }');
  assert.equal(at(bicep, pathKey(['properties', 'c'])), '{\n      d: true\n    }');
  assert.equal(at(arm, pathKey(['parameters', 'p'])), '"x"');
  assert.equal(at(bicep, pathKey(['parameters', 'p'])), "'x'");
  assert.equal(bicep.files[bicep.uri].split('\n')[0], "param p string = 'x'");
});

test('the renderer writes other resources: condition, scope, parent, existing, kind, suppressions and nested children', () => {
  const spec: TemplateSpec = {
    condition: expr({ arm: "parameters('deploy')", bicep: 'deploy' }),
    children: [{ type: 'managedNetworks', apiVersion: '2025-10-01-preview', name: 'default', properties: { a: 1 } }],
    resources: [
      { type: 'Microsoft.Insights/diagnosticSettings', apiVersion: '2021-05-01-preview', name: 'logs', scope: expr({ arm: "format('Microsoft.CognitiveServices/accounts/{0}', 'oai')", bicep: 'ai' }), condition: false, properties: { workspaceId: marked('ws', 'w') } },
      { type: 'Microsoft.CognitiveServices/accounts/managedNetworks', apiVersion: '2025-10-01-preview', name: 'default', parent: 'ai', existing: true, properties: { x: 1 } },
      { type: 'Microsoft.MachineLearningServices/workspaces', apiVersion: '2024-10-01', name: 'hub1', symbol: 'hub', kind: 'Hub', suppress: { 'some-rule': 'why' }, children: [{ type: 'outboundRules', apiVersion: '2024-10-01', name: 'r', properties: {} }] },
    ],
  };
  const arm = render(spec, 'arm');
  const bicep = render(spec, 'bicep');
  assert.equal(arm.files[arm.uri], `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {
      "condition": "[parameters('deploy')]",
      "type": "Microsoft.CognitiveServices/accounts",
      "apiVersion": "2024-10-01",
      "name": "oai",
      "location": "eastus",
      "kind": "OpenAI",
      "tags": {
        "owner": "team"
      },
      "properties": {},
      "resources": [
        {
          "type": "managedNetworks",
          "apiVersion": "2025-10-01-preview",
          "name": "default",
          "properties": {
            "a": 1
          }
        }
      ]
    },
    {
      "condition": false,
      "type": "Microsoft.Insights/diagnosticSettings",
      "apiVersion": "2021-05-01-preview",
      "name": "logs",
      "scope": "[format('Microsoft.CognitiveServices/accounts/{0}', 'oai')]",
      "properties": {
        "workspaceId": "w"
      }
    },
    {
      "type": "Microsoft.CognitiveServices/accounts/managedNetworks",
      "apiVersion": "2025-10-01-preview",
      "name": "oai/default",
      "existing": true,
      "properties": {
        "x": 1
      }
    },
    {
      "type": "Microsoft.MachineLearningServices/workspaces",
      "apiVersion": "2024-10-01",
      "name": "hub1",
      "kind": "Hub",
      "metadata": {
        "aiEgressGuard": {
          "suppress": {
            "some-rule": "why"
          }
        }
      },
      "resources": [
        {
          "type": "outboundRules",
          "apiVersion": "2024-10-01",
          "name": "r",
          "properties": {}
        }
      ]
    }
  ]
}
`);
  assert.equal(bicep.files[bicep.uri], `resource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = if (deploy) {
  name: 'oai'
  location: 'eastus'
  kind: 'OpenAI'
  tags: {
    owner: 'team'
  }
  properties: {}

  resource c1 'managedNetworks@2025-10-01-preview' = {
    name: 'default'
    properties: {
      a: 1
    }
  }
}

resource r1 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = if (false) {
  name: 'logs'
  scope: ai
  properties: {
    workspaceId: 'w'
  }
}

resource r2 'Microsoft.CognitiveServices/accounts/managedNetworks@2025-10-01-preview' existing = {
  parent: ai
  name: 'default'
}

// why
#disable-next-line some-rule
resource hub 'Microsoft.MachineLearningServices/workspaces@2024-10-01' = {
  name: 'hub1'
  kind: 'Hub'

  resource c1 'outboundRules@2024-10-01' = {
    name: 'r'
    properties: {}
  }
}
`);
  const at = (r: typeof arm, key: string) => { const range = r.ranges.get(key)!; return r.files[range.uri].slice(range.start, range.end); };
  assert.equal(at(arm, markKey('ws')), '"w"');
  assert.equal(at(bicep, markKey('ws')), "'w'");
  assert.equal(at(arm, pathKey(['children', 0, 'name'])), '"default"');
  assert.equal(at(bicep, pathKey(['children', 0, 'name'])), "'default'");
  assert.equal(at(arm, pathKey(['resources', 2, 'children', 0, 'name'])), '"r"');
  assert.equal(at(bicep, pathKey(['resources', 2, 'children', 0, 'name'])), "'r'");
  assert.equal(at(arm, pathKey(['resources', 0, 'condition'])), 'false');
  assert.equal(at(bicep, pathKey(['resources', 0, 'condition'])), 'false');
  // A grandchild's ARM name holds its parents' names.
  const grandchild = render({ resources: [{ type: 'a/n', apiVersion: '1', name: 'default', symbol: 'n', parent: 'ai' }, { type: 'a/n/r', apiVersion: '1', name: 'all', parent: 'n' }] }, 'arm');
  assert.equal(at(grandchild, pathKey(['resources', 1, 'name'])), '"oai/default/all"');
  // A parent that names no resource with a literal name cannot be written in ARM.
  assert.throws(() => render({ resources: [{ type: 't/c', apiVersion: '1', name: 'c', parent: 'nope' }] }, 'arm'), /no resource with a literal name has the symbol 'nope'/);
});

test("a case's other files are written beside the template, and may not replace the case's own", () => {
  // The endpoint is in the module, which must be found (a module that cannot be read is a problem of the case).
  const withModule: ValidCase = {
    name: 'module',
    code: {
      bicep: `resource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai'
  properties: { publicNetworkAccess: 'Disabled' }
}
module endpoint 'modules/pe.bicep' = {
  name: 'endpoint'
  params: { targetId: ai.id }
}
`,
    },
    files: {
      'modules/pe.bicep': `param targetId string
resource pe 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: 'pe'
  properties: { privateLinkServiceConnections: [ { name: 'x', properties: { privateLinkServiceId: targetId } } ] }
}
`,
    },
  };
  runValid(usePrivateEndpoint, withModule, 'bicep');
  assert.throws(() => runValid(usePrivateEndpoint, { ...withModule, files: undefined }, 'bicep'), /the case's template has problems/);
  assert.throws(() => runValid(usePrivateEndpoint, { ...withModule, files: { 'main.bicep': '' } }, 'bicep'), /file main\.bicep is already written by the case/);
});
