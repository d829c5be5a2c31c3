// Meta-test of the rules' messages: each starts with one short sentence that says what is wrong and names the
// resource (what lists show: the CLI's rows), filled with long but realistic data; explanation and advice follow.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMessage, formatMessageParts, MESSAGE_PLACEHOLDER, messageParts, rules } from '../../rules';

const MAX_SUMMARY = 100;
const HOST = 'contosodocsprod01.blob.core.windows.net'; // 40 characters
const NAME = 'contoso-openai-prod-eus2'; // 24 characters

/**
 * Values for the placeholders a first sentence may use, as long as real ones get. A placeholder with no sample
 * here is one a first sentence must not use: free text (reasons, evidence) belongs in the explanation.
 */
const SAMPLES: Readonly<Record<string, string>> = {
  resource: `'${NAME}'`,
  owner: `Foundry account '${NAME}'`,
  rule: 'allow-contoso-pypi-mirror',
  ruleId: [...rules.map((r) => r.id)].sort((a, b) => b.length - a.length)[0],
  host: HOST,
  entry: HOST,
  destination: HOST,
  kind: 'TextTranslation',
  count: '1001',
  tag: 'owner',
  wanted: "'owner' or 'team'",
  missing: 'Audit and RequestResponse',
  apiVersion: '2017-04-18-preview',
  port: 'ports 8080, 8443',
};

/** The subjects a message can name: the resource, or what stands for it in rules about other things. */
const SUBJECTS = ['resource', 'owner', 'rule', 'ruleId'];

const placeholders = (text: string) => [...text.matchAll(MESSAGE_PLACEHOLDER)].map((m) => m[1]);

for (const rule of rules) {
  for (const [id, template] of Object.entries<string>(rule.messages)) {
    test(`${rule.id}/${id}: a short first sentence naming the resource, then why and what to do`, () => {
      const { summary, detail } = messageParts(template);
      assert.match(summary, /^[A-Z].*\.$/, `the first sentence starts with a capital and ends with a period: "${summary}"`);
      assert.doesNotMatch(summary, /\b(e\.g|i\.e|etc)\.$/, `the first sentence ends at an abbreviation: "${summary}"`);
      assert.ok(detail.length > 0, `no explanation after the first sentence: "${template}"`);
      assert.match(detail, /^[A-Z'{a-z]/, `the explanation starts a sentence: "${detail}"`);
      const used = placeholders(summary);
      const free = used.filter((p) => !(p in SAMPLES));
      assert.deepEqual(free, [], `the first sentence uses placeholders with no sample here (free text belongs after it): ${free.join(', ')}`);
      const inTemplate = placeholders(template);
      if (inTemplate.includes('resource')) assert.ok(used.includes('resource'), `the first sentence names the resource: "${summary}"`);
      else if (inTemplate.some((p) => SUBJECTS.includes(p))) assert.ok(used.some((p) => SUBJECTS.includes(p)), `the first sentence names its subject: "${summary}"`);
      const filled = formatMessage(summary, SAMPLES);
      assert.ok(filled.length < MAX_SUMMARY, `${filled.length} characters, at most ${MAX_SUMMARY - 1}: "${filled}"`);
    });
  }
}

test('a message is its two parts, split in the template: data with dots does not end the first sentence', () => {
  const template = "AI service {{resource}} allows wildcard '{{entry}}'. It admits every host under it. List them, e.g. 'a.b'.";
  const data = { resource: "'x. y'", entry: '*.blob.core.windows.net' };
  const parts = formatMessageParts(template, data);
  assert.deepEqual(parts, { summary: "AI service 'x. y' allows wildcard '*.blob.core.windows.net'.", detail: "It admits every host under it. List them, e.g. 'a.b'." });
  assert.equal(`${parts.summary} ${parts.detail}`, formatMessage(template, data));
  assert.deepEqual(messageParts('One sentence only.'), { summary: 'One sentence only.', detail: '' });
});
