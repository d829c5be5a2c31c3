// Small helpers rules share for reading values and wording messages.

import { isUnknown, Unknown, type Value } from '../../server/src/engine/expressions/value';
import { writtenAt, type AiResource, type ValueNode } from '../../server/src/engine/model';

/** "parameter 'x' (default)", "parameter 'x' passed by 'deploy-ai'": where a value came from, for messages. */
export function describeOrigin(node: ValueNode): string | undefined {
  const origin = node.origin;
  if (!origin) return undefined;
  switch (origin.kind) {
    case 'parameter-default': return `the default of parameter '${origin.name}'`;
    case 'parameter-file': return `parameter '${origin.name}' in the parameter file`;
    case 'caller': return origin.via ? `'${origin.via}', which passes parameter '${origin.name}'` : `the caller of parameter '${origin.name}'`;
    case 'variable': return `variable '${origin.name}'`;
  }
}

/** Why a value cannot be verified, naming the parameter when that is the cause. */
export function unknownReason(value: Unknown): string {
  return value.parameter
    ? `it depends on parameter '${value.parameter}', which has no value here (no default and no parameter file)`
    : `its value is only known at deployment (${value.reason})`;
}

export function isString(v: Value): v is string {
  return typeof v === 'string';
}

export { isUnknown, writtenAt };

/** The written literal behind a node, when a writer can edit it: the node itself or the parameter default / caller value it came from. */
export function editableSite(node: ValueNode): ValueNode | undefined {
  const site = writtenAt(node);
  return site.literal ? site : undefined;
}

export function quoted(resource: AiResource): string {
  return `'${resource.name}'`;
}
