// Policy and linter agree (issue 12, §2): for every AI account deployed by the rule tests' templates, by a
// table of cases in ARM and Bicep, and by the shared corpora, the generated policy is non-compliant exactly when
// the linter reports the matching rule, except for the differences docs/enforcing-in-azure.md lists, which are
// asserted where they occur and nowhere else.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ruleById, rules } from '../../rules';
import { mergeSettings, type Settings } from '../../server/src/engine/config';
import type { FileKind } from '../../server/src/engine/model';
import { nodeFileHost } from '../../server/src/workspace/node-host';
import { ROOT } from '../support/paths';
import { BUILT_INS, memberParameterValues, type Json } from '../../server/src/policy/definitions';
import { evaluatePolicy, type PolicyResource } from '../../server/src/policy/evaluate';
import { builtInDefinition, compareFile, describeFigures, DIFFERENCES, policyFor, tally, type Comparison, type Difference } from './agreement';
import { harvest } from './harvest';

const CORPUS_ROOT = path.resolve(ROOT, '..', 'shared', 'corpus');
const RESTRICT = 'restrict-outbound-network-access';
const WILDCARD = 'no-wildcard-fqdns';
const OWNER = 'require-owner-tag';
const APPROVED = 'no-unexplained-fqdns';

function assertNoDisagreement(comparisons: readonly Comparison[]): void {
  const bad = comparisons.filter((c) => c.outcome === 'disagree');
  assert.deepEqual(bad.map((c) => `${c.key} ${c.ruleId}: policy ${c.policy}, linter [${c.linter.join(', ')}]${c.suppressed ? ' (suppressed)' : ''}`), []);
}

// ---------------------------------------------------------------------------------------------
// The rule tests' templates

test('policy and linter agree on every AI account, managed network and outbound rule the rule tests lint', async (t) => {
  const dir = path.join(__dirname, '..', 'rules');
  const inputs = await harvest(dir, () => true);
  assert.ok(inputs.length > 20, `expected the rule tests' templates, got ${inputs.length}`);
  const comparisons = inputs.flatMap((i) => compareFile(i.label, i.file, i.options));
  const figures = tally(comparisons);
  t.diagnostic(describeFigures(`rule tests (${inputs.length} templates)`, figures));
  assertNoDisagreement(comparisons);
  assert.ok(figures.agreements > 50);
});

// ---------------------------------------------------------------------------------------------
// A table of cases, each in ARM JSON and Bicep, asserting the outcome per rule

type Val = null | boolean | number | string | Val[] | { [k: string]: Val } | Param | Format;
class Param { constructor(readonly name: string) {} }
class Format { constructor(readonly format: string, readonly param: string) {} }
const p = (name: string) => new Param(name);
const fmt = (format: string, param: string) => new Format(format, param);

interface Spec {
  readonly kind?: string;
  readonly tags?: Val;
  readonly properties: Record<string, Val>;
  /** Parameters: name → default (undefined: none). */
  readonly params?: Record<string, { type: string; default?: Val }>;
  readonly suppress?: string;
  /** Extra resources (ARM JSON objects / Bicep declarations). */
  readonly extra?: { arm: string; bicep: string };
}

function armValue(v: Val): unknown {
  if (v instanceof Param) return `[parameters('${v.name}')]`;
  if (v instanceof Format) return `[format('${v.format}', parameters('${v.param}'))]`;
  if (Array.isArray(v)) return v.map(armValue);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, armValue(x)]));
  return v;
}

function bicepValue(v: Val, indent = '  '): string {
  if (v instanceof Param) return v.name;
  if (v instanceof Format) return `'${v.format.replace('{0}', `\${${v.param}}`)}'`;
  if (typeof v === 'string') return `'${v.replace(/'/g, "\\'")}'`;
  if (v === null || typeof v !== 'object') return String(v);
  const inner = `${indent}  `;
  if (Array.isArray(v)) return `[\n${v.map((x) => `${inner}${bicepValue(x, inner)}\n`).join('')}${indent}]`;
  return `{\n${Object.entries(v).map(([k, x]) => `${inner}${/^[a-z_]\w*$/i.test(k) ? k : `'${k}'`}: ${bicepValue(x, inner)}\n`).join('')}${indent}}`;
}

function armOf(spec: Spec): string {
  const resource: Record<string, unknown> = {
    type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2024-10-01', name: 'ai', location: 'eastus', kind: spec.kind ?? 'OpenAI',
    ...(spec.tags !== undefined ? { tags: armValue(spec.tags) } : {}),
    ...(spec.suppress ? { metadata: { aiEgressGuard: { suppress: { [spec.suppress]: 'accepted for the test' } } } } : {}),
    properties: armValue(spec.properties),
  };
  const parameters = Object.fromEntries(Object.entries(spec.params ?? {}).map(([k, d]) => [k, { type: d.type, ...(d.default !== undefined ? { defaultValue: armValue(d.default) } : {}) }]));
  const resources = [resource, ...(spec.extra ? [JSON.parse(spec.extra.arm)] : [])];
  return JSON.stringify({ $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0', parameters, resources }, null, 2);
}

function bicepOf(spec: Spec): string {
  const params = Object.entries(spec.params ?? {}).map(([k, d]) => `param ${k} ${d.type}${d.default !== undefined ? ` = ${bicepValue(d.default, '')}` : ''}\n`).join('');
  const tags = spec.tags !== undefined ? `  tags: ${bicepValue(spec.tags)}\n` : '';
  const directive = spec.suppress ? `// accepted for the test\n#disable-next-line ${spec.suppress}\n` : '';
  return `${params}\n${directive}resource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {\n  name: 'ai'\n  location: 'eastus'\n  kind: '${spec.kind ?? 'OpenAI'}'\n${tags}  properties: ${bicepValue(spec.properties)}\n}\n${spec.extra ? `\n${spec.extra.bicep}\n` : ''}`;
}

interface Case {
  readonly name: string;
  readonly spec: Spec;
  readonly settings?: Partial<Settings> & { approvedFqdns?: string[] };
  /** Rule → [policy non-compliant, outcome]. Rules not listed are checked for agreement only. */
  readonly expect: Readonly<Record<string, readonly [boolean | 'unknown', Comparison['outcome']] | 'absent'>>;
}

const OWNED = { owner: 'team-ai' };
const RESTRICTED = { restrictOutboundNetworkAccess: true, allowedFqdnList: ['mystorage.blob.core.windows.net'] };
const STORAGE = {
  arm: JSON.stringify({ type: 'Microsoft.Storage/storageAccounts', apiVersion: '2023-05-01', name: 'mystorage', location: 'eastus', kind: 'StorageV2', sku: { name: 'Standard_LRS' } }),
  bicep: "resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {\n  name: 'mystorage'\n  location: 'eastus'\n  kind: 'StorageV2'\n  sku: { name: 'Standard_LRS' }\n}",
};

const CASES: Case[] = [
  { name: 'restriction absent', spec: { tags: OWNED, properties: {} }, expect: { [RESTRICT]: [true, 'agree'], [WILDCARD]: [false, 'agree'], [OWNER]: [false, 'agree'] } },
  { name: 'restricted with an exact host', spec: { tags: OWNED, properties: RESTRICTED }, expect: { [RESTRICT]: [false, 'agree'], [WILDCARD]: [false, 'agree'] } },
  { name: 'restriction false', spec: { tags: OWNED, properties: { restrictOutboundNetworkAccess: false } }, expect: { [RESTRICT]: [true, 'agree'] } },
  { name: "restriction as the string 'true'", spec: { tags: OWNED, properties: { restrictOutboundNetworkAccess: 'true' } }, expect: { [RESTRICT]: [true, 'agree'] } },
  { name: 'restriction false from a parameter default', spec: { tags: OWNED, params: { restrict: { type: 'bool', default: false } }, properties: { restrictOutboundNetworkAccess: p('restrict') } }, expect: { [RESTRICT]: [true, 'agree'] } },
  { name: 'restriction from a parameter without a value', spec: { tags: OWNED, params: { restrict: { type: 'bool' } }, properties: { restrictOutboundNetworkAccess: p('restrict') } }, expect: { [RESTRICT]: ['unknown', 'unknown-value'] } },
  { name: 'a kind not listed as supporting the restriction', spec: { kind: 'TextTranslation', tags: OWNED, properties: {} }, expect: { [RESTRICT]: [false, 'kind-not-listed'] } },
  { name: 'a kind not listed, restricted anyway', spec: { kind: 'TextTranslation', tags: OWNED, properties: RESTRICTED }, expect: { [RESTRICT]: [false, 'agree'] } },
  { name: 'a kind in another case', spec: { kind: 'openai', tags: OWNED, properties: {} }, expect: { [RESTRICT]: [true, 'agree'] } },
  { name: 'a wildcard entry', spec: { tags: OWNED, properties: { restrictOutboundNetworkAccess: true, allowedFqdnList: ['*.blob.core.windows.net'] } }, expect: { [WILDCARD]: [true, 'agree'], [RESTRICT]: [false, 'agree'] } },
  { name: 'a wildcard written around an unknown value', spec: { tags: OWNED, params: { suffix: { type: 'string' } }, properties: { restrictOutboundNetworkAccess: true, allowedFqdnList: [fmt('*.{0}', 'suffix')] } }, expect: { [WILDCARD]: [true, 'agree'] } },
  { name: 'an entry known only at deployment', spec: { tags: OWNED, params: { host: { type: 'string' } }, properties: { restrictOutboundNetworkAccess: true, allowedFqdnList: [p('host'), 'a.example.com'] } }, expect: { [WILDCARD]: ['unknown', 'unknown-value'] } },
  { name: 'a wildcard beside an unknown entry', spec: { tags: OWNED, params: { host: { type: 'string' } }, properties: { restrictOutboundNetworkAccess: true, allowedFqdnList: [p('host'), '*.example.com'] } }, expect: { [WILDCARD]: [true, 'agree'] } },
  { name: 'an allow-list from a parameter default', spec: { tags: OWNED, params: { hosts: { type: 'array', default: ['*.openai.azure.com'] } }, properties: { restrictOutboundNetworkAccess: true, allowedFqdnList: p('hosts') } }, expect: { [WILDCARD]: [true, 'agree'] } },
  { name: 'no tags', spec: { properties: RESTRICTED }, expect: { [OWNER]: [true, 'agree'] } },
  { name: 'an owner tag in another case', spec: { tags: { Owner: 'x' }, properties: RESTRICTED }, expect: { [OWNER]: [false, 'agree'] } },
  { name: 'tags without an owner', spec: { tags: { env: 'prod' }, properties: RESTRICTED }, expect: { [OWNER]: [true, 'agree'] } },
  { name: 'an owner tag name from the config', spec: { tags: { costCenterOwner: 'x' }, properties: RESTRICTED }, settings: { ruleOptions: { [OWNER]: { ownerTagNames: ['costCenterOwner', 'owner'] } } }, expect: { [OWNER]: [false, 'agree'] } },
  { name: 'a tag name the config does not name', spec: { tags: { costCenterOwner: 'x' }, properties: RESTRICTED }, expect: { [OWNER]: [true, 'agree'] } },
  { name: 'an empty owner', spec: { tags: { owner: '' }, properties: RESTRICTED }, expect: { [OWNER]: [true, 'agree'] } },
  { name: 'an owner of only spaces', spec: { tags: { owner: '  ' }, properties: RESTRICTED }, expect: { [OWNER]: [false, 'blank-owner'] } },
  { name: 'tags known only at deployment', spec: { tags: p('tags'), params: { tags: { type: 'object' } }, properties: RESTRICTED }, expect: { [OWNER]: ['unknown', 'unknown-value'] } },
  { name: 'an owner known only at deployment', spec: { tags: { owner: p('team') }, params: { team: { type: 'string' } }, properties: RESTRICTED }, expect: { [OWNER]: ['unknown', 'unknown-value'] } },
  { name: 'a suppressed finding', spec: { suppress: RESTRICT, tags: OWNED, properties: {} }, expect: { [RESTRICT]: [true, 'suppressed'], [OWNER]: [false, 'agree'] } },
  { name: 'a rule turned off', spec: { tags: OWNED, properties: { restrictOutboundNetworkAccess: true, allowedFqdnList: ['*.x.com'] } }, settings: { rules: { [WILDCARD]: 'off' } }, expect: { [WILDCARD]: 'absent', [RESTRICT]: [false, 'agree'] } },
  {
    name: 'an unapproved entry that the template explains (its own storage account)',
    spec: { tags: OWNED, properties: { restrictOutboundNetworkAccess: true, allowedFqdnList: ['api.contoso.com', 'mystorage.blob.core.windows.net'] }, extra: STORAGE },
    settings: { approvedFqdns: ['*.contoso.com'] },
    expect: { [APPROVED]: [true, ruleById.has(APPROVED) ? 'dependency' : 'not-comparable'] },
  },
  {
    name: 'every entry approved',
    spec: { tags: OWNED, properties: { restrictOutboundNetworkAccess: true, allowedFqdnList: ['api.contoso.com', 'API.partner.example'] } },
    settings: { approvedFqdns: ['*.contoso.com', 'api.partner.example'] },
    expect: { [APPROVED]: [false, ruleById.has(APPROVED) ? 'agree' : 'not-comparable'] },
  },
  {
    name: "an unapproved entry, approvedFqdns set as the rule's option",
    spec: { tags: OWNED, properties: { restrictOutboundNetworkAccess: true, allowedFqdnList: ['api.contoso.com', 'api.other.example'] } },
    settings: { ruleOptions: { [APPROVED]: { approvedFqdns: ['*.contoso.com'] } } },
    expect: { [APPROVED]: [true, 'agree'] },
  },
  {
    name: "every entry approved by the rule's option",
    spec: { tags: OWNED, properties: { restrictOutboundNetworkAccess: true, allowedFqdnList: ['api.contoso.com'] } },
    settings: { ruleOptions: { [APPROVED]: { approvedFqdns: ['*.contoso.com'] } } },
    expect: { [APPROVED]: [false, 'agree'] },
  },
];

function settingsOf(c: Case): Settings {
  return mergeSettings(c.settings ?? {});
}

const tableResults: Comparison[] = [];

for (const c of CASES) {
  for (const kind of ['arm', 'bicep'] as FileKind[]) {
    test(`table: ${c.name} [${kind}]`, () => {
      const text = kind === 'arm' ? armOf(c.spec) : bicepOf(c.spec);
      const uri = `file:///work/policy-case.${kind === 'arm' ? 'json' : 'bicep'}`;
      const found = compareFile(`${c.name} [${kind}]`, { uri, text, kind }, { settings: settingsOf(c), host: { readFile: () => undefined } });
      tableResults.push(...found);
      assert.ok(found.length > 0, `no account compared:\n${text}`);
      for (const [ruleId, expected] of Object.entries(c.expect)) {
        const mine = found.filter((f) => f.ruleId === ruleId);
        if (expected === 'absent') { assert.deepEqual(mine, [], `${ruleId} should have no definition`); continue; }
        assert.equal(mine.length, 1, `${ruleId}: one comparison expected, got ${mine.length}\n${text}`);
        assert.deepEqual([mine[0].policy, mine[0].outcome], expected, `${ruleId}: linter [${mine[0].linter.join(', ')}]\n${text}`);
      }
      assertNoDisagreement(found);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Managed networks and their outbound rules (Foundry accounts/managedNetworks, Azure Machine Learning
// workspaces), each case in ARM JSON and Bicep

const FOUNDRY_NETWORK = 'Microsoft.CognitiveServices/accounts/managedNetworks';
const FOUNDRY_RULE = 'Microsoft.CognitiveServices/accounts/managedNetworks/outboundRules';
const WORKSPACE = 'Microsoft.MachineLearningServices/workspaces';
const WORKSPACE_NETWORK = 'Microsoft.MachineLearningServices/workspaces/managedNetworks';
const WORKSPACE_RULE = 'Microsoft.MachineLearningServices/workspaces/outboundRules';
const MANAGED = 'restrict-managed-network-outbound';
const BROAD = 'no-broad-outbound-rules';

interface Res {
  readonly sym: string;
  readonly type: string;
  readonly api: string;
  /** Own name (the last segment for a child). */
  readonly name: string;
  readonly parent?: Res;
  readonly kind?: string;
  readonly properties: Record<string, Val>;
}

const account: Res = { sym: 'ai', type: 'Microsoft.CognitiveServices/accounts', api: '2024-10-01', name: 'ai', kind: 'AIServices', properties: RESTRICTED };
const foundryNetwork = (mode: Val, rules?: Record<string, Val>): Res => ({
  sym: 'network', type: FOUNDRY_NETWORK, api: '2025-10-01-preview', name: 'default', parent: account,
  properties: { managedNetwork: { isolationMode: mode, ...(rules ? { outboundRules: rules } : {}) } },
});
const foundryRule = (properties: Record<string, Val>, mode = 'AllowOnlyApprovedOutbound'): Res[] => {
  const network = foundryNetwork(mode);
  return [account, network, { sym: 'rule', type: FOUNDRY_RULE, api: '2025-10-01-preview', name: 'rule1', parent: network, properties }];
};
const workspace = (kind: string, managedNetwork?: Record<string, Val>): Res => ({
  sym: 'ws', type: WORKSPACE, api: '2024-10-01', name: 'ws1', kind, properties: managedNetwork ? { managedNetwork } : {},
});
const workspaceRule = (properties: Record<string, Val>): Res[] => {
  const ws = workspace('Hub', { isolationMode: 'AllowOnlyApprovedOutbound' });
  return [ws, { sym: 'rule', type: WORKSPACE_RULE, api: '2024-10-01', name: 'rule1', parent: ws, properties }];
};
const fqdnRule = (destination: string, extra: Record<string, Val> = {}) => ({ type: 'FQDN', destination, category: 'UserDefined', ...extra });

const fullName = (r: Res): string[] => (r.parent ? [...fullName(r.parent), r.name] : [r.name]);

function armOfResources(resources: readonly Res[], params: Record<string, { type: string }> = {}): string {
  const out = resources.map((r) => ({
    type: r.type, apiVersion: r.api, name: fullName(r).join('/'),
    ...(r.parent ? { dependsOn: [`[resourceId('${r.parent.type}', ${fullName(r.parent).map((n) => `'${n}'`).join(', ')})]`] } : { location: 'eastus' }),
    ...(r.kind ? { kind: r.kind } : {}),
    ...(r.type === account.type ? { tags: OWNED } : {}),
    properties: armValue(r.properties),
  }));
  return JSON.stringify({ $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0', parameters: params, resources: out }, null, 2);
}

function bicepOfResources(resources: readonly Res[], params: Record<string, { type: string }> = {}): string {
  const head = Object.entries(params).map(([k, d]) => `param ${k} ${d.type}\n`).join('');
  return head + resources.map((r) => {
    const lines = [
      ...(r.parent ? [`  parent: ${r.parent.sym}`] : []),
      `  name: '${r.name}'`,
      ...(r.parent ? [] : ["  location: 'eastus'"]),
      ...(r.kind ? [`  kind: '${r.kind}'`] : []),
      ...(r.type === account.type ? [`  tags: ${bicepValue(OWNED)}`] : []),
      `  properties: ${bicepValue(r.properties)}`,
    ];
    return `\nresource ${r.sym} '${r.type}@${r.api}' = {\n${lines.join('\n')}\n}\n`;
  }).join('');
}

interface ManagedCase {
  readonly name: string;
  readonly resources: readonly Res[];
  readonly params?: Record<string, { type: string }>;
  /** [resource type, rule] → [policy non-compliant, outcome]; every comparison of the case must be listed. */
  readonly expect: readonly (readonly [string, string, boolean | 'unknown', Comparison['outcome']])[];
}

const MANAGED_CASES: ManagedCase[] = [
  { name: 'a Foundry managed network allowing internet outbound', resources: [account, foundryNetwork('AllowInternetOutbound')], expect: [[FOUNDRY_NETWORK, MANAGED, true, 'agree'], [FOUNDRY_NETWORK, BROAD, false, 'agree']] },
  { name: 'a Foundry managed network allowing only approved outbound', resources: [account, foundryNetwork('AllowOnlyApprovedOutbound')], expect: [[FOUNDRY_NETWORK, MANAGED, false, 'agree'], [FOUNDRY_NETWORK, BROAD, false, 'agree']] },
  { name: 'a Foundry managed network in another case', resources: [account, foundryNetwork('allowonlyapprovedoutbound')], expect: [[FOUNDRY_NETWORK, MANAGED, false, 'agree'], [FOUNDRY_NETWORK, BROAD, false, 'agree']] },
  { name: 'a Foundry managed network Disabled', resources: [account, foundryNetwork('Disabled')], expect: [[FOUNDRY_NETWORK, MANAGED, true, 'isolation-not-approved'], [FOUNDRY_NETWORK, BROAD, false, 'agree']] },
  { name: 'a Foundry isolation mode known only at deployment', resources: [account, foundryNetwork(p('mode'))], params: { mode: { type: 'string' } }, expect: [[FOUNDRY_NETWORK, MANAGED, 'unknown', 'unknown-value'], [FOUNDRY_NETWORK, BROAD, false, 'agree']] },
  {
    name: 'a wildcard FQDN rule inside the Foundry outboundRules map',
    resources: [account, foundryNetwork('AllowOnlyApprovedOutbound', { all: fqdnRule('*.com') })],
    expect: [[FOUNDRY_NETWORK, MANAGED, false, 'agree'], [FOUNDRY_NETWORK, BROAD, false, 'rules-in-map']],
  },
  { name: 'a Foundry FQDN rule resource for a public suffix', resources: foundryRule(fqdnRule('*.com')), expect: [[FOUNDRY_NETWORK, MANAGED, false, 'agree'], [FOUNDRY_NETWORK, BROAD, false, 'agree'], [FOUNDRY_RULE, BROAD, true, 'agree']] },
  { name: 'a Foundry FQDN rule resource for every host', resources: foundryRule(fqdnRule('*')), expect: [[FOUNDRY_RULE, BROAD, true, 'agree']] },
  { name: 'a Foundry FQDN rule resource for an exact host', resources: foundryRule(fqdnRule('api.contoso.com')), expect: [[FOUNDRY_RULE, BROAD, false, 'agree']] },
  { name: 'a Foundry FQDN rule resource on an unsupported port', resources: foundryRule(fqdnRule('api.contoso.com:8080')), expect: [[FOUNDRY_RULE, BROAD, true, 'agree']] },
  { name: 'a Foundry FQDN rule resource on port 443', resources: foundryRule(fqdnRule('api.contoso.com:443')), expect: [[FOUNDRY_RULE, BROAD, false, 'agree']] },
  { name: 'a Foundry FQDN rule resource for a package mirror', resources: foundryRule(fqdnRule('*.pytorch.org')), expect: [[FOUNDRY_RULE, BROAD, true, 'narrow-wildcard']] },
  { name: 'a Foundry FQDN rule resource for storage in approved-only mode', resources: foundryRule(fqdnRule('mydata.blob.core.windows.net')), expect: [[FOUNDRY_RULE, BROAD, false, 'storage-fqdn']] },
  { name: 'a Foundry FQDN rule resource with ports in portRanges', resources: foundryRule(fqdnRule('api.contoso.com', { portRanges: '8080' })), expect: [[FOUNDRY_RULE, BROAD, false, 'port-ranges']] },
  { name: 'a Foundry private endpoint rule resource', resources: foundryRule({ type: 'PrivateEndpoint', destination: { serviceResourceId: '/subscriptions/x/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/mydata', subresourceTarget: 'blob' } }), expect: [[FOUNDRY_RULE, BROAD, false, 'agree']] },
  { name: 'a workspace allowing internet outbound', resources: [workspace('Hub', { isolationMode: 'AllowInternetOutbound' })], expect: [[WORKSPACE, MANAGED, true, 'agree'], [WORKSPACE, BROAD, false, 'agree']] },
  { name: 'a workspace allowing only approved outbound', resources: [workspace('Default', { isolationMode: 'AllowOnlyApprovedOutbound' })], expect: [[WORKSPACE, MANAGED, false, 'agree'], [WORKSPACE, BROAD, false, 'agree']] },
  { name: 'a workspace without a managed network', resources: [workspace('Default')], expect: [[WORKSPACE, MANAGED, true, 'isolation-not-approved'], [WORKSPACE, BROAD, false, 'agree']] },
  { name: 'a hub with its managed network Disabled', resources: [workspace('Hub', { isolationMode: 'Disabled' })], expect: [[WORKSPACE, MANAGED, true, 'isolation-not-approved'], [WORKSPACE, BROAD, false, 'agree']] },
  {
    name: 'a wildcard FQDN rule inside a workspace outboundRules map',
    resources: [workspace('Hub', { isolationMode: 'AllowInternetOutbound', outboundRules: { blob: fqdnRule('*.blob.core.windows.net') } })],
    expect: [[WORKSPACE, MANAGED, true, 'agree'], [WORKSPACE, BROAD, false, 'rules-in-map']],
  },
  { name: 'a workspace FQDN rule resource for a multi-tenant domain', resources: workspaceRule(fqdnRule('*.blob.core.windows.net')), expect: [[WORKSPACE, MANAGED, false, 'agree'], [WORKSPACE, BROAD, false, 'agree'], [WORKSPACE_RULE, BROAD, true, 'agree']] },
  { name: 'a workspace FQDN rule resource for an exact host', resources: workspaceRule(fqdnRule('pypi.org')), expect: [[WORKSPACE_RULE, BROAD, false, 'agree']] },
  {
    name: 'a hub whose network is a workspaces/managedNetworks child',
    resources: ((): Res[] => { const ws = workspace('Hub'); return [ws, { sym: 'net', type: WORKSPACE_NETWORK, api: '2024-10-01', name: 'default', parent: ws, properties: { isolationMode: 'AllowInternetOutbound' } }]; })(),
    expect: [[WORKSPACE, MANAGED, true, 'isolation-not-approved'], [WORKSPACE, BROAD, false, 'agree'], [WORKSPACE_NETWORK, MANAGED, false, 'workspace-network-child'], [WORKSPACE_NETWORK, BROAD, false, 'agree']],
  },
];

for (const c of MANAGED_CASES) {
  for (const kind of ['arm', 'bicep'] as FileKind[]) {
    test(`table: ${c.name} [${kind}]`, () => {
      const text = kind === 'arm' ? armOfResources(c.resources, c.params) : bicepOfResources(c.resources, c.params);
      const uri = `file:///work/policy-case.${kind === 'arm' ? 'json' : 'bicep'}`;
      const found = compareFile(`${c.name} [${kind}]`, { uri, text, kind }, { settings: mergeSettings({}), host: { readFile: () => undefined } });
      tableResults.push(...found);
      const managed = found.filter((f) => f.type.toLowerCase() !== account.type.toLowerCase());
      const listed = (f: Comparison) => c.expect.some(([type, ruleId]) => type.toLowerCase() === f.type.toLowerCase() && ruleId === f.ruleId);
      for (const [type, ruleId, policy, outcome] of c.expect) {
        const mine = managed.filter((f) => f.type.toLowerCase() === type.toLowerCase() && f.ruleId === ruleId);
        assert.equal(mine.length, 1, `${type} ${ruleId}: one comparison expected, got ${mine.length}\n${text}`);
        assert.deepEqual([mine[0].policy, mine[0].outcome], [policy, outcome], `${type} ${ruleId}: linter [${mine[0].linter.join(', ')}]\n${text}`);
      }
      // Cases that name a resource's comparisons name all of them.
      const named = new Set(c.expect.map(([type]) => type.toLowerCase()));
      assert.deepEqual(managed.filter((f) => named.has(f.type.toLowerCase()) && !listed(f)).map((f) => `${f.type} ${f.ruleId}`), []);
      assertNoDisagreement(found);
    });
  }
}

test('table: a Bicep module and an ARM parameter file deploy the values the linter and policy both see', () => {
  const module = "param restrict bool = true\nresource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {\n  name: 'in-module'\n  location: 'eastus'\n  kind: 'AIServices'\n  tags: { owner: 'x' }\n  properties: { restrictOutboundNetworkAccess: restrict }\n}\n";
  const main = "module a './ai.bicep' = {\n  name: 'a'\n  params: { restrict: false }\n}\nmodule b './ai.bicep' = {\n  name: 'b'\n}\n";
  const files: Record<string, string> = { 'file:///work/m/ai.bicep': module, 'file:///work/m/main.bicep': main };
  const bicep = compareFile('module', { uri: 'file:///work/m/main.bicep', text: main, kind: 'bicep' }, { settings: mergeSettings({}), host: { readFile: (u) => files[u] } });
  assert.deepEqual(bicep.filter((c) => c.ruleId === RESTRICT).map((c) => [c.policy, c.outcome]), [[true, 'agree'], [false, 'agree']]);
  const arm = armOf({ tags: OWNED, params: { restrict: { type: 'bool' } }, properties: { restrictOutboundNetworkAccess: p('restrict') } });
  const params = JSON.stringify({ $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#', contentVersion: '1.0.0.0', parameters: { restrict: { value: false } } });
  const armFiles: Record<string, string> = { 'file:///work/p/azuredeploy.json': arm, 'file:///work/p/azuredeploy.parameters.json': params };
  const withParams = compareFile('parameter file', { uri: 'file:///work/p/azuredeploy.json', text: arm, kind: 'arm' }, { settings: mergeSettings({}), host: { readFile: (u) => armFiles[u], listDir: () => ['azuredeploy.json', 'azuredeploy.parameters.json'] } });
  assert.deepEqual(withParams.filter((c) => c.ruleId === RESTRICT).map((c) => [c.policy, c.outcome]), [[true, 'agree']]);
  tableResults.push(...bicep, ...withParams);
});

test('built-in 6ddb1705 (its rule transcribed in fixtures): its own default isolationMode, Disabled, inverts it; the initiative passes AllowOnlyApprovedOutbound', () => {
  const { set } = policyFor(mergeSettings({}));
  const member = set.members.find((m) => m.builtIn?.id === BUILT_INS.managedNetwork.id)!;
  const builtIn = builtInDefinition(BUILT_INS.managedNetwork.id);
  assert.ok(builtIn, 'test/policy/fixtures has the built-in\'s rule');
  const workspace = (mode?: string): PolicyResource => ({ type: 'Microsoft.MachineLearningServices/workspaces', name: 'ws', kind: 'Hub', properties: mode ? { managedNetwork: { isolationMode: mode } } : {} });
  const modes = ['AllowInternetOutbound', 'AllowOnlyApprovedOutbound', 'Disabled', undefined];
  const verdicts = (parameters: Record<string, Json>) => modes.map((mode) => evaluatePolicy(builtIn, workspace(mode), parameters).nonCompliant);
  assert.deepEqual(verdicts({}), [true, true, false, true], 'assigned with its defaults it flags every workspace but an explicitly Disabled one');
  assert.deepEqual(memberParameterValues(set, member), { effect: 'Audit', isolationMode: 'AllowOnlyApprovedOutbound' });
  assert.deepEqual(verdicts(memberParameterValues(set, member) as Record<string, Json>), [true, false, true, true]);
});

test('table: every listed difference occurs, in both formats', (t) => {
  const figures = tally(tableResults);
  t.diagnostic(describeFigures('table', figures));
  const expected = (Object.keys(DIFFERENCES) as Difference[]).filter((d) => d !== 'dependency' || ruleById.has(APPROVED));
  for (const d of expected) {
    for (const kind of ['arm', 'bicep']) {
      assert.ok(tableResults.some((c) => c.outcome === d && c.key.includes(`[${kind}]`)), `difference '${d}' never occurs in ${kind}`);
    }
  }
  assert.deepEqual(figures.disagreements, []);
});

test('the docs list every difference the test knows', () => {
  const md = fs.readFileSync(path.join(ROOT, 'docs', 'enforcing-in-azure.md'), 'utf8');
  for (const id of Object.keys(DIFFERENCES)) assert.match(md, new RegExp(`\\| \`${id}\` \\|`), `docs/enforcing-in-azure.md has no row for '${id}'`);
  // Every rule is in the map, linked to its page or (for a rule another change is adding) named as code.
  for (const rule of rules) assert.ok(md.includes(`[${rule.id}](rules/${rule.id}.md)`) || md.includes(`| \`${rule.id}\``), `docs/enforcing-in-azure.md does not map rule ${rule.id}`);
});

// ---------------------------------------------------------------------------------------------
// The corpora

const armCorpus = path.join(CORPUS_ROOT, 'arm');
const bicepCorpus = path.join(CORPUS_ROOT, 'bicep');

function filesUnder(dir: string, ext: string): string[] {
  const out: string[] = [];
  const visit = (abs: string): void => {
    for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
      const child = path.join(abs, entry.name);
      if (entry.isDirectory()) visit(child);
      else if (entry.name.toLowerCase().endsWith(ext)) out.push(child);
    }
  };
  visit(dir);
  return out.sort();
}

test('policy and linter agree on every AI account, managed network and outbound rule of the ARM corpus', { skip: fs.existsSync(armCorpus) ? false : `${armCorpus} is absent` }, (t) => {
  const comparisons: Comparison[] = [];
  for (const file of filesUnder(armCorpus, '.json')) {
    const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
    comparisons.push(...compareFile(path.relative(CORPUS_ROOT, file), { uri: pathToFileURL(file).href, text, kind: 'arm' }, { settings: mergeSettings({}), host: { readFile: () => undefined } }));
  }
  const figures = tally(comparisons);
  t.diagnostic(describeFigures('ARM corpus', figures));
  assert.ok(figures.accounts >= 20, `expected the corpus's accounts, got ${figures.accounts}`);
  assertNoDisagreement(comparisons);
});

test('policy and linter agree on every AI account, managed network and outbound rule of the Bicep corpus (entry points, modules followed)', { skip: fs.existsSync(bicepCorpus) ? false : `${bicepCorpus} is absent` }, (t) => {
  const files = filesUnder(bicepCorpus, '.bicep');
  // Entry points: files no other file calls as a module (a module is checked through its callers).
  const called = new Set<string>();
  for (const file of files) {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/^\s*module\s+\w+\s+'([^']+\.bicep)'/gm)) called.add(path.resolve(path.dirname(file), m[1]));
  }
  const host = nodeFileHost();
  const comparisons: Comparison[] = [];
  for (const file of files.filter((f) => !called.has(f))) {
    comparisons.push(...compareFile(path.relative(CORPUS_ROOT, file), { uri: pathToFileURL(file).href, text: fs.readFileSync(file, 'utf8'), kind: 'bicep' }, { settings: mergeSettings({}), host }));
  }
  const figures = tally(comparisons);
  t.diagnostic(describeFigures('Bicep corpus', figures));
  assert.ok(figures.accounts >= 1, 'the Foundry baseline deploys an account');
  assertNoDisagreement(comparisons);
});
