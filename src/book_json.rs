//! mdBook's input read in large pieces ([`read`]), and the preprocessed
//! book written back to mdBook as JSON, byte for byte what
//! `serde_json::to_writer` writes. Nearly all of it is chapter text: the
//! chapters are escaped in parallel, a batch at a time, into a skeleton
//! serde writes without them, and written out while the next batch is
//! escaped. A caller can render each chapter there too
//! ([`write_with`]): its edits are escaped piece by piece, so the new text
//! is never built before its JSON, and each batch's old texts are freed
//! once rendered. Chapter text is escaped here, not by serde, eight bytes
//! at a time (tested byte-equal).

use mdbook_preprocessor::book::Book;
use std::io::{Read, Write};
use std::ops::Range;
use std::time::Duration;

/// Chapters rendered and escaped per batch: enough to keep every core busy.
/// Two batches are held at a time (one going out, the next being rendered),
/// so this bounds the output in memory.
const BATCH: usize = 128;

/// What an emptied chapter's text is in the skeleton. Inside a JSON string
/// every `"` is escaped, so this can only be a chapter's own field.
const EMPTY_CONTENT: &[u8] = br#""content":"""#;

/// The most one read takes: a pipe's default size.
const PIECE: usize = 1 << 16;

/// A read shorter than this found the pipe less than half full.
const LONG_READ: usize = PIECE / 2;

/// The wait before a read once reads come short: a pipe of the default size
/// takes a few KiB from a writer as slow as mdBook in that time.
const PAUSE: Duration = Duration::from_micros(200);

/// All of `input`, read in large pieces. mdBook writes its input into the
/// pipe a few bytes per system call, and a reader that takes what is there
/// as soon as it is there is woken for most of those writes (the README's
/// Performance section has the numbers). After two short reads in a row (a
/// writer that trickles) this waits a moment before each read, so the pipe
/// fills. A writer that writes large pieces (a file, the bench) fills every
/// read but the last, and is never waited for.
pub(crate) fn read(mut input: impl Read) -> std::io::Result<Vec<u8>> {
    // `json` holds what was read, then `PIECE` zeroed bytes to read into
    // (safe code cannot read into uninitialised memory); each read zeroes
    // only as many bytes again as it took.
    let mut json = vec![0; PIECE];
    let mut filled = 0;
    let mut last_was_short = false;
    loop {
        match input.read(&mut json[filled..]) {
            Ok(0) => {
                json.truncate(filled);
                return Ok(json);
            }
            Ok(n) => {
                filled += n;
                json.resize(filled + PIECE, 0);
                let short = n < LONG_READ;
                if short && last_was_short {
                    std::thread::sleep(PAUSE);
                }
                last_was_short = short;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Writes `book` as JSON to `out`.
pub(crate) fn write(book: Book, out: &mut (impl Write + Send)) -> std::io::Result<()> {
    write_with(book, out, &[], |_, _| Vec::new())
}

/// Writes `book` as JSON to `out`, with `edits` spliced into each chapter's
/// text ([`crate::markdown::splice`]; none: as it is). `edits` is given the
/// chapter's page number (chapters with a source file, counted in book
/// order, as [`crate::pages::load`] counts them) and its text in `book`; it
/// is called a batch at a time, and each batch's texts are freed once it is
/// rendered, so a caller that renders chapters there never holds the whole
/// output, nor the whole input once the output is written. A batch is
/// written on a thread of its own while the next is rendered: a pipe to
/// mdBook takes its time, and the cores render meanwhile. A failed write
/// stops the rendering; a panic in it leaves the book unfinished.
///
/// The pages in `first` (each costing as much as many chapters: a page of
/// the whole book) are rendered from the start, on a thread of their own,
/// beside the batches: a book ends with such pages, and as the last
/// items of the last batch they would be rendered alone, after every core
/// but one had run out of work.
pub(crate) fn write_with(
    mut book: Book,
    out: &mut (impl Write + Send),
    first: &[usize],
    edits: impl Fn(Option<usize>, &str) -> Vec<(Range<usize>, String)> + Sync,
) -> std::io::Result<()> {
    let mut texts = Vec::new();
    let mut pages = 0;
    crate::pages::for_each_chapter_in_order(&mut book.items, &mut |chapter| {
        let page = crate::pages::chapter_path(chapter).map(|_| {
            pages += 1;
            pages - 1
        });
        texts.push((page, std::mem::take(&mut chapter.content)));
    });
    let skeleton = serde_json::to_vec(&book)?;
    let holes: Vec<usize> = memchr::memmem::find_iter(&skeleton, EMPTY_CONTENT).collect();
    // Serde writes a chapter's text before its sub-chapters: book order.
    // Should a later mdBook write chapters otherwise, serde writes it all.
    if holes.len() != texts.len() {
        let mut texts = texts.into_iter();
        crate::pages::for_each_chapter_in_order(&mut book.items, &mut |chapter| {
            if let Some((page, old)) = texts.next() {
                chapter.content = crate::markdown::splice(&old, edits(page, &old));
            }
        });
        return Ok(serde_json::to_writer(out, &book)?);
    }
    let is_first = |page: &Option<usize>| page.is_some_and(|p| first.contains(&p));
    let edits = &edits;
    std::thread::scope(|scope| {
        // The pages in `first`, by their place in the book: their texts
        // go to a thread of their own, and come back rendered.
        let first_texts: Vec<_> = texts
            .iter_mut()
            .enumerate()
            .filter(|(_, (page, _))| is_first(page))
            .map(|(i, (page, old))| (i, *page, std::mem::take(old)))
            .collect();
        let ahead = scope.spawn(move || {
            let render =
                |(i, page, old): (usize, _, String)| (i, escape_spliced(&old, edits(page, &old)));
            first_texts.into_iter().map(render).collect::<Vec<_>>()
        });
        // Chapter `i`'s output from that thread, waited for the first time.
        let mut ahead = Some(ahead);
        let mut rendered_ahead = Vec::new();
        let mut take_ahead = |i: usize| {
            if let Some(thread) = ahead.take() {
                rendered_ahead = thread
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e));
            }
            let place = rendered_ahead.iter().position(|(done, _)| *done == i);
            rendered_ahead
                .swap_remove(place.expect("a page rendered ahead"))
                .1
        };
        // A batch is written on a thread of its own while the next one is
        // rendered here, and no further ahead: two batches of output are
        // held at most, each freed once written.
        let (send, batches) = std::sync::mpsc::sync_channel::<Vec<Vec<u8>>>(0);
        let (skeleton, holes) = (&skeleton, &holes);
        let writer = scope.spawn(move || -> std::io::Result<()> {
            let mut at = 0;
            let mut holes = holes.iter();
            for chapter in batches.iter().flatten() {
                let hole = holes.next().expect("one chapter per hole");
                out.write_all(&skeleton[at..hole + EMPTY_CONTENT.len() - 2])?;
                out.write_all(&chapter)?;
                at = hole + EMPTY_CONTENT.len();
            }
            // Rendering stops early only by a panic, which the scope raises
            // once it ends: the book is left unfinished.
            if holes.next().is_some() {
                return Ok(());
            }
            out.write_all(&skeleton[at..])
        });
        for (n, batch) in texts.chunks_mut(BATCH).enumerate() {
            let rendered = crate::parallel::map(batch, 1, |(page, old)| {
                (!is_first(page)).then(|| escape_spliced(old, edits(*page, old)))
            });
            let rendered: Vec<Vec<u8>> = (n * BATCH..)
                .zip(rendered)
                .map(|(i, chapter)| chapter.unwrap_or_else(|| take_ahead(i)))
                .collect();
            batch.iter_mut().for_each(|(_, old)| *old = String::new());
            // The writer stops at a failed write, and reports it.
            if send.send(rendered).is_err() {
                break;
            }
        }
        drop(send);
        writer
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e))
    })
}

/// `text`, with `edits` spliced in, as a JSON string: the same bytes as
/// serde_json writes for the spliced text (a test holds them equal), but
/// escaped piece by piece, so the spliced text is never built.
fn escape_spliced(text: &str, edits: Vec<(Range<usize>, String)>) -> Vec<u8> {
    let len = crate::markdown::spliced_len(text, &edits);
    let mut out = Vec::with_capacity(len + len / 8 + 2);
    out.push(b'"');
    crate::markdown::for_each_piece(text, edits, |piece| escape_into(&mut out, piece));
    out.push(b'"');
    out
}

/// Appends `text`, escaped as inside a JSON string as serde_json escapes
/// it. Output is dense with escapes (every line end, the prose's quotes),
/// so it is searched eight bytes at a time with word arithmetic, the runs
/// between escapes copied whole.
fn escape_into(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    // The first byte not yet copied, and the next to look at.
    let (mut start, mut at) = (0, 0);
    while let Some(word) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        match escapes_in(word) {
            0 => at += 8,
            found => {
                at += found.trailing_zeros() as usize / 8;
                out.extend_from_slice(&bytes[start..at]);
                push_escape(out, bytes[at]);
                at += 1;
                start = at;
            }
        }
    }
    for (i, &b) in bytes.iter().enumerate().skip(at) {
        if b < 0x20 || b == b'"' || b == b'\\' {
            out.extend_from_slice(&bytes[start..i]);
            push_escape(out, b);
            start = i + 1;
        }
    }
    out.extend_from_slice(&bytes[start..]);
}

/// The high bit of each byte of `word` (eight bytes, the first lowest) that
/// JSON escapes: a quote, a backslash, a control byte. Only the lowest is
/// sure (a byte above a found one may be flagged too): enough to find the
/// next escape.
fn escapes_in(word: u64) -> u64 {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = ONES * 0x80;
    // Bytes below `n` (at most 0x80): their subtraction sets the high bit.
    let below = |word: u64, n: u64| word.wrapping_sub(ONES * n) & !word & HIGH;
    below(word ^ (ONES * u64::from(b'"')), 1)
        | below(word ^ (ONES * u64::from(b'\\')), 1)
        | below(word, 0x20)
}

/// Appends the JSON escape of `b` (a quote, a backslash or a control byte)
/// as serde_json writes it: the short escapes, else `\u00XX`.
fn push_escape(out: &mut Vec<u8>, b: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let short = match b {
        b'"' => b'"',
        b'\\' => b'\\',
        0x08 => b'b',
        0x09 => b't',
        0x0a => b'n',
        0x0c => b'f',
        0x0d => b'r',
        _ => {
            let hex = [HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]];
            out.extend_from_slice(&[b'\\', b'u', b'0', b'0', hex[0], hex[1]]);
            return;
        }
    };
    out.extend_from_slice(&[b'\\', short]);
}

#[cfg(test)]
mod tests {
    use mdbook_preprocessor::book::{Book, BookItem, Chapter};
    use std::io::{ErrorKind, Read, Write};

    /// A reader that hands out `pieces` one per read (an error where a
    /// piece is `Err`), a piece longer than the buffer over several.
    struct Pieces {
        pieces: std::collections::VecDeque<Result<Vec<u8>, ErrorKind>>,
    }

    impl Read for Pieces {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            match self.pieces.pop_front() {
                None => Ok(0),
                Some(Err(kind)) => Err(kind.into()),
                Some(Ok(mut piece)) => {
                    let n = piece.len().min(buf.len());
                    buf[..n].copy_from_slice(&piece[..n]);
                    if n < piece.len() {
                        self.pieces.push_front(Ok(piece.split_off(n)));
                    }
                    Ok(n)
                }
            }
        }
    }

    #[test]
    fn the_input_is_read_whole_through_short_reads_and_interruptions() {
        let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let pieces = vec![
            Ok(b"[".to_vec()),
            Err(ErrorKind::Interrupted),
            Ok(big.clone()),
            Ok(b"]".to_vec()),
        ];
        let read = super::read(Pieces {
            pieces: pieces.into(),
        })
        .unwrap();
        assert_eq!(read.len(), big.len() + 2);
        assert_eq!(&read[1..read.len() - 1], &big[..]);
        assert_eq!((read[0], read[read.len() - 1]), (b'[', b']'));
    }

    #[test]
    fn a_failed_read_is_returned() {
        let pieces = vec![Ok(b"[{".to_vec()), Err(ErrorKind::BrokenPipe)];
        let err = super::read(Pieces {
            pieces: pieces.into(),
        })
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BrokenPipe);
    }

    /// A reader that counts its reads.
    struct Counted<R>(R, usize);

    impl<R: Read> Read for Counted<R> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.1 += 1;
            self.0.read(buf)
        }
    }

    /// mdBook writes its input a few bytes at a time: the reader waits for
    /// the pipe to fill instead of reading each write as it comes.
    #[test]
    fn a_pipe_written_a_byte_at_a_time_is_read_in_large_pieces() {
        const BYTES: usize = 1 << 15;
        let (reader, mut writer) = std::io::pipe().unwrap();
        let writes = std::thread::spawn(move || {
            for i in 0..BYTES {
                writer.write_all(&[(i % 251) as u8]).unwrap();
            }
        });
        let mut counted = Counted(reader, 0);
        let read = super::read(&mut counted).unwrap();
        writes.join().unwrap();
        assert_eq!(read.len(), BYTES);
        assert!(read.iter().enumerate().all(|(i, &b)| b == (i % 251) as u8));
        // Read as it comes, about one read per two or three writes here.
        assert!(
            counted.1 * 8 < BYTES,
            "{} reads for {BYTES} writes",
            counted.1
        );
    }

    proptest::proptest! {
        /// Chapter text is escaped as serde_json escapes it.
        #[test]
        fn text_is_escaped_as_serde_escapes_it(text in "(\\PC|[\\x00-\\x1f\"\\\\<>&\u{7f}\u{2028}])*") {
            proptest::prop_assert_eq!(super::escape_spliced(&text, Vec::new()), serde_json::to_vec(&text).unwrap());
        }

        /// Spliced text is escaped as serde_json escapes the text spliced.
        #[test]
        fn spliced_text_is_escaped_as_serde_escapes_it(
            text in "[a-z\"\\\\\n\x01]{0,40}",
            cuts in proptest::collection::vec((0usize..40, 0usize..8, "[a-z\"\n\x02<]{0,6}"), 0..4),
        ) {
            // Ranges in order and apart, as the renderer's edits are.
            let mut edits = Vec::new();
            let mut at = 0;
            for (gap, len, replacement) in cuts {
                let start = (at + gap).min(text.len());
                let end = (start + len).min(text.len());
                edits.push((start..end, replacement));
                at = end;
            }
            // Out of order too, where no two start at one place (there,
            // order is theirs to keep).
            if edits.windows(2).all(|w| w[0].0.start < w[1].0.start) {
                edits.reverse();
            }
            let spliced = crate::markdown::splice(&text, edits.clone());
            proptest::prop_assert_eq!(super::escape_spliced(&text, edits), serde_json::to_vec(&spliced).unwrap());
        }

        /// Also where quotes, backslashes and line ends are all it escapes.
        #[test]
        fn html_is_escaped_as_serde_escapes_it(text in "[a-z é\"\\\\\n<>=/]*") {
            proptest::prop_assert_eq!(super::escape_spliced(&text, Vec::new()), serde_json::to_vec(&text).unwrap());
        }
    }

    /// Every ASCII byte, at every place in a word and after another escape
    /// in it (a quote flags the byte above it too), as serde escapes it.
    #[test]
    fn every_byte_is_escaped_at_every_offset() {
        for b in (0..0x80u8).map(char::from) {
            for at in 0..20 {
                for before in ["", "\"", "\u{1}", "é"] {
                    let mut text: String = "x".repeat(at);
                    text.push_str(before);
                    text.push(b);
                    text.push_str("yyyyyyyyy\"z");
                    assert_eq!(
                        super::escape_spliced(&text, Vec::new()),
                        serde_json::to_vec(&text).unwrap(),
                        "{text:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_book_is_written_as_serde_writes_it() {
        let mut intro = Chapter::new(
            "Intro \"content\":\"\" ✓",
            "# Intro\n\n\"quoted\" \\ tab\t and \u{1} control".into(),
            "intro.md",
            Vec::new(),
        );
        let mut nested = Chapter::new("Nested", "\"content\":\"\"".into(), "a/b.md", vec![]);
        nested
            .sub_items
            .push(BookItem::Chapter(Chapter::new_draft("Draft", vec![])));
        intro.sub_items.push(BookItem::Chapter(nested));
        let empty = Chapter::new("Empty", String::new(), "empty.md", Vec::new());
        let mut items = vec![
            BookItem::PartTitle("Part \"content\":\"\"".into()),
            BookItem::Chapter(intro),
            BookItem::Separator,
            BookItem::Chapter(empty),
        ];
        // Several batches.
        for i in 0..600 {
            items.push(BookItem::Chapter(Chapter::new(
                &format!("Chapter {i}"),
                format!("text {i}\n").repeat(i % 40),
                format!("c{i}.md"),
                Vec::new(),
            )));
        }
        let mut book = Book::new_with_items(items);
        let mut ours = Vec::new();
        super::write(book.clone(), &mut ours).unwrap();
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            serde_json::to_string(&book).unwrap()
        );

        // Texts given while writing land on their own chapters.
        let mut ours = Vec::new();
        super::write_with(book.clone(), &mut ours, &[2, 150, 550], |page, old| {
            page.map(|p| (0..old.len(), format!("page {p} was {} bytes", old.len())))
                .into_iter()
                .collect()
        })
        .unwrap();
        let mut page = 0;
        crate::pages::for_each_chapter_in_order(&mut book.items, &mut |chapter| {
            if crate::pages::chapter_path(chapter).is_some() {
                chapter.content = format!("page {page} was {} bytes", chapter.content.len());
                page += 1;
            }
        });
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            serde_json::to_string(&book).unwrap()
        );
    }

    /// A book of `n` chapters, each a line of text.
    fn book_of(n: usize) -> Book {
        let chapter = |i| {
            Chapter::new(
                &format!("C{i}"),
                format!("text {i}\n"),
                format!("c{i}.md"),
                vec![],
            )
        };
        Book::new_with_items((0..n).map(|i| BookItem::Chapter(chapter(i))).collect())
    }

    /// Fails every write after the first `left` bytes.
    struct Failing {
        left: usize,
        written: Vec<u8>,
    }

    impl std::io::Write for Failing {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if buf.len() > self.left {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::BrokenPipe,
                    "closed",
                ));
            }
            self.left -= buf.len();
            self.written.extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failed_write_stops_the_rendering_and_is_returned() {
        let rendered = std::sync::atomic::AtomicUsize::new(0);
        let mut out = Failing {
            left: 2000,
            written: Vec::new(),
        };
        let error = super::write_with(book_of(2000), &mut out, &[], |_, _| {
            rendered.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Vec::new()
        })
        .unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::BrokenPipe);
        // The chapters already queued, not the whole book.
        assert!(rendered.into_inner() < 1000);
    }

    #[test]
    fn a_panic_while_rendering_leaves_the_book_unfinished() {
        let mut out = Vec::new();
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            super::write_with(book_of(600), &mut out, &[], |page, _| {
                assert_ne!(page, Some(300), "a rendering bug");
                Vec::new()
            })
        }));
        assert!(panicked.is_err());
        let written = String::from_utf8(out).unwrap();
        assert!(written.contains("text 0") && !written.contains("text 300"));
        assert!(
            !written.ends_with("]}"),
            "the book was closed: {}",
            &written[written.len() - 40..]
        );
    }
}
