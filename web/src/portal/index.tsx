/**
 * Entry of the public portal (/public/): loaded on demand, so neither the desktop nor the field
 * apps carry it, and it carries none of theirs.
 */
import { lazy, Suspense } from 'react';

const PortalApp = lazy(() => import('./PortalApp'));

export function PortalEntry() {
  return (
    <Suspense fallback={null}>
      <PortalApp />
    </Suspense>
  );
}
