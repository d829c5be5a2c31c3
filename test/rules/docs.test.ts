// Meta-test in the spirit of Bicep's linter rule tests: every rule in the registry is
// well-formed and has a docs page that matches its code (default level, quick fixes and
// whether they are safe, suppression examples), and no page documents a rule that does not exist.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultOptions, docsUrl, rules, subjectTypes, type Rule } from '../../rules';
import { DeploymentGraph } from '../../server/src/engine/graph/graph';
import { analyze } from '../../server/src/engine/analyze';
import { mergeSettings } from '../../server/src/engine/config';
import { Unknown, type Value } from '../../server/src/engine/expressions/value';
import type { AiResource, Loc, OriginKind, SourceFile, ValueNode } from '../../server/src/engine/model';
import { ruleHelp } from '../../server/src/report/ruleDocs';

// The test runs from out/test/rules/; the repository root is three levels up.
const ROOT = path.resolve(__dirname, '../../..');
const RULE_DOCS = path.join(ROOT, 'docs', 'rules');

const LEVELS = ['error', 'warning', 'info'];
/** Where docs links point (SARIF helpUri, the settings' fallback): the repository package.json names, its docs/ folder. */
const DOCS_WEB = `${(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { repository: { url: string } }).repository.url}/blob/main/docs/`;
const REQUIRED_SECTIONS = [
  'What it checks',
  'Why it matters',
  'Examples that fail',
  'Examples that pass',
  'How to fix',
  'How to suppress',
  'Configuration',
];

// ---------------------------------------------------------------------------------------------
// Reading the docs pages

function pagePath(id: string): string {
  return path.join(RULE_DOCS, `${id}.md`);
}

function readPage(id: string): string {
  return fs.readFileSync(pagePath(id), 'utf8').replace(/\r\n?/g, '\n');
}

/** The page without fenced code blocks, so `#` lines in Bicep snippets are not taken for headings. */
function prose(md: string): string {
  return md.replace(/^```[^\n]*\n[\s\S]*?^```[ \t]*$/gm, '');
}

function headings(md: string, level: number): string[] {
  const marker = `${'#'.repeat(level)} `;
  return prose(md).split('\n').filter((l) => l.startsWith(marker)).map((l) => l.slice(marker.length).trim());
}

function section(md: string, name: string): string {
  const text = prose(md);
  const start = text.indexOf(`\n## ${name}\n`);
  if (start < 0) return '';
  const next = text.indexOf('\n## ', start + 1);
  return text.slice(start, next < 0 ? undefined : next);
}

/** A section with its code blocks. */
function rawSection(md: string, name: string): string {
  const start = md.indexOf(`\n## ${name}\n`);
  if (start < 0) return '';
  const next = md.indexOf('\n## ', start + 1);
  return md.slice(start, next < 0 ? undefined : next);
}

interface DocumentedFix { readonly title: string; readonly safe: boolean }

/** Quick fixes are documented as table rows: | `title` | yes/no | what it does |. Placeholders are written <like-this>. */
function documentedFixes(md: string): DocumentedFix[] {
  const rows: DocumentedFix[] = [];
  for (const match of prose(md).matchAll(/^\|\s*`([^`]+)`\s*\|\s*(yes|no)\s*\|/gm)) {
    rows.push({ title: match[1], safe: match[2] === 'yes' });
  }
  return rows;
}

/** A documented title as a pattern: placeholders such as <name> or <entry> stand for any text. */
function titlePattern(title: string): RegExp {
  const parts = title.split(/<[a-z][a-z-]*>/);
  return new RegExp(`^${parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

// ---------------------------------------------------------------------------------------------
// Collecting the quick fixes the rules really offer, by running them on probe resources

const FILE: SourceFile = { uri: 'file:///probe/azuredeploy.json', text: '', kind: 'arm' };
const LOC: Loc = { file: FILE, start: 0, end: 0 };

type Spec = null | boolean | number | string | Unknown | ValueNode | Spec[] | { [key: string]: Spec };

function isNode(spec: Spec): spec is ValueNode {
  return typeof spec === 'object' && spec !== null && !(spec instanceof Unknown) && typeof (spec as { member?: unknown }).member === 'function';
}

/** A value written literally in the template; members and items too, unless given as nodes. */
function node(spec: Spec): ValueNode {
  if (isNode(spec)) return spec;
  if (Array.isArray(spec)) {
    const items = spec.map(node);
    return { value: items.map((i) => i.value), loc: LOC, literal: true, member: () => undefined, items: () => items };
  }
  if (typeof spec === 'object' && spec !== null && !(spec instanceof Unknown)) {
    const members = new Map(Object.entries(spec).map(([k, v]) => [k, node(v)] as const));
    const value: Record<string, Value> = {};
    for (const [k, v] of members) value[k] = v.value;
    return {
      value,
      loc: LOC,
      literal: true,
      member: (name) => [...members].find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1],
      items: () => undefined,
    };
  }
  return { value: spec, loc: LOC, literal: !(spec instanceof Unknown), member: () => undefined, items: () => undefined };
}

/** A value that flowed in from elsewhere (`[parameters('x')]`): written where its origin is. */
function from(kind: OriginKind, name: string, written: Spec, via?: string): ValueNode {
  const origin = node(written);
  return { value: origin.value, loc: LOC, literal: false, origin: { kind, name, node: origin, via }, member: (n) => origin.member(n), items: () => origin.items() };
}

function resource(name: string, body: { [key: string]: Spec }, type = 'Microsoft.CognitiveServices/accounts'): AiResource {
  const declaration = node({ type, apiVersion: '2024-10-01', name, kind: 'OpenAI', ...body });
  const apiVersion = declaration.member('apiVersion')?.value;
  return {
    id: `#${name}`,
    type,
    existing: false,
    deploymentPath: [],
    name,
    file: FILE,
    declaration,
    typeLoc: LOC,
    apiVersion: typeof apiVersion === 'string' ? { value: apiVersion, loc: LOC } : undefined,
    kind: declaration.member('kind'),
    properties: declaration.member('properties'),
    tags: declaration.member('tags'),
    suppressions: new Map(),
    context: { deploymentPath: [] },
  };
}

const PROBE_STORAGE = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/probedocs';

/** Resources that, between them, make every rule offer every kind of fix it has. */
const PROBES: readonly AiResource[] = [
  resource('bare', { properties: {} }),
  resource('from-default', {
    tags: { team: 'ai' },
    properties: {
      restrictOutboundNetworkAccess: from('parameter-default', 'restrictOutbound', false),
      publicNetworkAccess: from('parameter-default', 'publicAccess', 'Enabled'),
    },
  }),
  resource('from-caller', { properties: { restrictOutboundNetworkAccess: from('caller', 'restrict', false, 'speech-module') } }),
  resource('literal-false', { properties: { restrictOutboundNetworkAccess: false, publicNetworkAccess: 'Enabled' } }),
  resource('unknowns', { tags: new Unknown('reference'), properties: { restrictOutboundNetworkAccess: new Unknown('no default', 'restrict'), publicNetworkAccess: new Unknown('reference') } }),
  resource('legacy', { apiVersion: '2017-04-18', kind: 'ComputerVision', properties: { restrictOutboundNetworkAccess: true } }),
  resource('unlisted-kind', { kind: 'Bing.Search.v7', properties: {} }),
  resource('empty-owner', { tags: { owner: '' }, properties: { restrictOutboundNetworkAccess: true } }),
  resource('list', {
    tags: { Owner: 'ai-platform' },
    properties: {
      restrictOutboundNetworkAccess: true,
      publicNetworkAccess: 'Disabled',
      allowedFqdnList: [
        '*.blob.core.windows.net',
        'https://contoso-search.search.windows.net/indexes',
        'contoso-kv.vault.azure.net',
        'https://contoso-kv.vault.azure.net/',
        'Contoso-KV.vault.azure.net',
        'contosodocs.blob.core.windows.net:443',
        '10.0.0.4',
        '',
      ],
    },
  }),
  resource('list-from-default', {
    properties: {
      restrictOutboundNetworkAccess: true,
      allowedFqdnList: from('parameter-default', 'allowedFqdns', ['contosodocs.blob.core.windows.net', 'contosodocs.blob.core.windows.net', '*.vault.azure.net']),
    },
  }),
  resource('long-list', { properties: { restrictOutboundNetworkAccess: true, allowedFqdnList: Array.from({ length: 1001 }, (_, i) => `host${i}.contoso.com`) } }),
  // Rules that check other types (meta.subjects) get probes of those types.
  resource('foundry/default', { properties: { managedNetwork: { isolationMode: 'AllowInternetOutbound', outboundRules: { all: { type: 'FQDN', destination: '*' } } } } },
    'Microsoft.CognitiveServices/accounts/managedNetworks'),
  resource('hub', { kind: 'Hub', properties: {} }, 'Microsoft.MachineLearningServices/workspaces'),
  // Dependencies (a user-owned storage account outside the deployment): the fixes that write their hosts.
  resource('needs-storage', { kind: 'FormRecognizer', properties: { restrictOutboundNetworkAccess: true, allowedFqdnList: [], userOwnedStorage: [{ resourceId: PROBE_STORAGE }] } }),
  resource('open-with-storage', { kind: 'FormRecognizer', properties: { userOwnedStorage: [{ resourceId: PROBE_STORAGE }] } }),
  resource('wildcard-storage', { kind: 'FormRecognizer', properties: { restrictOutboundNetworkAccess: true, allowedFqdnList: ['*.blob.core.windows.net'], userOwnedStorage: [{ resourceId: PROBE_STORAGE }] } }),
];

const GRAPH = new DeploymentGraph();
for (const probe of PROBES) {
  if (probe.type === 'Microsoft.CognitiveServices/accounts') GRAPH.addAccount(probe);
  else GRAPH.add(probe);
}

/** The suppression fix is added by the engine to every finding; its title is read from the engine's source. */
function suppressFix(ruleId: string): DocumentedFix {
  const source = fs.readFileSync(path.join(ROOT, 'server', 'src', 'engine', 'analyze.ts'), 'utf8');
  const match = /function suppressFix\b[\s\S]*?title:\s*`([^`]*)`,\s*safe:\s*(true|false)/.exec(source);
  assert.ok(match, 'suppressFix (title and safe) not found in server/src/engine/analyze.ts: update this test');
  return { title: match[1].replace(/\$\{ruleId\}/g, ruleId).replace(/\$\{[^}]*\}/g, 'probe'), safe: match[2] === 'true' };
}

function offeredFixes(rule: Rule): DocumentedFix[] {
  const seen = new Map<string, DocumentedFix>();
  const types = new Set(subjectTypes(rule).map((t) => t.toLowerCase()));
  for (const probe of PROBES.filter((p) => types.has(p.type.toLowerCase()))) {
    for (const report of rule.check(probe, { options: defaultOptions(rule), graph: GRAPH })) {
      for (const fix of report.fixes?.() ?? []) seen.set(fix.title, { title: fix.title, safe: fix.safe });
    }
  }
  // Findings about suppressions are not suppressed one by one in the editor.
  if (!rule.checkSuppressions) {
    const suppress = suppressFix(rule.id);
    seen.set(suppress.title, suppress);
  }
  return [...seen.values()];
}

// ---------------------------------------------------------------------------------------------
// Running the pages' ARM examples through the engine

/** The ```json blocks of a section: whole resources, or fragments such as `"parameters": {...}, "resources": [...]`. */
function jsonBlocks(md: string, name: string): Record<string, unknown>[] {
  return [...rawSection(md, name).matchAll(/^```json\n([\s\S]*?)^```$/gm)].map((m) => {
    try {
      return JSON.parse(m[1]) as Record<string, unknown>;
    } catch {
      return JSON.parse(`{${m[1]}}`) as Record<string, unknown>;
    }
  });
}

/** A deployment template around an example; parameters it uses but does not declare get no value. */
function templateOf(example: Record<string, unknown>): string {
  const body: Record<string, unknown> = typeof example.type === 'string' ? { resources: [example] } : { ...example };
  const parameters = { ...(body.parameters as Record<string, unknown> | undefined) };
  for (const m of JSON.stringify(body).matchAll(/parameters\('([^']+)'\)/g)) parameters[m[1]] ??= { type: 'string' };
  return JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    ...body,
    parameters,
  }, null, 2);
}

function findingsOf(ruleId: string, example: Record<string, unknown>): string[] {
  const result = analyze({ uri: 'file:///docs/example.json', text: templateOf(example), kind: 'arm' }, { settings: mergeSettings({}) });
  return result.findings.filter((f) => f.ruleId === ruleId).map((f) => `[${f.level}] ${f.message}`);
}

function bicepBlocks(md: string, name: string): string[] {
  return [...rawSection(md, name).matchAll(/^```bicep\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

function bicepFindingsOf(ruleId: string, source: string): string[] {
  const result = analyze({ uri: 'file:///docs/example.bicep', text: source, kind: 'bicep' }, { settings: mergeSettings({}) });
  return result.findings.filter((f) => f.ruleId === ruleId).map((f) => `[${f.level}] ${f.message}`);
}

// ---------------------------------------------------------------------------------------------
// The registry

test('the registry has rules', () => {
  assert.ok(rules.length > 0);
});

test('rule ids are unique', () => {
  const ids = rules.map((r) => r.id);
  assert.deepEqual(ids.filter((id, i) => ids.indexOf(id) !== i), []);
});

test('every docs page documents a known rule', () => {
  const known = new Set(rules.map((r) => r.id));
  const pages = fs.readdirSync(RULE_DOCS).filter((f) => f.endsWith('.md')).map((f) => f.slice(0, -'.md'.length));
  assert.deepEqual(pages.filter((p) => !known.has(p)), [], 'docs/rules has pages for rules that do not exist');
});

test('configuration.md lists every rule with its default level', () => {
  const md = fs.readFileSync(path.join(ROOT, 'docs', 'configuration.md'), 'utf8');
  for (const rule of rules) {
    const row = new RegExp(`^\\|\\s*\\[${rule.id}\\]\\(rules/${rule.id}\\.md\\)\\s*\\|\\s*(\\w+)\\s*\\|`, 'm').exec(md);
    assert.ok(row, `configuration.md has no row for ${rule.id}`);
    assert.equal(row[1], rule.defaultLevel, `configuration.md gives ${rule.id} the wrong default level`);
  }
});

test('relative links between docs pages resolve', () => {
  const files = [
    ...fs.readdirSync(RULE_DOCS).filter((f) => f.endsWith('.md')).map((f) => path.join(RULE_DOCS, f)),
    path.join(ROOT, 'docs', 'suppressions.md'),
    path.join(ROOT, 'docs', 'configuration.md'),
  ];
  const broken: string[] = [];
  for (const file of files) {
    for (const match of prose(fs.readFileSync(file, 'utf8')).matchAll(/\]\(([^)#\s]+\.md)(#[^)]*)?\)/g)) {
      if (/^[a-z]+:/i.test(match[1])) continue;
      if (!fs.existsSync(path.resolve(path.dirname(file), match[1]))) broken.push(`${path.relative(ROOT, file)} → ${match[1]}`);
    }
  }
  assert.deepEqual(broken, []);
});

// ---------------------------------------------------------------------------------------------
// Each rule

for (const rule of rules) {
  test(`${rule.id}: metadata`, () => {
    assert.match(rule.id, /^[a-z]+(-[a-z]+)*$/, 'id must be kebab-case');
    assert.ok(rule.description.trim().length > 0, 'description must not be empty');
    assert.ok(rule.description.trim().endsWith('.'), `description must end with a period: "${rule.description}"`);
    assert.ok(LEVELS.includes(rule.defaultLevel), `default level must be one of ${LEVELS.join(', ')}`);
    assert.equal(docsUrl(rule.id), `${DOCS_WEB}rules/${rule.id}.md`);
  });

  test(`${rule.id}: the page's summary is the rule's description`, () => {
    const summary = readPage(rule.id).split('\n')[2];
    assert.equal(summary.replace(/`/g, ''), rule.description);
  });

  test(`${rule.id}: SARIF help from the page: its summary and how to fix, links to pages that exist`, () => {
    const help = ruleHelp(rule.id);
    assert.ok(help, 'no help from the shipped page');
    const summary = readPage(rule.id).split('\n')[2];
    assert.ok(help.markdown.startsWith(`${summary}\n\n`), help.markdown);
    assert.ok(help.markdown.endsWith(`[Documentation](${docsUrl(rule.id)})`), help.markdown);
    assert.ok(help.text.startsWith(`${rule.description}\n\n`), help.text);
    assert.ok(help.text.endsWith(`Documentation: ${docsUrl(rule.id)}`), help.text);
    assert.doesNotMatch(help.markdown, /^\|/m, 'the editor\'s quick-fix tables stay on the page');
    for (const [, target] of help.markdown.matchAll(/\]\(([^)\s]+)\)/g)) {
      assert.match(target, /^https:\/\//, 'links are absolute: the help is read outside the repository');
      if (!target.startsWith(DOCS_WEB)) continue;
      const local = path.join(ROOT, 'docs', decodeURIComponent(target.slice(DOCS_WEB.length).replace(/#.*$/, '')));
      assert.ok(fs.existsSync(local), `${target}: no such page in docs/`);
    }
  });

  test(`${rule.id}: docs page structure`, () => {
    assert.ok(fs.existsSync(pagePath(rule.id)), `missing docs page docs/rules/${rule.id}.md`);
    const md = readPage(rule.id);
    const lines = md.split('\n');
    assert.equal(lines[0], `# ${rule.id}`, 'the page must start with "# <rule-id>"');
    const summary = lines.slice(1).find((l) => l.trim() !== '');
    assert.ok(summary && !summary.startsWith('#') && !summary.startsWith('Default level'), 'a one-line summary must follow the title');
    assert.deepEqual(headings(md, 1), [rule.id], 'exactly one level-1 heading');
    assert.deepEqual(headings(md, 2), REQUIRED_SECTIONS, 'level-2 sections, exactly and in this order');
  });

  test(`${rule.id}: examples in ARM JSON and Bicep`, () => {
    const md = readPage(rule.id);
    for (const name of ['Examples that fail', 'Examples that pass']) {
      const text = rawSection(md, name);
      assert.match(text, /^```json$/m, `${name}: an ARM JSON example`);
      assert.match(text, /^```bicep$/m, `${name}: a Bicep example`);
      assert.ok(text.includes('Microsoft.CognitiveServices/accounts'), `${name}: the examples declare an AI services account`);
    }
  });

  test(`${rule.id}: ARM examples fail and pass as documented`, () => {
    const md = readPage(rule.id);
    const failing = jsonBlocks(md, 'Examples that fail');
    const passing = jsonBlocks(md, 'Examples that pass');
    for (const example of failing) {
      assert.ok(findingsOf(rule.id, example).length > 0, `this example should fail ${rule.id}:\n${JSON.stringify(example, null, 2)}`);
    }
    for (const example of passing) {
      assert.deepEqual(findingsOf(rule.id, example), [], `this example should pass ${rule.id}`);
    }
  });

  test(`${rule.id}: Bicep examples fail and pass as documented, and #disable-next-line silences them`, () => {
    const md = readPage(rule.id);
    const failing = bicepBlocks(md, 'Examples that fail');
    assert.ok(failing.length > 0);
    for (const example of failing) {
      assert.ok(bicepFindingsOf(rule.id, example).length > 0, `this Bicep example should fail ${rule.id}:\n${example}`);
    }
    for (const example of bicepBlocks(md, 'Examples that pass')) {
      assert.deepEqual(bicepFindingsOf(rule.id, example), [], `this Bicep example should pass ${rule.id}:\n${example}`);
    }
  });

  test(`${rule.id}: the ARM suppression example silences the rule`, () => {
    const md = readPage(rule.id);
    const resource = jsonBlocks(md, 'Examples that fail').find((e) => typeof e.type === 'string');
    assert.ok(resource, 'Examples that fail: a whole ARM resource to try the suppression on');
    const withMetadata = jsonBlocks(md, 'How to suppress').find((e) => e.metadata !== undefined);
    assert.ok(withMetadata, 'How to suppress: an ARM "metadata" example');
    assert.deepEqual(findingsOf(rule.id, { ...resource, metadata: withMetadata.metadata }), []);
  });

  test(`${rule.id}: docs page states the default level`, () => {
    const md = readPage(rule.id);
    assert.match(md, new RegExp(`^Default level: \\*\\*${rule.defaultLevel}\\*\\*$`, 'm'), `expected a line "Default level: **${rule.defaultLevel}**"`);
    const stated = [...md.matchAll(/Default level:\s*[*`]+(\w+)[*`]+/g)].map((m) => m[1]);
    assert.deepEqual([...new Set(stated)], [rule.defaultLevel], 'every "Default level" on the page must agree with the rule');
  });

  test(`${rule.id}: documented quick fixes exist, with the right safety`, () => {
    const offered = offeredFixes(rule);
    const documented = documentedFixes(readPage(rule.id));
    for (const doc of documented) {
      const pattern = titlePattern(doc.title);
      const matches = offered.filter((fix) => pattern.test(fix.title));
      assert.ok(matches.length > 0, `the page documents quick fix "${doc.title}", which ${rule.id} does not offer (offered: ${offered.map((f) => f.title).join(' | ')})`);
      for (const fix of matches) {
        assert.equal(doc.safe, fix.safe, `the page says "${doc.title}" is ${doc.safe ? '' : 'not '}safe; the code says "${fix.title}" is ${fix.safe ? '' : 'not '}safe`);
      }
    }
  });

  test(`${rule.id}: every quick fix the rule offers is documented`, () => {
    const patterns = documentedFixes(readPage(rule.id)).map((d) => titlePattern(d.title));
    const undocumented = offeredFixes(rule).filter((fix) => !patterns.some((p) => p.test(fix.title)));
    assert.deepEqual(undocumented.map((f) => f.title), [], 'quick fixes missing from the page');
  });

  test(`${rule.id}: docs page shows how to suppress and configure it`, () => {
    const md = readPage(rule.id);
    const suppress = section(md, 'How to suppress');
    assert.ok(suppress.length > 0 && md.includes(`#disable-next-line ${rule.id}\n`), 'a Bicep "#disable-next-line <rule-id>" example');
    assert.match(md, new RegExp(`"aiEgressGuard":\\s*\\{\\s*"suppress":\\s*\\{\\s*"${rule.id}":\\s*"[^"]+"`), 'an ARM metadata.aiEgressGuard.suppress example with a reason');
    assert.ok(suppress.includes(`{ "rules": { "${rule.id}": "off" } }`), 'turning the rule off in .ai-egress-guard.json');
    assert.ok(suppress.includes('aiEgressGuard.rules'), 'the VS Code setting aiEgressGuard.rules');
    for (const level of ['off', 'info', 'warning', 'error']) {
      assert.ok(section(md, 'Configuration').includes(`\`${level}\``), `Configuration must list the level ${level}`);
    }
  });
}
