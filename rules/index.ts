// The rule registry. Order is the order findings of one resource are listed in.

import type { Rule } from './rule';
import { rule as restrictOutbound } from './restrict-outbound-network-access';
import { rule as noWildcard } from './no-wildcard-fqdns';
import { rule as validFqdns } from './valid-allowed-fqdns';
import { rule as noDuplicate } from './no-duplicate-fqdns';
import { rule as apiVersion } from './use-egress-capable-api-version';
import { rule as publicAccess } from './disable-public-network-access';
import { rule as ownerTag } from './require-owner-tag';
import { rule as privateEndpoint } from './use-private-endpoint';
import { rule as diagnosticLogs } from './enable-diagnostic-logs';
import { rule as managedNetwork } from './restrict-managed-network-outbound';
import { rule as broadOutbound } from './no-broad-outbound-rules';
import { rule as allowRequired } from './allow-required-fqdns';
import { rule as noUnexplained } from './no-unexplained-fqdns';
import { rule as suppressionReason } from './require-suppression-reason';

export const rules: readonly Rule[] = [
  restrictOutbound, allowRequired, noWildcard, validFqdns, noDuplicate, noUnexplained, apiVersion, publicAccess,
  privateEndpoint, diagnosticLogs, ownerTag, managedNetwork, broadOutbound, suppressionReason,
];

export const ruleById: ReadonlyMap<string, Rule> = new Map(rules.map((r) => [r.id, r]));

export * from './rule';
