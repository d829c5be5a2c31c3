// enable-diagnostic-logs: an AI account must send its Audit and RequestResponse logs somewhere: a denied
// outbound call is only seen as an HTTP 400 in the request logs.

import { isUnknown } from '../server/src/engine/expressions/value';
import { createRule, type Report } from './rule';
import { ACCOUNT_DIAGNOSTIC_SETTINGS_TYPE, addDiagnosticSettingsFix, DIAGNOSTIC_SETTINGS_TYPE } from './support/deployment';
import { diagnosticLogsOf } from './support/logs';
import { quoted, unknownReason } from './support/values';

type MessageId = 'noSettings' | 'missingCategories' | 'noDestination' | 'unverifiable';

export const rule = createRule({
  id: 'enable-diagnostic-logs',
  defaultLevel: 'info',
  description: 'AI services must send their Audit and RequestResponse logs to a destination through diagnostic settings.',
  needs: ['related-resources'],
  messages: {
    noSettings: 'AI service {{resource}} sends no logs anywhere. No diagnostic settings are scoped to it, so a denied outbound call (HTTP 400, "not in the allowed FQDN list") or an attack goes unseen: add diagnostic settings that send the Audit and RequestResponse logs to a Log Analytics workspace.',
    missingCategories: "AI service {{resource}} does not send its {{missing}} logs. Its diagnostic settings leave them out, and denied outbound calls show up in the request logs (HTTP 400): enable the {{missing}} categor{{plural}}, or the category group 'allLogs'.",
    noDestination: "AI service {{resource}} has diagnostic settings that send logs nowhere. Diagnostic settings '{{setting}}' name no destination: set workspaceId (a Log Analytics workspace), a storage account or an event hub.",
    unverifiable: 'Diagnostic logs of AI service {{resource}} cannot be verified. Its diagnostic settings cannot be evaluated: {{reason}}. Make sure Audit and RequestResponse logs are sent to a destination.',
  },
  resourceTypes: [DIAGNOSTIC_SETTINGS_TYPE, ACCOUNT_DIAGNOSTIC_SETTINGS_TYPE],
  check(resource, { graph }) {
    const logs = diagnosticLogsOf(resource, graph);
    const data = { resource: quoted(resource) };
    if (logs.settings === 'unknown') {
      const param = resource.properties?.member('diagnosticSettings');
      return [{ at: param ?? resource.typeLoc, advisory: true, messageId: 'unverifiable', data: { ...data, reason: param && isUnknown(param.value) ? unknownReason(param.value) : 'they are only known at deployment' } }];
    }
    const { settings, missing, unknown } = logs;
    if (!settings.length) {
      return [{
        at: resource.typeLoc,
        messageId: 'noSettings',
        data,
        fixes: () => {
          const fix = addDiagnosticSettingsFix(resource);
          return fix ? [fix] : [];
        },
      }];
    }
    const reports: Report<MessageId>[] = [];
    for (const setting of settings) {
      if (setting.destination === false) reports.push({ at: setting.at, messageId: 'noDestination', data: { ...data, setting: setting.name } });
    }
    const withDestination = settings.filter((s) => s.destination !== false);
    if (missing.length && withDestination.length) {
      if (unknown) {
        reports.push({ at: withDestination[0].at, advisory: true, messageId: 'unverifiable', data: { ...data, reason: 'their categories or destination are only known at deployment' } });
      } else {
        reports.push({ at: withDestination[0].at, messageId: 'missingCategories', data: { ...data, missing: missing.join(' and '), plural: missing.length > 1 ? 'ies' : 'y' } });
      }
    }
    return reports;
  },
});
