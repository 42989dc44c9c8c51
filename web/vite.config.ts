// Vite build of the web app: web/ is the root, the output goes to web/dist,
// served by local/web/serveWebApp.ts at `/` of the local stack.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig(({ command }) => ({
  root: webRoot,
  // A build is always the production build, even when started from a test runner that set NODE_ENV=test
  // (which would otherwise select React's development bundle).
  define: command === 'build' ? { 'process.env.NODE_ENV': JSON.stringify('production') } : {},
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
}));
