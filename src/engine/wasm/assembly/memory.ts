// Scratch memory for the kernels: a bump allocator that the JavaScript side resets before each
// call. Blocks are 16-byte aligned (SIMD loads); memory grows as needed and is never shrunk here
// (src/engine/wasm/kernels.ts drops a whole instance after a very large image instead).

let top: usize = (__heap_base + 15) & ~15;
const base: usize = top;

/** Reserve `bytes` of scratch and return its address; 0 when the memory cannot grow that far. */
export function scratch(bytes: usize): usize {
  const at = top;
  if (bytes > <usize>0xffff0000 - at) return 0; // past the 4 GiB of a 32-bit memory (no wrap-around)
  const end = (at + bytes + 15) & ~15;
  const have = (<usize>memory.size()) << 16;
  if (end > have) {
    const pages = <i32>((end - have + 0xffff) >> 16);
    if (memory.grow(pages) < 0) return 0;
  }
  top = end;
  return at;
}

/** Forget every block handed out by `scratch`. */
export function release(): void {
  top = base;
}
