//! The dashboard's log file, bounded: past `max` bytes it becomes `NAME.1` (replacing the
//! previous one) and a new file starts, so at most two files of `max` bytes are kept.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Where the log goes: `--log-file`, else the state folder (`~/.local/state/tofui/tofui.log`).
pub fn path(flag: Option<&Path>) -> PathBuf {
    flag.map(Path::to_path_buf).unwrap_or_else(|| {
        dirs::state_dir()
            .or_else(dirs::cache_dir)
            .unwrap_or_else(std::env::temp_dir)
            .join("tofui")
            .join("tofui.log")
    })
}

/// The log file's size before it is rotated.
pub const LOG_MAX_BYTES: u64 = 5 * 1024 * 1024;

/// An append-only log file that rotates at `max` bytes.
pub struct RotatingLog {
    path: PathBuf,
    file: File,
    size: u64,
    max: u64,
}

fn open(path: &Path) -> io::Result<(File, u64)> {
    let file = OpenOptions::new().create(true).append(true).open(path)?;
    let size = file.metadata()?.len();
    Ok((file, size))
}

/// `tofui.log` → `tofui.log.1`.
pub(crate) fn previous(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".1");
    PathBuf::from(p)
}

impl RotatingLog {
    pub fn open(path: &Path, max: u64) -> io::Result<RotatingLog> {
        let (file, size) = open(path)?;
        let mut log = RotatingLog { path: path.to_path_buf(), file, size, max };
        if log.size >= max {
            log.rotate()?;
        }
        Ok(log)
    }

    fn rotate(&mut self) -> io::Result<()> {
        std::fs::rename(&self.path, previous(&self.path))?;
        (self.file, self.size) = open(&self.path)?;
        Ok(())
    }
}

impl Write for RotatingLog {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // A record never straddles two files; one larger than `max` gets a file of its own.
        if self.size > 0 && self.size + buf.len() as u64 > self.max {
            self.rotate()?;
        }
        let n = self.file.write(buf)?;
        self.size += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_rotates_at_its_size_keeping_one_previous_file() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("tofui.log");
        let line = |i: usize| format!("line {i:04} {}\n", "x".repeat(40));
        let mut log = RotatingLog::open(&path, 1000).expect("open");
        for i in 0..100 {
            log.write_all(line(i).as_bytes()).expect("write");
        }
        drop(log);
        let now = std::fs::read_to_string(&path).expect("current");
        let before = std::fs::read_to_string(previous(&path)).expect("previous");
        assert!(now.len() <= 1000 && before.len() <= 1000, "{} {}", now.len(), before.len());
        assert!(now.ends_with(&line(99)), "the newest lines are in the current file");
        assert!(before.ends_with(&line(99 - now.lines().count())), "and just before, the previous");
        let files = std::fs::read_dir(dir.path()).expect("list").count();
        assert_eq!(files, 2, "two files, not one per rotation");
        // A start with a full file rotates it first.
        std::fs::write(&path, "y".repeat(1000)).expect("full");
        RotatingLog::open(&path, 1000).expect("open").write_all(b"new\n").expect("write");
        assert_eq!(std::fs::read_to_string(&path).expect("current"), "new\n");
        assert_eq!(std::fs::read_to_string(previous(&path)).expect("prev"), "y".repeat(1000));
    }
}
