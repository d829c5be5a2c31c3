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
  ModuleDeclaration, ExtensionDeclaration,
} from './ast';
import { lex, Token, TokenType as T } from './lexer';

export interface ParseOptions {
  /** 'bicepparam' for .bicepparam files (`using`, `param x = value`, …). Default 'bicep'. */
  fileKind?: BicepFileKind;
  /** Maximum nesting of expressions/objects/arrays/types before the parser gives up on a subtree. */
  maxDepth?: number;
}

/** Nesting depth (counted per expression, object, array and type level) beyond which a subtree is skipped. */
export const DEFAULT_MAX_DEPTH = 500;
/** Parser diagnostics kept at most. */
export const MAX_PARSE_DIAGNOSTICS = 500;

/** Parses Bicep source text. Never throws. */
export function parseBicep(text: string, options: ParseOptions = {}): ParseResult {
  const fileKind = options.fileKind ?? 'bicep';
  let lexed: ReturnType<typeof lex> | undefined;
  try {
    lexed = lex(text);
    const parser = new Parser(text, lexed.tokens, fileKind, options.maxDepth ?? DEFAULT_MAX_DEPTH);
    const declarations = parser.parseProgram();
    const program: Program = {
      kind: 'program', start: 0, end: text.length, fileKind, declarations,
      comments: lexed.comments, directives: lexed.directives, lineStarts: lexed.lineStarts,
    };
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

const CLOSERS_EXPR = [T.StringRightPiece, T.RightBrace, T.RightParen, T.RightSquare, T.NewLine];

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

/** Thrown (never escapes the parser) when a construct cannot be parsed at the current token. */
class ParseFailure {
  constructor(readonly diagnostic: Diagnostic | undefined, readonly partial?: ObjectNode | ArrayNode) {}
}

type Recovered<N> = N | ErrorNode;

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

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
    private readonly fileKind: BicepFileKind,
    private readonly maxDepth: number,
  ) {
    this.last = tokens.length - 1;
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

  private peek(): Token {
    return this.tokens[this.pos];
  }

  private peekAt(k: number): Token {
    const i = this.pos + k;
    return this.tokens[i > this.last ? this.last : i];
  }

  /** Index of the first token at or after the current one that is not a newline. */
  private indexSkippingNewlines(from = this.pos): number {
    let i = from;
    while (i < this.last && this.tokens[i].type === T.NewLine) i++;
    return i;
  }

  private is(type: T): boolean {
    return this.tokens[this.pos].type === type;
  }

  private isAny(types: readonly T[]): boolean {
    return types.includes(this.tokens[this.pos].type);
  }

  private atEnd(): boolean {
    return this.tokens[this.pos].type === T.EndOfFile;
  }

  private read(): Token {
    const t = this.tokens[this.pos];
    if (this.pos < this.last) this.pos++;
    return t;
  }

  private prevEnd(): number {
    return this.pos > 0 ? this.tokens[this.pos - 1].end : 0;
  }

  private tokenText(t: Token): string {
    return this.text.slice(t.start, t.end);
  }

  private isKeyword(t: Token, keyword: string): boolean {
    return t.type === T.Identifier && t.end - t.start === keyword.length && this.text.startsWith(keyword, t.start);
  }

  private skipNewlines(): boolean {
    let any = false;
    while (this.is(T.NewLine)) { this.read(); any = true; }
    return any;
  }

  // --- diagnostics & recovery ---------------------------------------------------------------

  private diagAt(t: Token, code: string, message: string): Diagnostic {
    // A newline token is reported as a zero-length span at its start (end of the line).
    const end = t.type === T.NewLine ? t.start : t.end;
    return { message, start: t.start, end, code, severity: 'error' };
  }

  private report(d: Diagnostic): void {
    if (this.diagnostics.length >= MAX_PARSE_DIAGNOSTICS) { this.dropped++; return; }
    this.diagnostics.push(d);
  }

  private reportEmpty(code: string, message: string, at = this.peek().start): void {
    this.report({ message, start: at, end: at, code, severity: 'error' });
  }

  private fail(code: string, message: string, t: Token = this.peek()): never {
    throw new ParseFailure(this.diagAt(t, code, message));
  }

  private expect(type: T, code: string, message: string): Token {
    if (this.is(type)) return this.read();
    return this.fail(code, message);
  }

  private expectChar(type: T, ch: string): Token {
    return this.expect(type, 'BCP018', `Expected the "${ch}" character at this location.`);
  }

  private expectKeyword(keyword: string, code = 'BCP012', message = `Expected the "${keyword}" keyword at this location.`): Token {
    if (this.isKeyword(this.peek(), keyword)) return this.read();
    return this.fail(code, message);
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
    } catch (e) {
      if (!(e instanceof ParseFailure)) throw e;
      this.diagnostics.length = mark;
      while (!this.atEnd() && !this.isAny(terminators)) this.read();
      if (consume && !this.atEnd()) this.read();
      const start = this.tokens[startPos].start;
      const node = this.errorNode(start, this.pos > startPos ? Math.max(start, this.prevEnd()) : start);
      if (e.partial) node.partial = e.partial;
      if (!suppress && e.diagnostic) this.report(e.diagnostic);
      return node;
    }
  }

  /** Whether the node is an empty placeholder, after which follow-up errors are not reported. */
  private suppressAfter(n: unknown): boolean {
    if (typeof n !== 'object' || n === null) return false;
    const node = n as { kind?: unknown; start: number; end: number; missing?: unknown };
    return (node.kind === 'error' || (node.kind === 'identifier' && !!node.missing)) && node.start === node.end;
  }

  private enter(): void {
    if (this.depth >= this.maxDepth) {
      const t = this.peek();
      this.skipBalanced();
      throw new ParseFailure({
        message: `The expression is nested too deeply (more than ${this.maxDepth} levels); it was not analyzed.`,
        start: t.start, end: Math.max(t.start, this.prevEnd()), code: 'EGB001', severity: 'error',
      });
    }
    this.depth++;
  }

  /** Skips a bracketed group (or a single token), iteratively. */
  private skipBalanced(): void {
    let level = 0;
    do {
      const t = this.peek().type;
      if (t === T.EndOfFile) return;
      if (t === T.LeftBrace || t === T.LeftSquare || t === T.LeftParen || t === T.StringLeftPiece) level++;
      else if (t === T.RightBrace || t === T.RightSquare || t === T.RightParen || t === T.StringRightPiece) level--;
      this.read();
    } while (level > 0);
  }

  // --- program & declarations ---------------------------------------------------------------

  parseProgram(): Declaration[] {
    const declarations: Declaration[] = [];
    while (!this.atEnd()) {
      const before = this.pos;
      const d = this.declaration(undefined);
      if (d && d.kind !== 'error') {
        declarations.push(d);
        this.recover(() => {
          if (this.atEnd()) return undefined;
          return this.expect(T.NewLine, 'BCP019', 'Expected a new line character at this location.');
        }, false, true, [T.NewLine]);
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
    return this.recover((): Declaration | null => {
      const decorators = this.leadingDecorators();
      const cur = this.peek();
      if (cur.type === T.Identifier) {
        let kw: string | undefined = this.tokenText(cur);
        if (only !== undefined && kw !== only) kw = undefined;
        const d = kw === undefined ? undefined : this.fileKind === 'bicepparam'
          ? this.paramsFileDeclaration(kw, decorators)
          : this.bicepDeclaration(kw, decorators);
        if (d) return d;
      } else if (cur.type === T.NewLine && decorators.length === 0) {
        this.read();
        return null;
      }
      if (decorators.length > 0) {
        const start = decorators[0].start;
        this.reportEmpty('EGB002', 'Expected a declaration after the decorator.', cur.start);
        return { kind: 'missingDeclaration', start, end: this.prevEnd(), keyword: { start: cur.start, end: cur.start }, decorators };
      }
      if (this.fileKind === 'bicepparam') {
        return this.fail('BCP337', 'This declaration type is not valid for a Bicep Parameters file. Specify a "using", "extends", "param", "var", "type", "import", "extension" or "extensionConfig" declaration.');
      }
      return this.fail('BCP007', 'This declaration type is not recognized. Specify a metadata, parameter, variable, resource, or output declaration.');
    }, false, false, [T.NewLine]);
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
          start: kwTok.start, end: kwTok.end, code: 'EGB005', severity: 'warning',
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

  private declStart(decorators: Decorator[], keyword: Token): number {
    return decorators.length > 0 ? decorators[0].start : keyword.start;
  }

  private range(t: Token): TextRange {
    return { start: t.start, end: t.end };
  }

  private identifierFrom(t: Token): Identifier {
    return { kind: 'identifier', name: this.tokenText(t), start: t.start, end: t.end };
  }

  private identifierWithRecovery(code: string, message: string, terminators: readonly T[], suppress = false): Identifier {
    const r = this.recover(() => this.identifierFrom(this.expect(T.Identifier, code, message)), suppress, false, terminators);
    return isError(r) ? { kind: 'identifier', name: '', missing: true, start: r.start, end: r.end } : r;
  }

  /** An identifier, or a reported zero-length missing one (no tokens consumed). */
  private identifierOrSkip(code: string, message: string): Identifier {
    if (this.is(T.Identifier)) return this.identifierFrom(this.read());
    const at = this.peek().start;
    this.reportEmpty(code, message, at);
    return { kind: 'identifier', name: '', missing: true, start: at, end: at };
  }

  private expectAssignment(suppress: boolean, terminators: readonly T[]): Token | ErrorNode {
    return this.recover(() => this.expectChar(T.Assignment, '='), suppress, false, terminators);
  }

  private valueExpression(suppress: boolean): Expression {
    return this.recover(() => this.expression(ALLOW_COMPLEX), suppress, false, [T.NewLine]);
  }

  private targetScope(decorators: Decorator[]): Declaration {
    const kw = this.read();
    this.expectAssignment(false, [T.NewLine]);
    const value = this.valueExpression(false);
    return { kind: 'targetScope', start: this.declStart(decorators, kw), end: this.prevEnd(), keyword: this.range(kw), decorators, value };
  }

  private metadata(decorators: Decorator[]): Declaration {
    const kw = this.read();
    const name = this.identifierWithRecovery('BCP266', 'Expected a metadata identifier at this location.', [T.Assignment, T.NewLine]);
    const assign = this.expectAssignment(this.suppressAfter(name), [T.NewLine]);
    const value = this.valueExpression(this.suppressAfter(assign));
    return { kind: 'metadata', start: this.declStart(decorators, kw), end: this.prevEnd(), keyword: this.range(kw), decorators, name, value };
  }

  private assert(decorators: Decorator[]): Declaration {
    const kw = this.read();
    const name = this.identifierWithRecovery('BCP344', 'Expected an assert identifier at this location.', [T.Assignment, T.NewLine]);
    const assign = this.expectAssignment(this.suppressAfter(name), [T.NewLine]);
    const value = this.valueExpression(this.suppressAfter(assign));
    return { kind: 'assert', start: this.declStart(decorators, kw), end: this.prevEnd(), keyword: this.range(kw), decorators, name, value };
  }

  private parameter(decorators: Decorator[]): Declaration {
    const kw = this.read();
    const name = this.identifierWithRecovery('BCP013', 'Expected a parameter identifier at this location.', [T.Identifier, T.NewLine]);
    const type = this.recover(() => this.type(false), this.suppressAfter(name), false, [T.Assignment, T.LeftBrace, T.NewLine]);
    const defaultValue = this.recover((): Expression | undefined => {
      const cur = this.peek();
      if (cur.type === T.NewLine || cur.type === T.EndOfFile) return undefined;
      if (cur.type === T.Assignment) {
        this.read();
        return this.valueExpression(false);
      }
      return this.fail('BCP008', 'Expected the "=" token, or a newline at this location.');
    }, this.suppressAfter(type), false, [T.NewLine]);
    return {
      kind: 'param', start: this.declStart(decorators, kw), end: this.prevEnd(), keyword: this.range(kw), decorators,
      name, type, defaultValue,
    };
  }

  private parameterAssignment(decorators: Decorator[]): Declaration {
    const kw = this.read();
    const name = this.identifierWithRecovery('BCP013', 'Expected a parameter identifier at this location.', [T.Identifier, T.NewLine]);
    const assign = this.expectAssignment(this.suppressAfter(name), [T.NewLine]);
    const value = this.valueExpression(this.suppressAfter(assign));
    return { kind: 'paramAssignment', start: this.declStart(decorators, kw), end: this.prevEnd(), keyword: this.range(kw), decorators, name, value };
  }

  private variable(decorators: Decorator[]): Declaration {
    const kw = this.read();
    const name = this.identifierWithRecovery('BCP015', 'Expected a variable identifier at this location.', [T.Identifier, T.NewLine]);
    const type = this.recover((): TypeNode | undefined => {
      const t = this.peek().type;
      if (t === T.EndOfFile || t === T.NewLine || t === T.Assignment) return undefined;
      return this.type(false);
    }, this.suppressAfter(name), false, [T.Assignment, T.NewLine]);
    const assign = this.expectAssignment(this.suppressAfter(type ?? name), [T.NewLine]);
    const value = this.valueExpression(this.suppressAfter(assign));
    return { kind: 'var', start: this.declStart(decorators, kw), end: this.prevEnd(), keyword: this.range(kw), decorators, name, type, value };
  }

  private output(decorators: Decorator[]): Declaration {
    const kw = this.read();
    const name = this.identifierWithRecovery('BCP016', 'Expected an output identifier at this location.', [T.Identifier, T.NewLine]);
    const type = this.recover(() => this.type(true), this.suppressAfter(name), false, [T.Assignment, T.NewLine]);
    const assign = this.expectAssignment(this.suppressAfter(type), [T.NewLine]);
    const value = this.valueExpression(this.suppressAfter(assign));
    return { kind: 'output', start: this.declStart(decorators, kw), end: this.prevEnd(), keyword: this.range(kw), decorators, name, type, value };
  }

  private typeDeclaration(decorators: Decorator[]): Declaration {
    const kw = this.read();
    const name = this.identifierWithRecovery('BCP325', 'Expected a type identifier at this location.', [T.Assignment, T.NewLine]);
    this.expectAssignment(this.suppressAfter(name), [T.NewLine]);
    const value = this.recover(() => this.type(false), this.suppressAfter(name), false, [T.Assignment, T.LeftBrace, T.NewLine]);
    return { kind: 'type', start: this.declStart(decorators, kw), end: this.prevEnd(), keyword: this.range(kw), decorators, name, value };
  }

  private func(decorators: Decorator[]): Declaration {
    const kw = this.read();
    const name = this.identifierWithRecovery('BCP015', 'Expected a variable identifier at this location.', [T.Assignment, T.NewLine]);
    let parameters: FunctionParameter[] = [];
    let returnType: TypeNode = this.errorNode(this.peek().start, this.peek().start);
    let body: Expression = returnType;
    const lambda = this.recover(() => {
      const params = this.parenthesizedList(() => this.typedLocalVariable(), true);
      const rt = this.recover(() => this.type(false), false, false, [T.NewLine, T.RightParen]);
      const arrow = this.recover(() => this.expectChar(T.Arrow, '=>'), false, false, [T.NewLine, T.RightParen]);
      if (!isError(arrow)) this.newlinesBeforeLambdaBody();
      const b = this.recover(() => this.expression(ALLOW_COMPLEX), false, false, [T.NewLine, T.RightParen]);
      return { params: params.items, rt, b };
    }, this.suppressAfter(name), false, [T.NewLine]);
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
    const type = this.recover(() => this.type(false), false, false, [T.NewLine, T.Comma, T.RightParen]);
    return { name, type, start: name.start, end: this.prevEnd() };
  }

  private stringOrFail(code: string, message: string): StringNode {
    const start = this.peek();
    if (start.type !== T.StringComplete && start.type !== T.StringLeftPiece) {
      // Like Bicep: skip what cannot be a string up to the end of the line, then fail at the first token.
      while (!this.atEnd() && !this.isAny([T.StringMiddlePiece, T.StringRightPiece, T.NewLine])) this.read();
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
    const name = this.identifierWithRecovery('BCP017', 'Expected a resource identifier at this location.', [T.StringComplete, T.StringLeftPiece, T.NewLine]);
    const type = this.recover(
      () => this.stringOrFail('BCP068', 'Expected a resource type string. Specify a valid resource type of format "<type-name>@<apiVersion>".'),
      this.suppressAfter(name), false, [T.Assignment, T.NewLine]);
    let existingRange: TextRange | undefined;
    if (this.isKeyword(this.peek(), 'existing')) existingRange = this.range(this.read());
    const assign = this.recover(() => this.expectChar(T.Assignment, '='), this.suppressAfter(type), false, [T.LeftBrace, T.NewLine]);
    if (!isError(assign) && this.isKeyword(this.tokens[this.indexSkippingNewlines()], 'if')) this.skipNewlines();
    const value = this.recover((): Expression | IfNode => {
      const cur = this.peek();
      if (this.isKeyword(cur, 'if')) return this.ifCondition(ALLOW_RESOURCES | ALLOW_COMPLEX, false);
      if (cur.type === T.LeftBrace) return this.object(ALLOW_RESOURCES | ALLOW_COMPLEX);
      if (cur.type === T.LeftSquare) return this.forExpression(ALLOW_RESOURCES | ALLOW_COMPLEX, true);
      return this.fail('BCP118', 'Expected the "{" character, the "[" character, or the "if" keyword at this location.');
    }, this.suppressAfter(assign), false, [T.NewLine]);
    const d = this.deployable(value);
    return {
      kind: 'resource', start: this.declStart(decorators, kw), end: this.prevEnd(), keyword: this.range(kw), decorators,
      name, type, typeString: isError(type) ? undefined : type.value,
      existing: existingRange !== undefined, existingRange,
      value, condition: d.condition, loop: d.loop, body: d.body,
    };
  }

  private module(decorators: Decorator[]): ModuleDeclaration {
    const kw = this.read();
    const name = this.identifierWithRecovery('BCP096', 'Expected a module identifier at this location.', [T.StringComplete, T.StringLeftPiece, T.NewLine]);
    const path = this.recover(
      () => this.stringOrFail('BCP097', "Expected a module path string. This should be a relative path to another bicep file, e.g. 'myModule.bicep' or '../parent/myModule.bicep'"),
      this.suppressAfter(name), false, [T.Assignment, T.NewLine]);
    const assign = this.recover(() => this.expectChar(T.Assignment, '='), this.suppressAfter(path), false, [T.LeftBrace, T.NewLine]);
    if (this.isKeyword(this.tokens[this.indexSkippingNewlines()], 'if')) this.skipNewlines();
    const value = this.recover((): Expression | IfNode => {
      const cur = this.peek();
      if (this.isKeyword(cur, 'if')) return this.ifCondition(ALLOW_COMPLEX, false);
      if (cur.type === T.LeftBrace) return this.object(ALLOW_COMPLEX);
      if (cur.type === T.LeftSquare) return this.forExpression(ALLOW_COMPLEX, true);
      return this.fail('BCP118', 'Expected the "{" character, the "[" character, or the "if" keyword at this location.');
    }, this.suppressAfter(assign), false, [T.NewLine]);
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
    const name = this.identifierWithRecovery('BCP346', 'Expected a test identifier at this location.', [T.StringComplete, T.StringLeftPiece, T.NewLine]);
    const path = this.recover(() => this.stringOrFail('BCP347', 'Expected a test path string at this location.'),
      this.suppressAfter(name), false, [T.Assignment, T.NewLine]);
    const assign = this.recover(() => this.expectChar(T.Assignment, '='), this.suppressAfter(path), false, [T.LeftBrace, T.NewLine]);
    const value = this.recover((): Expression => {
      if (this.is(T.LeftBrace)) return this.object(ALLOW_COMPLEX);
      return this.fail('BCP018', 'Expected the "{" character at this location.');
    }, this.suppressAfter(assign), false, [T.NewLine]);
    return {
      kind: 'test', start: this.declStart(decorators, kw), end: this.prevEnd(), keyword: this.range(kw), decorators,
      name, path, pathString: isError(path) ? undefined : path.value, value,
    };
  }

  private importDeclaration(decorators: Decorator[], allowLegacyExtension: boolean): Declaration {
    const kw = this.read();
    const cur = this.peek();
    if (allowLegacyExtension && (cur.type === T.StringComplete || cur.type === T.StringLeftPiece)) {
      return this.extension(kw, 'import', decorators);
    }
    let symbols: ImportedSymbol[] | undefined;
    let wildcardAlias: Identifier | undefined;
    switch (cur.type) {
      case T.EndOfFile:
      case T.NewLine:
      case T.Identifier:
        this.reportEmpty('BCP354', "Expected left brace ('{') or asterisk ('*') character at this location.", cur.start);
        break;
      case T.LeftBrace:
        symbols = this.importedSymbolsList();
        break;
      case T.Asterisk: {
        const r = this.recover(() => {
          this.read();
          this.expectKeyword('as');
          return this.identifierFrom(this.expect(T.Identifier, 'BCP356', 'Expected a valid namespace identifier at this location.'));
        }, false, false, [T.NewLine]);
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
        false, false, [T.NewLine]);
    }, false, false, [T.NewLine]);
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
    if (cur.type === T.Identifier) {
      name = this.identifierFrom(this.read());
    } else if (cur.type === T.StringComplete) {
      name = this.string();
    } else if (cur.type === T.StringLeftPiece) {
      const s = this.string();
      this.report({ message: 'The value must be a compile-time constant.', start: s.start, end: s.end, code: 'BCP032', severity: 'error' });
      name = this.errorNode(s.start, s.end);
    } else {
      const t = this.read();
      this.report(this.diagAt(t, 'BCP355', 'Expected the name of an exported symbol at this location.'));
      return this.errorNode(t.start, t.end);
    }
    let alias: Identifier | undefined;
    if (this.isKeyword(this.peek(), 'as')) {
      this.read();
      alias = this.identifierWithRecovery('BCP325', 'Expected a type identifier at this location.', [T.Comma, T.NewLine]);
    }
    if (name.kind === 'string' && !alias) {
      this.report({
        message: "An import list item that identifies its target with a quoted string must include an 'as <alias>' clause.",
        start: name.start, end: name.end, code: 'BCP375', severity: 'error',
      });
    }
    return { name, alias, start: name.start, end: this.prevEnd() };
  }

  private extension(kw: Token, keywordText: ExtensionDeclaration['keywordText'], decorators: Decorator[]): ExtensionDeclaration {
    const specification: Identifier | StringNode | ErrorNode = this.is(T.Identifier)
      ? this.identifierFrom(this.read())
      : this.recover(() => this.stringOrFail('BCP201', 'Expected an extension specification string. This should either be a relative path, or a valid OCI artifact specification.'),
        false, false, [T.NewLine]);
    let config: ObjectNode | ErrorNode | undefined;
    let alias: Identifier | undefined;
    let cur = this.peek();
    let withClause: unknown;
    if (!(cur.type === T.EndOfFile || cur.type === T.NewLine || this.isKeyword(cur, 'as'))) {
      withClause = this.recover(() => {
        this.expectKeyword('with', 'BCP305', 'Expected the "with" keyword, "as" keyword, or a new line character at this location.');
        config = this.recover(() => this.object(ALLOW_COMPLEX), false, false, [T.NewLine]);
        return config;
      }, this.suppressAfter(specification), false, [T.NewLine]);
    }
    cur = this.peek();
    if (!(cur.type === T.EndOfFile || cur.type === T.NewLine)) {
      this.recover(() => {
        this.expectKeyword('as', 'BCP305', 'Expected the "with" keyword, "as" keyword, or a new line character at this location.');
        alias = this.identifierWithRecovery('BCP202', 'Expected an extension alias name at this location.', [T.NewLine]);
        return alias;
      }, this.suppressAfter(withClause), false, [T.NewLine]);
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
    if (cur.type === T.Identifier) {
      path = this.identifierFrom(this.expectKeyword('none'));
    } else if (cur.type === T.StringComplete) {
      path = this.stringOrFail('BCP257', "Expected a Bicep file path string. This should be a relative path to another bicep file, e.g. 'myModule.bicep' or '../parent/myModule.bicep'");
    } else {
      this.reportEmpty('BCP257', "Expected a Bicep file path string. This should be a relative path to another bicep file, e.g. 'myModule.bicep' or '../parent/myModule.bicep'", cur.start);
      path = this.errorNode(cur.start, cur.start);
    }
    let config: ObjectNode | ErrorNode | undefined;
    const next = this.peek();
    if (next.type !== T.EndOfFile && next.type !== T.NewLine) {
      this.recover(() => {
        this.expectKeyword('with', 'BCP436', 'Expected the "with" keyword or a new line character at this location.');
        config = this.recover(() => this.object(ALLOW_COMPLEX), false, false, [T.NewLine]);
        return config;
      }, this.suppressAfter(path), false, [T.NewLine]);
    }
    return {
      kind: 'using', start: this.declStart(decorators, kw), end: this.prevEnd(), keyword: this.range(kw), decorators,
      path, pathString: path.kind === 'string' ? path.value : undefined, config,
    };
  }

  private extendsDeclaration(decorators: Decorator[]): Declaration {
    const kw = this.read();
    const path = this.recover(() => this.stringOrFail('BCP404', 'The "extends" declaration is missing a bicepparam file path reference.'),
      false, false, [T.NewLine]);
    return {
      kind: 'extends', start: this.declStart(decorators, kw), end: this.prevEnd(), keyword: this.range(kw), decorators,
      path, pathString: isError(path) ? undefined : path.value,
    };
  }

  private extensionConfig(decorators: Decorator[]): Declaration {
    const kw = this.read();
    const alias = this.identifierWithRecovery('BCP202', 'Expected an extension alias name at this location.', [T.Identifier, T.NewLine]);
    let config: ObjectNode | ErrorNode = this.errorNode(this.peek().start, this.peek().start);
    const r = this.recover(() => {
      this.expectKeyword('with');
      return this.recover(() => this.object(ALLOW_COMPLEX), false, false, [T.NewLine]);
    }, this.suppressAfter(alias), false, [T.NewLine]);
    config = r;
    return { kind: 'extensionConfig', start: this.declStart(decorators, kw), end: this.prevEnd(), keyword: this.range(kw), decorators, alias, config };
  }

  // --- decorators ---------------------------------------------------------------------------

  private leadingDecorators(): Decorator[] {
    const decorators: Decorator[] = [];
    while (this.is(T.At)) {
      const before = this.pos;
      decorators.push(this.decorator());
      this.recover(() => this.expect(T.NewLine, 'BCP019', 'Expected a new line character at this location.'), false, true, [T.NewLine]);
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
    }, false, false, [T.NewLine]);
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
    return { kind: 'decorator', start: at.start, end: this.prevEnd(), expression, name, namespace, args };
  }

  // --- expressions --------------------------------------------------------------------------

  expression(flags: number): Expression {
    this.enter();
    try {
      const candidate = this.binary(flags, 0);
      const q = this.indexSkippingNewlines();
      if (this.tokens[q].type !== T.Question) return candidate;
      this.pos = q;
      const question = this.read();
      const whenTrue = this.recover(() => this.expression(flags), false, false,
        [T.Colon, T.StringRightPiece, T.RightBrace, T.RightParen, T.RightSquare, T.NewLine]);
      if (!isError(whenTrue) && this.tokens[this.indexSkippingNewlines()].type === T.Colon) this.skipNewlines();
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
    let left = this.unary(flags);
    for (;;) {
      const op = this.peek();
      const p = BINARY_PRECEDENCE[op.type];
      if (p === undefined || p <= precedence) return left;
      this.read();
      const right = this.recover(() => this.binary(flags, p), false, false, CLOSERS_EXPR);
      left = {
        kind: 'binary', operator: BINARY_OPERATOR[op.type]!, left, right, operatorRange: this.range(op),
        start: left.start, end: this.prevEnd(),
      };
    }
  }

  private unary(flags: number): Expression {
    const op = this.peek();
    if (op.type === T.Exclamation || op.type === T.Minus) {
      this.read();
      const operand = this.recover(() => this.member(flags), false, false, CLOSERS_EXPR);
      return {
        kind: 'unary', operator: op.type === T.Exclamation ? '!' : '-', operand, operatorRange: this.range(op),
        start: op.start, end: this.prevEnd(),
      };
    }
    return this.member(flags);
  }

  private member(flags: number): Expression {
    let cur = this.primary(flags);
    for (;;) {
      const t = this.peek();
      if (t.type === T.LeftSquare) {
        this.read();
        const safe = this.is(T.Question) ? (this.read(), true) : false;
        const fromEnd = this.is(T.Hat) ? (this.read(), true) : false;
        let index: Expression;
        if (this.is(T.RightSquare)) {
          const at = this.peek().start;
          this.reportEmpty('BCP117', 'An empty indexer is not allowed. Specify a valid expression.', at);
          index = this.errorNode(at, at);
        } else {
          index = this.expression(flags);
        }
        this.expectChar(T.RightSquare, ']');
        cur = { kind: 'indexAccess', target: cur, index, safe, fromEnd, start: cur.start, end: this.prevEnd() };
        continue;
      }
      if (t.type === T.Dot) {
        this.read();
        const q = this.is(T.Question) ? this.read() : undefined;
        cur = this.memberAfterDot(cur, q !== undefined, q, flags);
        continue;
      }
      if (t.type === T.Question && this.peekAt(1).type === T.Dot && this.peekAt(1).start === t.end
        && this.peekAt(2).type === T.Identifier && this.peekAt(1).end === this.peekAt(2).start) {
        // `a?.b` is not Bicep (it is `a.?b`); parse it as a safe access and say so.
        this.read();
        const dot = this.read();
        this.report({
          message: "Bicep's safe-dereference operator is '.?' (as in 'a.?b'), not '?.'.",
          start: t.start, end: dot.end, code: 'EGB006', severity: 'error',
        });
        cur = this.memberAfterDot(cur, true, undefined, flags);
        continue;
      }
      if (t.type === T.DoubleColon) {
        this.read();
        const name = this.identifierOrSkip('BCP020', 'Expected a function or property name at this location.');
        cur = { kind: 'resourceAccess', target: cur, name, start: cur.start, end: this.prevEnd() };
        continue;
      }
      if (t.type === T.Exclamation) {
        this.read();
        cur = { kind: 'nonNullAssertion', target: cur, start: cur.start, end: this.prevEnd() };
        continue;
      }
      return cur;
    }
  }

  private memberAfterDot(target: Expression, safe: boolean, safeToken: Token | undefined, flags: number): Expression {
    const property = this.identifierOrSkip('BCP020', 'Expected a function or property name at this location.');
    if (this.is(T.LeftParen)) {
      if (safeToken) {
        this.report({
          message: 'The `.?` (safe dereference) operator may not be used on instance function invocations.',
          start: safeToken.start, end: property.end, code: 'BCP322', severity: 'error',
        });
      }
      return this.call(property, target, flags);
    }
    return { kind: 'propertyAccess', target, property, safe, start: target.start, end: this.prevEnd() };
  }

  private primary(flags: number): Expression {
    const t = this.peek();
    switch (t.type) {
      case T.Integer: return this.integer();
      case T.NullKeyword: this.read(); return { kind: 'null', start: t.start, end: t.end };
      case T.TrueKeyword: this.read(); return { kind: 'boolean', value: true, start: t.start, end: t.end };
      case T.FalseKeyword: this.read(); return { kind: 'boolean', value: false, start: t.start, end: t.end };
      case T.StringComplete:
      case T.StringLeftPiece:
        return this.string();
      case T.LeftBrace:
        if (flags & ALLOW_COMPLEX) return this.object(flags);
        return this.fail('BCP087', 'Array and object literals are not allowed here.');
      case T.LeftSquare:
        if (flags & ALLOW_COMPLEX) {
          return this.isKeyword(this.tokens[this.indexSkippingNewlines(this.pos + 1)], 'for')
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
    const digits = raw.replace(/^0+(?=.)/, '');
    if (digits.length > ULONG_MAX.length || (digits.length === ULONG_MAX.length && digits > ULONG_MAX)) {
      return this.fail('BCP010', 'Expected a valid 64-bit signed integer.');
    }
    this.read();
    return { kind: 'number', value: Number(raw), raw, start: t.start, end: t.end };
  }

  private callOrVariableOrLambda(flags: number): Expression {
    const id = this.identifierFrom(this.read());
    if (this.is(T.LeftParen)) return this.call(id, undefined, flags);
    if (this.is(T.Arrow)) {
      this.read();
      this.newlinesBeforeLambdaBody();
      const body = this.recover(() => this.expression(ALLOW_COMPLEX), false, false, [T.NewLine, T.RightParen]);
      return { kind: 'lambda', parameters: [id], body, start: id.start, end: this.prevEnd() };
    }
    return { kind: 'variable', name: id.name, start: id.start, end: id.end };
  }

  private newlinesBeforeLambdaBody(): void {
    const next = this.tokens[this.indexSkippingNewlines()];
    if (!(next.type === T.Identifier && DECLARATION_KEYWORDS.has(this.tokenText(next)))) this.skipNewlines();
  }

  private call(name: Identifier, target: Expression | undefined, flags: number): CallNode {
    this.expectChar(T.LeftParen, '(');
    const args = this.functionElements(T.RightParen,
      () => this.recover(() => this.expression(flags), false, false, [T.NewLine, T.Comma, T.RightParen]));
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
          const next = this.tokens[k].type;
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
        kind: 'object', members, properties: members.filter((m): m is ObjectProperty => m.kind === 'objectProperty'),
        multiline: info.multiline, commaSeparated: info.commaSeparated, closed: true,
        start: open.start, end: this.prevEnd(),
      };
      if (!this.is(T.RightBrace)) {
        node.closed = false;
        throw new ParseFailure(this.diagAt(this.peek(), 'BCP018', 'Expected the "}" character at this location.'), node);
      }
      this.read();
      node.end = this.prevEnd();
      return node;
    } finally {
      this.depth--;
    }
  }

  private objectMember(flags: number): ObjectMember {
    return this.recover((): ObjectMember => {
      if ((flags & ALLOW_RESOURCES) && (this.is(T.At) || (this.isKeyword(this.peek(), 'resource') && this.peekAt(1).type === T.Identifier))) {
        const d = this.declaration('resource');
        if (d && (d.kind === 'resource' || d.kind === 'error')) return d;
        const start = d ? d.start : this.peek().start;
        return this.errorNode(start, d ? d.end : start);
      }
      if (this.is(T.Ellipsis)) return this.spread([T.Comma, T.NewLine, T.RightBrace]);
      const cur = this.peek();
      const key = this.recover((): Identifier | StringNode => {
        if (cur.type === T.Identifier) return this.identifierFrom(this.read());
        if (cur.type === T.StringComplete || cur.type === T.StringLeftPiece) {
          const s = this.string();
          if (!isError(s)) return s;
        }
        return this.fail('BCP022', 'Expected a property name at this location.', cur);
      }, false, false, [T.Colon, T.NewLine, T.RightBrace]);
      const colon = this.recover(() => this.expectChar(T.Colon, ':'), this.suppressAfter(key), false, [T.NewLine, T.RightBrace]);
      const value = this.recover(() => this.expression(ALLOW_COMPLEX), this.suppressAfter(colon), false, [T.NewLine, T.RightBrace]);
      return {
        kind: 'objectProperty', key, keyName: keyName(key), value,
        start: key.start, end: Math.max(key.end, this.prevEnd()),
      };
    }, false, false, [T.NewLine, T.RightBrace]);
  }

  private spread(terminators: readonly T[]): SpreadNode {
    const ellipsis = this.read();
    const expression = this.recover(() => this.expression(ALLOW_COMPLEX), false, false, terminators);
    return { kind: 'spread', expression, start: ellipsis.start, end: this.prevEnd() };
  }

  private array(): ArrayNode {
    this.enter();
    try {
      const open = this.expectChar(T.LeftSquare, '[');
      const info = { multiline: false, commaSeparated: false };
      const items = this.elements(T.RightSquare, () => this.recover(
        (): Expression | SpreadNode => this.is(T.Ellipsis)
          ? this.spread([T.Comma, T.NewLine, T.RightSquare])
          : this.expression(ALLOW_COMPLEX),
        false, false, [T.NewLine, T.RightSquare]), info);
      const node: ArrayNode = {
        kind: 'array', items, multiline: info.multiline, commaSeparated: info.commaSeparated, closed: true,
        start: open.start, end: this.prevEnd(),
      };
      if (!this.is(T.RightSquare)) {
        node.closed = false;
        throw new ParseFailure(this.diagAt(this.peek(), 'BCP018', 'Expected the "]" character at this location.'), node);
      }
      this.read();
      node.end = this.prevEnd();
      return node;
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
    if (cur.type === T.Identifier) {
      itemVariable = this.identifierFrom(this.read());
    } else if (cur.type === T.LeftParen) {
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
      this.reportEmpty('BCP162', 'Expected a loop item variable identifier or "(" at this location.', cur.start);
      variablesBroken = true;
    }
    const inKw = this.recover(() => this.expectKeyword('in'), variablesBroken, false, [T.RightSquare, T.NewLine]);
    const iterable = this.recover(() => this.expression(ALLOW_COMPLEX), this.suppressAfter(inKw), false, [T.Colon, T.RightSquare, T.NewLine]);
    const colon = this.recover(() => this.expectChar(T.Colon, ':'), this.suppressAfter(iterable), false, [T.RightSquare, T.NewLine]);
    const body = this.recover((): Expression | IfNode => {
      if (!resourceContext) return this.expression(flags | ALLOW_COMPLEX);
      const b = this.peek();
      if (b.type === T.LeftBrace) return this.object(flags);
      if (this.isKeyword(b, 'if')) return this.ifCondition(flags, true);
      return this.fail('BCP167', 'Expected the "{" character or the "if" keyword at this location.');
    }, this.suppressAfter(colon), false, [T.RightSquare, T.NewLine]);
    if (!isError(body)) this.skipNewlines();
    this.recover(() => this.expectChar(T.RightSquare, ']'), this.suppressAfter(body), false, [T.RightSquare, T.NewLine]);
    return { kind: 'for', itemVariable, indexVariable, iterable, body, start: open.start, end: this.prevEnd() };
  }

  private ifCondition(flags: number, insideFor: boolean): IfNode {
    const kw = this.expectKeyword('if');
    let parenOk = false;
    let conditionRange: TextRange = { start: this.peek().start, end: this.peek().start };
    const condition = this.recover((): Expression => {
      const p = this.parenthesizedExpression(flags & ~ALLOW_RESOURCES);
      parenOk = p.closed;
      conditionRange = { start: p.start, end: p.end };
      return p.inner;
    }, false, false, insideFor ? [T.RightSquare, T.LeftBrace, T.NewLine] : [T.LeftBrace, T.NewLine]);
    if (isError(condition)) conditionRange = { start: condition.start, end: condition.end };
    const body = this.recover(() => this.object(flags), this.suppressAfter(condition) || !parenOk || isError(condition), false,
      insideFor ? [T.RightSquare, T.NewLine] : [T.NewLine]);
    return { kind: 'if', condition, conditionRange, body, start: kw.start, end: this.prevEnd() };
  }

  /** `( items )` with comma separators; the closing paren is recovered, not required. */
  private parenthesizedList<N extends { kind?: string; start: number; end: number }>(item: () => N, permitNewLines: boolean):
    { items: (N | ErrorNode)[]; start: number; end: number; closed: boolean; openEnd: number } {
    const open = this.expectChar(T.LeftParen, '(');
    const items: (N | ErrorNode)[] = [];
    const newlines = () => { if (permitNewLines) this.skipNewlines(); };
    newlines();
    while (!this.is(T.RightParen)) {
      const before = this.pos;
      const e = this.recover(item, false, false,
        [T.StringRightPiece, T.RightBrace, T.RightParen, T.RightSquare, T.NewLine, T.Comma]);
      items.push(e);
      newlines();
      if (this.is(T.Comma)) {
        this.read();
        newlines();
      } else {
        newlines();
        break;
      }
      if (this.pos === before) break;
    }
    const last = items.length > 0 ? items[items.length - 1] : undefined;
    const close = this.recover(() => this.expectChar(T.RightParen, ')'), last ? this.suppressAfter(last) : false, false,
      [T.StringRightPiece, T.RightBrace, T.RightSquare, T.NewLine]);
    return { items, start: open.start, end: this.prevEnd(), closed: !isError(close), openEnd: open.end };
  }

  private parenthesizedExpression(flags: number): { inner: Expression; start: number; end: number; closed: boolean } {
    const list = this.parenthesizedList(() => this.expression(flags), true);
    return { inner: this.parenthesizedInner(list), start: list.start, end: list.end, closed: list.closed };
  }

  private parenthesizedInner(list: { items: (Expression | ErrorNode)[]; openEnd: number }): Expression {
    if (list.items.length === 1) return list.items[0];
    const msg = 'Parentheses must contain exactly one expression.';
    if (list.items.length === 0) {
      this.reportEmpty('BCP243', msg, list.openEnd);
      return this.errorNode(list.openEnd, list.openEnd);
    }
    const first = list.items[0], last = list.items[list.items.length - 1];
    this.report({ message: msg, start: first.start, end: last.end, code: 'BCP243', severity: 'error' });
    return this.errorNode(first.start, last.end);
  }

  private parenthesizedOrLambda(flags: number): Expression {
    const list = this.parenthesizedList(() => this.expression(flags), true);
    if (this.is(T.Arrow)) {
      this.read();
      this.newlinesBeforeLambdaBody();
      const body = this.recover(() => this.expression(ALLOW_COMPLEX), false, false, [T.NewLine, T.RightParen]);
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
    if (list.items.length !== 1) return this.errorNode(list.start, list.end);
    return { kind: 'parenthesized', expression: inner, start: list.start, end: list.end };
  }

  string(): StringNode | ErrorNode {
    const first = this.peek();
    if (first.type === T.StringComplete) {
      this.read();
      return this.buildString([first], []);
    }
    if (first.type !== T.StringLeftPiece) {
      return this.fail('BCP009', 'Expected a literal value, an array, an object, a parenthesized expression, or a function call at this location.');
    }
    const pieces: Token[] = [this.read()];
    const expressions: Expression[] = [];
    const holeEnd = [T.StringMiddlePiece, T.StringRightPiece, T.NewLine];
    for (;;) {
      let e = this.recover(() => this.expression(0), false, false, holeEnd);
      if (!this.isAny(holeEnd) && !this.atEnd()) {
        const skipStart = this.peek().start;
        while (!this.atEnd() && !this.isAny(holeEnd)) this.read();
        this.report({ message: 'Found unexpected tokens in interpolated expression.', start: skipStart, end: this.prevEnd(), code: 'BCP064', severity: 'error' });
        e = this.errorNode(e.start, this.prevEnd());
      }
      expressions.push(e);
      if (this.is(T.StringMiddlePiece)) { pieces.push(this.read()); continue; }
      if (this.is(T.StringRightPiece)) { pieces.push(this.read()); return this.buildString(pieces, expressions); }
      // newline or end of file inside a hole: the lexer or the hole expression reported it
      if (this.atEnd()) this.reportEmpty('BCP003', 'The string at this location is not terminated. Terminate the string with a single quote character.');
      return this.errorNode(first.start, this.prevEnd());
    }
  }

  private buildString(pieces: Token[], expressions: Expression[]): StringNode {
    const text = this.text;
    const multiline = pieces[0].multiline > 0;
    const dollars = multiline ? pieces[0].multiline - 1 : 0;
    const segments: string[] = [];
    const segmentRanges: TextRange[] = [];
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i];
      let s = p.start, e = p.end;
      const isFirst = i === 0, isLast = i === pieces.length - 1;
      if (multiline) {
        s += isFirst ? dollars + 3 : 1;
        if (isFirst) {
          if (text.charCodeAt(s) === 13 && s < e) s++;
          if (text.charCodeAt(s) === 10 && s < e) s++;
        }
        if (isLast) { if (!p.unterminated) e -= 3; } else e -= dollars + 1;
      } else {
        s += 1;
        if (isLast) { if (!p.unterminated) e -= 1; } else e -= 2;
      }
      if (s > p.end) s = p.end;
      if (e < s) e = s;
      segmentRanges.push({ start: s, end: e });
      segments.push(multiline ? text.slice(s, e) : decodeEscapes(text, s, e));
    }
    return {
      kind: 'string', segments, segmentRanges, expressions, multiline,
      value: expressions.length === 0 ? segments[0] : undefined,
      start: pieces[0].start, end: pieces[pieces.length - 1].end,
    };
  }

  // --- types --------------------------------------------------------------------------------

  private type(allowOptionalResourceType: boolean): TypeNode {
    const cur = this.peek();
    if (this.isKeyword(cur, 'resource') && this.peekAt(1).type !== T.LeftChevron) {
      this.read();
      const typeString = this.recover((): StringNode | undefined => {
        const t = this.peek().type;
        if (allowOptionalResourceType && t !== T.StringComplete && t !== T.StringLeftPiece) return undefined;
        return this.stringOrFail('BCP068', 'Expected a resource type string. Specify a valid resource type of format "<type-name>@<apiVersion>".');
      }, false, false, [T.Assignment, T.NewLine]);
      return { kind: 'resourceType', typeString, start: cur.start, end: this.prevEnd() };
    }
    return this.typeExpression();
  }

  private hasUnionSeparator(): boolean {
    return this.is(T.Pipe) || (this.is(T.NewLine) && this.peekAt(1).type === T.Pipe);
  }

  private typeExpression(): TypeNode {
    this.enter();
    try {
      const start = this.peek().start;
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
          const at = this.peek().start;
          this.reportEmpty('BCP300', 'Expected a type literal at this location. Please specify a concrete value or a reference to a literal type.', at);
          members.push(this.errorNode(at, at));
        } else {
          members.push(this.recover(() => this.unaryType(), false, false, [T.NewLine]));
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
    if (op.type === T.Exclamation || op.type === T.Minus) {
      this.read();
      const operand = this.recover(() => this.memberType(), false, false, CLOSERS_EXPR);
      return { kind: 'unaryType', operator: op.type === T.Exclamation ? '!' : '-', operand, start: op.start, end: this.prevEnd() };
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
      () => this.recover(() => this.typeExpression(), false, false, [T.NewLine, T.Comma, T.RightChevron]));
    if (this.is(T.RightChevron)) this.read();
    else this.reportEmpty('BCP018', 'Expected the ">" character at this location.');
    return args;
  }

  private primaryType(): TypeNode {
    const t = this.peek();
    switch (t.type) {
      case T.Integer: return this.integer() as TypeNode;
      case T.NullKeyword: this.read(); return { kind: 'null', start: t.start, end: t.end };
      case T.TrueKeyword: this.read(); return { kind: 'boolean', value: true, start: t.start, end: t.end };
      case T.FalseKeyword: this.read(); return { kind: 'boolean', value: false, start: t.start, end: t.end };
      case T.StringComplete:
      case T.StringLeftPiece:
        return this.string();
      case T.LeftBrace: return this.objectType();
      case T.LeftSquare: return this.tupleType();
      case T.LeftParen: {
        const list = this.parenthesizedList(() => this.typeExpression(), false);
        if (list.items.length !== 1) {
          this.parenthesizedInner(list as { items: (Expression | ErrorNode)[]; openEnd: number });
          return this.errorNode(list.start, list.end);
        }
        return { kind: 'parenthesizedType', type: list.items[0], start: list.start, end: list.end };
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
        start: open.start, end: this.prevEnd(),
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
      if (cur.type === T.Identifier) return this.identifierFrom(this.read());
      if (cur.type === T.StringComplete || cur.type === T.StringLeftPiece) {
        const s = this.string();
        if (!isError(s)) return s;
        return this.fail('BCP022', 'Expected a property name at this location.', cur);
      }
      if (cur.type === T.Asterisk) { star = true; const a = this.read(); return this.errorNode(a.start, a.end); }
      return this.fail('BCP317', 'Expected an identifier, a string, or an asterisk at this location.', cur);
    }, false, false, [T.Colon, T.NewLine, T.RightBrace]);
    const colon = this.recover(() => this.expectChar(T.Colon, ':'), this.suppressAfter(key), false, [T.NewLine, T.RightBrace]);
    const value = this.recover(() => this.typeExpression(), this.suppressAfter(colon), false, [T.NewLine, T.RightBrace]);
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
        const start = this.peek().start;
        const value = this.typeExpression();
        return { kind: 'tupleTypeItem', decorators, value, start: decorators.length > 0 ? decorators[0].start : start, end: this.prevEnd() };
      }, false, false, [T.NewLine, T.RightSquare]), info);
      this.expectChar(T.RightSquare, ']');
      return {
        kind: 'tupleType', items, multiline: info.multiline, commaSeparated: info.commaSeparated, closed: true,
        start: open.start, end: this.prevEnd(),
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
  const i0 = text.indexOf('\\', start);
  if (i0 < 0 || i0 >= end) return text.slice(start, end);
  let out = text.slice(start, i0);
  let i = i0;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c !== 92 || i + 1 >= end) { out += text[i]; i++; continue; }
    const e = text[i + 1];
    switch (e) {
      case 'n': out += '\n'; i += 2; continue;
      case 'r': out += '\r'; i += 2; continue;
      case 't': out += '\t'; i += 2; continue;
      case '\\': out += '\\'; i += 2; continue;
      case "'": out += "'"; i += 2; continue;
      case '$': out += '$'; i += 2; continue;
      case 'u': {
        const close = text.indexOf('}', i + 3);
        if (text[i + 2] === '{' && close > i + 3 && close < end) {
          const hex = text.slice(i + 3, close);
          if (/^[0-9a-fA-F]+$/.test(hex)) {
            const cp = parseInt(hex, 16);
            if (cp <= 0x10ffff) { out += String.fromCodePoint(cp); i = close + 1; continue; }
          }
        }
        out += text[i]; i++; continue;
      }
      default:
        out += text[i]; i++; continue;
    }
  }
  return out;
}
