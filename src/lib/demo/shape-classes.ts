/**
 * The classes of the demo "shapes" dataset. Each class has its own colour AND its own outline, so a
 * detector could use either cue; the demo detectors use colour (see src/lib/demo/models/), which is
 * why the dataset also paints distractors in colours that are near, but not equal to, class colours.
 */

export type ShapeKind = 'circle' | 'square' | 'triangle' | 'star' | 'hexagon' | 'cross';

export interface ShapeClass {
  /** COCO category id (1-based, in this order). */
  id: number;
  /** Category name; model manifests list classes by these names. */
  name: string;
  kind: ShapeKind;
  /** Nominal colour, RGB 0–255; each object jitters around it. */
  rgb: readonly [number, number, number];
}

export const SHAPE_CLASSES: readonly ShapeClass[] = [
  { id: 1, name: 'red-circle', kind: 'circle', rgb: [220, 40, 40] },
  { id: 2, name: 'green-square', kind: 'square', rgb: [40, 170, 60] },
  { id: 3, name: 'blue-triangle', kind: 'triangle', rgb: [40, 80, 220] },
  { id: 4, name: 'yellow-star', kind: 'star', rgb: [240, 210, 30] },
  { id: 5, name: 'magenta-hexagon', kind: 'hexagon', rgb: [210, 50, 200] },
  { id: 6, name: 'cyan-cross', kind: 'cross', rgb: [30, 200, 210] },
];

/**
 * Colours of unannotated distractor objects. Orange sits between red and yellow, purple between blue
 * and magenta: colour-only detectors sometimes fire on them, as real detectors fire on look-alikes.
 */
export const DISTRACTOR_RGB: readonly (readonly [number, number, number])[] = [
  [240, 140, 30], // orange
  [125, 65, 175], // purple
  [235, 235, 230], // off-white
  [55, 55, 60], // charcoal
  [130, 85, 45], // brown
  [240, 160, 185], // pink
];

export const SHAPE_KINDS: readonly ShapeKind[] = ['circle', 'square', 'triangle', 'star', 'hexagon', 'cross'];
