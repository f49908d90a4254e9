// The form renderer with the backend faked: it draws whatever the definition says, hides
// fields whose condition is not met, counts what is missing per section, shows hostile text
// as text, and autosaves after typing.
import { act } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { FactFinding } from "../bindings/FactFinding";
import type { FormDefinition } from "../bindings/FormDefinition";

const definition: FormDefinition = {
  form_id: "fact_finding",
  version: 3,
  title_th: "แบบทดสอบ",
  title_en: "Test form",
  sections: [
    {
      key: "applicant",
      title_th: "ผู้ยื่นคำร้อง",
      title_en: "Applicant",
      fields: [
        {
          key: "applicant.kind",
          type: "choice",
          label_th: "ผู้ยื่น",
          label_en: "Who",
          required: true,
          choices: [
            { value: "self", th: "ยื่นเอง", en: "Self" },
            { value: "proxy", th: "ยื่นแทน", en: "Proxy" },
          ],
        },
        { key: "applicant.proxy_name", type: "text", label_th: "ชื่อผู้ยื่นแทน", label_en: "Proxy", required: true, show_if: { field: "applicant.kind", equals: "proxy" } },
      ],
    },
    {
      key: "problems",
      title_th: "ปัญหา",
      title_en: "Problems",
      fields: [{ key: "problems.details", type: "long_text", label_th: "รายละเอียด", label_en: "Details", required: true }],
    },
  ],
};

const hostile = '<script>window.pwned = true</script><img src=x onerror="window.pwned = true">';
const saveFactFinding = vi.fn((_id: string, answers: Record<string, unknown>) => Promise.resolve(form(answers)));

function form(answers: Record<string, unknown>): FactFinding {
  return {
    case_id: "c1",
    person_id: "p1",
    definition,
    answers,
    status: "draft",
    revision: 1,
    updated_at: "2026-11-23T03:00:00Z",
    submitted_at: null,
    progress: [],
    attachments: [],
    household: null,
    problems: [],
  };
}

vi.mock("../lib/backend", async (orig) => {
  const real = await orig<typeof import("../lib/backend")>();
  return {
    ...real,
    backend: {
      factFinding: () => Promise.resolve(form({ "applicant.kind": "self", "problems.details": hostile })),
      saveFactFinding: (id: string, a: Record<string, unknown>) => saveFactFinding(id, a),
    },
  };
});

const { FactFindingForm, missingBySection, visible } = await import("./FactFindingForm");

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

function must<T>(x: T | null | undefined): T {
  if (x === null || x === undefined) throw new Error("missing");
  return x;
}

let root: Root;
let host: HTMLDivElement;

beforeEach(async () => {
  vi.useFakeTimers({ shouldAdvanceTime: true });
  saveFactFinding.mockClear();
  host = document.createElement("div");
  document.body.appendChild(host);
  root = createRoot(host);
  await act(async () => {
    root.render(<FactFindingForm caseId="c1" go={() => undefined} />);
    await Promise.resolve();
  });
});
afterEach(() => {
  act(() => root.unmount());
  host.remove();
  vi.useRealTimers();
});

describe("definition logic", () => {
  it("shows a conditional field only when its condition holds", () => {
    const proxyName = must(must(definition.sections[0]).fields[1]);
    expect(visible(definition, proxyName, { "applicant.kind": "self" })).toBe(false);
    expect(visible(definition, proxyName, { "applicant.kind": "proxy" })).toBe(true);
  });
  it("counts missing required, visible fields per section", () => {
    expect(missingBySection(definition, {})).toEqual({ applicant: 1, problems: 1 });
    expect(missingBySection(definition, { "applicant.kind": "proxy" })).toEqual({ applicant: 1, problems: 1 });
    expect(missingBySection(definition, { "applicant.kind": "proxy", "applicant.proxy_name": "นายก", "problems.details": "x" })).toEqual({ applicant: 0, problems: 0 });
  });
});

describe("rendering", () => {
  it("renders the sections of the definition with completeness marks", () => {
    const nav = host.querySelectorAll(".ff-nav-item");
    expect(nav).toHaveLength(2);
    expect(must(nav[0]).textContent).toContain("ผู้ยื่นคำร้อง");
    expect(must(nav[0]).classList.contains("complete")).toBe(true);
    expect(host.querySelector('[name="applicant.proxy_name"]')).toBeNull();
  });

  it("shows hostile text as text, never as markup", async () => {
    await act(async () => {
      must(host.querySelector<HTMLButtonElement>("#ff-next")).click();
      await Promise.resolve();
    });
    const area = must(host.querySelector<HTMLTextAreaElement>('[name="problems.details"]'));
    expect(area.value).toBe(hostile);
    expect(host.querySelector("script")).toBeNull();
    expect(host.querySelector("img")).toBeNull();
    expect((window as { pwned?: boolean }).pwned).toBeUndefined();
  });

  it("autosaves shortly after a change, with every answer", async () => {
    const select = must(host.querySelector<HTMLSelectElement>('[name="applicant.kind"]'));
    await act(async () => {
      select.value = "proxy";
      select.dispatchEvent(new Event("change", { bubbles: true }));
      await Promise.resolve();
    });
    expect(host.querySelector('[name="applicant.proxy_name"]')).not.toBeNull();
    expect(saveFactFinding).not.toHaveBeenCalled();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(700);
    });
    expect(saveFactFinding).toHaveBeenCalledTimes(1);
    expect(must(saveFactFinding.mock.calls[0])[1]).toEqual({ "applicant.kind": "proxy", "problems.details": hostile });
  });
});
