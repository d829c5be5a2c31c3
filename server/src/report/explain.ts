// The egress map of each AI service: `ai-egress-guard --explain <file>` prints it as text, and JSON output
// carries it per account (`accounts`). It shows whether outbound access is restricted, what the service depends
// on (with the evidence), each allow-list entry with the reason it is there, and each host that is missing.

import * as path from 'node:path';
import type { AccountEgress, AnalysisResult, FileHost } from '../engine/analyze';
import type { Settings } from '../engine/config';
import type { Loc } from '../engine/model';
import { positionAt } from '../engine/text';
import { auditFiles } from '../workspace/audit';
import { collectFiles } from '../workspace/files';
import { uriToPath } from '../workspace/node-host';
import { networkLines } from '../../../shared/report';

const STATUS_LABEL: Readonly<Record<string, string>> = {
  dependency: 'dependency',
  ownResource: 'own resource',
  approved: 'approved',
  unexplained: 'unexplained',
  unknown: 'not known',
};

const CAVEAT = 'Hosts named only at request time (a SAS URL passed to Document Intelligence, a page an agent tool fetches) cannot be seen in a template: review the list with the service\'s owner.';

interface Where { readonly file: string; readonly line: number; readonly column: number }

/** A location as file (absolute, or relative to `cwd` when given), 1-based line and column. */
function where(loc: Loc, cwd?: string): Where {
  const pos = positionAt(loc.file.text, loc.start);
  const file = uriToPath(loc.file.uri) ?? loc.file.uri;
  return { file: cwd === undefined ? file : path.relative(cwd, file) || file, line: pos.line + 1, column: pos.character + 1 };
}

function at(loc: Loc, cwd: string): string {
  const w = where(loc, cwd);
  return `${w.file}:${w.line}:${w.column}`;
}

/** The egress maps of the results as JSON-ready objects: positions 1-based, paths absolute (as findings'), or relative to `cwd`. */
export function egressJson(results: readonly AnalysisResult[], cwd?: string): object[] {
  return results.flatMap((r) => (r.egress ?? []).map((a) => accountJson(r, a, cwd)));
}

function accountJson(result: AnalysisResult, a: AccountEgress, cwd?: string): object {
  const entry = where(a.loc, cwd);
  const template = uriToPath(result.file.uri) ?? result.file.uri;
  return {
    template: cwd === undefined ? template : path.relative(cwd, template) || template,
    account: a.name,
    ...entry,
    ...(a.parameterFile ? { parameterFile: a.parameterFile } : {}),
    restricted: a.restricted,
    dependencies: a.dependencies.map((d) => ({
      host: d.host,
      hostKnown: d.hostKnown,
      service: d.service,
      ...(d.resource ? { resource: { type: d.resource.type, name: d.resource.name, existing: d.resource.existing, ...where(d.resource.loc, cwd) } } : {}),
      evidence: d.evidence.map((e) => ({ kind: e.kind, detail: e.detail, ...where(e.loc, cwd) })),
      allowed: d.allowed,
    })),
    // 'set' (entries below), 'absent' (no allowedFqdnList), 'unknown' (only known at deployment).
    allowListState: a.allowList ? 'set' : a.allowListUnknown ? 'unknown' : 'absent',
    allowList: a.allowList?.map((e) => ({ entry: e.entry, status: e.status, because: e.because, ...where(e.loc, cwd) })) ?? [],
    missing: a.missing,
  };
}

/** The egress maps as text, one block per account. */
export function explainText(results: readonly AnalysisResult[], cwd: string): string {
  const lines: string[] = [];
  for (const result of results) {
    if (!result.isTemplate) continue;
    const file = uriToPath(result.file.uri) ?? result.file.uri;
    const accounts = result.egress ?? [];
    lines.push(`${path.relative(cwd, file) || file}: ${accounts.length ? `${accounts.length} AI service${accounts.length === 1 ? '' : 's'}` : 'no AI service'}`);
    for (const a of accounts) lines.push(...accountText(a, cwd));
    lines.push('');
  }
  if (results.some((r) => r.egress?.length)) lines.push(CAVEAT, '');
  return `${lines.join('\n')}`;
}

function restriction(a: AccountEgress): string {
  return a.restricted === true ? 'restricted to allowedFqdnList' : a.restricted === 'unknown' ? 'cannot be verified (restrictOutboundNetworkAccess is only known at deployment)' : 'NOT restricted (any host on the internet)';
}

function hostShown(d: AccountEgress['dependencies'][number]): string {
  return d.hostKnown === 'unknown' ? '(host not known before deployment)' : d.host;
}

function dependencyWhat(d: AccountEgress['dependencies'][number]): string {
  return d.resource ? `${d.resource.type} '${d.resource.name}'` : d.service;
}

function heading(a: AccountEgress): string {
  return `AI service '${a.name}'${a.parameterFile ? ` [with parameter file ${a.parameterFile}]` : ''}`;
}

function accountText(a: AccountEgress, cwd: string): string[] {
  const out: string[] = [];
  out.push(`  AI service '${a.name}' (${at(a.loc, cwd)})${a.parameterFile ? ` [with parameter file ${a.parameterFile}]` : ''}`);
  out.push(`    outbound access: ${restriction(a)}`);
  out.push(`    dependencies: ${a.dependencies.length ? a.dependencies.length : 'none seen in the template'}`);
  for (const d of a.dependencies) {
    const state = a.restricted !== true ? '' : d.allowed === true ? '  allowed' : d.allowed === false ? '  MISSING from allowedFqdnList' : '  cannot tell';
    out.push(`      ${hostShown(d)}  ${dependencyWhat(d)}${state}`);
    for (const e of d.evidence) out.push(`        ${e.kind}: ${e.detail}  ${at(e.loc, cwd)}`);
  }
  if (a.allowList) {
    out.push(`    allowedFqdnList: ${a.allowList.length ? a.allowList.length : 'empty (no outbound connection at all)'}`);
    for (const e of a.allowList) out.push(`      ${e.entry}  ${STATUS_LABEL[e.status]}: ${e.because}  ${at(e.loc, cwd)}`);
  } else {
    out.push(`    allowedFqdnList: ${a.allowListUnknown ? 'only known at deployment' : 'not set'}`);
  }
  if (a.restricted === true && a.missing.length) out.push(`    missing: ${a.missing.join(', ')}`);
  return out;
}

/**
 * The egress map of one account in a few lines of Markdown (the editor's hover): whether outbound access is
 * restricted, each allowed host and why it is there, each dependency the list misses (or, unrestricted, the
 * hosts a restriction must allow), and its network (managed network, private endpoints, logs, agent subnet).
 * One block per parameter file the account was evaluated with.
 */
export function egressHover(accounts: readonly AccountEgress[]): string {
  const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
  return accounts.map((a) => {
    const lines = [`**${heading(a)}**: outbound access ${restriction(a)}`];
    if (a.allowList) {
      lines.push('', a.allowList.length ? 'Allowed hosts:' : 'Allowed hosts: none (no outbound connection at all)');
      for (const e of a.allowList) lines.push(`- ${code(e.entry)}: ${STATUS_LABEL[e.status]}, ${e.because}`);
    } else {
      lines.push('', `allowedFqdnList: ${a.allowListUnknown ? 'only known at deployment' : 'not set'}`);
    }
    const missing = a.restricted === true ? a.dependencies.filter((d) => d.allowed === false) : a.dependencies;
    if (missing.length) {
      lines.push('', a.restricted === true ? 'Missing dependencies:' : 'Dependencies (to allow when restricting):');
      for (const d of missing) lines.push(`- ${code(hostShown(d))}: ${dependencyWhat(d)}, because ${d.evidence[0].detail}`);
    } else if (!a.dependencies.length) {
      lines.push('', 'No dependency seen in the template.');
    }
    lines.push('', 'Network:', ...networkLines(a.network, code).map((line) => `- ${line}`));
    return lines.join('\n');
  }).join('\n\n---\n\n');
}

export interface ExplainOptions {
  readonly paths: readonly string[];
  readonly format: string;
  readonly cwd: string;
  readonly settingsFor: (file: string) => Settings;
  readonly host: FileHost;
  readonly moduleCacheUri?: string;
  readonly exclude?: readonly string[];
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
}

/** `--explain <file>`: the egress map of every AI account the files deploy. Returns the exit code. */
export async function runExplain(options: ExplainOptions): Promise<number> {
  const collected = collectFiles(options.paths, options.cwd, options.exclude ?? []);
  const audit = await auditFiles(collected.files, {
    settingsFor: options.settingsFor, host: options.host, moduleCacheUri: options.moduleCacheUri, listings: collected.listings, egress: true,
  });
  for (const p of [...collected.problems, ...audit.problems]) options.err(`${path.relative(options.cwd, p.path) || p.path}: ${p.message}\n`);
  if (options.format === 'json') options.out(`${JSON.stringify({ accounts: egressJson(audit.results) }, null, 2)}\n`);
  else options.out(explainText(audit.results, options.cwd));
  return collected.files.length || !collected.problems.length ? 0 : 2;
}
