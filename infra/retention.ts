/** Settings hold plain day counts; CloudWatch Logs accepts only certain values. */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { InfraConfigError } from './errors.js';

/** The RetentionDays member for a day count of infra/settings.ts. */
export function retentionDays(days: number): RetentionDays {
  for (const value of Object.values(RetentionDays)) {
    if (value === days) return value;
  }
  throw new InfraConfigError(`CloudWatch Logs has no retention of ${days} days (see RetentionDays).`);
}
