// Parser for ARM template language expressions ("[concat('a', parameters('b'))]").
//
// Rules (ARM template syntax):
// - A JSON string is an expression iff it starts with '[' and ends with ']' and does not start with '[['.
// - A string starting with '[[' and ending with ']' is a literal: the leading '[' is dropped ("[[x]" is "[x]").
//   Any other string is a literal as it stands (including "[[x" and "[x]y").
// - Inside: string literals in single quotes ('' escapes a quote), integers (optionally negative),
//   function calls `name(args)` and `namespace.name(args)` (user-defined functions), property access `.name`,
//   index `[expr]`, and the safe forms Bicep emits: `.?name`, `[?expr]`, `?.name`, `?[expr]`.
// - `true`, `false`, `null` are functions (`true()`), but bare identifiers are tolerated.
//
// The parser never throws and never loops without consuming input; nesting deeper than MAX_NESTING
// yields an error instead of a stack overflow. Spans are offsets into the parsed string (the whole
// template string, including its enclosing brackets).

import type { Expr, Span } from './ast';

export interface ParseError { message: string; span: Span }

export type TemplateStringParse =
  | { kind: 'literal'; value: string }
  | { kind: 'expression'; expr?: Expr; errors: ParseError[] };

/** Maximum nesting of calls / accesses / parentheses inside one expression. */
export const MAX_NESTING = 1000;

/** True when `s` is an ARM language expression (starts with '[' and ends with ']', not '[['). */
export function isTemplateExpression(s: string): boolean {
  return s.length >= 2 && s.charCodeAt(0) === 0x5b /* [ */ && s.charCodeAt(s.length - 1) === 0x5d /* ] */ && s.charCodeAt(1) !== 0x5b;
}

export function parseTemplateString(s: string): TemplateStringParse {
  if (!isTemplateExpression(s)) {
    if (s.length >= 3 && s.startsWith('[[') && s.endsWith(']')) return { kind: 'literal', value: s.slice(1) };
    return { kind: 'literal', value: s };
  }
  const p = new Parser(s, 1, s.length - 1);
  return p.parseTop();
}

/**
 * Parse a bare expression (no enclosing brackets), e.g. "concat('a', 'b')". Spans are offsets into `text`.
 * Useful for tests and for callers that already stripped the brackets.
 */
export function parseExpression(text: string): { expr?: Expr; errors: ParseError[] } {
  const p = new Parser(text, 0, text.length);
  const r = p.parseTop();
  return { expr: r.expr, errors: r.errors };
}

// ---------------------------------------------------------------------------------------------
// Tokenizer

type TokKind = 'ident' | 'string' | 'number' | '(' | ')' | '[' | ']' | ',' | '.' | '?' | 'eof' | 'bad';
interface Token { kind: TokKind; start: number; end: number; value?: string; num?: number; error?: string }

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 /* _ */ || c === 36 /* $ */;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57) || c === 45 /* - */;
}
function isDigit(c: number): boolean { return c >= 48 && c <= 57; }
function isSpace(c: number): boolean { return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0 || c === 0xfeff; }

class Lexer {
  pos: number;
  constructor(private readonly s: string, start: number, private readonly end: number) { this.pos = start; }

  next(): Token {
    const s = this.s;
    while (this.pos < this.end && isSpace(s.charCodeAt(this.pos))) this.pos++;
    const start = this.pos;
    if (start >= this.end) return { kind: 'eof', start: this.end, end: this.end };
    const c = s.charCodeAt(start);
    switch (c) {
      case 0x28: this.pos++; return { kind: '(', start, end: this.pos };
      case 0x29: this.pos++; return { kind: ')', start, end: this.pos };
      case 0x5b: this.pos++; return { kind: '[', start, end: this.pos };
      case 0x5d: this.pos++; return { kind: ']', start, end: this.pos };
      case 0x2c: this.pos++; return { kind: ',', start, end: this.pos };
      case 0x2e: this.pos++; return { kind: '.', start, end: this.pos };
      case 0x3f: this.pos++; return { kind: '?', start, end: this.pos };
      case 0x27: return this.string(start);
    }
    if (isDigit(c) || (c === 0x2d /* - */ && start + 1 < this.end && isDigit(s.charCodeAt(start + 1)))) {
      let i = start + 1;
      while (i < this.end && isDigit(s.charCodeAt(i))) i++;
      // A fractional part: ARM has no float literals, but accept "1.5" for robustness.
      if (i + 1 < this.end && s.charCodeAt(i) === 0x2e && isDigit(s.charCodeAt(i + 1))) {
        i++;
        while (i < this.end && isDigit(s.charCodeAt(i))) i++;
      }
      this.pos = i;
      return { kind: 'number', start, end: i, num: Number(s.slice(start, i)) };
    }
    if (isIdentStart(c)) {
      let i = start + 1;
      while (i < this.end && isIdentPart(s.charCodeAt(i))) i++;
      this.pos = i;
      return { kind: 'ident', start, end: i, value: s.slice(start, i) };
    }
    // Unknown character: consume it so the parser always makes progress.
    const cp = s.codePointAt(start) ?? c;
    this.pos = start + (cp > 0xffff ? 2 : 1);
    return { kind: 'bad', start, end: this.pos, value: String.fromCodePoint(cp) };
  }

  private string(start: number): Token {
    const s = this.s;
    let i = start + 1;
    let out = '';
    let segStart = i;
    while (i < this.end) {
      if (s.charCodeAt(i) === 0x27) {
        if (i + 1 < this.end && s.charCodeAt(i + 1) === 0x27) {
          out += s.slice(segStart, i + 1);
          i += 2;
          segStart = i;
          continue;
        }
        out += s.slice(segStart, i);
        this.pos = i + 1;
        return { kind: 'string', start, end: this.pos, value: out };
      }
      i++;
    }
    out += s.slice(segStart, this.end);
    this.pos = this.end;
    return { kind: 'string', start, end: this.end, value: out, error: 'Unterminated string literal' };
  }
}

// ---------------------------------------------------------------------------------------------
// Parser

class Parser {
  private readonly lexer: Lexer;
  private tok: Token;
  private readonly errors: ParseError[] = [];
  private depth = 0;
  private tooDeep = false;

  constructor(private readonly s: string, private readonly start: number, private readonly end: number) {
    this.lexer = new Lexer(s, start, end);
    this.tok = this.lexer.next();
  }

  parseTop(): { kind: 'expression'; expr?: Expr; errors: ParseError[] } {
    if (this.peek().kind === 'eof') {
      this.error('Expected an expression', this.endSpan());
      return { kind: 'expression', errors: this.errors };
    }
    const expr = this.parseExpr();
    if (!this.tooDeep && this.peek().kind !== 'eof') {
      // Report the first unexpected token; skip the rest (bounded by input length).
      this.error(`Unexpected ${describe(this.tok)} after the end of the expression`, span(this.tok));
    }
    return { kind: 'expression', expr: this.tooDeep ? undefined : expr, errors: this.errors };
  }

  /** The current token (a method, so that TypeScript does not narrow it across advance()). */
  private peek(): Token {
    return this.tok;
  }

  private advance(): Token {
    const t = this.tok;
    this.tok = this.lexer.next();
    return t;
  }

  private error(message: string, sp: Span): void {
    // Avoid piling up errors at the same place.
    const last = this.errors[this.errors.length - 1];
    if (last && last.span.start === sp.start && last.message === message) return;
    if (this.errors.length < 50) this.errors.push({ message, span: sp });
  }

  /** Span used for "unexpected end of expression": the closing ']' when there is one. */
  private endSpan(): Span {
    return this.end < this.s.length ? { start: this.end, end: this.end + 1 } : { start: this.end, end: this.end };
  }

  private parseExpr(): Expr | undefined {
    if (this.depth >= MAX_NESTING) {
      if (!this.tooDeep) this.error(`Expression is nested too deeply (more than ${MAX_NESTING} levels)`, span(this.tok));
      this.tooDeep = true;
      // Skip to the end so that the parse terminates quickly.
      while (this.peek().kind !== 'eof') this.advance();
      return undefined;
    }
    this.depth++;
    try {
      let expr = this.parsePrimary();
      if (!expr) return undefined;
      // Postfix: .name  .?name  ?.name  [expr]  [?expr]  ?[expr]
      for (;;) {
        if (this.tooDeep) return expr;
        const t = this.tok;
        if (t.kind === '.') {
          this.advance();
          let safe = false;
          if (this.peek().kind === '?') { safe = true; this.advance(); }
          expr = this.parseMember(expr, safe, t);
          if (!expr) return undefined;
        } else if (t.kind === '?') {
          this.advance();
          const n = this.tok;
          if (n.kind === '.') {
            this.advance();
            expr = this.parseMember(expr, true, t);
            if (!expr) return undefined;
          } else if (n.kind === '[') {
            expr = this.parseIndex(expr, true);
            if (!expr) return undefined;
          } else {
            this.error("Expected '.' or '[' after '?'", span(n.kind === 'eof' ? t : n));
            return expr;
          }
        } else if (t.kind === '[') {
          expr = this.parseIndex(expr, false);
          if (!expr) return undefined;
        } else {
          return expr;
        }
      }
    } finally {
      this.depth--;
    }
  }

  private parseMember(target: Expr, safe: boolean, dot: Token): Expr | undefined {
    const n = this.tok;
    if (n.kind !== 'ident') {
      this.error('Expected a property name', n.kind === 'eof' ? { start: dot.start, end: dot.end } : span(n));
      return target;
    }
    this.advance();
    return {
      kind: 'property', target, name: n.value!, safe,
      span: { start: target.span.start, end: n.end }, nameSpan: { start: n.start, end: n.end },
    };
  }

  /** Current token is '['. Handles `[expr]` and `[?expr]`. `safe` is true for `?[`. */
  private parseIndex(target: Expr, safe: boolean): Expr | undefined {
    const open = this.advance(); // '['
    if (this.peek().kind === '?') { safe = true; this.advance(); }
    if (this.peek().kind === ']' || this.peek().kind === 'eof') {
      this.error('Expected an index expression', this.peek().kind === 'eof' ? { start: open.start, end: open.end } : span(this.tok));
      if (this.peek().kind === ']') this.advance();
      return target;
    }
    const index = this.parseExpr();
    if (!index) return undefined;
    let endPos = index.span.end;
    if (this.peek().kind === ']') {
      endPos = this.advance().end;
    } else if (!this.tooDeep) {
      this.error("Expected ']'", this.peek().kind === 'eof' ? this.endSpan() : span(this.tok));
    }
    return { kind: 'index', target, index, safe, span: { start: target.span.start, end: endPos } };
  }

  private parsePrimary(): Expr | undefined {
    const t = this.tok;
    switch (t.kind) {
      case 'string':
        this.advance();
        if (t.error) this.error(t.error, { start: t.start, end: t.end });
        return { kind: 'string', value: t.value!, span: span(t) };
      case 'number':
        this.advance();
        return { kind: 'number', value: t.num!, span: span(t) };
      case 'ident':
        return this.parseCallOrIdent();
      case '(': {
        // Parenthesised expression: not ARM syntax, but harmless to accept.
        this.advance();
        const inner = this.parseExpr();
        if (!inner) return undefined;
        if (this.peek().kind === ')') this.advance();
        else this.error("Expected ')'", this.peek().kind === 'eof' ? this.endSpan() : span(this.tok));
        return inner;
      }
      case 'eof':
        this.error('Unexpected end of expression', this.endSpan());
        return undefined;
      case 'bad':
        this.advance();
        this.error(`Unexpected character '${t.value}'`, span(t));
        return undefined;
      default:
        this.advance();
        this.error(`Unexpected ${describe(t)}`, span(t));
        return undefined;
    }
  }

  private parseCallOrIdent(): Expr | undefined {
    const first = this.advance();
    let name = first.value!;
    let namespace: string | undefined;
    let nameSpan: Span = span(first);
    // `ns.name(`: a user-defined function call.
    if (this.peek().kind === '.') {
      // Look ahead without consuming: ident followed by '('.
      const savePos = this.lexer.pos;
      const saveTok = this.tok;
      this.advance();
      const second = this.tok;
      if (second.kind === 'ident') {
        this.advance();
        if (this.peek().kind === '(') {
          namespace = name;
          name = second.value!;
          nameSpan = { start: first.start, end: second.end };
        } else {
          // Not a call: restore.
          this.lexer.pos = savePos;
          this.tok = saveTok;
        }
      } else {
        this.lexer.pos = savePos;
        this.tok = saveTok;
      }
    }
    if (this.peek().kind !== '(') {
      const lower = name.toLowerCase();
      if (namespace === undefined) {
        if (lower === 'true' || lower === 'false') return { kind: 'boolean', value: lower === 'true', span: nameSpan };
        if (lower === 'null') return { kind: 'null', span: nameSpan };
      }
      this.error(`Expected '(' after function name '${name}'`, this.peek().kind === 'eof' ? nameSpan : span(this.tok));
      return { kind: 'call', name, namespace, args: [], span: nameSpan, nameSpan };
    }
    this.advance(); // '('
    const args: Expr[] = [];
    let endPos = -1;
    let needComma = false;
    let afterComma = false;
    // Every iteration consumes at least one token, so the loop is bounded by the input length.
    for (;;) {
      if (this.tooDeep) return undefined;
      const t = this.peek();
      if (t.kind === ')') {
        if (afterComma) this.error('Expected an argument', span(t));
        endPos = this.advance().end;
        break;
      }
      if (t.kind === 'eof') {
        this.error(`Expected ')' to close the call to '${name}'`, this.endSpan());
        endPos = args.length ? args[args.length - 1].span.end : nameSpan.end;
        break;
      }
      if (needComma) {
        if (t.kind === ',') {
          this.advance();
          needComma = false;
          afterComma = true;
          continue;
        }
        this.error("Expected ',' or ')'", span(t));
        // Recovery: drop tokens that cannot start an argument, else parse the next argument.
        if (t.kind !== 'ident' && t.kind !== 'string' && t.kind !== 'number' && t.kind !== '(') { this.advance(); continue; }
      } else if (t.kind === ',') {
        this.error('Expected an argument', span(t));
        this.advance();
        afterComma = true;
        continue;
      }
      const before = t.start;
      const arg = this.parseExpr();
      if (this.tooDeep) return undefined;
      if (arg) args.push(arg);
      else if (this.peek().start === before && this.peek().kind !== 'eof') this.advance(); // guarantee progress
      needComma = true;
      afterComma = false;
    }
    return { kind: 'call', name, namespace, args, span: { start: first.start, end: endPos }, nameSpan };
  }
}

function span(t: Token): Span { return { start: t.start, end: t.end }; }

function describe(t: Token): string {
  switch (t.kind) {
    case 'ident': return `identifier '${t.value}'`;
    case 'string': return 'string literal';
    case 'number': return `number ${t.num}`;
    case 'eof': return 'end of expression';
    case 'bad': return `character '${t.value}'`;
    default: return `'${t.kind}'`;
  }
}

// ---------------------------------------------------------------------------------------------
// JSON string offsets

/**
 * Map an offset in the decoded value of a JSON string to an offset in its raw source token.
 * `rawJsonString` is the token as written in the file, including its quotes, e.g. `"[concat('a\"b')]"`.
 * Offset 0 maps to the character after the opening quote; an offset equal to the decoded length maps to
 * the closing quote. Escapes (`\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`, `\uXXXX`) count as one
 * decoded character. Out-of-range offsets are clamped.
 */
export function mapDecodedOffset(rawJsonString: string, decodedOffset: number): number {
  const raw = rawJsonString;
  let i = raw.length > 0 && (raw[0] === '"' || raw[0] === "'") ? 1 : 0;
  const quote = i === 1 ? raw[0] : '';
  let end = raw.length;
  if (quote && end >= 2 && raw[end - 1] === quote) end--;
  if (!(decodedOffset > 0)) return Math.min(i, raw.length);
  let decoded = 0;
  while (i < end && decoded < decodedOffset) {
    if (raw.charCodeAt(i) === 0x5c /* \ */ && i + 1 < end) {
      if (raw[i + 1] === 'u') {
        let j = i + 2;
        while (j < end && j < i + 6 && /[0-9a-fA-F]/.test(raw[j])) j++;
        i = j;
      } else {
        i += 2;
      }
    } else {
      i++;
    }
    decoded++;
  }
  return i;
}
