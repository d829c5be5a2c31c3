// `npm run fuzz`: mutates real templates (the shared corpus, the examples) and generated extremes, analyses
// each input in a child process with a CPU time and memory limit, and saves a minimized reproducer of every
// crash, hang and memory blowup. A tool like the benchmark, not a test. See fuzz/README.md.

import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { cpuMsOf } from '../test/support/proc';
import { extremes, mutate, Random, type FuzzInput } from './mutate';
import type { FuzzOutcome } from './worker';

type Failure = 'crash' | 'hang' | 'blowup';

/** Something that went wrong around an input rather than in the engine: the process was killed or stalled. */
interface Infrastructure { readonly infrastructure: string }

type Result = FuzzOutcome | Failure | Infrastructure;

interface Options { seed: number; seconds: number; workers: number; limitMs: number; blowupMb: number; out: string; maxInputs: number }

const ROOT = path.resolve(__dirname, '../..');
/** The heap a worker may use; an input that needs more is a blowup. */
const HEAP_MB = 2048;
/** How often a running input's CPU time is read. */
const POLL_MS = 50;

function seeds(): FuzzInput[] {
  const out: FuzzInput[] = [];
  const roots = [path.join(ROOT, 'examples'), path.resolve(ROOT, '../shared/corpus')];
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(json|jsonc|bicep|bicepparam)$/i.test(e.name) && fs.statSync(p).size < 2_000_000) {
        const kind = /\.bicepparam$/i.test(e.name) ? 'bicepparam' : /\.bicep$/i.test(e.name) ? 'bicep' : 'arm';
        out.push({ name: path.relative(ROOT, p).replace(/[^\w.-]+/g, '_'), kind, text: fs.readFileSync(p, 'utf8') });
      }
    }
  };
  roots.forEach(walk);
  return out;
}

/**
 * One worker process and its input. The limit is CPU time of that process (read from /proc while it runs; wall
 * time where there is no /proc), so a loaded machine does not turn slow inputs into hangs; a process that stays
 * far past the limit in wall time without using the CPU is stalled (infrastructure), not hung.
 */
class Slot {
  private child!: ChildProcess;
  /** Settles once the process has loaded the engine: its start-up is no input's CPU time. */
  private ready!: Promise<void>;
  private stderr = '';
  private pending: { resolve: (r: Result) => void; poll: NodeJS.Timeout } | undefined;

  constructor(private readonly options: Options) {
    this.spawn();
  }

  private spawn(): void {
    const child = fork(path.join(__dirname, 'worker.js'), [], { execArgv: ['--expose-gc', `--max-old-space-size=${HEAP_MB}`], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    this.child = child;
    this.stderr = '';
    let started: () => void;
    this.ready = new Promise((resolve) => { started = resolve; });
    child.stderr!.on('data', (d) => { if (this.child === child) this.stderr = (this.stderr + String(d)).slice(-4096); });
    child.on('message', (message: FuzzOutcome | 'ready') => {
      if (message === 'ready') started();
      else if (this.child === child) this.settle(message);
    });
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      // V8 ends the process when the input needs more heap than it may have: a blowup of that input. Anything
      // else (a kill from outside, the system out of memory) is not the engine's doing.
      const outOfHeap = /heap out of memory|Reached heap limit/i.test(this.stderr);
      started();
      this.spawn();
      this.settle(outOfHeap ? 'blowup' : { infrastructure: `worker process exited (${signal ?? `code ${code}`})${this.stderr ? `: ${this.stderr.trim().split('\n').pop()}` : ''}` });
    });
  }

  private settle(result: Result): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    clearInterval(pending.poll);
    pending.resolve(result);
  }

  /** Stops the process running the input (and starts another) with this result. */
  private stop(result: Result): void {
    const child = this.child;
    this.spawn();
    child.kill('SIGKILL');
    this.settle(result);
  }

  async run(input: FuzzInput, limitMs = this.options.limitMs): Promise<Result> {
    await this.ready;
    return new Promise((resolve) => {
      const pid = this.child.pid!;
      const cpuStart = cpuMsOf(pid);
      const started = Date.now();
      const stallMs = Math.max(60_000, 20 * limitMs);
      const poll = setInterval(() => {
        const wall = Date.now() - started;
        const cpu = cpuStart === undefined ? wall : (cpuMsOf(pid) ?? cpuStart) - cpuStart;
        if (cpu > limitMs) this.stop('hang');
        else if (wall > stallMs) this.stop({ infrastructure: `stalled: ${(wall / 1000).toFixed(0)} s wall clock, ${cpu.toFixed(0)} ms CPU` });
      }, POLL_MS);
      this.pending = { resolve, poll };
      this.child.send(input);
    });
  }

  close(): void {
    const child = this.child;
    this.child = undefined as unknown as ChildProcess;
    child.kill('SIGKILL');
  }
}

const isInfrastructure = (result: Result): result is Infrastructure => typeof result === 'object' && 'infrastructure' in result;

/** A crash is an exception out of analyze() or the fixes; an input that finished past the CPU limit hung too. */
function classify(result: Result, options: Options): Failure | undefined {
  if (typeof result === 'string') return result;
  if (isInfrastructure(result)) return undefined;
  if (!result.ok) return 'crash';
  if (result.cpuMs > options.limitMs) return 'hang';
  return result.heapGrowthMb > options.blowupMb ? 'blowup' : undefined;
}

/** Removes slices while the input still fails the same way (delta debugging, bounded in tries). */
async function minimize(slot: Slot, input: FuzzInput, failure: Failure, options: Options): Promise<FuzzInput> {
  let best = input;
  let tries = 0;
  for (let chunk = Math.ceil(best.text.length / 2); chunk >= 1 && tries < 60; chunk = Math.floor(chunk / 2)) {
    for (let at = 0; at < best.text.length && tries < 60; at += chunk) {
      const candidate = { ...best, text: best.text.slice(0, at) + best.text.slice(at + chunk) };
      tries++;
      if (classify(await slot.run(candidate), options) === failure) { best = candidate; at -= chunk; }
    }
  }
  return best;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: '1' }, time: { type: 'string', default: '60' }, workers: { type: 'string' },
      limit: { type: 'string', default: '2000' }, blowup: { type: 'string', default: '400' }, out: { type: 'string' },
      'max-inputs': { type: 'string', default: '0' },
    },
  });
  const options: Options = {
    seed: Number(values.seed), seconds: Number(values.time), workers: Number(values.workers ?? Math.max(1, os.cpus().length - 1)),
    limitMs: Number(values.limit), blowupMb: Number(values.blowup), out: path.resolve(values.out ?? path.join(ROOT, 'test-results', 'fuzz')),
    maxInputs: Number(values['max-inputs']),
  };
  const base = seeds();
  const random = new Random(options.seed);
  console.log(`ai-egress-guard fuzz: seed ${options.seed}, ${options.seconds} s, ${options.workers} worker(s), ${options.limitMs} ms of CPU time and ${options.blowupMb} MB of heap growth per input; ${base.length} seed files`);
  const counts = { inputs: 0, crash: 0, hang: 0, blowup: 0, failClosed: 0, infrastructure: 0 };
  const slowest = { cpuMs: 0, name: '' };
  const saved = new Set<string>();
  const began = Date.now();
  const deadline = began + options.seconds * 1000;
  const next = (): FuzzInput => {
    if (random.int(10) === 0) return random.pick(extremes(random));
    const seed = random.pick(base);
    let text = seed.text;
    for (let i = 1 + random.int(4); i > 0; i--) text = mutate(text, random);
    return { ...seed, name: `${seed.name}-m${counts.inputs}`, text };
  };
  const figures = () => `inputs ${counts.inputs}, crashes ${counts.crash}, hangs ${counts.hang}, blowups ${counts.blowup}; analyses that reported a limit or error (fail closed) ${counts.failClosed}; infrastructure failures ${counts.infrastructure}`;
  const progress = setInterval(() => console.log(`  [${((Date.now() - began) / 60_000).toFixed(0)} min] ${figures()}`), 60_000);
  const save = (failure: Failure | 'infrastructure', input: FuzzInput, why: string): string => {
    const hash = createHash('sha1').update(input.text).digest('hex').slice(0, 10);
    const file = `${failure}-${hash}.${input.kind === 'arm' ? 'json' : input.kind}`;
    if (saved.has(hash)) return file;
    saved.add(hash);
    fs.mkdirSync(options.out, { recursive: true });
    fs.writeFileSync(path.join(options.out, file), input.text);
    fs.writeFileSync(path.join(options.out, `${failure}-${hash}.txt`), `${input.name}\n${why}\n`);
    return file;
  };
  const slots = Array.from({ length: options.workers }, () => new Slot(options));
  await Promise.all(slots.map(async (slot) => {
    while (Date.now() < deadline && (!options.maxInputs || counts.inputs < options.maxInputs)) {
      const input = next();
      counts.inputs++;
      let result = await slot.run(input);
      // The process died or stalled around the input: once more, to tell the input from the machine.
      const first = isInfrastructure(result) ? result.infrastructure : undefined;
      if (first !== undefined) result = await slot.run(input);
      if (isInfrastructure(result)) {
        counts.infrastructure++;
        const why = `${first}; again: ${result.infrastructure}`;
        console.log(`  infrastructure: ${input.name}: ${why} → ${save('infrastructure', input, why)}`);
        continue;
      }
      if (typeof result !== 'string') {
        if (result.errors > 0) counts.failClosed++;
        if (result.cpuMs > slowest.cpuMs) Object.assign(slowest, { cpuMs: result.cpuMs, name: input.name });
      }
      const failure = classify(result, options);
      if (!failure) continue;
      counts[failure]++;
      const small = await minimize(slot, input, failure, options);
      const why = typeof result === 'string'
        ? (result === 'hang' ? `over ${options.limitMs} ms of CPU time` : `out of heap (${HEAP_MB} MB)`)
        : result.error ?? (failure === 'hang' ? `${result.cpuMs.toFixed(0)} ms of CPU time` : `heap +${result.heapGrowthMb.toFixed(0)} MB`);
      console.log(`  ${failure}: ${small.name} (${small.text.length} chars after minimizing) → ${save(failure, small, why)}`);
    }
  }));
  clearInterval(progress);
  slots.forEach((s) => s.close());
  console.log(`slowest input: ${slowest.name} (${slowest.cpuMs.toFixed(0)} ms CPU); ${((Date.now() - began) / 1000).toFixed(0)} s`);
  console.log(figures());
  process.exitCode = counts.crash + counts.hang + counts.blowup > 0 ? 1 : counts.infrastructure > 0 ? 2 : 0;
}

if (require.main === module) void main();
