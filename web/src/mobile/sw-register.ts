import maplibreWorkerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';

/** The worker's scope: `/m/`, so that it never takes the desktop app's `/map…` pages. */
export const SW_SCOPE = '/m/';

/** A registration under the first release's scope `/m` (it also matched `/map…`): removed. */
async function dropOldScope(): Promise<void> {
  const regs = await navigator.serviceWorker.getRegistrations();
  const old = `${location.origin}/m`;
  await Promise.all(regs.filter((r) => r.scope === old).map((r) => r.unregister()));
}

/**
 * Registers web/public/sw.js for the /m/ app and hands it the hashed assets this page loaded
 * (lazy chunks included), so the whole app opens again without a network.
 */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  void dropOldScope().catch(() => undefined);
  void navigator.serviceWorker
    .register('/sw.js', { scope: SW_SCOPE })
    .then(() => navigator.serviceWorker.ready)
    .then((reg) => {
      // The report form's map starts its own worker script only when a map is drawn: kept too,
      // so the form opens without a network even if no map was drawn before.
      const urls = [...performance.getEntriesByType('resource').map((e) => e.name), maplibreWorkerUrl].filter(
        (u) => {
          try {
            const url = new URL(u, location.origin);
            return url.origin === location.origin && url.pathname.startsWith('/assets/');
          } catch {
            return false;
          }
        },
      );
      reg.active?.postMessage({ type: 'cache-urls', urls });
    })
    .catch(() => undefined);
}
