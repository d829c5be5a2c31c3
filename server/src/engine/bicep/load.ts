// Loads Bicep files for the engine: .bicep templates (with the .bicepparam files that use them)
// and .bicepparam files (their values applied to the template they name).

import { parseTree } from 'jsonc-parser';
import type { AnalyzeOptions, Finding, FileHost, Loaded, Problem, ReadScope } from '../analyze';
import { isDeploymentTemplate, readArmDeployment } from '../arm/reader';
import { readParameterFile } from '../arm/parameters';
import { parameterFilesFor } from '../config';
import { globMatches } from '../glob';
import type { SourceFile, ValueNode } from '../model';
import type { Diagnostic, Program } from './ast';
import { isDisabledAt, parseBicep, parseBicepParam } from './parser';
import { readBicepParamFile, readBicepDeployment, resolveUri } from './reader';

/**
 * The linter reads AI resources, modules, declarations and the types some rule reads: other resources'
 * bodies are not parsed (nor checked for syntax errors, which Bicep's own tooling reports).
 */
function parseForLint(scope: ReadScope) {
  return { skipIrrelevantResources: true, readTypes: scope.types } as const;
}

export function loadBicep(file: SourceFile, options: AnalyzeOptions, scope: ReadScope): Loaded {
  const { program, diagnostics } = parseBicep(file.text, parseForLint(scope));
  const readFile = (uri: string) => options.host?.readFile(uri);
  const base = { cloud: options.settings.cloud, readFile, moduleCacheUri: options.moduleCacheUri, readTypes: scope.types };
  const parameterFiles = options.host ? [...namedParamFiles(options, file), ...bicepParamFilesOf(file, options.host)] : [];
  const runs = parameterFiles.length
    ? parameterFiles.map((parameterFile) => readBicepDeployment(file, program, { ...base, parameterFile }))
    : [readBicepDeployment(file, program, base)];
  return { isTemplate: true, problems: problemsOf(diagnostics, file), runs, isSuppressed: directiveFilter(program) };
}

export function loadBicepParam(file: SourceFile, options: AnalyzeOptions, scope: ReadScope): Loaded {
  const { program, diagnostics } = parseBicepParam(file.text);
  const problems = problemsOf(diagnostics, file);
  const { using, values } = readBicepParamFile(file, program, options.settings.cloud);
  const name = file.uri.slice(file.uri.lastIndexOf('/') + 1);
  if (!using) return { isTemplate: true, problems, runs: [] };
  const templateUri = resolveUri(file.uri, using);
  const text = options.host?.readFile(templateUri);
  if (text === undefined) {
    return { isTemplate: true, problems: [...problems, { message: `cannot read '${using}', the template this parameter file uses`, start: 0, end: 0 }], runs: [] };
  }
  const parameterFile = { name, values };
  let runs;
  if (/\.json$/i.test(templateUri)) {
    const root = parseTree(text, [], { allowTrailingComma: true });
    runs = isDeploymentTemplate(root) ? [readArmDeployment({ file: { uri: templateUri, text, kind: 'arm' }, root, errors: [] }, { cloud: options.settings.cloud, parameterFile })] : [];
  } else {
    const template: SourceFile = { uri: templateUri, text, kind: 'bicep' };
    runs = [readBicepDeployment(template, parseBicep(text, parseForLint(scope)).program, {
      cloud: options.settings.cloud, readFile: (uri) => options.host?.readFile(uri), moduleCacheUri: options.moduleCacheUri, parameterFile, readTypes: scope.types,
    })];
  }
  return { isTemplate: true, problems, runs, reportAtSitesIn: file.uri, isSuppressed: directiveFilter(program) };
}

/** Parameter files the settings (config file, --parameters) name for this template. */
function namedParamFiles(options: AnalyzeOptions, file: SourceFile): { name: string; values: ReadonlyMap<string, ValueNode> }[] {
  const out: { name: string; values: ReadonlyMap<string, ValueNode> }[] = [];
  for (const uri of parameterFilesFor(options.settings, file.uri, globMatches)) {
    const text = options.host?.readFile(uri);
    if (text === undefined) continue;
    const name = uri.slice(uri.lastIndexOf('/') + 1);
    if (/\.bicepparam$/i.test(uri)) {
      out.push({ name, values: readBicepParamFile({ uri, text, kind: 'bicepparam' }, parseBicepParam(text).program).values });
    } else {
      const parsed = readParameterFile({ uri, text, kind: 'arm' });
      if (parsed) out.push(parsed);
    }
  }
  return out;
}

/** The .bicepparam files beside a template whose `using` names it. */
function bicepParamFilesOf(file: SourceFile, host: FileHost): { name: string; values: ReadonlyMap<string, ValueNode> }[] {
  const dir = file.uri.slice(0, file.uri.lastIndexOf('/'));
  const out: { name: string; values: ReadonlyMap<string, ValueNode> }[] = [];
  for (const sibling of host.listDir?.(dir) ?? []) {
    if (!/\.bicepparam$/i.test(sibling)) continue;
    const uri = `${dir}/${sibling}`;
    const text = host.readFile(uri);
    if (text === undefined || !/^\s*using\s/m.test(text)) continue;
    const paramFile: SourceFile = { uri, text, kind: 'bicepparam' };
    const { using, values } = readBicepParamFile(paramFile, parseBicepParam(text).program);
    if (using && resolveUri(uri, using) === file.uri) out.push({ name: sibling, values });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

function problemsOf(diagnostics: readonly Diagnostic[], file: SourceFile): Problem[] {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (!errors.length) return [];
  const first = errors[0];
  const line = file.text.slice(0, first.start).split('\n').length;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''})` : '';
  return [{ message: `not valid Bicep: ${first.message} at line ${line}${more}; analysed what could be read`, start: first.start, end: first.end }];
}

/** Bicep's own suppression comments: `#disable-next-line id` and `#disable-diagnostics` … `#restore-diagnostics`. */
function directiveFilter(program: Program): ((finding: Finding) => boolean) | undefined {
  return program.directives.length ? (finding) => isDisabledAt(program, finding.ruleId, finding.loc.start) : undefined;
}
