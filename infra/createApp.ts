/**
 * Builds the CDK app: one function for `cdk deploy` (infra/app.ts),
 * `npm run synth` (scripts/synth.ts) and the tests.
 */
import { App, type AppProps } from 'aws-cdk-lib';
import { AlleycatStack } from './AlleycatStack.js';
import type { ResolverBundles } from './resolverCode.js';

/** Name of the CloudFormation stack. */
export const STACK_NAME = 'Alleycat';

export interface CreateAppOptions extends AppProps {
  readonly bundles: ResolverBundles;
}

/** A new app holding the Alleycat stack. */
export function createApp(options: CreateAppOptions): { app: App; stack: AlleycatStack } {
  const { bundles, ...appProps } = options;
  const app = new App(appProps);
  const stack = new AlleycatStack(app, STACK_NAME, { bundles });
  return { app, stack };
}
