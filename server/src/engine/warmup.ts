// Start-up work for hosts that analyse file after file (the language server, the CLI, the benchmark): small
// analyses whose objects are kept, so V8 keeps the shapes and optimized code they use (see shapes.ts).

import { analyze, keepArmShapes } from './analyze';
import { mergeSettings } from './config';

const BICEP = `param p string = 'x'
resource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: '\${p}-ai'
  kind: 'OpenAI'
  properties: { restrictOutboundNetworkAccess: false, allowedFqdnList: [ 'a.b.com' ] }
}
`;

let warm = false;

/** Call once when the host starts, before the first file; later calls do nothing. */
export function warmUp(): void {
  if (warm) return;
  warm = true;
  const settings = mergeSettings({});
  keepArmShapes(settings);
  // The Bicep reader keeps its shapes when it reads its first file.
  analyze({ uri: 'inmemory:///warmup.bicep', text: BICEP, kind: 'bicep' }, { settings });
}
