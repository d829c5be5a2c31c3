// Benchmarks of what is deployed and of git history (`npm run bench` runs them; each in a child process, so the
// peak memory printed is its own): a generated Resource Graph export of 50,000 accounts audited as the CLI does,
// next to JSON.parse of the same text.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { mergeSettings } from '../server/src/engine/config';
import { auditFiles } from '../server/src/workspace/audit';
import { nodeFileHost } from '../server/src/workspace/node-host';
import { estateSummary } from '../server/src/estate/estate';

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

/** In the child: audit the export file as the CLI does and print one JSON line of figures. */
async function exportChild(file: string): Promise<void> {
  const text = fs.readFileSync(file, 'utf8');
  let start = performance.now();
  JSON.parse(text);
  const floorMs = performance.now() - start;
  start = performance.now();
  const audit = await auditFiles([file], { settingsFor: () => mergeSettings({}), host: nodeFileHost() });
  const estate = estateSummary(audit.results);
  const auditMs = performance.now() - start;
  const findings = audit.results.reduce((n, r) => n + r.findings.length, 0);
  console.log(JSON.stringify({ floorMs, auditMs, findings, accounts: estate?.accounts, problems: audit.problems.length, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
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
      + `  JSON.parse ${m.floorMs.toFixed(0).padStart(6)} ms  audit ${m.auditMs.toFixed(0).padStart(6)} ms  ratio ${(m.auditMs / m.floorMs).toFixed(1)}x  ${m.findings} findings  peak rss ${m.maxRssMb.toFixed(0)} MB`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === 'export') void exportChild(args[0]);
  else exportBenchmark(Number(args[0]) || undefined);
}
