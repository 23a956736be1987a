import { describe, expect, it } from 'vitest';
import {
  Citation,
  HttpsUrl,
  License,
  RelativePath,
  Sha256,
  Slug,
  Source,
  sourceWithLimit,
} from './common.ts';

const SHA = '0123456789abcdef'.repeat(4);
const ok = (schema: { safeParse(v: unknown): { success: boolean } }, v: unknown) =>
  schema.safeParse(v).success;
function messages(
  schema: { safeParse(v: unknown): { success: boolean; error?: { issues: { message: string }[] } } },
  v: unknown,
) {
  return schema.safeParse(v).error?.issues.map((i) => i.message) ?? [];
}

describe('Slug', () => {
  it('accepts lowercase slugs of 2–64 characters', () => {
    for (const id of ['ab', 'yolov8n', 'rt-detr-l', '0x', 'a'.repeat(64)]) expect(ok(Slug, id)).toBe(true);
  });
  it('refuses anything that could act as a path or is not canonical', () => {
    for (const id of [
      'a',
      '../../etc',
      'a/b',
      'YOLO',
      '-a',
      'a_b',
      'a.b',
      '',
      'a'.repeat(65),
      ' ab',
      'ab\n',
    ]) {
      expect(ok(Slug, id)).toBe(false);
    }
  });
});

describe('Sha256', () => {
  it('wants 64 lowercase hex characters', () => {
    expect(ok(Sha256, SHA)).toBe(true);
    expect(ok(Sha256, SHA.toUpperCase())).toBe(false);
    expect(ok(Sha256, SHA.slice(1))).toBe(false);
    expect(ok(Sha256, `${SHA.slice(1)}g`)).toBe(false);
  });
});

describe('HttpsUrl', () => {
  it('accepts https and refuses http with a clear message', () => {
    expect(ok(HttpsUrl, 'https://huggingface.co/x/resolve/main/m.onnx')).toBe(true);
    expect(messages(HttpsUrl, 'http://example.org/m.onnx')).toEqual([
      'plain http URLs are refused: use https://',
    ]);
  });
  it('refuses other schemes, non-URLs and embedded credentials', () => {
    expect(messages(HttpsUrl, 'file:///etc/passwd')).toEqual([
      'expected an https URL, got the "file:" scheme',
    ]);
    expect(messages(HttpsUrl, 'javascript:alert(1)')).toEqual([
      'expected an https URL, got the "javascript:" scheme',
    ]);
    expect(messages(HttpsUrl, 'not a url')).toEqual(['expected an https URL (https://…)']);
    expect(messages(HttpsUrl, 'https://user:secret@example.org/')).toEqual([
      'URLs must not contain credentials',
    ]);
  });
});

describe('Citation', () => {
  it('takes an https URL or free text, but not an http URL disguised as text', () => {
    expect(ok(Citation, 'https://arxiv.org/abs/2304.00501')).toBe(true);
    expect(ok(Citation, 'Table 2 of the YOLOv8 docs')).toBe(true);
    expect(messages(Citation, 'http://example.org')).toEqual(['plain http URLs are refused: use https://']);
  });
});

describe('License', () => {
  it('accepts curated SPDX ids and LicenseRef-', () => {
    for (const id of [
      'Apache-2.0',
      'MIT',
      'AGPL-3.0-only',
      'AGPL-3.0-or-later',
      'BSD-3-Clause',
      'CC-BY-NC-SA-4.0',
      'CC0-1.0',
    ]) {
      expect(ok(License, id)).toBe(true);
    }
    expect(ok(License, 'LicenseRef-YOLO-NAS')).toBe(true);
  });
  it('refuses unknown ids, suggesting the right case', () => {
    expect(messages(License, 'mit')).toEqual([
      'unknown licence "mit": SPDX ids are case-sensitive, did you mean "MIT"?',
    ]);
    expect(ok(License, 'Apache 2.0')).toBe(false);
    expect(ok(License, 'LicenseRef-')).toBe(false);
    expect(ok(License, 'LicenseRef-a b')).toBe(false);
  });
});

describe('RelativePath', () => {
  it('refuses absolute, Windows and NUL paths; ".." is judged later against the repository', () => {
    expect(ok(RelativePath, 'weights/model.onnx')).toBe(true);
    expect(ok(RelativePath, '../shared/model.onnx')).toBe(true);
    expect(messages(RelativePath, '/etc/passwd')).toEqual([
      'absolute paths are refused: give a path relative to the manifest folder',
    ]);
    expect(ok(RelativePath, 'C:/x.onnx')).toBe(false);
    expect(messages(RelativePath, 'a\\b.onnx')).toEqual(['use forward slashes ("/") in paths']);
    expect(ok(RelativePath, 'a\0b')).toBe(false);
    expect(ok(RelativePath, '')).toBe(false);
  });
});

describe('Source', () => {
  it('is exactly one of {url, sha256, bytes?} or {path, sha256?}', () => {
    expect(Source.parse({ url: 'https://e.org/m.onnx', sha256: SHA, bytes: 10 })).toEqual({
      url: 'https://e.org/m.onnx',
      sha256: SHA,
      bytes: 10,
    });
    expect(Source.parse({ path: 'm.onnx' })).toEqual({ path: 'm.onnx' });
    expect(ok(Source, { url: 'https://e.org/m.onnx' })).toBe(false); // a remote file must be pinned
    expect(ok(Source, { path: 'm.onnx', url: 'https://e.org/m.onnx', sha256: SHA })).toBe(false);
    expect(ok(Source, { path: 'm.onnx', bytes: 3 })).toBe(false);
    expect(ok(Source, { url: 'https://e.org/m.onnx', sha256: SHA, bytes: 0 })).toBe(false);
  });
  it('can carry a size limit on the declared bytes', () => {
    const limited = sourceWithLimit(100, 'weights');
    expect(ok(limited, { url: 'https://e.org/m', sha256: SHA, bytes: 100 })).toBe(true);
    expect(messages(limited, { url: 'https://e.org/m', sha256: SHA, bytes: 101 })).toEqual([
      'weights declares 101 bytes, over the limit of 100 bytes (100 B)',
    ]);
  });
});
