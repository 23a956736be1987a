/**
 * Every size limit the board enforces, in one place. A leaf module (imports nothing), so the
 * schemas, the runner and the site can all read it without depending on each other.
 */

/** Largest weights file the board accepts; larger downloads are aborted. */
export const MAX_WEIGHTS_BYTES = 2 * 1024 ** 3;

/** Weights committed into the repository (rather than linked) must stay under this. */
export const MAX_LOCAL_WEIGHTS_BYTES = 25 * 1024 ** 2;

/** Manifests are a few kilobytes; anything far larger is a mistake or an attack. */
export const MAX_MANIFEST_BYTES = 256 * 1024;

/** Annotation files larger than this are refused (COCO train2017 instances is ~450 MB). */
export const MAX_ANNOTATIONS_BYTES = 1024 ** 3;

/** COCO's annotations archive is 253 MB; archives holding annotations are capped well above. */
export const MAX_ANNOTATIONS_ARCHIVE_BYTES = 4 * 1024 ** 3;

/** Largest decompressed prediction file accepted (val2017 at 100 detections per image is ~60 MB). */
export const MAX_PREDICTIONS_BYTES = 512 * 1024 ** 2;

/** A model's README.md shown on its page. */
export const MAX_NOTES_BYTES = 64 * 1024;

/** Metric files are ~100–300 KB for 80 classes; anything far larger is a mistake. */
export const MAX_RESULT_BYTES = 16 * 1024 * 1024;

/** A sample image shown on the site. */
export const MAX_SAMPLE_BYTES = 20 * 1024 * 1024;
