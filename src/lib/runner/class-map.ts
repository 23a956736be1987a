/**
 * The runner's view of class mapping. The table and the matching rule belong to the manifest's
 * `classes` field, so they live beside the schema (src/lib/schema/class-map.ts), where the site
 * can read them too (it lists models awaiting a benchmark on the datasets they would pair with).
 */
export * from '../schema/class-map.ts';
