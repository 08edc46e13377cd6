/**
 * Demo photos: two simple pictures per matter type — the problem as found and the place after
 * disposal — drawn with sharp (a coloured scene with the type's name as a caption), the same bytes
 * on every start. They are stored like uploads (writePhotoFiles + recordPhoto: content hash under
 * DATA_DIR/photos, a thumbnail, the photo row and its event), and thousands of demo reports and
 * field steps reuse the few of them by id.
 */
import sharp from 'sharp';
import { recordPhoto, writePhotoFiles } from '../../modules/cases/index.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';

export interface DemoPhotos {
  /** The problem as found: the report, the verification, a failed check. */
  scene(matterCode: string): string[];
  /** After disposal: the unit's feedback, a self-disposal, a passed check. */
  fixed(matterCode: string): string[];
  count: number;
}

export const NO_PHOTOS: DemoPhotos = { scene: () => [], fixed: () => [], count: 0 };

const W = 640;
const H = 480;

const xml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** A street-ish scene: sky, road, a blotch where the problem is (gone in the "after" picture). */
function picture(index: number, code: string, name: string, fixed: boolean): string {
  const hue = (index * 47) % 360;
  const x = 160 + ((index * 83) % 320);
  const problem = fixed
    ? ''
    : `<ellipse cx="${x}" cy="300" rx="90" ry="42" fill="hsl(${(hue + 180) % 360},55%,35%)"/>
       <rect x="${x - 40}" y="236" width="80" height="60" rx="8" fill="hsl(${(hue + 200) % 360},50%,45%)"/>`;
  const caption = fixed ? '处置完成 · 演示照片 demo' : '问题现场 · 演示照片 demo';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
  <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
    <stop offset="0" stop-color="hsl(${hue},45%,${fixed ? 78 : 70}%)"/>
    <stop offset="1" stop-color="hsl(${hue},35%,${fixed ? 62 : 52}%)"/>
  </linearGradient></defs>
  <rect width="${W}" height="${H}" fill="url(#sky)"/>
  <polygon points="0,${H} ${W},${H} ${W},230 0,230" fill="hsl(${hue},8%,${fixed ? 58 : 46}%)"/>
  <rect x="0" y="226" width="${W}" height="8" fill="hsl(${hue},10%,80%)"/>
  ${problem}
  <rect x="0" y="376" width="${W}" height="104" fill="rgba(0,0,0,0.5)"/>
  <text x="28" y="420" font-family="sans-serif" font-size="34" fill="#fff">${xml(name)}</text>
  <text x="28" y="458" font-family="sans-serif" font-size="20" fill="#fff">${xml(`${code} · ${caption}`)}</text>
</svg>`;
}

/** Draws and stores the demo photos of these matter types; the answer maps a type to its photos. */
export async function seedDemoPhotos(
  tx: Db,
  ctx: RequestContext,
  dataDir: string,
  matters: readonly { code: string; name: string }[],
): Promise<DemoPhotos> {
  const jobs = matters.flatMap((m, i) =>
    [false, true].map(async (fixed) => {
      const jpeg = await sharp(Buffer.from(picture(i, m.code, m.name, fixed)))
        .jpeg({ quality: 80 })
        .toBuffer();
      return { key: `${fixed ? 'fixed' : 'scene'}:${m.code}`, file: await writePhotoFiles(dataDir, jpeg) };
    }),
  );
  // Drawing and the files in parallel (sharp's own threads); the rows one by one in the seed's transaction.
  const files = await Promise.all(jobs);
  const ids = new Map<string, string>();
  for (const f of files) ids.set(f.key, (await recordPhoto(tx, ctx, f.file)).id);
  const of = (key: string) => {
    const id = ids.get(key);
    return id ? [id] : [];
  };
  return {
    scene: (code) => of(`scene:${code}`),
    fixed: (code) => of(`fixed:${code}`),
    count: new Set(ids.values()).size,
  };
}
