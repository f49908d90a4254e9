// Buddhist-Era dates for entry and display. Dates travel to Rust as ISO (Gregorian)
// strings; people only ever see and type Buddhist-Era years.

export const MONTHS_TH = [
  "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
  "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
] as const;
export const MONTHS_TH_SHORT = [
  "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
] as const;
const MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;

export type DateProblem = "date_invalid" | "date_in_future" | "date_too_old";
export type ParsedDate = { ok: true; iso: string } | { ok: false; problem: DateProblem };

const pad = (n: number) => String(n).padStart(2, "0");

function thaiToAsciiDigits(s: string): string {
  return s.replace(/[๐-๙]/g, (c) => String(c.charCodeAt(0) - 0x0e50));
}

/** Parses `d/m/yyyy` with a Buddhist-Era year (also `-` or `.` separators, Thai digits). */
export function parseBeDate(input: string): ParsedDate {
  const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(thaiToAsciiDigits(input.trim()));
  if (!m) return { ok: false, problem: "date_invalid" };
  const d = Number(m[1]);
  const mo = Number(m[2]);
  const be = Number(m[3]);
  if (be < 2400 || be > 2700) return { ok: false, problem: "date_invalid" };
  const y = be - 543;
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) {
    return { ok: false, problem: "date_invalid" };
  }
  return { ok: true, iso: `${y}-${pad(mo)}-${pad(d)}` };
}

/** A birth date: a real date, not in the future, not more than 130 years ago. */
export function parseBirthDate(input: string, todayIso: string): ParsedDate {
  const p = parseBeDate(input);
  if (!p.ok) return p;
  if (p.iso > todayIso) return { ok: false, problem: "date_in_future" };
  if (Number(todayIso.slice(0, 4)) - Number(p.iso.slice(0, 4)) > 130) return { ok: false, problem: "date_too_old" };
  return p;
}

function parts(iso: string): [number, number, number] {
  const [y, m, d] = iso.split("-").map(Number);
  return [y ?? 0, m ?? 1, d ?? 1];
}

/** `5/3/2510` — the form the date inputs use. */
export function isoToBeInput(iso: string): string {
  const [y, m, d] = parts(iso);
  return `${d}/${m}/${y + 543}`;
}

/** `5 มี.ค. 2510` (Thai) or `5 Mar 2510 BE` (English). */
export function formatBe(iso: string | null | undefined, lang: "th" | "en" = "th"): string {
  if (!iso) return "–";
  const [y, m, d] = parts(iso.slice(0, 10));
  return lang === "th" ? `${d} ${MONTHS_TH_SHORT[m - 1]} ${y + 543}` : `${d} ${MONTHS_EN[m - 1]} ${y + 543} BE`;
}

/** `5 มีนาคม 2510` — the official long style. */
export function formatBeLong(iso: string): string {
  const [y, m, d] = parts(iso);
  return `${d} ${MONTHS_TH[m - 1]} ${y + 543}`;
}

/** Today's date in Asia/Bangkok (UTC+7, no daylight saving) as ISO. */
export function todayBangkokIso(now: Date = new Date()): string {
  const t = new Date(now.getTime() + 7 * 3600 * 1000);
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** Age in completed years on `onIso`. */
export function ageOn(birthIso: string, onIso: string): number {
  const [by, bm, bd] = parts(birthIso);
  const [y, m, d] = parts(onIso);
  let age = y - by;
  if (m < bm || (m === bm && d < bd)) age -= 1;
  return Math.max(0, age);
}

/** A stored UTC timestamp as Bangkok date (Buddhist Era) and time: `23 พ.ย. 2569 10:47`. */
export function formatBeDateTime(iso: string | null | undefined, lang: "th" | "en" = "th"): string {
  if (!iso) return "";
  const local = new Date(new Date(iso).getTime() + 7 * 3600 * 1000).toISOString();
  return `${formatBe(local.slice(0, 10), lang)} ${local.slice(11, 16)}`;
}
