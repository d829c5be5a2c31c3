// Loads a deployed-state export for the engine (see reader.ts): its problems, one graph, and what the rules
// cannot know from it (API versions, the deployment's other resources), said once per file.

import type { Loaded, Problem } from '../analyze';
import type { SourceFile } from '../model';
import { deployedExportOf, readDeployed, type DeployedReadOptions } from './reader';
import { parseErrorText } from '../arm/load';

/** The export a JSON file is, loaded; undefined when it is not one (a template, other JSON). */
export function loadDeployed(file: SourceFile, options: DeployedReadOptions): Loaded | undefined {
  const exported = deployedExportOf(file.text);
  if (!exported) return undefined;
  const problems: Problem[] = [];
  const { errors } = exported;
  const first = errors[0];
  if (first) {
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''})` : '';
    problems.push({
      code: 'parse-error', severity: 'error', start: first.offset, end: first.offset + first.length,
      message: `not valid JSON: ${parseErrorText(first.error)}${more}; the deployed accounts that could be read were checked`,
    });
  }
  if (exported.skipToken) {
    // One page of a longer Resource Graph result: the accounts on the other pages were not checked.
    problems.push({
      code: 'size-limit', severity: 'warning', start: 0, end: 0,
      message: 'the export is one page of a longer Resource Graph result (skip_token is set): accounts on the other pages were not checked; export them all (az graph query --first 1000 with --skip-token, see the README)',
    });
  }
  return { isTemplate: true, deployed: true, problems, runs: [readDeployed(file, exported, options)] };
}
