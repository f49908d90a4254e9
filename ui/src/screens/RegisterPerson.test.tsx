// Form logic of "register a person" with the backend faked: what is refused before any
// call, and what is sent when the form is valid.
import { act } from "react";
import { createRoot, type Root } from "react-dom/client";
import { createMemoryRouter, RouterProvider } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { NewPerson } from "../bindings/NewPerson";

const registerPerson = vi.fn<(p: NewPerson) => Promise<unknown>>();
const searchPlaces = vi.fn((q: string) =>
  Promise.resolve(
    q.includes("กร่าง")
      ? [{ subdistrict_code: "650102", label_th: "ต.บ้านกร่าง อ.เมืองพิษณุโลก จ.พิษณุโลก", label_en: "Ban Krang", postcodes: ["65000"] }]
      : [],
  ),
);
vi.mock("../lib/backend", async (orig) => {
  const real = await orig<typeof import("../lib/backend")>();
  return {
    ...real,
    backend: {
      registerPerson: (p: NewPerson) => registerPerson(p),
      searchPeople: () => Promise.resolve([]),
      searchPlaces: (q: string) => searchPlaces(q),
    },
  };
});

const { RegisterPerson } = await import("./RegisterPerson");

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root;
let router: ReturnType<typeof createMemoryRouter>;
let host: HTMLDivElement;
const go = vi.fn();

beforeEach(() => {
  registerPerson.mockReset();
  go.mockReset();
  host = document.createElement("div");
  document.body.appendChild(host);
  root = createRoot(host);
  // The screen lives in the app's router (its unsaved-input guard needs one).
  router = createMemoryRouter(
    [
      { path: "/register", element: <RegisterPerson go={go} /> },
      { path: "/cases", element: <p id="case-list">cases</p> },
    ],
    { initialEntries: ["/register"] },
  );
  act(() => root.render(<RouterProvider router={router} />));
});
afterEach(() => {
  act(() => root.unmount());
  host.remove();
});

function type(name: string, value: string) {
  const el = host.querySelector<HTMLInputElement | HTMLTextAreaElement>(`[name="${name}"]`);
  if (!el) throw new Error(`no field ${name}`);
  const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  act(() => {
    Object.getOwnPropertyDescriptor(proto, "value")?.set?.call(el, value);
    el.dispatchEvent(new Event("input", { bubbles: true }));
  });
}

async function submit() {
  await act(async () => {
    host.querySelector<HTMLFormElement>("#register-form")?.requestSubmit();
  });
}

describe("register a person", () => {
  it("shows the Thai checksum message under the ID and sends nothing", async () => {
    type("title", "นาง");
    type("first_name", "สมศรี");
    type("last_name", "ใจงาม");
    type("citizen_id", "1112034563563");
    expect(host.querySelector(".field-invalid .error")?.textContent).toContain("เลขตรวจสอบหลักสุดท้ายไม่ตรง");
    await submit();
    expect(registerPerson).not.toHaveBeenCalled();
  });

  it("formats the ID while typing and confirms a valid one", () => {
    type("citizen_id", "1112034563562");
    const input = host.querySelector<HTMLInputElement>('[name="citizen_id"]');
    expect(input?.value).toBe("1-1120-34563-56-2");
    expect(host.textContent).toContain("เลขถูกต้อง");
  });

  it("refuses a birth date in the future before any call", async () => {
    type("citizen_id", "1112034563562");
    type("birth_date", "1/1/2700");
    await submit();
    expect(host.textContent).toContain("วันที่ต้องไม่เป็นวันในอนาคต");
    expect(registerPerson).not.toHaveBeenCalled();
  });

  it("sends a valid person with the birth date converted from the Buddhist Era", async () => {
    registerPerson.mockResolvedValue({ id: "p1" });
    type("title", "นาง");
    type("first_name", "สมศรี");
    type("last_name", "ใจงาม");
    type("citizen_id", "1112034563562");
    type("birth_date", "5/3/2490");
    await submit();
    expect(registerPerson).toHaveBeenCalledTimes(1);
    const sent = registerPerson.mock.calls[0]?.[0];
    expect(sent?.identity).toEqual({ kind: "citizen_id", number: "1-1120-34563-56-2" });
    expect(sent?.birth_date).toBe("1947-03-05");
    expect(go).toHaveBeenCalledWith({ kind: "person", id: "p1", flash: "ลงทะเบียนแล้ว" });
  });

  it("puts field errors from the core next to their field", async () => {
    registerPerson.mockRejectedValue({
      code: "invalid",
      message_th: "มีบุคคลที่ใช้เลขประจำตัวประชาชนนี้ในระบบแล้ว",
      message_en: "taken",
      fields: [{ field: "identity", problem: "citizen_id_taken", message_th: "มีบุคคลที่ใช้เลขประจำตัวประชาชนนี้ในระบบแล้ว", message_en: "taken" }],
    });
    type("title", "นาง");
    type("first_name", "สมศรี");
    type("last_name", "ใจงาม");
    type("citizen_id", "1112034563562");
    await submit();
    const err = host.querySelector(".field-invalid .error");
    expect(err?.textContent).toBe("มีบุคคลที่ใช้เลขประจำตัวประชาชนนี้ในระบบแล้ว");
  });
});

describe("the address picker", () => {
  it("finds a sub-district by typing Thai, picks it with Enter and sends its code and postcode", async () => {
    vi.useFakeTimers();
    registerPerson.mockResolvedValue({ id: "p2" });
    type("title", "นาย");
    type("first_name", "ประยูร");
    type("last_name", "ศรีสวัสดิ์");
    type("citizen_id", "1112034563562");
    type("place_search", "บ้านกร่าง");
    await act(async () => {
      vi.advanceTimersByTime(200);
    });
    vi.useRealTimers();
    const input = host.querySelector<HTMLInputElement>('[name="place_search"]');
    expect(host.querySelector('[role="option"]')?.textContent).toContain("ต.บ้านกร่าง");
    act(() => {
      input?.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    });
    expect(host.querySelector('[data-testid="picked-place"]')?.textContent).toBe("ต.บ้านกร่าง อ.เมืองพิษณุโลก จ.พิษณุโลก");
    await submit();
    const sent = registerPerson.mock.calls[0]?.[0];
    expect(sent?.subdistrict_code).toBe("650102");
    expect(sent?.postcode).toBe("65000");
  });
});

describe("unsaved input is never thrown away without asking", () => {
  it("asks before leaving a half-filled registration; staying keeps what was typed", async () => {
    type("first_name", "สมศรี");
    type("last_name", "ใจงาม");
    await act(async () => {
      await router.navigate("/cases");
    });
    expect(host.querySelector('[data-testid="unsaved-dialog"]')).not.toBeNull();
    expect(router.state.location.pathname).toBe("/register");
    await act(async () => {
      host.querySelector<HTMLButtonElement>("#unsaved-stay")?.click();
    });
    expect(host.querySelector('[data-testid="unsaved-dialog"]')).toBeNull();
    expect(host.querySelector<HTMLInputElement>('[name="first_name"]')?.value).toBe("สมศรี");
    await act(async () => {
      await router.navigate("/cases");
    });
    await act(async () => {
      host.querySelector<HTMLButtonElement>("#unsaved-leave")?.click();
    });
    expect(router.state.location.pathname).toBe("/cases");
  });

  it("an empty form leaves without a question", async () => {
    await act(async () => {
      await router.navigate("/cases");
    });
    expect(router.state.location.pathname).toBe("/cases");
  });

  it("leaves without a question after saving", async () => {
    registerPerson.mockResolvedValue({ id: "p1" });
    type("title", "นาง");
    type("first_name", "สมศรี");
    type("last_name", "ใจงาม");
    type("citizen_id", "1112034563562");
    await submit();
    expect(go).toHaveBeenCalledWith(expect.objectContaining({ kind: "person", id: "p1" }));
  });
});
