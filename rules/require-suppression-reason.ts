// require-suppression-reason: a suppression is an exception someone approved, so it says why; one without a reason
// (or with the editor's placeholder) is reported, so it stays visible in the editor, the CLI and SARIF.

import { createRule, PLACEHOLDER_REASON } from './rule';

export const rule = createRule<'missing' | 'placeholder'>({
  id: 'require-suppression-reason',
  defaultLevel: 'info',
  description: 'Every suppression of a rule says why the exception is acceptable.',
  messages: {
    missing: 'The suppression of {{ruleId}} gives no reason. Write why the exception is acceptable, for those who review it.',
    placeholder: "The suppression of {{ruleId}} still has the placeholder reason. Replace '{{reason}}' with why the exception is acceptable.",
  },
  // Not about resources: the engine passes it the suppressions written in each file.
  subjects: [],
  check: () => [],
  checkSuppressions(suppressions) {
    return suppressions
      .filter((s) => s.reason === '' || s.reason === PLACEHOLDER_REASON)
      .map((s) => ({ at: s.loc, messageId: s.reason === '' ? 'missing' as const : 'placeholder' as const, data: { ruleId: s.ruleId, reason: s.reason } }));
  },
});
