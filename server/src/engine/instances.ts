// Template instances one deployment reads (Bicep module calls, ARM nested deployments of a copy loop): a call that
// passes the same values from the same places as an earlier call of the same template is that instance, read
// once, so fan-outs stay linear; past MAX_TEMPLATE_INSTANCES a reader stops with a problem (docs/limits.md).

import { canonicalKey } from './expressions/functions/helpers';
import { isUnknown } from './expressions/value';
import { MAX_TEMPLATE_INSTANCES } from './limits';
import { writtenAt, type ValueNode } from './model';

/**
 * What decides an instance's findings: each value passed, and where it is written. Two calls with the
 * same key read the same resources and report the same findings, so the second is not read again.
 */
function instanceKey(values: ReadonlyMap<string, ValueNode>): string {
  const parts: string[] = [];
  for (const [name, node] of [...values].sort(([a], [b]) => a.localeCompare(b))) {
    const value = node.value;
    const site = writtenAt(node).loc;
    const key = canonicalKey(value) ?? (isUnknown(value) ? `?${value.reason}|${value.parameter ?? ''}|${JSON.stringify(value.parts ?? null)}` : '?');
    parts.push(`${name}=${key}@${site.file.uri}:${site.start}`);
  }
  return parts.join('\u0000');
}

export class TemplateInstances {
  /** Template → the instances read so far (their values, and their key once computed). */
  private readonly byTemplate = new Map<string, { readonly values: ReadonlyMap<string, ValueNode>; key?: string; readonly path: readonly string[] }[]>();
  private count = 0;

  /** The deployment path of an instance of `template` already read with these values, if any; otherwise records this one. */
  same(template: string, values: ReadonlyMap<string, ValueNode>, path: readonly string[]): readonly string[] | undefined {
    const seen = this.byTemplate.get(template);
    if (!seen) {
      this.byTemplate.set(template, [{ values, path }]);
      return undefined;
    }
    const key = instanceKey(values);
    for (const instance of seen) {
      instance.key ??= instanceKey(instance.values);
      if (instance.key === key) return instance.path;
    }
    seen.push({ values, key, path });
    return undefined;
  }

  /** Counts one more instance read: false past the limit, when `report` is told (once). */
  admit(report: () => void): boolean {
    if (++this.count <= MAX_TEMPLATE_INSTANCES) return true;
    if (this.count === MAX_TEMPLATE_INSTANCES + 1) report();
    return false;
  }
}
