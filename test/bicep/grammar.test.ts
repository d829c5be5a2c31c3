// The TextMate grammar syntaxes/bicep.tmLanguage.json: structure, regexes, and tokenization of
// representative lines with a small TextMate interpreter (match/begin/end/captures/include,
// rule stack across lines; JavaScript regexes, which the grammar restricts itself to).

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';

interface Captures { [group: string]: { name: string } }
interface Rule {
  include?: string;
  match?: string;
  begin?: string;
  end?: string;
  name?: string;
  contentName?: string;
  captures?: Captures;
  beginCaptures?: Captures;
  endCaptures?: Captures;
  patterns?: Rule[];
  comment?: string;
}
interface Grammar { scopeName: string; name: string; fileTypes: string[]; patterns: Rule[]; repository: Record<string, Rule> }

const GRAMMAR_PATH = path.resolve(__dirname, '../../../syntaxes/bicep.tmLanguage.json');
const grammar = JSON.parse(fs.readFileSync(GRAMMAR_PATH, 'utf8')) as Grammar;

interface Token { text: string; scopes: string[] }

const regexCache = new Map<string, RegExp>();
function re(source: string): RegExp {
  let r = regexCache.get(source);
  if (!r) {
    r = new RegExp(source, 'gd');
    regexCache.set(source, r);
  }
  return r;
}

function expand(patterns: Rule[] | undefined, seen = new Set<string>()): Rule[] {
  const out: Rule[] = [];
  for (const p of patterns ?? []) {
    if (p.include) {
      const key = p.include.startsWith('#') ? p.include.slice(1) : p.include === '$self' ? '$self' : '';
      if (seen.has(key)) continue;
      const target = key === '$self' ? { patterns: grammar.patterns } : grammar.repository[key];
      assert.ok(target, `unknown include ${p.include}`);
      out.push(...expand(target.patterns && !target.match && !target.begin ? target.patterns : [target], new Set([...seen, key])));
    } else if (!p.match && !p.begin && p.patterns) {
      out.push(...expand(p.patterns, seen));
    } else {
      out.push(p);
    }
  }
  return out;
}

interface Frame { rule: Rule; end: string }

/** Tokenizes lines; each token carries the full scope stack. */
function tokenize(lines: string[]): Token[][] {
  const stack: Frame[] = [];
  const result: Token[][] = [];
  for (const line of lines) {
    const tokens: Token[] = [];
    const scopes = () => [grammar.scopeName, ...stack.flatMap(f => [f.rule.name, f.rule.contentName].filter((s): s is string => !!s))];
    const emit = (text: string, extra: string[]) => {
      if (text) tokens.push({ text, scopes: [...scopes(), ...extra] });
    };
    const emitCaptures = (m: RegExpExecArray, base: string[], caps: Captures | undefined) => {
      // whole match with base scopes; capture groups refine (non-nested groups only, as in this grammar)
      const start = m.index;
      let pos = start;
      const groups: { s: number; e: number; name: string }[] = [];
      for (const [g, c] of Object.entries(caps ?? {})) {
        const idx = m.indices?.[Number(g)];
        if (g !== '0' && idx && idx[1] > idx[0]) groups.push({ s: idx[0], e: idx[1], name: c.name });
      }
      const whole = caps?.['0'] ? [...base, caps['0'].name] : base;
      groups.sort((a, b) => a.s - b.s);
      for (const g of groups) {
        emit(m[0].slice(pos - start, g.s - start), whole);
        emit(m[0].slice(g.s - start, g.e - start), [...whole, g.name]);
        pos = g.e;
      }
      emit(m[0].slice(pos - start), whole);
    };
    let pos = 0;
    let guard = 0;
    while (pos <= line.length && guard++ < 10_000) {
      const top = stack[stack.length - 1];
      const candidates = expand(top ? top.rule.patterns : grammar.patterns);
      let best: { m: RegExpExecArray; rule?: Rule; isEnd: boolean } | undefined;
      if (top) {
        const r = re(top.end);
        r.lastIndex = pos;
        const m = r.exec(line);
        if (m) best = { m, isEnd: true };
      }
      for (const rule of candidates) {
        const r = re((rule.match ?? rule.begin)!);
        r.lastIndex = pos;
        const m = r.exec(line);
        if (m && (!best || m.index < best.m.index)) best = { m, rule, isEnd: false };
      }
      if (!best) {
        emit(line.slice(pos), []);
        break;
      }
      const { m } = best;
      emit(line.slice(pos, m.index), []);
      if (best.isEnd) {
        emitCaptures(m, [], top!.rule.endCaptures);
        stack.pop();
        pos = m.index + m[0].length;
        continue;
      }
      const rule = best.rule!;
      if (rule.match) {
        emitCaptures(m, rule.name ? [rule.name] : [], rule.captures);
        pos = m.index + m[0].length + (m[0].length === 0 ? 1 : 0);
      } else {
        emitCaptures(m, rule.name ? [rule.name] : [], rule.beginCaptures ?? rule.captures);
        stack.push({ rule, end: rule.end! });
        pos = m.index + m[0].length;
      }
      if (pos >= line.length && !stack.length) break;
    }
    result.push(tokens);
  }
  return result;
}

/** The innermost scope of the token whose text is `text` on line `line`. */
function scopesOf(tokens: Token[][], line: number, text: string, n = 0): string[] {
  const matches = tokens[line].filter(t => t.text === text);
  assert.ok(matches[n], `no token '${text}' on line ${line}: ${JSON.stringify(tokens[line].map(t => t.text))}`);
  return matches[n].scopes;
}

function has(tokens: Token[][], line: number, text: string, scope: string, n = 0): void {
  const s = scopesOf(tokens, line, text, n);
  assert.ok(s.includes(scope), `'${text}' on line ${line} has ${JSON.stringify(s)}, expected ${scope}`);
}

function hasNot(tokens: Token[][], line: number, text: string, scope: string, n = 0): void {
  const s = scopesOf(tokens, line, text, n);
  assert.ok(!s.some(x => x.startsWith(scope)), `'${text}' on line ${line} has ${JSON.stringify(s)}, expected no ${scope}`);
}

describe('TextMate grammar', () => {
  test('metadata: distinct scope name, file types', () => {
    assert.equal(grammar.scopeName, 'source.bicep.egressguard');
    assert.notEqual(grammar.scopeName, 'source.bicep');
    assert.deepEqual(grammar.fileTypes, ['bicep', 'bicepparam']);
  });

  test('every regex compiles; every include resolves; every scope ends in .bicep', () => {
    const visit = (rule: Rule) => {
      for (const src of [rule.match, rule.begin, rule.end]) if (src !== undefined) assert.doesNotThrow(() => new RegExp(src), src);
      if (rule.include) {
        assert.ok(rule.include === '$self' || grammar.repository[rule.include.slice(1)], rule.include);
      }
      for (const caps of [rule.captures, rule.beginCaptures, rule.endCaptures]) {
        for (const c of Object.values(caps ?? {})) assert.match(c.name, /\.bicep$/);
      }
      if (rule.name) assert.match(rule.name, /\.bicep$/);
      rule.patterns?.forEach(visit);
    };
    grammar.patterns.forEach(visit);
    Object.values(grammar.repository).forEach(visit);
  });

  test('comments', () => {
    const t = tokenize(['// a comment', '/* block */ var x = 1', '/* multi', 'line */']);
    has(t, 0, ' a comment', 'comment.line.double-slash.bicep');
    has(t, 1, ' block ', 'comment.block.bicep');
    has(t, 1, 'var', 'keyword.control.declaration.bicep');
    has(t, 2, ' multi', 'comment.block.bicep');
    has(t, 3, 'line ', 'comment.block.bicep');
  });

  test('directives', () => {
    const t = tokenize(['#disable-next-line no-unused-vars BCP037 // why', '  #disable-diagnostics rule-a', 'var x = 1 #disable-next-line x']);
    has(t, 0, 'disable-next-line', 'keyword.control.directive.bicep');
    has(t, 0, 'no-unused-vars', 'constant.other.diagnostic-code.bicep');
    has(t, 0, 'BCP037', 'constant.other.diagnostic-code.bicep');
    has(t, 0, ' why', 'comment.line.double-slash.bicep');
    has(t, 1, 'rule-a', 'constant.other.diagnostic-code.bicep');
    hasNot(t, 2, 'disable', 'keyword.control.directive');
  });

  test('strings: escapes, interpolation, nested braces in holes', () => {
    const t = tokenize(["var s = 'a\\'b\\n${name}\\${lit}\\q'", "var o = '${ {a: 1}.a }-${x ? 'y' : 'z'}'"]);
    has(t, 0, "\\'", 'constant.character.escape.bicep');
    has(t, 0, '\\n', 'constant.character.escape.bicep');
    has(t, 0, '${', 'punctuation.definition.template-expression.begin.bicep');
    has(t, 0, 'name', 'meta.embedded.interpolation.bicep');
    assert.equal(scopesOf(t, 0, 'name').at(-1), 'variable.other.readwrite.bicep');
    has(t, 0, '\\$', 'constant.character.escape.bicep');
    has(t, 0, '\\q', 'invalid.illegal.escape.bicep');
    has(t, 1, 'a', 'variable.other.property.bicep');
    has(t, 1, '-', 'string.quoted.single.bicep');
    has(t, 1, 'y', 'string.quoted.single.bicep');
  });

  test('multi-line strings: no escapes or holes, interpolated forms', () => {
    const t = tokenize(["var m = '''", "text ${not} \\n", "'''", "var i = $'''", 'x ${y}', "'''", "var j = $$'''${lit} $${z}'''"]);
    has(t, 1, "text ${not} \\n", 'string.quoted.multi.bicep');
    has(t, 2, "'''", 'punctuation.definition.string.end.bicep');
    has(t, 3, 'var', 'keyword.control.declaration.bicep');
    has(t, 4, 'y', 'meta.embedded.interpolation.bicep');
    has(t, 6, '${lit} ', 'string.quoted.multi.interpolated.bicep');
    has(t, 6, 'z', 'meta.embedded.interpolation.bicep');
  });

  test('keywords, decorators, numbers, constants, properties, functions', () => {
    const t = tokenize([
      "@sys.description('x')",
      'param n int = 42',
      "resource r 'A/b@1' existing = {",
      '  name: toLower(p)',
      '  enabled: true',
      '  other: null',
      '  type: 1',
      '}',
      "module m 'x.bicep' = if (a) {",
      '}',
      'var f = [for x in xs: x => x]',
    ]);
    has(t, 0, '@', 'punctuation.definition.decorator.bicep');
    has(t, 0, 'sys', 'entity.name.namespace.bicep');
    has(t, 0, 'description', 'entity.name.function.decorator.bicep');
    has(t, 1, 'param', 'keyword.control.declaration.bicep');
    has(t, 1, '42', 'constant.numeric.integer.bicep');
    has(t, 2, 'existing', 'keyword.control.bicep');
    has(t, 2, 'A/b@1', 'string.quoted.single.bicep');
    has(t, 3, 'name', 'variable.other.property.bicep');
    has(t, 3, 'toLower', 'entity.name.function.bicep');
    has(t, 4, 'true', 'constant.language.boolean.bicep');
    has(t, 5, 'null', 'constant.language.null.bicep');
    has(t, 6, 'type', 'variable.other.property.bicep');
    hasNot(t, 6, 'type', 'keyword');
    has(t, 8, 'if', 'keyword.control.bicep');
    has(t, 10, 'for', 'keyword.control.bicep');
    has(t, 10, '=>', 'storage.type.function.arrow.bicep');
  });

  test('nested resources are declarations inside bodies', () => {
    const t = tokenize(["resource a 'A/b@1' = {", "  resource child 'c' = {", '  }', '}']);
    has(t, 1, 'resource', 'keyword.control.declaration.bicep');
    has(t, 1, 'resource', 'meta.object.bicep');
  });
});
