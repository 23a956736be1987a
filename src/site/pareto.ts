/**
 * Pareto front of "lower cost, higher value": the points no other point beats on both. Returned
 * in increasing cost, so consecutive points draw the front as a staircase.
 */
export interface ParetoPoint {
  key: string;
  cost: number;
  value: number;
}

export function paretoFront(points: readonly ParetoPoint[]): string[] {
  const usable = points.filter((p) => Number.isFinite(p.cost) && Number.isFinite(p.value));
  const sorted = [...usable].sort((a, b) => a.cost - b.cost || b.value - a.value || (a.key < b.key ? -1 : 1));
  const front: string[] = [];
  let best = Number.NEGATIVE_INFINITY;
  for (const p of sorted) {
    // Strictly better than everything cheaper (or as cheap): otherwise it is dominated.
    if (p.value > best) {
      front.push(p.key);
      best = p.value;
    }
  }
  return front;
}
