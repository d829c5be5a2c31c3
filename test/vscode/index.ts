// Entry point of the extension-host tests (the `extensionTestsPath` module): VS Code loads it in the extension
// host, with the real `vscode` API, and calls run(). It runs mocha over the compiled *.suite.js files next to it.
// Used by both runners: run-electron.ts (desktop VS Code) and run-code-server.ts (code-server in chromium).
//
// When EGRESS_GUARD_TEST_LOG names a file, mocha's report is also appended to it: the code-server runner reads
// it, since the extension host's console is not the runner's.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const logFile = process.env.EGRESS_GUARD_TEST_LOG;
  const mocha = new Mocha({ ui: 'tdd', reporter: 'spec', color: !logFile, timeout: 60_000, slow: 5_000 });
  if (logFile) {
    const original = Mocha.reporters.Base.consoleLog;
    Mocha.reporters.Base.consoleLog = (...args: unknown[]) => {
      original(...args);
      fs.appendFileSync(logFile, `${format(...args)}\n`);
    };
  }
  const grep = process.env.EGRESS_GUARD_TEST_GREP;
  if (grep) mocha.grep(grep);
  for (const file of fs.readdirSync(__dirname).filter((f) => f.endsWith('.suite.js')).sort()) {
    mocha.addFile(path.join(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => {
        if (logFile) fs.appendFileSync(logFile, `\n__MOCHA_DONE__ ${failures}\n`);
        if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
        else resolve();
      });
    } catch (error) {
      if (logFile) fs.appendFileSync(logFile, `mocha could not run: ${(error as Error).stack ?? error}\n`);
      reject(error);
    }
  });
}
