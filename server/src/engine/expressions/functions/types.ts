import type { Expr } from '../ast';
import type { EvalContext, EvalEnv } from '../evaluator';
import type { Value } from '../value';

/** What a built-in function sees of the call being evaluated. */
export interface CallInfo {
  /** The function name as written. */
  readonly name: string;
  readonly args: readonly Expr[];
  readonly ctx: EvalContext;
  readonly env: EvalEnv;
  /** Evaluate argument `i` in the caller's environment (memoized). */
  arg(i: number): Value;
  /** Evaluate an expression in `env` (default: the caller's environment). */
  evaluate(expr: Expr, env?: EvalEnv): Value;
}

export interface FunctionDef {
  minArgs?: number;
  maxArgs?: number;
  /** The implementation evaluates its arguments itself through `call.arg(i)` (if, coalesce, lambda, ...). */
  lazy?: boolean;
  /**
   * By default an Unknown argument makes the call Unknown without running the implementation.
   * Functions that handle Unknown arguments themselves (partial strings, containers, and/or) set this.
   */
  acceptsUnknown?: boolean;
  /**
   * The result is a value that exists already (a parameter, a variable, a resource, the environment): it was
   * bounded where it was built, and counting its elements again would compute runtime properties nobody reads.
   */
  existing?: boolean;
  impl(args: Value[], call: CallInfo): Value;
}

export type FunctionTable = Record<string, FunctionDef>;
