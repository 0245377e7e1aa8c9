//! The size-class allocator (src/web/runtime.rs), which the browser tests
//! run on as the shipped build does: contents survive, alignment holds, and
//! freed blocks are reused instead of growing memory.

use core::arch::wasm32::memory_size;
use std::alloc::{alloc, dealloc, Layout};
use wasm_bindgen_test::wasm_bindgen_test;

/// Vectors of every size class up to 2 MiB, each filled with its own pattern,
/// grown by pushes (realloc across classes) and checked after all exist.
fn churn(round: u8) {
    let pattern = |i: usize, shift: u8| (i as u8) ^ shift ^ round;
    let mut kept: Vec<(u8, Vec<u8>)> = Vec::new();
    for shift in 0..=21u8 {
        for len in [(1usize << shift) - 1, 1 << shift, (1 << shift) + 3] {
            let mut v = Vec::new();
            for i in 0..len {
                v.push(pattern(i, shift));
            }
            kept.push((shift, v));
        }
    }
    for (shift, v) in &kept {
        let intact = v.iter().enumerate().all(|(i, &b)| b == pattern(i, *shift));
        assert!(intact, "a block of {} bytes lost its contents", v.len());
    }
}

#[wasm_bindgen_test]
fn allocator_keeps_contents_and_reuses_freed_blocks() {
    churn(1);
    let pages = memory_size(0);
    for round in 2..6 {
        churn(round);
    }
    assert_eq!(memory_size(0), pages, "memory grew although every block was freed and asked for again");
}

#[wasm_bindgen_test]
fn allocator_honours_large_alignments() {
    for align in [1usize, 2, 4, 8, 16, 32, 64, 256, 4096, 65536] {
        for size in [1usize, 3, 100, 5000] {
            let layout = Layout::from_size_align(size, align).unwrap();
            // SAFETY: a non-zero size; freed with the same layout.
            unsafe {
                let p = alloc(layout);
                assert!(!p.is_null());
                assert_eq!(p as usize % align, 0, "size {size}, align {align}");
                p.write_bytes(0xAB, size);
                dealloc(p, layout);
            }
        }
    }
}
