import { describe, expect, it } from "vitest";
import { checkCitizenId, formatCitizenIdInput } from "./citizenId";

describe("citizen ID live check", () => {
  it("accepts valid IDs from the domain reference, in any layout", () => {
    for (const id of ["1112034563562", "1101700203123", "3100600182731", "1-1120-34563-56-2", "๑๑๑๒๐๓๔๕๖๓๕๖๒"]) {
      expect(checkCitizenId(id)).toBeNull();
    }
  });
  it("names the problem", () => {
    expect(checkCitizenId("1112034563563")).toBe("citizen_id_checksum");
    expect(checkCitizenId("11120")).toBe("citizen_id_length");
    expect(checkCitizenId("11120a")).toBe("citizen_id_not_digits");
    expect(checkCitizenId("0000000000001")).toBe("citizen_id_invalid");
  });
  it("formats while typing", () => {
    expect(formatCitizenIdInput("11120345")).toBe("1-1120-345");
    expect(formatCitizenIdInput("1112034563562")).toBe("1-1120-34563-56-2");
    expect(formatCitizenIdInput("1-1120-34563-56-2")).toBe("1-1120-34563-56-2");
  });
});
