import assert from 'node:assert/strict';
import { test } from 'node:test';
import { account, applyFix, fixTitled, lint, only, template, textAt } from '../support/lint';

const RULE = 'no-duplicate-fqdns';
const withList = (entries: string) => template(account(`{ "restrictOutboundNetworkAccess": true, "allowedFqdnList": [${entries}] }`));

test('flags the second and later occurrences, case-insensitively, at info', () => {
  const found = only(lint(withList('"a.vault.azure.net", "b.vault.azure.net", "A.Vault.Azure.NET", "a.vault.azure.net"')), RULE);
  assert.deepEqual(found.map(textAt), ['"A.Vault.Azure.NET"', '"a.vault.azure.net"']);
  assert.ok(found.every((f) => f.level === 'info'));
  assert.equal(found[1].loc.start > found[0].loc.start, true);
});

test('leaves distinct hosts alone', () => {
  assert.deepEqual(only(lint(withList('"a.vault.azure.net", "a.vault.azure.net.com"')), RULE), []);
});

test('the fix is safe and removes only the repeat', () => {
  const text = withList('"a.vault.azure.net",\n        "A.vault.azure.net",\n        "b.vault.azure.net"');
  const [f] = only(lint(text), RULE);
  const fix = fixTitled(f, "Remove duplicate 'A.vault.azure.net'");
  assert.equal(fix.safe, true);
  const fixed = applyFix(fix, text);
  assert.ok(fixed.includes('"a.vault.azure.net",\n        "b.vault.azure.net"'), fixed);
  assert.deepEqual(only(lint(fixed), RULE), []);
});
