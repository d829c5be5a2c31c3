// Fuzzer worker: analyses one input (and computes and applies fixes of its findings), and reports what happened
// and the CPU time it took. `npm run fuzz` runs it in a child process per worker, which it stops past its CPU limit:
// a process of its own, so that its CPU time is the input's alone (Node has no CPU clock per thread).

import { analyze } from '../server/src/engine/analyze';
import { mergeSettings } from '../server/src/engine/config';
import { applyFileEdits, editsFor } from '../server/src/engine/edits';
import { warmUp } from '../server/src/engine/warmup';
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
  /** CPU time of the process while it ran (its garbage collection included). */
  readonly cpuMs: number;
}

const settings = mergeSettings({});
/** Fixes applied per input at most: enough to reach every writer path, bounded so one input stays short. */
const MAX_FIXES = 40;

/** `withFixes`: also compute and apply the fixes of the findings, the first MAX_FIXES of the input in all. */
export function runOne(input: FuzzInput, withFixes = true): FuzzOutcome {
  // The last input's garbage is not this one's growth (gc() where the fuzzer exposes it).
  (globalThis as { gc?: () => void }).gc?.();
  const start = performance.now();
  const cpu = process.cpuUsage();
  const heapBefore = process.memoryUsage().heapUsed;
  let findings = 0, problems = 0, errors = 0, fixes = 0;
  const measured = () => {
    const used = process.cpuUsage(cpu);
    return { heapGrowthMb: (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20, ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
  };
  try {
    const uri = `file:///fuzz/${input.name}.${input.kind === 'arm' ? 'json' : input.kind}`;
    const files = input.files ?? {};
    const result = analyze({ uri, text: input.text, kind: input.kind }, { settings, host: { readFile: (u) => files[u] } });
    findings = result.findings.length;
    problems = result.problems.length;
    errors = result.problems.filter((p) => p.severity === 'error').length;
    // The cap is per input, not per finding: building fixes is most of the cost on a list of thousands of entries.
    fixing: for (const finding of withFixes ? result.findings : []) {
      for (const fix of finding.fixes) {
        if (fixes >= MAX_FIXES) break fixing;
        fixes++;
        applyFileEdits(input.text, editsFor([fix], () => input.text).filter((e) => e.uri === uri));
      }
    }
    return { ok: true, findings, problems, errors, fixes, ...measured() };
  } catch (error) {
    // An exception out of analyze() or the fixes: a crash, the one thing the engine must never do.
    return { ok: false, error: (error as Error).stack ?? String(error), findings, problems, errors, fixes, ...measured() };
  }
}

// As the fuzzer's child process: started (and warmed up, as the CLI and the server are) before the first input's CPU
// time is counted, then one input a message, one outcome back.
if (require.main === module && process.send) {
  warmUp();
  process.on('message', (input: FuzzInput) => process.send!(runOne(input)));
  process.send('ready');
}
