/**
 * What a parser did wrong, or undefined when it returned or threw `expected` with a
 * message. Properties assert `toBeUndefined()` on it, so failures print the error.
 */
export async function unexpectedThrow(
  run: () => unknown,
  expected: abstract new (...args: any[]) => Error,
): Promise<string | undefined> {
  try {
    await run();
    return undefined;
  } catch (e) {
    if (e instanceof expected && e.message.trim()) return undefined;
    return `${(e as Error)?.constructor?.name}: ${(e as Error)?.stack ?? e}`;
  }
}

/** unexpectedThrow for synchronous code. */
export function unexpectedThrowSync(
  run: () => unknown,
  expected: abstract new (...args: any[]) => Error,
): string | undefined {
  try {
    run();
    return undefined;
  } catch (e) {
    if (e instanceof expected && e.message.trim()) return undefined;
    return `${(e as Error)?.constructor?.name}: ${(e as Error)?.stack ?? e}`;
  }
}
