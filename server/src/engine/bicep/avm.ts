// The Azure Verified Module for AI accounts (avm/res/cognitive-services/account), modelled from its
// parameters so a call is checked even when the module is not in Bicep's local cache.
// Its template sets restrictOutboundNetworkAccess from a parameter defaulting to true, and
// publicNetworkAccess to the parameter, else 'Enabled' when networkAcls are given, else 'Disabled'.

import { isObject, type Value } from '../expressions/value';
import type { AiResource, Loc, SourceFile, ValueNode } from '../model';
import { derived } from '../nodes';

export function isAvmAccountModule(path: string): boolean {
  return /^br(\/public:|:[^/]+\/bicep\/)avm\/res\/cognitive-services\/account:/i.test(path);
}

export interface AvmCall {
  readonly file: SourceFile;
  /** Deployment name (or symbolic name) of the module call. */
  readonly name: string;
  /** The module path string: where findings about missing settings go. */
  readonly typeLoc: Loc;
  /** The module body (`{ name: ..., params: {...} }`). */
  readonly declaration: ValueNode;
  readonly params: ReadonlyMap<string, ValueNode>;
  readonly path: readonly string[];
}

export function avmAccountResource(call: AvmCall): AiResource {
  const param = (name: string) => [...call.params].find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  const networkAcls = param('networkAcls');
  const properties: ValueNode = {
    // What the module deploys as the account's properties (what Azure Policy sees), from the same members.
    get value() {
      const out: Record<string, Value> = {};
      for (const key of ['restrictOutboundNetworkAccess', 'publicNetworkAccess', 'allowedFqdnList', 'networkAcls', 'customSubDomainName', 'disableLocalAuth']) {
        const v = this.member(key)?.value;
        if (v !== undefined) out[key] = v;
      }
      return out;
    },
    loc: call.typeLoc,
    literal: false,
    member(name) {
      switch (name.toLowerCase()) {
        case 'restrictoutboundnetworkaccess': return param(name) ?? derived(true, call.typeLoc);
        case 'publicnetworkaccess': {
          const given = param(name);
          if (given && given.value !== null) return given;
          const acls = networkAcls?.value;
          return derived(isObject(acls) && Object.keys(acls).length ? 'Enabled' : 'Disabled', networkAcls?.loc ?? call.typeLoc);
        }
        default: return param(name);
      }
    },
    items: () => undefined,
  };
  return {
    id: `${call.path.join('/')}#avm`,
    type: 'Microsoft.CognitiveServices/accounts',
    existing: false,
    deploymentPath: call.path,
    nameNode: param('name'),
    name: call.name,
    file: call.file,
    declaration: call.declaration,
    typeLoc: call.typeLoc,
    kind: param('kind'),
    properties,
    tags: param('tags'),
    suppressions: new Map(),
    context: { deploymentPath: call.path },
    // The module takes the account's properties as parameters.
    settingPath: (path) => ['params', ...(path[0] === 'properties' ? path.slice(1) : path)],
  };
}
