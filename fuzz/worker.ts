// Fuzzer worker: analyses one input (and computes and applies every fix of every finding), and reports
// what happened. Runs in a worker thread so the parent can stop it at its time limit.

import { parentPort } from 'node:worker_threads';
import { analyze } from '../server/src/engine/analyze';
import { mergeSettings } from '../server/src/engine/config';
import { applyFileEdits, editsFor } from '../server/src/engine/edits';
import type { FuzzInput } from './mutate';

export interface FuzzOutcome {
  readonly ok: boolean;
  readonly error?: string;
  readonly findings: number;
  readonly problems: number;
  /** Error-level problems: the analysis said it is incomplete (fail closed). */
  readonly errors: number;
  readonly fixes: number;
  readonly heapGrowthMb: number;
  readonly ms: number;
}

const settings = mergeSettings({});
/** Fixes applied per input at most: enough to reach every writer path, bounded so one input stays short. */
const MAX_FIXES = 40;

/** `withFixes`: also compute and apply every fix (up to MAX_FIXES) of every finding. */
export function runOne(input: FuzzInput, withFixes = true): FuzzOutcome {
  const start = performance.now();
  const heapBefore = process.memoryUsage().heapUsed;
  let findings = 0, problems = 0, errors = 0, fixes = 0;
  try {
    const uri = `file:///fuzz/${input.name}.${input.kind === 'arm' ? 'json' : input.kind}`;
    const files = input.files ?? {};
    const result = analyze({ uri, text: input.text, kind: input.kind }, { settings, host: { readFile: (u) => files[u] } });
    findings = result.findings.length;
    problems = result.problems.length;
    errors = result.problems.filter((p) => p.severity === 'error').length;
    for (const finding of withFixes ? result.findings : []) {
      for (const fix of finding.fixes) {
        if (fixes++ >= MAX_FIXES) break;
        applyFileEdits(input.text, editsFor([fix], () => input.text).filter((e) => e.uri === uri));
      }
    }
    return { ok: true, findings, problems, errors, fixes, heapGrowthMb: (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20, ms: performance.now() - start };
  } catch (error) {
    return { ok: false, error: (error as Error).stack ?? String(error), findings, problems, errors, fixes, heapGrowthMb: (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20, ms: performance.now() - start };
  }
}

parentPort?.on('message', (input: FuzzInput) => {
  parentPort!.postMessage(runOne(input));
});
