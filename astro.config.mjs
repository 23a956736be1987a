import mdx from '@astrojs/mdx';
import { defineConfig } from 'astro/config';

// The site is static: it reads results/, models/ and datasets/ at build time and nothing else.
export default defineConfig({
  site: process.env.PODIUM_SITE_URL ?? 'https://podium.example.org',
  base: process.env.PODIUM_BASE_PATH ?? '/',
  integrations: [mdx()],
});
