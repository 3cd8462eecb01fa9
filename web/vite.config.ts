import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run build` runs from the repository root; the app's root is this folder wherever it is called from.
const root = decodeURIComponent(new URL('.', import.meta.url).pathname);
const api = 'http://localhost:3000';

/** The SPA that the API serves at `/`; in development Vite serves it and proxies the API's paths. */
export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      // Libraries change less often than the app: their own chunks stay cached across releases.
      output: {
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: 'libs', test: /node_modules[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: Object.fromEntries(
      ['/v1', '/openapi.json', '/config.json', '/dev/', '/codec'].map((prefix) => [prefix, { target: api }]),
    ),
  },
});
