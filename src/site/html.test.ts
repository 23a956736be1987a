import { describe, expect, it } from 'vitest';
import { escapeHtml, html, jsonForScript, raw } from './html.ts';

describe('html', () => {
  it('escapes interpolated text, including quotes for attributes', () => {
    const name = `<img src=x onerror="alert(1)">&'`;
    const out = html`<a title="${name}">${name}</a>`.value;
    expect(out).toBe(
      '<a title="&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;</a>',
    );
    expect(out).not.toContain('<img');
  });

  it('keeps nested Html and joins arrays, dropping null, undefined and false', () => {
    const inner = html`<b>${'x&y'}</b>`;
    expect(html`<p>${[inner, null, undefined, false, 3, raw('<br>')]}</p>`.value).toBe(
      '<p><b>x&amp;y</b>3<br></p>',
    );
  });

  it('drops non-finite numbers rather than printing NaN into markup', () => {
    expect(html`<rect x="${Number.NaN}" y="${Infinity}"/>`.value).toBe('<rect x="" y=""/>');
  });

  it('makes JSON safe inside a script element', () => {
    const json = jsonForScript({ name: '</script><script>alert(1)</script>' });
    expect(json).not.toContain('</script>');
    expect(JSON.parse(json)).toEqual({ name: '</script><script>alert(1)</script>' });
  });

  it('escapeHtml handles every special character', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});
