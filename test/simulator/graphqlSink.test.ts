import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { graphqlSink } from '../../local/simulator/graphqlSink.js';
import { parseSimulateArgs } from '../../cli/simulate.js';
import { formatProgress } from '../../local/simulator/progress.js';
import type { TelemetryRecord } from '../../core/telemetry.js';

const rec = (i: number, second = 1): TelemetryRecord => ({
  raceId: 1,
  classId: 1,
  racerId: `r${i}`,
  second,
  power: 100,
  output: 0.1,
  event: 'update',
  deviceTimestamp: 1,
});

/** Stands in for AppSync's recordTelemetry: refuses every other record of the first call (as Kinesis would). */
async function fakeRecordTelemetry(): Promise<{
  url: string;
  calls: Array<{ authorization: string | undefined; racerIds: string[] }>;
  close: () => Promise<void>;
}> {
  const calls: Array<{ authorization: string | undefined; racerIds: string[] }> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const { variables } = JSON.parse(body) as { variables: { records: TelemetryRecord[] } };
      calls.push({
        authorization: req.headers['authorization'],
        racerIds: variables.records.map((r) => r.racerId),
      });
      const refuse = calls.length === 1;
      const records = variables.records.map((_, index) =>
        refuse && index % 2 === 1
          ? { index, errorCode: 'ProvisionedThroughputExceededException', errorMessage: 'Rate exceeded' }
          : { index, errorCode: null, errorMessage: null },
      );
      const failed = records.filter((r) => r.errorCode !== null).length;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: { recordTelemetry: { accepted: records.length - failed, failed, records } } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    calls,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe('recordTelemetry sink (--via graphql)', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => close?.());

  it("sends each rider's records with that rider's token and resends only the records the receipt refused", async () => {
    const fake = await fakeRecordTelemetry();
    close = fake.close;
    const asked: string[] = [];
    const sink = graphqlSink({
      graphqlUrl: fake.url,
      tokenFor: (racerId, name) => {
        asked.push(`${racerId}/${name}`);
        return Promise.resolve(`token-of-${racerId}`);
      },
      parallel: 1,
      sleep: async () => {},
    });
    const outcome = await sink.send([rec(0, 1), rec(1, 1), rec(0, 2), rec(1, 2)]);
    expect(outcome).toMatchObject({ sent: 4, failed: 0, retried: 1 });
    expect(fake.calls).toEqual([
      { authorization: 'token-of-r0', racerIds: ['r0', 'r0'] },
      { authorization: 'token-of-r0', racerIds: ['r0'] },
      { authorization: 'token-of-r1', racerIds: ['r1', 'r1'] },
    ]);
    // Without a name in the record the rider's profile name is their racerId.
    expect(asked).toContain('r0/r0');
  });
});

describe('alleycat simulate options', () => {
  it('parses the contract flags', () => {
    expect(
      parseSimulateArgs(['--racers', '50', '--classes', '1,2', '--via', 'graphql', '--endpoints', 'e.json']),
    ).toEqual({
      racers: 50,
      classes: [1, 2],
      via: 'graphql',
      endpoints: 'e.json',
    });
  });

  it('says what is wrong', () => {
    expect(parseSimulateArgs([])).toBe('--racers is required');
    expect(parseSimulateArgs(['--racers', 'many'])).toBe('--racers must be a whole number from 1 to 10000, got "many"');
    expect(parseSimulateArgs(['--racers', '5', '--via', 'mqtt'])).toBe('--via must be kinesis or graphql, got "mqtt"');
    expect(parseSimulateArgs(['--racers', '5', '--fast'])).toBe('unknown option "--fast"');
  });

  it('shows race, riders, records/s and failures on one line', () => {
    const line = formatProgress(
      {
        races: [
          { classId: 1, raceId: 42, second: 17 },
          { classId: 2, raceId: 42, second: 17 },
        ],
        riders: 2000,
        recordsPerSecond: 1998.6,
        sent: 30000,
        failed: 3,
        retried: 12,
        lastError: 'ProvisionedThroughputExceededException: Rate exceeded',
      },
      300,
    );
    expect(line).toBe(
      'race 42 s 17/300 · 2 classes · 2000 riders · 1999 rec/s · sent 30000 · failed 3 · retried 12 · last error: ProvisionedThroughputExceededException: Rate exceeded',
    );
  });
});
