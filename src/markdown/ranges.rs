//! Questions about sorted, disjoint byte ranges (code spans, edits,
//! plain-text runs), answered by halving rather than by a pass over all.

use std::ops::Range;

/// Whether `range` lies inside one of `items`' ranges (as `key` gives
/// them: sorted by start, not overlapping).
pub(crate) fn within<T>(
    items: &[T],
    range: &Range<usize>,
    key: impl Fn(&T) -> &Range<usize>,
) -> bool {
    let after = items.partition_point(|item| key(item).start <= range.start);
    after > 0 && range.end <= key(&items[after - 1]).end
}

/// Whether `range` overlaps one of `ranges` (sorted, not overlapping).
pub(crate) fn overlaps_any(ranges: &[Range<usize>], range: &Range<usize>) -> bool {
    let first = ranges.partition_point(|r| r.end <= range.start);
    ranges.get(first).is_some_and(|r| r.start < range.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_found_by_halving() {
        let ranges = [2..4, 6..9];
        fn key(r: &Range<usize>) -> &Range<usize> {
            r
        }
        assert!(within(&ranges, &(6..9), key) && within(&ranges, &(2..3), key));
        assert!(!within(&ranges, &(3..5), key) && !within(&ranges, &(0..1), key));
        assert!(overlaps_any(&ranges, &(3..5)) && !overlaps_any(&ranges, &(4..6)));
    }
}
