//! Where `riptide batch` writes its results: JSON lines on stdout or in a file (`--output`),
//! or one JSON file per page (`--output-dir`). Every result is flushed as soon as it is
//! written, so an interrupted run loses nothing it finished; `--resume` reads back the ids
//! already written and the batch skips them.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Seek, Write};
use std::path::{Path, PathBuf};

use serde_json::Value;
use sha2::{Digest, Sha256};

/// Why the output cannot be opened or written.
#[derive(Debug, thiserror::Error)]
pub(crate) enum OutputError {
    /// The output already holds results and `--resume` was not given.
    #[error("{} already holds results: pass --resume to skip the pages it holds and add the others, or choose another output", path.display())]
    HoldsResults { path: PathBuf },
    /// `--resume` with results going to standard output.
    #[error("--resume needs --output FILE or --output-dir DIR (the results of the earlier run)")]
    ResumeWithoutOutput,
    /// The output could not be opened, read back or created.
    #[error("could not open the output {}; check the path and its permissions", path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// A result could not be written.
    #[error("could not write a result to {}; the results written before it are complete", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

enum Target {
    Stdout,
    File { path: PathBuf, file: File },
    Dir(PathBuf),
}

/// The results' destination, with the ids it already held.
pub(crate) struct Sink {
    target: Target,
    done: HashSet<String>,
}

/// The key of an id for `--resume` (its JSON text); `None` for no id.
fn key(id: &Value) -> Option<String> {
    (!id.is_null()).then(|| id.to_string())
}

/// The file name of a page's result in `--output-dir`: the id made safe (at most 80
/// characters) and a hash of the id, so that different ids never share a file.
pub(crate) fn file_name(id: &Value) -> String {
    let text = match id {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut safe: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let cut = safe.len().saturating_sub(80);
    safe.drain(..cut);
    let hash = hex::encode(Sha256::digest(id.to_string().as_bytes()));
    format!("{}-{}.json", safe.trim_matches('_'), &hash[..16])
}

impl Sink {
    /// Open the output. Without `resume`, an output that already holds results is an error
    /// (nothing is overwritten); with it, the ids it holds are read back (a last line cut by
    /// a crash is removed).
    ///
    /// # Errors
    /// See [`OutputError`].
    pub(crate) fn open(
        file: Option<&Path>,
        dir: Option<&Path>,
        resume: bool,
    ) -> Result<Sink, OutputError> {
        let open_err = |path: &Path| {
            let path = path.to_path_buf();
            move |source| OutputError::Open { path, source }
        };
        let mut done = HashSet::new();
        let target = match (file, dir) {
            (Some(path), _) => {
                let mut file = OpenOptions::new()
                    .read(true)
                    .append(true)
                    .create(true)
                    .open(path)
                    .map_err(open_err(path))?;
                let len = file.metadata().map_err(open_err(path))?.len();
                if len > 0 && !resume {
                    return Err(OutputError::HoldsResults {
                        path: path.to_path_buf(),
                    });
                }
                if len > 0 {
                    let complete = read_ids(&mut file, &mut done).map_err(open_err(path))?;
                    if complete < len {
                        // A line cut short by a kill: its page is done again.
                        file.set_len(complete).map_err(open_err(path))?;
                    }
                }
                Target::File {
                    path: path.to_path_buf(),
                    file,
                }
            }
            (None, Some(dir)) => {
                std::fs::create_dir_all(dir).map_err(open_err(dir))?;
                for entry in std::fs::read_dir(dir).map_err(open_err(dir))? {
                    let name = entry.map_err(open_err(dir))?.file_name();
                    let name = name.to_string_lossy();
                    if name.ends_with(".json") {
                        if !resume {
                            return Err(OutputError::HoldsResults {
                                path: dir.to_path_buf(),
                            });
                        }
                        done.insert(name.into_owned());
                    }
                }
                Target::Dir(dir.to_path_buf())
            }
            (None, None) if resume => return Err(OutputError::ResumeWithoutOutput),
            (None, None) => Target::Stdout,
        };
        Ok(Sink { target, done })
    }

    /// How many results the output held when it was opened.
    pub(crate) fn held(&self) -> usize {
        self.done.len()
    }

    /// Whether the output already holds the result for `id`.
    pub(crate) fn holds(&self, id: &Value) -> bool {
        match &self.target {
            Target::Dir(_) => !id.is_null() && self.done.contains(&file_name(id)),
            _ => key(id).is_some_and(|k| self.done.contains(&k)),
        }
    }

    /// Write one result and flush it.
    ///
    /// # Errors
    /// [`OutputError::Write`].
    pub(crate) fn write(&mut self, line: &Value) -> Result<(), OutputError> {
        match &mut self.target {
            Target::Stdout => {
                let mut out = io::stdout().lock();
                writeln!(out, "{line}")
                    .and_then(|()| out.flush())
                    .map_err(|source| OutputError::Write {
                        path: "standard output".into(),
                        source,
                    })
            }
            Target::File { path, file } => {
                // One write per line: a kill leaves at most the last line incomplete.
                let mut text = line.to_string();
                text.push('\n');
                file.write_all(text.as_bytes())
                    .and_then(|()| file.flush())
                    .map_err(|source| OutputError::Write {
                        path: path.clone(),
                        source,
                    })
            }
            Target::Dir(dir) => {
                let id = line.get("id").unwrap_or(&Value::Null);
                let path = dir.join(file_name(id));
                let partial = path.with_extension("json.partial");
                let write_err = |source| OutputError::Write {
                    path: path.clone(),
                    source,
                };
                let text = serde_json::to_string_pretty(line)
                    .map_err(|e| write_err(io::Error::other(e)))?;
                // Written whole, then renamed: a kill never leaves half a file.
                std::fs::write(&partial, text + "\n").map_err(write_err)?;
                std::fs::rename(&partial, &path).map_err(write_err)
            }
        }
    }
}

/// Read the ids of the complete lines of a JSON lines file into `done`; returns the length
/// of the complete lines.
fn read_ids(file: &mut File, done: &mut HashSet<String>) -> io::Result<u64> {
    file.seek(io::SeekFrom::Start(0))?;
    let mut reader = BufReader::new(&*file);
    let mut line = Vec::new();
    let mut complete = 0u64;
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line)?;
        if n == 0 || line.last() != Some(&b'\n') {
            return Ok(complete);
        }
        complete += n as u64;
        if let Ok(value) = serde_json::from_slice::<Value>(&line)
            && let Some(k) = value.get("id").and_then(key)
        {
            done.insert(k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("riptide-cli-out-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        let _ = std::fs::remove_file(&path);
        let _ = std::fs::remove_dir_all(&path);
        path
    }

    #[test]
    fn a_file_with_results_needs_resume_and_loses_its_cut_last_line() {
        let path = temp("results.jsonl");
        std::fs::write(
            &path,
            "{\"id\":1,\"ok\":{}}\n{\"id\":\"b\",\"error\":{}}\n{\"id\":3,\"o",
        )
        .unwrap();
        let err = Sink::open(Some(&path), None, false).err().unwrap();
        assert!(err.to_string().contains("pass --resume"), "{err}");
        let mut sink = Sink::open(Some(&path), None, true).unwrap();
        assert_eq!(sink.held(), 2);
        assert!(sink.holds(&serde_json::json!(1)) && sink.holds(&serde_json::json!("b")));
        assert!(!sink.holds(&serde_json::json!(3)) && !sink.holds(&Value::Null));
        sink.write(&serde_json::json!({"id": 3, "ok": {}})).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 3, "{text}");
        assert!(text.ends_with("{\"id\":3,\"ok\":{}}\n"));
    }

    #[test]
    fn a_dir_gets_one_file_per_id() {
        let dir = temp("pages");
        let mut sink = Sink::open(None, Some(&dir), false).unwrap();
        let id = serde_json::json!("site/a b.html");
        sink.write(&serde_json::json!({"id": id, "ok": {"title": "A"}}))
            .unwrap();
        let name = file_name(&id);
        assert!(name.starts_with("site_a_b.html-"), "{name}");
        let value: Value =
            serde_json::from_slice(&std::fs::read(dir.join(&name)).unwrap()).unwrap();
        assert_eq!(value["ok"]["title"], "A");
        assert!(Sink::open(None, Some(&dir), false).is_err());
        let sink = Sink::open(None, Some(&dir), true).unwrap();
        assert!(sink.holds(&id));
        assert_ne!(
            file_name(&serde_json::json!("1")),
            file_name(&serde_json::json!(1))
        );
        assert!(matches!(
            Sink::open(None, None, true),
            Err(OutputError::ResumeWithoutOutput)
        ));
    }
}
