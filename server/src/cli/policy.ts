// `ai-egress-guard policy`: writes the Azure Policy that enforces the configured rules in Azure
// (definitions, initiative, sample assignment and exemption). Exit 0 on success, 2 on a usage error.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { mergeSettings, validateSettings } from '../engine/config';
import { DEFINITION_PREFIX, type Effect } from '../policy/definitions';
import { generatePolicy, type PolicyFormat, type PolicyScope } from '../policy/generate';
import { ConfigCache } from '../workspace/node-host';

export const POLICY_USAGE = `Usage: ai-egress-guard policy [options]

Writes Azure Policy that enforces the configured rules on what is deployed any other way (portal, scripts, other
repositories): custom definitions, an initiative that also references the relevant built-ins, a sample assignment
and a sample exemption. Rule levels and options come from the nearest .ai-egress-guard.json (or bicepconfig.json).

Options:
      --effect Audit|Deny        effect of the definitions whose rules are at warning or error (default: Audit;
                                 rules at info are audited)
  -f, --format json|bicep        ARM JSON (with definitions/*.json) or Bicep (default: json)
  -o, --output DIR               folder to write into (default: azure-policy)
      --scope managementGroup|subscription
                                 where definitions, initiative and assignment live (default: managementGroup)
      --rule ID=LEVEL            set a rule's level (off leaves its definition out); repeatable
  -h, --help                     show this help

Deploy (management group):
  az deployment mg create --management-group-id <mg> --location <region> --template-file azure-policy/policy.json
  az deployment mg create --management-group-id <mg> --location <region> --template-file azure-policy/assignment.json --parameters effect=Audit
`;

export async function policyMain(argv: string[], out: (s: string) => void, err: (s: string) => void, cwd = process.cwd()): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        effect: { type: 'string', default: 'Audit' },
        format: { type: 'string', short: 'f', default: 'json' },
        output: { type: 'string', short: 'o', default: 'azure-policy' },
        scope: { type: 'string', default: 'managementGroup' },
        rule: { type: 'string', multiple: true, default: [] },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return usage(err, (error as Error).message);
  }
  if (values.help) { out(POLICY_USAGE); return 0; }
  if (!['Audit', 'Deny'].includes(values.effect!)) return usage(err, `--effect must be Audit or Deny, not '${values.effect}'`);
  if (!['json', 'bicep'].includes(values.format!)) return usage(err, `--format must be json or bicep, not '${values.format}'`);
  if (!['managementGroup', 'subscription'].includes(values.scope!)) return usage(err, `--scope must be managementGroup or subscription, not '${values.scope}'`);
  const rules: Record<string, string> = {};
  for (const spec of values.rule ?? []) {
    const [id, level] = spec.split('=');
    rules[id] = level;
  }
  const { settings: overrides, problems } = validateSettings(values.rule?.length ? { rules } : {}, 'command line');
  if (problems.length) return usage(err, problems.join('\n'));

  try {
    const configs = new ConfigCache();
    const config = configs.configForDir(cwd);
    for (const problem of config?.problems ?? []) err(`ai-egress-guard: ${problem}\n`);
    const settings = mergeSettings(config?.settings ?? {}, overrides);
    const format = values.format as PolicyFormat;
    const generated = generatePolicy({ settings, effect: values.effect as Effect, format, scope: values.scope as PolicyScope });
    const dir = path.resolve(cwd, values.output!);
    for (const file of generated.files) {
      const target = path.join(dir, ...file.path.split('/'));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, file.content);
    }
    // Definitions of rules now turned off would otherwise linger and be deployed by hand.
    const definitionsDir = path.join(dir, 'definitions');
    const written = new Set(generated.files.map((f) => f.path));
    if (format === 'json' && fs.existsSync(definitionsDir)) {
      for (const name of fs.readdirSync(definitionsDir)) {
        if (name.startsWith(DEFINITION_PREFIX) && name.endsWith('.json') && !written.has(`definitions/${name}`)) fs.rmSync(path.join(definitionsDir, name));
      }
    }
    const shown = path.relative(cwd, dir) || '.';
    out(`Wrote ${generated.files.length} files to ${shown}:\n${generated.files.map((f) => `  ${f.path}\n`).join('')}\n`);
    out(`${generated.summary.map((l) => `  ${l}\n`).join('')}\n`);
    const ext = format === 'bicep' ? 'bicep' : 'json';
    const deploy = values.scope === 'subscription' ? 'az deployment sub create --location <region>' : 'az deployment mg create --management-group-id <mg> --location <region>';
    out(`Deploy the definitions and the initiative, then assign it (Audit first, then Deny):\n  ${deploy} --template-file ${shown}/policy.${ext}\n  ${deploy} --template-file ${shown}/assignment.${ext} --parameters effect=Audit\n`);
    return 0;
  } catch (error) {
    err(`ai-egress-guard: internal error: ${(error as Error).stack ?? error}\n`);
    return 2;
  }
}

function usage(err: (s: string) => void, message: string): number {
  err(`ai-egress-guard policy: ${message}\nRun 'ai-egress-guard policy --help' for usage.\n`);
  return 2;
}
