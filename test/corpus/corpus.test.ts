// Runs the engine on every template of the shared corpus (real templates, written by others) and checks that it
// finds exactly the AI service accounts, and restrictions, that a reader finds: see expectations.ts.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { analyze } from '../../server/src/engine/analyze';
import { mergeSettings } from '../../server/src/engine/config';
import { CORPUS } from '../support/paths';
import { EXPECTED } from './expectations';

const present = fs.existsSync(CORPUS) && fs.statSync(CORPUS).isDirectory();
const skip = present ? false : `corpus folder ${CORPUS} is absent`;

/** Every .json file under dir, as corpus-relative paths with forward slashes, sorted. */
function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  const visit = (abs: string): void => {
    for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
      const child = path.join(abs, entry.name);
      if (entry.isDirectory()) visit(child);
      else if (entry.isFile() && entry.name.toLowerCase().endsWith('.json')) out.push(path.relative(dir, child).split(path.sep).join('/'));
    }
  };
  visit(dir);
  return out.sort();
}

function isValidJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const files = present ? jsonFiles(CORPUS) : [];

test('every corpus file has an entry in the expectations table', { skip }, () => {
  const missing = files.filter((f) => !Object.hasOwn(EXPECTED, f));
  assert.deepEqual(missing, [], 'decide what these new corpus files deploy and add them to test/corpus/expectations.ts');
});

test('the expectations table has no entry for a file that is not in the corpus', { skip }, () => {
  const onDisk = new Set(files);
  const stale = Object.keys(EXPECTED).filter((f) => !onDisk.has(f));
  assert.deepEqual(stale, []);
});

if (!present) {
  test('corpus templates', { skip }, () => {});
}

for (const rel of files) {
  test(`corpus: ${rel}`, () => {
    const file = path.join(CORPUS, ...rel.split('/'));
    const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
    const result = analyze(
      { uri: pathToFileURL(file).href, text, kind: 'arm' },
      { settings: mergeSettings({}), host: { readFile: () => undefined } },
    );
    assert.equal(result.isTemplate, true, 'should be recognised as a deployment template');
    if (isValidJson(text)) assert.deepEqual(result.problems, [], 'valid JSON should give no problems');
    const expected = EXPECTED[rel];
    assert.ok(expected, `no expectation for ${rel}`);
    const actual = result.resources.map((r) => ({ name: r.name, restricted: r.restricted }));
    assert.deepEqual(actual, expected.map(({ name, restricted }) => ({ name, restricted })));
  });
}
