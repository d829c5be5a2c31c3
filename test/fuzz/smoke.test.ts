// A short fixed-seed fuzz run in-process (the full fuzzer, with worker threads and time limits, is `npm run fuzz`):
// mutated examples and generated extremes must never throw, and an analysis that hits a limit says so.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { extremes, mutate, Random, type FuzzInput } from '../../fuzz/mutate';
import { runOne } from '../../fuzz/worker';

const ROOT = path.resolve(__dirname, '../../..');
const INPUTS = 2000;
// Analysis only: fixes are covered by the property test (test/engine/fix-properties.test.ts) and `npm run fuzz`; with them this takes minutes.
const WITH_FIXES = false;

function examples(): FuzzInput[] {
  const out: FuzzInput[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(json|jsonc|bicep|bicepparam)$/i.test(e.name)) {
        out.push({ name: e.name, kind: /\.bicepparam$/i.test(e.name) ? 'bicepparam' : /\.bicep$/i.test(e.name) ? 'bicep' : 'arm', text: fs.readFileSync(p, 'utf8') });
      }
    }
  };
  walk(path.join(ROOT, 'examples'));
  return out;
}

test(`fuzz smoke: ${INPUTS} mutated examples (seed 42) never throw`, () => {
  const random = new Random(42);
  const seeds = examples();
  assert.ok(seeds.length >= 5, 'the examples are the seeds');
  const crashes: string[] = [];
  for (let i = 0; i < INPUTS; i++) {
    const seed = random.pick(seeds);
    let text = seed.text;
    for (let k = 1 + random.int(3); k > 0; k--) text = mutate(text, random);
    const outcome = runOne({ ...seed, name: `${seed.name}-${i}`, text }, WITH_FIXES);
    if (!outcome.ok) crashes.push(`${seed.name} #${i}: ${outcome.error?.split('\n')[0]}`);
  }
  assert.deepEqual(crashes.slice(0, 5), []);
});

test('fuzz smoke: generated extremes (depth, doubling, fan-out, entry counts) never throw', () => {
  const random = new Random(7);
  const failures: string[] = [];
  for (let round = 0; round < 4; round++) {
    for (const input of extremes(random, 0.1)) {
      const outcome = runOne(input, WITH_FIXES);
      if (!outcome.ok) failures.push(`${input.name}: ${outcome.error?.split('\n')[0]}`);
    }
  }
  assert.deepEqual(failures, []);
});
