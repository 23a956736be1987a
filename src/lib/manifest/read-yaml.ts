import { isAlias, isNode, LineCounter, parseDocument, visit, YAMLError } from 'yaml';
import { MAX_MANIFEST_BYTES } from '../policy/limits.ts';
import { toUserError } from '../schema/format-error.ts';

/**
 * Parses untrusted YAML into plain data. Only YAML 1.2's core schema is understood (strings,
 * numbers, booleans, null, lists, mappings): explicit tags (`!!js/function`, `!!binary`, `!foo`),
 * anchors and aliases (the "billion laughs" expansion) are refused outright rather than
 * interpreted, duplicate keys are errors, and nothing is ever executed.
 */
export function parseSafeYaml(text: string, file: string): unknown {
  if (Buffer.byteLength(text, 'utf8') > MAX_MANIFEST_BYTES) {
    throw toUserError(file, [
      new YAMLError(
        'YAMLParseError',
        [0, 0],
        'IMPOSSIBLE',
        `file is larger than ${MAX_MANIFEST_BYTES} bytes`,
      ),
    ]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    version: '1.2',
    schema: 'core',
    customTags: [],
    merge: false,
    uniqueKeys: true,
    strict: true,
    prettyErrors: false,
    lineCounter,
  });
  // Unresolved-tag warnings are dropped: every tag is refused below with a clearer message.
  const problems: YAMLError[] = [
    ...doc.errors,
    ...doc.warnings.filter((w) => w.code !== 'TAG_RESOLVE_FAILED'),
  ];
  visit(doc, (_key, node) => {
    if (!isNode(node)) return;
    const valueStart = node.range?.[0] ?? 0;
    // A node's range starts at its value; point at the tag or anchor that precedes it instead.
    const marker = node.tag ? '!' : node.anchor && !isAlias(node) ? '&' : undefined;
    let start = marker ? Math.max(0, text.lastIndexOf(marker, valueStart)) : valueStart;
    while (marker === '!' && start > 0 && text[start - 1] === '!') start--;
    const refuse = (message: string) => {
      const err = new YAMLError('YAMLParseError', [start, start + 1], 'IMPOSSIBLE', message);
      err.linePos = [lineCounter.linePos(start)];
      problems.push(err);
    };
    if (isAlias(node)) refuse(`aliases (*${node.source}) are not allowed in manifests`);
    else if (node.anchor) refuse(`anchors (&${node.anchor}) are not allowed in manifests`);
    else if (node.tag)
      refuse(`tags (${shortTag(node.tag)}) are not allowed in manifests: write plain values`);
  });
  for (const err of problems) {
    if (!err.linePos) err.linePos = [lineCounter.linePos(err.pos[0])];
  }
  if (problems.length > 0) {
    problems.sort((a, b) => a.pos[0] - b.pos[0]);
    throw toUserError(file, problems);
  }
  return doc.toJS({ maxAliasCount: 0 });
}

function shortTag(tag: string): string {
  return tag.replace(/^tag:yaml\.org,2002:/, '!!');
}
