import { isMap, isScalar, parseDocument } from 'yaml';
import type { RemoteSource } from '../schema/common.ts';
import { UserError } from '../util/errors.ts';

/**
 * `weights:` written into a model manifest's text, and nothing else touched. The yaml package's
 * Document API locates the top-level keys (with their exact source ranges); the new block is
 * spliced into the original text there, so comments, key order, quoting and line folding of
 * everything else stay byte for byte (a Document re-stringified would re-fold long strings).
 * A manifest awaiting export gains the block just above `export:` (and above the comment lines
 * that introduce it), which stays as the record of how the file was made.
 */
export function pinWeightsInText(text: string, weights: RemoteSource, file: string): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0)
    throw new UserError(`not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`, { file });
  const root = doc.contents;
  if (!isMap(root) || root.flow) throw new UserError('expected a block mapping at the top level', { file });

  const block = [
    'weights:',
    `  url: ${JSON.stringify(weights.url)}`,
    `  sha256: ${weights.sha256}`,
    ...(weights.bytes === undefined ? [] : [`  bytes: ${weights.bytes}`]),
  ].join('\n');

  const pairOf = (name: string) => root.items.find((p) => isScalar(p.key) && p.key.value === name);
  const existing = pairOf('weights');
  if (existing) {
    const start = (existing.key as { range?: [number, number, number] }).range?.[0];
    const value = existing.value as { range?: [number, number, number] } | null;
    const end = value?.range?.[1];
    if (start === undefined || end === undefined)
      throw new UserError('cannot locate the weights block in the file', { file });
    return `${text.slice(0, start)}${block}${text.slice(end).startsWith('\n') ? '' : '\n'}${text.slice(end)}`;
  }
  const anchor = pairOf('export') ?? pairOf('input');
  const at = (anchor?.key as { range?: [number, number, number] } | undefined)?.range?.[0];
  if (at === undefined) return `${text}${text.endsWith('\n') ? '' : '\n'}${block}\n`;
  // Step back over the comment lines directly above the anchor key: they introduce it.
  let lineStart = text.lastIndexOf('\n', at - 1) + 1;
  for (;;) {
    if (lineStart === 0) break;
    const prevStart = text.lastIndexOf('\n', lineStart - 2) + 1;
    if (!text.slice(prevStart, lineStart).trimStart().startsWith('#')) break;
    lineStart = prevStart;
  }
  return `${text.slice(0, lineStart)}${block}\n${text.slice(lineStart)}`;
}
