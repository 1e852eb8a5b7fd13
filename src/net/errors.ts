/** One readable line for a network error: `CODE: message`, the code taken from the cause for fetch errors. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause as NodeJS.ErrnoException | undefined;
    const code = (err as NodeJS.ErrnoException).code ?? cause?.code;
    return code ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
