// require-suppression-reason: suppressions without a reason (or with the editor's placeholder) are reported where
// they are written, in ARM metadata and in Bicep directives; reasons, other linters' ids and its own suppression silence it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PLACEHOLDER_REASON } from '../../rules';
import { account, lintRule, template, textAt, where } from '../support/lint';

const ID = 'require-suppression-reason';

function armWith(suppress: string, name = 'oai'): string {
  return template(account('{ "restrictOutboundNetworkAccess": false }', { name }).replace('"location"', `"metadata": { "aiEgressGuard": { "suppress": ${suppress} } },\n      "location"`));
}

const rows = (text: string, kind: 'arm' | 'bicep' = 'arm') =>
  lintRule(ID, text, kind).map((f) => `${where(f)} ${f.level} ${f.messageId} ${textAt(f)} | ${f.message} | ${f.resource}`);

test('ARM: an empty reason and the placeholder are reported at their entries, at info', () => {
  const text = armWith(`{ "restrict-outbound-network-access": "", "require-owner-tag": "${PLACEHOLDER_REASON}", "disable-public-network-access": "Sandbox (SEC-1)" }`);
  assert.deepEqual(rows(text), [
    `9:54-9:92 info missing "restrict-outbound-network-access": "" | The suppression of restrict-outbound-network-access gives no reason. Write why the exception is acceptable, for those who review it. | oai`,
    `9:94-9:149 info placeholder "require-owner-tag": "${PLACEHOLDER_REASON}" | The suppression of require-owner-tag still has the placeholder reason. Replace '${PLACEHOLDER_REASON}' with why the exception is acceptable. | oai`,
  ]);
});

test('ARM: a reason of blanks or a non-string is no reason; a reason passes', () => {
  assert.deepEqual(rows(armWith('{ "require-owner-tag": "   " }')).map((r) => r.split(' | ')[0]), ['9:54-9:80 info missing "require-owner-tag": "   "']);
  assert.deepEqual(rows(armWith('{ "require-owner-tag": true }')).map((r) => r.split(' | ')[0]), ['9:54-9:79 info missing "require-owner-tag": true']);
  assert.deepEqual(rows(armWith('{ "require-owner-tag": "Owner set by policy" }')), []);
});

test('ARM: ids that are not rules of this linter, and its own suppression beside them, are left alone', () => {
  assert.deepEqual(rows(armWith('{ "some-other-linter-rule": "" }')), []);
  assert.deepEqual(rows(armWith(`{ "require-owner-tag": "", "${ID}": "Reasons are in ticket SEC-9" }`)), []);
});

test('ARM: in a nested deployment too; the resource is named when its name is literal', () => {
  const inner = template(account('{}', { name: 'inner-oai' }).replace('"location"', '"metadata": { "aiEgressGuard": { "suppress": { "require-owner-tag": "" } } },\n      "location"'));
  const text = template(`    {
      "type": "Microsoft.Resources/deployments",
      "apiVersion": "2022-09-01",
      "name": "nested",
      "properties": { "mode": "Incremental", "expressionEvaluationOptions": { "scope": "inner" }, "template": ${inner.trim()} }
    }`);
  const found = lintRule(ID, text);
  assert.deepEqual(found.map((f) => [textAt(f), f.resource]), [['"require-owner-tag": ""', 'inner-oai']]);
});

test('ARM: turned off, nothing', () => {
  const text = armWith('{ "require-owner-tag": "" }');
  assert.deepEqual(lintRule(ID, text, 'arm', {}, { rules: { [ID]: 'off' } }), []);
});

const BICEP_ACCOUNT = `resource oai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai'
  location: 'eastus'
  kind: 'OpenAI'
  properties: {}
}
`;

test('Bicep: a directive with no comment, or the placeholder above it, is reported at each of our rule ids', () => {
  const text = `#disable-next-line restrict-outbound-network-access no-hardcoded-env-urls require-owner-tag\n${BICEP_ACCOUNT}// ${PLACEHOLDER_REASON}\n#disable-next-line require-owner-tag\n${BICEP_ACCOUNT.replace(/oai/g, 'oai2')}`;
  assert.deepEqual(rows(text, 'bicep').map((r) => r.split(' | ')[0]), [
    '1:20-1:52 info missing restrict-outbound-network-access',
    '1:75-1:92 info missing require-owner-tag',
    '9:20-9:37 info placeholder require-owner-tag',
  ]);
});

test('Bicep: a comment above or after the ids is the reason', () => {
  assert.deepEqual(rows(`// Sandbox without data (SEC-1)\n#disable-next-line require-owner-tag\n${BICEP_ACCOUNT}`, 'bicep'), []);
  assert.deepEqual(rows(`#disable-next-line require-owner-tag // Owner set by policy\n${BICEP_ACCOUNT}`, 'bicep'), []);
  // A comment ending a line of code above is not about the directive.
  assert.deepEqual(rows(`param p string = 'x' // unrelated\n#disable-next-line require-owner-tag\n${BICEP_ACCOUNT}`, 'bicep').map((r) => r.split(' | ')[0]), ['2:20-2:37 info missing require-owner-tag']);
});

test('Bicep: #disable-diagnostics is checked; #disable-next-line of this rule silences it', () => {
  assert.deepEqual(rows(`#disable-diagnostics require-owner-tag\n${BICEP_ACCOUNT}#restore-diagnostics require-owner-tag\n`, 'bicep').map((r) => r.split(' | ')[0]), ['1:22-1:39 info missing require-owner-tag']);
  assert.deepEqual(rows(`// Reasons are kept in SEC-9\n#disable-next-line ${ID}\n#disable-next-line require-owner-tag\n${BICEP_ACCOUNT}`, 'bicep'), []);
});
