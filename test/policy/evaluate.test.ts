// The local policy evaluator: each operator of the subset the generated definitions use, with Azure Policy's
// semantics (case-insensitive strings, absent fields, counts), and three-valued results for unknown values.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Unknown, type Value } from '../../server/src/engine/expressions/value';
import { ALIAS } from '../../server/src/policy/aliases';
import type { Json } from '../../server/src/policy/definitions';
import { evaluatePolicy, likeMatches, type PolicyResource } from '../../server/src/policy/evaluate';

const AI = 'Microsoft.CognitiveServices/accounts';
const unknown = (parts?: (string | null)[]) => new Unknown('known at deployment', 'p', parts);

function account(over: Partial<PolicyResource> = {}): PolicyResource {
  return { type: AI, name: 'ai', kind: 'OpenAI', location: 'eastus', tags: { owner: 'x' }, properties: {}, ...over };
}

/** Whether `condition` holds on the resource (with these parameters). */
function holds(condition: Json, resource: PolicyResource = account(), parameters: Record<string, Json> = {}, declared: Record<string, Json> = {}) {
  const definition = {
    properties: {
      parameters: Object.fromEntries(Object.entries(declared).map(([k, v]) => [k, { type: 'String', defaultValue: v }])),
      policyRule: { if: condition, then: { effect: 'audit' } },
    },
  };
  return evaluatePolicy(definition, resource, parameters).matched;
}

const props = (properties: Value) => account({ properties });

test('field: type, kind, name, location, tags and aliases; strings compare case-insensitively', () => {
  assert.equal(holds({ field: 'type', equals: AI.toLowerCase() }), true);
  assert.equal(holds({ field: 'kind', equals: 'openai' }), true);
  assert.equal(holds({ field: 'name', equals: 'AI' }), true);
  assert.equal(holds({ field: 'location', notEquals: 'EastUS' }), false);
  assert.equal(holds({ field: 'tags[Owner]', equals: 'X' }), true);
  assert.equal(holds({ field: "tags['owner']", exists: true }), true);
  assert.equal(holds({ field: 'tags.owner', exists: 'true' }), true);
  assert.equal(holds({ field: ALIAS.restrictOutbound, equals: true }, props({ RestrictOutboundNetworkAccess: true })), true);
  assert.throws(() => holds({ field: 'Microsoft.CognitiveServices/accounts/noSuchAlias', exists: true }), /unknown field or alias/);
});

test('equals, notEquals, in, notIn, contains, like and their negations; absent fields', () => {
  const r = props({ restrictOutboundNetworkAccess: false });
  assert.equal(holds({ field: ALIAS.restrictOutbound, equals: false }, r), true);
  assert.equal(holds({ field: ALIAS.restrictOutbound, notEquals: true }, r), true);
  assert.equal(holds({ field: ALIAS.restrictOutbound, notEquals: 'false' }, r), true, 'a bool is not the string');
  assert.equal(holds({ field: 'kind', in: ['AIServices', 'OPENAI'] }), true);
  assert.equal(holds({ field: 'kind', notIn: ['AIServices'] }), true);
  assert.equal(holds({ field: 'name', contains: 'I' }), true);
  assert.equal(holds({ field: 'name', notContains: 'z' }), true);
  assert.equal(holds({ field: 'location', like: 'east*' }), true);
  assert.equal(holds({ field: 'location', like: 'west*' }), false);
  assert.equal(holds({ field: 'location', notLike: '*us' }), false);
  // Absent: positive operators fail, negative ones hold.
  const empty = props({});
  assert.equal(holds({ field: ALIAS.restrictOutbound, exists: false }, empty), true);
  assert.equal(holds({ field: ALIAS.restrictOutbound, equals: true }, empty), false);
  assert.equal(holds({ field: ALIAS.restrictOutbound, notEquals: true }, empty), true);
  assert.equal(holds({ field: ALIAS.restrictOutbound, in: [true] }, empty), false);
  assert.equal(holds({ field: ALIAS.restrictOutbound, notIn: [true] }, empty), true);
  assert.equal(holds({ field: ALIAS.restrictOutbound, exists: false }, account({ properties: undefined })), true);
  assert.equal(holds({ field: 'kind', exists: false }, account({ kind: undefined })), true);
});

test('like: * stands for any text, dots included; the rest is literal', () => {
  assert.equal(likeMatches('*.contoso.com', 'a.b.contoso.com'), true);
  assert.equal(likeMatches('*.contoso.com', 'contoso.com'), false);
  assert.equal(likeMatches('api.partner.example', 'API.Partner.Example'), true);
  assert.equal(likeMatches('a+b(c)', 'a+b(c)'), true);
  assert.equal(likeMatches('a*b*c', 'abc'), true);
  assert.equal(likeMatches('a*b*c', 'acb'), false);
  assert.equal(likeMatches('ab*ba', 'aba'), false, 'prefix and suffix do not overlap');
});

test('allOf, anyOf and not', () => {
  const t = { field: 'kind', equals: 'OpenAI' };
  const f = { field: 'kind', equals: 'Face' };
  assert.equal(holds({ allOf: [t, t] }), true);
  assert.equal(holds({ allOf: [t, f] }), false);
  assert.equal(holds({ anyOf: [f, t] }), true);
  assert.equal(holds({ anyOf: [f, f] }), false);
  assert.equal(holds({ not: f }), true);
  assert.equal(holds({ not: { allOf: [t, { not: f }] } }), false);
});

test('count over a [*] alias, with and without where; count compared with each operator', () => {
  const r = props({ allowedFqdnList: ['a.com', '*.b.com', 'c.*.com'] });
  const wild = { field: ALIAS.allowedFqdnEntries, where: { field: ALIAS.allowedFqdnEntries, contains: '*' } };
  assert.equal(holds({ count: wild, equals: 2 }, r), true);
  assert.equal(holds({ count: wild, greater: 1 }, r), true);
  assert.equal(holds({ count: wild, greaterOrEquals: 3 }, r), false);
  assert.equal(holds({ count: wild, less: 3 }, r), true);
  assert.equal(holds({ count: wild, lessOrEquals: 1 }, r), false);
  assert.equal(holds({ count: wild, notEquals: 2 }, r), false);
  assert.equal(holds({ count: { field: ALIAS.allowedFqdnEntries }, equals: 3 }, r), true);
  // No list, or not a list: nothing to count.
  assert.equal(holds({ count: wild, equals: 0 }, props({})), true);
  assert.equal(holds({ count: wild, equals: 0 }, props({ allowedFqdnList: 'x' })), true);
  assert.throws(() => holds({ field: ALIAS.allowedFqdnEntries, contains: '*' }, r), /only supported inside a count/);
});

test('value count with name and current(); nested in a field count; parameters() and concat()', () => {
  const r = account({ tags: { CostCenterOwner: 'team' }, properties: { allowedFqdnList: ['api.contoso.com', 'evil.example'] } });
  const ownerCount: Json = {
    count: {
      value: "[parameters('names')]",
      name: 'tagName',
      where: { allOf: [{ field: "[concat('tags[', current('tagName'), ']')]", exists: true }, { field: "[concat('tags[', current('tagName'), ']')]", notEquals: '' }] },
    },
    equals: 0,
  };
  assert.equal(holds(ownerCount, r, { names: ['owner', 'costCenterOwner'] }), false);
  assert.equal(holds(ownerCount, r, { names: ['owner'] }), true);
  const unapproved = {
    count: {
      field: ALIAS.allowedFqdnEntries,
      where: { count: { value: "[parameters('approved')]", name: 'pattern', where: { field: ALIAS.allowedFqdnEntries, like: "[current('pattern')]" } }, equals: 0 },
    },
    greater: 0,
  };
  assert.equal(holds(unapproved, r, { approved: ['*.contoso.com'] }), true);
  assert.equal(holds(unapproved, r, { approved: ['*.contoso.com', '*.EXAMPLE'] }), false);
  // Declared defaults apply; passed values win; an undeclared parameter is an error, as in Azure.
  assert.equal(holds({ field: 'kind', equals: "[parameters('k')]" }, r, {}, { k: 'OpenAI' }), true);
  assert.equal(holds({ field: 'kind', equals: "[parameters('k')]" }, r, { k: 'Face' }, { k: 'OpenAI' }), false);
  assert.throws(() => holds({ field: 'kind', equals: "[parameters('nope')]" }, r), /not declared/);
  assert.throws(() => holds({ field: 'kind', equals: "[toLower('x')]" }, r), /unsupported function/);
  // '[[' escapes a literal bracket.
  assert.equal(holds({ field: 'name', equals: '[[x]' }, account({ name: '[x]' })), true);
});

test('unknown values: unknown unless the known part decides', () => {
  assert.equal(holds({ field: ALIAS.restrictOutbound, notEquals: true }, props({ restrictOutboundNetworkAccess: unknown() })), 'unknown');
  assert.equal(holds({ field: ALIAS.restrictOutbound, exists: true }, props({ restrictOutboundNetworkAccess: unknown() })), true, 'set, to a value known later');
  assert.equal(holds({ field: ALIAS.restrictOutbound, exists: true }, props(unknown())), 'unknown', 'the whole properties object unknown');
  assert.equal(holds({ field: 'kind', in: ['OpenAI'] }, account({ kind: unknown() })), 'unknown');
  // allOf with one false is false; anyOf with one true is true, whatever is unknown.
  const u = { field: 'kind', equals: 'OpenAI' };
  assert.equal(holds({ allOf: [u, { field: 'name', equals: 'other' }] }, account({ kind: unknown() })), false);
  assert.equal(holds({ anyOf: [u, { field: 'name', equals: 'ai' }] }, account({ kind: unknown() })), true);
  assert.equal(holds({ not: u }, account({ kind: unknown() })), 'unknown');
  // Counts: a definite member can decide; an unknown list cannot.
  const wild = { field: ALIAS.allowedFqdnEntries, where: { field: ALIAS.allowedFqdnEntries, contains: '*' } };
  assert.equal(holds({ count: wild, greater: 0 }, props({ allowedFqdnList: [unknown(), '*.x.com'] })), true);
  assert.equal(holds({ count: wild, greater: 0 }, props({ allowedFqdnList: [unknown(), 'a.x.com'] })), 'unknown');
  assert.equal(holds({ count: wild, greater: 0 }, props({ allowedFqdnList: [unknown(['*.', null])] })), true, 'a known piece holds the wildcard');
  assert.equal(holds({ count: wild, greater: 0 }, props({ allowedFqdnList: unknown() })), 'unknown');
  assert.equal(holds({ count: wild, equals: 0 }, props({ allowedFqdnList: [unknown()] })), 'unknown');
  assert.equal(holds({ count: wild, less: 5 }, props({ allowedFqdnList: [unknown()] })), true, 'one member counts at most once');
  // A null list is no list, as the linter reads it: nothing to count.
  assert.equal(holds({ count: wild, equals: 0 }, props({ allowedFqdnList: null })), true);
  assert.equal(holds({ count: { field: ALIAS.allowedFqdnEntries }, equals: 0 }, props({ allowedFqdnList: null })), true);
});

test('the effect decides non-compliance: Audit and Deny apply, Disabled does not', () => {
  const definition = (effect: string) => ({ properties: { parameters: { effect: { defaultValue: effect } }, policyRule: { if: { field: 'type', equals: AI }, then: { effect: "[parameters('effect')]" } } } });
  assert.equal(evaluatePolicy(definition('Audit'), account()).nonCompliant, true);
  assert.equal(evaluatePolicy(definition('Deny'), account()).nonCompliant, true);
  assert.equal(evaluatePolicy(definition('Disabled'), account()).nonCompliant, false);
  assert.equal(evaluatePolicy(definition('Audit'), account(), { effect: 'Disabled' }).effect, 'Disabled');
});

test('managed network and outbound rule aliases read the child resources\' paths; a mode not set is not equal to any', () => {
  const network = (properties: Value): PolicyResource => ({ type: 'Microsoft.CognitiveServices/accounts/managedNetworks', name: 'ai/default', properties });
  const mode = { field: ALIAS.foundryIsolationMode, notEquals: 'AllowOnlyApprovedOutbound' };
  assert.equal(holds(mode, network({ managedNetwork: { isolationMode: 'allowonlyapprovedoutbound' } })), false);
  assert.equal(holds(mode, network({ managedNetwork: { isolationMode: 'AllowInternetOutbound' } })), true);
  assert.equal(holds(mode, network({ managedNetwork: {} })), true);
  assert.equal(holds(mode, network({})), true);
  // Written directly under properties, the mode is not where the alias points.
  assert.equal(holds(mode, network({ isolationMode: 'AllowOnlyApprovedOutbound' })), true);
  assert.equal(holds(mode, network({ managedNetwork: unknown() })), 'unknown');
  const rule = (properties: Value): PolicyResource => ({ type: 'Microsoft.MachineLearningServices/workspaces/outboundRules', name: 'ws/r', properties });
  const wildcard: Json = { allOf: [{ field: ALIAS.workspaceRuleType, equals: 'FQDN' }, { field: ALIAS.workspaceRuleFqdn, contains: '*' }] };
  assert.equal(holds(wildcard, rule({ type: 'fqdn', destination: '*.pytorch.org' })), true);
  assert.equal(holds(wildcard, rule({ type: 'FQDN', destination: 'pypi.org' })), false);
  assert.equal(holds(wildcard, rule({ type: 'PrivateEndpoint', destination: { serviceResourceId: '/x' } })), false);
  const port: Json = { allOf: [{ field: ALIAS.foundryRuleFqdn, contains: ':' }, { field: ALIAS.foundryRuleFqdn, notLike: '*:80' }, { field: ALIAS.foundryRuleFqdn, notLike: '*:443' }] };
  const foundryRule = (destination: string): PolicyResource => ({ type: 'Microsoft.CognitiveServices/accounts/managedNetworks/outboundRules', name: 'ai/default/r', properties: { type: 'FQDN', destination } });
  assert.deepEqual(['a.example:8080', 'a.example:443', 'a.example:80', 'a.example', 'a.example:'].map((d) => holds(port, foundryRule(d))), [true, false, false, false, true]);
});
