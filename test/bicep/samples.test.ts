// Conformance against Bicep's own sample files (src/Bicep.Core.Samples/Files in Azure/bicep),
// extracted outside the repository (see test/bicep/README.md). Skipped when the folder is absent.
//
// Expectations come from Bicep's checked-in baselines: next to a sample `main.bicep` Bicep keeps
// `main.diagnostics.bicep`, the source annotated with every diagnostic it reports
// (`//@[start:end) [BCP018 (Error)] …`). A sample is
//   - syntax-invalid   when that baseline has an error with a *syntax* code (one Bicep's lexer or
//                      parser reports): we must report at least one diagnostic, and one on every
//                      line where Bicep reports a syntax error;
//   - semantic-invalid when it has errors but none of them syntactic (type errors, cycles, …):
//                      we must parse it cleanly, as it is syntactically valid;
//   - valid            otherwise (no baseline: modules and user-submitted samples): zero diagnostics,
//                      except the few support files that are broken on purpose (KNOWN_INVALID).
// Every file must parse without an internal error, with consistent ranges, in bounded time.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { Diagnostic, ParseResult } from '../../server/src/engine/bicep/ast';
import { lineOfOffset } from '../../server/src/engine/bicep/lexer';
import { parseBicep } from '../../server/src/engine/bicep/parser';
import { checkRanges } from './helpers';

const SAMPLES_DIR = process.env.BICEP_SAMPLES_DIR ?? '/work/.cache/bicep-samples';

/** Codes of the diagnostics Bicep's lexer and parser produce (src/Bicep.Core/Parsing), plus BCP132 (decorator without declaration). */
const SYNTAX_CODES = new Set([
  'BCP001', 'BCP002', 'BCP003', 'BCP004', 'BCP005', 'BCP006', 'BCP007', 'BCP008', 'BCP009', 'BCP010', 'BCP011', 'BCP012',
  'BCP013', 'BCP015', 'BCP016', 'BCP017', 'BCP018', 'BCP019', 'BCP020', 'BCP021', 'BCP022', 'BCP023', 'BCP024', 'BCP064',
  'BCP068', 'BCP087', 'BCP096', 'BCP097', 'BCP103', 'BCP117', 'BCP118', 'BCP123', 'BCP132', 'BCP133', 'BCP136', 'BCP140',
  'BCP162', 'BCP167', 'BCP201', 'BCP202', 'BCP226', 'BCP236', 'BCP237', 'BCP238', 'BCP243', 'BCP249', 'BCP257', 'BCP266',
  'BCP279', 'BCP300', 'BCP305', 'BCP317', 'BCP322', 'BCP325', 'BCP337', 'BCP344', 'BCP346', 'BCP347', 'BCP354', 'BCP355',
  'BCP356', 'BCP375', 'BCP404', 'BCP436',
]);

/** Support files without a baseline that are broken on purpose. */
const KNOWN_INVALID = new Set([
  'baselines/InvalidModules_LF/ChildModules/modulea.bicep',
  'baselines/InvalidModules_LF/cycle.bicep',
  'baselines/InvalidTestFramework_CRLF/samples/broken.bicep',
  'baselines_bicepparam/Invalid_Imports/foo.bicep',
]);

const GENERATED = /\.(tokens|syntax|symbols|diagnostics|formatted|ir|sourcemap)\.bicep(param)?$/;

interface Expected { line: number; code: string; severity: string }

function listSamples(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(bicep|bicepparam)$/.test(e.name) && !GENERATED.test(e.name)) out.push(p);
    }
  };
  walk(root);
  return out.sort();
}

/** Diagnostics from Bicep's baseline, by 0-based source line; undefined when there is no baseline. */
function readBaseline(file: string): Expected[] | undefined {
  const ext = path.extname(file);
  const baseline = file.slice(0, -ext.length) + '.diagnostics' + ext;
  if (!fs.existsSync(baseline)) return undefined;
  const expected: Expected[] = [];
  let line = -1;
  for (const l of fs.readFileSync(baseline, 'utf8').split(/\r\n|\n/)) {
    const m = /^\/\/@\[\d+:\d+\) \[([\w-]+) \((Error|Warning|Info)\)\]/.exec(l);
    if (m) expected.push({ line, code: m[1], severity: m[2] });
    else line++;
  }
  return expected;
}

type Category = 'valid' | 'syntax-invalid' | 'semantic-invalid' | 'known-invalid';

interface Sample {
  rel: string;
  text: string;
  category: Category;
  syntaxLines: Set<number>;
  result: ParseResult;
  cpuMs: number;
  crash?: string;
}

function load(root: string): Sample[] {
  return listSamples(root).map((file): Sample => {
    const rel = path.relative(root, file).split(path.sep).join('/');
    const text = fs.readFileSync(file, 'utf8');
    const baseline = readBaseline(file);
    const errors = (baseline ?? []).filter(e => e.severity === 'Error');
    const syntax = errors.filter(e => SYNTAX_CODES.has(e.code));
    const category: Category = KNOWN_INVALID.has(rel) ? 'known-invalid'
      : syntax.length > 0 ? 'syntax-invalid'
        : errors.length > 0 ? 'semantic-invalid'
          : 'valid';
    const before = process.cpuUsage();
    let result: ParseResult;
    let crash: string | undefined;
    try {
      result = parseBicep(text, { fileKind: file.endsWith('.bicepparam') ? 'bicepparam' : 'bicep' });
      checkRanges(result.program, text.length);
      const internal = result.diagnostics.find(d => d.code === 'EGB000');
      if (internal) crash = internal.message;
    } catch (e) {
      crash = String(e);
      result = { program: { kind: 'program', start: 0, end: 0, fileKind: 'bicep', declarations: [], comments: [], directives: [], lineStarts: [0] }, diagnostics: [] };
    }
    const used = process.cpuUsage(before);
    return { rel, text, category, syntaxLines: new Set(syntax.map(e => e.line)), result, cpuMs: (used.user + used.system) / 1000, crash };
  });
}

function describeDiagnostics(s: Sample, diagnostics: Diagnostic[]): string {
  const lines = s.result.program.lineStarts;
  return diagnostics.slice(0, 3).map(d => `${s.rel}:${lineOfOffset(lines, d.start) + 1} ${d.code} ${d.message}`).join('\n');
}

if (!fs.existsSync(SAMPLES_DIR)) {
  test.skip(`Bicep samples: ${SAMPLES_DIR} not found; set BICEP_SAMPLES_DIR or see test/bicep/README.md to create it`, () => {});
} else {
  describe('Bicep samples conformance', () => {
    const samples = load(SAMPLES_DIR);
    const by = (c: Category) => samples.filter(s => s.category === c);

    test('samples were found', (t) => {
      assert.ok(samples.length > 100, `only ${samples.length} samples under ${SAMPLES_DIR}`);
      const counts = Object.fromEntries((['valid', 'syntax-invalid', 'semantic-invalid', 'known-invalid'] as Category[]).map(c => [c, by(c).length]));
      t.diagnostic(`${samples.length} sample files: ${JSON.stringify(counts)}`);
    });

    test('every sample parses without a crash, with consistent ranges, in bounded time', (t) => {
      const crashes = samples.filter(s => s.crash).map(s => `${s.rel}: ${s.crash}`);
      assert.deepEqual(crashes, []);
      const slowest = [...samples].sort((a, b) => b.cpuMs - a.cpuMs)[0];
      t.diagnostic(`slowest: ${slowest.rel} ${slowest.cpuMs.toFixed(0)} ms CPU (${slowest.text.length} chars)`);
      const slow = samples.filter(s => s.cpuMs > 2000).map(s => `${s.rel}: ${s.cpuMs.toFixed(0)} ms`);
      assert.deepEqual(slow, []);
    });

    test('valid samples parse with zero diagnostics', (t) => {
      const valid = by('valid');
      const failing = valid.filter(s => s.result.diagnostics.length > 0);
      t.diagnostic(`valid: ${valid.length - failing.length}/${valid.length} parse clean`);
      assert.equal(failing.length, 0, failing.map(s => describeDiagnostics(s, s.result.diagnostics)).join('\n'));
    });

    test('syntactically valid samples with semantic errors parse with zero diagnostics', (t) => {
      const sem = by('semantic-invalid');
      const failing = sem.filter(s => s.result.diagnostics.length > 0);
      t.diagnostic(`semantic-invalid: ${sem.length - failing.length}/${sem.length} parse clean (their errors are beyond a parser)`);
      assert.equal(failing.length, 0, failing.map(s => describeDiagnostics(s, s.result.diagnostics)).join('\n'));
    });

    test('syntax-invalid samples report diagnostics on every line where Bicep reports a syntax error', (t) => {
      const invalid = [...by('syntax-invalid'), ...by('known-invalid')];
      const silent = invalid.filter(s => s.result.diagnostics.length === 0).map(s => s.rel);
      assert.deepEqual(silent, []);
      let expectedLines = 0;
      const missing: string[] = [];
      for (const s of by('syntax-invalid')) {
        const lines = s.result.program.lineStarts;
        const ours = new Set<number>();
        for (const d of s.result.diagnostics) {
          ours.add(lineOfOffset(lines, d.start));
          ours.add(lineOfOffset(lines, d.end)); // Bicep's baseline annotates a multi-line span after its last line
        }
        for (const line of s.syntaxLines) {
          expectedLines++;
          if (!ours.has(line)) missing.push(`${s.rel}:${line + 1}`);
        }
      }
      t.diagnostic(`invalid: ${invalid.length - silent.length}/${invalid.length} report diagnostics; `
        + `${expectedLines - missing.length}/${expectedLines} lines with a Bicep syntax error matched`);
      assert.deepEqual(missing, []);
    });
  });
}
