"use strict";
// Lazy chainable queries, aggregates, iteration and explain().
const db = require("ken/model");

const Book = db.model("Book", {
  title: { type: "string", required: true },
  year: { type: "integer", index: true },
  pages: "integer",
  genre: "string",
});
const titles = ["Anathem", "Beloved", "Atonement", "Carrie", "Amok", "Babel", "Akira", "Dune", "Arcadia", "Emma", "Alif", "Azure"];
titles.forEach((t, i) => Book.create({ title: t, year: 1985 + i, pages: 100 + 10 * i, genre: i % 3 === 0 ? "sf" : i % 3 === 1 ? "lit" : "horror" }));

test("the issue's chain: where on an object and on (field, op, value), orderBy, offset, limit", () => {
  const q = Book.where({ year: { gt: 1990 } }).where("title", "startsWith", "A").orderBy("year", "desc");
  eq(q.pluck("title"), ["Azure", "Alif", "Arcadia", "Akira"]);
  eq(q.offset(1).limit(2).pluck("title"), ["Alif", "Arcadia"]);
  eq(q.count(), 4);
  eq(q.first().title, "Azure");
  eq(q.last().title, "Akira");
});

test("queries are lazy: nothing runs until a result is asked for", () => {
  const q = Book.where("title", "startsWith", "Z");
  const z = Book.create({ title: "Zed", year: 2050 });
  eq(q.pluck("title"), ["Zed"]);
  z.destroy();
  eq(q.count(), 0);
  const seen = [];
  const q2 = Book.where((b) => { seen.push(b.id); return true; }).limit(2);
  eq(seen.length, 0);
  q2.toArray();
  assert(seen.length >= 2, "the predicate ran when the results were asked for");
});

test("operators", () => {
  eq(Book.where("year", "between", [1986, 1987]).pluck("title"), ["Beloved", "Atonement"]);
  eq(Book.where({ year: { gte: 1995, lt: 1997 } }).pluck("year"), [1995, 1996]);
  eq(Book.where({ year: { lte: 1985 } }).pluck("title"), ["Anathem"]);
  eq(Book.where("title", "in", ["Emma", "Dune", "Nope"]).orderBy("title").pluck("title"), ["Dune", "Emma"]);
  eq(Book.where({ genre: { ne: "sf" }, year: { lt: 1988 } }).pluck("title"), ["Beloved", "Atonement"]);
  eq(Book.where("title", "endsWith", "ma").pluck("title"), ["Emma"]);
  eq(Book.where("title", "contains", "rc").pluck("title"), ["Arcadia"]);
  eq(Book.where("title", "match", /^B/).pluck("title"), ["Beloved", "Babel"]);
  eq(Book.where("year", ">", 1995).count(), 1);
  eq(Book.where("genre", "nin", ["sf", "lit"]).count(), 4);
  eq(Book.where("genre", "exists", true).count(), 12);
  eq(Book.where("title", "Dune").first().year, 1992);
  eq(Book.where({ id: 3 }).first().title, "Atonement");
});

test("orderBy on several fields and directions", () => {
  eq(Book.orderBy("genre").orderBy("year", "desc").limit(3).pluck("title"), ["Azure", "Arcadia", "Babel"]);
  eq(Book.orderBy("pages", "DESC").first().title, "Azure");
  throws(() => Book.orderBy("year", "up"), "TypeError");
  throws(() => Book.orderBy("nope"), "TypeError");
});

test("count, pluck, sum, min, max, avg", () => {
  eq(Book.count(), 12);
  eq(Book.where({ genre: "sf" }).count(), 4);
  eq(Book.where({ genre: "sf" }).pluck("title", "year"), [["Anathem", 1985], ["Carrie", 1988], ["Akira", 1991], ["Emma", 1994]]);
  eq(Book.sum("pages"), 12 * 100 + 10 * 66);
  eq(Book.where({ genre: "lit" }).min("year"), 1986);
  eq(Book.max("year"), 1996);
  eq(Book.where({ genre: "horror" }).avg("pages"), (120 + 150 + 180 + 210) / 4);
  eq(Book.where({ genre: "none" }).avg("pages"), null);
  eq(Book.where({ genre: "none" }).max("pages"), null);
  throws(() => Book.sum("title"), "TypeError");
  throws(() => Book.sum("nope"), "TypeError");
});

test("groupBy", () => {
  const g = Book.groupBy("genre");
  assert(g instanceof Map, "a Map");
  eq(Array.from(g.keys()).sort(), ["horror", "lit", "sf"]);
  eq(g.get("lit").map((b) => b.title), ["Beloved", "Amok", "Dune", "Alif"]);
  const counts = Book.where({ year: { lt: 1990 } }).groupBy("genre", (l) => l.length);
  eq(Array.from(counts), [["sf", 2], ["lit", 2], ["horror", 1]]);
});

test("for-of iterates the results", () => {
  const seen = [];
  for (const b of Book.where({ genre: "sf" }).orderBy("year", "desc")) seen.push(b.title);
  eq(seen, ["Emma", "Akira", "Carrie", "Anathem"]);
  let n = 0;
  for (const b of Book) { assert(db.isRecord(b)); n++; }
  eq(n, 12);
  eq([...Book.where({ year: 1985 })].length, 1);
});

test("explain shows the index or the scan", () => {
  const ix = Book.where({ year: 1990 }).explain();
  eq([ix.type, ix.index, ix.candidates], ["hash", "Book(year) ordered", 1]);
  const r = Book.where({ year: { gt: 1990, lte: 1993 } }).explain();
  eq([r.type, r.index, r.candidates], ["range", "Book(year) ordered", 3]);
  const s = Book.where({ pages: 150 }).explain();
  eq([s.type, s.index], ["scan", null]);
  eq(Book.where({ year: 1990 }).scan().explain().type, "scan");
  eq(Book.where({ year: 1990 }).scan().pluck("title"), Book.where({ year: 1990 }).pluck("title"));
  eq(Book.where({ id: 2 }).explain().type, "id");
  eq(Book.where("year", "in", [1985, 1986]).explain().type, "in");
  eq(Book.where({ year: { gt: 1990 } }).orderBy("year", "desc").limit(2).explain().conditions, ["year gt 1990"]);
});

test("bulk update and destroyAll through a query", () => {
  const n = Book.where({ genre: "horror" }).update({ pages: 1 });
  eq(n, 4);
  eq(Book.where({ pages: 1 }).count(), 4);
  throws(() => Book.where({ genre: "horror" }).update({ pages: "x" }), "ValidationError");
  eq(Book.where({ pages: 1 }).count(), 4);
  const C = db.model("Crumb", { n: "integer" });
  for (let i = 0; i < 5; i++) C.create({ n: i });
  eq(C.where({ n: { gte: 3 } }).destroyAll(), 2);
  eq(C.pluck("n"), [0, 1, 2]);
  eq(C.destroyAll(), 3);
  eq(C.count(), 0);
});

test("bad queries get clear errors", () => {
  throws(() => Book.where("year", "around", 3), "TypeError");
  throws(() => Book.where({ nope: 1 }), "TypeError");
  throws(() => Book.where("year", "in", 3), "TypeError");
  throws(() => Book.where(42), "TypeError");
  throws(() => Book.limit(-1), "RangeError");
  throws(() => Book.offset(1.5), "RangeError");
  throws(() => Book.where("title", "match", "x"), "TypeError");
});
