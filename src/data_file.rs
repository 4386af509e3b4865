//! Reading a data file that the book names in its configuration (the
//! glossary), bounded and confined.
//!
//! The book decides the path, so the path is untrusted: it must resolve
//! (through `..` and symlinks) to a place inside the book's root, be a
//! regular file (not a directory, FIFO, socket or device such as
//! `/dev/zero`), and hold at most [`LIMIT`] bytes of UTF-8. Each violation is
//! its own [`DataFileError`], whose message names the path and what to do.
//! Nothing is opened before those checks pass, so a FIFO never blocks the
//! build, and the read itself stops one byte past the limit.

use std::fmt;
use std::fs::{File, FileType};
use std::io::{ErrorKind, Read};
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};

/// The largest data file read: 8 MiB.
pub(crate) const LIMIT: u64 = 8 * 1024 * 1024;

/// Why a data file was not read.
#[derive(Debug)]
pub(crate) enum DataFileError {
    /// Nothing is there (a book may have no glossary).
    Missing {
        /// The path as named, joined to the root.
        path: PathBuf,
    },
    /// It resolves to a place outside the book's root.
    Outside {
        /// The path as named, joined to the root.
        path: PathBuf,
        /// Where it resolves to, symlinks followed.
        resolved: PathBuf,
        /// The book's root, resolved.
        root: PathBuf,
    },
    /// It is not a regular file.
    NotRegular {
        /// The path as named, joined to the root.
        path: PathBuf,
        /// What it is instead, e.g. "a FIFO".
        kind: &'static str,
    },
    /// It is larger than [`LIMIT`].
    TooLarge {
        /// The path as named, joined to the root.
        path: PathBuf,
        /// Its size in bytes, or at least `LIMIT + 1`.
        size: u64,
    },
    /// It could not be read, or is not UTF-8.
    Io {
        /// The path as named, joined to the root.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
}

/// Reads the data file `path` (relative to `root`, or absolute) as text,
/// provided it stays inside `root`, is a regular file and is at most
/// [`LIMIT`] bytes.
pub(crate) fn read(root: &Path, path: &Path) -> Result<String, DataFileError> {
    let named = root.join(path);
    let io = |source| DataFileError::Io {
        path: named.clone(),
        source,
    };
    let root = root.canonicalize().map_err(io)?;
    let resolved = match named.canonicalize() {
        Ok(resolved) => resolved,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Err(DataFileError::Missing { path: named });
        }
        Err(e) => return Err(io(e)),
    };
    if !resolved.starts_with(&root) {
        return Err(DataFileError::Outside {
            path: named,
            resolved,
            root,
        });
    }
    let checked = |meta: std::fs::Metadata| match kind(meta.file_type()) {
        Some(kind) => Err(DataFileError::NotRegular {
            path: named.clone(),
            kind,
        }),
        None if meta.len() > LIMIT => Err(DataFileError::TooLarge {
            path: named.clone(),
            size: meta.len(),
        }),
        None => Ok(()),
    };
    checked(std::fs::metadata(&resolved).map_err(io)?)?;
    let file = File::open(&resolved).map_err(io)?;
    // Checked again on the open file, in case it was swapped meanwhile.
    checked(file.metadata().map_err(io)?)?;
    let mut bytes = Vec::new();
    file.take(LIMIT + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > LIMIT {
        return Err(DataFileError::TooLarge {
            path: named,
            size: LIMIT + 1,
        });
    }
    String::from_utf8(bytes).map_err(|e| io(std::io::Error::new(ErrorKind::InvalidData, e)))
}

/// What a file that is not a regular file is, in words; `None` for a
/// regular file.
fn kind(file_type: FileType) -> Option<&'static str> {
    if file_type.is_file() {
        None
    } else if file_type.is_dir() {
        Some("a directory")
    } else if file_type.is_fifo() {
        Some("a FIFO (named pipe)")
    } else if file_type.is_socket() {
        Some("a socket")
    } else if file_type.is_char_device() {
        Some("a character device")
    } else if file_type.is_block_device() {
        Some("a block device")
    } else {
        Some("not a regular file")
    }
}

impl fmt::Display for DataFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataFileError::Missing { path } => write!(f, "`{}` does not exist", path.display()),
            DataFileError::Outside {
                path,
                resolved,
                root,
            } => write!(
                f,
                "`{}` resolves to `{}`, outside the book's root `{}`; move the file into the book and name it relative to the src dir",
                path.display(),
                resolved.display(),
                root.display()
            ),
            DataFileError::NotRegular { path, kind } => write!(
                f,
                "`{}` is {kind}, not a regular file; name a TOML file inside the book",
                path.display()
            ),
            DataFileError::TooLarge { path, size } => write!(
                f,
                "`{}` is {size} bytes, more than the limit of {LIMIT} bytes (8 MiB); split it or trim it",
                path.display()
            ),
            DataFileError::Io { path, source } => {
                write!(f, "could not read `{}`: {source}", path.display())
            }
        }
    }
}

impl std::error::Error for DataFileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DataFileError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;
    use std::time::Duration;

    fn book() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("src")).unwrap();
        dir
    }

    #[test]
    fn a_regular_file_inside_the_book_is_read() {
        let dir = book();
        std::fs::write(dir.path().join("src/glossary.toml"), "[rtos]\n").unwrap();
        let text = read(dir.path(), Path::new("src/glossary.toml")).unwrap();
        assert_eq!(text, "[rtos]\n");
        // A symlink that stays inside the book is fine.
        symlink(
            dir.path().join("src/glossary.toml"),
            dir.path().join("src/terms.toml"),
        )
        .unwrap();
        assert_eq!(read(dir.path(), Path::new("src/terms.toml")).unwrap(), text);
    }

    #[test]
    fn a_missing_file_is_missing() {
        let dir = book();
        let err = read(dir.path(), Path::new("src/glossary.toml")).unwrap_err();
        assert!(matches!(err, DataFileError::Missing { .. }), "{err}");
    }

    #[test]
    fn parent_dirs_out_of_the_book_are_refused() {
        let dir = book();
        let err = read(
            &dir.path().join("src"),
            Path::new("../../../../../../etc/passwd"),
        )
        .unwrap_err();
        assert!(matches!(err, DataFileError::Outside { .. }), "{err}");
        assert!(err.to_string().contains("etc/passwd"), "{err}");
        assert!(err.to_string().contains("outside the book's root"), "{err}");
        let err = read(dir.path(), Path::new("/etc/passwd")).unwrap_err();
        assert!(matches!(err, DataFileError::Outside { .. }), "{err}");
    }

    #[test]
    fn dev_zero_through_a_symlink_is_refused() {
        let dir = book();
        symlink("/dev/zero", dir.path().join("src/glossary.toml")).unwrap();
        let err = read(dir.path(), Path::new("src/glossary.toml")).unwrap_err();
        assert!(matches!(err, DataFileError::Outside { .. }), "{err}");
        assert!(err.to_string().contains("/dev/zero"), "{err}");
        // Even a root that contains it does not make a device readable.
        let err = read(Path::new("/"), Path::new("dev/zero")).unwrap_err();
        assert!(
            matches!(err, DataFileError::NotRegular { kind, .. } if kind == "a character device"),
            "{err}"
        );
    }

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = book();
        let fifo = dir.path().join("src/glossary.toml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo failed");
        let root = dir.path().to_path_buf();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(read(&root, Path::new("src/glossary.toml")).map(|_| ()));
        });
        let err = rx
            .recv_timeout(Duration::from_secs(10))
            .expect("reading a FIFO blocked")
            .unwrap_err();
        assert!(
            matches!(err, DataFileError::NotRegular { kind, .. } if kind.contains("FIFO")),
            "{err}"
        );
    }

    #[test]
    fn a_directory_is_refused() {
        let dir = book();
        std::fs::create_dir(dir.path().join("src/glossary.toml")).unwrap();
        let err = read(dir.path(), Path::new("src/glossary.toml")).unwrap_err();
        assert!(
            matches!(err, DataFileError::NotRegular { kind, .. } if kind == "a directory"),
            "{err}"
        );
    }

    #[test]
    fn a_file_over_the_limit_is_refused_and_one_at_it_is_read() {
        let dir = book();
        let path = dir.path().join("src/glossary.toml");
        let file = File::create(&path).unwrap();
        file.set_len(LIMIT).unwrap(); // sparse: NUL bytes, valid UTF-8
        assert_eq!(
            read(dir.path(), Path::new("src/glossary.toml"))
                .unwrap()
                .len() as u64,
            LIMIT
        );
        file.set_len(LIMIT + 1).unwrap();
        let err = read(dir.path(), Path::new("src/glossary.toml")).unwrap_err();
        assert!(
            matches!(err, DataFileError::TooLarge { size, .. } if size == LIMIT + 1),
            "{err}"
        );
        assert!(err.to_string().contains("glossary.toml"), "{err}");
    }

    #[test]
    fn invalid_utf8_is_an_error_naming_the_file() {
        let dir = book();
        std::fs::write(dir.path().join("src/glossary.toml"), b"\xff\xfe").unwrap();
        let err = read(dir.path(), Path::new("src/glossary.toml")).unwrap_err();
        assert!(matches!(err, DataFileError::Io { .. }), "{err}");
        assert!(err.to_string().contains("glossary.toml"), "{err}");
    }
}
