//! Records and commands that cross the IPC boundary. The TypeScript types in
//! `ui/src/bindings/` are generated from these by ts-rs (`cargo test -p raksa-core`);
//! never edit the generated files by hand.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
pub use uuid::Uuid;

use crate::identity::Identity;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Role {
    CaseWorker,
    Supervisor,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::CaseWorker => "case_worker",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "case_worker" => Role::CaseWorker,
            "supervisor" => Role::Supervisor,
            "admin" => Role::Admin,
            _ => return None,
        })
    }
}

/// What the first-run screen collects about the office.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OfficeSetup {
    /// e.g. สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดพิษณุโลก
    pub name: String,
    pub address: String,
    /// Province letter code used in letter and case numbers, e.g. `พล`.
    pub letter_code: String,
    /// The office's own number in the ที่ line of its letters (`พล ๐๐๒๗/๑๒๓`): up to four
    /// digits, Thai or Arabic; kept as four Arabic digits (`0027`).
    pub office_number: String,
    pub phone: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OfficeProfile {
    pub id: Uuid,
    pub name: String,
    pub address: String,
    pub letter_code: String,
    pub phone: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewUser {
    pub username: String,
    pub full_name: String,
    pub position: String,
    pub role: Role,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UserInfo {
    pub id: Uuid,
    pub username: String,
    pub full_name: String,
    pub position: String,
    pub role: Role,
    pub active: bool,
    /// The account has a password on this PC (accounts arrive from other PCs of the
    /// office without one; an administrator sets it here).
    pub signs_in_here: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Sex {
    Male,
    Female,
    Unspecified,
}

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
            Sex::Unspecified => "unspecified",
        }
    }
    pub fn parse(s: &str) -> Option<Sex> {
        Some(match s {
            "male" => Sex::Male,
            "female" => Sex::Female,
            "unspecified" => Sex::Unspecified,
            _ => return None,
        })
    }
}

/// The register-a-person form.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewPerson {
    /// คำนำหน้า: นาย, นาง, นางสาว, เด็กชาย, เด็กหญิง, or a rank/title typed in.
    pub title: String,
    pub first_name: String,
    pub last_name: String,
    pub identity: Identity,
    /// Gregorian ISO date; the UI enters and shows it in the Buddhist Era.
    #[ts(type = "string | null")]
    pub birth_date: Option<NaiveDate>,
    pub sex: Sex,
    pub phone: String,
    /// House number, หมู่, ซอย, ถนน — the part below the sub-district.
    pub address_text: String,
    /// Official 6-digit DOPA sub-district code (ตำบล/แขวง), from the place picker.
    #[serde(default)]
    pub subdistrict_code: Option<String>,
    #[serde(default)]
    pub postcode: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Person {
    pub id: Uuid,
    pub title: String,
    pub first_name: String,
    pub last_name: String,
    pub identity: Identity,
    #[ts(type = "string | null")]
    pub birth_date: Option<NaiveDate>,
    pub sex: Sex,
    pub phone: String,
    pub address_text: String,
    pub subdistrict_code: Option<String>,
    pub postcode: Option<String>,
    /// `ต.… อ.… จ.…`, from the sub-district code.
    pub place_label: Option<String>,
    /// Recorded by a correction; closes nothing by itself but shows wherever the person does.
    #[ts(type = "string | null")]
    pub death_date: Option<NaiveDate>,
    pub created_at: String,
}

impl Person {
    pub fn display_name(&self) -> String {
        full_name(&self.title, &self.first_name, &self.last_name)
    }
}

/// A person's name as Thai writes it: the title joined to the first name (นางบุญเรือน ศรีสุข).
pub fn full_name(title: &str, first: &str, last: &str) -> String {
    format!("{title}{first} {last}").trim().to_owned()
}

/// One line of a people search: enough to recognise the person, no more.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PersonSummary {
    pub id: Uuid,
    pub display_name: String,
    /// Citizen ID with all but the last four digits hidden, or the G-code/no-ID marker.
    pub masked_id: String,
    #[ts(type = "string | null")]
    pub birth_date: Option<NaiveDate>,
    pub open_cases: u32,
}

/// How a case reached the office (domain reference §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum IntakeChannel {
    Hotline1300,
    Husec,
    WalkIn,
    Volunteer,
    SocialMedia,
    News,
    Inspection,
    ReferralIn,
}

impl IntakeChannel {
    pub const ALL: [IntakeChannel; 8] = [
        IntakeChannel::Hotline1300,
        IntakeChannel::Husec,
        IntakeChannel::WalkIn,
        IntakeChannel::Volunteer,
        IntakeChannel::SocialMedia,
        IntakeChannel::News,
        IntakeChannel::Inspection,
        IntakeChannel::ReferralIn,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            IntakeChannel::Hotline1300 => "hotline1300",
            IntakeChannel::Husec => "husec",
            IntakeChannel::WalkIn => "walk_in",
            IntakeChannel::Volunteer => "volunteer",
            IntakeChannel::SocialMedia => "social_media",
            IntakeChannel::News => "news",
            IntakeChannel::Inspection => "inspection",
            IntakeChannel::ReferralIn => "referral_in",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// Macro to give a string-valued enum `as_str`, `parse` and `ALL`.
macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
        #[serde(rename_all = "snake_case")]
        #[ts(export)]
        pub enum $name { $($(#[$vm])* $v),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),+];
            pub fn as_str(self) -> &'static str { match self { $($name::$v => $s),+ } }
            pub fn parse(s: &str) -> Option<Self> { match s { $($s => Some($name::$v),)+ _ => None } }
        }
    };
}

string_enum! {
    /// The stage of a case (see `lifecycle` for the allowed moves).
    CaseStatus {
        Intake = "intake",
        FactFinding = "fact_finding",
        Assessment = "assessment",
        Planning = "planning",
        Intervention = "intervention",
        FollowUp = "follow_up",
        Closed = "closed",
    }
}

string_enum! {
    /// Urgency / risk at intake: urgent = danger to life or violence.
    Urgency { Urgent = "urgent", High = "high", Normal = "normal" }
}

string_enum! {
    /// Target groups (domain reference §6); several may apply to one client.
    TargetGroup {
        Child = "child",
        Youth = "youth",
        Woman = "woman",
        Family = "family",
        Elderly = "elderly",
        Disabled = "disabled",
        Bedridden = "bedridden",
        Homeless = "homeless",
        Beggar = "beggar",
        LowIncome = "low_income",
        WorkingAgeHardship = "working_age_hardship",
    }
}

string_enum! {
    /// Problem domains (domain reference §6); compounded problems are the norm.
    ProblemDomain {
        Income = "income",
        Housing = "housing",
        Health = "health",
        Education = "education",
        Employment = "employment",
        Safety = "safety",
        Family = "family",
        LegalStatus = "legal_status",
        Care = "care",
        Disaster = "disaster",
    }
}

string_enum! {
    /// How a case ended.
    ClosureOutcome {
        Resolved = "resolved",
        ReferredOut = "referred_out",
        Moved = "moved",
        Died = "died",
        Declined = "declined",
        Unreachable = "unreachable",
        Other = "other",
    }
}

/// Who reported the case, kept apart from the client.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Reporter {
    pub name: String,
    /// e.g. เพื่อนบ้าน, อพม., ครู, ญาติ
    pub relationship: String,
    pub contact: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewCase {
    pub person_id: Uuid,
    pub channel: IntakeChannel,
    #[ts(type = "string")]
    pub intake_date: NaiveDate,
    pub summary: String,
    #[serde(default = "normal_urgency")]
    pub urgency: Urgency,
    #[serde(default)]
    pub target_groups: Vec<TargetGroup>,
    #[serde(default)]
    pub problem_domains: Vec<ProblemDomain>,
    /// Absent when the client came themself.
    #[serde(default)]
    pub reporter: Option<Reporter>,
    /// The free-text account of what was reported or found.
    #[serde(default)]
    pub account: String,
}

fn normal_urgency() -> Urgency {
    Urgency::Normal
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CaseSummary {
    pub id: Uuid,
    /// Unique in the office: `พล-2569-000123`.
    pub case_no: String,
    pub person_id: Uuid,
    pub person_name: String,
    pub masked_id: String,
    pub channel: IntakeChannel,
    #[ts(type = "string")]
    pub intake_date: NaiveDate,
    pub summary: String,
    pub status: CaseStatus,
    pub urgency: Urgency,
    pub assigned_to: Option<String>,
    /// An approval waiting for a supervisor.
    pub pending_approval: Option<crate::lifecycle::ApprovalKind>,
    /// Violence, abuse, exploitation or trafficking, or marked by hand (`access`).
    pub sensitive: bool,
    /// Sensitive and outside this user's need-to-know: the client's name, ID and the
    /// summary are left out, and the case opens only by break-the-glass.
    pub restricted: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PersonDetail {
    pub person: Person,
    pub cases: Vec<CaseSummary>,
    /// Set when this record was merged into another (the one to open instead).
    pub merged_into: Option<Uuid>,
    /// A case of this person is outside the user's need-to-know: contact, address and
    /// birth date are left out (open that case with a reason to see them).
    pub restricted: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OfficeSettings {
    /// Lock the app after this many idle minutes (1–240).
    pub idle_lock_minutes: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AuditEntry {
    #[ts(type = "number")]
    pub seq: i64,
    pub at: String,
    pub user: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub detail: String,
}

/// Result of `raksa check`.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CheckReport {
    pub schema_version: u32,
    pub latest_schema_version: u32,
    pub integrity_ok: bool,
    pub problems: Vec<String>,
    pub users: u32,
    pub people: u32,
    pub cases: u32,
    pub audit_entries: u32,
}

string_enum! {
    /// A household member's relationship to the head (สมุดพกครอบครัว).
    Relationship {
        Head = "head",
        Spouse = "spouse",
        Child = "child",
        Parent = "parent",
        Sibling = "sibling",
        Grandchild = "grandchild",
        Grandparent = "grandparent",
        Relative = "relative",
        Other = "other",
    }
}

string_enum! {
    /// Why someone stopped being a household member.
    MembershipEnd { Left = "left", Died = "died" }
}

string_enum! {
    /// Which plan an item belongs to: the individual care plan or the household
    /// quality-of-life development plan (แผนพัฒนาคุณภาพชีวิตรายครัวเรือน).
    PlanKind { Individual = "individual", Household = "household" }
}

string_enum! {
    PlanItemStatus {
        Planned = "planned",
        InProgress = "in_progress",
        Done = "done",
        Dropped = "dropped",
    }
}

string_enum! {
    /// Where a referral goes: an MSDHS unit or an outside agency.
    AgencyKind { Msdhs = "msdhs", Outside = "outside" }
}

string_enum! {
    /// A referral's state, from draft to closed (see `referral::allowed`).
    ReferralStatus {
        Draft = "draft",
        Sent = "sent",
        Received = "received",
        Accepted = "accepted",
        Declined = "declined",
        ServiceDelivered = "service_delivered",
        FeedbackReceived = "feedback_received",
        Closed = "closed",
        Withdrawn = "withdrawn",
    }
}

string_enum! {
    /// The letter's urgency mark (ชั้นความเร็ว).
    LetterUrgency {
        Normal = "normal",
        Urgent = "urgent",
        VeryUrgent = "very_urgent",
        MostUrgent = "most_urgent",
    }
}

string_enum! {
    /// The letter's secrecy mark (ชั้นความลับ).
    Secrecy { Confidential = "confidential", Secret = "secret", TopSecret = "top_secret" }
}

string_enum! {
    /// The lawful basis for disclosing the client's data to the agency (PDPA; §9).
    LegalBasis {
        Consent = "consent",
        VitalInterest = "vital_interest",
        ChildProtectionAct = "child_protection_act",
        ElderlyAct = "elderly_act",
        DisabilityAct = "disability_act",
        FamilyInstitutionAct = "family_institution_act",
        DestitutePersonsAct = "destitute_persons_act",
        LegalDuty = "legal_duty",
    }
}

string_enum! {
    /// Parts of the case a referral may disclose — chosen explicitly, the minimum needed.
    SharedPart {
        Identity = "identity",
        CitizenId = "citizen_id",
        Address = "address",
        Phone = "phone",
        Problems = "problems",
        Risk = "risk",
        Assistance = "assistance",
        Household = "household",
    }
}

/// Thai wording used in letters and forms the core writes (the UI has its own dictionary).
impl TargetGroup {
    pub fn label_th(self) -> &'static str {
        match self {
            TargetGroup::Child => "เด็ก",
            TargetGroup::Youth => "เยาวชน",
            TargetGroup::Woman => "สตรี",
            TargetGroup::Family => "ครอบครัว",
            TargetGroup::Elderly => "ผู้สูงอายุ",
            TargetGroup::Disabled => "คนพิการ",
            TargetGroup::Bedridden => "ผู้ป่วยติดเตียง/พึ่งพิง",
            TargetGroup::Homeless => "คนไร้ที่พึ่ง/คนไร้บ้าน",
            TargetGroup::Beggar => "ผู้ทำการขอทาน",
            TargetGroup::LowIncome => "ผู้มีรายได้น้อย/ผู้ด้อยโอกาส",
            TargetGroup::WorkingAgeHardship => "วัยทำงานที่ประสบปัญหา",
        }
    }
}

impl Relationship {
    pub fn label_th(self) -> &'static str {
        match self {
            Relationship::Head => "หัวหน้าครัวเรือน",
            Relationship::Spouse => "คู่สมรส",
            Relationship::Child => "บุตร",
            Relationship::Parent => "บิดา/มารดา",
            Relationship::Sibling => "พี่/น้อง",
            Relationship::Grandchild => "หลาน",
            Relationship::Grandparent => "ปู่ ย่า ตา ยาย",
            Relationship::Relative => "ญาติ",
            Relationship::Other => "ผู้อาศัยอื่น",
        }
    }
}

impl ReferralStatus {
    pub fn label_th(self) -> &'static str {
        match self {
            ReferralStatus::Draft => "ร่าง",
            ReferralStatus::Sent => "ส่งแล้ว รอตอบกลับ",
            ReferralStatus::Received => "หน่วยงานรับเรื่องแล้ว",
            ReferralStatus::Accepted => "รับดำเนินการ",
            ReferralStatus::Declined => "ปฏิเสธ",
            ReferralStatus::ServiceDelivered => "ให้บริการแล้ว",
            ReferralStatus::FeedbackReceived => "ได้รับแจ้งผลแล้ว",
            ReferralStatus::Closed => "ปิดการส่งต่อ",
            ReferralStatus::Withdrawn => "ยกเลิกการส่งต่อ",
        }
    }
}

impl CaseStatus {
    pub fn label_th(self) -> &'static str {
        match self {
            CaseStatus::Intake => "รับเรื่อง",
            CaseStatus::FactFinding => "สอบข้อเท็จจริง",
            CaseStatus::Assessment => "ประเมิน",
            CaseStatus::Planning => "วางแผน",
            CaseStatus::Intervention => "ดำเนินการช่วยเหลือ",
            CaseStatus::FollowUp => "ติดตามผล",
            CaseStatus::Closed => "ปิดกรณี",
        }
    }
}

impl IntakeChannel {
    pub fn label_th(self) -> &'static str {
        match self {
            IntakeChannel::Hotline1300 => "สายด่วน 1300",
            IntakeChannel::Husec => "ศรส. ส่งต่อ",
            IntakeChannel::WalkIn => "มาติดต่อด้วยตนเอง",
            IntakeChannel::Volunteer => "อพม. แจ้ง",
            IntakeChannel::SocialMedia => "สื่อสังคมออนไลน์",
            IntakeChannel::News => "ข่าว",
            IntakeChannel::Inspection => "ลงพื้นที่ตรวจพบ",
            IntakeChannel::ReferralIn => "หน่วยงานอื่นส่งต่อมา",
        }
    }
}

impl ProblemDomain {
    pub fn label_th(self) -> &'static str {
        match self {
            ProblemDomain::Income => "รายได้และการดำรงชีพ",
            ProblemDomain::Housing => "ที่อยู่อาศัยและสภาพแวดล้อม",
            ProblemDomain::Health => "สุขภาพ",
            ProblemDomain::Education => "การศึกษา",
            ProblemDomain::Employment => "การมีงานทำ",
            ProblemDomain::Safety => "ความปลอดภัย",
            ProblemDomain::Family => "ความสัมพันธ์ในครอบครัว",
            ProblemDomain::LegalStatus => "สถานะทางกฎหมาย/ทะเบียน",
            ProblemDomain::Care => "การดูแลผู้พึ่งพิง",
            ProblemDomain::Disaster => "ภัยพิบัติ",
        }
    }
}

impl Urgency {
    pub fn label_th(self) -> &'static str {
        match self {
            Urgency::Urgent => "เร่งด่วน (อันตรายต่อชีวิต/ความรุนแรง)",
            Urgency::High => "สูง",
            Urgency::Normal => "ปกติ",
        }
    }
}

impl LetterUrgency {
    /// The mark printed on the letter; none for normal.
    pub fn mark_th(self) -> Option<&'static str> {
        match self {
            LetterUrgency::Normal => None,
            LetterUrgency::Urgent => Some("ด่วน"),
            LetterUrgency::VeryUrgent => Some("ด่วนมาก"),
            LetterUrgency::MostUrgent => Some("ด่วนที่สุด"),
        }
    }
}

impl Secrecy {
    pub fn mark_th(self) -> &'static str {
        match self {
            Secrecy::Confidential => "ลับ",
            Secrecy::Secret => "ลับมาก",
            Secrecy::TopSecret => "ลับที่สุด",
        }
    }
}

impl LegalBasis {
    pub fn label_th(self) -> &'static str {
        match self {
            LegalBasis::Consent => {
                "ความยินยอมของเจ้าของข้อมูล (พ.ร.บ.คุ้มครองข้อมูลส่วนบุคคล พ.ศ. ๒๕๖๒ มาตรา ๑๙)"
            }
            LegalBasis::VitalInterest => {
                "ป้องกันหรือระงับอันตรายต่อชีวิต ร่างกาย หรือสุขภาพ (พ.ร.บ.คุ้มครองข้อมูลส่วนบุคคล มาตรา ๒๔(๒) และ ๒๖(๑))"
            }
            LegalBasis::ChildProtectionAct => "พ.ร.บ.คุ้มครองเด็ก พ.ศ. ๒๕๔๖",
            LegalBasis::ElderlyAct => "พ.ร.บ.ผู้สูงอายุ พ.ศ. ๒๕๔๖",
            LegalBasis::DisabilityAct => "พ.ร.บ.ส่งเสริมและพัฒนาคุณภาพชีวิตคนพิการ พ.ศ. ๒๕๕๐",
            LegalBasis::FamilyInstitutionAct => {
                "พ.ร.บ.ส่งเสริมการพัฒนาและคุ้มครองสถาบันครอบครัว พ.ศ. ๒๕๖๒"
            }
            LegalBasis::DestitutePersonsAct => "พ.ร.บ.การคุ้มครองคนไร้ที่พึ่ง พ.ศ. ๒๕๕๗",
            LegalBasis::LegalDuty => {
                "การปฏิบัติหน้าที่ตามกฎหมายหรือภารกิจเพื่อประโยชน์สาธารณะ (มาตรา ๒๔(๔)(๖))"
            }
        }
    }
}
