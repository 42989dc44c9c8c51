/** Ride: sign in, choose a class, then ride the current (or next) race of it. */
import { useState } from 'react';
import { joinDeadline, raceToJoin } from '../../../core/fairPlay.js';
import { Empty, ErrorBox, Loading } from '../components/StateViews.js';
import { useApp } from '../data/ApiContext.js';
import { pickClass, useClasses } from '../data/useClasses.js';
import { AccountForm } from '../auth/AccountForm.js';
import { useMe } from '../lib/me.js';
import { useTitle } from '../lib/useTitle.js';
import { RideForm } from '../ride/RideForm.js';
import { Riding } from '../ride/Riding.js';
import type { RideSession } from '../ride/RideSession.js';

export function RidePage() {
  const { api, config, auth } = useApp();
  const classes = useClasses(api);
  const me = useMe();
  const [session, setSession] = useState<RideSession | null>(null);
  useTitle(session ? `Riding: ${session.className}` : 'Ride');
  if (classes.status === 'loading') return <Loading what="race classes" />;
  if (classes.status === 'error') return <ErrorBox error={classes.error} what="race classes" retry={classes.reload} />;
  const first = pickClass(classes.data, undefined);
  if (!first) return <Empty title="No race classes" />;
  const start = (classId: number): void => {
    if (!me) return;
    const cls = pickClass(classes.data, classId) ?? first;
    setSession({
      racerId: me.racerId,
      name: me.name,
      classId: cls.classId,
      className: cls.name,
      raceId: raceToJoin(Date.now(), config.raceSeconds),
    });
  };
  return (
    <section className="page ride" aria-labelledby="ride-title">
      <header className="page-head">
        <h1 id="ride-title">Ride</h1>
        {!session && (
          <p className="muted">
            Riders start together: a race takes new riders in its first {joinDeadline(config.raceSeconds)} seconds only,
            so nobody wins by riding less of it. Start now and you ride the race that has just begun, or the next one
            after a countdown. Your bike reports every second; pedal harder with the slider or the arrow keys.
          </p>
        )}
      </header>
      {!auth ? (
        <Empty title="Riding needs a rider account">
          This API has no user pool configured, so riders cannot sign in here.
        </Empty>
      ) : session && me ? (
        <Riding
          key={`${session.classId}:${session.raceId}`}
          session={session}
          auth={auth}
          onLeave={() => setSession(null)}
        />
      ) : me ? (
        <RideForm classes={classes.data} me={me} classId={first.classId} onStart={start} />
      ) : (
        <AccountForm auth={auth} />
      )}
    </section>
  );
}
