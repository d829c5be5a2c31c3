// Property test of the fixes, on the shared corpus, the examples and seeded mutants of them (some with broken
// syntax): every fix alone, and source.fixAll, leaves files that parse without new errors, with the targeted finding
// gone, no new finding, and changes only inside what the fix targets.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { parseTree, type ParseError } from 'jsonc-parser';
import { analyze, fileKindOf, type Finding } from '../../server/src/engine/analyze';
import { parseBicep, parseBicepParam } from '../../server/src/engine/bicep/parser';
import type { ArrayNode } from '../../server/src/engine/bicep/ast';
import { mergeSettings } from '../../server/src/engine/config';
import { DEPLOYMENT_RULES_OFF } from '../support/lint';
import { applyFileEdits, editsFor, type FileEdit } from '../../server/src/engine/edits';
import { fixAll, MAX_FIX_PASSES } from '../../server/src/engine/fixAll';
import type { Fix, FixIntent } from '../../server/src/engine/fixes';
import { writtenAt, type FileKind, type Loc, type ValueNode } from '../../server/src/engine/model';
import { lineAt } from '../../server/src/engine/text';
import { nodeFileHost } from '../../server/src/workspace/node-host';
import { breakSyntax, mutateArm, mutateBicep, seeded } from '../support/mutate';
import { CORPUS, EXAMPLES } from '../support/paths';

const SEED = 20240615;
/**
 * Mutants per seed file. Files this large or larger (Azure Verified Modules, megabytes) are checked as they are: each
 * fix for syntax and place, and one seeded fix of each also analysed again (an analysis takes most of a second).
 */
const MUTANTS = 12;
const LARGE = 200 * 1024;

// The account-wide info rules (no private endpoint, no logs) follow from other fixes by design: off here.
const settings = mergeSettings({ rules: DEPLOYMENT_RULES_OFF });
const disk = nodeFileHost();

function seedFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p); else if (/\.(json|bicep|bicepparam)$/i.test(e.name)) out.push(p);
    }
  };
  for (const root of [CORPUS, path.resolve(CORPUS, '..', 'bicep'), EXAMPLES]) walk(root);
  return out.sort();
}

const errorCounts = new Map<string, number>();

/** Syntax errors of a text; the texts fixes start from are counted once. */
function syntaxErrors(text: string, kind: FileKind, remember = false): number {
  const known = errorCounts.get(text);
  if (known !== undefined) return known;
  const count = countErrors(text, kind);
  if (remember) {
    if (errorCounts.size > 8) errorCounts.clear();
    errorCounts.set(text, count);
  }
  return count;
}

function countErrors(text: string, kind: FileKind): number {
  if (kind === 'arm') {
    const errors: ParseError[] = [];
    parseTree(text, errors, { allowTrailingComma: true });
    return errors.length;
  }
  return (kind === 'bicep' ? parseBicep(text) : parseBicepParam(text)).diagnostics.filter((d) => d.severity === 'error').length;
}

/** The file's findings, read with `overlay` over the disk. */
function findingsOf(uri: string, overlay: ReadonlyMap<string, string>): readonly Finding[] {
  const host = { readFile: (u: string) => overlay.get(u) ?? disk.readFile(u), listDir: (u: string) => disk.listDir?.(u) };
  return analyze({ uri, text: overlay.get(uri)!, kind: fileKindOf(uri)! }, { settings, host }).findings;
}

const keyOf = (f: Finding) => `${f.ruleId}|${f.messageText}`;

function counts(findings: readonly Finding[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const f of findings) map.set(keyOf(f), (map.get(keyOf(f)) ?? 0) + 1);
  return map;
}

/** Findings after that were not there before (as many times). */
function added(before: readonly Finding[], after: readonly Finding[]): string[] {
  const left = counts(before);
  const out: string[] = [];
  for (const f of after) {
    const n = left.get(keyOf(f)) ?? 0;
    if (n > 0) left.set(keyOf(f), n - 1); else out.push(keyOf(f));
  }
  return out;
}

/** The places an intent may change: its target, what a `set` reaches through, the line above a suppressed one. */
function regionsOf(intent: FixIntent): Loc[] {
  switch (intent.kind) {
    case 'replace': return [intent.target.loc];
    case 'remove-item': return [containerOf(intent.target.loc)];
    case 'set': {
      const regions = [intent.target.loc];
      let node: ValueNode | undefined = intent.target;
      for (const segment of intent.path) {
        node = node?.member(segment);
        if (!node) break;
        const site = writtenAt(node);
        if (site !== node) { regions.push(site.loc); node = site; }
      }
      return regions;
    }
    case 'suppress': {
      const at = intent.at ?? intent.resource.typeLoc;
      if (at.file.kind === 'arm') return [intent.resource.declaration.loc];
      const starts = lineStarts(at.file.text);
      const line = lineAt(starts, at.start);
      return [{ file: at.file, start: starts[Math.max(0, line - 1)], end: at.start }];
    }
    // New declarations go into the template (its parameters and resources), anywhere in the file.
    case 'add-parameter':
    case 'add-resource': {
      const { file } = intent.target.loc;
      return [intent.target.loc, { file, start: 0, end: file.text.length }];
    }
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** The array holding an item, found by a parse of this test's own. */
function containerOf(loc: Loc): Loc {
  const array = arrayWhere(loc.file.text, loc.file.kind, (a) => a.items.some((i) => i.start === loc.start && i.end === loc.end));
  return array ? { file: loc.file, ...array } : loc;
}

interface ArraySyntax { readonly start: number; readonly end: number; readonly items: readonly { start: number; end: number }[] }

/** The first array (in a parse of this test's own) for which `test` holds. */
function arrayWhere(text: string, kind: FileKind, test: (a: ArraySyntax) => boolean): ArraySyntax | undefined {
  if (kind === 'arm') {
    const stack = [parseTree(text, [], { allowTrailingComma: true })];
    while (stack.length) {
      const node = stack.pop();
      if (!node) continue;
      if (node.type === 'array') {
        const a = { start: node.offset, end: node.offset + node.length, items: (node.children ?? []).map((c) => ({ start: c.offset, end: c.offset + c.length })) };
        if (test(a)) return a;
      }
      stack.push(...(node.children ?? []));
    }
    return undefined;
  }
  const { program } = kind === 'bicep' ? parseBicep(text) : parseBicepParam(text);
  const stack: unknown[] = [program.declarations];
  while (stack.length) {
    const n = stack.pop();
    if (!n || typeof n !== 'object') continue;
    if (Array.isArray(n)) { stack.push(...n); continue; }
    if ((n as ArrayNode).kind === 'array' && test(n as ArrayNode)) return n as ArrayNode;
    stack.push(...Object.values(n));
  }
  return undefined;
}

/** A removal leaves the array's other items as they were, in order. */
function checkRemovals(fix: Fix, after: ReadonlyMap<string, string>, label: string): void {
  for (const intent of fix.changes) {
    if (intent.kind !== 'remove-item') continue;
    const { file } = intent.target.loc;
    const before = arrayWhere(file.text, file.kind, (a) => a.items.some((i) => i.start === intent.target.loc.start && i.end === intent.target.loc.end))!;
    const text = after.get(file.uri)!;
    const now = arrayWhere(text, file.kind, (a) => a.start === before.start);
    const expected = before.items.filter((i) => i.start !== intent.target.loc.start).map((i) => file.text.slice(i.start, i.end));
    assert.deepEqual(now?.items.map((i) => text.slice(i.start, i.end)), expected, `${label}: removes more or less than its entry`);
  }
}

function within(edit: FileEdit, regions: readonly Loc[]): boolean {
  const own = regions.filter((r) => r.file.uri === edit.uri);
  return own.length > 0 && edit.start >= Math.min(...own.map((r) => r.start)) && edit.end <= Math.max(...own.map((r) => r.end));
}

interface Stats { inputs: number; fixes: number; fixAlls: number }

/** Checks every fix of the file's findings, and fixAll; with `sample`, only one fix is analysed again. */
function checkInput(uri: string, text: string, stats: Stats, label: string, sample?: () => number): void {
  const overlay = new Map([[uri, text]]);
  const before = findingsOf(uri, overlay);
  const all = before.flatMap((finding) => finding.fixes.map((fix) => ({ finding, fix })));
  if (!all.length) return;
  stats.inputs++;
  const analysed = sample ? Math.floor(sample() * all.length) : -1;
  all.forEach(({ finding, fix }, i) => {
    stats.fixes++;
    checkFix(uri, overlay, before, finding, fix, `${label}: ${fix.title}`, !sample || i === analysed);
  });
  stats.fixAlls++;
  const result = fixAll(text, (t) => analyze({ uri, text: t, kind: fileKindOf(uri)! }, { settings, host: disk }), { first: before });
  if (result.text === text) return;
  const kind = fileKindOf(uri)!;
  assert.ok(syntaxErrors(result.text, kind) <= syntaxErrors(text, kind), `${label}: fixAll breaks the syntax`);
  const after = findingsOf(uri, new Map([[uri, result.text]]));
  // Repaired entries (URL → host) are hosts again: no-unexplained-fqdns, which reviews hosts, now sees them.
  const repaired = before.some((f) => f.ruleId === 'valid-allowed-fqdns');
  assert.deepEqual(added(before, after).filter((k) => !(repaired && k.startsWith('no-unexplained-fqdns|'))), [], `${label}: fixAll adds findings`);
  if (result.passes < MAX_FIX_PASSES) {
    assert.deepEqual(after.filter((f) => f.fixes.some((x) => x.safe && editsFor([x]).some((e) => e.uri === uri))).map(keyOf), [], `${label}: fixAll leaves safe fixes`);
  }
}

function checkFix(uri: string, overlay: ReadonlyMap<string, string>, before: readonly Finding[], finding: Finding, asked: Fix, label: string, analyse: boolean): void {
  // A fix that asks for a value (a reason, an owner) is applied with one typed, as in the editor.
  const fix = asked.ask ? { ...asked, changes: asked.ask.answer('Approved by ai-platform (SEC-1234)') } : asked;
  const edits = editsFor([fix], (u) => overlay.get(u) ?? disk.readFile(u));
  assert.ok(edits.length, `${label}: offered without an edit`);
  const regions = fix.changes.flatMap(regionsOf);
  const after = new Map(overlay);
  for (const uri of new Set(edits.map((e) => e.uri))) {
    const old = after.get(uri) ?? disk.readFile(uri)!;
    const kind = fileKindOf(uri)!;
    const own = edits.filter((e) => e.uri === uri);
    for (const edit of own) assert.ok(within(edit, regions), `${label}: edits ${uri} outside its target (${edit.start}-${edit.end}: ${JSON.stringify(edit.newText.slice(0, 80))})`);
    const changed = applyFileEdits(old, own);
    assert.ok(syntaxErrors(changed, kind) <= syntaxErrors(old, kind, true), `${label}: ${uri} gets syntax errors:\n${changed.slice(Math.max(0, own[0].start - 200), own[0].start + own[0].newText.length + 200)}`);
    after.set(uri, changed);
  }
  checkRemovals(fix, after, label);
  if (!analyse) return;
  const findings = findingsOf(uri, after);
  // Adding a private endpoint (offered beside the hardened block) completes a private network; it is not the finding's fix.
  if (!fix.title.startsWith('Add a private endpoint')) {
    const left = findings.filter((f) => keyOf(f) === keyOf(finding)).length;
    assert.ok(left < before.filter((f) => keyOf(f) === keyOf(finding)).length, `${label}: the finding stays: ${finding.message}`);
  }
  // Approved-only outbound makes FQDN rules for storage wrong (a private endpoint rule is needed): that finding is the point.
  // A repaired entry (URL → host) is a host again: no-unexplained-fqdns, which reviews hosts, now sees it.
  // An owner tag changes the messages that name the owner (no-unexplained-fqdns says whom to ask): same findings, new text.
  const expected = new Set(fix.title.startsWith('Set the isolation mode') ? ['no-broad-outbound-rules']
    : finding.ruleId === 'valid-allowed-fqdns' || /^(Add|Set) tag '/.test(fix.title) ? ['no-unexplained-fqdns'] : []);
  assert.deepEqual(added(before, findings).filter((k) => !expected.has(k.slice(0, k.indexOf('|')))), [], `${label}: adds findings`);
}

test(`fixes on the corpus, the examples and ${MUTANTS} seeded mutants of each (seed ${SEED})`, () => {
  const random = seeded(SEED);
  const stats: Stats = { inputs: 0, fixes: 0, fixAlls: 0 };
  const started = Date.now();
  for (const file of seedFiles()) {
    const uri = pathToFileURL(file).href;
    const kind = fileKindOf(uri)!;
    const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
    const name = path.basename(path.dirname(file)) + '/' + path.basename(file);
    const large = text.length >= LARGE;
    checkInput(uri, text, stats, name, large ? random : undefined);
    if (large) continue;
    for (let m = 0; m < MUTANTS; m++) {
      const count = 1 + Math.floor(random() * 3);
      const mutated = kind === 'arm' ? mutateArm(text, random, count) : mutateBicep(text, random, count, kind);
      // One mutant in four is also broken: fixes must keep away from the broken part.
      const mutant = m % 4 === 3 ? breakSyntax(mutated, random) : mutated;
      if (mutant !== text) checkInput(uri, mutant, stats, `${name} mutant ${m}`);
    }
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(`fix properties: ${stats.inputs} inputs with fixes, ${stats.fixes} fixes applied alone, ${stats.fixAlls} fixAll runs, ${seconds.toFixed(1)} s`);
  assert.ok(stats.fixes > 0);
});
