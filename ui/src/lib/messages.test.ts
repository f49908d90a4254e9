// One i18n mechanism: every sentence the UI shows is a key of the Thai catalogue with its
// English twin, read with t(key). The compiler already refuses a key missing from either
// catalogue; this test also refuses empty texts, placeholders that differ between the two
// languages, and any screen that brings strings of its own (a per-file dictionary, an
// inline L(th, en) helper, or a lang === "th" ? "…" : "…" choice).
import { describe, expect, it } from "vitest";
import { en } from "./messages.en";
import { th } from "./messages.th";

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("the catalogues", () => {
  it("have the same keys, none empty, the Thai one in Thai", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(th).sort());
    for (const [k, v] of Object.entries(th)) {
      expect(v.trim(), k).not.toBe("");
      expect(en[k as keyof typeof th].trim(), k).not.toBe("");
      // The language switch is the one text that names the other language.
      if (k !== "langSwitch") expect(/[\u0E00-\u0E7F]/.test(v), `${k} is not Thai: ${v}`).toBe(true);
    }
  });

  it("use the same placeholders in both languages", () => {
    for (const [k, v] of Object.entries(th)) {
      expect(placeholders(en[k as keyof typeof th]), k).toEqual(placeholders(v));
    }
  });
});

describe("screens", () => {
  const sources = import.meta.glob(["../screens/*.tsx", "./*.tsx", "../App.tsx", "!**/*.test.tsx", "!./i18n.tsx"], {
    query: "?raw",
    import: "default",
    eager: true,
  }) as Record<string, string>;

  it("were all read", () => {
    expect(Object.keys(sources).length).toBeGreaterThan(25);
  });

  it("bring no strings of their own", () => {
    for (const [file, src] of Object.entries(sources)) {
      expect(src, `${file}: a per-file dictionary`).not.toMatch(/satisfies Record<string, \[string, string\]>/);
      expect(src, `${file}: an inline L(th, en) helper`).not.toMatch(/const L = \(th: string, en: string\)/);
      expect(src, `${file}: a Thai/English choice in code`).not.toMatch(/lang === "th" \? ["`']/);
    }
  });
});
