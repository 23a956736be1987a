import { linePath, project, type Scale } from '../charts/project.ts';
import { fixed2, pct } from '../format.ts';

/** Model page interactions: confidence slider, per-class PR curves, confusion colouring. */

function scales(svg: SVGSVGElement | null): { x: Scale; y: Scale } | null {
  if (!svg?.dataset['sx'] || !svg.dataset['sy']) return null;
  return { x: JSON.parse(svg.dataset['sx']) as Scale, y: JSON.parse(svg.dataset['sy']) as Scale };
}

function readJson<T>(id: string): T | null {
  const el = document.getElementById(id);
  return el?.textContent ? (JSON.parse(el.textContent) as T) : null;
}

// Confidence explorer: the slider moves a rule over the curves and reads out the nearest point.
{
  const slider = document.getElementById('conf-slider') as HTMLInputElement | null;
  const svg = document.getElementById('confidence') as SVGSVGElement | null;
  const points = readJson<[number, number, number, number][]>('conf-points');
  const s = scales(svg);
  const rule = svg?.querySelector<SVGGElement>('.rule[data-key="cursor"]');
  if (slider && points?.length && s && rule) {
    const out = (id: string) => document.getElementById(id)!;
    const update = () => {
      const c = Number(slider.value);
      const p = points.reduce((best, q) => (Math.abs(q[0] - c) < Math.abs(best[0] - c) ? q : best));
      out('conf-value').textContent = fixed2(p[0]);
      out('conf-precision').textContent = pct(p[1]);
      out('conf-recall').textContent = pct(p[2]);
      out('conf-f1').textContent = pct(p[3]);
      rule.setAttribute('transform', `translate(${project(s.x, p[0])} 0)`);
      slider.setAttribute(
        'aria-valuetext',
        `${fixed2(p[0])}: precision ${pct(p[1])}, recall ${pct(p[2])}, F1 ${pct(p[3])}`,
      );
    };
    slider.addEventListener('input', update);
    update();
  }
}

// PR curves: draw the chosen class's two curves into the placeholder paths.
{
  const select = document.getElementById('pr-class') as HTMLSelectElement | null;
  const svg = document.getElementById('pr-curves') as SVGSVGElement | null;
  const data = readJson<{
    recall: number[];
    curves: { id: number; name: string; a: number[]; b: number[] }[];
  }>('pr-curves-data');
  const s = scales(svg);
  if (select && svg && data && s) {
    const a = svg.querySelector<SVGPathElement>('path[data-key="class-50"]');
    const b = svg.querySelector<SVGPathElement>('path[data-key="class-50-95"]');
    const curve = (ys: number[]) =>
      ys.map((y, i): [number, number] => [data.recall[i]!, y]).filter(([, y]) => y >= 0);
    const update = () => {
      const c = data.curves.find((x) => String(x.id) === select.value);
      a?.setAttribute('d', c ? linePath(curve(c.a), s.x, s.y) : '');
      b?.setAttribute('d', c ? linePath(curve(c.b), s.x, s.y) : '');
      a?.querySelector('title')?.replaceChildren(c ? `${c.name}, IoU .50` : '');
      b?.querySelector('title')?.replaceChildren(c ? `${c.name}, IoU .50:.95` : '');
    };
    select.addEventListener('change', update);
    update();
  }
}

// Confusion matrix: swap each cell's opacity between row share and log count.
{
  const mode = document.getElementById('confusion-mode');
  const svg = document.getElementById('confusion');
  if (mode && svg) {
    let current = 'normalised';
    mode.addEventListener('change', (e) => {
      const next = (e.target as HTMLInputElement).value;
      if (next === current) return;
      current = next;
      for (const cell of svg.querySelectorAll<SVGRectElement>('rect.cell[data-alt]')) {
        const alt = cell.dataset['alt']!;
        cell.dataset['alt'] = cell.getAttribute('fill-opacity') ?? '0';
        cell.setAttribute('fill-opacity', alt);
      }
    });
  }
}
