/**
 * The document the local stack serves at `/config.json` and the web app reads
 * at start-up. Only what a browser may know: the URLs, the API key (public by
 * design: AppSync API keys are shipped to browsers) and the race clock.
 */
export interface WebConfig {
  graphqlUrl: string;
  realtimeUrl: string;
  apiKey: string;
  raceSeconds: number;
  windowSeconds: number;
}
