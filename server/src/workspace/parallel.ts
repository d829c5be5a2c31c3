// Auditing in worker threads (the CLI's --concurrency): the files go out in contiguous chunks (a folder's files and
// its modules mostly stay together), each worker audits its chunks with `auditEach` as one thread would, and the
// results are merged in the order of the paths (`mergeAudit`), so the report is the same as one thread's.
// A worker that fails leaves its files with an error problem: the audit fails closed, it never passes by mistake.

import * as os from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { AnalysisResult } from '../engine/analyze';
import type { Settings } from '../engine/config';
import { auditEach, auditFiles, mergeAudit, type AuditOptions, type AuditResult } from './audit';
import type { FileProblem } from './files';
import { ConfigCache, nodeFileHost } from './node-host';

/** What a worker needs to audit as the CLI does: plain data, so it can be sent (settings come from the config files). */
export interface AuditSpec {
  /** The command line's settings, over each folder's config file. */
  readonly overrides: Partial<Settings>;
  readonly moduleCacheUri?: string;
  readonly listings?: ReadonlyMap<string, readonly string[]>;
  readonly root: string;
  readonly egress?: boolean;
  readonly maxFileBytes?: number;
}

/** Below this many files one thread is as fast: starting a worker costs about as much as auditing 100 files. */
export const PARALLEL_MIN_FILES = 200;
const MAX_AUTO_THREADS = 8;
/** Files per chunk at most: small enough to share the work evenly, large enough that a folder's modules come with it. */
const CHUNK_FILES = 250;
/** Chunks per thread at least, so a thread given slow files does not finish long after the others. */
const CHUNKS_PER_THREAD = 4;

const AUDIT_THREAD = 'ai-egress-guard audit thread';

/**
 * `--concurrency`: a number of threads, `auto` or `off`. `auto` is one thread per two cores, from PARALLEL_MIN_FILES
 * files: an audit allocates much, and V8's garbage collector and compiler run on threads of their own. On 2 cores,
 * 2 workers audited 10,000 Bicep files in 11.0 s against one thread's 10.3 s (bench/inventory.ts's workspace).
 */
export function threadsFor(concurrency: string, files: number, cores = os.availableParallelism()): number | undefined {
  if (concurrency === 'off') return 1;
  if (concurrency === 'auto') {
    if (files < PARALLEL_MIN_FILES) return 1;
    return Math.max(1, Math.min(Math.floor(cores / 2), MAX_AUTO_THREADS, Math.ceil(files / CHUNK_FILES)));
  }
  const n = Number(concurrency);
  return Number.isInteger(n) && n >= 1 && n <= 64 ? n : undefined;
}

/** The options `auditFiles` takes for a spec, in this thread. */
export function auditOptionsOf(spec: AuditSpec, configs = new ConfigCache()): AuditOptions {
  return {
    settingsFor: (file) => configs.settingsFor(file, spec.overrides), host: nodeFileHost(), moduleCacheUri: spec.moduleCacheUri,
    listings: spec.listings, root: spec.root, egress: spec.egress, maxFileBytes: spec.maxFileBytes,
  };
}

type ToWorker = { readonly chunk: readonly number[] } | { readonly stop: true };
type FromWorker = { readonly index: number; readonly result?: AnalysisResult; readonly problems: FileProblem[] } | { readonly idle: true };

/**
 * Audits `paths` with `threads` workers (one thread: `auditFiles` here). `workerFile` is the script the workers run
 * (this module, or the bundle that holds it); tests give another.
 */
export async function auditInThreads(paths: readonly string[], spec: AuditSpec, threads: number, workerFile = __filename, configs?: ConfigCache): Promise<AuditResult> {
  if (threads <= 1 || paths.length < 2) return auditFiles(paths, auditOptionsOf(spec, configs));
  const results: (AnalysisResult | undefined)[] = new Array(paths.length);
  const problemsAt: FileProblem[][] = paths.map(() => []);
  const told = new Uint8Array(paths.length);
  const chunks: number[][] = [];
  const size = Math.min(CHUNK_FILES, Math.ceil(paths.length / (threads * CHUNKS_PER_THREAD)));
  for (let i = 0; i < paths.length; i += size) chunks.push(Array.from({ length: Math.min(size, paths.length - i) }, (_, k) => i + k));
  chunks.reverse(); // popped from the end: in the order of the paths
  /** Why workers stopped before their work was done. */
  const failures: string[] = [];
  const one = (): Promise<void> => new Promise((resolve) => {
    let given = 0;
    let failed = false;
    const fail = (why: string) => {
      if (!failed) failures.push(why);
      failed = true;
    };
    const worker = new Worker(workerFile, { workerData: { role: AUDIT_THREAD, paths, spec } });
    const next = () => {
      const chunk = failed ? undefined : chunks.pop();
      if (chunk) given += chunk.length;
      worker.postMessage(chunk ? { chunk } : { stop: true } satisfies ToWorker);
    };
    worker.on('message', (m: FromWorker) => {
      if ('idle' in m) return next();
      told[m.index] = 1;
      given--;
      results[m.index] = m.result;
      problemsAt[m.index] = m.problems;
    });
    worker.on('error', (error) => fail(error.message));
    worker.on('exit', (code) => {
      if (code !== 0) fail(`exit code ${code}`);
      else if (given > 0) fail('it ended before auditing every file');
      resolve();
    });
    next();
  });
  await Promise.all(Array.from({ length: Math.min(threads, chunks.length) }, one));
  // A file no worker told of (its worker failed, or every worker did before its chunk went out) is an error.
  for (let index = 0; index < paths.length; index++) {
    if (told[index]) continue;
    results[index] = undefined;
    problemsAt[index] = [{ path: paths[index], code: 'internal-error', severity: 'error', message: `internal error: the audit thread stopped (${failures[0] ?? 'no thread audited the file'}); please report it` }];
  }
  return mergeAudit(results, problemsAt, spec.root);
}

/** In a worker: audit each chunk sent, telling each file as it is done, until told to stop. */
function runAuditThread(): void {
  const { paths, spec } = workerData as { paths: readonly string[]; spec: AuditSpec };
  const options = auditOptionsOf(spec);
  const port = parentPort!;
  port.on('message', (m: ToWorker) => {
    if ('stop' in m) {
      port.close();
      return;
    }
    const chunk = m.chunk.map((i) => paths[i]);
    void auditEach(chunk, options, (at, result, problems) => {
      port.postMessage({ index: m.chunk[at], result, problems } satisfies FromWorker);
    }).then(() => port.postMessage({ idle: true } satisfies FromWorker));
  });
}

if (!isMainThread && (workerData as { role?: string } | undefined)?.role === AUDIT_THREAD) runAuditThread();
