import type { APIRoute, GetStaticPaths } from 'astro';
import sharp from 'sharp';
import { dataDir } from '../../../site/data-dir.ts';
import { sampleImagePath } from '../../../site/samples.ts';
import { siteData } from '../../../site/site-data.ts';

/**
 * The few sample images shown on model pages, copied from datasets/<id>/<images>/ into the build
 * (resized to at most 1024 px and re-encoded, which also strips metadata).
 */
export const getStaticPaths = (async () => {
  const data = await siteData();
  const root = dataDir();
  const seen = new Set<string>();
  const paths = [];
  for (const ds of data.datasets) {
    const visible = new Set((data.boards.get(ds.id) ?? []).map((r) => r.key));
    for (const r of data.results.get(ds.id) ?? []) {
      if (!visible.has(r.model)) continue;
      for (const s of r.samples) {
        const key = `${ds.id}/${s.imageId}`;
        if (seen.has(key)) continue;
        const file = await sampleImagePath(root, ds.id, ds.imagesPath, s.file);
        if (!file) continue;
        seen.add(key);
        paths.push({ params: { dataset: ds.id, image: String(s.imageId) }, props: { file } });
      }
    }
  }
  return paths;
}) satisfies GetStaticPaths;

export const GET: APIRoute = async ({ props }) => {
  const body = await sharp((props as { file: string }).file)
    .resize({ width: 1024, height: 1024, fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 82 })
    .toBuffer();
  return new Response(new Uint8Array(body), { headers: { 'content-type': 'image/webp' } });
};
