/**
 * The sub-commands of `alleycat`, in the order `--help` lists them. Each module
 * is imported only when its command runs, so `alleycat evaluate` does not load
 * the local stack.
 */
import type { CommandEntry } from './types.js';

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'start',
    summary: 'run the whole system on this machine',
    load: async () => (await import('./start.js')).default,
  },
  {
    name: 'simulate',
    summary: 'ride races against a running stack',
    load: async () => (await import('./simulate.js')).default,
  },
  {
    name: 'evaluate',
    summary: 'run one handler of a resolver bundle (EvaluateCode twin)',
    load: async () => (await import('./evaluate.js')).default,
  },
  { name: 'bench', summary: 'run the benchmarks', load: async () => (await import('./bench.js')).default },
  {
    name: 'status',
    summary: 'live pipeline health of a running stack',
    load: async () => (await import('./status.js')).default,
  },
];
