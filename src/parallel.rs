//! Independent work over a book's chapters, split across the machine's
//! cores when there is enough of it; results come back in input order, so
//! the output is the same bytes either way.

/// `f` of every item, in order. Below `per_thread` items per core it runs on
/// the calling thread alone (starting threads costs more than it saves).
pub(crate) fn map<T: Sync, R: Send>(
    items: &[T],
    per_thread: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let threads = threads.min(items.len() / per_thread.max(1)).max(1);
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let parts: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        parts
            .into_iter()
            .flat_map(|part| part.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
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
