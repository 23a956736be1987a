// Memory access shared by the kernels: header slots (int32 at 4·s) and typed elements.

@inline
export function slot(s: i32): i32 {
  return load<i32>(s << 2);
}

@inline
export function i32At(p: i32, i: i32): i32 {
  return load<i32>(p + (i << 2));
}

@inline
export function f64At(p: i32, i: i32): f64 {
  return load<f64>(p + (i << 3));
}
