// Benchmarks of what is deployed and of git history (`npm run bench` runs them; each in a child process, so the
// peak memory printed is its own): a generated Resource Graph export of 50,000 accounts audited as the CLI does,
// next to JSON.parse of the same text; and `history` over a generated repository of 500 commits over 200
// templates, next to auditing its head once, with the number of file analyses it ran (the changed files).

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { mergeSettings } from '../server/src/engine/config';
import { auditFiles } from '../server/src/workspace/audit';
import { nodeFileHost } from '../server/src/workspace/node-host';
import { estateSummary } from '../server/src/estate/estate';
import { treeAt } from '../server/src/estate/review';
import { walk } from '../server/src/cli/history';
import { historyOf } from '../server/src/estate/history';
import { SnapshotAuditor } from '../server/src/workspace/snapshot';

/** What `az graph query -q "resources | where type =~ 'microsoft.cognitiveservices/accounts'" -o json` prints, for `count` accounts. */
export function resourceGraphExport(count: number): string {
  const rows: object[] = [];
  for (let i = 0; i < count; i++) {
    const subscriptionId = `00000000-0000-0000-0000-${String(i % 20).padStart(12, '0')}`;
    const resourceGroup = `rg-${i % 300}`;
    const name = `acct-${i}`;
    rows.push({
      extendedLocation: null,
      id: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.CognitiveServices/accounts/${name}`,
      identity: null, kind: ['OpenAI', 'AIServices', 'SpeechServices', 'FormRecognizer'][i % 4], location: 'westeurope', managedBy: '', name, plan: null,
      properties: {
        ...(i % 3 ? { restrictOutboundNetworkAccess: i % 3 === 1, allowedFqdnList: [`${name}.blob.core.windows.net`, i % 7 ? 'kv.vault.azure.net' : '*.search.windows.net'] } : {}),
        customSubDomainName: name, endpoint: `https://${name}.cognitiveservices.azure.com/`,
        networkAcls: { defaultAction: i % 2 ? 'Deny' : 'Allow', ipRules: [], virtualNetworkRules: [] },
        provisioningState: 'Succeeded', publicNetworkAccess: i % 2 ? 'Disabled' : 'Enabled',
      },
      resourceGroup, sku: { name: 'S0' }, subscriptionId, tags: i % 5 ? { owner: `team-${i % 40}` } : {},
      tenantId: '11111111-1111-1111-1111-111111111111', type: 'microsoft.cognitiveservices/accounts', zones: null,
    });
  }
  return JSON.stringify({ count, data: rows, skip_token: null, total_records: count }, null, 2);
}

/**
 * In the child: audit the export file as the CLI does, then JSON.parse its text, and print one JSON line of
 * figures. The peak memory is read before the parse, so it is the audit's alone.
 */
async function exportChild(file: string): Promise<void> {
  let start = performance.now();
  const audit = await auditFiles([file], { settingsFor: () => mergeSettings({}), host: nodeFileHost() });
  const estate = estateSummary(audit.results);
  const auditMs = performance.now() - start;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  const findings = audit.results.reduce((n, r) => n + r.findings.length, 0);
  const text = fs.readFileSync(file, 'utf8');
  start = performance.now();
  JSON.parse(text);
  const floorMs = performance.now() - start;
  console.log(JSON.stringify({ floorMs, auditMs, findings, accounts: estate?.accounts, problems: audit.problems.length, maxRssMb }));
}

/** Runs this file's `mode` in a child process and returns its figures. */
export function inChild(mode: string, ...args: string[]): Record<string, number> {
  const r = spawnSync(process.execPath, ['--expose-gc', __filename, mode, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`benchmark child ${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
}

export function exportBenchmark(count = 50000): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'egress-export-'));
  try {
    const file = path.join(dir, 'accounts.json');
    fs.writeFileSync(file, resourceGraphExport(count));
    const mb = fs.statSync(file).size / 1024 / 1024;
    const m = inChild('export', file);
    console.log(`Resource Graph export: ${m.accounts} accounts (${mb.toFixed(1)} MB)`.padEnd(50)
      + `  JSON.parse ${m.floorMs.toFixed(0).padStart(6)} ms  audit ${m.auditMs.toFixed(0).padStart(6)} ms  ratio ${(m.auditMs / m.floorMs).toFixed(1)}x  ${m.findings} findings  peak rss of the audit ${m.maxRssMb.toFixed(0)} MB`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A template with one AI account whose settings vary with `version`. */
function accountTemplate(i: number, version: number): string {
  const restrict = version % 3 !== 1;
  return JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0',
    parameters: { prefix: { type: 'string', defaultValue: 'contoso' } },
    resources: [
      { type: 'Microsoft.Storage/storageAccounts', apiVersion: '2023-01-01', name: `[format('st{0}${i}', parameters('prefix'))]`, location: 'eastus', kind: 'StorageV2', sku: { name: 'Standard_LRS' } },
      {
        type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2024-10-01', name: `[format('{0}-ai-${i}', parameters('prefix'))]`, location: 'eastus', kind: 'OpenAI',
        tags: { owner: `team-${i % 12}`, revision: String(version) },
        properties: { restrictOutboundNetworkAccess: restrict, allowedFqdnList: [`[format('st{0}${i}.blob.{1}', parameters('prefix'), environment().suffixes.storage)]`, ...Array.from({ length: version % 4 }, (_, k) => `h${k}.example.com`)], publicNetworkAccess: 'Disabled' },
      },
    ],
  }, null, 2);
}

/** A repository of `commits` commits over `templates` templates (the first adds them all, each later one changes 1 to 3), made with one git fast-import. */
export function generatedRepository(dir: string, commits: number, templates: number): void {
  const run = (args: string[], input?: string) => {
    const r = spawnSync('git', args, { cwd: dir, input, env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' }, maxBuffer: 256 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`git ${args[0]}: ${r.stderr}`);
  };
  run(['init', '-q', '-b', 'main']);
  const parts: string[] = [];
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const versions = new Array<number>(templates).fill(0);
  let seed = 7;
  const random = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  for (let c = 0; c < commits; c++) {
    const time = 1767607200 + c * 6 * 3600;
    parts.push('commit refs/heads/main', `committer Bench <bench@example.com> ${time} +0000`, data(`commit ${c}`).trimEnd());
    const changed = c === 0 ? Array.from({ length: templates }, (_, i) => i) : Array.from({ length: 1 + random(3) }, () => random(templates));
    if (c === 0) parts.push('M 100644 inline .ai-egress-guard.json', data(JSON.stringify({ rules: { 'use-private-endpoint': 'off', 'enable-diagnostic-logs': 'off' } })).trimEnd());
    for (const i of new Set(changed)) {
      if (c > 0) versions[i]++;
      parts.push(`M 100644 inline t${String(i).padStart(3, '0')}/azuredeploy.json`, data(accountTemplate(i, versions[i])).trimEnd());
    }
    parts.push('');
  }
  run(['fast-import', '--quiet'], `${parts.join('\n')}\n`);
}

/** In the child: history over the repository, and the audit of its head once (a fresh cache), from git alike. */
function historyChild(dir: string): void {
  let start = performance.now();
  const head = new SnapshotAuditor({ root: dir }).audit(treeAt(dir, 'HEAD'));
  const headMs = performance.now() - start;
  start = performance.now();
  const { points, walked, auditor } = walk(dir, 'HEAD', {}, { root: dir });
  const history = historyOf(points, dir);
  const historyMs = performance.now() - start;
  console.log(JSON.stringify({ headMs, historyMs, walked, points: points.length, files: head.results.length, ...auditor.stats, instances: history.instances.length, remediations: history.remediations.length, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
}

export function historyBenchmark(commits = 500, templates = 200): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'egress-history-'));
  try {
    generatedRepository(dir, commits, templates);
    const m = inChild('history', dir);
    console.log(`history: ${m.walked} commits over ${m.files} templates`.padEnd(50)
      + `  head once ${m.headMs.toFixed(0).padStart(6)} ms  history ${m.historyMs.toFixed(0).padStart(6)} ms  ratio ${(m.historyMs / m.headMs).toFixed(1)}x  `
      + `${m.analysed} file analyses run (commits x files would be ${m.points * m.files}), ${m.reused} reused  ${m.remediations} remediations  peak rss ${m.maxRssMb.toFixed(0)} MB`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === 'export') void exportChild(args[0]);
  else if (mode === 'history') historyChild(args[0]);
  else if (mode === 'history-bench') historyBenchmark(Number(args[0]) || undefined, Number(args[1]) || undefined);
  else exportBenchmark(Number(args[0]) || undefined);
}
