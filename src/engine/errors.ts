/**
 * Two kinds of failure (after Shopify cli-kit): a UserError is something the user can fix and
 * says what to do; a BugError is our fault and asks to be reported.
 */
export class UserError extends Error {
  /** What the user can do about it. */
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = 'UserError';
    this.hint = hint;
  }
}

export class BugError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BugError';
  }
}

/** One line a user can act on, for any thrown value. */
export function describeError(err: unknown): string {
  if (err instanceof UserError) return err.hint ? `${err.message} - ${err.hint}` : err.message;
  if (err instanceof BugError) return `${err.message} (this is a bug in ScopePilot, please report it)`;
  if (err instanceof Error) return err.message;
  return String(err);
}
