import { isObject, isUnknown } from '../server/src/engine/expressions/value';
import type { Rule } from './rule';
import { quoted } from './support/values';

export const rule: Rule = {
  id: 'require-owner-tag',
  defaultLevel: 'info',
  description: 'AI resources carry an owner tag: owners approve changes to the allow-list.',
  check(resource, options) {
    const names = options.ownerTagNames.map((n) => n.toLowerCase());
    const tags = resource.tags?.value;
    if (isUnknown(tags)) return [];
    if (isObject(tags) && Object.keys(tags).some((k) => names.includes(k.toLowerCase()))) return [];
    const wanted = options.ownerTagNames.map((n) => `'${n}'`).join(' or ');
    return [{
      at: resource.tags ?? resource.typeLoc,
      message: `AI service ${quoted(resource)} has no owner tag (${wanted}). Add one naming the team that approves changes to its allowed FQDNs.`,
      fixes: [{
        title: `Add an '${options.ownerTagNames[0] ?? 'owner'}' tag to ${quoted(resource)}`,
        safe: false,
        changes: [{ kind: 'set', target: resource.declaration, path: ['tags', options.ownerTagNames[0] ?? 'owner'], value: '' }],
      }],
    }];
  },
};
