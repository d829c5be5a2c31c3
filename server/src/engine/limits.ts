// The analysis limits (docs/limits.md) and how a reader reports hitting one. A limit hit is an
// error problem of the file, never a silent stop: a CI gate must not pass because analysis gave up.

import { parseTree, type Node as JsonNode, type ParseError, type ParseOptions } from 'jsonc-parser';
import type { Loc } from './model';
import { parseStrictJsonTree } from './json-tree';

/** Deepest bracket nesting of a JSON file: jsonc-parser and the value getters recurse per level. */
export const MAX_JSON_DEPTH = 512;
/** Nested deployments (and child resources) followed inside one ARM template. */
export const MAX_NESTED_DEPLOYMENTS = 32;
/** Bicep modules followed from the file analysed (main → m1 → … → m16). */
export const MAX_MODULE_CHAIN = 16;
/** Template instances read for one deployment: Bicep module calls and ARM nested deployments of a copy loop (`instances.ts`). */
export const MAX_TEMPLATE_INSTANCES = 5000;

/**
 * What a reader tells the engine when it stops at a limit, or cannot read a file it must follow (a
 * local module); the engine turns it into an error problem.
 */
export interface LimitHit {
  readonly code: 'depth-limit' | 'size-limit' | 'unreadable-file';
  /** Where the analysis stopped (may be in another file: a module). */
  readonly loc: Loc;
  readonly message: string;
}

export type LimitSink = (hit: LimitHit) => void;

/**
 * The offset of the first `{` or `[` that is nested deeper than `limit`, outside strings and
 * comments; undefined when the text stays within it. Iterative, so it cannot overflow the stack.
 */
export function jsonDepthExceeded(text: string, limit = MAX_JSON_DEPTH): number | undefined {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i++;
        else if (d === 0x22 || d === 0x0a) break;
      }
    } else if (c === 0x2f /* / */ && text.charCodeAt(i + 1) === 0x2f) {
      while (i < n && text.charCodeAt(i) !== 0x0a) i++;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a /* * */) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 1;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > limit) return i;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      if (depth > 0) depth--;
    }
  }
  return undefined;
}

/** `parseTree`, unless the text is nested deeper than MAX_JSON_DEPTH: then no tree and where the limit is crossed. */
export function parseJsonTree(text: string, errors: ParseError[] = [], options: ParseOptions = { allowTrailingComma: true }): { root: JsonNode | undefined; tooDeepAt?: number } {
  // Strict JSON within the limit (most files): the same tree, built on demand. Anything else: jsonc-parser.
  const strict = parseStrictJsonTree(text, MAX_JSON_DEPTH);
  if (strict) return { root: strict };
  const tooDeepAt = jsonDepthExceeded(text);
  return tooDeepAt === undefined ? { root: parseTree(text, errors, options) } : { root: undefined, tooDeepAt };
}

export function jsonDepthMessage(): string {
  return `JSON nested deeper than ${MAX_JSON_DEPTH} levels: the file was not analysed`;
}
