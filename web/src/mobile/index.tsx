/**
 * Entry of the field apps (the inspectors' and unit handlers' PWA) under /m: loaded on demand, so
 * the desktop bundle does not carry it, and the service worker is registered only from here.
 */
import { lazy, Suspense } from 'react';

const MobileApp = lazy(() => import('./MobileApp'));

export function MobileEntry() {
  return (
    <Suspense fallback={null}>
      <MobileApp />
    </Suspense>
  );
}
