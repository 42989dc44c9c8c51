/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS entry point: kinesalite is CommonJS */
// Runs kinesalite (a Kinesis implementation in Node) in its own process, bound
// to 127.0.0.1 (its own CLI listens on every interface).
// argv: port [dataDir]
const kinesalite = require('kinesalite');
// Same results, native BigInt instead of bignumber.js: GetRecords about 4x faster.
require('./kinesaliteFastSequence.cjs').install(require('kinesalite/db'));
// Same results, native BigInt in PutRecords' hash keys and sequence numbers: about a third of its CPU.
require('./kinesaliteFastPut.cjs').install(require('kinesalite/db'));
const port = Number(process.argv[2]);
const dataDir = process.argv[3];
const server = kinesalite({
  path: dataDir || undefined,
  createStreamMs: 0,
  deleteStreamMs: 0,
  updateStreamMs: 0,
  shardLimit: 100,
});
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`kinesalite listening on 127.0.0.1:${port}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// If the parent dies, do not linger as an orphan.
process.on('disconnect', stop);
