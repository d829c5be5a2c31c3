// Small helpers rules share for reading values and wording messages.

import { isUnknown, Unknown, type Value } from '../../server/src/engine/expressions/value';
import { quotedName, settingPath, writtenAt, type AiResource, type ValueNode } from '../../server/src/engine/model';
import type { FixIntent, FixValue } from '../../server/src/engine/fixes';

/**
 * Where a value that flowed in through parameters and callers is finally written, for messages and
 * fix titles: "the default of parameter 'x'", "the value 'deploy-ai' passes for parameter 'x'".
 */
export function describeOrigin(node: ValueNode, nameFile = false): string | undefined {
  let origin = node.origin;
  if (!origin) return undefined;
  for (let depth = 0; origin.node.origin && depth < 64; depth++) origin = origin.node.origin;
  switch (origin.kind) {
    case 'parameter-default': return `the default of parameter '${origin.name}'`;
    // Messages say which parameter file in their suffix, so findings of several files merge.
    case 'parameter-file': return `parameter '${origin.name}' in ${nameFile ? fileName(origin.node.loc.file.uri) : 'the parameter file'}`;
    case 'caller': return `the value ${origin.via ? quotedName(origin.via) : 'the caller'} passes for parameter '${origin.name}'`;
    case 'variable': return `variable '${origin.name}'`;
  }
}

function fileName(uri: string): string {
  return uri.slice(uri.lastIndexOf('/') + 1);
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
  return quotedName(resource.name);
}

/** An intent that sets a resource setting (`['properties', 'x']`) wherever the declaration keeps it. */
export function setSetting(resource: AiResource, path: readonly string[], value: FixValue, onlyIfMissing?: boolean): FixIntent {
  return { kind: 'set', target: resource.declaration, path: settingPath(resource, path), value, ...(onlyIfMissing ? { onlyIfMissing } : {}) };
}
