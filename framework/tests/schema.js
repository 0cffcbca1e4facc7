// Schemas, validation and records (create / find / where / update / destroy).
const db = require("ken/model");

const Author = db.model("Author", { name: { type: "string", required: true } });
const Book = db.model("Book", {
  title: { type: "string", required: true, minLength: 1, maxLength: 40 },
  year: { type: "integer", min: 1450, max: 2100 },
  price: "number",
  inPrint: { type: "boolean", default: true },
  published: "date",
  tags: { type: "array", default: () => [] },
  meta: "object",
  extra: "any",
  state: { enum: ["draft", "published"], default: "draft" },
  isbn: { type: "string", pattern: /^[0-9]{3}-[0-9]{3}$/ },
  code: { type: "string", length: 3 },
  pages: { type: "integer", validate: (v) => v % 2 === 0 || "pages must be even" },
  author: { ref: "Author" },
});

test("create applies defaults and assigns ids", () => {
  const b = Book.create({ title: "Dune", year: 1965 });
  eq(typeof b.id, "number");
  eq([b.title, b.year, b.inPrint, b.state, b.tags, b.price], ["Dune", 1965, true, "draft", [], null]);
  const c = Book.create({ title: "Emma" });
  eq(c.id, b.id + 1);
  assert(b.tags !== c.tags, "each record gets a fresh default array");
});

test("every type is checked", () => {
  const e = throws(() => Book.create({ title: 5, year: 1.5, price: "x", inPrint: "yes", published: "2020",
    tags: "a", meta: [1], state: "gone", author: {} }), "ValidationError");
  eq(codes(e), ["author:type", "inPrint:type", "meta:type", "price:type", "published:type", "state:enum",
    "tags:type", "title:type", "year:type"]);
  assert(e instanceof db.ValidationError && e instanceof Error, "a ValidationError is an Error");
  eq(e.model, "Book");
  eq(e.code, "validation");
  for (const x of e.errors) assert(typeof x.message === "string" && x.message.includes(x.field), "message names the field: " + x.message);
  throws(() => Book.create({ title: "x", price: NaN }), { name: "ValidationError" });
  Book.create({ title: "dated", published: new Date(0), extra: { any: [1] }, meta: { a: 1 }, price: 9.5 });
});

test("required, min, max, lengths, pattern, enum and custom validators report all failures", () => {
  const e = throws(() => Book.create({ year: 1200, isbn: "12-3", code: "ab", pages: 3 }), "ValidationError");
  eq(codes(e), ["code:length", "isbn:pattern", "pages:custom", "title:required", "year:min"]);
  eq(e.errors.find((x) => x.code === "custom").message, "pages must be even");
  const e2 = throws(() => Book.create({ title: "", year: 2200 }), "ValidationError");
  eq(codes(e2), ["title:minLength", "year:max"]);
  eq(codes(throws(() => Book.create({ title: "x".repeat(41) }))), ["title:maxLength"]);
  Book.create({ title: "ok", year: 2000, isbn: "123-456", code: "abc", pages: 4, state: "published" });
});

test("a failed create leaves nothing behind", () => {
  const n = Book.count();
  const next = Book.create({ title: "probe" }).id;
  next; // ids continue after the failures below
  throws(() => Book.create({ title: 1 }), "ValidationError");
  eq(Book.count(), n + 1);
  eq(Book.create({ title: "after" }).id, next + 1);
});

test("unknown properties are refused", () => {
  const e = throws(() => Book.create({ title: "x", colour: "red" }), "ValidationError");
  eq(codes(e), ["colour:unknown"]);
  const b = Book.create({ title: "sealed" });
  throws(() => { "use strict"; b.colour = "red"; }, "TypeError");   // strict code: a TypeError
  const sloppy = throws(function () { b.colour = "red"; }, "TypeError");   // sloppy code too
  eq(sloppy.message, "Cannot add property 'colour', object is not extensible");
  eq(b.colour, undefined);
  throws(function () { b.id = 9; }, { name: "TypeError", message: "Cannot assign to read only property 'id' of object" });
  eq(Object.isExtensible(b), false);
  eq(codes(throws(() => b.update({ colour: "red" }))), ["colour:unknown"]);
  eq(codes(throws(() => b.update({ id: 7 }))), ["id:readonly"]);
  throws(() => { "use strict"; b.id = 9; }, "TypeError");
  eq(b.id, Object.getOwnPropertyDescriptor(b, "id").value);
  eq(db.isRecord(b), true);
});

test("find, get, findBy and where", () => {
  const a = Author.create({ name: "Le Guin" });
  const b = Book.create({ title: "Earthsea", year: 1968, author: a });
  eq(Book.find(b.id) === b, true);
  eq(Book.get(b.id) === b, true);
  eq(Book.get(99999), null);
  throws(() => Book.find(99999), { name: "NotFoundError", code: "not_found", model: "Book", id: 99999 });
  eq(Book.findBy({ title: "Earthsea" }) === b, true);
  eq(Book.where({ author: a }).pluck("title"), ["Earthsea"]);
  eq(b.author.name, "Le Guin");
});

test("update validates all fields together and changes nothing on failure", () => {
  const b = Book.create({ title: "Old", year: 1990 });
  b.update({ title: "New", year: 1991 });
  eq([b.title, b.year], ["New", 1991]);
  const e = throws(() => b.update({ title: 7, year: 1991.5 }), "ValidationError");
  eq(codes(e), ["title:type", "year:type"]);
  eq([b.title, b.year], ["New", 1991]);
  throws(() => b.update(null), "TypeError");
  throws(() => Book.create(5), "TypeError");
});

test("direct property writes are validated", () => {
  const b = Book.create({ title: "Direct", year: 2000 });
  b.year = 1999;
  eq(b.year, 1999);
  const e = throws(() => { b.year = "1999"; }, "ValidationError");
  eq(codes(e), ["year:type"]);
  eq(b.year, 1999);
  throws(() => { b.title = null; }, "ValidationError");
  eq(b.title, "Direct");
});

test("destroy removes the record; a destroyed record refuses writes", () => {
  const b = Book.create({ title: "Gone" });
  const id = b.id;
  b.destroy();
  eq(b.isDestroyed, true);
  eq(Book.get(id), null);
  eq(Book.where({ title: "Gone" }).count(), 0);
  throws(() => { b.title = "back"; }, { code: "destroyed" });
  b.destroy(); // twice is harmless
  const c = Book.create({ title: "by id" });
  Book.destroy(c.id);
  eq(Book.get(c.id), null);
  throws(() => Book.destroy(c.id), "NotFoundError");
});

test("a reference must be a live record of the right model", () => {
  const a = Author.create({ name: "Tmp" });
  const other = Book.create({ title: "not an author" });
  eq(codes(throws(() => Book.create({ title: "x", author: other }))), ["author:type"]);
  a.destroy();
  eq(codes(throws(() => Book.create({ title: "x", author: a }))), ["author:destroyed"]);
});

test("bad schemas are refused with clear errors", () => {
  throws(() => db.model("Bad1", { x: "strng" }), { code: "definition" });
  throws(() => db.model("Bad2", { x: { type: "string", requird: true } }), { code: "definition" });
  throws(() => db.model("Bad3", { id: "integer" }), { code: "definition" });
  throws(() => db.model("Bad4", { x: { type: "array", default: [] } }), { code: "definition" });
  throws(() => db.model("Bad5", { update: "string" }), { code: "definition" });
  throws(() => db.model("bad name", {}), "TypeError");
  throws(() => db.model("Missing"), "NotFoundError");
  eq(db.model("Book") === Book, true);
  eq(Object.keys(db.models).includes("Bad1"), false);
});

test("model-level validators and the toJSON view", () => {
  const Range = db.model("Range", { lo: "integer", hi: "integer" }, {
    validate: (r) => (r.lo > r.hi ? { hi: "hi must not be below lo" } : undefined),
  });
  const r = Range.create({ lo: 1, hi: 5 });
  const e = throws(() => r.update({ hi: 0 }), "ValidationError");
  eq(e.errors, [{ field: "hi", code: "custom", message: "hi must not be below lo" }]);
  eq(r.toJSON(), { id: r.id, lo: 1, hi: 5 });
  eq(String(r), `Range#${r.id}`);
  eq(JSON.stringify(r), JSON.stringify({ id: r.id, lo: 1, hi: 5 }));
});

test("new Model() points to create", () => {
  throws(() => new Book({ title: "x" }), "TypeError");
});
