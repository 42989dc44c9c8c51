/** Errors of the CDK app: each says what is wrong and how to fix it. */

/** A context value (`cdk synth -c name=value`) is not usable. */
export class InfraConfigError extends Error {
  override readonly name = 'InfraConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A resolver or pipeline function of resolvers/manifest.ts has no source file
 * (or no bundle): the API cannot be synthesized without every resolver.
 */
export class MissingResolverCodeError extends Error {
  override readonly name = 'MissingResolverCodeError';
  constructor(readonly missing: readonly string[], options?: { cause?: unknown }) {
    super(
      `Cannot synthesize the API: no code for ${missing.length} resolver bundle(s) of resolvers/manifest.ts: ` +
        `${missing
          .map((m) => `resolvers/${m}.ts`)
          .join(', ')}. Write them (or remove them from the manifest) and synth again.`,
      options,
    );
  }
}

/** A Lambda handler file the stack wires does not exist. */
export class MissingFunctionSourceError extends Error {
  override readonly name = 'MissingFunctionSourceError';
  constructor(readonly entry: string, options?: { cause?: unknown }) {
    super(
      `Cannot synthesize the pipeline: the Lambda handler ${entry} does not exist (it must export \`handler\`).`,
      options,
    );
  }
}
