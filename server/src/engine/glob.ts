// Glob matching over file URIs (config `parameterFiles` keys).

import picomatch from 'picomatch';

const matchers = new Map<string, (s: string) => boolean>();

export function globMatches(glob: string, uri: string): boolean {
  let matcher = matchers.get(glob);
  if (!matcher) matchers.set(glob, (matcher = picomatch(glob, { dot: true })));
  return matcher(uri);
}
