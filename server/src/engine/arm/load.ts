// Loads an ARM JSON file for the engine: parse, find its parameter files, evaluate per file.

import { printParseErrorCode, type ParseError, type ParseErrorCode } from 'jsonc-parser';
import { positionAt } from '../text';
import type { AnalyzeOptions, FileHost, Loaded, Problem } from '../analyze';
import type { AiResource, SourceFile } from '../model';
import { jsonDepthMessage, parseJsonTree, type LimitSink } from '../limits';
import { conventionalNames, readParameterFile, templateNamedBy, type ParameterFile } from './parameters';
import { generatorOf, isDeploymentTemplate, parseArm, readArmDeployment, writtenSuppressions } from './reader';
import { rememberArmParse } from './writer';
import { parseBicep } from '../bicep/parser';
import { parameterFilesFor } from '../config';
import { globMatches } from '../glob';
import { loadDeployed } from '../deployed/load';

export function loadArm(file: SourceFile, options: AnalyzeOptions, onLimit?: LimitSink): Loaded {
  // An export of deployed accounts (Resource Graph, az) is recognised by content, as templates are; it is read
  // without a syntax tree (it may hold tens of thousands of accounts).
  const deployed = loadDeployed(file, { cloud: options.settings.cloud });
  if (deployed) return deployed;
  const doc = parseArm(file);
  if (doc.tooDeepAt !== undefined) {
    // No tree to look at: a file that reads like a template is reported, other JSON is left alone.
    if (!looksLikeTemplate(file.text)) return { isTemplate: false, problems: [], runs: [] };
    return { isTemplate: true, runs: [], problems: [{ code: 'depth-limit', severity: 'error', message: jsonDepthMessage(), start: doc.tooDeepAt, end: doc.tooDeepAt + 1 }] };
  }
  // A template broken so badly that its root is not recognised (a merge conflict marker on line 1) is still reported.
  if (!isDeploymentTemplate(doc.root) && !(doc.errors.length && looksLikeTemplate(file.text))) return { isTemplate: false, problems: [], runs: [] };
  // Fixes are written against the same parse.
  if (options.fixes !== false && doc.root) rememberArmParse(file, doc.root, doc.errors);
  // One problem for a malformed file: the first error is the one to fix, the rest often follow from it.
  const first = doc.errors[0];
  const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more error${doc.errors.length > 2 ? 's' : ''})` : '';
  const problems: Problem[] = first ? [{
    code: 'parse-error',
    severity: 'error',
    message: `not valid JSON: ${parseErrorText(first.error)}${more}; analysed what could be read`,
    start: first.offset,
    end: first.offset + first.length,
  }] : [];
  const generated = generatorOf(doc.root) === 'bicep' ? generatedFrom(file, options.host) : undefined;
  const cloud = options.settings.cloud;
  const parameterFiles = options.host ? parameterFilesOf(file, options.host, parameterFilesFor(options.settings, file.uri, globMatches), problems) : [];
  // Evaluated once per parameter file, as each would be deployed; without one, with the defaults.
  const runs = parameterFiles.length
    ? parameterFiles.map((parameterFile) => readArmDeployment(doc, { cloud, parameterFile, generatedFrom: generated, onLimit }))
    : [readArmDeployment(doc, { cloud, generatedFrom: generated, onLimit })];
  return { isTemplate: true, problems, runs, suppressions: () => writtenSuppressions(file, doc.root), ...(parameterFiles.length ? { parameterFiles } : {}) };
}

/** A parameter file named by the config's `parameterFiles` or `--parameters` that cannot be used. */
export function namedParameterFileMessage(uri: string): string {
  return `parameter file '${decodeURIComponent(uri.slice(uri.lastIndexOf('/') + 1))}' is unreadable or not a parameter file: not evaluated with it`;
}

/** A parameter file of the template that is not valid JSON: not used, and said so. */
export function brokenParameterFileMessage(uri: string, text: string, error: ParseError): string {
  const { line, character } = positionAt(text, error.offset);
  return `parameter file '${decodeURIComponent(uri.slice(uri.lastIndexOf('/') + 1))}' is not valid JSON (${line + 1}:${character + 1}: ${parseErrorText(error.error)}): not evaluated with it`;
}

/** For text with no usable tree: a deploymentTemplate `$schema`, or `contentVersion` and `resources` keys. */
function looksLikeTemplate(text: string): boolean {
  return /deploymentTemplate\.json/i.test(text) || (/"contentVersion"\s*:/.test(text) && /"resources"\s*:/.test(text));
}

/** jsonc-parser's error code in words: `CommaExpected` → `comma expected`. */
export function parseErrorText(code: ParseErrorCode): string {
  return printParseErrorCode(code).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
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

function parameterFilesOf(file: SourceFile, host: FileHost, named: readonly string[], problems: Problem[]): ParameterFile[] {
  const slash = file.uri.lastIndexOf('/');
  const dir = file.uri.slice(0, slash);
  const name = file.uri.slice(slash + 1);
  const out: ParameterFile[] = [];
  const seen = new Set<string>([file.uri]);
  /** Reads a candidate once; with `requireMetadata`, it counts only when its metadata.template names the template. */
  const consider = (uri: string, requireMetadata: boolean): boolean => {
    if (seen.has(uri)) return true;
    seen.add(uri);
    const text = host.readFile(uri);
    // A cheap look before parsing: most JSON beside a template is not its parameter file.
    if (text === undefined || (requireMetadata && !(text.includes('"template"') && text.includes(name)))) return false;
    const errors: ParseError[] = [];
    const { root } = parseJsonTree(text, errors);
    if (!root) return false;
    if (requireMetadata && templateNamedBy(root)?.replace(/^\.\//, '') !== name) return false;
    const parsed = readParameterFile({ uri, text, kind: 'arm' }, root);
    if (parsed && errors.length) {
      // Nobody else reports it (a parameter file is not a template), and half its values would mislead.
      problems.push({ code: 'parse-error', severity: 'error', message: brokenParameterFileMessage(uri, text, errors[0]), start: 0, end: 0 });
      return true;
    }
    if (parsed) out.push(parsed);
    return !!parsed;
  };
  // A parameter file the settings name must be used: evaluating without it could pass what it makes unsafe.
  for (const uri of named) {
    if (/\.bicepparam$/i.test(uri) || consider(uri, false)) continue;
    problems.push({ code: 'unreadable-file', severity: 'error', message: namedParameterFileMessage(uri), start: 0, end: 0 });
  }
  const siblings = host.listDir?.(dir) ?? [];
  for (const sibling of conventionalNames(name, siblings)) consider(`${dir}/${sibling}`, false);
  // Parameter files beside it may name the template in their metadata. Only names that say
  // "param" are read, so a folder of many templates is not read once per template.
  for (const sibling of siblings) {
    if (/param[^/]*\.json$/i.test(sibling)) consider(`${dir}/${sibling}`, true);
  }
  return out;
}
