import { compareView, MAX_COMPARE, parseSelection } from '../compare-view.ts';
import type { ModelData } from '../model-data.ts';
import { enableSorting } from './sortable.ts';

/** Compare page: reads ?m=a,b,c, fetches each model's JSON from this site and renders the view. */
const out = document.getElementById('compare-out');
const form = document.getElementById('compare-form') as HTMLFormElement | null;
const listJson = document.getElementById('compare-models');

interface Entry {
  key: string;
  name: string;
  href: string;
  data: string;
}

if (out && form && listJson) {
  const entries = JSON.parse(listJson.textContent ?? '[]') as Entry[];
  const byKey = new Map(entries.map((e) => [e.key, e]));
  const boxes = [...form.querySelectorAll<HTMLInputElement>('input[name="m"]')];
  const filter = document.getElementById('compare-filter') as HTMLInputElement | null;

  const limit = () => {
    const n = boxes.filter((b) => b.checked).length;
    for (const b of boxes) b.disabled = !b.checked && n >= MAX_COMPARE;
  };

  async function show(): Promise<void> {
    const selected = parseSelection(location.search, new Set(byKey.keys()));
    for (const b of boxes) b.checked = selected.includes(b.value);
    limit();
    if (selected.length === 0) {
      out!.innerHTML = '<p>Select models below, then press “Compare selected”.</p>';
      return;
    }
    out!.innerHTML = '<p>Loading…</p>';
    try {
      const models = await Promise.all(
        selected.map(async (k) => {
          const res = await fetch(byKey.get(k)!.data);
          if (!res.ok) throw new Error(`${k}: HTTP ${res.status}`);
          return (await res.json()) as ModelData;
        }),
      );
      out!.innerHTML = compareView(models, (m) => byKey.get(m)?.href ?? '#').value;
      document.title = `${models.map((m) => m.name).join(' vs ')} · Podium`;
      enableSorting(out!);
    } catch (err) {
      out!.textContent = `Could not load the models (${(err as Error).message}).`;
    }
  }

  form.addEventListener('change', limit);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
    history.pushState(null, '', `${location.pathname}${chosen.length ? `?m=${chosen.join(',')}` : ''}`);
    void show();
    out!.scrollIntoView();
  });
  filter?.addEventListener('input', () => {
    const q = filter.value.trim().toLowerCase();
    for (const li of form.querySelectorAll<HTMLLIElement>('#compare-list li')) {
      li.hidden = q !== '' && !(li.dataset['name'] ?? '').includes(q);
    }
  });
  window.addEventListener('popstate', () => void show());
  void show();
}
