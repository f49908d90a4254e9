//! Forms as versioned data. A form definition (sections, fields, types, choices, which fields
//! are required to submit, when a field is shown) is JSON shipped in `assets/forms/` or
//! installed by an administrator; a filled form keeps the `(form_id, version)` it was
//! started with, so a revised form never breaks an old case. Everything here is pure:
//! parsing and checking a definition, validating answers against it, and measuring how
//! complete each section is. Storage lives in `fact_finding`.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::field::{FieldErrors, FieldProblem};
use crate::identity;
use crate::model::{ProblemDomain, TargetGroup};
use crate::places;
use crate::validate;

/// The forms this build ships. A new version is a new file here (and a new entry), never an
/// edit of a released one.
pub const SHIPPED: &[&str] = &[include_str!("../../../assets/forms/fact_finding.v1.json")];

pub const FACT_FINDING: &str = "fact_finding";

/// Field types the renderer and validator know. A definition naming any other type is
/// refused as a whole.
pub const FIELD_TYPES: &[&str] = &[
    "text",
    "long_text",
    "number",
    "money",
    "date",
    "choice",
    "multi_choice",
    "yes_no",
    "consent",
    "citizen_id",
    "phone",
    "address",
    "gps",
    "household",
    "attachments",
];

/// Where a fresh draft takes a field's first value from.
pub const PREFILLS: &[&str] = &[
    "officer",
    "thai",
    "person_address",
    "person_phone",
    "target_groups",
    "problem_domains",
];

/// Enumerations a choice field may take its choices from (labels come from the UI's
/// dictionary of the same enum).
pub const CHOICE_SOURCES: &[&str] = &["target_group", "problem_domain"];

const MAX_SHORT: usize = 500;
const MAX_LONG: usize = 10_000;
const MAX_KEY: usize = 80;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DefinitionError {
    #[error("not a valid form definition: {0}")]
    Malformed(String),
    #[error("unknown field type {0:?}")]
    UnknownFieldType(String),
    #[error("field key {0:?} is used twice")]
    DuplicateKey(String),
    #[error("field {0:?} needs choices")]
    NoChoices(String),
    #[error("field {0:?} refers to something the form does not have")]
    BadReference(String),
    #[error("version {0} or a newer one is already installed")]
    VersionExists(u32),
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct FormDefinition {
    pub form_id: String,
    pub version: u32,
    pub title_th: String,
    pub title_en: String,
    pub sections: Vec<FormSection>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct FormSection {
    pub key: String,
    pub title_th: String,
    pub title_en: String,
    pub fields: Vec<FormField>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct FormField {
    pub key: String,
    #[serde(rename = "type")]
    pub field_type: String,
    pub label_th: String,
    pub label_en: String,
    /// Needed before the form can be submitted (drafts may leave it empty).
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(optional, as = "Option<Vec<Choice>>")]
    pub choices: Vec<Choice>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub choices_from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub show_if: Option<ShowIf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub prefill: Option<String>,
    /// Dates: may not lie in the future.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[ts(optional, as = "Option<bool>")]
    pub past_only: bool,
    /// Addresses: also ask for the 11-digit house code (รหัสประจำบ้าน).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[ts(optional, as = "Option<bool>")]
    pub with_house_code: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub max: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub help_th: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Choice {
    pub value: String,
    pub th: String,
    pub en: String,
}

/// Show the field only while another field has this value (`"yes"`/`"no"` for yes/no).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct ShowIf {
    pub field: String,
    pub equals: String,
}

/// A structured address: the part below the sub-district plus the official code.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(default, deny_unknown_fields)]
#[ts(export)]
pub struct AddressValue {
    pub house_code: String,
    pub house_no: String,
    pub moo: String,
    pub alley: String,
    pub soi: String,
    pub road: String,
    pub subdistrict_code: Option<String>,
    pub postcode: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct GpsPoint {
    pub lat: f64,
    pub lon: f64,
}

impl GpsPoint {
    /// Inside Thailand's bounding box (with a margin), rounded to 6 decimals (~10 cm).
    pub fn checked(self) -> Result<GpsPoint, FieldProblem> {
        if !(5.0..=21.0).contains(&self.lat) || !(97.0..=106.0).contains(&self.lon) {
            return Err(FieldProblem::OutsideThailand);
        }
        Ok(GpsPoint {
            lat: (self.lat * 1e6).round() / 1e6,
            lon: (self.lon * 1e6).round() / 1e6,
        })
    }
}

/// Answers by field key. Values are JSON shaped by the field type.
pub type Answers = BTreeMap<String, Value>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Saving a draft: every value present must be well-formed; nothing is required.
    Draft,
    /// Submitting: also every required, visible field must be answered.
    Submit,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SectionProgress {
    pub key: String,
    /// Required, visible fields answered.
    pub filled: u32,
    /// Required, visible fields.
    pub required: u32,
    pub complete: bool,
}

impl FormDefinition {
    /// Parses and checks a definition. A field type the app does not know refuses the whole
    /// definition (a form that cannot be rendered must not be installed).
    pub fn parse(json: &str) -> Result<FormDefinition, DefinitionError> {
        let raw: Value =
            serde_json::from_str(json).map_err(|e| DefinitionError::Malformed(e.to_string()))?;
        // Find unknown types first, so the message names the type rather than a serde path.
        for s in raw["sections"].as_array().into_iter().flatten() {
            for f in s["fields"].as_array().into_iter().flatten() {
                let t = f["type"].as_str().unwrap_or("");
                if !FIELD_TYPES.contains(&t) {
                    return Err(DefinitionError::UnknownFieldType(
                        t.chars().take(40).collect(),
                    ));
                }
            }
        }
        let def: FormDefinition =
            serde_json::from_value(raw).map_err(|e| DefinitionError::Malformed(e.to_string()))?;
        def.check()?;
        Ok(def)
    }

    fn check(&self) -> Result<(), DefinitionError> {
        let key_ok = |k: &str| {
            !k.is_empty()
                && k.len() <= MAX_KEY
                && k.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._".contains(&b))
        };
        if !key_ok(&self.form_id) || self.version == 0 || self.sections.is_empty() {
            return Err(DefinitionError::Malformed(
                "form id, version or sections".into(),
            ));
        }
        let mut keys = HashSet::new();
        for s in &self.sections {
            if !key_ok(&s.key) || !keys.insert(format!("section:{}", s.key)) {
                return Err(DefinitionError::DuplicateKey(s.key.clone()));
            }
            for f in &s.fields {
                if !key_ok(&f.key) || !keys.insert(f.key.clone()) {
                    return Err(DefinitionError::DuplicateKey(f.key.clone()));
                }
                let choice_type = matches!(f.field_type.as_str(), "choice" | "multi_choice");
                if choice_type {
                    match &f.choices_from {
                        Some(src) if !CHOICE_SOURCES.contains(&src.as_str()) => {
                            return Err(DefinitionError::BadReference(f.key.clone()));
                        }
                        None if f.choices.is_empty() => {
                            return Err(DefinitionError::NoChoices(f.key.clone()));
                        }
                        _ => {}
                    }
                    let mut seen = HashSet::new();
                    if !f.choices.iter().all(|c| seen.insert(c.value.as_str())) {
                        return Err(DefinitionError::DuplicateKey(f.key.clone()));
                    }
                }
                if let Some(p) = &f.prefill
                    && !PREFILLS.contains(&p.as_str())
                {
                    return Err(DefinitionError::BadReference(f.key.clone()));
                }
            }
        }
        for f in self.fields() {
            if let Some(c) = &f.show_if
                && (!keys.contains(&c.field) || c.field == f.key)
            {
                return Err(DefinitionError::BadReference(f.key.clone()));
            }
        }
        Ok(())
    }

    pub fn fields(&self) -> impl Iterator<Item = &FormField> {
        self.sections.iter().flat_map(|s| s.fields.iter())
    }

    pub fn field(&self, key: &str) -> Option<&FormField> {
        self.fields().find(|f| f.key == key)
    }

    /// Whether a field is shown, given the answers (a field behind a hidden field is hidden).
    pub fn visible(&self, f: &FormField, answers: &Answers) -> bool {
        let mut cur = f;
        for _ in 0..8 {
            let Some(cond) = &cur.show_if else {
                return true;
            };
            if answer_token(answers.get(&cond.field)).as_deref() != Some(cond.equals.as_str()) {
                return false;
            }
            match self.field(&cond.field) {
                Some(next) => cur = next,
                None => return false,
            }
        }
        false
    }

    /// Checks answers against the definition and returns them cleaned (text trimmed, hidden
    /// fields' stale values kept — they come back if the choice is changed back — but never
    /// required). Every problem is collected under the field's key.
    pub fn validate(
        &self,
        answers: &Answers,
        mode: Mode,
        today: NaiveDate,
        errs: &mut FieldErrors,
    ) -> Answers {
        let mut out = Answers::new();
        for key in answers.keys() {
            if self.field(key).is_none() {
                errs.push(&truncate_key(key), FieldProblem::UnknownField);
            }
        }
        for f in self.fields() {
            let v = answers.get(&f.key).filter(|v| !is_empty(v));
            match v {
                Some(v) => match clean_value(f, v, today) {
                    Ok(Some(clean)) => {
                        out.insert(f.key.clone(), clean);
                    }
                    Ok(None) => {}
                    Err(p) => errs.push(&f.key, p),
                },
                None => {
                    if mode == Mode::Submit
                        && f.required
                        && f.field_type != "household"
                        && f.field_type != "attachments"
                        && self.visible(f, answers)
                    {
                        errs.push(&f.key, FieldProblem::Required);
                    }
                }
            }
        }
        out
    }

    /// Per section: how many required, visible fields are answered.
    pub fn progress(&self, answers: &Answers) -> Vec<SectionProgress> {
        self.sections
            .iter()
            .map(|s| {
                let req: Vec<&FormField> = s
                    .fields
                    .iter()
                    .filter(|f| f.required && self.visible(f, answers))
                    .collect();
                let filled = req
                    .iter()
                    .filter(|f| answers.get(&f.key).is_some_and(|v| !is_empty(v)))
                    .count() as u32;
                let required = req.len() as u32;
                SectionProgress {
                    key: s.key.clone(),
                    filled,
                    required,
                    complete: filled == required,
                }
            })
            .collect()
    }
}

fn truncate_key(k: &str) -> String {
    k.chars().take(MAX_KEY).collect()
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Bool(false) => false,
        Value::Object(o) => o.values().all(is_empty),
        _ => false,
    }
}

/// The comparable token of an answer for `show_if`: strings as they are, booleans as yes/no.
fn answer_token(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Bool(true) => Some("yes".into()),
        Value::Bool(false) => Some("no".into()),
        _ => None,
    }
}

fn choice_ok(f: &FormField, value: &str) -> bool {
    match f.choices_from.as_deref() {
        Some("target_group") => TargetGroup::parse(value).is_some(),
        Some("problem_domain") => ProblemDomain::parse(value).is_some(),
        _ => f.choices.iter().any(|c| c.value == value),
    }
}

fn clean_value(f: &FormField, v: &Value, today: NaiveDate) -> Result<Option<Value>, FieldProblem> {
    use FieldProblem::*;
    let s = || v.as_str().ok_or(WrongType);
    Ok(Some(match f.field_type.as_str() {
        "text" => Value::String(validate::text(s()?, MAX_SHORT, false)?),
        "long_text" => Value::String(validate::text(s()?, MAX_LONG, true)?),
        "number" | "money" => {
            let n = v.as_f64().ok_or(WrongType)?;
            let max = f.max.unwrap_or(1e9);
            if !n.is_finite() || n < 0.0 || n > max {
                return Err(OutOfRange);
            }
            if f.field_type == "money" {
                // Baht with at most satang precision.
                serde_json::json!((n * 100.0).round() / 100.0)
            } else {
                serde_json::json!(n)
            }
        }
        "date" => {
            let d = NaiveDate::parse_from_str(s()?, "%Y-%m-%d").map_err(|_| DateInvalid)?;
            if f.past_only && d > today {
                return Err(DateInFuture);
            }
            if d < NaiveDate::from_ymd_opt(1900, 1, 1).expect("date") {
                return Err(DateTooOld);
            }
            Value::String(d.format("%Y-%m-%d").to_string())
        }
        "choice" => {
            let c = s()?;
            if !choice_ok(f, c) {
                return Err(NotAChoice);
            }
            Value::String(c.to_owned())
        }
        "multi_choice" => {
            let arr = v.as_array().ok_or(WrongType)?;
            let mut picked: Vec<String> = Vec::new();
            for item in arr {
                let c = item.as_str().ok_or(WrongType)?;
                if !choice_ok(f, c) {
                    return Err(NotAChoice);
                }
                if !picked.iter().any(|p| p == c) {
                    picked.push(c.to_owned());
                }
            }
            serde_json::json!(picked)
        }
        "yes_no" => Value::Bool(v.as_bool().ok_or(WrongType)?),
        "consent" => {
            // Only a tick counts; "not given" is the absence of an answer.
            if !v.as_bool().ok_or(WrongType)? {
                return Ok(None);
            }
            Value::Bool(true)
        }
        "citizen_id" => Value::String(identity::parse_citizen_id(s()?)?),
        "phone" => Value::String(validate::phone(s()?)?),
        "address" => {
            let a: AddressValue = serde_json::from_value(v.clone()).map_err(|_| WrongType)?;
            serde_json::to_value(clean_address(a, f.with_house_code)?).expect("serialisable")
        }
        "gps" => {
            let p: GpsPoint = serde_json::from_value(v.clone()).map_err(|_| WrongType)?;
            let p = p.checked()?;
            serde_json::json!({ "lat": p.lat, "lon": p.lon })
        }
        // Household members live in the household register; the answer is a snapshot the
        // core writes on submission. Attachments live in their own encrypted table.
        "household" | "attachments" => return Ok(None),
        _ => return Err(WrongType),
    }))
}

fn clean_address(a: AddressValue, with_house_code: bool) -> Result<AddressValue, FieldProblem> {
    let line = |s: &str| validate::text(s, 100, false);
    let house_code = line(&a.house_code)?;
    if with_house_code
        && !house_code.is_empty()
        && !(house_code.len() == 11 && house_code.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(FieldProblem::HouseCodeFormat);
    }
    let sub = a.subdistrict_code.filter(|c| !c.trim().is_empty());
    let postcode = a.postcode.filter(|c| !c.trim().is_empty());
    let Some(code) = sub.as_deref() else {
        return Err(FieldProblem::UnknownPlace);
    };
    let place = places::places()
        .get(code)
        .filter(|p| p.code.len() == 6)
        .ok_or(FieldProblem::UnknownPlace)?;
    if let Some(pc) = &postcode
        && !place.postcodes.iter().any(|p| p == pc)
    {
        return Err(FieldProblem::PostcodeMismatch);
    }
    Ok(AddressValue {
        house_code,
        house_no: line(&a.house_no)?,
        moo: line(&a.moo)?,
        alley: line(&a.alley)?,
        soi: line(&a.soi)?,
        road: line(&a.road)?,
        subdistrict_code: sub,
        postcode: postcode.or_else(|| place.postcodes.first().cloned()),
    })
}

/// The shipped definitions, parsed. A shipped file that does not parse is a build defect;
/// the unit tests below fail on it.
pub fn shipped() -> Vec<FormDefinition> {
    SHIPPED
        .iter()
        .map(|j| FormDefinition::parse(j).expect("shipped form definitions are valid"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_definitions_parse() {
        let defs = shipped();
        assert_eq!(defs[0].form_id, FACT_FINDING);
        assert_eq!(defs[0].sections.len(), 15);
    }
}
