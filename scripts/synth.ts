/**
 * `npm run synth`: synthesizes the CloudFormation template into cdk.out/
 * without AWS credentials or network (environment-agnostic stack, no
 * lookups, Lambda code bundled locally with esbuild).
 */
import path from 'node:path';
import { createApp } from '../infra/createApp.js';
import { loadResolverBundles } from '../infra/resolverCode.js';

// `npm run synth -- -c stage=prod [outdir]`: context as the CDK CLI takes it.
const args = process.argv.slice(2);
const context: Record<string, string> = {};
const positional: string[] = [];
for (let i = 0; i < args.length; i += 1) {
  const arg = args[i] ?? '';
  const pair = arg === '-c' || arg === '--context' ? args[(i += 1)] ?? '' : undefined;
  if (pair === undefined) {
    positional.push(arg);
    continue;
  }
  const eq = pair.indexOf('=');
  if (eq <= 0) throw new Error(`-c takes key=value, got "${pair}"`);
  context[pair.slice(0, eq)] = pair.slice(eq + 1);
}
const outdir = path.resolve(positional[0] ?? 'cdk.out');
const started = Date.now();
const bundles = await loadResolverBundles();
const { app, stack: built } = createApp({ bundles, outdir, context });
const assembly = app.synth();
const stack = assembly.getStackArtifact(built.artifactId);
const resources = Object.keys((stack.template as { Resources?: Record<string, unknown> }).Resources ?? {}).length;
console.log(
  `Synthesized ${stack.stackName}: ${resources} resources, ${bundles.size} resolver bundles -> ${path.relative(
    process.cwd(),
    path.join(outdir, stack.templateFile),
  )} (${Date.now() - started} ms)`,
);
