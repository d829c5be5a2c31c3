// SARIF 2.1.0 output for code-scanning dashboards.

import * as path from 'node:path';
import { rules, ruleById, docsPageUrl, docsUrl, MESSAGE_PLACEHOLDER, REPOSITORY_URL, type Level } from '../../../rules';
import { fullMessage, PROBLEM_DESCRIPTIONS, type AnalysisResult, type Finding, type ProblemCode } from '../engine/analyze';
import type { FileProblem } from '../workspace/files';
import { editsWithText } from '../engine/edits';
import { egressJson } from './explain';
import { positionAt } from '../engine/text';
import { uriToPath } from '../workspace/node-host';
import type { Inventory } from '../../../shared/inventory';
import { estateJson } from '../estate/estate';
import { ruleHelp } from './ruleDocs';

const SARIF_LEVEL: Record<Level, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/**
 * A rule's message template as a SARIF message string (§3.11.5): `{{name}}` placeholders become `{0}`, `{1}`…
 * in order of first use, literal braces are doubled. `names[i]` is the data key of `{i}`.
 */
export function sarifMessageString(template: string): { text: string; names: string[] } {
  const names: string[] = [];
  // split() with a capturing pattern alternates literal text and placeholder names.
  const text = template.split(MESSAGE_PLACEHOLDER).map((piece, i) => {
    if (i % 2 === 0) return piece.replace(/[{}]/g, (c) => c + c);
    if (!names.includes(piece)) names.push(piece);
    return `{${names.indexOf(piece)}}`;
  }).join('');
  return { text, names };
}

/**
 * A result's message: the text as shown (with the parameter files), and the id and arguments that fill the rule's
 * messageStrings; an unfilled placeholder is passed as the message shows it.
 */
function resultMessage(f: Finding): { text: string; id?: string; arguments?: string[] } {
  const template = ruleById.get(f.ruleId)?.messages[f.messageId];
  if (template === undefined) return { text: fullMessage(f) };
  const args = sarifMessageString(template).names.map((n) => (n in f.data ? String(f.data[n]) : `{{${n}}}`));
  return { text: fullMessage(f), id: f.messageId, arguments: args };
}

export interface SarifOptions {
  /** Results' URIs are made relative to this folder (uriBaseId %SRCROOT%). */
  readonly root: string;
  readonly version: string;
  /**
   * Files that could not be (fully) analysed: each becomes a tool execution notification of the
   * invocation and a result whose rule id is the problem code (docs/limits.md), so a dashboard shows it.
   */
  readonly problems?: readonly FileProblem[];
  /** Give each result its preferred fix (`fixes`, §3.27.30): computes the fixes, which reports otherwise leave alone. */
  readonly fixes?: boolean;
  /** The audit's inventory: carried in `run.properties.inventory` (instances and their counts). */
  readonly inventory?: Inventory;
}

export function toSarif(results: readonly AnalysisResult[], options: SarifOptions): object {
  const problems = options.problems ?? [];
  // Problem codes are rules too, listed only when they occur (the rule rules stay at their indexes).
  const codes = [...new Set(problems.map((p) => p.code))].sort();
  const ruleIndex = new Map([...rules.map((r) => r.id), ...codes].map((id, i) => [id, i]));
  const problemLocation = (p: FileProblem) => {
    const file = path.relative(options.root, p.path).split(path.sep).join('/') || '.';
    return {
      physicalLocation: {
        artifactLocation: { uri: file, uriBaseId: '%SRCROOT%' },
        ...(p.line ? { region: { startLine: p.line, startColumn: p.column, endLine: p.endLine ?? p.line, endColumn: p.endColumn ?? p.column } } : {}),
      },
    };
  };
  const relative = (uri: string) => {
    const file = uriToPath(uri);
    return file ? path.relative(options.root, file).split(path.sep).join('/') : uri;
  };
  const location = (uri: string, text: string, start: number, end: number, message?: string) => {
    const s = positionAt(text, start);
    const e = positionAt(text, end);
    return {
      physicalLocation: {
        artifactLocation: { uri: relative(uri), uriBaseId: '%SRCROOT%' },
        region: { startLine: s.line + 1, startColumn: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 },
      },
      ...(message ? { message: { text: message } } : {}),
    };
  };
  /** The preferred fix as a SARIF fix (§3.55): one artifact change per file it edits, its replacements in order. */
  const sarifFixes = (f: Finding): { fixes?: object[] } => {
    const fix = options.fixes ? f.fixes.find((x) => x.preferred) : undefined;
    const edits = fix ? editsWithText([fix]) : [];
    if (!fix || !edits.length) return {};
    const byFile = new Map<string, object[]>();
    for (const { edit, text } of edits) {
      const s = positionAt(text, edit.start);
      const e = positionAt(text, edit.end);
      const replacements = byFile.get(edit.uri) ?? byFile.set(edit.uri, []).get(edit.uri)!;
      replacements.push({
        deletedRegion: { startLine: s.line + 1, startColumn: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 },
        insertedContent: { text: edit.newText },
      });
    }
    return {
      fixes: [{
        description: { text: fix.title },
        artifactChanges: [...byFile].map(([uri, replacements]) => ({ artifactLocation: { uri: relative(uri), uriBaseId: '%SRCROOT%' }, replacements })),
      }],
    };
  };
  const result = (f: Finding): object => ({
    ruleId: f.ruleId,
    ruleIndex: ruleIndex.get(f.ruleId),
    level: SARIF_LEVEL[f.level],
    message: resultMessage(f),
    locations: [{
      ...location(f.loc.file.uri, f.loc.file.text, f.loc.start, f.loc.end),
      // A deployed account: its Azure resource id is where the finding is, the export only where it was seen.
      ...(f.resourceId ? { logicalLocations: [{ name: f.resource, fullyQualifiedName: f.resourceId, kind: 'resource' }] } : {}),
    }],
    ...(f.related.some((x) => x.loc.file.text) ? {
      relatedLocations: f.related.filter((x) => x.loc.file.text).map((x, id) => ({ id, ...location(x.loc.file.uri, x.loc.file.text, x.loc.start, x.loc.end, x.message) })),
    } : {}),
    ...(f.parameterFiles ? { properties: { parameterFiles: f.parameterFiles } } : {}),
    ...sarifFixes(f),
    // A suppression written in the source (§3.35): the result stays, marked, with the reason given.
    ...(f.suppression ? { suppressions: [{ kind: f.suppression.kind, justification: f.suppression.justification }] } : {}),
  });
  const sarifResults: object[] = results.flatMap((r) => [...r.findings, ...r.suppressed ?? []].map(result));
  for (const p of problems) {
    sarifResults.push({ ruleId: p.code, ruleIndex: ruleIndex.get(p.code), level: p.severity, message: { text: p.message }, locations: [problemLocation(p)] });
  }
  const notifications: object[] = problems.map((p) => ({
    level: p.severity,
    message: { text: p.message },
    locations: [problemLocation(p)],
    descriptor: { id: p.code, index: codes.indexOf(p.code) },
  }));
  // Notes of files (rules that could not run on an export) are notes of the invocation.
  for (const r of results) {
    for (const text of r.notes ?? []) notifications.push({ level: 'note', message: { text }, locations: [{ physicalLocation: { artifactLocation: { uri: relative(r.file.uri), uriBaseId: '%SRCROOT%' } } }] });
  }
  const estate = estateJson(results, (loc) => ({ file: relative(loc.file.uri), line: positionAt(loc.file.text, loc.start).line + 1 }));
  const problemDescriptor = (code: ProblemCode): object => ({
    id: code,
    name: code.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase()),
    shortDescription: { text: PROBLEM_DESCRIPTIONS[code] },
    fullDescription: { text: PROBLEM_DESCRIPTIONS[code] },
    helpUri: docsPageUrl('limits.md'),
    defaultConfiguration: { level: code === 'binary-file' || code === 'file-too-large' ? 'warning' : 'error' },
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'ai-egress-guard',
          fullName: 'Azure AI Egress Guard',
          version: options.version,
          informationUri: REPOSITORY_URL,
          rules: rules.map((r): object => ({
            id: r.id,
            name: r.id.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase()),
            shortDescription: { text: r.description },
            fullDescription: { text: r.description },
            helpUri: docsUrl(r.id),
            // What the rule's shipped page says, so a code-scanning alert explains itself without following a link.
            ...(ruleHelp(r.id) ? { help: ruleHelp(r.id) } : {}),
            defaultConfiguration: { level: SARIF_LEVEL[r.defaultLevel] },
            messageStrings: Object.fromEntries(Object.entries<string>(r.messages).map(([id, template]) => [id, { text: sarifMessageString(template).text }])),
          })).concat(codes.map(problemDescriptor)),
          ...(codes.length ? { notifications: codes.map(problemDescriptor) } : {}),
        },
      },
      // A file the tool could not analyse fails the invocation: the run is incomplete, not clean.
      invocations: [{
        executionSuccessful: !problems.some((p) => p.severity === 'error'),
        ...(notifications.length ? { toolExecutionNotifications: notifications } : {}),
      }],
      originalUriBaseIds: { '%SRCROOT%': { uri: pathToDirUri(options.root) } },
      results: sarifResults,
      // The audit's instances (each with its egress map when computed), as JSON output's `inventory`; without an
      // inventory, each account's egress map, as --explain's JSON `accounts`; and what is deployed in Azure
      // (exports), with its drift from the templates.
      ...(options.inventory || estate || results.some((r) => r.egress) ? { properties: {
        ...(options.inventory ? { inventory: options.inventory } : results.some((r) => r.egress) ? { accounts: egressJson(results, options.root) } : {}),
        ...(estate ? { estate } : {}),
      } } : {}),
    }],
  };
}

function pathToDirUri(dir: string): string {
  const href = new URL(`file://${path.resolve(dir).split(path.sep).join('/')}`).href;
  return href.endsWith('/') ? href : `${href}/`;
}
