// The HTML report (`--format html`) in Debian's chromium: the page of an audit of examples/ opens from disk, its own
// script runs (the status filter hides restricted rows), no request leaves the page, the CSP reports nothing, and a
// resource named `<img src=x onerror=alert(1)>` shows as text. A screenshot goes to test-results/e2e/html-report.png.
//
//   node out/test/e2e/report.js          (run by `npm run test:e2e` before the code-server scenarios)

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT, cleanup, launchBrowser, log, newPage, tempDir } from '../support/codeServer';

const RESULTS = path.join(REPO_ROOT, 'test-results', 'e2e');

async function main(): Promise<number> {
  const dir = tempDir('egress-report-');
  fs.cpSync(path.join(REPO_ROOT, 'examples'), path.join(dir, 'examples'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'examples', 'arm', 'evil.json'), JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0',
    resources: [{ type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2024-10-01', name: '<img src=x onerror=alert(1)>', kind: 'OpenAI', tags: { owner: 'a|b `c`' }, properties: {} }],
  }, null, 2));
  const report = path.join(dir, 'report.html');
  const cli = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli.js'), 'examples', '--format', 'html', '--output', report, '--fail-on', 'none'], { cwd: dir, encoding: 'utf8' });
  if (cli.status !== 0) throw new Error(`the CLI exited ${cli.status}: ${cli.stderr}`);
  const browser = await launchBrowser();
  const page = await newPage(browser);
  const requests: string[] = [];
  const console: string[] = [];
  const dialogs: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => console.push(`${m.type()}: ${m.text()}`));
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  const url = pathToFileURL(report).href;
  await page.goto(url);
  const all = await page.locator('tbody#instances tr').count();
  await page.selectOption('select[data-key="status"]', 'open');
  const open = await page.locator('tbody#instances tr:not([hidden])').count();
  const evil = await page.locator('tbody#instances td', { hasText: '<img src=x onerror=alert(1)>' }).count();
  fs.mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: path.join(RESULTS, 'html-report.png'), fullPage: true });
  const failures: string[] = [];
  if (requests.some((r) => r !== url)) failures.push(`requests left the page: ${requests.filter((r) => r !== url).join(', ')}`);
  if (console.length) failures.push(`console: ${console.join(' | ')}`);
  if (dialogs.length) failures.push(`a dialog opened: ${dialogs.join(', ')}`);
  if (!(open > 0 && open < all)) failures.push(`the status filter showed ${open} of ${all} rows`);
  if (evil !== 1) failures.push(`the name <img ...> shows as text in ${evil} cells, expected 1`);
  log(failures.length ? `html report: FAILED\n  ${failures.join('\n  ')}` : `html report: ok (${all} instances, ${open} open; screenshot test-results/e2e/html-report.png)`);
  return failures.length ? 1 : 0;
}

main().then(async (code) => { await cleanup(); process.exitCode = code; }, async (error: Error) => {
  log(`html report: ${error.stack ?? error}`);
  await cleanup();
  process.exitCode = 1;
});
