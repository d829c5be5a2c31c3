import assert from 'node:assert/strict';
import { test } from 'node:test';
import { account, lint, only, template, textAt } from '../support/lint';

const RULE = 'use-egress-capable-api-version';

test('flags API versions before 2021-04-30 at the apiVersion value', () => {
  for (const v of ['2017-04-18', '2021-04-29', '2016-02-01-preview']) {
    const [f] = only(lint(template(account('{}', { apiVersion: v }))), RULE);
    assert.equal(textAt(f), `"${v}"`);
    assert.equal(f.level, 'warning');
    assert.match(f.message, new RegExp(`uses API version ${v}, which predates restrictOutboundNetworkAccess`));
  }
});

test('leaves 2021-04-30 and later alone, and other types with old versions', () => {
  for (const v of ['2021-04-30', '2021-10-01', '2024-10-01', '2025-04-01-preview']) {
    assert.deepEqual(only(lint(template(account('{}', { apiVersion: v }))), RULE), []);
  }
  const storage = template(`    { "type": "Microsoft.Storage/storageAccounts", "apiVersion": "2016-01-01", "name": "s" }`);
  assert.deepEqual(lint(storage), []);
});
