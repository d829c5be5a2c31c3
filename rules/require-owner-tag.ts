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
    const owner = isObject(tags) ? Object.keys(tags).find((k) => names.includes(k.toLowerCase())) : undefined;
    const value = owner !== undefined && isObject(tags) ? tags[owner] : undefined;
    // No fix: only a person can say who owns the resource.
    if (owner !== undefined && (isUnknown(value) || (typeof value === 'string' && value.trim() !== ''))) return [];
    if (owner !== undefined) {
      return [{
        at: resource.tags?.member(owner) ?? resource.tags ?? resource.typeLoc,
        message: `AI service ${quoted(resource)} has an empty '${owner}' tag. Set it to the team that approves changes to its allowed FQDNs.`,
      }];
    }
    const wanted = options.ownerTagNames.map((n) => `'${n}'`).join(' or ');
    return [{
      at: resource.tags ?? resource.typeLoc,
      message: `AI service ${quoted(resource)} has no owner tag (${wanted}). Add one naming the team that approves changes to its allowed FQDNs.`,
    }];
  },
};
