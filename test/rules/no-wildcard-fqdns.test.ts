import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'jsonc-parser';
import { account, applyFix, fixTitled, lint, only, template, textAt, where } from '../support/lint';

const RULE = 'no-wildcard-fqdns';
const withList = (entries: string, extra = '') =>
  template(account(`{ "restrictOutboundNetworkAccess": true, "publicNetworkAccess": "Disabled", "allowedFqdnList": [${entries}] }`), extra);

test('flags each wildcard entry at the entry', () => {
  const text = withList('"*.blob.core.windows.net", "ok.search.windows.net", "api.*.contoso.com"');
  const found = only(lint(text), RULE);
  assert.deepEqual(found.map(textAt), ['"*.blob.core.windows.net"', '"api.*.contoso.com"']);
  assert.equal(where(found[0]), '12:117-12:142');
  assert.equal(found[0].level, 'warning');
  assert.match(found[0].message, /^AI service 'oai' allows outbound connections to '\*\.blob\.core\.windows\.net', a wildcard/);
});

test('leaves exact hosts alone, and wildcards on other resource types', () => {
  assert.deepEqual(only(lint(withList('"a.blob.core.windows.net"')), RULE), []);
  const other = template(`    { "type": "Microsoft.Web/sites", "apiVersion": "2023-01-01", "name": "w", "properties": { "allowedFqdnList": ["*"] } }`);
  assert.deepEqual(lint(other), []);
});

test('sees wildcards built by expressions, and not partly unknown hosts', () => {
  const wild = withList(`"[format('*.blob.{0}', environment().suffixes.storage)]"`);
  const [f] = only(lint(wild), RULE);
  assert.match(f.message, /'\*\.blob\.core\.windows\.net'/);
  const host = withList(`"[format('{0}.blob.{1}', parameters('sa'), environment().suffixes.storage)]"`, `
  "parameters": { "sa": { "type": "string" } },`);
  assert.deepEqual(lint(host).filter((x) => x.ruleId !== 'require-owner-tag'), []);
});

test('the fix removes just the entry and keeps valid JSON', () => {
  const text = withList('"*.blob.core.windows.net", "ok.search.windows.net"');
  const [f] = only(lint(text), RULE);
  const fixed = applyFix(fixTitled(f, "Remove '*.blob.core.windows.net' from the allowed FQDNs of 'oai'"), text);
  assert.deepEqual((parse(fixed) as { resources: { properties: { allowedFqdnList: string[] } }[] }).resources[0].properties.allowedFqdnList, ['ok.search.windows.net']);
  assert.deepEqual(only(lint(fixed), RULE), []);
});
