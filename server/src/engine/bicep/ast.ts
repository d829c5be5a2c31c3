// Syntax tree produced by the Bicep parser (parser.ts).
//
// Every node carries `start`/`end`: 0-based UTF-16 offsets into the parsed text, `end` exclusive.
// The tree is error tolerant: where the source is broken, an `ErrorNode` stands in for the
// missing or skipped piece and a diagnostic is reported; the rest of the file is still parsed.

export interface TextRange { start: number; end: number }

export interface Diagnostic {
  message: string;
  start: number;
  end: number;
  /** Bicep's own code where Bicep reports the same parse error (e.g. 'BCP018'), else an 'EGB…' code of ours. */
  code: string;
  severity: 'error' | 'warning';
}

// ---------------------------------------------------------------------------------------------
// Trivia

export interface Comment extends TextRange {
  kind: 'line' | 'block';
  /** Text including the `//` or `/* … *\/` delimiters. */
  text: string;
}

export type DirectiveKind = 'disable-next-line' | 'disable-diagnostics' | 'restore-diagnostics';

/**
 * `#disable-next-line code1 code2`, `#disable-diagnostics …`, `#restore-diagnostics …`.
 * Only recognised where `#` is the first non-blank character of its line (as Bicep does);
 * the range covers `#` up to the end of the last code.
 */
export interface Directive extends TextRange {
  kind: DirectiveKind;
  codes: DirectiveCode[];
  /** 0-based line of the directive. */
  line: number;
}

export interface DirectiveCode extends TextRange { code: string }

// ---------------------------------------------------------------------------------------------
// Shared leaves

export interface Identifier extends TextRange {
  kind: 'identifier';
  /** '' when the identifier is missing (error recovery); `missing` is then true. */
  name: string;
  missing?: true;
}

/** Skipped tokens or a missing piece. The diagnostics explain what went wrong. */
export interface ErrorNode extends TextRange {
  kind: 'error';
  /**
   * What had been parsed before the failure, when that is an object or array whose closing
   * bracket is missing: lets a linter still look inside `{ … <EOF>`.
   */
  partial?: ObjectNode | ArrayNode;
}

// ---------------------------------------------------------------------------------------------
// Expressions

export interface StringNode extends TextRange {
  kind: 'string';
  /** Decoded literal pieces; always `expressions.length + 1` of them. */
  segments: string[];
  /** Raw source range of each literal piece (without quotes, `${` or `}`). */
  segmentRanges: TextRange[];
  /** Interpolated expressions, in order. (A shared frozen empty array when there are none: do not mutate.) */
  expressions: Expression[];
  /** The decoded value when there is no interpolation. */
  value: string | undefined;
  /** `'''…'''` (or `$'''…'''`) form. */
  multiline: boolean;
}

export interface NumberNode extends TextRange { kind: 'number'; value: number; raw: string }
export interface BooleanNode extends TextRange { kind: 'boolean'; value: boolean }
export interface NullNode extends TextRange { kind: 'null' }

/** A bare identifier used as a value: a parameter, variable, resource, loop/lambda variable, … */
export interface VariableNode extends TextRange { kind: 'variable'; name: string }

/** `f(args)`; with `target` for `target.f(args)` (e.g. `sys.concat(…)`, `az.resourceGroup()`, `kv.getSecret('x')`). */
export interface CallNode extends TextRange {
  kind: 'call';
  name: Identifier;
  target?: Expression;
  args: Expression[];
  /** False when the closing `)` is missing. */
  closed: boolean;
}

/** `target.name`, or `target.?name` (`safe`). */
export interface PropertyAccessNode extends TextRange {
  kind: 'propertyAccess';
  target: Expression;
  property: Identifier;
  safe: boolean;
}

/** `target[index]`, `target[?index]` (`safe`), `target[^index]` (`fromEnd`). */
export interface IndexAccessNode extends TextRange {
  kind: 'indexAccess';
  target: Expression;
  index: Expression;
  safe: boolean;
  fromEnd: boolean;
}

/** `parent::child` */
export interface ResourceAccessNode extends TextRange { kind: 'resourceAccess'; target: Expression; name: Identifier }

/** `expr!` */
export interface NonNullAssertionNode extends TextRange { kind: 'nonNullAssertion'; target: Expression }

export interface UnaryNode extends TextRange { kind: 'unary'; operator: '!' | '-'; operand: Expression; operatorRange: TextRange }

export type BinaryOperator =
  | '||' | '&&' | '??'
  | '==' | '!=' | '=~' | '!~'
  | '<' | '<=' | '>' | '>='
  | '+' | '-' | '*' | '/' | '%';

export interface BinaryNode extends TextRange {
  kind: 'binary';
  operator: BinaryOperator;
  left: Expression;
  right: Expression;
  operatorRange: TextRange;
}

export interface TernaryNode extends TextRange {
  kind: 'ternary';
  condition: Expression;
  whenTrue: Expression;
  whenFalse: Expression;
  questionRange: TextRange;
}

export interface ParenthesizedNode extends TextRange { kind: 'parenthesized'; expression: Expression }

/** `...expr` inside an array or object. */
export interface SpreadNode extends TextRange { kind: 'spread'; expression: Expression }

export interface ArrayNode extends TextRange {
  kind: 'array';
  items: (Expression | SpreadNode)[];
  /** A line break occurs between the brackets. */
  multiline: boolean;
  /** At least one `,` separates items. */
  commaSeparated: boolean;
  /** False when the closing `]` is missing. */
  closed: boolean;
}

export interface ObjectProperty extends TextRange {
  kind: 'objectProperty';
  key: Identifier | StringNode | ErrorNode;
  /** The key as text; undefined for an interpolated or broken key. */
  keyName: string | undefined;
  value: Expression;
}

export type ObjectMember = ObjectProperty | SpreadNode | ResourceDeclaration | ErrorNode;

export interface ObjectNode extends TextRange {
  kind: 'object';
  /** Everything between the braces, in order: properties, spreads, nested resources (resource bodies only), errors. */
  members: ObjectMember[];
  /** The `objectProperty` members only. */
  properties: ObjectProperty[];
  /** A line break occurs between the braces. */
  multiline: boolean;
  /** At least one `,` separates members. */
  commaSeparated: boolean;
  /** False when the closing `}` is missing. */
  closed: boolean;
  /**
   * A resource body not parsed (parse option `skipIrrelevantResources`): it spans the braces but has
   * no members (`members` and `properties` are then shared frozen empty arrays: do not mutate).
   */
  skipped?: true;
}

/** `[for item in iterable: body]`, `[for (item, index) in iterable: body]`. */
export interface ForNode extends TextRange {
  kind: 'for';
  itemVariable: Identifier | undefined;
  indexVariable: Identifier | undefined;
  iterable: Expression;
  /** Any expression; for resources/modules an object or an `if` (the loop filter). */
  body: Expression | IfNode;
}

/** `if (condition) { … }`: a resource/module condition, or a loop filter. */
export interface IfNode extends TextRange {
  kind: 'if';
  /** The expression inside the parentheses. */
  condition: Expression;
  /** Range of `( … )`. */
  conditionRange: TextRange;
  body: ObjectNode | ErrorNode;
}

/** `x => body`, `(x, i) => body`. */
export interface LambdaNode extends TextRange {
  kind: 'lambda';
  parameters: Identifier[];
  body: Expression;
}

export type Expression =
  | StringNode | NumberNode | BooleanNode | NullNode
  | VariableNode | CallNode | PropertyAccessNode | IndexAccessNode | ResourceAccessNode | NonNullAssertionNode
  | UnaryNode | BinaryNode | TernaryNode | ParenthesizedNode
  | ArrayNode | ObjectNode | ForNode | LambdaNode
  | ErrorNode;

// ---------------------------------------------------------------------------------------------
// Type expressions (param/output/type/func declarations, typed variables)

/** `string`, `int`, `myType`, `resourceInput<'Microsoft.X/y@2023-01-01'>`, `sys.string` (as a member access). */
export interface TypeReferenceNode extends TextRange {
  kind: 'typeReference';
  name: Identifier;
  typeArguments?: TypeNode[];
}

/** `T.member` / `T.member<…>` */
export interface TypeMemberAccessNode extends TextRange {
  kind: 'typeMemberAccess';
  target: TypeNode;
  member: Identifier;
  typeArguments?: TypeNode[];
}

/** `T.*` */
export interface TypeAdditionalPropertiesAccessNode extends TextRange { kind: 'typeAdditionalPropertiesAccess'; target: TypeNode }
/** `T[0]` */
export interface TypeIndexAccessNode extends TextRange { kind: 'typeIndexAccess'; target: TypeNode; index: Expression }
/** `T[*]` */
export interface TypeItemsAccessNode extends TextRange { kind: 'typeItemsAccess'; target: TypeNode }
/** `T[]` */
export interface ArrayTypeNode extends TextRange { kind: 'arrayType'; element: TypeNode }
/** `'a' | 'b'` */
export interface UnionTypeNode extends TextRange { kind: 'unionType'; members: TypeNode[] }
/** `T?` */
export interface NullableTypeNode extends TextRange { kind: 'nullableType'; inner: TypeNode }
/** `T!` */
export interface NonNullableTypeNode extends TextRange { kind: 'nonNullableType'; inner: TypeNode }
/** `-1`, `!true` as types. */
export interface UnaryTypeNode extends TextRange { kind: 'unaryType'; operator: '!' | '-'; operand: TypeNode }
export interface ParenthesizedTypeNode extends TextRange { kind: 'parenthesizedType'; type: TypeNode }
/** `resource 'Microsoft.X/y@v'` (type string optional for outputs). */
export interface ResourceTypeNode extends TextRange { kind: 'resourceType'; typeString: StringNode | ErrorNode | undefined }

export interface ObjectTypeProperty extends TextRange {
  kind: 'objectTypeProperty';
  decorators: Decorator[];
  key: Identifier | StringNode | ErrorNode;
  keyName: string | undefined;
  value: TypeNode;
}

/** `*: T` */
export interface ObjectTypeAdditionalProperties extends TextRange {
  kind: 'objectTypeAdditionalProperties';
  decorators: Decorator[];
  value: TypeNode;
}

export interface ObjectTypeNode extends TextRange {
  kind: 'objectType';
  members: (ObjectTypeProperty | ObjectTypeAdditionalProperties | ErrorNode)[];
  multiline: boolean;
  commaSeparated: boolean;
  closed: boolean;
}

export interface TupleTypeItem extends TextRange { kind: 'tupleTypeItem'; decorators: Decorator[]; value: TypeNode }

export interface TupleTypeNode extends TextRange {
  kind: 'tupleType';
  items: (TupleTypeItem | ErrorNode)[];
  multiline: boolean;
  commaSeparated: boolean;
  closed: boolean;
}

export type TypeNode =
  | TypeReferenceNode | TypeMemberAccessNode | TypeAdditionalPropertiesAccessNode | TypeIndexAccessNode | TypeItemsAccessNode
  | ArrayTypeNode | UnionTypeNode | NullableTypeNode | NonNullableTypeNode | UnaryTypeNode | ParenthesizedTypeNode
  | ResourceTypeNode | ObjectTypeNode | TupleTypeNode
  | StringNode | NumberNode | BooleanNode | NullNode
  | ErrorNode;

// ---------------------------------------------------------------------------------------------
// Declarations

export interface Decorator extends TextRange {
  kind: 'decorator';
  /** What follows `@`: a call, a bare name, or a namespaced call such as `sys.description('…')`. */
  expression: Expression;
  /** Decorator name, e.g. 'description' for `@sys.description('x')`; '' when broken. */
  name: string;
  /** e.g. 'sys' for `@sys.description(…)`. */
  namespace: string | undefined;
  /** Arguments when the decorator is called. */
  args: Expression[];
}

interface DeclarationBase extends TextRange {
  /** Range of the leading keyword (`param`, `resource`, …). `start` includes the decorators. */
  keyword: TextRange;
  /** (A shared frozen empty array when there are none: do not mutate.) */
  decorators: Decorator[];
}

export interface TargetScopeDeclaration extends DeclarationBase { kind: 'targetScope'; value: Expression }
export interface MetadataDeclaration extends DeclarationBase { kind: 'metadata'; name: Identifier; value: Expression }

/** `param name type [= default]` in a .bicep file. */
export interface ParameterDeclaration extends DeclarationBase {
  kind: 'param';
  name: Identifier;
  type: TypeNode;
  defaultValue: Expression | undefined;
}

/** `param name = value` in a .bicepparam file. */
export interface ParameterAssignment extends DeclarationBase { kind: 'paramAssignment'; name: Identifier; value: Expression }

export interface VariableDeclaration extends DeclarationBase {
  kind: 'var';
  name: Identifier;
  /** `var x string = …` */
  type: TypeNode | undefined;
  value: Expression;
}

export interface OutputDeclaration extends DeclarationBase { kind: 'output'; name: Identifier; type: TypeNode; value: Expression }
export interface TypeDeclaration extends DeclarationBase { kind: 'type'; name: Identifier; value: TypeNode }

export interface FunctionParameter extends TextRange { name: Identifier; type: TypeNode }

export interface FunctionDeclaration extends DeclarationBase {
  kind: 'func';
  name: Identifier;
  parameters: FunctionParameter[];
  returnType: TypeNode;
  body: Expression;
}

interface DeployableDeclaration extends DeclarationBase {
  name: Identifier;
  /** Everything after `=`: an object, `if (…) {…}`, `[for …]`, or an error. */
  value: Expression | IfNode;
  /** The `if` condition, directly (`= if (c) {…}`) or as loop filter (`[for x in y: if (c) {…}]`). */
  condition: Expression | undefined;
  /** Loop, when the value is `[for …]`. */
  loop: ForNode | undefined;
  /** The body object, wherever it sits (direct, under `if`, under `for`). */
  body: ObjectNode | undefined;
}

export interface ResourceDeclaration extends DeployableDeclaration {
  kind: 'resource';
  /** The resource type string node (`'Microsoft.X/y@2023-05-01'`). */
  type: StringNode | ErrorNode;
  /** Its value when it is a plain string. */
  typeString: string | undefined;
  existing: boolean;
  existingRange: TextRange | undefined;
}

export type ModulePathKind = 'local' | 'registry' | 'registryAlias' | 'templateSpec' | 'templateSpecAlias' | 'unknown';

export interface ModuleDeclaration extends DeployableDeclaration {
  kind: 'module';
  path: StringNode | ErrorNode;
  pathString: string | undefined;
  pathKind: ModulePathKind;
}

export interface TestDeclaration extends DeclarationBase {
  kind: 'test';
  name: Identifier;
  path: StringNode | ErrorNode;
  pathString: string | undefined;
  value: Expression;
}

export interface ImportedSymbol extends TextRange {
  /** The exported name (an identifier, or a quoted string that then needs `as`). */
  name: Identifier | StringNode | ErrorNode;
  alias: Identifier | undefined;
}

/** `import {a, b as c} from 'x.bicep'`, `import * as ns from 'x.bicep'`. */
export interface ImportDeclaration extends DeclarationBase {
  kind: 'import';
  symbols: ImportedSymbol[] | undefined;
  /** `* as alias` */
  wildcardAlias: Identifier | undefined;
  from: StringNode | ErrorNode;
  fromPath: string | undefined;
}

/** `extension az`, `extension 'br:…' with {…} as alias`; also legacy `import 'x@1.0'` and `provider …`. */
export interface ExtensionDeclaration extends DeclarationBase {
  kind: 'extension';
  keywordText: 'extension' | 'import' | 'provider';
  specification: Identifier | StringNode | ErrorNode;
  config: ObjectNode | ErrorNode | undefined;
  alias: Identifier | undefined;
}

export interface AssertDeclaration extends DeclarationBase { kind: 'assert'; name: Identifier; value: Expression }

/** `.bicepparam`: `using './main.bicep'`, `using none`, `using '…' with {…}`. */
export interface UsingDeclaration extends DeclarationBase {
  kind: 'using';
  path: StringNode | Identifier | ErrorNode;
  /** The path text; undefined for `none` or when broken. */
  pathString: string | undefined;
  config: ObjectNode | ErrorNode | undefined;
}

/** `.bicepparam`: `extends './base.bicepparam'` */
export interface ExtendsDeclaration extends DeclarationBase { kind: 'extends'; path: StringNode | ErrorNode; pathString: string | undefined }

/** `.bicepparam`: `extensionConfig alias with {…}` */
export interface ExtensionConfigAssignment extends DeclarationBase { kind: 'extensionConfig'; alias: Identifier; config: ObjectNode | ErrorNode }

/** Decorators followed by no declaration. */
export interface MissingDeclaration extends DeclarationBase { kind: 'missingDeclaration' }

export type Declaration =
  | TargetScopeDeclaration | MetadataDeclaration | ParameterDeclaration | ParameterAssignment | VariableDeclaration
  | OutputDeclaration | TypeDeclaration | FunctionDeclaration | ResourceDeclaration | ModuleDeclaration | TestDeclaration
  | ImportDeclaration | ExtensionDeclaration | AssertDeclaration
  | UsingDeclaration | ExtendsDeclaration | ExtensionConfigAssignment | MissingDeclaration;

export type BicepFileKind = 'bicep' | 'bicepparam';

export interface Program extends TextRange {
  kind: 'program';
  fileKind: BicepFileKind;
  declarations: Declaration[];
  /** All `//` and `/* *\/` comments, in source order. */
  comments: Comment[];
  /** All `#disable-next-line` / `#disable-diagnostics` / `#restore-diagnostics` directives, in source order. */
  directives: Directive[];
  /** Offset at which each line starts (line breaks: `\r\n`, `\n`, `\r`). */
  lineStarts: number[];
}

export interface ParseResult {
  program: Program;
  /** Lexical and syntax errors, sorted by position. */
  diagnostics: Diagnostic[];
}

export type Node =
  | Program | Declaration | Decorator | Expression | TypeNode | IfNode | SpreadNode
  | ObjectProperty | ObjectTypeProperty | ObjectTypeAdditionalProperties | TupleTypeItem | Identifier;
