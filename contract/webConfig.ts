/**
 * The document the local stack serves at `/config.json` and the web app reads
 * at start-up. Only what a browser may know: the URLs, the API key (public by
 * design: AppSync API keys are shipped to browsers), the user pool riders sign
 * in with (pool and app client ids are public too) and the race clock.
 */
export interface WebConfig {
  graphqlUrl: string;
  realtimeUrl: string;
  apiKey: string;
  raceSeconds: number;
  windowSeconds: number;
  /** Absent when the API has no user pool: the page then only shows races. */
  cognito?: CognitoConfig;
}

/** Where riders sign up and in: the user pool and its app client (no secret). */
export interface CognitoConfig {
  /** The Cognito API endpoint; on AWS it follows from `region`. */
  endpoint?: string;
  region: string;
  userPoolId: string;
  userPoolClientId: string;
}
