// restrict-outbound-network-access: each case runs as ARM JSON and as Bicep (see test/support/ruleTester.ts).

import { rule } from '../../rules/restrict-outbound-network-access';
import { absent, param, ruleTester, variable } from '../support/ruleTester';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'jsonc-parser';
import { ACCOUNT_URI, APPROVED, LIST_DESCRIPTION, LIST_PARAM, MAIN_THROUGH_MID, MID, MID_URI, MODULE_OWN_LIST, MODULE_PROJECT, PROJECT_URI } from '../support/modules';
import { account, applyFix, applyToFiles, fixTitled, lint, lintResult, only, template, textAt, where } from '../support/lint';

const RULE = 'restrict-outbound-network-access';
const check = (text: string) => only(lint(text), RULE);

/** The cases declare no dependency of the service: the fix says the service will then reach nothing. */
const RESTRICT = "Restrict outbound network access for 'oai' (it will reach nothing: the template shows no dependency)";
const HARDEN = "Restrict outbound access, disable public network access and set networkAcls.defaultAction to 'Deny' for 'oai'";
const ADD_PE = "Add a private endpoint for 'oai' (subnet and DNS zone from parameters privateEndpointSubnetId, openAiPrivateDnsZoneId)";
const SUPPRESS = "Suppress restrict-outbound-network-access for 'oai' (with a reason)";
const restricted = { restrictOutboundNetworkAccess: true, allowedFqdnList: [] };
const schema = '"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"';

ruleTester(rule, {
  valid: [
    { name: 'true', properties: { restrictOutboundNetworkAccess: true } },
    { name: 'true from a variable', vars: { r: true }, properties: { restrictOutboundNetworkAccess: variable('r') } },
    { name: 'true on a kind outside the documented list', kind: 'TextTranslation', properties: { restrictOutboundNetworkAccess: true } },
    {
      name: 'other resource types with the same property: no rule reports them',
      account: false,
      resources: [
        { type: 'Microsoft.Sql/servers', apiVersion: '2021-11-01', name: 'sql', properties: { restrictOutboundNetworkAccess: 'Disabled' } },
        { type: 'Microsoft.Kusto/clusters', apiVersion: '2023-08-15', name: 'k', properties: {} },
        { type: 'Microsoft.Devices/IotHubs', apiVersion: '2023-06-30', name: 'hub', properties: { restrictOutboundNetworkAccess: false } },
      ],
      allRules: true,
    },
    { name: 'an existing account is not ours to check, for any rule', existing: true, allRules: true },
    { name: 'suppressed with a reason (ARM metadata, Bicep #disable-next-line)', suppress: { 'restrict-outbound-network-access': 'egress goes through the firewall' } },
  ],
  invalid: [
    {
      name: 'not set: reported at the type, at warning',
      properties: { publicNetworkAccess: 'Disabled' },
      errors: [{
        messageId: 'notSet', at: ['type'], arm: '6:15-6:53', bicep: '1:13-1:62', level: 'warning', data: { resource: "'oai'" },
        message: /^AI service 'oai' can reach any host: outbound access is not restricted\. restrictOutboundNetworkAccess is not set: /,
        fixTitles: [RESTRICT, HARDEN, ADD_PE, SUPPRESS],
      }],
    },
    {
      name: 'false: reported at the value; the fix sets true and adds an empty allow-list',
      properties: { restrictOutboundNetworkAccess: false },
      errors: [{
        messageId: 'notTrue', at: ['properties', 'restrictOutboundNetworkAccess'], data: { value: 'false', origin: '' },
        fixes: [{ title: RESTRICT, safe: false, preferred: true, output: { properties: restricted } }],
      }],
    },
    {
      name: "the string 'true' is not true",
      properties: { restrictOutboundNetworkAccess: 'true' },
      errors: [{ messageId: 'notTrue', at: ['properties', 'restrictOutboundNetworkAccess'], data: { value: "the string 'true'" }, message: /restrictOutboundNetworkAccess is the string 'true': set it to true/ }],
    },
    {
      name: 'the type is compared case-insensitively',
      type: 'microsoft.cognitiveservices/ACCOUNTS',
      errors: [{ messageId: 'notSet', at: ['type'] }],
    },
    {
      name: 'false from a parameter default: reported at the use, the preferred fix changes the default',
      params: { restrict: { type: 'bool', default: false } },
      properties: { restrictOutboundNetworkAccess: param('restrict') },
      errors: [{
        messageId: 'notTrue', at: ['properties', 'restrictOutboundNetworkAccess'], data: { origin: " (set by the default of parameter 'restrict')" },
        fixTitles: ["Set the default of parameter 'restrict' to true", RESTRICT, HARDEN, ADD_PE, SUPPRESS],
        fixes: [
          { title: "Set the default of parameter 'restrict' to true", preferred: true, output: { params: { restrict: { type: 'bool', default: true } } } },
          { index: 1, title: RESTRICT, preferred: false, output: { properties: restricted } },
        ],
      }],
    },
    {
      name: 'a parameter with no default cannot be verified: info, naming the parameter, no fix but suppression',
      params: { restrict: { type: 'bool' } },
      properties: { restrictOutboundNetworkAccess: param('restrict') },
      errors: [{
        messageId: 'unverifiable', at: ['properties', 'restrictOutboundNetworkAccess'], level: 'info',
        message: /^Outbound restriction of AI service 'oai' cannot be verified\. restrictOutboundNetworkAccess cannot be evaluated: it depends on parameter 'restrict'/, fixTitles: [SUPPRESS],
      }],
    },
    {
      name: 'false from a parameter file: the message names the file, the fix changes the file',
      params: { restrict: { type: 'bool' } },
      properties: { restrictOutboundNetworkAccess: param('restrict') },
      parameterFile: { restrict: false },
      errors: [{
        messageId: 'notTrue', at: ['properties', 'restrictOutboundNetworkAccess'], data: { origin: " (set by parameter 'restrict' in the parameter file)" },
        message: /\[with parameter file (template\.parameters\.json|main\.bicepparam)\]$/,
        fixes: [{ title: "Set parameter 'restrict' in ", output: { parameterFile: { restrict: true } } }],
      }],
    },
    {
      name: 'a kind outside the documented list: info, at the kind, saying why',
      kind: 'TextTranslation',
      errors: [{
        messageId: 'kindNotListed', at: ['kind'], level: 'info', data: { kind: 'TextTranslation' },
        message: /may not support restricting outbound access\. Its kind '[^']+' is not among the kinds the Azure documentation lists for restrictOutboundNetworkAccess/,
      }],
    },
    {
      name: 'the fix inserts the restriction and an empty allow-list after the last setting, in the file\'s indentation',
      properties: { customSubDomainName: 'oai' },
      errors: [{ messageId: 'notSet', at: ['type'], fixes: [{ title: RESTRICT, output: { properties: { customSubDomainName: 'oai', ...restricted } } }] }],
    },
    {
      name: 'the fix keeps an existing allow-list, CRLF line endings and comments',
      eol: '\r\n',
      properties: { '//': 'hosts we need', allowedFqdnList: ['a.blob.core.windows.net'], restrictOutboundNetworkAccess: false },
      errors: [{
        messageId: 'notTrue', at: ['properties', 'restrictOutboundNetworkAccess'],
        fixes: [{ title: RESTRICT, output: { properties: { '//': 'hosts we need', allowedFqdnList: ['a.blob.core.windows.net'], restrictOutboundNetworkAccess: true } } }],
      }],
    },
    {
      name: 'the hardened block adds public access Disabled and networkAcls Deny, leaving nothing for any rule',
      errors: [{
        messageId: 'notSet', at: ['type'],
        fixes: [{ title: HARDEN, clean: true, output: { properties: { ...restricted, publicNetworkAccess: 'Disabled', networkAcls: { defaultAction: 'Deny' } } } }],
      }],
    },
    {
      name: 'an account without properties gets them; the suppression fix records a reason',
      properties: absent,
      errors: [{
        messageId: 'notSet', at: ['type'],
        fixes: [
          { title: RESTRICT, output: { properties: restricted } },
          { title: SUPPRESS, output: { suppress: { 'restrict-outbound-network-access': 'TODO: say why this is acceptable' } } },
        ],
      }],
    },
    {
      name: 'properties from a variable: the fix sets the restriction in the variable',
      vars: { props: { publicNetworkAccess: 'Disabled' } },
      properties: variable('props'),
      errors: [{ messageId: 'notSet', at: ['type'], fixes: [{ title: RESTRICT, output: { vars: { props: { publicNetworkAccess: 'Disabled', ...restricted } } } }] }],
      // The `set` intent follows `properties` to the variable that holds it, in both formats.
    },
    {
      name: "Bicep: a #disable-next-line naming another rule does not silence this one",
      code: {
        bicep: `#disable-next-line no-unused-params
resource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai'
  properties: {}
}
`,
      },
      errors: [{ messageId: 'notSet', bicep: '2:13-2:62' }],
    },
    {
      name: 'accounts in a languageVersion 2.0 resources object',
      code: {
        arm: `{
  ${schema},
  "languageVersion": "2.0",
  "contentVersion": "1.0.0.0",
  "resources": {
    "ai": { "type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2024-10-01", "name": "[format('{0}-ai', 'x')]", "kind": "OpenAI", "properties": {} }
  }
}
`,
      },
      errors: [{ messageId: 'notSet', arm: '6:21-6:59', data: { resource: "'x-ai'" } }],
    },
    {
      name: 'child resources',
      code: {
        arm: `{
  ${schema},
  "contentVersion": "1.0.0.0",
  "resources": [
    { "type": "Microsoft.CognitiveServices", "apiVersion": "2024-10-01", "name": "p", "resources": [
      { "type": "accounts", "apiVersion": "2024-10-01", "name": "child-ai", "kind": "OpenAI", "properties": {} } ] }
  ]
}
`,
      },
      errors: [{ messageId: 'notSet', arm: '6:17-6:27', data: { resource: "'child-ai'" } }],
    },
    {
      name: 'inline nested deployments at any depth',
      code: {
        arm: `{
  ${schema},
  "contentVersion": "1.0.0.0",
  "resources": [
    { "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "d1", "properties": { "template": {
      "resources": [ { "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "d2", "properties": { "template": {
        "resources": [ { "type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2024-10-01", "name": "deep-ai", "kind": "OpenAI", "properties": {} } ] } } } ] } } }
  ]
}
`,
      },
      errors: [{ messageId: 'notSet', arm: '7:34-7:72', data: { resource: "'deep-ai'" } }],
    },
  ],
});

// ---- the fix allows what the service depends on -------------------------------------------------

const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
const withDeps = (properties: Record<string, unknown>, parameters: Record<string, unknown> = {}, searchName = "[parameters('search')]") => `${JSON.stringify({
  $schema: SCHEMA, contentVersion: '1.0.0.0', parameters: { search: { type: 'string', defaultValue: 'srch' }, ...parameters },
  resources: [
    { type: 'Microsoft.Search/searchServices', apiVersion: '2023-11-01', name: searchName, location: 'eastus' },
    { type: 'Microsoft.Storage/storageAccounts', apiVersion: '2023-01-01', name: 'contosodocs', location: 'eastus' },
    {
      type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2024-10-01', name: 'oai', location: 'eastus', kind: 'OpenAI', tags: { owner: 'team' },
      identity: { type: 'SystemAssigned' }, properties: { customSubDomainName: 'oai', publicNetworkAccess: 'Disabled', ...properties },
    },
    { type: 'Microsoft.Authorization/roleAssignments', apiVersion: '2022-04-01', name: 'ra1', scope: `[format('Microsoft.Search/searchServices/{0}', ${searchName.slice(1, -1)})]`,
      properties: { roleDefinitionId: "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '1407120a-92aa-4202-b7e9-c0e197c71c8f')]",
        principalId: "[reference(resourceId('Microsoft.CognitiveServices/accounts', 'oai'), '2024-10-01', 'full').identity.principalId]" } },
    { type: 'Microsoft.Authorization/roleAssignments', apiVersion: '2022-04-01', name: 'ra2', scope: 'Microsoft.Storage/storageAccounts/contosodocs',
      properties: { roleDefinitionId: "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1')]",
        principalId: "[reference(resourceId('Microsoft.CognitiveServices/accounts', 'oai'), '2024-10-01', 'full').identity.principalId]" } },
  ],
}, null, 2)}\n`;
const listOf = (text: string) => (parse(text) as { resources: { properties: { allowedFqdnList?: unknown } }[] }).resources[2].properties.allowedFqdnList;
const messages = (text: string) => lint(text).map((x) => `${x.ruleId}|${x.message}`);

test('the fix writes every host the service depends on; the title says how many; then nothing is missing', () => {
  const text = withDeps({});
  const [f] = check(text);
  const fix = fixTitled(f, "Restrict outbound network access for 'oai', allowing the 2 hosts it needs");
  assert.equal(fix.safe, false);
  assert.equal(fix.preferred, true);
  const fixed = applyFix(fix, text);
  // As the template computes them: the search service's name parameter, the storage suffix of the cloud deployed to.
  assert.deepEqual(listOf(fixed), ["[format('{0}.search.windows.net', parameters('search'))]", "[format('contosodocs.blob.{0}', environment().suffixes.storage)]"]);
  assert.deepEqual(lint(fixed), [], 'no allow-required-fqdns finding, and nothing else');
  assert.deepEqual(only(lint(fixed), 'allow-required-fqdns'), []);
});

test('the fix merges the hosts into the entries already there; with no dependency the title says it will reach nothing', () => {
  const text = withDeps({ restrictOutboundNetworkAccess: false, allowedFqdnList: ['srch.search.windows.net', 'partner.example'] });
  const [f] = check(text);
  const fixed = applyFix(fixTitled(f, "Restrict outbound network access for 'oai', allowing the 2 hosts it needs"), text);
  assert.deepEqual(listOf(fixed), ['srch.search.windows.net', 'partner.example', "[format('contosodocs.blob.{0}', environment().suffixes.storage)]"]);
  const before = messages(text).filter((m) => !m.startsWith(RULE));
  assert.deepEqual(messages(fixed), before, 'only the restriction finding goes away');
  const [bare] = check(template(account('{}')));
  assert.deepEqual(bare.fixes.map((x) => x.title).slice(0, 1), ["Restrict outbound network access for 'oai' (it will reach nothing: the template shows no dependency)"]);
});

test('Bicep: the fix writes the hosts, the same in every cloud; through a parameter default the default is set to true', () => {
  const text = `resource st 'Microsoft.Storage/storageAccounts@2023-01-01' = { name: 'contosodocs' }
resource speech 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'speech'
  kind: 'SpeechServices'
  tags: { owner: 'team' }
  properties: {
    publicNetworkAccess: 'Disabled'
    userOwnedStorage: [
      { resourceId: st.id }
    ]
  }
}
`;
  const bicep = (t: string, cloud: 'AzureCloud' | 'AzureUSGovernment' = 'AzureCloud') => [...lintResult(t, { cloud }, 'file:///work/s.bicep', 'bicep').findings];
  for (const cloud of ['AzureCloud', 'AzureUSGovernment'] as const) {
    const [f] = only(bicep(text, cloud), RULE);
    const fixed = applyFix(fixTitled(f, "Restrict outbound network access for 'speech', allowing the 1 host it needs"), text);
    assert.ok(fixed.includes("    restrictOutboundNetworkAccess: true\n    allowedFqdnList: [\n      '${st.name}.blob.${environment().suffixes.storage}'\n    ]\n"), fixed);
    assert.deepEqual(bicep(fixed, cloud), []);
  }
  const param = `param restrict bool = false\n${text.replace("    publicNetworkAccess: 'Disabled'\n", "    publicNetworkAccess: 'Disabled'\n    restrictOutboundNetworkAccess: restrict\n    allowedFqdnList: [\n      'contosodocs.blob.core.windows.net'\n    ]\n")}`;
  const [g] = only(bicep(param), RULE);
  const fixed = applyFix(fixTitled(g, "Set the default of parameter 'restrict' to true"), param);
  assert.deepEqual(bicep(fixed), []);
});

test('false from a parameter default: the preferred fix sets the default to true and allows the hosts the service needs', () => {
  const text = withDeps({ restrictOutboundNetworkAccess: "[parameters('restrict')]", allowedFqdnList: ['partner.example'] }, { restrict: { type: 'bool', defaultValue: false } });
  const [f] = check(text);
  assert.deepEqual(f.fixes.map((x) => x.title).slice(0, 2), [
    "Set the default of parameter 'restrict' to true, allowing the 2 hosts it needs",
    "Restrict outbound network access for 'oai', allowing the 2 hosts it needs",
  ]);
  const fix = f.fixes[0];
  assert.equal(fix.preferred, true);
  const fixed = applyFix(fix, text);
  assert.equal((parse(fixed) as { parameters: { restrict: { defaultValue: unknown } } }).parameters.restrict.defaultValue, true);
  assert.deepEqual(listOf(fixed), ['partner.example', "[format('{0}.search.windows.net', parameters('search'))]", "[format('contosodocs.blob.{0}', environment().suffixes.storage)]"]);
  // Restricted now, and nothing it needs is missing: only the restriction finding goes away.
  assert.deepEqual(messages(fixed), messages(text).filter((m) => !m.startsWith(RULE)));
  assert.deepEqual(only(lint(fixed), 'allow-required-fqdns'), []);
});

test('a dependency host known only in part is written as the expression the template computes it with', () => {
  const text = withDeps({}, { search: { type: 'string' } }, "[format('srch-{0}', parameters('search'))]");
  assert.deepEqual(only(lint(text.replace('"publicNetworkAccess": "Disabled"', '"publicNetworkAccess": "Disabled", "restrictOutboundNetworkAccess": true')), 'allow-required-fqdns').map((x) => x.data.host),
    ['srch-{…}.search.windows.net', 'contosodocs.blob.core.windows.net'], 'both dependencies are seen');
  const [f] = check(text);
  const fixed = applyFix(fixTitled(f, "Restrict outbound network access for 'oai', allowing the 2 hosts it needs"), text);
  assert.deepEqual(listOf(fixed), ["[format('srch-{0}.search.windows.net', parameters('search'))]", "[format('contosodocs.blob.{0}', environment().suffixes.storage)]"]);
  assert.deepEqual(messages(fixed), messages(text).filter((m) => !m.startsWith(RULE)), 'only the restriction finding goes away');
});

// ---- through modules: the hosts are passed by the nearest caller that can say them all -------------------

const MAIN_URI = 'file:///work/main.bicep';
const OUTER_URI = 'file:///work/outer.bicep';
const RESTRICT_PARAM = 'param docsEndpoint string\nparam restrict bool\n';
/** The account's module: the restriction comes from its caller; a connection's target too; its own list names a partner. */
const ACCOUNT = MODULE_OWN_LIST.replace('param docsEndpoint string\n', RESTRICT_PARAM).replace('restrictOutboundNetworkAccess: true', 'restrictOutboundNetworkAccess: restrict');
/** A module between: passes down what it is given. */
const MID_PASSING = MID.replace('param docsEndpoint string\n', RESTRICT_PARAM).replace('docsEndpoint: docsEndpoint }', 'docsEndpoint: docsEndpoint, restrict: restrict }');
/** The entry template: it alone knows both hosts (the storage account whose endpoint it passes down, the search service of a sibling project's connection), and passes restrict: false. */
const MAIN = MAIN_THROUGH_MID.replace('docsEndpoint: st.properties.primaryEndpoints.blob }', 'docsEndpoint: st.properties.primaryEndpoints.blob, restrict: false }');
/** The account's module after the fix: it takes the list, its default the list as it was. */
const ACCOUNT_TAKING_LIST = ACCOUNT.replace(RESTRICT_PARAM, `${RESTRICT_PARAM}${LIST_PARAM}`).replace("allowedFqdnList: [\n      'partner.example'\n    ]", 'allowedFqdnList: allowedFqdnList');
/** A module between after the fix: it takes the list (the same default) and passes it on. */
const threaded = (text: string) => text.replace(RESTRICT_PARAM, `${RESTRICT_PARAM}${LIST_PARAM}`).replace('restrict: restrict }', 'restrict: restrict, allowedFqdnList: allowedFqdnList }');
/** The entry template after the fix: it passes true, and the list with both hosts in its terms after the entry the module had. */
const passingHosts = (text: string) => text.replace('restrict: false }',
  "restrict: true, allowedFqdnList: ['partner.example', '${st.name}.blob.${environment().suffixes.storage}', '${search.name}.search.windows.net'] }");
const findingsIn = (uri: string, files: Record<string, string>) => [...lintResult(files[uri], APPROVED, uri, 'bicep', files).findings];
const shownIn = (uri: string, files: Record<string, string>) => findingsIn(uri, files).map((f) => `${f.ruleId}|${f.message}`);
/** Every file re-analyses with no finding of this rule or of allow-required-fqdns for the account at the entry, and nothing else changed. */
function assertOnlyFixed(files: Record<string, string>, fixed: Record<string, string>): void {
  const gone = (m: string) => m.startsWith(`${RULE}|`) || m.startsWith('allow-required-fqdns|');
  assert.deepEqual(shownIn(MAIN_URI, fixed).filter(gone), []);
  assert.deepEqual(shownIn(MAIN_URI, fixed), shownIn(MAIN_URI, files).filter((m) => !m.startsWith(`${RULE}|`)), MAIN_URI);
  for (const uri of Object.keys(files).filter((u) => u !== MAIN_URI)) assert.deepEqual(shownIn(uri, fixed), shownIn(uri, files), uri);
}

test('Bicep modules two deep: restricting where the entry template passes false threads every host through the module between', () => {
  const files: Record<string, string> = { [MAIN_URI]: MAIN, [MID_URI]: MID_PASSING, [ACCOUNT_URI]: ACCOUNT, [PROJECT_URI]: MODULE_PROJECT };
  const [f, ...rest] = only(findingsIn(MAIN_URI, files), RULE);
  assert.equal(rest.length, 0);
  assert.deepEqual([f.messageId, textAt(f), where(f)], ['notTrue', 'false', '6:94-6:99']);
  const note = " (changes module 'account.bicep' to take parameter 'allowedFqdnList', module 'mid.bicep' to take it and pass it on, and the call in main.bicep to pass it)";
  assert.deepEqual(f.fixes.map((x) => x.title), [
    `Set the value 'mid' passes for parameter 'restrict' to true, allowing the 2 hosts it needs${note}`,
    `Restrict outbound access, disable public network access and set networkAcls.defaultAction to 'Deny' for 'ai'${note}`,
    "Suppress restrict-outbound-network-access for 'ai' (with a reason)",
  ]);
  const fix = f.fixes[0];
  assert.deepEqual([fix.safe, fix.preferred], [false, true]);
  const fixed = applyToFiles([fix], files);
  assert.equal(fixed[ACCOUNT_URI], ACCOUNT_TAKING_LIST);
  assert.equal(fixed[MID_URI], threaded(MID_PASSING));
  assert.equal(fixed[MAIN_URI], passingHosts(files[MAIN_URI]));
  assert.equal(fixed[PROJECT_URI], MODULE_PROJECT);
  assertOnlyFixed(files, fixed);
});

test('Bicep modules three deep: each module between takes the list and passes it on', () => {
  const outer = MID_PASSING.replace(/account/g, 'mid');
  const files: Record<string, string> = { [MAIN_URI]: MAIN.replace(/\bmid\b/g, 'outer'), [OUTER_URI]: outer, [MID_URI]: MID_PASSING, [ACCOUNT_URI]: ACCOUNT, [PROJECT_URI]: MODULE_PROJECT };
  const [f, ...rest] = only(findingsIn(MAIN_URI, files), RULE);
  assert.equal(rest.length, 0);
  assert.deepEqual([f.messageId, where(f)], ['notTrue', '6:94-6:99']);
  const note = " (changes module 'account.bicep' to take parameter 'allowedFqdnList', module 'mid.bicep' and module 'outer.bicep' to take it and pass it on, and the call in main.bicep to pass it)";
  const fixed = applyToFiles([fixTitled(f, `Set the value 'outer' passes for parameter 'restrict' to true, allowing the 2 hosts it needs${note}`)], files);
  assert.equal(fixed[ACCOUNT_URI], ACCOUNT_TAKING_LIST);
  assert.equal(fixed[MID_URI], threaded(MID_PASSING));
  assert.equal(fixed[OUTER_URI], threaded(outer));
  assert.equal(fixed[MAIN_URI], passingHosts(files[MAIN_URI]));
  assert.equal(fixed[PROJECT_URI], MODULE_PROJECT);
  assertOnlyFixed(files, fixed);
});

test('Bicep modules: a host the module between can say is passed from there, not from the entry template', () => {
  // The module between declares the storage account itself; no sibling project.
  const mid = MID_PASSING.replace('param docsEndpoint string\n', "resource st 'Microsoft.Storage/storageAccounts@2023-01-01' = { name: 'st${baseName}' }\n")
    .replace('docsEndpoint: docsEndpoint', 'docsEndpoint: st.properties.primaryEndpoints.blob');
  const main = `module mid 'mid.bicep' = {
  name: 'mid'
  params: { baseName: 'x', restrict: false }
}
`;
  const files: Record<string, string> = { [MAIN_URI]: main, [MID_URI]: mid, [ACCOUNT_URI]: ACCOUNT };
  const [f] = only(findingsIn(MAIN_URI, files), RULE);
  const fixed = applyToFiles([fixTitled(f, "Set the value 'mid' passes for parameter 'restrict' to true, allowing the 1 host it needs (changes module 'account.bicep' to take parameter 'allowedFqdnList', and its call in mid.bicep to pass it)")], files);
  assert.equal(fixed[MAIN_URI], main.replace('restrict: false', 'restrict: true'));
  assert.equal(fixed[MID_URI], mid.replace('restrict: restrict }', "restrict: restrict, allowedFqdnList: ['partner.example', '${st.name}.blob.${environment().suffixes.storage}'] }"));
  assert.equal(fixed[ACCOUNT_URI], ACCOUNT_TAKING_LIST);
  assertOnlyFixed(files, fixed);
});

test('Bicep modules two deep, the account\'s list a nullable parameter nobody passes: the module between takes a nullable list and passes it on', () => {
  const account = ACCOUNT.replace('param restrict bool\n', 'param restrict bool\nparam hosts array?\n').replace("allowedFqdnList: [\n      'partner.example'\n    ]", 'allowedFqdnList: hosts');
  const files: Record<string, string> = { [MAIN_URI]: MAIN, [MID_URI]: MID_PASSING, [ACCOUNT_URI]: account, [PROJECT_URI]: MODULE_PROJECT };
  const [f] = only(findingsIn(MAIN_URI, files), RULE);
  const fixed = applyToFiles([fixTitled(f, "Set the value 'mid' passes for parameter 'restrict' to true, allowing the 2 hosts it needs (changes module 'mid.bicep' to take parameter 'allowedFqdnList' and pass it on, and the call in main.bicep to pass it)")], files);
  assert.equal(fixed[ACCOUNT_URI], account);
  // No default to keep: other callers of the module between still pass nothing.
  assert.equal(fixed[MID_URI], MID_PASSING.replace('param restrict bool\n', `param restrict bool\n\n@description('${LIST_DESCRIPTION}')\nparam allowedFqdnList array?\n`)
    .replace('restrict: restrict }', 'restrict: restrict, hosts: allowedFqdnList }'));
  assert.equal(fixed[MAIN_URI], files[MAIN_URI].replace('restrict: false }',
    "restrict: true, allowedFqdnList: ['${st.name}.blob.${environment().suffixes.storage}', '${search.name}.search.windows.net'] }"));
  assertOnlyFixed(files, fixed);
});

test('ARM nested deployments two deep: restricting where the entry template passes false threads the host through the nested template between', () => {
  const call = (name: string, docs: string, restrict: unknown, template: unknown) => ({
    type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name,
    properties: { mode: 'Incremental', expressionEvaluationOptions: { scope: 'inner' }, parameters: { docs: { value: docs }, restrict: { value: restrict } }, template },
  });
  const params = { docs: { type: 'string' }, restrict: { type: 'bool' } };
  const inner = {
    $schema: SCHEMA, contentVersion: '1.0.0.0', parameters: params,
    resources: [
      { type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2025-06-01', name: 'ai', location: 'eastus', kind: 'AIServices', tags: { owner: 'team' },
        identity: { type: 'SystemAssigned' },
        properties: { customSubDomainName: 'ai', publicNetworkAccess: 'Disabled', restrictOutboundNetworkAccess: "[parameters('restrict')]", allowedFqdnList: ['partner.example'] } },
      { type: 'Microsoft.CognitiveServices/accounts/connections', apiVersion: '2025-06-01', name: 'ai/docs', dependsOn: ['ai'], properties: { category: 'AzureBlob', target: "[parameters('docs')]" } },
    ],
  };
  const mid = { $schema: SCHEMA, contentVersion: '1.0.0.0', parameters: params, resources: [call('account', "[parameters('docs')]", "[parameters('restrict')]", inner)] };
  const entry = (midCall: unknown) => ({
    $schema: SCHEMA, contentVersion: '1.0.0.0', parameters: { st: { type: 'string', defaultValue: 'contosodocs' } },
    resources: [{ type: 'Microsoft.Storage/storageAccounts', apiVersion: '2023-01-01', name: "[parameters('st')]", location: 'eastus' }, midCall],
  });
  const docs = "[reference(resourceId('Microsoft.Storage/storageAccounts', parameters('st')), '2023-01-01').primaryEndpoints.blob]";
  const text = `${JSON.stringify(entry(call('mid', docs, false, mid)), null, 2)}\n`;
  const arm = (t: string) => [...lintResult(t, APPROVED, 'file:///work/deps.json').findings];
  const [f, ...rest] = only(arm(text), RULE);
  assert.equal(rest.length, 0);
  assert.deepEqual([f.messageId, textAt(f)], ['notTrue', 'false']);
  const fixed = applyFix(fixTitled(f, "Set the value 'mid' passes for parameter 'restrict' to true, allowing the 1 host it needs (changes nested deployment 'account' to take parameter 'allowedFqdnList', nested deployment 'mid' to take it and pass it on, and the call in deps.json to pass it)"), text);
  // Every template of the file, exactly: each nested template takes the list (its default the list as it is) and passes it on.
  const listParam = { type: 'array', defaultValue: ['partner.example'], metadata: { description: LIST_DESCRIPTION } };
  const innerFixed = { ...inner, parameters: { ...params, allowedFqdnList: listParam },
    resources: [{ ...inner.resources[0], properties: { ...inner.resources[0].properties, allowedFqdnList: "[parameters('allowedFqdnList')]" } }, inner.resources[1]] };
  const accountCall = call('account', "[parameters('docs')]", "[parameters('restrict')]", innerFixed);
  accountCall.properties.parameters = { ...accountCall.properties.parameters, allowedFqdnList: { value: "[parameters('allowedFqdnList')]" } } as typeof accountCall.properties.parameters;
  const midCall = call('mid', docs, true, { ...mid, parameters: { ...params, allowedFqdnList: listParam }, resources: [accountCall] });
  midCall.properties.parameters = { ...midCall.properties.parameters,
    allowedFqdnList: { value: ['partner.example', "[format('{0}.blob.{1}', parameters('st'), environment().suffixes.storage)]"] } } as typeof midCall.properties.parameters;
  assert.deepEqual(parse(fixed), entry(midCall));
  const shown = (t: string) => arm(t).map((x) => `${x.ruleId}|${x.message}`);
  assert.deepEqual(shown(fixed).filter((m) => m.startsWith('allow-required-fqdns|')), []);
  assert.deepEqual(shown(fixed), shown(text).filter((m) => !m.startsWith(`${RULE}|`)));
});
