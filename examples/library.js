// A small library: authors, books and loans on ken/model.
// Run it in a persistent session:   ken-shell 127.0.0.1:6666 examples/library.js
// Run it again: top-level names are `var` so a second run in the same session works; the models and records from the first run are still there (one more loan each
// run); `ken-shell 127.0.0.1:6666` afterwards finds Author, Book, Loan and library globals.
"use strict";
var db = require("ken/model");

var Author = db.model("Author", {
  name: { type: "string", required: true, unique: true },
  born: { type: "integer", min: 0 },
}, { hasMany: { books: { model: "Book", foreignKey: "author", dependent: "restrict" } } });

var Book = db.model("Book", {
  title: { type: "string", required: true, minLength: 1 },
  isbn: { type: "string", unique: true, pattern: /^\d{3}-\d{10}$/ },
  year: { type: "integer", index: true, min: 1450 },
  author: { belongsTo: "Author", required: true },
  genres: { type: "array", default: () => [] },
  copies: { type: "integer", min: 0, default: 1 },
}, {
  indexes: [["author", "year"]],
  hasMany: { loans: { model: "Loan", foreignKey: "book", dependent: "destroy" } },
});

var Loan = db.model("Loan", {
  book: { ref: "Book", required: true },
  member: { type: "string", required: true, index: true },
  due: { type: "date", required: true },
  returned: { type: "boolean", default: false },
}, {
  beforeSave(loan, draft) {
    if (!draft.returned && draft.book.copies < 1) throw new RangeError(`no copy of "${draft.book.title}" left`);
  },
});

// (kept from an earlier run, so its event log goes on) a loan takes a copy; returning it gives the copy back (one transaction each)
var library = library || {
  lend(book, member, days) {
    return db.transaction(() => {
      const loan = Loan.create({ book, member, due: new Date(Date.UTC(2026, 0, 1) + days * 864e5) });
      book.copies -= 1;
      return loan;
    });
  },
  giveBack(loan) {
    db.transaction(() => { loan.returned = true; loan.book.copies += 1; });
  },
  events: [],
};

if (Author.count() === 0) {
  db.transaction(() => {
    const leGuin = Author.create({ name: "Ursula K. Le Guin", born: 1929 });
    const pratchett = Author.create({ name: "Terry Pratchett", born: 1948 });
    Book.create({ title: "A Wizard of Earthsea", isbn: "978-0553383041", year: 1968, author: leGuin, genres: ["fantasy"] });
    Book.create({ title: "The Left Hand of Darkness", isbn: "978-0441478125", year: 1969, author: leGuin, genres: ["sf"], copies: 2 });
    Book.create({ title: "The Dispossessed", isbn: "978-0061054884", year: 1974, author: leGuin, genres: ["sf"] });
    Book.create({ title: "Mort", isbn: "978-0552131063", year: 1987, author: pratchett, genres: ["fantasy", "humour"] });
    Book.create({ title: "Small Gods", isbn: "978-0552152976", year: 1992, author: pratchett, genres: ["fantasy"], copies: 3 });
  });
  // a listener persists with the heap: every loan from now on is logged, run after run
  Loan.on("insert", (e) => library.events.push(`lent ${e.record.book.title} to ${e.record.member}`));
}

var leGuin = Author.findBy({ name: "Ursula K. Le Guin" });
print("Le Guin before 1970:", Book.where({ author: leGuin, year: { lt: 1970 } }).orderBy("year").pluck("title").join(" | "));
print("plan:", Book.where({ author: leGuin, year: { lt: 1970 } }).explain().index);
print("books per author:", Array.from(Book.groupBy("author", (l) => l.length), ([a, n]) => `${a.name}: ${n}`).join(", "),
  "-", Book.sum("copies"), "copies in all");

var small = Book.findBy({ title: "Small Gods" });
library.lend(small, "ada", 14);
print("Small Gods copies left:", small.copies, "loans:", small.loans.count());

try {
  Book.create({ title: "", isbn: "123", year: 1200 });
} catch (e) {
  print(e.name + ":", e.errors.map((x) => `${x.field}/${x.code}`).join(", "));
}
try {
  leGuin.destroy();
} catch (e) {
  print(e.name + ":", e.message);
}
var mort = Book.findBy({ title: "Mort" });
if (mort.copies === 0) library.giveBack(Loan.where({ book: mort, returned: false }).first());
library.lend(mort, "bob", 7);
try {
  library.lend(mort, "cy", 7);
} catch (e) {
  print(e.name + ":", e.message, "- copies still", mort.copies);
}
print("events so far:", library.events.length, "; last:", library.events[library.events.length - 1]);
