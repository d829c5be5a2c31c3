// End-to-end UI tests: packages the extension, installs the .vsix into code-server, opens a workspace of test
// templates in Debian's chromium (driven by playwright-core) and runs the scenarios of ./scenarios.ts through the
// UI. Screenshots of every step go to test-results/e2e/. Always stops what it started; exits 1 when a scenario
// fails; the last line is "N passed, N failed".
//
//   npm run test:e2e                      (compiles, installs code-server when missing, packages, runs)
//   node out/test/e2e/run.js [--vsix file.vsix] [--only 1,2]
//
// Environment: EGRESS_GUARD_CACHE (code-server install folder's parent), CODE_SERVER, CHROMIUM, HEADED=1, KEEP_TMP=1.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  REPO_ROOT, cleanup, installBicepLanguageStandIn, installExtension, launchBrowser, log, newPage, openWorkbench, startCodeServer, tempDir,
} from '../support/codeServer';
import { EXTENSION_ID, contributesBicep, declaresBicep, writeWorkspace } from '../support/templates';
import { SCENARIOS, Skip, type Context } from './scenarios';
import { Workbench } from './workbench';

const RESULTS = path.join(REPO_ROOT, 'test-results', 'e2e');
const SCENARIO_TIMEOUT = 120_000;
const RUN_TIMEOUT = 400_000;

function parseArgs(argv: string[]): { vsix?: string; only?: Set<number> } {
  const out: { vsix?: string; only?: Set<number> } = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--vsix') out.vsix = path.resolve(argv[++i] ?? '');
    else if (argv[i] === '--only') out.only = new Set((argv[++i] ?? '').split(',').map(Number));
    else throw new Error(`unknown argument ${argv[i]} (use --vsix FILE, --only 1,2,...)`);
  }
  return out;
}

/**
 * `npm run package` at the repository root → ai-egress-guard.vsix. vsce packs every file its ignore file does not
 * exclude, and .cache/ (this harness's code-server, thousands of files) and test-results/ are not the
 * extension's: they are added to the project's .vscodeignore patterns in a temporary ignore file.
 * Retried once, since a build running concurrently in the same tree can change files while vsce zips them.
 */
function packageExtension(): string {
  const vsix = path.join(REPO_ROOT, 'ai-egress-guard.vsix');
  const ignore = path.join(tempDir('vsce'), 'vscodeignore');
  const own = path.join(REPO_ROOT, '.vscodeignore');
  fs.writeFileSync(ignore, `${fs.existsSync(own) ? fs.readFileSync(own, 'utf8') : ''}\n.cache/**\ntest-results/**\n`);
  for (let attempt = 1; ; attempt++) {
    log(`npm run package (attempt ${attempt})`);
    fs.rmSync(vsix, { force: true });
    const result = spawnSync('npm', ['run', 'package', '--', '--ignoreFile', ignore], {
      cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000,
    });
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
    if (result.status === 0 && fs.existsSync(vsix)) {
      log(`packaged ${path.relative(REPO_ROOT, vsix)} (${(fs.statSync(vsix).size / 1024).toFixed(0)} KiB): ${/Packaged: .*\((.*)\)/.exec(output)?.[1] ?? ''}`);
      return vsix;
    }
    if (attempt >= 2) throw new Error(`npm run package failed (exit ${result.status ?? result.signal}):\n${output.trim().split('\n').slice(-30).join('\n')}`);
    log(`npm run package failed, retrying:\n${output.trim().split('\n').slice(-5).join('\n')}`);
  }
}

function installedManifest(extensionsDir: string): Context['manifest'] {
  const dir = fs.readdirSync(extensionsDir).find((d) => d.toLowerCase().startsWith(`${EXTENSION_ID}-`));
  if (!dir) throw new Error(`${EXTENSION_ID} not found in ${extensionsDir} after installing: ${fs.readdirSync(extensionsDir).join(', ')}`);
  return JSON.parse(fs.readFileSync(path.join(extensionsDir, dir, 'package.json'), 'utf8'));
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const scenarios = SCENARIOS.filter((s) => !args.only || args.only.has(s.id));
  fs.rmSync(RESULTS, { recursive: true, force: true });
  fs.mkdirSync(RESULTS, { recursive: true });
  const started = Date.now();
  let passed = 0;
  let failed = 0;
  const skipped: string[] = [];
  let userDataDir: string | undefined;
  const watchdog = setTimeout(() => {
    log(`the whole run exceeded ${RUN_TIMEOUT / 1000} s: stopping`);
    void cleanup().finally(() => {
      console.log(`${passed} passed, ${failed + 1} failed`);
      process.exit(1);
    });
  }, RUN_TIMEOUT);
  watchdog.unref();

  try {
    if (!fs.existsSync(path.join(REPO_ROOT, 'client', 'src', 'extension.ts'))) {
      log('note: client/src/extension.ts does not exist yet: the extension is not built, the scenarios will fail');
    }
    const vsix = args.vsix ?? packageExtension();
    const extensionsDir = tempDir('extensions');
    installExtension(vsix, extensionsDir);
    const manifest = installedManifest(extensionsDir);
    const bicepStandIn = declaresBicep(manifest) && !contributesBicep(manifest);
    if (bicepStandIn) {
      log("the extension activates on 'bicep' but leaves the language to the Bicep extension (not installable offline): installing a stand-in that registers the language id");
      installBicepLanguageStandIn(extensionsDir);
    }

    const workspace = tempDir('workspace');
    writeWorkspace(workspace);
    log(`workspace ${workspace}: ${fs.readdirSync(workspace).join(', ')}`);

    const server = await startCodeServer({ extensionsDir, logFile: path.join(RESULTS, 'code-server.log') });
    userDataDir = server.userDataDir;
    const browser = await launchBrowser();
    const page = await newPage(browser);
    const consoleLog = fs.createWriteStream(path.join(RESULTS, 'browser-console.log'));
    page.on('console', (m) => consoleLog.write(`[${m.type()}] ${m.text()}\n`));
    page.on('pageerror', (e) => consoleLog.write(`[pageerror] ${e.stack ?? e.message}\n`));
    const wb = new Workbench(page, RESULTS);
    await openWorkbench(page, server.url(workspace));
    await wb.screenshot('workbench');
    const ctx: Context = { wb, workspace, manifest, bicepStandIn };

    for (const scenario of scenarios) {
      const name = `scenario ${scenario.id}: ${scenario.title}`;
      log(`▶ ${name}`);
      const t0 = Date.now();
      try {
        await withTimeout(scenario.run(ctx), SCENARIO_TIMEOUT, name);
        passed++;
        log(`✔ scenario ${scenario.id} passed (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      } catch (error) {
        if (error instanceof Skip) {
          skipped.push(`scenario ${scenario.id}: ${error.message}`);
          log(`⏭ scenario ${scenario.id} skipped: ${error.message}`);
        } else {
          failed++;
          const shot = await wb.screenshot(`${scenario.id}-FAILED`);
          log(`✘ scenario ${scenario.id} FAILED (${((Date.now() - t0) / 1000).toFixed(1)} s): ${(error as Error).message}\n    screenshot: ${path.relative(REPO_ROOT, shot)}`);
        }
      } finally {
        await wb.dismissOverlays().catch(() => undefined);
      }
    }
  } catch (error) {
    const remaining = scenarios.length - passed - failed - skipped.length;
    failed += Math.max(1, remaining);
    log(`✘ setup failed, ${remaining} scenario(s) not run: ${(error as Error).stack ?? error}`);
  } finally {
    if (userDataDir) copyLogs(path.join(userDataDir, 'logs'), path.join(RESULTS, 'vscode-logs'));
    await cleanup();
    clearTimeout(watchdog);
  }
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots and logs in ${path.relative(REPO_ROOT, RESULTS)}/`);
  for (const s of skipped) console.log(`skipped ${s}`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

function copyLogs(from: string, to: string): void {
  try {
    if (fs.existsSync(from)) fs.cpSync(from, to, { recursive: true });
  } catch (error) {
    log(`could not copy ${from}: ${(error as Error).message}`);
  }
}

if (require.main === module) {
  process.on('unhandledRejection', (error) => log(`unhandled rejection: ${(error as Error)?.stack ?? error}`));
  void main().then((code) => process.exit(code), async (error) => {
    log(`harness error: ${(error as Error).stack ?? error}`);
    await cleanup();
    console.log('0 passed, 1 failed');
    process.exit(1);
  });
}

