// Builds the dashboard (web/) into web/dist, which the lab serves at `/` (src/api/static.ts).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // lightweight-charts alone is ~170 kB; one bundle for a local page is fine.
    chunkSizeWarningLimit: 1024,
  },
});
