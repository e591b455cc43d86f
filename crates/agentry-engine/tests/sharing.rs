//! A large value is held once and shared, not copied per consumer, row or event (issue 11,
//! finding 3). Its own test binary: the allocator below counts every allocation of the
//! process, so no other test may run beside it.
//!
//! A deep copy of a list of `ITEMS` values allocates one buffer of exactly `ITEMS` values
//! (`Vec::clone`, and `serde_json::to_value`, which sizes a list from its length); building
//! one by pushing (a block parsing its input) grows by doubling and never lands on that size.
//! So counting allocations of exactly that size counts the list's copies.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};

#[path = "it/support.rs"]
#[allow(dead_code)]
mod support;

use support::*;

/// An odd length, so that no doubling capacity and no unrelated buffer matches it.
const ITEMS: usize = 100_003;

static COPY_SIZE: AtomicUsize = AtomicUsize::new(usize::MAX);
static COPIES: AtomicUsize = AtomicUsize::new(0);

struct CountingAllocator;

// SAFETY: every call is passed to the system allocator unchanged; only a counter is added.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.size() == COPY_SIZE.load(Ordering::Relaxed) {
            COPIES.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size == COPY_SIZE.load(Ordering::Relaxed) {
            COPIES.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// input x → `consumers` output nodes, each taking the whole list.
fn fan_out(consumers: usize) -> agentry_core::Graph {
    let names: Vec<String> = (0..consumers).map(|i| format!("y{i}")).collect();
    let mut nodes = vec![("x", INPUT, json!({"name": "x"}))];
    let mut links = Vec::new();
    for name in &names {
        nodes.push((name.as_str(), OUTPUT, json!({ "name": name })));
        links.push(("x", "result", name.as_str(), "value"));
    }
    graph(&nodes, &links)
}

/// Copies of the list made while a run of `fan_out(consumers)` goes, from its request to its
/// result (the result is dropped before counting ends, so it is counted too).
async fn copies_for(t: &TestEngine, consumers: usize) -> usize {
    let g = fan_out(consumers);
    t.store
        .insert_graph_version(agentry_store::DEFAULT_USER_ID, &g, "")
        .await
        .unwrap();
    let list = Value::Array((0..ITEMS).map(|i| json!(i % 10)).collect());
    let before = COPIES.load(Ordering::SeqCst);
    let (_, result) = t.run(&g, inputs(json!({ "x": list }))).await;
    assert_eq!(
        result.status,
        agentry_core::ExecutionStatus::Completed,
        "{:?}",
        result.error
    );
    for i in 0..consumers {
        let out = &result.outputs[&format!("y{i}")][0];
        assert_eq!(out.as_array().map(Vec::len), Some(ITEMS), "y{i} got the list");
    }
    drop(result);
    COPIES.load(Ordering::SeqCst) - before
}

#[tokio::test]
async fn a_large_value_is_not_copied_per_consumer() {
    COPY_SIZE.store(ITEMS * std::mem::size_of::<Value>(), Ordering::SeqCst);
    let t = engine().await;
    let one = copies_for(&t, 1).await;
    let four = copies_for(&t, 4).await;
    let per_consumer = (four - one) / 3;
    // Each consumer makes: its block's input (the one copy a block runs on), its output (the
    // block yields a new value) and the events stored with it (node output, graph output),
    // which the output row, the live events, the routing and the run's result all share.
    // Before values were shared, a consumer made 13 (the routed value, the input twice over,
    // each row's and each event's copy, the graph output, the result).
    assert!(
        per_consumer <= 4,
        "{per_consumer} copies per consumer ({one} with one consumer, {four} with four)"
    );
    // The request's copy for the run row, the input block's output and its stored event,
    // then one consumer's four.
    assert!(one <= 7, "{one} copies with one consumer");
}
