// Settings validation and layering: rule levels and options (`rules.<id>` as a level or Bicep's
// `{ "level": ..., "<option>": ... }`), and the deprecated top-level `ownerTagNames`.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findConfig, mergeSettings, validateSettings } from '../../server/src/engine/config';
import { account, lint, only, template } from '../support/lint';

const OWNER = 'require-owner-tag';

test('a rule is a level or an object of level and options', () => {
  assert.deepEqual(validateSettings({ rules: { [OWNER]: { level: 'warning', ownerTagNames: ['team'] }, 'no-wildcard-fqdns': 'error' } }, 'f'), {
    settings: { rules: { [OWNER]: 'warning', 'no-wildcard-fqdns': 'error' }, ruleOptions: { [OWNER]: { ownerTagNames: ['team'] } } },
    problems: [],
  });
  // Without a level, the rule keeps its level; `{ "level": ... }` alone is a level.
  assert.deepEqual(validateSettings({ rules: { [OWNER]: { ownerTagNames: ['team'] }, 'no-wildcard-fqdns': { level: 'off' } } }, 'f'), {
    settings: { rules: { 'no-wildcard-fqdns': 'off' }, ruleOptions: { [OWNER]: { ownerTagNames: ['team'] } } },
    problems: [],
  });
});

test('unknown options are reported with the options the rule has; the rest of the rule applies', () => {
  const { settings, problems } = validateSettings({ rules: { [OWNER]: { level: 'error', ownerTags: ['x'] }, 'no-wildcard-fqdns': { level: 'warning', max: 3 } } }, 'cfg.json');
  assert.deepEqual(problems, [
    "cfg.json: rule 'require-owner-tag' has no option 'ownerTags' (options: level, ownerTagNames)",
    "cfg.json: rule 'no-wildcard-fqdns' has no option 'max' (only \"level\")",
  ]);
  assert.deepEqual(settings.rules, { [OWNER]: 'error', 'no-wildcard-fqdns': 'warning' });
  assert.equal(settings.ruleOptions, undefined);
});

test('option values and levels of the wrong type are reported and ignored', () => {
  const problems = (value: unknown) => validateSettings({ rules: { [OWNER]: value } }, 'cfg.json').problems;
  assert.deepEqual(problems({ ownerTagNames: 'owner' }), ["cfg.json: option 'ownerTagNames' of 'require-owner-tag' must be an array of non-empty strings"]);
  assert.deepEqual(problems({ ownerTagNames: ['owner', ''] }), ["cfg.json: option 'ownerTagNames' of 'require-owner-tag' must be an array of non-empty strings"]);
  assert.deepEqual(problems({ ownerTagNames: [] }), ["cfg.json: option 'ownerTagNames' of 'require-owner-tag' must have at least 1 item"]);
  assert.deepEqual(problems({ level: 'loud', ownerTagNames: ['team'] }), ["cfg.json: level of 'require-owner-tag' must be off, info, warning or error"]);
  assert.deepEqual(problems(3), ["cfg.json: level of 'require-owner-tag' must be off, info, warning or error"]);
  const { settings } = validateSettings({ rules: { [OWNER]: { level: 'loud', ownerTagNames: ['team'] } } }, 'cfg.json');
  assert.deepEqual(settings.ruleOptions, { [OWNER]: { ownerTagNames: ['team'] } }, 'the valid option still applies');
});

test("bicepconfig.json's aiEgressGuard key takes the object form", () => {
  const files: Record<string, string> = {
    '/repo/bicepconfig.json': '{ "analyzers": {}, "aiEgressGuard": { "rules": { "require-owner-tag": { "level": "error", "ownerTagNames": ["team"], }, }, }, }',
  };
  const config = findConfig('/repo/infra', (p) => files[p], (a, b) => `${a}/${b}`, (p) => p.slice(0, p.lastIndexOf('/')) || '/');
  assert.deepEqual(config, { path: '/repo/bicepconfig.json', settings: { rules: { [OWNER]: 'error' }, ruleOptions: { [OWNER]: { ownerTagNames: ['team'] } } }, issues: [], problems: [] });
});

test('options merge option by option across layers; levels and options of one rule are independent', () => {
  const file = validateSettings({ rules: { [OWNER]: { level: 'error', ownerTagNames: ['file'] } } }, 'f').settings;
  const editor = validateSettings({ rules: { [OWNER]: 'warning' } }, 'e').settings;
  const merged = mergeSettings(file, editor);
  assert.equal(merged.rules[OWNER], 'warning');
  assert.deepEqual(merged.ruleOptions[OWNER], { ownerTagNames: ['file'] });
});

test("deprecated ownerTagNames: the editor's beats the config file's rule option; in one layer the rule option wins", () => {
  const file = validateSettings({ rules: { [OWNER]: { ownerTagNames: ['file'] } } }, 'f').settings;
  const editorAlias = validateSettings({ ownerTagNames: ['editor'] }, 'e').settings;
  assert.deepEqual(mergeSettings(file, editorAlias).ruleOptions[OWNER], { ownerTagNames: ['editor'] });
  // The other way round: the file's old spelling, the editor's rule option.
  const fileAlias = validateSettings({ ownerTagNames: ['file'] }, 'f').settings;
  const editor = validateSettings({ rules: { [OWNER]: { ownerTagNames: ['editor'] } } }, 'e').settings;
  assert.deepEqual(mergeSettings(fileAlias, editor).ruleOptions[OWNER], { ownerTagNames: ['editor'] });
  const both = validateSettings({ ownerTagNames: ['old'], rules: { [OWNER]: { ownerTagNames: ['new'] } } }, 'f').settings;
  assert.deepEqual(mergeSettings(both).ruleOptions[OWNER], { ownerTagNames: ['new'] });
  // And the rule reads the winner.
  const tagged = template(account('{}', { tags: '"tags": { "editor": "x" },' }));
  assert.equal(only(lint(tagged, mergeSettings(file)), OWNER).length, 1);
  assert.deepEqual(only(lint(tagged, mergeSettings(file, editorAlias)), OWNER), []);
});
