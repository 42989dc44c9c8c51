/**
 * A race as every page names it: class and start (date with year), with the
 * race clock's slot number kept as a detail for whoever needs the id.
 */
import { raceStartMillis } from '../../../core/raceClock.js';
import { useApp } from '../data/ApiContext.js';
import { useClasses } from '../data/useClasses.js';
import { raceDate } from '../lib/format.js';

/** The class's name from the catalog, "Class N" until it is loaded or when unknown. */
export function useClassName(): (classId: number) => string {
  const { api } = useApp();
  const classes = useClasses(api);
  return (classId) =>
    (classes.status === 'ready' ? classes.data.find((c) => c.classId === classId)?.name : undefined) ??
    `Class ${classId}`;
}

/** The label of a race as text ("Amateurs · Mon 7 Dec 2026, 14:05"), for titles and labels. */
export function useRaceLabel(): (classId: number, raceId: number, withClass?: boolean) => string {
  const { config } = useApp();
  const className = useClassName();
  return (classId, raceId, withClass = true) => {
    const when = raceDate(raceStartMillis(raceId, config.raceSeconds), config.raceSeconds);
    return withClass ? `${className(classId)} · ${when}` : when;
  };
}

export function RaceName({
  classId,
  raceId,
  withClass = true,
}: {
  classId: number;
  raceId: number;
  /** False where the class is already named next to it. */
  withClass?: boolean;
}) {
  const label = useRaceLabel();
  return (
    <span className="race-name" data-race-id={raceId} title={`race #${raceId}`}>
      {label(classId, raceId, withClass)}
    </span>
  );
}
