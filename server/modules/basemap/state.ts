/**
 * What this node knows of the city's base map between requests: the origins the browser fetches
 * tiles from (天地图's hosts, an XYZ service's origin), which the web client's Content-Security-
 * Policy must allow (platform/web-security.ts asks through `remoteOrigins`). Read at start; set
 * by a choice made on this node as it commits; other nodes' choices arrive through the event feed
 * (a `basemap` event) within a second. Until the first read, nothing remote is allowed.
 */
import type { Db } from '../../platform/db.ts';
import type { EventFeed } from '../../platform/event-feed.ts';
import * as repo from './repository.ts';
import { remoteOriginsOf } from './service.ts';

export class BaseMapState {
  private origins: readonly string[] = [];
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly db: Db,
    private readonly feed?: EventFeed,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  remoteOrigins(): readonly string[] {
    return this.origins;
  }

  set(origins: readonly string[]): void {
    this.origins = [...origins];
  }

  async reload(): Promise<void> {
    this.set(remoteOriginsOf(await repo.findChoice(this.db)));
  }

  async start(): Promise<void> {
    this.unsubscribe ??=
      this.feed?.subscribe((rows) => {
        if (rows.some((r) => r.entityType === 'basemap')) this.reload().catch(this.onError);
      }) ?? null;
    await this.reload();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }
}
