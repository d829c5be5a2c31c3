// Runs the extension-host suite (./index.ts, ./*.suite.ts) inside code-server, in Debian's chromium: the same
// tests @vscode/test-electron runs on a desktop (run-electron.ts), without downloading VS Code.
//
// The workbench URL's `payload` parameter carries extensionDevelopmentPath (the repository: package.json + dist/)
// and extensionTestsPath (out/test/vscode/index.js) as vscode-remote:// URIs; when the tests module's run()
// settles, the workbench calls window.codeAutomationExit(code), exposed here with playwright. Mocha's report comes
// back through a file (EGRESS_GUARD_TEST_LOG) and is printed as it grows. Always stops code-server and chromium.
//
//   npm run test:vscode        (compiles, builds dist/, installs code-server when missing, runs)
//   node out/test/vscode/run-code-server.js
// Environment: EXTENSION_TESTS_PATH (another tests module), EGRESS_GUARD_TEST_GREP (mocha grep), HEADED, KEEP_TMP.

import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  REPO_ROOT, cleanup, installBicepLanguageStandIn, launchBrowser, log, newPage, openWorkbench, startCodeServer, tail, tempDir, waitFor,
} from '../support/codeServer';
import { contributesBicep, declaresBicep, writeWorkspace, type Manifest } from '../support/templates';

const RESULTS = path.join(REPO_ROOT, 'test-results', 'vscode');
const SUITE_TIMEOUT = 240_000;

async function main(): Promise<number> {
  fs.rmSync(RESULTS, { recursive: true, force: true });
  fs.mkdirSync(RESULTS, { recursive: true });
  const extensionDevelopmentPath = REPO_ROOT;
  const extensionTestsPath = path.resolve(process.env.EXTENSION_TESTS_PATH ?? path.join(REPO_ROOT, 'out', 'test', 'vscode', 'index.js'));
  if (!fs.existsSync(extensionTestsPath)) throw new Error(`${extensionTestsPath} does not exist: compile first (tsc -b)`);
  const manifest = JSON.parse(fs.readFileSync(path.join(extensionDevelopmentPath, 'package.json'), 'utf8')) as { main?: string } & Manifest;
  if (manifest.main && !fs.existsSync(path.join(extensionDevelopmentPath, manifest.main))) {
    log(`warning: ${manifest.main} does not exist (npm run build): the extension cannot activate`);
  }

  const workspace = tempDir('workspace');
  writeWorkspace(workspace);
  const mochaLog = path.join(RESULTS, 'mocha.log');
  fs.writeFileSync(mochaLog, '');
  // Only the extension under development, plus (when it relies on the Bicep extension for the `bicep` language,
  // which cannot be installed offline) a stand-in registering that language id.
  const extensionsDir = tempDir('extensions');
  if (declaresBicep(manifest) && !contributesBicep(manifest)) {
    log("installing a stand-in for the Bicep extension's 'bicep' language id");
    installBicepLanguageStandIn(extensionsDir);
  }
  const server = await startCodeServer({
    extensionsDir,
    logFile: path.join(RESULTS, 'code-server.log'),
    env: { EGRESS_GUARD_TEST_LOG: mochaLog, ...(process.env.EGRESS_GUARD_TEST_GREP ? { EGRESS_GUARD_TEST_GREP: process.env.EGRESS_GUARD_TEST_GREP } : {}) },
  });

  let exitCode: number | undefined;
  const workbenchLog = fs.createWriteStream(path.join(RESULTS, 'workbench.log'));
  const browser = await launchBrowser();
  const page = await newPage(browser, {
    codeAutomationExit: (code: number, logs?: { relativePath: string; contents: string }[]) => {
      exitCode = code;
      for (const entry of logs ?? []) {
        try {
          const file = path.join(RESULTS, 'vscode-logs', entry.relativePath);
          if (!file.startsWith(path.join(RESULTS, 'vscode-logs'))) continue;
          fs.mkdirSync(path.dirname(file), { recursive: true });
          fs.writeFileSync(file, entry.contents);
        } catch {
          // logs are a convenience
        }
      }
    },
    codeAutomationLog: (type: string, args: unknown[]) => {
      workbenchLog.write(`[${type}] ${(Array.isArray(args) ? args : [args]).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}\n`);
    },
  });
  page.on('console', (m) => workbenchLog.write(`[console.${m.type()}] ${m.text()}\n`));

  // Print mocha's report as the extension host writes it.
  let printed = 0;
  const printReport = () => {
    const text = fs.readFileSync(mochaLog, 'utf8');
    if (text.length > printed) {
      process.stdout.write(text.slice(printed).replace(/\n__MOCHA_DONE__ \d+\n/, '\n'));
      printed = text.length;
    }
  };
  const ticker = setInterval(printReport, 250);

  try {
    const url = server.url(workspace, [
      ['extensionDevelopmentPath', server.remoteUri(extensionDevelopmentPath)],
      ['extensionTestsPath', server.remoteUri(extensionTestsPath)],
    ]);
    await openWorkbench(page, url);
    log('workbench up; waiting for the extension-host tests to finish');
    await waitFor(() => exitCode !== undefined, { what: 'the extension-host tests to call codeAutomationExit', timeout: SUITE_TIMEOUT, interval: 250 })
      .catch(async (error: Error) => {
        await page.screenshot({ path: path.join(RESULTS, 'timeout.png') }).catch(() => undefined);
        throw error;
      });
    printReport();
    await page.screenshot({ path: path.join(RESULTS, 'end.png') }).catch(() => undefined);
    const report = fs.readFileSync(mochaLog, 'utf8');
    if (!report.includes('__MOCHA_DONE__')) {
      log(`the tests module ended (exit ${exitCode}) without a mocha report: it may have failed to load. Extension host log:`);
      const exthost = findFile(path.join(server.userDataDir, 'logs'), /exthost\.log$|remoteexthost\.log$/);
      process.stderr.write(`${exthost ? tail(exthost, 40) : '    (no extension host log found)'}\n`);
    }
    return exitCode!;
  } finally {
    clearInterval(ticker);
    copyLogs(path.join(server.userDataDir, 'logs'), path.join(RESULTS, 'server-logs'));
  }
}

function findFile(dir: string, pattern: RegExp): string | undefined {
  if (!fs.existsSync(dir)) return undefined;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && pattern.test(entry.name)) return path.join(entry.parentPath, entry.name);
  }
  return undefined;
}

function copyLogs(from: string, to: string): void {
  try {
    if (fs.existsSync(from)) fs.cpSync(from, to, { recursive: true });
  } catch (error) {
    log(`could not copy ${from}: ${(error as Error).message}`);
  }
}

const started = Date.now();
main().then(async (code) => {
  await cleanup();
  log(`extension-host tests ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${((Date.now() - started) / 1000).toFixed(1)} s; logs in ${path.relative(REPO_ROOT, RESULTS)}/`);
  process.exit(code);
}, async (error: Error) => {
  log(`extension-host test run failed: ${error.stack ?? error}`);
  await cleanup();
  process.exit(1);
});
