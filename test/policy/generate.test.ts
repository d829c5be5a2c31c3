// The generated policy: the shape Azure requires of definitions, initiatives, assignments and exemptions (checked
// explicitly, from the documented structure: no schema is available offline), aliases and built-in ids from the
// facts file, what the config includes, determinism, and the Bicep output re-parsing with our own parser.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { mergeSettings, type Settings } from '../../server/src/engine/config';
import { parseBicep } from '../../server/src/engine/bicep/parser';
import { loadArm } from '../../server/src/engine/arm/load';
import { loadBicep } from '../../server/src/engine/bicep/load';
import { ALIAS_PATHS } from '../../server/src/policy/aliases';
import { BUILT_INS, EFFECTS, type Json, type PolicyDefinition } from '../../server/src/policy/definitions';
import { generatePolicy, type GeneratedFile, type PolicyFormat, type PolicyScope } from '../../server/src/policy/generate';
import { ROOT } from '../support/paths';
import { builtInDefinition } from './agreement';

const FACTS = path.resolve(ROOT, '..', 'shared', 'notes', 'azure-egress-facts.md');
const PARAMETER_TYPES = ['String', 'Array', 'Object', 'Boolean', 'Integer', 'Float', 'DateTime'];
const OPERATORS = ['equals', 'notEquals', 'like', 'notLike', 'match', 'matchInsensitively', 'notMatch', 'notMatchInsensitively', 'contains', 'notContains', 'in', 'notIn', 'containsKey', 'notContainsKey', 'less', 'lessOrEquals', 'greater', 'greaterOrEquals', 'exists'];
const COUNT_OPERATORS = ['equals', 'notEquals', 'less', 'lessOrEquals', 'greater', 'greaterOrEquals', 'in', 'notIn'];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type Obj = Record<string, Json>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function settings(layer: Partial<Settings> & { approvedFqdns?: string[] } = {}): Settings {
  const { approvedFqdns, ...rest } = layer;
  const merged = mergeSettings(rest);
  return approvedFqdns ? { ...merged, approvedFqdns } as Settings : merged;
}

function files(format: PolicyFormat, s = settings(), effect: 'Audit' | 'Deny' = 'Audit', scope?: PolicyScope): Map<string, string> {
  return new Map(generatePolicy({ settings: s, format, effect, scope }).files.map((f: GeneratedFile) => [f.path, f.content]));
}

// ---------------------------------------------------------------------------------------------
// Shape checks

/** Expressions used in policy text: parameters('x') and current('x') references. */
function referencesIn(text: string, fn: 'parameters' | 'current'): string[] {
  return [...text.matchAll(new RegExp(`${fn}\\('([^']+)'\\)`, 'g'))].map((m) => m[1]);
}

function checkParameters(where: string, parameters: Json): string[] {
  const problems: string[] = [];
  if (!isObj(parameters)) return [`${where}: parameters must be an object`];
  for (const [name, spec] of Object.entries(parameters)) {
    const at = `${where}: parameter '${name}'`;
    if (!isObj(spec)) { problems.push(`${at} must be an object`); continue; }
    if (!PARAMETER_TYPES.includes(String(spec.type))) problems.push(`${at}: type '${spec.type}' is not one of ${PARAMETER_TYPES.join(', ')}`);
    if (!isObj(spec.metadata) || typeof spec.metadata.displayName !== 'string' || typeof spec.metadata.description !== 'string') problems.push(`${at}: needs metadata.displayName and metadata.description`);
    if (spec.allowedValues !== undefined && (!Array.isArray(spec.allowedValues) || !spec.allowedValues.length)) problems.push(`${at}: allowedValues must be a non-empty array`);
    if (spec.defaultValue !== undefined) {
      if (Array.isArray(spec.allowedValues) && !spec.allowedValues.includes(spec.defaultValue as never)) problems.push(`${at}: defaultValue ${JSON.stringify(spec.defaultValue)} is not an allowed value`);
      if (spec.type === 'Array' && !Array.isArray(spec.defaultValue)) problems.push(`${at}: defaultValue must be an array`);
      if (spec.type === 'String' && typeof spec.defaultValue !== 'string') problems.push(`${at}: defaultValue must be a string`);
    }
  }
  return problems;
}

function checkCondition(where: string, c: Json, counted: readonly string[], problems: string[]): void {
  if (!isObj(c)) { problems.push(`${where}: a condition must be an object`); return; }
  const logical = ['allOf', 'anyOf', 'not'].filter((k) => k in c);
  if (logical.length) {
    if (Object.keys(c).length !== 1) problems.push(`${where}: a logical operator stands alone (${Object.keys(c).join(', ')})`);
    const inner = c[logical[0]];
    if (logical[0] === 'not') checkCondition(`${where}.not`, inner, counted, problems);
    else if (!Array.isArray(inner) || !inner.length) problems.push(`${where}.${logical[0]} must be a non-empty array`);
    else inner.forEach((x, i) => checkCondition(`${where}.${logical[0]}[${i}]`, x, counted, problems));
    return;
  }
  const subjects = ['field', 'value', 'count'].filter((k) => k in c);
  if (subjects.length !== 1) { problems.push(`${where}: needs exactly one of field, value, count`); return; }
  const ops = Object.keys(c).filter((k) => k !== subjects[0]);
  const allowed = subjects[0] === 'count' ? COUNT_OPERATORS : OPERATORS;
  if (ops.length !== 1 || !allowed.includes(ops[0])) { problems.push(`${where}: needs exactly one operator of ${allowed.join(', ')}, has ${ops.join(', ')}`); return; }
  if (ops[0] === 'exists' && typeof c.exists !== 'boolean') problems.push(`${where}: exists takes true or false`);
  // like and notLike take one wildcard at most (Azure Policy definition structure, "Conditions").
  if ((ops[0] === 'like' || ops[0] === 'notLike') && typeof c[ops[0]] === 'string' && !String(c[ops[0]]).startsWith('[') && String(c[ops[0]]).split('*').length > 2) problems.push(`${where}: ${ops[0]} '${c[ops[0]]}' has more than one *`);
  if (subjects[0] === 'field') {
    const f = c.field;
    if (typeof f !== 'string') problems.push(`${where}: field must be a string`);
    else if (f.startsWith('[')) {
      if (!/^\[concat\('tags\[', current\('\w+'\), '\]'\)\]$/.test(f)) problems.push(`${where}: unexpected field expression ${f}`);
    } else if (!['type', 'kind', 'name', 'location', 'tags'].includes(f.toLowerCase()) && !ALIAS_PATHS.has(f.toLowerCase())) {
      problems.push(`${where}: '${f}' is no known field or alias`);
    } else if (f.includes('[*]') && !counted.includes(f.toLowerCase())) {
      problems.push(`${where}: '${f}' outside a count over it`);
    }
  }
  if (subjects[0] === 'count') {
    const count = c.count;
    if (!isObj(count)) { problems.push(`${where}.count must be an object`); return; }
    const byField = typeof count.field === 'string';
    if (byField === ('value' in count)) problems.push(`${where}.count needs field or value, not both`);
    if (byField && !String(count.field).endsWith('[*]')) problems.push(`${where}.count.field must be a [*] alias`);
    if (!byField && typeof count.name !== 'string') problems.push(`${where}.count over a value needs a name for current()`);
    if (typeof c[ops[0]] !== 'number') problems.push(`${where}: a count compares with a number`);
    const inner = byField ? [...counted, String(count.field).toLowerCase()] : [...counted, String(count.name).toLowerCase()];
    if (count.where !== undefined) checkCondition(`${where}.count.where`, count.where, inner, problems);
    return;
  }
  for (const name of referencesIn(JSON.stringify(c), 'current')) {
    if (!counted.includes(name.toLowerCase())) problems.push(`${where}: current('${name}') names no enclosing count`);
  }
}

/** The resource types a condition compares the `type` field with. */
function typesIn(c: Json): string[] {
  if (Array.isArray(c)) return c.flatMap(typesIn);
  if (!isObj(c)) return [];
  if (c.field === 'type') return [c.equals, c.in].flat().filter((t): t is string => typeof t === 'string');
  return Object.values(c).flatMap(typesIn);
}

function checkDefinition(d: PolicyDefinition | Obj): string[] {
  const def = d as Obj;
  const problems: string[] = [];
  const name = String(def.name);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) problems.push(`name '${name}': 1-64 letters, digits, - or _`);
  if (def.type !== 'Microsoft.Authorization/policyDefinitions') problems.push(`${name}: type`);
  const p = def.properties;
  if (!isObj(p)) return [...problems, `${name}: no properties`];
  for (const key of ['displayName', 'description', 'policyType', 'mode', 'metadata', 'parameters', 'policyRule']) if (!(key in p)) problems.push(`${name}: properties.${key} is required`);
  if (typeof p.displayName !== 'string' || p.displayName.length > 128) problems.push(`${name}: displayName up to 128 characters`);
  if (typeof p.description !== 'string' || p.description.length > 512) problems.push(`${name}: description up to 512 characters`);
  if (p.policyType !== 'Custom') problems.push(`${name}: policyType Custom`);
  // Indexed evaluates only types with tags and location (AI accounts); child resources need All.
  const child = typesIn(isObj(p.policyRule) ? p.policyRule.if : null).some((t) => t.split('/').length > 2);
  if (p.mode !== (child ? 'All' : 'Indexed')) problems.push(`${name}: mode ${child ? 'All' : 'Indexed'}`);
  const meta = p.metadata;
  if (!isObj(meta) || meta.category !== 'Cognitive Services' || !/^\d+\.\d+\.\d+$/.test(String(meta.version))) problems.push(`${name}: metadata.category "Cognitive Services" and a semantic metadata.version`);
  if (!isObj(meta) || typeof meta.nonComplianceMessage !== 'string' || meta.nonComplianceMessage.length < 40 || meta.nonComplianceMessage.length > 1024) problems.push(`${name}: a nonComplianceMessage of 40-1024 characters`);
  problems.push(...checkParameters(name, p.parameters));
  const effect = isObj(p.parameters) ? p.parameters.effect : undefined;
  if (!isObj(effect) || JSON.stringify(effect.allowedValues) !== JSON.stringify(EFFECTS)) problems.push(`${name}: an effect parameter allowing exactly ${EFFECTS.join(', ')}`);
  const rule = p.policyRule;
  if (!isObj(rule) || Object.keys(rule).sort().join() !== 'if,then') return [...problems, `${name}: policyRule has exactly if and then`];
  if (!isObj(rule.then) || rule.then.effect !== "[parameters('effect')]") problems.push(`${name}: then.effect is the effect parameter`);
  checkCondition(`${name}.if`, rule.if, [], problems);
  const declared = new Set(Object.keys(isObj(p.parameters) ? p.parameters : {}));
  for (const ref of referencesIn(JSON.stringify(rule), 'parameters')) if (!declared.has(ref)) problems.push(`${name}: parameters('${ref}') is not declared`);
  for (const param of declared) if (!referencesIn(JSON.stringify(rule), 'parameters').includes(param)) problems.push(`${name}: parameter '${param}' is never used`);
  return problems;
}

function checkInitiative(policy: Obj, definitions: readonly Obj[]): string[] {
  const problems: string[] = [];
  const resources = policy.resources as Obj[];
  const set = resources.find((r) => r.type === 'Microsoft.Authorization/policySetDefinitions');
  if (!set || !isObj(set.properties)) return ['no policySetDefinitions resource'];
  const p = set.properties;
  for (const key of ['displayName', 'description', 'policyType', 'metadata', 'parameters', 'policyDefinitions']) if (!(key in p)) problems.push(`initiative: properties.${key} is required`);
  if (!isObj(p.metadata) || p.metadata.category !== 'Cognitive Services' || typeof p.metadata.version !== 'string') problems.push('initiative: metadata.category and version');
  // ARM escapes the policy's own expressions ('[[') in a deployment template.
  const unescape = (v: Json): Json => JSON.parse(JSON.stringify(v).replace(/"\[\[/g, '"['));
  const parameters = unescape(p.parameters) as Obj;
  problems.push(...checkParameters('initiative', parameters));
  const members = p.policyDefinitions as Obj[];
  const ids = members.map((m) => String(m.policyDefinitionReferenceId));
  if (new Set(ids).size !== ids.length) problems.push('initiative: policyDefinitionReferenceIds must be unique');
  const used = new Set<string>();
  for (const m of members) {
    const at = `initiative member '${m.policyDefinitionReferenceId}'`;
    if (!/^[a-z]+(-[a-z]+)*$/.test(String(m.policyDefinitionReferenceId))) problems.push(`${at}: reference id is a rule id`);
    const id = String(m.policyDefinitionId);
    const custom = /^\[managementGroupResourceId\('Microsoft\.Authorization\/policyDefinitions', '([^']+)'\)\]$/.exec(id);
    const builtIn = /^\/providers\/Microsoft\.Authorization\/policyDefinitions\/([0-9a-f-]+)$/.exec(id);
    const def = custom ? definitions.find((d) => d.name === custom[1]) : undefined;
    if (custom && !def) problems.push(`${at}: no definition named ${custom[1]}`);
    if (!custom && !(builtIn && GUID.test(builtIn[1]))) problems.push(`${at}: policyDefinitionId '${id}' is neither ours nor a built-in id`);
    const passed = unescape(m.parameters ?? {}) as Obj;
    // A built-in's parameters where its rule is transcribed (test/policy/fixtures), else just its effect.
    const builtInDef = builtIn ? builtInDefinition(builtIn[1]) as unknown as Obj | undefined : undefined;
    const source = def ?? builtInDef;
    const own = source && isObj(source.properties) && isObj(source.properties.parameters) ? source.properties.parameters : { effect: {} };
    for (const [k, v] of Object.entries(passed)) {
      if (!(k in own)) problems.push(`${at}: passes '${k}', which the definition does not declare`);
      const refs = isObj(v) && typeof v.value === 'string' ? referencesIn(v.value, 'parameters') : [];
      if (refs.length !== 1 || !(refs[0] in parameters)) problems.push(`${at}: '${k}' must pass one initiative parameter`);
      refs.forEach((r) => used.add(r));
    }
    for (const [k, spec] of Object.entries(own)) if (isObj(spec) && spec.defaultValue === undefined && !(k in passed)) problems.push(`${at}: required parameter '${k}' not passed`);
  }
  for (const name of Object.keys(parameters)) if (!used.has(name)) problems.push(`initiative: parameter '${name}' is passed to no member`);
  return problems;
}

test('every custom definition has the shape Azure requires', () => {
  const all = settings({ approvedFqdns: ['*.contoso.com', 'api.partner.example'], ruleOptions: { 'require-owner-tag': { ownerTagNames: ['owner', 'team'] } } });
  const out = files('json', all);
  const definitions = [...out].filter(([p]) => p.startsWith('definitions/')).map(([, c]) => JSON.parse(c) as Obj);
  assert.deepEqual(definitions.map((d) => [d.name, (d.properties as Obj).mode]), [
    ['ai-egress-guard-restrict-outbound-network-access', 'Indexed'], ['ai-egress-guard-no-wildcard-fqdns', 'Indexed'], ['ai-egress-guard-no-unexplained-fqdns', 'Indexed'], ['ai-egress-guard-require-owner-tag', 'Indexed'],
    ['ai-egress-guard-restrict-managed-network-outbound', 'All'], ['ai-egress-guard-no-broad-outbound-rules', 'All'],
  ]);
  assert.deepEqual(definitions.flatMap(checkDefinition), []);
  // The checks catch what they are meant to.
  const broken = JSON.parse(JSON.stringify(definitions[0])) as { properties: Record<string, unknown> & { policyRule: { if: { allOf: unknown[] } } } };
  broken.properties.mode = 'All';
  broken.properties.policyRule.if.allOf.push({ field: 'Microsoft.CognitiveServices/accounts/made.up', equals: 1, exists: true }, { field: 'kind', in: "[parameters('undeclared')]" }, { field: 'kind', like: '*a*' });
  assert.deepEqual(checkDefinition(broken as unknown as Obj).map((p) => p.replace(/^[^:]+: /, '')), [
    'mode Indexed', 'needs exactly one operator of equals, notEquals, like, notLike, match, matchInsensitively, notMatch, notMatchInsensitively, contains, notContains, in, notIn, containsKey, notContainsKey, less, lessOrEquals, greater, greaterOrEquals, exists, has equals, exists', "like '*a*' has more than one *", "parameters('undeclared') is not declared",
  ]);
});

test('the initiative groups the definitions and the built-ins, passing every parameter through', () => {
  const all = settings({ approvedFqdns: ['*.contoso.com'] });
  const out = files('json', all);
  const definitions = [...out].filter(([p]) => p.startsWith('definitions/')).map(([, c]) => JSON.parse(c) as Obj);
  const policy = JSON.parse(out.get('policy.json')!) as Obj;
  assert.equal(policy.$schema, 'https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#');
  assert.deepEqual(checkInitiative(policy, definitions), []);
  const set = (policy.resources as Obj[]).at(-1)!.properties as Obj;
  const members = (set.policyDefinitions as Obj[]).map((m) => [m.policyDefinitionReferenceId, /'([^']+)'\)\]$/.exec(String(m.policyDefinitionId))?.[1] ?? String(m.policyDefinitionId).replace(/.*\//, '')]);
  assert.deepEqual(members, [
    ['restrict-outbound-network-access', 'ai-egress-guard-restrict-outbound-network-access'],
    ['no-wildcard-fqdns', 'ai-egress-guard-no-wildcard-fqdns'],
    ['no-unexplained-fqdns', 'ai-egress-guard-no-unexplained-fqdns'],
    ['require-owner-tag', 'ai-egress-guard-require-owner-tag'],
    ['disable-public-network-access', BUILT_INS.publicNetworkAccess.id],
    ['use-private-endpoint', BUILT_INS.privateLink.id],
    ['enable-diagnostic-logs', BUILT_INS.diagnosticLogs.id],
    ['restrict-managed-network-outbound', BUILT_INS.managedNetwork.id],
    ['restrict-managed-network-outbound-foundry', 'ai-egress-guard-restrict-managed-network-outbound'],
    ['no-broad-outbound-rules', 'ai-egress-guard-no-broad-outbound-rules'],
  ]);
  // The managed-network built-in's isolationMode defaults to Disabled, which inverts it: the initiative passes
  // AllowOnlyApprovedOutbound, to it and to the Foundry definition, through a parameter with that single value.
  const managed = (set.policyDefinitions as Obj[]).filter((m) => String(m.policyDefinitionReferenceId).startsWith('restrict-managed-network-outbound'));
  for (const m of managed) assert.deepEqual(m.parameters, { effect: { value: "[[parameters('effect')]" }, isolationMode: { value: "[[parameters('managedNetworkIsolationMode')]" } });
  // Built-ins with narrower effects get parameters of their own.
  const params = set.parameters as Record<string, Obj>;
  assert.deepEqual(params.privateLinkEffect.allowedValues, ['Audit', 'Disabled']);
  assert.deepEqual(params.diagnosticLogsEffect.allowedValues, ['AuditIfNotExists', 'Disabled']);
  assert.deepEqual([params.managedNetworkIsolationMode.allowedValues, params.managedNetworkIsolationMode.defaultValue], [['AllowOnlyApprovedOutbound'], 'AllowOnlyApprovedOutbound']);
  // In Bicep too.
  const bicep = files('bicep', all).get('policy.bicep')!;
  assert.equal(bicep.match(/isolationMode: \{\n\s+value: '\[parameters\(\\'managedNetworkIsolationMode\\'\)\]'\n\s+\}/g)?.length, 2, bicep);
  assert.match(bicep, /managedNetworkIsolationMode: \{\n\s+type: 'String'\n[^}]+\}\n\s+allowedValues: \[\n\s+'AllowOnlyApprovedOutbound'\n\s+\]\n\s+defaultValue: 'AllowOnlyApprovedOutbound'/);
});


/**
 * Aliases of managed networks and outbound rules with their default paths, as maciejporebski/azure-policy-aliases
 * (generated from Get-AzPolicyAlias) lists them in aliases/Microsoft.CognitiveServices/accounts-managedNetworks.md,
 * accounts-managedNetworks-outboundRules.md and aliases/Microsoft.MachineLearningServices/workspaces-outboundRules.md;
 * the workspace isolation mode alias is the one built-in 6ddb1705-c8cf-450e-aa4b-19ad6703c440 reads.
 */
const LISTED_ALIASES: readonly (readonly [string, string])[] = [
  ['Microsoft.CognitiveServices/accounts/managedNetworks/managedNetwork.isolationMode', 'properties.managedNetwork.isolationMode'],
  ['Microsoft.CognitiveServices/accounts/managedNetworks/outboundRules/type', 'properties.type'],
  ['Microsoft.CognitiveServices/accounts/managedNetworks/outboundRules/FQDN.destination', 'properties.destination'],
  ['Microsoft.MachineLearningServices/workspaces/outboundRules/type', 'properties.type'],
  ['Microsoft.MachineLearningServices/workspaces/outboundRules/FQDN.destination', 'properties.destination'],
  ['Microsoft.MachineLearningServices/workspaces/managedNetwork.isolationMode', 'properties.managedNetwork.isolationMode'],
];

test('aliases and built-in ids are the ones the facts file or the alias listing documents', { skip: fs.existsSync(FACTS) ? false : `${FACTS} is absent` }, () => {
  const facts = fs.readFileSync(FACTS, 'utf8');
  for (const alias of ['Microsoft.CognitiveServices/accounts/restrictOutboundNetworkAccess', 'Microsoft.CognitiveServices/accounts/allowedFqdnList', 'Microsoft.CognitiveServices/accounts/allowedFqdnList[*]']) {
    assert.ok(ALIAS_PATHS.has(alias.toLowerCase()), alias);
  }
  for (const [alias, path] of ALIAS_PATHS) {
    const suffix = alias.slice('microsoft.cognitiveservices/accounts/'.length);
    const named = facts.toLowerCase().includes(`\`${alias}\``) || facts.toLowerCase().includes(`\`.../${suffix}\``);
    const listed = LISTED_ALIASES.find(([a]) => a.toLowerCase() === alias);
    assert.ok(named || listed, `alias ${alias} is neither in the facts file nor in the listing below`);
    if (listed) assert.equal(path.join('.'), listed[1], `${alias}: the listing's default path`);
  }
  for (const b of Object.values(BUILT_INS)) assert.ok(facts.includes(b.id), `built-in ${b.id} is not in the facts file`);
});

test('the assignment and the exemption: parameters, messages for the denied, Waiver or Mitigated', () => {
  const out = files('json', settings(), 'Deny');
  const assignment = JSON.parse(out.get('assignment.json')!) as Obj;
  const [a] = assignment.resources as Obj[];
  assert.equal(a.type, 'Microsoft.Authorization/policyAssignments');
  assert.ok(String(a.name).length <= 24, 'management-group assignment names have at most 24 characters');
  const props = a.properties as Obj;
  assert.equal(props.policyDefinitionId, "[parameters('policySetDefinitionId')]");
  assert.deepEqual(props.parameters, { effect: { value: "[parameters('effect')]" }, advisoryEffect: { value: "[parameters('advisoryEffect')]" } });
  const params = assignment.parameters as Record<string, Obj>;
  assert.equal(params.effect.defaultValue, 'Deny');
  assert.equal(params.advisoryEffect.defaultValue, 'Audit');
  const messages = props.nonComplianceMessages as Obj[];
  const policy = JSON.parse(out.get('policy.json')!) as Obj;
  const ids = ((policy.resources as Obj[]).at(-1)!.properties as { policyDefinitions: Obj[] }).policyDefinitions.map((m) => m.policyDefinitionReferenceId);
  assert.deepEqual(messages.map((m) => m.policyDefinitionReferenceId), ids);
  for (const m of messages) assert.ok(String(m.message).length > 40 && String(m.message).length <= 1024);

  const exemption = JSON.parse(out.get('exemption.json')!) as Obj;
  assert.equal(exemption.$schema, 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#');
  const [e] = exemption.resources as Obj[];
  assert.equal(e.type, 'Microsoft.Authorization/policyExemptions');
  const ep = exemption.parameters as Record<string, Obj>;
  assert.deepEqual(ep.exemptionCategory.allowedValues, ['Waiver', 'Mitigated']);
  assert.deepEqual(ep.ruleId.allowedValues, ids);
  assert.equal(ep.ruleId.defaultValue, 'restrict-outbound-network-access');
  const eprops = e.properties as Obj;
  assert.deepEqual(eprops.policyDefinitionReferenceIds, ["[parameters('ruleId')]"]);
  assert.equal(eprops.description, "[parameters('reason')]");
  // The exemption records the suppression it stands for, in the suppression's own shape.
  assert.deepEqual(eprops.metadata, { aiEgressGuard: { suppress: "[createObject(parameters('ruleId'), parameters('reason'))]" } });
});

test('rule levels decide: off leaves a definition out, info is audited, --effect Deny denies warning and error', () => {
  const s = settings({ rules: { 'no-wildcard-fqdns': 'off', 'disable-public-network-access': 'off', 'require-owner-tag': 'error' } });
  const { set, summary } = generatePolicy({ settings: s, effect: 'Deny' });
  assert.deepEqual(set.definitions.map((d) => d.name), ['ai-egress-guard-restrict-outbound-network-access', 'ai-egress-guard-require-owner-tag', 'ai-egress-guard-restrict-managed-network-outbound', 'ai-egress-guard-no-broad-outbound-rules']);
  assert.ok(!set.members.some((m) => m.ruleId === 'disable-public-network-access'));
  assert.deepEqual(set.leftOut.map((l) => l.ruleId), ['no-wildcard-fqdns', 'disable-public-network-access', 'valid-allowed-fqdns', 'no-duplicate-fqdns', 'use-egress-capable-api-version', 'allow-required-fqdns']);
  // Both members of restrict-managed-network-outbound go with it, and its parameter.
  const off = generatePolicy({ settings: settings({ rules: { 'restrict-managed-network-outbound': 'off', 'no-broad-outbound-rules': 'off' } }) }).set;
  assert.deepEqual(off.members.filter((m) => /managed-network|outbound-rules/.test(m.ruleId)), []);
  assert.equal(off.initiative.parameters.managedNetworkIsolationMode, undefined);
  assert.deepEqual(off.leftOut.slice(0, 2).map((l) => l.ruleId), ['restrict-managed-network-outbound', 'no-broad-outbound-rules']);
  const owner = set.definitions[1];
  assert.equal(owner.properties.parameters.effect.defaultValue, 'Deny', 'error level: denied');
  assert.ok(summary.includes('no-wildcard-fqdns: left out (turned off in the configuration)'));
  const defaults = generatePolicy({ settings: settings(), effect: 'Deny' }).set;
  assert.equal(defaults.definitions.find((d) => d.name.endsWith('require-owner-tag'))!.properties.parameters.effect.defaultValue, 'Audit', 'info level: audited');
  assert.equal(defaults.initiative.parameters.effect.defaultValue, 'Deny');
  assert.equal(defaults.initiative.parameters.advisoryEffect.defaultValue, 'Audit');
});

test('owner tag names and approved FQDNs come from the config; without approvedFqdns there is no such definition', () => {
  const owner = generatePolicy({ settings: settings({ ownerTagNames: ['costCenterOwner', 'owner'] }) }).set;
  const def = owner.definitions.find((d) => d.name.endsWith('require-owner-tag'))!;
  assert.deepEqual(def.properties.parameters.ownerTagNames.defaultValue, ['costCenterOwner', 'owner']);
  assert.deepEqual(owner.initiative.parameters.ownerTagNames.defaultValue, ['costCenterOwner', 'owner']);
  assert.match(def.properties.metadata.nonComplianceMessage, /'costCenterOwner' or 'owner'/);
  assert.ok(!generatePolicy({ settings: settings() }).set.definitions.some((d) => d.name.endsWith('no-unexplained-fqdns')));
  const approved = generatePolicy({ settings: settings({ approvedFqdns: ['*.contoso.com'] }) }).set;
  assert.deepEqual(approved.initiative.parameters.approvedFqdns.defaultValue, ['*.contoso.com']);
  // The rule's own option sets them as well (approvedFqdnsOf): the option wins over the top-level key.
  const option = generatePolicy({ settings: settings({ approvedFqdns: ['*.other.example'], ruleOptions: { 'no-unexplained-fqdns': { approvedFqdns: ['*.fabrikam.com'] } } }) }).set;
  assert.deepEqual(option.initiative.parameters.approvedFqdns.defaultValue, ['*.fabrikam.com']);
  assert.deepEqual(option.definitions.find((d) => d.name.endsWith('no-unexplained-fqdns'))!.properties.parameters.approvedFqdns.defaultValue, ['*.fabrikam.com']);
});

test('deterministic: the same settings give byte-identical files, whatever order the config lists rules in', () => {
  for (const format of ['json', 'bicep'] as const) {
    const a = files(format, settings({ rules: { 'require-owner-tag': 'warning', 'no-wildcard-fqdns': 'error' } }));
    const b = files(format, settings({ rules: { 'no-wildcard-fqdns': 'error', 'require-owner-tag': 'warning' } }));
    assert.deepEqual([...a.keys()], [...b.keys()]);
    for (const [k, v] of a) assert.equal(v, b.get(k), `${format} ${k}`);
  }
  assert.deepEqual([...files('json').keys()], [
    'definitions/ai-egress-guard-restrict-outbound-network-access.json', 'definitions/ai-egress-guard-no-wildcard-fqdns.json', 'definitions/ai-egress-guard-require-owner-tag.json',
    'definitions/ai-egress-guard-restrict-managed-network-outbound.json', 'definitions/ai-egress-guard-no-broad-outbound-rules.json',
    'policy.json', 'assignment.json', 'exemption.json',
  ]);
  assert.deepEqual([...files('bicep').keys()], ['policy.bicep', 'assignment.bicep', 'exemption.bicep']);
});

test('the Bicep output parses with this project\'s Bicep parser without errors', () => {
  for (const scope of ['managementGroup', 'subscription'] as const) {
    for (const [name, text] of files('bicep', settings({ approvedFqdns: ["*.contoso.com", "it's.example"] }), 'Deny', scope)) {
      const { diagnostics } = parseBicep(text);
      assert.deepEqual(diagnostics.map((d) => `${d.code} ${d.message}`), [], `${scope} ${name}`);
      assert.match(text, new RegExp(`targetScope = '${name === 'exemption.bicep' ? 'resourceGroup' : scope}'`));
    }
  }
});

/** The evaluated properties of each policy definition a deployment template declares, by name. */
function declaredDefinitions(loaded: ReturnType<typeof loadArm>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const r of loaded.runs[0].resources) {
    if (r.type !== 'Microsoft.Authorization/policyDefinitions') continue;
    const name = r.declaration?.member('name')?.value;
    out.set(String(name), r.declaration?.member('properties')?.value);
  }
  return out;
}

test('policy.json and policy.bicep deploy exactly the definitions of definitions/*.json (ARM escapes evaluated away)', () => {
  const s = settings({ approvedFqdns: ['*.contoso.com'] });
  const json = files('json', s);
  const expected = new Map([...json].filter(([p]) => p.startsWith('definitions/')).map(([, c]) => { const d = JSON.parse(c) as PolicyDefinition; return [d.name, d.properties]; }));
  const scope = { types: new Set(['microsoft.authorization/policydefinitions']) };
  const options = { settings: s };
  const arm = declaredDefinitions(loadArm({ uri: 'file:///p/policy.json', text: json.get('policy.json')!, kind: 'arm' }, options));
  const bicep = declaredDefinitions(loadBicep({ uri: 'file:///p/policy.bicep', text: files('bicep', s).get('policy.bicep')!, kind: 'bicep' }, options, scope));
  assert.equal(arm.size, expected.size);
  for (const [name, properties] of expected) {
    assert.deepEqual(arm.get(name), JSON.parse(JSON.stringify(properties)), `policy.json: ${name}`);
    assert.deepEqual(bicep.get(name), JSON.parse(JSON.stringify(properties)), `policy.bicep: ${name}`);
  }
});

test('subscription scope: subscription schema and resource ids', () => {
  const out = files('json', settings(), 'Audit', 'subscription');
  const policy = out.get('policy.json')!;
  assert.match(policy, /subscriptionDeploymentTemplate\.json#/);
  assert.match(policy, /\[subscriptionResourceId\('Microsoft\.Authorization\/policyDefinitions', 'ai-egress-guard-restrict-outbound-network-access'\)\]/);
  assert.doesNotMatch(policy, /managementGroup/);
  assert.match(files('bicep', settings(), 'Audit', 'subscription').get('assignment.bicep')!, /param policySetDefinitionId string = subscriptionResourceId\(/);
});
