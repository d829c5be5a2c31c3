// The audit with its inventory at scale: a generated workspace of 10,000 Bicep templates (half modules, half entry
// points calling them, with a loop and a parameter file here and there), audited as the CLI does, next to finding,
// reading and parsing the same files; and the audit's peak memory, measured in a child process of its own.
// Targets: within 1.5x the floor, under 300 MB. A benchmark, not a test: it prints, it does not assert.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { mergeSettings } from '../server/src/engine/config';
import { parseBicep, parseBicepParam } from '../server/src/engine/bicep/parser';
import { warmUp } from '../server/src/engine/warmup';
import { auditFiles } from '../server/src/workspace/audit';
import { collectFiles } from '../server/src/workspace/files';
import { nodeFileHost } from '../server/src/workspace/node-host';
import { auditInThreads, threadsFor } from '../server/src/workspace/parallel';

export const INVENTORY_TARGET = 1.5;
export const MEMORY_TARGET_MB = 300;
const FOLDERS = 50;
const PER_FOLDER = 100;

/** Writes the workspace: in each folder, PER_FOLDER entry points each calling its own module, which declares an AI account. */
export function generateWorkspace(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  const write = (file: string, text: string) => { fs.writeFileSync(file, text); files++; bytes += text.length; };
  for (let f = 0; f < FOLDERS; f++) {
    const folder = path.join(dir, `app${f}`);
    fs.mkdirSync(path.join(folder, 'modules'), { recursive: true });
    for (let i = 0; i < PER_FOLDER; i++) {
      write(path.join(folder, 'modules', `ai${i}.bicep`), `@description('An AI account and its storage')
param name string
param location string = resourceGroup().location
param restrict bool = false
param owner string = 'team-${f}'
param allowed array = []

resource storage 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: '\${name}st'
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
}

resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: name
  location: location
  kind: ${i % 3 === 0 ? "'AIServices'" : "'OpenAI'"}
  sku: { name: 'S0' }
  tags: { owner: owner }
  properties: {
    customSubDomainName: name
    publicNetworkAccess: 'Disabled'
    restrictOutboundNetworkAccess: restrict
    allowedFqdnList: concat(allowed, ['\${storage.name}.blob.\${environment().suffixes.storage}'])
  }
}

output endpoint string = account.properties.endpoint
`);
      const loop = i % 10 === 0;
      write(path.join(folder, `main${i}.bicep`), `param env string = 'dev'
param prefix string = 'app${f}x${i}'

module ai 'modules/ai${i}.bicep' = ${loop ? '[for r in range(0, 2): {' : '{'}
  name: 'ai-\${env}${loop ? '-${r}' : ''}'
  params: {
    name: '\${prefix}-\${env}${loop ? '-${r}' : ''}'
    restrict: ${i % 2 === 0 ? 'true' : 'false'}
    allowed: ['api.contoso.com']
  }
}${loop ? ']' : ''}
`);
    }
  }
  return { files, bytes };
}

/** Both sides walk the folders and read every file; the floor parses each, the audit is the CLI's own walk and audit. */
function findReadParse(dir: string): void {
  const stack = [dir];
  while (stack.length) {
    const current = stack.pop()!;
    for (const e of fs.readdirSync(current, { withFileTypes: true })) {
      const p = path.join(current, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (p.endsWith('.bicepparam')) parseBicepParam(fs.readFileSync(p, 'utf8'));
      else parseBicep(fs.readFileSync(p, 'utf8'));
    }
  }
}

/** The audit as the CLI runs it; with `rules: []`, the same audit with no rule enabled (reading, evaluating, the inventory). */
async function audit(dir: string, rules?: []) {
  const settings = mergeSettings({});
  const collected = collectFiles([dir], dir);
  return auditFiles(collected.files, { settingsFor: () => settings, host: nodeFileHost(), listings: collected.listings, root: dir, rules });
}

/** Peak resident memory of a child process that does one thing (`floor` or `audit`) on the workspace. */
function peakMb(what: 'floor' | 'audit', dir: string): number {
  const r = spawnSync(process.execPath, [__filename, `--child=${what}`, dir], { encoding: 'utf8' });
  const kb = Number(/maxRSS (\d+)/.exec(r.stdout)?.[1]);
  return kb / 1024;
}

export async function inventoryBenchmark(): Promise<boolean> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'egress-inventory-'));
  try {
    const { files, bytes } = generateWorkspace(dir);
    const floors: number[] = [];
    const audits: number[] = [];
    const ratios: number[] = [];
    const bareRatios: number[] = [];
    let instances = 0;
    // Warm-up once, then pairs: a slow moment of the shared machine hits both sides of a pair.
    findReadParse(dir);
    await audit(dir);
    for (let i = 0; i < 3; i++) {
      global.gc?.();
      let start = performance.now();
      findReadParse(dir);
      const f = performance.now() - start;
      global.gc?.();
      start = performance.now();
      const result = await audit(dir);
      const a = performance.now() - start;
      instances = result.inventory.summary.instances;
      floors.push(f);
      audits.push(a);
      ratios.push(a / f);
      global.gc?.();
      start = performance.now();
      await audit(dir, []);
      bareRatios.push((performance.now() - start) / f);
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
    const ratio = median(ratios);
    // Peak RSS follows when V8 collects (one build gave 267 to 397 MB): the median of three children, all shown.
    const floorPeak = peakMb('floor', dir);
    const auditPeaks = [0, 1, 2].map(() => peakMb('audit', dir));
    const auditPeak = median(auditPeaks);
    const ok = ratio <= INVENTORY_TARGET && auditPeak <= MEMORY_TARGET_MB;
    const threads = threadsFor('auto', files);
    let threaded = `audit in threads: skipped (${os.availableParallelism()} cores: --concurrency auto is one thread)`;
    if (threads && threads > 1) {
      // What the CLI's --concurrency auto does on this machine: informative, the targets are one thread's.
      const start = performance.now();
      const collected = collectFiles([dir], dir);
      await auditInThreads(collected.files, { overrides: {}, listings: collected.listings, root: dir }, threads);
      const ms = performance.now() - start;
      threaded = `audit in ${threads} threads (--concurrency auto) ${ms.toFixed(1)} ms, ratio ${(ms / median(floors)).toFixed(2)}x`;
    }
    console.log(`${`workspace of ${files} Bicep templates, inventory (${instances} instances)`.padEnd(50)} ${(bytes / 1024 / 1024).toFixed(2).padStart(6)} MB  `
      + `find+read+parse ${median(floors).toFixed(1).padStart(8)} ms  audit ${median(audits).toFixed(1).padStart(8)} ms  ratio ${ratio.toFixed(2)}x (target ${INVENTORY_TARGET}x)  `
      + `peak memory ${auditPeak.toFixed(0)} MB (median of ${auditPeaks.map((mb) => mb.toFixed(0)).join(', ')}; floor ${floorPeak.toFixed(0)} MB; target ${MEMORY_TARGET_MB} MB)  ${ok ? 'ok' : 'MISSED'}\n`
      + `  of which without rules (read, evaluate, inventory): ratio ${median(bareRatios).toFixed(2)}x\n  ${threaded}`);
    return ok;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const child = process.argv.find((a) => a.startsWith('--child='))?.slice('--child='.length);
  if (child) {
    const dir = process.argv[process.argv.length - 1];
    warmUp();
    void (child === 'floor' ? Promise.resolve(findReadParse(dir)) : audit(dir)).then(() => console.log(`maxRSS ${process.resourceUsage().maxRSS}`));
  } else {
    warmUp();
    void inventoryBenchmark();
  }
}
