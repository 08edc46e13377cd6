/**
 * Helpers for the public portal's tests: its multipart report form, built by hand (the parts, their
 * headers and bytes exactly as a test wants them, malformed ones included), sent anonymously from a
 * chosen source address.
 */
import { randomUUID } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import sharp from 'sharp';
import type { TestApp } from './app.ts';

export interface Part {
  name: string;
  /** Text of a field, or the bytes of a file. */
  value: string | Buffer;
  filename?: string;
  contentType?: string;
}

export const BOUNDARY = '----cityops-portal-test';

/** A multipart/form-data body of the parts, in order. */
export function formBody(parts: readonly Part[], boundary = BOUNDARY): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
    const type = p.contentType ?? (p.filename !== undefined ? 'application/octet-stream' : undefined);
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type ? `Content-Type: ${type}\r\n` : ''}\r\n`,
      ),
      typeof p.value === 'string' ? Buffer.from(p.value, 'utf8') : p.value,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

export interface ReportFields {
  idempotencyKey?: string;
  description?: string;
  location?: { lng: number; lat: number; crs: string };
  address?: string;
  matterCode?: string;
  phone?: string;
  [extra: string]: unknown;
}

/** The report field and photo files of a portal report. */
export function reportParts(fields: ReportFields, photos: readonly Buffer[] = []): Part[] {
  return [
    { name: 'report', value: JSON.stringify({ idempotencyKey: randomUUID(), ...fields }) },
    ...photos.map((bytes, i) => ({
      name: 'photos',
      value: bytes,
      filename: `photo-${i}.jpg`,
      contentType: 'image/jpeg',
    })),
  ];
}

/** A request to the portal from `ip` (no session, no cookie), in the caller's language. */
export function portalInject(
  t: TestApp,
  req: Omit<InjectOptions, 'remoteAddress'> & { ip?: string; lang?: string },
): Promise<LightMyRequestResponse> {
  const { ip = '198.51.100.7', lang, ...rest } = req;
  return t.app.inject({
    ...rest,
    remoteAddress: ip,
    headers: { ...(lang ? { 'accept-language': lang } : {}), ...(rest.headers as Record<string, string>) },
  } as InjectOptions);
}

/** Sends a report form; `parts` default to a good report at `fields`. */
export function sendReport(
  t: TestApp,
  parts: readonly Part[],
  opts: { ip?: string; lang?: string; headers?: Record<string, string>; boundary?: string } = {},
) {
  const boundary = opts.boundary ?? BOUNDARY;
  return portalInject(t, {
    method: 'POST',
    url: '/api/public/reports',
    ip: opts.ip,
    lang: opts.lang,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, ...opts.headers },
    payload: formBody(parts, boundary),
  });
}

let shade = 0;
/** A real JPEG (distinct each call), with EXIF GPS and camera tags unless told otherwise. */
export async function cameraJpeg(
  opts: { gps?: boolean; width?: number; height?: number } = {},
): Promise<Buffer> {
  shade = (shade + 41) % 255;
  const img = sharp({
    create: {
      width: opts.width ?? 64,
      height: opts.height ?? 48,
      channels: 3,
      background: { r: shade, g: 90, b: 200 - (shade % 100) },
    },
  }).jpeg();
  return img
    .withExif({
      IFD0: { Make: 'CitizenPhone', Model: 'P-9', Artist: 'Li Si' },
      ...(opts.gps === false
        ? {}
        : {
            IFD3: {
              GPSLatitudeRef: 'N',
              GPSLatitude: '29/1 52/1 1234/100',
              GPSLongitudeRef: 'E',
              GPSLongitude: '121/1 33/1 5/1',
            },
          }),
    })
    .toBuffer();
}
