/**
 * The document the local stack serves at `/config.json` and the web app reads
 * at start-up. Only what a browser may know: the URLs, the API key (public by
 * design: AppSync API keys are shipped to browsers), the riders' user pool and
 * its public app client (what any sign-in page ships) and the race clock.
 */
export interface WebConfig {
  graphqlUrl: string;
  realtimeUrl: string;
  apiKey: string;
  /** Where riders sign up and in (contract §6); `endpoint` is the user pool API's URL. */
  cognito: { endpoint: string; region: string; userPoolId: string; userPoolClientId: string };
  raceSeconds: number;
  windowSeconds: number;
}
