/**
 * Registers web/public/sw.js for the /m app and hands it the hashed assets this page loaded
 * (lazy chunks included), so the whole app opens again without a network.
 */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  void navigator.serviceWorker
    .register('/sw.js', { scope: '/m' })
    .then(() => navigator.serviceWorker.ready)
    .then((reg) => {
      const urls = performance
        .getEntriesByType('resource')
        .map((e) => e.name)
        .filter((u) => {
          try {
            const url = new URL(u);
            return url.origin === location.origin && url.pathname.startsWith('/assets/');
          } catch {
            return false;
          }
        });
      reg.active?.postMessage({ type: 'cache-urls', urls });
    })
    .catch(() => undefined);
}
