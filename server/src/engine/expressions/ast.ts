// Syntax tree of ARM template expressions ("[concat('a', parameters('b'))]").
// Bicep expressions are lowered to the same tree, so one evaluator serves both formats.
// Spans are offsets into the text that was parsed (for ARM: the decoded JSON string value).

export interface Span { start: number; end: number }

export type Expr =
  | { kind: 'string'; value: string; span: Span }
  | { kind: 'number'; value: number; span: Span }
  | { kind: 'boolean'; value: boolean; span: Span }
  | { kind: 'null'; span: Span }
  /** `name(args)`, or `namespace.name(args)` for user-defined functions. Names compare case-insensitively. */
  | { kind: 'call'; name: string; namespace?: string; args: Expr[]; span: Span; nameSpan: Span }
  /** `target.name`; `safe` for `.?` / `?.` (null instead of an error when missing). */
  | { kind: 'property'; target: Expr; name: string; safe: boolean; span: Span; nameSpan: Span }
  /** `target[index]`; `safe` for `[?...]` / `?[...]`. */
  | { kind: 'index'; target: Expr; index: Expr; safe: boolean; span: Span };
