//! After its first calls, a metered call allocates nothing: counted by a
//! global allocator that counts this thread's allocations.
//!
//! "First calls" are those that take a thread into a range of durations it
//! had not seen: its native-histogram counters grow with that range (to a
//! power of two beyond the fastest and the slowest call). So the warm-up
//! calls each function slowly once (longer than any call of the measured
//! loops can take, even on a loaded machine), and runs each measured loop
//! once: a counted call would have to be twice as fast as every call of
//! the same loop before it. (A tight loop's calls are faster than the same
//! calls spread among others: warming up with those was not enough.)

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;
use std::time::Duration;

use rustok_metrics::metered;

struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

// SAFETY: forwards every call to `System`; only counts on the side.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

fn allocations_during(f: impl FnOnce()) -> u64 {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

thread_local! {
    /// How long the functions below take, when set: for the warm-up.
    static NAP: Cell<Duration> = const { Cell::new(Duration::ZERO) };
}

fn nap() {
    let nap = NAP.get();
    if !nap.is_zero() {
        std::thread::sleep(nap);
    }
}

#[metered(module = "alloc_free", op = "parse")]
fn parse(input: &str) -> Result<u32, std::num::ParseIntError> {
    nap();
    input.parse()
}

#[derive(Clone, Copy, rustok_metrics::MetricLabel)]
enum Channel {
    Web,
    Mobile,
}

#[metered(module = "alloc_free", op = "notify", kind = channel)]
fn notify(channel: Channel, text: &str) -> usize {
    nap();
    text.len()
}

#[metered(module = "alloc_free", op = "upload", kind = rustok_metrics::bounded(mime))]
fn upload(mime: &str) -> usize {
    nap();
    mime.len()
}

#[metered(module = "alloc_free", op = "ready")]
async fn ready(n: u32) -> u32 {
    nap();
    n + 1
}

fn poll_ready<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    match future
        .as_mut()
        .poll(&mut std::task::Context::from_waker(std::task::Waker::noop()))
    {
        std::task::Poll::Ready(value) => value,
        std::task::Poll::Pending => unreachable!("ready() never waits"),
    }
}

#[test]
fn warm_calls_do_not_allocate() {
    // The first calls resolve each site's series and take this thread's
    // counters over the range of durations of the calls below: they may
    // allocate. So each loop runs once before it is counted, after one slow
    // call of each function.
    let sync_loop = || {
        for _ in 0..1_000 {
            let _ = black_box(parse(black_box("42")));
            let _ = black_box(parse(black_box("x")));
        }
    };
    let async_loop = || {
        for n in 0..1_000 {
            black_box(poll_ready(ready(black_box(n))));
        }
    };
    // Computed kinds, once each value has been seen.
    let computed_kinds_loop = || {
        for _ in 0..1_000 {
            black_box(notify(black_box(Channel::Web), "x"));
            black_box(notify(black_box(Channel::Mobile), "x"));
            black_box(upload(black_box("image/png")));
        }
    };
    NAP.set(Duration::from_millis(500));
    let _ = parse("1");
    poll_ready(ready(1));
    notify(Channel::Web, "");
    notify(Channel::Mobile, "");
    upload("image/png");
    NAP.set(Duration::ZERO);
    sync_loop();
    async_loop();
    computed_kinds_loop();

    let sync_calls = allocations_during(sync_loop);
    let async_calls = allocations_during(async_loop);
    let computed_kinds = allocations_during(computed_kinds_loop);
    assert_eq!(sync_calls, 0);
    assert_eq!(async_calls, 0);
    assert_eq!(computed_kinds, 0);

    // The counter counts: the same loop through a `String` allocates.
    assert!(allocations_during(|| drop(black_box(String::from("x")))) >= 1);
}
