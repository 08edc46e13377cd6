/**
 * Registering many devices at once from a CSV (the registry of a vendor's delivery): every row is
 * checked as a single registration would be — code, kind, place (location or watched component,
 * inside the managed area and the caller's scope), silence limit — and either every row is
 * written, in one transaction, or none (422 naming each bad row, at most MAX_ERRORS of them).
 * Each device goes to the district centre where it stands.
 */
import { DEVICE_CODE_PATTERN } from '../../../common/sensors.ts';
import { recordEvent } from '../../platform/audit.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, type ErrorDetail } from '../../platform/errors.ts';
import type { Spatial } from '../cases/index.ts';
import { findComponent } from '../components/index.ts';
import { centreOf } from '../org/index.ts';
import { parseCsv } from './csv.ts';
import { deviceManage } from './policy.ts';
import * as repo from './repository.ts';
import type { DeviceImportT } from './schemas.ts';
import { sensorDevice, sensorDeviceStatus } from './tables.ts';

const MAX_ERRORS = 50;
const REQUIRED = ['code', 'kind', 'name'] as const;
const KNOWN = new Set(['code', 'kind', 'name', 'lng', 'lat', 'address', 'component_id', 'silence_s']);
const CODE = new RegExp(DEVICE_CODE_PATTERN);

const fail = (details: ErrorDetail[]) =>
  new AppError('VALIDATION_FAILED', {
    zh: '导入文件有误，未写入任何设备',
    en: 'The file has errors; no device was written',
    details,
  });

export async function importDevices(db: Db, ctx: RequestContext, spatial: Spatial, input: DeviceImportT) {
  deviceManage.requirePermission(ctx.actor);
  const parsed = parseCsv(input.csv);
  if (!parsed.ok) throw fail([{ field: `csv.line${parsed.line}`, message: parsed.message }]);
  const missing = REQUIRED.filter((h) => !parsed.header.includes(h));
  const unknown = parsed.header.filter((h) => !KNOWN.has(h));
  const twice = parsed.header.filter((h, i) => parsed.header.indexOf(h) !== i);
  if (missing.length || unknown.length || twice.length) {
    throw fail([
      ...missing.map((h) => ({ field: 'csv.header', message: `missing column ${h}` })),
      ...unknown.map((h) => ({ field: 'csv.header', message: `unknown column ${h.slice(0, 40)}` })),
      ...twice.map((h) => ({ field: 'csv.header', message: `column ${h} given twice` })),
    ]);
  }
  if (parsed.rows.length === 0) throw fail([{ field: 'csv', message: 'no rows below the header' }]);
  const col = (cells: string[], name: string) => {
    const i = parsed.header.indexOf(name);
    return i < 0 ? '' : (cells[i] ?? '').trim();
  };

  return db.transaction(async (tx) => {
    const errors: ErrorDetail[] = [];
    const err = (line: number, column: string, message: string) => {
      if (errors.length < MAX_ERRORS) errors.push({ field: `csv.line${line}.${column}`, message });
    };
    const kinds = new Set((await repo.listKinds(tx)).map((k) => k.code));
    const codes = parsed.rows.map((r) => col(r.cells, 'code'));
    const taken = await repo.existingCodes(
      tx,
      codes.filter((c) => CODE.test(c)),
    );
    const seen = new Map<string, number>();
    const centres = new Map<string, string | undefined>();
    const rows: (typeof sensorDevice.$inferInsert)[] = [];
    for (const { line, cells } of parsed.rows) {
      const code = col(cells, 'code');
      const kind = col(cells, 'kind');
      const name = col(cells, 'name');
      const before = errors.length;
      if (!CODE.test(code)) err(line, 'code', 'a code of letters, digits, _ . - (at most 64)');
      else if (taken.has(code)) err(line, 'code', `device ${code} exists`);
      else if (seen.has(code)) err(line, 'code', `code ${code} also on line ${seen.get(code)}`);
      seen.set(code, line);
      if (!kinds.has(kind)) err(line, 'kind', `unknown kind ${kind.slice(0, 40)}`);
      if (name.length < 1 || name.length > 100) err(line, 'name', 'a name of 1 to 100 characters');
      const address = col(cells, 'address');
      if (address.length > 200) err(line, 'address', 'at most 200 characters');
      const silenceRaw = col(cells, 'silence_s');
      const silence = silenceRaw === '' ? null : Number(silenceRaw);
      if (silence !== null && (!Number.isInteger(silence) || silence < 60 || silence > 30 * 86400)) {
        err(line, 'silence_s', 'whole seconds from 60 to 2592000, or empty');
      }
      const componentId = col(cells, 'component_id') || null;
      const lngRaw = col(cells, 'lng');
      const latRaw = col(cells, 'lat');
      let lng: number | undefined;
      let lat: number | undefined;
      if (componentId) {
        if (!/^\d{17}$/.test(componentId)) err(line, 'component_id', 'a 17-digit component ID');
        else {
          const c = await findComponent(tx, componentId);
          if (!c) err(line, 'component_id', `component ${componentId} not found`);
          else [lng, lat] = [c.lng, c.lat];
        }
      }
      if (lngRaw !== '' || latRaw !== '') {
        const x = Number(lngRaw);
        const y = Number(latRaw);
        if (
          lngRaw === '' ||
          latRaw === '' ||
          !Number.isFinite(x) ||
          !Number.isFinite(y) ||
          Math.abs(x) > 180 ||
          Math.abs(y) > 90
        ) {
          err(line, 'lng', 'WGS84 longitude and latitude, both or neither');
        } else [lng, lat] = [x, y];
      }
      if (errors.length > before) continue;
      if (lng === undefined || lat === undefined) {
        err(line, 'lng', 'a location (lng, lat) or a component_id');
        continue;
      }
      const hit = spatial.lookup(lng, lat);
      if (!hit) {
        err(line, 'lng', 'outside the managed area');
        continue;
      }
      const district = hit.district.code;
      if (!centres.has(district)) centres.set(district, (await centreOf(tx, 'district', district))?.id);
      const orgId = centres.get(district);
      if (!orgId) {
        err(line, 'lng', `no district centre for ${district}`);
        continue;
      }
      if (!deviceManage.allows(ctx.actor, { districtCode: district, orgId })) {
        err(line, 'lng', `in district ${district}, outside your scope`);
        continue;
      }
      rows.push({
        code,
        kindCode: kind,
        name,
        lng,
        lat,
        gridId: hit.grid.id,
        districtCode: district,
        address: address || null,
        componentId,
        orgId,
        silenceS: silence,
      });
    }
    if (errors.length > 0) throw fail(errors);
    const created = [];
    // Bounded statements (a row has 11 parameters).
    for (let i = 0; i < rows.length; i += 500) {
      const part = await tx
        .insert(sensorDevice)
        .values(rows.slice(i, i + 500))
        .returning({ id: sensorDevice.id, code: sensorDevice.code, districtCode: sensorDevice.districtCode });
      await tx.insert(sensorDeviceStatus).values(part.map((p) => ({ deviceId: p.id })));
      created.push(...part);
    }
    // One event per district: each district's audit trail shows its own devices.
    const byDistrict = new Map<string, string[]>();
    for (const c of created)
      byDistrict.set(c.districtCode, [...(byDistrict.get(c.districtCode) ?? []), c.code]);
    for (const [districtCode, list] of byDistrict) {
      await recordEvent(tx, ctx, {
        action: 'sensor.device.import',
        entityType: 'sensor_device',
        entityId: null,
        districtCode,
        after: { count: list.length, codes: list.slice(0, 200) },
      });
    }
    return { created: created.length, codes: created.map((c) => c.code) };
  });
}
