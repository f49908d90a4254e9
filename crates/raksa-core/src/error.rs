//! Errors of the core layer. Every variant maps to exactly one user-facing Thai message
//! (and an English one) here, so the shells never invent wording of their own.
//! No variant carries personal data: field errors name the field, never its value.

use serde::Serialize;
use ts_rs::TS;

pub use raksa_domain::field::{FieldError, FieldErrors, FieldProblem, Invalid};

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("invalid input in {} field(s)", .0.len())]
    Invalid(Vec<FieldError>),
    #[error("wrong user name or password")]
    BadCredentials,
    #[error("too many failed attempts; retry in {wait_secs} s")]
    Throttled { wait_secs: u64 },
    #[error("the current user may not do this")]
    Forbidden,
    #[error("record not found")]
    NotFound,
    #[error("the app is locked")]
    Locked,
    /// A lifecycle rule refused the change; the code names which.
    #[error("case stage change refused: {0}")]
    Transition(&'static str),
    #[error("form definition refused: {0}")]
    FormDefinition(#[from] raksa_domain::form::DefinitionError),
    /// The platform has no print system that took the file.
    #[error("no printer is available")]
    PrinterUnavailable,
    /// An attachment made on another PC whose bytes have not arrived yet.
    #[error("the attachment's file has not been downloaded yet")]
    NotYetDownloaded,
    /// This PC's block of numbers for the series is used up.
    #[error("no numbers left in this PC's {0} block")]
    NumbersExhausted(&'static str),
    /// A sensitive case outside the user's need-to-know: open it only with a reason.
    #[error("sensitive case: a reason is needed to open it")]
    NeedToKnow,
    #[error("this administrator holds no signing key on this PC")]
    NoSigningKey,
    /// This PC has no central server yet (enrolment in Settings).
    #[error("this PC is not enrolled with a central server")]
    NotEnrolled,
    /// A software update could not be checked, verified or installed.
    #[error("software update: {0:?}")]
    Update(crate::update::UpdateProblem),
    #[error("this data folder already holds an office")]
    AlreadyInitialised,
    #[error("this data folder holds no office yet")]
    NotInitialised,
    #[error(
        "the database was written by a newer Raksa (schema {found}, this build knows {supported})"
    )]
    SchemaTooNew { found: u32, supported: u32 },
    #[error("the data files are damaged: {0}")]
    Corrupt(String),
    #[error("the backup file is not valid: {0}")]
    BackupInvalid(String),
    /// An import refused as a whole; nothing was written.
    #[error("import refused: {0:?}")]
    Import(crate::import::ImportRefusal),
    #[error("database error: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
}

impl From<Invalid> for CoreError {
    fn from(e: Invalid) -> Self {
        CoreError::Invalid(e.0)
    }
}

pub type Result<T, E = CoreError> = std::result::Result<T, E>;

impl CoreError {
    pub fn field(field: &str, problem: FieldProblem) -> Self {
        CoreError::Invalid(vec![FieldError::new(field, problem)])
    }

    /// A stable machine-readable code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::Invalid(_) => "invalid",
            CoreError::BadCredentials => "bad_credentials",
            CoreError::Throttled { .. } => "throttled",
            CoreError::Forbidden => "forbidden",
            CoreError::NotFound => "not_found",
            CoreError::Locked => "locked",
            CoreError::Transition(_) => "transition",
            CoreError::FormDefinition(_) => "form_definition",
            CoreError::NumbersExhausted(_) => "numbers_exhausted",
            CoreError::PrinterUnavailable => "printer_unavailable",
            CoreError::NotYetDownloaded => "not_yet_downloaded",
            CoreError::NeedToKnow => "need_to_know",
            CoreError::NoSigningKey => "no_signing_key",
            CoreError::NotEnrolled => "not_enrolled",
            CoreError::Update(crate::update::UpdateProblem::Signature) => "update_signature",
            CoreError::Update(_) => "update",
            CoreError::AlreadyInitialised => "already_initialised",
            CoreError::NotInitialised => "not_initialised",
            CoreError::SchemaTooNew { .. } => "schema_too_new",
            CoreError::Corrupt(_) => "corrupt",
            CoreError::BackupInvalid(_) => "backup_invalid",
            CoreError::Import(_) => "import_refused",
            CoreError::Db(_) => "database",
            CoreError::Io(_) => "io",
        }
    }

    pub fn message_th(&self) -> String {
        match self {
            CoreError::Invalid(errs) if errs.len() == 1 => errs[0].message_th.clone(),
            CoreError::Invalid(_) => "ข้อมูลบางช่องไม่ถูกต้อง กรุณาตรวจสอบช่องที่มีข้อความสีแดง".into(),
            CoreError::BadCredentials => "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง".into(),
            CoreError::Throttled { wait_secs } => {
                format!("ใส่รหัสผ่านผิดหลายครั้ง กรุณารอ {wait_secs} วินาทีแล้วลองใหม่")
            }
            CoreError::Forbidden => "บัญชีของท่านไม่มีสิทธิ์ทำรายการนี้".into(),
            CoreError::NotFound => "ไม่พบข้อมูลที่ต้องการ".into(),
            CoreError::Locked => "โปรแกรมล็อกอยู่ กรุณาเข้าสู่ระบบอีกครั้ง".into(),
            CoreError::Transition(why) => match *why {
                "needs_plan_approval" => "ต้องให้หัวหน้างานอนุมัติแผนก่อนเริ่มดำเนินการช่วยเหลือ",
                "needs_closure_approval" => "การปิดกรณีต้องขออนุมัติจากหัวหน้างาน",
                "closed" => "กรณีนี้ปิดแล้ว ต้องเปิดกรณีใหม่อีกครั้งก่อน",
                "approval_pending" => "มีคำขออนุมัติรอหัวหน้างานพิจารณาอยู่",
                "own_request" => "ผู้ขออนุมัติไม่สามารถอนุมัติคำขอของตนเองได้",
                "no_pending_approval" => "ไม่มีคำขออนุมัติที่รอพิจารณา",
                "no_plan" => "ต้องบันทึกแผนอย่างน้อย 1 เป้าหมายก่อนขออนุมัติแผน",
                "referral_sent" => "ส่งหนังสือส่งต่อแล้ว แก้ไขร่างหรือส่งซ้ำไม่ได้ (เลขทะเบียนหนังสือส่งออกไปแล้ว)",
                "referral_step" => "สถานะการส่งต่อนี้เปลี่ยนไปยังสถานะที่เลือกไม่ได้",
                "form_submitted" => "แบบสอบข้อเท็จจริงนี้ส่งแล้ว ต้องกด \"แก้ไข\" ก่อนจึงจะเปลี่ยนข้อมูลได้",
                "merge_same" => "เลือกระเบียนเดียวกันทั้งสองฝั่ง ไม่มีอะไรต้องรวม",
                "request_answered" => "คำขอนี้ได้รับการดำเนินการแล้ว (เปิดกรณี ส่งต่อ หรือปิดเรื่องไปแล้ว)",
                "merge_already" => "ระเบียนนี้ถูกรวมเข้ากับระเบียนอื่นไปแล้ว",
                "merge_two_ids" => "ทั้งสองระเบียนมีเลขประจำตัวของตนเองและเลขต่างกัน จึงไม่ใช่บุคคลเดียวกัน รวมไม่ได้",
                "merge_two_households" => "ทั้งสองระเบียนเป็นสมาชิกครัวเรือนอยู่ในปัจจุบัน กรุณาบันทึกการย้ายออกของระเบียนหนึ่งก่อนรวม",
                "merge_undone" => "การรวมระเบียนครั้งนี้ถูกยกเลิกไปแล้ว",
                "no_screening" => "ยังไม่ได้ตรวจสอบสิทธิสวัสดิการของกรณีนี้ กรุณากด \"ตรวจสอบสิทธิ\" ก่อน",
                "not_eligible" => "ผลการตรวจสอบสิทธิล่าสุดไม่พบว่ามีสิทธินี้ จึงส่งต่อเพื่อขอรับสิทธินี้ไม่ได้",
                "form_not_draft" => "แบบสอบข้อเท็จจริงนี้ยังไม่ได้ส่ง",
                _ => "ขั้นตอนนี้ไม่สามารถเปลี่ยนไปยังขั้นที่เลือกได้",
            }
            .into(),
            CoreError::FormDefinition(e) => {
                use raksa_domain::form::DefinitionError::*;
                match e {
                    UnknownFieldType(t) => format!(
                        "แบบฟอร์มนี้ใช้ชนิดช่อง \"{t}\" ที่โปรแกรมรุ่นนี้ไม่รู้จัก จึงไม่ได้ติดตั้ง แบบฟอร์มเดิมยังใช้งานได้ตามปกติ"
                    ),
                    DuplicateKey(k) => format!("แบบฟอร์มมีรหัสช่อง \"{k}\" ซ้ำกัน จึงไม่ได้ติดตั้ง"),
                    NoChoices(k) => format!("ช่อง \"{k}\" ไม่มีตัวเลือก จึงไม่ได้ติดตั้งแบบฟอร์ม"),
                    BadReference(k) => {
                        format!("ช่อง \"{k}\" อ้างถึงสิ่งที่แบบฟอร์มไม่มี จึงไม่ได้ติดตั้งแบบฟอร์ม")
                    }
                    Malformed(_) => "ไฟล์แบบฟอร์มไม่ถูกต้องตามรูปแบบ จึงไม่ได้ติดตั้ง".into(),
                    VersionExists(v) => {
                        format!("แบบฟอร์มรุ่น {v} หรือรุ่นที่ใหม่กว่าติดตั้งไว้แล้ว แบบฟอร์มที่แก้ไขต้องใช้เลขรุ่นใหม่")
                    }
                }
            }
            CoreError::NotYetDownloaded => "ไฟล์แนบนี้บันทึกจากเครื่องอื่นของสำนักงานและยังรับไฟล์มาไม่ครบ ระบบจะรับมาเมื่อซิงค์ครั้งถัดไป".into(),
            CoreError::PrinterUnavailable => "ส่งไปเครื่องพิมพ์ไม่สำเร็จ (ไม่พบเครื่องพิมพ์หรือระบบพิมพ์บนเครื่องนี้) กรุณาใช้ \"บันทึกเป็น PDF\" หรือ \"เปิดดู\" แล้วสั่งพิมพ์จากโปรแกรมอ่าน PDF".into(),
            CoreError::NumbersExhausted(series) => format!(
                "เลข{}ในช่วงที่กำหนดให้เครื่องนี้ใช้หมดแล้ว กรุณาให้ผู้ดูแลระบบกำหนดช่วงเลขใหม่ (ตั้งค่า → ช่วงเลขของเครื่องนี้) ยังไม่ได้บันทึกรายการนี้",
                if *series == "case" {
                    "ที่กรณี"
                } else {
                    "ทะเบียนหนังสือส่ง"
                }
            ),
            CoreError::NoSigningKey => "บัญชีผู้ดูแลระบบนี้ยังไม่มีกุญแจลงนามในเครื่องนี้ จึงเปลี่ยนบัญชีผู้ใช้หรือกฎระยะเวลาไม่ได้ กรุณาออกจากระบบแล้วเข้าใหม่ด้วยรหัสผ่านของท่าน".into(),
            CoreError::NeedToKnow => "กรณีนี้มีข้อมูลอ่อนไหว เปิดดูได้เฉพาะผู้รับผิดชอบ หัวหน้างาน และผู้ดูแลระบบ หากจำเป็นต้องเปิด กรุณาระบุเหตุผล ระบบจะแจ้งหัวหน้างานและบันทึกไว้".into(),
            CoreError::NotEnrolled => "เครื่องนี้ยังไม่ได้ลงทะเบียนกับเซิร์ฟเวอร์ส่วนกลาง (ตั้งค่า → การซิงค์ข้อมูล)".into(),
            CoreError::Update(p) => p.message_th().into(),
            CoreError::AlreadyInitialised => "เครื่องนี้ตั้งค่าสำนักงานไว้แล้ว".into(),
            CoreError::NotInitialised => "ยังไม่ได้ตั้งค่าสำนักงานในเครื่องนี้".into(),
            CoreError::SchemaTooNew { .. } => {
                "ฐานข้อมูลนี้สร้างโดยรักษารุ่นที่ใหม่กว่า กรุณาปรับปรุงโปรแกรมก่อนใช้งาน".into()
            }
            CoreError::Corrupt(_) => "ไฟล์ข้อมูลเสียหาย กรุณาติดต่อผู้ดูแลระบบเพื่อกู้คืนจากไฟล์สำรอง".into(),
            CoreError::BackupInvalid(_) => {
                "ไฟล์สำรองข้อมูลไม่ถูกต้องหรือเสียหาย ไม่ได้เปลี่ยนแปลงข้อมูลใด ๆ".into()
            }
            CoreError::Import(r) => r.message_th(),
            CoreError::Db(_) => "บันทึกหรืออ่านฐานข้อมูลไม่สำเร็จ ข้อมูลที่บันทึกไว้แล้วยังอยู่ครบ กรุณาลองใหม่".into(),
            CoreError::Io(_) => "อ่านหรือเขียนไฟล์ไม่สำเร็จ กรุณาตรวจสอบพื้นที่ดิสก์และสิทธิ์การเข้าถึงไฟล์".into(),
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            CoreError::Invalid(errs) if errs.len() == 1 => errs[0].message_en.clone(),
            CoreError::Invalid(_) => "Some fields are invalid; see the messages in red".into(),
            CoreError::Import(r) => r.message_en(),
            other => other.to_string(),
        }
    }

    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            CoreError::Invalid(errs) => errs,
            _ => &[],
        }
    }
}

/// The error as the UI receives it: code, both messages, and per-field errors.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ErrorReport {
    pub code: String,
    pub message_th: String,
    pub message_en: String,
    pub fields: Vec<FieldError>,
}

impl From<&CoreError> for ErrorReport {
    fn from(e: &CoreError) -> Self {
        ErrorReport {
            code: e.code().to_owned(),
            message_th: e.message_th(),
            message_en: e.message_en(),
            fields: e.field_errors().to_vec(),
        }
    }
}
