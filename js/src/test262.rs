//! test262 support shared by the parser test and the conformance runner:
//! locating and unpacking the developer archive, reading test front matter, and the
//! "in scope" filter of DESIGN.md section 4.

use std::path::{Path, PathBuf};

/// The workspace root (this crate's parent directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// `<workspace>/../shared/test262/test262-dev.tar.gz`.
pub fn archive_path() -> PathBuf {
    workspace_root().join("..").join("shared").join("test262").join("test262-dev.tar.gz")
}

/// `<workspace>/../shared/test262/in-scope-features.txt`.
pub fn features_path() -> PathBuf {
    workspace_root().join("..").join("shared").join("test262").join("in-scope-features.txt")
}

/// Unpacks the archive once into `<workspace>/target/test262/` (with the system
/// `tar`) and returns the test262 root (the directory holding `test/` and `harness/`).
/// Returns Err with a description when the archive is missing or unpacking fails.
pub fn ensure_unpacked() -> Result<PathBuf, String> {
    let archive = archive_path();
    let dest = workspace_root().join("target").join("test262");
    let root = dest.join("test262");
    let marker = dest.join(".unpacked");
    if marker.exists() && root.join("test").is_dir() {
        return Ok(root);
    }
    if !archive.exists() {
        return Err(format!("test262 archive not found at {}", archive.display()));
    }
    // unpack into a temporary directory, then rename (safe against concurrent runs)
    let tmp = workspace_root().join("target").join(format!("test262.tmp.{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).map_err(|e| e.to_string())?;
    let status = std::process::Command::new("tar")
        .arg("xzf")
        .arg(&archive)
        .arg("-C")
        .arg(&tmp)
        .status()
        .map_err(|e| format!("running tar: {}", e))?;
    if !status.success() {
        return Err(format!("tar failed unpacking {}", archive.display()));
    }
    std::fs::write(tmp.join(".unpacked"), b"ok").map_err(|e| e.to_string())?;
    if std::fs::rename(&tmp, &dest).is_err() {
        // someone else won the race (or dest exists): use theirs if complete
        let _ = std::fs::remove_dir_all(&tmp);
        if !(marker.exists() && root.join("test").is_dir()) {
            let _ = std::fs::remove_dir_all(&dest);
            return Err(format!("could not move unpacked archive to {}", dest.display()));
        }
    }
    Ok(root)
}

/// The feature tags listed as in scope.
pub fn in_scope_features() -> Vec<String> {
    let text = std::fs::read_to_string(features_path()).unwrap_or_default();
    text.lines().map(|l| l.trim()).filter(|l| !l.is_empty() && !l.starts_with('#')).map(|l| l.to_string()).collect()
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Negative {
    pub phase: String,
    pub error_type: String,
}

/// The front matter of one test (`/*--- ... ---*/`).
#[derive(Clone, Debug, Default)]
pub struct Meta {
    pub features: Vec<String>,
    pub flags: Vec<String>,
    pub includes: Vec<String>,
    pub negative: Option<Negative>,
}

impl Meta {
    pub fn has_flag(&self, f: &str) -> bool {
        self.flags.iter().any(|x| x == f)
    }
    pub fn is_parse_negative(&self) -> bool {
        matches!(&self.negative, Some(n) if n.phase == "parse")
    }
}

fn parse_list_inline(s: &str) -> Vec<String> {
    let s = s.trim();
    let s = s.strip_prefix('[').unwrap_or(s);
    let s = s.split(']').next().unwrap_or(s);
    s.split(',').map(|x| x.trim().trim_matches('"').trim_matches('\'').to_string()).filter(|x| !x.is_empty()).collect()
}

/// Parses the YAML-ish front matter of a test file.
pub fn parse_meta(src: &str) -> Meta {
    let mut m = Meta::default();
    let Some(a) = src.find("/*---") else { return m };
    let Some(b) = src[a..].find("---*/") else { return m };
    let yaml = &src[a + 5..a + b];
    let lines: Vec<&str> = yaml.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let t = line.trim_start();
        let indent = line.len() - t.len();
        let key_val = t.split_once(':');
        if indent > 0 || key_val.is_none() {
            i += 1;
            continue;
        }
        let (key, val) = key_val.unwrap();
        let val = val.trim();
        i += 1;
        // collect block (indented) lines
        let mut block = Vec::new();
        while i < lines.len() {
            let l = lines[i];
            let lt = l.trim_start();
            if !lt.is_empty() && l.len() - lt.len() == 0 {
                break;
            }
            block.push(lt);
            i += 1;
        }
        let list = |val: &str, block: &[&str]| -> Vec<String> {
            if val.starts_with('[') {
                parse_list_inline(val)
            } else {
                block.iter().filter_map(|l| l.strip_prefix("- ")).map(|x| x.trim().to_string()).collect()
            }
        };
        match key.trim() {
            "features" => m.features = list(val, &block),
            "flags" => m.flags = list(val, &block),
            "includes" => m.includes = list(val, &block),
            "negative" => {
                let mut n = Negative::default();
                for l in &block {
                    if let Some((k, v)) = l.split_once(':') {
                        match k.trim() {
                            "phase" => n.phase = v.trim().to_string(),
                            "type" => n.error_type = v.trim().to_string(),
                            _ => {}
                        }
                    }
                }
                m.negative = Some(n);
            }
            _ => {}
        }
    }
    m
}

/// One in-scope test file.
#[derive(Clone, Debug)]
pub struct TestFile {
    pub path: PathBuf,
    /// Path relative to the test262 root, e.g. `test/language/...`.
    pub rel: String,
    pub source: String,
    pub meta: Meta,
}

impl TestFile {
    /// The (strict, source) variants to run, per INTERPRETING.md: onlyStrict -> strict
    /// only; noStrict/raw -> sloppy only; otherwise both. The strict variant is the
    /// source prefixed with `"use strict";\n`.
    pub fn variants(&self) -> Vec<(bool, String)> {
        let m = &self.meta;
        if m.has_flag("onlyStrict") {
            vec![(true, format!("\"use strict\";\n{}", self.source))]
        } else if m.has_flag("noStrict") || m.has_flag("raw") {
            vec![(false, self.source.clone())]
        } else {
            vec![(false, self.source.clone()), (true, format!("\"use strict\";\n{}", self.source))]
        }
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().map(|e| e == "js").unwrap_or(false) {
            let name = p.file_name().unwrap().to_string_lossy();
            if !name.contains("_FIXTURE") {
                out.push(p);
            }
        }
    }
}

/// True when a test is in scope (DESIGN.md section 4).
pub fn is_in_scope(rel: &str, meta: &Meta, features: &[String]) -> bool {
    (rel.starts_with("test/language/") || rel.starts_with("test/built-ins/"))
        && !meta.has_flag("module")
        && !meta.has_flag("async")
        && meta.features.iter().all(|f| features.iter().any(|x| x == f))
}

/// All in-scope tests under `root` (sorted by path).
pub fn in_scope_tests(root: &Path) -> Vec<TestFile> {
    let features = in_scope_features();
    let mut paths = Vec::new();
    walk(&root.join("test").join("language"), &mut paths);
    walk(&root.join("test").join("built-ins"), &mut paths);
    let mut out = Vec::new();
    for p in paths {
        let Ok(source) = std::fs::read_to_string(&p) else { continue };
        let rel = p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
        let meta = parse_meta(&source);
        if is_in_scope(&rel, &meta, &features) {
            out.push(TestFile { path: p, rel, source, meta });
        }
    }
    out
}
