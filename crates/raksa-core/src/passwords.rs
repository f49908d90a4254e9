//! How strong a new password must be (issue 14 §3). Eight characters were the only rule;
//! now a new password must also resist guessing by zxcvbn's estimate (score 3 of 4: about
//! 10^8 guesses, far beyond what the unlock throttle lets anyone try), counting the user's
//! own name and user name as easy guesses. The refusal explains why, in Thai.

use crate::error::{CoreError, FieldError, FieldProblem, Result};
use raksa_domain::validate;
use zxcvbn::feedback::{Suggestion, Warning};

/// The lowest zxcvbn score accepted (0–4).
pub const MIN_SCORE: u8 = 3;

fn warning_th(w: Warning) -> &'static str {
    match w {
        Warning::StraightRowsOfKeysAreEasyToGuess
        | Warning::ShortKeyboardPatternsAreEasyToGuess => "แป้นที่เรียงติดกันบนแป้นพิมพ์เดาได้ง่าย",
        Warning::RepeatsLikeAaaAreEasyToGuess
        | Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => "ตัวอักษรหรือคำที่ซ้ำกันเดาได้ง่าย",
        Warning::ThisIsATop10Password
        | Warning::ThisIsATop100Password
        | Warning::ThisIsACommonPassword => "รหัสผ่านนี้เป็นรหัสที่คนใช้กันมาก",
        Warning::ThisIsSimilarToACommonlyUsedPassword => "รหัสผ่านนี้คล้ายรหัสที่คนใช้กันมาก",
        Warning::SequencesLikeAbcAreEasyToGuess => "ลำดับอย่าง abc หรือ 6543 เดาได้ง่าย",
        Warning::RecentYearsAreEasyToGuess | Warning::DatesAreOftenEasyToGuess => "ปีหรือวันที่เดาได้ง่าย",
        Warning::AWordByItselfIsEasyToGuess => "คำเดียวโดด ๆ เดาได้ง่าย",
        Warning::NamesAndSurnamesByThemselvesAreEasyToGuess
        | Warning::CommonNamesAndSurnamesAreEasyToGuess => "ชื่อหรือนามสกุลเดาได้ง่าย",
    }
}

fn suggestion_th(s: Suggestion) -> &'static str {
    match s {
        Suggestion::UseAFewWordsAvoidCommonPhrases | Suggestion::AddAnotherWordOrTwo => {
            "ใช้หลายคำต่อกันที่ไม่ใช่วลีที่คุ้นเคย เช่น ประโยคสั้น ๆ ที่จำได้คนเดียว"
        }
        Suggestion::NoNeedForSymbolsDigitsOrUppercaseLetters
        | Suggestion::CapitalizationDoesntHelpVeryMuch
        | Suggestion::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase
        | Suggestion::PredictableSubstitutionsDontHelpVeryMuch => {
            "ความยาวช่วยได้มากกว่าสัญลักษณ์หรือตัวพิมพ์ใหญ่"
        }
        Suggestion::ReversedWordsArentMuchHarderToGuess => "คำที่สะกดกลับหลังไม่ได้ช่วยมากนัก",
        Suggestion::UseALongerKeyboardPatternWithMoreTurns => "หลีกเลี่ยงแป้นที่เรียงติดกัน",
        Suggestion::AvoidRepeatedWordsAndCharacters => "หลีกเลี่ยงคำหรือตัวอักษรที่ซ้ำกัน",
        Suggestion::AvoidSequences => "หลีกเลี่ยงลำดับตัวอักษรหรือตัวเลข",
        Suggestion::AvoidRecentYears
        | Suggestion::AvoidYearsThatAreAssociatedWithYou
        | Suggestion::AvoidDatesAndYearsThatAreAssociatedWithYou => "หลีกเลี่ยงปีเกิด วันสำคัญ หรือปีปัจจุบัน",
    }
}

/// Refuses a weak new password for `field`, naming what makes it weak. `context` is what
/// an attacker would try first: the user's own names.
pub fn require_strong(field: &str, password: &str, context: &[&str]) -> Result<()> {
    validate::password(password).map_err(|p| CoreError::field(field, p))?;
    // Names split into words ("นายสมชาย ใจดี" → both parts).
    let words: Vec<&str> = context.iter().flat_map(|c| c.split_whitespace()).collect();
    let estimate = zxcvbn::zxcvbn(password, &words);
    if u8::from(estimate.score()) >= MIN_SCORE {
        return Ok(());
    }
    let mut why: Vec<&str> = Vec::new();
    if let Some(f) = estimate.feedback() {
        if let Some(w) = f.warning() {
            why.push(warning_th(w));
        }
        why.extend(f.suggestions().iter().map(|s| suggestion_th(*s)));
    }
    if why.is_empty() {
        why.push("ใช้หลายคำต่อกันที่ไม่ใช่วลีที่คุ้นเคย เช่น ประโยคสั้น ๆ ที่จำได้คนเดียว");
    }
    why.dedup();
    let base = FieldError::new(field, FieldProblem::PasswordWeak);
    Err(CoreError::Invalid(vec![FieldError {
        message_th: format!("{} ({})", base.message_th, why.join(" · ")),
        ..base
    }]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(r: Result<()>) -> Option<(FieldProblem, String)> {
        match r {
            Ok(()) => None,
            Err(CoreError::Invalid(e)) => Some((e[0].problem, e[0].message_th.clone())),
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn common_and_personal_passwords_are_refused_with_a_thai_reason() {
        let (p, th) = problem(require_strong("password", "password1", &[])).unwrap();
        assert_eq!(p, FieldProblem::PasswordWeak);
        assert!(th.contains("คนใช้กันมาก"), "{th}");
        let (_, th) = problem(require_strong("password", "12345678", &[])).unwrap();
        assert!(th.contains("คนใช้กันมาก") || th.contains("ลำดับ"), "{th}");
        // the user's own name with a year
        assert!(problem(require_strong("password", "somchai2569", &["somchai"])).is_some());
        assert_eq!(
            problem(require_strong("password", "short", &[])).map(|x| x.0),
            Some(FieldProblem::PasswordTooShort)
        );
        // long Thai phrases and unusual word combinations pass
        for ok in ["รหัสผ่านยาวพอ-2569", "หนึ่งสองสามสี่", "correct horse battery"]
        {
            assert!(
                problem(require_strong("password", ok, &["somchai"])).is_none(),
                "{ok}"
            );
        }
    }
}
