import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

/**
 * Contributor notes (models/<id>/README.md) are Markdown from pull requests, never MDX: Markdown
 * is rendered with marked, then everything goes through sanitize-html with a strict allow-list.
 * No scripts, styles, iframes, images (they would track readers), event handlers or URL schemes
 * other than https/http/mailto survive.
 */

// A private instance so no other code's marked.use() can change how notes render.
const markdown = new Marked({ gfm: true, breaks: false, async: false });

/** Notes sit under the page's h2 "Notes", so their headings start at h3. */
const shiftHeading = (level: number) => (_tagName: string, attribs: sanitizeHtml.Attributes) => ({
  tagName: `h${level}`,
  attribs,
});

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'ul', 'ol', 'li', 'blockquote', 'pre', 'code', 'strong',
    'em', 'del', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'sup', 'sub', 'kbd',
  ], // biome-ignore format: a tag list reads better packed
  allowedAttributes: { a: ['href', 'title', 'rel'], th: ['align'], td: ['align'], ol: ['start'] },
  allowedSchemes: ['https', 'http', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // Text inside these is dropped with the tag, not shown as text.
  nonTextTags: [
    'script',
    'style',
    'textarea',
    'option',
    'noscript',
    'iframe',
    'object',
    'embed',
    'svg',
    'math',
  ],
  transformTags: {
    h1: shiftHeading(3),
    h2: shiftHeading(3),
    h3: shiftHeading(4),
    h4: shiftHeading(5),
    h5: shiftHeading(6),
    h6: shiftHeading(6),
    a: (tagName, attribs) => ({
      tagName,
      attribs: { ...attribs, rel: 'nofollow noopener noreferrer ugc' },
    }),
  },
};

/** Markdown → sanitised HTML. */
export function renderNotes(source: string): string {
  const rendered = markdown.parse(source) as string;
  return sanitizeHtml(rendered, OPTIONS).trim();
}
