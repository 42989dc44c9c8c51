/**
 * AWS WAF in front of the API: one rate-based rule that blocks a client IP
 * sending more than `rateLimit` requests in the evaluation window (looking
 * back from now). A blocked request gets HTTP 403 before any authorization mode
 * is evaluated (AppSync evaluates WAF rules first).
 */
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import type { GraphqlApi } from 'aws-cdk-lib/aws-appsync';
import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';

export interface ApiFirewallProps {
  readonly api: GraphqlApi;
  /** Requests per IP per evaluation window (context `apiRateLimit`). */
  readonly rateLimit: number;
  /** The evaluation window, 60, 120, 300 or 600 s (context `apiRateWindowSeconds`). */
  readonly evaluationWindowSeconds: number;
}

export class ApiFirewall extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    const metric = (name: string) => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `${Stack.of(this).stackName}-${name}`,
    });
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: metric('Api'),
      rules: [
        {
          name: 'RatePerIp',
          priority: 0,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: props.rateLimit,
              aggregateKeyType: 'IP',
              evaluationWindowSec: props.evaluationWindowSeconds,
            },
          },
          visibilityConfig: metric('RatePerIp'),
        },
      ],
    });
    new CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.api.arn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}
