/** Raised when an emulator cannot start; `hint` says what to do about it. */
export class EmulatorStartError extends Error {
  override readonly name = 'EmulatorStartError';
  constructor(message: string, readonly hint: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
