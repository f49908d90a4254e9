// The only module that talks to the Rust side. Every command is typed with the structs
// generated from Rust by ts-rs (src/bindings), so the two sides cannot drift apart.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { AppStatus } from "../bindings/AppStatus";
import type { AuditEntry } from "../bindings/AuditEntry";
import type { CaseSummary } from "../bindings/CaseSummary";
import type { ExpediteNotice } from "../bindings/ExpediteNotice";
import type { CorrectionOutcome } from "../bindings/CorrectionOutcome";
import type { CorrectionRecord } from "../bindings/CorrectionRecord";
import type { PersonCorrection } from "../bindings/PersonCorrection";
import type { SavedFiles } from "../bindings/SavedFiles";
import type { UpdateOffer } from "../bindings/UpdateOffer";
import type { CaseOpening } from "../bindings/CaseOpening";
import type { RekeyReport } from "../bindings/RekeyReport";
import type { ExportScope } from "../bindings/ExportScope";
import type { UpdateStatus } from "../bindings/UpdateStatus";
import type { ErrorReport } from "../bindings/ErrorReport";
import type { NewCase } from "../bindings/NewCase";
import type { NewPerson } from "../bindings/NewPerson";
import type { NewUser } from "../bindings/NewUser";
import type { OfficeSettings } from "../bindings/OfficeSettings";
import type { OfficeSetup } from "../bindings/OfficeSetup";
import type { Person } from "../bindings/Person";
import type { PersonDetail } from "../bindings/PersonDetail";
import type { PersonSummary } from "../bindings/PersonSummary";
import type { PersonProbe } from "../bindings/PersonProbe";
import type { DuplicateCandidate } from "../bindings/DuplicateCandidate";
import type { SetupResult } from "../bindings/SetupResult";
import type { UserInfo } from "../bindings/UserInfo";
import type { ApprovalRequest } from "../bindings/ApprovalRequest";
import type { CaseDetail } from "../bindings/CaseDetail";
import type { CaseStatus } from "../bindings/CaseStatus";
import type { DeadlineRule } from "../bindings/DeadlineRule";
import type { NewAssistance } from "../bindings/NewAssistance";
import type { NewHomeVisit } from "../bindings/NewHomeVisit";
import type { PlaceMatch } from "../bindings/PlaceMatch";
import type { WorkList } from "../bindings/WorkList";
import type { AttachmentContent } from "../bindings/AttachmentContent";
import type { AttachmentInfo } from "../bindings/AttachmentInfo";
import type { EndMembership } from "../bindings/EndMembership";
import type { FactFinding } from "../bindings/FactFinding";
import type { FormDefinition } from "../bindings/FormDefinition";
import type { Household } from "../bindings/Household";
import type { NewMembership } from "../bindings/NewMembership";
import type { NewPlanItem } from "../bindings/NewPlanItem";
import type { Place } from "../bindings/Place";
import type { PlanItem } from "../bindings/PlanItem";
import type { PlanItemUpdate } from "../bindings/PlanItemUpdate";
import type { Agency } from "../bindings/Agency";
import type { ImportPreview } from "../bindings/ImportPreview";
import type { MergeDetail } from "../bindings/MergeDetail";
import type { MergeRecord } from "../bindings/MergeRecord";
import type { WelfareRule } from "../bindings/WelfareRule";
import type { NewWelfareRule } from "../bindings/NewWelfareRule";
import type { ScreeningFacts } from "../bindings/ScreeningFacts";
import type { WelfareScreening } from "../bindings/WelfareScreening";
import type { Scheme } from "../bindings/Scheme";
import type { ImportDecision } from "../bindings/ImportDecision";
import type { ImportResult } from "../bindings/ImportResult";
import type { Dashboard } from "../bindings/Dashboard";
import type { CaseFilter } from "../bindings/CaseFilter";
import type { ReportView } from "../bindings/ReportView";
import type { LetterSettings } from "../bindings/LetterSettings";
import type { LetterText } from "../bindings/LetterText";
import type { NewAgency } from "../bindings/NewAgency";
import type { NewReferral } from "../bindings/NewReferral";
import type { NumberBlock } from "../bindings/NumberBlock";
import type { Referral } from "../bindings/Referral";
import type { ReferralChange } from "../bindings/ReferralChange";
import type { RegisterEntry } from "../bindings/RegisterEntry";
import type { SyncStatus } from "../bindings/SyncStatus";
import type { HelpRequestItem } from "../bindings/HelpRequestItem";
import type { NewVolunteer } from "../bindings/NewVolunteer";
import type { Volunteer } from "../bindings/Volunteer";
import type { VolunteerCode } from "../bindings/VolunteerCode";
import type { IncomingReferral } from "../bindings/IncomingReferral";
import type { ReferralReply } from "../bindings/ReferralReply";
import type { SyncReport } from "../bindings/SyncReport";

export class BackendError extends Error {
  readonly report: ErrorReport;
  constructor(report: ErrorReport) {
    super(report.message_en);
    this.report = report;
  }
}

function isReport(e: unknown): e is ErrorReport {
  return typeof e === "object" && e !== null && "code" in e && "message_th" in e;
}

/** Turns anything thrown by a call into a BackendError with Thai and English text. */
export function toBackendError(e: unknown): BackendError {
  if (e instanceof BackendError) return e;
  if (isReport(e)) return new BackendError(e);
  return new BackendError({
    code: "internal",
    message_th: "เกิดข้อผิดพลาดที่ไม่คาดคิด ข้อมูลที่บันทึกไว้แล้วยังอยู่ครบ กรุณาลองใหม่",
    message_en: "Unexpected error; saved data is safe. Please try again.",
    fields: [],
  });
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toBackendError(e);
  }
}

export const backend = {
  appStatus: () => call<AppStatus>("app_status"),
  setUpOffice: (setup: OfficeSetup, admin: NewUser) => call<SetupResult>("set_up_office", { setup, admin }),
  unlock: (username: string, password: string) => call<AppStatus>("unlock", { username, password }),
  resetPassword: (recoveryKey: string, username: string, newPassword: string) =>
    call<AppStatus>("reset_password", { recoveryKey, username, newPassword }),
  lock: () => call<AppStatus>("lock"),
  activity: () => call<boolean>("activity"),
  searchCases: (query: string) => call<CaseSummary[]>("search_cases", { query }),
  searchPeople: (query: string) => call<PersonSummary[]>("search_people", { query }),
  possibleDuplicates: (probe: PersonProbe) => call<DuplicateCandidate[]>("possible_duplicates", { probe }),
  recordDuplicateDecision: (chosen: string, linkedExisting: boolean, shown: string[]) =>
    call<null>("record_duplicate_decision", { chosen, linkedExisting, shown }),
  registerPerson: (person: NewPerson) => call<Person>("register_person", { person }),
  getPerson: (id: string) => call<PersonDetail>("get_person", { id }),
  openCase: (c: NewCase) => call<CaseSummary>("open_case", { case: c }),
  listUsers: () => call<UserInfo[]>("list_users"),
  addUser: (user: NewUser) => call<UserInfo>("add_user", { user }),
  setUserActive: (userId: string, active: boolean, password: string | null) =>
    call<RekeyReport>("set_user_active", { userId, active, password }),
  changePassword: (current: string, newPassword: string) => call<null>("change_password", { current, newPassword }),
  getSettings: () => call<OfficeSettings>("get_settings"),
  updateSettings: (settings: OfficeSettings) => call<OfficeSettings>("update_settings", { settings }),
  auditLog: () => call<AuditEntry[]>("audit_log"),
  getCase: (id: string) => call<CaseDetail>("get_case", { id }),
  changeStage: (id: string, to: CaseStatus, reason: string) => call<null>("change_stage", { id, to, reason }),
  requestApproval: (id: string, request: ApprovalRequest) => call<null>("request_approval", { id, request }),
  decideApproval: (id: string, approve: boolean, comment: string) => call<null>("decide_approval", { id, approve, comment }),
  reopenCase: (id: string, reason: string) => call<null>("reopen_case", { id, reason }),
  assignCase: (id: string, userId: string) => call<null>("assign_case", { id, userId }),
  addNote: (id: string, text: string) => call<string>("add_note", { id, text }),
  addHomeVisit: (id: string, visit: NewHomeVisit) => call<string>("add_home_visit", { id, visit }),
  addAssistance: (id: string, assistance: NewAssistance) => call<string>("add_assistance", { id, assistance }),
  addCorrection: (id: string, corrects: string, text: string) => call<string>("add_correction", { id, corrects, text }),
  workList: (mine: boolean) => call<WorkList>("work_list", { mine }),
  deadlineRules: () => call<DeadlineRule[]>("deadline_rules"),
  setDeadlineRule: (rule: DeadlineRule) => call<null>("set_deadline_rule", { rule }),
  searchPlaces: (query: string) => call<PlaceMatch[]>("search_places", { query }),
  placeChildren: (code: string) => call<Place[]>("place_children", { code }),
  factFinding: (id: string) => call<FactFinding>("fact_finding", { id }),
  saveFactFinding: (id: string, answers: Record<string, unknown>) => call<FactFinding>("save_fact_finding", { id, answers }),
  submitFactFinding: (id: string) => call<FactFinding>("submit_fact_finding", { id }),
  reopenFactFinding: (id: string, reason: string) => call<FactFinding>("reopen_fact_finding", { id, reason }),
  addAttachment: (id: string, fieldKey: string, fileName: string, dataBase64: string) =>
    call<AttachmentInfo>("add_attachment", { id, fieldKey, fileName, dataBase64 }),
  getAttachment: (id: string) => call<AttachmentContent>("get_attachment", { id }),
  removeAttachment: (id: string, reason: string) => call<null>("remove_attachment", { id, reason }),
  personHousehold: (personId: string) => call<Household | null>("person_household", { id: personId }),
  createHousehold: (headId: string, houseCode: string, joinedOn: string) =>
    call<Household>("create_household", { id: headId, houseCode, joinedOn }),
  addHouseholdMember: (householdId: string, member: NewMembership) => call<Household>("add_household_member", { id: householdId, member }),
  endHouseholdMembership: (end: EndMembership) => call<Household>("end_household_membership", { end }),
  setCaseHousehold: (id: string, whole: boolean) => call<null>("set_case_household", { id, whole }),
  addPlanItem: (id: string, item: NewPlanItem) => call<PlanItem>("add_plan_item", { id, item }),
  updatePlanItem: (itemId: string, update: PlanItemUpdate) => call<null>("update_plan_item", { id: itemId, update }),
  installFormDefinition: (json: string) => call<FormDefinition>("install_form_definition", { json }),
  agencies: (includeInactive: boolean) => call<Agency[]>("agencies", { includeInactive }),
  addAgency: (agency: NewAgency) => call<Agency>("add_agency", { agency }),
  updateAgency: (id: string, agency: NewAgency, active: boolean) => call<null>("update_agency", { id, agency, active }),
  letterSettings: () => call<LetterSettings>("letter_settings"),
  setLetterSettings: (settings: LetterSettings) => call<null>("set_letter_settings", { settings }),
  setEmblem: (dataBase64: string | null) => call<null>("set_emblem", { dataBase64 }),
  letterTemplate: () => call<LetterText>("letter_template"),
  setLetterTemplate: (template: LetterText) => call<null>("set_letter_template", { template }),
  createReferral: (caseId: string, referral: NewReferral) => call<Referral>("create_referral", { id: caseId, referral }),
  updateReferralDraft: (id: string, referral: NewReferral, text: LetterText) => call<Referral>("update_referral_draft", { id, referral, text }),
  sendReferral: (id: string, letterDate: string) => call<Referral>("send_referral", { id, letterDate }),
  changeReferral: (id: string, change: ReferralChange) => call<Referral>("change_referral", { id, change }),
  caseReferrals: (caseId: string) => call<Referral[]>("case_referrals", { id: caseId }),
  letterRegister: (year: number) => call<RegisterEntry[]>("letter_register", { year }),
  numberBlocks: () => call<NumberBlock[]>("number_blocks"),
  setNumberBlock: (block: NumberBlock) => call<null>("set_number_block", { block }),
  openReferralLetter: (id: string) => call<string>("open_referral_letter", { id }),
  printReferralLetter: (id: string) => call<string>("print_referral_letter", { id }),
  saveReferralLetter: (id: string) => call<string>("save_referral_letter", { id }),
  incomingReferrals: () => call<IncomingReferral[]>("incoming_referrals"),
  replyToReferral: (id: string, reply: ReferralReply) => call<null>("reply_to_referral", { id, reply }),
  helpRequests: () => call<HelpRequestItem[]>("help_requests"),
  helpRequestsWaiting: () => call<[number, number]>("help_requests_waiting"),
  acceptHelpRequest: (id: string, personId: string) => call<CaseSummary>("accept_help_request", { id, personId }),
  passOnHelpRequest: (id: string, office: string, reason: string) => call<null>("pass_on_help_request", { id, office, reason }),
  closeHelpRequest: (id: string, reason: string) => call<null>("close_help_request", { id, reason }),
  expediteNoticesOfCase: (caseId: string) => call<ExpediteNotice[]>("expedite_notices_of_case", { id: caseId }),
  openExpediteNotices: () => call<ExpediteNotice[]>("open_expedite_notices"),
  answerExpediteNotice: (id: string, answer: string, newDate: string | null) =>
    call<null>("answer_expedite_notice", { id, answer, newDate }),
  volunteers: () => call<Volunteer[]>("volunteers"),
  registerVolunteer: (volunteer: NewVolunteer) => call<VolunteerCode>("register_volunteer", { volunteer }),
  newVolunteerCode: (id: string) => call<VolunteerCode>("new_volunteer_code", { id }),
  setVolunteerActive: (id: string, active: boolean) => call<null>("set_volunteer_active", { id, active }),
  resolveConflict: (issueId: number, keepMine: boolean) => call<null>("resolve_conflict", { issueId, keepMine }),
  importPreview: (dataBase64: string) => call<ImportPreview>("import_preview", { dataBase64 }),
  importCommit: (dataBase64: string, decisions: ImportDecision[]) => call<ImportResult>("import_commit", { dataBase64, decisions }),
  dashboard: () => call<Dashboard>("dashboard"),
  dashboardCases: (filter: CaseFilter) => call<CaseSummary[]>("dashboard_cases", { filter }),
  periodReport: (from: string, to: string) => call<ReportView>("period_report", { from, to }),
  savePeriodReport: (from: string, to: string, format: "xlsx" | "csv") => call<string>("save_period_report", { from, to, format }),
  welfareRules: () => call<WelfareRule[]>("welfare_rules"),
  addWelfareRule: (rule: NewWelfareRule) => call<WelfareRule>("add_welfare_rule", { rule }),
  welfareFacts: (caseId: string) => call<ScreeningFacts>("welfare_facts", { id: caseId }),
  screenWelfare: (caseId: string, facts: ScreeningFacts) => call<WelfareScreening>("screen_welfare", { id: caseId, facts }),
  referForRight: (caseId: string, scheme: Scheme, agencyId: string) => call<Referral>("refer_for_right", { id: caseId, scheme, agencyId }),
  correctPerson: (personId: string, correction: PersonCorrection) => call<CorrectionOutcome>("correct_person", { id: personId, correction }),
  personCorrections: (personId: string) => call<CorrectionRecord[]>("person_corrections", { id: personId }),
  mergePeople: (kept: string, merged: string) => call<MergeDetail>("merge_people", { kept, merged }),
  undoMerge: (auditSeq: number) => call<MergeDetail>("undo_merge", { auditSeq }),
  personMerges: (personId: string) => call<MergeRecord[]>("person_merges", { id: personId }),
  savePersonExport: (personId: string, scope: ExportScope) => call<string[]>("save_person_export", { id: personId, scope }),
  savedFiles: () => call<SavedFiles>("saved_files"),
  deleteSavedFile: (name: string) => call<null>("delete_saved_file", { name }),
  breakGlass: (id: string, reason: string) => call<null>("break_glass", { id, reason }),
  setCaseSensitive: (id: string, sensitive: boolean) => call<null>("set_case_sensitive", { id, sensitive }),
  recentOpenings: () => call<CaseOpening[]>("recent_openings"),
  /** `check`: ask the office's server now (otherwise only what the last check found). */
  updateStatus: (check: boolean) => call<UpdateStatus>("update_status", { check }),
  downloadUpdate: () => call<UpdateOffer>("download_update"),
  installUpdate: () => call<null>("install_update"),
  syncStatus: () => call<SyncStatus>("sync_status"),
  enrolDevice: (server: string, code: string, name: string) => call<null>("enrol_device", { server, code, name }),
  syncNow: () => call<SyncReport>("sync_now"),
  onSync: (f: () => void): Promise<UnlistenFn> => listen("sync", () => f()),
  onLocked: (f: () => void): Promise<UnlistenFn> => listen("locked", () => f()),
};

export type Backend = typeof backend;
