// Collects the garbage of heavy work (the analysis of a large template, an audit) once the analysis thread goes
// idle. V8 keeps the heap it grew to and collects in full only when it runs short again, so without this the server
// held whatever the last burst of analyses left behind for as long as the editor stayed open: after a burst of edits
// on a 5 MB template, 430 MB of RSS against 272 MB after one full collection.

import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** How long the thread must have received nothing before it collects (ms): longer than the pause between keystrokes. */
const IDLE_MS = 300;
/**
 * Work adding up to this long (ms) since the last collection leaves garbage worth a full one (about 100 ms on a 5 MB
 * template's heap). Added up, not per piece: a faster machine that analyses the same template in 180 ms makes the
 * same garbage, and left it all uncollected (390 MB of RSS against 300 MB collected, in `npm run bench`).
 */
const HEAVY_MS = 200;

/** V8's full collection, exposed to a new context (the process was not started with --expose-gc). */
function fullCollection(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    // Twice: the pages the first one frees are given back to the system only by the next (it waits for their unmapping).
    return typeof gc === 'function' ? () => { (gc as () => void)(); (gc as () => void)(); } : undefined;
  } catch {
    return undefined;
  }
}

export interface Collected {
  readonly heapBeforeMb: number;
  readonly heapAfterMb: number;
  readonly ms: number;
}

export class IdleCollector {
  private readonly gc = fullCollection();
  private timer: NodeJS.Timeout | undefined;
  /** Work done since the last collection (ms). */
  private workedMs = 0;

  /** `idle`: nothing waits to be done (changes to apply); `collected`: told of each collection. */
  constructor(private readonly idle: () => boolean, private readonly collected: (what: Collected) => void) {}

  /** Work of `ms` was done: once the work since the last collection is heavy, the garbage is collected when the thread stays idle. */
  worked(ms: number): void {
    this.workedMs += ms;
    this.arm();
  }

  /** A message arrived: the thread is not idle, so the collection waits again. */
  busy(): void {
    this.arm();
  }

  private arm(): void {
    clearTimeout(this.timer);
    if (this.workedMs < HEAVY_MS || !this.gc) return;
    this.timer = setTimeout(() => this.collect(), IDLE_MS);
    // A pending collection must not keep the thread (or a test process serving analyses inline) alive.
    this.timer.unref();
  }

  private collect(): void {
    if (!this.idle()) return this.arm();
    this.workedMs = 0;
    const before = getHeapStatistics().used_heap_size;
    const start = performance.now();
    this.gc?.();
    const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
    this.collected({ heapBeforeMb: mb(before), heapAfterMb: mb(getHeapStatistics().used_heap_size), ms: Math.round(performance.now() - start) });
  }
}
