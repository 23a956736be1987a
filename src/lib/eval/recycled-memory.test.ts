import { afterEach, describe, expect, it } from 'vitest';
import { drainRecycled, recycle, recycled } from './recycled-memory.ts';

afterEach(() => drainRecycled());

describe('recycled memory', () => {
  it('hands out zeroed, aligned views of a recycled buffer, then fresh arrays once it is full', () => {
    const old = new ArrayBuffer(1024);
    new Uint8Array(old).fill(0xff);
    recycle(old);
    const x = recycled.u32(100);
    const y = recycled.f64(50);
    const z = recycled.i32(200);
    expect([x.buffer, y.buffer]).toEqual([old, old]);
    expect(y.byteOffset % 64).toBe(0);
    expect([...x, ...y].every((v) => v === 0)).toBe(true);
    // 400 bytes (aligned to 448) and 400 used: 200 int32 no longer fit.
    expect(z.buffer).not.toBe(old);
    expect(z.length).toBe(200);
    // A small one still fits in what is left.
    expect(recycled.i32(8).buffer).toBe(old);
  });

  it('drained: unused buffers are freed, used ones live on in their arrays', () => {
    const unused = new ArrayBuffer(256);
    const used = new ArrayBuffer(256);
    recycle(used);
    recycle(unused);
    const v = recycled.f64(30);
    expect(v.buffer).toBe(used);
    drainRecycled();
    expect(unused.detached).toBe(true);
    expect(used.detached).toBe(false);
    expect(recycled.f64(2).buffer).not.toBe(used);
  });

  it('takes no shared memory and no empty buffers', () => {
    recycle(new SharedArrayBuffer(256));
    recycle(new ArrayBuffer(0));
    const a = recycled.i32(8);
    expect(a.buffer).toBeInstanceOf(ArrayBuffer);
    expect(a.byteOffset).toBe(0);
    expect(a.buffer.byteLength).toBe(32);
  });
});
