/** Errors of the local operations view. */

/** Base error of local/ops. */
export class OpsError extends Error {
  override name = 'OpsError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A line that claims to be embedded metric format (`_aws` present) but breaks the specification. */
export class EmfFormatError extends OpsError {
  override name = 'EmfFormatError';
}

/** `alleycat status` could not read the endpoints file or reach /ops/metrics. */
export class OpsUnavailableError extends OpsError {
  override name = 'OpsUnavailableError';
}
