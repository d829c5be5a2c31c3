// `npm run fuzz`: mutates real templates (the shared corpus, the examples) and generated extremes, analyses
// each input in a worker thread with a time and memory limit, and saves a minimized reproducer of every
// crash, hang and memory blowup. A tool like the benchmark, not a test. See fuzz/README.md.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { extremes, mutate, Random, type FuzzInput } from './mutate';
import type { FuzzOutcome } from './worker';

type Failure = 'crash' | 'hang' | 'blowup';

interface Options { seed: number; seconds: number; workers: number; limitMs: number; blowupMb: number; out: string; maxInputs: number }

const ROOT = path.resolve(__dirname, '../..');

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

/** One worker with a pending task; replaced when it is stopped at the time limit or dies. */
class Slot {
  private worker!: Worker;
  private pending: { resolve: (o: FuzzOutcome | Failure) => void; timer: NodeJS.Timeout } | undefined;

  constructor(private readonly options: Options) {
    this.spawn();
  }

  private spawn(): void {
    this.worker = new Worker(path.join(__dirname, 'worker.js'), { resourceLimits: { maxOldGenerationSizeMb: 2048 } });
    this.worker.on('message', (outcome: FuzzOutcome) => this.settle(outcome));
    this.worker.on('error', (error) => this.settle(/memory/i.test(String(error)) ? 'blowup' : 'crash', true));
    this.worker.on('exit', () => this.settle('crash', true));
  }

  private settle(result: FuzzOutcome | Failure, dead = false): void {
    const pending = this.pending;
    if (!pending) { if (dead) this.spawn(); return; }
    this.pending = undefined;
    clearTimeout(pending.timer);
    if (dead) this.spawn();
    pending.resolve(result);
  }

  run(input: FuzzInput, limitMs = this.options.limitMs): Promise<FuzzOutcome | Failure> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const worker = this.worker;
        this.pending = undefined;
        worker.removeAllListeners();
        void worker.terminate();
        this.spawn();
        resolve('hang');
      }, limitMs);
      this.pending = { resolve, timer };
      this.worker.postMessage(input);
    });
  }

  close(): Promise<number> {
    this.worker.removeAllListeners();
    return this.worker.terminate();
  }
}

function classify(result: FuzzOutcome | Failure, options: Options): Failure | undefined {
  if (typeof result === 'string') return result;
  if (!result.ok) return 'crash';
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
  console.log(`ai-egress-guard fuzz: seed ${options.seed}, ${options.seconds} s, ${options.workers} worker(s), ${options.limitMs} ms and ${options.blowupMb} MB per input; ${base.length} seed files`);
  const counts = { inputs: 0, crash: 0, hang: 0, blowup: 0, failClosed: 0 };
  const saved = new Set<string>();
  const deadline = Date.now() + options.seconds * 1000;
  const next = (): FuzzInput => {
    if (random.int(10) === 0) return random.pick(extremes(random));
    const seed = random.pick(base);
    let text = seed.text;
    for (let i = 1 + random.int(4); i > 0; i--) text = mutate(text, random);
    return { ...seed, name: `${seed.name}-m${counts.inputs}`, text };
  };
  const slots = Array.from({ length: options.workers }, () => new Slot(options));
  await Promise.all(slots.map(async (slot) => {
    while (Date.now() < deadline && (!options.maxInputs || counts.inputs < options.maxInputs)) {
      const input = next();
      counts.inputs++;
      const result = await slot.run(input);
      if (typeof result !== 'string' && result.errors > 0) counts.failClosed++;
      const failure = classify(result, options);
      if (!failure) continue;
      counts[failure]++;
      const small = await minimize(slot, input, failure, options);
      const hash = createHash('sha1').update(small.text).digest('hex').slice(0, 10);
      if (saved.has(hash)) continue;
      saved.add(hash);
      fs.mkdirSync(options.out, { recursive: true });
      const ext = small.kind === 'arm' ? 'json' : small.kind;
      fs.writeFileSync(path.join(options.out, `${failure}-${hash}.${ext}`), small.text);
      fs.writeFileSync(path.join(options.out, `${failure}-${hash}.txt`), `${small.name}\n${typeof result === 'string' ? result : result.error ?? `heap +${result.heapGrowthMb.toFixed(0)} MB`}\n`);
      console.log(`  ${failure}: ${small.name} (${small.text.length} chars after minimizing) → ${failure}-${hash}.${ext}`);
    }
  }));
  await Promise.all(slots.map((s) => s.close()));
  console.log(`inputs ${counts.inputs}, crashes ${counts.crash}, hangs ${counts.hang}, blowups ${counts.blowup}; analyses that reported a limit or error (fail closed) ${counts.failClosed}`);
  process.exitCode = counts.crash + counts.hang + counts.blowup > 0 ? 1 : 0;
}

if (require.main === module) void main();
