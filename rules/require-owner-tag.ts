// require-owner-tag: every AI resource names its owner, who approves changes to its allow-list.

import { isObject, isUnknown } from '../server/src/engine/expressions/value';
import { createRule } from './rule';
import { quoted } from './support/values';

export const rule = createRule<'empty' | 'missing', { ownerTagNames: readonly string[] }>({
  id: 'require-owner-tag',
  defaultLevel: 'info',
  description: 'AI resources carry an owner tag: owners approve changes to the allow-list.',
  messages: {
    empty: "AI service {{resource}} has an empty '{{tag}}' tag. Set it to the team that approves changes to its allowed FQDNs.",
    missing: 'AI service {{resource}} has no owner tag ({{wanted}}). Add one naming the team that approves changes to its allowed FQDNs.',
  },
  options: {
    ownerTagNames: {
      type: 'array', items: { type: 'string' }, minItems: 1, default: ['owner'],
      description: 'Tag names accepted as the owner tag, compared case-insensitively.',
    },
  },
  check(resource, { options }) {
    const names = options.ownerTagNames.map((n) => n.toLowerCase());
    const tags = resource.tags?.value;
    if (isUnknown(tags)) return [];
    const owner = isObject(tags) ? Object.keys(tags).find((k) => names.includes(k.toLowerCase())) : undefined;
    const value = owner !== undefined && isObject(tags) ? tags[owner] : undefined;
    // No fix: only a person can say who owns the resource.
    if (owner !== undefined && (isUnknown(value) || (typeof value === 'string' && value.trim() !== ''))) return [];
    if (owner !== undefined) {
      return [{ at: resource.tags?.member(owner) ?? resource.tags ?? resource.typeLoc, messageId: 'empty', data: { resource: quoted(resource), tag: owner } }];
    }
    const wanted = options.ownerTagNames.map((n) => `'${n}'`).join(' or ');
    return [{ at: resource.tags ?? resource.typeLoc, messageId: 'missing', data: { resource: quoted(resource), wanted } }];
  },
});
