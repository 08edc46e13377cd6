/**
 * Route pages loaded on first visit, each in its own chunk, so that the login page and the first
 * page do not wait for every other page (and its libraries) to download.
 *
 *   const UsersPage = lazyPage(() => import('./pages/UsersPage'), 'UsersPage');
 *   <Route path="users" element={<UsersPage />} />
 */
import { Spin } from 'antd';
import { type ComponentType, lazy, Suspense } from 'react';

/** Shown while a page's chunk loads. */
export function PageLoading() {
  return <Spin style={{ display: 'block', margin: '80px auto' }} data-testid="page-loading" />;
}

const RELOADED = 'cityops.chunk-reload';

/**
 * After a new release, a tab opened before it asks for chunk names that no longer exist: load the
 * page again (once) so that it gets the new build; a second failure is a real error.
 */
function reloadOnce(error: unknown): Promise<never> {
  try {
    if (!sessionStorage.getItem(RELOADED)) {
      sessionStorage.setItem(RELOADED, '1');
      window.location.reload();
      return new Promise<never>(() => undefined);
    }
  } catch {
    // storage unavailable: report the error
  }
  throw error;
}

/** The page `name` exported by the module `load` imports, loaded when first rendered, a spinner meanwhile. */
export function lazyPage<M, K extends keyof M>(load: () => Promise<M>, name: K): ComponentType {
  const Page = lazy(() =>
    load().then((module) => {
      try {
        sessionStorage.removeItem(RELOADED);
      } catch {
        // storage unavailable
      }
      return { default: module[name] as ComponentType };
    }, reloadOnce),
  );
  // biome-ignore lint/correctness/noComponentHookFactories: made once per page when the module loads, never while rendering
  function LazyPage() {
    return (
      <Suspense fallback={<PageLoading />}>
        <Page />
      </Suspense>
    );
  }
  LazyPage.displayName = `Lazy(${String(name)})`;
  return LazyPage;
}
