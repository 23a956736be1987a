/**
 * Every internal URL of the site, under the configured base path (PODIUM_BASE_PATH), with
 * trailing slashes as the static build writes directories. Ids are slugs, so they need no escaping.
 */
export function withSlash(base: string): string {
  return base.endsWith('/') ? base : `${base}/`;
}

export function siteUrls(baseUrl: string) {
  const base = withSlash(baseUrl);
  return {
    home: base,
    board: (ds: string) => `${base}board/${ds}/`,
    model: (ds: string, model: string) => `${base}model/${ds}/${model}/`,
    compare: (ds: string, models: readonly string[] = []) =>
      `${base}compare/${ds}/${models.length ? `?m=${models.join(',')}` : ''}`,
    dataset: (ds: string) => `${base}dataset/${ds}/`,
    modelData: (ds: string, model: string) => `${base}data/${ds}/${model}.json`,
    sample: (ds: string, imageId: number) => `${base}samples/${ds}/${imageId}.webp`,
    methodology: `${base}methodology/`,
    submit: `${base}submit/`,
    search: `${base}search/`,
  };
}

export type SiteUrls = ReturnType<typeof siteUrls>;
