//! What std would bring and the shipped `no_std` build brings itself: the
//! panic handler, the allocator and page-global values.
//!
//! The panic handler ignores the message, so core::fmt and the panic-message
//! machinery drop out of the wasm (about 7 KB). The allocator is a size-class
//! free list (about 0.5 KB against dlmalloc's 7 KB): every block is a power
//! of two, freed blocks are reused for the same class and never merged. That
//! suits this module, which allocates the same few shapes again and again;
//! its memory is the high-water mark of each class. The browser tests run
//! with it too (only the panic handler needs the `std` feature off).

use ::core::alloc::{GlobalAlloc, Layout};
use ::core::arch::wasm32;
use ::core::cell::UnsafeCell;
use ::core::ptr;

#[cfg(target_feature = "atomics")]
compile_error!("pos-auth assumes one thread per wasm instance (PageLocal, the allocator)");

/// A value global to the page: `thread_local!` without std. Sound because a
/// wasm32 instance without the atomics feature has one thread.
pub struct PageLocal<T>(T);

// SAFETY: one thread (see the compile_error above).
unsafe impl<T> Sync for PageLocal<T> {}

impl<T> PageLocal<T> {
    pub const fn new(value: T) -> Self {
        PageLocal(value)
    }

    pub fn with<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        f(&self.0)
    }
}

#[cfg(not(feature = "std"))]
#[panic_handler]
fn panic(_: &::core::panic::PanicInfo) -> ! {
    wasm32::unreachable()
}

const PAGE: usize = 65_536;
/// Block sizes 2^4 … 2^31; the class index is the exponent.
const CLASSES: usize = 32;
const MIN_CLASS: u32 = 4;

struct Heap {
    /// The first free block of each class; a free block holds the next.
    free: [*mut u8; CLASSES],
    /// Never-used memory: `next..end`.
    next: usize,
    end: usize,
}

struct SizeClassAllocator(UnsafeCell<Heap>);

// SAFETY: one thread (see the compile_error above).
unsafe impl Sync for SizeClassAllocator {}

#[global_allocator]
static ALLOCATOR: SizeClassAllocator =
    SizeClassAllocator(UnsafeCell::new(Heap { free: [ptr::null_mut(); CLASSES], next: 0, end: 0 }));

/// The class of a layout: its size and alignment rounded up to a power of two.
fn class_of(layout: Layout) -> Option<usize> {
    let size = layout.size().max(layout.align());
    if size > 1 << (CLASSES - 1) || layout.align() > PAGE {
        return None;
    }
    Some(size.next_power_of_two().trailing_zeros().max(MIN_CLASS) as usize)
}

impl Heap {
    /// A never-used block of `1 << class` bytes, aligned to its size (or to a
    /// page, for blocks larger than one), so that any later request of the
    /// class may reuse it whatever its alignment.
    unsafe fn carve(&mut self, class: usize) -> *mut u8 {
        let size = 1usize << class;
        let align = size.min(PAGE);
        loop {
            let start = (self.next + align - 1) & !(align - 1);
            if start.checked_add(size).is_some_and(|stop| stop <= self.end) {
                self.next = start + size;
                return start as *mut u8;
            }
            let missing = start.saturating_add(size).saturating_sub(self.end);
            let pages = missing.div_ceil(PAGE).max(1);
            let previous = wasm32::memory_grow(0, pages);
            if previous == usize::MAX {
                return ptr::null_mut();
            }
            // Memory grown by anyone else is skipped, never handed out.
            if previous * PAGE != self.end {
                self.next = previous * PAGE;
            }
            self.end = (previous + pages) * PAGE;
        }
    }
}

unsafe impl GlobalAlloc for SizeClassAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(class) = class_of(layout) else { return ptr::null_mut() };
        let heap = &mut *self.0.get();
        let head = heap.free[class];
        if head.is_null() {
            return heap.carve(class);
        }
        heap.free[class] = *(head as *mut *mut u8);
        head
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        let Some(class) = class_of(layout) else { return };
        let heap = &mut *self.0.get();
        *(block as *mut *mut u8) = heap.free[class];
        heap.free[class] = block;
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
        if class_of(layout) == class_of(new_layout) {
            return block;
        }
        let moved = self.alloc(new_layout);
        if !moved.is_null() {
            ptr::copy_nonoverlapping(block, moved, layout.size().min(new_size));
            self.dealloc(block, layout);
        }
        moved
    }
}
