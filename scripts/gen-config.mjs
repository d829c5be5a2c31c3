// Writes the rule settings generated from the rule registry into package.json and docs/configuration.md
// (see server/src/engine/settings-schema.ts). Run through `npm run gen:config`, which compiles first.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = new URL('..', import.meta.url);
const { withRulesSetting, withGeneratedDocs } = require('../out/server/src/engine/settings-schema.js');

for (const [file, generate] of [['package.json', withRulesSetting], ['docs/configuration.md', withGeneratedDocs]]) {
  const path = new URL(file, root);
  const before = fs.readFileSync(path, 'utf8');
  const after = generate(before);
  if (after !== before) fs.writeFileSync(path, after);
  console.log(`${file}: ${after === before ? 'up to date' : 'updated'}`);
}
