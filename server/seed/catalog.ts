/**
 * Seeds the GB/T 47678.5-2026 catalogue (153 component types, 250 matter types) and a default
 * disposal standard (version 1, isDefault) for every matter type. Idempotent: types already
 * present are left as the city changed them, and a matter type that has any standard keeps it;
 * so it runs on every start and only writes on the first. Audited as one `catalog.seed` event
 * with the counts (not one event per reference row).
 */
import { count, eq } from 'drizzle-orm';
import { catalogType, disposalStandard } from '../db-schema.ts';
import { defaultStandardFor, referenceCatalogue } from '../modules/catalog/index.ts';
import { recordEvent } from '../platform/audit.ts';
import type { RequestContext } from '../platform/context.ts';
import type { Db } from '../platform/db.ts';

export async function seedCatalog(
  db: Db,
  ctx: RequestContext,
): Promise<{ types: number; standards: number }> {
  const [{ n }] = await db.select({ n: count() }).from(catalogType).where(eq(catalogType.local, false));
  const ref = referenceCatalogue();
  if (Number(n) >= ref.types.length) return { types: 0, standards: 0 };
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(catalogType)
      .values(ref.types.map((t) => ({ kind: t.kind, code: t.code, name: t.name, majorCode: t.majorCode })))
      .onConflictDoNothing()
      .returning({ code: catalogType.code });
    const withStandard = new Set(
      (await tx.selectDistinct({ code: disposalStandard.matterCode }).from(disposalStandard)).map(
        (r) => r.code,
      ),
    );
    const missing = ref.types.filter((t) => t.kind === 'matter' && !withStandard.has(t.code));
    if (missing.length > 0) {
      await tx.insert(disposalStandard).values(
        missing.map((m) => ({
          matterCode: m.code,
          version: 1,
          current: true,
          isDefault: true,
          ...defaultStandardFor(m),
          note: '系统默认规范（按事项大类生成），可由市级管理员修订',
          createdBy: ctx.actor.name,
        })),
      );
    }
    await recordEvent(tx, ctx, {
      action: 'catalog.seed',
      entityType: 'catalog_type',
      entityId: null,
      districtCode: null,
      after: { standard: ref.standard, types: inserted.length, defaultStandards: missing.length },
    });
    return { types: inserted.length, standards: missing.length };
  });
}
