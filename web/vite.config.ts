import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const apiTarget = process.env.CITYOPS_API_URL ?? 'http://127.0.0.1:8600';

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    // Route pages are loaded on demand (web/src/menu.tsx, App.tsx); the libraries are grouped so
    // that start-up needs few files and the big, rarely changing ones keep their names across releases.
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // React, the router, react-query, i18next: every page (and /m) needs them.
            {
              name: 'react',
              test: /node_modules[\\/](react|react-dom|scheduler|react-router|@tanstack|i18next|react-i18next)[\\/]/,
              priority: 3,
            },
            // MapLibre (about 1 MB): only the map, the case page and the intake form load it.
            { name: 'maplibre', test: /node_modules[\\/]maplibre-gl[\\/]/, priority: 2 },
            // The other libraries the start-up code needs (antd's core) in one file, not a dozen.
            { name: 'vendor', test: /node_modules[\\/]/, tags: ['$initial'], priority: 1 },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
    },
  },
  preview: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
    },
  },
});
