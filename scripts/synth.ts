/**
 * `npm run synth`: synthesizes the CloudFormation template into cdk.out/
 * without AWS credentials or network (environment-agnostic stack, no
 * lookups, Lambda code bundled locally with esbuild).
 */
import path from 'node:path';
import { createApp, STACK_NAME } from '../infra/createApp.js';
import { loadResolverBundles } from '../infra/resolverCode.js';

const outdir = path.resolve(process.argv[2] ?? 'cdk.out');
const started = Date.now();
const bundles = await loadResolverBundles();
const { app } = createApp({ bundles, outdir });
const assembly = app.synth();
const stack = assembly.getStackByName(STACK_NAME);
const resources = Object.keys((stack.template as { Resources?: Record<string, unknown> }).Resources ?? {}).length;
console.log(
  `Synthesized ${STACK_NAME}: ${resources} resources, ${bundles.size} resolver bundles -> ${path.relative(
    process.cwd(),
    path.join(outdir, stack.templateFile),
  )} (${Date.now() - started} ms)`,
);
