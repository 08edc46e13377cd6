import type { EventFeed } from '../../platform/event-feed.ts';
import { commonErrors } from '../../platform/schemas.ts';
import type { App } from '../../platform/types.ts';
import { Setting, SettingKeyParams, SettingList, SettingPut } from './schemas.ts';
import * as service from './service.ts';

/** The settings routes; with a feed, setting changes made on other nodes drop this node's cache. */
export function settingsRoutes(opts: { feed?: EventFeed } = {}) {
  return async function settings(app: App) {
    const unwatch = service.watchSettings(app.db, opts.feed);
    app.addHook('onClose', async () => unwatch());
    app.get(
      '/api/settings',
      {
        config: { operation: 'settings.list' },
        schema: {
          tags: ['settings'],
          summary: 'City settings / 系统设置',
          response: { 200: SettingList, ...commonErrors },
        },
      },
      (request) => service.listSettingsFor(app.db, request.ctx),
    );
    app.get(
      '/api/settings/:key',
      {
        config: { operation: 'settings.get' },
        schema: { tags: ['settings'], params: SettingKeyParams, response: { 200: Setting, ...commonErrors } },
      },
      (request) => service.getSettingFor(app.db, request.ctx, request.params.key),
    );
    app.put(
      '/api/settings/:key',
      {
        config: { operation: 'settings.put' },
        schema: {
          tags: ['settings'],
          params: SettingKeyParams,
          body: SettingPut,
          response: { 200: Setting, ...commonErrors },
        },
      },
      (request) =>
        service.putSetting(
          app.db,
          request.ctx,
          request.params.key,
          request.body.value,
          request.body.version,
          request.body.reason,
        ),
    );
  };
}
