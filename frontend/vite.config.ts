import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev` proxies the API to a server started separately
// (KONULLU_ADDR=127.0.0.1:8080 konullu serve, or `make run`).
const api = process.env.KONULLU_API ?? 'http://127.0.0.1:8080';

// dist/.gitkeep is committed so that a fresh clone's Go build can embed the
// directory; the build empties dist/, so put it back.
function keepGitkeep(): Plugin {
  return {
    name: 'konullu-keep-gitkeep',
    apply: 'build',
    closeBundle() {
      writeFileSync(resolve(import.meta.dirname, 'dist/.gitkeep'), '');
    },
  };
}

export default defineConfig({
  plugins: [react(), keepGitkeep()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    chunkSizeWarningLimit: 250,
    // scripts/bundle-size.mjs reports sizes; timings are noise in every build log.
    rolldownOptions: {
      checks: { bundlerTimings: false },
      // Libraries in chunks of their own: they change rarely, so browsers keep them cached across releases.
      output: {
        advancedChunks: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: 'router', test: /node_modules[\\/]react-router[\\/]/ },
            { name: 'chart', test: /node_modules[\\/](chart\.js|@kurkle)[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: { '/graphql': api, '/healthz': api, '/readyz': api },
  },
});
