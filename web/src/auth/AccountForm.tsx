/**
 * Sign in, or create an account: the rider id (the user pool username, the
 * id results are kept under), a display name for a new account, a password.
 */
import { useState, type FormEvent } from 'react';
import { displayNameProblem } from '../../../core/displayName.js';
import { isRacerId, TELEMETRY_LIMITS } from '../../../core/telemetry.js';
import { authErrorOf } from './authError.js';
import { passwordHelp, passwordProblem } from './passwordProblem.js';
import type { RiderAuth } from './riderAuth.js';
import { setRiderSession } from './riderSession.js';

type Mode = 'signIn' | 'signUp';

/** The first problem of each field, or nothing. */
export function validateAccount(
  mode: Mode,
  racerId: string,
  name: string,
  password: string,
): { racerId?: string; name?: string; password?: string } {
  const problems: { racerId?: string; name?: string; password?: string } = {};
  if (!isRacerId(racerId))
    problems.racerId = `1 to ${TELEMETRY_LIMITS.racerIdMaxLength} letters, digits, "_" or "-" (no spaces)`;
  if (mode === 'signUp') {
    const nameProblem = displayNameProblem(name.trim());
    if (nameProblem !== null) problems.name = nameProblem;
    const weak = passwordProblem(password);
    if (weak !== null) problems.password = weak;
  } else if (password.length === 0) {
    problems.password = 'enter your password';
  }
  return problems;
}

export function AccountForm({ auth }: { auth: RiderAuth }) {
  const [mode, setMode] = useState<Mode>('signIn');
  const [racerId, setRacerId] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const problems = validateAccount(mode, racerId, name, password);
  const show = (field: keyof typeof problems): string | undefined => (touched ? problems[field] : undefined);

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    setTouched(true);
    if (problems.racerId || problems.name || problems.password || busy) return;
    setBusy(true);
    setError(null);
    setNotice(null);
    const run = async (): Promise<void> => {
      if (mode === 'signUp') {
        const confirmed = await auth.signUp(racerId, name.trim(), password);
        if (!confirmed) {
          setNotice('Your account is created and waits for confirmation; sign in once it is confirmed.');
          setMode('signIn');
          return;
        }
      }
      setRiderSession(await auth.signIn(racerId, password));
    };
    run()
      .catch((err: unknown) => setError(authErrorOf(err).message))
      .finally(() => setBusy(false));
  };

  const switchTo = (next: Mode): void => {
    setMode(next);
    setTouched(false);
    setError(null);
  };

  return (
    <form className="account-form ride-form panel" onSubmit={submit} noValidate aria-labelledby="account-title">
      <h2 id="account-title">{mode === 'signIn' ? 'Sign in to ride' : 'Create your rider account'}</h2>
      <div className="field">
        <label htmlFor="account-id">Rider id</label>
        <input
          id="account-id"
          value={racerId}
          onChange={(e) => setRacerId(e.target.value)}
          aria-invalid={show('racerId') !== undefined}
          aria-describedby="account-id-help"
          autoComplete="username"
          spellCheck={false}
        />
        <small id="account-id-help" className={show('racerId') ? 'invalid' : 'muted'}>
          {show('racerId') ? `Rider id: ${show('racerId')}` : 'Your results and all-time stats are kept under this id.'}
        </small>
      </div>
      {mode === 'signUp' && (
        <div className="field">
          <label htmlFor="account-name">Your name</label>
          <input
            id="account-name"
            value={name}
            maxLength={TELEMETRY_LIMITS.nameMaxLength}
            onChange={(e) => setName(e.target.value)}
            aria-invalid={show('name') !== undefined}
            aria-describedby="account-name-help"
            autoComplete="nickname"
            placeholder="e.g. Ada"
          />
          <small id="account-name-help" className={show('name') ? 'invalid' : 'muted'}>
            {show('name') ? `Name: ${show('name')}` : 'Shown in the rankings.'}
          </small>
        </div>
      )}
      <div className="field">
        <label htmlFor="account-password">Password</label>
        <input
          id="account-password"
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-invalid={show('password') !== undefined}
          aria-describedby="account-password-help"
          autoComplete={mode === 'signIn' ? 'current-password' : 'new-password'}
        />
        <small id="account-password-help" className={show('password') ? 'invalid' : 'muted'}>
          {show('password') ? `Password: ${show('password')}` : mode === 'signUp' ? passwordHelp() : '\u00a0'}
        </small>
      </div>
      {error && (
        <p className="invalid" role="alert" data-testid="account-error">
          {error}
        </p>
      )}
      {notice && (
        <p className="muted" role="status">
          {notice}
        </p>
      )}
      <button type="submit" className="btn primary big" disabled={busy}>
        {mode === 'signIn' ? 'Sign in' : 'Create account'}
      </button>
      <p className="muted">
        {mode === 'signIn' ? (
          <>
            New here?{' '}
            <button type="button" className="btn link" onClick={() => switchTo('signUp')}>
              Create an account
            </button>
          </>
        ) : (
          <>
            Have an account?{' '}
            <button type="button" className="btn link" onClick={() => switchTo('signIn')}>
              Sign in
            </button>
          </>
        )}
      </p>
    </form>
  );
}
