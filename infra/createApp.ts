/**
 * Builds the CDK app: one function for `cdk deploy` (infra/app.ts),
 * `npm run synth` (scripts/synth.ts) and the tests.
 */
import { App, Tags, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { readContext } from './context.js';
import { DEPLOYMENT } from './settings.js';
import { AlleycatStack } from './AlleycatStack.js';
import type { ResolverBundles } from './resolverCode.js';

/** Name of the CloudFormation stack of a stage: stages live side by side in one account and region. */
export function stackName(stage: string): string {
  return `Alleycat-${stage}`;
}

export interface CreateAppOptions extends AppProps {
  readonly bundles: ResolverBundles;
  /**
   * Run cdk-nag's AwsSolutions and Serverless packs as validation plugins, so synth (and
   * deploy) fail on any unacknowledged finding. Default true; template tests
   * turn it off and run the pack themselves.
   */
  readonly nagChecks?: boolean;
}

/** A new app holding the Alleycat stack. */
export function createApp(options: CreateAppOptions): { app: App; stack: AlleycatStack } {
  const { bundles, nagChecks = true, ...appProps } = options;
  const app = new App(appProps);
  const { stage } = readContext(app.node);
  const stack = new AlleycatStack(app, stackName(stage), { bundles, stage });
  // Every resource says what it belongs to (cost allocation, access policies by tag).
  Tags.of(app).add('project', DEPLOYMENT.project);
  Tags.of(app).add('stage', stage);
  if (nagChecks) Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { app, stack };
}
