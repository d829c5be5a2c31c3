// `npm run bench`: lint throughput next to plain jsonc-parser parsing of the same input, in the same run.
// Targets (issue 8, default rule set): ARM lint of the large template and of the workspace within 1.3x the bare
// parse time; Bicep parse-and-lint within 0.6x of jsonc-parser parsing the compiled JSON of the same template; source.fixAll's edits for 10,000 (ARM) and 4,000 (Bicep) duplicates
// within a second, source.fixAll of the 5 MB template within 2.5x its parse, and fixes on a file of unclosed braces
// at once; the audit with its inventory of 10,000 Bicep templates within 1.5x find+read+parse and under 300 MB
// (bench/inventory.ts); the language server keeping up (lsp.ts). A benchmark, not a test: it prints, it does not
// assert. The workspace, Bicep and inventory sections also time the same work with no rule enabled: how much of
// the target is left for the rules. `--only <name>[,<name>]` runs only those sections: arm, workspace, avm, bicep, inventory, fix, lsp, estate.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseTree } from 'jsonc-parser';
import { analyze, type AnalysisResult } from '../server/src/engine/analyze';
import { editsFor } from '../server/src/engine/edits';
import { fixAllEdits } from '../server/src/engine/fixAll';
import { mergeSettings } from '../server/src/engine/config';
import { warmUp } from '../server/src/engine/warmup';
import { auditFiles } from '../server/src/workspace/audit';
import { collectFiles } from '../server/src/workspace/files';
import { nodeFileHost } from '../server/src/workspace/node-host';
import { inventoryBenchmark } from './inventory';
import { lspBenchmarks } from './lsp';
import { exportBenchmark, historyBenchmark } from './estate';

const ARM_TARGET = 1.3;
const BICEP_TARGET = 0.6;
// One analysis that finds the fixed point and one parse more, at the analysis's measured cost today (about 1.5x).
const FIX_ALL_TARGET = 2.5;
const settings = mergeSettings({});
const host = { readFile: () => undefined };

interface Measured { readonly floorMs: number; readonly lintMs: number; readonly ratio: number }

/**
 * Runs floor and lint alternately, `runs` times after warm-up, and reports the medians and the median
 * of the per-pair ratios: a slow moment of this shared machine then hits both sides of a pair.
 */
async function measure<P = undefined>(floor: () => unknown, lint: (prepared: P) => unknown, runs = 9, prepare?: () => P): Promise<Measured> {
  for (let i = 0; i < 2; i++) { await floor(); await lint(prepare?.() as P); }
  const floors: number[] = [];
  const lints: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < runs; i++) {
    global.gc?.();
    let start = performance.now();
    await floor();
    const f = performance.now() - start;
    const prepared = prepare?.() as P;
    global.gc?.();
    start = performance.now();
    await lint(prepared);
    const l = performance.now() - start;
    floors.push(f);
    lints.push(l);
    ratios.push(l / f);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { floorMs: median(floors), lintMs: median(lints), ratio: median(ratios) };
}

function report(name: string, bytes: number, m: Measured, target: number, what = 'lint'): boolean {
  const mbps = (bytes / 1024 / 1024) / (m.lintMs / 1000);
  const ok = m.ratio <= target;
  console.log(`${name.padEnd(50)} ${(bytes / 1024 / 1024).toFixed(2).padStart(6)} MB  floor ${m.floorMs.toFixed(1).padStart(8)} ms  ${what} ${m.lintMs.toFixed(1).padStart(8)} ms  ratio ${m.ratio.toFixed(2)}x (target ${target}x)  ${mbps.toFixed(1)} MB/s  ${ok ? 'ok' : 'MISSED'}`);
  return ok;
}

/**
 * The same work with no rule enabled, against the same floor: what reading, evaluating and recording the
 * accounts cost before any rule runs. No target of its own; it shows how much of a target is left for the rules.
 */
function reportWithoutRules(m: Measured, target: number): void {
  console.log(`${'  the same without rules (read, evaluate, record)'.padEnd(50)} ${''.padStart(6)}     floor ${m.floorMs.toFixed(1).padStart(8)} ms  lint ${m.lintMs.toFixed(1).padStart(8)} ms  ratio ${m.ratio.toFixed(2)}x (${m.ratio > target ? `over the ${target}x target before any rule runs` : `${(target - m.ratio).toFixed(2)}x of the target left for the rules`})`);
}

/** A large template: storage, web apps and AI accounts with parameters, variables and expressions. */
export function largeTemplate(count: number): string {
  const resources: object[] = [];
  for (let i = 0; i < count; i++) {
    resources.push({
      type: 'Microsoft.Storage/storageAccounts', apiVersion: '2023-01-01', name: `[format('st{0}{1}', parameters('prefix'), ${i})]`,
      location: "[parameters('location')]", sku: { name: 'Standard_LRS' }, kind: 'StorageV2',
      properties: { minimumTlsVersion: 'TLS1_2', networkAcls: { defaultAction: 'Deny', ipRules: [{ value: `10.0.${i % 255}.0/24` }] } },
    });
    if (i % 4 === 0) {
      resources.push({
        type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2024-10-01', name: `[concat(parameters('prefix'), '-ai-${i}')]`,
        location: "[parameters('location')]", kind: 'OpenAI', sku: { name: 'S0' }, tags: "[variables('tags')]",
        properties: {
          restrictOutboundNetworkAccess: i % 8 === 0 ? "[parameters('restrict')]" : false,
          allowedFqdnList: [`[format('st{0}{1}.blob.{2}', parameters('prefix'), ${i}, environment().suffixes.storage)]`, `search${i}.search.windows.net`, '*.vault.azure.net'],
          publicNetworkAccess: 'Disabled',
        },
      });
    }
  }
  return JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: { prefix: { type: 'string', defaultValue: 'contoso' }, location: { type: 'string', defaultValue: 'eastus' }, restrict: { type: 'bool', defaultValue: true } },
    variables: { tags: { owner: 'platform', env: "[toUpper('prod')]" } },
    resources,
  }, null, 2);
}

/** The same template as Bicep source and as the JSON Bicep would compile it to. */
export function largeBicep(count: number): { bicep: string; json: string } {
  const lines = ["param prefix string = 'contoso'", "param location string = 'eastus'", 'param restrict bool = true', "var tags = {\n  owner: 'platform'\n  env: toUpper('prod')\n}", ''];
  const resources: Record<string, object> = {};
  for (let i = 0; i < count; i++) {
    lines.push(`resource st${i} 'Microsoft.Storage/storageAccounts@2023-01-01' = {`, `  name: 'st\${prefix}${i}'`, '  location: location', '  sku: {', "    name: 'Standard_LRS'", '  }', "  kind: 'StorageV2'", '  properties: {', "    minimumTlsVersion: 'TLS1_2'", '    networkAcls: {', "      defaultAction: 'Deny'", '    }', '  }', '}', '');
    resources[`st${i}`] = { type: 'Microsoft.Storage/storageAccounts', apiVersion: '2023-01-01', name: `[format('st{0}${i}', parameters('prefix'))]`, location: "[parameters('location')]", sku: { name: 'Standard_LRS' }, kind: 'StorageV2', properties: { minimumTlsVersion: 'TLS1_2', networkAcls: { defaultAction: 'Deny' } } };
    if (i % 4 === 0) {
      lines.push(`resource ai${i} 'Microsoft.CognitiveServices/accounts@2024-10-01' = {`, `  name: '\${prefix}-ai-${i}'`, '  location: location', "  kind: 'OpenAI'", '  sku: {', "    name: 'S0'", '  }', '  tags: tags', '  properties: {',
        `    restrictOutboundNetworkAccess: ${i % 8 === 0 ? 'restrict' : 'false'}`, '    allowedFqdnList: [', `      'st\${prefix}${i}.blob.\${environment().suffixes.storage}'`, `      'search${i}.search.windows.net'`, "      '*.vault.azure.net'", '    ]', "    publicNetworkAccess: 'Disabled'", '  }', '}', '');
      resources[`ai${i}`] = { type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2024-10-01', name: `[format('{0}-ai-${i}', parameters('prefix'))]`, location: "[parameters('location')]", kind: 'OpenAI', sku: { name: 'S0' }, tags: "[variables('tags')]",
        properties: { restrictOutboundNetworkAccess: i % 8 === 0 ? "[parameters('restrict')]" : false, allowedFqdnList: [`[format('st{0}${i}.blob.{1}', parameters('prefix'), environment().suffixes.storage)]`, `search${i}.search.windows.net`, '*.vault.azure.net'], publicNetworkAccess: 'Disabled' } };
    }
  }
  const json = JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', languageVersion: '2.0', contentVersion: '1.0.0.0',
    metadata: { _generator: { name: 'bicep', version: '0.30.23.60470' } },
    parameters: { prefix: { type: 'string', defaultValue: 'contoso' }, location: { type: 'string', defaultValue: 'eastus' }, restrict: { type: 'bool', defaultValue: true } },
    variables: { tags: { owner: 'platform', env: "[toUpper('prod')]" } },
    resources,
  }, null, 2);
  return { bicep: lines.join('\n'), json };
}

/** An allow-list of `count` hosts each written twice: `count` duplicate removals for source.fixAll. */
export function duplicateHosts(count: number, format: 'arm' | 'bicep'): string {
  const hosts = Array.from({ length: 2 * count }, (_, i) => `h${i % count}.contoso.com`);
  if (format === 'bicep') {
    return ["resource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {", "  name: 'oai'", "  kind: 'OpenAI'", '  tags: {', "    owner: 'team'", '  }', '  properties: {',
      '    restrictOutboundNetworkAccess: true', "    publicNetworkAccess: 'Disabled'", '    allowedFqdnList: [', ...hosts.map((h) => `      '${h}'`), '    ]', '  }', '}', ''].join('\n');
  }
  return JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0',
    resources: [{ type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2024-10-01', name: 'oai', kind: 'OpenAI', tags: { owner: 'team' },
      properties: { restrictOutboundNetworkAccess: true, publicNetworkAccess: 'Disabled', allowedFqdnList: hosts } }],
  }, null, 2);
}

/**
 * The large template with one allow-list entry of each account written as a URL: a safe fix (its host) for each,
 * besides the unsafe fixes every account has.
 */
export function largeTemplateToFix(count: number): string {
  return largeTemplate(count).replace(/"(search\d+\.search\.windows\.net)"/g, '"https://$1/"');
}

/** An AI account whose allow-list is left open by `count` unclosed `{`. */
export function unclosedBraces(count: number): string {
  return `{ "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0", "resources": [ { "type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2024-10-01", "name": "oai", "kind": "OpenAI", "properties": { "allowedFqdnList": ["a.x", "a.x", ${'{'.repeat(count)}`;
}

/** Median time of `runs` runs of `work` after `prepare` (untimed), and whether it is within `targetMs`. */
function reportFixes(name: string, prepare: () => unknown, work: (prepared: never) => unknown, targetMs: number, runs = 5): boolean {
  const times: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const prepared = prepare();
    global.gc?.();
    const start = performance.now();
    work(prepared as never);
    if (i > 0) times.push(performance.now() - start);
  }
  const ms = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
  const ok = ms <= targetMs;
  console.log(`${name.padEnd(50)} ${ms.toFixed(1).padStart(8)} ms (target ${targetMs} ms)  ${ok ? 'ok' : 'MISSED'}`);
  return ok;
}

/** Fixes: all intents of a file against one parse, so many of them cost what one does, and nothing on broken syntax. */
export async function fixBenchmarks(): Promise<boolean> {
  let ok = true;
  const safeEdits = (result: AnalysisResult) => editsFor(result.findings.flatMap((f) => f.fixes.filter((x) => x.safe)));
  for (const [format, count] of [['arm', 10000], ['bicep', 4000]] as const) {
    const text = duplicateHosts(count, format);
    const file = { uri: `file:///bench/duplicates.${format === 'arm' ? 'json' : 'bicep'}`, text, kind: format };
    ok = reportFixes(`source.fixAll edits: ${count} duplicates (${format})`, () => analyze(file, { settings, host }), safeEdits, 1000) && ok;
    ok = reportFixes(`source.fixAll to the fixed point: ${count} (${format})`, () => analyze(file, { settings, host }),
      (result: AnalysisResult) => fixAllEdits(result.findings), 5000, 3) && ok;
  }
  // source.fixAll / --fix of the 5 MB template (the analysis before it untimed): the safe fixes of every finding,
  // then one more analysis that finds the fixed point. Target: that analysis and one parse more (FIX_ALL_TARGET).
  const big = largeTemplateToFix(7200);
  const bigFile = { uri: 'file:///bench/large-fix.json', text: big, kind: 'arm' as const };
  ok = report('source.fixAll: 5 MB template (1800 safe fixes)', big.length, await measure(() => parseTree(big),
    (result: AnalysisResult) => fixAllEdits(result.findings), 5, () => analyze(bigFile, { settings, host })), FIX_ALL_TARGET, 'fixAll') && ok;
  for (const count of [2000, 5000]) {
    const text = unclosedBraces(count);
    const file = { uri: 'file:///bench/unclosed.json', text, kind: 'arm' as const };
    ok = reportFixes(`fixes of every finding: ${count} unclosed {`, () => analyze(file, { settings, host }),
      (result: AnalysisResult) => { for (const f of result.findings) for (const fix of f.fixes) editsFor([fix]); }, 200) && ok;
  }
  return ok;
}

/** The sections `--only` names (all when absent). */
function sectionsWanted(argv: readonly string[]): (name: string) => boolean {
  const at = argv.indexOf('--only');
  if (at < 0) return () => true;
  const names = new Set((argv[at + 1] ?? '').split(','));
  return (name) => names.has(name);
}

async function main(): Promise<void> {
  let ok = true;
  const wanted = sectionsWanted(process.argv);
  warmUp(); // as the language server and the CLI do at start-up
  console.log(`ai-egress-guard benchmark — Node ${process.version}, ${os.cpus().length} cores${global.gc ? '' : ' (run with --expose-gc for steadier figures)'}`);
  console.log('floor: jsonc-parser parseTree of the same JSON (for Bicep: of the JSON Bicep compiles it to); ratio: median of paired runs\n');

  if (wanted('arm')) {
  const big = largeTemplate(8000);
  ok = report('large generated template (8000+2000 resources)', big.length, await measure(
    () => parseTree(big),
    () => analyze({ uri: 'file:///bench/large.json', text: big, kind: 'arm' }, { settings, host })), ARM_TARGET) && ok;
  }

  if (wanted('workspace')) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'egress-bench-'));
  try {
    const files: string[] = [];
    let bytes = 0;
    for (let i = 0; i < 400; i++) {
      const file = path.join(dir, `t${i}`, 'azuredeploy.json');
      fs.mkdirSync(path.dirname(file));
      const text = largeTemplate(8);
      fs.writeFileSync(file, text);
      files.push(file);
      bytes += text.length;
    }
    // Both sides find the files, read and parse them; the lint side is the CLI's own walk and audit.
    const findAndParse = () => {
      const stack = [dir];
      while (stack.length) {
        const current = stack.pop()!;
        for (const e of fs.readdirSync(current, { withFileTypes: true })) {
          const p = path.join(current, e.name);
          if (e.isDirectory()) stack.push(p); else parseTree(fs.readFileSync(p, 'utf8'));
        }
      }
    };
    const findAndLint = (rules?: []) => {
      const collected = collectFiles([dir], dir);
      return auditFiles(collected.files, { settingsFor: () => settings, host: nodeFileHost(), listings: collected.listings, rules });
    };
    ok = report(`workspace of ${files.length} templates (find, read, lint)`, bytes, await measure(findAndParse, () => findAndLint(), 7), ARM_TARGET) && ok;
    reportWithoutRules(await measure(findAndParse, () => findAndLint([]), 7), ARM_TARGET);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  }

  const corpus = path.resolve(__dirname, '../../../shared/corpus/arm/bicep-registry-modules');
  if (!wanted('avm')) {
    // not asked for
  } else if (fs.existsSync(corpus)) {
    const mains: string[] = [];
    const walk = (d: string) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) walk(p); else if (e.name.endsWith('.json')) mains.push(p); } };
    walk(corpus);
    const texts = mains.map((f) => fs.readFileSync(f, 'utf8'));
    const bytes = texts.reduce((n, t) => n + t.length, 0);
    ok = report(`Azure Verified Modules corpus (${texts.length} files)`, bytes, await measure(
      () => { for (const t of texts) parseTree(t); },
      () => { texts.forEach((t, i) => analyze({ uri: `file://${mains[i]}`, text: t, kind: 'arm' }, { settings, host })); }, 5), ARM_TARGET) && ok;
  } else {
    console.log('Azure Verified Modules corpus: skipped (../shared/corpus absent)');
  }

  if (wanted('bicep')) {
  const { bicep, json } = largeBicep(4000);
  const file = { uri: 'file:///bench/large.bicep', text: bicep, kind: 'bicep' as const };
  ok = report('large Bicep file (4000+1000 resources)', bicep.length, await measure(() => parseTree(json), () => analyze(file, { settings, host })), BICEP_TARGET) && ok;
  reportWithoutRules(await measure(() => parseTree(json), () => analyze(file, { settings, host, rules: [] })), BICEP_TARGET);
  }

  if (wanted('inventory')) { console.log(''); ok = await inventoryBenchmark() && ok; }
  if (wanted('fix')) { console.log(''); ok = (await fixBenchmarks()) && ok; }
  if (wanted('lsp')) { console.log(''); ok = (await lspBenchmarks()) && ok; }
  if (wanted('estate')) { console.log(''); exportBenchmark(); historyBenchmark(); }

  const mem = process.memoryUsage();
  console.log(`\nmemory: rss ${(mem.rss / 1024 / 1024).toFixed(0)} MB, heap used ${(mem.heapUsed / 1024 / 1024).toFixed(0)} MB`);
  console.log(ok ? '\nall targets met' : '\nsome targets missed');
}

if (require.main === module) void main();
