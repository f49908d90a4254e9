// Thai first, English second — one mechanism: every sentence the UI shows is a key of the
// Thai catalogue (messages.th.ts) with its English twin (messages.en.ts), read with
// t(key, vars). Labels of the enums that come from Rust are typed tables here
// (Record<Enum, [th, en]>, read with pick), so a new enum member without a label does not
// compile. messages.test.ts refuses screens that bring strings of their own.
import { createContext, useContext } from "react";
import type { CoreIssue } from "../bindings/CoreIssue";
import type { RequestChannel } from "../bindings/RequestChannel";
import type { ExpediteStep } from "../bindings/ExpediteStep";
import type { RequestStatus } from "../bindings/RequestStatus";
import type { FieldProblem } from "../bindings/FieldProblem";
import type { IntakeChannel } from "../bindings/IntakeChannel";
import type { Role } from "../bindings/Role";
import type { Sex } from "../bindings/Sex";
import type { NoIdReason } from "../bindings/NoIdReason";
import type { CaseStatus } from "../bindings/CaseStatus";
import type { Urgency } from "../bindings/Urgency";
import type { TargetGroup } from "../bindings/TargetGroup";
import type { ProblemDomain } from "../bindings/ProblemDomain";
import type { ClosureOutcome } from "../bindings/ClosureOutcome";
import type { Milestone } from "../bindings/Milestone";
import type { AssistanceForm } from "../bindings/AssistanceForm";
import type { DueState } from "../bindings/DueState";
import type { CorrectionBasis } from "../bindings/CorrectionBasis";
import type { RectificationDecision } from "../bindings/RectificationDecision";

import { en, type Catalogue } from "./messages.en";
import { th } from "./messages.th";

type Dict = Catalogue;

export type Lang = "th" | "en";
export type MessageKey = keyof Dict;
export const dictionaries: Record<Lang, Dict> = { th, en };

export const channelNames: Record<IntakeChannel, [string, string]> = {
  hotline1300: ["สายด่วน 1300", "Hotline 1300"],
  husec: ["ศรส. ส่งต่อ", "HuSEC transfer"],
  walk_in: ["มาติดต่อด้วยตนเอง", "Walk-in"],
  volunteer: ["อพม. แจ้ง", "Volunteer (อพม.)"],
  social_media: ["สื่อสังคมออนไลน์", "Social media"],
  news: ["ข่าว", "News"],
  inspection: ["ลงพื้นที่ตรวจพบ", "Inspection"],
  referral_in: ["หน่วยงานอื่นส่งต่อมา", "Referral in"],
};
export const roleNames: Record<Role, [string, string]> = {
  case_worker: ["ผู้ปฏิบัติงานรายกรณี", "Case worker"],
  supervisor: ["หัวหน้างาน", "Supervisor"],
  admin: ["ผู้ดูแลระบบ", "Administrator"],
};
export const correctionBasisNames: Record<CorrectionBasis, [string, string]> = {
  staff: ["เจ้าหน้าที่พบว่าข้อมูลผิดหรือเปลี่ยนไป", "Staff found the record wrong or out of date"],
  data_subject_request: ["เจ้าของข้อมูลขอให้แก้ไข (PDPA มาตรา 35–36)", "The person asked for a correction (PDPA §35–36)"],
};
export const rectificationDecisionNames: Record<RectificationDecision, [string, string]> = {
  granted: ["แก้ไขตามคำขอ", "Granted"],
  partly_granted: ["แก้ไขบางส่วน", "Partly granted"],
  refused: ["ปฏิเสธคำขอ (ข้อมูลคงเดิม)", "Refused (nothing changes)"],
};
/** The columns of a person's record, as a correction's history names them. */
export const personFieldNames: Record<string, [string, string]> = {
  title: ["คำนำหน้า", "Title"],
  first_name: ["ชื่อ", "First name"],
  last_name: ["นามสกุล", "Surname"],
  id_kind: ["ประเภทเอกสารประจำตัว", "Identity document"],
  id_number: ["เลขประจำตัว", "ID number"],
  no_id_reason: ["เหตุที่ไม่มีเลขประจำตัว", "Reason for no ID"],
  birth_date: ["วันเกิด", "Date of birth"],
  sex: ["เพศ", "Sex"],
  phone: ["โทรศัพท์", "Phone"],
  address_text: ["ที่อยู่", "Address"],
  subdistrict_code: ["ตำบล/แขวง", "Sub-district"],
  postcode: ["รหัสไปรษณีย์", "Postcode"],
  death_date: ["วันที่เสียชีวิต", "Date of death"],
};
export const sexNames: Record<Sex, [string, string]> = {
  male: ["ชาย", "Male"],
  female: ["หญิง", "Female"],
  unspecified: ["ไม่ระบุ", "Unspecified"],
};
export const noIdReasonNames: Record<NoIdReason, [string, string]> = {
  stateless: ["ไร้สัญชาติ / ไม่มีสถานะทางทะเบียน", "Stateless / no registration status"],
  unregistered: ["ยังไม่ได้แจ้งเกิดหรือลงทะเบียน", "Not yet registered"],
  unknown: ["ไม่ทราบ", "Unknown"],
};
export const statusNames: Record<CaseStatus, [string, string]> = {
  intake: ["รับเรื่อง", "Intake"],
  fact_finding: ["สอบข้อเท็จจริง", "Fact-finding"],
  assessment: ["ประเมิน", "Assessment"],
  planning: ["วางแผน", "Planning"],
  intervention: ["ดำเนินการช่วยเหลือ", "Intervention"],
  follow_up: ["ติดตามผล", "Follow-up"],
  closed: ["ปิดกรณี", "Closed"],
};
export const urgencyNames: Record<Urgency, [string, string]> = {
  urgent: ["เร่งด่วน (อันตรายต่อชีวิต/ความรุนแรง)", "Urgent (danger to life / violence)"],
  high: ["สูง", "High"],
  normal: ["ปกติ", "Normal"],
};
export const targetGroupNames: Record<TargetGroup, [string, string]> = {
  child: ["เด็ก (0–17 ปี)", "Child (0–17)"],
  youth: ["เยาวชน (18–25 ปี)", "Youth (18–25)"],
  woman: ["สตรี", "Woman"],
  family: ["ครอบครัว", "Family"],
  elderly: ["ผู้สูงอายุ", "Elderly (60+)"],
  disabled: ["คนพิการ", "Person with disability"],
  bedridden: ["ผู้ป่วยติดเตียง/พึ่งพิง", "Bedridden / dependent"],
  homeless: ["คนไร้ที่พึ่ง/คนไร้บ้าน", "Destitute / homeless"],
  beggar: ["ผู้ทำการขอทาน", "Beggar"],
  low_income: ["ผู้มีรายได้น้อย/ผู้ด้อยโอกาส", "Low income / underprivileged"],
  working_age_hardship: ["วัยทำงานที่ประสบปัญหา", "Working age in hardship"],
};
export const problemDomainNames: Record<ProblemDomain, [string, string]> = {
  income: ["รายได้และการดำรงชีพ", "Income and living"],
  housing: ["ที่อยู่อาศัยและสภาพแวดล้อม", "Housing and environment"],
  health: ["สุขภาพ", "Health"],
  education: ["การศึกษา", "Education"],
  employment: ["การมีงานทำ", "Employment"],
  safety: ["ความปลอดภัย (ความรุนแรง การทารุณ การแสวงประโยชน์ การค้ามนุษย์)", "Safety (violence, abuse, exploitation, trafficking)"],
  family: ["ความสัมพันธ์ในครอบครัว", "Family relationships"],
  legal_status: ["สถานะทางกฎหมาย/ทะเบียน", "Legal status / registration"],
  care: ["การดูแลผู้พึ่งพิง", "Care of dependants"],
  disaster: ["ภัยพิบัติ", "Disaster"],
};
export const outcomeNames: Record<ClosureOutcome, [string, string]> = {
  resolved: ["ปัญหาได้รับการแก้ไข", "Resolved"],
  referred_out: ["ส่งต่อหน่วยงานอื่นรับดูแลแล้ว", "Referred out"],
  moved: ["ย้ายออกนอกพื้นที่", "Moved away"],
  died: ["เสียชีวิต", "Died"],
  declined: ["ผู้รับบริการปฏิเสธความช่วยเหลือ", "Declined help"],
  unreachable: ["ติดต่อไม่ได้", "Unreachable"],
  other: ["อื่น ๆ", "Other"],
};
export const coreIssueNames: Record<CoreIssue, [string, string]> = {
  family_violence: ["ความรุนแรงในครอบครัว", "Family violence"],
  teenage_pregnancy: ["การตั้งครรภ์ในวัยรุ่น", "Teenage pregnancy"],
  human_trafficking: ["การค้ามนุษย์", "Human trafficking"],
  drugs: ["ยาเสพติด", "Drugs"],
  homeless: ["คนไร้ที่พึ่ง/คนไร้บ้าน", "Homelessness"],
  child_youth: ["ปัญหาเด็กและเยาวชน", "Children and youth"],
  missing_person: ["คนหาย", "Missing person"],
  elderly: ["ปัญหาผู้สูงอายุ", "Elderly"],
  disability: ["ปัญหาคนพิการ", "Disability"],
  begging: ["ขอทาน", "Begging"],
};
export const requestStatusNames: Record<RequestStatus, [string, string]> = {
  received: ["รอดำเนินการ", "Waiting"],
  case_opened: ["เปิดกรณีช่วยเหลือแล้ว", "Case opened"],
  help_given: ["ให้ความช่วยเหลือแล้ว", "Help given"],
  passed_on: ["ส่งต่อให้สำนักงานอื่น", "Passed on"],
  closed: ["ปิดเรื่อง", "Closed"],
};
export const expediteStepNames: Record<ExpediteStep, [string, string]> = {
  first: ["แจ้งเร่งรัดครั้งที่ 1", "First notice"],
  second: ["แจ้งเร่งรัดครั้งที่ 2", "Second notice"],
  provincial_head: ["แจ้งหัวหน้าส่วนราชการระดับจังหวัด", "To the provincial head"],
};
export const requestChannelNames: Record<RequestChannel, [string, string]> = {
  hotline1300: ["สายด่วน 1300", "1300 hotline"],
  volunteer: ["อาสาสมัครพัฒนาสังคม (อพม.)", "Volunteer (อพม.)"],
  partner: ["ระบบพันธมิตร", "Partner app"],
  office: ["สำนักงานอื่น", "Another office"],
};
export const milestoneNames: Record<Milestone, [string, string]> = {
  first_contact: ["ติดต่อผู้รับบริการครั้งแรก", "First contact"],
  fact_finding: ["สอบข้อเท็จจริง/เยี่ยมบ้าน", "Fact-finding / home visit"],
  plan: ["แผนได้รับอนุมัติ", "Plan approved"],
  follow_up: ["ติดตามผล", "Follow-up visit"],
  referral_reminder: ["ติดตามคำตอบการส่งต่อ", "Chase the referral reply"],
  referral_reply: ["รอคำตอบการส่งต่อ", "Referral reply due"],
  request_response: ["ตอบรับคำขอความช่วยเหลือ", "First response to a request for help"],
};
export const assistanceFormNames: Record<AssistanceForm, [string, string]> = {
  money: ["เงิน", "Money"],
  goods: ["สิ่งของ", "Goods"],
  service: ["บริการ", "Service"],
};
export const dueStateNames: Record<DueState, [string, string]> = {
  overdue: ["เกินกำหนด", "Overdue"],
  today: ["ครบกำหนดวันนี้", "Due today"],
  this_week: ["ภายใน 7 วัน", "Due this week"],
  later: ["ภายหลัง", "Later"],
};
export const auditActionNames: Record<string, [string, string]> = {
  login: ["เข้าสู่ระบบ", "sign-in"],
  lock: ["ล็อก", "lock"],
  create: ["สร้าง", "create"],
  read: ["เปิดดู", "read"],
  update: ["แก้ไข", "update"],
  search: ["ค้นหา", "search"],
  export: ["ส่งออก", "export"],
  backup: ["สำรองข้อมูล", "backup"],
  restore: ["กู้คืน", "restore"],
};

/** Thai texts of field problems that the UI detects itself before asking Rust. */
export const localProblems: Partial<Record<FieldProblem | "date_invalid" | "date_in_future" | "date_too_old", [string, string]>> = {
  citizen_id_length: ["เลขประจำตัวประชาชนต้องมี 13 หลัก", "A citizen ID has 13 digits"],
  citizen_id_not_digits: ["เลขประจำตัวประชาชนต้องเป็นตัวเลขเท่านั้น", "Digits only"],
  citizen_id_checksum: [
    "เลขประจำตัวประชาชนไม่ถูกต้อง (เลขตรวจสอบหลักสุดท้ายไม่ตรง) กรุณาตรวจสอบอีกครั้ง",
    "Citizen ID check digit does not match",
  ],
  citizen_id_invalid: ["เลขประจำตัวประชาชนนี้ไม่ใช่เลขที่ออกจริง", "This is not an issued citizen ID"],
  date_invalid: ["วันที่ไม่ถูกต้อง กรุณากรอกเป็น วัน/เดือน/ปี พ.ศ. เช่น 5/3/2510", "Invalid date; use day/month/BE year"],
  date_in_future: ["วันที่ต้องไม่เป็นวันในอนาคต", "Date must not be in the future"],
  date_too_old: ["วันที่เก่าเกินไป กรุณาตรวจสอบปี พ.ศ.", "Date too far in the past; check the BE year"],
  required: ["กรุณากรอกข้อมูลช่องนี้", "This field is required"],
};

export interface I18n {
  lang: Lang;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
  pick: (pair: [string, string]) => string;
  setLang: (l: Lang) => void;
}

export function makeI18n(lang: Lang, setLang: (l: Lang) => void): I18n {
  const dict = dictionaries[lang];
  return {
    lang,
    setLang,
    t: (key, vars) => {
      let s: string = dict[key];
      for (const [k, v] of Object.entries(vars ?? {})) s = s.replace(`{${k}}`, String(v));
      return s;
    },
    pick: (pair) => (lang === "th" ? pair[0] : pair[1]),
  };
}

export const I18nContext = createContext<I18n>(makeI18n("th", () => undefined));
export const useI18n = () => useContext(I18nContext);
