//! Independent work over a book's chapters, split across the machine's
//! cores when there is enough of it; results come back in input order, so
//! the output is the same bytes either way.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` of every item, in order. Below `per_thread` items per core it runs on
/// the calling thread alone (starting threads costs more than it saves).
/// Threads take small runs of items as they go, so one costly item (a page
/// collecting the whole book) does not leave the other cores idle.
pub(crate) fn map<T: Sync, R: Send>(
    items: &[T],
    per_thread: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    /// Items taken at a time.
    const RUN: usize = 8;
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let threads = threads.min(items.len() / per_thread.max(1)).max(1);
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let run = next.fetch_add(1, Ordering::Relaxed);
            let start = run * RUN;
            if start >= items.len() {
                return done;
            }
            let part = &items[start..(start + RUN).min(items.len())];
            done.push((run, part.iter().map(&f).collect::<Vec<R>>()));
        }
    };
    let mut runs: Vec<(usize, Vec<R>)> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut runs = work();
        for helper in helpers {
            runs.extend(
                helper
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e)),
            );
        }
        runs
    });
    runs.sort_unstable_by_key(|(run, _)| *run);
    runs.into_iter().flat_map(|(_, results)| results).collect()
}

/// Frees `value` on a thread of its own, so the caller need not wait while
/// every allocation of a whole book is walked. At the end of a run the
/// process may exit before that thread is done: the system takes the memory
/// back at once. Only for plain data (no `Drop` with an effect to wait for).
pub(crate) fn drop_later<T: Send + 'static>(value: T) {
    // Should no thread start, the closure, and `value` with it, is dropped
    // here instead.
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_keep_the_input_order() {
        let items: Vec<usize> = (0..1000).collect();
        let squares = super::map(&items, 1, |i| i * i);
        assert_eq!(squares, items.iter().map(|i| i * i).collect::<Vec<_>>());
        assert_eq!(super::map(&items[..3], 64, |i| i + 1), vec![1, 2, 3]);
        assert!(super::map(&[] as &[usize], 1, |i| *i).is_empty());
    }
}
