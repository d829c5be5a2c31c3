// require-owner-tag: every AI resource names its owner, who approves changes to its allow-list.

import { isObject, isUnknown } from '../server/src/engine/expressions/value';
import type { Fix, FixIntent } from '../server/src/engine/fixes';
import type { AiResource, ValueNode } from '../server/src/engine/model';
import { createRule } from './rule';
import { editableSite, quoted, setSetting } from './support/values';

/** Written where the owner goes until someone types it (an editor asks; nothing else applies an unsafe fix). */
const OWNER_PLACEHOLDER = 'TODO: the team that approves changes to the allowed FQDNs';

/**
 * Only a person can say who owns the resource: the fix asks for the owner (the editor shows an input box) and
 * writes what was typed, as a new tag or in place of the empty one.
 */
function ownerFix(resource: AiResource, tag: string, empty: ValueNode | undefined): Fix[] {
  const site = empty && editableSite(empty);
  if (empty && !site) return [];
  const intent = (owner: string): readonly FixIntent[] => [site ? { kind: 'replace', target: site, value: owner } : setSetting(resource, ['tags', tag], owner)];
  return [{
    title: site ? `Set tag '${tag}' of ${quoted(resource)} to the owner you type` : `Add tag '${tag}' to ${quoted(resource)} with the owner you type`,
    safe: false,
    preferred: true,
    changes: intent(OWNER_PLACEHOLDER),
    ask: {
      prompt: `Owner of ${quoted(resource)}: the team or list that approves changes to its allowed FQDNs (written as its '${tag}' tag).`,
      example: 'ai-platform@contoso.com',
      answer: (owner) => intent(owner.trim()),
    },
  }];
}

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
    if (owner !== undefined && (isUnknown(value) || (typeof value === 'string' && value.trim() !== ''))) return [];
    if (owner !== undefined) {
      const empty = resource.tags?.member(owner);
      return [{ at: empty ?? resource.tags ?? resource.typeLoc, messageId: 'empty', data: { resource: quoted(resource), tag: owner }, fixes: () => (empty ? ownerFix(resource, owner, empty) : []) }];
    }
    const wanted = options.ownerTagNames.map((n) => `'${n}'`).join(' or ');
    return [{ at: resource.tags ?? resource.typeLoc, messageId: 'missing', data: { resource: quoted(resource), wanted }, fixes: () => ownerFix(resource, options.ownerTagNames[0], undefined) }];
  },
});
