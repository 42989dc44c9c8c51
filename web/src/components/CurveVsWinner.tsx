/**
 * The viewer's own output curve against the race winner's, from what this
 * page saw of the race. The rider is always the one looking (signed in, or
 * the one who just rode), so the chart speaks to them: "you", "your curve".
 */
import { lazy, Suspense } from 'react';
import { alignCurves, historyCurve } from '../lib/alignCurves.js';
import { raceHistory, ownCurve } from '../live/raceHistory.js';
import { Empty, Loading } from './StateViews.js';

const LineChart = lazy(() => import('./LineChart.js').then((m) => ({ default: m.LineChart })));

/** The two curves of a race as this browser knows them (empty when it saw nothing of the race). */
export function raceCurves(classId: number, raceId: number, racerId: string, winnerId: string) {
  const h = raceHistory(classId, raceId);
  const mine = ownCurve(classId, raceId, racerId) ?? (h ? historyCurve(h.seconds, h.outputs.get(racerId)) : []);
  const winner = h ? historyCurve(h.seconds, h.outputs.get(winnerId)) : [];
  return { mine, winner, any: mine.length >= 2 || winner.length >= 2 };
}

/** The chart's title and summary: the winner looking at their own race sees no "against the winner". */
export function curveTitles(racerId: string, winnerId: string, winnerName: string): { title: string; summary: string } {
  return racerId === winnerId
    ? { title: 'Your curve: you won this race', summary: 'You won: your output over the race' }
    : {
        title: `Your curve against ${winnerName}, the winner`,
        summary: `Your output over the race next to ${winnerName}'s`,
      };
}

export function CurveVsWinner(props: {
  classId: number;
  raceId: number;
  racerId: string;
  racerName: string;
  winnerId: string;
  winnerName: string;
}) {
  const { classId, raceId, racerId, racerName, winnerId, winnerName } = props;
  const { mine, winner, any } = raceCurves(classId, raceId, racerId, winnerId);
  if (!any) {
    return (
      <Empty title="No curve for this race">
        Output curves are drawn from the live rankings this page received while the race ran. Watch or ride a race to
        see them.
      </Empty>
    );
  }
  const same = racerId === winnerId;
  const titles = curveTitles(racerId, winnerId, winnerName);
  const { xs, values } = alignCurves(same ? [mine] : [mine, winner]);
  const series = [{ label: `${racerName} (you)`, values: values[0] ?? [], color: '#4dc9ff', width: 3 }];
  if (!same) series.push({ label: `${winnerName} (winner)`, values: values[1] ?? [], color: '#ffb000', width: 2 });
  return (
    <Suspense fallback={<Loading what="the chart" />}>
      <LineChart
        xs={xs}
        series={series}
        title={titles.title}
        xLabel="race second"
        yLabel="kJ"
        summary={titles.summary}
      />
    </Suspense>
  );
}
