// Thai first, English second. Every string the UI shows lives here, in both languages.
import { createContext, useContext } from "react";
import type { FieldProblem } from "../bindings/FieldProblem";
import type { IntakeChannel } from "../bindings/IntakeChannel";
import type { Role } from "../bindings/Role";
import type { Sex } from "../bindings/Sex";
import type { NoIdReason } from "../bindings/NoIdReason";
import type { CaseStatus } from "../bindings/CaseStatus";

const th = {
  appName: "รักษา",
  appTagline: "ระบบจัดการรายกรณี พม.",
  langSwitch: "English",
  // set-up
  setupTitle: "ตั้งค่าสำนักงานครั้งแรก",
  setupIntro: "กรอกข้อมูลสำนักงานและผู้ดูแลระบบคนแรก ข้อมูลทั้งหมดจะเก็บในเครื่องนี้แบบเข้ารหัส",
  officeSection: "ข้อมูลสำนักงาน",
  officeName: "ชื่อสำนักงาน",
  officeAddress: "ที่อยู่สำนักงาน",
  letterCode: "รหัสตัวอักษรจังหวัด",
  letterCodeHint: "ใช้ในเลขที่หนังสือและเลขที่กรณี เช่น พล",
  officePhone: "โทรศัพท์สำนักงาน",
  adminSection: "ผู้ดูแลระบบคนแรก",
  fullName: "ชื่อ-นามสกุล",
  position: "ตำแหน่ง",
  username: "ชื่อผู้ใช้",
  usernameHint: "อักษรอังกฤษตัวเล็ก ตัวเลข . - _ เช่น somchai.j",
  password: "รหัสผ่าน",
  passwordHint: "อย่างน้อย 8 ตัวอักษร",
  passwordRepeat: "ยืนยันรหัสผ่าน",
  createOffice: "สร้างสำนักงาน",
  creating: "กำลังสร้างฐานข้อมูลเข้ารหัส…",
  recoveryTitle: "รหัสกู้คืนของสำนักงาน",
  recoveryIntro:
    "พิมพ์หรือจดรหัสนี้เก็บไว้ในตู้นิรภัยของสำนักงาน ใช้ตั้งรหัสผ่านใหม่เมื่อผู้ใช้ลืมรหัสผ่าน รหัสนี้จะแสดงเพียงครั้งเดียว และไม่มีใครกู้คืนให้ได้หากทำหาย",
  printRecovery: "พิมพ์รหัสกู้คืน",
  recoveryStored: "ข้าพเจ้าได้พิมพ์หรือจดรหัสกู้คืนเก็บไว้ในที่ปลอดภัยแล้ว",
  startWorking: "เริ่มใช้งาน",
  // unlock
  unlockTitle: "เข้าสู่ระบบ",
  unlockButton: "เข้าสู่ระบบ",
  unlocking: "กำลังตรวจสอบ…",
  lockedIdle: "ล็อกอัตโนมัติเนื่องจากไม่มีการใช้งาน กรุณาเข้าสู่ระบบอีกครั้ง",
  forgotPassword: "ลืมรหัสผ่าน? ใช้รหัสกู้คืนของสำนักงาน",
  resetTitle: "ตั้งรหัสผ่านใหม่ด้วยรหัสกู้คืน",
  recoveryKey: "รหัสกู้คืน",
  newPassword: "รหัสผ่านใหม่",
  resetButton: "ตั้งรหัสผ่านใหม่และเข้าสู่ระบบ",
  back: "ย้อนกลับ",
  // shell
  lock: "ล็อก",
  navCases: "รายการกรณี",
  navRegister: "ลงทะเบียนบุคคล",
  navUsers: "ผู้ใช้งาน",
  navSettings: "ตั้งค่า",
  navAudit: "บันทึกการใช้งาน",
  storageStatus: "ข้อมูลเก็บในเครื่องนี้แบบเข้ารหัส",
  syncStatus: "ยังไม่ได้เชื่อมต่อเซิร์ฟเวอร์กลาง",
  shortcuts: "แป้นลัด: / ค้นหา · Alt+N ลงทะเบียนบุคคล · Ctrl+L ล็อก · Esc ย้อนกลับ",
  // cases
  casesTitle: "รายการกรณี",
  searchLabel: "ค้นหากรณี",
  searchPlaceholder: "เลขที่กรณี เลขประจำตัวประชาชน หรือส่วนใดของชื่อ-นามสกุล",
  searching: "กำลังค้นหา…",
  noCases: "ยังไม่มีกรณีในสำนักงาน เริ่มจากลงทะเบียนบุคคล แล้วเปิดกรณีให้บุคคลนั้น",
  noResults: "ไม่พบกรณีที่ตรงกับคำค้น",
  resultsCount: "พบ {n} กรณี",
  colCaseNo: "เลขที่กรณี",
  colName: "ชื่อ-นามสกุล",
  colId: "เลขประจำตัว",
  colChannel: "ช่องทาง",
  colIntake: "วันที่รับเรื่อง",
  colStatus: "สถานะ",
  colAssigned: "ผู้รับผิดชอบ",
  colSummary: "สรุปปัญหา",
  // person
  registerTitle: "ลงทะเบียนบุคคล",
  personSection: "ข้อมูลบุคคล",
  title: "คำนำหน้า",
  firstName: "ชื่อ",
  lastName: "นามสกุล",
  identityKind: "เอกสารประจำตัว",
  idCitizen: "เลขประจำตัวประชาชน 13 หลัก",
  idGCode: "รหัส G (นักเรียนไม่มีเลขประจำตัว)",
  idNone: "ไม่มีเลขประจำตัว",
  citizenId: "เลขประจำตัวประชาชน",
  gCode: "รหัส G",
  noIdReason: "เหตุที่ไม่มีเลข",
  birthDate: "วันเกิด (วัน/เดือน/ปี พ.ศ.)",
  birthDateHint: "เช่น 5/3/2510 · เว้นว่างได้ถ้าไม่ทราบ",
  birthDateShort: "วันเกิด",
  age: "อายุ {n} ปี",
  sex: "เพศ",
  phone: "โทรศัพท์",
  address: "ที่อยู่",
  save: "บันทึก",
  saving: "กำลังบันทึก…",
  cancel: "ยกเลิก",
  idOk: "เลขถูกต้อง",
  personSaved: "ลงทะเบียนแล้ว",
  personTitle: "ข้อมูลบุคคล",
  personCases: "กรณีของบุคคลนี้",
  noPersonCases: "ยังไม่มีกรณี",
  openCase: "เปิดกรณีใหม่",
  openCaseTitle: "เปิดกรณีใหม่",
  channel: "ช่องทางรับเรื่อง",
  intakeDate: "วันที่รับเรื่อง (วัน/เดือน/ปี พ.ศ.)",
  summary: "สรุปปัญหาโดยย่อ",
  summaryHint: "สิ่งที่พบหรือได้รับแจ้ง เช่น ผู้สูงอายุอยู่ลำพัง ขาดรายได้",
  caseOpened: "เปิดกรณี {no} แล้ว",
  existingPeople: "พบบุคคลที่อาจเป็นคนเดียวกัน",
  // users
  usersTitle: "ผู้ใช้งาน",
  addUser: "เพิ่มผู้ใช้",
  role: "บทบาท",
  initialPassword: "รหัสผ่านเริ่มต้น",
  userAdded: "เพิ่มผู้ใช้ {name} แล้ว",
  active: "ใช้งาน",
  inactive: "ระงับแล้ว",
  deactivate: "ระงับการใช้งาน",
  // settings
  settingsTitle: "ตั้งค่า",
  changePassword: "เปลี่ยนรหัสผ่านของฉัน",
  currentPassword: "รหัสผ่านปัจจุบัน",
  passwordChanged: "เปลี่ยนรหัสผ่านแล้ว",
  idleLock: "ล็อกอัตโนมัติเมื่อไม่มีการใช้งาน (นาที)",
  settingsSaved: "บันทึกการตั้งค่าแล้ว",
  // audit
  auditTitle: "บันทึกการใช้งาน",
  colWhen: "เวลา",
  colWho: "ผู้ใช้",
  colAction: "การกระทำ",
  colRecord: "ข้อมูล",
  colDetail: "รายละเอียด",
  passwordMismatch: "รหัสผ่านทั้งสองช่องไม่ตรงกัน",
  required: "กรุณากรอกข้อมูลช่องนี้",
};

type Dict = typeof th;

const en: Dict = {
  appName: "Raksa",
  appTagline: "MSDHS case management",
  langSwitch: "ภาษาไทย",
  setupTitle: "First-time office set-up",
  setupIntro: "Enter the office and its first administrator. Everything is stored on this PC, encrypted.",
  officeSection: "Office",
  officeName: "Office name",
  officeAddress: "Office address",
  letterCode: "Province letter code",
  letterCodeHint: "Used in letter and case numbers, e.g. พล",
  officePhone: "Office phone",
  adminSection: "First administrator",
  fullName: "Full name",
  position: "Position",
  username: "User name",
  usernameHint: "lower-case letters, digits, . - _ e.g. somchai.j",
  password: "Password",
  passwordHint: "at least 8 characters",
  passwordRepeat: "Repeat password",
  createOffice: "Create office",
  creating: "Creating the encrypted database…",
  recoveryTitle: "Office recovery key",
  recoveryIntro:
    "Print or write down this key and keep it in the office safe. It resets forgotten passwords. It is shown only once; nobody can recover it if lost.",
  printRecovery: "Print recovery key",
  recoveryStored: "I have printed or written down the recovery key and stored it safely",
  startWorking: "Start working",
  unlockTitle: "Sign in",
  unlockButton: "Sign in",
  unlocking: "Checking…",
  lockedIdle: "Locked after a period of inactivity. Please sign in again.",
  forgotPassword: "Forgot your password? Use the office recovery key",
  resetTitle: "Set a new password with the recovery key",
  recoveryKey: "Recovery key",
  newPassword: "New password",
  resetButton: "Set new password and sign in",
  back: "Back",
  lock: "Lock",
  navCases: "Cases",
  navRegister: "Register person",
  navUsers: "Users",
  navSettings: "Settings",
  navAudit: "Audit log",
  storageStatus: "Data stored on this PC, encrypted",
  syncStatus: "Not connected to the central server",
  shortcuts: "Keys: / search · Alt+N register person · Ctrl+L lock · Esc back",
  casesTitle: "Cases",
  searchLabel: "Search cases",
  searchPlaceholder: "Case number, citizen ID or any part of the name",
  searching: "Searching…",
  noCases: "No cases yet. Register a person, then open a case for them.",
  noResults: "No case matches",
  resultsCount: "{n} case(s)",
  colCaseNo: "Case no.",
  colName: "Name",
  colId: "ID",
  colChannel: "Channel",
  colIntake: "Intake date",
  colStatus: "Status",
  colAssigned: "Assigned to",
  colSummary: "Summary",
  registerTitle: "Register a person",
  personSection: "Person",
  title: "Title",
  firstName: "First name",
  lastName: "Surname",
  identityKind: "Identity document",
  idCitizen: "13-digit citizen ID",
  idGCode: "G-code (pupil without ID)",
  idNone: "No ID",
  citizenId: "Citizen ID",
  gCode: "G-code",
  noIdReason: "Reason for no ID",
  birthDate: "Date of birth (day/month/BE year)",
  birthDateHint: "e.g. 5/3/2510 · may be left empty if unknown",
  birthDateShort: "Date of birth",
  age: "age {n}",
  sex: "Sex",
  phone: "Phone",
  address: "Address",
  save: "Save",
  saving: "Saving…",
  cancel: "Cancel",
  idOk: "ID is valid",
  personSaved: "Registered",
  personTitle: "Person",
  personCases: "This person's cases",
  noPersonCases: "No cases yet",
  openCase: "Open a new case",
  openCaseTitle: "Open a new case",
  channel: "Intake channel",
  intakeDate: "Intake date (day/month/BE year)",
  summary: "Short problem summary",
  summaryHint: "What was found or reported, e.g. elderly person living alone without income",
  caseOpened: "Case {no} opened",
  existingPeople: "Possibly the same person",
  usersTitle: "Users",
  addUser: "Add user",
  role: "Role",
  initialPassword: "Initial password",
  userAdded: "User {name} added",
  active: "active",
  inactive: "deactivated",
  deactivate: "Deactivate",
  settingsTitle: "Settings",
  changePassword: "Change my password",
  currentPassword: "Current password",
  passwordChanged: "Password changed",
  idleLock: "Lock automatically when idle (minutes)",
  settingsSaved: "Settings saved",
  auditTitle: "Audit log",
  colWhen: "When",
  colWho: "User",
  colAction: "Action",
  colRecord: "Record",
  colDetail: "Detail",
  passwordMismatch: "Passwords do not match",
  required: "This field is required",
};

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
  open: ["เปิดอยู่", "Open"],
  closed: ["ปิดแล้ว", "Closed"],
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
