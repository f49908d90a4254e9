import { describe, expect, it } from "vitest";
import { ageOn, formatBe, formatBeLong, isoToBeInput, parseBeDate, parseBirthDate, todayBangkokIso } from "./thaiDate";

describe("Buddhist-Era date entry", () => {
  it("parses day/month/BE year in several spellings", () => {
    expect(parseBeDate("5/3/2510")).toEqual({ ok: true, iso: "1967-03-05" });
    expect(parseBeDate(" 05-03-2510 ")).toEqual({ ok: true, iso: "1967-03-05" });
    expect(parseBeDate("๒๓/๑๑/๒๕๖๙")).toEqual({ ok: true, iso: "2026-11-23" });
  });
  it("refuses impossible dates and Gregorian years instead of guessing", () => {
    expect(parseBeDate("31/2/2567").ok).toBe(false);
    expect(parseBeDate("29/2/2566").ok).toBe(false);
    expect(parseBeDate("29/2/2567").ok).toBe(true);
    expect(parseBeDate("5/3/1967")).toEqual({ ok: false, problem: "date_invalid" });
    expect(parseBeDate("yesterday").ok).toBe(false);
  });
  it("refuses birth dates in the future or implausibly old", () => {
    expect(parseBirthDate("24/11/2569", "2026-11-23")).toEqual({ ok: false, problem: "date_in_future" });
    expect(parseBirthDate("1/1/2380", "2026-11-23").ok).toBe(false);
    expect(parseBirthDate("1/1/2400", "2026-11-23")).toEqual({ ok: false, problem: "date_too_old" });
  });
  it("formats in Thai and English with the BE year", () => {
    expect(formatBe("2026-11-23")).toBe("23 พ.ย. 2569");
    expect(formatBe("2026-11-23", "en")).toBe("23 Nov 2569 BE");
    expect(formatBeLong("2026-11-23")).toBe("23 พฤศจิกายน 2569");
    expect(isoToBeInput("1967-03-05")).toBe("5/3/2510");
    expect(formatBe(null)).toBe("–");
  });
  it("knows today in Bangkok, which is UTC+7", () => {
    expect(todayBangkokIso(new Date("2026-12-31T17:30:00Z"))).toBe("2027-01-01");
    expect(todayBangkokIso(new Date("2026-12-31T16:59:59Z"))).toBe("2026-12-31");
  });
  it("computes age in completed years", () => {
    expect(ageOn("1954-11-24", "2026-11-23")).toBe(71);
    expect(ageOn("1954-11-23", "2026-11-23")).toBe(72);
  });
});
