// Development only: serves the app over the in-memory fake Api (`npx vite --config web/test/support/vite.fake.config.ts`),
// to look at the pages without a backend. The product build is web/vite.config.ts.
import { mergeConfig } from 'vite';
import base from '../../vite.config.js';

export default mergeConfig(base, {
  // The explorer's Monaco workers cannot be pre-bundled; the fake has no explorer anyway.
  optimizeDeps: { exclude: ['graphiql', '@graphiql/react'] },
  plugins: [
    {
      name: 'alleycat-fake-entry',
      transformIndexHtml: (html: string) => html.replace('/src/main.tsx', '/test/support/devFakeMain.tsx'),
    },
  ],
});
