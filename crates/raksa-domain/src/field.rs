//! Field-level validation results: which field was refused and why, each reason with its
//! one Thai and English message. Every layer (the PC's core, the server, the forms) reports
//! bad input with these, so a message is written once.

use serde::Serialize;
use ts_rs::TS;

/// Why a single form field was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FieldProblem {
    Required,
    TooLong,
    CitizenIdLength,
    CitizenIdNotDigits,
    CitizenIdChecksum,
    CitizenIdInvalid,
    CitizenIdTaken,
    GCodeFormat,
    DateInvalid,
    DateInFuture,
    DateTooOld,
    PasswordTooShort,
    PasswordMismatch,
    UsernameFormat,
    UsernameTaken,
    LetterCodeFormat,
    PhoneFormat,
    OutOfRange,
    UnknownPlace,
    PostcodeMismatch,
    UnknownField,
    WrongType,
    NotAChoice,
    OutsideThailand,
    HouseCodeFormat,
    FileTooLarge,
    FileTypeNotAllowed,
    FileEmpty,
    AlreadyInHousehold,
    NotInHousehold,
    DateBeforeStart,
    BlockOverlaps,
    OfficeMismatch,
    RuleInPast,
    RuleVersionExists,
    OfficeNumberFormat,
    InsecureServerUrl,
    NothingChanged,
    DeathBeforeBirth,
    DecisionBeforeRequest,
    RefusalChangesNothing,
    ReasonTooShort,
    PasswordWeak,
    Markup,
}

impl FieldProblem {
    pub fn message_th(self) -> &'static str {
        use FieldProblem::*;
        match self {
            Required => "กรุณากรอกข้อมูลช่องนี้",
            TooLong => "ข้อความยาวเกินกำหนด",
            CitizenIdLength => "เลขประจำตัวประชาชนต้องมี 13 หลัก",
            CitizenIdNotDigits => "เลขประจำตัวประชาชนต้องเป็นตัวเลขเท่านั้น",
            CitizenIdChecksum => {
                "เลขประจำตัวประชาชนไม่ถูกต้อง (เลขตรวจสอบหลักสุดท้ายไม่ตรง) กรุณาตรวจสอบอีกครั้ง"
            }
            CitizenIdInvalid => "เลขประจำตัวประชาชนนี้ไม่ใช่เลขที่ออกจริง",
            CitizenIdTaken => "มีบุคคลที่ใช้เลขประจำตัวประชาชนนี้ในระบบแล้ว",
            GCodeFormat => "รหัส G ต้องขึ้นต้นด้วย G ตามด้วยตัวเลข 12 หลัก",
            DateInvalid => "วันที่ไม่ถูกต้อง กรุณากรอกเป็น วัน/เดือน/ปี พ.ศ. เช่น 5/3/2510",
            DateInFuture => "วันที่ต้องไม่เป็นวันในอนาคต",
            DateTooOld => "วันที่เก่าเกินไป กรุณาตรวจสอบปี พ.ศ.",
            PasswordTooShort => "รหัสผ่านต้องมีอย่างน้อย 8 ตัวอักษร",
            PasswordMismatch => "รหัสผ่านทั้งสองช่องไม่ตรงกัน",
            UsernameFormat => "ชื่อผู้ใช้ต้องเป็นอักษรภาษาอังกฤษ ตัวเลข จุด ขีด หรือขีดล่าง 3–32 ตัว",
            UsernameTaken => "ชื่อผู้ใช้นี้มีอยู่แล้ว",
            LetterCodeFormat => "รหัสตัวอักษรจังหวัดต้องเป็นอักษรไทย 1–3 ตัว เช่น พล",
            PhoneFormat => "หมายเลขโทรศัพท์ต้องเป็นตัวเลข 9–10 หลัก (ใส่ขีดได้)",
            OutOfRange => "ค่าที่กรอกอยู่นอกช่วงที่อนุญาต",
            UnknownPlace => "ไม่พบตำบล/แขวงนี้ในทะเบียนของกรมการปกครอง กรุณาเลือกจากรายการ",
            PostcodeMismatch => "รหัสไปรษณีย์ไม่ตรงกับตำบล/แขวงที่เลือก",
            UnknownField => "แบบฟอร์มรุ่นนี้ไม่มีช่องนี้ ข้อมูลช่องนี้จึงไม่ถูกบันทึก",
            WrongType => "รูปแบบข้อมูลไม่ตรงกับชนิดของช่อง",
            NotAChoice => "กรุณาเลือกจากตัวเลือกที่มีให้",
            OutsideThailand => "พิกัดอยู่นอกประเทศไทย กรุณาตรวจสอบละติจูด/ลองจิจูด",
            HouseCodeFormat => "รหัสประจำบ้านต้องเป็นตัวเลข 11 หลัก",
            FileTooLarge => "ไฟล์ใหญ่เกินกำหนด (ไม่เกิน 10 MB ต่อไฟล์)",
            FileTypeNotAllowed => "แนบได้เฉพาะไฟล์ภาพ JPEG, PNG หรือเอกสาร PDF",
            FileEmpty => "ไฟล์ว่างเปล่า",
            AlreadyInHousehold => "บุคคลนี้เป็นสมาชิกของครัวเรือนอื่นอยู่แล้ว ต้องบันทึกการย้ายออกก่อน",
            NotInHousehold => "บุคคลนี้ไม่ได้เป็นสมาชิกปัจจุบันของครัวเรือนนี้",
            PasswordWeak => "รหัสผ่านนี้เดาได้ง่ายเกินไป",
            Markup => "ข้อความมีแท็ก HTML หรือโค้ด ซึ่งระบบไม่รับ กรุณาส่งเป็นข้อความธรรมดา",
            ReasonTooShort => "กรุณาระบุเหตุผลให้ชัดเจน (อย่างน้อย 10 ตัวอักษร) เหตุผลนี้จะแจ้งให้หัวหน้างานทราบ",
            DateBeforeStart => "วันที่ต้องไม่ก่อนวันเริ่มต้น",
            BlockOverlaps => "ช่วงเลขนี้ซ้อนกับเลขที่เครื่องนี้ออกไปแล้วในปีนี้ กรุณาเลือกช่วงอื่น",
            OfficeMismatch => "รหัสลงทะเบียนนี้ออกให้สำนักงานอื่น กรุณาขอรหัสของสำนักงานนี้จากผู้ดูแลระบบส่วนกลาง",
            InsecureServerUrl => {
                "ที่อยู่เซิร์ฟเวอร์ต้องขึ้นต้นด้วย https:// (ใช้ http:// ได้เฉพาะเซิร์ฟเวอร์ในเครื่องนี้เอง) เพื่อไม่ให้ข้อมูลและรหัสลงทะเบียนถูกดักอ่านระหว่างทาง"
            }
            OfficeNumberFormat => "เลขประจำของสำนักงานต้องเป็นตัวเลข 1–4 หลัก เช่น ๐๐๒๗",
            RuleInPast => "หลักเกณฑ์ใหม่ต้องมีผลตั้งแต่วันนี้หรือหลังจากนี้ เพื่อไม่ให้กำหนดเวลาของกรณีที่รับไว้แล้วเปลี่ยนไป",
            NothingChanged => "ไม่มีข้อมูลที่เปลี่ยนแปลง แก้ไขข้อมูลอย่างน้อยหนึ่งช่องก่อนบันทึก",
            DeathBeforeBirth => "วันที่เสียชีวิตต้องไม่ก่อนวันเกิด",
            DecisionBeforeRequest => "วันที่พิจารณาต้องไม่ก่อนวันที่ได้รับคำขอ",
            RefusalChangesNothing => "เมื่อปฏิเสธคำขอ ข้อมูลต้องคงเดิม กรุณาคืนค่าที่แก้ไข หรือเปลี่ยนผลการพิจารณา",
            RuleVersionExists => {
                "มีหลักเกณฑ์ที่มีผลตั้งแต่วันนี้อยู่แล้ว หลักเกณฑ์แก้ไขไม่ได้ กรุณาเพิ่มฉบับใหม่ที่มีผลในวันถัดไป"
            }
        }
    }

    pub fn message_en(self) -> &'static str {
        use FieldProblem::*;
        match self {
            Required => "This field is required",
            TooLong => "Too long",
            CitizenIdLength => "A citizen ID has 13 digits",
            CitizenIdNotDigits => "A citizen ID has digits only",
            CitizenIdChecksum => "Citizen ID check digit does not match",
            CitizenIdInvalid => "This is not an issued citizen ID",
            CitizenIdTaken => "A person with this citizen ID is already registered",
            GCodeFormat => "A G-code is G followed by 12 digits",
            DateInvalid => "Invalid date; enter day/month/Buddhist-Era year, e.g. 5/3/2510",
            DateInFuture => "Date must not be in the future",
            DateTooOld => "Date is too far in the past",
            PasswordTooShort => "Password must have at least 8 characters",
            PasswordMismatch => "Passwords do not match",
            UsernameFormat => "Username: 3–32 of a–z, 0–9, dot, dash, underscore",
            UsernameTaken => "Username already taken",
            LetterCodeFormat => "Province letter code: 1–3 Thai letters, e.g. พล",
            PhoneFormat => "Phone number: 9–10 digits (dashes allowed)",
            OutOfRange => "Value out of range",
            UnknownPlace => "Not a sub-district in the official list; pick one from the list",
            PostcodeMismatch => "Postcode does not belong to the chosen sub-district",
            UnknownField => "This form version has no such field; it was not saved",
            WrongType => "The value does not fit this kind of field",
            NotAChoice => "Pick one of the choices offered",
            OutsideThailand => "This point is outside Thailand; check latitude/longitude",
            HouseCodeFormat => "A house code has 11 digits",
            FileTooLarge => "File too large (10 MB at most)",
            FileTypeNotAllowed => "Only JPEG or PNG images and PDF documents can be attached",
            FileEmpty => "The file is empty",
            AlreadyInHousehold => {
                "This person already belongs to another household; record the move out first"
            }
            NotInHousehold => "This person is not a current member of this household",
            PasswordWeak => "This password is too easy to guess",
            Markup => "The text contains HTML or code markup; send plain text",
            ReasonTooShort => {
                "Give a clear reason (at least 10 characters); the supervisors will see it"
            }
            DateBeforeStart => "The date must not be before the start date",
            BlockOverlaps => "This range overlaps numbers this PC already issued this year",
            OfficeMismatch => "This enrolment code belongs to another office",
            InsecureServerUrl => {
                "The server address must start with https:// (http:// only for a server on this machine)"
            }
            OfficeNumberFormat => "The office number is 1–4 digits, e.g. 0027",
            RuleInPast => {
                "A new rule takes effect today or later, so cases already received keep their deadlines"
            }
            NothingChanged => "Nothing was changed; change at least one field before saving",
            DeathBeforeBirth => "The date of death must not be before the date of birth",
            DecisionBeforeRequest => {
                "The decision date must not be before the request was received"
            }
            RefusalChangesNothing => {
                "A refused request changes nothing: put the values back or change the decision"
            }
            RuleVersionExists => {
                "A rule from this date exists; rules are never edited — add a version from a later date"
            }
        }
    }
}

/// A refused field: which field, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct FieldError {
    pub field: String,
    pub problem: FieldProblem,
    pub message_th: String,
    pub message_en: String,
}

impl FieldError {
    pub fn new(field: &str, problem: FieldProblem) -> Self {
        FieldError {
            field: field.to_owned(),
            problem,
            message_th: problem.message_th().to_owned(),
            message_en: problem.message_en().to_owned(),
        }
    }
}

/// One or more refused fields: the error every validation in the domain returns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid input in {} field(s)", .0.len())]
pub struct Invalid(pub Vec<FieldError>);

impl Invalid {
    pub fn field_errors(&self) -> &[FieldError] {
        &self.0
    }
}

/// Collects field errors during validation, then fails once with all of them.
#[derive(Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn push(&mut self, field: &str, problem: FieldProblem) {
        self.0.push(FieldError::new(field, problem));
    }
    pub fn check<T>(&mut self, field: &str, r: std::result::Result<T, FieldProblem>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(p) => {
                self.push(field, p);
                None
            }
        }
    }
    pub fn into_result(self) -> Result<(), Invalid> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Invalid(self.0))
        }
    }
}
