/** The sub-commands of `alleycat`. Each loads its module lazily. */
import { defineCommand } from './main.js';

defineCommand('start', 'run the whole system on this machine', async () => (await import('./start.js')).default);
defineCommand('simulate', 'ride races against a running stack', async () => (await import('./simulate.js')).default);
defineCommand(
  'evaluate',
  'run one handler of a resolver bundle (EvaluateCode twin)',
  async () => (await import('./evaluate.js')).default,
);
defineCommand('bench', 'run the benchmarks', async () => (await import('./bench.js')).default);
defineCommand('status', 'live pipeline health of a running stack', async () => (await import('./status.js')).default);
