/**
 * Synthesizes the real stack for template tests: the real resolver bundles,
 * the real handler files. Lambda bundling is skipped here (the CDK context
 * `aws:cdk:bundling-stacks`) and so are the validation plugins, to keep
 * each file's one synth fast; synth.test.ts runs the full synth.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { CfnElement, type App } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { AlleycatStack } from '../../infra/AlleycatStack.js';
import { createApp } from '../../infra/createApp.js';
import { loadResolverBundles, type ResolverBundles } from '../../infra/resolverCode.js';

export interface Synthesized {
  readonly app: App;
  readonly stack: AlleycatStack;
  readonly template: Template;
  readonly bundles: ResolverBundles;
}

export async function synthAlleycat(context: Record<string, unknown> = {}): Promise<Synthesized> {
  const bundles = await loadResolverBundles();
  const { app, stack } = createApp({
    bundles,
    context: { 'aws:cdk:bundling-stacks': [], ...context },
    // The validation plugins (CloudFormation schema, cdk-nag) run in synth.test.ts and nag.test.ts.
    builtinCloudFormationValidation: false,
    nagChecks: false,
  });
  return { app, stack, template: Template.fromStack(stack), bundles };
}

/** A CloudFormation resource as found by Template.findResources. */
export interface CfnResourceJson {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

/** Resources of one type, by logical id. */
export function resourcesOfType(
  template: Template,
  type: string,
  props?: Record<string, unknown>,
): Record<string, CfnResourceJson> {
  return template.findResources(type, props ? { Properties: props } : undefined) as Record<string, CfnResourceJson>;
}

/** The only resource of a type matching props; fails the test if there is not exactly one. */
export function onlyResource(
  template: Template,
  type: string,
  props?: Record<string, unknown>,
): [string, CfnResourceJson] {
  const found = Object.entries(resourcesOfType(template, type, props));
  if (found.length !== 1)
    throw new Error(
      `expected exactly one ${type}${props ? ` with ${JSON.stringify(props)}` : ''}, found ${found.length}`,
    );
  return found[0] as [string, CfnResourceJson];
}

/** The logical id of a construct's CloudFormation resource (its default child). */
export function logicalId(stack: AlleycatStack, construct: IConstruct): string {
  const child = construct.node.defaultChild;
  if (!(child instanceof CfnElement)) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return stack.getLogicalId(child);
}
