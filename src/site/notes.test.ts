import { describe, expect, it } from 'vitest';
import { renderNotes } from './notes.ts';

describe('renderNotes (contributor README.md)', () => {
  it('renders Markdown', () => {
    const out = renderNotes('Trained with **opset 17**.\n\n- a\n- b\n\n| x | y |\n|---|---|\n| 1 | 2 |\n');
    expect(out).toContain('<strong>opset 17</strong>');
    expect(out).toContain('<li>a</li>');
    expect(out).toContain('<td>1</td>');
  });

  it('removes scripts together with their content', () => {
    const out = renderNotes('Hello <script>alert("xss")</script> world');
    expect(out).not.toMatch(/<script/i);
    expect(out).not.toContain('alert');
    expect(out).toContain('Hello');
  });

  it('removes event handlers and the elements that carry them when not allowed', () => {
    const out = renderNotes(
      '<img src="x" onerror="alert(1)"> <p onclick="steal()">text</p> <a href="https://a.example" onmouseover="x()">a</a>',
    );
    expect(out).not.toMatch(/onerror|onclick|onmouseover/i);
    expect(out).not.toContain('<img');
    expect(out).toContain('text');
    expect(out).toContain('href="https://a.example"');
  });

  it('neutralises javascript:, data: and vbscript: URLs in Markdown and HTML links', () => {
    const out = renderNotes(
      '[md](javascript:alert(1)) <a href="JaVaScRiPt:alert(2)">html</a> <a href="data:text/html,x">data</a> <a href="vbscript:x">vb</a> <a href="  javascript:alert(3)">sp</a>',
    );
    expect(out).not.toMatch(/javascript:|data:|vbscript:/i);
    expect(out).toContain('>md</a>');
  });

  it('drops iframes, styles, forms and embedded SVG', () => {
    const out = renderNotes(
      '<iframe src="https://evil.example"></iframe><style>body{display:none}</style><form action="/x"><input name="p"></form><svg><script>x</script></svg><object data="x"></object>ok',
    );
    expect(out).not.toMatch(/<iframe|<style|<form|<input|<svg|<object/i);
    expect(out).not.toContain('display:none');
    expect(out).toContain('ok');
  });

  it('keeps safe links, marking them nofollow, and shifts headings under the page section', () => {
    const out = renderNotes('# Title\n\n## Sub\n\n[paper](https://arxiv.org/abs/1)');
    expect(out).toContain('<h3>Title</h3>');
    expect(out).toContain('<h3>Sub</h3>');
    expect(out).toMatch(
      /<a href="https:\/\/arxiv.org\/abs\/1" rel="nofollow noopener noreferrer ugc">paper<\/a>/,
    );
    expect(out).not.toContain('<h1');
  });

  it('does not let style attributes through', () => {
    expect(renderNotes('<p style="position:fixed">x</p>')).toBe('<p>x</p>');
  });
});
