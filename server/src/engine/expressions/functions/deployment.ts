// Deployment, resource, scope and date functions. Values that exist only at deployment time
// (reference(), list*(), resourceGroup(), utcNow(), ...) are Unknown with a reason — never guessed.

import { environmentValue } from '../environment';
import { Unknown, type Value } from '../value';
import { fail, partialString, propagate, requireString, typeName, type Parts } from './helpers';
import type { FunctionDef, FunctionTable } from './types';

function opaque(reason: string, stringValued = false): FunctionDef {
  return { acceptsUnknown: true, impl: () => new Unknown(reason, undefined, stringValued ? [null] : undefined) };
}

export const deploymentFunctions: FunctionTable = {
  parameters: {
    minArgs: 1, maxArgs: 1, existing: true,
    impl: ([n], call) => call.ctx.parameter(requireString(n, 'parameters', 0)),
  },
  variables: {
    minArgs: 1, maxArgs: 1, existing: true,
    impl: ([n], call) => call.ctx.variable(requireString(n, 'variables', 0)),
  },
  environment: { maxArgs: 0, existing: true, impl: (_a, call) => environmentValue(call.ctx.cloud) },

  deployment: opaque('deployment() describes the running deployment; it is only known at deployment'),
  deployer: opaque('deployer() is the identity running the deployment; it is only known at deployment'),
  resourcegroup: opaque('resourceGroup() is the target resource group; it is only known at deployment'),
  subscription: opaque('subscription() is the target subscription; it is only known at deployment'),
  tenant: opaque('tenant() is the target tenant; it is only known at deployment'),
  managementgroup: opaque('managementGroup() is the target management group; it is only known at deployment'),
  reference: {
    minArgs: 1, maxArgs: 3, acceptsUnknown: true, existing: true,
    impl: (args, call) => {
      const full = typeof args[2] === 'string' && args[2].toLowerCase() === 'full';
      return call.ctx.resource?.(args[0], full ? 'full' : 'properties')
        ?? new Unknown('reference() returns the runtime state of a resource; it is only known at deployment');
    },
  },
  resourceinfo: {
    minArgs: 1, maxArgs: 1, existing: true,
    impl: ([ref], call) => call.ctx.resource?.(ref, 'full') ?? new Unknown(`resourceInfo() of a resource this deployment does not declare`),
  },
  // A Bicep resource symbol (see bicep/lower.ts): the whole resource, as ARM's reference(x, v, 'Full').
  resourcesymbol: {
    minArgs: 1, maxArgs: 1, existing: true,
    impl: ([name], call) => call.ctx.resource?.(requireString(name, 'resourceSymbol', 0), 'full')
      ?? new Unknown(`the runtime state of resource '${String(name)}' is only known at deployment`),
  },
  // A Bicep module symbol (see bicep/lower.ts): its name and outputs.
  modulesymbol: {
    minArgs: 1, maxArgs: 1, existing: true,
    impl: ([name], call) => call.ctx.module?.(requireString(name, 'moduleSymbol', 0))
      ?? new Unknown(`the outputs of module '${String(name)}' are only known at deployment`),
  },
  // A name Bicep lowering could not resolve (see bicep/lower.ts), or a syntax error: the context says why.
  unknownsymbol: {
    minArgs: 1, maxArgs: 1,
    impl: ([name], call) => new Unknown(call.ctx.unknownSymbol?.(String(name)) ?? `'${String(name)}' is not declared`),
  },
  providers: opaque('providers() returns provider metadata at deployment'),
  pickzones: opaque('pickZones() depends on the region and subscription at deployment'),
  utcnow: opaque('utcNow() is the deployment time', true),
  datetimeadd: opaque('dateTimeAdd() is not evaluated statically', true),
  datetimefromepoch: opaque('dateTimeFromEpoch() is not evaluated statically', true),
  datetimetoepoch: opaque('dateTimeToEpoch() is not evaluated statically'),

  resourceid: { minArgs: 2, acceptsUnknown: true, impl: (args) => resourceIdImpl(args, 'resourceId') },
  subscriptionresourceid: { minArgs: 2, acceptsUnknown: true, impl: (args) => resourceIdImpl(args, 'subscriptionResourceId') },
  tenantresourceid: { minArgs: 2, acceptsUnknown: true, impl: (args) => resourceIdImpl(args, 'tenantResourceId') },
  managementgroupresourceid: { minArgs: 2, acceptsUnknown: true, impl: (args) => resourceIdImpl(args, 'managementGroupResourceId') },
  extensionresourceid: {
    minArgs: 3, acceptsUnknown: true,
    impl: (args) => {
      const [scope, type, ...names] = args;
      const tail = providerPath(type, names, 'extensionResourceId');
      if (tail instanceof Unknown) return tail;
      const pieces: Parts = [];
      let cause: Unknown | undefined;
      if (scope instanceof Unknown) { cause = scope; pieces.push(...(scope.parts ?? [null])); }
      else pieces.push(requireString(scope, 'extensionResourceId', 0));
      pieces.push(...tail.pieces);
      return partialString(mergeKnown(pieces), cause ?? tail.cause);
    },
  },
};

/** Functions whose name starts with "list" (listKeys, listSecrets, ...) are runtime data. */
export const listFunction: FunctionDef = opaque('list*() functions return runtime data of a resource; only known at deployment');

type Kind = 'resourceId' | 'subscriptionResourceId' | 'tenantResourceId' | 'managementGroupResourceId';

/** How many optional scope arguments precede the resource type. */
const MAX_SCOPE_ARGS: Record<Kind, number> = { resourceId: 2, subscriptionResourceId: 1, tenantResourceId: 0, managementGroupResourceId: 1 };

function segmentsOf(type: string): number {
  return type.split('/').filter((s) => s.length > 0).length;
}

function resourceIdImpl(args: Value[], kind: Kind): Value {
  // Locate the resource type: the argument whose segment count matches the number of names after it.
  let typeAt = -1;
  for (let i = 0; i <= MAX_SCOPE_ARGS[kind] && i < args.length; i++) {
    const t = args[i];
    if (typeof t === 'string' && t.includes('/') && segmentsOf(t) - 1 === args.length - i - 1) { typeAt = i; break; }
  }
  if (typeAt < 0) {
    const u = args.find((a): a is Unknown => a instanceof Unknown);
    if (u) return propagate(u);
    fail(`The template function '${kind}' expects a resource type followed by one name per type segment`);
  }
  const scopeArgs = args.slice(0, typeAt);
  const tail = providerPath(args[typeAt], args.slice(typeAt + 1), kind);
  if (tail instanceof Unknown) return tail;
  const pieces: Parts = [];
  let cause: Unknown | undefined;
  const scopePiece = (v: Value | undefined, what: string): void => {
    if (v === undefined) {
      cause ??= new Unknown(`${kind}() uses the deployment's ${what}, only known at deployment`);
      pieces.push(null);
    } else if (v instanceof Unknown) {
      cause ??= v;
      pieces.push(...(v.parts ?? [null]));
    } else {
      pieces.push(requireString(v, kind, 0));
    }
  };
  if (kind === 'resourceId') {
    const [sub, rg] = scopeArgs.length === 2 ? scopeArgs : scopeArgs.length === 1 ? [undefined, scopeArgs[0]] : [undefined, undefined];
    pieces.push('/subscriptions/');
    scopePiece(sub, 'subscription');
    pieces.push('/resourceGroups/');
    scopePiece(rg, 'resource group');
  } else if (kind === 'subscriptionResourceId') {
    pieces.push('/subscriptions/');
    scopePiece(scopeArgs[0], 'subscription');
  } else if (kind === 'managementGroupResourceId') {
    pieces.push('/providers/Microsoft.Management/managementGroups/');
    scopePiece(scopeArgs[0], 'management group');
  }
  pieces.push(...tail.pieces);
  return partialString(mergeKnown(pieces), cause ?? tail.cause);
}

/** Join adjacent known pieces (an id reads better as ['/subscriptions/', null, '/resourceGroups/...']). */
function mergeKnown(parts: Parts): Parts {
  const out: Parts = [];
  for (const p of parts) {
    const last = out.length - 1;
    if (p !== null && last >= 0 && out[last] !== null) out[last] = (out[last] as string) + p;
    else out.push(p);
  }
  return out;
}

/** "/providers/Ns/type1/name1/type2/name2" as pieces. */
function providerPath(typeV: Value, names: Value[], fn: string): { pieces: Parts; cause?: Unknown } | Unknown {
  if (typeV instanceof Unknown) return propagate(typeV);
  const type = requireString(typeV, fn, 0);
  const segs = type.split('/').filter((s) => s.length > 0);
  if (segs.length < 2) fail(`'${type}' is not a valid resource type`);
  if (names.length !== segs.length - 1) fail(`The resource type '${type}' needs ${segs.length - 1} name(s); ${names.length} given`);
  const pieces: Parts = ['/providers/' + segs[0]];
  let cause: Unknown | undefined;
  names.forEach((n, i) => {
    pieces.push('/' + segs[i + 1] + '/');
    if (n instanceof Unknown) {
      cause ??= n;
      pieces.push(...(n.parts ?? [null]));
    } else if (typeof n === 'string') {
      pieces.push(n);
    } else {
      fail(`The template function '${fn}' expects resource names to be strings; found ${typeName(n)}`);
    }
  });
  return { pieces, cause };
}
