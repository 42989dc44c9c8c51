/**
 * Builds the CDK app: one function for `cdk deploy` (infra/app.ts),
 * `npm run synth` (scripts/synth.ts) and the tests.
 */
import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AlleycatStack } from './AlleycatStack.js';
import type { ResolverBundles } from './resolverCode.js';

/** Name of the CloudFormation stack. */
export const STACK_NAME = 'Alleycat';

export interface CreateAppOptions extends AppProps {
  readonly bundles: ResolverBundles;
  /**
   * Run cdk-nag's AwsSolutions pack as a validation plugin, so synth (and
   * deploy) fail on any unacknowledged finding. Default true; template tests
   * turn it off and run the pack themselves.
   */
  readonly nagChecks?: boolean;
}

/** A new app holding the Alleycat stack. */
export function createApp(options: CreateAppOptions): { app: App; stack: AlleycatStack } {
  const { bundles, nagChecks = true, ...appProps } = options;
  const app = new App(appProps);
  const stack = new AlleycatStack(app, STACK_NAME, { bundles });
  if (nagChecks) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
