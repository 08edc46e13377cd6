import { Spin } from 'antd';
import { lazy, Suspense } from 'react';

// MapLibre is large: the map page loads it in its own chunk, on first visit.
const MapView = lazy(() => import('./MapView').then((m) => ({ default: m.MapView })));

export function MapPage() {
  return (
    <Suspense fallback={<Spin style={{ display: 'block', margin: '80px auto' }} />}>
      <MapView />
    </Suspense>
  );
}
