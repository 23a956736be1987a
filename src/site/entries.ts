import type { DatasetManifest } from '../lib/schema/dataset-manifest.ts';
import type { ModelManifest } from '../lib/schema/model-manifest.ts';

/** Data of a `models` collection entry. */
export interface ModelEntry {
  manifest: ModelManifest;
  /** sha256 of model.yaml. */
  sha256: string;
  /** models/<id>/README.md rendered and sanitised; null when absent. */
  notesHtml: string | null;
}

/** Data of a `datasets` collection entry. */
export interface DatasetEntry {
  manifest: DatasetManifest;
  /** Images folder relative to the dataset folder, when images are in the repository. */
  imagesPath: string | null;
}
