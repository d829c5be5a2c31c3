// Language server handler of "Generate Azure Policy": generates the files from the settings the editor
// uses for that folder (config file and editor overrides); the client writes and opens them.

import * as path from 'node:path';
import type { Connection } from 'vscode-languageserver/node';
import type { Settings } from '../engine/config';
import { generatePolicy } from '../policy/generate';
import { PolicyRequest, type PolicyResponse } from '../../../shared/protocol';

/** `settingsFor` takes a file path and reads the config nearest to its folder, as for diagnostics. */
export function registerPolicyRequest(connection: Connection, settingsFor: (filePath: string | undefined) => Settings): void {
  connection.onRequest(PolicyRequest, (params): PolicyResponse => {
    const settings = settingsFor(params.folder ? path.join(params.folder, 'policy') : undefined);
    const generated = generatePolicy({ settings, effect: params.effect, format: params.format, scope: params.scope });
    return { files: generated.files, summary: generated.summary };
  });
}
