// The simulator's QBO query language: parsing, escaping, operators, paging limits.
import { describe, expect, it } from "vitest";
import { QueryParseError, matches, parseQuery } from "../../workers/sandbox/simulators/quickbooks-online/query";
import { quote } from "../../workers/connectors/destinations/quickbooks-online/api";

describe("QBO query language (simulator)", () => {
  it("parses select, where with AND, IN, comparison, STARTPOSITION and MAXRESULTS", () => {
    const q = parseQuery("SELECT * FROM SalesReceipt WHERE DocNumber = 'A-1' AND MetaData.LastUpdatedTime >= '2026-05-01T00:00:00-00:00' STARTPOSITION 11 MAXRESULTS 5");
    expect(q).toMatchObject({ count: false, entity: "SalesReceipt", startPosition: 11, maxResults: 5 });
    expect(q.where.map((w) => w.op)).toEqual(["=", ">="]);
    expect(parseQuery("select count(*) from Invoice").count).toBe(true);
    expect(parseQuery("select * from Item where Sku in ('a', 'b')").where[0]).toMatchObject({ op: "IN", values: ["a", "b"] });
    expect(parseQuery("select * from Item MAXRESULTS 5000").maxResults).toBe(1000);
  });

  it("round-trips the connector's quoting of apostrophes and backslashes", () => {
    for (const name of ["O'Brien", "back\\slash", "زعتر 'بلدي'"]) {
      const q = parseQuery(`select * from Customer where DisplayName = ${quote(name)}`);
      expect(q.where[0]!.values).toEqual([name]);
      expect(matches({ DisplayName: name }, q.where[0]!)).toBe(true);
    }
  });

  it("compares references by value, e-mail by address, timestamps as instants", () => {
    const rec = { CustomerRef: { value: "7" }, PrimaryEmailAddr: { Address: "a@b.c" }, MetaData: { LastUpdatedTime: "2026-05-01T10:00:00-07:00" } };
    expect(matches(rec, parseQuery("select * from X where CustomerRef = '7'").where[0]!)).toBe(true);
    expect(matches(rec, parseQuery("select * from X where PrimaryEmailAddr = 'a@b.c'").where[0]!)).toBe(true);
    expect(matches(rec, parseQuery("select * from X where MetaData.LastUpdatedTime >= '2026-05-01T16:59:59Z'").where[0]!)).toBe(true);
    expect(matches(rec, parseQuery("select * from X where MetaData.LastUpdatedTime > '2026-05-01T17:00:00Z'").where[0]!)).toBe(false);
  });

  it("rejects what QBO does not support", () => {
    expect(() => parseQuery("select * from Item where Name = 'a' OR Name = 'b'")).toThrow(QueryParseError);
    expect(() => parseQuery("select * from Item where Name = 'unterminated")).toThrow(QueryParseError);
    expect(() => parseQuery("delete from Item")).toThrow(QueryParseError);
  });
});
