// Lowers Bicep expressions (parser.ts) to the ARM expression tree (expressions/ast.ts), so that a
// single evaluator serves ARM JSON and Bicep. Spans of lowered nodes are Bicep source ranges;
// nodes synthesised for an operator (e.g. `equals` for `==`) carry the operator's range as
// `nameSpan` and the whole operation's range as `span`.
//
// Contract with the evaluator (functions that are not ARM built-ins):
//   unknownSymbol('name')   a name the resolver does not know, or '<error>' for a syntax error: unknown value
//   resourceSymbol('name')  the resource declared as `name` (`parent::child` for nested access)
//   moduleSymbol('name')    the module declared as `name`
//   __bicep.f(args)         call of a user-defined function `func f(...)` (namespace USER_FUNCTION_NAMESPACE)
//   ns.f(args)              call through an imported namespace (`import * as ns from …`)
//   target.f(args)          an instance function (`kv.getSecret('s')`, `sa.listKeys()`) becomes
//                           call f(target, args…)
//
// Everything else is ARM: parameters/variables/lambdaVariables, if, coalesce, and/or/not, equals,
// less/lessOrEquals/greater/greaterOrEquals, add/sub/mul/div/mod, toLower, createArray, createObject,
// flatten + createArray (array spread), shallowMerge + createArray (object spread), length,
// format (interpolation), map/filter + lambda (for-expressions), lambda.

import type { Expr, Span } from '../expressions/ast';
import type {
  ArrayNode, Declaration, Expression, Identifier, IfNode, ObjectNode, Program, ResourceDeclaration, StringNode, TextRange,
} from './ast';
import { keepShapes } from '../shapes';
import { nestedResources } from './parser';

export type SymbolKind = 'param' | 'var' | 'lambdaVar' | 'resource' | 'module' | 'func' | 'namespace' | 'other';
export type SymbolResolver = (name: string) => SymbolKind;

export const UNKNOWN_SYMBOL_FUNCTION = 'unknownSymbol';
export const RESOURCE_SYMBOL_FUNCTION = 'resourceSymbol';
export const MODULE_SYMBOL_FUNCTION = 'moduleSymbol';
export const USER_FUNCTION_NAMESPACE = '__bicep';
/** Argument of `unknownSymbol` for a syntax error. */
export const ERROR_SYMBOL = '<error>';

/** Namespaces whose functions are ARM built-ins (`sys.concat`, `az.resourceGroup`). */
const BUILTIN_NAMESPACES = new Set(['sys', 'az']);

export interface LowerOptions {
  /** Names bound around the expression (loop variables of an enclosing `[for …]`): lowered as lambdaVariables. */
  locals?: readonly string[];
}

/** Lowers one Bicep expression (or a resource/module `if` value) to an ARM expression tree. Never throws. */
export function lowerExpression(node: Expression | IfNode, resolve: SymbolResolver, options: LowerOptions = {}): Expr {
  return new Lowerer(resolve, options.locals ?? []).lower(node);
}

/** Symbol kinds of the top-level (and nested resource) declarations of a program. */
export function buildSymbolTable(program: Program): Map<string, SymbolKind> {
  const table = new Map<string, SymbolKind>();
  const add = (id: Identifier | undefined, kind: SymbolKind) => {
    if (id && !id.missing && !table.has(id.name)) table.set(id.name, kind);
  };
  const addResource = (r: ResourceDeclaration) => {
    add(r.name, 'resource');
    for (const m of nestedResources(r.body)) addResource(m);
  };
  for (const d of program.declarations as Declaration[]) {
    switch (d.kind) {
      case 'param': case 'paramAssignment': add(d.name, 'param'); break;
      case 'var': add(d.name, 'var'); break;
      case 'resource': addResource(d); break;
      case 'module': add(d.name, 'module'); break;
      case 'func': add(d.name, 'func'); break;
      case 'import':
        if (d.wildcardAlias) add(d.wildcardAlias, 'namespace');
        for (const s of d.symbols ?? []) add(s.alias ?? (s.name.kind === 'identifier' ? s.name : undefined), 'other');
        break;
      case 'extension':
        if (d.alias) add(d.alias, 'namespace');
        else if (d.specification.kind === 'identifier') add(d.specification, 'namespace');
        break;
      default: break; // outputs, types, metadata, targetScope...: no symbol an expression can read
    }
  }
  return table;
}

/** A resolver over `buildSymbolTable(program)`; `sys` and `az` are namespaces unless redeclared. */
export function createSymbolResolver(program: Program): SymbolResolver {
  const table = buildSymbolTable(program);
  return (name) => table.get(name) ?? (BUILTIN_NAMESPACES.has(name) ? 'namespace' : 'other');
}

function span(r: TextRange): Span {
  return { start: r.start, end: r.end };
}

class Lowerer {
  private readonly scopes: string[][] = [];

  constructor(private readonly resolve: SymbolResolver, locals: readonly string[]) {
    if (locals.length > 0) this.scopes.push([...locals]);
  }

  private isLocal(name: string): boolean {
    for (let i = this.scopes.length - 1; i >= 0; i--) if (this.scopes[i].includes(name)) return true;
    return false;
  }

  private kindOf(name: string): SymbolKind {
    if (this.isLocal(name)) return 'lambdaVar';
    try {
      return this.resolve(name);
    } catch {
      return 'other';
    }
  }

  private str(value: string, r: TextRange): Expr {
    return { kind: 'string', value, span: span(r) };
  }

  private call(name: string, args: Expr[], r: TextRange, nameRange: TextRange = r, namespace?: string): Expr {
    const e: Expr = { kind: 'call', name, args, span: span(r), nameSpan: span(nameRange) };
    if (namespace !== undefined) e.namespace = namespace;
    return e;
  }

  private symbolCall(fn: string, name: string, r: TextRange): Expr {
    return this.call(fn, [this.str(name, r)], r);
  }

  private unknown(r: TextRange, name = ERROR_SYMBOL): Expr {
    return this.symbolCall(UNKNOWN_SYMBOL_FUNCTION, name, r);
  }

  private identifierValue(name: string, r: TextRange): Expr {
    switch (this.kindOf(name)) {
      case 'param': return this.symbolCall('parameters', name, r);
      case 'var': return this.symbolCall('variables', name, r);
      case 'lambdaVar': return this.symbolCall('lambdaVariables', name, r);
      case 'resource': return this.symbolCall(RESOURCE_SYMBOL_FUNCTION, name, r);
      case 'module': return this.symbolCall(MODULE_SYMBOL_FUNCTION, name, r);
      default: return this.unknown(r, name);
    }
  }

  lower(node: Expression | IfNode): Expr {
    switch (node.kind) {
      case 'string': return this.string(node);
      case 'number': return { kind: 'number', value: node.value, span: span(node) };
      case 'boolean': return { kind: 'boolean', value: node.value, span: span(node) };
      case 'null': return { kind: 'null', span: span(node) };
      case 'variable': return this.identifierValue(node.name, node);
      case 'call': return this.callNode(node);
      case 'propertyAccess':
        if (node.property.missing) return this.unknown(node);
        return {
          kind: 'property', target: this.lower(node.target), name: node.property.name, safe: node.safe,
          span: span(node), nameSpan: span(node.property),
        };
      case 'indexAccess': {
        const target = this.lower(node.target);
        let index = this.lower(node.index);
        if (node.fromEnd) {
          // a[^i] is a[length(a) - i]
          index = this.call('sub', [this.call('length', [this.lower(node.target)], node.target), index], node.index);
        }
        return { kind: 'index', target, index, safe: node.safe, span: span(node) };
      }
      case 'resourceAccess': {
        const path: string[] = [];
        let cur: Expression = node;
        while (cur.kind === 'resourceAccess') {
          path.unshift(cur.name.name);
          cur = cur.target;
        }
        if (cur.kind === 'variable' && this.kindOf(cur.name) === 'resource') {
          return this.symbolCall(RESOURCE_SYMBOL_FUNCTION, [cur.name, ...path].join('::'), node);
        }
        return this.unknown(node, cur.kind === 'variable' ? [cur.name, ...path].join('::') : ERROR_SYMBOL);
      }
      case 'nonNullAssertion': return this.lower(node.target);
      case 'unary': {
        if (node.operator === '-') {
          if (node.operand.kind === 'number') return { kind: 'number', value: -node.operand.value, span: span(node) };
          return this.call('sub', [{ kind: 'number', value: 0, span: span(node.operatorRange) }, this.lower(node.operand)], node, node.operatorRange);
        }
        return this.call('not', [this.lower(node.operand)], node, node.operatorRange);
      }
      case 'binary': return this.binary(node);
      case 'ternary':
        return this.call('if', [this.lower(node.condition), this.lower(node.whenTrue), this.lower(node.whenFalse)], node, node.questionRange);
      case 'parenthesized': return this.lower(node.expression);
      case 'array': return this.array(node);
      case 'object': return this.object(node);
      case 'for': return this.forExpression(node);
      case 'if': {
        // resource/module `= if (c) {…}`: the body when c holds, else null
        return this.call('if', [this.lower(node.condition), this.lower(node.body), { kind: 'null', span: span(node) }], node,
          { start: node.start, end: node.start + 2 });
      }
      case 'lambda': {
        const names = node.parameters.map(p => p.name);
        this.scopes.push(names);
        try {
          const body = this.lower(node.body);
          return this.call('lambda', [...node.parameters.map(p => this.str(p.name, p)), body], node,
            { start: node.start, end: node.body.start });
        } finally {
          this.scopes.pop();
        }
      }
      case 'error': return this.unknown(node);
    }
  }

  private string(node: StringNode): Expr {
    const { segments, expressions } = node;
    if (expressions.length === 0) return this.str(segments[0], node);
    let format = '';
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i];
      format += seg.includes('{') || seg.includes('}') ? seg.replace(/[{}]/g, c => c + c) : seg;
      if (i < expressions.length) format += `{${i}}`;
    }
    const args: Expr[] = [this.str(format, node)];
    for (const e of expressions) args.push(this.lower(e));
    return this.call('format', args, node, node);
  }

  private callNode(node: Extract<Expression, { kind: 'call' }>): Expr {
    const args = node.args.map(a => this.lower(a));
    const name = node.name.name;
    if (node.name.missing) return this.unknown(node);
    const target = node.target;
    if (!target) {
      if (this.kindOf(name) === 'func') return this.call(name, args, node, node.name, USER_FUNCTION_NAMESPACE);
      return this.call(name, args, node, node.name);
    }
    if (target.kind === 'variable') {
      const kind = this.kindOf(target.name);
      if (kind === 'namespace' || (kind === 'other' && BUILTIN_NAMESPACES.has(target.name))) {
        if (BUILTIN_NAMESPACES.has(target.name)) return this.call(name, args, node, node.name);
        return this.call(name, args, node, node.name, target.name);
      }
    }
    // instance function: `x.f(args)` is `f(x, args)`
    return this.call(name, [this.lower(target), ...args], node, node.name);
  }

  private binary(node: Extract<Expression, { kind: 'binary' }>): Expr {
    const left = this.lower(node.left);
    const right = this.lower(node.right);
    const op = node.operatorRange;
    const c = (name: string, args: Expr[]) => this.call(name, args, node, op);
    switch (node.operator) {
      case '&&': return c('and', [left, right]);
      case '||': return c('or', [left, right]);
      case '??': return c('coalesce', [left, right]);
      case '==': return c('equals', [left, right]);
      case '!=': return c('not', [c('equals', [left, right])]);
      case '=~': return c('equals', [this.call('toLower', [left], node.left), this.call('toLower', [right], node.right)]);
      case '!~': return c('not', [c('equals', [this.call('toLower', [left], node.left), this.call('toLower', [right], node.right)])]);
      case '<': return c('less', [left, right]);
      case '<=': return c('lessOrEquals', [left, right]);
      case '>': return c('greater', [left, right]);
      case '>=': return c('greaterOrEquals', [left, right]);
      case '+': return c('add', [left, right]);
      case '-': return c('sub', [left, right]);
      case '*': return c('mul', [left, right]);
      case '/': return c('div', [left, right]);
      case '%': return c('mod', [left, right]);
    }
  }

  private array(node: ArrayNode): Expr {
    if (!node.items.some(i => i.kind === 'spread')) {
      return this.call('createArray', node.items.map(i => this.lower(i as Expression)), node, { start: node.start, end: node.start + 1 });
    }
    // [a, ...b, c] is flatten([[a], b, [c]])
    const groups: Expr[] = [];
    let run: { items: Expr[]; start: number; end: number } | undefined;
    const flush = () => {
      if (run) groups.push(this.call('createArray', run.items, run, run));
      run = undefined;
    };
    for (const item of node.items) {
      if (item.kind === 'spread') {
        flush();
        groups.push(this.lower(item.expression));
      } else {
        const e = this.lower(item);
        if (!run) run = { items: [], start: item.start, end: item.end };
        run.items.push(e);
        run.end = item.end;
      }
    }
    flush();
    return this.call('flatten', [this.call('createArray', groups, node)], node, { start: node.start, end: node.start + 1 });
  }

  private object(node: ObjectNode): Expr {
    const open = { start: node.start, end: node.start + 1 };
    const pairs = (members: ObjectNode['members']): Expr[] => {
      const args: Expr[] = [];
      for (const m of members) {
        if (m.kind !== 'objectProperty') continue;
        args.push(m.key.kind === 'identifier' ? this.str(m.key.name, m.key) : this.lower(m.key), this.lower(m.value));
      }
      return args;
    };
    if (!node.members.some(m => m.kind === 'spread')) return this.call('createObject', pairs(node.members), node, open);
    // {a: 1, ...b} is shallowMerge([{a: 1}, b])
    const parts: Expr[] = [];
    let run: ObjectNode['members'] = [];
    const flush = () => {
      if (run.length > 0) {
        const r = { start: run[0].start, end: run[run.length - 1].end };
        parts.push(this.call('createObject', pairs(run), r, r));
      }
      run = [];
    };
    for (const m of node.members) {
      if (m.kind === 'spread') {
        flush();
        parts.push(this.lower(m.expression));
      } else if (m.kind === 'objectProperty') {
        run.push(m);
      }
    }
    flush();
    return this.call('shallowMerge', [this.call('createArray', parts, node)], node, open);
  }

  private forExpression(node: Extract<Expression, { kind: 'for' }>): Expr {
    const iterable = this.lower(node.iterable);
    const vars = [node.itemVariable, node.indexVariable].filter((v): v is Identifier => !!v && !v.missing);
    const names = vars.map(v => v.name);
    const forRange = { start: node.start, end: node.start + 1 };
    const lambda = (body: Expr, r: TextRange, params = vars): Expr =>
      this.call('lambda', [...params.map(v => this.str(v.name, v)), body], r, forRange);
    this.scopes.push(names);
    try {
      const body = node.body;
      if (body.kind === 'if') {
        const cond = this.lower(body.condition);
        const value = this.lower(body.body);
        if (node.indexVariable) {
          // keep indexes aligned with the source: filtered-out items become null
          return this.call('map', [iterable, lambda(this.call('if', [cond, value, { kind: 'null', span: span(body) }], body, body), node)], node, forRange);
        }
        const filtered = this.call('filter', [iterable, lambda(cond, body.conditionRange)], node, forRange);
        return this.call('map', [filtered, lambda(value, body.body)], node, forRange);
      }
      return this.call('map', [iterable, lambda(this.lower(body), node)], node, forRange);
    } finally {
      this.scopes.pop();
    }
  }
}

// See `keepShapes`.
keepShapes(new Lowerer(() => 'other', []));
