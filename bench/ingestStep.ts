/**
 * One step of the ingest benchmark in its own process (bench/ingest.ts forks
 * it): the functions run in-process and keep the clients they built on their
 * first invocation, so each step's fresh stack needs a fresh process. Rides
 * the race of the plan it is sent (bench/ingestRace.ts) and reports progress,
 * then the figures.
 */
import { rideRace, type RaceFigures, type RacePlan } from './ingestRace.js';

/** What the step's process reports. */
export type StepMessage =
  | { type: 'progress'; message: string }
  | { type: 'figures'; figures: RaceFigures }
  | { type: 'error'; message: string };

if (process.send) {
  const send = (m: StepMessage) =>
    new Promise<void>((resolve) => (process.send ? process.send(m, undefined, {}, () => resolve()) : resolve()));
  process.once('message', (plan: RacePlan) => {
    rideRace(plan, (message) => void send({ type: 'progress', message })).then(
      async (figures) => {
        await send({ type: 'figures', figures });
        process.exit(0);
      },
      async (error: unknown) => {
        await send({ type: 'error', message: error instanceof Error ? error.stack ?? error.message : String(error) });
        process.exit(1);
      },
    );
  });
}
