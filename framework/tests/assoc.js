"use strict";
// belongsTo / hasMany / manyToMany, inverse sides and dependent: destroy | nullify | restrict.
const db = require("ken/model");

const Author = db.model("Author", { name: { type: "string", required: true } }, {
  hasMany: { books: { model: "Book", foreignKey: "author", dependent: "destroy" },
    essays: { model: "Essay", foreignKey: "writer", dependent: "nullify" } },
});
const Publisher = db.model("Publisher", { name: "string" }, {
  hasMany: { books: { model: "Book", foreignKey: "publisher", dependent: "restrict" } },
});
const Book = db.model("Book", {
  title: "string",
  author: { belongsTo: "Author" },
  publisher: { ref: "Publisher" },
}, { manyToMany: { tags: { model: "Tag", inverse: "books" } } });
const Essay = db.model("Essay", { title: "string", writer: { ref: "Author" } });
const Tag = db.model("Tag", { label: { type: "string", unique: true } });

test("belongsTo and hasMany see the same link", () => {
  const a = Author.create({ name: "Pratchett" });
  const b1 = Book.create({ title: "Mort", author: a });
  const b2 = a.books.create({ title: "Eric" });
  eq(b2.author === a, true);
  eq(a.books.pluck("title"), ["Mort", "Eric"]);
  eq(a.books.count(), 2);
  const other = Author.create({ name: "Gaiman" });
  b1.author = other;
  eq(a.books.pluck("title"), ["Eric"]);
  eq(other.books.pluck("title"), ["Mort"]);
  eq(a.books.explain().type, "hash");
  throws(() => { a.books = []; }, "TypeError");
  eq(a.books.where("title", "startsWith", "E").count(), 1);
});

test("dependent destroy removes the dependents; nullify clears the reference", () => {
  const a = Author.create({ name: "Doomed" });
  const bs = [Book.create({ title: "d1", author: a }), Book.create({ title: "d2", author: a })];
  const e = Essay.create({ title: "e1", writer: a });
  a.destroy();
  eq(bs.map((b) => b.isDestroyed), [true, true]);
  eq(Book.where({ title: "d1" }).count(), 0);
  eq(e.isDestroyed, false);
  eq(e.writer, null);
});

test("dependent restrict refuses and changes nothing", () => {
  const p = Publisher.create({ name: "Tor" });
  const a = Author.create({ name: "Sanderson" });
  const b = Book.create({ title: "Mistborn", publisher: p, author: a });
  const err = throws(() => p.destroy(), "RestrictError");
  eq([err.code, err.model, err.association, err.count], ["restrict", "Publisher", "Publisher.books", 1]);
  eq(p.isDestroyed, false);
  // the restrict is reached through a cascade too: destroying the author would destroy the
  // book, which is fine; but a restricted cascade rolls back everything
  const R = db.model("Shelf", { name: "string" }, { hasMany: { slots: { model: "Slot", foreignKey: "shelf", dependent: "restrict" } } });
  const S = db.model("Slot", { shelf: { ref: "Shelf" }, book: { ref: "Book" } });
  const sh = R.create({ name: "s" });
  S.create({ shelf: sh, book: b });
  throws(() => sh.destroy(), "RestrictError");
  b.publisher = null;
  p.destroy();
  eq(p.isDestroyed, true);
});

test("a reference without a declared hasMany is nullified when its target goes", () => {
  const Pub = db.model("Pub", { name: "string" });
  const Mag = db.model("Mag", { pub: { ref: "Pub" } });
  const p = Pub.create({ name: "x" });
  const m = Mag.create({ pub: p });
  p.destroy();
  eq(m.pub, null);
});

test("a required reference blocks nullify and the destroy rolls back", () => {
  const Org = db.model("Org", { name: "string" });
  const Team = db.model("Team", { org: { ref: "Org", required: true } });
  const o = Org.create({ name: "o" });
  const t = Team.create({ org: o });
  const e = throws(() => o.destroy(), "ValidationError");
  eq(codes(e), ["org:required"]);
  eq([o.isDestroyed, t.org === o], [false, true]);
});

test("manyToMany keeps both sides", () => {
  const b = Book.create({ title: "Good Omens" });
  const t1 = Tag.create({ label: "funny" }), t2 = Tag.create({ label: "apocalypse" });
  b.tags.add(t1, t2);
  eq(b.tags.toArray().map((t) => t.label), ["funny", "apocalypse"]);
  eq(t1.books.toArray()[0] === b, true);
  eq(b.tags.has(t2), true);
  t2.books.remove(b);
  eq(b.tags.has(t2), false);
  eq(b.tags.count(), 1);
  b.tags.add(t1);  // adding twice is one link
  eq(t1.books.count(), 1);
  eq([...b.tags].length, 1);
  eq(b.tags.where({ label: "funny" }).count(), 1);
  throws(() => b.tags.add(b), "TypeError");
  throws(() => { b.tags = []; }, "TypeError");
  t1.destroy();
  eq(b.tags.count(), 0);
  b.tags.add(t2);
  b.destroy();
  eq(t2.books.count(), 0);
});

test("manyToMany links roll back with the transaction", () => {
  const b = Book.create({ title: "rb" });
  const t = Tag.create({ label: "rb-tag" });
  throws(() => db.transaction(() => { b.tags.add(t); eq(t.books.count(), 1); throw new Error("no"); }));
  eq([b.tags.count(), t.books.count()], [0, 0]);
});

test("bad associations are refused", () => {
  throws(() => db.model("BadA", { x: "string" }, { hasMany: { ys: { model: "Y", dependent: "explode" } } }), { code: "definition" });
  throws(() => db.model("BadB", { x: "string" }, { hasMany: { x: { model: "Y" } } }), { code: "definition" });
  throws(() => db.model("BadC", { x: { type: "ref" } }), { code: "definition" });
});

test("a self-referencing tree destroys its subtree, cycles included", () => {
  const Node = db.model("Node", { name: "string", parent: { ref: "Node" }, buddy: { ref: "Node" } }, {
    hasMany: { children: { model: "Node", foreignKey: "parent", dependent: "destroy" } },
  });
  const root = Node.create({ name: "root" });
  const a = root.children.create({ name: "a" }), b = root.children.create({ name: "b" });
  const a1 = a.children.create({ name: "a1" });
  eq(root.children.pluck("name"), ["a", "b"]);
  root.parent = a1;   // a cycle: root -> a -> a1 -> root
  b.buddy = a;        // a plain reference is nullified
  const keep = Node.create({ name: "keep", buddy: a1 });
  a.destroy();
  eq([a.isDestroyed, a1.isDestroyed, root.isDestroyed, b.isDestroyed], [true, true, true, true]);
  eq(keep.buddy, null);
  eq(Node.pluck("name"), ["keep"]);
});

test("Model.update(id, attrs) and db.drop", () => {
  const T = db.model("Temp", { v: "integer" });
  const t = T.create({ v: 1 });
  T.update(t.id, { v: 2 });
  eq(t.v, 2);
  throws(() => T.update(999, { v: 1 }), "NotFoundError");
  throws(() => db.drop("Author"), { code: "restrict" });   // Book and Essay refer to it
  db.drop("Temp");
  throws(() => db.model("Temp"), "NotFoundError");
  eq(t.isDestroyed, true);
  throws(() => db.drop("Temp"), "NotFoundError");
});

test("a dependent chain too deep to destroy is a RangeError and changes nothing", () => {
  const Link = db.model("Link", { n: "integer", next: { ref: "Link" } }, {
    hasMany: { prev: { model: "Link", foreignKey: "next", dependent: "destroy" } },
  });
  let head = Link.create({ n: 0 });
  const first = head;
  for (let i = 1; i < 3000; i++) head = Link.create({ n: i, next: head });
  // destroying the first link destroys the one pointing at it, and so on: 3000 levels deep
  throws(() => first.destroy(), "RangeError");
  eq([Link.count(), first.isDestroyed, head.next.n], [3000, false, 2998]);
  eq(Link.where({ n: { gte: 2990 } }).count(), 10);
  // a short chain goes
  const tail = Link.where({ n: 2995 }).first();
  tail.destroy();
  eq(Link.count(), 2995);
});
