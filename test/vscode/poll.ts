// Waiting in the extension-host suites: poll a condition with a time limit (no fixed sleeps).

/** Polls `fn` until it returns a truthy value, or fails the test after `timeout` ms. No fixed sleeps. */
export async function poll<T>(fn: () => T | Promise<T>, what: string, timeout = 30_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await fn();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Passes once `fn` has held on every poll for `stableFor` ms in a row (for "nothing appears"). */
export async function pollStable(fn: () => boolean, what: string, stableFor = 2_000, timeout = 15_000): Promise<void> {
  let since: number | undefined;
  await poll(() => {
    if (!fn()) {
      since = undefined;
      return false;
    }
    since ??= Date.now();
    return Date.now() - since >= stableFor;
  }, what, timeout + stableFor);
}
