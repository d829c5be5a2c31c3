// Runs the extension-host suite (./index.ts, ./*.suite.ts) in a desktop VS Code with @vscode/test-electron.
// Never downloads VS Code (there is no internet here): point VSCODE_EXECUTABLE at an installed `code` binary, e.g.
//   VSCODE_EXECUTABLE=/usr/share/code/code node out/test/vscode/run-electron.js
// (on a headless Linux machine, under xvfb-run). Without VSCODE_EXECUTABLE it prints why and exits 0 (skipped):
// use run-code-server.ts (npm run test:vscode) instead.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { REPO_ROOT } from '../support/codeServer';
import { writeWorkspace } from '../support/templates';

async function main(): Promise<number> {
  const vscodeExecutablePath = process.env.VSCODE_EXECUTABLE;
  if (!vscodeExecutablePath) {
    console.log('skipped: VSCODE_EXECUTABLE is not set (no VS Code download here); run `npm run test:vscode` to use code-server');
    return 0;
  }
  if (!fs.existsSync(vscodeExecutablePath)) throw new Error(`VSCODE_EXECUTABLE=${vscodeExecutablePath} does not exist`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'egress-guard-electron-'));
  try {
    const workspace = path.join(tmp, 'workspace');
    fs.mkdirSync(workspace);
    writeWorkspace(workspace);
    const code = await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: path.join(REPO_ROOT, 'out', 'test', 'vscode', 'index.js'),
      launchArgs: [
        workspace,
        '--disable-extensions', // other installed extensions; the one under development still loads
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--user-data-dir', path.join(tmp, 'user-data'),
        '--extensions-dir', path.join(tmp, 'extensions'),
      ],
    });
    return code;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code), (error: Error & { code?: number }) => {
  console.error(`extension-host tests failed: ${error.message}`);
  process.exit(typeof error.code === 'number' && error.code !== 0 ? error.code : 1);
});
