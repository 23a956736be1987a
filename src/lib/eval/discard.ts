/**
 * Frees typed arrays the evaluator is done with, now: detaching a buffer releases its memory at
 * once, where a dead one stays resident until V8 next runs a full GC (on a 500k-detection case
 * the temporaries of matching, sorting and analysis add up to ~100 MB of peak RSS that way).
 * Only for arrays that own their whole buffer and that nothing else references.
 */
export function discard(...arrays: ArrayBufferView[]): void {
  for (const a of arrays) {
    const buffer = a.buffer;
    if (buffer instanceof ArrayBuffer && a.byteOffset === 0 && a.byteLength === buffer.byteLength) {
      buffer.transfer(0);
    }
  }
}
