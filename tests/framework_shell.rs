//! The framework in `ken-shell` as a user runs it: models, records, indexes, listeners and
//! associations defined in a persistent session survive a SIGKILL of the shell; and
//! `examples/library.js` runs (twice, in one persistent session).

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

const SHELL: &str = env!("CARGO_BIN_EXE_ken-shell");

fn tempdir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("ken-framework-shell-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn shell(dir: &std::path::Path) -> Child {
    Command::new(SHELL)
        .arg("127.0.0.1:6666")
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Output lines with the prompts removed.
fn clean(l: &str) -> String {
    let mut l = l.trim_end();
    while let Some(r) = l.strip_prefix("> ").or_else(|| l.strip_prefix("... ")) {
        l = r;
    }
    l.to_string()
}

/// Sends `inputs` (one turn per line), then reads stdout until a line equal to `until`.
fn drive(child: &mut Child, inputs: &[&str], until: &str) -> Vec<String> {
    let mut stdin = child.stdin.take().unwrap();
    for l in inputs {
        writeln!(stdin, "{l}").unwrap();
    }
    stdin.flush().unwrap();
    child.stdin = Some(stdin);
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut seen = Vec::new();
    let mut buf = String::new();
    while out.read_line(&mut buf).unwrap() > 0 {
        let l = clean(&buf);
        buf.clear();
        if l == until {
            return seen;
        }
        if !l.is_empty() && l != ">" {
            seen.push(l);
        }
    }
    panic!("the shell ended before {until:?}; output so far: {seen:#?}");
}

#[test]
fn models_records_indexes_listeners_and_associations_survive_sigkill() {
    let dir = tempdir("kill");
    let first = [
        r#"var db = require("ken/model");"#,
        r#"var Author = db.model("Author", { name: { type: "string", unique: true } }, { hasMany: { books: { model: "Book", foreignKey: "author", dependent: "destroy" } } });"#,
        r#"var Book = db.model("Book", { title: "string", isbn: { type: "string", unique: true }, year: { type: "integer", index: true }, author: { belongsTo: "Author" } }, { manyToMany: { tags: { model: "Tag", inverse: "books" } } });"#,
        r#"var Tag = db.model("Tag", { label: "string" });"#,
        r#"var log = [];"#,
        r#"Book.on("change", (e) => log.push(e.type + ":" + e.id + ":" + (e.fields || []).join(","))); void 0;"#,
        r#"var a = Author.create({ name: "Le Guin" }); for (var i = 0; i < 200; i++) Book.create({ title: "t" + i, isbn: "i" + i, year: 1900 + (i % 100), author: a }); void 0;"#,
        r#"var b0 = Book.find(1); b0.on("update", (e) => log.push("record:" + e.changes.year.to)); var fun = Tag.create({ label: "fun" }); b0.tags.add(fun); void 0;"#,
        r#"try { db.transaction(() => { Book.create({ title: "ghost", isbn: "ghost" }); b0.year = 1500; throw new Error("no"); }); } catch (e) { print(e.message); }"#,
        r#"print(log.length, Book.count(), Book.where({ year: 1950 }).count())"#,
        r#"print("READY")"#,
    ];
    let mut child = shell(&dir);
    let seen = drive(&mut child, &first, "READY");
    // Child::kill sends SIGKILL: no clean exit
    child.kill().unwrap();
    let _ = child.wait();
    assert_eq!(seen, ["Initialized session", "no", "200 200 2"]);

    let second = [
        r#"print(require("ken/model") === db, Object.keys(db.models).sort().join(","))"#,
        r#"print(Book.count(), Book.where({ isbn: "i42" }).first().title, Book.where({ isbn: "i42" }).explain().type)"#,
        r#"print(Book.where({ year: { gte: 1990 } }).count(), Book.where({ year: { gte: 1990 } }).explain().type, Book.where({ isbn: "ghost" }).count(), b0.year)"#,
        r#"try { Book.create({ isbn: "i7" }); } catch (e) { print(e.name, e.existingId); }"#,
        r#"b0.year = 1999; Book.create({ title: "new", isbn: "n1", year: 1999, author: a }); print(log.slice(-3).join(" "))"#,
        r#"print(Book.where({ year: 1999 }).pluck("title").join(","), a.books.count(), b0.tags.count(), fun.books.toArray()[0] === b0)"#,
        r#"a.destroy(); print(Book.count(), Author.count(), fun.books.count(), log.length)"#,
        r#"print("DONE")"#,
    ];
    let mut child = shell(&dir);
    let seen = drive(&mut child, &second, "DONE");
    child.kill().unwrap();
    let _ = child.wait();
    assert_eq!(
        seen,
        [
            "Restored session",
            "true Author,Book,Tag",
            "200 t42 hash",
            "20 range 0 1900",
            "UniqueError 8",
            "update:1:year record:1999 insert:201:",
            "t0,t99,t199,new 201 1 true",
            "0 0 0 404",
        ]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_library_example_runs_in_a_persistent_session() {
    let dir = tempdir("library");
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/library.js");
    let run = || {
        let out = Command::new(SHELL).arg("127.0.0.1:6666").arg(&example).current_dir(&dir).output().unwrap();
        assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect::<Vec<_>>()
    };
    let first = run();
    assert_eq!(
        first,
        [
            "Le Guin before 1970: A Wizard of Earthsea | The Left Hand of Darkness",
            "plan: Book(author, year) ordered",
            "books per author: Ursula K. Le Guin: 3, Terry Pratchett: 2 - 8 copies in all",
            "Small Gods copies left: 2 loans: 1",
            "ValidationError: title/minLength, isbn/pattern, year/min, author/required",
            "RestrictError: cannot destroy Author 1: 3 dependent record(s) in Author.books (dependent: \"restrict\")",
            "RangeError: no copy of \"Mort\" left - copies still 0",
            "events so far: 2 ; last: lent Mort to bob",
        ]
    );
    // the second run finds the first run's records and its persisted listener
    let second = run();
    assert_eq!(second[2], "books per author: Ursula K. Le Guin: 3, Terry Pratchett: 2 - 6 copies in all");
    assert_eq!(second[3], "Small Gods copies left: 1 loans: 2");
    assert_eq!(second[7], "events so far: 4 ; last: lent Mort to bob");
    let _ = std::fs::remove_dir_all(&dir);
}
