"use strict";
// Schema versions and migrations of existing records.
const db = require("ken/model");

const v1 = { name: { type: "string", required: true }, year: "integer" };
let Book = db.model("Book", v1, { indexes: ["year"] });
const dune = Book.create({ name: "Dune", year: 1965 });
Book.create({ name: "Emma", year: 1815 });

test("declaring the same version again returns the same model", () => {
  eq(db.model("Book", v1, { indexes: ["year"] }) === Book, true);
  eq(Book.version, 1);
  throws(() => db.model("Book", { name: "string" }), { code: "definition" });
  throws(() => db.model("Book", v1, { version: 0 }), { code: "definition" });
});

test("a newer version migrates every record; identities, references and indexes follow", () => {
  const keep = [dune];
  const B2 = db.model("Book", {
    title: { type: "string", required: true },
    year: "integer",
    century: { type: "integer", required: true },
    tags: { type: "array", default: () => [] },
  }, {
    version: 2,
    indexes: ["century", ["century", "year"]],
    migrate(old, rec) { rec.title = old.name; rec.century = Math.floor(old.year / 100) + 1; },
  });
  eq(B2 === Book, true);
  eq(Book.version, 2);
  eq(Book.fields, ["title", "year", "century", "tags"]);
  eq(keep[0] === Book.find(dune.id), true);
  eq([dune.title, dune.century, dune.tags, dune.name], ["Dune", 20, [], undefined]);
  eq(Book.where({ century: 19 }).pluck("title"), ["Emma"]);
  eq(Book.where({ century: 19 }).explain().type, "hash");
  eq(Book.where({ year: 1965 }).explain().type, "scan");
  throws(() => Book.create({ name: "old field" }), "ValidationError");
  Book.create({ title: "New", year: 2001, century: 21 });
});

test("a migration that throws leaves the old version intact", () => {
  const e = throws(() => db.model("Book", { title: "string" }, {
    version: 3, migrate(old, rec) { if (old.year < 1900) throw new Error("too old"); rec.title = old.title.toUpperCase(); },
  }), "MigrationError");
  eq([e.code, e.model, e.fromVersion, e.toVersion, e.id, e.cause.message], ["migration", "Book", 2, 3, 2, "too old"]);
  eq(Book.version, 2);
  eq(dune.title, "Dune");
  eq(Book.where({ century: 20 }).first() === dune, true);
  Book.create({ title: "still v2", year: 1, century: 1 });
});

test("a migration whose result fails validation or uniqueness leaves the old version intact", () => {
  const e = throws(() => db.model("Book", { title: "string", century: { type: "string" } }, { version: 3 }), "MigrationError");
  eq(e.cause.name, "ValidationError");
  eq(codes(e.cause), ["century:type"]);
  const twin = Book.create({ title: "Twin", year: 1966, century: 20 });
  const u = throws(() => db.model("Book", { title: "string", century: { type: "integer", unique: true } }, { version: 3 }), "MigrationError");
  eq(u.cause.name, "UniqueError");
  eq(Book.version, 2);
  eq(typeof dune.century, "number");
  throws(() => db.model("Book", v1, { version: 1 }), { code: "definition" });
  twin.destroy();
});

test("migrate may return a fresh object", () => {
  db.model("Book", { title: "string", decade: "integer" }, { version: 3, migrate: (old) => ({ title: old.title, decade: Math.floor((old.year || 0) / 10) * 10 }) });
  eq([dune.title, dune.decade], ["Dune", 1960]);
  eq(Book.count(), 4);
});
