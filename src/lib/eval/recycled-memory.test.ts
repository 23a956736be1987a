import { describe, expect, it } from 'vitest';
import { arena, recycle } from './recycled-memory.ts';

describe('recycled memory', () => {
  it('hands out zeroed views of a recycled buffer, aligned, then fresh arrays once it is full', () => {
    const old = new ArrayBuffer(1024);
    new Uint8Array(old).fill(0xff);
    recycle(old);
    const a = arena(1000);
    const x = a.u32(100);
    const y = a.f64(50);
    const z = a.i32(200);
    expect([x.buffer, y.buffer]).toEqual([old, old]);
    expect(y.byteOffset % 64).toBe(0);
    expect([...x, ...y].every((v) => v === 0)).toBe(true);
    // 400 + 400 bytes used (aligned to 448 + 400): 200 int32 no longer fit.
    expect(z.buffer).not.toBe(old);
    expect(z.length).toBe(200);
    // The pool is emptied by an arena: the next one allocates fresh.
    expect(arena(16).i32(4).buffer).not.toBe(old);
  });

  it('frees, rather than uses, a buffer over twice what the arena needs', () => {
    const big = new ArrayBuffer(1 << 16);
    recycle(big);
    const v = arena(1000).f64(10);
    expect(v.buffer).not.toBe(big);
    expect(big.detached).toBe(true);
  });

  it('takes no shared memory and no empty buffers', () => {
    recycle(new SharedArrayBuffer(256));
    recycle(new ArrayBuffer(0));
    expect(arena(256).i32(8).buffer).toBeInstanceOf(ArrayBuffer);
    expect(arena(256).i32(8).byteOffset).toBe(0);
  });
});
