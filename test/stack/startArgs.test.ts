import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrCreateApiKey } from '../../local/stack/apiKey.js';
import { StartArgsError } from '../../local/stack/errors.js';
import { parseStartArgs } from '../../local/stack/startArgs.js';
import { ADMISSION, RACE } from '../../infra/settings.js';

describe('alleycat start flags', () => {
  it('defaults to port 4000 (4443 over TLS) on loopback, the shared race timing, the simulator on, data on disk', () => {
    expect(parseStartArgs([])).toEqual({
      port: 4000,
      tlsPort: 4443,
      host: '127.0.0.1',
      raceSeconds: RACE.raceSeconds,
      windowSeconds: RACE.windowSeconds,
      racers: 100,
      maxRiders: ADMISSION.maxRidersPerRace,
      sim: true,
      inMemory: false,
      reset: false,
      apiRateLimit: 0,
      apiRateWindowSeconds: 300,
    });
  });

  it('reads every flag, as `--flag value` or `--flag=value`', () => {
    expect(
      parseStartArgs([
        '--port',
        '4100',
        '--tls-port=4543',
        '--race-seconds=60',
        '--window-seconds',
        '2',
        '--racers=10',
        '--max-riders',
        '2000',
        '--no-sim',
        '--in-memory',
        '--reset',
        '--api-rate-limit',
        '500',
        '--api-rate-window-seconds=60',
      ]),
    ).toEqual({
      port: 4100,
      tlsPort: 4543,
      host: '127.0.0.1',
      raceSeconds: 60,
      windowSeconds: 2,
      racers: 10,
      maxRiders: 2000,
      sim: false,
      inMemory: true,
      reset: true,
      apiRateLimit: 500,
      apiRateWindowSeconds: 60,
    });
  });

  it('takes port 0 for a free port', () => {
    expect(parseStartArgs(['--port', '0']).port).toBe(0);
    expect(parseStartArgs(['--port=65535']).port).toBe(65_535);
  });

  it('refuses bad values and unknown flags with a clear message', () => {
    expect(() => parseStartArgs(['--port', 'abc'])).toThrow(StartArgsError);
    expect(() => parseStartArgs(['--port', '99999'])).toThrow(
      '--port must be a whole number from 0 to 65535 (0 picks a free port), got "99999"',
    );
    expect(() => parseStartArgs(['--port', '-1'])).toThrow(/--port must be a whole number from 0 to 65535/);
    expect(() => parseStartArgs(['--port', '80.5'])).toThrow(/--port must be a whole number/);
    expect(() => parseStartArgs(['--port', ''])).toThrow(/--port must be a whole number/);
    expect(() => parseStartArgs(['--racers'])).toThrow('--racers needs a value');
    expect(() => parseStartArgs(['--racers', '--no-sim'])).toThrow('--racers needs a value');
    expect(() => parseStartArgs(['--racers', '0'])).toThrow(
      '--racers must be a whole number from 1 to 1000000, got "0"',
    );
    expect(() => parseStartArgs(['--race-seconds', '1e3'])).toThrow(/--race-seconds must be a whole number/);
    expect(() => parseStartArgs(['--max-riders', 'lots'])).toThrow(/--max-riders must be a whole number/);
    expect(() => parseStartArgs(['--no-sim=yes'])).toThrow('--no-sim takes no value');
    expect(() => parseStartArgs(['4000'])).toThrow('unexpected argument "4000"');
    expect(() => parseStartArgs(['--host='])).toThrow('--host needs an address');
    expect(() => parseStartArgs(['--window-seconds', '901'])).toThrow(/--window-seconds/);
    expect(() => parseStartArgs(['--race-seconds', '4', '--window-seconds', '5'])).toThrow(/cannot be longer/);
    expect(() => parseStartArgs(['--verbose'])).toThrow(/unknown option "--verbose"/);
    expect(() => parseStartArgs(['--tls-port', '65536'])).toThrow(/--tls-port must be a whole number from 0 to 65535/);
    expect(parseStartArgs(['--tls-port', '0', '--port', '0'])).toMatchObject({ port: 0, tlsPort: 0 });
    expect(() => parseStartArgs(['--port', '4443'])).toThrow(/--tls-port cannot be --port \(4443\)/);
    // AWS WAF's ranges: a limit of 10 or more (0 is "no web ACL"), a window of 1, 2, 5 or 10 minutes.
    expect(() => parseStartArgs(['--api-rate-limit', '9'])).toThrow(
      "--api-rate-limit must be 0 (off) or 10 to 2000000000 (AWS WAF's range), got 9",
    );
    expect(() => parseStartArgs(['--api-rate-limit', '-1'])).toThrow(/--api-rate-limit must be a whole number/);
    expect(() => parseStartArgs(['--api-rate-window-seconds', '90'])).toThrow(
      '--api-rate-window-seconds must be one of 60, 120, 300, 600, got "90"',
    );
    expect(() => parseStartArgs(['--api-rate-window-seconds', '300s'])).toThrow(/--api-rate-window-seconds/);
  });
});

describe('the local API key', () => {
  it('is made once per state directory in AppSync format and kept', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apikey-'));
    try {
      const first = loadOrCreateApiKey(dir);
      expect(first.id).toMatch(/^da2-[a-z0-9]{26}$/);
      expect(first.expiresAt * 1000).toBeGreaterThan(Date.now() + 300 * 86_400_000);
      expect(loadOrCreateApiKey(dir)).toEqual(first);
      // An expired key is replaced.
      const later = loadOrCreateApiKey(dir, (first.expiresAt + 1) * 1000);
      expect(later.id).not.toBe(first.id);
      // In memory (--in-memory): a new key each time, nothing written.
      expect(loadOrCreateApiKey(undefined).id).not.toBe(later.id);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
