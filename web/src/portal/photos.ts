/**
 * A photo as the portal sends it: where it was taken is read first (exif.ts, offered to the
 * citizen as the report's place), then the picture is drawn anew at most 2048 px on its long side
 * as a JPEG — which also leaves every piece of metadata, the position included, on the phone. The
 * server re-encodes it again whatever arrives. A picture the browser cannot decode (HEIC in some
 * browsers) is sent as it is, for the server to convert or refuse.
 */
import { type PhotoPosition, readPhotoPosition } from './exif';

export interface PreparedPhoto {
  blob: Blob;
  position: PhotoPosition | null;
}

const MAX_SIDE = 2048;

/** Kinds every browser decodes: one of these that does not decode is a broken file, not a new format. */
const DECODABLE = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif']);

/** A picture of a kind the browser reads that it could not read: broken, cut off, or not a picture. */
export class UnreadablePhoto extends Error {}

export async function preparePhoto(file: File): Promise<PreparedPhoto> {
  const position = readPhotoPosition(await file.arrayBuffer());
  if (typeof createImageBitmap !== 'function') return { blob: file, position };
  try {
    const bmp = await createImageBitmap(file, { imageOrientation: 'from-image' });
    const scale = Math.min(1, MAX_SIDE / Math.max(bmp.width, bmp.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bmp.width * scale));
    canvas.height = Math.max(1, Math.round(bmp.height * scale));
    canvas.getContext('2d')?.drawImage(bmp, 0, 0, canvas.width, canvas.height);
    bmp.close();
    const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/jpeg', 0.85));
    return { blob: blob ?? file, position };
  } catch {
    // Told on the phone, where the citizen can pick another, instead of by the server's refusal later.
    if (DECODABLE.has(file.type)) throw new UnreadablePhoto(file.name);
    return { blob: file, position };
  }
}
