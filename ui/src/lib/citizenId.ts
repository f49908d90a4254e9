// Live feedback for the 13-digit citizen ID while typing. The Rust core checks again
// on save and is the authority; this only saves the case worker a round trip.

export type IdProblem = "citizen_id_length" | "citizen_id_not_digits" | "citizen_id_checksum" | "citizen_id_invalid";

export function digitsOnly(input: string): string | null {
  const s = input.replace(/[๐-๙]/g, (c) => String(c.charCodeAt(0) - 0x0e50)).replace(/[-\s]/g, "");
  return /^\d*$/.test(s) ? s : null;
}

export function checkCitizenId(input: string): IdProblem | null {
  const d = digitsOnly(input);
  if (d === null) return "citizen_id_not_digits";
  if (d.length !== 13) return "citizen_id_length";
  const n = [...d].map(Number);
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += (n[i] ?? 0) * (13 - i);
  if ((11 - (sum % 11)) % 10 !== n[12]) return "citizen_id_checksum";
  if (n[0] === 9 || n.slice(0, 12).every((x) => x === n[0])) return "citizen_id_invalid";
  return null;
}

/** Shows digits in the printed layout `X-XXXX-XXXXX-XX-X` as they are typed. */
export function formatCitizenIdInput(input: string): string {
  const d = digitsOnly(input);
  if (d === null) return input;
  const groups = [1, 4, 5, 2, 1];
  const out: string[] = [];
  let i = 0;
  for (const g of groups) {
    if (i >= d.length) break;
    out.push(d.slice(i, i + g));
    i += g;
  }
  return out.join("-");
}
