/**
 * What each command says about a command line it cannot run: the flag, what it
 * accepts, what it got. A careless user types a wrong number, a wrong word, a
 * flag without its value; none of it may reach the command as a default.
 */
import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../../cli/bench.js';
import { parseSimulateArgs } from '../../cli/simulate.js';
import { parseStatusArgs } from '../../cli/status.js';
import { enumFlag, FlagError, integerFlag, numberFlag, orList, readFlags } from '../../lib/flags.js';

describe('flag parsing', () => {
  const spec = { n: { type: 'string' }, on: { type: 'boolean' } } as const;

  it('reads --flag value, --flag=value and switches', () => {
    expect(readFlags(['--n', '3', '--on'], spec)).toEqual({ n: '3', on: true });
    expect(readFlags(['--n=4'], spec)).toEqual({ n: '4' });
    expect(readFlags([], spec)).toEqual({});
  });

  it.each([
    [['--x'], 'unknown option "--x"'],
    [['stray'], 'unexpected argument "stray"'],
    [['--n'], '--n needs a value'],
    [['--n', '--on'], '--n needs a value'],
    [['--on=1'], '--on takes no value'],
  ])('refuses %j: %s', (args, message) => {
    expect(() => readFlags(args, spec)).toThrow(new FlagError(message));
  });

  it('checks numbers and words against what is allowed', () => {
    expect(integerFlag('--port', '0', 0, 65_535)).toBe(0);
    for (const bad of ['99999', '-1', '1.5', '1e3', '0x10', '', ' ', 'abc'])
      expect(() => integerFlag('--port', bad, 0, 65_535)).toThrow(
        `--port must be a whole number from 0 to 65535, got "${bad}"`,
      );
    expect(numberFlag('--interval', '0.5', 0.2, 3600)).toBe(0.5);
    for (const bad of ['0.1', 'NaN', 'Infinity', ''])
      expect(() => numberFlag('--interval', bad, 0.2, 3600, ' seconds')).toThrow(
        `--interval must be a number from 0.2 to 3600 seconds, got "${bad}"`,
      );
    expect(enumFlag('--via', 'graphql', ['kinesis', 'graphql'])).toBe('graphql');
    expect(() => enumFlag('--via', 'KINESIS', ['kinesis', 'graphql'])).toThrow(
      '--via must be kinesis or graphql, got "KINESIS"',
    );
    expect(orList([1, 2, 3])).toBe('1, 2 or 3');
  });
});

describe('alleycat simulate', () => {
  it('takes --help and catalogue classes only', () => {
    expect(parseSimulateArgs(['--help'])).toBe('help');
    expect(parseSimulateArgs(['-h'])).toBe('help');
    expect(parseSimulateArgs(['--racers', '5', '--classes', '2,2,6'])).toMatchObject({ classes: [2, 6] });
    for (const bad of ['9', '0', '1,9', '1,', 'one', '1.5', '-1'])
      expect(parseSimulateArgs(['--racers', '5', '--classes', bad])).toBe(
        `--classes takes class ids from 1, 2, 3, 4, 5 or 6, comma-separated; got "${bad}"`,
      );
  });

  it('bounds --racers and --duration', () => {
    expect(parseSimulateArgs(['--racers', '10001'])).toBe(
      '--racers must be a whole number from 1 to 10000, got "10001"',
    );
    expect(parseSimulateArgs(['--racers', '0'])).toBe('--racers must be a whole number from 1 to 10000, got "0"');
    expect(parseSimulateArgs(['--racers', '5', '--duration', '0'])).toBe(
      '--duration must be a number from 1 to 86400 seconds, got "0"',
    );
    expect(parseSimulateArgs(['--racers', '5', '--duration', '2.5'])).toMatchObject({ durationSeconds: 2.5 });
  });
});

describe('alleycat status', () => {
  it('takes its flags and says what --interval accepts', () => {
    expect(parseStatusArgs(['--once', '--all', '--interval', '0.5', '--url', 'http://x/ops/metrics'])).toEqual({
      once: true,
      all: true,
      intervalMs: 500,
      url: 'http://x/ops/metrics',
      endpoints: '.alleycat/endpoints.json',
    });
    expect(parseStatusArgs(['--help'])).toBe('help');
    expect(parseStatusArgs(['--interval', 'fast'])).toBe(
      '--interval must be a number from 0.2 to 3600 seconds, got "fast"',
    );
    expect(parseStatusArgs(['--url'])).toBe('--url needs a value');
    expect(parseStatusArgs(['--url', '127.0.0.1:4000'])).toBe(
      '--url must be an http(s) URL such as http://127.0.0.1:4000/ops/metrics, got "127.0.0.1:4000"',
    );
  });
});

describe('alleycat bench', () => {
  it('takes known module names only', () => {
    expect(parseBenchArgs(['--quick', '--only', 'queries,fanout'])).toEqual({
      quick: true,
      allowMissing: false,
      only: ['queries', 'fanout'],
    });
    expect(parseBenchArgs(['--only', 'queries,fast'])).toMatch(/^--only takes module names from .*, got "fast"$/);
    expect(parseBenchArgs(['--only', ','])).toBe('--only needs a comma-separated list of module names');
  });
});
