/**
 * IAM authorization of GraphQL fields: an IAM caller may use a root field
 * only when its identity-based policy allows `appsync:GraphQL` on
 * `arn:aws:appsync:<region>:<account>:apis/<apiId>/types/<Type>/fields/<field>`
 * [DOC security-iam, CDK IamResource / grantMutation]. Only root fields are
 * checked: AWS's own examples grant a mutation field alone and select fields
 * of the type it returns. The policy is evaluated by whoever hands the
 * principal over (its `allows`); a principal without one is limited by no
 * policy (an administrator of the account).
 */
import type { IamPrincipalConfig } from '../apiDefinition.js';

export const APPSYNC_GRAPHQL_ACTION = 'appsync:GraphQL';

export interface FieldArnScope {
  readonly region: string;
  readonly accountId: string;
  readonly apiId: string;
}

/** The ARN IAM evaluates for one field. */
export function graphqlFieldArn(scope: FieldArnScope, typeName: string, fieldName: string): string {
  return `arn:aws:appsync:${scope.region}:${scope.accountId}:apis/${scope.apiId}/types/${typeName}/fields/${fieldName}`;
}

/** Whether the principal's policy allows `appsync:GraphQL` on the field. */
export function iamAllowsField(
  principal: IamPrincipalConfig | undefined,
  scope: FieldArnScope,
  typeName: string,
  fieldName: string,
): boolean {
  if (principal?.allows === undefined) return true;
  return principal.allows(APPSYNC_GRAPHQL_ACTION, graphqlFieldArn(scope, typeName, fieldName));
}
