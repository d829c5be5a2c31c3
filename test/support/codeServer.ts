// Starting and stopping code-server (VS Code 1.100 served to a browser) and Debian's chromium, shared by the
// UI tests (test/e2e) and the extension-host tests run inside code-server (test/vscode/run-code-server.ts).
// See /work/shared/notes/vscode-in-a-browser.md and scripts/install-code-server.sh.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';

/**
 * The repository root: the nearest folder above this file whose package.json is the extension's (skipping out/,
 * where tsc copies package.json because the server imports it).
 */
export const REPO_ROOT = (() => {
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (path.basename(dir) !== 'out' && fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'ai-egress-guard') return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no ai-egress-guard package.json above ${__dirname}`);
    dir = up;
  }
})();

export const CACHE_DIR = process.env.EGRESS_GUARD_CACHE || path.join(REPO_ROOT, '.cache');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

const started = Date.now();
export function log(message: string): void {
  process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${message}\n`);
}

// ------------------------------------------------------------------------------------------------ polling

export interface WaitOptions {
  /** Give up after this many milliseconds. */
  timeout?: number;
  /** What is awaited, for the error message. */
  what: string;
  /** Milliseconds between attempts. */
  interval?: number;
}

/**
 * Calls `fn` until it returns a truthy value (which is returned) or the time limit passes. Exceptions thrown by
 * `fn` count as "not yet"; the last one is reported on timeout. The only way to wait in these tests: no fixed sleeps.
 */
export async function waitFor<T>(fn: () => T | Promise<T>, options: WaitOptions): Promise<NonNullable<T>> {
  const { timeout = 15_000, what, interval = 100 } = options;
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value as NonNullable<T>;
      last = undefined;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) {
      const why = last instanceof Error ? ` (last error: ${last.message.split('\n')[0]})` : '';
      throw new Error(`timed out after ${timeout} ms waiting for ${what}${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/**
 * Waits until `fn` has returned truthy on every attempt for `stableFor` milliseconds in a row: for asserting that
 * something does NOT appear (e.g. no findings for a clean file) without a fixed sleep.
 */
export async function waitForStable(fn: () => boolean | Promise<boolean>, options: WaitOptions & { stableFor: number }): Promise<void> {
  let since: number | undefined;
  await waitFor(async () => {
    const ok = await fn();
    if (!ok) {
      since = undefined;
      return false;
    }
    since ??= Date.now();
    return Date.now() - since >= options.stableFor;
  }, { ...options, timeout: (options.timeout ?? 15_000) + options.stableFor });
}

// ------------------------------------------------------------------------------------------------ cleanup

type CleanupStep = { name: string; run: () => void | Promise<void> };
const cleanupSteps: CleanupStep[] = [];
let signalsHooked = false;

/** Registers a step to run at `cleanup()`, last registered first. Also hooks SIGINT/SIGTERM once. */
export function onCleanup(name: string, run: () => void | Promise<void>): void {
  cleanupSteps.push({ name, run });
  if (!signalsHooked) {
    signalsHooked = true;
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(signal, () => {
        log(`${signal}: stopping everything this run started`);
        void cleanup().finally(() => process.exit(130));
      });
    }
  }
}

let cleaning: Promise<void> | undefined;

/**
 * Runs every registered cleanup step (each at most once, last registered first), never throwing. Concurrent calls
 * (a signal during the normal shutdown) share one run, so nobody exits while a step is still under way.
 */
export function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanupSteps.length) {
      const step = cleanupSteps.pop()!;
      try {
        await step.run();
      } catch (error) {
        log(`cleanup "${step.name}" failed: ${(error as Error).message}`);
      }
    }
  })().finally(() => {
    cleaning = undefined;
  });
  return cleaning;
}

/** A fresh temporary folder, removed at cleanup unless KEEP_TMP is set. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `egress-guard-${prefix}-`));
  onCleanup(`remove ${dir}`, () => {
    if (process.env.KEEP_TMP) log(`keeping ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

// ------------------------------------------------------------------------------------------------ code-server

/** The code-server launcher written by scripts/install-code-server.sh (or $CODE_SERVER). */
export function codeServerBin(): string {
  const bin = process.env.CODE_SERVER || path.join(CACHE_DIR, 'code-server', 'bin', 'code-server');
  if (!fs.existsSync(bin)) throw new Error(`code-server not found at ${bin}: run scripts/install-code-server.sh first`);
  return bin;
}

/** A TCP port free on the loopback interface right now (the OS picks it: listen on 0, read, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Isolation folders for one code-server: its own config, data, and VS Code user data. */
function isolatedEnv(home: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    XDG_CONFIG_HOME: path.join(home, 'config'),
    XDG_DATA_HOME: path.join(home, 'data'),
    XDG_CACHE_HOME: path.join(home, 'cache'),
  };
}

/** `code-server --install-extension <vsix> --extensions-dir <dir>`; throws with the output on failure. */
export function installExtension(vsix: string, extensionsDir: string): void {
  const home = tempDir('install');
  const args = ['--config', path.join(home, 'config.yaml'), '--user-data-dir', path.join(home, 'user-data'),
    '--extensions-dir', extensionsDir, '--install-extension', vsix];
  log(`code-server --install-extension ${path.relative(process.cwd(), vsix) || vsix} --extensions-dir ${extensionsDir}`);
  const result = spawnSync(codeServerBin(), args, { encoding: 'utf8', env: isolatedEnv(home), timeout: 120_000 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  if (result.status !== 0 || !/successfully installed/i.test(output)) {
    throw new Error(`installing ${vsix} failed (exit ${result.status ?? result.signal}):\n${output}`);
  }
}

/**
 * The extension analyses `bicep` documents but leaves the language itself to the Bicep extension, which cannot be
 * installed offline. This installs a stand-in that only registers the `bicep` and `bicep-params` language ids (and
 * their file extensions), packaged with the project's vsce, so .bicep files open in that language as they would
 * with the Bicep extension.
 */
export function installBicepLanguageStandIn(extensionsDir: string): void {
  const dir = tempDir('bicep-stand-in');
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
    name: 'bicep-language-stand-in',
    publisher: 'egress-guard-tests',
    displayName: 'Bicep language stand-in (tests only)',
    description: 'Registers the bicep language ids, as the Bicep extension does, for tests without network access.',
    version: '0.0.1',
    engines: { vscode: '^1.60.0' },
    contributes: {
      languages: [
        { id: 'bicep', aliases: ['Bicep'], extensions: ['.bicep'] },
        { id: 'bicep-params', aliases: ['Bicep Parameters'], extensions: ['.bicepparam'] },
      ],
    },
  }, null, 2));
  fs.writeFileSync(path.join(dir, 'README.md'), '# Bicep language stand-in\n\nTest fixture: registers the `bicep` language id only.\n');
  const vsix = path.join(dir, 'bicep-language-stand-in.vsix');
  const vsce = path.join(REPO_ROOT, 'node_modules', '.bin', 'vsce');
  const result = spawnSync(vsce, ['package', '--out', vsix, '--allow-missing-repository', '--skip-license'],
    { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  if (result.status !== 0) throw new Error(`packaging the bicep language stand-in failed:\n${result.stdout}${result.stderr}`);
  installExtension(vsix, extensionsDir);
}

/** VS Code user settings that keep a test workbench quiet and offline. */
export const QUIET_USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'json.schemaDownload.enable': false,
  'git.enabled': false,
  'editor.minimap.enabled': false,
  'editor.accessibilitySupport': 'off',
  'files.autoSave': 'off',
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
} as const;

export interface CodeServerOptions {
  /** Folder served as the workspace (only used to build URLs; code-server itself is started without one). */
  extensionsDir: string;
  /** Where code-server's output goes. */
  logFile: string;
  /** Extra environment for code-server and therefore its extension host. */
  env?: Record<string, string>;
  /** Extra user settings. */
  userSettings?: Record<string, unknown>;
}

export interface CodeServer {
  readonly port: number;
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  readonly userDataDir: string;
  readonly logFile: string;
  /** Workbench URL opening `folder`, optionally with a `payload` (see extensionTestPayload). */
  url(folder: string, payload?: [string, string][]): string;
  /** `vscode-remote://127.0.0.1:PORT/abs/path`: how the browser workbench names a file on the server. */
  remoteUri(absPath: string): string;
  /** Stops code-server and everything it spawned (its process group). Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts code-server on a free loopback port with fresh user data, no auth, no telemetry, no update check and
 * no workspace trust, and waits until it answers HTTP. It runs in its own process group so that stop() also ends
 * its extension hosts and language servers. Registered for cleanup.
 */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const bin = codeServerBin();
  const home = tempDir('code-server');
  const userDataDir = path.join(home, 'user-data');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...QUIET_USER_SETTINGS, ...options.userSettings }, null, 2));
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const args = [
    '--config', path.join(home, 'config.yaml'),
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', userDataDir,
    '--extensions-dir', options.extensionsDir,
  ];
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const out = fs.openSync(options.logFile, 'w');
  log(`starting code-server on ${origin} (log: ${path.relative(process.cwd(), options.logFile)})`);
  const child: ChildProcess = spawn(bin, args, {
    detached: true, // own process group: stop() signals the whole group
    stdio: ['ignore', out, out],
    env: { ...isolatedEnv(home), ...options.env },
  });
  fs.closeSync(out);
  let exited: string | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = `exit ${code ?? signal}`;
      resolve();
    });
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    const group = child.pid!;
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-group, signal);
        return true;
      } catch {
        return false; // the group is gone
      }
    };
    if (!signalGroup('SIGTERM')) return;
    const killed = await Promise.race([
      exitPromise.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5_000).unref()),
    ]);
    // Whatever is left of the group (extension host, language server) after the leader's exit or after 5 s.
    signalGroup('SIGKILL');
    if (!killed) await exitPromise;
    log(`code-server stopped (${exited ?? 'killed'})`);
  };
  onCleanup('stop code-server', stop);
  // Last resort if this process exits without cleanup (e.g. process.exit elsewhere): kill the group synchronously.
  process.once('exit', () => {
    if (!exited) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });

  await waitFor(async () => {
    if (exited) throw new Error(`code-server ended (${exited}) before answering:\n${tail(options.logFile)}`);
    return (await httpStatus(`${origin}/healthz`)) === 200;
  }, { what: `code-server to answer on ${origin}/healthz`, timeout: 60_000, interval: 200 }).catch((error: Error) => {
    throw new Error(`${error.message}\n${tail(options.logFile)}`);
  });
  log(`code-server ready on ${origin}`);

  return {
    port, origin, userDataDir, logFile: options.logFile, stop,
    remoteUri: (absPath) => `vscode-remote://127.0.0.1:${port}${absPath}`,
    url: (folder, payload) => {
      let url = `${origin}/?folder=${encodeURIComponent(folder)}`;
      if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
      return url;
    },
  };
}

function httpStatus(url: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const request = http.get(url, { timeout: 2_000 }, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('error', () => resolve(undefined));
    request.on('timeout', () => {
      request.destroy();
      resolve(undefined);
    });
  });
}

/** The last lines of a log file, for error messages. */
export function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).map((l) => `    | ${l}`).join('\n');
  } catch {
    return `    (no ${file})`;
  }
}

// ------------------------------------------------------------------------------------------------ chromium

/** Debian's chromium driven by playwright-core (never a downloaded browser). Registered for cleanup. */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: run scripts/install-code-server.sh first`);
  const { chromium } = await import('playwright-core');
  log(`launching ${CHROMIUM}`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: !process.env.HEADED, timeout: 60_000,
    // Our own signal handlers (onCleanup) close the browser AND stop code-server; playwright's would exit first.
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
  });
  onCleanup('close browser', async () => {
    await browser.close().catch(() => undefined);
    log('browser closed');
  });
  return browser;
}

/** A new page sized for a readable workbench, with the given functions exposed before any navigation. */
export async function newPage(browser: Browser, exposed: Record<string, (...args: any[]) => unknown> = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  for (const [name, fn] of Object.entries(exposed)) await page.exposeFunction(name, fn);
  return page;
}

/** Opens a workbench URL and waits for the workbench to be on screen. */
export async function openWorkbench(page: Page, url: string, timeout = 90_000): Promise<void> {
  log(`opening ${url.length > 140 ? `${url.slice(0, 140)}…` : url}`);
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout });
  await page.waitForSelector('.monaco-workbench', { timeout });
  log('workbench loaded');
}
