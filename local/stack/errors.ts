/** Typed errors of the local stack. */

/** The stack cannot start; `hint` says what to do about it. */
export class StackStartError extends Error {
  override readonly name = 'StackStartError';
  constructor(message: string, readonly hint: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** `alleycat start` was given flags it does not understand. */
export class StartArgsError extends Error {
  override readonly name = 'StartArgsError';
}
