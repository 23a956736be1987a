/**
 * Loads Pagefind's UI (written next to the index at build time) into #search. The script is
 * fetched from this site, so it cannot be bundled: it is added as a classic script tag.
 */
const host = document.getElementById('search');
const bundle = host?.dataset['bundle'];

interface PagefindUIConstructor {
  new (opts: {
    element: string;
    bundlePath: string;
    showSubResults: boolean;
    showImages: boolean;
    resetStyles: boolean;
  }): unknown;
}

if (host && bundle) {
  const script = document.createElement('script');
  script.src = `${bundle}pagefind-ui.js`;
  script.onload = () => {
    const PagefindUI = (window as unknown as { PagefindUI?: PagefindUIConstructor }).PagefindUI;
    if (PagefindUI)
      new PagefindUI({
        element: '#search',
        bundlePath: bundle,
        showSubResults: false,
        showImages: false,
        resetStyles: false,
      });
  };
  script.onerror = () => {
    host.textContent = 'The search index was not built for this site.';
  };
  document.head.append(script);
}
