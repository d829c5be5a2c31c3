// Bicep lexer: turns text into tokens, collecting comments and diagnostic directives as trivia.
//
// Follows the lexical rules of Bicep's own lexer: newlines are tokens (the grammar is
// newline-sensitive), whitespace is only ' ' and '\t', identifiers are ASCII, numbers are
// integers, strings are single-quoted with `${…}` holes, `'''…'''` strings have no escapes and
// `$'''…${…}…'''` strings (with one `$` per required `$` before `{`) interpolate.
// Linear time, no regular expressions on the hot path, never throws.

import { keepShapes } from '../shapes';
import type { Comment, Diagnostic, Directive, DirectiveKind } from './ast';

export enum TokenType {
  EndOfFile,
  NewLine,
  Identifier,
  Integer,
  TrueKeyword,
  FalseKeyword,
  NullKeyword,
  /** `'abc'` or `'''abc'''` */
  StringComplete,
  /** `'abc${` */
  StringLeftPiece,
  /** `}abc${` */
  StringMiddlePiece,
  /** `}abc'` */
  StringRightPiece,
  LeftBrace,
  RightBrace,
  LeftParen,
  RightParen,
  LeftSquare,
  RightSquare,
  At,
  Comma,
  Dot,
  Ellipsis,
  Question,
  DoubleQuestion,
  Colon,
  DoubleColon,
  Semicolon,
  Plus,
  Minus,
  Modulo,
  Asterisk,
  Slash,
  Hat,
  Exclamation,
  NotEquals,
  NotEqualsInsensitive,
  Equals,
  EqualsInsensitive,
  Assignment,
  Arrow,
  LeftChevron,
  LessThanOrEqual,
  RightChevron,
  GreaterThanOrEqual,
  LogicalAnd,
  LogicalOr,
  Pipe,
  Unrecognized,
  /**
   * `{ … }` of a resource body the lexer skipped whole (only with `LexOptions.skipIrrelevantResources`):
   * from the `{` to its matching `}`, both included.
   */
  SkippedBody,
}

/** One token, as returned by `tokenAt` (the lexer itself stores tokens column-wise). */
export interface Token {
  type: TokenType;
  start: number;
  end: number;
  /**
   * String tokens: 0 for a single-line string piece, otherwise 1 + the number of `$` that open
   * an interpolation hole of a multi-line string (so `'''…'''` is 1, `$'''…${x}…'''` is 2).
   */
  multiline: number;
  /** String tokens: true when the piece is not properly terminated (the lexer reported why). */
  unterminated: boolean;
}

/**
 * Tokens stored column-wise (no object per token: a 5 MB file has millions of them).
 * The last token is always EndOfFile.
 */
export interface TokenStream {
  count: number;
  types: Uint8Array;
  starts: Int32Array;
  ends: Int32Array;
  /** String tokens: bits 0-29 hold `Token.multiline`, bit 30 `Token.unterminated`. */
  info: Int32Array;
}

export const UNTERMINATED_BIT = 1 << 30;
export const MULTILINE_MASK = UNTERMINATED_BIT - 1;

export function tokenAt(stream: TokenStream, i: number): Token {
  const info = stream.info[i];
  return {
    type: stream.types[i] as TokenType, start: stream.starts[i], end: stream.ends[i],
    multiline: info & MULTILINE_MASK, unterminated: (info & UNTERMINATED_BIT) !== 0,
  };
}

export interface LexResult {
  tokens: TokenStream;
  comments: Comment[];
  directives: Directive[];
  diagnostics: Diagnostic[];
  lineStarts: number[];
}

export const MAX_IDENTIFIER_LENGTH = 255;
/** Lexical diagnostics kept at most (binary garbage would otherwise yield millions). */
export const MAX_LEX_DIAGNOSTICS = 500;

const DIRECTIVES: readonly DirectiveKind[] = ['disable-next-line', 'disable-diagnostics', 'restore-diagnostics'];

const CH_TAB = 9, CH_LF = 10, CH_CR = 13, CH_SPACE = 32;
const CH_QUOTE = 39, CH_DOLLAR = 36, CH_BACKSLASH = 92, CH_LBRACE = 123, CH_RBRACE = 125;

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** Characters that can begin some token or trivia; anything else is "unrecognized". */
function startsToken(c: number): boolean {
  if (isIdentPart(c)) return true;
  switch (c) {
    case CH_TAB: case CH_LF: case CH_CR: case CH_SPACE:
    case 39 /* ' */: case 123: case 125: case 40: case 41: case 91: case 93: case 64 /* @ */:
    case 44: case 46: case 63: case 58: case 59: case 43: case 45: case 37: case 42: case 47:
    case 94 /* ^ */: case 33 /* ! */: case 60: case 62: case 61: case 38 /* & */: case 124 /* | */:
    case 36 /* $ */: case 35 /* # */: case 34 /* " */:
      return true;
  }
  return false;
}

export function computeLineStarts(text: string): number[] {
  const starts = [0];
  if (text.indexOf('\r') < 0) {
    // Common case: native search is much faster than a character loop.
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    return starts;
  }
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === CH_CR) {
      if (i + 1 < n && text.charCodeAt(i + 1) === CH_LF) i++;
      starts.push(i + 1);
    } else if (c === CH_LF) {
      starts.push(i + 1);
    }
  }
  return starts;
}

/** Gives `target` a `lineStarts` property that `compute` fills on first read: most parses (the linter's) never need it. */
export function withLineStarts<T extends object>(target: T, compute: () => number[]): T & { lineStarts: number[] } {
  const define = (object: object, value: number[]) =>
    Object.defineProperty(object, 'lineStarts', { value, writable: true, enumerable: true, configurable: true });
  return Object.defineProperty(target, 'lineStarts', {
    enumerable: true, configurable: true,
    get(this: object) { const value = compute(); define(this, value); return value; },
    set(this: object, value: number[]) { define(this, value); },
  }) as T & { lineStarts: number[] };
}

/** 0-based line containing `offset`. */
export function lineOfOffset(lineStarts: readonly number[], offset: number): number {
  let lo = 0, hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= offset) lo = mid; else hi = mid - 1;
  }
  return lo;
}

/**
 * An entry of the lexer's template stack: `BRACE_ENTRY` for a `{` of an object inside a hole,
 * otherwise a string hole: 0 single-line, else 1 + interpolation `$` count.
 */
type TemplateEntry = number;
const BRACE_ENTRY = -1;

export interface LexOptions {
  /**
   * Skip the body of a resource (`resource x 'Type@v' [existing] = { … }`) whose type does not start
   * with `Microsoft.CognitiveServices` and whose body text does not mention `cognitiveservices`
   * (case-insensitive): it becomes one `SkippedBody` token. Bodies that use Bicep syntax the fast
   * brace matcher does not follow (`$'''` strings, directives, line breaks in string holes,
   * unterminated strings or comments) are lexed as usual. Errors inside skipped bodies are not
   * reported and their comments are not collected.
   */
  skipIrrelevantResources?: boolean;
  /**
   * Lower-case types (without `@version`) a rule reads: their bodies are not skipped but deferred (a
   * `SkippedBody` token with `info` LAZY_BODY, parsed when read) where the fast brace matcher follows them
   * and they declare no nested resource; otherwise lexed as usual.
   */
  readTypes?: ReadonlySet<string>;
}

/** `info` of a `SkippedBody` token whose body a rule reads: the parser defers it rather than dropping it. */
export const LAZY_BODY = 1;

export function lex(text: string, options: LexOptions = {}): LexResult {
  return new Lexer(text, options.skipIrrelevantResources === true, options.readTypes).run();
}

/** Tokens of `text` from `start` to `end` (the EndOfFile token at `end`), lexed in full: a deferred body, or part of it. */
export function lexRange(text: string, start: number, end: number): TokenStream {
  const lexer = new Lexer(text, false, undefined, start, end, scratch);
  const tokens = lexer.scan();
  scratch = tokens;
  return tokens;
}

/**
 * The arrays `lexRange` fills, reused: its tokens are read by one parse of a few members and dropped before the
 * next call (nothing a parse builds refers to them).
 */
let scratch: TokenStream | undefined;

/**
 * The offsets of the members of a deferred body (`{` at `open`, its `}` just before `close`), when each is
 * `identifier: …` (not `true`, `false` or `null`); undefined when one is anything else (a spread, a quoted key,
 * something broken). The body is one the lexer deferred: it matched its braces with `matchBody`.
 */
export function bodyMemberStarts(text: string, open: number, close: number): number[] | undefined {
  const out: number[] = [];
  const end = close - 1;
  /** Open brackets of any kind in the current code context (the member, or the innermost string hole). */
  let depth = 0;
  const holes: number[] = [];
  let inString = false;
  let atMember = true;
  let i = open + 1;
  while (i < end) {
    const c = text.charCodeAt(i);
    // Most characters mean nothing here: letters, digits and punctuation but brackets, a backslash, quotes, commas and slashes.
    if (!atMember && ((c >= 48 && c <= 122 && c !== 91 && c !== 92 && c !== 93 && c !== CH_LBRACE && c !== CH_RBRACE) || c === CH_SPACE)) { i++; continue; }
    if (inString) {
      i++;
      if (c === CH_QUOTE) inString = false;
      else if (c === CH_BACKSLASH) i++;
      else if (c === CH_DOLLAR && text.charCodeAt(i) === CH_LBRACE) { i++; holes.push(depth); depth = 0; inString = false; }
      continue;
    }
    if (c === 47 /* / */ && text.charCodeAt(i + 1) === 47) {
      while (i < end && text.charCodeAt(i) !== CH_LF && text.charCodeAt(i) !== CH_CR) i++;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      i = text.indexOf('*/', i + 2) + 2;
      if (i < 2) return undefined;
      continue;
    }
    if (atMember) {
      if (c === CH_SPACE || c === CH_TAB || c === CH_LF || c === CH_CR) { i++; continue; }
      if (!isIdentStart(c)) return undefined;
      let j = i + 1;
      while (j < end && isIdentPart(text.charCodeAt(j))) j++;
      const len = j - i;
      if ((len === 4 && (text.startsWith('true', i) || text.startsWith('null', i))) || (len === 5 && text.startsWith('false', i))) return undefined;
      while (j < end && (text.charCodeAt(j) === CH_SPACE || text.charCodeAt(j) === CH_TAB)) j++;
      if (text.charCodeAt(j) !== 58 /* : */) return undefined;
      out.push(i);
      atMember = false;
      i = j + 1;
      continue;
    }
    i++;
    switch (c) {
      case CH_LBRACE: case 91: case 40:
        depth++;
        break;
      case CH_RBRACE:
        if (depth === 0 && holes.length > 0) { depth = holes.pop()!; inString = true; break; }
        if (--depth < 0) return undefined;
        break;
      case 93: case 41:
        if (--depth < 0) return undefined;
        break;
      case CH_QUOTE:
        if (text.charCodeAt(i) === CH_QUOTE && text.charCodeAt(i + 1) === CH_QUOTE) {
          i = text.indexOf("'''", i + 2) + 3;
          if (i < 3) return undefined;
          while (i < end && text.charCodeAt(i) === CH_QUOTE) i++;
        } else {
          inString = true;
        }
        break;
      case CH_LF: case CH_CR: case 44 /* , */:
        if (depth === 0 && holes.length === 0) atMember = true;
        break;
    }
  }
  return inString || depth !== 0 || holes.length > 0 ? undefined : out;
}

const AI_TYPE_PREFIX = 'microsoft.cognitiveservices';

class Lexer {
  private pos = 0;
  private readonly n: number;
  private count = 0;
  private types: Uint8Array;
  private starts: Int32Array;
  private ends: Int32Array;
  private info: Int32Array;
  private readonly comments: Comment[] = [];
  private readonly directives: Directive[] = [];
  private readonly diagnostics: Diagnostic[] = [];
  private readonly templateStack: TemplateEntry[] = [];
  /** Computed when a directive needs a line number; otherwise on first read of the result's `lineStarts`. */
  private lineStarts: number[] | undefined;
  private diagnosticsDropped = 0;

  /** Offsets of `cognitiveservices` (any case) in the text, computed when first needed, and a cursor into them. */
  private aiMentions: number[] | undefined;
  private aiMentionCursor = 0;
  /** `matchBody`'s stack, reused. */
  private readonly holeDepths: number[] = [];

  constructor(private readonly text: string, private readonly skipResources = false, private readonly readTypes?: ReadonlySet<string>, from = 0, to = text.length, reuse?: TokenStream) {
    this.n = to;
    this.pos = from;
    if (reuse) {
      ({ types: this.types, starts: this.starts, ends: this.ends, info: this.info } = reuse);
      return;
    }
    const capacity = ((to - from) >> 2) + 64;
    this.types = new Uint8Array(capacity);
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
    this.info = new Int32Array(capacity);
  }

  private push(type: TokenType, start: number, end: number, info: number): void {
    if (this.count === this.types.length) {
      const cap = this.count * 2;
      const types = new Uint8Array(cap); types.set(this.types); this.types = types;
      const starts = new Int32Array(cap); starts.set(this.starts); this.starts = starts;
      const ends = new Int32Array(cap); ends.set(this.ends); this.ends = ends;
      const info = new Int32Array(cap); info.set(this.info); this.info = info;
    }
    const i = this.count++;
    this.types[i] = type;
    this.starts[i] = start;
    this.ends[i] = end;
    this.info[i] = info;
  }

  run(): LexResult {
    // A byte order mark is not part of the program.
    if (this.pos === 0 && this.n > 0 && this.text.charCodeAt(0) === 0xfeff) this.pos = 1;
    const tokens = this.scan();
    if (this.diagnosticsDropped > 0) {
      this.diagnostics.push({
        message: `${this.diagnosticsDropped} further lexical error(s) not reported.`,
        start: this.n, end: this.n, code: 'EGB003', severity: 'error',
      });
    }
    const result = { tokens, comments: this.comments, directives: this.directives, diagnostics: this.diagnostics };
    const known = this.lineStarts, text = this.text;
    return withLineStarts(result, () => known ?? computeLineStarts(text));
  }

  /** The tokens up to EndOfFile. */
  scan(): TokenStream {
    for (;;) {
      this.scanTrivia();
      const start = this.pos;
      this.tokenStart = start;
      const type = this.scanToken();
      this.push(type, start, this.pos, this.lastStringMultiline | (this.lastStringUnterminated ? UNTERMINATED_BIT : 0));
      this.lastStringMultiline = 0;
      this.lastStringUnterminated = false;
      if (type === TokenType.EndOfFile) break;
    }
    return { count: this.count, types: this.types, starts: this.starts, ends: this.ends, info: this.info };
  }

  private lastStringMultiline = 0;
  private lastStringUnterminated = false;
  private tokenStart = 0;

  private error(start: number, end: number, code: string, message: string): void {
    if (this.diagnostics.length >= MAX_LEX_DIAGNOSTICS) { this.diagnosticsDropped++; return; }
    this.diagnostics.push({ message, start, end, code, severity: 'error' });
  }

  // --- trivia -------------------------------------------------------------------------------

  private scanTrivia(): void {
    const text = this.text;
    for (;;) {
      if (this.pos >= this.n) return;
      const c = text.charCodeAt(this.pos);
      if (c === CH_SPACE || c === CH_TAB) {
        this.pos++;
        continue;
      }
      if (c === 47 /* / */ && this.pos + 1 < this.n) {
        const d = text.charCodeAt(this.pos + 1);
        if (d === 47) { this.scanLineComment(); continue; }
        if (d === 42) { this.scanBlockComment(); continue; }
        return;
      }
      if (c === 35 /* # */ && this.templateStack.length === 0 && this.atLineStart(this.pos) && this.scanDirective()) continue;
      return;
    }
  }

  private atLineStart(pos: number): boolean {
    for (let i = pos - 1; i >= 0; i--) {
      const c = this.text.charCodeAt(i);
      if (c === CH_SPACE || c === CH_TAB) continue;
      return c === CH_LF || c === CH_CR || (i === 0 && c === 0xfeff);
    }
    return true;
  }

  private scanLineComment(): void {
    const start = this.pos;
    let i = start + 2;
    const text = this.text;
    while (i < this.n) {
      const c = text.charCodeAt(i);
      if (c === CH_LF || c === CH_CR) break;
      i++;
    }
    this.pos = i;
    this.comments.push({ kind: 'line', start, end: i, text: text.slice(start, i) });
  }

  private scanBlockComment(): void {
    const start = this.pos;
    const close = this.text.indexOf('*/', start + 2);
    if (close < 0) {
      this.pos = this.n;
      this.error(start, this.n, 'BCP002', 'The multi-line comment at this location is not terminated. Terminate it with the */ character sequence.');
    } else {
      this.pos = close + 2;
    }
    this.comments.push({ kind: 'block', start, end: this.pos, text: this.text.slice(start, this.pos) });
  }

  /** At `#`: a directive when followed by one of the directive keywords. */
  private scanDirective(): boolean {
    const text = this.text;
    const start = this.pos;
    let kind: DirectiveKind | undefined;
    for (const k of DIRECTIVES) {
      if (text.startsWith(k, start + 1)) { kind = k; break; }
    }
    if (!kind) return false;
    let i = start + 1 + kind.length;
    let end = i;
    const codes: Directive['codes'] = [];
    for (;;) {
      while (i < this.n && (text.charCodeAt(i) === CH_SPACE || text.charCodeAt(i) === CH_TAB)) i++;
      const codeStart = i;
      while (i < this.n) {
        const c = text.charCodeAt(i);
        if (isIdentPart(c) || c === 45 /* - */) i++; else break;
      }
      if (i > codeStart) {
        codes.push({ code: text.slice(codeStart, i), start: codeStart, end: i });
        end = i;
      }
      if (i >= this.n) break;
      const c = text.charCodeAt(i);
      if (c !== CH_SPACE && c !== CH_TAB) break; // newline, comment or another character ends the codes
    }
    this.pos = end;
    if (codes.length === 0) {
      this.error(end, end, 'BCP226', `Expected at least one diagnostic code at this location. Valid format is "#${kind} diagnosticCode1 diagnosticCode2 ...".`);
    }
    this.directives.push({ kind, start, end, codes, line: lineOfOffset(this.lineStarts ??= computeLineStarts(text), start) });
    return true;
  }

  // --- tokens -------------------------------------------------------------------------------

  private scanToken(): TokenType {
    const text = this.text;
    if (this.pos >= this.n) return TokenType.EndOfFile;
    const c = text.charCodeAt(this.pos);
    const next = this.pos + 1 < this.n ? text.charCodeAt(this.pos + 1) : -1;
    this.pos++;
    switch (c) {
      case CH_LBRACE:
        if (this.templateStack.length > 0) this.templateStack.push(BRACE_ENTRY);
        else if (this.skipResources && this.skipResourceBody()) {
          if (this.deferred) this.lastStringMultiline = LAZY_BODY;
          return TokenType.SkippedBody;
        }
        return TokenType.LeftBrace;
      case CH_RBRACE: {
        const depth = this.templateStack.length;
        if (depth > 0) {
          const top = this.templateStack[depth - 1];
          if (top === BRACE_ENTRY) {
            this.templateStack.pop();
          } else {
            const t = top > 0
              ? this.scanMultilineString(false, top - 1)
              : this.scanStringSegment(false);
            if (t === TokenType.StringRightPiece) this.templateStack.pop();
            return t;
          }
        }
        return TokenType.RightBrace;
      }
      case 40: return TokenType.LeftParen;
      case 41: return TokenType.RightParen;
      case 91: return TokenType.LeftSquare;
      case 93: return TokenType.RightSquare;
      case 64: return TokenType.At;
      case 44: return TokenType.Comma;
      case 46:
        if (next === 46 && this.pos + 1 < this.n && text.charCodeAt(this.pos + 1) === 46) { this.pos += 2; return TokenType.Ellipsis; }
        return TokenType.Dot;
      case 63:
        if (next === 63) { this.pos++; return TokenType.DoubleQuestion; }
        return TokenType.Question;
      case 58:
        if (next === 58) { this.pos++; return TokenType.DoubleColon; }
        return TokenType.Colon;
      case 59: return TokenType.Semicolon;
      case 43: return TokenType.Plus;
      case 45: return TokenType.Minus;
      case 37: return TokenType.Modulo;
      case 42: return TokenType.Asterisk;
      case 47: return TokenType.Slash;
      case 94: return TokenType.Hat;
      case CH_DOLLAR: {
        let count = 1;
        let i = this.pos;
        while (i < this.n && text.charCodeAt(i) === CH_DOLLAR) { i++; count++; }
        if (text.startsWith("'''", i)) {
          this.pos = i + 3;
          const t = this.scanMultilineString(true, count);
          if (t === TokenType.StringLeftPiece) this.templateStack.push(count + 1);
          return t;
        }
        this.pos = i;
        this.error(this.pos - count, this.pos, 'BCP001', `The following token is not recognized: "${'$'.repeat(count)}".`);
        return TokenType.Unrecognized;
      }
      case 33:
        if (next === 61) { this.pos++; return TokenType.NotEquals; }
        if (next === 126) { this.pos++; return TokenType.NotEqualsInsensitive; }
        return TokenType.Exclamation;
      case 60:
        if (next === 61) { this.pos++; return TokenType.LessThanOrEqual; }
        return TokenType.LeftChevron;
      case 62:
        if (next === 61) { this.pos++; return TokenType.GreaterThanOrEqual; }
        return TokenType.RightChevron;
      case 61:
        if (next === 61) { this.pos++; return TokenType.Equals; }
        if (next === 126) { this.pos++; return TokenType.EqualsInsensitive; }
        if (next === 62) { this.pos++; return TokenType.Arrow; }
        return TokenType.Assignment;
      case 38:
        if (next === 38) { this.pos++; return TokenType.LogicalAnd; }
        this.error(this.pos - 1, this.pos, 'BCP001', 'The following token is not recognized: "&".');
        return TokenType.Unrecognized;
      case 124:
        if (next === 124) { this.pos++; return TokenType.LogicalOr; }
        return TokenType.Pipe;
      case CH_QUOTE:
        if (next === CH_QUOTE && this.pos + 1 < this.n && text.charCodeAt(this.pos + 1) === CH_QUOTE) {
          this.pos += 2;
          return this.scanMultilineString(true, 0);
        } else {
          const t = this.scanStringSegment(true);
          if (t === TokenType.StringLeftPiece) this.templateStack.push(0);
          return t;
        }
      case CH_LF:
      case CH_CR:
        if (this.templateStack.length > 0) {
          // A line break inside an interpolation hole terminates the string (zero-length piece).
          this.pos--;
          this.error(this.pos, this.pos, 'BCP004', 'The string at this location is not terminated due to an unexpected new line character.');
          this.templateStack.length = 0;
          this.lastStringUnterminated = true;
          return TokenType.StringRightPiece;
        }
        while (this.pos < this.n) {
          const d = text.charCodeAt(this.pos);
          if (d === CH_LF || d === CH_CR) this.pos++; else break;
        }
        return TokenType.NewLine;
      default:
        if (isDigit(c)) {
          while (this.pos < this.n && isDigit(text.charCodeAt(this.pos))) this.pos++;
          return TokenType.Integer;
        }
        if (isIdentStart(c)) {
          const start = this.pos - 1;
          while (this.pos < this.n && isIdentPart(text.charCodeAt(this.pos))) this.pos++;
          const len = this.pos - start;
          if (len === 4 && text.startsWith('true', start)) return TokenType.TrueKeyword;
          if (len === 5 && text.startsWith('false', start)) return TokenType.FalseKeyword;
          if (len === 4 && text.startsWith('null', start)) return TokenType.NullKeyword;
          if (len > MAX_IDENTIFIER_LENGTH) {
            this.error(start, this.pos, 'BCP024', `The identifier exceeds the limit of ${MAX_IDENTIFIER_LENGTH}. Reduce the length of the identifier.`);
          }
          return TokenType.Identifier;
        }
        return this.scanUnrecognized(c);
    }
  }

  // --- skipped resource bodies ---------------------------------------------------------------

  /**
   * Just after the `{` of `resource name 'Type@v' [existing] = {` (at the start of a line): when the
   * body is irrelevant (see `LexOptions`), moves past its matching `}` and returns true.
   */
  private skipResourceBody(): boolean {
    this.deferred = false;
    const types = this.types, starts = this.starts, ends = this.ends, text = this.text;
    let k = this.count - 1;
    if (k < 3 || types[k] !== TokenType.Assignment) return false;
    k--;
    if (types[k] === TokenType.Identifier && ends[k] - starts[k] === 8 && text.startsWith('existing', starts[k])) k--;
    if (k < 2 || types[k] !== TokenType.StringComplete || this.info[k] !== 0) return false;
    const typeTok = k;
    if (types[k - 1] !== TokenType.Identifier) return false;
    k -= 2;
    if (types[k] !== TokenType.Identifier || ends[k] - starts[k] !== 8 || !text.startsWith('resource', starts[k])) return false;
    if (k > 0 && types[k - 1] !== TokenType.NewLine) return false;
    // The type, without escapes (a type with escapes is left to the parser).
    const typeStart = starts[typeTok] + 1, typeEnd = ends[typeTok] - 1;
    if (typeEnd - typeStart >= AI_TYPE_PREFIX.length) {
      let ai = true;
      for (let i = 0; i < AI_TYPE_PREFIX.length; i++) {
        if ((text.charCodeAt(typeStart + i) | 0x20) !== AI_TYPE_PREFIX.charCodeAt(i)) { ai = false; break; }
      }
      if (ai) return false;
    }
    for (let i = typeStart; i < typeEnd; i++) if (text.charCodeAt(i) === CH_BACKSLASH) return false;
    if (this.readTypes?.size) {
      const at = text.indexOf('@', typeStart);
      this.deferred = this.readsType(text.slice(typeStart, at >= 0 && at < typeEnd ? at : typeEnd).toLowerCase());
    }
    const end = this.matchBody(this.pos, this.deferred);
    if (end < 0 || this.mentionsAi(this.pos, end)) return false;
    this.pos = end;
    return true;
  }

  /** Set by `skipResourceBody`: the body is one a rule reads (deferred, not dropped). */
  private deferred = false;

  /** Trailing segments of the read types (`managednetworks`, `accounts/managednetworks`): how nested resources name them. */
  private readSuffixes: Set<string> | undefined;

  /** Whether a rule reads this type (lower case): a full type, or a nested resource's type relative to its parent's. */
  private readsType(type: string): boolean {
    if (this.readTypes!.has(type)) return true;
    if (type.includes('.')) return false;
    if (!this.readSuffixes) {
      this.readSuffixes = new Set();
      for (const read of this.readTypes!) {
        const segments = read.split('/');
        for (let i = 1; i < segments.length; i++) this.readSuffixes.add(segments.slice(i).join('/'));
      }
    }
    return this.readSuffixes.has(type);
  }

  /** Whether `cognitiveservices` (any case) occurs in [start, end). Calls come in increasing, non-overlapping ranges. */
  private mentionsAi(start: number, end: number): boolean {
    if (!this.aiMentions) {
      this.aiMentions = [];
      const re = /cognitiveservices/gi;
      for (let m = re.exec(this.text); m; m = re.exec(this.text)) this.aiMentions.push(m.index);
    }
    const at = this.aiMentions;
    let c = this.aiMentionCursor;
    while (c < at.length && at[c] < start) c++;
    this.aiMentionCursor = c;
    return c < at.length && at[c] < end;
  }

  /**
   * From just after a `{`: the offset just after its matching `}`, following strings (with `${…}`
   * holes), `'''` strings and comments; -1 when it meets anything that needs the full lexer
   * (`$`, `#`, a line break in a string or hole, an unterminated string or comment) and, with `noResources`,
   * a line starting with `resource ` or `@` directly in the body (a nested resource, which must be declared).
   */
  private matchBody(from: number, noResources: boolean): number {
    const text = this.text, n = this.n;
    /** Open braces in the current code context (the body, or the innermost string hole). */
    let depth = 1;
    /** The depth of each enclosing context, one per open string hole. */
    const saved = this.holeDepths;
    saved.length = 0;
    let inString = false;
    let i = from;
    while (i < n) {
      const c = text.charCodeAt(i++);
      // Most characters mean nothing here: letters, digits, punctuation other than / and a space.
      if ((c >= 40 && c <= 122 && c !== 47 && c !== CH_BACKSLASH) || c === CH_SPACE) continue;
      if (inString) {
        if (c === CH_QUOTE) {
          inString = false;
        } else if (c === CH_BACKSLASH) {
          const e = text.charCodeAt(i);
          if (e === CH_LF || e === CH_CR) return -1;
          i++;
        } else if (c === CH_LF || c === CH_CR) {
          return -1;
        } else if (c === CH_DOLLAR && text.charCodeAt(i) === CH_LBRACE) {
          i++;
          saved.push(depth);
          depth = 1;
          inString = false;
        }
        continue;
      }
      switch (c) {
        case CH_LBRACE:
          depth++;
          break;
        case CH_RBRACE:
          if (--depth > 0) break;
          if (saved.length === 0) return i;
          depth = saved.pop()!; // end of a hole: back in its string
          inString = true;
          break;
        case CH_QUOTE:
          if (text.charCodeAt(i) === CH_QUOTE && text.charCodeAt(i + 1) === CH_QUOTE) {
            const close = text.indexOf("'''", i + 2);
            if (close < 0) return -1;
            i = close + 3;
            while (i < n && text.charCodeAt(i) === CH_QUOTE) i++;
          } else {
            inString = true;
          }
          break;
        case 47 /* / */: {
          const d = text.charCodeAt(i);
          if (d === 47) {
            while (i < n) { const e = text.charCodeAt(i); if (e === CH_LF || e === CH_CR) break; i++; }
          } else if (d === 42) {
            const close = text.indexOf('*/', i + 1);
            if (close < 0) return -1;
            i = close + 2;
          }
          break;
        }
        case CH_LF: case CH_CR:
          if (saved.length > 0) return -1;
          if (noResources && depth === 1) {
            let j = i;
            while (j < n && (text.charCodeAt(j) === CH_SPACE || text.charCodeAt(j) === CH_TAB)) j++;
            if (text.charCodeAt(j) === 64 /* @ */) return -1;
            if (text.startsWith('resource', j) && (text.charCodeAt(j + 8) === CH_SPACE || text.charCodeAt(j + 8) === CH_TAB)) return -1;
          }
          break;
        case CH_DOLLAR: case 35 /* # */:
          return -1;
      }
    }
    return -1;
  }

  /** A run of characters that start no token becomes one Unrecognized token. */
  private scanUnrecognized(first: number): TokenType {
    const start = this.pos - 1;
    if (first === 34 /* " */) {
      this.error(start, this.pos, 'BCP103', 'The following token is not recognized: """. Strings are defined using single quotes in bicep.');
      return TokenType.Unrecognized;
    }
    if (first !== 35 /* # */) {
      while (this.pos < this.n && !startsToken(this.text.charCodeAt(this.pos))) this.pos++;
    }
    const shown = this.text.slice(start, Math.min(this.pos, start + 20));
    this.error(start, this.pos, 'BCP001', `The following token is not recognized: ${JSON.stringify(shown)}${this.pos - start > 20 ? '…' : ''}.`);
    return TokenType.Unrecognized;
  }

  /** After `'` (start) or `}` (continuation) of a single-line string. */
  private scanStringSegment(atStart: boolean): TokenType {
    const text = this.text;
    const done = atStart ? TokenType.StringComplete : TokenType.StringRightPiece;
    const hole = atStart ? TokenType.StringLeftPiece : TokenType.StringMiddlePiece;
    const tokenStart = this.tokenStart;
    for (;;) {
      if (this.pos >= this.n) {
        this.lastStringUnterminated = true;
        this.error(tokenStart, this.pos, 'BCP003', 'The string at this location is not terminated. Terminate the string with a single quote character.');
        return done;
      }
      const c = text.charCodeAt(this.pos);
      if (c === CH_LF || c === CH_CR) {
        this.lastStringUnterminated = true;
        this.error(tokenStart, this.pos, 'BCP004', 'The string at this location is not terminated due to an unexpected new line character.');
        return done;
      }
      const escStart = this.pos;
      this.pos++;
      if (c === CH_QUOTE) return done;
      if (c === CH_DOLLAR && this.pos < this.n && text.charCodeAt(this.pos) === CH_LBRACE) {
        this.pos++;
        return hole;
      }
      if (c !== CH_BACKSLASH) continue;
      if (this.pos >= this.n) {
        this.lastStringUnterminated = true;
        this.error(tokenStart, this.pos, 'BCP005', 'The string at this location is not terminated. Complete the escape sequence and terminate the string with a single unescaped quote character.');
        return done;
      }
      const e = text.charCodeAt(this.pos);
      switch (e) {
        case 110: case 114: case 116: case CH_BACKSLASH: case CH_QUOTE:
          this.pos++;
          continue;
        case CH_DOLLAR:
          this.pos++;
          if (this.pos < this.n && text.charCodeAt(this.pos) === CH_LBRACE) this.pos++;
          continue;
        case 117 /* u */: {
          this.pos++;
          const ok = this.scanUnicodeEscape();
          if (!ok) {
            this.error(escStart, this.pos, 'BCP133', 'The unicode escape sequence is not valid. Valid unicode escape sequences range from \\u{0} to \\u{10FFFF}.');
          }
          continue;
        }
        case CH_LF: case CH_CR:
          // the newline check at the top of the loop reports it
          this.error(escStart, this.pos, 'BCP006', "The specified escape sequence is not recognized. Only the following escape sequences are allowed: \\$, \\', \\\\, \\n, \\r, \\t, \\u{...}.");
          continue;
        default:
          this.pos++;
          this.error(escStart, this.pos, 'BCP006', "The specified escape sequence is not recognized. Only the following escape sequences are allowed: \\$, \\', \\\\, \\n, \\r, \\t, \\u{...}.");
          continue;
      }
    }
  }

  /** After `\u`: `{hex}` with a valid code point. Consumes what it can. */
  private scanUnicodeEscape(): boolean {
    const text = this.text;
    if (this.pos >= this.n || text.charCodeAt(this.pos) !== CH_LBRACE) return false;
    this.pos++;
    const hexStart = this.pos;
    while (this.pos < this.n && isHexDigit(text.charCodeAt(this.pos))) this.pos++;
    const hexEnd = this.pos;
    if (hexEnd === hexStart || this.pos >= this.n || text.charCodeAt(this.pos) !== CH_RBRACE) return false;
    this.pos++;
    const digits = text.slice(hexStart, hexEnd).replace(/^0+(?=.)/, '');
    return digits.length <= 6 && parseInt(digits, 16) <= 0x10ffff;
  }

  /**
   * After `'''` / `$…$'''` (start) or `}` (continuation). `dollars` is the number of `$` that
   * open a hole (0: no interpolation).
   */
  private scanMultilineString(atStart: boolean, dollars: number): TokenType {
    const text = this.text;
    this.lastStringMultiline = Math.min(dollars + 1, MULTILINE_MASK);
    while (this.pos < this.n) {
      const c = text.charCodeAt(this.pos);
      if (c === CH_DOLLAR) {
        let run = 0;
        while (this.pos < this.n && text.charCodeAt(this.pos) === CH_DOLLAR) { this.pos++; run++; }
        if (dollars > 0 && run >= dollars && this.pos < this.n && text.charCodeAt(this.pos) === CH_LBRACE) {
          this.pos++;
          return atStart ? TokenType.StringLeftPiece : TokenType.StringMiddlePiece;
        }
      } else if (c === CH_QUOTE) {
        let run = 0;
        while (this.pos < this.n && text.charCodeAt(this.pos) === CH_QUOTE) { this.pos++; run++; }
        if (run >= 3) return atStart ? TokenType.StringComplete : TokenType.StringRightPiece;
      } else {
        this.pos++;
      }
    }
    this.lastStringUnterminated = true;
    this.error(this.tokenStart, this.pos, 'BCP140', "The multi-line string at this location is not terminated. Terminate it with \"'''\".");
    return atStart ? TokenType.StringComplete : TokenType.StringRightPiece;
  }
}



{
  const lexer = new Lexer("resource a 'A@1' = {\n  b: 'c${d}'\n}\nvar e = 'f${{g: 1}}'  // h\n", true);
  lexer.run();
  keepShapes(lexer);
}
