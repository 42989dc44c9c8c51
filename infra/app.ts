/**
 * CDK entry point (cdk.json: `npx tsx infra/app.ts`). Resolver bundles are
 * built first (esbuild is async), then the stack is constructed with them.
 */
import { createApp } from './createApp.js';
import { loadResolverBundles } from './resolverCode.js';

const bundles = await loadResolverBundles();
const { app } = createApp({ bundles });
app.synth();
