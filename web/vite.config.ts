// Vite build of the web app: web/ is the root, the output goes to web/dist,
// served by local/web/serveWebApp.ts at `/` of the local stack.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

// NODE_ENV decides React's bundle: builds run with NODE_ENV=production (see the build:web script and
// web/e2e/ensureWebBuild.ts), never with a test runner's NODE_ENV=test.
export default defineConfig({
  root: webRoot,
  base: '/',
  plugins: [react()],
  // The app imports the race clock and telemetry rules from core/ (one definition for every part).
  server: { fs: { allow: [repoRoot] } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 4096,
  },
  worker: { format: 'es' },
});
