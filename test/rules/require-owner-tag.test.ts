import assert from 'node:assert/strict';
import { test } from 'node:test';
import { account, applyFix, fixTitled, lint, only, template, textAt } from '../support/lint';

const RULE = 'require-owner-tag';

test('flags missing tags at the type and tags without an owner at the tags', () => {
  const [none] = only(lint(template(account('{}', { tags: '' }))), RULE);
  assert.equal(textAt(none), '"Microsoft.CognitiveServices/accounts"');
  assert.equal(none.level, 'info');
  const [other] = only(lint(template(account('{}', { tags: '"tags": { "env": "prod" },' }))), RULE);
  assert.equal(textAt(other), '{ "env": "prod" }');
  assert.match(other.message, /has no owner tag \('owner'\)/);
});

test('accepts the owner tag in any case, and configured tag names', () => {
  assert.deepEqual(only(lint(template(account('{}', { tags: '"tags": { "Owner": "x" },' }))), RULE), []);
  const custom = template(account('{}', { tags: '"tags": { "costCenterOwner": "x" },' }));
  assert.equal(only(lint(custom), RULE).length, 1);
  assert.deepEqual(only(lint(custom, { ownerTagNames: ['costCenterOwner', 'owner'] }), RULE), []);
});

test('the fix adds the tag; the rule can be turned off', () => {
  const text = template(account('{}', { tags: '' }));
  const [f] = only(lint(text), RULE);
  const fixed = applyFix(fixTitled(f, "Add an 'owner' tag to 'oai'"), text);
  assert.deepEqual(only(lint(fixed), RULE), []);
  assert.deepEqual(only(lint(text, { rules: { [RULE]: 'off' } }), RULE), []);
});
