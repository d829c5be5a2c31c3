import assert from 'node:assert/strict';
import { test } from 'node:test';
import { account, applyFix, fixTitled, lint, only, template, textAt } from '../support/lint';

const RULE = 'disable-public-network-access';

test('flags a missing value at the type, and Enabled at the value, at info', () => {
  const [missing] = only(lint(template(account('{ "restrictOutboundNetworkAccess": true }'))), RULE);
  assert.equal(textAt(missing), '"Microsoft.CognitiveServices/accounts"');
  assert.equal(missing.level, 'info');
  const [enabled] = only(lint(template(account('{ "publicNetworkAccess": "Enabled" }'))), RULE);
  assert.equal(textAt(enabled), '"Enabled"');
  assert.match(enabled.message, /publicNetworkAccess is "Enabled"/);
});

test("leaves 'Disabled' alone in any case", () => {
  assert.deepEqual(only(lint(template(account('{ "publicNetworkAccess": "disabled" }'))), RULE), []);
});

test('the fix replaces the value or adds it', () => {
  const text = template(account('{ "publicNetworkAccess": "Enabled" }'));
  const [f] = only(lint(text), RULE);
  const fixed = applyFix(fixTitled(f, "Disable public network access for 'oai'"), text);
  assert.ok(fixed.includes('"publicNetworkAccess": "Disabled"'));
  assert.deepEqual(only(lint(fixed), RULE), []);
});
