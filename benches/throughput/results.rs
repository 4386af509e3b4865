//! What a run collected: the samples of every variant, their instruction
//! counts, the input sizes, and the statistics the report reads. Recording a
//! sample also checks that a deterministic program gave the same bytes as
//! its first run.

use crate::measure::Sample;
use anyhow::{Result, ensure};
use std::collections::BTreeMap;
use std::time::Duration;

/// The variants measured; the number is the book's size in chapters.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(crate) enum Key {
    /// The floor program on the book's input.
    Floor(usize),
    /// The preprocessor on the book's input.
    Preprocess(usize),
    /// `mdbook-handbook check` on the book.
    Check(usize),
    /// The preprocessor on the same chapters with the large glossary.
    ManyTerms(usize),
    /// `mdbook-handbook build`.
    InProcessBuild(usize),
    /// `mdbook build`, with the release binary as its preprocessor.
    CliBuild(usize),
    /// `mdbook build` of the same chapters without the preprocessor.
    PlainBuild(usize),
}

impl Key {
    /// Whether its stdout must be the same bytes on every run.
    fn deterministic(self) -> bool {
        matches!(self, Key::Floor(_) | Key::Preprocess(_) | Key::ManyTerms(_))
    }

    pub(crate) fn describe(self) -> String {
        match self {
            Key::Floor(n) => format!("floor, {n} chapters"),
            Key::Preprocess(n) => format!("preprocessor, {n} chapters"),
            Key::Check(n) => format!("`check`, {n} chapters"),
            Key::ManyTerms(n) => format!("preprocessor, large glossary, {n} chapters"),
            Key::InProcessBuild(n) => format!("`mdbook-handbook build`, {n} chapters"),
            Key::CliBuild(n) => format!("`mdbook build` with the preprocessor, {n} chapters"),
            Key::PlainBuild(n) => format!("`mdbook build` without it, {n} chapters"),
        }
    }
}

#[derive(Default)]
pub(crate) struct Results {
    samples: BTreeMap<Key, Vec<Sample>>,
    instructions: BTreeMap<Key, u64>,
    /// Preprocessor input bytes, by book size.
    input_len: BTreeMap<usize, usize>,
}

impl Results {
    pub(crate) fn set_input_len(&mut self, chapters: usize, len: usize) {
        self.input_len.insert(chapters, len);
    }

    pub(crate) fn input_len(&self, chapters: usize) -> Option<usize> {
        self.input_len.get(&chapters).copied()
    }

    /// Adds a sample; a deterministic variant must repeat its first output.
    pub(crate) fn record(&mut self, key: Key, sample: Sample) -> Result<()> {
        let samples = self.samples.entry(key).or_default();
        if let Some(first) = samples.first().filter(|_| key.deterministic()) {
            ensure!(
                (first.out_len, first.out_hash) == (sample.out_len, sample.out_hash),
                "{}: two runs on the same input wrote different output ({} and {} bytes)",
                key.describe(),
                first.out_len,
                sample.out_len
            );
        }
        samples.push(sample);
        Ok(())
    }

    pub(crate) fn set_instructions(&mut self, key: Key, count: u64) {
        self.instructions.insert(key, count);
    }

    pub(crate) fn instructions(&self, key: Key) -> Option<u64> {
        self.instructions.get(&key).copied()
    }

    pub(crate) fn keys(&self) -> impl Iterator<Item = Key> + '_ {
        self.samples.keys().copied()
    }

    /// The timed samples (the first, untimed warm-up run excluded).
    fn timed(&self, key: Key) -> &[Sample] {
        self.samples
            .get(&key)
            .map_or(&[], |s| s.get(1..).unwrap_or(&[]))
    }

    /// The fastest timed run: the least disturbed by other work.
    pub(crate) fn best_wall(&self, key: Key) -> Option<Duration> {
        self.timed(key).iter().map(|s| s.wall).min()
    }

    pub(crate) fn median_wall(&self, key: Key) -> Option<Duration> {
        median(self.timed(key).iter().map(|s| s.wall).collect())
    }

    pub(crate) fn best_cpu(&self, key: Key) -> Option<Duration> {
        self.timed(key).iter().map(|s| s.cpu).min()
    }

    pub(crate) fn median_cpu(&self, key: Key) -> Option<Duration> {
        median(self.timed(key).iter().map(|s| s.cpu).collect())
    }

    /// The highest peak RSS of any run, warm-up included.
    pub(crate) fn peak_rss(&self, key: Key) -> Option<u64> {
        self.samples.get(&key)?.iter().map(|s| s.peak_rss).max()
    }

    pub(crate) fn output_len(&self, key: Key) -> Option<usize> {
        Some(self.samples.get(&key)?.first()?.out_len)
    }

    pub(crate) fn runs(&self, key: Key) -> usize {
        self.timed(key).len()
    }
}

fn median(mut values: Vec<Duration>) -> Option<Duration> {
    values.sort_unstable();
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2),
    }
}
