import assert from 'node:assert/strict';
import { test } from 'node:test';
import { account, lint, only, template, textAt } from '../support/lint';

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

test('an empty owner is flagged at its value; no fix invents an owner; the rule can be turned off', () => {
  const [empty] = only(lint(template(account('{}', { tags: '"tags": { "owner": " " },' }))), RULE);
  assert.equal(textAt(empty), '" "');
  assert.match(empty.message, /has an empty 'owner' tag/);
  const text = template(account('{}', { tags: '' }));
  const [f] = only(lint(text), RULE);
  assert.deepEqual(f.fixes.map((x) => x.title), [`Suppress ${RULE} for 'oai' (with a reason)`]);
  assert.deepEqual(only(lint(text, { rules: { [RULE]: 'off' } }), RULE), []);
});
