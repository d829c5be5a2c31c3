// Loads an ARM JSON file for the engine: parse, find its parameter files, evaluate per file.

import { parseTree, printParseErrorCode } from 'jsonc-parser';
import type { AnalyzeOptions, FileHost, Loaded } from '../analyze';
import type { AiResource, SourceFile } from '../model';
import { positionAt } from '../text';
import { conventionalNames, readParameterFile, templateNamedBy, type ParameterFile } from './parameters';
import { generatorOf, isDeploymentTemplate, parseArm, readArmDeployment } from './reader';
import { rememberArmParse } from './writer';
import { parseBicep } from '../bicep/parser';
import { parameterFilesFor } from '../config';
import { globMatches } from '../glob';

export function loadArm(file: SourceFile, options: AnalyzeOptions): Loaded {
  const doc = parseArm(file);
  if (!isDeploymentTemplate(doc.root)) return { isTemplate: false, problems: [], runs: [] };
  // Fixes are written against the same parse.
  if (options.fixes !== false) rememberArmParse(file, doc.root, doc.errors);
  // One problem for a malformed file: the first error is the one to fix, the rest often follow from it.
  const first = doc.errors[0];
  const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more error${doc.errors.length > 2 ? 's' : ''})` : '';
  const problems = first ? [{
    message: `not valid JSON: ${printParseErrorCode(first.error)} at line ${positionAt(file.text, first.offset).line + 1}${more}; analysed what could be read`,
    start: first.offset,
    end: first.offset + first.length,
  }] : [];
  const generated = generatorOf(doc.root) === 'bicep' ? generatedFrom(file, options.host) : undefined;
  const cloud = options.settings.cloud;
  const parameterFiles = options.host ? parameterFilesOf(file, options.host, parameterFilesFor(options.settings, file.uri, globMatches)) : [];
  // Evaluated once per parameter file, as each would be deployed; without one, with the defaults.
  const runs = parameterFiles.length
    ? parameterFiles.map((parameterFile) => readArmDeployment(doc, { cloud, parameterFile, generatedFrom: generated }))
    : [readArmDeployment(doc, { cloud, generatedFrom: generated })];
  return { isTemplate: true, problems, runs };
}

/** A Bicep-compiled template: the Bicep file beside it, and its declarations by symbolic name. */
function generatedFrom(file: SourceFile, host: FileHost | undefined): AiResource['context']['generatedFrom'] {
  const sibling = file.uri.replace(/\.jsonc?$/i, '.bicep');
  const text = sibling !== file.uri ? host?.readFile(sibling) : undefined;
  if (text === undefined) return { tool: 'bicep' };
  const source: SourceFile = { uri: sibling, text, kind: 'bicep' };
  const declarations = new Map<string, { start: number; end: number }>();
  for (const d of parseBicep(text).program.declarations) {
    if ((d.kind === 'resource' || d.kind === 'module') && !d.name.missing) declarations.set(d.name.name, d.name);
  }
  return { tool: 'bicep', sourceUri: sibling, declarationOf: (symbolic) => {
    const range = declarations.get(symbolic);
    return range && { file: source, start: range.start, end: range.end };
  } };
}

function parameterFilesOf(file: SourceFile, host: FileHost, named: readonly string[]): ParameterFile[] {
  const slash = file.uri.lastIndexOf('/');
  const dir = file.uri.slice(0, slash);
  const name = file.uri.slice(slash + 1);
  const out: ParameterFile[] = [];
  const seen = new Set<string>([file.uri]);
  /** Reads a candidate once; with `requireMetadata`, it counts only when its metadata.template names the template. */
  const consider = (uri: string, requireMetadata: boolean) => {
    if (seen.has(uri)) return;
    seen.add(uri);
    const text = host.readFile(uri);
    // A cheap look before parsing: most JSON beside a template is not its parameter file.
    if (text === undefined || (requireMetadata && !(text.includes('"template"') && text.includes(name)))) return;
    const root = parseTree(text, [], { allowTrailingComma: true });
    if (requireMetadata && templateNamedBy(root)?.replace(/^\.\//, '') !== name) return;
    const parsed = readParameterFile({ uri, text, kind: 'arm' }, root);
    if (parsed) out.push(parsed);
  };
  for (const uri of named) consider(uri, false);
  const siblings = host.listDir?.(dir) ?? [];
  for (const sibling of conventionalNames(name, siblings)) consider(`${dir}/${sibling}`, false);
  // Parameter files beside it may name the template in their metadata. Only names that say
  // "param" are read, so a folder of many templates is not read once per template.
  for (const sibling of siblings) {
    if (/param[^/]*\.json$/i.test(sibling)) consider(`${dir}/${sibling}`, true);
  }
  return out;
}
