// Error-tolerant recursive-descent parser for Bicep (.bicep) and Bicep parameter (.bicepparam) files.
//
// The grammar, its newline sensitivity and its recovery points follow Bicep's own parser, so a
// file that Bicep accepts parses with no diagnostics and a broken one gets diagnostics at the
// same places (same BCP codes where Bicep reports a syntax error). Recovery: a construct that
// cannot be parsed becomes an ErrorNode spanning the skipped tokens, and parsing resumes at the
// construct's terminator (usually the end of the line, a closing bracket or a comma).
//
// Guarantees: never throws, always terminates (every loop consumes a token or exits), bounded
// recursion (nesting deeper than `maxDepth` is reported and skipped), linear time.

import type {
  ArrayNode, BicepFileKind, CallNode, Decorator, Declaration, Diagnostic, ErrorNode, Expression, ForNode,
  FunctionParameter, Identifier, IfNode, ImportedSymbol, ModulePathKind, ObjectMember, ObjectNode,
  ObjectProperty, ObjectTypeAdditionalProperties, ObjectTypeNode, ObjectTypeProperty, ParseResult, Program,
  ResourceDeclaration, SpreadNode, StringNode, TextRange, TupleTypeItem, TupleTypeNode, TypeNode, BinaryOperator,
  ModuleDeclaration, ExtensionDeclaration, Directive,
} from './ast';
import { keepShapes } from '../shapes';
import { bodyMemberStarts, LAZY_BODY, lex, lexRange, MULTILINE_MASK, withLineStarts, TokenStream, TokenType as T, UNTERMINATED_BIT } from './lexer';

/** A token, by its index in the token stream. */
type Tok = number;

export interface ParseOptions {
  /** 'bicepparam' for .bicepparam files (`using`, `param x = value`, …). Default 'bicep'. */
  fileKind?: BicepFileKind;
  /** Maximum nesting of expressions/objects/arrays/types before the parser gives up on a subtree. */
  maxDepth?: number;
  /**
   * For the linter only (off by default; the writer and the conformance tests parse everything):
   * leaves unparsed the body of a resource whose type does not start with `Microsoft.CognitiveServices`
   * and whose body text does not mention `cognitiveservices` (case-insensitive), so that nested AI
   * resources are still parsed. Such a body becomes an empty ObjectNode flagged `skipped`. Syntax
   * errors inside skipped bodies are not reported (Bicep's own tooling reports them), their comments
   * are not collected, and resources nested in them are not declared. See `LexOptions`.
   */
  skipIrrelevantResources?: boolean;
  /** With `skipIrrelevantResources`: lower-case types (without `@version`) whose bodies are read all the same, because a rule reads them. */
  readTypes?: ReadonlySet<string>;
}

/**
 * Nesting depth (counted per expression, object, array and type level, and per link of an operator
 * or postfix chain such as `a!!!` or `a + b + c`) beyond which a subtree is skipped.
 */
export const DEFAULT_MAX_DEPTH = 256;
/** Diagnostic code of a subtree skipped at DEFAULT_MAX_DEPTH. */
export const TOO_DEEP_CODE = 'EGB001';
/** Parser diagnostics kept at most. */
export const MAX_PARSE_DIAGNOSTICS = 500;

interface DeferredSource { readonly text: string; readonly fileKind: BicepFileKind; readonly maxDepth: number; readonly depth: number }

/**
 * A resource body a rule reads, parsed when first read (its `members`, `properties`, `commaSeparated`) as the full
 * parse would have; `findProperty` reads one property without parsing the rest. Syntax errors inside it are not
 * reported (as for skipped bodies).
 */
class DeferredBody implements ObjectNode {
  readonly kind = 'object';
  readonly closed = true;
  #parsed: ObjectNode | undefined;
  /** `bodyMemberStarts`, null when the members are not all `identifier: …`. */
  #starts: number[] | null | undefined;

  constructor(readonly source: DeferredSource, readonly start: number, readonly end: number, readonly multiline: boolean) {}

  get members(): ObjectMember[] { return this.full().members; }
  get properties(): ObjectProperty[] { return this.full().properties; }
  get commaSeparated(): boolean { return this.full().commaSeparated; }
  get parsed(): boolean { return this.#parsed !== undefined; }

  get memberStarts(): number[] | null {
    if (this.#starts === undefined) this.#starts = bodyMemberStarts(this.source.text, this.start, this.end) ?? null;
    return this.#starts;
  }

  /** As the object the full parse gives (`JSON.stringify`). */
  toJSON(): ObjectNode {
    const { kind, members, properties, multiline, commaSeparated, closed, start, end } = this;
    return { kind, members, properties, multiline, commaSeparated, closed, start, end };
  }

  private full(): ObjectNode {
    if (this.#parsed) return this.#parsed;
    const { text, fileKind, maxDepth, depth } = this.source;
    const parser = new Parser(text, lexRange(text, this.start, this.end), fileKind, maxDepth);
    return (this.#parsed = parser.deferredObject(depth)
      ?? { kind: 'object', members: NO_MEMBERS, properties: NO_PROPERTIES, multiline: false, commaSeparated: false, closed: true, start: this.start, end: this.end });
  }
}

function sameKey(p: ObjectProperty, lower: string): boolean {
  return p.keyName !== undefined && p.keyName.length === lower.length && p.keyName.toLowerCase() === lower;
}

/** The first property of an object whose key is `lower` (lower case) in any case; of a deferred body, parsed alone. */
export function findProperty(node: ObjectNode, lower: string): ObjectProperty | undefined {
  const starts = node instanceof DeferredBody && !node.parsed ? node.memberStarts : null;
  if (!starts) return node.properties.find((p) => sameKey(p, lower));
  const { text, fileKind, maxDepth, depth } = (node as DeferredBody).source;
  for (let k = 0; k < starts.length; k++) {
    const at = starts[k];
    const after = text.charCodeAt(at + lower.length);
    if (after !== 58 /* : */ && after !== 32 && after !== 9) continue; // a longer key
    if (!keyAt(text, at, lower)) continue;
    const to = k + 1 < starts.length ? starts[k + 1] : node.end;
    const p = new Parser(text, lexRange(text, at, to), fileKind, maxDepth).deferredProperty(depth);
    return p && sameKey(p, lower) ? p : node.properties.find((x) => sameKey(x, lower));
  }
  return undefined;
}

/** Whether the identifier at `at` starts with `lower` (lower case), in any case. */
function keyAt(text: string, at: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    const c = text.charCodeAt(at + i), l = lower.charCodeAt(i);
    if (c !== l && !(l >= 97 && l <= 122 && c === l - 32)) return false;
  }
  return true;
}

/** Whether an object has a spread member (`...x`); a deferred body whose members are all properties is not parsed. */
export function hasSpread(node: ObjectNode): boolean {
  if (node instanceof DeferredBody && !node.parsed && node.memberStarts) return false;
  return node.members.some((m) => m.kind === 'spread');
}

/** The resources declared in a resource body (none in a deferred one: the lexer defers no body that declares any). */
export function nestedResources(body: ObjectNode | undefined): ResourceDeclaration[] {
  if (!body || (body instanceof DeferredBody && !body.parsed)) return [];
  return body.members.filter((m): m is ResourceDeclaration => m.kind === 'resource');
}

/**
 * Bicep parses shared by the analyses of one audit, so a module is parsed once rather than once per caller and once
 * on its own. Keyed by URI and the options, checked against the text; bounded (least recently used goes first).
 */
export class BicepParseCache {
  private readonly entries = new Map<string, { readonly text: string; readonly parsed: ParseResult }>();
  /** The key part of each set of read types: the same set comes with every parse of an audit (sorting it each time cost 20 µs). */
  private readonly typeKeys = new WeakMap<ReadonlySet<string>, string>();
  constructor(private readonly max = 500) {}

  parse(uri: string, text: string, options: ParseOptions = {}): ParseResult {
    const key = `${uri}\u0000${options.fileKind ?? ''}\u0000${options.skipIrrelevantResources ? this.typesKey(options.readTypes) : '*'}`;
    const hit = this.entries.get(key);
    if (hit && hit.text === text) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.parsed;
    }
    const parsed = parseBicep(text, options);
    this.entries.delete(key);
    this.entries.set(key, { text, parsed });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return parsed;
  }

  private typesKey(types: ReadonlySet<string> | undefined): string {
    if (!types) return '';
    let key = this.typeKeys.get(types);
    if (key === undefined) this.typeKeys.set(types, (key = [...types].sort().join(',')));
    return key;
  }
}

/** Parses Bicep source text. Never throws. */

export function parseBicep(text: string, options: ParseOptions = {}): ParseResult {
  const fileKind = options.fileKind ?? 'bicep';
  let lexed: ReturnType<typeof lex> | undefined;
  try {
    lexed = lex(text, { skipIrrelevantResources: options.skipIrrelevantResources, readTypes: options.readTypes });
    const parser = new Parser(text, lexed.tokens, fileKind, options.maxDepth ?? DEFAULT_MAX_DEPTH);
    const declarations = parser.parseProgram();
    const lexResult = lexed;
    const program: Program = withLineStarts({
      kind: 'program' as const, start: 0, end: text.length, fileKind, declarations,
      comments: lexed.comments, directives: lexed.directives,
    }, () => lexResult.lineStarts);
    const diagnostics = mergeDiagnostics(lexed.diagnostics, parser.finishDiagnostics());
    return { program, diagnostics };
  } catch (e) {
    // Defensive: a bug (or a stack overflow in an exotic embedding) must not take the caller down.
    return {
      program: {
        kind: 'program', start: 0, end: text.length, fileKind, declarations: [],
        comments: lexed?.comments ?? [], directives: lexed?.directives ?? [], lineStarts: lexed?.lineStarts ?? [0],
      },
      diagnostics: [{
        message: `Internal parser error: ${e instanceof Error ? e.message : String(e)}`,
        start: 0, end: 0, code: 'EGB000', severity: 'error',
      }],
    };
  }
}

/** Parses a .bicepparam file. */
export function parseBicepParam(text: string, options: Omit<ParseOptions, 'fileKind'> = {}): ParseResult {
  return parseBicep(text, { ...options, fileKind: 'bicepparam' });
}

/** The kind of a module path: `./x.bicep`, `br:registry/repo:tag`, `br/alias:repo:tag`, `ts:sub/rg/name:version`, `ts/alias:name:version`. */
export function classifyModulePath(path: string | undefined): ModulePathKind {
  if (path === undefined) return 'unknown';
  if (/^br:/i.test(path)) return 'registry';
  if (/^br\//i.test(path)) return 'registryAlias';
  if (/^ts:/i.test(path)) return 'templateSpec';
  if (/^ts\//i.test(path)) return 'templateSpecAlias';
  return 'local';
}

function mergeDiagnostics(a: Diagnostic[], b: Diagnostic[]): Diagnostic[] {
  const all = a.concat(b);
  all.sort((x, y) => x.start - y.start || x.end - y.end);
  return all;
}

// ---------------------------------------------------------------------------------------------

const ALLOW_COMPLEX = 1;
const ALLOW_RESOURCES = 2;

const DECLARATION_KEYWORDS = new Set(['assert', 'import', 'metadata', 'param', 'var', 'resource', 'output', 'module', 'type']);

// Recovery stop sets (allocated once).
const STOP_ASSIGNMENT_LEFT_BRACE_NEW_LINE = [T.Assignment, T.LeftBrace, T.NewLine] as const;
const STOP_ASSIGNMENT_NEW_LINE = [T.Assignment, T.NewLine] as const;
const STOP_COLON_NEW_LINE_RIGHT_BRACE = [T.Colon, T.NewLine, T.RightBrace] as const;
const STOP_COLON_RIGHT_SQUARE_NEW_LINE = [T.Colon, T.RightSquare, T.NewLine] as const;
const STOP_COLON_STRING_RIGHT_PIECE_RIGHT_BRACE_RIGHT_PAREN_RIGHT_SQUARE_NEW_LINE = [T.Colon, T.StringRightPiece, T.RightBrace, T.RightParen, T.RightSquare, T.NewLine] as const;
const STOP_COMMA_NEW_LINE = [T.Comma, T.NewLine] as const;
const STOP_COMMA_NEW_LINE_RIGHT_BRACE = [T.Comma, T.NewLine, T.RightBrace] as const;
const STOP_COMMA_NEW_LINE_RIGHT_SQUARE = [T.Comma, T.NewLine, T.RightSquare] as const;
const STOP_IDENTIFIER_NEW_LINE = [T.Identifier, T.NewLine] as const;
const STOP_LEFT_BRACE_NEW_LINE = [T.LeftBrace, T.NewLine] as const;
const STOP_NEW_LINE = [T.NewLine] as const;
const STOP_NEW_LINE_COMMA_RIGHT_CHEVRON = [T.NewLine, T.Comma, T.RightChevron] as const;
const STOP_NEW_LINE_COMMA_RIGHT_PAREN = [T.NewLine, T.Comma, T.RightParen] as const;
const STOP_NEW_LINE_RIGHT_BRACE = [T.NewLine, T.RightBrace] as const;
const STOP_NEW_LINE_RIGHT_PAREN = [T.NewLine, T.RightParen] as const;
const STOP_NEW_LINE_RIGHT_SQUARE = [T.NewLine, T.RightSquare] as const;
const STOP_RIGHT_SQUARE_LEFT_BRACE_NEW_LINE = [T.RightSquare, T.LeftBrace, T.NewLine] as const;
const STOP_RIGHT_SQUARE_NEW_LINE = [T.RightSquare, T.NewLine] as const;
const STOP_STRING_COMPLETE_STRING_LEFT_PIECE_NEW_LINE = [T.StringComplete, T.StringLeftPiece, T.NewLine] as const;
const STOP_STRING_MIDDLE_PIECE_STRING_RIGHT_PIECE_NEW_LINE = [T.StringMiddlePiece, T.StringRightPiece, T.NewLine] as const;
const STOP_STRING_RIGHT_PIECE_RIGHT_BRACE_RIGHT_PAREN_RIGHT_SQUARE_NEW_LINE = [T.StringRightPiece, T.RightBrace, T.RightParen, T.RightSquare, T.NewLine] as const;
const STOP_STRING_RIGHT_PIECE_RIGHT_BRACE_RIGHT_PAREN_RIGHT_SQUARE_NEW_LINE_COMMA = [T.StringRightPiece, T.RightBrace, T.RightParen, T.RightSquare, T.NewLine, T.Comma] as const;
const STOP_STRING_RIGHT_PIECE_RIGHT_BRACE_RIGHT_SQUARE_NEW_LINE = [T.StringRightPiece, T.RightBrace, T.RightSquare, T.NewLine] as const;
const CLOSERS_EXPR = STOP_STRING_RIGHT_PIECE_RIGHT_BRACE_RIGHT_PAREN_RIGHT_SQUARE_NEW_LINE;

const BINARY_PRECEDENCE: Partial<Record<T, number>> = {
  [T.Modulo]: 100, [T.Asterisk]: 100, [T.Slash]: 100,
  [T.Plus]: 90, [T.Minus]: 90,
  [T.RightChevron]: 80, [T.GreaterThanOrEqual]: 80, [T.LeftChevron]: 80, [T.LessThanOrEqual]: 80,
  [T.Equals]: 70, [T.NotEquals]: 70, [T.EqualsInsensitive]: 70, [T.NotEqualsInsensitive]: 70,
  [T.LogicalAnd]: 50,
  [T.LogicalOr]: 40,
  [T.DoubleQuestion]: 30,
};

const BINARY_OPERATOR: Partial<Record<T, BinaryOperator>> = {
  [T.Modulo]: '%', [T.Asterisk]: '*', [T.Slash]: '/', [T.Plus]: '+', [T.Minus]: '-',
  [T.RightChevron]: '>', [T.GreaterThanOrEqual]: '>=', [T.LeftChevron]: '<', [T.LessThanOrEqual]: '<=',
  [T.Equals]: '==', [T.NotEquals]: '!=', [T.EqualsInsensitive]: '=~', [T.NotEqualsInsensitive]: '!~',
  [T.LogicalAnd]: '&&', [T.LogicalOr]: '||', [T.DoubleQuestion]: '??',
};

/** Shared (frozen) empty lists: most declarations have no decorators, most strings no interpolation. */
const NO_DECORATORS = Object.freeze([]) as unknown as Decorator[];
const NO_EXPRESSIONS = Object.freeze([]) as unknown as Expression[];
const NO_MEMBERS = Object.freeze([]) as unknown as ObjectMember[];
const NO_PROPERTIES = Object.freeze([]) as unknown as ObjectProperty[];

/** Thrown (never escapes the parser) when a construct cannot be parsed at the current token. */
class ParseFailure {
  constructor(readonly diagnostic: Diagnostic | undefined, readonly partial?: ObjectNode | ArrayNode) {}
}

interface ParenList<N> {
  items: (N | ErrorNode)[];
  elements: { start: number; end: number; token: boolean }[];
  start: number;
  end: number;
  closed: boolean;
  openEnd: number;
}

function isProperty(m: ObjectMember): m is ObjectProperty {
  return m.kind === 'objectProperty';
}

function isError(n: unknown): n is ErrorNode {
  return typeof n === 'object' && n !== null && (n as { kind?: unknown }).kind === 'error';
}

const ULONG_MAX = '18446744073709551615';

class Parser {
  private pos = 0;
  private depth = 0;
  private readonly diagnostics: Diagnostic[] = [];
  private dropped = 0;
  private readonly last: number;
  private readonly types: Uint8Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly info: Int32Array;

  constructor(
    private readonly text: string,
    tokens: TokenStream,
    private readonly fileKind: BicepFileKind,
    private readonly maxDepth: number,
  ) {
    this.last = tokens.count - 1;
    this.types = tokens.types;
    this.starts = tokens.starts;
    this.ends = tokens.ends;
    this.info = tokens.info;
  }

  finishDiagnostics(): Diagnostic[] {
    if (this.dropped > 0) {
      this.diagnostics.push({
        message: `${this.dropped} further syntax error(s) not reported.`,
        start: this.text.length, end: this.text.length, code: 'EGB003', severity: 'error',
      });
    }
    return this.diagnostics;
  }

  // --- token reader -------------------------------------------------------------------------

  private ty(t: Tok): T { return this.types[t]; }
  private multilineOf(t: Tok): number { return this.info[t] & MULTILINE_MASK; }
  private unterminatedOf(t: Tok): boolean { return (this.info[t] & UNTERMINATED_BIT) !== 0; }
  private st(t: Tok): number { return this.starts[t]; }
  private en(t: Tok): number { return this.ends[t]; }

  private peek(): Tok {
    return this.pos;
  }

  private peekAt(k: number): Tok {
    const i = this.pos + k;
    return i > this.last ? this.last : i;
  }

  /** Index of the first token at or after `from` that is not a newline. */
  private indexSkippingNewlines(from = this.pos): Tok {
    let i = from > this.last ? this.last : from;
    while (i < this.last && this.types[i] === T.NewLine) i++;
    return i;
  }

  private is(type: T): boolean {
    return this.types[this.pos] === type;
  }

  private isAny(types: readonly T[]): boolean {
    return types.includes(this.types[this.pos]);
  }

  private atEnd(): boolean {
    return this.types[this.pos] === T.EndOfFile;
  }

  private read(): Tok {
    const t = this.pos;
    if (this.pos < this.last) this.pos++;
    return t;
  }

  private prevEnd(): number {
    return this.pos > 0 ? this.ends[this.pos - 1] : 0;
  }

  private tokenText(t: Tok): string {
    return this.text.slice(this.starts[t], this.ends[t]);
  }

  private isKeyword(t: Tok, keyword: string): boolean {
    return this.types[t] === T.Identifier && this.ends[t] - this.starts[t] === keyword.length && this.text.startsWith(keyword, this.starts[t]);
  }

  private skipNewlines(): boolean {
    let any = false;
    while (this.is(T.NewLine)) { this.read(); any = true; }
    return any;
  }

  // --- diagnostics & recovery ---------------------------------------------------------------

  private diagAt(t: Tok, code: string, message: string): Diagnostic {
    // A newline token is reported as a zero-length span at its start (end of the line).
    const start = this.st(t);
    const end = this.ty(t) === T.NewLine ? start : this.en(t);
    return { message, start, end, code, severity: 'error' };
  }

  private report(d: Diagnostic): void {
    if (this.diagnostics.length >= MAX_PARSE_DIAGNOSTICS) { this.dropped++; return; }
    this.diagnostics.push(d);
  }

  private reportEmpty(code: string, message: string, at = this.st(this.peek())): void {
    this.report({ message, start: at, end: at, code, severity: 'error' });
  }

  private fail(code: string, message: string, t: Tok = this.peek()): never {
    throw new ParseFailure(this.diagAt(t, code, message));
  }

  private expect(type: T, code: string, message: string): Tok {
    if (this.is(type)) return this.read();
    return this.fail(code, message);
  }

  private expectChar(type: T, ch: string): Tok {
    if (this.is(type)) return this.read();
    return this.fail('BCP018', `Expected the "${ch}" character at this location.`);
  }

  private expectKeyword(keyword: string, code = 'BCP012', message?: string): Tok {
    if (this.isKeyword(this.peek(), keyword)) return this.read();
    return this.fail(code, message ?? `Expected the "${keyword}" keyword at this location.`);
  }

  private errorNode(start: number, end: number): ErrorNode {
    return { kind: 'error', start, end };
  }

  /**
   * Runs `fn`; if it fails, drops the diagnostics it produced, skips to one of `terminators`
   * (consuming it when `consume`), reports the failure unless `suppress`, and returns an ErrorNode.
   */
  private recover<N>(fn: () => N, suppress: boolean, consume: boolean, terminators: readonly T[]): N | ErrorNode {
    const startPos = this.pos;
    const mark = this.diagnostics.length;
    try {
      return fn();
    } catch (caught) {
      return this.recovered(caught, startPos, mark, suppress, consume, terminators);
    }
  }

  /**
   * `recover` without a closure, for the hot paths: `expression(flags)` with recovery.
   */
  private recoverExpression(flags: number, suppress: boolean, terminators: readonly T[]): Expression {
    const startPos = this.pos;
    const mark = this.diagnostics.length;
    try {
      return this.expression(flags);
    } catch (caught) {
      return this.recovered(caught, startPos, mark, suppress, false, terminators);
    }
  }

  /** The failure half of `recover` (the construct began at token `startPos`, with `mark` diagnostics). */
  private recovered(caught: unknown, startPos: number, mark: number, suppress: boolean, consume: boolean, terminators: readonly T[]): ErrorNode {
    let e = caught;
    if (e instanceof RangeError) {
      // Stack exhausted despite the depth limit (the caller's stack was already deep): treat as too deep.
      const t = this.peek();
      e = new ParseFailure({
        message: 'The expression is nested too deeply; it was not analyzed.',
        start: this.st(t), end: this.st(t), code: 'EGB001', severity: 'error',
      });
    }
    if (!(e instanceof ParseFailure)) throw e;
    this.diagnostics.length = mark;
    while (!this.atEnd() && !this.isAny(terminators)) this.read();
    if (consume && !this.atEnd()) this.read();
    // A placeholder for something missing sits right after the previous token.
    const start = this.pos > startPos ? this.st(startPos) : this.prevEnd();
    const node = this.errorNode(start, Math.max(start, this.prevEnd()));
    if (e.partial) node.partial = e.partial;
    if (!suppress && e.diagnostic) this.report(e.diagnostic);
    return node;
  }

  /** Whether the node is an empty placeholder, after which follow-up errors are not reported. */
  private suppressAfter(n: unknown): boolean {
    if (typeof n !== 'object' || n === null) return false;
    const node = n as { kind?: unknown; start: number; end: number; missing?: unknown };
    return (node.kind === 'error' || (node.kind === 'identifier' && !!node.missing)) && node.start === node.end;
  }

  private enter(): void {
    if (this.depth >= this.maxDepth) this.tooDeep();
    this.depth++;
  }

  private tooDeep(): never {
    const t = this.peek();
    this.skipBalanced();
    throw new ParseFailure({
      message: `The expression is nested too deeply (more than ${this.maxDepth} levels); it was not analyzed.`,
      start: this.st(t), end: Math.max(this.st(t), this.prevEnd()), code: TOO_DEEP_CODE, severity: 'error',
    });
  }

  /**
   * Skips the rest of a construct, iteratively: up to a line break or an unmatched closing
   * bracket at the current level, skipping any bracketed groups (with their line breaks) whole.
   */
  private skipBalanced(): void {
    let level = 0;
    while (!this.atEnd()) {
      const t = this.ty(this.pos);
      if (t === T.LeftBrace || t === T.LeftSquare || t === T.LeftParen || t === T.StringLeftPiece) level++;
      else if (t === T.RightBrace || t === T.RightSquare || t === T.RightParen || t === T.StringRightPiece) {
        if (level === 0) return;
        level--;
      } else if (level === 0 && (t === T.NewLine || t === T.Comma)) return;
      this.read();
    }
  }

  // --- program & declarations ---------------------------------------------------------------

  parseProgram(): Declaration[] {
    const declarations: Declaration[] = [];
    while (!this.atEnd()) {
      const before = this.pos;
      const d = this.declaration(undefined);
      if (d && d.kind !== 'error') {
        declarations.push(d);
        if (this.is(T.NewLine)) this.read();
        else if (!this.atEnd()) this.recover(() => this.expect(T.NewLine, 'BCP019', 'Expected a new line character at this location.'), false, true, STOP_NEW_LINE);
      }
      if (this.pos === before && !this.atEnd()) this.read();
    }
    return declarations;
  }

  /**
   * A declaration with its decorators; `null` for a blank line. `only` restricts the accepted
   * keywords (nested resources).
   */
  private declaration(only: string | undefined): Declaration | ErrorNode | null {
    const startPos = this.pos;
    const mark = this.diagnostics.length;
    try {
      this.enter();
      try {
        return this.declarationBody(only);
      } finally {
        this.depth--;
      }
    } catch (caught) {
      return this.recovered(caught, startPos, mark, false, false, STOP_NEW_LINE);
    }
  }

  private declarationBody(only: string | undefined): Declaration | null {
    {
      const decorators = this.leadingDecorators();
      const cur = this.peek();
      if (this.ty(cur) === T.Identifier) {
        let kw: string | undefined = this.tokenText(cur);
        if (only !== undefined && kw !== only) kw = undefined;
        const d = kw === undefined ? undefined : this.fileKind === 'bicepparam'
          ? this.paramsFileDeclaration(kw, decorators)
          : this.bicepDeclaration(kw, decorators);
        if (d) return d;
      } else if (this.ty(cur) === T.NewLine && decorators.length === 0) {
        this.read();
        return null;
      }
      if (decorators.length > 0) {
        const start = decorators[0].start;
        const lastDecorator = decorators[decorators.length - 1];
        this.report({ message: 'Expected a declaration after the decorator.', start, end: lastDecorator.end, code: 'BCP132', severity: 'error' });
        return { kind: 'missingDeclaration', start, end: this.prevEnd(), keyword: { start: lastDecorator.end, end: lastDecorator.end }, decorators };
      }
      if (this.fileKind === 'bicepparam') {
        return this.fail('BCP337', 'This declaration type is not valid for a Bicep Parameters file. Specify a "using", "extends", "param", "var", "type", "import", "extension" or "extensionConfig" declaration.');
      }
      return this.fail('BCP007', 'This declaration type is not recognized. Specify a metadata, parameter, variable, resource, or output declaration.');
    }
  }

  private bicepDeclaration(kw: string, decorators: Decorator[]): Declaration | undefined {
    switch (kw) {
      case 'targetScope': return this.targetScope(decorators);
      case 'metadata': return this.metadata(decorators);
      case 'type': return this.typeDeclaration(decorators);
      case 'param': return this.parameter(decorators);
      case 'var': return this.variable(decorators);
      case 'func': return this.func(decorators);
      case 'resource': return this.resource(decorators);
      case 'output': return this.output(decorators);
      case 'module': return this.module(decorators);
      case 'test': return this.test(decorators);
      case 'import': return this.importDeclaration(decorators, true);
      case 'extension': return this.extension(this.read(), 'extension', decorators);
      case 'provider': {
        const kwTok = this.read();
        this.report({
          message: "The 'provider' keyword has been replaced by 'extension'.",
          start: this.st(kwTok), end: this.en(kwTok), code: 'EGB005', severity: 'warning',
        });
        return this.extension(kwTok, 'provider', decorators);
      }
      case 'assert': return this.assert(decorators);
    }
    return undefined;
  }

  private paramsFileDeclaration(kw: string, decorators: Decorator[]): Declaration | undefined {
    switch (kw) {
      case 'using': return this.using(decorators);
      case 'extends': return this.extendsDeclaration(decorators);
      case 'param': return this.parameterAssignment(decorators);
      case 'var': return this.variable(decorators);
      case 'import': return this.importDeclaration(decorators, false);
      case 'extensionConfig': return this.extensionConfig(decorators);
      case 'extension': return this.extension(this.read(), 'extension', decorators);
      case 'type': return this.typeDeclaration(decorators);
    }
    return undefined;
  }

  private declStart(decorators: Decorator[], keyword: Tok): number {
    return decorators.length > 0 ? decorators[0].start : this.st(keyword);
  }

  private range(t: Tok): TextRange {
    return { start: this.st(t), end: this.en(t) };
  }

  private identifierFrom(t: Tok): Identifier {
    return { kind: 'identifier', name: this.tokenText(t), start: this.st(t), end: this.en(t) };
  }

  private identifierWithRecovery(code: string, message: string, terminators: readonly T[], suppress = false): Identifier {
    if (this.is(T.Identifier)) return this.identifierFrom(this.read());
    const r = this.recover(() => this.identifierFrom(this.expect(T.Identifier, code, message)), suppress, false, terminators);
    return isError(r) ? { kind: 'identifier', name: '', missing: true, start: r.start, end: r.end } : r;
  }

  /** An identifier, or a reported zero-length missing one (no tokens consumed). */
  private identifierOrSkip(code: string, message: string): Identifier {
    if (this.is(T.Identifier)) return this.identifierFrom(this.read());
    this.reportEmpty(code, message, this.st(this.peek()));
    const at = this.prevEnd();
    return { kind: 'identifier', name: '', missing: true, start: at, end: at };
  }

  private expectAssignment(suppress: boolean, terminators: readonly T[]): Tok | ErrorNode {
    return this.recover(() => this.expectChar(T.Assignment, '='), suppress, false, terminators);
  }

  private valueExpression(suppress: boolean): Expression {
    return this.recoverExpression(ALLOW_COMPLEX, suppress, STOP_NEW_LINE);
  }

  private targetScope(decorators: Decorator[]): Declaration {
    const kw = this.read();
    this.expectAssignment(false, STOP_NEW_LINE);
    const value = this.valueExpression(false);
    return { kind: 'targetScope', start: this.declStart(decorators, kw), end: this.prevEnd(), keyword: this.range(kw), decorators, value };
  }

  private metadata(decorators: Decorator[]): Declaration {
    return this.namedAssignment(decorators, 'metadata', 'BCP266', 'Expected a metadata identifier at this location.');
  }

  private assert(decorators: Decorator[]): Declaration {
    return this.namedAssignment(decorators, 'assert', 'BCP344', 'Expected an assert identifier at this location.');
  }

  /** `keyword name = value` (metadata, assert). */
  private namedAssignment(decorators: Decorator[], kind: 'metadata' | 'assert', code: string, message: string): Declaration {
    const kw = this.read();
    const name = this.identifierWithRecovery(code, message, STOP_ASSIGNMENT_NEW_LINE);
    const assign = this.expectAssignment(this.suppressAfter(name), STOP_NEW_LINE);
    const value = this.valueExpression(this.suppressAfter(assign));
    return { kind, start: this.declStart(decorators, kw), end: this.prevEnd(), keyword: this.range(kw), decorators, name, value };
  }

  private parameter(decorators: Decorator[]): Declaration {
    const kw = this.read();
    const name = this.identifierWithRecovery('BCP013', 'Expected a parameter identifier at this location.', STOP_IDENTIFIER_NEW_LINE);
    const type = this.recover(() => this.type(false), this.suppressAfter(name), false, STOP_ASSIGNMENT_LEFT_BRACE_NEW_LINE);
    const defaultValue = this.recover((): Expression | undefined => {
      const cur = this.peek();
      if (this.ty(cur) === T.NewLine || this.ty(cur) === T.EndOfFile) return undefined;
      if (this.ty(cur) === T.Assignment) {
        this.read();
        return this.valueExpression(false);
      }
      return this.fail('BCP008', 'Expected the "=" token, or a newline at this location.');
    }, this.suppressAfter(type), false, STOP_NEW_LINE);
    return {
      kind: 'param', start: this.declStart(decorators, kw), end: this.prevEnd(), keyword: this.range(kw), decorators,
      name, type, defaultValue,
    };
  }

  private parameterAssignment(decorators: Decorator[]): Declaration {
    const kw = this.read();
    const name = this.identifierWithRecovery('BCP013', 'Expected a parameter identifier at this location.', STOP_IDENTIFIER_NEW_LINE);
    const assign = this.expectAssignment(this.suppressAfter(name), STOP_NEW_LINE);
    const value = this.valueExpression(this.suppressAfter(assign));
    return { kind: 'paramAssignment', start: this.declStart(decorators, kw), end: this.prevEnd(), keyword: this.range(kw), decorators, name, value };
  }

  private variable(decorators: Decorator[]): Declaration {
    const kw = this.read();
    const name = this.identifierWithRecovery('BCP015', 'Expected a variable identifier at this location.', STOP_IDENTIFIER_NEW_LINE);
    const type = this.recover((): TypeNode | undefined => {
      const t = this.ty(this.peek());
      if (t === T.EndOfFile || t === T.NewLine || t === T.Assignment) return undefined;
      return this.type(false);
    }, this.suppressAfter(name), false, STOP_ASSIGNMENT_NEW_LINE);
    const assign = this.expectAssignment(this.suppressAfter(type ?? name), STOP_NEW_LINE);
    const value = this.valueExpression(this.suppressAfter(assign));
    return { kind: 'var', start: this.declStart(decorators, kw), end: this.prevEnd(), keyword: this.range(kw), decorators, name, type, value };
  }

  private output(decorators: Decorator[]): Declaration {
    const kw = this.read();
    const name = this.identifierWithRecovery('BCP016', 'Expected an output identifier at this location.', STOP_IDENTIFIER_NEW_LINE);
    const type = this.recover(() => this.type(true), this.suppressAfter(name), false, STOP_ASSIGNMENT_NEW_LINE);
    const assign = this.expectAssignment(this.suppressAfter(type), STOP_NEW_LINE);
    const value = this.valueExpression(this.suppressAfter(assign));
    return { kind: 'output', start: this.declStart(decorators, kw), end: this.prevEnd(), keyword: this.range(kw), decorators, name, type, value };
  }

  private typeDeclaration(decorators: Decorator[]): Declaration {
    const kw = this.read();
    const name = this.identifierWithRecovery('BCP325', 'Expected a type identifier at this location.', STOP_ASSIGNMENT_NEW_LINE);
    this.expectAssignment(this.suppressAfter(name), STOP_NEW_LINE);
    const value = this.recover(() => this.type(false), this.suppressAfter(name), false, STOP_ASSIGNMENT_LEFT_BRACE_NEW_LINE);
    return { kind: 'type', start: this.declStart(decorators, kw), end: this.prevEnd(), keyword: this.range(kw), decorators, name, value };
  }

  private func(decorators: Decorator[]): Declaration {
    const kw = this.read();
    const name = this.identifierWithRecovery('BCP015', 'Expected a variable identifier at this location.', STOP_ASSIGNMENT_NEW_LINE);
    let parameters: FunctionParameter[] = [];
    let returnType: TypeNode = this.errorNode(this.prevEnd(), this.prevEnd());
    let body: Expression = returnType;
    const lambda = this.recover(() => {
      const params = this.parenthesizedList(() => this.typedLocalVariable(), true);
      const rt = this.recover(() => this.type(false), false, false, STOP_NEW_LINE_RIGHT_PAREN);
      const arrow = this.recover(() => this.expectChar(T.Arrow, '=>'), false, false, STOP_NEW_LINE_RIGHT_PAREN);
      if (!isError(arrow)) this.newlinesBeforeLambdaBody();
      const b = this.recover(() => this.expression(ALLOW_COMPLEX), false, false, STOP_NEW_LINE_RIGHT_PAREN);
      return { params: params.items, rt, b };
    }, this.suppressAfter(name), false, STOP_NEW_LINE);
    if (!isError(lambda)) {
      parameters = lambda.params.filter((p): p is FunctionParameter => !isError(p));
      returnType = lambda.rt;
      body = lambda.b;
    } else {
      returnType = body = lambda;
    }
    return {
      kind: 'func', start: this.declStart(decorators, kw), end: this.prevEnd(), keyword: this.range(kw), decorators,
      name, parameters, returnType, body,
    };
  }

  private typedLocalVariable(): FunctionParameter {
    const name = this.identifierOrSkip('BCP015', 'Expected a variable identifier at this location.');
    const type = this.recover(() => this.type(false), false, false, STOP_NEW_LINE_COMMA_RIGHT_PAREN);
    return { name, type, start: name.start, end: this.prevEnd() };
  }

  private stringOrFail(code: string, message: string): StringNode {
    const start = this.peek();
    if (this.ty(start) !== T.StringComplete && this.ty(start) !== T.StringLeftPiece) {
      // Like Bicep: skip what cannot be a string up to the end of the line, then fail at the first token.
      while (!this.atEnd() && !this.isAny(STOP_STRING_MIDDLE_PIECE_STRING_RIGHT_PIECE_NEW_LINE)) this.read();
      return this.fail(code, message, start);
    }
    const s = this.string();
    if (isError(s)) return this.fail(code, message, start);
    return s;
  }

  private deployable(value: Expression | IfNode): { condition?: Expression; loop?: ForNode; body?: ObjectNode } {
    const out: { condition?: Expression; loop?: ForNode; body?: ObjectNode } = {};
    let v: Expression | IfNode = value;
    if (v.kind === 'for') {
      out.loop = v;
      v = v.body;
    }
    if (v.kind === 'if') {
      out.condition = v.condition;
      v = v.body;
    }
    if (v.kind === 'object') out.body = v;
    else if (v.kind === 'error' && v.partial?.kind === 'object') out.body = v.partial;
    return out;
  }

  private resource(decorators: Decorator[]): ResourceDeclaration {
    const kw = this.read();
    const name = this.identifierWithRecovery('BCP017', 'Expected a resource identifier at this location.', STOP_STRING_COMPLETE_STRING_LEFT_PIECE_NEW_LINE);
    const type = this.is(T.StringComplete) ? this.string() as StringNode : this.recover(
      () => this.stringOrFail('BCP068', 'Expected a resource type string. Specify a valid resource type of format "<type-name>@<apiVersion>".'),
      this.suppressAfter(name), false, STOP_ASSIGNMENT_NEW_LINE);
    let existingRange: TextRange | undefined;
    if (this.isKeyword(this.peek(), 'existing')) existingRange = this.range(this.read());
    const assign = this.is(T.Assignment) ? this.read()
      : this.recover(() => this.expectChar(T.Assignment, '='), this.suppressAfter(type), false, STOP_LEFT_BRACE_NEW_LINE);
    if (!isError(assign) && this.isKeyword(this.indexSkippingNewlines(), 'if')) this.skipNewlines();
    let value: Expression | IfNode;
    const startPos = this.pos;
    const mark = this.diagnostics.length;
    try {
      value = this.resourceValue();
    } catch (caught) {
      value = this.recovered(caught, startPos, mark, this.suppressAfter(assign), false, STOP_NEW_LINE);
    }
    const d = this.deployable(value);
    return {
      kind: 'resource', start: this.declStart(decorators, kw), end: this.prevEnd(), keyword: this.range(kw), decorators,
      name, type, typeString: isError(type) ? undefined : type.value,
      existing: existingRange !== undefined, existingRange,
      value, condition: d.condition, loop: d.loop, body: d.body,
    };
  }

  private resourceValue(): Expression | IfNode {
    const cur = this.peek();
    if (this.ty(cur) === T.LeftBrace) return this.object(ALLOW_RESOURCES | ALLOW_COMPLEX);
    if (this.ty(cur) === T.SkippedBody) return this.skippedBody();
    if (this.isKeyword(cur, 'if')) return this.ifCondition(ALLOW_RESOURCES | ALLOW_COMPLEX, false);
    if (this.ty(cur) === T.LeftSquare) return this.forExpression(ALLOW_RESOURCES | ALLOW_COMPLEX, true);
    return this.fail('BCP118', 'Expected the "{" character, the "[" character, or the "if" keyword at this location.');
  }

  /** A resource body the lexer skipped: an empty object over its braces, or (one a rule reads) a deferred body. */
  private skippedBody(): ObjectNode {
    const t = this.read();
    const start = this.st(t), end = this.en(t);
    const lf = this.text.indexOf('\n', start);
    const multiline = (lf >= 0 && lf < end) || this.text.slice(start, end).includes('\r');
    if (this.info[t] === LAZY_BODY) {
      if (this.deferredSource?.depth !== this.depth) this.deferredSource = { text: this.text, fileKind: this.fileKind, maxDepth: this.maxDepth, depth: this.depth };
      return new DeferredBody(this.deferredSource, start, end, multiline);
    }
    return { kind: 'object', members: NO_MEMBERS, properties: NO_PROPERTIES, multiline, commaSeparated: false, closed: true, start, end, skipped: true };
  }

  /** Shared by the deferred bodies at one depth. */
  private deferredSource: DeferredSource | undefined;

  /** A deferred body in full, as `object` would have read it at `depth`. */
  deferredObject(depth: number): ObjectNode | undefined {
    this.depth = depth;
    try {
      return this.object(ALLOW_RESOURCES | ALLOW_COMPLEX);
    } catch (caught) {
      return caught instanceof ParseFailure && caught.partial?.kind === 'object' ? caught.partial : undefined;
    }
  }

  /** One member of a deferred body (`depth`: the body's), when it reads as a property with no error up to its end. */
  deferredProperty(depth: number): ObjectProperty | undefined {
    this.depth = depth + 1;
    const m = this.objectMember(ALLOW_RESOURCES | ALLOW_COMPLEX);
    const next = this.ty(this.pos);
    const ends = next === T.NewLine || next === T.Comma || next === T.RightBrace || next === T.EndOfFile;
    return m.kind === 'objectProperty' && ends && this.diagnostics.length === 0 ? m : undefined;
  }

  private module(decorators: Decorator[]): ModuleDeclaration {
    const kw = this.read();
    const name = this.identifierWithRecovery('BCP096', 'Expected a module identifier at this location.', STOP_STRING_COMPLETE_STRING_LEFT_PIECE_NEW_LINE);
    const path = this.recover(
      () => this.stringOrFail('BCP097', "Expected a module path string. This should be a relative path to another bicep file, e.g. 'myModule.bicep' or '../parent/myModule.bicep'"),
      this.suppressAfter(name), false, STOP_ASSIGNMENT_NEW_LINE);
    const assign = this.recover(() => this.expectChar(T.Assignment, '='), this.suppressAfter(path), false, STOP_LEFT_BRACE_NEW_LINE);
    if (this.isKeyword(this.indexSkippingNewlines(), 'if')) this.skipNewlines();
    const value = this.recover((): Expression | IfNode => {
      const cur = this.peek();
      if (this.isKeyword(cur, 'if')) return this.ifCondition(ALLOW_COMPLEX, false);
      if (this.ty(cur) === T.LeftBrace) return this.object(ALLOW_COMPLEX);
      if (this.ty(cur) === T.LeftSquare) return this.forExpression(ALLOW_COMPLEX, true);
      return this.fail('BCP118', 'Expected the "{" character, the "[" character, or the "if" keyword at this location.');
    }, this.suppressAfter(assign), false, STOP_NEW_LINE);
    const d = this.deployable(value);
    const pathString = isError(path) ? undefined : path.value;
    return {
      kind: 'module', start: this.declStart(decorators, kw), end: this.prevEnd(), keyword: this.range(kw), decorators,
      name, path, pathString, pathKind: classifyModulePath(pathString),
      value, condition: d.condition, loop: d.loop, body: d.body,
    };
  }

  private test(decorators: Decorator[]): Declaration {
    const kw = this.read();
    const name = this.identifierWithRecovery('BCP346', 'Expected a test identifier at this location.', STOP_STRING_COMPLETE_STRING_LEFT_PIECE_NEW_LINE);
    const path = this.recover(() => this.stringOrFail('BCP347', 'Expected a test path string at this location.'),
      this.suppressAfter(name), false, STOP_ASSIGNMENT_NEW_LINE);
    const assign = this.recover(() => this.expectChar(T.Assignment, '='), this.suppressAfter(path), false, STOP_LEFT_BRACE_NEW_LINE);
    const value = this.recover((): Expression => {
      if (this.is(T.LeftBrace)) return this.object(ALLOW_COMPLEX);
      return this.fail('BCP018', 'Expected the "{" character at this location.');
    }, this.suppressAfter(assign), false, STOP_NEW_LINE);
    return {
      kind: 'test', start: this.declStart(decorators, kw), end: this.prevEnd(), keyword: this.range(kw), decorators,
      name, path, pathString: isError(path) ? undefined : path.value, value,
    };
  }

  private importDeclaration(decorators: Decorator[], allowLegacyExtension: boolean): Declaration {
    const kw = this.read();
    const cur = this.peek();
    if (allowLegacyExtension && (this.ty(cur) === T.StringComplete || this.ty(cur) === T.StringLeftPiece)) {
      return this.extension(kw, 'import', decorators);
    }
    let symbols: ImportedSymbol[] | undefined;
    let wildcardAlias: Identifier | undefined;
    switch (this.ty(cur)) {
      case T.EndOfFile:
      case T.NewLine:
      case T.Identifier:
        this.reportEmpty('BCP354', "Expected left brace ('{') or asterisk ('*') character at this location.", this.st(cur));
        break;
      case T.LeftBrace:
        symbols = this.importedSymbolsList();
        break;
      case T.Asterisk: {
        const r = this.recover(() => {
          this.read();
          this.expectKeyword('as');
          return this.identifierFrom(this.expect(T.Identifier, 'BCP356', 'Expected a valid namespace identifier at this location.'));
        }, false, false, STOP_NEW_LINE);
        if (!isError(r)) wildcardAlias = r;
        break;
      }
      default: {
        const t = this.read();
        this.report(this.diagAt(t, 'BCP354', "Expected left brace ('{') or asterisk ('*') character at this location."));
      }
    }
    const from = this.recover(() => {
      this.expectKeyword('from');
      return this.recover(
        () => this.stringOrFail('BCP097', "Expected a module path string. This should be a relative path to another bicep file, e.g. 'myModule.bicep' or '../parent/myModule.bicep'"),
        false, false, STOP_NEW_LINE);
    }, false, false, STOP_NEW_LINE);
    return {
      kind: 'import', start: this.declStart(decorators, kw), end: this.prevEnd(), keyword: this.range(kw), decorators,
      symbols, wildcardAlias, from, fromPath: isError(from) ? undefined : from.value,
    };
  }

  private importedSymbolsList(): ImportedSymbol[] {
    this.expectChar(T.LeftBrace, '{');
    const info = { multiline: false, commaSeparated: false };
    const items = this.elements(T.RightBrace, () => this.importedSymbol(), info);
    this.expectChar(T.RightBrace, '}');
    return items.filter((i): i is ImportedSymbol => !isError(i));
  }

  private importedSymbol(): ImportedSymbol | ErrorNode {
    const cur = this.peek();
    let name: Identifier | StringNode | ErrorNode;
    if (this.ty(cur) === T.Identifier) {
      name = this.identifierFrom(this.read());
    } else if (this.ty(cur) === T.StringComplete) {
      name = this.string();
    } else if (this.ty(cur) === T.StringLeftPiece) {
      const s = this.string();
      this.report({ message: 'The value must be a compile-time constant.', start: s.start, end: s.end, code: 'BCP032', severity: 'error' });
      name = this.errorNode(s.start, s.end);
    } else {
      const t = this.read();
      this.report(this.diagAt(t, 'BCP355', 'Expected the name of an exported symbol at this location.'));
      return this.errorNode(this.st(t), this.en(t));
    }
    let alias: Identifier | undefined;
    if (this.isKeyword(this.peek(), 'as')) {
      this.read();
      alias = this.identifierWithRecovery('BCP325', 'Expected a type identifier at this location.', STOP_COMMA_NEW_LINE);
    }
    if (name.kind === 'string' && !alias) {
      this.report({
        message: "An import list item that identifies its target with a quoted string must include an 'as <alias>' clause.",
        start: name.start, end: name.end, code: 'BCP375', severity: 'error',
      });
    }
    return { name, alias, start: name.start, end: this.prevEnd() };
  }

  private extension(kw: Tok, keywordText: ExtensionDeclaration['keywordText'], decorators: Decorator[]): ExtensionDeclaration {
    const specification: Identifier | StringNode | ErrorNode = this.is(T.Identifier)
      ? this.identifierFrom(this.read())
      : this.recover(() => this.stringOrFail('BCP201', 'Expected an extension specification string. This should either be a relative path, or a valid OCI artifact specification.'),
        false, false, STOP_NEW_LINE);
    let config: ObjectNode | ErrorNode | undefined;
    let alias: Identifier | undefined;
    let cur = this.peek();
    let withClause: unknown;
    if (!(this.ty(cur) === T.EndOfFile || this.ty(cur) === T.NewLine || this.isKeyword(cur, 'as'))) {
      withClause = this.recover(() => {
        this.expectKeyword('with', 'BCP305', 'Expected the "with" keyword, "as" keyword, or a new line character at this location.');
        config = this.recover(() => this.object(ALLOW_COMPLEX), false, false, STOP_NEW_LINE);
        return config;
      }, this.suppressAfter(specification), false, STOP_NEW_LINE);
    }
    cur = this.peek();
    if (!(this.ty(cur) === T.EndOfFile || this.ty(cur) === T.NewLine)) {
      this.recover(() => {
        this.expectKeyword('as', 'BCP305', 'Expected the "with" keyword, "as" keyword, or a new line character at this location.');
        alias = this.identifierWithRecovery('BCP202', 'Expected an extension alias name at this location.', STOP_NEW_LINE);
        return alias;
      }, this.suppressAfter(withClause), false, STOP_NEW_LINE);
    }
    return {
      kind: 'extension', start: this.declStart(decorators, kw), end: this.prevEnd(), keyword: this.range(kw), decorators,
      keywordText, specification, config, alias,
    };
  }

  private using(decorators: Decorator[]): Declaration {
    const kw = this.read();
    const cur = this.peek();
    let path: StringNode | Identifier | ErrorNode;
    if (this.ty(cur) === T.Identifier) {
      path = this.identifierFrom(this.expectKeyword('none'));
    } else if (this.ty(cur) === T.StringComplete) {
      path = this.stringOrFail('BCP257', "Expected a Bicep file path string. This should be a relative path to another bicep file, e.g. 'myModule.bicep' or '../parent/myModule.bicep'");
    } else {
      this.reportEmpty('BCP257', "Expected a Bicep file path string. This should be a relative path to another bicep file, e.g. 'myModule.bicep' or '../parent/myModule.bicep'", this.st(cur));
      path = this.errorNode(this.prevEnd(), this.prevEnd());
    }
    let config: ObjectNode | ErrorNode | undefined;
    const next = this.peek();
    if (this.ty(next) !== T.EndOfFile && this.ty(next) !== T.NewLine) {
      this.recover(() => {
        this.expectKeyword('with', 'BCP436', 'Expected the "with" keyword or a new line character at this location.');
        config = this.recover(() => this.object(ALLOW_COMPLEX), false, false, STOP_NEW_LINE);
        return config;
      }, this.suppressAfter(path), false, STOP_NEW_LINE);
    }
    return {
      kind: 'using', start: this.declStart(decorators, kw), end: this.prevEnd(), keyword: this.range(kw), decorators,
      path, pathString: path.kind === 'string' ? path.value : undefined, config,
    };
  }

  private extendsDeclaration(decorators: Decorator[]): Declaration {
    const kw = this.read();
    const path = this.recover(() => this.stringOrFail('BCP404', 'The "extends" declaration is missing a bicepparam file path reference.'),
      false, false, STOP_NEW_LINE);
    return {
      kind: 'extends', start: this.declStart(decorators, kw), end: this.prevEnd(), keyword: this.range(kw), decorators,
      path, pathString: isError(path) ? undefined : path.value,
    };
  }

  private extensionConfig(decorators: Decorator[]): Declaration {
    const kw = this.read();
    const alias = this.identifierWithRecovery('BCP202', 'Expected an extension alias name at this location.', STOP_IDENTIFIER_NEW_LINE);
    const config = this.recover(() => {
      this.expectKeyword('with');
      return this.recover(() => this.object(ALLOW_COMPLEX), false, false, STOP_NEW_LINE);
    }, this.suppressAfter(alias), false, STOP_NEW_LINE);
    return { kind: 'extensionConfig', start: this.declStart(decorators, kw), end: this.prevEnd(), keyword: this.range(kw), decorators, alias, config };
  }

  // --- decorators ---------------------------------------------------------------------------

  private leadingDecorators(): Decorator[] {
    if (!this.is(T.At)) return NO_DECORATORS;
    const decorators: Decorator[] = [];
    while (this.is(T.At)) {
      const before = this.pos;
      decorators.push(this.decorator());
      this.recover(() => this.expect(T.NewLine, 'BCP019', 'Expected a new line character at this location.'), false, true, STOP_NEW_LINE);
      this.skipNewlines();
      if (this.pos === before) break;
    }
    return decorators;
  }

  private decorator(): Decorator {
    const at = this.read();
    const expression = this.recover((): Expression => {
      const id = this.identifierFrom(this.expect(T.Identifier, 'BCP123', 'Expected a namespace or decorator name at this location.'));
      let cur: Expression = this.is(T.LeftParen)
        ? this.call(id, undefined, ALLOW_COMPLEX)
        : { kind: 'variable', name: id.name, start: id.start, end: id.end };
      while (this.is(T.Dot)) {
        this.read();
        const member = this.identifierOrSkip('BCP020', 'Expected a function or property name at this location.');
        cur = this.is(T.LeftParen)
          ? this.call(member, cur, ALLOW_COMPLEX)
          : { kind: 'propertyAccess', target: cur, property: member, safe: false, start: cur.start, end: this.prevEnd() };
      }
      return cur;
    }, false, false, STOP_NEW_LINE);
    let name = '';
    let namespace: string | undefined;
    let args: Expression[] = [];
    if (expression.kind === 'call') {
      name = expression.name.name;
      args = expression.args;
      if (expression.target?.kind === 'variable') namespace = expression.target.name;
    } else if (expression.kind === 'variable') {
      name = expression.name;
    } else if (expression.kind === 'propertyAccess') {
      name = expression.property.name;
      if (expression.target.kind === 'variable') namespace = expression.target.name;
    }
    return { kind: 'decorator', start: this.st(at), end: this.prevEnd(), expression, name, namespace, args };
  }

  // --- expressions --------------------------------------------------------------------------

  expression(flags: number): Expression {
    this.enter();
    try {
      const candidate = this.binary(flags, 0);
      const q = this.indexSkippingNewlines();
      if (this.ty(q) !== T.Question) return candidate;
      this.pos = q;
      const question = this.read();
      const whenTrue = this.recover(() => this.expression(flags), false, false,
        STOP_COLON_STRING_RIGHT_PIECE_RIGHT_BRACE_RIGHT_PAREN_RIGHT_SQUARE_NEW_LINE);
      if (!isError(whenTrue) && this.ty(this.indexSkippingNewlines()) === T.Colon) this.skipNewlines();
      const colon = this.recover(() => this.expectChar(T.Colon, ':'), this.suppressAfter(whenTrue), false, CLOSERS_EXPR);
      const whenFalse = this.recover(() => this.expression(flags), this.suppressAfter(colon), false, CLOSERS_EXPR);
      return {
        kind: 'ternary', condition: candidate, whenTrue, whenFalse, questionRange: this.range(question),
        start: candidate.start, end: this.prevEnd(),
      };
    } finally {
      this.depth--;
    }
  }

  private binary(flags: number, precedence: number): Expression {
    const left = this.unary(flags);
    // Each link of a chain (`a + b + c`) nests the tree one level deeper: counted as depth, so the
    // lowerer and evaluator, which recurse over the tree, stay within the limit.
    const depth = this.depth;
    try {
      return this.binaryChain(flags, precedence, left);
    } finally {
      this.depth = depth;
    }
  }

  private binaryChain(flags: number, precedence: number, left: Expression): Expression {
    for (;;) {
      const op = this.peek();
      const p = BINARY_PRECEDENCE[this.ty(op)];
      if (p === undefined || p <= precedence) return left;
      this.link();
      this.read();
      let right: Expression;
      const startPos = this.pos;
      const mark = this.diagnostics.length;
      try {
        right = this.binary(flags, p);
      } catch (caught) {
        right = this.recovered(caught, startPos, mark, false, false, CLOSERS_EXPR);
      }
      left = {
        kind: 'binary', operator: BINARY_OPERATOR[this.ty(op)]!, left, right, operatorRange: this.range(op),
        start: left.start, end: this.prevEnd(),
      };
    }
  }

  private unary(flags: number): Expression {
    const op = this.peek();
    if (this.ty(op) === T.Exclamation || this.ty(op) === T.Minus) {
      this.read();
      const operand = this.recover(() => this.member(flags), false, false, CLOSERS_EXPR);
      return {
        kind: 'unary', operator: this.ty(op) === T.Exclamation ? '!' : '-', operand, operatorRange: this.range(op),
        start: this.st(op), end: this.prevEnd(),
      };
    }
    return this.member(flags);
  }

  private member(flags: number): Expression {
    const cur = this.primary(flags);
    // As for binary chains: each postfix link (`a!`, `a.b`, `a[0]`) is one level of the tree.
    const depth = this.depth;
    try {
      return this.postfixChain(flags, cur);
    } finally {
      this.depth = depth;
    }
  }

  private postfixChain(flags: number, start: Expression): Expression {
    let cur = start;
    for (;;) {
      const t = this.peek();
      if (this.ty(t) === T.LeftSquare) {
        this.read();
        const safe = this.is(T.Question) ? (this.read(), true) : false;
        const fromEnd = this.is(T.Hat) ? (this.read(), true) : false;
        let index: Expression;
        if (this.is(T.RightSquare)) {
          const at = this.st(this.peek());
          this.reportEmpty('BCP117', 'An empty indexer is not allowed. Specify a valid expression.', at);
          index = this.errorNode(at, at);
        } else {
          index = this.expression(flags);
        }
        this.expectChar(T.RightSquare, ']');
        cur = { kind: 'indexAccess', target: cur, index, safe, fromEnd, start: cur.start, end: this.prevEnd() };
        this.link();
        continue;
      }
      if (this.ty(t) === T.Dot) {
        this.read();
        const q = this.is(T.Question) ? this.read() : undefined;
        cur = this.memberAfterDot(cur, q !== undefined, q, flags);
        this.link();
        continue;
      }
      if (this.ty(t) === T.Question && this.ty(this.peekAt(1)) === T.Dot && this.st(this.peekAt(1)) === this.en(t)
        && this.ty(this.peekAt(2)) === T.Identifier && this.en(this.peekAt(1)) === this.st(this.peekAt(2))) {
        // `a?.b` is not Bicep (it is `a.?b`); parse it as a safe access and say so.
        this.read();
        const dot = this.read();
        this.report({
          message: "Bicep's safe-dereference operator is '.?' (as in 'a.?b'), not '?.'.",
          start: this.st(t), end: this.en(dot), code: 'EGB006', severity: 'error',
        });
        cur = this.memberAfterDot(cur, true, undefined, flags);
        this.link();
        continue;
      }
      if (this.ty(t) === T.DoubleColon) {
        this.read();
        const name = this.identifierOrSkip('BCP020', 'Expected a function or property name at this location.');
        cur = { kind: 'resourceAccess', target: cur, name, start: cur.start, end: this.prevEnd() };
        this.link();
        continue;
      }
      if (this.ty(t) === T.Exclamation) {
        this.read();
        cur = { kind: 'nonNullAssertion', target: cur, start: cur.start, end: this.prevEnd() };
        this.link();
        continue;
      }
      return cur;
    }
  }

  /** One more link of a chain: one level deeper. */
  private link(): void {
    if (this.depth >= this.maxDepth) this.tooDeep();
    this.depth++;
  }

  private memberAfterDot(target: Expression, safe: boolean, safeToken: Tok | undefined, flags: number): Expression {
    const property = this.identifierOrSkip('BCP020', 'Expected a function or property name at this location.');
    if (this.is(T.LeftParen)) {
      if (safeToken) {
        this.report({
          message: 'The `.?` (safe dereference) operator may not be used on instance function invocations.',
          start: this.st(safeToken), end: property.end, code: 'BCP322', severity: 'error',
        });
      }
      return this.call(property, target, flags);
    }
    return { kind: 'propertyAccess', target, property, safe, start: target.start, end: this.prevEnd() };
  }

  private primary(flags: number): Expression {
    const t = this.peek();
    switch (this.ty(t)) {
      case T.Integer: return this.integer();
      case T.NullKeyword: this.read(); return { kind: 'null', start: this.st(t), end: this.en(t) };
      case T.TrueKeyword: this.read(); return { kind: 'boolean', value: true, start: this.st(t), end: this.en(t) };
      case T.FalseKeyword: this.read(); return { kind: 'boolean', value: false, start: this.st(t), end: this.en(t) };
      case T.StringComplete:
      case T.StringLeftPiece:
        return this.string();
      case T.LeftBrace:
        if (flags & ALLOW_COMPLEX) return this.object(flags);
        return this.fail('BCP087', 'Array and object literals are not allowed here.');
      case T.LeftSquare:
        if (flags & ALLOW_COMPLEX) {
          return this.isKeyword(this.indexSkippingNewlines(this.pos + 1), 'for')
            ? this.forExpression(flags, false)
            : this.array();
        }
        return this.fail('BCP087', 'Array and object literals are not allowed here.');
      case T.LeftParen:
        return this.parenthesizedOrLambda(flags);
      case T.Identifier:
        return this.callOrVariableOrLambda(flags);
      default:
        return this.fail('BCP009', 'Expected a literal value, an array, an object, a parenthesized expression, or a function call at this location.');
    }
  }

  private integer(): Expression {
    const t = this.peek();
    const raw = this.tokenText(t);
    if (raw.length >= ULONG_MAX.length) {
      const digits = raw.replace(/^0+(?=.)/, '');
      if (digits.length > ULONG_MAX.length || (digits.length === ULONG_MAX.length && digits > ULONG_MAX)) {
        return this.fail('BCP010', 'Expected a valid 64-bit signed integer.');
      }
    }
    this.read();
    return { kind: 'number', value: Number(raw), raw, start: this.st(t), end: this.en(t) };
  }

  private callOrVariableOrLambda(flags: number): Expression {
    const id = this.identifierFrom(this.read());
    if (this.is(T.LeftParen)) return this.call(id, undefined, flags);
    if (this.is(T.Arrow)) {
      this.read();
      this.newlinesBeforeLambdaBody();
      const body = this.recover(() => this.expression(ALLOW_COMPLEX), false, false, STOP_NEW_LINE_RIGHT_PAREN);
      return { kind: 'lambda', parameters: [id], body, start: id.start, end: this.prevEnd() };
    }
    return { kind: 'variable', name: id.name, start: id.start, end: id.end };
  }

  private newlinesBeforeLambdaBody(): void {
    const next = this.indexSkippingNewlines();
    if (!(this.ty(next) === T.Identifier && DECLARATION_KEYWORDS.has(this.tokenText(next)))) this.skipNewlines();
  }

  private call(name: Identifier, target: Expression | undefined, flags: number): CallNode {
    this.expectChar(T.LeftParen, '(');
    const args = this.functionElements(T.RightParen,
      () => this.recoverExpression(flags, false, STOP_NEW_LINE_COMMA_RIGHT_PAREN));
    let closed = true;
    if (this.is(T.RightParen)) this.read();
    else {
      closed = false;
      this.reportEmpty('BCP018', 'Expected the ")" character at this location.');
    }
    return { kind: 'call', name, target, args, closed, start: target ? target.start : name.start, end: this.prevEnd() };
  }

  /** Comma-separated elements (function arguments, type arguments); newlines only after `,`/`(` or before the closer. */
  private functionElements<N>(closing: T, element: () => N): N[] {
    const items: N[] = [];
    if (this.is(closing)) return items;
    this.skipNewlines();
    let expectElement = true;
    while (!this.atEnd() && !this.is(closing)) {
      const before = this.pos;
      if (!expectElement) {
        if (this.is(T.NewLine)) {
          const k = this.indexSkippingNewlines();
          const next = this.ty(k);
          if (next === T.EndOfFile) break;
          if (next !== closing) this.reportEmpty('BCP237', 'Expected a comma character at this location.');
          this.skipNewlines();
        } else if (this.is(T.Comma)) {
          this.read();
          this.skipNewlines();
          if (this.is(closing)) items.push(element()); // trailing comma: reports the missing argument
        } else {
          this.reportEmpty('BCP236', 'Expected a new line or comma character at this location.');
        }
        expectElement = true;
        continue;
      }
      items.push(element());
      expectElement = false;
      if (this.pos === before && !this.is(T.NewLine) && !this.is(T.Comma) && !this.is(closing) && !this.atEnd()) this.read();
    }
    return items;
  }

  /**
   * Newline- or comma-separated elements (arrays, objects, object types, tuples, import lists).
   * Records whether line breaks and commas separate them.
   */
  private elements<N>(closing: T, element: () => N, info: { multiline: boolean; commaSeparated: boolean }): N[] {
    const items: N[] = [];
    if (this.is(closing)) return items;
    if (this.skipNewlines()) info.multiline = true;
    let expectElement = true;
    while (!this.atEnd() && !this.is(closing)) {
      if (!expectElement) {
        if (this.is(T.NewLine)) {
          this.skipNewlines();
          info.multiline = true;
        } else if (this.is(T.Comma)) {
          this.read();
          info.commaSeparated = true;
          if (this.is(T.NewLine)) {
            this.reportEmpty('BCP238', 'Unexpected new line character after a comma.');
            this.read();
            info.multiline = true;
          }
        } else {
          this.reportEmpty('BCP236', 'Expected a new line or comma character at this location.');
        }
        expectElement = true;
        continue;
      }
      const before = this.pos;
      items.push(element());
      expectElement = false;
      if (this.pos === before && !this.is(T.NewLine) && !this.is(T.Comma) && !this.is(closing) && !this.atEnd()) this.read();
    }
    return items;
  }

  object(flags: number): ObjectNode {
    this.enter();
    try {
      const open = this.expectChar(T.LeftBrace, '{');
      const info = { multiline: false, commaSeparated: false };
      const members = this.elements(T.RightBrace, () => this.objectMember(flags), info);
      const node: ObjectNode = {
        kind: 'object', members, properties: members.filter(isProperty),
        multiline: info.multiline, commaSeparated: info.commaSeparated, closed: true,
        start: this.st(open), end: this.prevEnd(),
      };
      return this.close(node, T.RightBrace, '}');
    } finally {
      this.depth--;
    }
  }

  /** Reads the closing bracket of an object or array; without it the half-built node travels with the failure. */
  private close<N extends ObjectNode | ArrayNode>(node: N, closing: T, char: string): N {
    if (!this.is(closing)) {
      node.closed = false;
      throw new ParseFailure(this.diagAt(this.peek(), 'BCP018', `Expected the "${char}" character at this location.`), node);
    }
    this.read();
    node.end = this.prevEnd();
    return node;
  }

  private objectMember(flags: number): ObjectMember {
    const startPos = this.pos;
    const mark = this.diagnostics.length;
    try {
      return this.objectMemberBody(flags);
    } catch (caught) {
      return this.recovered(caught, startPos, mark, false, false, STOP_NEW_LINE_RIGHT_BRACE);
    }
  }

  private objectMemberBody(flags: number): ObjectMember {
    if ((flags & ALLOW_RESOURCES) && (this.is(T.At) || (this.isKeyword(this.peek(), 'resource') && this.ty(this.peekAt(1)) === T.Identifier))) {
      const d = this.declaration('resource');
      if (d && (d.kind === 'resource' || d.kind === 'error')) return d;
      const start = d ? d.start : this.st(this.peek());
      return this.errorNode(start, d ? d.end : start);
    }
    if (this.is(T.Ellipsis)) return this.spread(STOP_COMMA_NEW_LINE_RIGHT_BRACE);
    const cur = this.peek();
    const key = this.ty(cur) === T.Identifier ? this.identifierFrom(this.read()) : this.recover((): Identifier | StringNode => {
      if (this.ty(cur) === T.Identifier) return this.identifierFrom(this.read());
      if (this.ty(cur) === T.StringComplete || this.ty(cur) === T.StringLeftPiece) {
        const s = this.string();
        if (!isError(s)) return s;
      }
      return this.fail('BCP022', 'Expected a property name at this location.', cur);
    }, false, false, STOP_COLON_NEW_LINE_RIGHT_BRACE);
    const colon = this.is(T.Colon) ? this.read()
      : this.recover(() => this.expectChar(T.Colon, ':'), this.suppressAfter(key), false, STOP_NEW_LINE_RIGHT_BRACE);
    const value = this.recoverExpression(ALLOW_COMPLEX, this.suppressAfter(colon), STOP_NEW_LINE_RIGHT_BRACE);
    return {
      kind: 'objectProperty', key, keyName: keyName(key), value,
      start: key.start, end: Math.max(key.end, this.prevEnd()),
    };
  }

  private spread(terminators: readonly T[]): SpreadNode {
    const ellipsis = this.read();
    const expression = this.recover(() => this.expression(ALLOW_COMPLEX), false, false, terminators);
    return { kind: 'spread', expression, start: this.st(ellipsis), end: this.prevEnd() };
  }

  private array(): ArrayNode {
    this.enter();
    try {
      const open = this.expectChar(T.LeftSquare, '[');
      const info = { multiline: false, commaSeparated: false };
      const items = this.elements(T.RightSquare, () => this.is(T.Ellipsis)
        ? this.recover(() => this.spread(STOP_COMMA_NEW_LINE_RIGHT_SQUARE), false, false, STOP_NEW_LINE_RIGHT_SQUARE)
        : this.recoverExpression(ALLOW_COMPLEX, false, STOP_NEW_LINE_RIGHT_SQUARE), info);
      const node: ArrayNode = {
        kind: 'array', items, multiline: info.multiline, commaSeparated: info.commaSeparated, closed: true,
        start: this.st(open), end: this.prevEnd(),
      };
      return this.close(node, T.RightSquare, ']');
    } finally {
      this.depth--;
    }
  }

  private forExpression(flags: number, resourceContext: boolean): ForNode {
    const open = this.expectChar(T.LeftSquare, '[');
    this.skipNewlines();
    this.expectKeyword('for');
    let itemVariable: Identifier | undefined;
    let indexVariable: Identifier | undefined;
    let variablesBroken = false;
    const cur = this.peek();
    if (this.ty(cur) === T.Identifier) {
      itemVariable = this.identifierFrom(this.read());
    } else if (this.ty(cur) === T.LeftParen) {
      const mark = this.diagnostics.length;
      const block = this.parenthesizedList(() => this.expression(0), false);
      const vars: Identifier[] = [];
      for (const item of block.items) {
        if (item.kind === 'variable') vars.push({ kind: 'identifier', name: item.name, start: item.start, end: item.end });
        else variablesBroken = true;
      }
      variablesBroken = variablesBroken || this.diagnostics.length > mark || !block.closed;
      if (block.items.length !== 2 && !variablesBroken) {
        this.report({
          message: `Expected loop variable block to consist of exactly 2 elements (item variable and index variable), but found ${block.items.length}.`,
          start: block.start, end: block.end, code: 'BCP249', severity: 'error',
        });
        variablesBroken = true;
      }
      itemVariable = vars[0];
      indexVariable = vars[1];
    } else {
      this.reportEmpty('BCP162', 'Expected a loop item variable identifier or "(" at this location.', this.st(cur));
      variablesBroken = true;
    }
    const inKw = this.recover(() => this.expectKeyword('in'), variablesBroken, false, STOP_RIGHT_SQUARE_NEW_LINE);
    const iterable = this.recover(() => this.expression(ALLOW_COMPLEX), this.suppressAfter(inKw), false, STOP_COLON_RIGHT_SQUARE_NEW_LINE);
    const colon = this.recover(() => this.expectChar(T.Colon, ':'), this.suppressAfter(iterable), false, STOP_RIGHT_SQUARE_NEW_LINE);
    const body = this.recover((): Expression | IfNode => {
      if (!resourceContext) return this.expression(flags | ALLOW_COMPLEX);
      const b = this.peek();
      if (this.ty(b) === T.LeftBrace) return this.object(flags);
      if (this.isKeyword(b, 'if')) return this.ifCondition(flags, true);
      return this.fail('BCP167', 'Expected the "{" character or the "if" keyword at this location.');
    }, this.suppressAfter(colon), false, STOP_RIGHT_SQUARE_NEW_LINE);
    if (!isError(body)) this.skipNewlines();
    this.recover(() => this.expectChar(T.RightSquare, ']'), this.suppressAfter(body), false, STOP_RIGHT_SQUARE_NEW_LINE);
    return { kind: 'for', itemVariable, indexVariable, iterable, body, start: this.st(open), end: this.prevEnd() };
  }

  private ifCondition(flags: number, insideFor: boolean): IfNode {
    const kw = this.expectKeyword('if');
    let parenOk = false;
    let conditionRange: TextRange = { start: this.prevEnd(), end: this.prevEnd() };
    const condition = this.recover((): Expression => {
      const p = this.parenthesizedExpression(flags & ~ALLOW_RESOURCES);
      parenOk = p.closed;
      conditionRange = { start: p.start, end: p.end };
      return p.inner;
    }, false, false, insideFor ? STOP_RIGHT_SQUARE_LEFT_BRACE_NEW_LINE : STOP_LEFT_BRACE_NEW_LINE);
    if (isError(condition)) conditionRange = { start: condition.start, end: condition.end };
    const body = this.recover(() => this.object(flags), this.suppressAfter(condition) || !parenOk || isError(condition), false,
      insideFor ? STOP_RIGHT_SQUARE_NEW_LINE : STOP_NEW_LINE);
    return { kind: 'if', condition, conditionRange, body, start: this.st(kw), end: this.prevEnd() };
  }

  /**
   * `( items )` with comma separators; the closing paren is recovered, not required. `elements`
   * lists items, commas and (when permitted) line breaks in order, as Bicep counts them.
   */
  private parenthesizedList<N extends { kind?: string; start: number; end: number }>(item: () => N, permitNewLines: boolean): ParenList<N> {
    const open = this.expectChar(T.LeftParen, '(');
    const items: (N | ErrorNode)[] = [];
    const elements: { start: number; end: number; token: boolean }[] = [];
    const newlines = () => {
      if (!permitNewLines) return;
      while (this.is(T.NewLine)) {
        const t = this.read();
        elements.push({ start: this.st(t), end: this.en(t), token: true });
      }
    };
    newlines();
    while (!this.is(T.RightParen)) {
      const before = this.pos;
      const e = this.recover(item, false, false,
        STOP_STRING_RIGHT_PIECE_RIGHT_BRACE_RIGHT_PAREN_RIGHT_SQUARE_NEW_LINE_COMMA);
      items.push(e);
      elements.push({ start: e.start, end: e.end, token: false });
      newlines();
      if (this.is(T.Comma)) {
        const c = this.read();
        elements.push({ start: this.st(c), end: this.en(c), token: true });
        newlines();
      } else {
        newlines();
        break;
      }
      if (this.pos === before) break;
    }
    const lastElement = elements.length > 0 ? elements[elements.length - 1] : undefined;
    const last = lastElement && !lastElement.token ? items[items.length - 1] : undefined;
    const close = this.recover(() => this.expectChar(T.RightParen, ')'), last ? this.suppressAfter(last) : false, false,
      STOP_STRING_RIGHT_PIECE_RIGHT_BRACE_RIGHT_SQUARE_NEW_LINE);
    return { items, elements, start: this.st(open), end: this.prevEnd(), closed: !isError(close), openEnd: this.en(open) };
  }

  private parenthesizedExpression(flags: number): { inner: Expression; start: number; end: number; closed: boolean } {
    const list = this.parenthesizedList(() => this.expression(flags), true);
    return { inner: this.parenthesizedInner(list), start: list.start, end: list.end, closed: list.closed };
  }

  /** The single expression inside parentheses; anything else (none, several, commas, line breaks) is BCP243. */
  private parenthesizedInner<N extends { start: number; end: number }>(list: ParenList<N>): N | ErrorNode {
    const els = list.elements;
    if (els.length === 1) {
      if (!els[0].token) return list.items[0];
      return this.errorNode(els[0].start, els[0].end);
    }
    const msg = 'Parentheses must contain exactly one expression.';
    if (els.length === 0) {
      this.reportEmpty('BCP243', msg, list.openEnd);
      return this.errorNode(list.openEnd, list.openEnd);
    }
    const first = els[0], last = els[els.length - 1];
    this.report({ message: msg, start: first.start, end: last.end, code: 'BCP243', severity: 'error' });
    return this.errorNode(first.start, last.end);
  }

  private parenthesizedOrLambda(flags: number): Expression {
    const list = this.parenthesizedList(() => this.expression(flags), true);
    if (this.is(T.Arrow)) {
      this.read();
      this.newlinesBeforeLambdaBody();
      const body = this.recover(() => this.expression(ALLOW_COMPLEX), false, false, STOP_NEW_LINE_RIGHT_PAREN);
      const parameters: Identifier[] = [];
      for (const item of list.items) {
        if (item.kind === 'variable') parameters.push({ kind: 'identifier', name: item.name, start: item.start, end: item.end });
        else if (item.kind !== 'error') {
          this.report({ message: 'Expected a lambda parameter name at this location.', start: item.start, end: item.end, code: 'EGB007', severity: 'error' });
        }
      }
      return { kind: 'lambda', parameters, body, start: list.start, end: this.prevEnd() };
    }
    const inner = this.parenthesizedInner(list);
    if (isError(inner) && (list.elements.length !== 1 || list.elements[0].token)) return this.errorNode(list.start, list.end);
    return { kind: 'parenthesized', expression: inner, start: list.start, end: list.end };
  }

  string(): StringNode | ErrorNode {
    const first = this.peek();
    if (this.ty(first) === T.StringComplete) {
      this.read();
      return this.completeString(first);
    }
    if (this.ty(first) !== T.StringLeftPiece) {
      return this.fail('BCP009', 'Expected a literal value, an array, an object, a parenthesized expression, or a function call at this location.');
    }
    const pieces: Tok[] = [this.read()];
    const expressions: Expression[] = [];
    const holeEnd = STOP_STRING_MIDDLE_PIECE_STRING_RIGHT_PIECE_NEW_LINE;
    for (;;) {
      let e = this.recoverExpression(0, false, holeEnd);
      if (!this.isAny(holeEnd) && !this.atEnd()) {
        const skipStart = this.st(this.peek());
        while (!this.atEnd() && !this.isAny(holeEnd)) this.read();
        this.report({ message: 'Found unexpected tokens in interpolated expression.', start: skipStart, end: this.prevEnd(), code: 'BCP064', severity: 'error' });
        e = this.errorNode(e.start, this.prevEnd());
      }
      expressions.push(e);
      if (this.is(T.StringMiddlePiece)) { pieces.push(this.read()); continue; }
      if (this.is(T.StringRightPiece)) { pieces.push(this.read()); return this.buildString(pieces, expressions); }
      // newline or end of file inside a hole: the lexer or the hole expression reported it
      if (this.atEnd()) this.reportEmpty('BCP003', 'The string at this location is not terminated. Terminate the string with a single quote character.');
      return this.errorNode(this.st(first), this.prevEnd());
    }
  }

  /** `buildString([p], NO_EXPRESSIONS)`, without the list. */
  private completeString(p: Tok): StringNode {
    const text = this.text;
    const ml = this.multilineOf(p);
    const pieceStart = this.st(p), pieceEnd = this.en(p);
    let s = pieceStart, e = pieceEnd;
    if (ml > 0) {
      s += ml - 1 + 3;
      if (text.charCodeAt(s) === 13 && s < e) s++;
      if (text.charCodeAt(s) === 10 && s < e) s++;
      if (!this.unterminatedOf(p)) e -= 3;
    } else {
      s += 1;
      if (!this.unterminatedOf(p)) e -= 1;
    }
    if (s > pieceEnd) s = pieceEnd;
    if (e < s) e = s;
    const value = ml > 0 ? text.slice(s, e) : decodeEscapes(text, s, e);
    return {
      kind: 'string', segments: [value], segmentRanges: [{ start: s, end: e }], expressions: NO_EXPRESSIONS, multiline: ml > 0,
      value, start: pieceStart, end: pieceEnd,
    };
  }

  private buildString(pieces: Tok[], expressions: Expression[]): StringNode {
    const text = this.text;
    const multiline = this.multilineOf(pieces[0]) > 0;
    const dollars = multiline ? this.multilineOf(pieces[0]) - 1 : 0;
    const segments: string[] = [];
    const segmentRanges: TextRange[] = [];
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i];
      let s = this.st(p), e = this.en(p);
      const isFirst = i === 0, isLast = i === pieces.length - 1;
      if (multiline) {
        s += isFirst ? dollars + 3 : 1;
        if (isFirst) {
          if (text.charCodeAt(s) === 13 && s < e) s++;
          if (text.charCodeAt(s) === 10 && s < e) s++;
        }
        if (isLast) { if (!this.unterminatedOf(p)) e -= 3; } else e -= dollars + 1;
      } else {
        s += 1;
        if (isLast) { if (!this.unterminatedOf(p)) e -= 1; } else e -= 2;
      }
      if (s > this.en(p)) s = this.en(p);
      if (e < s) e = s;
      segmentRanges.push({ start: s, end: e });
      segments.push(multiline ? text.slice(s, e) : decodeEscapes(text, s, e));
    }
    return {
      kind: 'string', segments, segmentRanges, expressions, multiline,
      value: expressions.length === 0 ? segments[0] : undefined,
      start: this.st(pieces[0]), end: this.en(pieces[pieces.length - 1]),
    };
  }

  // --- types --------------------------------------------------------------------------------

  private type(allowOptionalResourceType: boolean): TypeNode {
    const cur = this.peek();
    if (this.isKeyword(cur, 'resource') && this.ty(this.peekAt(1)) !== T.LeftChevron) {
      this.read();
      const typeString = this.recover((): StringNode | undefined => {
        const t = this.ty(this.peek());
        if (allowOptionalResourceType && t !== T.StringComplete && t !== T.StringLeftPiece) return undefined;
        return this.stringOrFail('BCP068', 'Expected a resource type string. Specify a valid resource type of format "<type-name>@<apiVersion>".');
      }, false, false, STOP_ASSIGNMENT_NEW_LINE);
      return { kind: 'resourceType', typeString, start: this.st(cur), end: this.prevEnd() };
    }
    return this.typeExpression();
  }

  private hasUnionSeparator(): boolean {
    return this.is(T.Pipe) || (this.is(T.NewLine) && this.ty(this.peekAt(1)) === T.Pipe);
  }

  private typeExpression(): TypeNode {
    this.enter();
    try {
      const start = this.st(this.peek());
      let leadingPipe = false;
      if (this.hasUnionSeparator()) {
        this.skipNewlines();
        this.read();
        leadingPipe = true;
      }
      const first = this.unaryType();
      if (!leadingPipe && !this.hasUnionSeparator()) return first;
      const members: TypeNode[] = [first];
      while (this.hasUnionSeparator()) {
        this.skipNewlines();
        this.read();
        if (this.is(T.NewLine)) {
          this.reportEmpty('BCP300', 'Expected a type literal at this location. Please specify a concrete value or a reference to a literal type.');
          members.push(this.errorNode(this.prevEnd(), this.prevEnd()));
        } else {
          members.push(this.recover(() => this.unaryType(), false, false, STOP_NEW_LINE));
        }
      }
      return { kind: 'unionType', members, start: leadingPipe ? start : first.start, end: this.prevEnd() };
    } finally {
      this.depth--;
    }
  }

  private unaryType(): TypeNode {
    let cur = this.unaryTypeBase();
    for (;;) {
      if (this.is(T.Question)) { this.read(); cur = { kind: 'nullableType', inner: cur, start: cur.start, end: this.prevEnd() }; continue; }
      if (this.is(T.Exclamation)) { this.read(); cur = { kind: 'nonNullableType', inner: cur, start: cur.start, end: this.prevEnd() }; continue; }
      return cur;
    }
  }

  private unaryTypeBase(): TypeNode {
    const op = this.peek();
    if (this.ty(op) === T.Exclamation || this.ty(op) === T.Minus) {
      this.read();
      const operand = this.recover(() => this.memberType(), false, false, CLOSERS_EXPR);
      return { kind: 'unaryType', operator: this.ty(op) === T.Exclamation ? '!' : '-', operand, start: this.st(op), end: this.prevEnd() };
    }
    return this.memberType();
  }

  private memberType(): TypeNode {
    let cur = this.primaryType();
    for (;;) {
      if (this.is(T.LeftSquare)) {
        this.read();
        if (this.is(T.RightSquare)) {
          this.read();
          cur = { kind: 'arrayType', element: cur, start: cur.start, end: this.prevEnd() };
        } else if (this.is(T.Asterisk)) {
          this.read();
          this.expectChar(T.RightSquare, ']');
          cur = { kind: 'typeItemsAccess', target: cur, start: cur.start, end: this.prevEnd() };
        } else {
          const index = this.expression(0);
          this.expectChar(T.RightSquare, ']');
          cur = { kind: 'typeIndexAccess', target: cur, index, start: cur.start, end: this.prevEnd() };
        }
        continue;
      }
      if (this.is(T.Dot)) {
        this.read();
        if (this.is(T.Asterisk)) {
          this.read();
          cur = { kind: 'typeAdditionalPropertiesAccess', target: cur, start: cur.start, end: this.prevEnd() };
          continue;
        }
        const member = this.identifierOrSkip('BCP020', 'Expected a function or property name at this location.');
        const typeArguments = this.is(T.LeftChevron) ? this.typeArguments() : undefined;
        cur = { kind: 'typeMemberAccess', target: cur, member, typeArguments, start: cur.start, end: this.prevEnd() };
        continue;
      }
      return cur;
    }
  }

  private typeArguments(): TypeNode[] {
    this.expectChar(T.LeftChevron, '<');
    const args = this.functionElements(T.RightChevron,
      () => this.recover(() => this.typeExpression(), false, false, STOP_NEW_LINE_COMMA_RIGHT_CHEVRON));
    if (this.is(T.RightChevron)) this.read();
    else this.reportEmpty('BCP018', 'Expected the ">" character at this location.');
    return args;
  }

  private primaryType(): TypeNode {
    const t = this.peek();
    switch (this.ty(t)) {
      case T.Integer: return this.integer() as TypeNode;
      case T.NullKeyword: this.read(); return { kind: 'null', start: this.st(t), end: this.en(t) };
      case T.TrueKeyword: this.read(); return { kind: 'boolean', value: true, start: this.st(t), end: this.en(t) };
      case T.FalseKeyword: this.read(); return { kind: 'boolean', value: false, start: this.st(t), end: this.en(t) };
      case T.StringComplete:
      case T.StringLeftPiece:
        return this.string();
      case T.LeftBrace: return this.objectType();
      case T.LeftSquare: return this.tupleType();
      case T.LeftParen: {
        const list = this.parenthesizedList(() => this.typeExpression(), false);
        const inner = this.parenthesizedInner(list);
        if (isError(inner) && (list.elements.length !== 1 || list.elements[0].token)) return this.errorNode(list.start, list.end);
        return { kind: 'parenthesizedType', type: inner, start: list.start, end: list.end };
      }
      case T.Identifier: {
        const name = this.identifierFrom(this.read());
        const typeArguments = this.is(T.LeftChevron) ? this.typeArguments() : undefined;
        return { kind: 'typeReference', name, typeArguments, start: name.start, end: this.prevEnd() };
      }
      default:
        return this.fail('BCP279', 'Expected a type at this location. Please specify a valid type expression or one of the following types: "array", "bool", "int", "object", "string".');
    }
  }

  private objectType(): ObjectTypeNode {
    this.enter();
    try {
      const open = this.expectChar(T.LeftBrace, '{');
      const info = { multiline: false, commaSeparated: false };
      const members = this.elements(T.RightBrace, () => this.objectTypeMember(), info);
      this.expectChar(T.RightBrace, '}');
      return {
        kind: 'objectType', members, multiline: info.multiline, commaSeparated: info.commaSeparated, closed: true,
        start: this.st(open), end: this.prevEnd(),
      };
    } finally {
      this.depth--;
    }
  }

  private objectTypeMember(): ObjectTypeProperty | ObjectTypeAdditionalProperties {
    const decorators = this.leadingDecorators();
    const cur = this.peek();
    let star = false;
    const key = this.recover((): Identifier | StringNode | ErrorNode => {
      if (this.ty(cur) === T.Identifier) return this.identifierFrom(this.read());
      if (this.ty(cur) === T.StringComplete || this.ty(cur) === T.StringLeftPiece) {
        const s = this.string();
        if (!isError(s)) return s;
        return this.fail('BCP022', 'Expected a property name at this location.', cur);
      }
      if (this.ty(cur) === T.Asterisk) { star = true; const a = this.read(); return this.errorNode(this.st(a), this.en(a)); }
      return this.fail('BCP317', 'Expected an identifier, a string, or an asterisk at this location.', cur);
    }, false, false, STOP_COLON_NEW_LINE_RIGHT_BRACE);
    const colon = this.recover(() => this.expectChar(T.Colon, ':'), this.suppressAfter(key), false, STOP_NEW_LINE_RIGHT_BRACE);
    const value = this.recover(() => this.typeExpression(), this.suppressAfter(colon), false, STOP_NEW_LINE_RIGHT_BRACE);
    const start = decorators.length > 0 ? decorators[0].start : key.start;
    if (star) return { kind: 'objectTypeAdditionalProperties', decorators, value, start, end: this.prevEnd() };
    return { kind: 'objectTypeProperty', decorators, key, keyName: keyName(key), value, start, end: Math.max(key.end, this.prevEnd()) };
  }

  private tupleType(): TupleTypeNode {
    this.enter();
    try {
      const open = this.expectChar(T.LeftSquare, '[');
      const info = { multiline: false, commaSeparated: false };
      const items = this.elements(T.RightSquare, () => this.recover((): TupleTypeItem => {
        const decorators = this.leadingDecorators();
        const start = this.st(this.peek());
        const value = this.typeExpression();
        return { kind: 'tupleTypeItem', decorators, value, start: decorators.length > 0 ? decorators[0].start : start, end: this.prevEnd() };
      }, false, false, STOP_NEW_LINE_RIGHT_SQUARE), info);
      this.expectChar(T.RightSquare, ']');
      return {
        kind: 'tupleType', items, multiline: info.multiline, commaSeparated: info.commaSeparated, closed: true,
        start: this.st(open), end: this.prevEnd(),
      };
    } finally {
      this.depth--;
    }
  }
}

function keyName(key: Identifier | StringNode | ErrorNode): string | undefined {
  if (key.kind === 'identifier') return key.missing ? undefined : key.name;
  if (key.kind === 'string') return key.value;
  return undefined;
}

/** Decodes a single-line string piece: `\n \r \t \\ \' \$ \u{…}`; unknown escapes are kept as written. */
function decodeEscapes(text: string, start: number, end: number): string {
  const raw = text.slice(start, end);
  let i = raw.indexOf('\\');
  if (i < 0) return raw;
  let out = raw.slice(0, i);
  const n = raw.length;
  while (i < n) {
    const c = raw.charCodeAt(i);
    if (c !== 92 || i + 1 >= n) { out += raw[i]; i++; continue; }
    const e = raw[i + 1];
    switch (e) {
      case 'n': out += '\n'; i += 2; continue;
      case 'r': out += '\r'; i += 2; continue;
      case 't': out += '\t'; i += 2; continue;
      case '\\': out += '\\'; i += 2; continue;
      case "'": out += "'"; i += 2; continue;
      case '$': out += '$'; i += 2; continue;
      case 'u': {
        const close = raw.indexOf('}', i + 3);
        if (raw[i + 2] === '{' && close > i + 3) {
          const hex = raw.slice(i + 3, close);
          if (/^[0-9a-fA-F]+$/.test(hex)) {
            const cp = parseInt(hex, 16);
            if (cp <= 0x10ffff) { out += String.fromCodePoint(cp); i = close + 1; continue; }
          }
        }
        out += raw[i]; i++; continue;
      }
      default:
        out += raw[i]; i++; continue;
    }
  }
  return out;
}

/**
 * Whether Bicep's directives disable diagnostic `code` at `offset`: `#disable-next-line` covers
 * the directive's line and the next one; `#disable-diagnostics` covers up to the matching
 * `#restore-diagnostics` (or the end of the file). Codes compare exactly, as in Bicep, unless
 * `ignoreCase`.
 */
export function isDisabledAt(program: Program, code: string, offset: number, options: { ignoreCase?: boolean } = {}): boolean {
  return disablingDirective(program, code, offset, options) !== undefined;
}

/** The directive that disables `code` at `offset` (see `isDisabledAt`), if any. */
export function disablingDirective(program: Program, code: string, offset: number, options: { ignoreCase?: boolean } = {}): Directive | undefined {
  const same = options.ignoreCase
    ? (a: string) => a.toLowerCase() === code.toLowerCase()
    : (a: string) => a === code;
  const lines = program.lineStarts;
  let open: Directive | undefined;
  for (const d of program.directives) {
    if (d.start > offset) break;
    if (!d.codes.some(c => same(c.code))) continue;
    if (d.kind === 'disable-next-line') {
      const end = d.line + 2 < lines.length ? lines[d.line + 2] - 1 : program.end;
      if (offset <= end) return d;
    } else if (d.kind === 'disable-diagnostics') {
      open = d;
    } else if (open) {
      if (offset <= d.end) return open;
      open = undefined;
    }
  }
  return open;
}

// See `keepShapes`.
{
  const text = "param p string\nresource a 'A@1' = {\n  b: 'c${p}'\n  d: [\n    1\n  ]\n}\nvar e = f(\n";
  const parser = new Parser(text, lex(text).tokens, 'bicep', DEFAULT_MAX_DEPTH);
  parser.parseProgram();
  keepShapes(parser, new ParseFailure(undefined), new ParseFailure(undefined, undefined));
}
