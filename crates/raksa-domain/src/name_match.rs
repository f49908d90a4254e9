//! Matching Thai names for the duplicate check: titles stripped, text normalised, and two
//! Thai phonetic codes from their published rules — **Udom83** (Wannee Udompanich, 1983)
//! and **LK82** (Vichit Lorchirachoonkul, 1982) — whose test vectors (PyThaiNLP's) are in
//! this module's tests. Both fold the first letter to its sound (ณัฐ = นัท) and drop tone
//! marks, silent letters (การันต์) and vowels, so spelling slips of the same spoken name
//! land on the same code; the codes are indexed in the database (`rk_udom83`, `rk_lk82`).

use std::collections::HashMap;
use std::sync::OnceLock;

/// Titles and ranks that precede a name, longest first so "นางสาว" wins over "นาง".
const TITLES: &[&str] = &[
    "ว่าที่ร้อยตรีหญิง",
    "ว่าที่ร้อยตรี",
    "ว่าที่ ร.ต.",
    "ว่าที่ร.ต.",
    "เด็กหญิง",
    "เด็กชาย",
    "นางสาว",
    "พล.ต.อ.",
    "พล.ต.ท.",
    "พล.ต.ต.",
    "ร.ต.อ.",
    "ร.ต.ท.",
    "ร.ต.ต.",
    "พ.ต.อ.",
    "พ.ต.ท.",
    "พ.ต.ต.",
    "ด.ต.",
    "จ.ส.ต.",
    "จ.ส.อ.",
    "ส.ต.อ.",
    "ส.ต.ท.",
    "ส.ต.ต.",
    "จ.ส.ท.",
    "ส.อ.",
    "ส.ท.",
    "ส.ต.",
    "พ.อ.",
    "พ.ท.",
    "พ.ต.",
    "ร.อ.",
    "ร.ท.",
    "ร.ต.",
    "น.ส.",
    "ด.ญ.",
    "ด.ช.",
    "นาย",
    "นาง",
    "mrs.",
    "miss",
    "mr.",
    "ms.",
];

/// The name without a leading title or rank (and the spaces after it).
pub fn strip_title(name: &str) -> &str {
    let t = name.trim_start();
    for title in TITLES {
        if let Some(rest) = strip_prefix_ignore_ascii_case(t, title) {
            let rest = rest.trim_start();
            if !rest.is_empty() {
                return rest;
            }
        }
    }
    t
}

fn strip_prefix_ignore_ascii_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// What the comparison sees of a name: no title, no spaces or invisible characters, the
/// two spellings of sara am (ํา and ำ) as one, ASCII folded to lower case.
pub fn normalise(name: &str) -> String {
    let s = strip_title(name);
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // nikhahit + sara aa, as typed on some keyboards, is sara am
            '\u{0E4D}' if chars.peek() == Some(&'\u{0E32}') => {
                chars.next();
                out.push('\u{0E33}');
            }
            c if c.is_whitespace()
                || matches!(c, '\u{200B}'..='\u{200D}' | '\u{FEFF}' | '.' | '-') => {}
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// The 44 Thai consonants (ฤ and ฦ count as vowels here, as in the rules).
fn is_consonant(c: char) -> bool {
    ('\u{0E01}'..='\u{0E2E}').contains(&c) && c != '\u{0E24}' && c != '\u{0E26}'
}

/// ก-ฮ as a code range (includes ฤ, ฦ).
fn is_letter(c: char) -> bool {
    ('\u{0E01}'..='\u{0E2E}').contains(&c)
}

const THANTHAKHAT: char = '\u{0E4C}';

fn is_below_or_above_vowel(c: char) -> bool {
    ('\u{0E30}'..='\u{0E39}').contains(&c)
}

fn table(from: &str, to: &str) -> HashMap<char, char> {
    let t: HashMap<char, char> = from.chars().zip(to.chars()).collect();
    debug_assert_eq!(from.chars().count(), to.chars().count());
    t
}

/// Removes the silent-letter patterns both algorithms drop: จน์ มณ์ ณฑ์ ทร์ ตร์, a
/// consonant with ์, and a consonant with a vowel and ์ (e.g. the ติ์ of กษัตริย์).
fn drop_silent(text: &[char], letter: fn(char) -> bool) -> Vec<char> {
    const CLUSTERS: [[char; 2]; 5] = [['จ', 'น'], ['ม', 'ณ'], ['ณ', 'ฑ'], ['ท', 'ร'], ['ต', 'ร']];
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let at = |k: usize| text.get(i + k).copied();
        if at(2) == Some(THANTHAKHAT)
            && CLUSTERS
                .iter()
                .any(|c| Some(c[0]) == at(0) && Some(c[1]) == at(1))
        {
            i += 3;
        } else if letter(text[i]) && at(1) == Some(THANTHAKHAT) {
            i += 2;
        } else if letter(text[i])
            && at(1).is_some_and(is_below_or_above_vowel)
            && at(2) == Some(THANTHAKHAT)
        {
            i += 3;
        } else {
            out.push(text[i]);
            i += 1;
        }
    }
    out
}

/// Udom83: first letter folded to its sound class, then up to six digits for the
/// consonants that follow (vowels, tones and silent letters dropped), padded with 0.
pub fn udom83(word: &str) -> String {
    static FIRST: OnceLock<HashMap<char, char>> = OnceLock::new();
    static REST: OnceLock<HashMap<char, char>> = OnceLock::new();
    let first = FIRST.get_or_init(|| {
        table(
            "กขฃคฅฆงจฉชฌซศษสฎดฏตฐฑฒถทธณนบปผพภฝฟมญยรลฬฤฦวอหฮ",
            "กขขขขขงจชชชสสสสดดตตททททททนนบปพพพฟฟมยยรรรรรวอฮฮ",
        )
    });
    let rest = REST.get_or_init(|| {
        table(
            "มวำกขฃคฅฆงยญณนฎฏดตศษสบปพภผฝฟหอฮจฉชซฌฐฑฒถทธรฤลฦ",
            "0001111112233344444445555666666777778888889999",
        )
    });
    let mut t: Vec<char> = word.chars().collect();
    t = rewrite_ror_ror(&t);
    t = rewrite_sara_ai(&t);
    t = rewrite_sara_am(&t);
    t = drop_silent(&t, is_consonant);
    t.retain(|c| !('\u{0E30}'..='\u{0E4C}').contains(c));
    let Some((&head, tail)) = t.split_first() else {
        return String::new();
    };
    let mut code = String::new();
    code.push(*first.get(&head).unwrap_or(&head));
    code.extend(tail.iter().map(|c| *rest.get(c).unwrap_or(c)));
    code.push_str("000000");
    code.chars().take(7).collect()
}

/// รร (ร หัน) read as a vowel: before two consonants (or a consonant and a leading
/// vowel) it is "ั" — the second consonant closes the syllable; anywhere else "ัน".
fn rewrite_ror_ror(t: &[char]) -> Vec<char> {
    let leading_vowel = |c: char| ('\u{0E40}'..='\u{0E44}').contains(&c);
    let mut out = Vec::with_capacity(t.len() + 2);
    let mut i = 0;
    while i < t.len() {
        if t[i] == 'ร' && t.get(i + 1) == Some(&'ร') {
            let next = t.get(i + 2).copied();
            let after = t.get(i + 3).copied();
            if next.is_some_and(is_consonant)
                && after.is_some_and(|c| is_consonant(c) || leading_vowel(c))
            {
                out.push('ั');
            } else {
                out.extend(['ั', 'น']);
            }
            i += 2;
        } else {
            out.push(t[i]);
            i += 1;
        }
    }
    out
}

/// ไ/ใ sound as a final ย: ไ + C + ย drops the ไ; otherwise ไ/ใ + C becomes C + ย.
fn rewrite_sara_ai(t: &[char]) -> Vec<char> {
    let mut out = Vec::with_capacity(t.len() + 2);
    let mut i = 0;
    while i < t.len() {
        let c = t[i];
        let next = t.get(i + 1).copied();
        if c == 'ไ' && next.is_some_and(is_consonant) && t.get(i + 2) == Some(&'ย') {
            out.extend([t[i + 1], 'ย']);
            i += 3;
        } else if (c == 'ไ' || c == 'ใ') && next.is_some_and(is_consonant) {
            out.extend([t[i + 1], 'ย']);
            i += 2;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// ำ sounds as a final ม: ำม + vowel keeps one more ม, ำม is ม, ำ is ม.
fn rewrite_sara_am(t: &[char]) -> Vec<char> {
    let mut out = Vec::with_capacity(t.len());
    let mut i = 0;
    while i < t.len() {
        if t[i] == 'ำ' {
            if t.get(i + 1) == Some(&'ม') {
                if t.get(i + 2).is_some_and(|c| is_below_or_above_vowel(*c)) {
                    out.extend(['ม', 'ม', t[i + 2]]);
                    i += 3;
                } else {
                    out.push('ม');
                    i += 2;
                }
            } else {
                out.push('ม');
                i += 1;
            }
        } else {
            out.push(t[i]);
            i += 1;
        }
    }
    out
}

/// LK82: the first sound (a leading vowel is written before its consonant), then codes
/// for what follows — vowels that separate syllables count, repeated codes collapse —
/// five characters in all.
pub fn lk82(word: &str) -> String {
    static FIRST: OnceLock<HashMap<char, char>> = OnceLock::new();
    static REST: OnceLock<HashMap<char, char>> = OnceLock::new();
    let first = FIRST.get_or_init(|| {
        table(
            "กขฃคฅฆงจฉชฌซศษสญยฎดฏตณนฐฑฒถทธบปผพภฝฟมรลฬฤฦวหฮอ",
            "กกกกกกงจชชชซซซซยยดดตตนนททททททบปพพพฟฟมรรรรรวหหอ",
        )
    });
    let rest = REST.get_or_init(|| {
        table(
            "กขฃคฅฆงจฉชซฌฎฏฐฑฒดตถทธศษสญณนรลฬฤฦบปพฟภผฝมำยวไใหฮาๅึืเแโุูอ",
            "1111112333333333333333333444444445555555667777889AAABCDEEF",
        )
    });
    let code = |c: char| -> String { rest.get(&c).copied().unwrap_or(c).to_string() };
    let mut t: Vec<char> = word
        .chars()
        .filter(|c| !('\u{0E48}'..='\u{0E4B}').contains(c))
        .collect();
    t = drop_silent(&t, is_letter);
    t.retain(|c| !matches!(c, '\u{0E47}' | '\u{0E4D}' | '\u{0E3A}' | 'ๆ' | 'ฯ'));
    if t.is_empty() {
        return String::new();
    }
    let mut parts: Vec<String> = Vec::new();
    let tail: &[char] = if is_letter(t[0]) {
        parts.push(first.get(&t[0]).unwrap_or(&t[0]).to_string());
        &t[1..]
    } else {
        if let Some(c) = t.get(1) {
            parts.push(first.get(c).unwrap_or(c).to_string());
        }
        parts.push(code(t[0]));
        t.get(2..).unwrap_or(&[])
    };
    let mut last_vowel: Option<usize> = None;
    let followed_by_long = |i: usize| tail.get(i + 1).is_some_and(|c| "ึืุู".contains(*c));
    for (i, &c) in tail.iter().enumerate() {
        if "ะัิี".contains(c) {
            last_vowel = Some(i);
            parts.push(String::new());
        } else if "าๅึืู".contains(c) {
            last_vowel = Some(i);
            parts.push(code(c));
        } else if c == 'ุ' {
            last_vowel = Some(i);
            if i == 0 || !"ตธ".contains(tail[i - 1]) {
                parts.push(code(c));
            } else {
                parts.push(String::new());
            }
        } else if "หอ".contains(c) {
            if followed_by_long(i) {
                parts.push(code(c));
            }
        } else if "รวยฤฦ".contains(c) {
            if (i > 0 && last_vowel == Some(i - 1)) || followed_by_long(i) {
                parts.push(code(c));
            }
        } else {
            parts.push(code(c));
        }
    }
    parts.dedup();
    let mut s: String = parts.concat();
    s.push_str("0000");
    s.chars().take(5).collect()
}

/// Edit distance between two names (in characters).
pub fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let sub = prev[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            cur[j] = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// How alike two written names are, 0.0–1.0 (1 − edit distance / longer length).
pub fn similarity(a: &str, b: &str) -> f64 {
    let n = a.chars().count().max(b.chars().count());
    if n == 0 {
        return 0.0;
    }
    1.0 - levenshtein(a, b) as f64 / n as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// PyThaiNLP's vectors (Apache-2.0), quoted in the domain reference §10.
    #[test]
    fn udom83_conformance() {
        for (word, code) in [
            ("สมชาย", "ส072000"),
            ("สมชัย", "ส072000"),
            ("ณัฐ", "น800000"),
            ("นัท", "น800000"),
            ("พรรณี", "พ330000"),
            ("พันนี", "พ330000"),
            ("ลัก", "ร100000"),
            ("รัก", "ร100000"),
            ("รักษ์", "ร100000"),
            ("บูรณการ", "บ931900"),
            ("ปัจจุบัน", "ป775300"),
            ("รถ", "ร800000"),
            ("น์", ""),
            ("", ""),
        ] {
            assert_eq!(udom83(word), code, "udom83({word})");
        }
        assert_eq!(udom83("เหตุ"), udom83("เหด"));
    }

    #[test]
    fn lk82_conformance() {
        for (word, code) in [
            ("รัก", "ร1000"),
            ("ลัก", "ร1000"),
            ("รักษ์", "ร1000"),
            ("ประยุทธ", "ป7E30"),
            ("บูรณการ", "บE419"),
            ("ปัจจุบัน", "ป3E54"),
            ("รถ", "ร3000"),
            ("น์", ""),
            ("", ""),
        ] {
            assert_eq!(lk82(word), code, "lk82({word})");
        }
        assert_eq!(lk82("เหตุ"), lk82("เหด"));
        // words the reference only checks for not failing
        for w in [
            "เกาะ",
            "อุยกูร์",
            "หยากไย่",
            "หอ",
            "อยู่",
            "อู่",
            "อย่าง",
            "เหย้า",
            "หยุด",
            "หืออือ",
        ] {
            assert!(!lk82(w).is_empty(), "{w}");
        }
    }

    #[test]
    fn titles_and_spelling_noise_are_ignored() {
        assert_eq!(strip_title("นางสาว มาลี"), "มาลี");
        assert_eq!(strip_title("ด.ช.ธนา"), "ธนา");
        assert_eq!(strip_title("ร.ต.อ. สมชาย"), "สมชาย");
        assert_eq!(
            strip_title("นาง"),
            "นาง",
            "a name that is only a title stays"
        );
        assert_eq!(normalise("  นาย สม ชาย "), "สมชาย");
        assert_eq!(normalise("กํา"), normalise("กำ"));
        // the same spoken name written differently
        for (a, b) in [("ณัฐพล", "นัฐพล"), ("ศิริพร", "สิริพร"), ("กาญจนา", "กาญจณา")]
        {
            assert_eq!(udom83(a), udom83(b), "{a} / {b}");
        }
        assert_eq!(levenshtein("สมชาย", "สมชัย"), 1);
        assert!(similarity("สมศักดิ์", "สมศักด์") > 0.8);
    }
}
