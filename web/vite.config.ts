import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const apiTarget = process.env.CITYOPS_API_URL ?? 'http://127.0.0.1:8600';

/**
 * Stamps the service worker (public/sw.js, copied as is) with an id of this build: a hash of the
 * emitted file names (content-hashed) and assets. A new build thus changes the worker's bytes, so
 * browsers install it and it drops the caches of the builds before (see sw.js, `activate`).
 */
function serviceWorkerBuildId(): Plugin {
  return {
    name: 'cityops-sw-build-id',
    apply: 'build',
    writeBundle(options, bundle) {
      const hash = createHash('sha256');
      for (const name of Object.keys(bundle).sort()) {
        const out = bundle[name];
        hash.update(name);
        if (out.type === 'asset') hash.update(out.source);
      }
      const file = path.join(options.dir ?? path.join(root, 'dist'), 'sw.js');
      if (!fs.existsSync(file)) return;
      const src = fs.readFileSync(file, 'utf8');
      fs.writeFileSync(file, src.replaceAll('__CITYOPS_BUILD__', hash.digest('hex').slice(0, 12)));
    },
  };
}

export default defineConfig({
  root,
  base: '/',
  plugins: [react(), serviceWorkerBuildId()],
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
