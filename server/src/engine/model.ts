// The resource model every format reader builds and every rule reads.
// Nothing here knows about JSON, Bicep, LSP or the command line.

import type { Expr } from './expressions/ast';
import type { Value } from './expressions/value';
import type { GraphResource } from './graph/graph';

export type FileKind = 'arm' | 'bicep' | 'bicepparam';

export interface SourceFile {
  readonly uri: string;
  readonly text: string;
  readonly kind: FileKind;
}

/** A range of a source file, in UTF-16 offsets. */
export interface Loc {
  readonly file: SourceFile;
  readonly start: number;
  readonly end: number;
}

/** The values a parameter file (ARM JSON or `.bicepparam`) gives a template, by parameter name. */
export interface ParameterFile {
  /** File name shown in messages. */
  readonly name: string;
  /** Where it is: the inventory tells the runs of a template apart by it. */
  readonly uri?: string;
  readonly values: ReadonlyMap<string, ValueNode>;
}

/** How a value reached the resource when it was not written on the resource itself. */
export type OriginKind = 'parameter-default' | 'parameter-file' | 'caller' | 'variable';

/**
 * A value in a template: what it evaluates to and where it is written.
 * Children are created on demand so a large template costs only what the rules read.
 */
export interface ValueNode {
  readonly value: Value;
  /** Where the value is written (a literal, or the expression that computes it). */
  readonly loc: Loc;
  /** The key of the member that holds this value, when it is an object member. */
  readonly keyLoc?: Loc;
  /** True when `loc` holds a literal of the format (not an expression), so a writer may edit inside it. */
  readonly literal: boolean;
  /** Where the value was really set when it flowed in through a parameter or variable. */
  readonly origin?: Origin;
  member(name: string): ValueNode | undefined;
  /** Array elements, each with its own location where the array is written literally. */
  items(): readonly ValueNode[] | undefined;
  /**
   * Inside an expression, the location of the first string literal for which `test` holds
   * (`'*.blob.{0}'` in `format('*.blob.{0}', ...)`), so a finding can point into the expression.
   */
  literalWithin?(test: (text: string) => boolean): Loc | undefined;
  /**
   * The value as written, for fixes that copy it into an expression: the template it is written in (a key: an
   * expression is only valid there) and its expression tree (a string literal for a literal string).
   */
  written?(): WrittenValue | undefined;
}

export interface WrittenValue {
  /** Identifies the template (a Bicep file, an ARM template or inline nested template) the value is written in. */
  readonly template: string;
  /** As an ARM expression tree; undefined for objects and arrays. */
  readonly expr?: Expr;
  /** Where a parameter of that template gets its value (a caller's value, the default), to say `expr` in a caller's terms. */
  parameter(name: string): Origin | undefined;
}

export interface Origin {
  readonly kind: OriginKind;
  /** The parameter or variable name the value flowed through. */
  readonly name: string;
  /** The node where the value is written, e.g. the parameter's default or the caller's `value`. */
  readonly node: ValueNode;
  /** For `caller`: the deployment or module that passes the value. */
  readonly via?: string;
}

/** The place where a value is finally written, following origins through parameters and callers. */
export function writtenAt(node: ValueNode): ValueNode {
  let current = node;
  for (let depth = 0; current.origin && depth < 64; depth++) current = current.origin.node;
  return current;
}

/**
 * A resource name for a message: `'name'`, or as it is when it describes the name rather than being
 * it (`(named by parameter 'x')`: the name is only known at deployment).
 */
export function quotedName(name: string): string {
  return name.startsWith('(') ? name : `'${name}'`;
}

/**
 * An Azure AI service resource (`Microsoft.CognitiveServices/accounts`) as declared: the subject rules check,
 * and a resource of its deployment graph like any other.
 */
export interface AiResource extends GraphResource {
  /** Name shown to users: the evaluated name when known, else the symbolic name, else what names it (`quotedName`). */
  readonly name: string;
  /** The whole declaration (the resource object / Bicep body). */
  readonly declaration: ValueNode;
  readonly kind?: ValueNode;
  readonly properties?: ValueNode;
  readonly tags?: ValueNode;
  /** Rule ids suppressed for this resource, with the reason given. */
  readonly suppressions: ReadonlyMap<string, string>;
  /** Context for messages: generated-from-Bicep notes, parameter file, deployment path. */
  readonly context: ResourceContext;
  /**
   * Where a resource setting is written, relative to the declaration, when not where ARM has it
   * (`['properties', 'x']`): a module call that takes the account's properties as parameters.
   */
  readonly settingPath?: (path: readonly string[]) => readonly string[];
}

/** The path, relative to the declaration, where a fix sets `path` of the resource. */
export function settingPath(resource: AiResource, path: readonly string[]): readonly string[] {
  return resource.settingPath ? resource.settingPath(path) : path;
}

export interface ResourceContext {
  /** Parameter file the template was evaluated with, if any. */
  readonly parameterFile?: string;
  /** Names of the nested deployments / modules that lead to this resource, outermost first. */
  readonly deploymentPath: readonly string[];
  /** Set when the file was generated by Bicep: the source file to fix instead, when known. */
  readonly generatedFrom?: {
    readonly tool: 'bicep';
    readonly sourceUri?: string;
    /** The declaration in the Bicep source with this symbolic name. */
    readonly declarationOf?: (symbolicName: string) => Loc | undefined;
  };
}
