// What Azure Policy sees of an AI account: the resource as ARM sends it to policy on create or update,
// taken from the deployment graph's evaluated declaration (Unknown where only deployment can tell).

import type { DeploymentGraph } from '../engine/graph/graph';
import type { AiResource } from '../engine/model';
import type { PolicyResource } from './evaluate';

export function policyResourceOf(account: AiResource, graph: DeploymentGraph): PolicyResource {
  return {
    type: account.type,
    name: graph.fullName(account),
    kind: account.kind?.value,
    location: account.declaration.member('location')?.value,
    tags: account.tags?.value,
    properties: account.properties?.value,
  };
}
