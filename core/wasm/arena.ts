/**
 * @module The allocator over the kernel module's linear memory. Kernels never allocate; every
 * column, state block and scratch buffer lives in a block handed out here.
 *
 * First-fit over an address-ordered free list with coalescing on free; blocks are 16-byte aligned
 * (so f64x2 loads are aligned) and their sizes are remembered by pointer. When no free block
 * fits, linear memory grows by whole 64 KiB pages — what is missing, but at least a sixteenth of
 * its size, so growth (which may copy the memory) stays amortised while little of it is ever
 * unused: JSC counts a memory's whole size towards the JS heap (twice, the memory and its buffer)
 * when it decides to collect, so pages never used still let garbage pile up. Bounded by
 * `maxBytes`; growing replaces `memory.buffer`, so the owner re-creates its views (see
 * `Kernels.generation`).
 */

const PAGE = 65536
const ALIGN = 16

export interface Arena {
  /** Returns a 16-byte aligned pointer to `bytes` bytes (contents undefined). */
  alloc(bytes: number): number
  /** Returns a block to the free list; freeing 0 is a no-op. */
  free(ptr: number): void
  /** Size in bytes of a live block. */
  sizeOf(ptr: number): number
  /** Bytes currently handed out. */
  readonly used: () => number
  /** Number of live blocks. */
  readonly blocks: () => number
}

export const makeArena = (memory: WebAssembly.Memory, base: number, maxBytes: number, onGrow: () => void): Arena => {
  const start = Math.ceil(base / ALIGN) * ALIGN
  // Free list as parallel arrays sorted by address: [ptr, size].
  const freePtr: Array<number> = []
  const freeSize: Array<number> = []
  const live = new Map<number, number>()
  let used = 0
  let top = memory.buffer.byteLength
  if (top > start) {
    freePtr.push(start)
    freeSize.push(top - start)
  }

  const grow = (need: number): void => {
    // Extend the trailing free block if it touches the end of memory.
    const last = freePtr.length - 1
    const tailFree = last >= 0 && freePtr[last]! + freeSize[last]! === top ? freeSize[last]! : 0
    const missing = need - tailFree
    const pages = Math.max(Math.ceil(missing / PAGE), Math.ceil(top / PAGE / 16))
    if (top + pages * PAGE > maxBytes) {
      const exact = Math.ceil(missing / PAGE)
      if (top + exact * PAGE > maxBytes) {
        throw new RangeError(`wasm arena: cannot grow to ${top + exact * PAGE} bytes (limit ${maxBytes})`)
      }
      memory.grow(exact)
    } else memory.grow(pages)
    const newTop = memory.buffer.byteLength
    if (tailFree > 0) freeSize[last] = freeSize[last]! + (newTop - top)
    else {
      freePtr.push(top)
      freeSize.push(newTop - top)
    }
    top = newTop
    onGrow()
  }

  const alloc = (bytes: number): number => {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN)
    for (;;) {
      for (let i = 0; i < freePtr.length; i++) {
        const s = freeSize[i]!
        if (s < size) continue
        const p = freePtr[i]!
        if (s === size) {
          freePtr.splice(i, 1)
          freeSize.splice(i, 1)
        } else {
          freePtr[i] = p + size
          freeSize[i] = s - size
        }
        live.set(p, size)
        used += size
        return p
      }
      grow(size)
    }
  }

  const free = (ptr: number): void => {
    if (ptr === 0) return
    const size = live.get(ptr)
    if (size === undefined) throw new RangeError(`wasm arena: free of unknown pointer ${ptr}`)
    live.delete(ptr)
    used -= size
    // Binary search the insertion point, then merge with neighbours.
    let lo = 0
    let hi = freePtr.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (freePtr[mid]! < ptr) lo = mid + 1
      else hi = mid
    }
    let p = ptr
    let s = size
    let at = lo
    if (at > 0 && freePtr[at - 1]! + freeSize[at - 1]! === p) {
      at--
      p = freePtr[at]!
      s += freeSize[at]!
      freePtr.splice(at, 1)
      freeSize.splice(at, 1)
    }
    if (at < freePtr.length && p + s === freePtr[at]!) {
      s += freeSize[at]!
      freePtr.splice(at, 1)
      freeSize.splice(at, 1)
    }
    freePtr.splice(at, 0, p)
    freeSize.splice(at, 0, s)
  }

  return {
    alloc,
    free,
    sizeOf: (ptr) => {
      const s = live.get(ptr)
      if (s === undefined) throw new RangeError(`wasm arena: unknown pointer ${ptr}`)
      return s
    },
    used: () => used,
    blocks: () => live.size,
  }
}
