// Astro's ambient types (astro:content, import.meta.env), so `tsc` works on a fresh checkout
// before `astro sync` has generated .astro/types.d.ts (which adds precise collection types).
/// <reference types="astro/client" />
