/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS entry point: cognito-local is CommonJS */
// Runs cognito-local (a Cognito user pool implementation in Node) in its own
// process, bound to 127.0.0.1, with its state in the working directory's
// `.cognito/` folder (cognito-local's own convention).
// Environment: PORT, HOST (read by cognito-local's config).
const { createDefaultServer } = require('cognito-local/lib/server');
// ID tokens carry the user's standard profile attributes (name, …), as Cognito's do.
require('./cognitoLocalIdClaims.cjs').install(require('cognito-local/lib/services/tokenGenerator'));
// cognito-local's own logger package, silenced: the stack reports readiness itself.
const pino = require(require.resolve('pino', { paths: [require.resolve('cognito-local/package.json')] }));
const logger = pino({ level: 'silent' });
createDefaultServer(logger)
  .then((server) => server.start())
  .then((server) => {
    process.stdout.write(`cognito-local listening on ${JSON.stringify(server.address())}\n`);
    const stop = () => {
      server.close(() => process.exit(0));
      server.closeAllConnections();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    // If the parent dies, do not linger as an orphan.
    process.on('disconnect', stop);
  })
  .catch((error) => {
    process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`);
    process.exit(1);
  });
