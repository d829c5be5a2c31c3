// Loads Bicep files for the engine: .bicep templates (with the .bicepparam files that use them)
// and .bicepparam files (their values applied to the template they name).

import type { AnalyzeOptions, Finding, FileHost, Loaded, Problem, ReadScope } from '../analyze';
import { isDeploymentTemplate, readArmDeployment } from '../arm/reader';
import { readParameterFile } from '../arm/parameters';
import { brokenParameterFileMessage, namedParameterFileMessage } from '../arm/load';
import type { ParseError } from 'jsonc-parser';
import { parameterFilesFor } from '../config';
import { globMatches } from '../glob';
import type { ParameterFile, SourceFile } from '../model';
import type { WrittenSuppression } from '../../../../rules/rule';
import { lineAt } from '../text';
import type { Suppression } from '../../../../shared/inventory';
import type { Diagnostic, Directive, Program } from './ast';
import { DEFAULT_MAX_DEPTH, disablingDirective, parseBicep, parseBicepParam, TOO_DEEP_CODE } from './parser';
import { jsonDepthMessage, parseJsonTree, type LimitSink } from '../limits';
import { readBicepParamFile, readBicepDeployment, resolveUri } from './reader';

/**
 * The linter reads AI resources, modules, declarations and the types some rule reads: other resources'
 * bodies are not parsed (nor checked for syntax errors, which Bicep's own tooling reports).
 */
function parseForLint(scope: ReadScope) {
  return { skipIrrelevantResources: true, readTypes: scope.types } as const;
}

export function loadBicep(file: SourceFile, options: AnalyzeOptions, scope: ReadScope, onLimit?: LimitSink): Loaded {
  const { program, diagnostics } = options.parses ? options.parses.parse(file.uri, file.text, parseForLint(scope)) : parseBicep(file.text, parseForLint(scope));
  const readFile = (uri: string) => options.host?.readFile(uri);
  const base = { cloud: options.settings.cloud, readFile, moduleCacheUri: options.moduleCacheUri, readTypes: scope.types, onLimit, parses: options.parses };
  const problems = problemsOf(diagnostics);
  const parameterFiles = options.host ? [...namedParamFiles(options, file, problems), ...bicepParamFilesOf(file, options.host)] : [];
  const runs = parameterFiles.length
    ? parameterFiles.map((parameterFile) => readBicepDeployment(file, program, { ...base, parameterFile }))
    : [readBicepDeployment(file, program, base)];
  return { isTemplate: true, problems, runs, parameterFiles, suppressionOf: directiveSuppression(file, program), suppressions: () => writtenSuppressions(file, program) };
}

export function loadBicepParam(file: SourceFile, options: AnalyzeOptions, scope: ReadScope, onLimit?: LimitSink): Loaded {
  const { program, diagnostics } = parseBicepParam(file.text);
  const problems = problemsOf(diagnostics);
  const { using, values } = readBicepParamFile(file, program, options.settings.cloud);
  const name = file.uri.slice(file.uri.lastIndexOf('/') + 1);
  if (!using) return { isTemplate: true, problems, runs: [] };
  const templateUri = resolveUri(file.uri, using);
  const text = options.host?.readFile(templateUri);
  if (text === undefined) {
    const at = program.declarations.find((d) => d.kind === 'using') ?? { start: 0, end: 0 };
    return { isTemplate: true, problems: [...problems, { code: 'unreadable-file', severity: 'error', message: `cannot read '${using}', the template this parameter file uses`, start: at.start, end: at.end }], runs: [] };
  }
  const parameterFile = { name, uri: file.uri, values };
  let runs;
  if (/\.json$/i.test(templateUri)) {
    const { root, tooDeepAt } = parseJsonTree(text);
    const template: SourceFile = { uri: templateUri, text, kind: 'arm' };
    if (tooDeepAt !== undefined) onLimit?.({ code: 'depth-limit', loc: { file: template, start: tooDeepAt, end: tooDeepAt + 1 }, message: jsonDepthMessage() });
    runs = isDeploymentTemplate(root) ? [readArmDeployment({ file: template, root, errors: [] }, { cloud: options.settings.cloud, parameterFile, onLimit })] : [];
  } else {
    const template: SourceFile = { uri: templateUri, text, kind: 'bicep' };
    const parsed = options.parses ? options.parses.parse(templateUri, text, parseForLint(scope)) : parseBicep(text, parseForLint(scope));
    runs = [readBicepDeployment(template, parsed.program, {
      cloud: options.settings.cloud, readFile: (uri) => options.host?.readFile(uri), moduleCacheUri: options.moduleCacheUri, parameterFile, readTypes: scope.types, onLimit, parses: options.parses,
    })];
  }
  return {
    isTemplate: true, problems, runs, reportAtSitesIn: file.uri, suppressionOf: directiveSuppression(file, program), suppressions: () => writtenSuppressions(file, program),
    templateUri, parameterFiles: runs.map(() => parameterFile),
  };
}

/** Parameter files the settings (config file, --parameters) name for this template. */
function namedParamFiles(options: AnalyzeOptions, file: SourceFile, problems: Problem[]): ParameterFile[] {
  const out: ParameterFile[] = [];
  for (const uri of parameterFilesFor(options.settings, file.uri, globMatches)) {
    const text = options.host?.readFile(uri);
    const missing = () => problems.push({ code: 'unreadable-file', severity: 'error', message: namedParameterFileMessage(uri), start: 0, end: 0 });
    if (text === undefined) {
      missing();
      continue;
    }
    const name = uri.slice(uri.lastIndexOf('/') + 1);
    if (/\.bicepparam$/i.test(uri)) {
      out.push({ name, uri, values: readBicepParamFile({ uri, text, kind: 'bicepparam' }, parseBicepParam(text).program).values });
    } else {
      const errors: ParseError[] = [];
      const { root } = parseJsonTree(text, errors);
      const parsed = root && readParameterFile({ uri, text, kind: 'arm' }, root);
      if (parsed && errors.length) problems.push({ code: 'parse-error', severity: 'error', message: brokenParameterFileMessage(uri, text, errors[0]), start: 0, end: 0 });
      else if (parsed) out.push(parsed);
      else missing();
    }
  }
  return out;
}

/** The .bicepparam files beside a template whose `using` names it. */
function bicepParamFilesOf(file: SourceFile, host: FileHost): ParameterFile[] {
  const dir = file.uri.slice(0, file.uri.lastIndexOf('/'));
  const out: ParameterFile[] = [];
  for (const sibling of host.listDir?.(dir) ?? []) {
    if (!/\.bicepparam$/i.test(sibling)) continue;
    const uri = `${dir}/${sibling}`;
    const text = host.readFile(uri);
    if (text === undefined || !/^\s*using\s/m.test(text)) continue;
    const paramFile: SourceFile = { uri, text, kind: 'bicepparam' };
    const { using, values } = readBicepParamFile(paramFile, parseBicepParam(text).program);
    if (using && resolveUri(uri, using) === file.uri) out.push({ name: sibling, uri, values });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** The first syntax error (the rest often follow from it), and the first expression nested too deeply to analyse. */
function problemsOf(diagnostics: readonly Diagnostic[]): Problem[] {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const problems: Problem[] = [];
  const syntax = errors.filter((d) => d.code !== TOO_DEEP_CODE);
  if (syntax.length) {
    const first = syntax[0];
    const more = syntax.length > 1 ? ` (and ${syntax.length - 1} more error${syntax.length > 2 ? 's' : ''})` : '';
    problems.push({ code: 'parse-error', severity: 'error', message: `not valid Bicep: ${first.message.replace(/\.$/, '')}${more}; analysed what could be read`, start: first.start, end: first.end });
  }
  const deep = errors.find((d) => d.code === TOO_DEEP_CODE);
  if (deep) problems.push({ code: 'depth-limit', severity: 'error', message: `Bicep expression nested deeper than ${DEFAULT_MAX_DEPTH} levels: analysis stopped here`, start: deep.start, end: deep.end });
  return problems;
}

/**
 * The reason written with a directive: a `//` comment after its ids on the same line, else a `//` comment alone on
 * the line above (where the editor's suppress fix writes it); '' when there is none.
 */
function directiveReason(file: SourceFile, program: Program, d: Directive): string {
  const { comments, lineStarts } = program;
  const lineComment = (line: number, after: number) => comments.find((c) => c.kind === 'line' && c.start >= after && lineAt(lineStarts, c.start) === line);
  let comment = lineComment(d.line, d.end);
  if (!comment && d.line > 0) {
    const above = lineComment(d.line - 1, lineStarts[d.line - 1]);
    if (above && !file.text.slice(lineStarts[d.line - 1], above.start).trim()) comment = above;
  }
  return comment ? comment.text.slice(2).trim() : '';
}

/** The rule ids of the file's `#disable-next-line` and `#disable-diagnostics` directives, with their reason. */
function writtenSuppressions(file: SourceFile, program: Program): WrittenSuppression[] {
  const out: WrittenSuppression[] = [];
  for (const d of program.directives) {
    if (d.kind === 'restore-diagnostics') continue;
    const reason = directiveReason(file, program, d);
    for (const code of d.codes) out.push({ ruleId: code.code, reason, loc: { file, start: code.start, end: code.end } });
  }
  return out;
}

/**
 * Bicep's own suppression comments: `#disable-next-line id` and `#disable-diagnostics` … `#restore-diagnostics`,
 * with the reason written with the directive as justification.
 */
function directiveSuppression(file: SourceFile, program: Program): ((finding: Finding) => Suppression | undefined) | undefined {
  if (!program.directives.length) return undefined;
  return (finding) => {
    const directive = disablingDirective(program, finding.ruleId, finding.loc.start);
    return directive ? { kind: 'inSource', justification: directiveReason(file, program, directive) } : undefined;
  };
}
