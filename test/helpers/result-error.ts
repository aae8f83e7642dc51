/** The `err` payload a `result<_, E>` export throws, or a failure when the call returned instead. */
export function errorPayload(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return (error as { payload?: unknown }).payload;
  }
  throw new Error('expected the call to fail');
}
