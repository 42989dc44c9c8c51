/**
 * A resource name of one stage (`alleycat-riders-dev`): the one format the
 * CDK stack names its stage's API, user pool and app client with, and the
 * local stack names its own after (as stage `DEPLOYMENT.defaultStage`).
 */
export function stagedName(name: string, stage: string): string {
  return `${name}-${stage}`;
}
