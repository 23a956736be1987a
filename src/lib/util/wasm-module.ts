/**
 * WebAssembly modules committed beside their loaders (wasm/*.ts, built by `npm run build:wasm`),
 * compiled once per thread. A module that cannot be read or compiled is null, and its loader's
 * caller runs the JavaScript the module replaces.
 */
import { readFileSync } from 'node:fs';

const compiled = new Map<string, WebAssembly.Module | null>();

export function wasmModule(url: URL): WebAssembly.Module | null {
  let m = compiled.get(url.href);
  if (m === undefined) {
    try {
      m = new WebAssembly.Module(readFileSync(url));
    } catch {
      m = null;
    }
    compiled.set(url.href, m);
  }
  return m;
}
