// Meta-test in the spirit of Bicep's "config schema lists every rule": package.json's `aiEgressGuard.rules`
// setting and docs/configuration.md's rule tables are generated from the registry (`npm run gen:config`) and up
// to date, list every rule with its default level, levels and options, and accept what config validation accepts.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv';
import { rules } from '../../rules';
import { validateSettings } from '../../server/src/engine/config';
import { RULES_SETTING, withGeneratedDocs, withRulesSetting } from '../../server/src/engine/settings-schema';

const ROOT = path.resolve(__dirname, '../../..');
const PACKAGE = fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8');
const DOCS = fs.readFileSync(path.join(ROOT, 'docs', 'configuration.md'), 'utf8');
const LEVELS = ['off', 'info', 'warning', 'error'];

interface LevelSchema { type: string; enum: string[]; enumDescriptions: string[]; default?: string }
interface RuleSetting {
  markdownDescription: string;
  anyOf: [LevelSchema, { type: 'object'; properties: Record<string, Record<string, unknown>>; additionalProperties: boolean }];
}
const setting = JSON.parse(PACKAGE).contributes.configuration.properties[RULES_SETTING] as { properties: Record<string, RuleSetting>; additionalProperties: boolean };

test('package.json and docs/configuration.md are generated from the registry (run `npm run gen:config`)', () => {
  assert.equal(withRulesSetting(PACKAGE), PACKAGE, 'package.json: aiEgressGuard.rules is out of date: run `npm run gen:config`');
  assert.equal(withGeneratedDocs(DOCS), DOCS, 'docs/configuration.md: the rule tables are out of date: run `npm run gen:config`');
});

test('the setting lists every rule and nothing else', () => {
  assert.deepEqual(Object.keys(setting.properties), rules.map((r) => r.id));
  assert.equal(setting.additionalProperties, false);
});

for (const rule of rules) {
  test(`${rule.id}: the setting gives its default level, its levels and its options`, () => {
    const entry = setting.properties[rule.id];
    assert.ok(entry.markdownDescription.includes(`Default level: \`${rule.defaultLevel}\``), entry.markdownDescription);
    assert.ok(entry.markdownDescription.startsWith(rule.description));
    const [level, object] = entry.anyOf;
    for (const schema of [level, object.properties.level as unknown as LevelSchema]) {
      assert.deepEqual(schema.enum, LEVELS);
      assert.equal(schema.enumDescriptions.length, LEVELS.length);
      assert.match(schema.enumDescriptions[LEVELS.indexOf(rule.defaultLevel)], /\(the default\)\.$/);
    }
    assert.equal(level.default, rule.defaultLevel);
    assert.deepEqual(Object.keys(object.properties), ['level', ...Object.keys(rule.options ?? {})]);
    assert.equal(object.additionalProperties, false);
    for (const [name, option] of Object.entries(rule.options ?? {})) {
      const described = object.properties[name];
      assert.equal(described.type, option.type);
      assert.deepEqual(described.default, option.default);
      assert.equal(described.description, option.description);
      assert.ok(entry.markdownDescription.includes(`\`${name}\``), `the description names option ${name}`);
    }
  });

  test(`${rule.id}: docs/configuration.md lists its options by their config path`, () => {
    for (const [name, option] of Object.entries(rule.options ?? {})) {
      const row = new RegExp(`^\\| \`rules\\.${rule.id}\\.${name}\` \\|[^|]+\\| \`([^\`]+)\` \\|`, 'm').exec(DOCS);
      assert.ok(row, `no row for rules.${rule.id}.${name}`);
      assert.deepEqual(JSON.parse(row[1]), option.default);
    }
  });
}

test('the setting accepts exactly what config validation accepts', () => {
  const ajv = new Ajv({ strict: false });
  const validate = ajv.compile(setting);
  const samples: unknown[] = [
    {},
    { 'require-owner-tag': 'off' },
    { 'require-owner-tag': { level: 'warning', ownerTagNames: ['owner', 'team'] } },
    { 'require-owner-tag': { ownerTagNames: ['team'] } },
    { 'no-wildcard-fqdns': { level: 'error' } },
    { 'require-owner-tag': 'loud' },
    { 'require-owner-tag': { ownerTagNames: [] } },
    { 'require-owner-tag': { ownerTagNames: [''] } },
    { 'require-owner-tag': { ownerTagNames: 'owner' } },
    { 'require-owner-tag': { owner: ['x'] } },
    { 'no-wildcard-fqdns': { level: 'error', ownerTagNames: ['x'] } },
    { 'no-such-rule': 'off' },
  ];
  for (const sample of samples) {
    const valid = validateSettings({ rules: sample }, 'settings').problems.length === 0;
    assert.equal(validate(sample), valid, `${JSON.stringify(sample)}: config validation says ${valid ? 'valid' : 'invalid'}`);
  }
});
