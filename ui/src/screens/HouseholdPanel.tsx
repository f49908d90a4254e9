// The family handbook of one person: their current household with each member's
// relationship to the head, the history of who left or died, and adding a member — someone
// already registered (search) or a new person registered on the spot.
import { useEffect, useState, type FormEvent } from "react";
import type { Household } from "../bindings/Household";
import type { HouseholdMember } from "../bindings/HouseholdMember";
import type { MembershipEnd } from "../bindings/MembershipEnd";
import type { PersonSummary } from "../bindings/PersonSummary";
import type { Relationship } from "../bindings/Relationship";
import type { Sex } from "../bindings/Sex";
import { backend } from "../lib/backend";
import { checkCitizenId, digitsOnly } from "../lib/citizenId";
import { Banner, Field, useSubmit } from "../lib/forms";
import { localProblems, sexNames, useI18n } from "../lib/i18n";
import { formatBe, isoToBeInput, parseBeDate, parseBirthDate, todayBangkokIso } from "../lib/thaiDate";
import { reportFailure } from "../lib/failures";

export const relationshipNames: Record<Relationship, [string, string]> = {
  head: ["หัวหน้าครัวเรือน", "Head of household"],
  spouse: ["คู่สมรส", "Spouse"],
  child: ["บุตร", "Child"],
  parent: ["บิดา/มารดา", "Parent"],
  sibling: ["พี่/น้อง", "Sibling"],
  grandchild: ["หลาน", "Grandchild"],
  grandparent: ["ปู่ ย่า ตา ยาย", "Grandparent"],
  relative: ["ญาติ", "Relative"],
  other: ["ผู้อาศัยอื่น", "Other"],
};

const endNames: Record<MembershipEnd, [string, string]> = {
  left: ["ย้ายออก", "Left"],
  died: ["เสียชีวิต", "Died"],
};


function MemberRows({ members, onEnd, readOnly }: { members: HouseholdMember[]; onEnd: (m: HouseholdMember) => void; readOnly: boolean }) {
  const { t, pick, lang } = useI18n();
  return (
    <>
      {members.map((m) => (
        <tr key={m.id} className={m.ended_on ? "muted" : ""}>
          <td>
            {m.name}
            {m.death_date && (
              <>
                {" "}
                <span className="pill pill-died">✝ {t("householdPanel.died", { date: formatBe(m.death_date, lang) })}</span>
              </>
            )}
          </td>
          <td>{pick(relationshipNames[m.relationship])}</td>
          <td>{m.age ?? "–"}</td>
          <td>{formatBe(m.joined_on, lang)}</td>
          <td>{m.ended_on && m.end_reason ? `${pick(endNames[m.end_reason])} ${formatBe(m.ended_on, lang)}` : t("householdPanel.current")}</td>
          <td>
            {!m.ended_on && !readOnly && (
              <button type="button" className="link small" onClick={() => onEnd(m)}>
                {t("householdPanel.end")}
              </button>
            )}
          </td>
        </tr>
      ))}
    </>
  );
}

export function HouseholdPanel(props: { personId: string; household: Household | null; onChange: (h: Household) => void; readOnly?: boolean }) {
  const { t } = useI18n();
  const h = props.household;
  const [adding, setAdding] = useState(false);
  const [ending, setEnding] = useState<HouseholdMember | null>(null);
  const readOnly = props.readOnly ?? false;
  const current = h?.members.filter((m) => !m.ended_on) ?? [];
  const past = h?.members.filter((m) => m.ended_on) ?? [];

  return (
    <div className="household" id="household-panel">
      {!h ? (
        <>
          <p className="muted">{t("householdPanel.none")}</p>
          {!readOnly && <CreateHousehold personId={props.personId} onDone={props.onChange} />}
        </>
      ) : (
        <>
          {h.house_code && (
            <p className="muted">
              {t("householdPanel.houseCode")}: <span className="mono">{h.house_code}</span>
            </p>
          )}
          <table className="data" id="household-members">
            <thead>
              <tr>
                <th>{t("householdPanel.member")}</th>
                <th>{t("householdPanel.relationship")}</th>
                <th>{t("householdPanel.age")}</th>
                <th>{t("householdPanel.joined")}</th>
                <th>{t("householdPanel.status")}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              <MemberRows members={current} onEnd={setEnding} readOnly={readOnly} />
              {past.length > 0 && (
                <tr>
                  <th colSpan={6} className="small">
                    {t("householdPanel.history")}
                  </th>
                </tr>
              )}
              <MemberRows members={past} onEnd={setEnding} readOnly />
            </tbody>
          </table>
          {ending && (
            <EndMember
              member={ending}
              onCancel={() => setEnding(null)}
              onDone={(x) => {
                setEnding(null);
                props.onChange(x);
              }}
            />
          )}
          {!readOnly &&
            (adding ? (
              <AddMember
                household={h}
                onCancel={() => setAdding(false)}
                onDone={(x) => {
                  setAdding(false);
                  props.onChange(x);
                }}
              />
            ) : (
              <button type="button" id="add-member-button" onClick={() => setAdding(true)}>
                + {t("householdPanel.addMember")}
              </button>
            ))}
        </>
      )}
    </div>
  );
}

function CreateHousehold({ personId, onDone }: { personId: string; onDone: (h: Household) => void }) {
  const { t } = useI18n();
  const { busy, banner, fields, run } = useSubmit();
  const [code, setCode] = useState("");
  return (
    <div className="action-form">
      <Banner message={banner} />
      <div className="row">
        <Field label={t("householdPanel.houseCode")} error={fields.house_code}>
          {(p) => <input {...p} name="house_code" inputMode="numeric" maxLength={11} value={code} onChange={(e) => setCode(e.target.value)} />}
        </Field>
      </div>
      <button
        type="button"
        className="primary"
        id="create-household"
        disabled={busy}
        onClick={async () => {
          const h = await run(() => backend.createHousehold(personId, code, todayBangkokIso()));
          if (h) onDone(h);
        }}
      >
        {t("householdPanel.create")}
      </button>
    </div>
  );
}

function AddMember({ household, onCancel, onDone }: { household: Household; onCancel: () => void; onDone: (h: Household) => void }) {
  const { t, pick, lang } = useI18n();
  const { busy, banner, fields, setFields, run } = useSubmit();
  const [mode, setMode] = useState<"new" | "existing">("new");
  const [rel, setRel] = useState<Relationship>("spouse");
  const [joined, setJoined] = useState(isoToBeInput(todayBangkokIso()));
  const [query, setQuery] = useState("");
  const [results, setResults] = useState<PersonSummary[]>([]);
  const [chosen, setChosen] = useState<string | null>(null);
  const [np, setNp] = useState({ title: "", first: "", last: "", id: "", birth: "", sex: "female" as Sex });
  const setN = (k: keyof typeof np) => (e: { target: { value: string } }) => setNp({ ...np, [k]: e.target.value });

  useEffect(() => {
    if (mode !== "existing" || query.trim().length < 2) return;
    let live = true;
    const timer = setTimeout(() => {
      backend
        .searchPeople(query)
        .then((r) => {
          if (live) setResults(r);
        })
        .catch(reportFailure);
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [query, mode]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const today = todayBangkokIso();
    const j = parseBeDate(joined);
    const errs: Record<string, string> = {};
    if (!j.ok) errs.joined_on = pick(localProblems[j.problem] ?? ["", ""]);
    else if (j.iso > today) errs.joined_on = pick(localProblems.date_in_future ?? ["", ""]);
    let birthIso: string | null = null;
    if (mode === "new") {
      if (np.birth.trim()) {
        const b = parseBirthDate(np.birth, today);
        if (b.ok) birthIso = b.iso;
        else errs.birth_date = pick(localProblems[b.problem] ?? ["", ""]);
      }
      if (np.id.trim()) {
        const problem = checkCitizenId(np.id);
        if (problem) errs.identity = pick(localProblems[problem] ?? ["", ""]);
      }
    } else if (!chosen) {
      errs.person = t("householdPanel.pickOne");
    }
    if (Object.keys(errs).length > 0 || !j.ok) {
      setFields(errs);
      return;
    }
    const joinedOn = j.iso;
    const h = await run(async () => {
      let personId = chosen;
      if (mode === "new") {
        const digits = digitsOnly(np.id);
        const p = await backend.registerPerson({
          title: np.title,
          first_name: np.first,
          last_name: np.last,
          identity: digits ? { kind: "citizen_id", number: digits } : { kind: "no_id", reason: "unknown" },
          birth_date: birthIso,
          sex: np.sex,
          phone: "",
          address_text: "",
          subdistrict_code: null,
          postcode: null,
        });
        personId = p.id;
      }
      return backend.addHouseholdMember(household.id, { person_id: personId ?? "", relationship: rel, joined_on: joinedOn });
    });
    if (h) onDone(h);
  }

  return (
    <form className="action-form" onSubmit={submit} noValidate id="add-member-form">
      <Banner message={banner} />
      <div className="segmented" role="radiogroup">
        {(["new", "existing"] as const).map((m) => (
          <label key={m}>
            <input type="radio" name="member_mode" value={m} checked={mode === m} onChange={() => setMode(m)} />
            {t(m === "new" ? "householdPanel.newPerson" : "householdPanel.existing")}
          </label>
        ))}
      </div>
      {mode === "existing" ? (
        <Field label={t("householdPanel.search")} error={fields.person ?? fields.person_id}>
          {(p) => (
            <div>
              <input {...p} name="member_search" value={query} onChange={(e) => setQuery(e.target.value)} autoFocus maxLength={100} />
              <ul className="pick-list">
                {results.map((r) => (
                  <li key={r.id}>
                    <label>
                      <input type="radio" name="member_pick" checked={chosen === r.id} onChange={() => setChosen(r.id)} />
                      {r.display_name} · <span className="mono">{r.masked_id}</span> {r.birth_date ? `· ${formatBe(r.birth_date, lang)}` : ""}
                    </label>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </Field>
      ) : (
        <>
          <div className="row">
            <Field label={t("householdPanel.titleField")} error={fields.title}>
              {(p) => <input {...p} name="member_title" className="w-sm" value={np.title} onChange={setN("title")} list="member-titles" maxLength={40} autoFocus />}
            </Field>
            <datalist id="member-titles">
              {["นาย", "นาง", "นางสาว", "เด็กชาย", "เด็กหญิง"].map((x) => (
                <option key={x} value={x} />
              ))}
            </datalist>
            <Field label={t("householdPanel.firstName")} error={fields.first_name}>
              {(p) => <input {...p} name="member_first_name" value={np.first} onChange={setN("first")} maxLength={100} />}
            </Field>
            <Field label={t("householdPanel.lastName")} error={fields.last_name}>
              {(p) => <input {...p} name="member_last_name" value={np.last} onChange={setN("last")} maxLength={100} />}
            </Field>
          </div>
          <div className="row">
            <Field label={t("householdPanel.idOptional")} error={fields.identity}>
              {(p) => <input {...p} name="member_citizen_id" inputMode="numeric" value={np.id} onChange={setN("id")} maxLength={17} />}
            </Field>
            <Field label={t("householdPanel.birth")} error={fields.birth_date}>
              {(p) => <input {...p} name="member_birth_date" value={np.birth} onChange={setN("birth")} maxLength={10} placeholder="1/6/2558" />}
            </Field>
            <Field label={t("householdPanel.sex")}>
              {(p) => (
                <select {...p} name="member_sex" value={np.sex} onChange={setN("sex")}>
                  {(Object.keys(sexNames) as Sex[]).map((s) => (
                    <option key={s} value={s}>
                      {pick(sexNames[s])}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
        </>
      )}
      <div className="row">
        <Field label={t("householdPanel.relationship")} error={fields.relationship}>
          {(p) => (
            <select {...p} name="member_relationship" value={rel} onChange={(e) => setRel(e.target.value as Relationship)}>
              {(Object.keys(relationshipNames) as Relationship[]).map((r) => (
                <option key={r} value={r}>
                  {pick(relationshipNames[r])}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("householdPanel.joinedOn")} error={fields.joined_on}>
          {(p) => <input {...p} name="member_joined_on" value={joined} onChange={(e) => setJoined(e.target.value)} maxLength={10} />}
        </Field>
      </div>
      <div className="actions">
        <button type="button" onClick={onCancel}>
          {t("householdPanel.cancel")}
        </button>
        <button type="submit" className="primary" disabled={busy} id="add-member-submit">
          {t("householdPanel.save")}
        </button>
      </div>
    </form>
  );
}

function EndMember({ member, onCancel, onDone }: { member: HouseholdMember; onCancel: () => void; onDone: (h: Household) => void }) {
  const { t, pick } = useI18n();
  const { busy, banner, fields, setFields, run } = useSubmit();
  const [reason, setReason] = useState<MembershipEnd>("left");
  const [on, setOn] = useState(isoToBeInput(todayBangkokIso()));
  async function submit(e: FormEvent) {
    e.preventDefault();
    const d = parseBeDate(on);
    if (!d.ok) {
      setFields({ on: pick(localProblems[d.problem] ?? ["", ""]) });
      return;
    }
    const iso = d.iso;
    const h = await run(() => backend.endHouseholdMembership({ member_id: member.id, reason, on: iso }));
    if (h) onDone(h);
  }
  return (
    <form className="action-form" onSubmit={submit} noValidate>
      <Banner message={banner} />
      <p>
        <strong>{member.name}</strong>
      </p>
      <div className="row">
        <Field label={t("householdPanel.reason")}>
          {(p) => (
            <select {...p} name="end_reason" value={reason} onChange={(e) => setReason(e.target.value as MembershipEnd)} autoFocus>
              {(Object.keys(endNames) as MembershipEnd[]).map((r) => (
                <option key={r} value={r}>
                  {pick(endNames[r])}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("householdPanel.endOn")} error={fields.on}>
          {(p) => <input {...p} name="end_on" value={on} onChange={(e) => setOn(e.target.value)} maxLength={10} />}
        </Field>
      </div>
      <div className="actions">
        <button type="button" onClick={onCancel}>
          {t("householdPanel.cancel")}
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {t("householdPanel.save")}
        </button>
      </div>
    </form>
  );
}
