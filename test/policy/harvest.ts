// Collects every template the rule tests lint, by running their test bodies with `analyze` recording
// its inputs. The tests themselves run (and report) in their own files; here their assertions are
// ignored, only what they lint is kept. Works for plain tests and table-driven ones (describe/test).

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as analyzeModule from '../../server/src/engine/analyze';
import type { AnalyzeOptions } from '../../server/src/engine/analyze';
import type { SourceFile } from '../../server/src/engine/model';

export interface LintInput {
  readonly label: string;
  readonly file: SourceFile;
  readonly options: AnalyzeOptions;
}

type Body = (...args: unknown[]) => unknown;
interface Collected { readonly name: string; readonly fn?: Body; readonly skip: boolean; readonly suite: boolean }

/** node:test's registration functions with their skip/todo/only variants, all collecting into `into`. */
function collectors(into: Collected[]) {
  const make = (suite: boolean, skip: boolean) => (name: unknown, a?: unknown, b?: unknown) => {
    const fn = (typeof a === 'function' ? a : typeof b === 'function' ? b : typeof name === 'function' ? name : undefined) as Body | undefined;
    const opts = typeof a === 'object' && a !== null ? a as { skip?: unknown; todo?: unknown } : {};
    into.push({ name: typeof name === 'string' ? name : '(unnamed)', fn, skip: skip || !!opts.skip || !!opts.todo, suite });
  };
  const withVariants = (suite: boolean) => Object.assign(make(suite, false), { skip: make(suite, true), todo: make(suite, true), only: make(suite, false) });
  return { test: withVariants(false), it: withVariants(false), describe: withVariants(true), suite: withVariants(true) };
}

/** A test context whose methods do nothing, except `t.test`, which runs the subtest. */
function context(run: (c: Collected) => Promise<void>): unknown {
  return new Proxy({}, {
    get(_target, prop) {
      if (prop === 'test') {
        return (name: unknown, a?: unknown, b?: unknown) => {
          const list: Collected[] = [];
          const c = collectors(list);
          c.test(name, a, b);
          return Promise.all(list.map(run));
        };
      }
      if (prop === 'signal') return new AbortController().signal;
      if (prop === 'name') return 'harvest';
      if (prop === 'then') return undefined;
      return noop;
    },
  });
}

/** Lint inputs of the test files in `dir` whose names pass `accept`, in file and test order. */
export async function harvest(dir: string, accept: (file: string) => boolean): Promise<LintInput[]> {
  const nodeTest = require('node:test') as Record<string, unknown>;
  const saved = new Map(['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'].map((k) => [k, nodeTest[k]]));
  const originalAnalyze = analyzeModule.analyze;
  const inputs: LintInput[] = [];
  const seen = new Set<string>();
  let label = '';
  const record = (file: SourceFile, options: AnalyzeOptions) => {
    const key = `${file.uri}\u0000${file.kind}\u0000${file.text}\u0000${JSON.stringify(options.settings)}`;
    if (!seen.has(key)) {
      seen.add(key);
      inputs.push({ label: `${label} #${inputs.length + 1}`, file, options });
    }
  };
  try {
    for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.test.js') && accept(f)).sort()) {
      const collected: Collected[] = [];
      Object.assign(nodeTest, collectors(collected), { before: noop, after: noop, beforeEach: noop, afterEach: noop });
      try {
        require(path.join(dir, name));
      } finally {
        for (const [k, v] of saved) nodeTest[k] = v;
      }
      (analyzeModule as { analyze: typeof originalAnalyze }).analyze = (file, options) => {
        record(file, options);
        return originalAnalyze(file, options);
      };
      const run = async (c: Collected): Promise<void> => {
        if (c.skip || !c.fn) return;
        label = `${name.replace(/\.test\.js$/, '')}: ${c.name}`;
        if (c.suite) {
          // Suites register their tests synchronously when called.
          const inner: Collected[] = [];
          Object.assign(nodeTest, collectors(inner));
          try { c.fn(); } finally { for (const [k, v] of saved) nodeTest[k] = v; }
          for (const t of inner) await run(t);
          return;
        }
        try {
          await c.fn(context(run), noop);
        } catch {
          // A failing assertion is reported by the test's own file.
        }
      };
      try {
        for (const c of collected) await run(c);
      } finally {
        (analyzeModule as { analyze: typeof originalAnalyze }).analyze = originalAnalyze;
      }
    }
  } finally {
    for (const [k, v] of saved) nodeTest[k] = v;
    (analyzeModule as { analyze: typeof originalAnalyze }).analyze = originalAnalyze;
  }
  return inputs;
}

function noop(): void {}
